//! Pension pricing end to end: the annuity command, the owner's annuity quote with its
//! illustration, the flexible-contribution account with its yearly cap, and the `pension`
//! section of quotes: reserves checked year by year against the recursion, cash values, death
//! benefits, the filed rates, account scenarios, and the requests and products refused.

use crate::support::run;

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).expect("JSON output")
}

#[test]
fn annuity_command_values_cl5_at_60() {
    let (code, out, err) = run(&[
        "annuity",
        "--table",
        "products/tables/cl_2010_2013_qx.csv",
        "--column",
        "CL5",
        "--age",
        "60",
        "--interest",
        "0.025",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    let value = v["value"].as_str().unwrap();
    assert!(value.starts_with("18.78776449974278"), "{value}");
}

#[test]
fn owner_annuity_male_40_pays_349_per_mille_under_the_2_5_percent_version() {
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
    let q = json(&out);
    assert_eq!(q["product"]["version"], "2024.1");
    let step = |name: &str| {
        q["worksheet"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["step"] == name)
            .unwrap()["rounded"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(step("rate_per_mille"), "349.24");
    assert_eq!(step("basic_amount"), "3492.4");
    let ill = q["illustration"].as_array().unwrap();
    assert_eq!(ill.len(), 40);
    assert_eq!(ill[4]["cumulative_premium"], "50000.00");
    assert_eq!(ill[19]["death_benefit"], "50000.00");
    // Age 60: the first pension, with 19 guaranteed payments left on death.
    assert_eq!(ill[20]["age"], "60");
    assert_eq!(ill[20]["survival_benefit"], "3492.40");
    assert_eq!(ill[20]["death_benefit"], "66355.60");
    // Five yearly premiums of 10,000 in the annual plan.
    let annual = &q["payment_options"][0]["schedule"];
    assert_eq!(annual["instalments"].as_array().unwrap().len(), 5);
    assert_eq!(annual["instalments"][4]["due_date"], "2029-03-01");
}

#[test]
fn flexible_account_projects_and_converts_at_payout() {
    let (code, out, err) = run(&[
        "quote",
        "--product",
        "PA-FLEX",
        "--request",
        "examples/pa-flex.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let q = json(&out);
    let opt = &q["payment_options"][0];
    assert_eq!(opt["mode"], "flexible");
    let years = opt["projection"]["years"].as_array().unwrap();
    assert_eq!(years.len(), 20);
    // Year 2 holds the six-month pause: 6 × 1,000.
    assert_eq!(years[1]["contributions"], "6000.00");
    assert_eq!(opt["projection"]["final_balance"], "250113.04");
    // The balance at the end of contributions, at the factor of 20 years certain then life.
    assert_eq!(opt["payout"]["payment"], "1004.92");
}

#[test]
fn a_top_up_over_the_calendar_year_cap_is_refused_naming_the_year() {
    let (code, _, err) = run(&[
        "quote",
        "--product",
        "PA-FLEX",
        "--request",
        "tests/fixtures/requests/pa-flex-over-cap.yaml",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("contributions in calendar year 2026 total 14000.00, which is 2000.00 over the yearly cap of 12000.00"),
        "{err}"
    );
}

// --- Benefits, reserves and cash values -------------------------------------------------------

use coverwright::actuarial::LifeTable;
use coverwright::product::Line;
use coverwright::product::load::{LoadOptions, load_paths};
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::str::FromStr;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn quote_json(product: &str, request: &str) -> serde_json::Value {
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
    json(&out)
}

/// `v^(j/m)` summed for `j = 0..n·m`, over `m`: an annuity-certain of 1 a year paid m-thly for
/// `n` years, from the payments themselves (the m-th root by Newton's method).
fn certain(v: Decimal, n: u32, m: u32) -> Decimal {
    let mut root = Decimal::ONE - (Decimal::ONE - v) / Decimal::from(m);
    for _ in 0..60 {
        let mut pow = Decimal::ONE;
        for _ in 0..m - 1 {
            pow *= root;
        }
        root -= (pow * root - v) / (Decimal::from(m) * pow);
    }
    let mut sum = Decimal::ZERO;
    let mut disc = Decimal::ONE;
    for _ in 0..n * m {
        sum += disc;
        disc *= root;
    }
    sum / Decimal::from(m)
}

/// Every policy year of every quoting test case of every pension product holds
/// `(V_k + π_k − S_k)(1+i) = q·DB_{k+1} + p·V_{k+1}` to the fen, with `q` read from the table
/// file, `v` from the product's rate, and `S_k`, `DB_{k+1}` rebuilt here from the benefits.
#[test]
fn reserves_follow_the_yearly_recursion_to_the_fen_for_every_pension_test_case() {
    let (products, diags) = load_paths(&[PathBuf::from("products")], &LoadOptions::default());
    assert!(!diags.has_errors(), "{:?}", diags.into_vec());
    let mut cases = 0;
    let mut years = 0;
    for p in products.iter().filter(|p| p.line == Line::Pension) {
        for t in &p.tests {
            let r = coverwright::request::check(p, &t.request, &p.file, None)
                .unwrap_or_else(|d| panic!("{}: {:?}", t.name, d.into_vec()));
            let failures = coverwright::rating::eligibility(p, &r).expect("eligibility");
            if !failures.is_empty() {
                continue;
            }
            let rated = coverwright::rating::rate(p, &r, false).expect("rating");
            let Some(case) =
                coverwright::pension::reserve_schedule(p, &r, &rated).expect("reserves")
            else {
                continue;
            };
            cases += 1;
            let c = case.commutation;
            let table = LifeTable::load(c.source(), Some(c.column())).expect("table");
            let i = p.actuarial.as_ref().expect("actuarial").interest;
            let v = Decimal::ONE / (Decimal::ONE + i);
            let pol = case.policy;
            let m = pol.frequency.per_year();
            let beta = Decimal::from(m - 1) / Decimal::from(2 * m);
            let (d, g) = (pol.defer, pol.guaranteed);
            let s = &case.schedule;
            assert!(
                s.years[0].reserve_start.abs() < dec("0.005"),
                "{}: V_0",
                t.name
            );
            for y in &s.years {
                let k = y.policy_year - 1;
                let q = table.qx(y.age).expect("age in table");
                let premium = if k < pol.premium_years {
                    s.net_premium
                } else {
                    Decimal::ZERO
                };
                let payments = if k < d {
                    Decimal::ZERO
                } else if k < d + g {
                    pol.pension * certain(v, 1, m)
                } else {
                    let p_next = Decimal::ONE - q;
                    pol.pension * (Decimal::ONE - beta + beta * v * p_next)
                };
                let death = if k < d {
                    pol.annual_premium * Decimal::from((k + 1).min(pol.premium_years))
                } else if k + 1 < d + g {
                    pol.pension * certain(v, d + g - k - 1, m)
                } else {
                    Decimal::ZERO
                };
                let lhs = (y.reserve_start + premium - payments) * (Decimal::ONE + i);
                let rhs = q * death + (Decimal::ONE - q) * y.reserve_end;
                assert!(
                    (lhs - rhs).abs() < dec("0.005"),
                    "{} ({}), policy year {}: {lhs} vs {rhs}",
                    t.name,
                    p.id(),
                    y.policy_year
                );
                years += 1;
            }
        }
    }
    // BO-ANN 2024.1: 7 quoting cases, 2025.9: 2 (one monthly), each to age 105.
    assert_eq!(cases, 9);
    assert!(years > 500, "{years}");
}

#[test]
fn owner_annuity_quote_states_the_pension_its_guarantee_death_benefits_and_cash_values() {
    let q = quote_json("BO-ANN", "examples/bo-ann.yaml");
    let p = &q["pension"];
    assert_eq!(p["yearly_pension"], "3492.40");
    assert_eq!(p["frequency"], "yearly");
    assert_eq!(p["payout_age"], 60);
    assert_eq!(p["guaranteed_years"], 20);
    assert_eq!(p["payment_years"], 5);
    assert_eq!(p["total_premiums"], "50000.00");
    assert_eq!(p["pricing_interest"], "0.025");
    // The cover runs from the start for life; the pension from 2045, guaranteed to 2065.
    let cover = &p["cover"];
    assert_eq!(cover["start"], "2025-03-01");
    assert_eq!(cover["payout_start"], "2045-03-01");
    assert_eq!(cover["guarantee_end"], "2065-02-28");
    assert_eq!(cover["end"], serde_json::Value::Null);
    assert_eq!(cover["for_life"], true);
    assert_eq!(
        cover["text"]["zh"],
        "自2025-03-01起终身，2045-03-01起领取养老年金"
    );
    assert_eq!(
        p["death_benefit"]["before_payout"],
        "greater_of_premiums_and_cash_value"
    );
    let years = p["years"].as_array().expect("years");
    assert_eq!(years.len(), 40);
    let row = |k: usize, field: &str| years[k][field].as_str().unwrap_or("").to_string();
    // Year 1: the reserve less the 10% surrender charge.
    assert_eq!(row(0, "reserve"), "9070.43");
    assert_eq!(row(0, "cash_value"), "8163.39");
    assert_eq!(row(0, "death_benefit"), "10000.00");
    // Year 5: the last premium; 2% charge.
    assert_eq!(row(4, "cumulative_premium"), "50000.00");
    assert_eq!(row(4, "cash_value"), "46717.51");
    // From year 7 the cash value exceeds the premiums paid and is the death benefit.
    assert_eq!(row(5, "death_benefit"), "50000.00");
    assert_eq!(row(6, "cash_value"), "50082.80");
    assert_eq!(row(6, "death_benefit"), "50082.80");
    // Age 60: the first pension; death pays the 19 guaranteed payments left.
    assert_eq!(years[20]["age"], 60);
    assert_eq!(row(20, "survival_benefit"), "3492.40");
    assert_eq!(row(20, "death_benefit"), "66355.60");
    assert_eq!(row(39, "death_benefit"), "0.00");
}

#[test]
fn flexible_account_illustrates_three_scenarios_to_the_payout_and_the_pension_each_buys() {
    let q = quote_json("PA-FLEX", "examples/pa-flex.yaml");
    let p = &q["pension"];
    assert_eq!(p["design"], "universal_account");
    assert_eq!(p["guaranteed_rate"], "0.01");
    assert_eq!(p["cover"]["payout_start"], "2050-10-01");
    let scenarios = p["scenarios"].as_array().expect("scenarios");
    let got: Vec<(String, String, String, String)> = scenarios
        .iter()
        .map(|s| {
            (
                s["name"]["zh"].as_str().unwrap_or("").to_string(),
                s["rate"].as_str().unwrap_or("").to_string(),
                s["account_at_payout"].as_str().unwrap_or("").to_string(),
                s["payout"]["payment"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let want = [
        ("低", "0.01", "258951.84", "1040.43"),
        ("中", "0.02", "301024.42", "1209.48"),
        ("高", "0.03", "350509.61", "1408.30"),
    ];
    assert_eq!(
        got,
        want.map(|(a, b, c, d)| (a.into(), b.into(), c.into(), d.into()))
    );
    // 25 years to age 60: 20 of contributions, 5 more of interest.
    let low = &scenarios[0]["projection"]["years"];
    assert_eq!(low.as_array().map(Vec::len), Some(25));
    assert_eq!(low[24]["contributions"], "0.00");
    // Year 1 after the 3% withdrawal charge; year 6 without one.
    let years = p["years"].as_array().expect("years");
    assert_eq!(years[0]["reserve"], "11908.52");
    assert_eq!(years[0]["cash_value"], "11551.26");
    assert_eq!(years[5]["cash_value"], years[5]["reserve"]);
    // The guaranteed pension: 1,040.43 a month, 12,485.16 a year, 20 years certain.
    assert_eq!(p["payment"], "1040.43");
    assert_eq!(p["yearly_pension"], "12485.16");
    assert_eq!(years[25]["survival_benefit"], "12485.16");
    assert_eq!(years[25]["death_benefit"], "237218.04");
    assert_eq!(years.len(), 45);
}

#[test]
fn the_owner_annuity_reproduces_the_four_filed_rates_within_one_per_mille() {
    let want = [
        (1, "75.01", 75),
        (3, "212.34", 212),
        (5, "349.24", 349),
        (10, "674.07", 674),
    ];
    for (term, rate, filed) in want {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pension");
        std::fs::create_dir_all(&dir).expect("scratch folder");
        let request = dir.join(format!("bo-ann-{term}.yaml"));
        let text = std::fs::read_to_string("examples/bo-ann.yaml").expect("example");
        std::fs::write(&request, text.replace("term: 5", &format!("term: {term}")))
            .expect("request");
        let q = quote_json("BO-ANN", request.to_str().expect("path"));
        let got = q["worksheet"]
            .as_array()
            .and_then(|w| w.iter().find(|s| s["step"] == "rate_per_mille"))
            .and_then(|s| s["rounded"].as_str())
            .unwrap_or("")
            .to_string();
        assert_eq!(got, rate, "{term}-pay");
        assert!((dec(&got) - Decimal::from(filed)).abs() <= Decimal::ONE);
    }
}

#[test]
fn requests_the_pension_cannot_pay_are_refused_naming_the_product_line_and_input() {
    let refused = |request: &str| {
        let (code, out, err) = run(&[
            "quote",
            "--products",
            "tests/fixtures/actuarial/pension/wide.yaml",
            "--product",
            "PEN-WIDE",
            "--request",
            &format!("tests/fixtures/actuarial/pension/requests/{request}.yaml"),
        ]);
        assert_eq!(code, 1, "{out}");
        err
    };
    assert_eq!(
        refused("payout-50"),
        "error: step `pension payout age`, member 1: the request's `payout_age` = 50 starts the payout before the product's minimum payout age 55 (tests/fixtures/actuarial/pension/wide.yaml:48, `pension.minimum_payout_age`)\n"
    );
    assert_eq!(
        refused("payout-106"),
        "error: step `pension payout age`, member 1: the request's `payout_age` = 106 starts the payout after the life table's last age 105 (product `pension:` at tests/fixtures/actuarial/pension/wide.yaml:45)\n"
    );
    assert_eq!(
        refused("premiums-past-payout"),
        "error: step `pension reserve`, member 1: the cash value cannot be computed: reserve: premium term 5 must be at least 1 and at most the deferral of 2 years (product `pension:` at tests/fixtures/actuarial/pension/wide.yaml:45)\n"
    );
}

#[test]
fn pension_section_problems_are_each_reported_at_their_line() {
    let (code, _, err) = run(&[
        "validate",
        "tests/fixtures/actuarial/pension/bad-section.yaml",
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(err);
}

#[test]
fn validate_refuses_a_test_case_whose_cash_values_cannot_be_computed() {
    let (code, _, err) = run(&["validate", "tests/fixtures/actuarial/pension/wide.yaml"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(err);
}

#[test]
fn shipped_pension_products_validate_with_their_cash_values() {
    let (code, _, err) = run(&["validate", "products"]);
    assert_eq!(code, 0, "{err}");
}
