//! The command line: arguments parsed by clap into commands, each run against the library and
//! turned into output text and an exit code.
//!
//! Exit codes: 0 success (warnings allowed), 1 invalid input, a declined quote, a failed
//! test or a batch with a failed record, 2 a usage error (bad flags, a file that cannot be
//! read).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostics::{Diagnostic, DiagnosticJson, render_all};
use crate::product::load::{LoadOptions, load_paths};

#[derive(Parser, Debug)]
#[command(
    name = "coverwright",
    version,
    about = "Check insurance product files, price quotes exactly, lay out payment schedules and render documents.",
    long_about = None
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
        /// Output file: JSON Lines, one line per record.
        #[arg(long)]
        output: PathBuf,
        /// Worker threads; all cores by default. The output is the same for any number.
        #[arg(long)]
        threads: Option<usize>,
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
    },
    /// Run the test cases written in product files.
    Test {
        #[arg(default_value = "products")]
        paths: Vec<PathBuf>,
    },
    /// Lay out the instalments of a product's payment plan for a premium.
    Schedule(ScheduleArgs),
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
        /// Years of payment (life when absent).
        #[arg(long)]
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

/// Arguments of `coverwright quote`.
#[derive(clap::Args, Debug)]
pub struct QuoteArgs {
    /// Product code, optionally with `@VERSION`; without it, the version in force on the
    /// cover start date (or `--as-of`).
    #[arg(long)]
    pub product: String,
    /// Request file (YAML or JSON).
    #[arg(long)]
    pub request: PathBuf,
    /// Census CSV (UTF-8, UTF-8 with BOM or GBK) replacing the request's `members`.
    #[arg(long)]
    pub census: Option<PathBuf>,
    /// Date the quote is made (YYYY-MM-DD); picks the product version and starts the
    /// quote's validity. Defaults to the cover start date.
    #[arg(long)]
    pub as_of: Option<String>,
    /// Show only this payment plan.
    #[arg(long)]
    pub plan: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Print the worksheet: every step, operand and matched table row.
    #[arg(long)]
    pub explain: bool,
    /// Folder of product files.
    #[arg(long, default_value = "products")]
    pub products: PathBuf,
    /// Also render this document of the quote (quote, policy, schedule, worksheet,
    /// illustration) to `--output`.
    #[arg(long)]
    pub render: Option<String>,
    /// Language of the rendered document.
    #[arg(long, default_value = "zh")]
    pub lang: String,
    /// File the rendered document is written to; its extension (.html, .md, .pdf) picks
    /// the format.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Templates folder (names resolve inside it only).
    #[arg(long, default_value = "templates")]
    pub templates: PathBuf,
}

/// Arguments of `coverwright render`.
#[derive(clap::Args, Debug)]
pub struct RenderArgs {
    /// The quote, as written by `coverwright quote --format json`.
    #[arg(long)]
    pub quote: PathBuf,
    /// quote, policy, schedule, worksheet, invoice or illustration.
    #[arg(long)]
    pub document: String,
    #[arg(long, default_value = "zh")]
    pub lang: String,
    /// html, md or pdf.
    #[arg(long, default_value = "html")]
    pub format: String,
    #[arg(long)]
    pub output: PathBuf,
    /// Templates folder (names resolve inside it only).
    #[arg(long, default_value = "templates")]
    pub templates: PathBuf,
    /// For `invoice`: the billing, as written by `coverwright declare --format json`.
    #[arg(long)]
    pub billing: Option<PathBuf>,
}

/// Arguments of `coverwright schedule`.
#[derive(clap::Args, Debug)]
pub struct ScheduleArgs {
    /// Product code, optionally with `@VERSION`.
    #[arg(long)]
    pub product: String,
    /// Payment plan code.
    #[arg(long)]
    pub plan: String,
    /// Cover start date (YYYY-MM-DD).
    #[arg(long)]
    pub start: String,
    /// Annual premium.
    #[arg(long)]
    pub premium: String,
    /// Years of premium (long-term products); the plan's premium years when absent.
    #[arg(long)]
    pub years: Option<u32>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    #[arg(long, default_value = "products")]
    pub products: PathBuf,
}

/// Runs a command; returns the exit code. Output goes to `out`, diagnostics to `err`.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let r = match cli.command {
        Command::Validate {
            paths,
            format,
            templates,
        } => validate(&paths, format, &templates, out, err),
        Command::List { paths, format } => list(&paths, format, out, err),
        Command::Schema => writeln!(out, "{}", crate::schema::product_schema()).map(|_| 0),
        Command::Quote(a) => quote_cmd(&a, out, err),
        Command::Render(a) => render_cmd(&a, err),
        Command::Test { paths } => test_cmd(&paths, out, err),
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
        } => {
            let per = match (per, &group_column) {
                (Some(PerArg::Group), _) | (None, Some(_)) => crate::batch::Per::Group,
                _ => crate::batch::Per::Member,
            };
            batch_cmd(
                &crate::batch::BatchOptions {
                    product,
                    input,
                    request,
                    per,
                    group_column,
                    plan,
                    explain,
                    threads,
                },
                &output,
                &products,
                err,
            )
        }
        Command::Schedule(a) => schedule_cmd(&a, out, err),
        Command::Declare {
            quote,
            declarations,
            format,
            products,
        } => declare_cmd(&quote, &declarations, format, &products, out, err),
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
        } => annuity_cmd(
            crate::actuarial::AnnuityQuery {
                table,
                column,
                age,
                interest: match crate::product::parse_decimal(&interest) {
                    Ok(d) => d,
                    Err(e) => {
                        let _ = writeln!(err, "error: --interest: {e}");
                        return 2;
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
                        return 2;
                    }
                },
            },
            format,
            out,
            err,
        ),
    };
    r.unwrap_or(2)
}

fn read_source(p: &Path) -> Option<String> {
    std::fs::read_to_string(p).ok()
}

/// Prints diagnostics as text (to `err`) or JSON (to `out`).
pub fn report(
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

fn validate(
    paths: &[PathBuf],
    format: Format,
    templates: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    for p in paths {
        if !p.exists() {
            writeln!(err, "error: `{}` does not exist", p.display())?;
            return Ok(2);
        }
    }
    let opts = LoadOptions {
        templates: Some(templates.to_path_buf()),
    };
    let (products, diags) = load_paths(paths, &opts);
    let mut diags = diags.into_vec();
    for p in &products {
        diags.extend(crate::cases::check_templates(p, templates));
    }
    report(&diags, format, out, err)?;
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if format == Format::Text {
        if errors == 0 {
            writeln!(
                err,
                "{} product version(s) valid{}",
                products.len(),
                plural_warnings(warnings)
            )?;
        } else {
            writeln!(err, "{errors} error(s){}", plural_warnings(warnings))?;
        }
    }
    Ok(if errors > 0 { 1 } else { 0 })
}

fn plural_warnings(n: usize) -> String {
    if n == 0 {
        String::new()
    } else {
        format!(", {n} warning(s)")
    }
}

fn list(
    paths: &[PathBuf],
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    let (products, diags) = load_paths(paths, &LoadOptions::default());
    let diags = diags.into_vec();
    if diags.iter().any(|d| d.is_error()) {
        report(&diags, Format::Text, out, err)?;
    }
    match format {
        Format::Json => {
            let rows: Vec<serde_json::Value> = products
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "code": p.code,
                        "version": p.version,
                        "line": p.line.as_str(),
                        "segment": p.segment,
                        "effective_from": p.effective_from.to_string(),
                        "effective_to": p.effective_to.map(|d| d.to_string()),
                        "name": {"zh": p.name.zh, "en": p.name.en},
                        "file": p.file.display().to_string(),
                    })
                })
                .collect();
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&rows).unwrap_or_default()
            )?;
        }
        Format::Text => {
            let mut rows = vec![[
                "CODE".to_string(),
                "VERSION".into(),
                "LINE".into(),
                "SEGMENT".into(),
                "FROM".into(),
                "TO".into(),
                "NAME".into(),
            ]];
            for p in &products {
                rows.push([
                    p.code.clone(),
                    p.version.clone(),
                    p.line.as_str().into(),
                    p.segment.clone(),
                    p.effective_from.to_string(),
                    p.effective_to
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "-".into()),
                    format!("{} / {}", p.name.zh, p.name.en),
                ]);
            }
            write!(out, "{}", table(&rows))?;
        }
    }
    Ok(if diags.iter().any(|d| d.is_error()) {
        1
    } else {
        0
    })
}

/// Lays out rows as aligned columns (display width aware for CJK text).
pub fn table<const N: usize>(rows: &[[String; N]]) -> String {
    let mut widths = [0usize; N];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(display_width(c));
        }
    }
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            line.push_str(c);
            if i + 1 < N {
                line.push_str(&" ".repeat(widths[i] - display_width(c) + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Terminal columns a string takes: CJK characters take two.
pub fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let u = c as u32;
            if (0x1100..=0x115F).contains(&u)
                || (0x2E80..=0xA4CF).contains(&u)
                || (0xAC00..=0xD7A3).contains(&u)
                || (0xF900..=0xFAFF).contains(&u)
                || (0xFE30..=0xFE4F).contains(&u)
                || (0xFF00..=0xFF60).contains(&u)
                || (0xFFE0..=0xFFE6).contains(&u)
            {
                2
            } else {
                1
            }
        })
        .sum()
}

/// Loads the products folder, printing its errors; `None` when a product failed to load.
fn load_products(
    dir: &Path,
    err: &mut dyn Write,
) -> std::io::Result<Option<Vec<crate::product::Product>>> {
    if !dir.exists() {
        writeln!(
            err,
            "error: the products folder `{}` does not exist",
            dir.display()
        )?;
        return Ok(None);
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
        return Ok(None);
    }
    Ok(Some(products))
}

fn quote_cmd(a: &QuoteArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<i32> {
    use crate::quote::{Outcome, QuoteOptions};
    let as_of = match &a.as_of {
        Some(s) => match crate::product::parse_date(s) {
            Ok(d) => Some(d),
            Err(e) => {
                writeln!(err, "error: --as-of: {e}")?;
                return Ok(2);
            }
        },
        None => None,
    };
    let Some(products) = load_products(&a.products, err)? else {
        return Ok(2);
    };
    // The start date picks the version when none is given.
    let start = match peek_start(&a.request) {
        Ok(d) => d,
        Err(d) => {
            report(&[d], Format::Text, out, err)?;
            return Ok(1);
        }
    };
    let date = as_of.or(start).unwrap_or_default();
    let product = match crate::product::load::find(&products, &a.product, date) {
        Ok(p) => p,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(2);
        }
    };
    if let Some(plan) = &a.plan
        && !product.plans.iter().any(|p| &p.code == plan)
    {
        let codes: Vec<&str> = product.plans.iter().map(|p| p.code.as_str()).collect();
        writeln!(
            err,
            "error: {} offers no payment plan `{plan}`; plans: {}",
            product.id(),
            codes.join(", ")
        )?;
        return Ok(2);
    }
    let req = match crate::request::load(product, &a.request, a.census.as_deref()) {
        Ok(r) => r,
        Err(d) => {
            let d = d.into_vec();
            report(&d, Format::Text, out, err)?;
            writeln!(
                err,
                "{} error(s) in the request",
                d.iter().filter(|x| x.is_error()).count()
            )?;
            return Ok(1);
        }
    };
    let opts = QuoteOptions {
        plan: a.plan.clone(),
        as_of,
        worksheet: a.format == Format::Json || a.explain,
    };
    match crate::quote::quote(product, &req, &opts) {
        Err(e) => {
            writeln!(err, "error: {e}")?;
            Ok(1)
        }
        Ok(Outcome::Declined(failures)) => {
            match a.format {
                Format::Json => {
                    let v = serde_json::json!({"declined": true, "product": product.id(), "failures": failures});
                    writeln!(
                        out,
                        "{}",
                        serde_json::to_string_pretty(&v).unwrap_or_default()
                    )?;
                }
                Format::Text => write!(out, "{}", crate::quote::decline_text(&failures))?,
            }
            Ok(1)
        }
        Ok(Outcome::Quoted(q, _)) => {
            match a.format {
                Format::Json => write!(out, "{}", crate::quote::to_json(&q))?,
                Format::Text => write!(out, "{}", crate::quote::to_text(&q, a.explain))?,
            }
            if let Some(doc) = &a.render {
                let Some(output) = &a.output else {
                    writeln!(err, "error: --render needs --output FILE")?;
                    return Ok(2);
                };
                let format = output
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or("html")
                    .to_string();
                let value: serde_json::Value =
                    serde_json::from_str(&crate::quote::to_json(&q)).unwrap_or_default();
                return render_value(
                    value,
                    doc,
                    &a.lang,
                    &format,
                    output,
                    &a.templates,
                    None,
                    err,
                );
            }
            Ok(0)
        }
    }
}

fn batch_cmd(
    opts: &crate::batch::BatchOptions,
    output: &Path,
    products: &Path,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    use crate::batch::BatchError;
    use std::io::IsTerminal;
    if opts.threads == Some(0) {
        writeln!(err, "error: --threads must be at least 1")?;
        return Ok(2);
    }
    let input_len = match std::fs::metadata(&opts.input) {
        Ok(m) => m.len(),
        Err(e) => {
            writeln!(err, "error: cannot read {}: {e}", opts.input.display())?;
            return Ok(2);
        }
    };
    let Some(products) = load_products(products, err)? else {
        return Ok(2);
    };
    let file = match std::fs::File::create(output) {
        Ok(f) => f,
        Err(e) => {
            writeln!(err, "error: cannot write {}: {e}", output.display())?;
            return Ok(2);
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
    let r = crate::batch::run(&products, opts, &mut w, Some(&tick));
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    match r {
        Ok(summary) => {
            writeln!(err, "batch: {summary}")?;
            Ok(if summary.failed > 0 { 1 } else { 0 })
        }
        Err(BatchError::Usage(m)) => {
            writeln!(err, "error: {m}")?;
            Ok(2)
        }
        Err(BatchError::Invalid(d)) => {
            report(&d, Format::Text, &mut std::io::sink(), err)?;
            writeln!(err, "error: nothing was quoted")?;
            Ok(1)
        }
        Err(BatchError::Io(e)) => {
            writeln!(err, "error: writing {}: {e}", output.display())?;
            Ok(2)
        }
    }
}

/// Reads the request's start date (for picking the product version).
fn peek_start(path: &Path) -> Result<Option<chrono::NaiveDate>, Diagnostic> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::error("E0201", format!("cannot read the request: {e}")).in_file(path)
    })?;
    let node = crate::yaml::parse(&text).map_err(|d| d.in_file(path))?;
    Ok(node
        .get("start")
        .and_then(|n| n.as_str())
        .and_then(|s| crate::product::parse_date(s).ok()))
}

fn test_cmd(paths: &[PathBuf], out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<i32> {
    let (products, diags) = load_paths(paths, &LoadOptions::default());
    let diags = diags.into_vec();
    if diags.iter().any(|d| d.is_error()) {
        report(&diags, Format::Text, out, err)?;
        return Ok(1);
    }
    let (mut passed, mut failed) = (0, 0);
    for p in &products {
        for r in crate::cases::run_product(p) {
            if r.passed {
                passed += 1;
                writeln!(out, "pass  {}  {}", r.product, r.name)?;
            } else {
                failed += 1;
                writeln!(out, "FAIL  {}  {}  ({})", r.product, r.name, r.location)?;
                for d in &r.details {
                    writeln!(out, "        {d}")?;
                }
            }
        }
    }
    writeln!(out, "{passed} passed, {failed} failed")?;
    Ok(if failed > 0 { 1 } else { 0 })
}

fn schedule_cmd(
    a: &ScheduleArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    let (product, plan, format, dir, years) = (
        a.product.as_str(),
        a.plan.as_str(),
        a.format,
        a.products.as_path(),
        a.years,
    );
    let (start, premium) = (a.start.as_str(), a.premium.as_str());
    let start = match crate::product::parse_date(start) {
        Ok(d) => d,
        Err(e) => {
            writeln!(err, "error: --start: {e}")?;
            return Ok(2);
        }
    };
    let premium = match crate::product::parse_decimal(premium) {
        Ok(d) if d >= rust_decimal::Decimal::ZERO => d,
        Ok(_) => {
            writeln!(err, "error: --premium cannot be negative")?;
            return Ok(2);
        }
        Err(e) => {
            writeln!(err, "error: --premium: {e}")?;
            return Ok(2);
        }
    };
    let Some(products) = load_products(dir, err)? else {
        return Ok(2);
    };
    let p = match crate::product::load::find(&products, product, start) {
        Ok(p) => p,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(2);
        }
    };
    let Some(pl) = p.plans.iter().find(|x| x.code == plan) else {
        let codes: Vec<&str> = p.plans.iter().map(|x| x.code.as_str()).collect();
        writeln!(
            err,
            "error: {} offers no payment plan `{plan}`; plans: {}",
            p.id(),
            codes.join(", ")
        )?;
        return Ok(2);
    };
    let ip = match pl.instalments.as_ref() {
        Some(ip) => ip,
        None => {
            writeln!(
                err,
                "error: plan `{plan}` is {}; it has no instalment schedule",
                pl.mode.as_str()
            )?;
            return Ok(2);
        }
    };
    let cal = pl.holidays.as_ref();
    let req = crate::schedule::ScheduleRequest {
        premium,
        start,
        term_years: years.or(pl.premium_years).unwrap_or(1).max(1),
    };
    match ip.schedule(&req, cal) {
        Ok(s) => {
            match format {
                Format::Json => writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&s).unwrap_or_default()
                )?,
                Format::Text => write!(out, "{}", s.to_text())?,
            }
            Ok(0)
        }
        Err(e) => {
            writeln!(err, "error: {e}")?;
            Ok(1)
        }
    }
}

fn declare_cmd(
    quote: &Path,
    decls: &Path,
    format: Format,
    dir: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    let q = match crate::declare::read_quote(quote) {
        Ok(q) => q,
        Err(d) => {
            report(&[d], Format::Text, out, err)?;
            return Ok(1);
        }
    };
    let Some(products) = load_products(dir, err)? else {
        return Ok(2);
    };
    let spec = format!(
        "{}@{}",
        q["product"]["code"].as_str().unwrap_or(""),
        q["product"]["version"].as_str().unwrap_or("")
    );
    let p = match crate::product::load::find(&products, &spec, chrono::NaiveDate::MIN) {
        Ok(p) => p,
        Err(e) => {
            writeln!(err, "error: the quote's product: {e}")?;
            return Ok(1);
        }
    };
    if q["product"]["content_hash"].as_str() != Some(p.content_hash.as_str()) {
        writeln!(
            err,
            "warning: {spec} has changed since the quote was made (content hash differs)"
        )?;
    }
    let bytes = match std::fs::read(decls) {
        Ok(b) => b,
        Err(e) => {
            writeln!(err, "error: cannot read {}: {e}", decls.display())?;
            return Ok(2);
        }
    };
    let (text, _) = crate::request::decode_census(&bytes);
    match crate::declare::declare(p, &q, decls, &text) {
        Ok(b) => {
            match format {
                Format::Json => writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&b).unwrap_or_default()
                )?,
                Format::Text => write!(out, "{}", b.to_text())?,
            }
            Ok(0)
        }
        Err(d) => {
            report(&d.into_vec(), Format::Text, out, err)?;
            Ok(1)
        }
    }
}

fn annuity_cmd(
    q: crate::actuarial::AnnuityQuery,
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    match crate::actuarial::annuity_report(&q) {
        Ok(r) => {
            match format {
                Format::Json => writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&r).unwrap_or_default()
                )?,
                Format::Text => write!(out, "{r}")?,
            }
            Ok(0)
        }
        Err(e) => {
            writeln!(err, "error: {e}")?;
            Ok(1)
        }
    }
}

fn render_cmd(a: &RenderArgs, err: &mut dyn Write) -> std::io::Result<i32> {
    let q = match crate::declare::read_quote(&a.quote) {
        Ok(q) => q,
        Err(d) => {
            report(&[d], Format::Text, &mut std::io::sink(), err)?;
            return Ok(1);
        }
    };
    let billing = match a.billing.as_deref() {
        None => None,
        Some(b) => match crate::declare::read_quote(b) {
            Ok(v) => Some(v),
            Err(d) => {
                report(&[d], Format::Text, &mut std::io::sink(), err)?;
                return Ok(1);
            }
        },
    };
    render_value(
        q,
        &a.document,
        &a.lang,
        &a.format,
        &a.output,
        &a.templates,
        billing,
        err,
    )
}

/// Renders a quote (JSON value) to a document file.
#[allow(clippy::too_many_arguments)]
fn render_value(
    quote: serde_json::Value,
    document: &str,
    lang: &str,
    format: &str,
    output: &Path,
    templates: &Path,
    billing: Option<serde_json::Value>,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    use crate::document::render::{DocKind, OutFormat, render_document};
    let Ok(kind) = document.parse::<DocKind>() else {
        writeln!(
            err,
            "error: unknown document `{document}`; use quote, policy, schedule, worksheet, invoice or illustration"
        )?;
        return Ok(2);
    };
    let Ok(lang) = lang.parse::<crate::document::Lang>() else {
        writeln!(err, "error: unknown language `{lang}`; use zh or en")?;
        return Ok(2);
    };
    let Ok(format) = format.parse::<OutFormat>() else {
        writeln!(err, "error: unknown format `{format}`; use html, md or pdf")?;
        return Ok(2);
    };
    let renderer = match crate::document::Renderer::new(templates) {
        Ok(r) => r,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(1);
        }
    };
    let mut ctx = serde_json::json!({ "quote": quote });
    if let Some(b) = billing {
        ctx["billing"] = b;
    }
    match render_document(&renderer, kind, lang, format, &ctx, output) {
        Ok(()) => {
            writeln!(err, "wrote {}", output.display())?;
            Ok(0)
        }
        Err(e) => {
            writeln!(err, "error: {e}")?;
            Ok(1)
        }
    }
}
