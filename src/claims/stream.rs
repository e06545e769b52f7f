//! Many claims in one run: JSON Lines read one line at a time, each settled against the same
//! quote in input order, its settlement (or error) written as one line before the next is
//! read. Only the [`Ledger`] is kept between lines, so memory stays flat in the number of
//! claims.

use std::io::{BufRead, Write};
use std::path::Path;

use super::{Ledger, read_claim, settle};
use crate::product::Product;
use crate::quote::Quote;

/// Counts of a streaming run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StreamSummary {
    pub settled: usize,
    pub failed: usize,
}

/// Settles one line (a JSON claim); the error text names the line.
pub fn settle_line(
    p: &Product,
    q: &Quote,
    file: &Path,
    row: usize,
    line: &str,
    ledger: &mut Ledger,
    explain: bool,
) -> Result<super::Settlement, String> {
    let node =
        crate::yaml::parse(line).map_err(|d| format!("{}:{row}: {}", file.display(), d.message))?;
    let claim = read_claim(&node, file).map_err(|d| describe(file, row, &d))?;
    settle(p, q, &claim, ledger, explain).map_err(|d| describe(file, row, &d))
}

fn describe(file: &Path, row: usize, d: &crate::diagnostics::Diagnostics) -> String {
    d.iter()
        .map(|x| {
            format!(
                "{}:{row}:{}: {} {}",
                file.display(),
                x.span.column,
                x.code,
                x.message
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Settles every line of `input` in order, writing one JSON line per claim (an error line
/// `{"row": N, "error": "..."}` for a bad one). Blank lines are skipped.
pub fn settle_stream(
    p: &Product,
    q: &Quote,
    file: &Path,
    input: impl BufRead,
    out: &mut dyn Write,
    ledger: &mut Ledger,
    explain: bool,
) -> std::io::Result<StreamSummary> {
    let mut sum = StreamSummary::default();
    for (i, line) in input.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        match settle_line(p, q, file, i + 1, &line, ledger, explain) {
            Ok(s) => {
                sum.settled += 1;
                writeln!(out, "{}", super::text::to_line(&s))?;
            }
            Err(e) => {
                sum.failed += 1;
                writeln!(out, "{}", serde_json::json!({"row": i + 1, "error": e}))?;
            }
        }
    }
    Ok(sum)
}

/// Replays earlier claims (JSON Lines) into the ledger; an unreadable line is an error.
pub fn replay_history(
    p: &Product,
    q: &Quote,
    file: &Path,
    input: impl BufRead,
    ledger: &mut Ledger,
) -> Result<usize, String> {
    let mut n = 0;
    for (i, line) in input.lines().enumerate() {
        let line = line.map_err(|e| format!("{}: {e}", file.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        settle_line(p, q, file, i + 1, &line, ledger, false)?;
        n += 1;
    }
    Ok(n)
}
