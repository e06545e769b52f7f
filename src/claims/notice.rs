//! The settlement notice (理赔计算书 / settlement statement): `templates/settlement.{html,md}`
//! rendered in Chinese or English with the document filters (payable in figures and in
//! words), as HTML, Markdown or PDF (through the HTML).

use std::path::Path;

use serde_json::json;

use super::Settlement;
use crate::document::{DocOptions, RenderError, Renderer, print_html};
use crate::quote::Quote;

/// The template context: the settlement, the quote, the language, the currency and the date
/// of the notice.
pub fn context(
    s: &Settlement,
    q: &Quote,
    options: &DocOptions,
    issue_date: &str,
) -> Result<serde_json::Value, String> {
    let lang = options.lang;
    // The shared page parts (masthead, running header) read the document model.
    let model =
        crate::document::DocumentModel::from_quote(q, options).map_err(|e| e.to_string())?;
    let doc = serde_json::to_value(model).map_err(|e| e.to_string())?;
    Ok(json!({
        "settlement": s,
        "doc": doc,
        "quote": q,
        "lang": lang.code(),
        "currency": s.currency,
        "issue_date": issue_date,
    }))
}

/// Renders the notice as text: `md` or `html`.
pub fn render_text(
    r: &Renderer,
    s: &Settlement,
    q: &Quote,
    options: &DocOptions,
    ext: &str,
    issue_date: &str,
) -> Result<String, String> {
    let ctx = context(s, q, options, issue_date)?;
    r.render(&format!("settlement.{ext}"), &ctx)
        .map_err(|e: RenderError| e.to_string())
}

/// Renders the notice to `output`; its extension (`.html`, `.md`, `.pdf`) picks the format.
pub fn write(
    templates: &Path,
    s: &Settlement,
    q: &Quote,
    options: &DocOptions,
    output: &Path,
) -> Result<(), String> {
    let r = Renderer::new(templates).map_err(|e| e.to_string())?;
    let ext = output.extension().and_then(|e| e.to_str()).unwrap_or("");
    let issue = s.claim_date.clone();
    let io = |e: std::io::Error| format!("cannot write {}: {e}", output.display());
    match ext {
        "md" | "html" => {
            let text = render_text(&r, s, q, options, ext, &issue)?;
            std::fs::write(output, text).map_err(io)
        }
        "pdf" => {
            let html = render_text(&r, s, q, options, "html", &issue)?;
            print_html(&html, output).map_err(|e| e.to_string())
        }
        _ => Err(format!(
            "`{}`: give the notice a file name ending in .html, .md or .pdf",
            output.display()
        )),
    }
}
