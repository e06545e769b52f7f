//! The impact of a product change on a book: every record re-rated under the old version, the
//! new version and the intermediate products of the attribution, in one streaming pass over
//! the book through the batch pipeline ([`crate::batch::stream`]).
//!
//! Attribution: the changed pricing items (tables, steps, then rounding, minimum premium,
//! taxes and charges) are ordered as the rating plan of the new version reads them
//! ([`super::diff::Diff::pricing_items`]). Intermediate product `Q_j` is the new version's
//! file with items `j+1..k` put back as the old version writes them (the YAML block of the
//! table or step replaced, removed or inserted), checked again like any product file. The
//! chain is OLD → Q_0 → Q_1 … → Q_k = NEW; the share of item `j` is the premium under `Q_j`
//! less the premium under `Q_{j-1}`, and OLD → Q_0 is what no pricing item explains (inputs,
//! eligibility, coverage terms). An intermediate that does not check is left out and its
//! item shares the next link; a record an intermediate cannot rate takes the next point's
//! premium for it. Either way the shares telescope, so they add up exactly to the change.
//!
//! Invariants: sums are checked `Decimal` additions; memory holds one chunk of records plus
//! one relative change per record rated under both (for the percentiles) and bounded lists.

use std::io::Write;
use std::path::{Path, PathBuf};

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::Side;
use super::diff::{Diff, Item};
use crate::batch::{BatchError, CensusChunk, CensusItem, Chunker, Kind, Line};
use crate::product::{Product, load::LoadOptions};
use crate::request::{CensusLayout, Request};

/// Records listed in full (newly declined, newly eligible, errors).
pub const LISTED: usize = 1000;
/// The largest changes shown.
pub const LARGEST: usize = 10;

/// What to re-rate.
#[derive(Clone, Debug)]
pub struct ImpactOptions {
    /// JSON Lines of requests, or a census CSV.
    pub input: PathBuf,
    /// For a census: the request file giving the policy part.
    pub request: Option<PathBuf>,
    /// For a census: the column grouping consecutive rows into one policy.
    pub group_column: Option<String>,
    pub threads: Option<usize>,
}

/// The points of the attribution chain and the label of each link.
pub struct Chain {
    /// OLD, the intermediates that check, NEW.
    pub points: Vec<Product>,
    /// One label per link (`points.len() - 1`).
    pub labels: Vec<String>,
}

/// Builds the chain for the pricing items of `diff`, in rating-plan order.
pub fn chain(old: &Side, new: &Side, diff: &Diff) -> Chain {
    let items = diff.pricing_items(&new.product);
    // texts[j] = NEW with items j+1..k put back; texts[k] = NEW.
    let mut texts: Vec<Option<String>> = vec![None; items.len() + 1];
    let mut text = new.source.clone();
    texts[items.len()] = Some(text.clone());
    for j in (0..items.len()).rev() {
        text = revert(&text, &old.source, &items[j]).unwrap_or(text);
        texts[j] = Some(text.clone());
    }
    let mut points = vec![old.product.clone()];
    let mut labels = Vec::new();
    let mut pending = vec!["other changes (inputs, eligibility, coverage terms)".to_string()];
    for (j, t) in texts.iter().enumerate().take(items.len()) {
        let checked = t.as_deref().and_then(|t| load(&new.product.file, t));
        if let Some(p) = checked {
            labels.push(pending.join(" + "));
            pending.clear();
            points.push(p);
        }
        pending.push(items[j].to_string());
    }
    labels.push(pending.join(" + "));
    points.push(new.product.clone());
    Chain { points, labels }
}

fn load(path: &Path, src: &str) -> Option<Product> {
    let (p, _) = crate::product::load::load_source(
        path,
        src,
        &LoadOptions::default(),
        &crate::product::check::Fs,
    );
    p
}

/// Leading spaces of a line.
fn indent(l: &str) -> usize {
    l.len() - l.trim_start_matches(' ').len()
}

/// The lines `[start, end)` (0-based) of the block whose first line is `line` (1-based): the
/// following lines indented deeper, without trailing blank and comment lines.
fn block(lines: &[&str], line: u32) -> Option<(usize, usize)> {
    let start = (line as usize).checked_sub(1)?;
    let first = lines.get(start)?;
    let ind = indent(first);
    let mut end = start + 1;
    let mut last = start + 1;
    while end < lines.len() {
        let l = lines[end];
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') {
            end += 1;
            continue;
        }
        if indent(l) <= ind {
            break;
        }
        end += 1;
        last = end;
    }
    Some((start, last))
}

/// The line (1-based) of the block of `item` in a file's node tree, with its section's line.
fn locate(root: &crate::yaml::Node, item: &Item) -> (Option<u32>, Option<u32>) {
    use crate::yaml::NodeKind;
    let key_line = |n: &crate::yaml::Node, k: &str| match &n.kind {
        NodeKind::Map(e) => e
            .iter()
            .find(|(kn, _)| kn.as_str() == Some(k))
            .map(|(kn, _)| kn.span.line),
        _ => None,
    };
    let rating = root.get("rating");
    match item {
        Item::Table(name) => (
            root.get("tables").and_then(|t| key_line(t, name)),
            key_line(root, "tables"),
        ),
        Item::Step(name) => {
            let steps = rating.and_then(|r| r.get("steps"));
            let line = steps.and_then(|s| match &s.kind {
                NodeKind::Seq(items) => items
                    .iter()
                    .find(|i| i.get("step").and_then(|x| x.as_str()) == Some(name))
                    .map(|i| i.span.line),
                _ => None,
            });
            (line, rating.and_then(|r| key_line(r, "steps")))
        }
        Item::Other(what) => {
            let key = match what.as_str() {
                "rounding" => "rounding",
                "minimum premium" => "minimum_premium",
                "taxes" => "vat_rate",
                "charges" => "charges",
                _ => return (None, None),
            };
            (
                rating.and_then(|r| key_line(r, key)),
                key_line(root, "rating"),
            )
        }
    }
}

/// `text` with `item` put back as `old` writes it; `None` when it cannot be placed.
fn revert(text: &str, old: &str, item: &Item) -> Option<String> {
    let (nroot, oroot) = (
        crate::yaml::parse(text).ok()?,
        crate::yaml::parse(old).ok()?,
    );
    let (nl, ol): (Vec<&str>, Vec<&str>) = (text.lines().collect(), old.lines().collect());
    let (at_new, section_new) = locate(&nroot, item);
    let (at_old, _) = locate(&oroot, item);
    let old_block = at_old.and_then(|l| block(&ol, l));
    let mut out: Vec<String> = Vec::new();
    match (at_new.and_then(|l| block(&nl, l)), old_block) {
        (Some((s, e)), Some(ob)) => {
            out.extend(nl[..s].iter().map(|l| l.to_string()));
            out.extend(shift(&ol, ob, indent(nl[s])));
            out.extend(nl[e..].iter().map(|l| l.to_string()));
        }
        (Some((s, e)), None) => {
            out.extend(nl[..s].iter().map(|l| l.to_string()));
            out.extend(nl[e..].iter().map(|l| l.to_string()));
        }
        (None, Some(ob)) => {
            // Insert right after the section's key line, indented as the section's items.
            let sec = section_new? as usize;
            let next = nl.get(sec).map(|l| indent(l)).unwrap_or(2);
            out.extend(nl[..sec].iter().map(|l| l.to_string()));
            out.extend(shift(&ol, ob, next));
            out.extend(nl[sec..].iter().map(|l| l.to_string()));
        }
        (None, None) => return None,
    }
    let mut s = out.join("\n");
    s.push('\n');
    Some(s)
}

/// The block's lines moved so that its first line is indented `to` spaces.
fn shift(lines: &[&str], (s, e): (usize, usize), to: usize) -> Vec<String> {
    let from = indent(lines[s]);
    lines[s..e]
        .iter()
        .map(|l| {
            if l.trim().is_empty() {
                String::new()
            } else if to >= from {
                format!("{}{}", " ".repeat(to - from), l)
            } else {
                let cut = (from - to).min(indent(l));
                l[cut..].to_string()
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Rating a record under every point.

/// What a point gives for a record.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Rated(Decimal),
    Declined(Vec<String>),
    Error(String),
}

/// Whether a request checked against `a` is a valid request of `b`: the same inputs (words
/// interned alike), coverages and coverage terms.
fn same_inputs(a: &Product, b: &Product) -> bool {
    let fields = a.fields.len() == b.fields.len()
        && a.fields.iter().zip(&b.fields).all(|(x, y)| {
            x.name == y.name && x.group == y.group && x.ty == y.ty && x.default == y.default
        });
    let terms = a.terms.len() == b.terms.len()
        && a.terms.iter().zip(&b.terms).all(|(x, y)| {
            x.coverage == y.coverage
                && x.name == y.name
                && x.choice == y.choice
                && x.default == y.default
        });
    let covs = a.coverages.len() == b.coverages.len()
        && a.coverages
            .iter()
            .zip(&b.coverages)
            .all(|(x, y)| x.code == y.code && x.optional == y.optional);
    fields && terms && covs && a.term == b.term && a.group == b.group
}

fn outcome(p: &Product, r: &Request) -> Outcome {
    match crate::rating::eligibility(p, r) {
        Err(e) => return Outcome::Error(e.to_string()),
        Ok(f) if !f.is_empty() => {
            let mut rules: Vec<String> = f.into_iter().map(|f| f.rule).collect();
            rules.dedup();
            return Outcome::Declined(rules);
        }
        Ok(_) => {}
    }
    match crate::rating::rate(p, r, false) {
        Ok(rated) => Outcome::Rated(rated.total),
        Err(e) => Outcome::Error(e.to_string()),
    }
}

/// Everything a record is rated with: the points, and for a census the policy part and the
/// layout of each group of points that share inputs.
struct Rater<'a> {
    points: &'a [Product],
    /// The first point with the same inputs, for each point.
    class: Vec<usize>,
    /// For a census, by class leader: the base request and the layout.
    census: Vec<Option<(Request, CensusLayout)>>,
    input: &'a Path,
}

impl Rater<'_> {
    /// The requests of a record, one per class leader.
    fn requests(&self, item: &Record<'_>) -> Vec<Option<Result<Request, String>>> {
        let mut out: Vec<Option<Result<Request, String>>> = vec![None; self.points.len()];
        for (i, p) in self.points.iter().enumerate() {
            if self.class[i] != i {
                continue;
            }
            out[i] = Some(match item {
                Record::Census(_, CensusItem::Bad(_, problem)) => Err(problem.message.clone()),
                Record::Census(chunk, CensusItem::Rows(rows)) => {
                    let Some((base, layout)) = &self.census[i] else {
                        return out;
                    };
                    let mut members = Vec::with_capacity(rows.len());
                    let mut bad = None;
                    for row in chunk.rows(rows) {
                        match layout.member(p, &row, row.row) {
                            Ok(Some(m)) => members.push(m),
                            Ok(None) => {}
                            Err(problems) => {
                                let m: Vec<String> = problems.iter().map(|x| x.message()).collect();
                                bad = Some(format!("row {}: {}", row.row, m.join("; ")));
                                break;
                            }
                        }
                    }
                    match bad {
                        Some(m) => Err(m),
                        None => Ok(Request {
                            members,
                            ..base.clone()
                        }),
                    }
                }
                Record::Line(line) => match &line.text {
                    Err(e) => Err(e.clone()),
                    Ok(t) => match crate::yaml::parse(t) {
                        Err(d) => Err(d.message),
                        Ok(node) => {
                            crate::request::check(p, &node, self.input, None).map_err(|d| {
                                d.iter()
                                    .filter(|x| x.is_error())
                                    .map(|x| x.message.clone())
                                    .collect::<Vec<_>>()
                                    .join("; ")
                            })
                        }
                    },
                },
            });
        }
        out
    }

    /// Rates a record under every point; writes its line.
    fn one(&self, item: &Record<'_>, record: u64, buf: &mut Vec<u8>) -> Kind {
        let reqs = self.requests(item);
        let row = match item {
            Record::Census(c, CensusItem::Rows(r)) => c.rows(r).next().map_or(0, |r| r.row),
            Record::Census(_, CensusItem::Bad(row, _)) => *row,
            Record::Line(l) => l.row,
        };
        let _ = write!(buf, "{record}\t{row}");
        let mut kinds = (false, false);
        for (i, p) in self.points.iter().enumerate() {
            let o = match &reqs[self.class[i]] {
                Some(Ok(r)) => outcome(p, r),
                Some(Err(e)) => Outcome::Error(e.clone()),
                None => Outcome::Error("no request".into()),
            };
            let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
            let _ = match &o {
                Outcome::Rated(d) => write!(buf, "\tR{d}"),
                Outcome::Declined(r) => write!(buf, "\tD{}", clean(&r.join(", "))),
                Outcome::Error(e) => write!(buf, "\tE{}", clean(e)),
            };
            if i == 0 {
                kinds.0 = matches!(o, Outcome::Rated(_));
            }
            if i + 1 == self.points.len() {
                kinds.1 = matches!(o, Outcome::Rated(_));
            }
        }
        buf.push(b'\n');
        match kinds {
            (true, true) => Kind::Quoted,
            (false, false) => Kind::Failed,
            _ => Kind::Declined,
        }
    }
}

/// A record of the book as read: a census record in its chunk, or a line.
enum Record<'a> {
    Census(&'a CensusChunk, &'a CensusItem),
    Line(&'a Line),
}

mod report;
pub use report::*;

/// Why impact could not run.
#[derive(Debug)]
pub enum ImpactError {
    Usage(String),
    Invalid(Vec<crate::diagnostics::Diagnostic>),
    Io(std::io::Error),
}

impl From<BatchError> for ImpactError {
    fn from(e: BatchError) -> ImpactError {
        match e {
            BatchError::Usage(m) => ImpactError::Usage(m),
            BatchError::Invalid(d) => ImpactError::Invalid(d),
            BatchError::Io(e) => ImpactError::Io(e),
            BatchError::Interrupted { .. } => ImpactError::Usage("interrupted".into()),
            BatchError::Output(e) => ImpactError::Usage(e.to_string()),
            // Impact runs find the encoding first (no `assume_utf8`).
            BatchError::NotUtf8 => ImpactError::Usage("the census is not UTF-8".into()),
        }
    }
}

/// Re-rates the book of `opts` under the chain of `old` → `new`.
pub fn impact(
    old: &Side,
    new: &Side,
    diff: &Diff,
    opts: &ImpactOptions,
) -> Result<Report, ImpactError> {
    let chain = chain(old, new, diff);
    let points = &chain.points;
    let class: Vec<usize> = (0..points.len())
        .map(|i| {
            (0..i)
                .find(|&j| same_inputs(&points[j], &points[i]))
                .unwrap_or(i)
        })
        .collect();
    let is_census = opts
        .input
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let mut agg = Aggregate::new(&chain, old, new);
    if is_census {
        let Some(request) = &opts.request else {
            return Err(ImpactError::Usage(
                "a census needs --request FILE for the policy part".into(),
            ));
        };
        let file = crate::request::RequestFile::read(request).map_err(|e| match e {
            crate::request::ReadError::Io(d) => ImpactError::Io(std::io::Error::other(d.message)),
            crate::request::ReadError::Invalid(d) => ImpactError::Invalid(d.into_vec()),
        })?;
        let reader =
            crate::census::CensusReader::open(&opts.input, None, crate::census::MAX_CENSUS_BYTES)
                .map_err(|e| match e {
                crate::census::CensusError::File(e) => {
                    ImpactError::Io(std::io::Error::other(e.to_string()))
                }
                e => ImpactError::Invalid(crate::census::census_error_diagnostics(&opts.input, e)),
            })?;
        let header = reader.header().to_vec();
        let extra: Vec<&str> = opts.group_column.iter().map(String::as_str).collect();
        let mut census = Vec::new();
        for (i, p) in points.iter().enumerate() {
            if class[i] != i {
                census.push(None);
                continue;
            }
            let base = crate::request::check(p, &file.node, request, Some(Vec::new()))
                .map_err(|d| ImpactError::Invalid(d.into_vec()))?;
            let layout = CensusLayout::new(p, header.clone(), &extra).map_err(|problems| {
                ImpactError::Usage(format!(
                    "{}: {}",
                    opts.input.display(),
                    problems
                        .iter()
                        .map(|p| p.message.clone())
                        .collect::<Vec<_>>()
                        .join("; ")
                ))
            })?;
            census.push(Some((base, layout)));
        }
        let group = match &opts.group_column {
            Some(g) => Some(
                census[0]
                    .as_ref()
                    .and_then(|(_, l)| l.column(g))
                    .ok_or_else(|| {
                        ImpactError::Usage(format!("the census has no column `{g}` to group by"))
                    })?,
            ),
            None => None,
        };
        let rater = Rater {
            points,
            class: class.clone(),
            census,
            input: &opts.input,
        };
        let mut chunker = Chunker::new(reader, group);
        let input = opts.input.clone();
        let produce = move |spare: Option<CensusChunk>| {
            let mut chunk = spare.unwrap_or_default();
            let (records, members) = (crate::batch::CHUNK_RECORDS, crate::batch::CHUNK_MEMBERS);
            let more = chunker
                .fill(&mut chunk, records, members, || false)
                .map_err(|e| {
                    BatchError::Io(std::io::Error::other(format!(
                        "cannot read {}: {e}",
                        input.display()
                    )))
                })?;
            Ok(more.then(|| (chunk, chunker.offset())))
        };
        let one = |c: &CensusChunk, r: &CensusItem, n: u64, buf: &mut Vec<u8>| {
            rater.one(&Record::Census(c, r), n, buf)
        };
        crate::batch::stream(opts.threads, &mut agg, produce, &one)?;
    } else {
        if opts.request.is_some() || opts.group_column.is_some() {
            return Err(ImpactError::Usage(
                "--request and --group-column are for a census input (.csv)".into(),
            ));
        }
        let (file, _) = crate::fsio::open_input(&opts.input, crate::fsio::MAX_STREAM_BYTES)
            .map_err(|e| ImpactError::Usage(e.to_string()))?;
        let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
        let rater = Rater {
            points,
            class: class.clone(),
            census: Vec::new(),
            input: &opts.input,
        };
        let (mut row, mut bytes, mut scratch) = (0usize, 0u64, Vec::new());
        let input = opts.input.clone();
        let produce = move |_: Option<Vec<Line>>| -> Result<Option<(Vec<Line>, u64)>, BatchError> {
            let mut chunk = Vec::new();
            while chunk.len() < crate::batch::CHUNK_RECORDS {
                match crate::batch::next_line(&mut reader, &mut row, &mut scratch).map_err(|e| {
                    BatchError::Io(std::io::Error::other(format!(
                        "cannot read {}: {e}",
                        input.display()
                    )))
                })? {
                    Some((line, n)) => {
                        bytes += n;
                        chunk.push(line);
                    }
                    None => break,
                }
            }
            Ok((!chunk.is_empty()).then_some((chunk, bytes)))
        };
        let one = |_: &Vec<Line>, l: &Line, n: u64, buf: &mut Vec<u8>| {
            rater.one(&Record::Line(l), n, buf)
        };
        crate::batch::stream(opts.threads, &mut agg, produce, &one)?;
    }
    agg.finish()
}

/// Rounds a ratio to a percentage with two places, half up.
pub fn percent(x: Decimal) -> Decimal {
    x.checked_mul(Decimal::ONE_HUNDRED)
        .unwrap_or(Decimal::MAX)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}
