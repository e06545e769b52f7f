//! The command line: arguments parsed by clap into commands, each run against the library and
//! turned into output text and an [`ExitCode`]. This module belongs to the binary: the library
//! knows nothing of it.
//!
//! One file per command group: `products` (validate, list, test), `quote` (quote, render),
//! `batch`, `billing` (schedule, declare, annuity), `change` (diff, impact, test --coverage).

mod batch;
mod billing;
mod change;
mod claim;
mod exit;
mod products;
mod quote;
mod render_bulk;
mod rules;

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use coverwright::diagnostics::{Diagnostic, DiagnosticJson, render_all};
use coverwright::product::load::{LoadOptions, load_paths};

use billing::ScheduleArgs;
pub use exit::{EXIT_CODES, ExitCode};
use quote::{QuoteArgs, RenderArgs};

#[derive(Parser, Debug)]
#[command(
    name = "coverwright",
    version,
    about = "Check insurance product files, price quotes exactly, lay out payment schedules and render documents.",
    long_about = None,
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// How a census is cut into quotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PerArg {
    Member,
    Group,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check product files and report every problem with its file, line and column.
    Validate {
        /// Product files or folders of them.
        #[arg(default_value = "products")]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Templates folder the products' documents are looked up in.
        #[arg(long, default_value = "templates")]
        templates: PathBuf,
    },
    /// List products: code, version, line, segment, effective dates and names.
    List {
        #[arg(default_value = "products")]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Print the JSON Schema of the product file format.
    Schema,
    /// Price a request: eligibility, every step, charges, totals and payment schedules.
    Quote(QuoteArgs),
    /// Render a document from a quote: HTML, Markdown or PDF (PDF needs Chromium).
    Render(RenderArgs),
    /// Price many records in one run: JSON Lines of requests, or a census CSV priced one
    /// quote per member or per group. Writes one JSON line per record, in input order.
    /// Exit code 1 if any record failed (its line is an error line), 0 otherwise.
    Batch {
        /// Product code, optionally with `@VERSION`; without it, the version in force on each
        /// request's start date.
        #[arg(long)]
        product: String,
        /// JSON Lines of requests, or a census (by the extension `.csv`).
        #[arg(long)]
        input: PathBuf,
        /// Output file: JSON Lines, one line per record; `-` is standard output.
        #[arg(long)]
        output: PathBuf,
        /// Worker threads, 1 to 256; all cores by default. The output is the same for any
        /// number.
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=256))]
        threads: Option<u64>,
        /// Show only this payment plan.
        #[arg(long)]
        plan: Option<String>,
        /// Record the worksheet in every quote.
        #[arg(long)]
        explain: bool,
        #[arg(long, default_value = "products")]
        products: PathBuf,
        /// For a census: one quote per member (row) or per group (`--group-column`).
        #[arg(long, value_enum)]
        per: Option<PerArg>,
        /// For a census: the column whose value groups consecutive rows into one quote.
        #[arg(long)]
        group_column: Option<String>,
        /// For a census: the request file giving the policy part (its members are replaced).
        #[arg(long)]
        request: Option<PathBuf>,
        /// For a census: its encoding. Found from the bytes by default: UTF-8 (with or
        /// without BOM) unless most lines are not, then GBK; undecodable cells are errors.
        #[arg(long, value_enum)]
        encoding: Option<coverwright::census::Encoding>,
    },
    /// List the regulatory baseline products are held to, by line and date, with sources.
    Rules(rules::RulesArgs),
    /// Compare two versions of a product (`CODE@VERSION` or a product file): pricing,
    /// eligibility, cover, payment and wording, each change with its line in both files.
    /// Exit code 0 when equal, 1 when different.
    Diff {
        /// The old version: `CODE@VERSION` or a product file.
        old: String,
        /// The new version: `CODE@VERSION` or a product file.
        new: String,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[arg(long, default_value = "products")]
        products: PathBuf,
    },
    /// Re-rate a book under two versions of a product: newly declined and eligible records,
    /// totals, the distribution of the change, the largest changes and the change attributed
    /// to each changed table and step in rating-plan order.
    Impact(change::ImpactArgs),
    /// Run the test cases written in product files. With `--coverage`, report instead which
    /// table rows, rules, formula branches, coverages, options and plans they exercise.
    Test {
        #[arg(default_value = "products")]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        coverage: change::CoverageArgs,
    },
    /// Lay out the instalments of a product's payment plan for a premium.
    Schedule(ScheduleArgs),
    /// Settle a claim on a quoted policy: payable per coverage and step, limits, decision,
    /// path, documents and service dates.
    Claim(claim::ClaimArgs),
    /// Rate and bill export-credit declarations under a quote: monthly invoices and the
    /// year-end minimum-premium adjustment.
    Declare {
        /// The quote, as written by `coverwright quote --format json`.
        #[arg(long)]
        quote: PathBuf,
        /// Declarations CSV: date,buyer,country_class,payment_method,credit_days,value.
        #[arg(long)]
        declarations: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[arg(long, default_value = "products")]
        products: PathBuf,
    },
    /// Value an annuity-due on a life table, with the related values, for checking.
    Annuity {
        /// Life table CSV (`age,qx`, or several columns with `--column`).
        #[arg(long)]
        table: PathBuf,
        #[arg(long)]
        column: Option<String>,
        #[arg(long)]
        age: u32,
        /// Interest rate, e.g. 0.025.
        #[arg(long)]
        interest: String,
        /// Years before the first payment.
        #[arg(long, default_value_t = 0)]
        defer: u32,
        /// Years of payment, 1 or more; for life when absent. (Formulas write `term 0` for
        /// life; here a life annuity is asked for by leaving `--term` out, so 0 is refused.)
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        term: Option<u32>,
        /// Years certain at the start of payments.
        #[arg(long, default_value_t = 0)]
        guaranteed: u32,
        /// Payments a year: 1, 2, 4 or 12 (each 1/M).
        #[arg(long, default_value_t = 1)]
        frequency: u32,
        /// Approximation for payments more than once a year.
        #[arg(long, default_value = "woolhouse2")]
        method: String,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
}

/// Runs a command; returns the exit code. Output goes to `out`, diagnostics to `err`.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let r = match cli.command {
        Command::Validate {
            paths,
            format,
            templates,
        } => products::validate(&paths, format, &templates, out, err),
        Command::List { paths, format } => products::list(&paths, format, out, err),
        Command::Schema => {
            writeln!(out, "{}", coverwright::schema::product_schema()).map(|_| ExitCode::Success)
        }
        Command::Quote(a) => quote::quote_cmd(&a, out, err),
        Command::Render(a) => quote::render_cmd(&a, err),
        Command::Diff {
            old,
            new,
            format,
            products,
        } => change::diff_cmd(&old, &new, &products, format, out, err),
        Command::Impact(a) => change::impact_cmd(&a, out, err),
        Command::Test { paths, coverage } if coverage.coverage => {
            change::coverage_cmd(&paths, &coverage, out, err)
        }
        Command::Test { paths, .. } => products::test_cmd(&paths, out, err),
        Command::Rules(a) => rules::run(&a, out, err),
        Command::Batch {
            product,
            input,
            output,
            threads,
            plan,
            explain,
            products,
            per,
            group_column,
            request,
            encoding,
        } => {
            let per = match (per, &group_column) {
                (Some(PerArg::Group), _) | (None, Some(_)) => coverwright::batch::Per::Group,
                _ => coverwright::batch::Per::Member,
            };
            batch::batch_cmd(
                &coverwright::batch::BatchOptions {
                    product,
                    input,
                    request,
                    per,
                    group_column,
                    plan,
                    explain,
                    threads: threads.map(|n| n as usize),
                    encoding,
                },
                &output,
                &products,
                err,
            )
        }
        Command::Schedule(a) => billing::schedule_cmd(&a, out, err),
        Command::Claim(a) => claim::run(&a, out, err),
        Command::Declare {
            quote,
            declarations,
            format,
            products,
        } => billing::declare_cmd(&quote, &declarations, format, &products, out, err),
        Command::Annuity {
            table,
            column,
            age,
            interest,
            defer,
            term,
            guaranteed,
            frequency,
            method,
            format,
        } => billing::annuity_cmd(
            coverwright::actuarial::AnnuityQuery {
                table,
                column,
                age,
                interest: match coverwright::product::parse_decimal(&interest) {
                    Ok(d) => d,
                    Err(e) => {
                        let _ = writeln!(err, "error: --interest: {e}");
                        return ExitCode::Usage;
                    }
                },
                defer,
                term,
                guaranteed,
                frequency,
                method: match method.parse() {
                    Ok(m) => m,
                    Err(_) => {
                        let _ = writeln!(err, "error: --method: use woolhouse2 or udd");
                        return ExitCode::Usage;
                    }
                },
            },
            format,
            out,
            err,
        ),
    };
    match r.and_then(|code| out.flush().map(|()| code)) {
        Ok(code) => code,
        Err(e) => match coverwright::fsio::stdout_error_line(&e) {
            // The reader went away (`| head`): end quietly, as a process killed by SIGPIPE.
            None => ExitCode::BrokenPipe,
            // Output that cannot be written (a full disk): one line naming it.
            Some(line) => {
                let _ = writeln!(err, "{line}");
                ExitCode::Io
            }
        },
    }
}

fn read_source(p: &Path) -> Option<String> {
    std::fs::read_to_string(p).ok()
}

/// Prints diagnostics as text (to `err`) or JSON (to `out`).
pub(super) fn report(
    diags: &[Diagnostic],
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Text => write!(err, "{}", render_all(diags, &read_source)),
        Format::Json => {
            let items: Vec<DiagnosticJson> = diags.iter().map(DiagnosticJson::from).collect();
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into())
            )
        }
    }
}

/// Loads the products folder, printing its errors; the exit code when it is missing (I/O) or
/// a product in it is invalid.
pub(super) fn load_products(
    dir: &Path,
    err: &mut dyn Write,
) -> std::io::Result<Result<Vec<coverwright::product::Product>, ExitCode>> {
    if !dir.exists() {
        writeln!(
            err,
            "error: the products folder `{}` does not exist",
            dir.display()
        )?;
        return Ok(Err(ExitCode::Io));
    }
    let (products, diags) = load_paths(&[dir.to_path_buf()], &LoadOptions::default());
    let diags = diags.into_vec();
    if diags.iter().any(|d| d.is_error()) {
        report(&diags, Format::Text, &mut std::io::sink(), err)?;
        writeln!(
            err,
            "error: fix the product files first (`coverwright validate {}`)",
            dir.display()
        )?;
        return Ok(Err(ExitCode::Invalid));
    }
    Ok(Ok(products))
}

/// The exit code of a file that could not be used: I/O for a file that cannot be read
/// (E0240), invalid input otherwise.
pub(super) fn exit_code_of(d: &Diagnostic) -> ExitCode {
    if d.code == coverwright::diagnostics::codes::E0240 {
        ExitCode::Io
    } else {
        ExitCode::Invalid
    }
}
