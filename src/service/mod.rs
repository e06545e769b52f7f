//! The quoting service: the engine over HTTP (`coverwright serve`), on axum and tokio.
//!
//! Parts, one file per concern: `routes` (the endpoints), `quoting` (a quote body checked and
//! priced), `billing` (schedules, declarations, annuities), `claims` (a claim settled),
//! `documents` (a quote's documents), `json_tree` (a JSON body read into the node tree in
//! one pass), `body` (JSON bodies read into the span-keeping node tree, JSON Pointers),
//! `problem` (RFC 9457 errors carrying the engine's diagnostics), `catalogue` (products
//! described for front ends), `products` (the product set and its atomic reload), `guard`
//! (request id, token, concurrency and time limits, headers, metrics, logs), `metrics`
//! (Prometheus text) and `openapi` (the generated description).
//!
//! Invariants: stateless apart from the product set, which is swapped whole (a request ends
//! on the set it started with); no request names a file; every answer that is not a result
//! is problem+json with a 4xx status for anything the client sent; a quote body is byte for
//! byte the JSON `coverwright quote --format json` prints for the same request, and every
//! other result the bytes the CLI's command prints (or writes) for the same input.

mod billing;
mod body;
mod catalogue;
mod claims;
mod documents;
mod guard;
mod json_tree;
mod metrics;
mod openapi;
mod problem;
mod products;
mod quoting;
mod routes;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

pub use body::{QUOTE_KEYS, QuoteBody};
pub use json_tree::json_tree;
pub use openapi::openapi_json;
pub use problem::{PROBLEM_JSON, Problem, ProblemDiagnostic};
pub use products::{ProductSet, Products};

use crate::diagnostics::Diagnostic;

/// The largest body the service can be configured to take: a YAML tree's own bound.
pub const MAX_BODY_BYTES: usize = crate::yaml::MAX_YAML_BYTES;

/// Limits of the service.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Most members (inline or census rows) one quote may have.
    pub max_members: usize,
    /// Time a request may wait for a slot and run.
    pub timeout: Duration,
    /// Requests handled at once; others wait (within `timeout`).
    pub concurrency: usize,
    /// The bearer token every `/v1` and `/admin` request must carry, when set.
    pub token: Option<String>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body_bytes: 1024 * 1024,
            max_members: 10_000,
            timeout: Duration::from_secs(10),
            concurrency: 256,
            token: None,
        }
    }
}

/// How the service runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// The products folder.
    pub products: PathBuf,
    /// The document templates folder.
    pub templates: PathBuf,
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Limits.
    pub limits: Limits,
    /// Origins allowed by CORS; none means no CORS headers at all.
    pub cors_origins: Vec<String>,
    /// Time in-flight requests get to finish after SIGTERM.
    pub drain: Duration,
    /// Worker threads (all cores when absent).
    pub threads: Option<usize>,
}

/// What the handlers share.
pub struct AppState {
    products: Products,
    metrics: metrics::Metrics,
    limits: Limits,
    permits: tokio::sync::Semaphore,
    draining: AtomicBool,
    templates: documents::Templates,
}

impl AppState {
    /// The state over a loaded product folder and a templates folder (compiled on the first
    /// document asked for).
    pub fn new(products: Products, limits: Limits, templates: PathBuf) -> AppState {
        AppState {
            products,
            metrics: metrics::Metrics::default(),
            permits: tokio::sync::Semaphore::new(limits.concurrency.max(1)),
            limits,
            draining: AtomicBool::new(false),
            templates: documents::Templates::new(templates),
        }
    }
}

/// Reloads the product set; logs the outcome (each diagnostic of a refused set).
pub fn reload_now(state: &AppState) -> Result<(), Vec<Diagnostic>> {
    match state.products.reload() {
        Ok(set) => {
            state.metrics.reload("ok");
            tracing::info!(
                product_set = set.hash(),
                products = set.products().len(),
                "reloaded the product set"
            );
            Ok(())
        }
        Err(diags) => {
            state.metrics.reload("refused");
            let serving = state.products.current();
            for d in &diags {
                tracing::error!(
                    code = d.code,
                    location = d.location().as_str(),
                    "{}",
                    d.message
                );
            }
            tracing::error!(
                errors = diags.len(),
                product_set = serving.hash(),
                "refused to reload: the products folder has errors; the old set keeps serving"
            );
            Err(diags)
        }
    }
}

/// The routes, over `state`.
pub fn router(state: Arc<AppState>, cors_origins: &[String]) -> Router {
    let limit = state.limits.max_body_bytes;
    let mut app = Router::new()
        .route("/v1/products", get(routes::products))
        .route("/v1/products/{code}/{version}", get(routes::product))
        .route(
            "/v1/products/{code}/{version}/request-schema",
            get(routes::request_schema),
        )
        .route("/v1/quotes", post(routes::quote))
        .route("/v1/schedules", post(billing::schedules))
        .route("/v1/declarations", post(billing::declarations))
        .route("/v1/annuities", post(billing::annuities))
        .route("/v1/documents", post(documents::documents))
        .route("/v1/claims", post(claims::claims))
        .route("/admin/reload", post(routes::reload))
        .route("/healthz", get(routes::healthz))
        .route("/readyz", get(routes::readyz))
        .route("/metrics", get(routes::metrics))
        .route("/openapi.json", get(routes::openapi))
        .fallback(routes::not_found)
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            guard::guard,
        ))
        .with_state(state);
    if !cors_origins.is_empty() {
        let origins: Vec<axum::http::HeaderValue> = cors_origins
            .iter()
            .filter_map(|o| axum::http::HeaderValue::from_str(o).ok())
            .collect();
        app = app.layer(
            tower_http::cors::CorsLayer::new()
                .allow_origin(origins)
                .allow_methods([axum::http::Method::GET, axum::http::Method::POST])
                .allow_headers([
                    axum::http::header::CONTENT_TYPE,
                    axum::http::header::AUTHORIZATION,
                ])
                .expose_headers([
                    axum::http::HeaderName::from_static("x-product-set"),
                    axum::http::HeaderName::from_static("x-request-id"),
                    axum::http::HeaderName::from_static("x-quote-outcome"),
                ]),
        );
    }
    app
}

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The products folder has errors.
    #[error("the products folder has {} error(s)", .0.len())]
    Products(Vec<Diagnostic>),
    /// The address cannot be listened on, or the runtime cannot start.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Runs the service until SIGTERM or SIGINT: loads the products, listens, prints
/// `listening on ADDR` to standard output, reloads on SIGHUP, and on shutdown stops
/// accepting and gives in-flight requests `config.drain` to finish.
pub fn serve(config: Config) -> Result<(), ServeError> {
    let products = Products::open(&config.products).map_err(ServeError::Products)?;
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    rt.enable_all();
    if let Some(n) = config.threads {
        rt.worker_threads(n.max(1));
    }
    let rt = rt.build()?;
    rt.block_on(run(config, products))
}

async fn run(config: Config, products: Products) -> Result<(), ServeError> {
    use tokio::signal::unix::{SignalKind, signal};
    let state = Arc::new(AppState::new(
        products,
        config.limits.clone(),
        config.templates.clone(),
    ));
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let app = router(Arc::clone(&state), &config.cors_origins);
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut hup = signal(SignalKind::hangup())?;
    let stop = Arc::new(tokio::sync::Notify::new());
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown({
        let stop = Arc::clone(&stop);
        async move { stop.notified().await }
    });
    let mut server = tokio::spawn(async move { server.await });
    {
        let set = state.products.current();
        tracing::info!(%addr, product_set = set.hash(), products = set.products().len(), "listening");
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on {addr}");
        let _ = out.flush();
    }
    loop {
        tokio::select! {
            _ = term.recv() => break,
            _ = int.recv() => break,
            _ = hup.recv() => {
                let st = Arc::clone(&state);
                let _ = tokio::task::spawn_blocking(move || reload_now(&st)).await;
            }
            done = &mut server => {
                return match done {
                    Ok(r) => r.map_err(ServeError::Io),
                    Err(e) => Err(ServeError::Io(std::io::Error::other(e))),
                };
            }
        }
    }
    state
        .draining
        .store(true, std::sync::atomic::Ordering::Relaxed);
    tracing::info!(
        drain_ms = config.drain.as_millis() as u64,
        "shutting down: draining in-flight requests"
    );
    stop.notify_one();
    match tokio::time::timeout(config.drain, &mut server).await {
        Ok(_) => {
            tracing::info!("stopped");
            Ok(())
        }
        Err(_) => {
            tracing::warn!("the drain time ran out; requests still running were cut");
            server.abort();
            Ok(())
        }
    }
}
