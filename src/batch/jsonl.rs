//! JSON Lines input: each non-blank line a request, priced as one quote; a `census:` it
//! names is read confined to the folder of the JSON Lines file.

use super::*;

// ---------------------------------------------------------------------------------------------
// JSON Lines.

pub struct Line {
    /// Line number in the input (1-based).
    pub row: usize,
    /// The line, or why it cannot be read.
    pub text: Result<String, String>,
}

/// Reads the next non-blank line, at most `MAX_LINE_BYTES` long. Returns the line and the
/// bytes consumed, or `None` at the end.
pub fn next_line(
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

pub(super) fn run_jsonl(
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
    let one = |_: &Vec<Line>, line: &Line, record: u64, buf: &mut Out| -> Kind {
        jsonl_record(products, opts, &qopts, line, record, &mut buf.main)
    };
    let mut row = 0usize;
    let mut bytes = 0u64;
    let mut scratch = Vec::new();
    let input = &opts.input;
    let produce = move |_: Option<Vec<Line>>| -> Result<Option<Chunk<Vec<Line>>>, BatchError> {
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
    let outputs = Outputs {
        format: Format::JsonLines,
        main: out,
        quotes: None,
    };
    pipeline(ctx, outputs, produce, &one)
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

pub(super) fn jsonl_record(
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
    quote_line(product, &req, qopts, record, Some(line.row), &[], buf, None)
}

/// The members of the census `name`, named by a record of the JSON Lines file `input`: the
/// name resolves under the folder of `input` (no absolute path, `..` or symbolic link out),
/// and only a regular file within [`crate::fsio::MAX_NAMED_CENSUS_BYTES`] is read.
pub(super) fn named_census(
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
