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
