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

#[test]
fn down_payment_is_the_larger_of_floor_and_percentage() {
    let mut spec = PlanSpec::new(PaymentMode::Quarterly, Pricing::Loading(d("0")));
    spec.down_payment = Some(DownPayment {
        percent: d("0.3"),
        minimum: d("100000"),
    });
    let p = plan(spec);
    let small = p
        .schedule(&request("200000", "2024-03-31", 1), None)
        .unwrap();
    assert_eq!(
        amounts(&small),
        vec!["100000.00", "33333.34", "33333.33", "33333.33"]
    );
    assert_eq!(
        due_dates(&small),
        vec!["2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31"]
    );
    let large = p
        .schedule(&request("1000000", "2024-03-31", 1), None)
        .unwrap();
    assert_eq!(
        amounts(&large),
        vec!["300000.00", "233333.34", "233333.33", "233333.33"]
    );
    assert_eq!(large.total.to_string(), "1000000.00");
    // A premium below the floor is paid at once.
    let tiny = p
        .schedule(&request("80000", "2024-03-31", 1), None)
        .unwrap();
    assert_eq!(amounts(&tiny), vec!["80000.00"]);
}

#[test]
fn fees_flat_waived_on_first_and_percentage() {
    let mut spec = PlanSpec::new(PaymentMode::Monthly, Pricing::ModalFactor(d("0.09")));
    spec.fee = Some(InstalmentFee::Flat(d("5")));
    spec.waive_fee_on_first = true;
    let s = plan(spec)
        .schedule(&request("1200.00", "2024-01-31", 1), None)
        .unwrap();
    assert_eq!(s.instalments[0].fee.to_string(), "0.00");
    assert_eq!(s.instalments[1].fee.to_string(), "5.00");
    assert_eq!(s.fees_total.to_string(), "55.00");
    assert_eq!(s.total.to_string(), "1296.00");

    let mut spec = PlanSpec::new(PaymentMode::Quarterly, Pricing::Loading(d("0.02")));
    spec.fee = Some(InstalmentFee::PercentOfInstalment(d("0.015")));
    let s = plan(spec)
        .schedule(&request("999.99", "2024-01-01", 1), None)
        .unwrap();
    // 999.99 × 1.02 = 1019.9898 → 1019.99 = 101,999 fen / 4 = 25,499 rest 3 (one fen each on the first three).
    assert_eq!(s.total.to_string(), "1019.99");
    assert_eq!(amounts(&s), vec!["255.00", "255.00", "255.00", "254.99"]);
    // 1.5% of 255.00 = 3.825 → 3.83 (half up); of 254.99 = 3.82485 → 3.82.
    let fees: Vec<String> = s.instalments.iter().map(|i| i.fee.to_string()).collect();
    assert_eq!(fees, vec!["3.83", "3.83", "3.83", "3.82"]);
    assert_eq!(s.fees_total.to_string(), "15.31");
}

#[test]
fn half_even_rounding_of_the_modal_instalment() {
    // 1000.50 × 0.265 = 265.1325 (no tie); 1001.00 × 0.09 = 90.09; 500.50 × 0.09 = 45.045 (tie).
    let mut spec = PlanSpec::new(PaymentMode::Monthly, Pricing::ModalFactor(d("0.09")));
    let up = plan(spec.clone())
        .schedule(&request("500.50", "2024-01-01", 1), None)
        .unwrap();
    assert_eq!(up.instalments[0].amount.to_string(), "45.05");
    assert_eq!(up.total.to_string(), "540.60");
    spec.rounding = Rounding::HalfEven;
    let even = plan(spec)
        .schedule(&request("500.50", "2024-01-01", 1), None)
        .unwrap();
    assert_eq!(even.instalments[0].amount.to_string(), "45.04");
    assert_eq!(even.total.to_string(), "540.48");
}

#[test]
fn small_instalments_merge_into_the_previous_one() {
    let mut spec = PlanSpec::new(PaymentMode::Monthly, Pricing::Loading(d("0")));
    spec.minimum_instalment = Some(d("10"));
    let s = plan(spec)
        .schedule(&request("100.00", "2024-01-15", 1), None)
        .unwrap();
    assert_eq!(
        amounts(&s),
        vec!["16.68", "16.68", "16.66", "16.66", "16.66", "16.66"]
    );
    assert_eq!(
        due_dates(&s),
        vec![
            "2024-01-15",
            "2024-03-15",
            "2024-05-15",
            "2024-07-15",
            "2024-09-15",
            "2024-11-15"
        ]
    );
    let numbers: Vec<u32> = s.instalments.iter().map(|i| i.number).collect();
    assert_eq!(numbers, vec![1, 2, 3, 4, 5, 6]);
    assert_eq!(s.total.to_string(), "100.00");
}

#[test]
fn tiny_premium_never_yields_zero_instalments() {
    let mut spec = PlanSpec::new(PaymentMode::Monthly, Pricing::Loading(d("0")));
    spec.remainder = RemainderRule::Last;
    let s = plan(spec)
        .schedule(&request("0.05", "2024-01-01", 1), None)
        .unwrap();
    assert_eq!(amounts(&s), vec!["0.01"; 5]);
    assert_eq!(
        due_dates(&s),
        vec![
            "2024-01-01",
            "2024-09-01",
            "2024-10-01",
            "2024-11-01",
            "2024-12-01"
        ]
    );
}

#[test]
fn long_term_annual_schedule_from_a_leap_day() {
    let p = plan(PlanSpec::new(
        PaymentMode::Annual,
        Pricing::ModalFactor(d("1")),
    ));
    let s = p
        .schedule(&request("5000", "2024-02-29", 20), None)
        .unwrap();
    assert_eq!(s.instalments.len(), 20);
    assert_eq!(s.total.to_string(), "100000.00");
    assert_eq!(s.instalments[1].due_date, date("2025-02-28"));
    assert_eq!(s.instalments[4].due_date, date("2028-02-29"));
    assert_eq!(s.instalments[19].due_date, date("2043-02-28"));
    assert_eq!(s.instalments[19].number, 20);
}

#[test]
fn long_term_monthly_schedule_covers_every_month() {
    let p = plan(PlanSpec::new(
        PaymentMode::Monthly,
        Pricing::ModalFactor(d("0.085")),
    ));
    let s = p
        .schedule(&request("12345.67", "2023-12-31", 10), None)
        .unwrap();
    assert_eq!(s.instalments.len(), 120);
    // 12345.67 × 0.085 = 1049.38195 → 1049.38; × 120 = 125925.60.
    assert_eq!(s.instalments[0].amount.to_string(), "1049.38");
    assert_eq!(s.total.to_string(), "125925.60");
    assert_eq!(s.instalments[2].due_date, date("2024-02-29"));
    assert_eq!(s.instalments[119].due_date, date("2033-11-30"));
}

#[test]
fn single_premium_is_one_instalment() {
    let p = plan(PlanSpec::new(PaymentMode::Single, Pricing::Loading(d("0"))));
    let s = p
        .schedule(&request("75000", "2024-05-31", 5), None)
        .unwrap();
    assert_eq!(amounts(&s), vec!["75000.00"]);
    assert_eq!(s.instalments[0].grace_end, date("2024-07-30"));
}

#[test]
fn collection_day_applies_from_the_second_instalment() {
    let mut spec = PlanSpec::new(PaymentMode::Monthly, Pricing::ModalFactor(d("0.09")));
    spec.collection_day = Some(31);
    let s = plan(spec.clone())
        .schedule(&request("1200", "2024-01-10", 1), None)
        .unwrap();
    assert_eq!(
        due_dates(&s)[..5],
        [
            "2024-01-10",
            "2024-02-29",
            "2024-03-31",
            "2024-04-30",
            "2024-05-31"
        ]
    );
    spec.collection_day = Some(15);
    let s = plan(spec)
        .schedule(&request("1200", "2024-01-31", 1), None)
        .unwrap();
    assert_eq!(
        due_dates(&s)[..3],
        ["2024-01-31", "2024-02-15", "2024-03-15"]
    );
}

#[test]
fn grace_days_come_from_the_product() {
    let mut spec = PlanSpec::new(PaymentMode::SemiAnnual, Pricing::ModalFactor(d("0.52")));
    spec.grace_days = 30;
    let s = plan(spec)
        .schedule(&request("3000", "2024-08-31", 1), None)
        .unwrap();
    assert_eq!(due_dates(&s), vec!["2024-08-31", "2025-02-28"]);
    assert_eq!(s.instalments[0].grace_end, date("2024-09-30"));
    assert_eq!(s.instalments[1].grace_end, date("2025-03-30"));
    assert_eq!(amounts(&s), vec!["1560.00", "1560.00"]);
}

#[test]
fn dates_out_of_range_are_errors() {
    let p = plan(PlanSpec::new(
        PaymentMode::Monthly,
        Pricing::ModalFactor(d("0.09")),
    ));
    let err = p
        .schedule(&request("1200", "9999-12-31", 1), None)
        .unwrap_err();
    assert!(matches!(err, ScheduleError::DateOutOfRange { .. }), "{err}");
    let single = plan(PlanSpec::new(PaymentMode::Single, Pricing::Loading(d("0"))));
    let err = single
        .schedule(&request("1200", "9999-12-01", 1), None)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "date out of range while computing grace period end from 9999-12-01"
    );
    let max = NaiveDate::MAX;
    let err = p
        .schedule(
            &ScheduleRequest {
                premium: d("1200"),
                start: max,
                term_years: 1,
            },
            None,
        )
        .unwrap_err();
    assert!(err.to_string().contains("date out of range"), "{err}");
}

#[test]
fn overflow_is_an_error_naming_the_step() {
    let p = plan(PlanSpec::new(
        PaymentMode::Monthly,
        Pricing::Loading(d("1")),
    ));
    let err = p
        .schedule(
            &ScheduleRequest {
                premium: Decimal::MAX,
                start: date("2024-01-01"),
                term_years: 1,
            },
            None,
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "arithmetic overflow while computing year premium = premium × (1 + loading)"
    );
}

#[test]
fn invalid_specs_are_rejected() {
    let bad = |spec: PlanSpec| InstalmentPlan::new(spec).unwrap_err().to_string();
    assert_eq!(
        bad(PlanSpec::new(
            PaymentMode::Monthly,
            Pricing::ModalFactor(d("0"))
        )),
        "modal_factor: must be greater than 0 and at most 1, got 0"
    );
    assert!(
        bad(PlanSpec::new(
            PaymentMode::Monthly,
            Pricing::ModalFactor(d("1.5"))
        ))
        .starts_with("modal_factor")
    );
    assert!(
        bad(PlanSpec::new(
            PaymentMode::Monthly,
            Pricing::Loading(d("-0.1"))
        ))
        .starts_with("loading")
    );
    let mut s = PlanSpec::new(PaymentMode::Monthly, Pricing::Loading(d("0")));
    s.fee = Some(InstalmentFee::PercentOfInstalment(d("1.2")));
    assert!(bad(s).starts_with("fee.percent"));
    let mut s = PlanSpec::new(PaymentMode::Monthly, Pricing::Loading(d("0")));
    s.fee = Some(InstalmentFee::Flat(d("0.005")));
    assert!(bad(s).starts_with("fee.amount"));
    let mut s = PlanSpec::new(PaymentMode::Annual, Pricing::Loading(d("0")));
    s.down_payment = Some(DownPayment {
        percent: d("0.3"),
        minimum: d("0"),
    });
    assert!(bad(s).starts_with("down_payment"));
    let mut s = PlanSpec::new(PaymentMode::Monthly, Pricing::Loading(d("0")));
    s.minimum_instalment = Some(d("0"));
    assert!(bad(s).starts_with("minimum_instalment"));
    let mut s = PlanSpec::new(PaymentMode::Monthly, Pricing::Loading(d("0")));
    s.collection_day = Some(32);
    assert!(bad(s).starts_with("collection_day"));
    let mut s = PlanSpec::new(PaymentMode::Monthly, Pricing::Loading(d("0")));
    s.minor_unit = 5;
    assert!(bad(s).starts_with("minor_unit"));

    let p = plan(PlanSpec::new(
        PaymentMode::Monthly,
        Pricing::Loading(d("0")),
    ));
    assert!(p.schedule(&request("0", "2024-01-01", 1), None).is_err());
    assert!(p.schedule(&request("100", "2024-01-01", 0), None).is_err());
    assert!(
        p.schedule(&request("100", "2024-01-01", 101), None)
            .is_err()
    );
}

#[test]
fn schedule_text_table() {
    let mut spec = PlanSpec::new(PaymentMode::Quarterly, Pricing::ModalFactor(d("0.265")));
    spec.fee = Some(InstalmentFee::Flat(d("2.50")));
    let s = plan(spec)
        .schedule(&request("12000", "2023-11-30", 1), None)
        .unwrap();
    let expected = [
        "  No.  Due date       Amount    Fee  Grace ends",
        "-----------------------------------------------",
        "    1  2023-11-30   3,180.00   2.50  2024-01-29",
        "    2  2024-02-29   3,180.00   2.50  2024-04-29",
        "    3  2024-05-30   3,180.00   2.50  2024-07-29",
        "    4  2024-08-30   3,180.00   2.50  2024-10-29",
        "Total              12,720.00  10.00",
    ];
    assert_eq!(s.to_text(), expected.join("\n") + "\n");
}

// ---------------------------------------------------------------- calendars

const NATIONAL_DAY_2024: &str = "\
# National Day 2024: 1-7 October off, Sunday 29 September and Saturday 12 October worked
holidays: [2024-10-01, 2024-10-02, 2024-10-03, 2024-10-04, 2024-10-05, 2024-10-06, 2024-10-07]
workdays: [2024-09-29, 2024-10-12]
";

fn national_day() -> HolidayCalendar {
    HolidayCalendar::from_yaml("cn-2024.yaml", NATIONAL_DAY_2024).unwrap()
}

#[test]
fn calendar_business_days_with_make_up_workdays() {
    let cal = national_day();
    assert!(cal.is_business_day(date("2024-09-29"))); // Sunday worked
    assert!(cal.is_business_day(date("2024-10-12"))); // Saturday worked
    assert!(!cal.is_business_day(date("2024-10-13"))); // ordinary Sunday
    assert!(!cal.is_business_day(date("2024-10-02")));
    assert!(cal.is_business_day(date("2024-10-08")));
    let f = BusinessDayRule::Following;
    assert_eq!(
        cal.adjust(date("2024-10-01"), f).unwrap(),
        date("2024-10-08")
    );
    assert_eq!(
        cal.adjust(date("2024-10-07"), BusinessDayRule::Preceding)
            .unwrap(),
        date("2024-09-30")
    );
    // Saturday 31 August 2024: following is 2 September, in the next month.
    assert_eq!(
        cal.adjust(date("2024-08-31"), BusinessDayRule::ModifiedFollowing)
            .unwrap(),
        date("2024-08-30")
    );
    assert_eq!(
        cal.adjust(date("2024-08-31"), f).unwrap(),
        date("2024-09-02")
    );
}

#[test]
fn schedule_with_business_day_adjustment() {
    let mut spec = PlanSpec::new(PaymentMode::Quarterly, Pricing::ModalFactor(d("0.27")));
    spec.business_day = Some(BusinessDayRule::Following);
    let p = plan(spec);
    let cal = national_day();
    let s = p
        .schedule(&request("4000", "2024-06-29", 1), Some(&cal))
        .unwrap();
    // Sat 29 Jun → Mon 1 Jul; Sun 29 Sep is a make-up workday; Sun 29 Dec → Mon 30 Dec;
    // Sat 29 Mar 2025 → Mon 31 Mar.
    assert_eq!(
        due_dates(&s),
        vec!["2024-07-01", "2024-09-29", "2024-12-30", "2025-03-31"]
    );
    assert_eq!(s.instalments[0].grace_end, date("2024-08-30"));
    // Without a calendar only weekends move: 29 Sep is then a Sunday.
    let s = p.schedule(&request("4000", "2024-06-29", 1), None).unwrap();
    assert_eq!(s.instalments[1].due_date, date("2024-09-30"));
    // A quarterly instalment on 1 October moves past the holiday week.
    let s = p
        .schedule(&request("4000", "2024-07-01", 1), Some(&cal))
        .unwrap();
    assert_eq!(s.instalments[1].due_date, date("2024-10-08"));
}

#[test]
fn due_dates_kept_across_schedules_are_the_ones_laid_out_anew() {
    let mut spec = PlanSpec::new(PaymentMode::Quarterly, Pricing::ModalFactor(d("0.27")));
    spec.business_day = Some(BusinessDayRule::Following);
    let quarterly = plan(spec);
    let mut spec = PlanSpec::new(PaymentMode::Monthly, Pricing::ModalFactor(d("0.09")));
    spec.collection_day = Some(31);
    let monthly = plan(spec);
    let cal = national_day();
    let mut kept = DueDates::default();
    // Two plans, with and without a calendar, several start dates, premiums and terms, one
    // after the other through the same dates: each schedule is the one laid out alone.
    for (premium, start, years) in [
        ("4000", "2024-06-29", 1),
        ("1234.56", "2024-06-29", 2),
        ("4000", "2024-07-01", 1),
        ("99", "2024-06-29", 1),
        ("4000", "2024-01-31", 3),
    ] {
        let r = request(premium, start, years);
        for (p, c) in [
            (&quarterly, Some(&cal)),
            (&quarterly, None),
            (&monthly, None),
            (&monthly, Some(&cal)),
        ] {
            let alone = p.schedule(&r, c).unwrap();
            let with = p.schedule_with(&r, c, Some(&mut kept)).unwrap();
            assert_eq!(with, alone, "{premium} from {start}, {years} years");
        }
    }
    // The calendar tells the kept dates apart: 29 Sep 2024 is a make-up workday only in it.
    let r = request("4000", "2024-06-29", 1);
    let with = quarterly.schedule_with(&r, None, Some(&mut kept)).unwrap();
    assert_eq!(with.instalments[1].due_date, date("2024-09-30"));
    let with = quarterly
        .schedule_with(&r, Some(&cal), Some(&mut kept))
        .unwrap();
    assert_eq!(with.instalments[1].due_date, date("2024-09-29"));
}

#[test]
fn calendar_errors_name_file_line_and_column() {
    let err = HolidayCalendar::from_yaml(
        "cal.yaml",
        "holidays: [2024-10-01]\nworkdays: [2024-09-29]\nextra: 1\n",
    )
    .unwrap_err();
    let CalendarError::Syntax {
        file, line, column, ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!((file.as_str(), *line, *column), ("cal.yaml", 3, 1));
    assert_eq!(
        err.to_string(),
        "cal.yaml:3:1: unknown field `extra`, expected one of years, holidays, workdays"
    );

    let err = HolidayCalendar::from_yaml("cal.yaml", "holidays:\n  - 2024-10-01\n  - 2024-13-01\n")
        .unwrap_err();
    assert_eq!(err.to_string(), "cal.yaml:3:5: input is out of range");

    let err = HolidayCalendar::from_yaml(
        "cal.yaml",
        "holidays: [2024-10-01]\nworkdays: [2024-10-01]\n",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cal.yaml: 2024-10-01 is listed both under holidays and under workdays"
    );
    let err = HolidayCalendar::from_yaml("cal.yaml", "holidays: []\nworkdays: [2024-10-08]\n")
        .unwrap_err();
    assert!(err.to_string().contains("2024-10-08 is a Tue"), "{err}");
}

// ---------------------------------------------------------------- export credit

fn decl_plan(
    deposit: Option<DepositRule>,
    minimum: &str,
    max_liability: Option<&str>,
) -> DeclarationPlan {
    DeclarationPlan::new(DeclarationPlanSpec {
        deposit,
        declaration_due_day: 10,
        invoice_due_day: 25,
        minimum_premium: d(minimum),
        maximum_liability: max_liability.map(d),
        minor_unit: 2,
        rounding: Rounding::HalfUp,
    })
    .unwrap()
}

fn decl(shipped: &str, buyer: &str, value: &str, rate: &str) -> Declaration {
    let value = d(value);
    let rate = d(rate);
    Declaration {
        shipment_date: date(shipped),
        buyer: buyer.to_string(),
        declared_value: value,
        rate,
        premium: value * rate,
    }
}

/// The domain example: 750 + 675 + 480 + 160 = USD 2,065.00.
fn domain_declarations() -> Vec<Declaration> {
    vec![
        decl("2024-03-05", "A O/A 90", "300000.00", "0.0025"),
        decl("2024-03-18", "B O/A 90", "150000.00", "0.0045"),
        decl("2024-04-02", "C D/A 60", "80000.00", "0.0060"),
        decl("2024-04-20", "A L/C", "200000.00", "0.0008"),
    ]
}

#[test]
fn export_credit_domain_example_bills_2065() {
    let billing = bill_declarations(
        &decl_plan(None, "2000.00", None),
        date("2024-01-01"),
        &domain_declarations(),
    )
    .unwrap();
    assert_eq!(billing.invoices.len(), 2);
    let march = &billing.invoices[0];
    assert_eq!(march.month, "2024-03");
    assert_eq!(march.amount.to_string(), "1425.00");
    assert_eq!(march.declaration_due, date("2024-04-10"));
    assert_eq!(march.due_date, date("2024-04-25"));
    let april = &billing.invoices[1];
    assert_eq!(april.amount.to_string(), "640.00");
    assert_eq!(april.lines[0].premium.to_string(), "480.00");
    assert_eq!(april.lines[1].premium.to_string(), "160.00");
    assert_eq!(april.lines[1].cumulative_value.to_string(), "730000.00");
    assert_eq!(billing.totals.declared_premium.to_string(), "2065.00");
    assert_eq!(billing.totals.total_billed.to_string(), "2065.00");
    assert_eq!(billing.totals.declared_value.to_string(), "730000.00");
    let adj = &billing.adjustments[0];
    assert_eq!(adj.shortfall.to_string(), "0.00");
    assert_eq!(adj.amount.to_string(), "0.00");
    assert_eq!(adj.year_end, date("2024-12-31"));
    assert_eq!(adj.due_date, date("2025-01-25"));
    let json = serde_json::to_value(&billing).unwrap();
    assert_eq!(json["totals"]["total_billed"], "2065.00");
    assert_eq!(json["invoices"][0]["lines"][0]["premium"], "750.00");
    assert_eq!(
        json["invoices"][0]["lines"][0]["shipment_date"],
        "2024-03-05"
    );
    let text = billing.to_text();
    assert!(
        text.contains("Invoice 2024-03 (policy year 1): declare by 2024-04-10, pay by 2024-04-25")
    );
    assert!(text.contains("total billed 2,065.00"), "{text}");
}

#[test]
fn export_credit_deposit_is_credited_at_year_end() {
    let billing = bill_declarations(
        &decl_plan(Some(DepositRule::Amount(d("500"))), "2000.00", None),
        date("2024-01-01"),
        &domain_declarations(),
    )
    .unwrap();
    assert_eq!(billing.deposits.len(), 1);
    assert_eq!(billing.deposits[0].due_date, date("2024-01-01"));
    assert_eq!(billing.deposits[0].amount.to_string(), "500.00");
    assert_eq!(billing.adjustments[0].amount.to_string(), "-500.00");
    assert_eq!(billing.totals.total_billed.to_string(), "2065.00");
}

#[test]
fn export_credit_true_up_for_a_year_below_the_minimum() {
    // Minimum 3,000, deposit 20% of it = 600: shortfall 935, true-up 335.
    let billing = bill_declarations(
        &decl_plan(Some(DepositRule::PercentOfMinimum(d("0.2"))), "3000", None),
        date("2024-01-01"),
        &domain_declarations(),
    )
    .unwrap();
    assert_eq!(billing.deposits[0].amount.to_string(), "600.00");
    let adj = &billing.adjustments[0];
    assert_eq!(adj.declared_premium.to_string(), "2065.00");
    assert_eq!(adj.shortfall.to_string(), "935.00");
    assert_eq!(adj.deposit_credit.to_string(), "600.00");
    assert_eq!(adj.amount.to_string(), "335.00");
    assert_eq!(billing.totals.total_billed.to_string(), "3000.00");

    // Without a deposit the true-up is the whole difference.
    let billing = bill_declarations(
        &decl_plan(None, "3000", None),
        date("2024-01-01"),
        &domain_declarations(),
    )
    .unwrap();
    assert_eq!(billing.adjustments[0].amount.to_string(), "935.00");
}

#[test]
fn export_credit_policy_years_and_maximum_liability() {
    let decls = vec![
        decl("2024-07-20", "X", "100000.00", "0.0035"),
        decl("2025-07-14", "Y", "60000.00", "0.0020"),
        decl("2025-07-15", "Z", "50000.00", "0.0020"),
        decl("2025-07-16", "W", "10000.00", "0.0020"),
    ];
    let billing = bill_declarations(
        &decl_plan(None, "300", Some("100000")),
        date("2024-07-15"),
        &decls,
    )
    .unwrap();
    // July 2025 is split between policy years 1 (to 14 July) and 2.
    let months: Vec<(u32, &str)> = billing
        .invoices
        .iter()
        .map(|i| (i.policy_year, i.month.as_str()))
        .collect();
    assert_eq!(months, vec![(1, "2024-07"), (1, "2025-07"), (2, "2025-07")]);
    assert_eq!(billing.invoices[1].amount.to_string(), "120.00");
    let year2 = &billing.invoices[2];
    assert_eq!(year2.lines[1].cumulative_value.to_string(), "60000.00");
    assert!(!year2.lines[1].exceeds_maximum_liability);
    // Year 1: 100,000 + 60,000 > 100,000.
    assert!(billing.invoices[1].lines[0].exceeds_maximum_liability);
    assert_eq!(billing.totals.lines_over_maximum_liability, 1);
    assert_eq!(billing.adjustments.len(), 2);
    assert_eq!(
        billing.adjustments[0].declared_premium.to_string(),
        "470.00"
    );
    assert_eq!(billing.adjustments[0].amount.to_string(), "0.00");
    assert_eq!(billing.adjustments[1].year_end, date("2026-07-14"));
    assert_eq!(
        billing.adjustments[1].declared_premium.to_string(),
        "120.00"
    );
    assert_eq!(billing.adjustments[1].amount.to_string(), "180.00");
    assert_eq!(billing.totals.total_billed.to_string(), "770.00");
}

#[test]
fn export_credit_rejects_declarations_before_the_start() {
    let err = bill_declarations(
        &decl_plan(None, "0", None),
        date("2024-01-01"),
        &[decl("2023-12-31", "A", "1000.00", "0.001")],
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "declarations: declaration 1: shipment date 2023-12-31 is before the policy start 2024-01-01"
    );
    let bad = DeclarationPlan::new(DeclarationPlanSpec {
        deposit: None,
        declaration_due_day: 15,
        invoice_due_day: 10,
        minimum_premium: d("0"),
        maximum_liability: None,
        minor_unit: 2,
        rounding: Rounding::HalfUp,
    })
    .unwrap_err();
    assert!(bad.to_string().starts_with("invoice_due_day"));
}

fn declarations(name: &str, text: &[u8]) -> Result<Vec<RawDeclaration>, Vec<String>> {
    coverwright::declare::read_declarations(std::path::Path::new(name), text).map_err(|d| {
        d.iter()
            .map(|d| {
                let at = format!("{}:{}", d.span.line, d.span.column);
                format!("{} {at} {}", d.code, d.message)
            })
            .collect()
    })
}

#[test]
fn declarations_csv_reads_good_rows() {
    let text = "date,buyer,country_class,payment_method,credit_days,value\n\
                2024-03-05,Acme GmbH,A,O/A,90,300000.00\n\
                2024-03-18, Borealis ,B,oa,90,150000\n\
                2024-04-20,Acme GmbH,A,L/C,0,200000.00\n";
    let rows = declarations("march.csv", text.as_bytes()).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].row, 2);
    assert_eq!(rows[1].buyer, "Borealis");
    assert_eq!(rows[1].payment_method, PaymentMethod::OpenAccount);
    assert_eq!(rows[2].payment_method, PaymentMethod::LetterOfCredit);
    assert_eq!(rows[2].value, d("200000.00"));
    let rated = rows[0].rated(d("0.0025"), d("750"));
    assert_eq!(rated.shipment_date, date("2024-03-05"));
    // The same rows saved by Excel on Windows (CRLF) and in GBK read alike.
    let crlf = text.replace('\n', "\r\n");
    assert_eq!(declarations("march.csv", crlf.as_bytes()).unwrap(), rows);
    let (gbk, _, _) = encoding_rs::GBK.encode("date,buyer,country_class,payment_method,credit_days,value\n2024-03-05,杭州贸易,A,O/A,90,300000.00\n");
    let rows = declarations("gbk.csv", &gbk).unwrap();
    assert_eq!(rows[0].buyer, "杭州贸易");
}

#[test]
fn declarations_csv_reports_every_bad_row() {
    let text = "date,buyer,country_class,payment_method,credit_days,value\n\
                2024-02-30,Acme,A,O/A,90,1000\n\
                2024-03-01,,A,wire,400,-5\n\
                2024-03-02,Acme,A,D/A,60,1000\n\
                2024-03-03,Acme,A\n";
    let expected = vec![
        "E0224 2:1 row 2, column `date`: `2024-02-30` is not a date (YYYY-MM-DD)",
        "E0224 3:12 row 3, column `buyer`: is empty",
        "E0224 3:15 row 3, column `payment_method`: `wire` is not one of L/C, D/P, D/A, O/A",
        "E0224 3:20 row 3, column `credit_days`: `400` is not a number of days from 0 to 360",
        "E0224 3:24 row 3, column `value`: `-5` is not an amount greater than 0",
        "E0223 5:1 row 5: has 3 fields, the header has 6",
    ];
    assert_eq!(
        declarations("bad.csv", text.as_bytes()).unwrap_err(),
        expected
    );
    // CRLF line ends give the same rows and columns.
    let crlf = text.replace('\n', "\r\n");
    assert_eq!(
        declarations("bad.csv", crlf.as_bytes()).unwrap_err(),
        expected
    );

    let errors = declarations("h.csv", b"date,buyer,class,value\n").unwrap_err();
    assert_eq!(
        errors[0],
        "E0222 1:12 row 1, column `class`: unknown column; expected date,buyer,country_class,payment_method,credit_days,value"
    );
    assert!(
        errors.contains(&"E0222 1:1 row 1, column `credit_days`: column is missing".to_string())
    );
}

#[test]
fn declarations_csv_refuses_what_the_csv_crate_let_through() {
    // An unclosed quote is an error at the row where it opened, not the rest of the file
    // swallowed into one record; a doubled column and an oversized field are errors too.
    let text = "date,buyer,country_class,payment_method,credit_days,value\n\
                2024-03-05,\"Acme GmbH,A,O/A,90,300000.00\n\
                2024-03-06,Borealis,B,O/A,90,150000\n";
    let errors = declarations("open.csv", text.as_bytes()).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("E0223 2:12 row 2, "), "{errors:?}");
    let doubled = "date,buyer,date,country_class,payment_method,credit_days,value\n";
    let errors = declarations("doubled.csv", doubled.as_bytes()).unwrap_err();
    assert!(
        errors[0].starts_with("E0221 1:12 row 1, column 3: the column `date` is already column 1"),
        "{errors:?}"
    );
    let big = format!(
        "date,buyer,country_class,payment_method,credit_days,value\n2024-03-05,{},A,O/A,90,1\n",
        "x".repeat(70_000)
    );
    let errors = declarations("big.csv", big.as_bytes()).unwrap_err();
    assert!(errors[0].starts_with("E0223 2:12 row 2, "), "{errors:?}");
}

// ---------------------------------------------------------------- pension

fn terms(rate: &str, initial: &str, management: &str) -> PensionAccountTerms {
    PensionAccountTerms::new(
        d(rate),
        d(initial),
        d(management),
        Some(d("12000")),
        2,
        Rounding::HalfUp,
    )
    .unwrap()
}

#[test]
fn pension_illustration_12000_a_year_for_20_years_at_2_percent() {
    let plan = ContributionPlan::new(
        date("2025-01-01"),
        20,
        d("12000"),
        ContributionFrequency::Yearly,
        vec![],
        vec![],
    )
    .unwrap();
    let p = terms("0.02", "0", "0").project(&plan).unwrap();
    // 12,000 × s̈₂₀ at 2% = 297,399.806…; interest rounded to the fen each year.
    assert_eq!(p.final_balance.to_string(), "297399.82");
    assert_eq!(p.total_contributions.to_string(), "240000.00");
    assert_eq!(p.total_interest.to_string(), "57399.82");
    assert_eq!(p.years[0].interest.to_string(), "240.00");
    assert_eq!(p.years[0].closing.to_string(), "12240.00");
    assert_eq!(p.years[1].closing.to_string(), "24724.80");
    assert_eq!(p.years[19].to, date("2044-12-31"));
    assert!(p.to_text().contains("297,399.82"));
}

#[test]
fn pension_monthly_contributions_earn_interest_pro_rata() {
    let plan = ContributionPlan::new(
        date("2024-01-01"),
        1,
        d("1000"),
        ContributionFrequency::Monthly,
        vec![],
        vec![],
    )
    .unwrap();
    let p = terms("0.02", "0", "0").project(&plan).unwrap();
    // 1000 × 2% × (12 + 11 + … + 1)/12 = 130.00.
    assert_eq!(p.years[0].interest.to_string(), "130.00");
    assert_eq!(p.final_balance.to_string(), "12130.00");
}

#[test]
fn pension_charges_pauses_and_top_ups() {
    let plan = ContributionPlan::new(
        date("2024-01-01"),
        2,
        d("1000"),
        ContributionFrequency::Monthly,
        vec![PremiumHoliday {
            from: date("2024-03-01"),
            to: date("2024-05-31"),
        }],
        vec![TopUp {
            date: date("2024-07-01"),
            amount: d("3000"),
        }],
    )
    .unwrap();
    let p = terms("0.02", "0.05", "0.01").project(&plan).unwrap();
    let y1 = &p.years[0];
    assert_eq!(y1.contributions.to_string(), "12000.00");
    assert_eq!(y1.initial_charges.to_string(), "600.00");
    // Net 950 in months 0,1,5..11 and 2,850 in month 6:
    // weights 950 × (12+11+7+6+5+4+3+2+1) + 2850 × 6 = 48,450 + 17,100 = 65,550 → × 2% / 12 = 109.25.
    assert_eq!(y1.interest.to_string(), "109.25");
    // 11,400 + 109.25 = 11,509.25; management 1% = 115.0925 → 115.09.
    assert_eq!(y1.management_charge.to_string(), "115.09");
    assert_eq!(y1.closing.to_string(), "11394.16");
    assert_eq!(p.years[1].opening.to_string(), "11394.16");
    assert_eq!(p.years[1].contributions.to_string(), "12000.00");
}

#[test]
fn pension_cap_breach_names_the_year() {
    let plan = ContributionPlan::new(
        date("2024-01-01"),
        3,
        d("1000"),
        ContributionFrequency::Monthly,
        vec![],
        vec![TopUp {
            date: date("2025-06-30"),
            amount: d("1500.50"),
        }],
    )
    .unwrap();
    let err = terms("0.02", "0", "0").project(&plan).unwrap_err();
    assert_eq!(
        err.to_string(),
        "contributions in calendar year 2025 total 13500.50, which is 1500.50 over the yearly cap of 12000.00"
    );
    assert!(matches!(err, ScheduleError::CapExceeded { year: 2025, .. }));
}

#[test]
fn annuity_certain_due_and_payout() {
    assert_eq!(
        annuity_certain_due(20, d("0.02"), 1).unwrap(),
        d("16.6784620115")
    );
    assert_eq!(
        annuity_certain_due(20, d("0.02"), 12).unwrap(),
        d("16.5280379548")
    );
    assert_eq!(annuity_certain_due(10, d("0"), 12).unwrap(), d("10"));
    assert!(annuity_certain_due(0, d("0.02"), 1).is_err());
    assert!(annuity_certain_due(10, d("0.02"), 5).is_err());

    let t = terms("0.02", "0", "0");
    let yearly = t
        .payout(d("297399.82"), d("16.6784620115"), PayoutFrequency::Yearly)
        .unwrap();
    assert_eq!(yearly.payment.to_string(), "17831.37");
    let monthly = t
        .payout(d("297399.82"), d("16.5280379548"), PayoutFrequency::Monthly)
        .unwrap();
    assert_eq!(monthly.payment.to_string(), "1499.47");
    assert_eq!(monthly.yearly_amount.to_string(), "17993.66");
    assert_eq!(monthly.payments_per_year, 12);
    assert!(
        t.payout(d("1000"), d("0"), PayoutFrequency::Yearly)
            .is_err()
    );
}

// ---------------------------------------------------------------- properties

mod properties {
    use super::*;
    use chrono::Datelike;
    use proptest::prelude::*;
    use rust_decimal::RoundingStrategy;

    /// Independent reference: start + k months, clamped to the month's last day.
    fn reference_due(start: NaiveDate, months: u32) -> NaiveDate {
        let total = start.month0() + months;
        let year = start.year() + (total / 12) as i32;
        let month = total % 12 + 1;
        let mut day = start.day();
        loop {
            if let Some(d) = NaiveDate::from_ymd_opt(year, month, day) {
                return d;
            }
            day -= 1;
        }
    }

    fn mode() -> impl Strategy<Value = PaymentMode> {
        prop_oneof![
            Just(PaymentMode::Single),
            Just(PaymentMode::Annual),
            Just(PaymentMode::SemiAnnual),
            Just(PaymentMode::Quarterly),
            Just(PaymentMode::Monthly),
        ]
    }

    fn start_date() -> impl Strategy<Value = NaiveDate> {
        (1990i32..2100, 1u32..=12, prop_oneof![1u32..=31, 28u32..=31]).prop_map(|(y, m, d)| {
            let mut day = d;
            loop {
                if let Some(date) = NaiveDate::from_ymd_opt(y, m, day) {
                    return date;
                }
                day -= 1;
            }
        })
    }

    fn pricing() -> impl Strategy<Value = Pricing> {
        prop_oneof![
            (1i64..=10_000).prop_map(|f| Pricing::ModalFactor(Decimal::new(f, 4))),
            (0i64..=2_000).prop_map(|l| Pricing::Loading(Decimal::new(l, 4))),
        ]
    }

    #[derive(Debug, Clone)]
    struct Case {
        spec: PlanSpec,
        premium: Decimal,
        start: NaiveDate,
        years: u32,
    }

    fn case() -> impl Strategy<Value = Case> {
        (
            mode(),
            pricing(),
            1i64..=100_000_000_000_000,
            start_date(),
            prop_oneof![4 => 1u32..=3, 1 => 1u32..=30],
            any::<bool>(),
            proptest::option::of(prop_oneof![
                (0i64..=10_000).prop_map(|a| InstalmentFee::Flat(Decimal::new(a, 2))),
                (0i64..=500).prop_map(|p| InstalmentFee::PercentOfInstalment(Decimal::new(p, 4))),
            ]),
            any::<bool>(),
            proptest::option::of((0i64..=100, 0i64..=100_000_000)),
            proptest::option::of(1i64..=10_000_000),
        )
            .prop_map(
                |(mode, pricing, units, start, years, last, fee, waive, dp, min)| {
                    let mut spec = PlanSpec::new(mode, pricing);
                    spec.remainder = if last {
                        RemainderRule::Last
                    } else {
                        RemainderRule::First
                    };
                    spec.fee = fee;
                    spec.waive_fee_on_first = waive;
                    if mode.per_year() >= 2 {
                        spec.down_payment =
                            dp.filter(|(p, m)| *p > 0 || *m > 0)
                                .map(|(p, m)| DownPayment {
                                    percent: Decimal::new(p, 2),
                                    minimum: Decimal::new(m, 2),
                                });
                    }
                    spec.minimum_instalment = min.map(|m| Decimal::new(m, 2));
                    Case {
                        spec,
                        premium: Decimal::new(units, 2),
                        start,
                        years,
                    }
                },
            )
    }

    fn expected_total(c: &Case) -> Decimal {
        let half_up = RoundingStrategy::MidpointAwayFromZero;
        let n = Decimal::from(c.spec.mode.per_year());
        let year = match c.spec.pricing {
            Pricing::ModalFactor(f) => (c.premium * f).round_dp_with_strategy(2, half_up) * n,
            Pricing::Loading(l) => {
                (c.premium * (Decimal::ONE + l)).round_dp_with_strategy(2, half_up)
            }
        };
        let years = if c.spec.mode == PaymentMode::Single {
            1
        } else {
            c.years
        };
        year * Decimal::from(years)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

        #[test]
        fn instalments_add_up_and_dates_are_anchored(c in case()) {
            let plan = InstalmentPlan::new(c.spec.clone()).unwrap();
            let req = ScheduleRequest { premium: c.premium, start: c.start, term_years: c.years };
            let s = plan.schedule(&req, None).unwrap();
            let sum: Decimal = s.instalments.iter().map(|i| i.amount).sum();
            prop_assert_eq!(sum, s.total);
            prop_assert_eq!(s.total, expected_total(&c));
            prop_assert_eq!(s.total.scale(), 2);
            let fees: Decimal = s.instalments.iter().map(|i| i.fee).sum();
            prop_assert_eq!(fees, s.fees_total);

            let step = c.spec.mode.step_months();
            let per_year = c.spec.mode.per_year();
            let years = if c.spec.mode == PaymentMode::Single { 1 } else { c.years };
            let reference: Vec<NaiveDate> = (0..years * per_year)
                .map(|k| reference_due(c.start, k * step))
                .collect();
            prop_assert_eq!(s.instalments[0].due_date, c.start);
            let mut last_index = None;
            for (i, inst) in s.instalments.iter().enumerate() {
                prop_assert_eq!(inst.number as usize, i + 1);
                prop_assert_eq!(inst.amount.scale(), 2);
                prop_assert!(inst.amount >= Decimal::ZERO);
                let idx = reference.iter().position(|d| *d == inst.due_date);
                prop_assert!(idx.is_some(), "due date {} not anchored", inst.due_date);
                prop_assert!(idx > last_index, "due dates not increasing");
                last_index = idx;
                prop_assert_eq!(
                    inst.grace_end,
                    inst.due_date + chrono::Days::new(60)
                );
                let first_of_year = idx.is_some_and(|k| (k as u32).is_multiple_of(per_year));
                if let Some(min) = c.spec.minimum_instalment
                    && !first_of_year
                {
                    prop_assert!(inst.amount >= min, "{} below minimum {}", inst.amount, min);
                }
            }
            // Every policy year starts with an instalment on its anniversary.
            for y in 0..years {
                let anniversary = reference[(y * per_year) as usize];
                prop_assert!(s.instalments.iter().any(|i| i.due_date == anniversary));
            }
            // Without down payment or minimum, nothing merges unless a share rounds to zero, and
            // a year's instalments differ by at most one fen, ordered by the remainder rule.
            if c.spec.down_payment.is_none()
                && c.spec.minimum_instalment.is_none()
                && s.instalments.len() == reference.len()
            {
                for (inst, due) in s.instalments.iter().zip(&reference) {
                    prop_assert_eq!(inst.due_date, *due);
                }
                for year in s.instalments.chunks(per_year as usize) {
                    let max = year.iter().map(|i| i.amount).max().unwrap();
                    let min = year.iter().map(|i| i.amount).min().unwrap();
                    prop_assert!(max - min <= d("0.01"));
                    let ordered = year.windows(2).all(|w| match c.spec.remainder {
                        RemainderRule::First => w[0].amount >= w[1].amount,
                        RemainderRule::Last => w[0].amount <= w[1].amount,
                    });
                    prop_assert!(ordered);
                }
            }
            // JSON is deterministic.
            prop_assert_eq!(
                serde_json::to_string(&s).unwrap(),
                serde_json::to_string(&plan.schedule(&req, None).unwrap()).unwrap()
            );
        }

        #[test]
        fn business_day_adjustment_lands_on_a_business_day(
            start in start_date(),
            offset in 0u32..400,
            rule in prop_oneof![
                Just(BusinessDayRule::Following),
                Just(BusinessDayRule::ModifiedFollowing),
                Just(BusinessDayRule::Preceding),
            ],
        ) {
            let cal = national_day();
            let day = start + chrono::Days::new(u64::from(offset));
            let adjusted = cal.adjust(day, rule).unwrap();
            prop_assert!(cal.is_business_day(adjusted));
            match rule {
                BusinessDayRule::Following => prop_assert!(adjusted >= day),
                BusinessDayRule::Preceding => prop_assert!(adjusted <= day),
                BusinessDayRule::ModifiedFollowing => prop_assert_eq!(adjusted.month(), day.month()),
            }
            if cal.is_business_day(day) {
                prop_assert_eq!(adjusted, day);
            }
        }

        #[test]
        fn declaration_billing_collects_the_larger_of_minimum_and_declared(
            values in proptest::collection::vec((0u32..700, 1i64..=100_000_000, 1i64..=200), 0..30),
            minimum in 0i64..=1_000_000,
            deposit in 0i64..=100,
        ) {
            let start = date("2024-02-29");
            let decls: Vec<Declaration> = values
                .iter()
                .map(|(day, v, r)| {
                    let value = Decimal::new(*v, 2);
                    let rate = Decimal::new(*r, 4);
                    Declaration {
                        shipment_date: start + chrono::Days::new(u64::from(*day)),
                        buyer: "B".into(),
                        declared_value: value,
                        rate,
                        premium: value * rate,
                    }
                })
                .collect();
            let plan = decl_plan(
                Some(DepositRule::PercentOfMinimum(Decimal::new(deposit, 2))),
                &Decimal::new(minimum, 2).to_string(),
                None,
            );
            let b = bill_declarations(&plan, start, &decls).unwrap();
            let mut expected = Decimal::ZERO;
            for adj in &b.adjustments {
                let declared: Decimal = b
                    .invoices
                    .iter()
                    .filter(|i| i.policy_year == adj.policy_year)
                    .map(|i| i.amount)
                    .sum();
                prop_assert_eq!(declared, adj.declared_premium);
                expected += declared.max(adj.minimum_premium);
            }
            prop_assert_eq!(b.totals.total_billed, expected);
            let lines: usize = b.invoices.iter().map(|i| i.lines.len()).sum();
            prop_assert_eq!(lines, decls.len());
        }

        #[test]
        fn pension_years_balance(
            amount in 0i64..=100_000,
            freq in prop_oneof![
                Just(ContributionFrequency::Monthly),
                Just(ContributionFrequency::Quarterly),
                Just(ContributionFrequency::Yearly),
            ],
            start in start_date(),
            years in 1u32..=10,
            rate in 0i64..=300,
            initial in 0i64..=500,
            management in 0i64..=200,
        ) {
            let plan = ContributionPlan::new(start, years, Decimal::new(amount, 2), freq, vec![], vec![]).unwrap();
            let terms = PensionAccountTerms::new(
                Decimal::new(rate, 4), Decimal::new(initial, 4), Decimal::new(management, 4),
                None, 2, Rounding::HalfEven,
            ).unwrap();
            let p = terms.project(&plan).unwrap();
            let mut opening = d("0.00");
            for y in &p.years {
                prop_assert_eq!(y.opening, opening);
                prop_assert_eq!(
                    y.closing,
                    y.opening + y.contributions - y.initial_charges + y.interest - y.management_charge
                );
                opening = y.closing;
            }
            prop_assert_eq!(p.final_balance, opening);
        }
    }
}
