//! Pension pricing end to end: the annuity command, the owner's annuity quote with its
//! illustration, and the flexible-contribution account with its yearly cap.

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
    assert_eq!(opt["payout"]["payment"], "1056.53");
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
