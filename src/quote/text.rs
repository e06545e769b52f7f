//! The quote for a terminal: a text summary, the worksheet, declines, and the aligned table
//! layout they use (display-width aware for Chinese text).

use crate::rating::Failure;

use super::{ChargeLine, Quote, VatTreatment};

/// A readable summary for a terminal.
pub fn to_text(q: &Quote, explain: bool) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Quote {}  ({} / {})",
        q.quote_id, q.product.name.en, q.product.name.zh
    );
    let _ = writeln!(
        o,
        "Product   {}@{}  filing {}",
        q.product.code, q.product.version, q.product.filing
    );
    let _ = writeln!(o, "Insurer   {}", q.product.insurer);
    let _ = writeln!(
        o,
        "Cover     {} to {} ({} months)",
        q.cover.start, q.cover.end, q.cover.term_months
    );
    if let Some(f) = &q.cover.short_period_factor {
        let _ = writeln!(o, "          short-period factor {f}");
    }
    let _ = writeln!(
        o,
        "Policyholder {}{}",
        q.policyholder.name,
        q.policyholder
            .id
            .as_ref()
            .map(|i| format!(" ({i})"))
            .unwrap_or_default()
    );
    let _ = writeln!(o, "Members   {}", q.members.len());
    let _ = writeln!(o);
    let mut rows = vec![[
        "COVERAGE".to_string(),
        "TERMS".into(),
        "VAT".into(),
        "PREMIUM".into(),
        "NET".into(),
        "VAT AMOUNT".into(),
    ]];
    for c in &q.coverages {
        let terms: Vec<String> = c.terms.iter().map(|(k, v)| format!("{k}={v}")).collect();
        rows.push([
            format!("{} {}", c.code, c.name.en),
            terms.join(" "),
            match c.vat {
                VatTreatment::Taxable => "taxable".to_string(),
                VatTreatment::Exempt => "exempt".to_string(),
            },
            c.premium.clone(),
            c.net.clone(),
            c.vat_amount.clone(),
        ]);
    }
    o.push_str(&table(&rows));
    if let Some(m) = &q.minimum_premium
        && m.applied
    {
        let _ = writeln!(
            o,
            "Minimum premium {} applied: +{} on {}",
            m.amount,
            m.adjustment,
            m.coverage.clone().unwrap_or_default()
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
            c.amount,
            if c.included { "included" } else { "added" }
        );
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "Total {} {}  (net {}, tax {})",
        q.currency, q.totals.gross, q.totals.net, q.totals.tax
    );
    payment_lines(&mut o, q);
    super::pension_text::pension_lines(&mut o, q);
    if let Some(rows) = &q.illustration {
        let _ = writeln!(o, "\nBenefit illustration");
        let mut t = vec![[
            "YEAR".to_string(),
            "AGE".into(),
            "PREMIUM".into(),
            "PAID SO FAR".into(),
            "SURVIVAL".into(),
            "DEATH".into(),
        ]];
        for r in rows {
            t.push([
                r.year.to_string(),
                r.age.clone(),
                r.premium.clone(),
                r.cumulative_premium.clone(),
                r.survival_benefit.clone(),
                r.death_benefit.clone(),
            ]);
        }
        o.push_str(&table(&t));
    }
    if explain {
        worksheet_lines(&mut o, q);
    }
    o
}

/// One line per payment option: instalments, or the pension account, or why there is none.
fn payment_lines(o: &mut String, q: &Quote) {
    use std::fmt::Write;
    for opt in &q.payment_options {
        match &opt.schedule {
            Some(s) => {
                let first = s
                    .instalments
                    .first()
                    .map(|i| i.amount.to_string())
                    .unwrap_or_default();
                let _ = writeln!(
                    o,
                    "Plan {:<12} {} instalment(s), first {first}, total {}",
                    opt.code,
                    s.instalments.len(),
                    s.total
                );
            }
            None => match (&opt.projection, &opt.payout) {
                (Some(pr), Some(pay)) => {
                    let _ = writeln!(
                        o,
                        "Plan {:<12} account {} after {} year(s); pension {} a year ({} x {})",
                        opt.code,
                        pr.final_balance,
                        pr.years.len(),
                        pay.yearly_amount,
                        pay.payments_per_year,
                        pay.payment
                    );
                }
                (Some(pr), None) => {
                    let _ = writeln!(
                        o,
                        "Plan {:<12} account {} after {} year(s)",
                        opt.code,
                        pr.final_balance,
                        pr.years.len()
                    );
                }
                _ => {
                    let _ = writeln!(
                        o,
                        "Plan {:<12} {}",
                        opt.code,
                        opt.note.clone().unwrap_or_default()
                    );
                }
            },
        }
    }
}

/// The worksheet: each step with its operands, table rows, result and premium.
fn worksheet_lines(o: &mut String, q: &Quote) {
    use std::fmt::Write;
    let _ = writeln!(o, "\nWorksheet");
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
            line.push_str(c);
            if i + 1 < N {
                line.push_str(&" ".repeat(widths[i] - display_width(c) + 2));
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
