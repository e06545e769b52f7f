//! `batch`: many records in one run, written as JSON Lines.
//!
//! Every input is checked (a regular file of a bounded size, not the output) before anything
//! is written; a file output appears only when the whole run succeeds (written to a temporary
//! file beside it and renamed); SIGINT and SIGTERM stop the run cleanly and leave an earlier
//! output as it was.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use coverwright::batch::{BatchError, BatchOptions, Summary};
use coverwright::fsio;

use super::{ExitCode, Format, fail, load_products_of, report};

/// `batch --format`: how the records are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BatchFormat {
    /// One JSON line per record.
    Jsonl,
    /// A census only: one CSV row per member; quote rows in `--quotes-output`.
    Csv,
}

/// Where `batch` writes.
pub(super) struct Outputs<'a> {
    pub main: &'a Path,
    pub format: BatchFormat,
    /// With `--format csv`: the quote rows.
    pub quotes: Option<&'a Path>,
}

/// Runs `batch`. With `--report json` the summary and every failure are JSON on stdout, or
/// on stderr when `--output -` gives stdout to the records.
pub(super) fn batch_cmd(
    opts: &BatchOptions,
    outputs: &Outputs<'_>,
    (products, format): (&Path, Format),
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    let output = outputs.main;
    let to_stdout = output == Path::new("-");
    // Stdout belongs to the records when they go there; JSON reports then go to stderr.
    let mut sink = std::io::sink();
    let (out, err): (&mut dyn Write, &mut dyn Write) = if to_stdout && format == Format::Json {
        (err, &mut sink)
    } else {
        (out, err)
    };
    let written = match outputs.format {
        BatchFormat::Jsonl => coverwright::batch::Format::JsonLines,
        BatchFormat::Csv => coverwright::batch::Format::Csv,
    };
    if outputs.quotes.is_some() && written != coverwright::batch::Format::Csv {
        return fail(
            format,
            ExitCode::Usage,
            "--quotes-output is for --format csv",
            out,
            err,
        );
    }
    // Every input is a regular file of a bounded size before anything else happens.
    let input_len = match fsio::open_input(&opts.input, fsio::MAX_STREAM_BYTES) {
        Ok((_, len)) => len,
        Err(e) => return fail(format, ExitCode::Io, e, out, err),
    };
    let mut inputs = vec![opts.input.as_path()];
    if let Some(r) = &opts.request {
        if let Err(e) = fsio::open_input(r, fsio::MAX_DOCUMENT_BYTES) {
            return fail(format, ExitCode::Io, e, out, err);
        }
        inputs.push(r);
    }
    if !to_stdout && let Err(e) = fsio::check_distinct(output, &inputs) {
        return fail(format, ExitCode::Usage, e, out, err);
    }
    if let Some(q) = outputs.quotes {
        let mut taken = inputs.clone();
        if !to_stdout {
            taken.push(output);
        }
        if q == Path::new("-") {
            return fail(
                format,
                ExitCode::Usage,
                "--quotes-output must be a file",
                out,
                err,
            );
        }
        if let Err(e) = fsio::check_distinct(q, &taken) {
            return fail(format, ExitCode::Usage, e, out, err);
        }
    }
    let products = match load_products_of(products, Some(&opts.product), format, out, err)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let stop = Arc::new(AtomicUsize::new(0));
    let handlers: Vec<_> = [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM]
        .into_iter()
        .filter_map(|sig| signal_hook::flag::register_usize(sig, stop.clone(), sig as usize).ok())
        .collect();
    let bar = coverwright::batch::progress_bar(input_len);
    let tick = |bytes: u64| {
        if let Some(b) = &bar {
            b.set_position(bytes);
        }
    };
    // Into files, which can be started again, a census is read as UTF-8 at once; one that
    // turns out not to be UTF-8 throughout is read again from the start, its encoding found
    // first, into new temporary files (the first ones are removed, nothing was committed).
    let restartable = !to_stdout && opts.encoding.is_none();
    let first = restartable.then(|| BatchOptions {
        assume_utf8: true,
        ..opts.clone()
    });
    let attempt = |opts: &BatchOptions| -> Result<Result<Summary, BatchError>, NotCreated> {
        // The quote file, like the output, appears only when the whole run succeeds.
        let mut quotes = match outputs.quotes {
            None => None,
            Some(q) => match fsio::AtomicOutput::create(q, &inputs) {
                // Buffered by the output itself.
                Ok(w) => Some(w),
                Err(e) => return Err(NotCreated(e)),
            },
        };
        let mut run = |main: &mut (dyn Write + Send)| {
            let to = coverwright::batch::Outputs {
                format: written,
                main,
                quotes: quotes.as_mut().map(|q| q as &mut (dyn Write + Send)),
            };
            coverwright::batch::run_to(&products, opts, to, Some(&tick), &stop)
        };
        let r = if to_stdout {
            // `-` writes the lines to standard output as they are made.
            let mut w = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout());
            run(&mut w).and_then(|s| w.flush().map(|()| s).map_err(BatchError::Io))
        } else {
            // The output appears only when the whole run succeeds.
            let mut w = match fsio::AtomicOutput::create(output, &inputs) {
                Ok(w) => w,
                Err(e) => return Err(NotCreated(e)),
            };
            // The files replaced have their cached pages dropped while the run goes on, not
            // in the renames of the commit.
            let replaced: Vec<PathBuf> = std::iter::once(output)
                .chain(outputs.quotes)
                .map(Path::to_path_buf)
                .collect();
            std::thread::scope(|s| {
                s.spawn(move || {
                    for p in &replaced {
                        fsio::AtomicOutput::forget_replaced_pages(p);
                    }
                });
                run(&mut w)
            })
            .and_then(|summary| w.commit().map(|()| summary).map_err(BatchError::Output))
        };
        Ok(match (r, quotes) {
            (Ok(s), Some(q)) => q.commit().map_err(BatchError::Output).map(|()| s),
            (r, _) => r,
        })
    };
    let r = match first.as_ref().map(attempt) {
        Some(Ok(Err(BatchError::NotUtf8))) | None => attempt(opts),
        Some(r) => r,
    };
    let r = match r {
        Ok(r) => r,
        Err(NotCreated(e)) => return fail(format, super::exit::of_fs_error(&e), e, out, err),
    };
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    for h in handlers {
        signal_hook::low_level::unregister(h);
    }
    outcome(r, (output, format), out, err)
}

/// An output file that could not be created (the run's exit code follows from the error).
struct NotCreated(fsio::FsError);

/// The summary or error of a run, and its exit code.
fn outcome(
    r: Result<Summary, BatchError>,
    (output, format): (&Path, Format),
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    match r {
        Ok(summary) => {
            match format {
                Format::Text => writeln!(err, "batch: {summary}")?,
                Format::Json => {
                    let v = serde_json::json!({
                        "records": summary.records,
                        "quoted": summary.quoted,
                        "declined": summary.declined,
                        "failed": summary.failed,
                    });
                    writeln!(out, "{v}")?;
                }
            }
            Ok(if summary.failed > 0 {
                ExitCode::Invalid
            } else {
                ExitCode::Success
            })
        }
        Err(BatchError::Usage(m)) => fail(format, ExitCode::Usage, m, out, err),
        Err(BatchError::Invalid(d)) => {
            report(&d, format, out, err)?;
            if format == Format::Text {
                writeln!(err, "{}: nothing was quoted", super::style::error_word())?;
            }
            Ok(ExitCode::Invalid)
        }
        Err(BatchError::Io(e)) => {
            let m = format!("cannot write {}: {e}", output.display());
            fail(format, ExitCode::Io, m, out, err)
        }
        Err(BatchError::Output(e)) => fail(format, ExitCode::Io, e, out, err),
        // Only a run that assumed UTF-8 stops so, and it is run again without.
        Err(BatchError::NotUtf8) => fail(
            format,
            ExitCode::Invalid,
            "the census is not UTF-8 throughout",
            out,
            err,
        ),
        Err(BatchError::Interrupted { signal, records }) => {
            let (name, code) = if signal == signal_hook::consts::SIGINT {
                ("SIGINT", ExitCode::Sigint)
            } else {
                ("SIGTERM", ExitCode::Sigterm)
            };
            let m = format!(
                "batch: stopped by {name} after {records} records; {} was not written",
                output.display()
            );
            match format {
                Format::Text => writeln!(err, "{m}")?,
                Format::Json => {
                    fail(format, code, m, out, err)?;
                }
            }
            Ok(code)
        }
    }
}
