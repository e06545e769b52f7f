//! Request bodies: JSON text checked as JSON, then parsed once into the crate's span-keeping
//! node tree (JSON is YAML), so the request checker's located diagnostics apply to it
//! unchanged; a diagnostic's byte offset is turned back into a JSON Pointer to the field.
//!
//! Invariants: a body that is not strict JSON (trailing commas, YAML block syntax, comments)
//! is refused before the node parse; a request body never names a file (a census comes as
//! CSV text in the body's `census` member).

use std::path::Path;

use axum::http::StatusCode;
use serde::Deserialize;
use serde::de::IgnoredAny;
use utoipa::ToSchema;

use super::problem::Problem;
use crate::diagnostics::codes;
use crate::yaml::{self, Node, NodeKind};

/// The name diagnostics give the request of a body (it has no file).
pub const REQUEST_NAME: &str = "request";
/// The name diagnostics give the census of a body.
pub const CENSUS_NAME: &str = "census";

/// The keys of a quote body.
pub const QUOTE_KEYS: [&str; 6] = ["product", "request", "census", "as_of", "plan", "explain"];

/// The body of `POST /v1/quotes`. Unknown members are refused.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct QuoteBody {
    /// Product code, optionally `CODE@VERSION`; without a version, the version in force on
    /// the cover start date. Defaults to the request's own `product`.
    #[schema(example = "SP-ACC")]
    pub product: Option<String>,
    /// The request, as in a request file (`docs/quote-format.md`): `start`, `term`,
    /// `policyholder`, `members`, `coverages`, `options`, `plan`. It may not name a `census`
    /// file. `GET /v1/products/{code}/{version}/request-schema` describes it for a product.
    #[schema(value_type = Object)]
    pub request: serde_json::Value,
    /// Census rows as CSV text (header row first), replacing the request's `members`.
    pub census: Option<String>,
    /// Date the quote is made (YYYY-MM-DD); defaults to the cover start date.
    #[schema(example = "2025-02-20")]
    pub as_of: Option<String>,
    /// Only this payment plan (a plan code of the product).
    pub plan: Option<String>,
    /// Accepted for symmetry with the CLI; a JSON quote always carries its worksheet.
    pub explain: Option<bool>,
}

/// A quote body, read: the parsed tree and its parts.
pub struct Parsed<'a> {
    /// `request`.
    pub request: Option<&'a Node>,
    /// `product`, or the request's `product`.
    pub product: Option<String>,
    /// `census`, the CSV text.
    pub census: Option<&'a str>,
    /// `as_of`.
    pub as_of: Option<chrono::NaiveDate>,
    /// `plan`.
    pub plan: Option<String>,
    /// What is wrong with the body's own members (the request is checked all the same).
    pub diags: Vec<crate::diagnostics::Diagnostic>,
}

/// Checks `bytes` are UTF-8 JSON and parses them into a node tree: in one pass
/// ([`super::json_tree`]) when the body is plain JSON, else as JSON checked by serde_json
/// and parsed by the YAML reader, for their located diagnostics.
pub fn parse_json(bytes: &[u8]) -> Result<Node, Problem> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            codes::E0260,
            format!("the body is not UTF-8 text (byte {})", e.valid_up_to()),
        )
    })?;
    if let Some(node) = super::json_tree::json_tree(text) {
        return Ok(node);
    }
    if let Err(e) = serde_json::from_str::<IgnoredAny>(text) {
        let d = crate::diagnostics::Diagnostic::error(
            codes::E0260,
            format!("the body is not JSON: {e}"),
        )
        .at(crate::diagnostics::Span::new(
            e.line() as u32,
            e.column() as u32,
            0,
            0,
        ))
        .with_help("send one JSON object (`Content-Type: application/json`)");
        return Err(Problem::from_diagnostics(
            StatusCode::BAD_REQUEST,
            &[d],
            None,
        ));
    }
    yaml::parse(text).map_err(|d| Problem::from_diagnostics(StatusCode::BAD_REQUEST, &[d], None))
}

fn unprocessable(code: &'static str, pointer: &str, msg: impl Into<String>) -> Problem {
    Problem::new(StatusCode::UNPROCESSABLE_ENTITY, code, msg).at(pointer)
}

/// Reads the members of a quote body, every unknown member and wrong type reported; an
/// error only when the body is not an object.
pub fn quote_parts<'a>(root: &'a Node, src: &str) -> Result<Parsed<'a>, Problem> {
    let NodeKind::Map(entries) = &root.kind else {
        return Err(unprocessable(
            codes::E0203,
            "",
            "the body is a JSON object with `request`",
        ));
    };
    let mut diags = Vec::new();
    for (k, _) in entries {
        let key = k.as_str().unwrap_or("");
        if !QUOTE_KEYS.contains(&key) {
            let help = crate::diagnostics::did_you_mean(key, QUOTE_KEYS)
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| {
                    format!("the members of a quote body are: {}", QUOTE_KEYS.join(", "))
                });
            diags.push(
                crate::diagnostics::Diagnostic::error(
                    codes::E0204,
                    format!("unknown member `{key}`"),
                )
                .at(k.span)
                .with_help(help),
            );
        }
    }
    let text = |key: &str, diags: &mut Vec<_>| match root.get(key) {
        None
        | Some(Node {
            kind: NodeKind::Null,
            ..
        }) => None,
        Some(n) => match (&n.kind, n.as_str()) {
            (_, Some(s)) if is_string(n, src) => Some(s.to_string()),
            _ => {
                diags.push(
                    crate::diagnostics::Diagnostic::error(
                        codes::E0214,
                        format!("`{key}` is a string"),
                    )
                    .at(n.span),
                );
                None
            }
        },
    };
    let product = text("product", &mut diags);
    // Checked for its type here; read below without a copy.
    let _ = text("census", &mut diags);
    let as_of = text("as_of", &mut diags);
    let plan = text("plan", &mut diags);
    if let Some(n) = root.get("explain")
        && !matches!(n.kind, NodeKind::Bool(_) | NodeKind::Null)
    {
        diags.push(
            crate::diagnostics::Diagnostic::error(codes::E0214, "`explain` is true or false")
                .at(n.span),
        );
    }
    let as_of = as_of.and_then(|s| match crate::product::parse_date(&s) {
        Ok(d) => Some(d),
        Err(e) => {
            let at = root.get("as_of").map(|n| n.span).unwrap_or_default();
            diags.push(
                crate::diagnostics::Diagnostic::error(codes::E0206, format!("`as_of`: {e}")).at(at),
            );
            None
        }
    });
    let request = root.get("request");
    match request {
        None => diags.push(
            crate::diagnostics::Diagnostic::error(codes::E0207, "missing member `request`")
                .at(root.span)
                .with_help(
                    "put the request (start, policyholder, members, coverages) in `request`",
                ),
        ),
        Some(r) => {
            if let Some(c) = r.get("census") {
                diags.push(
                    crate::diagnostics::Diagnostic::error(
                        codes::E0263,
                        "a request to the service cannot name a census file",
                    )
                    .at(c.span)
                    .with_help("send the census rows as CSV text in the body's `census` member"),
                );
            }
        }
    }
    let product = product.or_else(|| {
        request
            .and_then(|r| r.get("product"))
            .and_then(Node::as_str)
            .map(str::to_string)
    });
    if product.is_none() && request.is_some() {
        diags.push(
            crate::diagnostics::Diagnostic::error(codes::E0207, "no product named")
                .at(root.span)
                .with_help("give `product` (CODE or CODE@VERSION) in the body or in the request"),
        );
    }
    Ok(Parsed {
        request,
        product,
        census: root.get("census").and_then(Node::as_str),
        as_of,
        plan,
        diags,
    })
}

/// Whether a scalar node was a JSON string, not a number: its source starts with a quote
/// (or follows one, if the span is the text inside the quotes).
pub fn is_string(n: &Node, src: &str) -> bool {
    let b = src.as_bytes();
    b.get(n.span.start) == Some(&b'"')
        || (n.span.start > 0 && b.get(n.span.start - 1) == Some(&b'"'))
}

/// The path the request's diagnostics name.
pub fn request_path() -> &'static Path {
    Path::new(REQUEST_NAME)
}

/// The JSON Pointer (RFC 6901) of the innermost field of `root` at byte `offset`: the last
/// member (or item) starting at or before it, at each level.
pub fn pointer_at(root: &Node, offset: usize) -> String {
    let mut pointer = String::new();
    let mut node = root;
    loop {
        let next = match &node.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| k.span.start <= offset)
                .map(|(k, v)| {
                    (
                        escape(k.as_str().unwrap_or("")),
                        v,
                        k.span.start + k.span.len > offset,
                    )
                }),
            NodeKind::Seq(items) => items
                .iter()
                .enumerate()
                .rev()
                .find(|(_, v)| v.span.start <= offset)
                .map(|(i, v)| (i.to_string(), v, false)),
            _ => None,
        };
        let Some((token, child, on_key)) = next else {
            return pointer;
        };
        pointer.push('/');
        pointer.push_str(&token);
        if on_key {
            return pointer;
        }
        node = child;
    }
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The names diagnostics give the CSV texts of a body (`census`, `declarations`, `table`):
/// a diagnostic naming one points at the body member of that name.
pub const INLINE_TEXTS: [&str; 3] = [CENSUS_NAME, "declarations", "table"];

/// Reads the members of a body into `T` (a `deny_unknown_fields` struct): the value when it
/// could be built, and every unknown member, missing member and wrong type as a located
/// diagnostic with the request's codes.
pub fn typed<T: serde::de::DeserializeOwned>(
    root: &Node,
) -> (Option<T>, Vec<crate::diagnostics::Diagnostic>) {
    if !matches!(root.kind, NodeKind::Map(_)) {
        let d = crate::diagnostics::Diagnostic::error(codes::E0203, "the body is a JSON object")
            .at(root.span);
        return (None, vec![d]);
    }
    let (value, errors) = yaml::from_node::<T>(root);
    let diags = errors
        .into_iter()
        .map(|e| {
            let code = match e.code {
                codes::E0011 => codes::E0204,
                codes::E0013 => codes::E0207,
                _ => codes::E0214,
            };
            let mut d = e.into_diagnostic();
            d.code = code;
            d.message = d.message.replacen(" key ", " member ", 1);
            d.help = d
                .help
                .map(|h| h.replace("the keys allowed", "the members allowed"));
            if code == codes::E0207 {
                d.help = Some("add the member to the body (see `GET /openapi.json`)".into());
            }
            d
        })
        .collect();
    (value, diags)
}

/// The body as a JSON value (for the members read as JSON documents: a quote, a billing).
pub fn json_value(bytes: &[u8]) -> Result<serde_json::Value, Problem> {
    serde_json::from_slice(bytes).map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            codes::E0260,
            format!("the body is not JSON: {e}"),
        )
    })
}

/// The quote in the body's `quote` member, read as `coverwright` reads a quote file: a
/// quote of this format (every field, none unknown) that ties out. `None` when the body has
/// no `quote` (the typed read reports it missing).
pub fn quote_member(bytes: &[u8]) -> Result<Option<crate::quote::Quote>, Problem> {
    let mut v = json_value(bytes)?;
    quote_of(v.get_mut("quote").map(serde_json::Value::take))
}

/// The quote of a body's `quote` member (see [`quote_member`]).
pub fn quote_of(member: Option<serde_json::Value>) -> Result<Option<crate::quote::Quote>, Problem> {
    use crate::quote::{Quote, QuoteFileError};
    let Some(q) = member else {
        return Ok(None);
    };
    let refused = |code: &'static str, message: String, help: &str| {
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
            .at("/quote")
            .with_help(help)
    };
    let quote: Quote = serde_json::from_value(q).map_err(|e| {
        refused(
            codes::E0241,
            QuoteFileError::Format {
                message: e.to_string(),
                line: 0,
                column: 0,
            }
            .to_string(),
            "send the JSON `POST /v1/quotes` (or `coverwright quote --format json`) answered, unchanged",
        )
    })?;
    quote.tie_out().map_err(|e| {
        refused(
            codes::E0242,
            e.to_string(),
            "quote the request again instead of editing the quote",
        )
    })?;
    Ok(Some(quote))
}
