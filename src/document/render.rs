//! Rendering a whole document: which template a [`DocKind`] uses in each [`OutFormat`], the
//! render context each document expects, and writing the result as HTML, Markdown or PDF.
//!
//! # Templates
//!
//! Every document has one layout per text format, shared by both languages: `quote.html` and
//! `quote.md`, `policy.html` and `policy.md`, and so on ([`template_name`]). The fixed texts
//! come from the message catalogue (`t(key=...)`), values go through the document filters
//! (see [`super::engine`]). PDF is the HTML document printed by headless Chromium
//! ([`super::pdf::html_to_pdf`]).
//!
//! # Context
//!
//! The caller passes a JSON object; [`document_context`] checks it and fills in what the
//! templates rely on, so a template never meets an absent name. Keys:
//!
//! | key | required by | shape | filled in when absent |
//! |---|---|---|---|
//! | `quote` | every document | the quote JSON (`crate::quote::to_json`) | — (an error) |
//! | `lang` | every document | `"zh"` or `"en"` | always set from the `lang` argument |
//! | `currency` | every document | `"CNY"` or `"USD"` | `quote.currency` |
//! | `illustration` | `illustration` | list of `{year, age, premium, cumulative_premium, survival_benefit, death_benefit}`, amounts as decimal strings | `quote.illustration`, else `null` (the document then shows a notice) |
//! | `billing` | `invoice` | the JSON of a `DeclarationBilling` (`crate::schedule`) | `null` for other documents; an error for `invoice` |
//! | `plan` | `policy` | code of the payment option the policy is written with | — |
//! | `payment` | `policy` | (derived) the chosen payment option of `quote.payment_options` | the option named by `plan`, else the only option, else the first `annual` or `single` one, else the first; `null` when there is none |
//! | `issue_date` | `policy`, `invoice` | `YYYY-MM-DD`, the date the document is issued | `quote.as_of` |
//! | `dispute` | `policy` | `"arbitration"` or `"court"` | `null`: the general dispute clause naming both |
//! | `arbitration_body` | `policy` | name of the arbitration commission | `null` |
//! | `special_clauses`, `beneficiaries`, `insurer`, `actuary` | every document | the policy's own clauses (texts), named beneficiaries (`{rank, name, share}`), the insurer's profile, the worksheet's author variant | none, 法定, no profile, customer variant |
//! | `doc` | every document | (derived) the [`DocumentModel`] of the quote with the options above | built here; a document that would state something false is refused ([`RenderError::Refused`]) |
//!
//! [`render_quote`] is the entry point of the command line: it takes the quote and typed
//! [`DocOptions`], honours the product's `documents:` list ([`product_template`]) and builds
//! the model from the options.
//!
//! Any other keys are passed through untouched. Amounts in the context must be decimal
//! strings; the filters refuse floating-point numbers.
//!
//! # Output
//!
//! [`render_to_string`] returns HTML or Markdown. [`render_document`] writes the file; for PDF
//! it renders the HTML to a hidden temporary file beside the output (so it can be found by a
//! browser that may only read where the output goes), prints it, and removes it again.
//! Rendering is deterministic: the same context gives byte-identical HTML and Markdown.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde_json::{Map, Value};

use super::engine::Renderer;
use super::error::RenderError;
use super::format::{FormatError, Lang};
use super::model::{DocOptions, DocumentModel, ProductTerms};
use super::pdf::print_html;

/// The documents that can be rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocKind {
    /// Quotation / proposal (报价单, 投保建议书).
    Quote,
    /// Draft policy schedule (保险单) with the member list.
    Policy,
    /// Payment schedules of every payment option (缴费计划).
    Schedule,
    /// The rating worksheet appendix (保费计算工作表).
    Worksheet,
    /// Declaration premium invoice of export credit insurance (出运申报保费通知书).
    Invoice,
    /// Benefit illustration by policy year (利益演示).
    Illustration,
}

impl DocKind {
    /// Every document, in the order of the command-line choices.
    pub const ALL: [DocKind; 6] = [
        DocKind::Quote,
        DocKind::Policy,
        DocKind::Schedule,
        DocKind::Worksheet,
        DocKind::Invoice,
        DocKind::Illustration,
    ];

    /// The name used on the command line and as the template's file stem.
    pub fn name(self) -> &'static str {
        match self {
            DocKind::Quote => "quote",
            DocKind::Policy => "policy",
            DocKind::Schedule => "schedule",
            DocKind::Worksheet => "worksheet",
            DocKind::Invoice => "invoice",
            DocKind::Illustration => "illustration",
        }
    }
}

impl fmt::Display for DocKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DocKind {
    type Err = FormatError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DocKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| FormatError::UnknownCode {
                what: "document",
                code: s.to_string(),
                expected: "quote, policy, schedule, worksheet, invoice, illustration",
            })
    }
}

/// The format a document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutFormat {
    /// Self-contained HTML with inline CSS and A4 print styles.
    Html,
    /// Plain Markdown with tables.
    Md,
    /// The HTML printed to PDF by headless Chromium.
    Pdf,
    /// A Word document (`.docx`) built from the same context ([`super::docx`]).
    Docx,
}

impl OutFormat {
    /// Every format.
    pub const ALL: [OutFormat; 4] = [
        OutFormat::Html,
        OutFormat::Md,
        OutFormat::Pdf,
        OutFormat::Docx,
    ];

    /// The name used on the command line, which is also the usual file extension.
    pub fn name(self) -> &'static str {
        match self {
            OutFormat::Html => "html",
            OutFormat::Md => "md",
            OutFormat::Pdf => "pdf",
            OutFormat::Docx => "docx",
        }
    }
}

impl fmt::Display for OutFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for OutFormat {
    type Err = FormatError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OutFormat::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| FormatError::UnknownCode {
                what: "output format",
                code: s.to_string(),
                expected: "html, md, pdf, docx",
            })
    }
}

/// The template a document is rendered from: `quote.html`, `policy.md`; PDF uses the HTML
/// template.
pub fn template_name(kind: DocKind, format: OutFormat) -> String {
    let ext = match format {
        OutFormat::Html | OutFormat::Pdf | OutFormat::Docx => "html",
        OutFormat::Md => "md",
    };
    format!("{}.{ext}", kind.name())
}

/// Checks `context` for `kind` and fills in the keys the templates rely on (see the module
/// documentation for the shape). `template` names the template in errors.
pub fn document_context(
    kind: DocKind,
    lang: Lang,
    context: &Value,
    template: &str,
) -> Result<Value, RenderError> {
    let Some(input) = context.as_object() else {
        return Err(RenderError::Context {
            template: template.to_string(),
            message: "the context must be a JSON object".to_string(),
        });
    };
    fill_context(kind, lang, input.clone(), template, true).map(Value::Object)
}

/// [`document_context`] on a context it owns (no copy of the quote). With `build_model`, a
/// missing `doc` is built from the quote; without, `doc` is left to the caller.
/// Whether a document of `kind` has the same context as a quote's (so one context made for the
/// quote can render it): every kind but the two that [`fill_context`] checks on their own, the
/// illustration (refused without benefits) and the invoice (which needs a billing).
pub fn shares_quote_context(kind: DocKind) -> bool {
    !matches!(kind, DocKind::Illustration | DocKind::Invoice)
}

fn fill_context(
    kind: DocKind,
    lang: Lang,
    mut out: Map<String, Value>,
    template: &str,
    build_model: bool,
) -> Result<Map<String, Value>, RenderError> {
    let bad = |message: String| RenderError::Context {
        template: template.to_string(),
        message,
    };
    let Some(quote) = out.get("quote").and_then(Value::as_object) else {
        return Err(bad(
            "the context needs `quote`, the quote JSON as an object".to_string(),
        ));
    };
    // What the quote gives, read before the context is changed.
    let currency = match quote.get("currency").and_then(Value::as_str) {
        Some(c) => Some(Value::from(c)),
        None if out.get("currency").is_none_or(Value::is_null) => {
            return Err(bad(
                "`quote.currency` must be a currency code such as \"CNY\"".to_string(),
            ));
        }
        None => None,
    };
    let illustration = quote.get("illustration").cloned().unwrap_or(Value::Null);
    let as_of = quote.get("as_of").cloned().unwrap_or(Value::Null);
    let payment = chosen_payment(quote, out.get("plan")).map_err(&bad);

    out.insert("lang".to_string(), Value::from(lang.code()));

    if out.get("currency").is_none_or(Value::is_null)
        && let Some(c) = currency
    {
        out.insert("currency".to_string(), c);
    }

    if out.get("illustration").is_none_or(Value::is_null) {
        out.insert("illustration".to_string(), illustration);
    }
    match out.get("illustration") {
        Some(Value::Array(_) | Value::Null) | None => {}
        Some(other) => {
            return Err(bad(format!(
                "`illustration` must be a list of rows, found {}",
                kind_of(other)
            )));
        }
    }

    if kind == DocKind::Illustration && !has_benefits(&out) {
        return Err(RenderError::Refused {
            document: kind.name().to_string(),
            reason: "a benefit illustration states a pension quote's benefits and cash values by \
                     policy year; this quote has no `pension` section and no illustration rows"
                .to_string(),
        });
    }

    if out.get("issue_date").is_none_or(Value::is_null) {
        out.insert("issue_date".to_string(), as_of);
    }

    let billing = out.entry("billing").or_insert(Value::Null);
    if kind == DocKind::Invoice && !billing.is_object() {
        return Err(bad(
            "the invoice needs `billing`, the declaration billing JSON as an object".to_string(),
        ));
    }

    let dispute = out.entry("dispute").or_insert(Value::Null);
    match dispute {
        Value::Null => {}
        Value::String(s) if s == "arbitration" || s == "court" => {}
        other => {
            return Err(bad(format!(
                "`dispute` must be \"arbitration\" or \"court\", found {other}"
            )));
        }
    }
    out.entry("arbitration_body").or_insert(Value::Null);

    out.insert("payment".to_string(), payment?);
    out.entry("plan").or_insert(Value::Null);

    if build_model && out.get("doc").is_none_or(Value::is_null) {
        let options = options_from_context(lang, &out).map_err(bad)?;
        let model = DocumentModel::from_json(&out["quote"], &options).map_err(|e| {
            RenderError::Refused {
                document: kind.name().to_string(),
                reason: e.to_string(),
            }
        })?;
        let model = serde_json::to_value(&model).map_err(|e| bad(e.to_string()))?;
        out.insert("doc".to_string(), model);
    }

    Ok(out)
}

/// Whether a context has benefits to illustrate: the quote's `pension` section, or rows
/// under `illustration`.
fn has_benefits(ctx: &Map<String, Value>) -> bool {
    let pension = ctx
        .get("quote")
        .and_then(|q| q.get("pension"))
        .is_some_and(|p| !p.is_null());
    let rows = ctx
        .get("illustration")
        .and_then(Value::as_array)
        .is_some_and(|rows| !rows.is_empty());
    pension || rows
}

/// The document options a JSON context carries: `plan`, `issue_date`, `dispute`,
/// `arbitration_body`, `special_clauses` (list of texts), `beneficiaries` (list of `{rank,
/// name, share}`), `insurer` (an insurer profile), `actuary` (a boolean: the worksheet's
/// author variant) and `step_labels` (the worksheet's step labels, `{step: {zh, en}}`, as a
/// product declares them).
fn options_from_context(lang: Lang, ctx: &Map<String, Value>) -> Result<DocOptions, String> {
    let mut o = DocOptions::new(lang);
    let text = |key: &str| ctx.get(key).and_then(Value::as_str).map(str::to_string);
    o.plan = text("plan");
    if let Some(d) = text("issue_date") {
        o.issue_date =
            Some(super::format::parse_date(&d).map_err(|e| format!("`issue_date`: {e}"))?);
    }
    o.dispute = text("dispute").map(|d| d.parse()).transpose()?;
    o.arbitration_body = text("arbitration_body");
    if let Some(v) = ctx.get("special_clauses").filter(|v| !v.is_null()) {
        o.special_clauses = serde_json::from_value(v.clone())
            .map_err(|e| format!("`special_clauses` must be a list of texts: {e}"))?;
    }
    if let Some(v) = ctx.get("beneficiaries").filter(|v| !v.is_null()) {
        o.beneficiaries = serde_json::from_value(v.clone())
            .map_err(|e| format!("`beneficiaries` must be a list of {{rank, name, share}}: {e}"))?;
    }
    o.actuary = ctx.get("actuary").and_then(Value::as_bool).unwrap_or(false);
    if let Some(v) = ctx.get("step_labels").filter(|v| !v.is_null()) {
        o.product.step_labels = serde_json::from_value(v.clone())
            .map_err(|e| format!("`step_labels` must map step names to {{zh, en}}: {e}"))?;
    }
    if let Some(v) = ctx.get("insurer").filter(|v| !v.is_null()) {
        o.insurer = Some(
            serde_json::from_value(v.clone())
                .map_err(|e| format!("`insurer` must be an insurer profile: {e}"))?,
        );
    }
    Ok(o)
}

/// The template the product names for `kind` in `format`: the product's entry of its
/// `documents:` list (with the ending of `format`), or the default template when the product
/// lists none. A document the product does not list is refused, naming the list.
pub fn product_template(
    kind: DocKind,
    format: OutFormat,
    product: &ProductTerms,
    product_id: &str,
) -> Result<String, RenderError> {
    if product.documents.is_empty() {
        return Ok(template_name(kind, format));
    }
    let Some(listed) = product.documents.get(kind.name()) else {
        let list: Vec<&str> = product.documents.keys().map(String::as_str).collect();
        return Err(RenderError::Refused {
            document: kind.name().to_string(),
            reason: format!(
                "{product_id} offers only the documents its `documents:` list names: {}",
                list.join(", ")
            ),
        });
    };
    let stem = listed
        .rsplit_once('.')
        .map_or(listed.as_str(), |(stem, _)| stem);
    let ext = match format {
        OutFormat::Html | OutFormat::Pdf | OutFormat::Docx => "html",
        OutFormat::Md => "md",
    };
    Ok(format!("{stem}.{ext}"))
}

/// Renders document `kind` of `quote` (the quote JSON) with `options` as HTML or Markdown:
/// the product's template for the document (see [`product_template`]), the document model
/// built from the quote and the options under `doc`, the quote under `quote`, and `billing`
/// for the invoice.
pub fn render_quote(
    renderer: &Renderer,
    kind: DocKind,
    format: OutFormat,
    quote: &Value,
    options: &DocOptions,
    billing: Option<&Value>,
) -> Result<String, RenderError> {
    render_owned_quote(renderer, kind, format, quote.clone(), options, billing)
}

/// [`render_quote`] of a quote the caller gives away (bulk rendering): the quote goes into the
/// template's context without a copy, and the model straight from its `Serialize`.
pub fn render_owned_quote(
    renderer: &Renderer,
    kind: DocKind,
    format: OutFormat,
    quote: Value,
    options: &DocOptions,
    billing: Option<&Value>,
) -> Result<String, RenderError> {
    if matches!(format, OutFormat::Pdf | OutFormat::Docx) {
        return Err(RenderError::NotText {
            document: kind.name().to_string(),
        });
    }
    let product_id = format!(
        "{}@{}",
        quote["product"]["code"].as_str().unwrap_or("?"),
        quote["product"]["version"].as_str().unwrap_or("?")
    );
    let name = product_template(kind, format, &options.product, &product_id)?;
    let model = DocumentModel::from_json(&quote, options).map_err(|e| RenderError::Refused {
        document: kind.name().to_string(),
        reason: e.to_string(),
    })?;
    let mut ctx = Map::new();
    ctx.insert("quote".to_string(), quote);
    ctx.insert("plan".to_string(), Value::from(options.plan.clone()));
    if let Some(b) = billing {
        ctx.insert("billing".to_string(), b.clone());
    }
    let context = fill_context(kind, options.lang, ctx, &name, false)?;
    renderer.render_with(&name, &context, "doc", &model)
}

/// The Word document ([`super::docx`]) of `kind` for `quote` with `options`: the product's
/// `documents:` list is honoured as for HTML, and the document model is built from the
/// options (insurer profile, plan, policy options), so the Word document states what the
/// HTML states.
pub fn render_owned_docx(
    renderer: &Renderer,
    kind: DocKind,
    quote: Value,
    options: &DocOptions,
    billing: Option<&Value>,
) -> Result<Vec<u8>, RenderError> {
    let product_id = format!(
        "{}@{}",
        quote["product"]["code"].as_str().unwrap_or("?"),
        quote["product"]["version"].as_str().unwrap_or("?")
    );
    product_template(kind, OutFormat::Docx, &options.product, &product_id)?;
    let model = DocumentModel::from_json(&quote, options).map_err(|e| RenderError::Refused {
        document: kind.name().to_string(),
        reason: e.to_string(),
    })?;
    let template = format!("{}.docx", kind.name());
    let mut ctx = Map::new();
    ctx.insert("quote".to_string(), quote);
    ctx.insert(
        "doc".to_string(),
        serde_json::to_value(&model).map_err(|e| RenderError::Context {
            template,
            message: e.to_string(),
        })?,
    );
    ctx.insert("plan".to_string(), Value::from(options.plan.clone()));
    if let Some(b) = billing {
        ctx.insert("billing".to_string(), b.clone());
    }
    super::docx::render_docx(renderer, kind, options.lang, &Value::Object(ctx))
}

/// [`render_quote`] written to `output` as HTML, Markdown or PDF (see [`render_document`]).
pub fn render_quote_to(
    renderer: &Renderer,
    kind: DocKind,
    format: OutFormat,
    quote: &Value,
    options: &DocOptions,
    billing: Option<&Value>,
    output: &Path,
) -> Result<(), RenderError> {
    match format {
        OutFormat::Html | OutFormat::Md => {
            let text = render_quote(renderer, kind, format, quote, options, billing)?;
            write_file(output, &text)
        }
        OutFormat::Pdf => {
            let html = render_quote(renderer, kind, OutFormat::Html, quote, options, billing)?;
            print_html(&html, output)
        }
        OutFormat::Docx => {
            let bytes = render_owned_docx(renderer, kind, quote.clone(), options, billing)?;
            std::fs::write(output, bytes).map_err(|source| RenderError::Io {
                path: output.to_path_buf(),
                source,
            })
        }
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The payment option a policy is written with (see the module documentation).
fn chosen_payment(quote: &Map<String, Value>, plan: Option<&Value>) -> Result<Value, String> {
    let options: &[Value] = match quote.get("payment_options") {
        Some(Value::Array(a)) => a,
        Some(Value::Null) | None => &[],
        Some(other) => {
            return Err(format!(
                "`quote.payment_options` must be a list, found {}",
                kind_of(other)
            ));
        }
    };
    let code_of = |o: &Value| o.get("code").and_then(Value::as_str).map(str::to_string);
    match plan {
        None | Some(Value::Null) => {}
        Some(Value::String(code)) => {
            return match options.iter().find(|o| code_of(o).as_deref() == Some(code)) {
                Some(o) => Ok(o.clone()),
                None => {
                    let codes: Vec<String> = options.iter().filter_map(code_of).collect();
                    Err(format!(
                        "the quote has no payment option `{code}`; options: {}",
                        if codes.is_empty() {
                            "none".to_string()
                        } else {
                            codes.join(", ")
                        }
                    ))
                }
            };
        }
        Some(other) => {
            return Err(format!(
                "`plan` must be the code of a payment option, found {}",
                kind_of(other)
            ));
        }
    }
    let yearly = options.iter().find(|o| {
        matches!(
            o.get("mode").and_then(Value::as_str),
            Some("annual" | "single")
        )
    });
    Ok(yearly.or(options.first()).cloned().unwrap_or(Value::Null))
}

/// Renders document `kind` in `lang` as HTML or Markdown and returns the text. Asking for
/// [`OutFormat::Pdf`] is an error ([`RenderError::NotText`]); use [`render_document`].
pub fn render_to_string(
    renderer: &Renderer,
    kind: DocKind,
    lang: Lang,
    format: OutFormat,
    context: &Value,
) -> Result<String, RenderError> {
    if matches!(format, OutFormat::Pdf | OutFormat::Docx) {
        return Err(RenderError::NotText {
            document: kind.name().to_string(),
        });
    }
    let name = template_name(kind, format);
    let context = document_context(kind, lang, context, &name)?;
    renderer.render(&name, &context)
}

/// Renders document `kind` in `lang` and writes it to `output` as HTML, Markdown or PDF.
///
/// For PDF the HTML is written to a hidden temporary file beside `output`
/// (`.<file name>.<process id>.html`), printed with [`html_to_pdf`] and removed afterwards,
/// whether printing succeeded or not.
pub fn render_document(
    renderer: &Renderer,
    kind: DocKind,
    lang: Lang,
    format: OutFormat,
    context: &Value,
    output: &Path,
) -> Result<(), RenderError> {
    match format {
        OutFormat::Html | OutFormat::Md => {
            let text = render_to_string(renderer, kind, lang, format, context)?;
            write_file(output, &text)
        }
        OutFormat::Pdf => {
            let html = render_to_string(renderer, kind, lang, OutFormat::Html, context)?;
            print_html(&html, output)
        }
        OutFormat::Docx => {
            let bytes = super::docx::render_docx(renderer, kind, lang, context)?;
            std::fs::write(output, bytes).map_err(|source| RenderError::Io {
                path: output.to_path_buf(),
                source,
            })
        }
    }
}

/// `dir/.name.pdf.<pid>.html` for `dir/name.pdf`.
fn write_file(path: &Path, text: &str) -> Result<(), RenderError> {
    std::fs::write(path, text).map_err(|source| RenderError::Io {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kinds_and_formats_parse_from_their_names() {
        for kind in DocKind::ALL {
            assert_eq!(kind.name().parse::<DocKind>(), Ok(kind));
        }
        for format in OutFormat::ALL {
            assert_eq!(format.name().parse::<OutFormat>(), Ok(format));
        }
        assert_eq!(
            "letter"
                .parse::<DocKind>()
                .map_err(|e| e.to_string()),
            Err("unknown document `letter` (expected one of: quote, policy, schedule, worksheet, invoice, illustration)".to_string())
        );
        assert!("doc".parse::<OutFormat>().is_err());
        assert_eq!(
            template_name(DocKind::Policy, OutFormat::Pdf),
            "policy.html"
        );
        assert_eq!(
            template_name(DocKind::Worksheet, OutFormat::Md),
            "worksheet.md"
        );
    }

    fn context_of(kind: DocKind, ctx: Value) -> Result<Value, String> {
        document_context(kind, Lang::En, &ctx, "t.html").map_err(|e| e.to_string())
    }

    #[test]
    fn the_context_is_filled_in() {
        let quote = json!({
            "currency": "USD",
            "as_of": "2024-01-01",
            "illustration": [{"year": 1}],
            "payment_options": [
                {"code": "monthly", "mode": "monthly"},
                {"code": "annual", "mode": "annual"}
            ]
        });
        // A context that brings its own document model keeps it.
        let doc = json!({"policy_number": "P-1"});
        let ctx = match context_of(
            DocKind::Policy,
            json!({"quote": quote, "lang": "zh", "doc": doc}),
        ) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(ctx["lang"], "en");
        assert_eq!(ctx["currency"], "USD");
        assert_eq!(ctx["illustration"], json!([{"year": 1}]));
        assert_eq!(ctx["payment"]["code"], "annual");
        assert_eq!(ctx["billing"], Value::Null);
        assert_eq!(ctx["dispute"], Value::Null);
        assert_eq!(ctx["arbitration_body"], Value::Null);
        assert_eq!(ctx["issue_date"], "2024-01-01");
        assert_eq!(ctx["doc"]["policy_number"], "P-1");
        // Otherwise the model is built from the quote, and a quote it cannot read is refused.
        assert_eq!(
            context_of(DocKind::Policy, json!({"quote": quote})).map(|_| ()),
            Err("the policy document is refused: the quote JSON is not a quote: missing field `quote_id`".to_string())
        );

        let ctx = match context_of(
            DocKind::Policy,
            json!({"quote": quote, "plan": "monthly", "currency": "CNY", "issue_date": "2024-02-01", "doc": doc}),
        ) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(ctx["payment"]["code"], "monthly");
        assert_eq!(ctx["currency"], "CNY");
        assert_eq!(ctx["issue_date"], "2024-02-01");
    }

    #[test]
    fn a_bad_context_is_refused_with_the_reason() {
        let quote = json!({"currency": "CNY", "payment_options": []});
        for (kind, ctx, message) in [
            (
                DocKind::Quote,
                json!([]),
                "render context for `t.html`: the context must be a JSON object",
            ),
            (
                DocKind::Quote,
                json!({}),
                "render context for `t.html`: the context needs `quote`, the quote JSON as an object",
            ),
            (
                DocKind::Quote,
                json!({"quote": {}}),
                "render context for `t.html`: `quote.currency` must be a currency code such as \"CNY\"",
            ),
            (
                DocKind::Invoice,
                json!({"quote": quote}),
                "render context for `t.html`: the invoice needs `billing`, the declaration billing JSON as an object",
            ),
            (
                DocKind::Policy,
                json!({"quote": quote, "dispute": "duel"}),
                "render context for `t.html`: `dispute` must be \"arbitration\" or \"court\", found \"duel\"",
            ),
            (
                DocKind::Policy,
                json!({"quote": quote, "plan": "weekly"}),
                "render context for `t.html`: the quote has no payment option `weekly`; options: none",
            ),
            (
                DocKind::Illustration,
                json!({"quote": quote, "illustration": "yes"}),
                "render context for `t.html`: `illustration` must be a list of rows, found a string",
            ),
        ] {
            assert_eq!(context_of(kind, ctx), Err(message.to_string()));
        }
    }
}
