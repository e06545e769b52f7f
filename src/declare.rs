//! Export-credit declarations: the shipments declared under a quoted policy, each rated by the
//! product's own rating plan (country class × payment method × credit period), then billed by
//! the schedule module (monthly invoices, deposit, year-end minimum-premium true-up).
//!
//! Invariant: the premium of a declaration is exactly what `coverwright quote` gives for the
//! same shipment as a declared item; the billing adds up to max(minimum, declared) per year.

use std::path::Path;

use rust_decimal::Decimal;

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

/// Reads a declarations file (a regular file within [`crate::fsio::MAX_DOCUMENT_BYTES`],
/// UTF-8 or GBK by the census's encoding rules, never with replaced bytes), then rates and
/// bills it as [`declare`] does. A file that cannot be read is `Err(Err(..))`.
pub fn declare_file(
    p: &Product,
    q: &Quote,
    csv_path: &Path,
) -> Result<DeclarationBilling, Result<Diagnostics, crate::fsio::FsError>> {
    use crate::census::text::{TextError, read_text};
    let text = match read_text(csv_path, None, crate::fsio::MAX_DOCUMENT_BYTES) {
        Ok(t) => t,
        Err(TextError::File(e)) => return Err(Err(e)),
        Err(e @ TextError::Encoding { line, .. }) => {
            let mut ds = Diagnostics::new();
            ds.push(
                Diagnostic::error(E0220, e.to_string())
                    .in_file(csv_path)
                    .at(Span::new(line as u32, 1, 0, 0)),
            );
            return Err(Ok(ds));
        }
    };
    declare(p, q, csv_path, &text).map_err(Ok)
}

/// Rates and bills declared shipments under a quote.
pub fn declare(
    p: &Product,
    q: &Quote,
    csv_path: &Path,
    csv_text: &str,
) -> Result<DeclarationBilling, Diagnostics> {
    let mut diags = Diagnostics::new();
    let Some(dspec) = &p.declarations else {
        diags.push(
            Diagnostic::error(E0231, format!("{} takes no declarations", p.id()))
                .with_help("declarations are for export credit products"),
        );
        return Err(diags);
    };
    let raw = schedule::read_declarations_csv(&csv_path.display().to_string(), csv_text).map_err(
        |errs| {
            let mut ds = Diagnostics::new();
            for e in errs {
                ds.push(
                    Diagnostic::error(
                        E0224,
                        format!(
                            "row {}{}: {}",
                            e.row,
                            e.column
                                .as_ref()
                                .map(|c| format!(", column `{c}`"))
                                .unwrap_or_default(),
                            e.message
                        ),
                    )
                    .in_file(csv_path)
                    .at(Span::new(e.row as u32, 1, 0, 0)),
                );
            }
            ds
        },
    )?;
    let req = request_for(p, q, &raw, csv_path)?;
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
