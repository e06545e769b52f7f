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

use crate::census::{CensusReader, Encoding, RowError};
use crate::diagnostics::{Diagnostic, Span};
use crate::product::Product;
use crate::quote::{Outcome, QuoteOptions};
use crate::rating::Failure;

mod book;
mod census;
mod chunks;
mod csv_out;
mod holder;
mod json;
mod jsonl;
mod members_json;
mod progress;

use crate::request::{CensusLayout, Member, Request, RowProblem};
use crate::yaml::{Node, NodeKind};
use census::*;
pub use census::{row_error, row_problem};
pub use chunks::{CensusChunk, CensusItem, Chunker};
pub use csv_out::QUOTE_COLUMNS;
use holder::HolderColumns;
pub use holder::{GROUP_FIELD, HOLDER_COLUMNS};
use jsonl::*;
pub use jsonl::{Line, field_at, json_lines_record, next_line};
pub use progress::progress_bar;

/// Records read, rated and written at a time. When the reader is ahead of the workers, five
/// chunks are alive (one read, one queued, one rated, two kept for their memory) and three
/// chunks' output buffers: 72-90 MB at the peak for the grouped million-member book as CSV.
pub const CHUNK_RECORDS: usize = 2048;
/// Members read at a time (a group larger than this is a chunk of its own).
pub const CHUNK_MEMBERS: usize = 8_192;
/// Members, and records, read at a time from a census for JSON Lines output, whose quotes are
/// several times longer than their CSV rows (about 7 KB against 1 KB for ten members, 4 KB for
/// a one-member quote): three chunks are in flight (rated, queued, written), and this keeps
/// their buffers to a few tens of megabytes.
pub const CHUNK_MEMBERS_JSON: usize = 4_096;
/// See [`CHUNK_MEMBERS_JSON`].
pub const CHUNK_RECORDS_JSON: usize = 1_024;
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

/// The form of a batch's output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// One JSON line per record: the quote, the decline or the error.
    #[default]
    JsonLines,
    /// A census only: one CSV row per member, and one row per record in a second file.
    Csv,
}

/// Where a batch writes: the main output, and for [`Format::Csv`] the quote file.
pub struct Outputs<'a> {
    pub format: Format,
    /// JSON Lines, or the member rows of a CSV batch.
    pub main: &'a mut (dyn Write + Send),
    /// The quote rows of a CSV batch (`--quotes-output`); none for JSON Lines.
    pub quotes: Option<&'a mut (dyn Write + Send)>,
}

/// The output of some records: their lines (or member rows), and their quote rows.
#[derive(Debug, Default)]
pub struct Out {
    pub main: Vec<u8>,
    pub quotes: Vec<u8>,
    /// The request of the last census record priced into this buffer, kept for its memory.
    pub scratch: Option<census::Scratch>,
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
    /// For a census without `encoding`: read it as UTF-8 at once, without first looking at
    /// the whole file; a census that turns out not to be UTF-8 throughout stops the run with
    /// [`BatchError::NotUtf8`] (the caller throws its output away and runs again without
    /// this, so that the encoding is found from the whole file). For a caller that can start
    /// its output again.
    pub assume_utf8: bool,
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
    /// A census read with [`BatchOptions::assume_utf8`] is not UTF-8 throughout: the output
    /// written so far is to be thrown away, and the run made again without it.
    NotUtf8,
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
    let outputs = Outputs {
        format: Format::JsonLines,
        main: out,
        quotes: None,
    };
    run_to(products, opts, outputs, progress, stop)
}

/// Runs a batch like [`run_until`], writing `outputs` in their format.
pub fn run_to(
    products: &[Product],
    opts: &BatchOptions,
    outputs: Outputs<'_>,
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
    let counts = match (is_census, outputs.format) {
        (true, _) => run_census(products, opts, &ctx, outputs),
        (false, Format::JsonLines) => run_jsonl(products, opts, &ctx, outputs.main),
        (false, Format::Csv) => Err(BatchError::Usage(
            "--format csv is for a census input (.csv); JSON Lines records give JSON Lines".into(),
        )),
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
type Chunk<C> = (C, u64);

/// Records read together, as the pipeline rates them: the chunk is handed to every record
/// (a census record's rows are in its chunk's block).
pub trait Records: Send + Sync {
    type Item: Sync;
    fn items(&self) -> &[Self::Item];
}

impl<T: Send + Sync> Records for Vec<T> {
    type Item = T;
    fn items(&self) -> &[T] {
        self
    }
}

impl Records for CensusChunk {
    type Item = CensusItem;
    fn items(&self) -> &[CensusItem] {
        &self.items
    }
}

/// What rates one record of a chunk (numbered), writing its output to an `O`.
pub type RateOne<'a, C, O> = dyn Fn(&C, &<C as Records>::Item, u64, &mut O) -> Kind + Sync + 'a;

/// Chunks rated and written, handed back to the reader for their memory.
const SPARE_CHUNKS: usize = 2;

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
/// `produce` is given a chunk already rated, when one is back, to fill again.
fn pipeline<C: Records>(
    ctx: &Ctx<'_>,
    outputs: Outputs<'_>,
    mut produce: impl FnMut(Option<C>) -> Result<Option<Chunk<C>>, BatchError> + Send,
    one: &RateOne<'_, C, Out>,
) -> Result<Counts, BatchError> {
    let Outputs {
        main: out,
        mut quotes,
        ..
    } = outputs;
    let (pool, progress) = (ctx.pool, ctx.progress);
    use std::sync::mpsc::sync_channel;
    let (chunk_tx, chunk_rx) = sync_channel::<Result<Chunk<C>, BatchError>>(1);
    let (back_tx, back_rx) = sync_channel::<C>(SPARE_CHUNKS);
    let (buf_tx, buf_rx) = sync_channel::<(Vec<Out>, u64)>(1);
    // Output buffers written out and kept for the next chunks' pieces (their memory reused).
    let spare = Spare::new(pool.current_num_threads() * PIECES_PER_THREAD * 2);
    let spare = &spare;
    std::thread::scope(|s| {
        s.spawn(move || {
            while !ctx.stopped() {
                match produce(back_rx.try_recv().ok()) {
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
                // A chunk's pieces in one call each, not copied into a buffer first.
                write_all_vectored(out, bufs.iter().map(|b| &b.main[..]))?;
                if let Some(q) = quotes.as_mut() {
                    write_all_vectored(*q, bufs.iter().map(|b| &b.quotes[..]))?;
                }
                for b in bufs {
                    spare.put(b);
                }
                if let Some(p) = progress {
                    p(bytes);
                }
            }
            if let Some(q) = quotes.as_mut() {
                q.flush()?;
            }
            out.flush()
        });
        let mut counts = Counts::default();
        let mut record = 1u64;
        let mut failure = None;
        for msg in chunk_rx {
            let (chunk, bytes) = match msg {
                Ok(c) => c,
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            };
            let (bufs, c) = rate_chunk(pool, &chunk, record, one, spare);
            if ctx.stopped() {
                // The chunk in flight is dropped: its records were not written.
                break;
            }
            record += chunk.items().len() as u64;
            // Full when the reader has spares enough: this one is then dropped.
            let _ = back_tx.try_send(chunk);
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

/// Writes every one of `parts`, in order, with as few calls as the writer takes
/// (`Write::write_all_vectored` is not stable).
fn write_all_vectored<'b>(
    out: &mut (dyn Write + Send),
    parts: impl Iterator<Item = &'b [u8]>,
) -> std::io::Result<()> {
    let mut slices: Vec<std::io::IoSlice<'b>> = parts
        .filter(|p| !p.is_empty())
        .map(std::io::IoSlice::new)
        .collect();
    let mut rest = &mut slices[..];
    while !rest.is_empty() {
        match out.write_vectored(rest) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(n) => std::io::IoSlice::advance_slices(&mut rest, n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Runs `one` over the records `produce` reads, through the pipeline of [`run`] (bounded
/// queues, chunks rated in parallel on `threads` workers, bytes written in input order), for
/// other commands over a book. Returns the records counted by kind.
pub fn stream<C: Records>(
    threads: Option<usize>,
    out: &mut (dyn Write + Send),
    produce: impl FnMut(Option<C>) -> Result<Option<(C, u64)>, BatchError> + Send,
    one: &RateOne<'_, C, Vec<u8>>,
) -> Result<(u64, u64, u64), BatchError> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        b = b.num_threads(n);
    }
    let pool = b
        .build()
        .map_err(|e| BatchError::Usage(format!("cannot start worker threads: {e}")))?;
    let stop = AtomicUsize::new(0);
    let ctx = Ctx {
        pool: &pool,
        progress: None,
        stop: &stop,
    };
    let outputs = Outputs {
        format: Format::JsonLines,
        main: out,
        quotes: None,
    };
    let one = |c: &C, t: &C::Item, n: u64, o: &mut Out| one(c, t, n, &mut o.main);
    let c = pipeline(&ctx, outputs, produce, &one)?;
    Ok((c.quoted, c.declined, c.failed))
}

/// Pieces a chunk is cut into per worker thread, so that a slow piece does not leave a core
/// idle.
const PIECES_PER_THREAD: usize = 16;

/// Output buffers already written, kept (emptied, with their memory) for later pieces: a
/// bounded number, so memory stays bounded by the chunks in flight.
struct Spare {
    bufs: std::sync::Mutex<Vec<Out>>,
    most: usize,
}

impl Spare {
    fn new(most: usize) -> Spare {
        Spare {
            bufs: std::sync::Mutex::new(Vec::new()),
            most,
        }
    }

    /// An empty buffer: a kept one, or a new one with room for `records` records.
    fn take(&self, records: usize) -> Out {
        let kept = self.bufs.lock().ok().and_then(|mut b| b.pop());
        kept.unwrap_or_else(|| Out {
            main: Vec::with_capacity(records * 1024),
            quotes: Vec::new(),
            scratch: None,
        })
    }

    /// Keeps a written buffer for reuse, when fewer than the most are kept.
    fn put(&self, mut b: Out) {
        b.main.clear();
        b.quotes.clear();
        if let Ok(mut bufs) = self.bufs.lock()
            && bufs.len() < self.most
        {
            bufs.push(b);
        }
    }
}

/// Rates a chunk's records in parallel; returns their lines in order. `first` is the record
/// number of its first record.
fn rate_chunk<C: Records>(
    pool: &rayon::ThreadPool,
    chunk: &C,
    first: u64,
    one: &RateOne<'_, C, Out>,
    spare: &Spare,
) -> (Vec<Out>, Counts) {
    let items = chunk.items();
    let mut counts = Counts::default();
    if items.is_empty() {
        return (Vec::new(), counts);
    }
    let pieces = pool.current_num_threads() * PIECES_PER_THREAD;
    let size = items.len().div_ceil(pieces).max(1);
    let parts: Vec<(Out, Counts)> = pool.install(|| {
        items
            .par_chunks(size)
            .enumerate()
            .map(|(pi, part)| {
                let mut buf = spare.take(part.len());
                let mut c = Counts::default();
                for (i, it) in part.iter().enumerate() {
                    let n = first + (pi * size + i) as u64;
                    c.add(one(chunk, it, n, &mut buf));
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

/// Quotes a checked request: the outcome, or the row and problem of a quote that failed.
/// `row` is the record's row (a rating error of a member names the member's own row).
fn quote_outcome(
    product: &Product,
    req: &Request,
    qopts: &QuoteOptions,
    row: Option<usize>,
) -> Result<Outcome, (Option<usize>, Problem)> {
    crate::quote::quote(product, req, qopts).map_err(|e| failure_of(e, req, row))
}

/// The row and problem of a quote that failed: a rating error of a member names the member's
/// own row, any other the record's `row`.
fn failure_of(
    e: crate::quote::QuoteError,
    req: &Request,
    row: Option<usize>,
) -> (Option<usize>, Problem) {
    let row = match &e {
        crate::quote::QuoteError::Rating(r) => r
            .member
            .and_then(|m| req.members.get(m))
            .and_then(|m| m.row)
            .or(row),
        crate::quote::QuoteError::Schedule(_) => row,
    };
    (
        row,
        Problem {
            field: None,
            message: e.to_string(),
        },
    )
}

/// Quotes a checked request and writes its line; `fields` are added to the quote's
/// `policyholder.fields` (a census record's address, contact and group); `kept` holds the
/// step values and due dates kept across the records of a census.
#[allow(clippy::too_many_arguments)]
fn quote_line(
    product: &Product,
    req: &Request,
    qopts: &QuoteOptions,
    record: u64,
    row: Option<usize>,
    fields: &[(&str, String)],
    buf: &mut Vec<u8>,
    kept: Option<crate::quote::Kept<'_>>,
) -> Kind {
    if members_json::applies(req) {
        match crate::quote::quote_members_apart_with(product, req, qopts, kept) {
            Ok(Outcome::Quoted(mut q, rated)) => {
                for (k, v) in fields {
                    q.policyholder.fields.insert((*k).to_string(), v.clone());
                }
                if members_json::write_line(buf, product, req, &rated, &q) {
                    return Kind::Quoted;
                }
                // The member list was not where it is written: the full quote below.
            }
            Ok(Outcome::Declined(failures)) => {
                write_decline(buf, product, &failures);
                return Kind::Declined;
            }
            Err(e) => {
                let (row, problem) = failure_of(e, req, row);
                write_error(buf, record, row, &[problem]);
                return Kind::Failed;
            }
        }
    }
    match quote_outcome(product, req, qopts, row) {
        Ok(Outcome::Quoted(mut q, _)) => {
            for (k, v) in fields {
                q.policyholder.fields.insert((*k).to_string(), v.clone());
            }
            write_json(buf, &*q);
            Kind::Quoted
        }
        Ok(Outcome::Declined(failures)) => {
            write_decline(buf, product, &failures);
            Kind::Declined
        }
        Err((row, problem)) => {
            write_error(buf, record, row, &[problem]);
            Kind::Failed
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::{IoSlice, Write};

    /// A writer taking at most a few bytes of one buffer per call, or failing once.
    struct Dribble {
        got: Vec<u8>,
        interrupted: bool,
    }

    impl Write for Dribble {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if !self.interrupted {
                self.interrupted = true;
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            let n = buf.len().min(3);
            self.got.extend_from_slice(&buf[..n]);
            Ok(n)
        }

        fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> std::io::Result<usize> {
            let first = bufs.iter().find(|b| !b.is_empty()).map_or(&[][..], |b| b);
            self.write(first)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn pieces_written_in_several_calls_arrive_whole_and_in_order() {
        let mut w = Dribble {
            got: Vec::new(),
            interrupted: false,
        };
        let parts: [&[u8]; 5] = [b"first,", b"", b"s", b"econd row\n", b"third"];
        super::write_all_vectored(&mut w, parts.into_iter()).unwrap();
        assert_eq!(w.got, b"first,second row\nthird");
    }
}
