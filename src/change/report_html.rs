//! The impact report as one self-contained HTML page: inline CSS and SVG charts (the histogram
//! of per-record change and the attribution waterfall), no scripts, nothing fetched.
//!
//! Invariant: every text from a product or a book is escaped; the page depends only on the
//! report (same report, same bytes).

use rust_decimal::Decimal;

use super::impact::Report;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn pct(x: Option<Decimal>) -> String {
    match x {
        Some(d) if d > Decimal::ZERO => format!("+{d:.2}%"),
        Some(d) => format!("{d:.2}%"),
        None => "-".into(),
    }
}

/// A bar chart of the histogram.
fn histogram_svg(r: &Report) -> String {
    let max = r
        .histogram
        .iter()
        .map(|b| b.records)
        .max()
        .unwrap_or(0)
        .max(1);
    // Pixel geometry in whole pixels from record counts; no amount passes through it.
    let (w, h, bw): (u64, u64, u64) = (660, 200, 50);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{}\" role=\"img\" aria-label=\"Histogram of the change per record\">",
        h + 40
    );
    for (i, b) in r.histogram.iter().enumerate() {
        let bh = b.records.saturating_mul(h) / max;
        let x = i as u64 * (bw + 5) + 5;
        let label = match (b.from, b.to) {
            (None, Some(t)) => format!("&lt;{t}"),
            (Some(f), None) => format!("≥{f}"),
            (Some(f), _) => format!("{f}"),
            _ => String::new(),
        };
        s.push_str(&format!(
            "<rect x=\"{x}\" y=\"{}\" width=\"{bw}\" height=\"{bh}\" fill=\"#4a7ab0\"><title>{} records</title></rect><text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{label}</text><text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
            h - bh,
            b.records,
            x + bw / 2,
            h + 15,
            x + bw / 2,
            h.saturating_sub(bh + 3).max(10),
            b.records
        ));
    }
    s.push_str("</svg>");
    s
}

/// A pixel coordinate to one decimal place, halves away from zero.
fn px1(v: Decimal) -> Decimal {
    v.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

/// A waterfall of the attribution: each share as a bar from the running total.
fn waterfall_svg(r: &Report) -> String {
    let n = r.attribution.len();
    // Bar geometry in Decimal: the amounts never pass through a float. A book whose changes
    // overflow the arithmetic gets no chart (the table below still states every share).
    let mut running = Decimal::ZERO;
    let (mut lo, mut hi) = (Decimal::ZERO, Decimal::ZERO);
    for a in &r.attribution {
        let Some(next) = running.checked_add(a.change) else {
            return String::new();
        };
        running = next;
        lo = lo.min(running);
        hi = hi.max(running);
    }
    let span = (hi - lo).max(Decimal::ONE);
    let (w, row) = (Decimal::from(640), Decimal::from(26));
    let height = row * Decimal::from(n + 1) + Decimal::from(10);
    let x = |v: Decimal| {
        let px = (v - lo)
            .checked_div(span)
            .and_then(|t| t.checked_mul(w - Decimal::from(280)))
            .unwrap_or(Decimal::ZERO);
        px1(Decimal::from(260) + px)
    };
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{height}\" role=\"img\" aria-label=\"Attribution of the total change\">"
    );
    running = Decimal::ZERO;
    for (i, a) in r
        .attribution
        .iter()
        .chain(std::iter::once(&super::impact::Share {
            item: "total change".into(),
            change: r.total_change,
            percent: None,
        }))
        .enumerate()
    {
        let total = i == n;
        let (from, to) = if total {
            (Decimal::ZERO, a.change)
        } else {
            let from = running;
            running += a.change;
            (from, running)
        };
        let (x0, x1) = (x(from.min(to)), x(from.max(to)));
        let y = row * Decimal::from(i) + Decimal::from(5);
        let color = if total {
            "#555"
        } else if to >= from {
            "#c0504d"
        } else {
            "#4f9a5b"
        };
        s.push_str(&format!(
            "<text x=\"0\" y=\"{}\" font-size=\"12\">{}</text><rect x=\"{x0}\" y=\"{y}\" width=\"{}\" height=\"{}\" fill=\"{color}\"><title>{}</title></rect>",
            px1(y + row * Decimal::new(6, 1)),
            esc(&a.item),
            (x1 - x0).max(Decimal::ONE),
            row - Decimal::from(8),
            a.change
        ));
    }
    s.push_str("</svg>");
    s
}

/// The report as an HTML page; `money` prints amounts.
pub fn html(r: &Report, money: &dyn Fn(Decimal) -> String) -> String {
    let mut s = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Impact</title><style>body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}th{background:#f2f2f2}td.l,th.l{text-align:left}</style></head><body>\n",
    );
    s.push_str(&format!(
        "<h1>Impact of {} → {}</h1>\n<p>{} records: rated under both {}, newly declined {}, newly eligible {}, declined by both {}, errors {}.</p>\n",
        esc(&r.old),
        esc(&r.new),
        r.records,
        r.rated_both,
        r.newly_declined,
        r.newly_eligible,
        r.declined_both,
        r.errors
    ));
    s.push_str(&format!(
        "<table><tr><th>Total premium, old</th><th>new</th><th>change</th><th>relative</th></tr><tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr></table>\n",
        money(r.total_old),
        money(r.total_new),
        money(r.total_change),
        pct(r.total_relative)
    ));
    s.push_str("<h2>Change per record</h2>\n<table><tr>");
    for (q, _) in &r.percentiles {
        s.push_str(&format!("<th>p{q}</th>"));
    }
    s.push_str("</tr><tr>");
    for (_, v) in &r.percentiles {
        s.push_str(&format!("<td>{}</td>", pct(Some(*v))));
    }
    s.push_str("</tr></table>\n");
    s.push_str(&histogram_svg(r));
    s.push_str("\n<h2>Attribution</h2>\n<p>The changed pricing items are applied one at a time in rating-plan order, the book re-rated after each; each share is the change that item makes at its place in this order, and the shares add up to the total change.</p>\n<table><tr><th>#</th><th class=\"l\">Item</th><th>Change</th><th>Share</th></tr>");
    for (i, a) in r.attribution.iter().enumerate() {
        s.push_str(&format!(
            "<tr><td>{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td></tr>",
            i + 1,
            esc(&a.item),
            money(a.change),
            a.percent
                .map(|p| format!("{p:.2}%"))
                .unwrap_or_else(|| "-".into())
        ));
    }
    s.push_str("</table>\n");
    s.push_str(&waterfall_svg(r));
    s.push_str("\n<h2>Largest changes</h2>\n<table><tr><th>Record</th><th>Row</th><th>Old</th><th>New</th><th>Change</th><th>Relative</th></tr>");
    for c in &r.largest {
        s.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            c.record,
            c.row,
            money(c.old),
            money(c.new),
            money(c.change),
            pct(c.relative)
        ));
    }
    s.push_str("</table>\n");
    for (title, list) in [
        ("Newly declined", &r.newly_declined_records),
        ("Newly eligible", &r.newly_eligible_records),
        ("Errors", &r.error_records),
    ] {
        if list.is_empty() {
            continue;
        }
        s.push_str(&format!(
            "<h2>{title}</h2>\n<table><tr><th>Record</th><th>Row</th><th class=\"l\">Reason</th></tr>"
        ));
        for l in list {
            s.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td class=\"l\">{}</td></tr>",
                l.record,
                l.row,
                esc(&l.reason)
            ));
        }
        s.push_str("</table>\n");
    }
    s.push_str("</body></html>\n");
    s
}
