//! Product change: `diff`, `impact` and `test --coverage`.

use crate::support::run;

#[test]
fn diff_of_the_two_gsm_sme_versions_lists_every_change_with_both_lines() {
    let (code, out, err) = run(&["diff", "GSM-SME@2024.1", "GSM-SME@2025.9"]);
    assert_eq!(code, 1, "different versions exit 1: {err}");
    insta::assert_snapshot!(out);
}

#[test]
fn diff_as_json_names_groups_values_and_locations() {
    let (code, out, _) = run(&[
        "diff",
        "GSM-SME@2024.1",
        "GSM-SME@2025.9",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let cell = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["subject"] == "table social_factor")
        .unwrap();
    assert_eq!(cell["group"], "pricing");
    assert_eq!(cell["old"], "1.6");
    assert_eq!(cell["new"], "1.8");
    assert_eq!(cell["relative"], "+12.50%");
    assert_eq!(cell["old_at"]["line"], 84);
    assert_eq!(cell["new_at"]["line"], 89);
}

#[test]
fn a_version_diffed_with_its_own_file_is_equal() {
    let (code, out, err) = run(&["diff", "GSM-SME@2024.1", "products/gsm-sme-2024.yaml"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.ends_with(": no changes\n"), "{out}");
}

#[test]
fn diff_refuses_two_products_and_an_unknown_version() {
    let (code, _, err) = run(&["diff", "GSM-SME@2024.1", "GA-SME@2024.1"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: GSM-SME@2024.1 and GA-SME@2024.1 are different products (GSM-SME and GA-SME): \
         compare two versions of one product\n"
    );
    let (code, _, err) = run(&["diff", "GSM-SME@2024.1", "GSM-SME@2023.1"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: product `GSM-SME` has no version `2023.1`; its versions are: 2024.1, 2025.9\n"
    );
}

fn impact_json() -> serde_json::Value {
    let (code, out, err) = run(&[
        "impact",
        "--from",
        "GSM-SME@2024.1",
        "--to",
        "GSM-SME@2025.9",
        "--input",
        "examples/gsm-sme-book.csv",
        "--request",
        "examples/gsm-sme.yaml",
        "--group-column",
        "company",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn dec(v: &serde_json::Value) -> rust_decimal::Decimal {
    v.as_str().unwrap().parse().unwrap()
}

#[test]
fn impact_attribution_adds_up_to_the_total_change_to_the_fen() {
    let r = impact_json();
    assert_eq!(r["records"], 12);
    assert_eq!(r["rated_both"], 8);
    assert_eq!(dec(&r["total_old"]).to_string(), "31992.00");
    assert_eq!(dec(&r["total_new"]).to_string(), "34014.00");
    assert_eq!(dec(&r["total_change"]).to_string(), "2022.00");
    let shares: Vec<(String, String)> = r["attribution"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["item"].as_str().unwrap().to_string(),
                dec(&s["change"]).to_string(),
            )
        })
        .collect();
    assert_eq!(
        shares,
        [
            (
                "other changes (inputs, eligibility, coverage terms)",
                "0.00"
            ),
            ("table age_factor", "696.00"),
            ("table social_factor", "1626.00"),
            ("step member_factor", "-300.00"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let sum: rust_decimal::Decimal = r["attribution"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| dec(&s["change"]))
        .sum();
    assert_eq!(sum, dec(&r["total_change"]));
}

#[test]
fn impact_counts_and_lists_the_newly_declined() {
    let r = impact_json();
    assert_eq!(r["newly_declined"], 4);
    assert_eq!(r["newly_eligible"], 0);
    assert_eq!(r["errors"], 0);
    let rows: Vec<(u64, String)> = r["newly_declined_records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["row"].as_u64().unwrap(),
                l["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [11, 32, 36, 49].map(|row| (row, "entry_age".to_string()))
    );
}

#[test]
fn impact_html_is_one_page_with_inline_svg_and_no_script() {
    let (code, out, err) = run(&[
        "impact",
        "--from",
        "GSM-SME@2024.1",
        "--to",
        "GSM-SME@2025.9",
        "--input",
        "examples/gsm-sme-book.csv",
        "--request",
        "examples/gsm-sme.yaml",
        "--group-column",
        "company",
        "--format",
        "html",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("<!DOCTYPE html>"));
    assert_eq!(out.matches("<svg").count(), 2);
    assert!(!out.contains("<script"));
    assert!(!out.contains("http://") || !out.contains("src="));
    assert!(
        out.contains("<td class=\"l\">table social_factor</td><td>1626.00</td><td>80.42%</td>")
    );
}

#[test]
fn impact_refuses_a_census_without_its_request() {
    let (code, _, err) = run(&[
        "impact",
        "--from",
        "GSM-SME@2024.1",
        "--to",
        "GSM-SME@2025.9",
        "--input",
        "examples/gsm-sme-book.csv",
    ]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: a census needs --request FILE for the policy part\n"
    );
}
