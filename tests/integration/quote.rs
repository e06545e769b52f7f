//! Quoting: examples, request and census errors, declines, determinism, the product test
//! cases and the worksheet.

use crate::support::run;

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).expect("quote JSON parses")
}

#[test]
fn every_example_quotes_to_the_hand_computed_total() {
    // Hand calculations are written in each example's comments.
    for (code, file, total) in [
        ("GA-SME", "examples/ga-sme.yaml", "10932.36"),
        ("SP-ACC", "examples/sp-acc.yaml", "523.87"),
        ("GIG-MED", "examples/gig-med.yaml", "195.00"),
        ("GSM-SME", "examples/gsm-sme.yaml", "5730.00"),
        ("EC-SME", "examples/ec-sme.yaml", "2065.00"),
    ] {
        let (code_, out, err) = run(&[
            "quote",
            "--product",
            code,
            "--request",
            file,
            "--format",
            "json",
        ]);
        assert_eq!(code_, 0, "{code}: {err}");
        let q = json(&out);
        assert_eq!(q["totals"]["gross"], total, "{code}");
        assert_eq!(q["product"]["code"], code);
        assert!(
            q["quote_id"]
                .as_str()
                .unwrap()
                .starts_with(&format!("Q-{code}-"))
        );
        assert!(
            !q["worksheet"].as_array().unwrap().is_empty(),
            "{code}: worksheet in JSON"
        );
    }
}

#[test]
fn group_accident_example_has_exact_coverage_premiums_and_vat() {
    let (code, out, err) = run(&[
        "quote",
        "--product",
        "GA-SME",
        "--request",
        "examples/ga-sme.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let q = json(&out);
    let cov = |c: &str, k: &str| {
        q["coverages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["code"] == c)
            .unwrap()[k]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(cov("add", "premium"), "9625.00");
    assert_eq!(cov("medical", "premium"), "1221.46");
    assert_eq!(cov("allowance", "premium"), "85.90");
    // net = round(gross / 1.06, 2), VAT = gross - net
    assert_eq!(cov("add", "net"), "9080.19");
    assert_eq!(cov("add", "vat_amount"), "544.81");
    assert_eq!(q["totals"]["tax"], "618.81");
    assert_eq!(q["totals"]["net"], "10313.55");
    assert_eq!(q["members"].as_array().unwrap().len(), 10);
    assert_eq!(q["cover"]["end"], "2026-02-28");
}

#[test]
fn same_request_gives_byte_identical_json() {
    let args = [
        "quote",
        "--product",
        "GA-SME",
        "--request",
        "examples/ga-sme.yaml",
        "--format",
        "json",
    ];
    let (_, a, _) = run(&args);
    let (_, b, _) = run(&args);
    assert_eq!(a, b);
}

#[test]
fn explain_shows_matched_rows_with_file_and_line() {
    let (code, out, _) = run(&[
        "quote",
        "--product",
        "GA-SME",
        "--request",
        "examples/ga-sme.yaml",
        "--explain",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains("ad_rate[occupation_class=1] -> row [1] at products/ga-sme-2024.yaml:92 = 1"),
        "{out}"
    );
    assert!(
        out.contains(
            "group_size[members=10] -> row [[1, 11)] at products/ga-sme-2024.yaml:164 = 1.1"
        ),
        "{out}"
    );
    assert!(out.contains("result 87.978"), "{out}");
}

#[test]
fn wrong_field_type_is_an_error_at_the_value() {
    let (code, _, err) = run(&[
        "quote",
        "--product",
        "GA-SME",
        "--request",
        "tests/fixtures/requests/ga-bad-type.yaml",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("error[E0214]: `employees`: `twelve` is not a whole number"),
        "{err}"
    );
    assert!(
        err.contains("--> tests/fixtures/requests/ga-bad-type.yaml:2:63"),
        "{err}"
    );
}

#[test]
fn unknown_option_and_coverage_are_both_reported() {
    let (code, _, err) = run(&[
        "quote",
        "--product",
        "GA-SME",
        "--request",
        "tests/fixtures/requests/ga-unknown-option.yaml",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("error[E0212]: 400000 is not an allowed `add.sum_insured`"),
        "{err}"
    );
    assert!(
        err.contains("--> tests/fixtures/requests/ga-unknown-option.yaml:8:22"),
        "{err}"
    );
    assert!(
        err.contains("help: allowed: 100000, 200000, 300000, 500000, 1000000"),
        "{err}"
    );
    assert!(
        err.contains("error[E0210]: unknown coverage `medicl`"),
        "{err}"
    );
    assert!(err.contains("help: did you mean `medical`?"), "{err}");
}

#[test]
fn out_of_range_age_and_class_decline_with_every_reason() {
    let (code, out, _) = run(&[
        "quote",
        "--product",
        "GA-SME",
        "--request",
        "tests/fixtures/requests/ga-old-member.yaml",
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "declined:\n  - occupation_class (member 3, 王五): Occupation class must be 1 to 6 / 职业类别须为1至6类\n  - entry_age (member 2, 李四): Insured members must be aged 16 to 65 / 被保险人年龄须为16至65周岁\n"
    );
}

#[test]
fn census_row_with_a_missing_column_names_the_row() {
    let (code, _, err) = run(&[
        "quote",
        "--product",
        "GA-SME",
        "--request",
        "tests/fixtures/requests/ga-census.yaml",
        "--census",
        "tests/fixtures/requests/census-missing-column.csv",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "error[E0223]: row 3, column 5: the row has 4 cells, but the header has 5 columns"
        ),
        "{err}"
    );
    assert!(
        err.contains("--> tests/fixtures/requests/census-missing-column.csv:3:"),
        "{err}"
    );
    assert!(!err.contains("missing key `members`"), "{err}");
}

#[test]
fn gbk_and_bom_censuses_quote_like_utf8() {
    let quote = |census: &str| {
        let (code, out, err) = run(&[
            "quote",
            "--product",
            "GA-SME",
            "--request",
            "tests/fixtures/requests/ga-census.yaml",
            "--census",
            census,
            "--format",
            "json",
        ]);
        assert_eq!(code, 0, "{err}");
        json(&out)
    };
    let gbk = quote("tests/fixtures/requests/census-gbk.csv");
    let bom = quote("tests/fixtures/requests/census-utf8-bom.csv");
    assert_eq!(gbk["members"][0]["name"], "张三");
    assert_eq!(gbk["members"][2]["name"], "王五");
    // 200000/1000 × (1.0 + 1.5 + 2.0) × 1.10 = 990.00
    assert_eq!(gbk["totals"]["gross"], "990.00");
    assert_eq!(gbk["members"], bom["members"]);
    assert_eq!(gbk["totals"], bom["totals"]);
}

#[test]
fn product_test_cases_pass() {
    let (code, out, err) = run(&["test", "products"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("pass  EC-SME@2025.1  four declarations, domain example"),
        "{out}"
    );
    assert!(!out.contains("FAIL"), "{out}");
}

#[test]
fn a_test_case_changed_by_one_fen_fails_naming_the_case() {
    let dir = tempdir("one-fen");
    let src = std::fs::read_to_string("products/ec-sme-2025.yaml").unwrap();
    assert!(src.contains("total: 2065.00"), "the case this test edits");
    std::fs::write(
        dir.join("ec-sme-2025.yaml"),
        src.replacen("total: 2065.00", "total: 2065.01", 1),
    )
    .unwrap();
    let (code, out, _) = run(&["test", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAIL  EC-SME@2025.1  four declarations, domain example"),
        "{out}"
    );
    assert!(
        out.contains("total: expected 2065.01, got 2065.00"),
        "{out}"
    );
}

#[test]
fn version_in_force_on_the_start_date_is_used() {
    // GSM-SME has 2024.1 (to 2025-08-31) and 2025.9 (from 2025-09-01).
    let (code, out, err) = run(&[
        "quote",
        "--product",
        "GSM-SME",
        "--request",
        "examples/gsm-sme.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let q = json(&out);
    let start = q["cover"]["start"].as_str().unwrap().to_string();
    let want = if start.as_str() >= "2025-09-01" {
        "2025.9"
    } else {
        "2024.1"
    };
    assert_eq!(q["product"]["version"], want);
    let (code, out, _) = run(&[
        "quote",
        "--product",
        "GSM-SME@2024.1",
        "--request",
        "examples/gsm-sme.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(json(&out)["product"]["version"], "2024.1");
}

pub fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("coverwright-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_collection_day_moves_to_the_next_working_day_on_the_product_calendar() {
    let (code, out, err) = run(&[
        "schedule",
        "--product",
        "GA-SME",
        "--plan",
        "monthly_workday",
        "--start",
        "2025-03-01",
        "--premium",
        "1200.00",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let s = json(&out);
    let due: Vec<&str> = s["instalments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["due_date"].as_str().unwrap())
        .collect();
    // 2025-03-01 is a Saturday; 2025-06-15 a Sunday; 2026-02-15 to 23 the Spring Festival.
    assert_eq!(due[0], "2025-03-03");
    assert_eq!(due[3], "2025-06-16");
    assert_eq!(due[11], "2026-02-24");
    assert_eq!(s["total"], "1296.00");
    assert_eq!(s["instalments"][11]["grace_end"], "2026-04-25");
}

/// The JSON quote of an example, as `quote --format json` prints it.
fn example_quote(code: &str, file: &str) -> String {
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
    out
}

#[test]
fn every_example_quote_reads_back_typed_and_writes_the_same_bytes() {
    for (code, file) in [
        ("GA-SME", "examples/ga-sme.yaml"),
        ("SP-ACC", "examples/sp-acc.yaml"),
        ("GIG-MED", "examples/gig-med.yaml"),
        ("GSM-SME", "examples/gsm-sme.yaml"),
        ("EC-SME", "examples/ec-sme.yaml"),
        ("BO-ANN", "examples/bo-ann.yaml"),
        ("PA-FLEX", "examples/pa-flex.yaml"),
    ] {
        let text = example_quote(code, file);
        let q =
            coverwright::quote::Quote::from_json(&text).unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(coverwright::quote::to_json(&q), text, "{code}");
    }
}

#[test]
fn an_edited_quote_is_refused_with_every_disagreement() {
    let text = example_quote("SP-ACC", "examples/sp-acc.yaml");
    // examples/sp-acc.yaml: add 450.00 + medical 73.87 = 523.87; the add premium edited to 400.
    let edited = text.replacen("\"premium\": \"450.00\"", "\"premium\": \"400.00\"", 1);
    assert_ne!(edited, text);
    let err = coverwright::quote::Quote::from_json(&edited).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the quote does not tie out: coverage `add`: net 424.53 + VAT 25.47 is not its premium 400.00; \
         coverage `add`: premium 400.00, but its premium charge is 450.00; \
         the coverage premiums add up to 473.87, not totals.premium 523.87; \
         the premium charges do not add up to the coverage premiums"
    );
    let dir = tempdir("edited-quote");
    let file = dir.join("quote.json");
    std::fs::write(&file, &edited).unwrap();
    let out = dir.join("quote.html");
    let (code, _, err) = run(&[
        "render",
        "--quote",
        file.to_str().unwrap(),
        "--document",
        "quote",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("error[E0242]: the quote does not tie out"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn a_quote_of_another_format_version_is_refused_at_the_field_that_differs() {
    let text = example_quote("SP-ACC", "examples/sp-acc.yaml");
    let newer = text.replacen("{\n", "{\n  \"format_version\": 2,\n", 1);
    let err = coverwright::quote::Quote::from_json(&newer).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "this is not a quote of this format (written by another version, or edited): unknown field `format_version`"
        ),
        "{err}"
    );
    assert_eq!(err.position(), Some((2, 18)));
    let older = text.replacen("  \"valid_until\"", "  \"valid_through\"", 1);
    let err = coverwright::quote::Quote::from_json(&older).unwrap_err();
    assert!(
        err.to_string().contains("unknown field `valid_through`"),
        "{err}"
    );
    let dir = tempdir("newer-quote");
    let file = dir.join("quote.json");
    std::fs::write(&file, &newer).unwrap();
    let (code, _, err) = run(&[
        "declare",
        "--quote",
        file.to_str().unwrap(),
        "--declarations",
        "examples/ec-sme-declarations.csv",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("error[E0241]: this is not a quote of this format"),
        "{err}"
    );
    assert!(err.contains(":2:18"), "{err}");
}

#[test]
fn a_missing_billing_file_is_reported_as_the_billing() {
    let text = example_quote("EC-SME", "examples/ec-sme.yaml");
    let dir = tempdir("missing-billing");
    let file = dir.join("quote.json");
    std::fs::write(&file, &text).unwrap();
    let (code, _, err) = run(&[
        "render",
        "--quote",
        file.to_str().unwrap(),
        "--document",
        "invoice",
        "--billing",
        dir.join("no-such-billing.json").to_str().unwrap(),
        "--output",
        dir.join("invoice.html").to_str().unwrap(),
    ]);
    assert_ne!(code, 0);
    assert!(
        err.starts_with("error[E0240]: cannot read the billing: "),
        "{err}"
    );
    assert!(!err.contains("cannot read the quote"), "{err}");
}
