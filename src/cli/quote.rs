//! `quote` and `render`: pricing one request, and documents from a quote.

use std::io::Write;
use std::path::{Path, PathBuf};

use coverwright::diagnostics::Diagnostic;
use coverwright::text::printable;

use super::{ExitCode, Format, fail, load_products_of, report};

/// Arguments of `coverwright quote`.
#[derive(clap::Args, Debug)]
pub struct QuoteArgs {
    /// Product code, optionally with `@VERSION`; without it, the version in force on the
    /// cover start date.
    #[arg(long)]
    pub product: String,
    /// Request file (YAML or JSON); `-` reads it from standard input.
    #[arg(long)]
    pub request: PathBuf,
    /// Census CSV (UTF-8, UTF-8 with BOM or GBK) replacing the request's `members`.
    #[arg(long)]
    pub census: Option<PathBuf>,
    /// The census's encoding. Found from the bytes by default: UTF-8 (with or without a byte
    /// order mark), else GBK; bytes that are not text are row errors, never replaced.
    #[arg(long, value_enum)]
    pub encoding: Option<coverwright::census::Encoding>,
    /// Date the quote is made (YYYY-MM-DD): dates the quote and starts its validity (30
    /// days). Defaults to the cover start date. It does not pick the product version.
    #[arg(long)]
    pub as_of: Option<String>,
    /// Show only this payment plan.
    #[arg(long)]
    pub plan: Option<String>,
    /// Output format: `text` (a statement) or `json` (the quote document). With `json`, every
    /// error is printed as JSON diagnostics on stdout too.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Print the worksheet: every step, operand and matched table row.
    #[arg(long)]
    pub explain: bool,
    /// Folder of product files (default: `products/` of the project folder).
    #[arg(long, default_value = "products")]
    pub products: PathBuf,
    /// Also render this document of the quote (quote, policy, schedule, worksheet,
    /// illustration) to `--output`.
    #[arg(long)]
    pub render: Option<String>,
    /// Language of the rendered document: zh or en.
    #[arg(long, default_value = "zh")]
    pub lang: String,
    /// File the rendered document is written to; its extension (.html, .md, .pdf) picks
    /// the format.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Templates folder; names resolve inside it only (default: `templates/` of the project
    /// folder).
    #[arg(long, default_value = "templates")]
    pub templates: PathBuf,
    /// Neither read nor write the cache of parsed product files
    /// (`$XDG_CACHE_HOME/coverwright`, else `~/.cache/coverwright`).
    #[arg(long)]
    pub no_cache: bool,
    /// What a policy states besides the quote.
    #[command(flatten)]
    pub policy: PolicyArgs,
}

/// Arguments of `coverwright render`.
#[derive(clap::Args, Debug)]
pub struct RenderArgs {
    /// The quote, as written by `coverwright quote --format json`; `-` is standard input.
    #[arg(long, required_unless_present = "quotes", conflicts_with = "quotes")]
    pub quote: Option<PathBuf>,
    /// Many quotes, one JSON quote per line (as `coverwright batch` writes them), or `-` for
    /// standard input: one document per quote in `--output-dir`, named by quote id.
    #[arg(long, requires = "output_dir")]
    pub quotes: Option<PathBuf>,
    /// For `--quotes`: the folder the documents are written to (created when absent).
    #[arg(long, conflicts_with = "output")]
    pub output_dir: Option<PathBuf>,
    /// For `--quotes`: a folder of per-quote policy-options files, `<quote id>.yaml`, over
    /// `--policy-options` and under the other command-line options.
    #[arg(long, requires = "quotes")]
    pub policy_options_dir: Option<PathBuf>,
    /// The document: quote, policy, schedule, worksheet, invoice or illustration.
    #[arg(long)]
    pub document: String,
    /// Language of the document: zh or en.
    #[arg(long, default_value = "zh")]
    pub lang: String,
    /// File format: html, md, pdf or docx (docx: quote, policy and schedule).
    #[arg(long, default_value = "html")]
    pub format: String,
    /// The document file (with `--quote`).
    #[arg(long, required_unless_present = "quotes")]
    pub output: Option<PathBuf>,
    /// Templates folder; names resolve inside it only (default: `templates/` of the project
    /// folder).
    #[arg(long, default_value = "templates")]
    pub templates: PathBuf,
    /// For `invoice`: the billing, as written by `coverwright declare --format json`.
    #[arg(long)]
    pub billing: Option<PathBuf>,
    /// For `worksheet`: show formulas, operands and file:line for product authors.
    #[arg(long)]
    pub actuary: bool,
    /// For `--format pdf`: `typst` (the built-in typesetter, no browser; the default in
    /// builds with the cargo feature `typeset`, itself a default) or `chromium` (a headless
    /// browser; the default in builds without the typesetter).
    #[arg(long, value_enum, default_value_t = coverwright::document::PdfEngine::DEFAULT)]
    pub pdf_engine: coverwright::document::PdfEngine,
    /// Folder of product files: the quote's product and `insurers/insurers.yaml` (default:
    /// `products/` of the project folder).
    #[arg(long, default_value = "products")]
    pub products: PathBuf,
    /// Payment plan the policy is written with; the plan code of the quote.
    #[arg(long)]
    pub plan: Option<String>,
    /// What a policy states besides the quote.
    #[command(flatten)]
    pub policy: PolicyArgs,
}

/// The options of a policy document that the quote does not carry (`render` and
/// `quote --render`).
#[derive(clap::Args, Debug, Clone)]
pub struct PolicyArgs {
    /// Issue date of the document (YYYY-MM-DD); defaults to the quote's date.
    #[arg(long)]
    pub issue_date: Option<String>,
    /// Dispute resolution: litigation or arbitration (defaults to the insurer's).
    #[arg(long)]
    pub dispute: Option<String>,
    /// The arbitration commission, for --dispute arbitration.
    #[arg(long)]
    pub arbitration_body: Option<String>,
    /// A special clause of this policy, printed after the product's (repeatable).
    #[arg(long = "special-clause")]
    pub special_clause: Vec<String>,
    /// Policy-options file (YAML): plan, issue date, dispute, special clauses, policyholder
    /// address and contact, beneficiaries, buyer credit limits.
    #[arg(long)]
    pub policy_options: Option<PathBuf>,
}

/// Reports a request's diagnostics: as text with a count on stderr, or as JSON on stdout.
fn request_errors(
    d: &[Diagnostic],
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    report(d, format, out, err)?;
    if format == Format::Text {
        let n = d.iter().filter(|x| x.is_error()).count();
        writeln!(err, "{n} error(s) in the request")?;
    }
    Ok(())
}

pub(super) fn quote_cmd(
    a: &QuoteArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    use coverwright::quote::{Outcome, QuoteOptions};
    let as_of = match &a.as_of {
        Some(s) => match coverwright::product::parse_date(s) {
            Ok(d) => Some(d),
            Err(e) => {
                return fail(a.format, ExitCode::Usage, format!("--as-of: {e}"), out, err);
            }
        },
        None => None,
    };
    let products = match load_products_of(&a.products, Some(&a.product), a.format, out, err)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    // The request is read once; its cover start date picks the version when none is given.
    let file = match coverwright::request::RequestFile::read(&a.request) {
        Ok(f) => f,
        Err(e) => {
            let code = match e {
                coverwright::request::ReadError::Io(_) => ExitCode::Io,
                coverwright::request::ReadError::Invalid(_) => ExitCode::Invalid,
            };
            report(&e.into_vec(), a.format, out, err)?;
            return Ok(code);
        }
    };
    let header = match file.header() {
        Ok(h) => h,
        Err(d) => {
            request_errors(&d.into_vec(), a.format, out, err)?;
            return Ok(ExitCode::Invalid);
        }
    };
    let product = match coverwright::request::pick(&products, &a.product, &header, &a.request) {
        Ok(p) => p,
        Err(coverwright::request::PickError::Unknown(e)) => {
            return fail(a.format, ExitCode::Usage, e, out, err);
        }
        Err(coverwright::request::PickError::NotInForce(d)) => {
            report(&[d], a.format, out, err)?;
            return Ok(ExitCode::Invalid);
        }
    };
    if let Some(plan) = &a.plan
        && !product.plans.iter().any(|p| &p.code == plan)
    {
        let codes: Vec<&str> = product.plans.iter().map(|p| p.code.as_str()).collect();
        return fail(
            a.format,
            ExitCode::Usage,
            format!(
                "{} offers no payment plan `{plan}`; plans: {}",
                product.id(),
                codes.join(", ")
            ),
            out,
            err,
        );
    }
    let req = match coverwright::request::check_with_census(
        product,
        &file.node,
        &a.request,
        a.census.as_deref(),
        a.encoding,
    ) {
        Ok(r) => r,
        Err(d) => {
            request_errors(&d.into_vec(), a.format, out, err)?;
            return Ok(ExitCode::Invalid);
        }
    };
    let opts = QuoteOptions {
        plan: a.plan.clone(),
        as_of,
        worksheet: a.format == Format::Json || a.explain,
    };
    match coverwright::quote::quote(product, &req, &opts) {
        Err(e) => fail(a.format, ExitCode::Invalid, e, out, err),
        Ok(Outcome::Declined(failures)) => {
            match a.format {
                Format::Json => write!(
                    out,
                    "{}",
                    coverwright::outcome::declined_json(product, &failures)
                )?,
                Format::Text => write!(
                    out,
                    "{}",
                    printable(&coverwright::quote::decline_text(&failures))
                )?,
            }
            Ok(ExitCode::Invalid)
        }
        Ok(Outcome::Quoted(q, _)) => {
            match a.format {
                Format::Json => write!(out, "{}", coverwright::quote::to_json(&q))?,
                Format::Text => {
                    let styled = super::style::stdout_colored();
                    let text = coverwright::quote::to_text_styled(&q, a.explain, styled);
                    if styled {
                        write!(out, "{}", coverwright::text::printable_styled(&text))?
                    } else {
                        write!(out, "{}", printable(&text))?
                    }
                }
            }
            if let Some(doc) = &a.render {
                let Some(output) = &a.output else {
                    return fail(
                        a.format,
                        ExitCode::Usage,
                        "--render needs --output FILE",
                        out,
                        err,
                    );
                };
                let format = output
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or("html")
                    .to_string();
                let mut inputs = vec![a.request.as_path()];
                inputs.extend(a.census.as_deref());
                let doc_args = (a.plan.as_deref(), &a.policy);
                let options = match doc_options(&a.lang, doc_args, Some(product), &a.products) {
                    Ok(o) => o,
                    Err(e) => {
                        return fail(a.format, ExitCode::Usage, e, out, err);
                    }
                };
                return render_value(
                    quote_value(&q),
                    doc,
                    options,
                    &format,
                    (output, &inputs),
                    &a.templates,
                    None,
                    err,
                );
            }
            Ok(ExitCode::Success)
        }
    }
}

pub(super) fn render_cmd(a: &RenderArgs, err: &mut dyn Write) -> std::io::Result<ExitCode> {
    coverwright::document::set_pdf_engine(a.pdf_engine);
    if let (Some(quotes), Some(dir)) = (&a.quotes, &a.output_dir) {
        return super::render_bulk::render_bulk_cmd(a, quotes, dir, err);
    }
    let (Some(quote), Some(output)) = (&a.quote, &a.output) else {
        writeln!(
            err,
            "error: give --quote and --output, or --quotes and --output-dir"
        )?;
        return Ok(ExitCode::Usage);
    };
    let q = match coverwright::quote::read_quote_file(quote) {
        Ok(q) => q,
        Err(d) => {
            let code = super::exit_code_of(&d);
            report(&[d], Format::Text, &mut std::io::sink(), err)?;
            return Ok(code);
        }
    };
    let billing = match a.billing.as_deref() {
        None => None,
        Some(b) => match read_billing(b) {
            Ok(v) => Some(v),
            Err(d) => {
                let code = super::exit_code_of(&d);
                report(&[d], Format::Text, &mut std::io::sink(), err)?;
                return Ok(code);
            }
        },
    };
    let value = quote_value(&q);
    let product = match coverwright::document::options::quote_product(&value, &a.products) {
        Ok(p) => p,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(ExitCode::Invalid);
        }
    };
    let doc_args = (a.plan.as_deref(), &a.policy);
    let options = match doc_options(&a.lang, doc_args, product.as_ref(), &a.products) {
        Ok(o) => coverwright::document::DocOptions {
            actuary: a.actuary,
            ..o
        },
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(ExitCode::Usage);
        }
    };
    let mut inputs = vec![quote.as_path()];
    inputs.extend(a.billing.as_deref());
    render_value(
        value,
        &a.document,
        options,
        &a.format,
        (output, &inputs),
        &a.templates,
        billing,
        err,
    )
}

/// The quote as the JSON value the document templates read.
fn quote_value(q: &coverwright::quote::Quote) -> serde_json::Value {
    serde_json::to_value(q).unwrap_or_default()
}

/// Reads a billing file, as written by `coverwright declare --format json`.
fn read_billing(path: &Path) -> Result<serde_json::Value, Diagnostic> {
    use coverwright::diagnostics::codes;
    let text = coverwright::request::read_input(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .map_err(|e| {
            Diagnostic::error(codes::E0240, format!("cannot read the billing: {e}")).in_file(path)
        })?;
    serde_json::from_str(&text).map_err(|e| {
        Diagnostic::error(codes::E0241, format!("the billing is not valid JSON: {e}"))
            .in_file(path)
            .at(coverwright::diagnostics::Span::new(
                e.line() as u32,
                e.column() as u32,
                0,
                0,
            ))
    })
}

/// Document options from the command line, the product and the insurer profiles file.
fn doc_options(
    lang: &str,
    (plan, a): (Option<&str>, &PolicyArgs),
    product: Option<&coverwright::product::Product>,
    products: &Path,
) -> Result<coverwright::document::DocOptions, String> {
    coverwright::document::options::options_for(
        lang,
        plan,
        a.issue_date.as_deref(),
        a.dispute.as_deref(),
        a.arbitration_body.as_deref(),
        &a.special_clause,
        product,
        products,
        a.policy_options.as_deref(),
    )
}

/// Renders a quote (JSON value) to a document file, which is replaced only when the whole
/// document (for PDF, the printed file) is ready, and never when it is one of `inputs`.
#[allow(clippy::too_many_arguments)]
fn render_value(
    quote: serde_json::Value,
    document: &str,
    options: coverwright::document::DocOptions,
    format: &str,
    (output, inputs): (&Path, &[&Path]),
    templates: &Path,
    billing: Option<serde_json::Value>,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    use coverwright::document::render::{DocKind, OutFormat, render_quote, render_quote_to};
    let Ok(kind) = document.parse::<DocKind>() else {
        writeln!(
            err,
            "error: unknown document `{document}`; use quote, policy, schedule, worksheet, invoice or illustration"
        )?;
        return Ok(ExitCode::Usage);
    };
    let Ok(format) = format.parse::<OutFormat>() else {
        writeln!(
            err,
            "error: unknown format `{format}`; use html, md, pdf or docx"
        )?;
        return Ok(ExitCode::Usage);
    };
    let renderer = match coverwright::document::Renderer::new(templates) {
        Ok(r) => r,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(ExitCode::Invalid);
        }
    };
    let mut file = match coverwright::fsio::AtomicOutput::create(output, inputs) {
        Ok(f) => f,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(super::exit::of_fs_error(&e));
        }
    };
    // HTML and Markdown are written through the file; a PDF is printed onto its path.
    let mut pending_write = None;
    let rendered = match format {
        OutFormat::Pdf | OutFormat::Docx => render_quote_to(
            &renderer,
            kind,
            format,
            &quote,
            &options,
            billing.as_ref(),
            file.temp_path(),
        ),
        _ => {
            render_quote(&renderer, kind, format, &quote, &options, billing.as_ref()).map(|text| {
                pending_write = file.write_all(text.as_bytes()).err();
            })
        }
    };
    if let Err(e) = rendered {
        writeln!(err, "error: {e}")?;
        return Ok(ExitCode::Invalid);
    }
    let committed = match pending_write {
        Some(e) => Err(coverwright::fsio::FsError::Write {
            path: output.to_path_buf(),
            source: e,
        }),
        None => file.commit(),
    };
    match committed {
        Ok(()) => {
            writeln!(err, "wrote {}", output.display())?;
            Ok(ExitCode::Success)
        }
        Err(e) => {
            writeln!(err, "error: {e}")?;
            Ok(super::exit::of_fs_error(&e))
        }
    }
}
