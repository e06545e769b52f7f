//! A settlement as text (the summary, and the worksheet with `--explain`) and as JSON.

use std::fmt::Write;

use super::settle::{ClaimPath, Settlement};

/// Deterministic, pretty JSON of a settlement.
pub fn to_json(s: &Settlement) -> String {
    serde_json::to_string_pretty(s).unwrap_or_default()
}

/// What `coverwright claim --format json` prints and `POST /v1/claims` answers: the pretty
/// JSON of [`to_json`] ending in a newline.
pub fn settlement_json(s: &Settlement) -> String {
    let mut t = to_json(s);
    t.push('\n');
    t
}

/// One JSON line of a settlement (streaming runs).
pub fn to_line(s: &Settlement) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// The settlement for people; `explain` adds every operand of every step.
pub fn to_text(s: &Settlement, explain: bool) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Settlement {} on policy {} ({})",
        if s.claim_id.is_empty() {
            "-"
        } else {
            &s.claim_id
        },
        s.policy,
        s.product
    );
    let _ = writeln!(o, "  insured      {}", s.insured.as_deref().unwrap_or("-"));
    let _ = writeln!(
        o,
        "  event        {} ({}), policy year {}",
        s.event_date, s.event_id, s.policy_year
    );
    let _ = writeln!(o, "  cover        {} to {}", s.cover_start, s.cover_end);
    let _ = writeln!(o, "  decision     {}", s.decision.as_str());
    for r in &s.reasons {
        let scope = r
            .coverage
            .as_deref()
            .map(|c| format!(" [{c}]"))
            .unwrap_or_default();
        let _ = writeln!(o, "    - {}{scope}: {}", r.rule, r.message.en);
    }
    for c in &s.coverages {
        let _ = writeln!(
            o,
            "\n  {} ({}){}",
            c.code,
            c.name.en,
            if c.declined { " — declined" } else { "" }
        );
        for (k, v) in &c.inputs {
            let _ = writeln!(o, "    {k:<20} {v}");
        }
        for st in &c.steps {
            let _ = writeln!(
                o,
                "    {:<20} = {:>14}   {}",
                st.step,
                st.value,
                st.formula.split_whitespace().collect::<Vec<_>>().join(" ")
            );
            if explain {
                if let Some(n) = &st.note {
                    let _ = writeln!(o, "{:27}note: {n}", "");
                }
                let _ = writeln!(o, "{:27}at {}", "", st.line);
                for op in &st.operands {
                    let _ = writeln!(o, "{:27}{}", "", operand(op));
                }
            }
        }
        let _ = writeln!(o, "    {:<20} = {:>14}", "due", c.due);
        for l in &c.limits {
            let per = serde_json::to_value(l.per)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "    limit {:<14} {:>14} per {per}, used {}, remaining {}{}",
                l.limit,
                l.amount,
                l.used_before,
                l.remaining,
                if l.reached { "  (reached)" } else { "" }
            );
        }
        let _ = writeln!(o, "    {:<20} = {:>14}", "payable", c.payable);
    }
    let _ = writeln!(o, "\n  subtotal     {} {}", s.subtotal, s.currency);
    for d in &s.deductions {
        let _ = writeln!(o, "  less         {} ({})", d.amount, d.what.en);
    }
    let _ = writeln!(o, "  payable      {} {}", s.payable, s.currency);
    let path = match s.path {
        ClaimPath::Simple => "simple",
        ClaimPath::Standard => "standard",
    };
    let _ = writeln!(
        o,
        "  path         {path}; documents: {}",
        s.documents_needed.join(", ")
    );
    if !s.documents_missing.is_empty() {
        let _ = writeln!(o, "  missing      {}", s.documents_missing.join(", "));
    }
    match &s.dates {
        Some(d) => {
            let _ = write!(
                o,
                "  dates        complete {}, decision by {}",
                d.complete_on, d.decision_by
            );
            if let Some(x) = &d.payment_by {
                let _ = write!(o, ", payment by {x}");
            }
            if let Some(x) = &d.notice_by {
                let _ = write!(o, ", notice by {x}");
            }
            let _ = writeln!(o);
        }
        None => {
            let _ = writeln!(o, "  dates        when the missing documents are received");
        }
    }
    o
}

fn operand(v: &serde_json::Value) -> String {
    let get = |k: &str| {
        v.get(k)
            .and_then(|x| x.as_str())
            .unwrap_or_default()
            .to_string()
    };
    if v.get("table").is_some() {
        format!(
            "{}[…].{} = {} (row {})",
            get("table"),
            get("column"),
            get("value"),
            get("row")
        )
    } else {
        format!("{} = {}", get("name"), get("value"))
    }
}
