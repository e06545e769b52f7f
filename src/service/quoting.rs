//! `POST /v1/quotes`: a body read, checked and quoted on one product set, with the same
//! checker, rating and JSON as `coverwright quote --format json`.
//!
//! Invariants: the quote body equals the CLI's JSON for the same request, byte for byte
//! ([`crate::outcome::outcome_json`]); a decline is a result (200); every refusal is a
//! [`Problem`] whose diagnostics point into the body.

use axum::http::StatusCode;

use super::body::{self, CENSUS_NAME, request_path};
use super::problem::Problem;
use super::products::ProductSet;
use crate::diagnostics::{Diagnostic, codes};
use crate::quote::{Outcome, QuoteOptions};
use crate::request::{self, PickError};

/// A quote answered: the JSON text, the product version and the outcome word.
pub struct Answer {
    /// The JSON body.
    pub json: String,
    /// `CODE@VERSION`.
    pub product: String,
    /// `quoted` or `declined`.
    pub outcome: &'static str,
}

/// Quotes a body on `set`, taking at most `max_members` members.
pub fn quote_body(set: &ProductSet, bytes: &[u8], max_members: usize) -> Result<Answer, Problem> {
    let root = body::parse_json(bytes)?;
    // `parse_json` checked the bytes are UTF-8.
    let src = std::str::from_utf8(bytes).unwrap_or_default();
    let parts = body::quote_parts(&root, src)?;
    let path = request_path();
    let mut diags = parts.diags;
    let unprocessable = |diags: &[Diagnostic]| {
        Problem::from_diagnostics(StatusCode::UNPROCESSABLE_ENTITY, diags, Some(&root))
    };
    let (Some(request), Some(spec)) = (parts.request, parts.product.as_deref()) else {
        return Err(unprocessable(&diags));
    };
    let header = match request::header(request, path) {
        Ok(h) => h,
        Err(d) => {
            diags.extend(d.into_vec());
            return Err(unprocessable(&diags));
        }
    };
    let product = match request::pick(set.products(), spec, &header, path) {
        Ok(p) => p,
        Err(PickError::Unknown(e)) => {
            return Err(Problem::not_served(e).at("/product"));
        }
        Err(PickError::NotInForce(d)) => {
            diags.push(d);
            return Err(unprocessable(&diags));
        }
    };
    if let Some(plan) = &parts.plan
        && !product.plans.iter().any(|p| &p.code == plan)
    {
        let plans: Vec<&str> = product.plans.iter().map(|p| p.code.as_str()).collect();
        let at = root.get("plan").map(|n| n.span).unwrap_or_default();
        diags.push(
            Diagnostic::error(
                codes::E0213,
                format!(
                    "{} offers no payment plan `{plan}`; plans: {}",
                    product.id(),
                    plans.join(", ")
                ),
            )
            .at(at),
        );
    }
    let too_many = |n: usize| {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::E0209,
            format!("{n} members, more than the {max_members} this service quotes at once"),
        )
        .with_help("send a smaller group, or price a large census with `coverwright batch`")
    };
    if let Some(crate::yaml::NodeKind::Seq(items)) = request.get("members").map(|m| &m.kind)
        && items.len() > max_members
    {
        return Err(too_many(items.len()).at("/request/members"));
    }
    let census = match parts.census {
        None => None,
        Some(csv) => {
            // A bound before reading: every member is a line.
            let lines = csv.lines().filter(|l| !l.trim().is_empty()).count();
            if lines > max_members.saturating_add(1) {
                return Err(too_many(lines - 1).at("/census"));
            }
            let path = std::path::Path::new(CENSUS_NAME);
            match crate::census::read_members_bytes(product, path, csv.as_bytes(), None) {
                Ok(m) => Some(m),
                Err(d) => {
                    diags.extend(d.into_vec());
                    // The rest of the request is checked all the same, without members.
                    Some(Vec::new())
                }
            }
        }
    };
    let req = match request::check(product, request, path, census) {
        Ok(r) if diags.is_empty() => r,
        Ok(_) => return Err(unprocessable(&diags)),
        Err(d) => {
            diags.extend(d.into_vec());
            return Err(unprocessable(&diags));
        }
    };
    if req.members.len() > max_members {
        return Err(too_many(req.members.len()));
    }
    let opts = QuoteOptions {
        plan: parts.plan.clone(),
        as_of: parts.as_of,
        worksheet: true,
    };
    let outcome = crate::quote::quote(product, &req, &opts).map_err(|e| {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::E0252,
            e.to_string(),
        )
    })?;
    Ok(Answer {
        json: crate::outcome::outcome_json(product, &outcome),
        product: product.id(),
        outcome: match outcome {
            Outcome::Quoted(..) => "quoted",
            Outcome::Declined(_) => "declined",
        },
    })
}
