//! Batch quoting: many records priced in one run, streamed from an input file to an output
//! file of JSON Lines.
//!
//! Two inputs:
//! - **JSON Lines** of requests: each non-blank line is a request object in the form of a
//!   request file, priced as one quote;
//! - **a census CSV** (by the extension `.csv`): the policy part comes from a request file
//!   (`--request`, its `members` replaced), and the rows are priced one quote per member, or
//!   one quote per group of consecutive rows with the same value in a group column.
//!
//! Output: one line per record, in input order. A quoted record's line is the quote
//! `coverwright quote --format json` gives for that record, as compact JSON (the worksheet is
//! empty unless asked for); a declined record's line is the decline `quote --format json`
//! gives, compact; a record that cannot be quoted gives
//! `{"record": n, "row": r, "error": {"field": ..., "message": ...}}` and the batch goes on.
//!
//! Invariants: memory is bounded by the chunk size, not the input (records are read in chunks,
//! rated in parallel, written in order, and dropped); the output bytes are the same for any
//! number of threads (each record's line depends only on that record); every record gives
//! exactly one line.
//!
//! Stopping: [`run_until`] watches a flag (set by a signal handler in the command line); once
//! it is set, reading stops, the chunk being rated is dropped, and the run ends with
//! [`BatchError::Interrupted`] and the number of records written so far. The caller writes
//! through a [`crate::fsio::AtomicOutput`], so an interrupted or failed run leaves no output.
//!
//! Files: the input and the request must be regular files; a `census:` named by a JSON Lines
//! record resolves under the folder of the JSON Lines file ([`crate::fsio::resolve_confined`])
//! and is read with a size bound.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::census::{CensusReader, CensusRow, Encoding, RowError};
use crate::diagnostics::{Diagnostic, Span};
use crate::product::Product;
use crate::quote::{Outcome, QuoteOptions};
use crate::rating::Failure;
use crate::request::{CensusLayout, Member, Request, RowProblem};
use crate::yaml::{Node, NodeKind};

/// Records read, rated and written at a time.
pub const CHUNK_RECORDS: usize = 4096;
/// Members read at a time (a group larger than this is a chunk of its own).
pub const CHUNK_MEMBERS: usize = 16_384;
/// Longest JSON Lines record, in bytes (the limit of a request file).
pub const MAX_LINE_BYTES: usize = crate::yaml::MAX_YAML_BYTES;
/// The worker threads a batch may be given.
pub const THREADS: std::ops::RangeInclusive<usize> = 1..=256;

/// How a census is cut into quotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Per {
    /// One quote per row.
    Member,
    /// One quote per run of consecutive rows with the same group value.
    Group,
}

/// What to price and how.
#[derive(Clone, Debug)]
pub struct BatchOptions {
    /// Product code, optionally `@VERSION`; without it the version in force on each
    /// request's start date.
    pub product: String,
    /// JSON Lines of requests, or a census CSV (`.csv`).
    pub input: PathBuf,
    /// For a census: the request file giving the policy part.
    pub request: Option<PathBuf>,
    pub per: Per,
    /// For `Per::Group`: the census column whose value groups rows.
    pub group_column: Option<String>,
    /// Only this payment plan.
    pub plan: Option<String>,
    /// Record the worksheet in each quote.
    pub explain: bool,
    /// Worker threads (all cores when `None`).
    pub threads: Option<usize>,
    /// For a census: its encoding, found from its bytes when `None`.
    pub encoding: Option<Encoding>,
}

/// Counts of a finished batch.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Summary {
    pub records: u64,
    pub quoted: u64,
    pub declined: u64,
    pub failed: u64,
    pub seconds: f64,
}

impl Summary {
    pub fn per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.records as f64 / self.seconds
        } else {
            0.0
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} records: {} quoted, {} declined, {} failed in {:.2} s ({:.0} records/s)",
            self.records,
            self.quoted,
            self.declined,
            self.failed,
            self.seconds,
            self.per_second()
        )
    }
}

/// Why a batch could not run at all.
#[derive(Debug)]
pub enum BatchError {
    /// Bad arguments or a file that cannot be read (exit code 2).
    Usage(String),
    /// The request file or the census header is invalid (exit code 1).
    Invalid(Vec<Diagnostic>),
    /// Writing the output failed.
    Io(std::io::Error),
    /// A signal stopped the run after `records` records were written.
    Interrupted { signal: i32, records: u64 },
    /// The output could not be committed.
    Output(crate::fsio::FsError),
}

impl From<std::io::Error> for BatchError {
    fn from(e: std::io::Error) -> BatchError {
        BatchError::Io(e)
    }
}

/// What happened to one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Quoted,
    Declined,
    Failed,
}

#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    quoted: u64,
    declined: u64,
    failed: u64,
}

impl Counts {
    fn add(&mut self, k: Kind) {
        match k {
            Kind::Quoted => self.quoted += 1,
            Kind::Declined => self.declined += 1,
            Kind::Failed => self.failed += 1,
        }
    }
}

/// Reports progress: input bytes read so far.
pub type Progress<'a> = &'a (dyn Fn(u64) + Sync);

/// Runs a batch over `products`, writing JSON Lines to `out`.
pub fn run(
    products: &[Product],
    opts: &BatchOptions,
    out: &mut (dyn Write + Send),
    progress: Option<Progress<'_>>,
) -> Result<Summary, BatchError> {
    run_until(products, opts, out, progress, &AtomicUsize::new(0))
}

/// Runs a batch like [`run`], stopping early once `stop` holds a signal number (not 0).
pub fn run_until(
    products: &[Product],
    opts: &BatchOptions,
    out: &mut (dyn Write + Send),
    progress: Option<Progress<'_>>,
    stop: &AtomicUsize,
) -> Result<Summary, BatchError> {
    let pool = {
        let mut b = rayon::ThreadPoolBuilder::new();
        if let Some(n) = opts.threads {
            if !THREADS.contains(&n) {
                return Err(BatchError::Usage(format!(
                    "--threads must be from {} to {}, not {n}",
                    THREADS.start(),
                    THREADS.end()
                )));
            }
            b = b.num_threads(n);
        }
        b.build()
            .map_err(|e| BatchError::Usage(format!("cannot start worker threads: {e}")))?
    };
    let started = Instant::now();
    let is_census = opts
        .input
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let ctx = Ctx {
        pool: &pool,
        progress,
        stop,
    };
    let counts = if is_census {
        run_census(products, opts, &ctx, out)
    } else {
        run_jsonl(products, opts, &ctx, out)
    }?;
    Ok(Summary {
        records: counts.quoted + counts.declined + counts.failed,
        quoted: counts.quoted,
        declined: counts.declined,
        failed: counts.failed,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// A chunk of records and the input bytes read up to its end (for progress).
type Chunk<T> = (Vec<T>, u64);

/// What every stage of a run shares: the worker pool, the progress callback and the stop flag.
struct Ctx<'a> {
    pool: &'a rayon::ThreadPool,
    progress: Option<Progress<'a>>,
    stop: &'a AtomicUsize,
}

impl Ctx<'_> {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed) != 0
    }
}

/// Reads, rates and writes at the same time: a reader thread produces chunks of records, the
/// worker pool rates one chunk while the next is read, and a writer thread writes the lines
/// of the previous one. Two chunks at most wait in each queue, so memory stays bounded.
fn pipeline<T: Send + Sync>(
    ctx: &Ctx<'_>,
    out: &mut (dyn Write + Send),
    mut produce: impl FnMut() -> Result<Option<Chunk<T>>, BatchError> + Send,
    one: &(dyn Fn(&T, u64, &mut Vec<u8>) -> Kind + Sync),
) -> Result<Counts, BatchError> {
    let (pool, progress) = (ctx.pool, ctx.progress);
    use std::sync::mpsc::sync_channel;
    let (chunk_tx, chunk_rx) = sync_channel::<Result<Chunk<T>, BatchError>>(1);
    let (buf_tx, buf_rx) = sync_channel::<(Vec<Vec<u8>>, u64)>(1);
    std::thread::scope(|s| {
        s.spawn(move || {
            while !ctx.stopped() {
                match produce() {
                    Ok(Some(c)) => {
                        if chunk_tx.send(Ok(c)).is_err() {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        let _ = chunk_tx.send(Err(e));
                        break;
                    }
                }
            }
        });
        let writer = s.spawn(move || -> std::io::Result<()> {
            for (bufs, bytes) in buf_rx {
                for b in bufs {
                    out.write_all(&b)?;
                }
                if let Some(p) = progress {
                    p(bytes);
                }
            }
            out.flush()
        });
        let mut counts = Counts::default();
        let mut record = 1u64;
        let mut failure = None;
        for msg in chunk_rx {
            let (items, bytes) = match msg {
                Ok(c) => c,
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            };
            let (bufs, c) = rate_chunk(pool, &items, record, one);
            if ctx.stopped() {
                // The chunk in flight is dropped: its records were not written.
                break;
            }
            record += items.len() as u64;
            counts.quoted += c.quoted;
            counts.declined += c.declined;
            counts.failed += c.failed;
            if buf_tx.send((bufs, bytes)).is_err() {
                break;
            }
        }
        drop(buf_tx);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the writer thread failed")));
        let signal = ctx.stop.load(Ordering::Relaxed);
        match (failure, written) {
            _ if signal != 0 => Err(BatchError::Interrupted {
                signal: i32::try_from(signal).unwrap_or(0),
                records: record - 1,
            }),
            (Some(e), _) => Err(e),
            (None, Err(e)) => Err(BatchError::Io(e)),
            (None, Ok(())) => Ok(counts),
        }
    })
}

/// Rates `items` in parallel; returns their lines in order. `first` is the record number of
/// `items[0]`.
fn rate_chunk<T: Sync>(
    pool: &rayon::ThreadPool,
    items: &[T],
    first: u64,
    one: &(dyn Fn(&T, u64, &mut Vec<u8>) -> Kind + Sync),
) -> (Vec<Vec<u8>>, Counts) {
    let mut counts = Counts::default();
    if items.is_empty() {
        return (Vec::new(), counts);
    }
    // A few pieces per thread, so that a slow piece does not leave a core idle.
    let pieces = pool.current_num_threads() * 4;
    let size = items.len().div_ceil(pieces).max(1);
    let parts: Vec<(Vec<u8>, Counts)> = pool.install(|| {
        items
            .par_chunks(size)
            .enumerate()
            .map(|(pi, part)| {
                let mut buf = Vec::with_capacity(part.len() * 1024);
                let mut c = Counts::default();
                for (i, it) in part.iter().enumerate() {
                    let n = first + (pi * size + i) as u64;
                    c.add(one(it, n, &mut buf));
                }
                (buf, c)
            })
            .collect()
    });
    let mut bufs = Vec::with_capacity(parts.len());
    for (buf, c) in parts {
        bufs.push(buf);
        counts.quoted += c.quoted;
        counts.declined += c.declined;
        counts.failed += c.failed;
    }
    (bufs, counts)
}

// ---------------------------------------------------------------------------------------------
// Output lines.

/// A failed eligibility rule, with its keys in the order `quote --format json` prints them.
#[derive(Serialize)]
struct FailureOut<'a> {
    member: Option<usize>,
    member_name: &'a Option<String>,
    message_en: &'a str,
    message_zh: &'a str,
    row: Option<usize>,
    rule: &'a str,
}

/// The decline `quote --format json` prints (keys in its order).
#[derive(Serialize)]
struct DeclineOut<'a> {
    declined: bool,
    failures: Vec<FailureOut<'a>>,
    product: String,
}

#[derive(Serialize)]
struct ErrorItem<'a> {
    field: Option<&'a str>,
    message: &'a str,
}

#[derive(Serialize)]
struct ErrorOut<'a> {
    record: u64,
    row: Option<usize>,
    error: ErrorItem<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    more_errors: Vec<ErrorItem<'a>>,
}

/// One problem with a record: the field it is in (when known) and what is wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub field: Option<String>,
    pub message: String,
}

fn write_json<T: Serialize>(buf: &mut Vec<u8>, v: &T) {
    // Serializing plain structs of strings and numbers into memory cannot fail.
    if serde_json::to_writer(&mut *buf, v).is_err() {
        buf.extend_from_slice(b"{}");
    }
    buf.push(b'\n');
}

/// Writes an error line for record `record`.
pub fn write_error(buf: &mut Vec<u8>, record: u64, row: Option<usize>, problems: &[Problem]) {
    fn item(p: &Problem) -> ErrorItem<'_> {
        ErrorItem {
            field: p.field.as_deref(),
            message: &p.message,
        }
    }
    let (first, rest) = match problems.split_first() {
        Some((f, r)) => (item(f), r.iter().map(item).collect()),
        None => (
            ErrorItem {
                field: None,
                message: "the record cannot be quoted",
            },
            Vec::new(),
        ),
    };
    write_json(
        buf,
        &ErrorOut {
            record,
            row,
            error: first,
            more_errors: rest,
        },
    );
}

/// Writes a decline line: the decline `quote --format json` prints, compact.
pub fn write_decline(buf: &mut Vec<u8>, product: &Product, failures: &[Failure]) {
    write_json(
        buf,
        &DeclineOut {
            declined: true,
            failures: failures
                .iter()
                .map(|f| FailureOut {
                    member: f.member,
                    member_name: &f.member_name,
                    message_en: &f.message_en,
                    message_zh: &f.message_zh,
                    row: f.row,
                    rule: &f.rule,
                })
                .collect(),
            product: product.id(),
        },
    );
}

/// Quotes a checked request and writes its line. `row_of` gives the census row of a member
/// (for rating errors), `row` the record's row.
fn quote_line(
    product: &Product,
    req: &Request,
    qopts: &QuoteOptions,
    record: u64,
    row: Option<usize>,
    buf: &mut Vec<u8>,
) -> Kind {
    match crate::quote::quote(product, req, qopts) {
        Ok(Outcome::Quoted(q, _)) => {
            write_json(buf, &*q);
            Kind::Quoted
        }
        Ok(Outcome::Declined(failures)) => {
            write_decline(buf, product, &failures);
            Kind::Declined
        }
        Err(e) => {
            let row = match &e {
                crate::quote::QuoteError::Rating(r) => r
                    .member
                    .and_then(|m| req.members.get(m))
                    .and_then(|m| m.row)
                    .or(row),
                crate::quote::QuoteError::Schedule(_) => row,
            };
            write_error(
                buf,
                record,
                row,
                &[Problem {
                    field: None,
                    message: e.to_string(),
                }],
            );
            Kind::Failed
        }
    }
}

// ---------------------------------------------------------------------------------------------
// JSON Lines.

struct Line {
    /// Line number in the input (1-based).
    row: usize,
    text: Result<String, String>,
}

/// Reads the next non-blank line, at most `MAX_LINE_BYTES` long. Returns the line and the
/// bytes consumed, or `None` at the end.
fn next_line(
    r: &mut impl BufRead,
    row: &mut usize,
    scratch: &mut Vec<u8>,
) -> std::io::Result<Option<(Line, u64)>> {
    let mut consumed = 0u64;
    loop {
        scratch.clear();
        let mut too_long = false;
        let mut any = false;
        loop {
            let buf = r.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            any = true;
            let (take, done) = match buf.iter().position(|b| *b == b'\n') {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            if scratch.len() + take <= MAX_LINE_BYTES + 2 {
                scratch.extend_from_slice(&buf[..take]);
            } else {
                too_long = true;
            }
            r.consume(take);
            consumed += take as u64;
            if done {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        *row += 1;
        if too_long {
            return Ok(Some((
                Line {
                    row: *row,
                    text: Err(format!(
                        "the line is longer than the {MAX_LINE_BYTES} bytes a request may have"
                    )),
                },
                consumed,
            )));
        }
        while scratch.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            scratch.pop();
        }
        if scratch.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let text = match std::str::from_utf8(scratch) {
            Ok(s) => Ok(s.to_string()),
            Err(_) => Err("the line is not UTF-8 text".to_string()),
        };
        return Ok(Some((Line { row: *row, text }, consumed)));
    }
}

fn run_jsonl(
    products: &[Product],
    opts: &BatchOptions,
    ctx: &Ctx<'_>,
    out: &mut (dyn Write + Send),
) -> Result<Counts, BatchError> {
    if opts.request.is_some() {
        return Err(BatchError::Usage(
            "--request is for a census input; JSON Lines records are whole requests".into(),
        ));
    }
    if opts.group_column.is_some() || opts.per == Per::Group {
        return Err(BatchError::Usage(
            "--per group and --group-column are for a census input (.csv)".into(),
        ));
    }
    // The product must exist, whatever the version.
    let code = opts.product.split('@').next().unwrap_or("");
    if !products.iter().any(|p| p.code == code) {
        let e = crate::product::load::find(products, &opts.product, chrono::NaiveDate::MIN)
            .err()
            .unwrap_or_default();
        return Err(BatchError::Usage(e));
    }
    let (file, _) = crate::fsio::open_input(&opts.input, crate::fsio::MAX_STREAM_BYTES)
        .map_err(|e| BatchError::Usage(e.to_string()))?;
    let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
    let qopts = QuoteOptions {
        plan: opts.plan.clone(),
        as_of: None,
        worksheet: opts.explain,
    };
    let one = |line: &Line, record: u64, buf: &mut Vec<u8>| -> Kind {
        jsonl_record(products, opts, &qopts, line, record, buf)
    };
    let mut row = 0usize;
    let mut bytes = 0u64;
    let mut scratch = Vec::new();
    let input = &opts.input;
    let produce = move || -> Result<Option<Chunk<Line>>, BatchError> {
        let mut chunk = Vec::with_capacity(CHUNK_RECORDS);
        let mut chunk_bytes = 0usize;
        while chunk.len() < CHUNK_RECORDS && chunk_bytes < 16 << 20 && !ctx.stopped() {
            match next_line(&mut reader, &mut row, &mut scratch)
                .map_err(|e| BatchError::Usage(format!("cannot read {}: {e}", input.display())))?
            {
                Some((line, n)) => {
                    bytes += n;
                    chunk_bytes += line.text.as_ref().map_or(0, String::len);
                    chunk.push(line);
                }
                None => break,
            }
        }
        Ok((!chunk.is_empty()).then_some((chunk, bytes)))
    };
    pipeline(ctx, out, produce, &one)
}

/// The output line of one JSON Lines record `text` at line `row`, numbered `record`, as
/// [`run`] writes it (a `census:` it names resolves under the folder of `opts.input`).
pub fn json_lines_record(
    products: &[Product],
    opts: &BatchOptions,
    row: usize,
    text: &str,
    record: u64,
) -> (Kind, Vec<u8>) {
    let qopts = QuoteOptions {
        plan: opts.plan.clone(),
        as_of: None,
        worksheet: opts.explain,
    };
    let line = Line {
        row,
        text: Ok(text.to_string()),
    };
    let mut buf = Vec::new();
    let kind = jsonl_record(products, opts, &qopts, &line, record, &mut buf);
    (kind, buf)
}

fn jsonl_record(
    products: &[Product],
    opts: &BatchOptions,
    qopts: &QuoteOptions,
    line: &Line,
    record: u64,
    buf: &mut Vec<u8>,
) -> Kind {
    let fail = |buf: &mut Vec<u8>, problems: &[Problem]| {
        write_error(buf, record, Some(line.row), problems);
        Kind::Failed
    };
    let text = match &line.text {
        Ok(t) => t,
        Err(e) => {
            return fail(
                buf,
                &[Problem {
                    field: None,
                    message: e.clone(),
                }],
            );
        }
    };
    let node = match crate::yaml::parse(text) {
        Ok(n) => n,
        Err(d) => {
            return fail(
                buf,
                &[Problem {
                    field: None,
                    message: d.message,
                }],
            );
        }
    };
    // As `quote` does: the cover start date picks the version when none is given.
    let problems = |d: &crate::diagnostics::Diagnostics| -> Vec<Problem> {
        d.iter()
            .filter(|x| x.is_error())
            .map(|x| Problem {
                field: if x.span.is_known() && x.file.as_deref() == Some(&opts.input) {
                    field_at(&node, x.span)
                } else {
                    None
                },
                message: match &x.help {
                    Some(h) => format!("{} ({h})", x.message),
                    None => x.message.clone(),
                },
            })
            .collect()
    };
    let header = match crate::request::header(&node, &opts.input) {
        Ok(h) => h,
        Err(d) => return fail(buf, &problems(&d)),
    };
    let product = match crate::request::pick(products, &opts.product, &header, &opts.input) {
        Ok(p) => p,
        Err(e) => {
            return fail(
                buf,
                &[Problem {
                    field: Some("start".into()),
                    message: e.to_string(),
                }],
            );
        }
    };
    if let Some(plan) = &opts.plan
        && !product.plans.iter().any(|p| &p.code == plan)
    {
        return fail(
            buf,
            &[Problem {
                field: None,
                message: format!("{} offers no payment plan `{plan}`", product.id()),
            }],
        );
    }
    // A census the record names is read here, confined to the folder of the input.
    let mut problems: Vec<Problem> = Vec::new();
    let census = match node.get("census").and_then(|n| n.as_str()) {
        None => None,
        Some(name) => match named_census(product, &opts.input, name, opts.encoding) {
            Ok(members) => Some(members),
            Err(p) => {
                problems = p;
                Some(Vec::new())
            }
        },
    };
    let checked = crate::request::check(product, &node, &opts.input, census);
    let req = match checked {
        Ok(r) if problems.is_empty() => r,
        Ok(_) => return fail(buf, &problems),
        Err(d) => {
            problems.extend(d.iter().filter(|x| x.is_error()).map(|x| Problem {
                field: if x.span.is_known() && x.file.as_deref() == Some(&opts.input) {
                    field_at(&node, x.span)
                } else {
                    None
                },
                message: match &x.help {
                    Some(h) => format!("{} ({h})", x.message),
                    None => x.message.clone(),
                },
            }));
            return fail(buf, &problems);
        }
    };
    quote_line(product, &req, qopts, record, Some(line.row), buf)
}

/// The members of the census `name`, named by a record of the JSON Lines file `input`: the
/// name resolves under the folder of `input` (no absolute path, `..` or symbolic link out),
/// and only a regular file within [`crate::fsio::MAX_NAMED_CENSUS_BYTES`] is read.
fn named_census(
    product: &Product,
    input: &Path,
    name: &str,
    encoding: Option<Encoding>,
) -> Result<Vec<Member>, Vec<Problem>> {
    let problem = |message: String| {
        vec![Problem {
            field: Some("census".into()),
            message,
        }]
    };
    let dir = input.parent().unwrap_or(Path::new("."));
    let path = crate::fsio::resolve_confined(dir, name).map_err(|e| problem(e.to_string()))?;
    crate::census::read_members(product, &path, encoding).map_err(|d| {
        d.iter()
            .filter(|x| x.is_error())
            .map(|x| Problem {
                field: Some("census".into()),
                message: x.message.clone(),
            })
            .collect()
    })
}

/// The path of the value a span points into, e.g. `members[1].age` or
/// `coverages.add.sum_insured`; `None` for the whole record.
pub fn field_at(node: &Node, span: Span) -> Option<String> {
    let mut path = String::new();
    let mut n = node;
    let off = span.start;
    loop {
        match &n.kind {
            NodeKind::Map(entries) => {
                let Some((k, v)) = entries.iter().rev().find(|(k, _)| k.span.start <= off) else {
                    break;
                };
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k.as_str().unwrap_or("?"));
                if off < v.span.start {
                    break;
                }
                n = v;
            }
            NodeKind::Seq(items) => {
                let Some((i, v)) = items
                    .iter()
                    .enumerate()
                    .rev()
                    .find(|(_, v)| v.span.start <= off)
                else {
                    break;
                };
                path.push_str(&format!("[{i}]"));
                n = v;
            }
            _ => break,
        }
    }
    (!path.is_empty()).then_some(path)
}

// ---------------------------------------------------------------------------------------------
// Census.

/// A census record: its rows, or a problem found while reading (its row and what).
enum CensusItem {
    Rows(Vec<CensusRow>),
    Bad(usize, Problem),
}

/// The policy part of a census batch: the request file checked without members.
fn census_request<'p>(
    products: &'p [Product],
    opts: &BatchOptions,
) -> Result<(&'p Product, Request), BatchError> {
    let Some(path) = &opts.request else {
        return Err(BatchError::Usage(
            "a census needs --request FILE for the policy part (policyholder, coverages, start)"
                .into(),
        ));
    };
    let file = crate::request::RequestFile::read(path).map_err(|e| match e {
        crate::request::ReadError::Io(d) => {
            BatchError::Usage(format!("{}: {}", path.display(), d.message))
        }
        crate::request::ReadError::Invalid(d) => BatchError::Invalid(d.into_vec()),
    })?;
    let node = &file.node;
    let header = file
        .header()
        .map_err(|d| BatchError::Invalid(d.into_vec()))?;
    let product =
        crate::request::pick(products, &opts.product, &header, path).map_err(|e| match e {
            crate::request::PickError::Unknown(m) => BatchError::Usage(m),
            crate::request::PickError::NotInForce(d) => BatchError::Invalid(vec![d]),
        })?;
    if let Some(plan) = &opts.plan
        && !product.plans.iter().any(|p| &p.code == plan)
    {
        let codes: Vec<&str> = product.plans.iter().map(|p| p.code.as_str()).collect();
        return Err(BatchError::Usage(format!(
            "{} offers no payment plan `{plan}`; plans: {}",
            product.id(),
            codes.join(", ")
        )));
    }
    // The census replaces the request's members (and any census it names).
    let req = crate::request::check(product, node, path, Some(Vec::new()))
        .map_err(|d| BatchError::Invalid(d.into_vec()))?;
    Ok((product, req))
}

/// Opens the census and checks its header against the product.
fn open_census(
    product: &Product,
    opts: &BatchOptions,
) -> Result<
    (
        CensusReader<std::io::BufReader<std::fs::File>>,
        CensusLayout,
    ),
    BatchError,
> {
    let reader = CensusReader::open(&opts.input, opts.encoding, crate::census::MAX_CENSUS_BYTES)
        .map_err(|e| match e {
            crate::census::CensusError::File(e) => BatchError::Usage(e.to_string()),
            e => BatchError::Invalid(crate::census::census_error_diagnostics(&opts.input, e)),
        })?;
    let extra: Vec<&str> = opts.group_column.iter().map(String::as_str).collect();
    let layout =
        CensusLayout::new(product, reader.header().to_vec(), &extra).map_err(|problems| {
            BatchError::Invalid(
                problems
                    .into_iter()
                    .map(|p| {
                        Diagnostic::error(crate::diagnostics::codes::E0222, p.message)
                            .in_file(&opts.input)
                            .with_help(p.help)
                    })
                    .collect(),
            )
        })?;
    Ok((reader, layout))
}

fn run_census(
    products: &[Product],
    opts: &BatchOptions,
    ctx: &Ctx<'_>,
    out: &mut (dyn Write + Send),
) -> Result<Counts, BatchError> {
    match (opts.per, &opts.group_column) {
        (Per::Group, None) => {
            return Err(BatchError::Usage(
                "--per group needs --group-column NAME".into(),
            ));
        }
        (Per::Member, Some(_)) => {
            return Err(BatchError::Usage(
                "--group-column is for --per group".into(),
            ));
        }
        _ => {}
    }
    let (product, base) = census_request(products, opts)?;
    let (mut reader, layout) = open_census(product, opts)?;
    let group_col = match &opts.group_column {
        Some(g) => Some(layout.column(g).ok_or_else(|| {
            BatchError::Invalid(vec![
                Diagnostic::error(
                    crate::diagnostics::codes::E0222,
                    format!("row 1: the census has no column `{g}` to group by"),
                )
                .in_file(&opts.input),
            ])
        })?),
        None => None,
    };
    let qopts = QuoteOptions {
        plan: opts.plan.clone(),
        as_of: None,
        worksheet: opts.explain,
    };
    let one = |item: &CensusItem, record: u64, buf: &mut Vec<u8>| -> Kind {
        census_record(product, &base, &layout, &qopts, item, record, buf)
    };
    let header = reader.header().to_vec();
    let input = opts.input.clone();
    let mut groups = Grouper {
        column: group_col,
        open: None,
    };
    let mut finished = false;
    let produce = move || -> Result<Option<Chunk<CensusItem>>, BatchError> {
        let mut chunk: Vec<CensusItem> = Vec::new();
        let mut members = 0usize;
        while !finished && chunk.len() < CHUNK_RECORDS && members < CHUNK_MEMBERS && !ctx.stopped()
        {
            let next = reader
                .next_row()
                .map_err(|e| BatchError::Usage(format!("cannot read {}: {e}", input.display())))?;
            let row = match next {
                None => {
                    finished = true;
                    chunk.extend(groups.close());
                    break;
                }
                Some(Err(e)) => {
                    chunk.extend(groups.close());
                    chunk.push(CensusItem::Bad(e.row, row_error(&header, &e)));
                    members += 1;
                    continue;
                }
                Some(Ok(row)) => row,
            };
            if groups.is_blank(&row) {
                continue;
            }
            members += 1;
            chunk.extend(groups.add(row));
        }
        if chunk.is_empty() && finished {
            return Ok(None);
        }
        Ok(Some((chunk, reader.offset())))
    };
    pipeline(ctx, out, produce, &one)
}

/// Cuts rows into records: one per row, or one per run of rows with the same group value.
struct Grouper {
    column: Option<usize>,
    /// The group being read: its key, its rows, and the row where it went over the limit.
    open: Option<(String, Vec<CensusRow>, Option<usize>)>,
}

impl Grouper {
    /// Whether every cell is empty (the group column aside).
    fn is_blank(&self, row: &CensusRow) -> bool {
        row.cells
            .iter()
            .enumerate()
            .all(|(i, c)| Some(i) == self.column || c.trim().is_empty())
    }

    /// Adds a row; returns the record it finishes, if any.
    fn add(&mut self, row: CensusRow) -> Option<CensusItem> {
        let Some(col) = self.column else {
            return Some(CensusItem::Rows(vec![row]));
        };
        let key = row.cells.get(col).map(str::trim).unwrap_or_default();
        match &mut self.open {
            Some((k, rows, over)) if k == key => {
                if rows.len() < crate::request::MAX_MEMBERS {
                    rows.push(row);
                } else if over.is_none() {
                    *over = Some(row.row);
                }
                None
            }
            _ => {
                let done = self.close();
                self.open = Some((key.to_string(), vec![row], None));
                done
            }
        }
    }

    /// Turns the group being read into a record.
    fn close(&mut self) -> Option<CensusItem> {
        let (_, rows, over) = self.open.take()?;
        Some(match over {
            Some(row) => CensusItem::Bad(
                row,
                Problem {
                    field: None,
                    message: format!(
                        "more than {} members in one group",
                        crate::request::MAX_MEMBERS
                    ),
                },
            ),
            None => CensusItem::Rows(rows),
        })
    }
}

/// A row that cannot be read, as a problem: the field is the column's header name.
fn row_error(header: &[String], e: &RowError) -> Problem {
    Problem {
        field: e
            .column
            .and_then(|c| header.get(c.wrapping_sub(1)))
            .cloned(),
        message: e.message.clone(),
    }
}

fn census_record(
    product: &Product,
    base: &Request,
    layout: &CensusLayout,
    qopts: &QuoteOptions,
    item: &CensusItem,
    record: u64,
    buf: &mut Vec<u8>,
) -> Kind {
    let rows = match item {
        CensusItem::Rows(rows) => rows,
        CensusItem::Bad(row, p) => {
            write_error(buf, record, Some(*row), std::slice::from_ref(p));
            return Kind::Failed;
        }
    };
    let mut members: Vec<Member> = Vec::with_capacity(rows.len());
    for row in rows {
        match layout.member(product, &row.cells, row.row) {
            Ok(Some(m)) => members.push(m),
            Ok(None) => {}
            Err(problems) => {
                let problems: Vec<Problem> = problems.iter().map(row_problem).collect();
                write_error(buf, record, Some(row.row), &problems);
                return Kind::Failed;
            }
        }
    }
    let first_row = rows.first().map(|r| r.row);
    let req = Request {
        members,
        ..base.clone()
    };
    quote_line(product, &req, qopts, record, first_row, buf)
}

fn row_problem(p: &RowProblem) -> Problem {
    Problem {
        field: p.field().map(str::to_string),
        message: p.message(),
    }
}

// ---------------------------------------------------------------------------------------------
// Progress.

/// Standard error as its own file handle: writes go straight to the descriptor, without
/// taking the lock of `std::io::stderr()` (which the caller may hold for the whole run).
struct StderrTerm(std::sync::Mutex<std::fs::File>);

impl StderrTerm {
    fn write(&self, s: &str) -> std::io::Result<()> {
        let mut f = self
            .0
            .lock()
            .map_err(|_| std::io::Error::other("the progress bar's terminal is poisoned"))?;
        f.write_all(s.as_bytes())
    }
}

impl indicatif::TermLike for StderrTerm {
    fn width(&self) -> u16 {
        80
    }
    fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
        self.write(&format!("\x1b[{n}A"))
    }
    fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
        self.write(&format!("\x1b[{n}B"))
    }
    fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
        self.write(&format!("\x1b[{n}C"))
    }
    fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
        self.write(&format!("\x1b[{n}D"))
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.write(&format!("{s}\n"))
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        self.write(s)
    }
    fn clear_line(&self) -> std::io::Result<()> {
        self.write("\r\x1b[2K")
    }
    fn flush(&self) -> std::io::Result<()> {
        Ok(())
    }
}

impl std::fmt::Debug for StderrTerm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StderrTerm")
    }
}

/// A progress bar over `total` input bytes, drawn on standard error when it is a terminal
/// (`None` otherwise). It writes through its own handle of the descriptor, so it never waits
/// for a lock on `std::io::stderr()` held elsewhere, from whichever thread it is updated.
pub fn progress_bar(total: u64) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    use std::os::fd::AsFd;
    let fd = std::io::stderr().as_fd().try_clone_to_owned().ok()?;
    let file = std::fs::File::from(fd);
    if !file.is_terminal() {
        return None;
    }
    let target = indicatif::ProgressDrawTarget::term_like_with_hz(
        Box::new(StderrTerm(std::sync::Mutex::new(file))),
        10,
    );
    let bar = indicatif::ProgressBar::with_draw_target(Some(total), target);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {percent:>3}% {binary_bytes}/{binary_total_bytes} {elapsed} (eta {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}
