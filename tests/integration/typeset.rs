//! The native PDF typesetter (`render --format pdf`, engine `typst`): text that extracts,
//! real fonts, page numbers, same bytes twice, request text never read as markup, and every
//! element and class of the templates mapped. Needs the fonts and poppler-utils that `.ci/run`
//! installs (`fonts-noto-cjk`, `fonts-dejavu-core`, `poppler-utils`); no browser, so they run
//! in every `cargo test` of a build with the typesetter (the default). Layout: the markup
//! written for table snippets is checked in `src/document/typeset/table.rs`; here, on the
//! text of whole typeset documents.
#![cfg(feature = "typeset")]

use std::path::{Path, PathBuf};

use coverwright::document::typeset::{Typesetter, unsupported_markup};

use crate::support::run;

fn tempdir(name: &str) -> PathBuf {
    crate::quote::tempdir(&format!("typeset-{name}"))
}

/// Quotes `example` (`examples/<example>.yaml`) and writes the JSON to `dir/q.json`.
fn quote(example: &str, dir: &Path) -> PathBuf {
    let q = dir.join(format!("{example}.json"));
    let request = format!("examples/{example}.yaml");
    let code = example.to_uppercase();
    let (status, out, err) = run(&[
        "quote",
        "--product",
        &code,
        "--request",
        &request,
        "--format",
        "json",
    ]);
    assert_eq!(status, 0, "{err}");
    std::fs::write(&q, out).unwrap();
    q
}

/// Renders `document` of quote `q` in `lang` and `format` to `out` (with the example's
/// policy options when it has them); returns the diagnostics.
fn render(q: &Path, example: &str, document: &str, lang: &str, format: &str, out: &Path) {
    let policy = format!("examples/{example}-policy.yaml");
    let mut args = vec![
        "render",
        "--quote",
        q.to_str().unwrap(),
        "--document",
        document,
        "--lang",
        lang,
        "--format",
        format,
        "--output",
        out.to_str().unwrap(),
        "--pdf-engine",
        "typst",
    ];
    if Path::new(&policy).is_file() {
        args.extend(["--policy-options", policy.as_str()]);
    }
    let (status, _, err) = run(&args);
    assert_eq!(status, 0, "{example} {document} {lang} {format}: {err}");
}

fn pdftotext(pdf: &Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(out.status.success(), "pdftotext {}", pdf.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The font lines of `pdffonts` (name, type, ...).
fn pdffonts(pdf: &Path) -> Vec<String> {
    let out = std::process::Command::new("pdffonts")
        .arg(pdf)
        .output()
        .expect("pdffonts (poppler-utils)");
    assert!(out.status.success(), "pdffonts {}", pdf.display());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(2)
        .map(str::to_string)
        .collect()
}

/// The text between `before` and the next `<` in `html`.
fn html_value<'a>(html: &'a str, before: &str) -> &'a str {
    let at = html
        .find(before)
        .unwrap_or_else(|| panic!("{before} in the HTML"))
        + before.len();
    &html[at..at + html[at..].find('<').unwrap()]
}

#[test]
fn a_ga_sme_policy_typesets_in_both_languages() {
    let dir = tempdir("policy");
    let q = quote("ga-sme", &dir);
    for (lang, page_one, company, currency) in [
        ("zh", "第 1 页 共 ", "杭州某某餐饮有限公司", "¥"),
        ("en", "Page 1 of ", "杭州某某餐饮有限公司", "CNY "),
    ] {
        let html = dir.join(format!("policy-{lang}.html"));
        render(&q, "ga-sme", "policy", lang, "html", &html);
        let html = std::fs::read_to_string(&html).unwrap();
        let number = html_value(&html, "<b>").to_string();
        let total = html_value(&html, "<span class=\"figures\">").to_string();
        assert!(
            number.starts_with("P-GA-SME-") || number.contains("Q-GA-SME-"),
            "{number}"
        );
        assert!(total.starts_with(currency), "{lang}: {total}");

        let pdf = dir.join(format!("policy-{lang}.pdf"));
        render(&q, "ga-sme", "policy", lang, "pdf", &pdf);
        // Compared without whitespace: the gaps pdftotext reads as spaces vary with the font.
        let text: String = pdftotext(&pdf).split_whitespace().collect();
        for wanted in [number.as_str(), company, total.as_str(), page_one] {
            let wanted: String = wanted.split_whitespace().collect();
            assert!(text.contains(&wanted), "{lang}: `{wanted}` not in:\n{text}");
        }
        let fonts = pdffonts(&pdf);
        assert!(!fonts.is_empty());
        assert!(
            fonts
                .iter()
                .all(|f| !f.contains("Type 3") && f.contains(" yes ")),
            "{fonts:#?}"
        );
        // The same quote gives the same bytes.
        let again = dir.join(format!("policy-{lang}-again.pdf"));
        render(&q, "ga-sme", "policy", lang, "pdf", &again);
        assert!(
            std::fs::read(&pdf).unwrap() == std::fs::read(&again).unwrap(),
            "{lang}: two renders differ"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn page_numbers_count_the_pages_of_each_document() {
    let dir = tempdir("pages");
    let q = quote("ga-sme", &dir);
    let pdf = dir.join("quote.pdf");
    render(&q, "ga-sme", "quote", "zh", "pdf", &pdf);
    let text = pdftotext(&pdf);
    let pages = text.matches('\u{c}').count();
    let text: String = text.split_whitespace().collect();
    assert!(pages >= 2, "{pages} pages");
    for n in 1..=pages {
        let footer = format!("第{n}页共{pages}页");
        assert!(text.contains(&footer), "`{footer}` not in:\n{text}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn request_text_is_printed_literally_never_as_markup() {
    let name = r#"#set page(width: 1cm) $x$ *b* _i_ `c` <l> @r \ [x] #{panic("no")}"#;
    let escaped = name
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let html = format!(
        "<!doctype html><html lang=\"zh\"><head><title>t</title></head><body>\
         <table class=\"summary\"><tbody><tr><th>投保人</th><td>{escaped}</td></tr></tbody></table>\
         <p>{escaped}</p></body></html>"
    );
    assert_eq!(unsupported_markup(&html), Vec::<String>::new());
    let typesetter = Typesetter::shared().unwrap_or_else(|e| panic!("{e}"));
    let bytes = typesetter.pdf(&html).unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("literal");
    let pdf = dir.join("literal.pdf");
    std::fs::write(&pdf, &bytes).unwrap();
    let text = pdftotext(&pdf);
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(flat.matches(name).count(), 2, "{flat}");
    assert_eq!(typesetter.pdf(&html).unwrap(), bytes, "same bytes twice");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unknown_markup_is_typeset_as_text_and_named() {
    let html = "<html><body><marquee class=\"odd\">滚动 <blink>文字</blink></marquee>\
                <p style=\"color: red\">红</p></body></html>";
    assert_eq!(
        unsupported_markup(html),
        ["<blink>", "<marquee>", "marquee.odd", "style:color"]
    );
    let bytes = Typesetter::shared()
        .and_then(|t| t.pdf(html))
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("unknown");
    let pdf = dir.join("unknown.pdf");
    std::fs::write(&pdf, &bytes).unwrap();
    let text = pdftotext(&pdf);
    assert!(text.contains("滚动 文字") && text.contains('红'), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every element, class and style the templates produce has a Typst mapping, for every
/// document each example product offers, in both languages.
#[test]
fn every_template_is_fully_mapped() {
    let dir = tempdir("mapped");
    for (example, documents) in [
        ("ga-sme", &["quote", "policy", "schedule", "worksheet"][..]),
        ("sp-acc", &["quote", "policy", "schedule", "worksheet"][..]),
        ("ec-sme", &["quote", "policy", "schedule", "worksheet"][..]),
        (
            "bo-ann",
            &["quote", "policy", "schedule", "worksheet", "illustration"][..],
        ),
        (
            "pa-flex",
            &["quote", "policy", "schedule", "worksheet", "illustration"][..],
        ),
    ] {
        let q = quote(example, &dir);
        for document in documents {
            for lang in ["zh", "en"] {
                let out = dir.join(format!("{example}-{document}-{lang}.html"));
                render(&q, example, document, lang, "html", &out);
                let html = std::fs::read_to_string(&out).unwrap();
                assert_eq!(
                    unsupported_markup(&html),
                    Vec::<String>::new(),
                    "{example} {document} {lang}"
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
