//! `POST /v1/documents`: a document of a quote (quote, policy, schedule, worksheet, invoice,
//! illustration) in Chinese or English as HTML, Markdown, PDF or Word, with its media type;
//! the bytes are the file `coverwright render` writes for the same quote and options.
//!
//! Invariants: the templates are compiled once, on the first document, from the service's
//! templates folder; a PDF is printed by headless Chromium on the blocking pool within the
//! browser's own time bound, and without a browser the answer is a 501 problem, never a hang;
//! the temporary files of a PDF are the service's own, never named by a request, and removed.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde::de::IgnoredAny;
use utoipa::ToSchema;

use super::AppState;
use super::body;
use super::problem::Problem;
use super::routes::{Done, answer};
use crate::diagnostics::{Diagnostic, codes};
use crate::document::render::{DocKind, OutFormat};
use crate::document::{RenderError, Renderer};

/// The templates folder and, once a document was asked for, its compiled templates.
pub struct Templates {
    dir: PathBuf,
    compiled: OnceLock<Result<Renderer, String>>,
}

impl Templates {
    /// The templates of `dir`, compiled on first use.
    pub fn new(dir: PathBuf) -> Templates {
        Templates {
            dir,
            compiled: OnceLock::new(),
        }
    }

    fn renderer(&self) -> Result<&Renderer, Problem> {
        self.compiled
            .get_or_init(|| Renderer::new(&self.dir).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| {
                Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    codes::E0266,
                    format!("the document templates cannot be used: {e}"),
                )
                .with_help("fix the templates folder (`--templates`) and restart the service")
            })
    }
}

/// The body of `POST /v1/documents`: the quote and the CLI's `render` options. Unknown
/// members are refused.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
// The members read as JSON documents (`quote`, ...) are only checked for their shape here.
#[allow(dead_code)]
pub struct DocumentBody {
    /// The quote as `POST /v1/quotes` (or `coverwright quote --format json`) answered it,
    /// unchanged.
    #[schema(value_type = Object)]
    pub quote: IgnoredAny,
    /// The document: `quote`, `policy`, `schedule`, `worksheet`, `invoice` or `illustration`.
    #[schema(example = "policy")]
    pub document: String,
    /// Language: `zh` (default) or `en`.
    pub lang: Option<String>,
    /// File format: `html` (default), `md`, `pdf` or `docx` (docx: quote, policy, schedule).
    pub format: Option<String>,
    /// Payment plan the policy is written with: a plan code of the quote.
    pub plan: Option<String>,
    /// Issue date of the document (YYYY-MM-DD); the quote's date by default.
    pub issue_date: Option<String>,
    /// Dispute resolution: `litigation` or `arbitration` (the insurer's by default).
    pub dispute: Option<String>,
    /// The arbitration commission, with `dispute: arbitration`.
    pub arbitration_body: Option<String>,
    /// Special clauses of this policy, printed after the product's.
    pub special_clauses: Option<Vec<String>>,
    /// For `worksheet`: formulas, operands and file:line for product authors.
    pub actuary: Option<bool>,
    /// For `invoice`: the billing as `POST /v1/declarations` answered it.
    #[schema(value_type = Option<Object>)]
    pub billing: Option<IgnoredAny>,
}

/// The media type of a document format.
fn media_type(format: OutFormat) -> &'static str {
    match format {
        OutFormat::Html => "text/html; charset=utf-8",
        OutFormat::Md => "text/markdown; charset=utf-8",
        OutFormat::Pdf => "application/pdf",
        OutFormat::Docx => {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        }
    }
}

/// Renders a document of a quote, byte for byte the file `coverwright render` writes.
#[utoipa::path(post, path = "/v1/documents", tag = "documents", request_body = DocumentBody,
    responses((status = 200, description = "The document, as `text/html`, `text/markdown`, `application/pdf` or the Word media type", body = String),
              (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
              (status = 404, description = "The quote's product version is not served", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "A quote that is not one, an unknown document, format or language, or a document that would state something false", body = Problem, content_type = "application/problem+json"),
              (status = 501, description = "PDF asked for and no headless Chromium on the machine", body = Problem, content_type = "application/problem+json"),
              (status = 503, description = "The browser failed to print, or the templates cannot be used", body = Problem, content_type = "application/problem+json")))]
pub async fn documents(
    State(state): State<Arc<AppState>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    answer(state, body, true, document_body).await
}

fn document_body(state: &AppState, bytes: &[u8]) -> Result<Done, Problem> {
    let root = body::parse_json(bytes)?;
    let unprocessable = |d: &[Diagnostic]| {
        Problem::from_diagnostics(StatusCode::UNPROCESSABLE_ENTITY, d, Some(&root))
    };
    let (b, mut diags) = body::typed::<DocumentBody>(&root);
    let Some(b) = b else {
        return Err(unprocessable(&diags));
    };
    let mut bad = |key: &str, message: String| {
        let at = root.get(key).map_or(root.span, |n| n.span);
        diags.push(Diagnostic::error(codes::E0214, message).at(at));
    };
    let kind = b
        .document
        .parse::<DocKind>()
        .map_err(|e| bad("document", e.to_string()))
        .ok();
    let format = b
        .format
        .as_deref()
        .unwrap_or("html")
        .parse::<OutFormat>()
        .map_err(|e| bad("format", e.to_string()))
        .ok();
    let (Some(kind), Some(format), true) = (kind, format, diags.is_empty()) else {
        return Err(unprocessable(&diags));
    };
    let mut value = body::json_value(bytes)?;
    let billing = value.get_mut("billing").map(serde_json::Value::take);
    let Some(q) = body::quote_of(value.get_mut("quote").map(serde_json::Value::take))? else {
        return Err(unprocessable(&diags));
    };
    let set = state.products.current();
    let product = super::billing::quoted_product(set.products(), &q, false)?;
    let options = crate::document::options::options_for(
        b.lang.as_deref().unwrap_or("zh"),
        b.plan.as_deref(),
        b.issue_date.as_deref(),
        b.dispute.as_deref(),
        b.arbitration_body.as_deref(),
        b.special_clauses.as_deref().unwrap_or_default(),
        Some(product),
        state.products.dir(),
        None,
    )
    .map_err(|e| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, codes::E0214, e))?;
    let options = crate::document::DocOptions {
        actuary: b.actuary.unwrap_or(false),
        ..options
    };
    let renderer = state.templates.renderer()?;
    let quote = serde_json::to_value(&q).unwrap_or_default();
    let billing = billing.filter(|b| !b.is_null());
    let rendered = match format {
        OutFormat::Html | OutFormat::Md => crate::document::render::render_owned_quote(
            renderer,
            kind,
            format,
            quote,
            &options,
            billing.as_ref(),
        )
        .map(String::into_bytes),
        OutFormat::Docx => crate::document::render::render_owned_docx(
            renderer,
            kind,
            quote,
            &options,
            billing.as_ref(),
        ),
        OutFormat::Pdf => print_pdf(renderer, kind, &quote, &options, billing.as_ref()),
    };
    rendered
        .map(|body| Done {
            body,
            content_type: media_type(format),
        })
        .map_err(refused)
}

/// A render error as a problem: a missing browser is 501, a failing one 503, anything about
/// the quote or the options 422.
fn refused(e: RenderError) -> Problem {
    match e {
        RenderError::PdfProgramMissing { .. } => Problem::new(
            StatusCode::NOT_IMPLEMENTED,
            codes::E0266,
            "PDF is not available here: no headless Chromium is installed on the service's machine",
        )
        .at("/format")
        .with_help("ask for `html` and print it, or install chromium where the service runs"),
        RenderError::Pdf { detail, .. } => Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            codes::E0266,
            format!("the browser could not print the PDF: {detail}"),
        )
        .with_help("retry later, or ask for `html`"),
        RenderError::Io { .. } => {
            Problem::new(StatusCode::SERVICE_UNAVAILABLE, codes::E0266, e.to_string())
        }
        other => Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::E0252,
            other.to_string(),
        ),
    }
}

static NEXT_PDF: AtomicU64 = AtomicU64::new(1);

/// Prints the document to a PDF in a folder of the service's own, reads it and removes the
/// folder.
fn print_pdf(
    renderer: &Renderer,
    kind: DocKind,
    quote: &serde_json::Value,
    options: &crate::document::DocOptions,
    billing: Option<&serde_json::Value>,
) -> Result<Vec<u8>, RenderError> {
    let n = NEXT_PDF.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("coverwright-serve-{}-{n}", std::process::id()));
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| RenderError::Io { path, source }
    };
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let output = dir.join(format!("{}.pdf", kind.name()));
    let printed = crate::document::render::render_quote_to(
        renderer,
        kind,
        OutFormat::Pdf,
        quote,
        options,
        billing,
        &output,
    )
    .and_then(|()| std::fs::read(&output).map_err(io(&output)));
    let _ = std::fs::remove_dir_all(&dir);
    printed
}
