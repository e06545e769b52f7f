//! Every example quoted and rendered: every document in both languages and both text formats
//! (PDF in the ignored test of `document`), and a template typo caught by `validate`.

use coverwright::document::options::{options_for, quote_product};
use coverwright::document::render::{DocKind, OutFormat, render_quote};
use coverwright::document::{DocOptions, Lang, Renderer};

use crate::quote::tempdir;
use crate::support::run;

const EXAMPLES: [(&str, &str); 7] = [
    ("GA-SME", "examples/ga-sme.yaml"),
    ("SP-ACC", "examples/sp-acc.yaml"),
    ("GIG-MED", "examples/gig-med.yaml"),
    ("GSM-SME", "examples/gsm-sme.yaml"),
    ("EC-SME", "examples/ec-sme.yaml"),
    ("BO-ANN", "examples/bo-ann.yaml"),
    ("PA-FLEX", "examples/pa-flex.yaml"),
];

/// The options `render` uses for a quote: its product's terms and its insurer's profile.
pub fn options(quote: &serde_json::Value, lang: Lang) -> DocOptions {
    let products = std::path::Path::new("products");
    let product = quote_product(quote, products).unwrap_or_else(|e| panic!("{e}"));
    options_for(
        lang.code(),
        None,
        None,
        None,
        None,
        &[],
        product.as_ref(),
        products,
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_example_renders_every_document_in_both_languages() {
    let renderer = Renderer::new(std::path::Path::new("templates")).expect("templates load");
    for (code, file) in EXAMPLES {
        let (status, out, err) = run(&[
            "quote",
            "--product",
            code,
            "--request",
            file,
            "--format",
            "json",
        ]);
        assert_eq!(status, 0, "{code}: {err}");
        let quote: serde_json::Value = serde_json::from_str(&out).unwrap();
        let holder = quote["policyholder"]["name"].as_str().unwrap().to_string();
        for kind in [
            DocKind::Quote,
            DocKind::Policy,
            DocKind::Schedule,
            DocKind::Worksheet,
            DocKind::Illustration,
        ] {
            for lang in [Lang::Zh, Lang::En] {
                let opts = options(&quote, lang);
                if !opts.product.documents.is_empty()
                    && !opts.product.documents.contains_key(kind.name())
                    || kind == DocKind::Illustration && quote["pension"].is_null()
                {
                    continue;
                }
                for format in [OutFormat::Html, OutFormat::Md] {
                    let text = match render_quote(&renderer, kind, format, &quote, &opts, None) {
                        Ok(t) => t,
                        Err(e) => panic!("{code} {kind} {lang:?} {format}: {e}"),
                    };
                    if matches!(kind, DocKind::Quote | DocKind::Policy) {
                        assert!(
                            text.contains(&holder),
                            "{code} {kind} {lang:?} {format}: policyholder"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn quote_render_writes_the_document_in_one_step() {
    let dir = tempdir("render-one-step");
    let out = dir.join("quote.md");
    let (status, _, err) = run(&[
        "quote",
        "--product",
        "EC-SME",
        "--request",
        "examples/ec-sme.yaml",
        "--render",
        "quote",
        "--lang",
        "en",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(status, 0, "{err}");
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(md.contains("USD 2,065.00"), "{md}");
}

#[test]
fn a_misspelt_template_variable_fails_validation_with_file_and_line() {
    let dir = tempdir("template-typo");
    let templates = dir.join("templates");
    copy_dir(std::path::Path::new("templates"), &templates);
    let quote = templates.join("quote.html");
    let text = std::fs::read_to_string(&quote).unwrap();
    let (line_no, _) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("quote.product.code"))
        .expect("the quote template shows the product code");
    std::fs::write(
        &quote,
        text.replacen("quote.product.code", "quote.product.cod", 1),
    )
    .unwrap();
    let (status, _, err) = run(&[
        "validate",
        "products/ec-sme-2025.yaml",
        "--templates",
        templates.to_str().unwrap(),
    ]);
    assert_eq!(status, 1, "{err}");
    assert!(
        err.contains("error[E0150]: Field `cod` is not defined"),
        "{err}"
    );
    assert!(
        err.contains(&format!("quote.html:{}:", line_no + 1)),
        "{err}"
    );
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// Golden documents for the export credit and owner's annuity products (the group accident
/// product's are pinned in `document`).
#[test]
fn golden_documents_for_export_credit_and_owner_annuity() {
    let renderer = Renderer::new(std::path::Path::new("templates")).expect("templates load");
    let dir = tempdir("golden");
    for (code, file, kinds) in [
        (
            "EC-SME",
            "examples/ec-sme.yaml",
            &[
                DocKind::Quote,
                DocKind::Policy,
                DocKind::Schedule,
                DocKind::Invoice,
            ][..],
        ),
        (
            "BO-ANN",
            "examples/bo-ann.yaml",
            &[
                DocKind::Quote,
                DocKind::Policy,
                DocKind::Schedule,
                DocKind::Illustration,
            ][..],
        ),
    ] {
        let (status, out, err) = run(&[
            "quote",
            "--product",
            code,
            "--request",
            file,
            "--format",
            "json",
        ]);
        assert_eq!(status, 0, "{err}");
        let quote: serde_json::Value = serde_json::from_str(&out).unwrap();
        let mut billing = None;
        if code == "EC-SME" {
            let qpath = dir.join("ec-quote.json");
            std::fs::write(&qpath, &out).unwrap();
            let (status, billing_out, err) = run(&[
                "declare",
                "--quote",
                qpath.to_str().unwrap(),
                "--declarations",
                "examples/ec-sme-declarations.csv",
                "--format",
                "json",
            ]);
            assert_eq!(status, 0, "{err}");
            let billing_json: serde_json::Value = serde_json::from_str(&billing_out).unwrap();
            assert_eq!(
                billing_json["totals"]["total_billed"], "2065.00",
                "{billing_json}"
            );
            billing = Some(serde_json::from_value::<serde_json::Value>(billing_json).unwrap());
        }
        for kind in kinds {
            for lang in [Lang::Zh, Lang::En] {
                for format in [OutFormat::Html, OutFormat::Md] {
                    let opts = options(&quote, lang);
                    let text =
                        render_quote(&renderer, *kind, format, &quote, &opts, billing.as_ref())
                            .unwrap_or_else(|e| panic!("{code} {kind} {lang:?} {format}: {e}"));
                    insta::assert_snapshot!(
                        format!("{}-{kind}-{}.{format}", code.to_lowercase(), lang.code()),
                        text
                    );
                }
            }
        }
    }
}
