//! `batch`: many records in one run, written as JSON Lines.

use std::io::Write;
use std::path::Path;

use super::{ExitCode, Format, load_products, report};

pub(super) fn batch_cmd(
    opts: &coverwright::batch::BatchOptions,
    output: &Path,
    products: &Path,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    use coverwright::batch::BatchError;
    use std::io::IsTerminal;
    if opts.threads == Some(0) {
        writeln!(err, "error: --threads must be at least 1")?;
        return Ok(ExitCode::Usage);
    }
    let input_len = match std::fs::metadata(&opts.input) {
        Ok(m) => m.len(),
        Err(e) => {
            writeln!(err, "error: cannot read {}: {e}", opts.input.display())?;
            return Ok(ExitCode::Io);
        }
    };
    let products = match load_products(products, err)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    // `-` writes the lines to standard output.
    let file: Box<dyn Write + Send> = if output == Path::new("-") {
        Box::new(std::io::stdout())
    } else {
        match std::fs::File::create(output) {
            Ok(f) => Box::new(f),
            Err(e) => {
                writeln!(err, "error: cannot write {}: {e}", output.display())?;
                return Ok(ExitCode::Io);
            }
        }
    };
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(input_len);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {percent:>3}% {binary_bytes}/{binary_total_bytes} {elapsed} (eta {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let tick = |bytes: u64| {
        if let Some(b) = &bar {
            b.set_position(bytes);
        }
    };
    let r = coverwright::batch::run(&products, opts, &mut w, Some(&tick));
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
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
            writeln!(err, "error: writing {}: {e}", output.display())?;
            Ok(ExitCode::Io)
        }
    }
}
