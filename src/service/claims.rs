//! `POST /v1/claims`: one claim settled on a quoted policy, after the policy's earlier claims,
//! answered with the JSON `coverwright claim --format json` prints
//! ([`crate::claims::text::settlement_json`]).
//!
//! Invariants: the quote, the claim and the earlier claims come inline; the claim and each
//! earlier claim are read from the body's span-keeping tree by the CLI's claim reader, so its
//! located diagnostics become JSON Pointers into the body (`/claim/...`, `/history/N/...`).

use std::path::Path;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde::de::IgnoredAny;
use utoipa::ToSchema;

use super::AppState;
use super::body::{self, REQUEST_NAME};
use super::problem::Problem;
use super::routes::{Done, answer};
use crate::yaml::{Node, NodeKind};

/// The body of `POST /v1/claims`. Unknown members are refused.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
// The members read as JSON documents (`quote`, ...) are only checked for their shape here.
#[allow(dead_code)]
pub struct ClaimBody {
    /// The policy: the quote as `POST /v1/quotes` (or `coverwright quote --format json`)
    /// answered it, unchanged.
    #[schema(value_type = Object)]
    pub quote: IgnoredAny,
    /// The claim, as in a claim file (`docs/claims.md`), in JSON.
    #[schema(value_type = Object)]
    pub claim: IgnoredAny,
    /// Earlier claims on the policy, in order (each as a claim file): aggregates and
    /// deductibles carry over, as with the CLI's `--history`.
    #[schema(value_type = Option<Vec<Object>>)]
    pub history: Option<IgnoredAny>,
    /// Record every operand of every benefit step in the settlement's worksheet.
    pub explain: Option<bool>,
}

/// Settles a claim on a quoted policy: payable per coverage and step, limits, decision,
/// path, documents and service dates.
#[utoipa::path(post, path = "/v1/claims", tag = "claims", request_body = ClaimBody,
    responses((status = 200, description = "The settlement, as `coverwright claim --format json` prints it", body = Object),
              (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
              (status = 404, description = "The quote's product version is not served", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "A quote that is not one, or a claim that does not hold: every diagnostic, located", body = Problem, content_type = "application/problem+json")))]
pub async fn claims(
    State(state): State<Arc<AppState>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    answer(state, body, false, claim_body).await
}

fn claim_body(state: &AppState, bytes: &[u8]) -> Result<Done, Problem> {
    let root = body::parse_json(bytes)?;
    let unprocessable = |d: &[crate::diagnostics::Diagnostic]| {
        Problem::from_diagnostics(StatusCode::UNPROCESSABLE_ENTITY, d, Some(&root))
    };
    let (b, diags) = body::typed::<ClaimBody>(&root);
    let (Some(b), true) = (b, diags.is_empty()) else {
        return Err(unprocessable(&diags));
    };
    let Some(q) = body::quote_member(bytes)? else {
        return Err(unprocessable(&diags));
    };
    let set = state.products.current();
    let p = super::billing::quoted_product(set.products(), &q, false)?;
    let path = Path::new(REQUEST_NAME);
    let mut ledger = crate::claims::Ledger::default();
    let earlier: &[Node] = match root.get("history").map(|h| &h.kind) {
        Some(NodeKind::Seq(items)) => items,
        Some(NodeKind::Null) | None => &[],
        Some(_) => {
            let d = crate::diagnostics::Diagnostic::error(
                crate::diagnostics::codes::E0203,
                "`history` is a list of claims",
            )
            .at(root.get("history").map(|h| h.span).unwrap_or_default());
            return Err(unprocessable(&[d]));
        }
    };
    for item in earlier {
        crate::claims::read_claim(item, path)
            .and_then(|c| crate::claims::settle(p, &q, &c, &mut ledger, false))
            .map_err(|d| unprocessable(&d.into_vec()))?;
    }
    let claim = root.get("claim").unwrap_or(&root);
    let explain = b.explain.unwrap_or(false);
    crate::claims::read_claim(claim, path)
        .and_then(|c| crate::claims::settle(p, &q, &c, &mut ledger, explain))
        .map(|s| Done::json(crate::claims::text::settlement_json(&s)))
        .map_err(|d| unprocessable(&d.into_vec()))
}
