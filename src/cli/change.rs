//! `diff`, `impact` and `test --coverage`: the commands about product change.

use std::io::Write;
use std::path::Path;

use coverwright::change::{self, SideError};

use super::{ExitCode, Format, report};

/// Prints a side that could not be resolved; returns its exit code.
fn side_error(e: SideError, err: &mut dyn Write) -> std::io::Result<ExitCode> {
    match e {
        SideError::Usage(m) => {
            writeln!(err, "error: {m}")?;
            Ok(ExitCode::Usage)
        }
        SideError::Invalid(d) => {
            report(&d, Format::Text, &mut std::io::sink(), err)?;
            writeln!(
                err,
                "error: fix the product file first (`coverwright validate`)"
            )?;
            Ok(ExitCode::Invalid)
        }
    }
}

/// `coverwright diff OLD NEW`: exit 0 when equal, 1 when different.
pub(super) fn diff_cmd(
    old: &str,
    new: &str,
    products: &Path,
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    let (a, b) = match change::resolve_pair(old, new, products) {
        Ok(x) => x,
        Err(e) => return side_error(e, err),
    };
    let d = change::diff::diff(&a, &b);
    match format {
        Format::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&d).unwrap_or_else(|_| "{}".into())
        )?,
        Format::Text => write!(out, "{}", change::diff::text(&d))?,
    }
    Ok(if d.is_empty() {
        ExitCode::Success
    } else {
        ExitCode::Invalid
    })
}
