//! Claims: settlements of the shipped examples to the fen (accident with two injuries at one
//! grade, medical after the deductible, health across the tiers with and without social
//! insurance, export credit capped by the buyer limit), history and streaming, declines with
//! their reasons, located errors for bad claims and bad benefit sections, and claims test
//! cases run by `coverwright test`.

use crate::support::run;

fn settle(quote: &str, claim: &str, extra: &[&str]) -> serde_json::Value {
    let q = format!("examples/claims/{quote}-quote.json");
    let c = format!("examples/claims/{claim}.yaml");
    let mut args = vec!["claim", "--quote", &q, "--claim", &c, "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("settlement JSON")
}

fn steps(s: &serde_json::Value, cov: usize) -> Vec<(String, String)> {
    s["coverages"][cov]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["step"].as_str().unwrap().to_string(),
                x["value"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn two_injuries_at_one_grade_pay_the_next_grade() {
    let s = settle("ga-sme", "accident-two-injuries", &[]);
    assert_eq!(s["decision"], "pay");
    assert_eq!(
        s["coverages"][0]["inputs"][1][1],
        "[7, 7] → grade 6, share 0.5"
    );
    assert_eq!(s["coverages"][0]["payable"], "250000.00");
    assert_eq!(s["payable"], "250000.00");
    assert_eq!(s["path"], "standard");
    assert_eq!(s["dates"]["decision_by"], "2025-08-14");
    assert_eq!(s["dates"]["payment_by"], "2025-08-24");
    assert_eq!(s["coverages"][0]["limits"][0]["remaining"], "250000.00");
}

#[test]
fn medical_after_the_deductible_takes_the_simple_path() {
    let s = settle("ga-sme", "accident-medical", &[]);
    assert_eq!(
        steps(&s, 0),
        vec![
            ("covered".into(), "2400".into()),
            ("benefit".into(), "2160".into())
        ]
    );
    assert_eq!(s["coverages"][0]["payable"], "2160.00");
    assert_eq!(s["coverages"][1]["payable"], "850.00");
    assert_eq!(s["payable"], "3010.00");
    assert_eq!(s["path"], "simple");
    assert_eq!(s["documents_missing"], serde_json::json!([]));
    // 2025-06-20 is a Friday: five working days later is Friday 2025-06-27.
    assert_eq!(s["dates"]["decision_by"], "2025-06-27");
    assert_eq!(s["dates"]["payment_by"], "2025-07-07");
}

#[test]
fn health_pays_by_tier_and_less_without_social_insurance() {
    let with = settle("gig-med", "health-tiers", &[]);
    let tiers: Vec<(String, String)> = steps(&with, 0)
        .into_iter()
        .filter(|(k, _)| k.starts_with("band"))
        .collect();
    assert_eq!(
        tiers,
        vec![
            ("band_40".into(), "6800".into()),
            ("band_60".into(), "18000".into()),
            ("band_100".into(), "10000".into())
        ]
    );
    assert_eq!(with["payable"], "34800.00");
    let without = settle("gig-med", "health-no-social", &[]);
    assert_eq!(without["payable"], "20880.00");
    // Not every standard document is on hand: no dates until they are.
    assert_eq!(
        without["documents_missing"],
        serde_json::json!(["social_settlement"])
    );
    assert!(without["dates"].is_null());
}

#[test]
fn export_credit_is_capped_by_the_buyer_limit() {
    let s = settle("ec-sme", "credit-buyer-limit", &[]);
    assert_eq!(steps(&s, 0)[0], ("covered_loss".into(), "120000".into()));
    assert_eq!(s["payable"], "108000.00");
    assert_eq!(s["currency"], "USD");
    assert_eq!(s["coverages"][0]["limits"][0]["remaining"], "42000.00");
}

#[test]
fn the_text_settlement_shows_the_worksheet() {
    let (code, out, err) = run(&[
        "claim",
        "--quote",
        "examples/claims/gig-med-quote.json",
        "--claim",
        "examples/claims/health-tiers.yaml",
        "--explain",
    ]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out);
}

#[test]
fn history_carries_the_deductible_and_a_stream_settles_in_order() {
    let (code, out, err) = run(&[
        "claim",
        "--quote",
        "examples/claims/gig-med-quote.json",
        "--history",
        "examples/claims/health-history.jsonl",
        "--input",
        "examples/claims/health-claims.jsonl",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "3 settled, 0 failed\n");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(&str, &str, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["claim_id"].as_str().unwrap(),
                l["decision"].as_str().unwrap(),
                l["payable"].as_str().unwrap(),
            )
        })
        .collect();
    // 2,000 earlier: 5,000 more makes 7,000, (7,000 − 3,000) × 40% = 1,600; then 18,000 more
    // makes 25,000: 13,000 × 40% + 5,000 × 60% = 8,200, × 60% unsettled = 4,920; the third
    // is in the waiting period.
    assert_eq!(
        got,
        vec![
            ("C-GIG-2025-0101", "pay", "1600.00"),
            ("C-GIG-2025-0102", "pay", "4920.00"),
            ("C-GIG-2025-0103", "decline", "0.00"),
        ]
    );
    assert_eq!(lines[2]["reasons"][0]["rule"], "waiting_period");
    let (_, again, _) = run(&[
        "claim",
        "--quote",
        "examples/claims/gig-med-quote.json",
        "--history",
        "examples/claims/health-history.jsonl",
        "--input",
        "examples/claims/health-claims.jsonl",
    ]);
    assert_eq!(out, again, "the same input gives the same bytes");
}

#[test]
fn an_event_in_the_waiting_period_is_a_decline_not_an_error() {
    let (code, out, err) = run(&[
        "claim",
        "--quote",
        "examples/claims/gig-med-quote.json",
        "--claim",
        "tests/fixtures/claims/outside-and-waiting.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let s: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(s["decision"], "decline");
    assert_eq!(s["reasons"][0]["rule"], "waiting_period");
    assert_eq!(s["payable"], "0.00");
}

#[test]
fn bad_claims_are_located_errors() {
    for (quote, claim) in [
        ("gig-med", "another-policy"),
        ("gig-med", "bad-amounts"),
        ("gig-med", "bad-number"),
        ("gig-med", "bad-date"),
        ("ga-sme", "bad-grade"),
    ] {
        let q = format!("examples/claims/{quote}-quote.json");
        let c = format!("tests/fixtures/claims/{claim}.yaml");
        let (code, out, err) = run(&["claim", "--quote", &q, "--claim", &c]);
        assert_eq!(code, 1, "{claim}");
        assert_eq!(out, "");
        insta::assert_snapshot!(claim, err);
    }
}

#[test]
fn benefit_sections_are_checked_like_rating_formulas() {
    let (code, _, err) = run(&["validate", "tests/fixtures/claims/bad-benefits.yaml"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(err);
}

#[test]
fn claims_test_cases_run_beside_pricing_cases() {
    let (code, out, _) = run(&["test", "tests/fixtures/claims/wrong-expectation.yaml"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("payable: expected 34800.01, got 34800.00"),
        "{out}"
    );
    assert!(
        out.contains("limits reached: expected annual_limit, got "),
        "{out}"
    );
    let (code, out, _) = run(&["test", "products"]);
    assert_eq!(code, 0, "{out}");
    let claims = out.lines().filter(|l| l.contains("  claim: ")).count();
    assert_eq!(claims, 31, "{out}");
}

#[test]
fn the_settlement_notice_in_both_languages() {
    let dir = crate::quote::tempdir("claims-notice");
    for (lang, ext) in [("zh", "md"), ("en", "md"), ("zh", "html"), ("en", "html")] {
        let out = dir.join(format!("notice-{lang}.{ext}"));
        let (code, _, err) = run(&[
            "claim",
            "--quote",
            "examples/claims/ga-sme-quote.json",
            "--claim",
            "examples/claims/accident-medical.yaml",
            "--notice",
            out.to_str().unwrap(),
            "--lang",
            lang,
        ]);
        assert_eq!(code, 0, "{err}");
        let text = std::fs::read_to_string(&out).unwrap();
        for leftover in ["{{", "}}", "{%", "%}"] {
            assert!(!text.contains(leftover), "{lang} {ext}");
        }
        // The payable in figures and in words.
        assert!(text.contains("人民币叁仟零壹拾元整"), "{lang} {ext}");
        assert!(
            text.contains(if lang == "zh" {
                "¥3,010.00"
            } else {
                "CNY 3,010.00"
            }),
            "{lang} {ext}"
        );
        if ext == "md" {
            insta::assert_snapshot!(format!("notice-{lang}.{ext}"), text);
        }
    }
}
