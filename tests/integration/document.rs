//! The document stage: rendering fixture templates with the document filters, escaping,
//! errors that name the template file and line, confinement of template names, the
//! message catalogue, and printing to PDF.

use std::path::{Path, PathBuf};

use coverwright::document::{Catalogue, RenderError, Renderer, html_to_pdf};
use serde_json::{Value, json};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/templates")
}

fn renderer() -> Renderer {
    match Renderer::new(&fixtures()) {
        Ok(r) => r,
        Err(e) => panic!("loading fixture templates: {e}"),
    }
}

fn quote(lang: &str) -> Value {
    json!({
        "lang": lang,
        "currency": "CNY",
        "policyholder": "<script>alert(1)</script>",
        "premium": "12345.67",
        "start": "2024-01-01",
        "end": "2024-12-31",
        "class": 1,
        "ratio": "0.265",
        "rate": "0.0015",
        "country": "A",
        "method": "O/A",
        "sex": "female",
        "mode": "semi_annual",
    })
}

fn render_ok(name: &str, context: &Value) -> String {
    match renderer().render(name, context) {
        Ok(s) => s,
        Err(e) => panic!("rendering {name}: {e}"),
    }
}

fn render_err(name: &str, context: &Value) -> RenderError {
    match renderer().render(name, context) {
        Ok(s) => panic!("rendering {name} should fail, got {s:?}"),
        Err(e) => e,
    }
}

/// A fresh scratch directory for this test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("coverwright-doc-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        panic!("creating {}: {e}", dir.display());
    }
    dir
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent()
        && let Err(e) = std::fs::create_dir_all(parent)
    {
        panic!("creating {}: {e}", parent.display());
    }
    if let Err(e) = std::fs::write(path, text) {
        panic!("writing {}: {e}", path.display());
    }
}

#[test]
fn template_names_are_relative_and_sorted() {
    assert_eq!(
        renderer().template_names(),
        [
            "float_amount.md",
            "include_broken.html",
            "missing_key.md",
            "parts/broken.html",
            "parts/header.html",
            "quote.html",
            "quote.md",
            "undefined.md",
        ]
    );
}

#[test]
fn html_in_chinese_with_filters_and_escaping() {
    assert_eq!(
        render_ok("quote.html", &quote("zh")),
        "<h1>报价单</h1>\n\n\
         <p>投保人: &lt;script&gt;alert(1)&lt;/script&gt;</p>\n\
         <p>保险费: ¥12,345.67 (人民币壹万贰仟叁佰肆拾伍元陆角柒分)</p>\n\
         <p>保险期间: 自 2024年1月1日零时起至 2024年12月31日二十四时止</p>\n\
         <p>一类（内勤、办公室人员）; 26.5%; 1.5‰</p>\n"
    );
}

#[test]
fn html_in_english() {
    assert_eq!(
        render_ok("quote.html", &quote("en")),
        "<h1>Quotation</h1>\n\n\
         <p>Policyholder: &lt;script&gt;alert(1)&lt;/script&gt;</p>\n\
         <p>Premium: CNY 12,345.67 (人民币壹万贰仟叁佰肆拾伍元陆角柒分)</p>\n\
         <p>Period of cover: From 00:00 on 1 January 2024 to 24:00 on 31 December 2024</p>\n\
         <p>Class 1 (office staff); 26.5%; 1.5‰</p>\n"
    );
}

#[test]
fn markdown_is_not_escaped_and_arguments_override_the_context() {
    assert_eq!(
        render_ok("quote.md", &quote("zh")),
        "# 报价单\n\n\
         - 投保人: <script>alert(1)</script>\n\
         - 保险费: ¥12,345.67 / USD 12,345.67\n\
         - 2024年1月1日, A类（低风险）, 赊销（O/A）, 女, 半年交\n"
    );
    assert_eq!(
        render_ok("quote.md", &quote("en")),
        "# Quotation\n\n\
         - Policyholder: <script>alert(1)</script>\n\
         - Premium: CNY 12,345.67 / USD 12,345.67\n\
         - 1 January 2024, Class A (low risk), Open account (O/A), Female, Semi-annual\n"
    );
}

#[test]
fn undefined_variable_names_file_and_line() {
    match render_err(
        "undefined.md",
        &json!({"lang": "zh", "currency": "CNY", "premium": "1"}),
    ) {
        RenderError::Template {
            template,
            path,
            line,
            column,
            message,
        } => {
            assert_eq!(template, "undefined.md");
            assert_eq!(path, fixtures().join("undefined.md"));
            assert_eq!((line, column), (4, 13));
            assert_eq!(
                message,
                "Variable `insured_name` is not defined. Available variables: currency, lang, premium"
            );
        }
        other => panic!("expected a template error, got {other:?}"),
    }
}

#[test]
fn error_display_starts_with_file_line_and_column() {
    let err = render_err(
        "undefined.md",
        &json!({"lang": "zh", "currency": "CNY", "premium": "1"}),
    );
    assert_eq!(
        err.to_string(),
        format!(
            "{}:4:13: Variable `insured_name` is not defined. Available variables: currency, lang, premium",
            fixtures().join("undefined.md").display()
        )
    );
}

#[test]
fn missing_catalogue_key_names_file_and_line() {
    match render_err("missing_key.md", &json!({"lang": "en"})) {
        RenderError::Template {
            template,
            line,
            message,
            ..
        } => {
            assert_eq!(template, "missing_key.md");
            assert_eq!(line, 2);
            assert_eq!(
                message,
                "message catalogue has no text for key `label.no_such_key` in language `en`"
            );
        }
        other => panic!("expected a template error, got {other:?}"),
    }
}

#[test]
fn an_error_in_an_included_template_names_that_file() {
    match render_err("include_broken.html", &json!({"lang": "zh", "rate": 0.5})) {
        RenderError::Template {
            template,
            path,
            line,
            message,
            ..
        } => {
            assert_eq!(template, "parts/broken.html");
            assert_eq!(path, fixtures().join("parts/broken.html"));
            assert_eq!(line, 2);
            assert_eq!(
                message,
                "`0.5` is a floating-point number; pass amounts and rates as decimal strings such as \"1234.50\""
            );
        }
        other => panic!("expected a template error, got {other:?}"),
    }
}

#[test]
fn amounts_must_not_be_floats_or_malformed() {
    let message = |amount: Value| match render_err(
        "float_amount.md",
        &json!({"lang": "zh", "currency": "CNY", "amount": amount}),
    ) {
        RenderError::Template { line, message, .. } => {
            assert_eq!(line, 1);
            message
        }
        other => panic!("expected a template error, got {other:?}"),
    };
    assert_eq!(
        message(json!(1234.5)),
        "`1234.5` is a floating-point number; pass amounts and rates as decimal strings such as \"1234.50\""
    );
    assert_eq!(
        message(json!("1,234.50")),
        "`1,234.50` is not a decimal number (expected digits with an optional `-` and `.`)"
    );
    assert_eq!(
        message(json!("1234.505")),
        "amount 1234.505 has more than two decimals; round it before printing"
    );
    assert_eq!(
        render_ok(
            "float_amount.md",
            &json!({"lang": "en", "currency": "USD", "amount": 2065})
        ),
        "USD 2,065.00\n"
    );
}

#[test]
fn a_language_is_required() {
    match render_err(
        "float_amount.md",
        &json!({"currency": "CNY", "amount": "1"}),
    ) {
        RenderError::Template { message, .. } => assert_eq!(
            message,
            "no language: put `lang` (\"zh\" or \"en\") in the context or pass `lang=`"
        ),
        other => panic!("expected a template error, got {other:?}"),
    }
    match render_err(
        "float_amount.md",
        &json!({"lang": "fr", "currency": "CNY", "amount": "1"}),
    ) {
        RenderError::Template { message, .. } => {
            assert_eq!(message, "unknown language `fr` (expected one of: zh, en)")
        }
        other => panic!("expected a template error, got {other:?}"),
    }
}

#[test]
fn names_leaving_the_directory_are_refused() {
    let r = renderer();
    for name in [
        "../templates/quote.html",
        "/etc/passwd",
        "parts/../quote.html",
    ] {
        match r.render(name, &quote("zh")) {
            Err(RenderError::NameRefused { name: n, .. }) => assert_eq!(n, name),
            other => panic!("{name}: expected a refusal, got {other:?}"),
        }
    }
    let err = r.render("../secret.md", &quote("zh"));
    assert_eq!(
        err.map_err(|e| e.to_string()),
        Err("template name `../secret.md` refused: `..` is not allowed; templates are looked up inside the template directory only".to_string())
    );
    match r.render("nope.html", &quote("zh")) {
        Err(RenderError::NotFound { name, .. }) => assert_eq!(name, "nope.html"),
        other => panic!("expected not found, got {other:?}"),
    }
}

#[test]
fn an_include_leaving_the_directory_is_refused_at_load() {
    let dir = scratch("include-up");
    write(&dir.join("outside.html"), "secret");
    write(
        &dir.join("tpl/page.html"),
        "{% include \"../outside.html\" %}\n",
    );
    match Renderer::new(&dir.join("tpl")) {
        Err(RenderError::TemplateSet { report, .. }) => {
            assert!(
                report.contains("Unknown template `../outside.html`"),
                "{report}"
            );
            assert!(report.contains("page.html:1:"), "{report}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_symlink_pointing_outside_is_refused() {
    let dir = scratch("symlink");
    write(&dir.join("outside.html"), "secret");
    write(&dir.join("tpl/page.html"), "ok");
    let link = dir.join("tpl/leak.html");
    if let Err(e) = std::os::unix::fs::symlink(dir.join("outside.html"), &link) {
        panic!("creating symlink: {e}");
    }
    match Renderer::new(&dir.join("tpl")) {
        Err(RenderError::PathRefused { path, reason }) => {
            assert_eq!(path, link);
            assert!(
                reason.starts_with("symbolic link points outside the template directory"),
                "{reason}"
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // A link that stays inside is an ordinary template.
    if let Err(e) = std::fs::remove_file(&link) {
        panic!("removing symlink: {e}");
    }
    if let Err(e) = std::os::unix::fs::symlink(dir.join("tpl/page.html"), &link) {
        panic!("creating symlink: {e}");
    }
    match Renderer::new(&dir.join("tpl")) {
        Ok(r) => {
            assert_eq!(r.template_names(), ["leak.html", "page.html"]);
            assert_eq!(
                r.render("leak.html", &json!({})).ok(),
                Some("ok".to_string())
            );
        }
        Err(e) => panic!("{e}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unknown_filter_is_reported_at_load_with_file_and_line() {
    let dir = scratch("unknown-filter");
    write(&dir.join("a.md"), "line one\n{{ x | monney }}\n");
    match Renderer::new(&dir) {
        Err(RenderError::TemplateSet { report, .. }) => {
            assert!(report.contains("Unknown filter `monney`"), "{report}");
            assert!(report.contains("a.md:2:"), "{report}");
        }
        other => panic!("expected an error, got {other:?}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_syntax_error_names_file_and_line() {
    let dir = scratch("syntax");
    write(&dir.join("a.md"), "ok\n\n{% if %}\n");
    match Renderer::new(&dir) {
        Err(RenderError::Template { template, line, .. }) => {
            assert_eq!(template, "a.md");
            assert_eq!(line, 3);
        }
        other => panic!("expected an error, got {other:?}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_context_must_be_an_object() {
    match renderer().render("quote.md", &json!(["not", "a", "map"])) {
        Err(RenderError::Context { template, message }) => {
            assert_eq!(template, "quote.md");
            assert_eq!(message, "the context must be a JSON object");
        }
        other => panic!("expected a context error, got {other:?}"),
    }
}

/// Chinese and English must define the same keys, in the project catalogue and the fixture.
#[test]
fn catalogues_are_in_sync() {
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/i18n");
    for dir in [project, fixtures().join("i18n")] {
        match Catalogue::load(&dir) {
            Ok(cat) => assert!(!cat.keys().is_empty(), "{}", dir.display()),
            Err(e) => panic!("{e}"),
        }
    }
}

#[test]
fn the_project_catalogue_has_the_document_labels() {
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/i18n");
    let cat = match Catalogue::load(&project) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    use coverwright::document::Lang;
    for (key, zh, en) in [
        ("label.premium", "保险费", "Premium"),
        ("label.sum_insured", "保险金额", "Sum insured"),
        ("label.policy_number", "保险单号", "Policy number"),
        ("label.special_clauses", "特别约定", "Special clauses"),
        ("doc.policy_schedule", "保险单", "Policy Schedule"),
    ] {
        assert_eq!(cat.get(Lang::Zh, key), Some(zh), "{key}");
        assert_eq!(cat.get(Lang::En, key), Some(en), "{key}");
    }
}

#[test]
fn pdf_of_a_missing_html_file_is_an_error() {
    let dir = scratch("pdf-missing");
    let err = html_to_pdf(&dir.join("none.html"), &dir.join("none.pdf"));
    match err {
        Err(RenderError::Io { path, .. }) => assert_eq!(path, dir.join("none.html")),
        other => panic!("expected an I/O error, got {other:?}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Needs Chromium and `pdftotext` (Debian: `apt-get install chromium poppler-utils
/// fonts-noto-cjk`). Run with `cargo test -- --ignored`.
#[test]
#[ignore]
fn pdf_with_chinese_text() {
    let dir = scratch("pdf");
    let html = dir.join("报价 单.html");
    let pdf = dir.join("out.pdf");
    write(
        &html,
        "<!doctype html><html><head><meta charset=\"utf-8\"></head>\
         <body><p>保险费合计 人民币壹万贰仟叁佰肆拾伍元陆角柒分</p></body></html>",
    );
    if let Err(e) = html_to_pdf(&html, &pdf) {
        panic!("{e}");
    }
    let out = match std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
    {
        Ok(o) => o,
        Err(e) => panic!("running pdftotext: {e}"),
    };
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("保险费合计 人民币壹万贰仟叁佰肆拾伍元陆角柒分"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_project_template_directory_loads() {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(coverwright::document::DEFAULT_TEMPLATE_DIR);
    match Renderer::new(&dir) {
        Ok(r) => assert!(!r.catalogue().keys().is_empty()),
        Err(e) => panic!("{e}"),
    }
}

/// Tera 2 lets a condition test an absent name (it is false); printing it is an error.
#[test]
fn an_absent_name_in_a_condition_is_false() {
    let dir = scratch("if-absent");
    write(
        &dir.join("a.md"),
        "{% if note %}{{ note }}{% else %}none{% endif %}\n",
    );
    let r = match Renderer::new(&dir) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(
        r.render("a.md", &json!({})).ok(),
        Some("none\n".to_string())
    );
    assert_eq!(
        r.render("a.md", &json!({"note": null})).ok(),
        Some("none\n".to_string())
    );
    assert_eq!(
        r.render("a.md", &json!({"note": "x"})).ok(),
        Some("x\n".to_string())
    );
    let _ = std::fs::remove_dir_all(&dir);
}
