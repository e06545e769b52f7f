//! `POST /v1/schedules`, `POST /v1/declarations` and `POST /v1/annuities`: a plan's
//! instalments, export-credit declarations billed under a quote, and an annuity valued on a
//! life table, each answered with the JSON the CLI's `schedule`, `declare` and `annuity`
//! print with `--format json` (the same library functions write both).
//!
//! Invariants: everything comes inline (the quote as JSON, the declarations and the life table
//! as CSV text); every refusal is a [`Problem`] whose diagnostics point into the body.

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
use crate::diagnostics::{Diagnostic, Span, codes};
use crate::yaml::Node;

/// The body of `POST /v1/schedules`: the CLI's `schedule` flags. Unknown members are refused.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleBody {
    /// Product code, optionally `CODE@VERSION`; without a version, the version in force on
    /// `start`.
    #[schema(example = "SP-ACC")]
    pub product: String,
    /// Payment plan code of the product (e.g. `annual`, `monthly`).
    #[schema(example = "monthly")]
    pub plan: String,
    /// Cover start date (YYYY-MM-DD).
    #[schema(example = "2025-03-01")]
    pub start: String,
    /// Annual premium, 0 or more, written exactly (a JSON string or number, read from its
    /// text: `1200.00`).
    #[schema(value_type = String, example = "1200.00")]
    pub premium: String,
    /// Years of premium (long-term products); the plan's premium years when absent.
    pub years: Option<u32>,
}

/// The body of `POST /v1/declarations`. Unknown members are refused.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
// The members read as JSON documents (`quote`, ...) are only checked for their shape here.
#[allow(dead_code)]
pub struct DeclarationsBody {
    /// The policy: the quote as `POST /v1/quotes` (or `coverwright quote --format json`)
    /// answered it, unchanged.
    #[schema(value_type = Object)]
    pub quote: IgnoredAny,
    /// The declarations as CSV text, header row first:
    /// `date,buyer,country_class,payment_method,credit_days,value` (columns in any order).
    pub declarations: String,
}

/// The body of `POST /v1/annuities`: the CLI's `annuity` flags, with the life table inline.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnuityBody {
    /// The life table as CSV text (`age,qx`, or several rate columns with `column`).
    pub table: String,
    /// The name the report gives the table (the CLI names the file it read); `table` when
    /// absent.
    #[schema(example = "products/tables/cl_2010_2013_qx.csv")]
    pub table_name: Option<String>,
    /// The qx column of a table with several (e.g. `CL5`).
    pub column: Option<String>,
    /// Age at valuation, in whole years within the table.
    pub age: u32,
    /// Interest rate as a decimal (a JSON string or number, read from its text: `0.025`).
    #[schema(value_type = String, example = "0.025")]
    pub interest: String,
    /// Years before the first payment (0 when absent).
    pub defer: Option<u32>,
    /// Years of payment, 1 or more; for life when absent.
    pub term: Option<u32>,
    /// Years certain at the start of payments (0 when absent).
    pub guaranteed: Option<u32>,
    /// Payments a year: 1, 2, 4 or 12 (1 when absent).
    pub frequency: Option<u32>,
    /// Approximation for payments more than once a year: `woolhouse2` (default) or `udd`.
    pub method: Option<String>,
}

/// The span of the body's member `key` (the body itself when it has none).
fn span_of(root: &Node, key: &str) -> Span {
    root.get(key).map_or(root.span, |n| n.span)
}

fn unprocessable(diags: &[Diagnostic], root: &Node) -> Problem {
    Problem::from_diagnostics(StatusCode::UNPROCESSABLE_ENTITY, diags, Some(root))
}

fn not_served(message: String, pointer: &str) -> Problem {
    Problem::not_served(message).at(pointer)
}

/// Lays out the instalments of a product's payment plan for a premium, as
/// `coverwright schedule --format json` prints them.
#[utoipa::path(post, path = "/v1/schedules", tag = "billing", request_body = ScheduleBody,
    responses((status = 200, description = "The schedule: `{total, instalments: [{number, due_date, amount, fee, grace_end}], fees_total}`", body = Object),
              (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
              (status = 404, description = "Unknown product or version", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "A bad date, premium or plan: every diagnostic, located", body = Problem, content_type = "application/problem+json")))]
pub async fn schedules(
    State(state): State<Arc<AppState>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    answer(state, body, false, schedule_body).await
}

fn schedule_body(state: &AppState, bytes: &[u8]) -> Result<Done, Problem> {
    use crate::product::plan_schedule::{PlanScheduleError, plan_schedule};
    let root = body::parse_json(bytes)?;
    let (b, mut diags) = body::typed::<ScheduleBody>(&root);
    let Some(b) = b else {
        return Err(unprocessable(&diags, &root));
    };
    let start = crate::product::parse_date(&b.start)
        .map_err(|e| {
            let d = Diagnostic::error(codes::E0206, format!("`start`: {e}"));
            diags.push(d.at(span_of(&root, "start")));
        })
        .ok();
    let premium = match crate::product::parse_decimal(&b.premium) {
        Ok(d) if d >= rust_decimal::Decimal::ZERO => Some(d),
        Ok(_) => {
            let d = Diagnostic::error(codes::E0214, "`premium` cannot be negative");
            diags.push(d.at(span_of(&root, "premium")));
            None
        }
        Err(e) => {
            let d = Diagnostic::error(codes::E0214, format!("`premium`: {e}"));
            diags.push(d.at(span_of(&root, "premium")));
            None
        }
    };
    let (Some(start), Some(premium), true) = (start, premium, diags.is_empty()) else {
        return Err(unprocessable(&diags, &root));
    };
    let set = state.products.current();
    let p = crate::product::load::find(set.products(), &b.product, start)
        .map_err(|e| not_served(e, "/product"))?;
    match plan_schedule(p, &b.plan, start, premium, b.years) {
        Ok(s) => Ok(Done::json(crate::schedule::json::schedule_json(&s))),
        Err(
            e @ (PlanScheduleError::UnknownPlan { .. } | PlanScheduleError::NoInstalments { .. }),
        ) => {
            let d = Diagnostic::error(codes::E0213, e.to_string()).at(span_of(&root, "plan"));
            Err(unprocessable(&[d], &root))
        }
        Err(PlanScheduleError::Schedule(e)) => Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::E0252,
            e.to_string(),
        )),
    }
}

/// Rates and bills export-credit declarations under a quoted policy, as
/// `coverwright declare --format json` prints the billing.
#[utoipa::path(post, path = "/v1/declarations", tag = "billing", request_body = DeclarationsBody,
    responses((status = 200, description = "The billing: declarations, monthly invoices, deposit, year-end adjustments, totals", body = Object),
              (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
              (status = 404, description = "The quote's product version is not served", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "A quote that is not one, or bad declarations: every diagnostic, at its row and column", body = Problem, content_type = "application/problem+json")))]
pub async fn declarations(
    State(state): State<Arc<AppState>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    answer(state, body, false, declarations_body).await
}

fn declarations_body(state: &AppState, bytes: &[u8]) -> Result<Done, Problem> {
    let root = body::parse_json(bytes)?;
    let (b, diags) = body::typed::<DeclarationsBody>(&root);
    let (Some(b), true) = (b, diags.is_empty()) else {
        return Err(unprocessable(&diags, &root));
    };
    let Some(q) = body::quote_member(bytes)? else {
        return Err(unprocessable(&diags, &root));
    };
    let set = state.products.current();
    let p = quoted_product(set.products(), &q, true)?;
    if p.declarations.is_none() {
        let d = Diagnostic::error(codes::E0231, format!("{} takes no declarations", p.id()))
            .at(span_of(&root, "quote"))
            .with_help("declarations are for export credit products");
        return Err(unprocessable(&[d], &root));
    }
    let path = Path::new(body::INLINE_TEXTS[1]);
    let billed = crate::declare::read_declarations(path, b.declarations.as_bytes())
        .and_then(|raw| crate::declare::declare(p, &q, path, &raw));
    match billed {
        Ok(billing) => Ok(Done::json(crate::schedule::json::billing_json(&billing))),
        Err(d) => Err(unprocessable(&d.into_vec(), &root)),
    }
}

/// The product version a quote names, from the set: by the version in force on its cover
/// start (`pick`, as `declare` does) or, when `pick` is false, by its code and version exactly
/// (as `claim` does).
pub fn quoted_product<'a>(
    products: &'a [crate::product::Product],
    q: &crate::quote::Quote,
    pick: bool,
) -> Result<&'a crate::product::Product, Problem> {
    let spec = format!("{}@{}", q.product.code, q.product.version);
    let found = if pick {
        let start = crate::product::parse_date(&q.cover.start).map_err(|e| {
            Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                codes::E0241,
                format!("the quote's cover start: {e}"),
            )
            .at("/quote/cover/start")
        })?;
        let header = crate::request::Header {
            product: Some(spec.clone()),
            start,
            start_span: Span::default(),
        };
        crate::request::pick(products, &spec, &header, Path::new(REQUEST_NAME))
            .map_err(|e| format!("the quote's product: {e}"))
    } else {
        products
            .iter()
            .find(|p| p.code == q.product.code && p.version == q.product.version)
            .ok_or_else(|| format!("{spec} is not served"))
    };
    let p = found.map_err(|m| not_served(m, "/quote/product"))?;
    if q.product.content_hash != p.content_hash {
        tracing::warn!(
            product = spec.as_str(),
            "the product has changed since the quote was made (content hash differs)"
        );
    }
    Ok(p)
}

/// Values an annuity-due on a life table sent inline, as `coverwright annuity --format json`
/// prints the report.
#[utoipa::path(post, path = "/v1/annuities", tag = "billing", request_body = AnnuityBody,
    responses((status = 200, description = "The annuity report: the inputs echoed, the value, and the values it is checked against", body = Object),
              (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "A bad life table (every problem at its row) or value", body = Problem, content_type = "application/problem+json")))]
pub async fn annuities(
    State(state): State<Arc<AppState>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    answer(state, body, false, annuity_body).await
}

fn annuity_body(_state: &AppState, bytes: &[u8]) -> Result<Done, Problem> {
    use crate::actuarial::{AnnuityQuery, LifeTable, annuity_report_on};
    let root = body::parse_json(bytes)?;
    let (b, mut diags) = body::typed::<AnnuityBody>(&root);
    let Some(b) = b else {
        return Err(unprocessable(&diags, &root));
    };
    let mut bad = |key: &str, message: String| {
        diags.push(Diagnostic::error(codes::E0214, message).at(span_of(&root, key)));
    };
    let interest = crate::product::parse_decimal(&b.interest)
        .map_err(|e| bad("interest", format!("`interest`: {e}")))
        .ok();
    let method = match b.method.as_deref() {
        None => Some(crate::actuarial::Method::Woolhouse2),
        Some(m) => m
            .parse()
            .map_err(|_| {
                bad(
                    "method",
                    format!("`method`: `{m}` is not woolhouse2 or udd"),
                )
            })
            .ok(),
    };
    let frequency = b.frequency.unwrap_or(1);
    if ![1, 2, 4, 12].contains(&frequency) {
        bad(
            "frequency",
            format!("`frequency`: {frequency} payments a year; use 1, 2, 4 or 12"),
        );
    }
    if b.term == Some(0) {
        bad(
            "term",
            "`term` is 1 or more; leave it out for a life annuity".into(),
        );
    }
    let (Some(interest), Some(method), true) = (interest, method, diags.is_empty()) else {
        return Err(unprocessable(&diags, &root));
    };
    let table = LifeTable::from_csv(Path::new("table"), &b.table, b.column.as_deref()).map_err(
        |errors| {
            let diags: Vec<Diagnostic> = errors
                .into_iter()
                .map(|e| {
                    let at = match e.column.as_str() {
                        "" => format!("row {}", e.line),
                        c => format!("row {}, column `{c}`", e.line),
                    };
                    Diagnostic::error(codes::E0134, e.message)
                        .in_file(body::INLINE_TEXTS[2])
                        .at(Span::new(e.line as u32, 1, 0, 0))
                        .with_label(at)
                        .with_help("fix the life table at the row shown")
                })
                .collect();
            unprocessable(&diags, &root)
        },
    )?;
    let q = AnnuityQuery {
        table: b.table_name.unwrap_or_else(|| "table".into()).into(),
        column: b.column,
        age: b.age,
        interest,
        defer: b.defer.unwrap_or(0),
        term: b.term,
        guaranteed: b.guaranteed.unwrap_or(0),
        frequency,
        method,
    };
    match annuity_report_on(&q, &table) {
        Ok(r) => Ok(Done::json(crate::actuarial::annuity_json(&r))),
        Err(e) => Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::E0214,
            e.to_string(),
        )
        .with_help("change the age, term, deferral or guaranteed years to fit the life table")),
    }
}
