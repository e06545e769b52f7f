//! Export-credit declarations: the shipments declared under a quoted policy, each rated by the
//! product's own rating plan (country class × payment method × credit period), then billed by
//! the schedule module (monthly invoices, deposit, year-end minimum-premium true-up).
//!
//! Invariant: the premium of a declaration is exactly what `coverwright quote` gives for the
//! same shipment as a declared item; the billing adds up to max(minimum, declared) per year.

use std::path::Path;

use rust_decimal::Decimal;

use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::product::{InputGroup, Product};
use crate::rating;
use crate::request::{self, Member, Party};
use crate::schedule::{
    self, DeclarationBilling, DeclarationPlan, DeclarationPlanSpec, DepositRule, PaymentMethod,
    RawDeclaration, Rounding,
};
use crate::yaml::Node;

/// The product's words for a payment method (the member input `method`).
fn method_word(m: PaymentMethod) -> &'static str {
    match m {
        PaymentMethod::LetterOfCredit => "lc",
        PaymentMethod::DocumentsAgainstPayment => "dp",
        PaymentMethod::DocumentsAgainstAcceptance => "da",
        PaymentMethod::OpenAccount => "oa",
    }
}

/// Rebuilds the checked request of a quote, with the declared shipments as its items.
fn request_for(
    p: &Product,
    q: &serde_json::Value,
    decls: &[RawDeclaration],
    file: &Path,
) -> Result<request::Request, Diagnostics> {
    let mut ph = serde_json::Map::new();
    let mut opts = serde_json::Map::new();
    ph.insert("name".into(), q["policyholder"]["name"].clone());
    if let Some(id) = q["policyholder"]["id"].as_str() {
        ph.insert("id".into(), id.into());
    }
    for f in &p.fields {
        if let Some(v) = q["policyholder"]["fields"].get(&f.name) {
            // The quote shows every value as text; true/false go back as booleans.
            let v = &match (&f.ty, v.as_str()) {
                (crate::product::FieldType::Bool, Some(b)) => serde_json::Value::Bool(b == "true"),
                _ => v.clone(),
            };
            match f.group {
                InputGroup::Policyholder => {
                    ph.insert(f.name.clone(), v.clone());
                }
                InputGroup::Options => {
                    opts.insert(f.name.clone(), v.clone());
                }
                InputGroup::Member => {}
            }
        }
    }
    let mut covs = serde_json::Map::new();
    for c in q["coverages"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
        if let Some(code) = c["code"].as_str() {
            covs.insert(code.to_string(), c["terms"].clone());
        }
    }
    let req = serde_json::json!({
        "start": q["cover"]["start"],
        "term": q["cover"]["term"],
        "policyholder": ph,
        "options": opts,
        "coverages": covs,
    });
    let text = serde_json::to_string(&req).unwrap_or_default();
    let mut node: Node = crate::yaml::parse(&text).map_err(|d| {
        let mut ds = Diagnostics::new();
        ds.push(d.in_file(file));
        ds
    })?;
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
                        Diagnostic::error("E0230", format!("the product's item field `{other}` has no column in a declarations file"))
                            .in_file(file),
                    );
                    continue;
                }
            };
            match crate::product::check::coerce(&f.ty, &text, &p.interner) {
                Ok(v) => inputs.push(v),
                Err(e) => diags.push(
                    Diagnostic::error("E0224", format!("row {}, column `{}`: {e}", d.row, f.name))
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
        });
    }
    if diags.has_errors() {
        return Err(diags);
    }
    if let crate::yaml::NodeKind::Map(entries) = &mut node.kind {
        entries.retain(|(k, _)| k.as_str() != Some("members"));
    }
    request::check(p, &node, file, Some(members))
}

/// Rates and bills declared shipments under a quote.
pub fn declare(
    p: &Product,
    q: &serde_json::Value,
    csv_path: &Path,
    csv_text: &str,
) -> Result<DeclarationBilling, Diagnostics> {
    let mut diags = Diagnostics::new();
    let Some(dspec) = &p.declarations else {
        diags.push(
            Diagnostic::error("E0231", format!("{} takes no declarations", p.id()))
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
                        "E0224",
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
        ds.push(Diagnostic::error("E0232", e.to_string()).in_file(csv_path));
        ds
    })?;
    if !failures.is_empty() {
        for f in failures {
            let row = f.row.unwrap_or(0);
            diags.push(
                Diagnostic::error("E0233", format!("row {row}: {} ({})", f.message_en, f.rule))
                    .in_file(csv_path)
                    .at(Span::new(row as u32, 1, 0, 0))
                    .with_help(f.message_zh),
            );
        }
        return Err(diags);
    }
    let rated = rating::rate(p, &req, false).map_err(|e| {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error("E0232", e.to_string()).in_file(csv_path));
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
        // The product's maximum liability caps claims paid in a policy year; it does not
        // limit what may be declared, so declarations are not flagged against it.
        maximum_liability: None,
        minor_unit: 2,
        rounding: if p.rounding.mode_name == "half_even" {
            Rounding::HalfEven
        } else {
            Rounding::HalfUp
        },
    };
    let plan = DeclarationPlan::new(spec).map_err(|e| {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error("E0231", e.to_string()).in_file(&p.file));
        ds
    })?;
    let start = req.start;
    schedule::bill_declarations(&plan, start, &declarations).map_err(|e| {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error("E0232", e.to_string()).in_file(csv_path));
        ds
    })
}

/// Reads a quote JSON file.
pub fn read_quote(path: &Path) -> Result<serde_json::Value, Diagnostic> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::error("E0240", format!("cannot read the quote: {e}")).in_file(path)
    })?;
    serde_json::from_str(&text).map_err(|e| {
        Diagnostic::error("E0241", format!("the quote is not valid JSON: {e}"))
            .in_file(path)
            .at(Span::new(e.line() as u32, e.column() as u32, 0, 0))
    })
}
