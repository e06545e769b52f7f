//! The quote for a terminal, read like a statement: a text summary, the worksheet, declines,
//! and the aligned table layout they use (display-width aware for Chinese text).
//!
//! Amounts are grouped by thousands and right-aligned (`10,932.36`), coverages go by name,
//! terms in words (`ratio 90%`, `sum insured 500,000.00`). The text is for reading only; the
//! JSON quote is the record. With `styled`, headers are bold (ANSI) for a terminal.

use rust_decimal::Decimal;

use crate::money::{self, Currency};
use crate::rating::Failure;

use super::{ChargeLine, Quote, VatTreatment};

/// A readable summary for a terminal, without colour.
pub fn to_text(q: &Quote, explain: bool) -> String {
    to_text_styled(q, explain, false)
}

/// A readable summary for a terminal; headers in bold when `styled`.
pub fn to_text_styled(q: &Quote, explain: bool, styled: bool) -> String {
    use std::fmt::Write;
    let currency = Currency::from_code(&q.currency);
    let amount = |s: &str| grouped(s, currency);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}  ({} / {})",
        bold(&format!("Quote {}", q.quote_id), styled),
        q.product.name.en,
        q.product.name.zh
    );
    let _ = writeln!(
        o,
        "Product       {}@{}, filing {}",
        q.product.code, q.product.version, q.product.filing
    );
    let _ = writeln!(o, "Insurer       {}", q.product.insurer);
    if q.pension.is_some() {
        // A pension's cover runs to the end of the payout; its term is the premium term.
        let _ = writeln!(
            o,
            "Cover         {} to {} (premiums over {} months)",
            q.cover.start, q.cover.end, q.cover.term_months
        );
    } else {
        let _ = writeln!(
            o,
            "Cover         {} to {} ({} months)",
            q.cover.start, q.cover.end, q.cover.term_months
        );
    }
    if let Some(f) = &q.cover.short_period_factor {
        let _ = writeln!(o, "              short-period factor {}", percent(f));
    }
    let _ = writeln!(
        o,
        "Policyholder  {}{}",
        q.policyholder.name,
        q.policyholder
            .id
            .as_ref()
            .map(|i| format!(" ({i})"))
            .unwrap_or_default()
    );
    let _ = writeln!(o, "Members       {}", q.members.len());
    let _ = writeln!(o);
    let mut rows = vec![[
        "Coverage".to_string(),
        "Terms".into(),
        "VAT".into(),
        format!("Premium ({})", q.currency),
        "Net".into(),
        "VAT amount".into(),
    ]];
    for c in &q.coverages {
        let terms: Vec<String> = c
            .terms
            .iter()
            .map(|(k, v)| term_words(k, v, currency))
            .collect();
        rows.push([
            c.name.en.clone(),
            terms.join(", "),
            match c.vat {
                VatTreatment::Taxable => "taxable".to_string(),
                VatTreatment::Exempt => "exempt".to_string(),
            },
            amount(&c.premium),
            amount(&c.net),
            amount(&c.vat_amount),
        ]);
    }
    o.push_str(&header_bold(table_aligned(&rows, &[3, 4, 5]), styled));
    if let Some(m) = &q.minimum_premium
        && m.applied
    {
        let name = q
            .coverages
            .iter()
            .find(|c| Some(&c.code) == m.coverage.as_ref())
            .map(|c| c.name.en.clone())
            .or_else(|| m.coverage.clone())
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "Minimum premium {} applied: +{} on {name}",
            amount(&m.amount),
            amount(&m.adjustment),
        );
    }
    for c in q
        .charges
        .iter()
        .filter(|c| matches!(c.kind, ChargeLine::StampDuty | ChargeLine::Fee))
    {
        let _ = writeln!(
            o,
            "{} {} ({})",
            c.name.en,
            amount(&c.amount),
            if c.included { "included" } else { "added" }
        );
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{}  (net {}, tax {})",
        bold(
            &format!("Total {} {}", q.currency, amount(&q.totals.gross)),
            styled
        ),
        amount(&q.totals.net),
        amount(&q.totals.tax)
    );
    payment_lines(&mut o, q, currency);
    super::pension_text::pension_lines(&mut o, q);
    if let Some(rows) = &q.illustration {
        let _ = writeln!(o, "\n{}", bold("Benefit illustration", styled));
        let mut t = vec![[
            "Year".to_string(),
            "Age".into(),
            "Premium".into(),
            "Paid so far".into(),
            "Survival".into(),
            "Death".into(),
        ]];
        for r in rows {
            t.push([
                r.year.to_string(),
                r.age.clone(),
                amount(&r.premium),
                amount(&r.cumulative_premium),
                amount(&r.survival_benefit),
                amount(&r.death_benefit),
            ]);
        }
        o.push_str(&header_bold(table_aligned(&t, &[0, 1, 2, 3, 4, 5]), styled));
    }
    if explain {
        worksheet_lines(&mut o, q, styled);
    }
    o
}

/// `text` in bold for a terminal.
fn bold(text: &str, styled: bool) -> String {
    if styled {
        let s = anstyle::Style::new().bold();
        format!("{s}{text}{s:#}")
    } else {
        text.to_string()
    }
}

/// A laid-out table with its first line (the header) in bold.
fn header_bold(table: String, styled: bool) -> String {
    if !styled {
        return table;
    }
    match table.split_once('\n') {
        Some((head, rest)) => format!("{}\n{rest}", bold(head, true)),
        None => table,
    }
}

/// An amount written in the quote (`10932.36`) grouped by thousands to the currency's minor
/// unit (`10,932.36`); text that is not a number is kept as it is.
fn grouped(text: &str, currency: Option<Currency>) -> String {
    match text.parse::<Decimal>() {
        Ok(d) => match currency {
            Some(c) => c.format_grouped(d),
            None => money::format_grouped(d),
        },
        Err(_) => text.to_string(),
    }
}

/// A fraction as a percentage: `0.9` → `90%`, `0.875` → `87.5%`.
fn percent(text: &str) -> String {
    match text
        .parse::<Decimal>()
        .ok()
        .and_then(|d| d.checked_mul(Decimal::ONE_HUNDRED))
    {
        Some(p) => format!("{}%", p.normalize()),
        None => text.to_string(),
    }
}

/// A coverage term in words: its name with spaces, and its value as a percentage (ratios,
/// rates, shares), an amount (sums insured, deductibles, limits, daily amounts) or a number
/// (days, tiers and anything else).
fn term_words(name: &str, value: &str, currency: Option<Currency>) -> String {
    let words = name.replace('_', " ");
    let counted = ["_days", "_years", "_months", "_times", "_count"]
        .iter()
        .any(|s| name.ends_with(s));
    let is_percent = !counted
        && (name == "ratio"
            || ["_ratio", "_rate", "_share", "_percent"]
                .iter()
                .any(|s| name.ends_with(s)));
    let is_amount = !counted
        && ["sum", "deductible", "limit", "amount", "daily", "excess"]
            .iter()
            .any(|s| name.contains(s));
    let value = if is_percent {
        percent(value)
    } else if is_amount {
        grouped(value, currency)
    } else {
        value.to_string()
    };
    format!("{words} {value}")
}

/// One line per payment option: instalments, or the pension account, or why there is none.
fn payment_lines(o: &mut String, q: &Quote, currency: Option<Currency>) {
    use std::fmt::Write;
    let amount = |d: Decimal| match currency {
        Some(c) => c.format_grouped(d),
        None => money::format_grouped(d),
    };
    let width = q
        .payment_options
        .iter()
        .map(|p| display_width(&p.code))
        .max()
        .unwrap_or(0);
    for opt in &q.payment_options {
        let name = &opt.code;
        let pad = " ".repeat(width - display_width(name));
        let mut line = String::new();
        match &opt.schedule {
            Some(s) => {
                let first = s
                    .instalments
                    .first()
                    .map(|i| amount(i.amount))
                    .unwrap_or_default();
                let _ = write!(
                    line,
                    "Plan {name}{pad}  {} instalment(s), first {first}, total {}",
                    s.instalments.len(),
                    amount(s.total)
                );
            }
            None => match (&opt.projection, &opt.payout) {
                (Some(pr), Some(pay)) => {
                    let _ = write!(
                        line,
                        "Plan {name}{pad}  account {} after {} year(s); pension {} a year ({} x {})",
                        amount(pr.final_balance),
                        pr.years.len(),
                        amount(pay.yearly_amount),
                        pay.payments_per_year,
                        amount(pay.payment)
                    );
                }
                (Some(pr), None) => {
                    let _ = write!(
                        line,
                        "Plan {name}{pad}  account {} after {} year(s)",
                        amount(pr.final_balance),
                        pr.years.len()
                    );
                }
                _ => {
                    let _ = write!(
                        line,
                        "Plan {name}{pad}  {}",
                        opt.note.clone().unwrap_or_default()
                    );
                }
            },
        }
        // A plan with a name of its own gives it after its line.
        if let Some(n) = opt.name.as_ref().filter(|n| n.en != opt.code) {
            let _ = write!(line, "  ({})", n.en);
        }
        let _ = writeln!(o, "{line}");
    }
}

/// The worksheet: each step with its operands, table rows, result and premium.
fn worksheet_lines(o: &mut String, q: &Quote, styled: bool) {
    use std::fmt::Write;
    let _ = writeln!(o, "\n{}", bold("Worksheet", styled));
    for w in &q.worksheet {
        let _ = writeln!(
            o,
            "  {} [{}] = {}  ({})",
            w.step,
            w.scope,
            w.formula.split_whitespace().collect::<Vec<_>>().join(" "),
            w.line
        );
        for op in &w.operands {
            if let Some(t) = op.get("table") {
                let keys: Vec<String> = op["key"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|k| {
                                format!(
                                    "{}={}",
                                    k["name"].as_str().unwrap_or(""),
                                    k["value"].as_str().unwrap_or("")
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let matched: Vec<String> = op["matched"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                let _ = writeln!(
                    o,
                    "      {}[{}] -> row [{}] at {} = {}",
                    t.as_str().unwrap_or(""),
                    keys.join(", "),
                    matched.join(", "),
                    op["row"].as_str().unwrap_or(""),
                    op["value"].as_str().unwrap_or("")
                );
            } else {
                let _ = writeln!(
                    o,
                    "      {} = {}",
                    op["name"].as_str().unwrap_or(""),
                    op["value"].as_str().unwrap_or("")
                );
            }
        }
        if w.result == w.rounded {
            let _ = writeln!(o, "      result {}", w.result);
        } else {
            let _ = writeln!(o, "      result {} -> rounded {}", w.result, w.rounded);
        }
        if let Some(p) = &w.premium {
            match &q.cover.short_period_factor {
                Some(f) => {
                    let _ = writeln!(o, "      premium {p} (x short-period factor {f}, rounded)");
                }
                None => {
                    let _ = writeln!(o, "      premium {p} (rounded)");
                }
            }
        }
    }
}

/// A decline for a terminal.
pub fn decline_text(failures: &[Failure]) -> String {
    let mut o = String::from("declined:\n");
    for f in failures {
        let who = match (&f.member, &f.member_name, f.row) {
            (Some(m), Some(n), Some(row)) => format!(" (member {m}, {n}, census row {row})"),
            (Some(m), Some(n), None) => format!(" (member {m}, {n})"),
            (Some(m), None, _) => format!(" (member {m})"),
            _ => String::new(),
        };
        o.push_str(&format!(
            "  - {}{who}: {} / {}\n",
            f.rule, f.message_en, f.message_zh
        ));
    }
    o
}

/// Lays out rows as aligned columns (display width aware for CJK text).
pub fn table<const N: usize>(rows: &[[String; N]]) -> String {
    table_aligned(rows, &[])
}

/// [`table`], with the columns numbered in `right` aligned to the right (amounts).
pub fn table_aligned<const N: usize>(rows: &[[String; N]], right: &[usize]) -> String {
    let mut widths = [0usize; N];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(display_width(c));
        }
    }
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            let pad = " ".repeat(widths[i] - display_width(c));
            if right.contains(&i) {
                line.push_str(&pad);
                line.push_str(c);
            } else {
                line.push_str(c);
                line.push_str(&pad);
            }
            if i + 1 < N {
                line.push_str("  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Terminal columns a string takes: CJK characters take two.
pub fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let u = c as u32;
            if (0x1100..=0x115F).contains(&u)
                || (0x2E80..=0xA4CF).contains(&u)
                || (0xAC00..=0xD7A3).contains(&u)
                || (0xF900..=0xFAFF).contains(&u)
                || (0xFE30..=0xFE4F).contains(&u)
                || (0xFF00..=0xFF60).contains(&u)
                || (0xFFE0..=0xFFE6).contains(&u)
            {
                2
            } else {
                1
            }
        })
        .sum()
}
