//! `batch`: many records in one run, written as JSON Lines.
//!
//! Every input is checked (a regular file of a bounded size, not the output) before anything
//! is written; a file output appears only when the whole run succeeds (written to a temporary
//! file beside it and renamed); SIGINT and SIGTERM stop the run cleanly and leave an earlier
//! output as it was.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use coverwright::batch::{BatchError, BatchOptions, Summary};
use coverwright::fsio;

use super::{ExitCode, Format, load_products, report};

/// `batch --format`.
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

pub(super) fn batch_cmd(
    opts: &BatchOptions,
    outputs: &Outputs<'_>,
    products: &Path,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    let output = outputs.main;
    let format = match outputs.format {
        BatchFormat::Jsonl => coverwright::batch::Format::JsonLines,
        BatchFormat::Csv => coverwright::batch::Format::Csv,
    };
    if outputs.quotes.is_some() && format != coverwright::batch::Format::Csv {
        writeln!(err, "error: --quotes-output is for --format csv")?;
        return Ok(ExitCode::Usage);
    }
    // Every input is a regular file of a bounded size before anything else happens.
    let input_len = match fsio::open_input(&opts.input, fsio::MAX_STREAM_BYTES) {
        Ok((_, len)) => len,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(ExitCode::Io);
        }
    };
    let mut inputs = vec![opts.input.as_path()];
    if let Some(r) = &opts.request {
        if let Err(e) = fsio::open_input(r, fsio::MAX_DOCUMENT_BYTES) {
            writeln!(err, "error: {e}")?;
            return Ok(ExitCode::Io);
        }
        inputs.push(r);
    }
    let to_stdout = output == Path::new("-");
    if !to_stdout && let Err(e) = fsio::check_distinct(output, &inputs) {
        writeln!(err, "error: {e}")?;
        return Ok(ExitCode::Usage);
    }
    if let Some(q) = outputs.quotes {
        let mut taken = inputs.clone();
        if !to_stdout {
            taken.push(output);
        }
        if q == Path::new("-") {
            writeln!(err, "error: --quotes-output must be a file")?;
            return Ok(ExitCode::Usage);
        }
        if let Err(e) = fsio::check_distinct(q, &taken) {
            writeln!(err, "error: {e}")?;
            return Ok(ExitCode::Usage);
        }
    }
    let products = match load_products(products, err)? {
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
    // The quote file, like the output, appears only when the whole run succeeds.
    let mut quotes = match outputs.quotes {
        None => None,
        Some(q) => match fsio::AtomicOutput::create(q, &inputs) {
            Ok(w) => Some(std::io::BufWriter::with_capacity(1 << 20, w)),
            Err(e) => {
                writeln!(err, "error: {e}")?;
                return Ok(super::exit::of_fs_error(&e));
            }
        },
    };
    let mut run = |main: &mut (dyn Write + Send)| {
        let to = coverwright::batch::Outputs {
            format,
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
            Err(e) => {
                writeln!(err, "error: {e}")?;
                return Ok(super::exit::of_fs_error(&e));
            }
        };
        run(&mut w).and_then(|summary| w.commit().map(|()| summary).map_err(BatchError::Output))
    };
    let r = match (r, quotes) {
        (Ok(s), Some(q)) => q
            .into_inner()
            .map_err(|e| BatchError::Io(e.into_error()))
            .and_then(|w| w.commit().map_err(BatchError::Output))
            .map(|()| s),
        (r, _) => r,
    };
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    for h in handlers {
        signal_hook::low_level::unregister(h);
    }
    outcome(r, output, err)
}

/// The summary or error of a run, and its exit code.
fn outcome(
    r: Result<Summary, BatchError>,
    output: &Path,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    match r {
        Ok(summary) => {
            writeln!(err, "batch: {summary}")?;
            Ok(if summary.failed > 0 {
                ExitCode::Invalid
            } else {
                ExitCode::Success
            })
        }
        Err(BatchError::Usage(m)) => {
            writeln!(err, "error: {m}")?;
            Ok(ExitCode::Usage)
        }
        Err(BatchError::Invalid(d)) => {
            report(&d, Format::Text, &mut std::io::sink(), err)?;
            writeln!(err, "error: nothing was quoted")?;
            Ok(ExitCode::Invalid)
        }
        Err(BatchError::Io(e)) => {
            writeln!(err, "error: cannot write {}: {e}", output.display())?;
            Ok(ExitCode::Io)
        }
        Err(BatchError::Output(e)) => {
            writeln!(err, "error: {e}")?;
            Ok(ExitCode::Io)
        }
        Err(BatchError::Interrupted { signal, records }) => {
            let (name, code) = if signal == signal_hook::consts::SIGINT {
                ("SIGINT", ExitCode::Sigint)
            } else {
                ("SIGTERM", ExitCode::Sigterm)
            };
            writeln!(
                err,
                "batch: stopped by {name} after {records} records; {} was not written",
                output.display()
            )?;
            Ok(code)
        }
    }
}
