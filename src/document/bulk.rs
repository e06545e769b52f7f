//! Rendering many quotes in one run: a stream of quotes (JSON Lines, as `coverwright batch`
//! writes them) to one document file per quote in an output folder.
//!
//! # Input
//!
//! Each non-blank line is one record: a quote as `coverwright quote --format json` gives it
//! (pretty or compact). A record that is not a quote is reported by its line number and
//! skipped, and the rest render: a line that is not JSON, a declined quote
//! (`{"declined": true, ...}`), a batch error line (`{"record": n, "error": ...}`), a quote
//! without a usable `quote_id`, a quote id met on an earlier line, and a quote the templates
//! refuse.
//!
//! # Output
//!
//! One file per quote in the output folder, named by the quote id and the format's extension
//! (`Q-GA-SME-0D0DAA00EBA0A158.html`). Each file is written to a hidden temporary file in the
//! same folder (`.<name>.<process id>.tmp`) and renamed over the final name, so a reader never
//! sees half a document and an interrupted run leaves no partial file under a quote's name.
//!
//! # Invariants
//!
//! The templates are compiled once (the caller's [`Renderer`]); for PDF one browser serves the
//! whole run ([`PdfPrinter`]). HTML, Markdown and Word documents of a chunk of records are
//! rendered in parallel; for PDF the chunk's HTML is rendered in parallel and printed on
//! several pages of the one browser at once ([`PdfPrinter::print_all`]). Problems are
//! reported in input order all the same. A document depends only on its record and the shared options,
//! so a file's bytes do not depend on the other records. Every record is either written or
//! reported, never dropped silently; [`BulkSummary`] counts both.
//!
//! Each record is rendered from its quote and its document options (the product's insurer
//! profile and terms with the run's and the quote's own policy options) by
//! [`render_owned_quote`] (HTML, Markdown, the HTML of a PDF) and
//! [`super::render::render_owned_docx`] (Word), which build the document model and give the
//! quote to the templates without copying it.

use std::collections::HashMap;
use std::fmt;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::{Map, Value};

use super::engine::Renderer;
use super::error::RenderError;
use super::format::Lang;
use super::options::PolicyOptions;
use super::pdf::PdfPrinter;
use super::render::{DocKind, OutFormat, render_owned_quote, render_to_string};

/// Longest record accepted, in bytes (a quote of a very large census is a few megabytes).
pub const MAX_RECORD_BYTES: u64 = 64 << 20;

/// What to render for every record, and where.
#[derive(Debug, Clone)]
pub struct BulkJob {
    /// The document rendered for each quote.
    pub kind: DocKind,
    /// Its language.
    pub lang: Lang,
    /// Its format.
    pub format: OutFormat,
    /// The folder the files are written to; created when absent.
    pub output_dir: PathBuf,
    /// Keys added to every record's render context next to `quote` (`plan`, `issue_date`,
    /// `dispute`, `arbitration_body`, ...).
    pub options: Map<String, Value>,
    /// The document options of each product version (`CODE@VERSION`): its insurer profile and
    /// what it declares about its documents ([`options_by_product`]). A quote of a version
    /// not listed is a record problem.
    pub documents: std::collections::BTreeMap<String, super::DocOptions>,
    /// What the policies state beyond their quotes: the run's options and each quote's own.
    pub policy: BulkPolicyOptions,
}

/// The policy options of a bulk run. A quote's document takes, key by key, the command
/// line's value, else its own file's (`<dir>/<quote id>.yaml`), else the run's file's; special
/// clauses add up in that order, the run's first.
#[derive(Debug, Clone, Default)]
pub struct BulkPolicyOptions {
    /// The run's policy-options file (`--policy-options`), for every quote.
    pub file: PolicyOptions,
    /// The command line's options (`--plan`, `--issue-date`, `--special-clause`, ...).
    pub flags: PolicyOptions,
    /// The folder of per-quote policy-options files (`--policy-options-dir`): `<quote id>.yaml`
    /// for the quotes that have one. A file that names no quote of the input is reported.
    pub dir: Option<PathBuf>,
}

impl BulkPolicyOptions {
    /// The document options of quote `id`: `base` (the product's) with the policy options.
    fn for_quote<'a>(
        &self,
        id: &str,
        base: &'a super::DocOptions,
    ) -> Result<std::borrow::Cow<'a, super::DocOptions>, String> {
        let own = match &self.dir {
            Some(dir) => {
                let path = dir.join(format!("{id}.{POLICY_OPTIONS_EXTENSION}"));
                match path.is_file() {
                    true => Some(PolicyOptions::load(&path)?),
                    false => None,
                }
            }
            None => None,
        };
        if own.is_none() && is_empty(&self.file) && is_empty(&self.flags) {
            return Ok(std::borrow::Cow::Borrowed(base));
        }
        let merged = self
            .flags
            .clone()
            .over(own.unwrap_or_default().over(self.file.clone()));
        let mut o = base.clone();
        merged.apply(&mut o)?;
        Ok(std::borrow::Cow::Owned(o))
    }

    /// Checks the run's own options (bad dates or dispute words end the run before it starts).
    pub fn check(&self, lang: Lang) -> Result<(), String> {
        let mut o = super::DocOptions::new(lang);
        self.flags.clone().over(self.file.clone()).apply(&mut o)
    }
}

/// The extension of a per-quote policy-options file.
pub const POLICY_OPTIONS_EXTENSION: &str = "yaml";

fn is_empty(p: &PolicyOptions) -> bool {
    p.plan.is_none()
        && p.issue_date.is_none()
        && p.dispute.is_none()
        && p.arbitration_body.is_none()
        && p.special_clauses.is_empty()
        && p.policyholder == super::model::PartyDetails::default()
        && p.beneficiaries.is_empty()
        && p.buyers.is_empty()
}

/// The document options in `lang` of every product version in `products`: the insurer
/// profile and the product's document terms, with no per-policy options.
pub fn options_by_product(
    products: &[crate::product::Product],
    products_dir: &Path,
    lang: Lang,
) -> Result<std::collections::BTreeMap<String, super::DocOptions>, String> {
    let mut out = std::collections::BTreeMap::new();
    for p in products {
        let o = super::options::options_for(
            lang.code(),
            None,
            None,
            None,
            None,
            &[],
            Some(p),
            products_dir,
            None,
        )?;
        out.insert(p.id(), o);
    }
    Ok(out)
}

/// A record that gave no document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkProblem {
    /// 1-based line of the record in the input; 0 for a per-quote policy-options file that
    /// names no quote of the input.
    pub line: u64,
    /// The record's quote id, when it has one.
    pub quote_id: Option<String>,
    /// What was wrong.
    pub message: String,
}

impl fmt::Display for BulkProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.quote_id, self.line) {
            (Some(id), 0) => write!(f, "{id}: {}", self.message),
            (Some(id), line) => write!(f, "line {line} ({id}): {}", self.message),
            (None, line) => write!(f, "line {line}: {}", self.message),
        }
    }
}

/// The outcome of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BulkSummary {
    /// Documents written.
    pub written: u64,
    /// Records reported as problems.
    pub failed: u64,
    /// Per-quote policy-options files that name no quote of the input (each reported).
    pub unmatched: u64,
}

impl fmt::Display for BulkSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} document(s) written, {} record(s) failed",
            self.written, self.failed
        )?;
        if self.unmatched > 0 {
            write!(
                f,
                ", {} policy-options file(s) matched no quote",
                self.unmatched
            )?;
        }
        Ok(())
    }
}

/// Hooks a caller can watch a run with.
pub struct BulkHooks<'a> {
    /// Called with each record that gave no document, as it happens.
    pub problem: &'a mut dyn FnMut(&BulkProblem),
    /// Called after each record with the number of input bytes read so far.
    pub progress: &'a mut dyn FnMut(u64),
}

/// The file extension of a format.
pub fn extension(format: OutFormat) -> &'static str {
    format.name()
}

/// The render context of one record: `{"quote": quote}` plus the job's shared options.
pub fn record_context(quote: Value, options: &Map<String, Value>) -> Value {
    let mut ctx = options.clone();
    ctx.insert("quote".to_string(), quote);
    Value::Object(ctx)
}

/// Renders one document of `format` to bytes. PDF needs `printer`, started by the caller
/// and reused across documents.
pub fn render_bytes(
    renderer: &Renderer,
    printer: Option<&mut PdfPrinter>,
    kind: DocKind,
    lang: Lang,
    format: OutFormat,
    context: &Value,
) -> Result<Vec<u8>, RenderError> {
    match format {
        OutFormat::Html | OutFormat::Md => {
            render_to_string(renderer, kind, lang, format, context).map(String::into_bytes)
        }
        OutFormat::Pdf => {
            let html = render_to_string(renderer, kind, lang, OutFormat::Html, context)?;
            match printer {
                Some(p) => p.print(&html),
                None => PdfPrinter::start()?.print(&html),
            }
        }
        OutFormat::Docx => super::docx::render_docx(renderer, kind, lang, context),
    }
}

/// Writes `bytes` to `path` atomically: a hidden temporary file in the same folder, renamed
/// over `path`. The temporary file is removed when writing fails.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), RenderError> {
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |source| RenderError::Io { path: p, source }
    };
    let Some(name) = path.file_name() else {
        return Err(RenderError::PathRefused {
            path: path.to_path_buf(),
            reason: "the output must name a file".to_string(),
        });
    };
    let temp = path.with_file_name(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    if let Err(e) = std::fs::write(&temp, bytes) {
        let _ = std::fs::remove_file(&temp);
        return Err(io(&temp)(e));
    }
    std::fs::rename(&temp, path).map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        io(path)(e)
    })
}

/// Whether `id` can name a file on every platform: ASCII letters, digits, `-`, `_` and `.`,
/// not starting with `.`, at most 200 bytes.
fn file_safe(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 200
        && !id.starts_with('.')
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Reads the next non-blank record; `None` at the end. `line` is advanced past every line
/// read and left on the record's line.
fn next_record(
    input: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    line: &mut u64,
    read: &mut u64,
) -> std::io::Result<Option<Result<(), String>>> {
    loop {
        buf.clear();
        let n = (&mut *input)
            .take(MAX_RECORD_BYTES + 1)
            .read_until(b'\n', buf)?;
        if n == 0 {
            return Ok(None);
        }
        *line += 1;
        *read += n as u64;
        if n as u64 > MAX_RECORD_BYTES {
            // Skip the rest of the overlong line.
            let mut rest = Vec::new();
            *read += input.read_until(b'\n', &mut rest)? as u64;
            return Ok(Some(Err(format!(
                "the record is longer than {MAX_RECORD_BYTES} bytes"
            ))));
        }
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        return Ok(Some(Ok(())));
    }
}

/// Checks a parsed record: a quote object with a file-safe `quote_id`, or the reason it is
/// not one.
fn quote_of(record: Value) -> Result<(String, Value), Refusal> {
    let Value::Object(map) = &record else {
        return Err((None, "the record is not a JSON object".to_string()));
    };
    if map.get("declined") == Some(&Value::Bool(true)) {
        return Err((
            None,
            "the record is a declined quote; there is no document to render".to_string(),
        ));
    }
    if let Some(error) = map.get("error") {
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("an error");
        return Err((
            None,
            format!("the record is a batch error line ({message}), not a quote"),
        ));
    }
    let Some(id) = map.get("quote_id").and_then(Value::as_str) else {
        return Err((
            None,
            "the record has no `quote_id`; give the quotes as `coverwright quote --format json` or `batch` writes them".to_string(),
        ));
    };
    if !file_safe(id) {
        return Err((
            Some(id.to_string()),
            "the quote id cannot name a file (use ASCII letters, digits, `-`, `_`, `.`)"
                .to_string(),
        ));
    }
    Ok((id.to_string(), record))
}

/// A record's problem: its quote id when known, and the message.
type Refusal = (Option<String>, String);

/// Records read and rendered at a time.
pub const CHUNK_RECORDS: usize = 256;
/// Bytes of records read at a time (a chunk ends after the record that passes it).
pub const CHUNK_BYTES: usize = 16 << 20;

/// One record read: its line, the input bytes read up to its end, and its text or the
/// reason it could not be read.
type RecordRead = (u64, u64, Result<Vec<u8>, String>);

/// Parses a record into its quote id and quote.
fn parse_record(record: &Result<Vec<u8>, String>) -> Result<(String, Value), Refusal> {
    match record {
        Ok(bytes) => match serde_json::from_slice::<Value>(bytes) {
            Ok(v) => quote_of(v),
            Err(e) => Err((None, format!("not a JSON quote: {e}"))),
        },
        Err(message) => Err((None, message.clone())),
    }
}

/// Renders and writes the document of one quote. The outer error ends the run; the inner
/// one is the record's problem.
fn render_quote(
    renderer: &Renderer,
    printer: Option<&mut PdfPrinter>,
    job: &BulkJob,
    id: String,
    quote: Value,
) -> Result<Result<(), Refusal>, RenderError> {
    let product = format!(
        "{}@{}",
        quote["product"]["code"].as_str().unwrap_or_default(),
        quote["product"]["version"].as_str().unwrap_or_default()
    );
    let options = match quote_options(job, &id, &product) {
        Ok(o) => o,
        Err(message) => return Ok(Err((Some(id), message))),
    };
    let options = &*options;
    let file = job
        .output_dir
        .join(format!("{id}.{}", extension(job.format)));
    let rendered = match job.format {
        OutFormat::Html | OutFormat::Md => {
            render_owned_quote(renderer, job.kind, job.format, quote, options, None)
                .map(String::into_bytes)
        }
        OutFormat::Pdf => {
            render_owned_quote(renderer, job.kind, OutFormat::Html, quote, options, None).and_then(
                |html| match printer {
                    Some(p) => p.print(&html),
                    None => PdfPrinter::start()?.print(&html),
                },
            )
        }
        OutFormat::Docx => {
            super::render::render_owned_docx(renderer, job.kind, quote, options, None)
        }
    };
    match rendered {
        Ok(bytes) => write_atomic(&file, &bytes).map(Ok),
        Err(e @ (RenderError::Pdf { .. } | RenderError::PdfProgramMissing { .. })) => Err(e),
        Err(e) => Ok(Err((Some(id), e.to_string()))),
    }
}

/// The document options of quote `id` of product version `product`: the product's, with
/// the run's and the quote's own policy options.
fn quote_options<'a>(
    job: &'a BulkJob,
    id: &str,
    product: &str,
) -> Result<std::borrow::Cow<'a, super::DocOptions>, String> {
    let Some(options) = job.documents.get(product) else {
        return Err(format!(
            "no product {product} in the products folder to render its documents with"
        ));
    };
    job.policy.for_quote(id, options)
}

/// The HTML a quote's PDF is printed from, and the file it goes to.
fn pdf_source(
    renderer: &Renderer,
    job: &BulkJob,
    id: String,
    quote: Value,
) -> Result<(PathBuf, String), Refusal> {
    let product = format!(
        "{}@{}",
        quote["product"]["code"].as_str().unwrap_or_default(),
        quote["product"]["version"].as_str().unwrap_or_default()
    );
    let options = quote_options(job, &id, &product).map_err(|m| (Some(id.clone()), m))?;
    let file = job
        .output_dir
        .join(format!("{id}.{}", extension(job.format)));
    render_owned_quote(renderer, job.kind, OutFormat::Html, quote, &options, None)
        .map(|html| (file, html))
        .map_err(|e| (Some(id), e.to_string()))
}

/// The PDFs of a chunk: the HTML of every quote rendered in parallel, then printed on the
/// browser's pages at once ([`PdfPrinter::print_all`]) and written. The outer error ends
/// the run.
fn print_chunk(
    renderer: &Renderer,
    printer: &mut PdfPrinter,
    job: &BulkJob,
    work: Vec<Result<(String, Value), Refusal>>,
) -> Vec<Result<Result<(), Refusal>, RenderError>> {
    let sources: Vec<Result<(PathBuf, String), Refusal>> = work
        .into_par_iter()
        .map(|w| w.and_then(|(id, quote)| pdf_source(renderer, job, id, quote)))
        .collect();
    let htmls: Vec<String> = sources
        .iter()
        .filter_map(|s| s.as_ref().ok().map(|(_, html)| html.clone()))
        .collect();
    let mut pdfs = printer.print_all(&htmls).into_iter();
    sources
        .into_iter()
        .map(|s| match s {
            Err(refusal) => Ok(Err(refusal)),
            Ok((file, _)) => match pdfs.next() {
                Some(Ok(pdf)) => write_atomic(&file, &pdf).map(Ok),
                Some(Err(e)) => Err(e),
                None => Err(RenderError::Context {
                    template: file.display().to_string(),
                    message: "the browser printed fewer documents than it was given".to_string(),
                }),
            },
        })
        .collect()
}

/// Reads up to a chunk of records; empty at the end of the input.
fn read_chunk(
    input: &mut dyn BufRead,
    line: &mut u64,
    read: &mut u64,
) -> Result<Vec<RecordRead>, RenderError> {
    let mut chunk = Vec::new();
    let mut bytes = 0;
    let mut buf = Vec::new();
    while chunk.len() < CHUNK_RECORDS && bytes < CHUNK_BYTES {
        let next = next_record(input, &mut buf, line, read).map_err(|source| RenderError::Io {
            path: PathBuf::from("<quotes input>"),
            source,
        })?;
        let Some(record) = next else {
            break;
        };
        bytes += buf.len();
        chunk.push((*line, *read, record.map(|()| std::mem::take(&mut buf))));
    }
    Ok(chunk)
}

/// Renders a document for every quote read from `input` into `job.output_dir`.
///
/// Records are read in chunks; the quotes of a chunk are parsed, rendered and written on the
/// rayon pool (PDF: one at a time, on the one browser), and reported in input order. Records
/// that give no document are passed to `hooks.problem` and counted; the run goes on. It
/// stops with an error only when the output folder cannot be made, the input cannot be read,
/// a file cannot be written, or (for PDF) the browser cannot be started or dies.
pub fn render_bulk(
    renderer: &Renderer,
    input: &mut dyn BufRead,
    job: &BulkJob,
    hooks: BulkHooks<'_>,
) -> Result<BulkSummary, RenderError> {
    if job.format == OutFormat::Docx && !super::docx::DOCX_KINDS.contains(&job.kind) {
        return Err(RenderError::Context {
            template: format!("{}.docx", job.kind.name()),
            message: "Word output is available for quote, policy and schedule only".to_string(),
        });
    }
    if let Some(dir) = &job.policy.dir
        && !dir.is_dir()
    {
        return Err(RenderError::PathRefused {
            path: dir.clone(),
            reason: "the policy-options folder does not exist".to_string(),
        });
    }
    job.policy
        .check(job.lang)
        .map_err(|message| RenderError::Context {
            template: format!("{}.{}", job.kind.name(), extension(job.format)),
            message,
        })?;
    std::fs::create_dir_all(&job.output_dir).map_err(|source| RenderError::Io {
        path: job.output_dir.clone(),
        source,
    })?;
    let mut printer = match job.format {
        OutFormat::Pdf => Some(PdfPrinter::start()?),
        _ => None,
    };
    let mut summary = BulkSummary::default();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let (mut line, mut read) = (0u64, 0u64);
    loop {
        let chunk = read_chunk(input, &mut line, &mut read)?;
        if chunk.is_empty() {
            summary.unmatched = unmatched_options(job, &seen, &mut *hooks.problem)?;
            return Ok(summary);
        }
        let parsed: Vec<_> = chunk.par_iter().map(|(_, _, r)| parse_record(r)).collect();
        // Repeated ids are found in input order.
        let work: Vec<Result<(String, Value), Refusal>> = parsed
            .into_iter()
            .zip(&chunk)
            .map(|(p, (line, _, _))| {
                let (id, quote) = p?;
                if let Some(first) = seen.get(&id) {
                    let message = format!(
                        "the same quote id is on line {first}; its document is not written twice"
                    );
                    return Err((Some(id), message));
                }
                seen.insert(id.clone(), *line);
                Ok((id, quote))
            })
            .collect();
        let outcomes: Vec<Result<Result<(), Refusal>, RenderError>> = match printer.as_mut() {
            Some(p) => print_chunk(renderer, p, job, work),
            None => work
                .into_par_iter()
                .map(|w| match w {
                    Ok((id, quote)) => render_quote(renderer, None, job, id, quote),
                    Err(refusal) => Ok(Err(refusal)),
                })
                .collect(),
        };
        for ((line, read, _), outcome) in chunk.iter().zip(outcomes) {
            match outcome? {
                Ok(()) => summary.written += 1,
                Err((quote_id, message)) => {
                    summary.failed += 1;
                    (hooks.problem)(&BulkProblem {
                        line: *line,
                        quote_id,
                        message,
                    });
                }
            }
            (hooks.progress)(*read);
        }
    }
}

/// Reports each per-quote policy-options file whose quote id is not among `seen`; returns how
/// many there are.
fn unmatched_options(
    job: &BulkJob,
    seen: &HashMap<String, u64>,
    problem: &mut dyn FnMut(&BulkProblem),
) -> Result<u64, RenderError> {
    let Some(dir) = &job.policy.dir else {
        return Ok(0);
    };
    let io = |source| RenderError::Io {
        path: dir.clone(),
        source,
    };
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().and_then(|e| e.to_str()) != Some(POLICY_OPTIONS_EXTENSION) {
            continue;
        }
        if let Some(stem) = path.file_stem().and_then(|s| s.to_str())
            && !seen.contains_key(stem)
        {
            names.push((stem.to_string(), path));
        }
    }
    names.sort();
    for (stem, path) in &names {
        problem(&BulkProblem {
            line: 0,
            quote_id: Some(stem.clone()),
            message: format!(
                "the policy options `{}` name no quote of the input; name the file by a quote id",
                path.display()
            ),
        });
    }
    Ok(names.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_ids_name_files() {
        assert!(file_safe("Q-GA-SME-0D0DAA00EBA0A158"));
        for bad in ["", ".hidden", "../x", "a/b", "a\\b", "报价", "a b"] {
            assert!(!file_safe(bad), "{bad}");
        }
        assert!(!file_safe(&"x".repeat(201)));
    }

    #[test]
    fn records_that_are_not_quotes_say_why() {
        let msg = |v: Value| match quote_of(v) {
            Ok(_) => String::from("ok"),
            Err((_, m)) => m,
        };
        assert_eq!(
            msg(serde_json::json!({"declined": true})),
            "the record is a declined quote; there is no document to render"
        );
        assert_eq!(
            msg(serde_json::json!({"record": 3, "error": {"message": "age: not a number"}})),
            "the record is a batch error line (age: not a number), not a quote"
        );
        assert_eq!(
            msg(serde_json::json!([1])),
            "the record is not a JSON object"
        );
        assert_eq!(msg(serde_json::json!({"quote_id": "Q-1"})), "ok");
    }
}
