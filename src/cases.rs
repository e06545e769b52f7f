//! Product test cases: the requests written in a product file's `tests:` section, quoted and
//! compared with what the product author expects (`coverwright test`).
//!
//! A case passes when every expected amount matches to the fen (or within its tolerance) and
//! an expected decline fails exactly the rules named.

use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::diagnostics::{Diagnostic, Span, codes};
use crate::document::render::{DocKind, OutFormat};
use crate::document::{Lang, RenderError};
use crate::product::Product;
use crate::quote::{self, Outcome, QuoteOptions};
use crate::request;

/// The result of one case.
#[derive(Clone, Debug)]
pub struct CaseResult {
    /// The product version, `CODE@VERSION`.
    pub product: String,
    /// The case name.
    pub name: String,
    /// `file:line` of the case.
    pub location: String,
    /// Whether every comparison held.
    pub passed: bool,
    /// One line per comparison, e.g. "total: expected 995.40, got 995.40".
    pub details: Vec<String>,
}

fn close(expected: Decimal, actual: Decimal, tol: Decimal) -> bool {
    expected.checked_sub(actual).is_some_and(|d| d.abs() <= tol)
}

/// Runs every case of a product.
pub fn run_product(p: &Product) -> Vec<CaseResult> {
    p.tests.iter().map(|t| run_case(p, t)).collect()
}

/// Why a case's request cannot be quoted: what was being read (`census` or `request`) and
/// every diagnostic about it.
type Refusal = (&'static str, Vec<Diagnostic>);

/// The checked request of a case, exactly as `coverwright test` (and `quote`) would read it:
/// its census, its header (the version in force on its start date must be this one) and the
/// request itself against the product's inputs.
fn case_request(p: &Product, t: &crate::product::TestCase) -> Result<request::Request, Refusal> {
    let census = match &t.census {
        Some(path) => {
            Some(crate::census::read_members(p, path, None).map_err(|d| ("census", d.into_vec()))?)
        }
        None => None,
    };
    // The case is priced by this version: it must be the one in force on its start date.
    let header = request::header(&t.request, &p.file).map_err(|d| ("request", d.into_vec()))?;
    request::pick(std::slice::from_ref(p), &p.code, &header, &p.file).map_err(|e| {
        let d = match e {
            request::PickError::NotInForce(d) => d,
            request::PickError::Unknown(m) => Diagnostic::error(codes::E0215, m),
        };
        ("request", vec![d])
    })?;
    request::check(p, &t.request, &p.file, census).map_err(|d| ("request", d.into_vec()))
}

/// What `validate` adds for a loaded product: every test case whose request (or census)
/// `test` would refuse, with the diagnostics `test` and `quote` give, located in the product
/// file (or the census). The request checker sits above `product` in the layers, so this
/// runs in the validate command's path rather than in `product::check`.
pub fn check_requests(p: &Product) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for t in &p.tests {
        if let Err((_, diags)) = case_request(p, t) {
            for d in diags {
                out.push(if d.file.is_none() {
                    d.in_file(&p.file).at(Span::new(t.line, 1, 0, 0))
                } else {
                    d
                });
            }
        }
    }
    out
}

fn run_case(p: &Product, t: &crate::product::TestCase) -> CaseResult {
    let mut details = Vec::new();
    let location = format!("{}:{}", p.file.display(), t.line);
    let req = match case_request(p, t) {
        Ok(r) => r,
        Err((what, d)) => {
            for x in &d {
                details.push(format!("{what}: {x}"));
            }
            return CaseResult {
                product: p.id(),
                name: t.name.clone(),
                location,
                passed: false,
                details,
            };
        }
    };
    let opts = QuoteOptions {
        worksheet: false,
        ..Default::default()
    };
    let mut passed = true;
    match quote::quote(p, &req, &opts) {
        Err(e) => {
            passed = false;
            details.push(format!("error: {e}"));
        }
        Ok(Outcome::Declined(failures)) => {
            let mut got: Vec<String> = failures.iter().map(|f| f.rule.clone()).collect();
            got.sort();
            got.dedup();
            let mut want = t.decline.clone();
            want.sort();
            if want.is_empty() {
                passed = false;
                details.push(format!(
                    "expected a quote, got a decline: {}",
                    got.join(", ")
                ));
            } else if want != got {
                passed = false;
                details.push(format!(
                    "decline: expected {}, got {}",
                    want.join(", "),
                    got.join(", ")
                ));
            } else {
                details.push(format!("declined by {}", got.join(", ")));
            }
        }
        Ok(Outcome::Quoted(q, rated)) => {
            passed &= compare_quote(p, t, &q, &rated, &mut details);
        }
    }
    CaseResult {
        product: p.id(),
        name: t.name.clone(),
        location,
        passed,
        details,
    }
}

/// Compares a quote with what a case expects (total, coverage premiums, step values); `true`
/// when every comparison holds. One detail line per comparison.
fn compare_quote(
    p: &Product,
    t: &crate::product::TestCase,
    q: &quote::Quote,
    rated: &crate::rating::Rated,
    details: &mut Vec<String>,
) -> bool {
    let mut passed = true;
    if !t.decline.is_empty() {
        passed = false;
        details.push(format!(
            "expected a decline by {}, got a quote of {}",
            t.decline.join(", "),
            q.totals.gross
        ));
    }
    let parse = |s: &str| s.parse::<Decimal>().unwrap_or_default();
    if let Some(want) = t.total {
        let got = parse(&q.totals.gross);
        let ok = close(want, got, t.tolerance);
        passed &= ok;
        details.push(format!(
            "total: expected {}, got {}",
            p.format_money(want),
            q.totals.gross
        ));
    }
    for (code, want) in &t.coverages {
        match q.coverages.iter().find(|c| &c.code == code) {
            Some(c) => {
                let ok = close(*want, parse(&c.premium), t.tolerance);
                passed &= ok;
                details.push(format!(
                    "{code}: expected {}, got {}",
                    p.format_money(*want),
                    c.premium
                ));
            }
            None => {
                passed = false;
                details.push(format!(
                    "{code}: expected {}, but the coverage is not in the quote",
                    p.format_money(*want)
                ));
            }
        }
    }
    for (step, want) in &t.steps {
        match p.steps.iter().position(|s| &s.name == step) {
            Some(i) => {
                // A member step is read for the first member (individual cover).
                let got = match p.steps[i].scope {
                    crate::formula::Scope::Policy => rated.policy_steps[i],
                    crate::formula::Scope::Member => rated
                        .member_steps
                        .first()
                        .map(|m| m[i])
                        .unwrap_or(rated.policy_steps[i]),
                }
                .num()
                .unwrap_or_default();
                let ok = close(*want, got, t.tolerance);
                passed &= ok;
                details.push(format!(
                    "{step}: expected {}, got {}",
                    want.normalize(),
                    got.normalize()
                ));
            }
            None => {
                passed = false;
                details.push(format!("{step}: no such step"));
            }
        }
    }
    passed
}

/// Renders every document a product names, in both languages and both text formats, against
/// the quote of its first test case that quotes, so that a template error (a misspelt
/// variable, a missing translation) fails validation with the template's file and line.
pub fn check_templates(p: &Product, templates: &std::path::Path) -> Vec<Diagnostic> {
    check_templates_cached(p, &mut TemplateCache::new(templates))
}

/// [`check_templates`] for one product of many: the templates are compiled once per `cache`,
/// and a document already rendered from the same template file, language, format and line of
/// business is not rendered again. Nothing is quoted for a product whose documents were all
/// rendered already; otherwise the product's quote is made once and turned into one template
/// context per language, which every document of that language is rendered with.
pub fn check_templates_cached(p: &Product, cache: &mut TemplateCache) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if p.documents.is_empty() {
        return out;
    }
    let Some(quote) = sample_quote(p) else {
        out.push(
            Diagnostic::warning(
                codes::W0150,
                format!(
                    "{}: no test case gives a quote, so its documents were not rendered",
                    p.id()
                ),
            )
            .in_file(&p.file)
            .with_help("add a test case that is quoted, not declined"),
        );
        return out;
    };
    let todo = templates_to_render(p, cache);
    if todo.is_empty() {
        return out;
    }
    let templates = cache.dir().to_path_buf();
    let renderer = match cache.renderer() {
        Ok(r) => r,
        Err(e) => {
            out.push(render_diag(e, &templates));
            return out;
        }
    };
    let ctx =
        serde_json::json!({ "quote": quote, "insurer": crate::document::options::insurer_of(p) });
    // The documents to render, each with the context of its language (made once, on both
    // cores when both languages are wanted); rendered on every core, reported in order.
    let jobs: Vec<(DocKind, Lang, OutFormat)> = todo
        .into_iter()
        .filter_map(|(kind_name, lang, format)| {
            let kind = kind_name.parse::<DocKind>().ok()?;
            // Invoices render from a declaration billing, not a quote alone.
            (kind != DocKind::Invoice).then_some((kind, lang, format))
        })
        .collect();
    let wants = |l: Lang| jobs.iter().any(|j| j.1 == l);
    let (zh, en) = rayon::join(
        || {
            wants(Lang::Zh)
                .then(|| prepared_context(Lang::Zh, &ctx))
                .flatten()
        },
        || {
            wants(Lang::En)
                .then(|| prepared_context(Lang::En, &ctx))
                .flatten()
        },
    );
    let errors: Vec<Diagnostic> = jobs
        .par_iter()
        .filter_map(|&(kind, lang, format)| {
            let prepared = if lang == Lang::En { &en } else { &zh };
            let e = render_one(renderer, prepared.as_ref(), kind, lang, format, &ctx).err()?;
            let d = render_diag(&e, &templates);
            Some(Diagnostic {
                message: format!("{} ({}, {})", d.message, p.id(), lang.code()),
                ..d
            })
        })
        .collect();
    for d in errors {
        if !out.iter().any(|x| x.file == d.file && x.span == d.span) {
            out.push(d);
        }
    }
    out
}

/// The documents of `p` (kind, language, format) not rendered yet in this cache, each named
/// document in both languages and both text formats; records them as rendered.
fn templates_to_render<'p>(
    p: &'p Product,
    cache: &mut TemplateCache,
) -> Vec<(&'p str, Lang, OutFormat)> {
    let mut todo = Vec::new();
    for (kind_name, file) in &p.documents {
        for lang in [Lang::Zh, Lang::En] {
            for format in [OutFormat::Html, OutFormat::Md] {
                let variant = format!("{kind_name} {} {format:?} {}", lang.code(), p.line.as_str());
                match cache.key(file, &variant) {
                    Some(k) if cache.seen(k) => {}
                    _ => todo.push((kind_name.as_str(), lang, format)),
                }
            }
        }
    }
    todo
}

/// The JSON of the quote of `p`'s first test case that gives one, with its worksheet.
fn sample_quote(p: &Product) -> Option<serde_json::Value> {
    for t in &p.tests {
        let census = t
            .census
            .as_ref()
            .and_then(|c| crate::census::read_members(p, c, None).ok());
        let Ok(req) = request::check(p, &t.request, &p.file, census) else {
            continue;
        };
        let opts = QuoteOptions {
            worksheet: true,
            ..Default::default()
        };
        if let Ok(Outcome::Quoted(q, _)) = quote::quote(p, &req, &opts) {
            return serde_json::to_value(&*q).ok();
        }
    }
    None
}

/// The engine's context of a document in `lang`, made once for every document of that
/// language (the context does not depend on the kind of document outside invoices); `None`
/// when it cannot be made, so that each render reports its own error.
fn prepared_context(lang: Lang, ctx: &serde_json::Value) -> Option<tera::Context> {
    let name = crate::document::render::template_name(DocKind::Quote, OutFormat::Html);
    let full = crate::document::render::document_context(DocKind::Quote, lang, ctx, &name).ok()?;
    tera::Context::from_serialize(&full).ok()
}

/// Renders one document with the prepared context where its kind shares the quote's; on any
/// failure (or without one) renders it again the ordinary way, so the error, or the refusal of
/// the document, is exactly the one `render` gives.
fn render_one(
    renderer: &crate::document::Renderer,
    prepared: Option<&tera::Context>,
    kind: DocKind,
    lang: Lang,
    format: OutFormat,
    ctx: &serde_json::Value,
) -> Result<(), RenderError> {
    let name = crate::document::render::template_name(kind, format);
    if let Some(c) = prepared
        && crate::document::render::shares_quote_context(kind)
        && renderer.render_prepared(&name, c).is_ok()
    {
        return Ok(());
    }
    crate::document::render::render_to_string(renderer, kind, lang, format, ctx).map(drop)
}

/// The diagnostic of a render error: at the template's line and column when it has them,
/// else on the templates folder.
fn render_diag(e: &RenderError, dir: &std::path::Path) -> Diagnostic {
    match e {
        RenderError::Template {
            path,
            line,
            column,
            message,
            ..
        } => Diagnostic::error(codes::E0150, message.clone())
            .in_file(path)
            .at(Span::new(*line as u32, *column as u32, 0, 0)),
        other => Diagnostic::error(codes::E0150, other.to_string()).in_file(dir),
    }
}

/// Document checks shared by the products of one `validate` run: the templates folder is
/// compiled once, and each document is rendered once per (content of its template file,
/// language, output format, line of business) rather than once per product. Products of one
/// line give quotes of one shape, so a template that renders for one renders for the others.
pub struct TemplateCache {
    dir: std::path::PathBuf,
    renderer: Option<Result<crate::document::Renderer, crate::document::RenderError>>,
    done: std::collections::HashSet<[u8; 32]>,
    /// The hash of each template file's bytes, by name (`None`: unreadable), read once.
    files: std::collections::HashMap<String, Option<[u8; 32]>>,
}

impl TemplateCache {
    /// A cache for the templates in `dir`.
    pub fn new(dir: &std::path::Path) -> TemplateCache {
        TemplateCache {
            dir: dir.to_path_buf(),
            renderer: None,
            done: Default::default(),
            files: Default::default(),
        }
    }

    /// The templates folder.
    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    /// Compiles the templates now (for example beside loading the products) rather than on
    /// first use.
    pub fn compile(&mut self) {
        let _ = self.renderer();
    }

    /// The renderer of the folder, compiled on first use.
    pub fn renderer(
        &mut self,
    ) -> Result<&crate::document::Renderer, &crate::document::RenderError> {
        let dir = &self.dir;
        self.renderer
            .get_or_insert_with(|| crate::document::Renderer::new(dir))
            .as_ref()
    }

    /// The key of rendering `template` (a file under the folder) in `variant` (language,
    /// format and line of business, as text): a hash of the file's bytes and the variant.
    /// `None` when the file cannot be read (rendering reports it). Each file is read and
    /// hashed once per cache.
    pub fn key(&mut self, template: &str, variant: &str) -> Option<[u8; 32]> {
        use sha2::{Digest, Sha256};
        let dir = &self.dir;
        let file = *self.files.entry(template.to_string()).or_insert_with(|| {
            let bytes =
                crate::fsio::read_input(&dir.join(template), crate::fsio::MAX_DOCUMENT_BYTES)
                    .ok()?;
            Some(Sha256::digest(&bytes).into())
        });
        let mut h = Sha256::new();
        h.update(file?);
        h.update([0]);
        h.update(variant.as_bytes());
        Some(h.finalize().into())
    }

    /// Whether `key` was rendered already; records it as rendered.
    pub fn seen(&mut self, key: [u8; 32]) -> bool {
        !self.done.insert(key)
    }
}
