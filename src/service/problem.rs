//! Errors as `application/problem+json` (RFC 9457): `type`, `title`, `status`, `detail`, and
//! the engine's diagnostics, each with its code, message, help and a JSON Pointer to the
//! request field it is about.
//!
//! Invariant: every answer that is not a result is a [`Problem`] with at least one diagnostic,
//! and its status says whose fault it is: 4xx for anything the client sent (400 not JSON,
//! 401 no token, 403 not from loopback, 404 unknown product, 413 too large, 422 checked and
//! refused), 503 when the service is busy or the request ran over its time.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::diagnostics::{Diagnostic, Severity};
use crate::yaml::Node;

/// The media type of a problem.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One diagnostic of a problem.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ProblemDiagnostic {
    /// The diagnostic code (`docs/quote-format.md`, `docs/service.md`).
    pub code: String,
    /// `error` or `warning`.
    pub severity: String,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// JSON Pointer (RFC 6901) to the field of the request body it is about; `""` is the
    /// whole body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// 1-based line in the request body (or, for a census, the row), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column in the request body, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// The file it is about, for diagnostics of product files (a refused reload).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// For a CSV text of the body (census, declarations, life table): the row and column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// A problem document (RFC 9457).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:coverwright:problem:<first code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong with this request.
    pub detail: String,
    /// Every diagnostic, in order.
    pub diagnostics: Vec<ProblemDiagnostic>,
}

/// The codes a problem answer carried, kept on the response for the metrics.
#[derive(Clone, Debug)]
pub struct ProblemCodes(pub Vec<String>);

impl Problem {
    /// A problem with one diagnostic of `code` and no pointer.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Problem {
        Problem::from_diagnostics(status, &[Diagnostic::error(code, detail)], None)
    }

    /// 404: the product or version a request names is not served (E0262).
    pub fn not_served(detail: impl Into<String>) -> Problem {
        Problem::new(
            StatusCode::NOT_FOUND,
            crate::diagnostics::codes::E0262,
            detail,
        )
        .with_help("`GET /v1/products` lists the products and versions served")
    }

    /// The answer of work run on the blocking pool, or a 500 (E0252) when that work panicked
    /// or was cancelled.
    pub fn joined<T>(r: Result<Result<T, Problem>, tokio::task::JoinError>) -> Result<T, Problem> {
        r.unwrap_or_else(|e| {
            Err(Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                crate::diagnostics::codes::E0252,
                e.to_string(),
            ))
        })
    }

    /// A problem from the engine's diagnostics; `body` (the parsed request body) turns their
    /// places into JSON Pointers.
    pub fn from_diagnostics(
        status: StatusCode,
        diags: &[Diagnostic],
        body: Option<&Node>,
    ) -> Problem {
        let items: Vec<ProblemDiagnostic> = diags.iter().map(|d| item(d, body)).collect();
        let errors = diags.iter().filter(|d| d.is_error()).count();
        let first = diags.iter().find(|d| d.is_error()).or(diags.first());
        let detail = match (errors, first) {
            (0 | 1, Some(d)) => d.message.clone(),
            (n, Some(d)) => format!("{n} errors; the first: {}", d.message),
            (_, None) => "the request cannot be served".to_string(),
        };
        let code = first
            .map(|d| d.code)
            .unwrap_or(crate::diagnostics::codes::E0252);
        Problem {
            kind: format!("urn:coverwright:problem:{code}"),
            title: crate::diagnostics::codes::lookup(code)
                .map(|e| e.summary.trim_end_matches('.').to_string())
                .unwrap_or_else(|| "Problem".to_string()),
            status: status.as_u16(),
            detail,
            diagnostics: items,
        }
    }

    /// The first diagnostic's pointer set to `pointer` (for problems about one field).
    pub fn at(mut self, pointer: &str) -> Problem {
        if let Some(d) = self.diagnostics.first_mut() {
            d.pointer = Some(pointer.to_string());
        }
        self
    }

    /// The first diagnostic's help set to `help`.
    pub fn with_help(mut self, help: &str) -> Problem {
        if let Some(d) = self.diagnostics.first_mut() {
            d.help = Some(help.to_string());
        }
        self
    }
}

fn item(d: &Diagnostic, body: Option<&Node>) -> ProblemDiagnostic {
    let file = d.file.as_ref().and_then(|f| f.to_str());
    let inline = file.filter(|f| super::body::INLINE_TEXTS.contains(f));
    let of_body = inline.is_some() || file.is_none() || file == Some(super::body::REQUEST_NAME);
    let pointer = if let Some(name) = inline {
        Some(format!("/{name}"))
    } else {
        body.filter(|_| of_body && (d.span.is_known() || d.span.start > 0))
            .map(|b| super::body::pointer_at(b, d.span.start))
    };
    ProblemDiagnostic {
        code: d.code.to_string(),
        severity: match d.severity {
            Severity::Error => "error".into(),
            Severity::Warning => "warning".into(),
        },
        message: d.message.clone(),
        help: d
            .help
            .clone()
            .or_else(|| crate::diagnostics::codes::lookup(d.code).map(|e| e.help.to_string())),
        pointer,
        line: d.span.is_known().then_some(d.span.line),
        column: d.span.is_known().then_some(d.span.column),
        file: file.filter(|_| !of_body).map(str::to_string),
        at: d.label.clone(),
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        let codes = ProblemCodes(self.diagnostics.iter().map(|d| d.code.clone()).collect());
        let mut body = serde_json::to_string_pretty(&self).unwrap_or_else(|_| "{}".into());
        body.push('\n');
        let mut r = (status, body).into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        r.extensions_mut().insert(codes);
        r
    }
}
