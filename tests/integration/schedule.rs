//! Payment schedules: instalment plans, due dates, calendars, export-credit declarations and
//! flexible pension contributions.

use chrono::NaiveDate;
use coverwright::schedule::*;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn plan(spec: PlanSpec) -> InstalmentPlan {
    InstalmentPlan::new(spec).unwrap()
}

fn request(premium: &str, start: &str, years: u32) -> ScheduleRequest {
    ScheduleRequest {
        premium: d(premium),
        start: date(start),
        term_years: years,
    }
}

fn amounts(s: &Schedule) -> Vec<String> {
    s.instalments.iter().map(|i| i.amount.to_string()).collect()
}

fn due_dates(s: &Schedule) -> Vec<String> {
    s.instalments
        .iter()
        .map(|i| i.due_date.to_string())
        .collect()
}

// ---------------------------------------------------------------- instalment plans

#[test]
fn twelve_instalments_of_1000_remainder_first() {
    let p = plan(PlanSpec::new(
        PaymentMode::Monthly,
        Pricing::Loading(d("0")),
    ));
    let s = p
        .schedule(&request("1000.00", "2024-01-01", 1), None)
        .unwrap();
    let mut expected = vec!["83.34"; 4];
    expected.extend(vec!["83.33"; 8]);
    assert_eq!(amounts(&s), expected);
    assert_eq!(s.total.to_string(), "1000.00");
}

#[test]
fn twelve_instalments_of_1000_remainder_last() {
    let mut spec = PlanSpec::new(PaymentMode::Monthly, Pricing::Loading(d("0")));
    spec.remainder = RemainderRule::Last;
    let s = plan(spec)
        .schedule(&request("1000.00", "2024-01-01", 1), None)
        .unwrap();
    let mut expected = vec!["83.33"; 8];
    expected.extend(vec!["83.34"; 4]);
    assert_eq!(amounts(&s), expected);
    assert_eq!(s.total.to_string(), "1000.00");
}

#[test]
fn monthly_factor_009_on_1200() {
    let p = plan(PlanSpec::new(
        PaymentMode::Monthly,
        Pricing::ModalFactor(d("0.09")),
    ));
    let s = p
        .schedule(&request("1200.00", "2024-01-31", 1), None)
        .unwrap();
    assert_eq!(amounts(&s), vec!["108.00"; 12]);
    assert_eq!(s.total.to_string(), "1296.00");
    assert_eq!(s.fees_total.to_string(), "0.00");
    let json = serde_json::to_string(&s).unwrap();
    assert!(
        json.starts_with(
            r#"{"total":"1296.00","instalments":[{"number":1,"due_date":"2024-01-31","amount":"108.00","fee":"0.00","grace_end":"2024-03-31"},{"number":2,"due_date":"2024-02-29","amount":"108.00","fee":"0.00","grace_end":"2024-04-29"},"#
        ),
        "{json}"
    );
    assert!(
        json.ends_with(r#""grace_end":"2025-03-01"}],"fees_total":"0.00"}"#),
        "{json}"
    );
}

#[test]
fn monthly_due_dates_from_31_january_are_anchored() {
    let p = plan(PlanSpec::new(
        PaymentMode::Monthly,
        Pricing::ModalFactor(d("0.09")),
    ));
    let s = p
        .schedule(&request("1200.00", "2024-01-31", 1), None)
        .unwrap();
    assert_eq!(
        due_dates(&s),
        vec![
            "2024-01-31",
            "2024-02-29",
            "2024-03-31",
            "2024-04-30",
            "2024-05-31",
            "2024-06-30",
            "2024-07-31",
            "2024-08-31",
            "2024-09-30",
            "2024-10-31",
            "2024-11-30",
            "2024-12-31"
        ]
    );
}

#[test]
fn quarterly_due_dates_from_30_november() {
    let p = plan(PlanSpec::new(
        PaymentMode::Quarterly,
        Pricing::ModalFactor(d("0.265")),
    ));
    let s = p
        .schedule(&request("10000.00", "2023-11-30", 1), None)
        .unwrap();
    assert_eq!(
        due_dates(&s),
        vec!["2023-11-30", "2024-02-29", "2024-05-30", "2024-08-30"]
    );
    assert_eq!(amounts(&s), vec!["2650.00"; 4]);
    assert_eq!(s.total.to_string(), "10600.00");
}
