//! The document model: the facts each document states, worked out from a priced quote.

use coverwright::document::Lang;
use coverwright::document::model::{Beneficiary, Dispute, DocOptions, DocumentModel};
use rust_decimal::Decimal;
use serde_json::Value;

use crate::support::run;

fn quote(code: &str, request: &str) -> Value {
    let (status, out, err) = run(&[
        "quote",
        "--product",
        code,
        "--request",
        request,
        "--format",
        "json",
    ]);
    assert_eq!(status, 0, "{code}: {err}");
    serde_json::from_str(&out).unwrap()
}

fn model(q: &Value, o: &DocOptions) -> DocumentModel {
    match DocumentModel::from_json(q, o) {
        Ok(m) => m,
        Err(e) => panic!("{e}"),
    }
}

fn refusal(q: &Value, o: &DocOptions) -> String {
    match DocumentModel::from_json(q, o) {
        Ok(_) => panic!("expected a refusal"),
        Err(e) => e.to_string(),
    }
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn ga_sme_monthly_states_the_sum_of_its_instalments_in_words_and_figures() {
    let q = quote("GA-SME", "examples/ga-sme.yaml");
    let mut o = DocOptions::new(Lang::Zh);
    o.plan = Some("monthly".to_string());
    let m = model(&q, &o);
    let plan = m.plan.as_ref().unwrap();
    assert_eq!(plan.code, "monthly");
    assert_eq!(plan.instalments.len(), 12);
    let sum: Decimal = plan.instalments.iter().map(|i| dec(&i.payable)).sum();
    assert_eq!(sum, dec("11806.92"));
    assert_eq!(m.payable, "11806.92");
    assert_eq!(m.payable_in_words, "人民币壹万壹仟捌佰零陆元玖角贰分");
    assert_eq!(m.premium, "10932.36");
    assert_eq!(plan.loading, "874.56");
    assert_eq!(plan.fees, "0.00");
    let first = plan.first_due.as_ref().unwrap();
    assert_eq!(
        (first.date.to_string(), first.amount.as_str()),
        ("2025-03-01".into(), "983.91")
    );
    // No grace date for the first instalment; none after the last day of cover.
    assert_eq!(plan.instalments[0].grace_end, None);
    assert_eq!(
        plan.instalments[1].grace_end.unwrap().to_string(),
        "2025-05-31"
    );
    let last = &plan.instalments[11];
    assert_eq!(last.grace_end.unwrap().to_string(), "2026-02-28");
    assert!(last.grace_capped);
    assert!(m.grace.capped);
    assert_eq!(m.grace.wording, "notice.grace_art36");
    // Group accident: a member list, occupation classes, beneficiaries by law.
    assert!(m.sections.member_list && m.sections.occupation && m.sections.beneficiaries);
    assert!(m.insured.named.is_none());
    assert_eq!(m.insured.count, Some(10));
    assert!(m.beneficiaries.as_ref().unwrap().legal);
    assert_eq!(m.dispute.kind, "either");

    let mut en = o.clone();
    en.lang = Lang::En;
    en.insurer = Some(coverwright::document::model::InsurerProfile {
        name: bi(
            "华安示范财产保险股份有限公司",
            "Hua'an Demonstration Property Insurance Co., Ltd.",
        ),
        address: bi("上海", "Shanghai"),
        phone: "95500".into(),
        website: "https://example.com".into(),
        seal: bi("保单专用章", "Policy seal"),
        dispute: None,
        arbitration_body: None,
        filings: Default::default(),
        clauses: Default::default(),
    });
    en.product.filing_en = Some("Hua'an [2024] Accident No. 017".into());
    for c in ["add", "medical", "allowance"] {
        en.product.clauses.insert(c.into(), bi("条款", "Clause"));
    }
    let m = model(&q, &en);
    assert_eq!(
        m.payable_in_words,
        "SAY RENMINBI YUAN ELEVEN THOUSAND EIGHT HUNDRED AND SIX AND CENTS NINETY-TWO ONLY"
    );
}

fn bi(zh: &str, en: &str) -> coverwright::document::model::Bilingual {
    coverwright::document::model::Bilingual {
        zh: zh.into(),
        en: en.into(),
    }
}

#[test]
fn the_annual_plan_has_no_grace_date_and_no_loading() {
    let q = quote("GA-SME", "examples/ga-sme.yaml");
    let m = model(&q, &DocOptions::new(Lang::Zh));
    let plan = m.plan.as_ref().unwrap();
    assert_eq!(plan.code, "annual");
    assert_eq!(plan.instalments.len(), 1);
    assert_eq!(plan.instalments[0].grace_end, None);
    assert_eq!(
        (plan.payable.as_str(), plan.loading.as_str()),
        ("10932.36", "0.00")
    );
    assert_eq!(m.payable_in_words, "人民币壹万零玖佰叁拾贰元叁角陆分");
}

#[test]
fn export_credit_names_the_exporter_and_lists_the_buyers() {
    let q = quote("EC-SME", "examples/ec-sme.yaml");
    let m = model(&q, &DocOptions::new(Lang::Zh));
    assert!(!m.personal);
    assert_eq!(m.grace.wording, "notice.grace_credit");
    assert_eq!(
        m.insured.named.as_ref().unwrap().name,
        "义乌某某进出口有限公司"
    );
    assert_eq!(m.insured.count, None);
    assert!(m.sections.buyers && !m.sections.member_list && !m.sections.occupation);
    assert!(m.beneficiaries.is_none());
    let buyers: Vec<(&str, Option<&str>, Option<&str>)> = m
        .buyers
        .iter()
        .map(|b| {
            (
                b.name.as_str(),
                b.risk_class.as_deref(),
                b.method.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        buyers,
        [
            ("Schmidt Handels GmbH", Some("A"), Some("O/A")),
            ("Nova Distribuidora Ltda", Some("B"), Some("O/A")),
            ("Karachi Trading Co", Some("C"), Some("D/A")),
            ("Lyon Maison SARL", Some("A"), Some("L/C")),
        ]
    );
    let perils: Vec<(&str, &str)> = m
        .indemnity
        .iter()
        .map(|p| (p.label.as_str(), p.ratio.as_str()))
        .collect();
    assert_eq!(
        perils,
        [
            ("peril.commercial", "0.9"),
            ("peril.political", "0.9"),
            ("peril.refusal", "0.8")
        ]
    );
    assert_eq!(m.payable_in_words, "美元贰仟零陆拾伍元整");
    let credit = m.credit.as_ref().unwrap();
    assert_eq!(credit.minimum_premium.as_deref(), Some("2000.00"));
    assert_eq!(credit.maximum_liability.as_deref(), Some("150000.00"));
}

#[test]
fn a_document_that_would_state_something_false_is_refused() {
    let q = quote("GA-SME", "examples/ga-sme.yaml");
    let mut o = DocOptions::new(Lang::Zh);
    o.plan = Some("weekly".into());
    assert_eq!(
        refusal(&q, &o),
        "the quote has no payment plan `weekly`; its plans: annual, semi_annual, quarterly, monthly, monthly_workday"
    );

    let mut o = DocOptions::new(Lang::Zh);
    o.beneficiaries = vec![
        Beneficiary {
            rank: 1,
            name: "张三".into(),
            share: dec("0.6"),
        },
        Beneficiary {
            rank: 1,
            name: "李四".into(),
            share: dec("0.3"),
        },
        Beneficiary {
            rank: 2,
            name: "王五".into(),
            share: dec("1"),
        },
    ];
    assert_eq!(
        refusal(&q, &o),
        "the shares of rank-1 beneficiaries add up to 90%, not 100%"
    );
    o.beneficiaries[1].share = dec("0.4");
    let m = model(&q, &o);
    let b = m.beneficiaries.unwrap();
    assert!(!b.legal);
    assert_eq!(b.named.len(), 3);

    let mut o = DocOptions::new(Lang::Zh);
    o.dispute = Some(Dispute::Arbitration);
    assert!(refusal(&q, &o).starts_with("arbitration needs the arbitration commission named"));
    o.arbitration_body = Some("上海仲裁委员会".into());
    let m = model(&q, &o);
    assert_eq!(
        (m.dispute.kind, m.dispute.body.as_deref()),
        ("arbitration", Some("上海仲裁委员会"))
    );

    let o = DocOptions::new(Lang::En);
    assert_eq!(
        refusal(&q, &o),
        "GA-SME 2024.1 has no English filing reference (`filings` in the insurer's profile) for an English document; \
         no English name for the insurer `华安示范财产保险股份有限公司`: declare its profile in the insurer profiles file (products/insurers/insurers.yaml); \
         the clause of coverage `add` has no English name (`clauses` in the insurer's profile) for an English document"
    );
}

const EXAMPLES: [(&str, &str); 7] = [
    ("GA-SME", "ga-sme"),
    ("SP-ACC", "sp-acc"),
    ("GIG-MED", "gig-med"),
    ("GSM-SME", "gsm-sme"),
    ("EC-SME", "ec-sme"),
    ("BO-ANN", "bo-ann"),
    ("PA-FLEX", "pa-flex"),
];

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// Every text the request (or the policy options) supplied: names, ids, field values.
fn supplied(q: &Value, example: &str) -> Vec<String> {
    let mut out = vec![q["policyholder"]["name"].as_str().unwrap().to_string()];
    let fields = |v: &Value, out: &mut Vec<String>| {
        if let Some(m) = v.as_object() {
            out.extend(m.values().filter_map(Value::as_str).map(str::to_string));
        }
    };
    fields(&q["policyholder"]["fields"], &mut out);
    for m in q["members"].as_array().unwrap() {
        out.push(m["name"].as_str().unwrap().to_string());
        fields(&m["fields"], &mut out);
    }
    let path = format!("examples/{example}-policy.yaml");
    if let Ok(text) = std::fs::read_to_string(path) {
        for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
            let value = line.split_once(':').map_or(line, |(_, v)| v);
            out.push(value.trim().trim_start_matches("- ").to_string());
            out.push(line.trim().trim_start_matches("- ").to_string());
        }
    }
    out.retain(|s| !s.is_empty());
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out
}

/// Renders every document each example's product lists, in both languages, as `render` does.
fn every_document(mut check: impl FnMut(&str, Lang, &str, &[String])) {
    use coverwright::document::render::{DocKind, OutFormat, render_quote};
    let renderer = coverwright::document::Renderer::new(std::path::Path::new("templates"))
        .unwrap_or_else(|e| panic!("{e}"));
    for (code, example) in EXAMPLES {
        let q = quote(code, &format!("examples/{example}.yaml"));
        let names = supplied(&q, example);
        let billing = (code == "EC-SME").then(|| {
            let dir = crate::quote::tempdir("docmodel-billing");
            let path = dir.join("q.json");
            std::fs::write(&path, serde_json::to_string(&q).unwrap()).unwrap();
            let (status, out, err) = run(&[
                "declare",
                "--quote",
                path.to_str().unwrap(),
                "--declarations",
                "examples/ec-sme-declarations.csv",
                "--format",
                "json",
            ]);
            assert_eq!(status, 0, "{err}");
            serde_json::from_str::<Value>(&out).unwrap()
        });
        for lang in Lang::ALL {
            let products = std::path::Path::new("products");
            let product = coverwright::document::options::quote_product(&q, products)
                .unwrap_or_else(|e| panic!("{e}"));
            let policy = std::path::PathBuf::from(format!("examples/{example}-policy.yaml"));
            let opts = coverwright::document::options::options_for(
                lang.code(),
                None,
                None,
                None,
                None,
                &[],
                product.as_ref(),
                products,
                policy.is_file().then_some(policy.as_path()),
            )
            .unwrap_or_else(|e| panic!("{e}"));
            for kind in DocKind::ALL {
                if !opts.product.documents.is_empty()
                    && !opts.product.documents.contains_key(kind.name())
                    || kind == DocKind::Invoice && billing.is_none()
                    || kind == DocKind::Illustration && q["pension"].is_null()
                {
                    continue;
                }
                for format in [OutFormat::Html, OutFormat::Md] {
                    let text = render_quote(&renderer, kind, format, &q, &opts, billing.as_ref())
                        .unwrap_or_else(|e| panic!("{code} {kind} {lang} {format}: {e}"));
                    let what = format!("{code} {kind} {format}");
                    check(&what, lang, &text, &names);
                }
            }
        }
    }
}

/// Text a reader sees: no style sheet, tags, entities or web addresses.
fn visible(text: &str) -> String {
    let mut t = text.to_string();
    if let (Some(a), Some(b)) = (t.find("<style>"), t.find("</style>")) {
        t.replace_range(a..b, "");
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in t.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&#39;", "'")
        .replace("&amp;", "&")
        .split_whitespace()
        .filter(|w| !w.contains("://"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn english_documents_carry_no_chinese_and_chinese_ones_no_catalogue_keys() {
    let mut problems = Vec::new();
    let mut count = 0;
    every_document(|what, lang, text, names| {
        count += 1;
        let mut t = visible(text);
        match lang {
            Lang::En => {
                for n in names {
                    t = t.replace(n.as_str(), "");
                }
                let cjk: String = t.chars().filter(|c| is_cjk(*c)).take(20).collect();
                if !cjk.is_empty() {
                    problems.push(format!("{what} en: {cjk}"));
                }
            }
            Lang::Zh => {
                for word in t.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                {
                    let key_like = word.contains('_')
                        || [
                            "label.", "notice.", "term.", "step.", "peril.", "unit.", "doc.",
                        ]
                        .iter()
                        .any(|p| word.starts_with(p));
                    if key_like
                        && word
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
                    {
                        problems.push(format!("{what} zh: `{word}`"));
                    }
                }
            }
        }
    });
    assert!(count >= 100, "only {count} documents rendered");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The text of each page of a PDF (`pdftotext -layout`), blank lines dropped.
fn page_texts(pdf: &std::path::Path) -> Vec<Vec<String>> {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(out.status.success(), "pdftotext {}", pdf.display());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut pages: Vec<Vec<String>> = text
        .split('\u{c}')
        .map(|p| {
            p.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .collect();
    // The text ends with a form feed.
    if pages.last().is_some_and(Vec::is_empty) {
        pages.pop();
    }
    pages
}

/// Fewest lines of content a printed page may hold besides its running header and page number.
const LEAST_BODY_LINES: usize = 4;

/// Needs Chromium and poppler-utils (`.ci/run` installs them). Run with
/// `cargo test -- --ignored`.
#[test]
#[ignore]
fn every_document_prints_on_a4_at_full_size_without_stranded_pages() {
    let dir = crate::quote::tempdir("docmodel-a4");
    let mut printer =
        coverwright::document::PdfPrinter::start_with(coverwright::document::PdfEngine::Chromium)
            .unwrap_or_else(|e| panic!("{e}"));
    let (mut problems, mut pages_of) = (Vec::new(), Vec::new());
    every_document(|what, lang, html, _| {
        if !what.ends_with(" html") {
            return;
        }
        let what = format!("{} {lang}", what.trim_end_matches(" html"));
        let wide = printer
            .overflow_at_a4(html)
            .unwrap_or_else(|e| panic!("{e}"));
        if !wide.is_empty() {
            problems.push(format!(
                "{what}: wider than A4, so shrunk: {}",
                wide.join("; ")
            ));
        }
        let pdf = printer.print(html).unwrap_or_else(|e| panic!("{e}"));
        let path = dir.join(format!("{}.pdf", what.replace(' ', "-")));
        std::fs::write(&path, pdf).unwrap();
        let pages = page_texts(&path);
        for (i, page) in pages.iter().enumerate() {
            // Header and page number, then at least a few lines of content.
            if page.len() < LEAST_BODY_LINES + 2 {
                problems.push(format!(
                    "{what}: page {} holds only {:?}",
                    i + 1,
                    &page[1.min(page.len())..page.len().saturating_sub(1)]
                ));
            }
        }
        // A Chinese table heading wraps between words, never one character a line: the
        // invoice's settlement table heads its first column 保单年度 on one line.
        if what == "EC-SME invoice zh"
            && !pages
                .iter()
                .flatten()
                .any(|l| l.starts_with("保单年度") && l.contains("保单年度起止"))
        {
            problems.push(format!(
                "{what}: the settlement table's 保单年度 heading is split"
            ));
        }
        // A benefit illustration's table ends with several of its rows, not one or two
        // alone on the last page.
        if what.contains(" illustration ") {
            let rows = pages.last().map_or(0, |p| {
                p.iter()
                    .filter(|l| {
                        let w: Vec<&str> = l.split_whitespace().collect();
                        w.len() >= 5
                            && w[..2].iter().all(|t| t.parse::<u32>().is_ok())
                            && w[2].contains('.')
                    })
                    .count()
            });
            if (1..5).contains(&rows) {
                problems.push(format!(
                    "{what}: only {rows} rows of the illustration on its last page"
                ));
            }
        }
        pages_of.push(format!("{what}: {}", pages.len()));
        let most = match what.split(' ').take(2).collect::<Vec<_>>()[..] {
            ["SP-ACC" | "GIG-MED" | "EC-SME", "policy"] => 2,
            ["GA-SME", "worksheet"] => 4,
            _ => usize::MAX,
        };
        if pages.len() > most {
            problems.push(format!("{what}: {} pages, at most {most}", pages.len()));
        }
    });
    assert!(
        pages_of.len() >= 50,
        "only {} documents printed",
        pages_of.len()
    );
    assert!(
        problems.is_empty(),
        "{}\n(pages: {})",
        problems.join("\n"),
        pages_of.join(", ")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_monthly_policy_prints_the_sum_of_its_instalments_in_words_and_figures() {
    let dir = crate::quote::tempdir("docmodel-monthly");
    let out = dir.join("policy.md");
    let (status, _, err) = run(&[
        "quote",
        "--product",
        "GA-SME",
        "--request",
        "examples/ga-sme.yaml",
        "--render",
        "policy",
        "--plan",
        "monthly",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(status, 0, "{err}");
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(
        md.contains("大写：**人民币壹万壹仟捌佰零陆元玖角贰分**；小写：**¥11,806.92**"),
        "{md}"
    );
    assert!(
        md.contains("| **合计** | | **¥11,806.92** | **¥0.00** | **¥11,806.92** | |"),
        "{md}"
    );
    // The first instalment has no grace date; the last one ends with the cover.
    assert!(
        md.contains("| 1 | 2025年3月1日 | ¥983.91 | ¥0.00 | ¥983.91 | — |"),
        "{md}"
    );
    assert!(
        md.contains("| 12 | 2026年2月1日 | ¥983.91 | ¥0.00 | ¥983.91 | 2026年2月28日\\* |"),
        "{md}"
    );
}

#[test]
fn the_export_credit_policy_names_the_exporter_and_its_buyers_with_limits() {
    let dir = crate::quote::tempdir("docmodel-ec");
    let out = dir.join("policy.md");
    let (status, _, err) = run(&[
        "quote",
        "--product",
        "EC-SME",
        "--request",
        "examples/ec-sme.yaml",
        "--render",
        "policy",
        "--lang",
        "en",
        "--policy-options",
        "examples/ec-sme-policy.yaml",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(status, 0, "{err}");
    let md = std::fs::read_to_string(&out).unwrap();
    for want in [
        "| Insured | 义乌某某进出口有限公司 (the exporter) |",
        "## Buyer schedule",
        "| 1 | Schmidt Handels GmbH | Germany | A | Open account (O/A) | 90 days | USD 250,000.00 | USD 300,000.00 |",
        "| Percentage of indemnity (Refusal of goods by the buyer) | 80% |",
        "| Deposit premium | USD 1,000.00 |",
        "| Declaration date | By day 10 of the next month |",
        "In words: **SAY US DOLLARS TWO THOUSAND SIXTY-FIVE ONLY**",
    ] {
        assert!(md.contains(want), "missing {want:?} in\n{md}");
    }
    assert!(!md.contains("Insured persons"), "{md}");
    assert!(!md.contains("Insurance Law, art. 36"), "{md}");
}

#[test]
fn documents_the_product_does_not_list_are_refused() {
    let dir = crate::quote::tempdir("docmodel-list");
    let q = dir.join("q.json");
    let (status, out, err) = run(&[
        "quote",
        "--product",
        "GA-SME",
        "--request",
        "examples/ga-sme.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(status, 0, "{err}");
    std::fs::write(&q, out).unwrap();
    let (status, _, err) = run(&[
        "render",
        "--quote",
        q.to_str().unwrap(),
        "--document",
        "illustration",
        "--output",
        dir.join("x.html").to_str().unwrap(),
    ]);
    assert_eq!(status, 1);
    assert_eq!(
        err,
        "error: the illustration document is refused: GA-SME@2024.1 offers only the documents its `documents:` list names: policy, quote, schedule, worksheet\n"
    );
    let (status, _, err) = run(&[
        "render",
        "--quote",
        q.to_str().unwrap(),
        "--document",
        "policy",
        "--dispute",
        "arbitration",
        "--arbitration-body",
        "杭州仲裁委员会",
        "--issue-date",
        "2025-02-20",
        "--special-clause",
        "每日营业结束后发生的意外不在保险责任范围内。",
        "--format",
        "md",
        "--output",
        dir.join("p.md").to_str().unwrap(),
    ]);
    assert_eq!(status, 0, "{err}");
    let md = std::fs::read_to_string(dir.join("p.md")).unwrap();
    assert!(md.contains("仲裁机构：杭州仲裁委员会。"), "{md}");
    assert!(md.contains("| 签单日期 | 2025年2月20日 |"), "{md}");
    assert!(
        md.contains("1. 每日营业结束后发生的意外不在保险责任范围内。"),
        "{md}"
    );
}

/// `render` of example `example` (quoted with its policy options when it has them) as
/// `document` in `lang` and `format`: the exit status, the document and the diagnostics.
fn rendered(example: &str, document: &str, lang: &str, format: &str) -> (i32, String, String) {
    // Tests running at once may render the same document: each call has its own folder.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = crate::quote::tempdir(&format!("docmodel-look-{example}-{document}-{lang}-{call}"));
    let q = dir.join("q.json");
    let code = example.to_uppercase();
    let request = format!("examples/{example}.yaml");
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
    let out = dir.join(format!("doc.{format}"));
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
    ];
    if std::path::Path::new(&policy).is_file() {
        args.extend(["--policy-options", policy.as_str()]);
    }
    let (status, _, err) = run(&args);
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    (status, text, err)
}

/// What looking at the printed pages found wrong, each case as it reads now.
#[test]
fn what_the_printed_pages_showed_wrong_stays_fixed() {
    // A policy names the schedule of insured members as part of the contract only when it
    // has one; one insured, or an exporter with buyers, has none.
    let (_, sp, _) = rendered("sp-acc", "policy", "zh", "md");
    assert!(
        sp.contains("本保险合同由保险条款、投保单、保险单、批单及其他书面协议构成。"),
        "{sp}"
    );
    let (_, ec, _) = rendered("ec-sme", "policy", "en", "html");
    assert!(ec.contains(
        "This contract consists of the policy clauses, the proposal form, this schedule, \
         endorsements and any other written agreements."
    ));
    let (_, ga, _) = rendered("ga-sme", "policy", "zh", "md");
    assert!(ga.contains("保险单、被保险人清单、批单"), "{ga}");

    // The art. 36 instalment clause only on a plan with instalments after the first: not
    // on a single annual premium.
    assert!(!sp.contains("分期支付保险费的"), "{sp}");
    assert!(ga.contains("分期支付保险费的，首期保险费缴付后"), "{ga}");
    let (_, bo, _) = rendered("bo-ann", "policy", "en", "html");
    assert!(bo.contains("Where premiums are paid in instalments"));

    // A schedule of declarations has no table of grace dates to point at.
    let (_, ec, _) = rendered("ec-sme", "schedule", "en", "html");
    assert!(!ec.contains("The end of the grace period of each instalment is shown"));
    assert!(ec.contains("<td colspan=\"3\">60 days.</td>"), "{ec}");
    let (_, ga, _) = rendered("ga-sme", "schedule", "zh", "md");
    assert!(ga.contains("每期保险费的宽限期届满日列于表中。"), "{ga}");

    // A charge contained in the premium, in running text, in lower case.
    let (_, ws, _) = rendered("ga-sme", "worksheet", "en", "md");
    assert!(
        ws.contains("| of which VAT (Accidental death and disability) (included in premium) | CNY 544.81 | CNY 544.81 | ✓ |"),
        "{ws}"
    );

    // A product without a pension part has no benefit illustration to issue.
    let (status, text, err) = rendered("sp-acc", "illustration", "zh", "html");
    assert_eq!(status, 1);
    assert!(text.is_empty());
    assert_eq!(
        err,
        "error: the illustration document is refused: a benefit illustration states a pension \
         quote's benefits and cash values by policy year; this quote has no `pension` section \
         and no illustration rows\n"
    );
}

/// A benefit limit is an amount in the product's currency, printed with it in every format,
/// unless the product declares that it counts days.
#[test]
fn benefit_limits_print_with_their_currency() {
    let (_, gig, _) = rendered("gig-med", "policy", "zh", "md");
    assert!(gig.contains("年度累计赔偿限额：¥1,000,000.00"), "{gig}");
    let (_, gig, _) = rendered("gig-med", "quote", "en", "html");
    assert!(
        gig.contains("Annual aggregate limit: </span>CNY 1,000,000.00</li>"),
        "{gig}"
    );
    let (_, gsm, _) = rendered("gsm-sme", "policy", "en", "md");
    assert!(
        gsm.contains("Limit per hospital stay: CNY 20,000.00"),
        "{gsm}"
    );
    // A limit in days says so.
    let (_, ga, _) = rendered("ga-sme", "policy", "en", "md");
    assert!(
        ga.contains("Longest paid stay per admission: 90 days"),
        "{ga}"
    );
    let (_, ga, _) = rendered("ga-sme", "quote", "zh", "html");
    assert!(
        ga.contains("每次住院最长给付天数：</span>90日</li>"),
        "{ga}"
    );
    let (_, gsm, _) = rendered("gsm-sme", "policy", "zh", "html");
    assert!(
        gsm.contains("每次住院赔偿限额：</span>¥20,000.00</li>"),
        "{gsm}"
    );
}

/// A pension worksheet shows its amounts to the fen with the currency, years as years and
/// factors as they are; the quote's JSON keeps the full precision.
#[test]
fn pension_worksheets_show_amounts_in_the_currency() {
    let (_, zh, _) = rendered("bo-ann", "worksheet", "zh", "md");
    for row in [
        "| 1 | 距开始领取年数 | 被保险人 1 (陈建国) | 20年 |",
        "| 5 | 附加费用率 | 整单 | 11.5% |",
        "| 6 | 每元年缴保费对应基本保险金额 | 被保险人 1 (陈建国) | 0.34924 |",
        "| 9 | 基本保险金额 | 被保险人 1 (陈建国) | ¥3,492.40 |",
        "| 10 | 年领养老金 | 被保险人 1 (陈建国) | ¥3,492.40 |",
    ] {
        assert!(zh.contains(row), "{row} in\n{zh}");
    }
    let (_, en, _) = rendered("bo-ann", "worksheet", "en", "html");
    assert!(en.contains("<td class=\"num\">CNY 3,492.40</td>"), "{en}");
    assert!(en.contains("<td class=\"num\">20 years</td>"), "{en}");
    let (_, pa, _) = rendered("pa-flex", "worksheet", "en", "md");
    assert!(pa.contains("| CNY 12,000.00 |"), "{pa}");
    // The JSON keeps the value as computed.
    let q = quote("BO-ANN", "examples/bo-ann.yaml");
    let basic = q["worksheet"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["step"] == "basic_amount")
        .unwrap();
    assert_eq!(basic["result"], "3492.4");
}

/// What looking at every document in a browser found wrong, each case as it reads now.
#[test]
fn what_the_screenshots_showed_wrong_stays_fixed() {
    // The invoice's long headings wrap and the over-limit flag stands on a line of its own,
    // so the month's table stays inside the page.
    let dir = crate::quote::tempdir("docmodel-look-invoice");
    let (q, billing, out) = (dir.join("q.json"), dir.join("b.json"), dir.join("i.html"));
    let (_, quote, _) = run(&[
        "quote",
        "--product",
        "EC-SME",
        "--request",
        "examples/ec-sme.yaml",
        "--format",
        "json",
    ]);
    std::fs::write(&q, quote).unwrap();
    let (_, b, _) = run(&[
        "declare",
        "--quote",
        q.to_str().unwrap(),
        "--declarations",
        "examples/ec-sme-declarations.csv",
        "--format",
        "json",
    ]);
    std::fs::write(&billing, b).unwrap();
    let (status, _, err) = run(&[
        "render",
        "--quote",
        q.to_str().unwrap(),
        "--document",
        "invoice",
        "--billing",
        billing.to_str().unwrap(),
        "--lang",
        "en",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(status, 0, "{err}");
    let inv = std::fs::read_to_string(&out).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        inv.contains("<th class=\"num wrap\">Declared value, policy year to date</th>"),
        "{inv}"
    );
    assert!(inv.contains("USD 300,000.00<br><span class=\"flag\">Over limit</span>"));
    // The settlement's two first columns have two names.
    assert!(inv.contains("<th class=\"center\">Policy year</th><th>Period</th>"));
    // Two columns of the tax table are not both called VAT.
    let (_, q, _) = rendered("ga-sme", "quote", "en", "md");
    assert!(q.contains("| Coverage | VAT treatment | Premium excluding VAT | VAT | Premium |"));
    // The notice to read the clauses names what limits the insurer's liability on the line.
    let (_, q, _) = rendered("ec-sme", "quote", "zh", "md");
    assert!(q.contains("特别是责任免除、赔偿比例及最高赔偿限额"), "{q}");
    let (_, q, _) = rendered("ga-sme", "quote", "zh", "md");
    assert!(q.contains("特别是责任免除、免赔额及赔付比例"), "{q}");
    // A signature's label and its line stay on one line.
    let (_, q, _) = rendered("sp-acc", "quote", "en", "html");
    assert!(q.contains("<span style=\"white-space:nowrap\">Policyholder&#39;s signature: "));
    // The payment schedule of declarations states the deposit, its due date and the days.
    let (_, s, _) = rendered("ec-sme", "schedule", "en", "md");
    for wanted in [
        "| Deposit premium | USD 1,000.00 (Due date: 1 March 2025) |",
        "| Minimum premium | USD 2,000.00 |",
        "| Declaration date | By day 10 of the next month |",
        "| Premium payment day | By day 15 of the next month |",
    ] {
        assert!(s.contains(wanted), "{wanted} in\n{s}");
    }
    // The member list's sums insured name their currency; a policy with no tax says none.
    let (_, p, _) = rendered("ga-sme", "policy", "zh", "html");
    assert!(p.contains("意外身故及伤残<br>保险金额（元）</th>"), "{p}");
    let (_, p, _) = rendered("bo-ann", "policy", "zh", "md");
    assert!(!p.contains("税费合计 ¥0.00"), "{p}");
    // A Markdown cover states its reimbursement tiers under one label.
    let (_, p, _) = rendered("gig-med", "policy", "en", "md");
    assert!(
        p.contains("Tiered reimbursement: CNY 3,000.00–CNY 20,000.00 40%, CNY 20,000.00–CNY 50,000.00 60%, CNY 50,000.00 and above 100%"),
        "{p}"
    );
}
