//! The JSON of a quote's outcome: what `coverwright quote --format json` prints and what the
//! quoting service (`POST /v1/quotes`) answers, from this one function, so the two give the
//! same bytes for the same request.
//!
//! A quote is the quote document ([`crate::quote::to_json`]); a decline is
//! `{"declined": true, "product": "CODE@VERSION", "failures": [...]}` with every failed rule.
//! Both are pretty JSON ending in a newline.

use crate::product::Product;
use crate::quote::{Outcome, to_json};
use crate::rating::Failure;

/// The outcome as JSON text.
pub fn outcome_json(product: &Product, outcome: &Outcome) -> String {
    match outcome {
        Outcome::Quoted(q, _) => to_json(q),
        Outcome::Declined(failures) => declined_json(product, failures),
    }
}

/// A decline as JSON text: the product version and every failed rule.
pub fn declined_json(product: &Product, failures: &[Failure]) -> String {
    let v = serde_json::json!({"declined": true, "product": product.id(), "failures": failures});
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}
