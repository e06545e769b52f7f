//! Export-credit declarations: the shipments declared under a quoted policy, each rated by the
//! product's own rating plan (country class × payment method × credit period), then billed by
//! the schedule module (monthly invoices, deposit, year-end minimum-premium true-up).
//!
//! Invariant: the premium of a declaration is exactly what `coverwright quote` gives for the
//! same shipment as a declared item; the billing adds up to max(minimum, declared) per year.

use std::io::{Read, Seek};
use std::path::Path;

use rust_decimal::Decimal;

use crate::census::{CensusError, CensusReader, Opened, Pos, census_error_diagnostics};
use crate::diagnostics::codes::*;
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::product::{InputGroup, Product};
use crate::quote::Quote;
use crate::rating;
use crate::request::{self, Member, Party};
use crate::schedule::{
    self, DeclarationBilling, DeclarationPlan, DeclarationPlanSpec, DepositRule, PaymentMethod,
    RawDeclaration,
};
use crate::yaml::{Node, NodeKind};

/// The product's words for a payment method (the member input `method`).
fn method_word(m: PaymentMethod) -> &'static str {
    match m {
        PaymentMethod::LetterOfCredit => "lc",
        PaymentMethod::DocumentsAgainstPayment => "dp",
        PaymentMethod::DocumentsAgainstAcceptance => "da",
        PaymentMethod::OpenAccount => "oa",
    }
}

/// The request part of a quote (start, term, policyholder, options, coverages and their terms)
/// as a request tree, built from the typed quote; checked again by [`request::check`] so a
/// declaration is rated exactly as the quote was.
fn request_node(p: &Product, q: &Quote) -> Node {
    let node = |kind| Node {
        span: Span::default(),
        kind,
    };
    let text = |s: &str| node(NodeKind::Scalar(s.to_string()));
    let mut ph = vec![(text("name"), text(&q.policyholder.name))];
    if let Some(id) = &q.policyholder.id {
        ph.push((text("id"), text(id)));
    }
    let mut opts = Vec::new();
    for f in &p.fields {
        let Some(v) = q.policyholder.fields.get(&f.name) else {
            continue;
        };
        // The quote shows every value as text; true/false go back as booleans.
        let value = match f.ty {
            crate::product::FieldType::Bool => node(NodeKind::Bool(v == "true")),
            _ => text(v),
        };
        match f.group {
            InputGroup::Policyholder => ph.push((text(&f.name), value)),
            InputGroup::Options => opts.push((text(&f.name), value)),
            InputGroup::Member => {}
        }
    }
    let coverages = q
        .coverages
        .iter()
        .map(|c| {
            let terms = c.terms.iter().map(|(k, v)| (text(k), text(v))).collect();
            (text(&c.code), node(NodeKind::Map(terms)))
        })
        .collect();
    node(NodeKind::Map(vec![
        (text("start"), text(&q.cover.start)),
        (text("term"), text(&q.cover.term.to_string())),
        (text("policyholder"), node(NodeKind::Map(ph))),
        (text("options"), node(NodeKind::Map(opts))),
        (text("coverages"), node(NodeKind::Map(coverages))),
    ]))
}

/// Rebuilds the checked request of a quote, with the declared shipments as its items.
fn request_for(
    p: &Product,
    q: &Quote,
    decls: &[RawDeclaration],
    file: &Path,
) -> Result<request::Request, Diagnostics> {
    let node = request_node(p, q);
    // The shipments are the items rated.
    let fields: Vec<_> = p
        .fields
        .iter()
        .filter(|f| f.group == InputGroup::Member)
        .collect();
    let mut members = Vec::new();
    let mut diags = Diagnostics::new();
    for d in decls {
        let mut inputs = Vec::new();
        for f in &fields {
            let text = match f.name.as_str() {
                "country_class" => d.country_class.clone(),
                "method" => method_word(d.payment_method).to_string(),
                "credit_days" => d.credit_days.to_string(),
                "value" => d.value.to_string(),
                other => {
                    diags.push(
                        Diagnostic::error(E0230, format!("the product's item field `{other}` has no column in a declarations file"))
                            .in_file(file),
                    );
                    continue;
                }
            };
            match crate::product::check::coerce(&f.ty, &text, &p.interner) {
                Ok(v) => inputs.push(v),
                Err(e) => diags.push(
                    Diagnostic::error(E0224, format!("row {}, column `{}`: {e}", d.row, f.name))
                        .in_file(file)
                        .at(Span::new(d.row as u32, 1, 0, 0)),
                ),
            }
        }
        members.push(Member {
            party: Party {
                name: d.buyer.clone(),
                id: None,
            },
            inputs,
            row: Some(d.row as usize),
            beneficiaries: Vec::new(),
        });
    }
    if diags.has_errors() {
        return Err(diags);
    }
    request::check(p, &node, file, Some(members))
}

/// Reads a declarations file through the census reader (a regular file within
/// [`crate::fsio::MAX_DOCUMENT_BYTES`]; UTF-8 or GBK by the census's encoding rules, never with
/// replaced bytes; CRLF and LF alike; an unclosed quote, a doubled column or an oversized field
/// an error at its row and column), then rates and bills it as [`declare`] does. A file that
/// cannot be read is `Err(Err(..))`.
pub fn declare_file(
    p: &Product,
    q: &Quote,
    csv_path: &Path,
) -> Result<DeclarationBilling, Result<Diagnostics, crate::fsio::FsError>> {
    if let Err(d) = takes_declarations(p) {
        return Err(Ok(d));
    }
    let raw = read_declarations_file(csv_path)?;
    declare(p, q, csv_path, &raw).map_err(Ok)
}

/// Reads a declarations file as [`declare_file`] does, without rating it. A file that cannot
/// be read is `Err(Err(..))`.
pub fn read_declarations_file(
    path: &Path,
) -> Result<Vec<RawDeclaration>, Result<Diagnostics, crate::fsio::FsError>> {
    let reader = match CensusReader::open(path, None, crate::fsio::MAX_DOCUMENT_BYTES) {
        Ok(r) => r,
        Err(CensusError::File(e)) => return Err(Err(e)),
        Err(e) => return Err(Ok(diagnostics_of(census_error_diagnostics(path, e)))),
    };
    declarations_of(path, reader).map_err(Ok)
}

/// Reads declarations from the bytes of a CSV file (`path` names it in diagnostics), with the
/// header `date,buyer,country_class,payment_method,credit_days,value` (columns in any order).
/// Every bad row and field is reported at its row and column.
pub fn read_declarations(path: &Path, bytes: &[u8]) -> Result<Vec<RawDeclaration>, Diagnostics> {
    match CensusReader::new(std::io::Cursor::new(bytes), None) {
        Ok(r) => declarations_of(path, r),
        Err(Opened::Census(e)) => Err(diagnostics_of(census_error_diagnostics(path, e))),
        Err(Opened::Io(e)) => Err(diagnostics_of(vec![
            Diagnostic::error(E0220, format!("cannot read the declarations: {e}")).in_file(path),
        ])),
    }
}

fn diagnostics_of(list: Vec<Diagnostic>) -> Diagnostics {
    let mut d = Diagnostics::new();
    d.extend(list);
    d
}

fn takes_declarations(p: &Product) -> Result<&crate::product::Declarations, Diagnostics> {
    p.declarations.as_ref().ok_or_else(|| {
        diagnostics_of(vec![
            Diagnostic::error(E0231, format!("{} takes no declarations", p.id()))
                .with_help("declarations are for export credit products"),
        ])
    })
}

/// The declarations of an opened CSV file; every bad header cell, row and field reported.
fn declarations_of<R: Read + Seek>(
    path: &Path,
    mut reader: CensusReader<R>,
) -> Result<Vec<RawDeclaration>, Diagnostics> {
    let mut d = Diagnostics::new();
    let starts = reader.header_starts().to_vec();
    let header = reader.header().to_vec();
    let at = |pos: Option<&Pos>, len: usize| match pos {
        Some(p) => Span::new(
            p.line as u32,
            p.column as u32,
            p.offset as usize,
            len.max(1),
        ),
        None => Span::new(1, 1, 0, 0),
    };
    let index = match schedule::declaration_columns(&header) {
        Ok(i) => i,
        Err(problems) => {
            for p in problems {
                let cell = p.cell.and_then(|c| starts.get(c));
                d.push(
                    Diagnostic::error(
                        E0222,
                        format!("row 1, column `{}`: {}", p.column, p.message),
                    )
                    .in_file(path)
                    .at(at(cell, p.column.len()))
                    .with_help(format!(
                        "the header names the columns {}",
                        schedule::DECLARATION_COLUMNS.join(",")
                    )),
                );
            }
            return Err(d);
        }
    };
    let mut out = Vec::new();
    loop {
        let row = match reader.next_row() {
            Ok(None) => break,
            Ok(Some(Ok(r))) => r,
            Ok(Some(Err(e))) => {
                let span = match e.pos {
                    Some(p) => at(Some(&p), 1),
                    None => Span::new(e.row as u32, 1, 0, 0),
                };
                d.push(
                    Diagnostic::error(E0223, e.to_string())
                        .in_file(path)
                        .at(span),
                );
                continue;
            }
            Err(e) => {
                d.push(
                    Diagnostic::error(E0220, format!("cannot read the declarations: {e}"))
                        .in_file(path),
                );
                break;
            }
        };
        if row.cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if row.cells.len() != header.len() {
            d.push(
                Diagnostic::error(
                    E0223,
                    format!(
                        "row {}: has {} fields, the header has {}",
                        row.row,
                        row.cells.len(),
                        header.len()
                    ),
                )
                .in_file(path)
                .at(at(row.starts.first(), 1)),
            );
            continue;
        }
        let field = |c: usize| row.cells.get(index[c]).unwrap_or("");
        match RawDeclaration::from_cells(row.row as u64, field) {
            Ok(r) => out.push(r),
            Err(problems) => {
                for (c, message) in problems {
                    let cell = index[c];
                    d.push(
                        Diagnostic::error(
                            E0224,
                            format!(
                                "row {}, column `{}`: {message}",
                                row.row,
                                schedule::DECLARATION_COLUMNS[c]
                            ),
                        )
                        .in_file(path)
                        .at(at(row.starts.get(cell), field(c).len())),
                    );
                }
            }
        }
    }
    if d.has_errors() { Err(d) } else { Ok(out) }
}

/// Rates and bills declared shipments (already read, see [`read_declarations`]) under a quote.
pub fn declare(
    p: &Product,
    q: &Quote,
    csv_path: &Path,
    raw: &[RawDeclaration],
) -> Result<DeclarationBilling, Diagnostics> {
    let mut diags = Diagnostics::new();
    let dspec = takes_declarations(p)?;
    let req = request_for(p, q, raw, csv_path)?;
    let failures = rating::eligibility(p, &req).map_err(|e| {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error(E0232, e.to_string()).in_file(csv_path));
        ds
    })?;
    if !failures.is_empty() {
        for f in failures {
            let row = f.row.unwrap_or(0);
            diags.push(
                Diagnostic::error(E0233, format!("row {row}: {} ({})", f.message_en, f.rule))
                    .in_file(csv_path)
                    .at(Span::new(row as u32, 1, 0, 0))
                    .with_help(f.message_zh),
            );
        }
        return Err(diags);
    }
    let rated = rating::rate(p, &req, false).map_err(|e| {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error(E0232, e.to_string()).in_file(csv_path));
        ds
    })?;
    let declarations: Vec<schedule::Declaration> = raw
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let premium: Decimal = p
                .coverages
                .iter()
                .enumerate()
                .filter(|(c, _)| req.selected[*c])
                .map(|(c, _)| rated.member_premiums[i][c])
                .sum();
            let rate = if d.value.is_zero() {
                Decimal::ZERO
            } else {
                (premium / d.value).normalize()
            };
            d.rated(rate, premium)
        })
        .collect();
    let spec = DeclarationPlanSpec {
        deposit: dspec.deposit_share.map(DepositRule::PercentOfMinimum),
        declaration_due_day: dspec.declare_by_day,
        invoice_due_day: dspec.premium_due_day,
        minimum_premium: p.minimum_premium.unwrap_or_default(),
        // Declarations are still billed above the maximum liability (the cap is on claims
        // paid), but every line whose policy-year cumulative value exceeds it is flagged and
        // counted, so the exporter and the underwriter see the shortfall in cover.
        maximum_liability: Some(dspec.maximum_liability),
        minor_unit: 2,
        rounding: p.rounding.mode(),
    };
    let plan = DeclarationPlan::new(spec).map_err(|e| {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error(E0231, e.to_string()).in_file(&p.file));
        ds
    })?;
    let start = req.start;
    schedule::bill_declarations(&plan, start, &declarations).map_err(|e| {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error(E0232, e.to_string()).in_file(csv_path));
        ds
    })
}
