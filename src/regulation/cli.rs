//! `coverwright rules`: the baseline a product author is held to, by line and date, with
//! sources; `--schema` prints the JSON Schema of `regulation.yaml`.
//!
//! Output is deterministic: rules in file order, grouped by line in the order of
//! `Line::ALL`; without `--on` every period is listed with its dates.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{Baseline, FILE_NAME, Rule, for_folder};
use crate::cli::{Format, report};
use crate::product::{Line, parse_date};

/// Arguments of `coverwright rules`.
#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    /// Only the rules of this line (`accident`, `health`, `pension`, `export_credit`).
    #[arg(long)]
    pub line: Option<String>,
    /// Only the rules in force on this date (YYYY-MM-DD); every period when absent.
    #[arg(long)]
    pub on: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Folder of product files whose `regulation.yaml` is listed (the built-in baseline when
    /// it has none).
    #[arg(long, default_value = "products")]
    pub products: PathBuf,
    /// Print the JSON Schema of `regulation.yaml` instead.
    #[arg(long)]
    pub schema: bool,
}

/// The JSON Schema of the baseline file, as pretty-printed JSON.
pub fn schema() -> String {
    let schema = schemars::schema_for!(super::raw::RawBaseline);
    serde_json::to_string_pretty(&schema).unwrap_or_else(|_| "{}".to_string())
}

/// Runs `coverwright rules`; returns the exit code.
pub fn run(a: &RulesArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<i32> {
    if a.schema {
        writeln!(out, "{}", schema())?;
        return Ok(0);
    }
    let line = match a.line.as_deref().map(|l| (l, Line::parse(l))) {
        None => None,
        Some((_, Some(l))) => Some(l),
        Some((l, None)) => {
            writeln!(
                err,
                "error: --line: unknown line `{l}`; use one of: {}",
                Line::ALL.join(", ")
            )?;
            return Ok(2);
        }
    };
    let on = match a.on.as_deref().map(parse_date) {
        None => None,
        Some(Ok(d)) => Some(d),
        Some(Err(e)) => {
            writeln!(err, "error: --on: {e}")?;
            return Ok(2);
        }
    };
    let (baseline, diags) = for_folder(&a.products);
    if diags.has_errors() {
        report(&diags.into_vec(), Format::Text, out, err)?;
        return Ok(1);
    }
    let file = shown_file(&a.products, &baseline);
    let selected: Vec<(Line, Vec<&Rule>)> = Line::ALL
        .iter()
        .filter_map(|s| Line::parse(s))
        .filter(|l| line.is_none_or(|x| x == *l))
        .map(|l| {
            let rules = baseline
                .for_line(l)
                .filter(|r| on.is_none_or(|d| r.in_force_on(d)))
                .collect();
            (l, rules)
        })
        .collect();
    match a.format {
        Format::Json => writeln!(out, "{}", to_json(&file, on, &selected))?,
        Format::Text => write!(out, "{}", to_text(&file, on, &selected))?,
    }
    Ok(0)
}

/// The file a listing names: the folder's `regulation.yaml`, or the built-in baseline.
fn shown_file(dir: &Path, b: &Baseline) -> String {
    if dir.join(FILE_NAME).is_file() {
        dir.join(FILE_NAME).display().to_string()
    } else {
        format!("built-in ({})", b.file().display())
    }
}

fn to_json(file: &str, on: Option<NaiveDate>, selected: &[(Line, Vec<&Rule>)]) -> String {
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

fn to_text(file: &str, on: Option<NaiveDate>, selected: &[(Line, Vec<&Rule>)]) -> String {
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
