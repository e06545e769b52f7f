//! The command line: arguments parsed by clap into commands, each run against the library and
//! turned into output text and an [`ExitCode`]. This module belongs to the binary: the library
//! knows nothing of it.
//!
//! One file per command group: `products` (validate, list, test), `quote` (quote, render),
//! `batch`, `billing` (schedule, declare, annuity), `change` (diff, impact, test --coverage), `claim`, `rules`; `root` finds the project
//! folder the default paths resolve under, `style` decides colour and `shell` writes shell
//! completions and the manual page.
//!
//! The output contract: a command that prints results takes `--format text|json`; with
//! `json`, standard output carries only JSON (results, or the failure as an array of
//! diagnostic objects, the same as `validate --format json` prints) and every failure ends
//! with a code of the one table in [`EXIT_CODES`].

mod batch;
mod billing;
mod change;
mod claim;
mod exit;
mod products;
mod quote;
mod render_bulk;
mod root;
mod rules;
#[cfg(feature = "service")]
mod serve;
mod shell;
mod style;
mod validate_cache;

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use coverwright::diagnostics::{Diagnostic, DiagnosticJson, render_all_styled};
use coverwright::product::load::{LoadOptions, load_paths};

use billing::ScheduleArgs;
pub use exit::{EXIT_CODES, ExitCode};
use quote::{QuoteArgs, RenderArgs};
pub use root::resolve_root;
pub use style::{ColorArg, set_color};

#[derive(Parser, Debug)]
#[command(
    name = "coverwright",
    version,
    about = "Check insurance product files, price quotes exactly, lay out payment schedules and render documents.",
    long_about = None,
    after_help = EXIT_CODES
)]
pub struct Cli {
    /// Project folder whose `products/` and `templates/` are the defaults. Without it:
    /// `$COVERWRIGHT_ROOT`, else the nearest folder holding `products/`, from the current
    /// folder upwards. Paths given on the command line stay relative to the current folder.
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Colour of diagnostics and quote headers: `auto` (on a terminal, unless `NO_COLOR` is
    /// set), `always` or `never`.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "auto",
        value_name = "WHEN"
    )]
    pub color: ColorArg,
    #[command(subcommand)]
    pub command: Command,
}

/// What a command prints on standard output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Text for a reader; diagnostics on standard error.
    Text,
    /// JSON only: the results, or the diagnostics as JSON objects.
    Json,
}

/// How a census is cut into quotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PerArg {
    /// One quote per member (census row).
    Member,
    /// One quote per group of consecutive rows with the same `--group-column` value.
    Group,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check product files and report every problem with its file, line and column.
    Validate {
        /// Product files or folders of them (default: `products/` of the project folder).
        #[arg(default_value = "products")]
        paths: Vec<PathBuf>,
        /// Output format: `text` or `json` (the diagnostics as JSON objects on stdout).
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Templates folder the products' documents are looked up in (default: `templates/`
        /// of the project folder).
        #[arg(long, default_value = "templates")]
        templates: PathBuf,
        /// Neither read nor write the cache of parsed product files and results
        /// (`$XDG_CACHE_HOME/coverwright`, else `~/.cache/coverwright`).
        #[arg(long)]
        no_cache: bool,
    },
    /// List products: code, version, line, segment, effective dates and names.
    List {
        /// Product files or folders of them (default: `products/` of the project folder).
        #[arg(default_value = "products")]
        paths: Vec<PathBuf>,
        /// Output format: `text` (a table) or `json` (an array of products).
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
        /// Show only this payment plan (a plan code of the product).
        #[arg(long)]
        plan: Option<String>,
        /// Record the worksheet in every quote.
        #[arg(long)]
        explain: bool,
        /// Folder of product files (default: `products/` of the project folder).
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
        /// How the records are written: `jsonl` (one JSON line per record) or, for a census,
        /// `csv` (one row per member, with `--quotes-output` for one row per quote).
        #[arg(long, value_enum, default_value = "jsonl")]
        format: batch::BatchFormat,
        /// With `--format csv`: the file of quote rows (totals, instalments, declines, errors).
        #[arg(long)]
        quotes_output: Option<PathBuf>,
        /// How the run's summary and errors are printed: `text` on stderr, or `json` on stdout
        /// (on stderr when `--output -` writes the records to stdout).
        #[arg(long, value_enum, default_value = "text")]
        report: Format,
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
        /// Output format: `text` (changes grouped by what they affect) or `json`.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Folder of product files `CODE@VERSION` is looked up in (default: `products/` of
        /// the project folder).
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
        /// Product files or folders of them (default: `products/` of the project folder).
        #[arg(default_value = "products")]
        paths: Vec<PathBuf>,
        /// Output format: `text` (a line per case), `json` (every case with its outcome and
        /// comparisons) or, with `--coverage`, `lcov` (coverage mapped onto the product files).
        #[arg(long, value_enum, default_value = "text")]
        format: change::CoverageFormat,
        #[command(flatten)]
        coverage: change::CoverageArgs,
    },
    /// Lay out the instalments of a product's payment plan for a premium.
    Schedule(ScheduleArgs),
    /// Settle a claim on a quoted policy: payable per coverage and step, limits, decision,
    /// path, documents and service dates.
    Claim(claim::ClaimArgs),
    /// Rate and bill export-credit declarations under a quote: monthly invoices, the
    /// year-end minimum-premium adjustment, and declarations over the maximum liability.
    Declare {
        /// The quote, as written by `coverwright quote --format json`.
        #[arg(long)]
        quote: PathBuf,
        /// Declarations CSV: date,buyer,country_class,payment_method,credit_days,value.
        #[arg(long)]
        declarations: PathBuf,
        /// Output format: `text` (invoices and adjustments) or `json` (the billing).
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Folder of product files (default: `products/` of the project folder).
        #[arg(long, default_value = "products")]
        products: PathBuf,
    },
    /// Value an annuity-due on a life table, with the related values, for checking.
    Annuity {
        /// Life table CSV (`age,qx`, or several columns with `--column`).
        #[arg(long)]
        table: PathBuf,
        /// The qx column of a table with several (e.g. `CL5`).
        #[arg(long)]
        column: Option<String>,
        /// Age at valuation, in whole years within the table.
        #[arg(long)]
        age: u32,
        /// Interest rate as a decimal, e.g. 0.025.
        #[arg(long)]
        interest: String,
        /// Years before the first payment, 0 or more.
        #[arg(long, default_value_t = 0)]
        defer: u32,
        /// Years of payment, 1 or more; for life when absent. (Formulas write `term 0` for
        /// life; here a life annuity is asked for by leaving `--term` out, so 0 is refused.)
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        term: Option<u32>,
        /// Years certain at the start of payments, 0 or more.
        #[arg(long, default_value_t = 0)]
        guaranteed: u32,
        /// Payments a year: 1, 2, 4 or 12 (each 1/M).
        #[arg(long, default_value = "1", value_parser = ["1", "2", "4", "12"])]
        frequency: String,
        /// Approximation for payments more than once a year.
        #[arg(long, default_value = "woolhouse2", value_parser = ["woolhouse2", "udd"])]
        method: String,
        /// Output format: `text` or `json`.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Serve quotes over HTTP: products, quotes, problem+json errors, metrics, reload on
    /// SIGHUP. Listens on loopback unless `--listen` says otherwise. See docs/service.md.
    #[cfg(feature = "service")]
    Serve(serve::ServeArgs),
    /// Print a shell completion script to standard output.
    Completions {
        /// The shell the script is for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to standard output.
    Man,
}

/// Runs a command; returns the exit code. Output goes to `out`, diagnostics to `err`.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let r = match cli.command {
        Command::Validate {
            paths,
            format,
            templates,
            no_cache,
        } => {
            if !no_cache {
                coverwright::cache::enable();
            }
            products::validate(&paths, format, &templates, out, err)
        }
        Command::List { paths, format } => products::list(&paths, format, out, err),
        Command::Schema => {
            writeln!(out, "{}", coverwright::schema::product_schema()).map(|_| ExitCode::Success)
        }
        Command::Quote(a) => {
            if !a.no_cache {
                coverwright::cache::enable();
            }
            quote::quote_cmd(&a, out, err)
        }
        Command::Render(a) => quote::render_cmd(&a, err),
        Command::Diff {
            old,
            new,
            format,
            products,
        } => change::diff_cmd(&old, &new, &products, format, out, err),
        Command::Impact(a) => change::impact_cmd(&a, out, err),
        Command::Test {
            paths,
            format,
            coverage,
        } if coverage.coverage => change::coverage_cmd(&paths, &coverage, format, out, err),
        Command::Test { paths, format, .. } => match format {
            change::CoverageFormat::Text => products::test_cmd(&paths, Format::Text, out, err),
            change::CoverageFormat::Json => products::test_cmd(&paths, Format::Json, out, err),
            change::CoverageFormat::Lcov => fail(
                Format::Text,
                ExitCode::Usage,
                "`--format lcov` is for `test --coverage`",
                out,
                err,
            ),
        },
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
            format,
            quotes_output,
            report,
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
                    assume_utf8: false,
                },
                &batch::Outputs {
                    main: &output,
                    format,
                    quotes: quotes_output.as_deref(),
                },
                (&products, report),
                out,
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
        } => match (
            coverwright::product::parse_decimal(&interest),
            method.parse(),
        ) {
            (Ok(interest), Ok(method)) => billing::annuity_cmd(
                coverwright::actuarial::AnnuityQuery {
                    table,
                    column,
                    age,
                    interest,
                    defer,
                    term,
                    guaranteed,
                    frequency: frequency.parse().unwrap_or(1),
                    method,
                },
                format,
                out,
                err,
            ),
            (Err(e), _) => fail(
                format,
                ExitCode::Usage,
                format!("--interest: {e}"),
                out,
                err,
            ),
            (_, Err(_)) => {
                let m = "--method: use woolhouse2 or udd";
                fail(format, ExitCode::Usage, m, out, err)
            }
        },
        #[cfg(feature = "service")]
        Command::Serve(a) => serve::serve_cmd(&a, out, err),
        Command::Completions { shell } => shell::completions(shell, out),
        Command::Man => shell::man(out),
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

/// Reports a failure of a command in its format and returns its exit code: as an
/// `error: ...` line on stderr, or as a JSON diagnostic (code E0250 for a usage error, E0251
/// for a file that cannot be read or written, E0252 otherwise) on stdout.
pub(super) fn fail(
    format: Format,
    code: ExitCode,
    message: impl std::fmt::Display,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    use coverwright::diagnostics::codes;
    match format {
        Format::Text => writeln!(err, "{}: {message}", style::error_word())?,
        Format::Json => {
            let id = match code {
                ExitCode::Usage => codes::E0250,
                ExitCode::Io => codes::E0251,
                _ => codes::E0252,
            };
            report(
                &[Diagnostic::error(id, message.to_string())],
                format,
                out,
                err,
            )?;
        }
    }
    Ok(code)
}

fn read_source(p: &Path) -> Option<String> {
    coverwright::fsio::read_text(p, coverwright::fsio::MAX_DOCUMENT_BYTES).ok()
}

/// Prints diagnostics as text (to `err`) or JSON (to `out`).
pub(super) fn report(
    diags: &[Diagnostic],
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Text => write!(err, "{}", {
            let styled = style::stderr_colored();
            let text = render_all_styled(diags, &read_source, styled);
            if styled {
                coverwright::text::printable_styled(&text).into_owned()
            } else {
                coverwright::text::printable(&text).into_owned()
            }
        }),
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

/// Loads the products folder, printing its errors in `format`; the exit code when it is
/// missing (I/O) or a product in it is invalid.
pub(super) fn load_products_as(
    dir: &Path,
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Result<Vec<coverwright::product::Product>, ExitCode>> {
    load_products_of(dir, None, format, out, err)
}

/// [`load_products_as`], only the products of `code` when given (`product::load::load_paths_for`).
pub(super) fn load_products_of(
    dir: &Path,
    code: Option<&str>,
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Result<Vec<coverwright::product::Product>, ExitCode>> {
    if !dir.exists() {
        let m = format!(
            "the products folder `{}` does not exist (run from a project folder, or give --root DIR)",
            dir.display()
        );
        return fail(format, ExitCode::Io, m, out, err).map(Err);
    }
    let paths = [dir.to_path_buf()];
    let (products, diags) = match code {
        Some(c) => coverwright::product::load::load_paths_for(&paths, &LoadOptions::default(), c),
        None => load_paths(&paths, &LoadOptions::default()),
    };
    let diags = diags.into_vec();
    if diags.iter().any(|d| d.is_error()) {
        report(&diags, format, out, err)?;
        if format == Format::Text {
            writeln!(
                err,
                "{}: fix the product files first (`coverwright validate {}`)",
                style::error_word(),
                dir.display()
            )?;
        }
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
