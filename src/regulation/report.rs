//! The listing of `coverwright rules`: the baseline a product author is held to, by line and
//! date, with sources, as text or JSON; and the JSON Schema of `regulation.yaml`.
//!
//! Output is deterministic: rules in file order, grouped by line in the order of
//! `Line::ALL`; without a date every period is listed with its dates.

use std::path::Path;

use chrono::NaiveDate;

use super::{Baseline, FILE_NAME, Rule};
use crate::product::Line;

/// The JSON Schema of the baseline file, as pretty-printed JSON.
pub fn schema() -> String {
    let schema = schemars::schema_for!(super::raw::RawBaseline);
    serde_json::to_string_pretty(&schema).unwrap_or_else(|_| "{}".to_string())
}

/// The file a listing names: the folder's `regulation.yaml`, or the built-in baseline.
pub fn shown_file(dir: &Path, b: &Baseline) -> String {
    if dir.join(FILE_NAME).is_file() {
        dir.join(FILE_NAME).display().to_string()
    } else {
        format!("built-in ({})", b.file().display())
    }
}

pub fn to_json(file: &str, on: Option<NaiveDate>, selected: &[(Line, Vec<&Rule>)]) -> String {
    let lines: Vec<serde_json::Value> = selected
        .iter()
        .map(|(l, rules)| {
            serde_json::json!({
                "line": l.as_str(),
                "rules": rules,
            })
        })
        .collect();
    let v = serde_json::json!({
        "baseline": file,
        "on": on.map(|d| d.to_string()),
        "lines": lines,
    });
    serde_json::to_string_pretty(&v).unwrap_or_else(|_| "{}".into())
}

pub fn to_text(file: &str, on: Option<NaiveDate>, selected: &[(Line, Vec<&Rule>)]) -> String {
    let mut s = format!("Regulatory baseline: {file}\n");
    match on {
        Some(d) => s.push_str(&format!("Rules in force on {d}\n")),
        None => s.push_str("Every period of every rule\n"),
    }
    for (l, rules) in selected {
        s.push_str(&format!("\n{}\n", l.as_str()));
        if rules.is_empty() {
            s.push_str("  (no rule)\n");
        }
        for r in rules {
            let mut when = Vec::new();
            if let Some(g) = r.when.group {
                when.push(if g { "group cover" } else { "individual cover" });
            }
            if let Some(t) = r.when.long_term {
                when.push(if t {
                    "long-term cover"
                } else {
                    "cover of a year or less"
                });
            }
            if r.when.instalments == Some(true) {
                when.push("paid by instalments");
            }
            s.push_str(&format!("  {}  ({})\n", r.id, r.period()));
            s.push_str(&format!("    {} / {}\n", r.name.en, r.name.zh));
            s.push_str(&format!("    limit:  {}\n", r.limit.describe()));
            if !when.is_empty() {
                s.push_str(&format!("    when:   {}\n", when.join("; ")));
            }
            if r.acknowledgeable {
                s.push_str(
                    "    a contract may differ: the product acknowledges it with a reason\n",
                );
            }
            if r.illustrative {
                s.push_str("    the figure is illustrative\n");
            }
            s.push_str(&format!("    source: {}\n", r.source));
            if let Some(n) = &r.note {
                s.push_str(&format!("    note:   {n}\n"));
            }
        }
    }
    s
}
