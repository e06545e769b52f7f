//! Census input: rows read by the one census reader, priced one quote per member or per
//! group of consecutive rows, with the policy part from the request file.

use super::*;

// ---------------------------------------------------------------------------------------------
// Census.

/// The policy part of a census batch: the request file checked without members.
pub(super) fn census_request<'p>(
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
pub(super) fn open_census(
    product: &Product,
    opts: &BatchOptions,
) -> Result<
    (
        CensusReader<std::io::BufReader<std::fs::File>>,
        CensusLayout,
    ),
    BatchError,
> {
    let limit = crate::census::MAX_CENSUS_BYTES;
    let opened = match opts.encoding {
        None if opts.assume_utf8 => CensusReader::open_as_utf8(&opts.input, limit),
        forced => CensusReader::open(&opts.input, forced, limit),
    };
    let reader = opened.map_err(|e| match e {
        crate::census::CensusError::File(crate::fsio::FsError::Read { source, .. })
            if crate::census::is_not_utf8(&source) =>
        {
            BatchError::NotUtf8
        }
        crate::census::CensusError::File(e) => BatchError::Usage(e.to_string()),
        e => BatchError::Invalid(crate::census::census_error_diagnostics(&opts.input, e)),
    })?;
    let extra: Vec<&str> = opts
        .group_column
        .iter()
        .map(String::as_str)
        .chain(super::holder::HOLDER_COLUMNS.iter().map(|(c, _)| *c))
        .collect();
    let layout =
        CensusLayout::new(product, reader.header().to_vec(), &extra).map_err(|problems| {
            BatchError::Invalid(crate::census::header_diagnostics(
                &opts.input,
                &reader,
                problems,
            ))
        })?;
    Ok((reader, layout))
}

pub(super) fn run_census(
    products: &[Product],
    opts: &BatchOptions,
    ctx: &Ctx<'_>,
    mut outputs: Outputs<'_>,
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
    let (reader, layout) = open_census(product, opts)?;
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
    let holders = HolderColumns::new(product, &layout.header, group_col).map_err(|m| {
        BatchError::Invalid(vec![
            Diagnostic::error(crate::diagnostics::codes::E0222, m).in_file(&opts.input),
        ])
    })?;
    let qopts = QuoteOptions {
        plan: opts.plan.clone(),
        as_of: None,
        worksheet: opts.explain,
    };
    let census = Census {
        product,
        base: &base,
        layout: &layout,
        holders: &holders,
        qopts: &qopts,
        format: outputs.format,
        group: group_col,
    };
    if outputs.format == Format::Csv {
        outputs.main.write_all(&csv_out::member_header(product))?;
        if let Some(q) = outputs.quotes.as_mut() {
            q.write_all(&csv_out::quote_header())?;
        }
    }
    let one = |chunk: &CensusChunk, item: &CensusItem, record: u64, buf: &mut Out| -> Kind {
        census_record(&census, chunk, item, record, buf)
    };
    let mut chunker = Chunker::new(reader, group_col);
    let input = opts.input.clone();
    let (chunk_records, chunk_members) = match census.format {
        Format::JsonLines => (CHUNK_RECORDS_JSON, CHUNK_MEMBERS_JSON),
        Format::Csv => (CHUNK_RECORDS, CHUNK_MEMBERS),
    };
    // The first chunks are smaller, so the workers start after a few rows, not a whole
    // chunk: an eighth of the size, doubled at each chunk.
    let mut ramp = RAMP;
    let produce =
        move |spare: Option<CensusChunk>| -> Result<Option<Chunk<CensusChunk>>, BatchError> {
            let mut chunk = spare.unwrap_or_default();
            let (records, members) = (chunk_records >> ramp, chunk_members >> ramp);
            ramp = ramp.saturating_sub(1);
            let more = chunker
                .fill(&mut chunk, records.max(1), members.max(1), || ctx.stopped())
                .map_err(|e| {
                    if crate::census::is_not_utf8(&e) {
                        BatchError::NotUtf8
                    } else {
                        BatchError::Usage(format!("cannot read {}: {e}", input.display()))
                    }
                })?;
            Ok(more.then(|| (chunk, chunker.offset())))
        };
    pipeline(ctx, outputs, produce, &one)
}

/// The first chunk of a census is `2^RAMP` times smaller than the others.
const RAMP: u32 = 3;

/// A row that cannot be read, as a problem: the field is the column's header name.
pub fn row_error(header: &[String], e: &RowError) -> Problem {
    Problem {
        field: e
            .column
            .and_then(|c| header.get(c.wrapping_sub(1)))
            .cloned(),
        message: e.message.clone(),
    }
}

/// What every record of a census batch is priced with.
pub(super) struct Census<'a> {
    pub product: &'a Product,
    /// The request file checked without members.
    pub base: &'a Request,
    pub layout: &'a CensusLayout,
    pub holders: &'a HolderColumns,
    pub qopts: &'a QuoteOptions,
    pub format: Format,
    /// The group column.
    pub group: Option<usize>,
}

impl Census<'_> {
    /// Writes a failed record.
    fn fail(
        &self,
        out: &mut Out,
        record: u64,
        group: Option<&str>,
        row: Option<usize>,
        problems: &[Problem],
    ) -> Kind {
        match self.format {
            Format::JsonLines => write_error(&mut out.main, record, row, problems),
            Format::Csv => csv_out::failed(out, record, group, row, problems),
        }
        Kind::Failed
    }
}

/// Prices one census record and writes its output.
pub(super) fn census_record(
    c: &Census<'_>,
    chunk: &CensusChunk,
    item: &CensusItem,
    record: u64,
    out: &mut Out,
) -> Kind {
    let rows = match item {
        CensusItem::Rows(rows) => chunk.rows(rows),
        CensusItem::Bad(row, p) => {
            return c.fail(out, record, None, Some(*row), std::slice::from_ref(p));
        }
    };
    // The request of the previous record priced into this buffer, its members' memory
    // reused: everything but the members and the policyholder is the base request's.
    let mut scratch = out.scratch.take().unwrap_or_default();
    let req = scratch.request.get_or_insert_with(|| c.base.clone());
    let kind = REMEMBERED.with(|kept| {
        let (mut thread, mut fresh) = (kept.try_borrow_mut(), Remembered::default());
        let kept = thread.as_deref_mut().unwrap_or(&mut fresh);
        price_rows(c, rows, record, req, &mut scratch.members, kept, out)
    });
    // The members of a very large group are not kept.
    let kept = req.members.len() + scratch.members.len();
    out.scratch = (kept <= KEPT_MEMBERS).then_some(scratch);
    kind
}

/// Most members a buffer keeps from one record to the next.
const KEPT_MEMBERS: usize = 512;

/// Step values and due dates a worker thread remembers across the records it prices, in
/// every chunk: one per thread stays in that core's cache (values are exact, so which thread
/// priced a record changes nothing).
#[derive(Default)]
struct Remembered {
    memo: crate::rating::StepMemo,
    dates: crate::schedule::DueDates,
}

thread_local! {
    static REMEMBERED: std::cell::RefCell<Remembered> = std::cell::RefCell::default();
}

/// Request and members kept from one census record to the next (see [`census_record`]).
#[derive(Debug, Default)]
pub struct Scratch {
    request: Option<Request>,
    /// Members not needed by the last record, kept for their memory.
    members: Vec<Member>,
}

/// Reads a record's rows into `req`'s members (reusing theirs and `spare`), sets its
/// policyholder, prices it and writes its output.
fn price_rows<'r>(
    c: &Census<'_>,
    rows: impl Iterator<Item = crate::census::RowRef<'r>> + Clone,
    record: u64,
    req: &mut Request,
    spare: &mut Vec<Member>,
    kept: &mut Remembered,
    out: &mut Out,
) -> Kind {
    let (product, layout) = (c.product, c.layout);
    let first = rows.clone().next();
    let group = c
        .group
        .and_then(|g| first.and_then(|r| r.get(g)))
        .map(crate::census::trim);
    let mut used = 0;
    for row in rows.clone() {
        if used == req.members.len() {
            req.members.push(spare.pop().unwrap_or_default());
        }
        match layout.member_into(product, &row, row.row, &mut req.members[used]) {
            Ok(true) => used += 1,
            Ok(false) => {}
            Err(problems) => {
                let problems: Vec<Problem> = problems.iter().map(row_problem).collect();
                return c.fail(out, record, group, Some(row.row), &problems);
            }
        }
    }
    spare.extend(req.members.drain(used..));
    let first_row = first.map(|r| r.row);
    let holder = match c.holders.holder(&layout.header, rows) {
        Ok(h) => h,
        Err(p) => return c.fail(out, record, group, first_row, std::slice::from_ref(&p)),
    };
    req.policyholder
        .clone_from(holder.party.as_ref().unwrap_or(&c.base.policyholder));
    let req = &*req;
    if c.format == Format::JsonLines {
        let kept = crate::quote::Kept {
            memo: &mut kept.memo,
            dates: &mut kept.dates,
        };
        return quote_line(
            product,
            req,
            c.qopts,
            record,
            first_row,
            &holder.fields,
            &mut out.main,
            Some(kept),
        );
    }
    if super::book::applies(product) {
        return book_record(c, req, record, group, first_row, kept, out);
    }
    match quote_outcome(product, req, c.qopts, first_row) {
        Ok(Outcome::Quoted(q, _)) => {
            csv_out::quoted(
                out,
                product,
                record,
                group,
                &q,
                c.qopts.plan.as_deref().or(req.plan.as_deref()),
            );
            Kind::Quoted
        }
        Ok(Outcome::Declined(failures)) => {
            csv_out::declined(out, record, group, &failures);
            Kind::Declined
        }
        Err((row, p)) => c.fail(out, record, group, row, std::slice::from_ref(&p)),
    }
}

/// A census record priced for the CSV output from its rating, without the quote document.
fn book_record(
    c: &Census<'_>,
    req: &Request,
    record: u64,
    group: Option<&str>,
    row: Option<usize>,
    kept: &mut Remembered,
    out: &mut Out,
) -> Kind {
    let p = c.product;
    let rated = crate::rating::eligibility_and_rate_with_memo(p, req, &mut kept.memo);
    let result = match rated {
        Ok(Ok(rated)) => {
            let dates = &mut kept.dates;
            let written =
                super::book::write_quoted(out, dates, p, req, &rated, c.qopts, record, group);
            // Its memory serves the next record's rating.
            kept.memo.recycle(rated);
            written
        }
        Ok(Err(failures)) => {
            csv_out::declined(out, record, group, &failures);
            return Kind::Declined;
        }
        Err(e) => Err(crate::quote::QuoteError::Rating(e)),
    };
    match result {
        Ok(()) => Kind::Quoted,
        Err(e) => {
            let (row, p) = failure_of(e, req, row);
            c.fail(out, record, group, row, std::slice::from_ref(&p))
        }
    }
}

pub fn row_problem(p: &RowProblem) -> Problem {
    Problem {
        field: p.field().map(str::to_string),
        message: p.message(),
    }
}
