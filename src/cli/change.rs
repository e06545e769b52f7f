//! `diff`, `impact` and `test --coverage`: the commands about product change.

use std::io::Write;
use std::path::Path;

use coverwright::change::{self, SideError};

use super::{ExitCode, Format, fail, report};

/// Prints a side that could not be resolved, in `format`; returns its exit code.
fn side_error(
    e: SideError,
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    match e {
        SideError::Usage(m) => fail(format, ExitCode::Usage, m, out, err),
        SideError::Io(m) => fail(format, ExitCode::Io, m, out, err),
        SideError::Invalid(d) => {
            report(&d, format, out, err)?;
            if format == Format::Text {
                writeln!(
                    err,
                    "error: fix the product file first (`coverwright validate`)"
                )?;
            }
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
        Err(e) => return side_error(e, format, out, err),
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

/// The output formats of `impact`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ImpactFormat {
    Text,
    Json,
    Html,
}

/// Arguments of `coverwright impact`.
#[derive(clap::Args, Debug)]
pub struct ImpactArgs {
    /// The old version: `CODE@VERSION` or a product file.
    #[arg(long)]
    from: String,
    /// The new version: `CODE@VERSION` or a product file.
    #[arg(long)]
    to: String,
    /// The book: JSON Lines of requests, or a census (by the extension `.csv`).
    #[arg(long)]
    input: std::path::PathBuf,
    /// For a census: the request file giving the policy part (its members are replaced).
    #[arg(long)]
    request: Option<std::path::PathBuf>,
    /// For a census: the column whose value groups consecutive rows into one policy.
    #[arg(long)]
    group_column: Option<String>,
    /// Report format: `text`, `json`, or `html` (a self-contained page with inline charts).
    #[arg(long, value_enum, default_value = "text")]
    format: ImpactFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long)]
    output: Option<std::path::PathBuf>,
    /// Worker threads, 1 to 256; all cores by default.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=256))]
    threads: Option<u64>,
    /// Folder of product files `CODE@VERSION` is looked up in (default: `products/` of the
    /// project folder).
    #[arg(long, default_value = "products")]
    pub products: std::path::PathBuf,
}

/// `coverwright impact`: the book re-rated under both versions, with the attribution.
pub(super) fn impact_cmd(
    a: &ImpactArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    // Failures are JSON on stdout with `--format json`; HTML reports fail as text.
    let format = match a.format {
        ImpactFormat::Json => Format::Json,
        ImpactFormat::Text | ImpactFormat::Html => Format::Text,
    };
    let (old, new) = match change::resolve_pair(&a.from, &a.to, &a.products) {
        Ok(x) => x,
        Err(e) => return side_error(e, format, out, err),
    };
    let d = change::diff::diff(&old, &new);
    let opts = change::impact::ImpactOptions {
        input: a.input.clone(),
        request: a.request.clone(),
        group_column: a.group_column.clone(),
        threads: a.threads.map(|n| n as usize),
    };
    let report = match change::impact::impact(&old, &new, &d, &opts) {
        Ok(r) => r,
        Err(change::impact::ImpactError::Usage(m)) => {
            return fail(format, ExitCode::Usage, m, out, err);
        }
        Err(change::impact::ImpactError::Invalid(d)) => {
            report(&d, format, out, err)?;
            return Ok(ExitCode::Invalid);
        }
        Err(change::impact::ImpactError::Io(e)) => {
            return fail(format, ExitCode::Io, e, out, err);
        }
    };
    let money = |x: rust_decimal::Decimal| new.product.format_money(x);
    let text = match a.format {
        ImpactFormat::Text => change::impact::text(&report, &money),
        ImpactFormat::Json => {
            serde_json::to_string_pretty(&report).unwrap_or_else(|_| "{}".into()) + "\n"
        }
        ImpactFormat::Html => change::report_html::html(&report, &money),
    };
    match &a.output {
        None => out.write_all(text.as_bytes())?,
        Some(path) => {
            let inputs: Vec<&Path> = [Some(a.input.as_path()), a.request.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            let written =
                coverwright::fsio::AtomicOutput::create(path, &inputs).and_then(|mut o| {
                    o.write_all(text.as_bytes()).map_err(|source| {
                        coverwright::fsio::FsError::Write {
                            path: path.clone(),
                            source,
                        }
                    })?;
                    o.commit()
                });
            if let Err(e) = written {
                writeln!(err, "error: {e}")?;
                return Ok(super::exit::of_fs_error(&e));
            }
        }
    }
    Ok(ExitCode::Success)
}

/// The output formats of `test --coverage`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CoverageFormat {
    /// Text: a line per case, or the coverage report.
    Text,
    /// JSON: every case, or the coverage of each product.
    Json,
    /// lcov tracefile (with `--coverage` only).
    Lcov,
}

/// The coverage flags of `coverwright test`.
#[derive(clap::Args, Debug)]
pub struct CoverageArgs {
    /// Report what the test cases (and `--input`) exercise instead of the test results; the
    /// command still fails when a test fails.
    #[arg(long)]
    pub coverage: bool,
    /// With --coverage: a book whose records count too (JSON Lines, or a census `.csv`).
    #[arg(long, requires = "coverage")]
    input: Option<std::path::PathBuf>,
    /// For a census book: the request file giving the policy part.
    #[arg(long, requires = "input")]
    request: Option<std::path::PathBuf>,
    /// For a census book: the column grouping consecutive rows into one policy.
    #[arg(long, requires = "input")]
    group_column: Option<String>,
    /// Exit 1 when a product's coverage is below this percentage.
    #[arg(long, requires = "coverage")]
    fail_under: Option<rust_decimal::Decimal>,
}

/// `coverwright test --coverage`.
pub(super) fn coverage_cmd(
    paths: &[std::path::PathBuf],
    a: &CoverageArgs,
    format: CoverageFormat,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    use coverwright::change::coverage;
    let (products, diags) = coverwright::product::load::load_paths(
        paths,
        &coverwright::product::load::LoadOptions::default(),
    );
    let diags = diags.into_vec();
    if diags.iter().any(|d| d.is_error()) {
        report(&diags, Format::Text, &mut std::io::sink(), err)?;
        return Ok(ExitCode::Invalid);
    }
    let mut reports = Vec::new();
    let mut failed = 0;
    for p in &products {
        failed += coverwright::cases::run_product(p)
            .iter()
            .filter(|r| !r.passed)
            .inspect(|r| {
                let _ = writeln!(err, "FAIL  {}  {}  ({})", r.product, r.name, r.location);
            })
            .count();
        let source = std::fs::read_to_string(&p.file).unwrap_or_default();
        let Ok(root) = coverwright::yaml::parse(&source) else {
            continue;
        };
        let mut c = coverage::Collector::new(p, &root);
        coverage::observe_cases(&mut c, p);
        if let Some(input) = &a.input
            && a.request.is_some() == input.extension().is_some_and(|e| e == "csv")
        {
            match coverage::observe_book(
                &mut c,
                p,
                input,
                a.request.as_deref(),
                a.group_column.as_deref(),
            ) {
                Ok(0) => {}
                Ok(n) => writeln!(err, "{}: {n} record(s) of the book do not check", p.id())?,
                Err(m) => writeln!(err, "{}: {m}", p.id())?,
            }
        }
        reports.push(c.finish());
    }
    let text = match format {
        CoverageFormat::Text => coverage::text(&reports),
        CoverageFormat::Json => {
            serde_json::to_string_pretty(&reports).unwrap_or_else(|_| "[]".into()) + "\n"
        }
        CoverageFormat::Lcov => coverage::lcov(&reports),
    };
    out.write_all(text.as_bytes())?;
    let below: Vec<&coverage::Report> = match a.fail_under {
        Some(min) => reports.iter().filter(|r| r.percent < min).collect(),
        None => Vec::new(),
    };
    for r in &below {
        writeln!(
            err,
            "error: {} covers {:.2}%, under --fail-under {}",
            r.product,
            r.percent,
            a.fail_under.unwrap_or_default()
        )?;
    }
    Ok(if failed > 0 || !below.is_empty() {
        ExitCode::Invalid
    } else {
        ExitCode::Success
    })
}
