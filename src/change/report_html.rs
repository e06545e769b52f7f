//! The impact report as one self-contained HTML page: inline CSS and SVG charts (the histogram
//! of per-record change and the attribution waterfall), no scripts, nothing fetched.
//!
//! Invariant: every text from a product or a book is escaped; the page depends only on the
//! report (same report, same bytes).

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

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
    let (w, h, bw) = (660.0, 200.0, 50.0);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{}\" role=\"img\" aria-label=\"Histogram of the change per record\">",
        h + 40.0
    );
    for (i, b) in r.histogram.iter().enumerate() {
        let bh = (b.records as f64 / max as f64) * h;
        let x = i as f64 * (bw + 5.0) + 5.0;
        let label = match (b.from, b.to) {
            (None, Some(t)) => format!("&lt;{t}"),
            (Some(f), None) => format!("≥{f}"),
            (Some(f), _) => format!("{f}"),
            _ => String::new(),
        };
        s.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bw}\" height=\"{bh:.1}\" fill=\"#4a7ab0\"><title>{} records</title></rect><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{label}</text><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
            h - bh,
            b.records,
            x + bw / 2.0,
            h + 15.0,
            x + bw / 2.0,
            (h - bh - 3.0).max(10.0),
            b.records
        ));
    }
    s.push_str("</svg>");
    s
}

/// A waterfall of the attribution: each share as a bar from the running total.
fn waterfall_svg(r: &Report) -> String {
    let n = r.attribution.len();
    let f = |d: Decimal| d.to_f64().unwrap_or(0.0);
    let mut running = 0.0f64;
    let mut lo = 0.0f64;
    let mut hi = 0.0f64;
    for a in &r.attribution {
        running += f(a.change);
        lo = lo.min(running);
        hi = hi.max(running);
    }
    let span = (hi - lo).max(1e-9);
    let (w, row) = (640.0, 26.0);
    let height = row * (n as f64 + 1.0) + 10.0;
    let x = |v: f64| 260.0 + (v - lo) / span * (w - 280.0);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{height}\" role=\"img\" aria-label=\"Attribution of the total change\">"
    );
    running = 0.0;
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
            (0.0, f(a.change))
        } else {
            let from = running;
            running += f(a.change);
            (from, running)
        };
        let (x0, x1) = (x(from.min(to)), x(from.max(to)));
        let y = i as f64 * row + 5.0;
        let color = if total {
            "#555"
        } else if to >= from {
            "#c0504d"
        } else {
            "#4f9a5b"
        };
        s.push_str(&format!(
            "<text x=\"0\" y=\"{:.1}\" font-size=\"12\">{}</text><rect x=\"{x0:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{color}\"><title>{}</title></rect>",
            y + row * 0.6,
            esc(&a.item),
            (x1 - x0).max(1.0),
            row - 8.0,
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
