//! The `validate` check of a pension product's cash values: for every test case the product
//! would quote, the benefits are computed and every policy year's cash value must be at least
//! zero and at most the reserve (or account value). A case whose benefits cannot be computed
//! is reported too. Each problem is an error at the test case's line.

use rust_decimal::Decimal;

use crate::diagnostics::{Diagnostic, Span};
use crate::product::{Product, TestCase};
use crate::rating;
use crate::request;

fn at(p: &Product, t: &TestCase, message: String, help: &str) -> Diagnostic {
    Diagnostic::error(crate::diagnostics::codes::E0174, message)
        .in_file(&p.file)
        .at(Span::new(t.line, 1, 0, 0))
        .with_help(help)
}

/// Diagnostics for the cash values of `p`'s test cases; none for a product without `pension:`.
pub fn check_cash_values(p: &Product) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if p.pension.is_none() {
        return out;
    }
    for t in &p.tests {
        if !t.decline.is_empty() || t.census.is_some() {
            continue;
        }
        let Ok(r) = request::check(p, &t.request, &p.file, None) else {
            continue; // reported by `coverwright test`
        };
        match rating::eligibility(p, &r) {
            Ok(f) if f.is_empty() => {}
            _ => continue,
        }
        let Ok(rated) = rating::rate(p, &r, false) else {
            continue;
        };
        let benefits = match super::benefits(p, &r, &rated) {
            Ok(Some(b)) => b,
            Ok(None) => continue,
            Err(e) => {
                out.push(at(
                    p,
                    t,
                    format!("test `{}`: {e}", t.name),
                    "the product's pension cannot be valued for this case",
                ));
                continue;
            }
        };
        let parse = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        for y in &benefits.years {
            let (cv, reserve) = (parse(&y.cash_value), parse(&y.reserve));
            let problem = if cv < Decimal::ZERO {
                Some("negative")
            } else if cv > reserve {
                Some("above the reserve")
            } else {
                None
            };
            if let Some(problem) = problem {
                out.push(at(
                    p,
                    t,
                    format!(
                        "test `{}`: the cash value {} of policy year {} is {problem} ({})",
                        t.name, y.cash_value, y.policy_year, y.reserve
                    ),
                    "a cash value is the reserve less a charge, never below zero: check the premium, the surrender charges and the pricing basis",
                ));
                break;
            }
        }
    }
    out
}
