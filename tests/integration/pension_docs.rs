//! What pension quotes and documents state: the cover to the end of the payout apart from the
//! premium term, the text summary's pension part, and every document (quote, policy, schedule,
//! illustration; zh and en; HTML and Markdown) stating the pension, its guarantee, the death
//! benefit, the beneficiary, the cooling-off period, the rates, the total over the premium
//! term in words and the 利益演示表 with cash values (and scenario accounts for PA-FLEX).

use std::path::{Path, PathBuf};

use crate::quote::tempdir;
use crate::support::run;

const DOCUMENTS: [&str; 4] = ["quote", "policy", "schedule", "illustration"];

fn quote_file(dir: &Path, product: &str, request: &str) -> PathBuf {
    let (code, out, err) = run(&[
        "quote",
        "--product",
        product,
        "--request",
        request,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let path = dir.join(format!("{product}.json"));
    std::fs::write(&path, out).unwrap();
    path
}

fn render(dir: &Path, quote: &Path, document: &str, lang: &str, format: &str) -> String {
    let out = dir.join(format!("{document}-{lang}.{format}"));
    let (code, _, err) = run(&[
        "render",
        "--quote",
        quote.to_str().unwrap(),
        "--document",
        document,
        "--lang",
        lang,
        "--format",
        format,
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{document} {lang} {format}: {err}");
    std::fs::read_to_string(&out).unwrap()
}

#[test]
fn owner_annuity_cover_ends_with_the_payout_and_the_premium_term_is_apart() {
    let (code, out, err) = run(&[
        "quote",
        "--product",
        "BO-ANN",
        "--request",
        "examples/bo-ann.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let q: serde_json::Value = serde_json::from_str(&out).unwrap();
    // For life: the cover's date is the end of the life table (CL5 closes at 105: the policy
    // year the insured turns 105 ends on 2091-02-28), not the premium term's 2030-02-28.
    assert_eq!(q["cover"]["start"], "2025-03-01");
    assert_eq!(q["cover"]["end"], "2091-02-28");
    assert_eq!(q["cover"]["term"], 5);
    let cover = &q["pension"]["cover"];
    assert_eq!(cover["for_life"], true);
    assert_eq!(cover["end"], serde_json::Value::Null);
    assert_eq!(cover["last_day"], "2091-02-28");
    assert_eq!(cover["payment_end"], "2030-02-28");
    assert!(!out.contains("\"end\": \"2030"), "{out}");
}

#[test]
fn owner_annuity_text_summary_states_the_pension_part() {
    let (code, out, err) = run(&[
        "quote",
        "--product",
        "BO-ANN",
        "--request",
        "examples/bo-ann.yaml",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Cover         2025-03-01 to 2091-02-28 (premiums over 60 months)"),
        "{out}"
    );
    assert!(!out.contains("to 2030-02-28 ("), "{out}");
    let start = out.find("\nPension\n").expect("a pension part");
    let end = out[start..]
        .find("\nBenefit illustration")
        .map_or(out.len(), |e| start + e);
    insta::assert_snapshot!(&out[start..end]);
}

#[test]
fn flexible_account_text_summary_states_the_scenarios_at_payout() {
    let (code, out, err) = run(&[
        "quote",
        "--product",
        "PA-FLEX",
        "--request",
        "examples/pa-flex.yaml",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("  amount      CNY 12485.16 a year, paid monthly (12 x 1040.43), from age 60 (2050-10-01)"),
        "{out}"
    );
    assert!(
        out.contains("low 低     1%    258951.84  12485.16        1040.43"),
        "{out}"
    );
    assert!(
        out.contains("middle 中  2%    301024.42  14513.76        1209.48"),
        "{out}"
    );
    assert!(
        out.contains("high 高    3%    350509.61  16899.60        1408.30"),
        "{out}"
    );
}

/// Facts every BO-ANN document states, by language.
fn owner_annuity_facts(lang: &str) -> Vec<&'static str> {
    match lang {
        "zh" => vec![
            "年领；每年领取 ¥3,492.40",
            "自被保险人年满 60 周岁的保单周年日起领取（首次领取日 2045年3月1日）",
            "终身领取；保证领取期 20 年（保证领取至 2065年2月28日）",
            "自 2025年3月1日零时起终身，至被保险人身故时止",
            "5 年（自 2025年3月1日零时起至 2030年2月28日二十四时止）",
            "¥50,000.00",
            "人民币伍万元整",
            "养老年金开始领取前身故的，给付已交保险费与现金价值二者之较大者",
            "给付保证领取期内尚未领取的养老年金之和",
            "法定受益人",
            "预定利率 2.5%",
            "15日。投保人自收到保险合同之日起在犹豫期内可书面申请解除合同，保险人全额退还已交保险费",
            "现金价值",
            "本利益演示表仅供参考",
        ],
        _ => vec![
            "Paid yearly; yearly amount CNY 3,492.40",
            "paid from the policy anniversary on which the insured has reached age 60 (first payment 1 March 2045)",
            "paid for life; guaranteed period 20 years (guaranteed until 28 February 2065)",
            "From 00:00 on 1 March 2025 for life, ending on the death of the insured",
            "CNY 50,000.00",
            "SAY RENMINBI YUAN FIFTY THOUSAND ONLY",
            "the greater of the premiums paid and the cash value",
            "The heirs at law",
            "Pricing interest rate 2.5%",
            "15 days",
            "full refund of the premiums paid",
            "Cash value",
        ],
    }
}

/// Rows of the 利益演示表 (year, age, premium, paid to date, survival, death, cash value).
const OWNER_ROWS: [[&str; 7]; 5] = [
    [
        "1",
        "40",
        "10,000.00",
        "10,000.00",
        "0.00",
        "10,000.00",
        "8,163.39",
    ],
    [
        "5",
        "44",
        "10,000.00",
        "50,000.00",
        "0.00",
        "50,000.00",
        "46,717.51",
    ],
    [
        "7",
        "46",
        "0.00",
        "50,000.00",
        "0.00",
        "50,082.80",
        "50,082.80",
    ],
    [
        "21",
        "60",
        "0.00",
        "50,000.00",
        "3,492.40",
        "66,355.60",
        "67,727.64",
    ],
    [
        "40",
        "79",
        "0.00",
        "50,000.00",
        "3,492.40",
        "0.00",
        "29,880.72",
    ],
];

fn row_md(cells: &[&str]) -> String {
    format!("| {} |", cells.join(" | "))
}

fn row_html(cells: &[&str]) -> String {
    let (head, nums) = cells.split_at(2);
    let mut s = format!(
        "<tr><td class=\"center\">{}</td><td class=\"center\">{}</td>",
        head[0], head[1]
    );
    for n in nums {
        s.push_str(&format!("<td class=\"num\">{n}</td>"));
    }
    s
}

#[test]
fn every_owner_annuity_document_states_the_pension_death_benefit_and_cash_values() {
    let dir = tempdir("pension-docs-bo-ann");
    let quote = quote_file(&dir, "BO-ANN", "examples/bo-ann.yaml");
    for document in DOCUMENTS {
        for lang in ["zh", "en"] {
            for format in ["html", "md"] {
                let doc = render(&dir, &quote, document, lang, format);
                let at = format!("{document} {lang} {format}");
                for fact in owner_annuity_facts(lang) {
                    assert!(doc.contains(fact), "{at}: missing {fact:?}");
                }
                for row in OWNER_ROWS {
                    let line = if format == "md" {
                        row_md(&row)
                    } else {
                        row_html(&row)
                    };
                    assert!(doc.contains(&line), "{at}: missing row {line:?}");
                }
                assert!(!doc.contains("2030年2月28日二十四时止</b>"), "{at}");
                assert!(!doc.contains("本产品无利益演示"), "{at}");
            }
        }
    }
    insta::assert_snapshot!(render(&dir, &quote, "illustration", "zh", "md"));
}

#[test]
fn flexible_account_documents_show_three_scenarios_with_their_account_values() {
    let dir = tempdir("pension-docs-pa-flex");
    let quote = quote_file(&dir, "PA-FLEX", "examples/pa-flex.yaml");
    for document in DOCUMENTS {
        for lang in ["zh", "en"] {
            let md = render(&dir, &quote, document, lang, "md");
            let html = render(&dir, &quote, document, lang, "html");
            let at = format!("{document} {lang}");
            let (low, middle, high, cover, total) = if lang == "zh" {
                (
                    "| 低 | 1% | ¥258,951.84 | ¥12,485.16 | ¥1,040.43 |",
                    "| 中 | 2% | ¥301,024.42 | ¥14,513.76 | ¥1,209.48 |",
                    "| 高 | 3% | ¥350,509.61 | ¥16,899.60 | ¥1,408.30 |",
                    "自 2025年10月1日零时起终身，至被保险人身故时止",
                    "人民币贰拾叁万陆仟元整",
                )
            } else {
                (
                    "| Low | 1% | CNY 258,951.84 | CNY 12,485.16 | CNY 1,040.43 |",
                    "| Middle | 2% | CNY 301,024.42 | CNY 14,513.76 | CNY 1,209.48 |",
                    "| High | 3% | CNY 350,509.61 | CNY 16,899.60 | CNY 1,408.30 |",
                    "From 00:00 on 1 October 2025 for life",
                    "SAY RENMINBI YUAN TWO HUNDRED AND THIRTY-SIX THOUSAND ONLY",
                )
            };
            for fact in [low, middle, high, cover, total] {
                assert!(md.contains(fact), "{at} md: missing {fact:?}");
            }
            // Year 1 and year 25 (the last before the payout) under each scenario; year 26
            // pays the pension and has no account.
            for row in [
                "| 1 | 35 | 12,000.00 | 12,000.00 | 0.00 | 11,908.52 | 11,551.26 | 11,908.52 | 11,972.67 | 12,036.83 |",
                "| 25 | 59 | 0.00 | 236,000.00 | 0.00 | 258,951.84 | 258,951.84 | 258,951.84 | 301,024.42 | 350,509.61 |",
                "| 26 | 60 | 0.00 | 236,000.00 | 12,485.16 | 237,218.04 | 0.00 | — | — | — |",
            ] {
                assert!(md.contains(row), "{at} md: missing row {row:?}");
            }
            assert!(
                html.contains("<td class=\"num\">350,509.61</td>"),
                "{at} html"
            );
            for doc in [&md, &html] {
                assert!(!doc.contains("本产品无利益演示"), "{at}");
                assert!(!doc.contains("No benefit illustration"), "{at}");
            }
        }
    }
    insta::assert_snapshot!(render(&dir, &quote, "illustration", "en", "md"));
}
