//! `coverwright claim`: settle one claim (`--claim`) or many (`--input`, JSON Lines, streamed)
//! against a quoted policy, with earlier claims from `--history`.

use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};

use super::{ExitCode, Format, report};
use coverwright::product::load::{LoadOptions, load_paths};

/// Arguments of `coverwright claim`.
#[derive(clap::Args, Debug)]
pub struct ClaimArgs {
    /// The policy: the quote, as written by `coverwright quote --format json`.
    #[arg(long)]
    pub quote: PathBuf,
    /// One claim (YAML or JSON).
    #[arg(long, conflicts_with = "input")]
    pub claim: Option<PathBuf>,
    /// Many claims, JSON Lines, settled in order; one JSON line out per claim.
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Earlier claims on the policy (JSON Lines): aggregates and deductibles carry over.
    #[arg(long)]
    pub history: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Show every operand of every benefit step.
    #[arg(long)]
    pub explain: bool,
    #[arg(long, default_value = "products")]
    pub products: PathBuf,
    /// Also write the settlement notice (理赔计算书) of a single claim to this file; its
    /// extension (.html, .md, .pdf) picks the format.
    #[arg(long)]
    pub notice: Option<PathBuf>,
    /// Language of the notice: zh or en.
    #[arg(long, default_value = "zh")]
    pub lang: String,
    /// Templates folder of the notice.
    #[arg(long, default_value = "templates")]
    pub templates: PathBuf,
}

fn open(path: &Path, err: &mut dyn Write) -> std::io::Result<Option<BufReader<std::fs::File>>> {
    match coverwright::fsio::open_input(path, coverwright::fsio::MAX_STREAM_BYTES) {
        Ok((f, _)) => Ok(Some(BufReader::new(f))),
        Err(e) => {
            writeln!(err, "error: {e}")?;
            Ok(None)
        }
    }
}

/// Runs the command; returns the exit code (0 settled, 1 invalid input or a failed line,
/// 2 usage).
pub(super) fn run(
    a: &ClaimArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    let q = match coverwright::quote::read_quote_file(&a.quote) {
        Ok(q) => q,
        Err(d) => {
            report(&[d], Format::Text, out, err)?;
            return Ok(ExitCode::Invalid);
        }
    };
    let (products, diags) = load_paths(std::slice::from_ref(&a.products), &LoadOptions::default());
    let diags = diags.into_vec();
    if diags.iter().any(|d| d.is_error()) {
        report(&diags, Format::Text, &mut std::io::sink(), err)?;
        writeln!(
            err,
            "error: fix the product files first (`coverwright validate {}`)",
            a.products.display()
        )?;
        return Ok(ExitCode::Usage);
    }
    let Some(p) = products
        .iter()
        .find(|p| p.code == q.product.code && p.version == q.product.version)
    else {
        writeln!(
            err,
            "error: {}@{} is not in {}",
            q.product.code,
            q.product.version,
            a.products.display()
        )?;
        return Ok(ExitCode::Invalid);
    };
    if q.product.content_hash != p.content_hash {
        writeln!(
            err,
            "warning: {} has changed since the quote was made (content hash differs)",
            p.id()
        )?;
    }
    let mut ledger = coverwright::claims::Ledger::default();
    if let Some(h) = &a.history {
        let Some(r) = open(h, err)? else {
            return Ok(ExitCode::Usage);
        };
        if let Err(e) = coverwright::claims::stream::replay_history(p, &q, h, r, &mut ledger) {
            writeln!(err, "error: history: {e}")?;
            return Ok(ExitCode::Invalid);
        }
    }
    if let Some(input) = &a.input {
        let Some(r) = open(input, err)? else {
            return Ok(ExitCode::Usage);
        };
        let mut w = std::io::BufWriter::new(out);
        let sum = coverwright::claims::stream::settle_stream(
            p,
            &q,
            input,
            r,
            &mut w,
            &mut ledger,
            a.explain,
        )?;
        w.flush()?;
        writeln!(err, "{} settled, {} failed", sum.settled, sum.failed)?;
        return Ok(if sum.failed > 0 {
            ExitCode::Invalid
        } else {
            ExitCode::Success
        });
    }
    let Some(path) = &a.claim else {
        writeln!(err, "error: give `--claim FILE` or `--input CLAIMS.jsonl`")?;
        return Ok(ExitCode::Usage);
    };
    let text = match coverwright::fsio::read_text(path, coverwright::fsio::MAX_DOCUMENT_BYTES) {
        Ok(t) => t,
        Err(e) => {
            writeln!(err, "error: cannot read {}: {e}", path.display())?;
            return Ok(ExitCode::Usage);
        }
    };
    let node = match coverwright::yaml::parse(&text) {
        Ok(n) => n,
        Err(d) => {
            report(&[d.in_file(path)], a.format, out, err)?;
            return Ok(ExitCode::Invalid);
        }
    };
    let settled = coverwright::claims::read_claim(&node, path)
        .and_then(|c| coverwright::claims::settle(p, &q, &c, &mut ledger, a.explain));
    match settled {
        Ok(s) => {
            if let Some(path) = &a.notice {
                let lang = match a.lang.parse::<coverwright::document::Lang>() {
                    Ok(l) => l,
                    Err(e) => {
                        writeln!(err, "error: {e}")?;
                        return Ok(ExitCode::Usage);
                    }
                };
                if let Err(e) = coverwright::document::options::options_for(
                    lang.code(),
                    None,
                    None,
                    None,
                    None,
                    &[],
                    Some(p),
                    &a.products,
                    None,
                )
                .and_then(|o| coverwright::claims::notice::write(&a.templates, &s, &q, &o, path))
                {
                    writeln!(err, "error: the settlement notice: {e}")?;
                    return Ok(ExitCode::Invalid);
                }
            }
            match a.format {
                Format::Json => writeln!(out, "{}", coverwright::claims::text::to_json(&s))?,
                Format::Text => write!(
                    out,
                    "{}",
                    coverwright::text::printable(&coverwright::claims::text::to_text(
                        &s, a.explain
                    ))
                )?,
            }
            Ok(ExitCode::Success)
        }
        Err(d) => {
            report(&d.into_vec(), a.format, out, err)?;
            Ok(ExitCode::Invalid)
        }
    }
}
