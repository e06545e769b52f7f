//! Amounts to the currency's minor unit: a product in yen (`tests/fixtures/valid/sp-acc-jpy.yaml`,
//! SP-ACC priced in JPY) quotes, schedules and reads back whole yen, in JSON and in text.

use coverwright::quote::Quote;

use crate::support::run;

const PRODUCTS: &str = "tests/fixtures/valid";
const REQUEST: &str = "tests/fixtures/requests/sp-acc-jpy.yaml";

fn quote(format: &str) -> String {
    let (code, out, err) = run(&[
        "quote",
        "--products",
        PRODUCTS,
        "--product",
        "SP-ACC-JPY",
        "--request",
        REQUEST,
        "--format",
        format,
    ]);
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn a_yen_quote_is_in_whole_yen_in_json() {
    let json = quote("json");
    let q = Quote::from_json(&json).expect("the quote reads back and ties out");
    assert_eq!(q.currency, "JPY");
    let totals = (
        &*q.totals.premium,
        &*q.totals.gross,
        &*q.totals.net,
        &*q.totals.tax,
    );
    assert_eq!(totals, ("524", "524", "495", "29"));
    let lines: Vec<(&str, &str, &str, &str)> = q
        .coverages
        .iter()
        .map(|c| (&*c.code, &*c.premium, &*c.net, &*c.vat_amount))
        .collect();
    // 450 / 1.06 = 424.53 -> 425 net; 74 / 1.06 = 69.81 -> 70 net.
    assert_eq!(
        lines,
        [("add", "450", "425", "25"), ("medical", "74", "70", "4")]
    );
    assert_eq!(q.members[0].total, "524");
    assert_eq!(q.members[0].premiums["medical"], "74");
    let charges: Vec<&str> = q.charges.iter().map(|c| c.amount.as_str()).collect();
    assert_eq!(charges, ["450", "25", "74", "4"]);
    let minimum = q.minimum_premium.as_ref().expect("a minimum premium");
    assert_eq!((&*minimum.amount, &*minimum.adjustment), ("50", "0"));
    // Monthly: 524 × 0.09 = 47.16 -> 47 a month, 564 a year.
    let monthly = q
        .payment_options
        .iter()
        .find(|o| o.code == "monthly")
        .and_then(|o| o.schedule.as_ref())
        .expect("a monthly schedule");
    assert_eq!(monthly.total.to_string(), "564");
    assert_eq!(monthly.instalments.len(), 12);
    assert!(
        monthly
            .instalments
            .iter()
            .all(|i| i.amount.to_string() == "47"),
        "{:?}",
        monthly.instalments
    );
    assert!(
        !json.contains(".00\""),
        "no amount has a minor unit:\n{json}"
    );
}

#[test]
fn a_yen_quote_is_in_whole_yen_in_text() {
    let text = quote("text");
    for line in [
        "Total JPY 524  (net 495, tax 29)",
        "Plan annual       1 instalment(s), first 524, total 524",
        "Plan semi_annual  2 instalment(s), first 272, total 544",
        "Plan quarterly    4 instalment(s), first 139, total 556",
        "Plan monthly      12 instalment(s), first 47, total 564",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing `{line}` in:\n{text}"
        );
    }
    let table = text
        .lines()
        .find(|l| l.starts_with("Accident medical expenses "))
        .expect("the medical line");
    let cells: Vec<&str> = table.split_whitespace().collect();
    assert!(cells.ends_with(&["taxable", "74", "70", "4"]), "{table}");
}

#[test]
fn a_yen_schedule_is_in_whole_yen() {
    let (code, out, err) = run(&[
        "schedule",
        "--products",
        PRODUCTS,
        "--product",
        "SP-ACC-JPY",
        "--plan",
        "quarterly",
        "--start",
        "2025-03-01",
        "--premium",
        "524",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON schedule");
    let amounts: Vec<&str> = v["instalments"]
        .as_array()
        .expect("instalments")
        .iter()
        .map(|i| i["amount"].as_str().expect("amount as text"))
        .collect();
    // 524 × 0.265 = 138.86 -> 139 a quarter.
    assert_eq!(amounts, ["139", "139", "139", "139"]);
    assert_eq!(v["total"], "556");
}

#[test]
fn the_yen_product_passes_its_own_test_cases() {
    let (code, out, err) = run(&["test", "tests/fixtures/valid/sp-acc-jpy.yaml"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.ends_with("6 passed, 0 failed\n"), "{out}");
}
