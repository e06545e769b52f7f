//! What every request passes through, outermost first: a request id (the caller's
//! `X-Request-Id` when it is a short visible token, else a new one) returned in the response;
//! the bearer token when one is configured; the concurrency limit and the time limit (a
//! request waiting or running past `--timeout` gets a 503 problem); and on the way out the
//! `X-Product-Set` header, the metrics and one log line.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::problem::{Problem, ProblemCodes};
use super::routes::QuoteOutcome;
use crate::diagnostics::codes;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// The request id: the caller's, when it is 1 to 128 visible ASCII characters, else
/// `<process id>-<sequence>` in hex.
fn request_id(req: &Request) -> HeaderValue {
    if let Some(v) = req.headers().get("x-request-id")
        && (1..=128).contains(&v.len())
        && v.as_bytes().iter().all(|b| b.is_ascii_graphic())
    {
        return v.clone();
    }
    let n = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let id = format!("{:x}-{n:x}", std::process::id());
    HeaderValue::from_str(&id).unwrap_or(HeaderValue::from_static("-"))
}

/// Paths open without a token: probes, metrics and the description.
fn open_path(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz" | "/metrics" | "/openapi.json")
}

fn authorized(state: &AppState, req: &Request) -> bool {
    let Some(token) = &state.limits.token else {
        return true;
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    // Compared in constant time for the token's length.
    given.is_some_and(|g| {
        g.len() == token.len()
            && g.bytes()
                .zip(token.bytes())
                .fold(0u8, |a, (x, y)| a | (x ^ y))
                == 0
    })
}

async fn limited(state: &AppState, req: Request, next: Next) -> Response {
    let deadline = tokio::time::Instant::now() + state.limits.timeout;
    let permit = match tokio::time::timeout_at(deadline, state.permits.acquire()).await {
        Ok(Ok(p)) => p,
        _ => {
            return Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                codes::E0265,
                "the service is busy: no request slot freed within the time limit",
            )
            .with_help("retry later, or add processes behind the load balancer")
            .into_response();
        }
    };
    let r = match tokio::time::timeout_at(deadline, next.run(req)).await {
        Ok(r) => r,
        Err(_) => Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            codes::E0265,
            format!(
                "the request took longer than {} ms",
                state.limits.timeout.as_millis()
            ),
        )
        .with_help("send a smaller request, or retry later")
        .into_response(),
    };
    drop(permit);
    r
}

/// The middleware around every route.
pub async fn guard(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id(&req);
    let method = req.method().as_str().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "other".to_string());
    let path = req.uri().path().to_string();
    let mut r = if !open_path(&path) && !authorized(&state, &req) {
        let mut r = Problem::new(
            StatusCode::UNAUTHORIZED,
            codes::E0264,
            "a bearer token is required",
        )
        .with_help("send `Authorization: Bearer <token>`")
        .into_response();
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        r
    } else if open_path(&path) {
        next.run(req).await
    } else {
        limited(&state, req, next).await
    };
    let set = state.products.current();
    if let Ok(v) = HeaderValue::from_str(set.hash()) {
        r.headers_mut().insert("x-product-set", v);
    }
    r.headers_mut().insert("x-request-id", id.clone());
    let took = started.elapsed();
    let status = r.status().as_u16();
    state.metrics.request(&route, &method, status, took);
    if let Some(q) = r.extensions().get::<QuoteOutcome>() {
        state.metrics.quote(&q.product, q.outcome);
    }
    let codes = r.extensions().get::<ProblemCodes>().map(|c| c.0.join(","));
    if let Some(c) = r.extensions().get::<ProblemCodes>() {
        state.metrics.errors(&c.0);
    }
    tracing::info!(
        request_id = id.to_str().unwrap_or("-"),
        method = method.as_str(),
        path = path.as_str(),
        status,
        micros = took.as_micros() as u64,
        codes = codes.as_deref().unwrap_or(""),
        "request"
    );
    r
}
