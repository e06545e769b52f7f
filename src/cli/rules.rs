//! `coverwright rules`: the baseline a product author is held to, by line and date, with
//! sources; `--schema` prints the JSON Schema of `regulation.yaml`.

use std::io::Write;
use std::path::PathBuf;

use coverwright::product::{Line, parse_date};
use coverwright::regulation::report::{schema, shown_file, to_json, to_text};
use coverwright::regulation::{Rule, for_folder};

use super::{ExitCode, Format, fail, report};

/// Arguments of `coverwright rules`.
#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    /// Only the rules of this line: accident, health, pension or export_credit.
    #[arg(long)]
    pub line: Option<String>,
    /// Only the rules in force on this date (YYYY-MM-DD); every period when absent.
    #[arg(long)]
    pub on: Option<String>,
    /// Output format: `text` or `json`.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Folder of product files whose `regulation.yaml` is listed (the built-in baseline when
    /// it has none; default: `products/` of the project folder).
    #[arg(long, default_value = "products")]
    pub products: PathBuf,
    /// Print the JSON Schema of `regulation.yaml` instead.
    #[arg(long)]
    pub schema: bool,
}

/// Runs `coverwright rules`; returns the exit code.
pub fn run(a: &RulesArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<ExitCode> {
    if a.schema {
        writeln!(out, "{}", schema())?;
        return Ok(ExitCode::Success);
    }
    let line = match a.line.as_deref().map(|l| (l, Line::parse(l))) {
        None => None,
        Some((_, Some(l))) => Some(l),
        Some((l, None)) => {
            return fail(
                a.format,
                ExitCode::Usage,
                format!(
                    "--line: unknown line `{l}`; use one of: {}",
                    Line::ALL.join(", ")
                ),
                out,
                err,
            );
        }
    };
    let on = match a.on.as_deref().map(parse_date) {
        None => None,
        Some(Ok(d)) => Some(d),
        Some(Err(e)) => {
            return fail(a.format, ExitCode::Usage, format!("--on: {e}"), out, err);
        }
    };
    if !a.products.is_dir() {
        let m = format!(
            "the products folder `{}` does not exist (run from a project folder, or give --root DIR)",
            a.products.display()
        );
        return fail(a.format, ExitCode::Io, m, out, err);
    }
    let (baseline, diags) = for_folder(&a.products);
    if diags.has_errors() {
        report(&diags.into_vec(), a.format, out, err)?;
        return Ok(ExitCode::Invalid);
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
    Ok(ExitCode::Success)
}
