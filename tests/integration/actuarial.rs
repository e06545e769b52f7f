//! Actuarial core: values against independent reference values, table checks,
//! and the annuity report.

use coverwright::actuarial::{
    ActuarialError, AnnuityQuery, AnnuitySpec, Commutation, Frequency, LifeTable, Method,
    annuity_report,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::OnceLock;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cl_table() -> PathBuf {
    root().join("products/tables/cl_2010_2013_qx.csv")
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/actuarial").join(name)
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|e| panic!("bad decimal {s:?}: {e}"))
}

fn table(column: &str) -> LifeTable {
    LifeTable::load(&cl_table(), Some(column)).unwrap_or_else(|e| panic!("{e:?}"))
}

/// |ours − reference| ≤ 1e-10·|reference| (exact zero must stay zero).
fn assert_close(ours: Decimal, reference: Decimal, what: &str) {
    let diff = (ours - reference).abs();
    let allowed = reference.abs() * dec("1e-10");
    assert!(
        diff <= allowed,
        "{what}: ours {ours} vs reference {reference} (difference {diff})"
    );
}

struct Reference {
    table: String,
    age: u32,
    interest: String,
    defer: u32,
    term: Option<u32>,
    values: BTreeMap<String, Decimal>,
}

fn reference_rows() -> Vec<Reference> {
    let path = fixture("reference.csv");
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        let get = |name: &str| {
            let i = headers.iter().position(|h| h == name).unwrap();
            record.get(i).unwrap().to_string()
        };
        let mut values = BTreeMap::new();
        for column in [
            "annual",
            "woolhouse12",
            "udd12",
            "pure_endowment",
            "term_assurance",
            "whole_life_assurance",
        ] {
            values.insert(column.to_string(), dec(&get(column)));
        }
        let term = get("term");
        rows.push(Reference {
            table: get("table"),
            age: get("age").parse().unwrap(),
            interest: get("interest"),
            defer: get("defer").parse().unwrap(),
            term: (!term.is_empty()).then(|| term.parse().unwrap()),
            values,
        });
    }
    rows
}

fn commutations() -> &'static BTreeMap<(String, String), Commutation> {
    static CACHE: OnceLock<BTreeMap<(String, String), Commutation>> = OnceLock::new();
    CACHE.get_or_init(|| {
        let mut out = BTreeMap::new();
        for column in ["CL1", "CL2", "CL5", "CL6"] {
            let t = table(column);
            for rate in ["0.015", "0.02", "0.025", "0.035"] {
                let c = Commutation::new(&t, dec(rate)).unwrap();
                out.insert((column.to_string(), rate.to_string()), c);
            }
        }
        out
    })
}

fn check_column(column: &str) {
    let rows = reference_rows();
    assert_eq!(
        rows.len(),
        4 * 5 * 4 * 3 * 3,
        "the whole grid is in the fixture"
    );
    for row in &rows {
        let c = &commutations()[&(row.table.clone(), row.interest.clone())];
        let spec = |frequency, method| AnnuitySpec {
            defer: row.defer,
            term: row.term,
            guaranteed: 0,
            frequency,
            method,
        };
        let ours = match column {
            "annual" => c.annuity(row.age, &spec(Frequency::Annual, Method::Woolhouse2)),
            "woolhouse12" => c.annuity(row.age, &spec(Frequency::Monthly, Method::Woolhouse2)),
            "udd12" => c.annuity(row.age, &spec(Frequency::Monthly, Method::Udd)),
            "pure_endowment" => c.pure_endowment(row.age, row.defer),
            "term_assurance" => c.term_assurance(row.age, row.defer),
            "whole_life_assurance" => c.whole_life_assurance(row.age),
            other => panic!("unknown column {other}"),
        }
        .unwrap();
        let what = format!(
            "{column} {} age {} i {} defer {} term {:?}",
            row.table, row.age, row.interest, row.defer, row.term
        );
        assert_close(ours, row.values[column], &what);
    }
}

#[test]
fn annual_annuities_match_reference() {
    check_column("annual");
}

#[test]
fn monthly_woolhouse_annuities_match_reference() {
    check_column("woolhouse12");
}

#[test]
fn monthly_udd_annuities_match_reference() {
    check_column("udd12");
}

#[test]
fn pure_endowments_match_reference() {
    check_column("pure_endowment");
}

#[test]
fn term_assurances_match_reference() {
    check_column("term_assurance");
}

#[test]
fn whole_life_assurances_match_reference() {
    check_column("whole_life_assurance");
}

#[test]
fn whole_life_annuity_at_sixty_on_cl5_at_two_and_a_half_percent() {
    let c = Commutation::new(&table("CL5"), dec("0.025")).unwrap();
    let a = c.annuity_due(60, Frequency::Annual, Method::Udd).unwrap();
    // 50-digit direct summation: 18.787764499742781748526259...
    assert!(
        (a - dec("18.787764499742781748526259")).abs() < dec("1e-19"),
        "{a}"
    );
    assert_eq!(a.round_dp(4), dec("18.7878"));
    // Monthly under UDD against 50-digit direct summation of every payment.
    let m = c.annuity_due(60, Frequency::Monthly, Method::Udd).unwrap();
    assert!(
        (m - dec("18.326266961202323750624116")).abs() < dec("1e-19"),
        "{m}"
    );
}

#[test]
fn deferred_pension_with_twenty_years_certain() {
    // Male 40, payments from 60, 20 years certain then life, 2.5%, annual:
    // 20E40·ä_20⌉ + 40E40·ä_80, each piece from the commutation columns.
    let c = Commutation::new(&table("CL5"), dec("0.025")).unwrap();
    let got = c
        .guaranteed_annuity_due(40, 20, 20, Frequency::Annual, Method::Woolhouse2)
        .unwrap();
    let certain = c
        .interest()
        .annuity_certain_due(20, Frequency::Annual)
        .unwrap();
    let expected = c.pure_endowment(40, 20).unwrap() * certain
        + c.pure_endowment(40, 40).unwrap()
            * c.annuity_due(80, Frequency::Annual, Method::Woolhouse2)
                .unwrap();
    assert_close(got, expected, "20|ä with 20 certain");
    // The guarantee adds value: more than the plain deferred annuity.
    let plain = c
        .deferred_annuity_due(40, 20, Frequency::Annual, Method::Woolhouse2)
        .unwrap();
    assert!(got > plain);
    // 50-digit direct summation: Σ_{k=20}^{39} v^k·l_60/l_40 + Σ_{k≥40} v^k·l_{40+k}/l_40.
    assert_close(got, dec("11.609502657211459779"), "20|ä with 20 certain");
}

#[test]
fn table_with_a_gap_is_rejected_at_the_row_after_it() {
    let path = fixture("gap.csv");
    let errors = LifeTable::load(&path, None).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    assert_eq!(e.file, path);
    assert_eq!(e.line, 4);
    assert_eq!(e.column, "age");
    assert_eq!(
        e.to_string(),
        format!(
            "{}:4: column `age`: gap in ages: 3 follows 1 (expected 2)",
            path.display()
        )
    );
}

#[test]
fn table_with_qx_above_one_is_rejected() {
    let path = fixture("qx_above_one.csv");
    let errors = LifeTable::load(&path, None).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].file, path);
    assert_eq!((errors[0].line, errors[0].column.as_str()), (3, "qx"));
    assert_eq!(errors[0].message, "qx 1.2 is above 1");
}

#[test]
fn unclosed_table_is_rejected_at_its_last_row() {
    let path = fixture("unclosed.csv");
    let errors = LifeTable::load(&path, None).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].file, path);
    assert_eq!((errors[0].line, errors[0].column.as_str()), (4, "qx"));
    assert!(errors[0].message.contains("not closed"));
}

#[test]
fn every_problem_in_a_file_is_reported() {
    let text = "age,CL5\n0,0.1\n1,2\n3,0.2\n4,0.3\n";
    let errors = LifeTable::from_csv(Path::new("inline.csv"), text, Some("CL5")).unwrap_err();
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        vec![
            "inline.csv:3: column `CL5`: qx 2 is above 1",
            "inline.csv:4: column `age`: gap in ages: 3 follows 1 (expected 2)",
            "inline.csv:5: column `CL5`: table not closed: the last age must have qx = 1, found 0.3",
        ]
    );
}

#[test]
fn unreadable_file_names_the_file() {
    let path = fixture("no_such_table.csv");
    let errors = LifeTable::load(&path, None).unwrap_err();
    assert_eq!(errors[0].file, path);
    assert_eq!(errors[0].line, 0);
}

#[test]
fn shipped_table_loads_every_column() {
    for column in ["CL1", "CL2", "CL3", "CL4", "CL5", "CL6"] {
        let t = table(column);
        assert_eq!((t.first_age(), t.last_age()), (0, 105));
        assert_eq!(t.qx(105), Some(Decimal::ONE));
    }
    assert_eq!(table("CL5").qx(60), Some(dec("0.00466")));
    assert_eq!(table("CL2").qx(104), Some(dec("0.465447")));
}

#[test]
fn annuity_report_json_and_text() {
    let q = AnnuityQuery {
        table: cl_table(),
        column: Some("CL5".into()),
        age: 40,
        interest: dec("0.025"),
        defer: 20,
        term: None,
        guaranteed: 20,
        frequency: 12,
        method: Method::Udd,
    };
    let r = annuity_report(&q).unwrap();
    assert_eq!(r.payment_start_age, 60);
    assert!(r.value < r.annual_value, "monthly payments are worth less");
    let json = serde_json::to_value(&r).unwrap();
    for key in [
        "value",
        "pure_endowment",
        "term_assurance",
        "whole_life_annuity",
        "Dx",
        "Nx",
        "interest",
    ] {
        let text = json[key]
            .as_str()
            .unwrap_or_else(|| panic!("{key} is a string"));
        let significant = text
            .trim_start_matches(['0', '.'])
            .chars()
            .filter(char::is_ascii_digit)
            .count();
        assert!(key == "interest" || significant >= 12, "{key}: {text}");
    }
    assert_eq!(json["method"], "udd");
    assert_eq!(json["frequency"], 12);
    assert_eq!(json["interest"], "0.025");
    let text = r.to_string();
    assert!(text.contains("first payment at age 60"), "{text}");
    assert!(text.contains(&format!("value             {}", r.value)));
}

#[test]
fn annuity_report_errors() {
    let base = AnnuityQuery {
        table: cl_table(),
        column: Some("CL5".into()),
        age: 60,
        interest: dec("0.025"),
        defer: 0,
        term: None,
        guaranteed: 0,
        frequency: 1,
        method: Method::Woolhouse2,
    };
    let negative = AnnuityQuery {
        interest: dec("-0.01"),
        ..base.clone()
    };
    assert!(matches!(
        annuity_report(&negative),
        Err(ActuarialError::NegativeInterest { .. })
    ));
    let bad_table = AnnuityQuery {
        table: fixture("gap.csv"),
        column: None,
        ..base.clone()
    };
    let Err(ActuarialError::Table(errors)) = annuity_report(&bad_table) else {
        panic!("a bad table is reported as table errors");
    };
    assert_eq!(errors[0].line, 4);
    let percent_for_fraction = AnnuityQuery {
        interest: dec("2.5"),
        ..base.clone()
    };
    assert!(matches!(
        annuity_report(&percent_for_fraction),
        Err(ActuarialError::Invalid {
            step: "interest rate",
            ..
        })
    ));
    let too_old = AnnuityQuery { age: 110, ..base };
    let e = annuity_report(&too_old).unwrap_err();
    assert_eq!(
        e.to_string(),
        "annuity: age 110 is outside the life table (ages 0..=105)"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// ä_{x:n} + n|ä_x = ä_x, and paying monthly is worth less than yearly
    /// by either method.
    #[test]
    fn temporary_plus_deferred_is_whole_life(
        age in 0u32..=105,
        n in 0u32..=40,
        permille in 0u32..=60,
        column in prop::sample::select(vec!["CL1", "CL2", "CL5", "CL6"]),
    ) {
        let c = Commutation::new(&table(column), Decimal::new(i64::from(permille), 3)).unwrap();
        for method in [Method::Woolhouse2, Method::Udd] {
            for frequency in Frequency::ALL {
                let whole = c.annuity_due(age, frequency, method).unwrap();
                let temporary = c.temporary_annuity_due(age, n, frequency, method).unwrap();
                let deferred = c.deferred_annuity_due(age, n, frequency, method).unwrap();
                let diff = (temporary + deferred - whole).abs();
                prop_assert!(diff <= dec("1e-20"), "{} vs {}", temporary + deferred, whole);
            }
            let yearly = c.annuity_due(age, Frequency::Annual, method).unwrap();
            let monthly = c.annuity_due(age, Frequency::Monthly, method).unwrap();
            prop_assert!(monthly < yearly);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any rate in [0, 1] with up to 28 decimal places, any age, deferral,
    /// term and guarantee: a value or an error, never a panic; values are
    /// never negative.
    #[test]
    fn arbitrary_inputs_give_a_value_or_an_error(
        mantissa in 0i64..=1_000_000_000_000_000,
        scale in 18u32..=28,
        age in 0u32..=120,
        defer in 0u32..=200,
        term in prop::option::of(0u32..=200),
        guaranteed in 0u32..=60,
        frequency in prop::sample::select(vec![1u32, 2, 3, 4, 12]),
        method in prop::sample::select(vec![Method::Woolhouse2, Method::Udd]),
    ) {
        let interest = Decimal::new(mantissa, scale);
        let t = table("CL6");
        // A rate so small that the m-thly factors divide by (almost) zero is refused with a
        // named arithmetic error when the commutation values are built; that is an answer too.
        let c = match Commutation::new(&t, interest) {
            Ok(c) => c,
            Err(ActuarialError::Arithmetic { .. }) => return Ok(()),
            Err(e) => return Err(TestCaseError::fail(format!("unexpected error {e}"))),
        };
        let Ok(frequency) = Frequency::from_per_year(frequency) else {
            prop_assert_eq!(frequency, 3);
            return Ok(());
        };
        let spec = AnnuitySpec { defer, term, guaranteed, frequency, method };
        match c.annuity(age, &spec) {
            Ok(v) => prop_assert!(v >= Decimal::ZERO, "{}", v),
            Err(ActuarialError::AgeOutsideTable { .. }) => prop_assert!(age > 105),
            Err(ActuarialError::Invalid { .. }) => {
                prop_assert!(term.is_some_and(|n| guaranteed > n));
            }
            Err(e) => prop_assert!(false, "unexpected error {}", e),
        }
    }
}

/// `term 0` means "for life" in formulas; on the command line a life annuity is asked for by
/// leaving `--term` out, so `--term 0` is refused rather than valued as a 0-year annuity.
#[test]
fn annuity_term_zero_is_refused_and_no_term_is_for_life() {
    let table = "products/tables/cl_2010_2013_qx.csv";
    let args = |term: Option<&str>| {
        let mut a = vec![
            "annuity",
            "--table",
            table,
            "--column",
            "CL5",
            "--age",
            "60",
            "--interest",
            "0.025",
        ];
        if let Some(t) = term {
            a.extend(["--term", t]);
        }
        crate::support::run(&a)
    };
    let (code, out, err) = args(Some("0"));
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.contains("invalid value '0' for '--term <TERM>'"),
        "{err}"
    );
    let (code, out, err) = args(None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("18.7877644997427817"), "{out}");
}
