//! `coverwright claim`: settle one claim (`--claim`) or many (`--input`, JSON Lines, streamed)
//! against a quoted policy, with earlier claims from `--history`.

use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};

use super::{ExitCode, Format, fail, load_products_as, report};

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
    /// Output format: `text` (the settlement) or `json` (one object; with `--input`, one JSON
    /// line per claim).
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Show every operand of every benefit step.
    #[arg(long)]
    pub explain: bool,
    /// Folder of product files (default: `products/` of the project folder).
    #[arg(long, default_value = "products")]
    pub products: PathBuf,
    /// Also write the settlement notice (理赔计算书) of a single claim to this file; its
    /// extension (.html, .md, .pdf) picks the format.
    #[arg(long)]
    pub notice: Option<PathBuf>,
    /// Language of the notice: zh or en.
    #[arg(long, default_value = "zh", value_parser = ["zh", "en"])]
    pub lang: String,
    /// Templates folder of the notice (default: `templates/` of the project folder).
    #[arg(long, default_value = "templates")]
    pub templates: PathBuf,
}

/// Opens an input; the I/O failure, reported in `format`, when it cannot be.
fn open(
    path: &Path,
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Result<BufReader<std::fs::File>, ExitCode>> {
    match coverwright::fsio::open_input(path, coverwright::fsio::MAX_STREAM_BYTES) {
        Ok((f, _)) => Ok(Ok(BufReader::new(f))),
        Err(e) => {
            let m = format!("cannot read {}: {e}", path.display());
            fail(format, ExitCode::Io, m, out, err).map(Err)
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
            let code = super::exit_code_of(&d);
            report(&[d], a.format, out, err)?;
            return Ok(code);
        }
    };
    let products = match load_products_as(&a.products, a.format, out, err)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let Some(p) = products
        .iter()
        .find(|p| p.code == q.product.code && p.version == q.product.version)
    else {
        return fail(
            a.format,
            ExitCode::Invalid,
            format!(
                "{}@{} is not in {}",
                q.product.code,
                q.product.version,
                a.products.display()
            ),
            out,
            err,
        );
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
        let r = match open(h, a.format, out, err)? {
            Ok(r) => r,
            Err(code) => return Ok(code),
        };
        if let Err(e) = coverwright::claims::stream::replay_history(p, &q, h, r, &mut ledger) {
            return fail(
                a.format,
                ExitCode::Invalid,
                format!("history: {e}"),
                out,
                err,
            );
        }
    }
    if let Some(input) = &a.input {
        let r = match open(input, a.format, out, err)? {
            Ok(r) => r,
            Err(code) => return Ok(code),
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
        return fail(
            a.format,
            ExitCode::Usage,
            "give `--claim FILE` or `--input CLAIMS.jsonl`",
            out,
            err,
        );
    };
    let text = match coverwright::fsio::read_text(path, coverwright::fsio::MAX_DOCUMENT_BYTES) {
        Ok(t) => t,
        Err(e) => {
            let m = format!("cannot read {}: {e}", path.display());
            return fail(a.format, ExitCode::Io, m, out, err);
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
                        return fail(a.format, ExitCode::Usage, e, out, err);
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
                    return fail(
                        a.format,
                        ExitCode::Invalid,
                        format!("the settlement notice: {e}"),
                        out,
                        err,
                    );
                }
            }
            match a.format {
                Format::Json => write!(out, "{}", coverwright::claims::text::settlement_json(&s))?,
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
