//! Named beneficiaries in requests (checklist item 3): shares per rank add up to 100%, each
//! problem located; group cover may name only the insured's close relatives (保险法 第三十九条,
//! `regulation.employer_beneficiaries`), individual cover anyone; the quote carries them and
//! documents print them.

use coverwright::document::Lang;
use coverwright::document::model::{DocOptions, DocumentModel};
use serde_json::Value;

use crate::support::run;

const REQUESTS: &str = "tests/fixtures/regulation/requests";

fn quote(product: &str, request: &str) -> (i32, String, String) {
    let req = format!("{REQUESTS}/{request}.yaml");
    run(&[
        "quote",
        "--product",
        product,
        "--request",
        &req,
        "--format",
        "json",
    ])
}

fn quoted(product: &str, request: &str) -> Value {
    let (code, out, err) = quote(product, request);
    assert_eq!((code, err.as_str()), (0, ""), "{product} {request}: {out}");
    serde_json::from_str(&out).expect("quote JSON")
}

/// 60% + 40% in rank 1 and 100% in rank 2, all close relatives, under a group product: on the
/// limit, quoted (3 × class 1: 500000 / 1000 × 1.0 × 1.10 = 550.00 each) and carried by the
/// quote, by member.
#[test]
fn group_cover_naming_close_relatives_with_full_shares_is_quoted() {
    let q = quoted("GA-SME", "benef-ga-spouse");
    assert_eq!(q["totals"]["gross"], "1650.00");
    let named = &q["members"][0]["beneficiaries"];
    assert_eq!(
        named,
        &serde_json::json!([
            {"rank": 1, "name": "王芳", "relation": "spouse", "share": "0.6"},
            {"rank": 1, "name": "张小伟", "relation": "child", "share": "0.4"},
            {"rank": 2, "name": "张国强", "relation": "parent", "share": "1"},
        ])
    );
    // Members naming none are left to 法定: the key is absent.
    assert!(q["members"][1].get("beneficiaries").is_none());
}

#[test]
fn group_cover_naming_someone_else_is_declined_citing_article_39() {
    let (code, out, err) = quote("GA-SME", "benef-ga-other");
    assert_eq!((code, err.as_str()), (1, ""), "{out}");
    let q: Value = serde_json::from_str(&out).expect("decline JSON");
    assert_eq!(q["declined"], true);
    let failures = q["failures"].as_array().expect("failures");
    assert_eq!(failures.len(), 1, "{out}");
    assert_eq!(failures[0]["rule"], "regulation.employer_beneficiaries");
    assert_eq!(failures[0]["member"], 2);
    assert_eq!(failures[0]["member_name"], "李娜");
    assert_eq!(
        failures[0]["message_zh"],
        "投保人为与其有劳动关系的劳动者投保人身保险，不得指定被保险人及其近亲属以外的人为受益人（监管要求：《中华人民共和国保险法》第三十九条）"
    );
}

/// Individual cover is not held to article 39: SP-ACC naming `other` quotes as
/// examples/sp-acc.yaml does (450.00 + 73.87), and a document from it prints the name.
#[test]
fn individual_cover_may_name_anyone_and_documents_print_it() {
    let q = quoted("SP-ACC", "benef-sp-other");
    assert_eq!(q["totals"]["gross"], "523.87");
    assert_eq!(q["members"][0]["beneficiaries"][0]["relation"], "other");
    let m = match DocumentModel::from_json(&q, &DocOptions::new(Lang::Zh)) {
        Ok(m) => m,
        Err(e) => panic!("{e}"),
    };
    let b = m.beneficiaries.expect("death cover prints beneficiaries");
    assert!(!b.legal);
    let rows: Vec<(u32, &str, &str)> = b
        .named
        .iter()
        .map(|r| (r.rank, r.name.as_str(), r.share.as_str()))
        .collect();
    assert_eq!(rows, [(1, "赵磊", "1")]);
}

/// One policy document prints one list: a group quote whose members name beneficiaries needs
/// the list from the document options (printing one member's as the policy's would be false).
#[test]
fn a_group_document_needs_the_list_from_the_options() {
    let q = quoted("GA-SME", "benef-ga-spouse");
    match DocumentModel::from_json(&q, &DocOptions::new(Lang::Zh)) {
        Ok(_) => panic!("expected a refusal"),
        Err(e) => assert_eq!(
            e.to_string(),
            "1 of the quote's 3 members name beneficiaries; a policy document prints one list: give `beneficiaries` in the document options"
        ),
    }
}

/// Shares of rank 1 adding up to 90% are refused at the rank's first entry; a rank after a
/// gap, an unknown relation and a share without `%` each at their own line and column.
#[test]
fn shares_that_do_not_add_up_are_refused_at_the_line() {
    let req = format!("{REQUESTS}/benef-shares-60-30.yaml");
    let (code, out, err) = run(&["quote", "--product", "SP-ACC", "--request", &req]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(
        err.contains("the shares of rank 1 add up to 90%, not 100%\n  --> tests/fixtures/regulation/requests/benef-shares-60-30.yaml:14:9"),
        "{err}"
    );
    insta::assert_snapshot!("benef-shares-60-30", err);
}
