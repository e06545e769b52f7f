//! The endpoints. Each handler takes the product set once and answers from it; the set's hash
//! goes out in `X-Product-Set` (added by the guard for every response).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use super::problem::Problem;
use crate::diagnostics::codes;

const JSON: &str = "application/json";

/// A JSON text answer with status 200.
pub fn json_text(text: impl Into<String>) -> Response {
    let mut r = text.into().into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    r
}

/// The outcome of a quote, kept on the response for the metrics and logs.
#[derive(Clone, Debug)]
pub struct QuoteOutcome {
    /// `CODE@VERSION`.
    pub product: String,
    /// `quoted` or `declined`.
    pub outcome: &'static str,
}

/// The answer of `/healthz`, `/readyz` and `/admin/reload`.
#[derive(Serialize, ToSchema)]
pub struct Status {
    /// `ok`, `ready`, `draining` or `reloaded`.
    pub status: String,
    /// The product set's hash.
    pub product_set: String,
    /// Product versions in the set.
    pub products: usize,
}

fn status(state: &AppState, word: &str) -> String {
    let set = state.products.current();
    let s = Status {
        status: word.to_string(),
        product_set: set.hash().to_string(),
        products: set.products().len(),
    };
    super::products::pretty(&serde_json::to_value(&s).unwrap_or_default())
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process is alive", body = Status)))]
pub async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    json_text(status(&state, "ok"))
}

/// Readiness: a product set is loaded and the service is not draining.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, description = "Ready to quote", body = Status),
              (status = 503, description = "Draining for shutdown", body = Status)))]
pub async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    if state.draining.load(std::sync::atomic::Ordering::Relaxed) {
        let mut r = json_text(status(&state, "draining"));
        *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        return r;
    }
    json_text(status(&state, "ready"))
}

/// Prometheus text: requests, latency, quotes by product and outcome, errors by code.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text exposition format 0.0.4", body = String, content_type = "text/plain")))]
pub async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    let set = state.products.current();
    let mut r = state.metrics.render(set.hash()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    r
}

/// This description.
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 description", body = Object)))]
pub async fn openapi() -> Response {
    json_text(super::openapi::openapi_json())
}

/// Every product version served: code, version, names, line, effective dates, content hash.
#[utoipa::path(get, path = "/v1/products", tag = "products",
    responses((status = 200, description = "`{product_set, products: [...]}`", body = Object)))]
pub async fn products(State(state): State<Arc<AppState>>) -> Response {
    json_text(state.products.current().list_json())
}

fn unknown_product(code: &str, version: &str) -> Problem {
    Problem::not_served(format!("no product {code}@{version} is served"))
}

/// One product version: inputs with types, ranges and labels; coverages and their terms;
/// plans; documents.
#[utoipa::path(get, path = "/v1/products/{code}/{version}", tag = "products",
    params(("code" = String, Path, description = "Product code"), ("version" = String, Path, description = "Version")),
    responses((status = 200, description = "The product version", body = Object),
              (status = 404, description = "Unknown product or version", body = Problem, content_type = "application/problem+json")))]
pub async fn product(
    State(state): State<Arc<AppState>>,
    Path((code, version)): Path<(String, String)>,
) -> Response {
    let set = state.products.current();
    match set.detail_json(&code, &version) {
        Some(j) => json_text(j),
        None => unknown_product(&code, &version).into_response(),
    }
}

/// The JSON Schema of a quote body for one product version.
#[utoipa::path(get, path = "/v1/products/{code}/{version}/request-schema", tag = "products",
    params(("code" = String, Path, description = "Product code"), ("version" = String, Path, description = "Version")),
    responses((status = 200, description = "JSON Schema 2020-12", body = Object),
              (status = 404, description = "Unknown product or version", body = Problem, content_type = "application/problem+json")))]
pub async fn request_schema(
    State(state): State<Arc<AppState>>,
    Path((code, version)): Path<(String, String)>,
) -> Response {
    let set = state.products.current();
    match set.get(&code, &version) {
        Some(p) => json_text(super::products::pretty(&super::catalogue::request_schema(
            p,
        ))),
        None => unknown_product(&code, &version).into_response(),
    }
}

/// The body, or the problem of a body that could not be read (too large, cut off).
pub fn body_or_problem(
    body: Result<Bytes, BytesRejection>,
    limit: usize,
) -> Result<Bytes, Problem> {
    body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                codes::E0261,
                format!("the body is over the {limit} bytes this service takes"),
            )
            .with_help("send a smaller request; the limit is `--max-body-bytes`")
        } else {
            Problem::new(
                StatusCode::BAD_REQUEST,
                codes::E0260,
                format!("the body cannot be read: {e}"),
            )
        }
    })
}

/// Bodies over this size are quoted on the blocking pool, not on an I/O worker.
const BLOCKING_BODY: usize = 64 * 1024;

/// A result of an endpoint other than quotes: the bytes and their media type.
pub struct Done {
    /// The body, byte for byte what the CLI prints (or writes) for the same input.
    pub body: Vec<u8>,
    /// Its media type.
    pub content_type: &'static str,
}

impl Done {
    /// A JSON result.
    pub fn json(text: String) -> Done {
        Done {
            body: text.into_bytes(),
            content_type: JSON,
        }
    }
}

/// Reads the body and answers with `work` on it: on the blocking pool when `blocking` (work
/// that may take long, such as documents) or the body is large, else on the I/O worker.
pub async fn answer<F>(
    state: Arc<AppState>,
    body: Result<Bytes, BytesRejection>,
    blocking: bool,
    work: F,
) -> Response
where
    F: FnOnce(&AppState, &[u8]) -> Result<Done, Problem> + Send + 'static,
{
    let bytes = match body_or_problem(body, state.limits.max_body_bytes) {
        Ok(b) => b,
        Err(p) => return p.into_response(),
    };
    let done = if blocking || bytes.len() > BLOCKING_BODY {
        Problem::joined(tokio::task::spawn_blocking(move || work(&state, &bytes)).await)
    } else {
        work(&state, &bytes)
    };
    match done {
        Err(p) => p.into_response(),
        Ok(d) => {
            let mut r = d.body.into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(d.content_type),
            );
            r
        }
    }
}

/// Prices a request: the quote (or the decline) exactly as `coverwright quote --format json`
/// prints it.
#[utoipa::path(post, path = "/v1/quotes", tag = "quotes", request_body = super::body::QuoteBody,
    responses((status = 200, description = "The quote document (docs/quote-format.md), or `{declined: true, product, failures}`; `X-Quote-Outcome` says which", body = Object),
              (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
              (status = 404, description = "Unknown product or version", body = Problem, content_type = "application/problem+json"),
              (status = 413, description = "The body is over the size limit", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "The request does not hold: every diagnostic, located", body = Problem, content_type = "application/problem+json")))]
pub async fn quote(
    State(state): State<Arc<AppState>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let bytes = match body_or_problem(body, state.limits.max_body_bytes) {
        Ok(b) => b,
        Err(p) => return p.into_response(),
    };
    let set = state.products.current();
    let max = state.limits.max_members;
    let answer = if bytes.len() > BLOCKING_BODY {
        Problem::joined(
            tokio::task::spawn_blocking(move || super::quoting::quote_body(&set, &bytes, max))
                .await,
        )
    } else {
        super::quoting::quote_body(&set, &bytes, max)
    };
    match answer {
        Err(p) => p.into_response(),
        Ok(a) => {
            let mut r = json_text(a.json);
            r.headers_mut()
                .insert("x-quote-outcome", HeaderValue::from_static(a.outcome));
            r.extensions_mut().insert(QuoteOutcome {
                product: a.product,
                outcome: a.outcome,
            });
            r
        }
    }
}

/// Loads the products folder anew (loopback callers only). A set with any error is refused
/// with its diagnostics and the old set keeps serving.
#[utoipa::path(post, path = "/admin/reload", tag = "operations",
    responses((status = 200, description = "The new set is serving", body = Status),
              (status = 403, description = "Not from loopback", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "The folder has errors; the old set keeps serving", body = Problem, content_type = "application/problem+json")))]
pub async fn reload(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Response {
    if !peer.ip().is_loopback() {
        return Problem::new(
            StatusCode::FORBIDDEN,
            codes::E0264,
            "reloads are taken from loopback only",
        )
        .with_help("run `kill -HUP <pid>` or call /admin/reload on the machine itself")
        .into_response();
    }
    let st = Arc::clone(&state);
    match tokio::task::spawn_blocking(move || super::reload_now(&st)).await {
        Ok(Ok(())) => json_text(status(&state, "reloaded")),
        Ok(Err(diags)) => Problem::from_diagnostics(StatusCode::UNPROCESSABLE_ENTITY, &diags, None)
            .into_response(),
        Err(e) => Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::E0252,
            e.to_string(),
        )
        .into_response(),
    }
}

/// Any other path.
pub async fn not_found() -> Response {
    Problem::new(StatusCode::NOT_FOUND, codes::E0262, "no such endpoint")
        .with_help("`GET /openapi.json` lists the endpoints")
        .into_response()
}
