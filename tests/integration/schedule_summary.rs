//! A plan's summary ([`InstalmentPlan::summary_with`]) is what its whole schedule comes to:
//! with and without kept due dates, for evenly split years (laid out without their parts) and
//! for years with a down payment, a minimum instalment or instalments of nothing.

use chrono::{Datelike, NaiveDate};
use coverwright::schedule::*;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn spec(mode: u8, loading: bool, remainder_last: bool, extra: u8, day: u8, rule: u8) -> PlanSpec {
    let mode = [
        PaymentMode::Single,
        PaymentMode::Annual,
        PaymentMode::SemiAnnual,
        PaymentMode::Quarterly,
        PaymentMode::Monthly,
    ][mode as usize % 5];
    let pricing = if loading {
        Pricing::Loading(Decimal::new(5, 2))
    } else {
        Pricing::ModalFactor(Decimal::new(9, 2))
    };
    let mut s = PlanSpec::new(mode, pricing);
    if remainder_last {
        s.remainder = RemainderRule::Last;
    }
    match extra % 4 {
        1 => s.minimum_instalment = Some(Decimal::new(5000, 2)),
        2 if mode.per_year() >= 2 => {
            s.down_payment = Some(DownPayment {
                percent: Decimal::new(3, 1),
                minimum: Decimal::new(10000, 2),
            })
        }
        3 => s.minimum_instalment = Some(Decimal::new(1, 2)),
        _ => {}
    }
    s.collection_day = (day > 0).then_some(u32::from(day));
    s.business_day = match rule % 3 {
        1 => Some(BusinessDayRule::Following),
        2 => Some(BusinessDayRule::ModifiedFollowing),
        _ => None,
    };
    s
}

proptest! {
    #[test]
    fn a_summary_is_what_its_schedule_comes_to(
        mode in 0u8..5,
        loading in any::<bool>(),
        remainder_last in any::<bool>(),
        extra in 0u8..4,
        day in 0u8..32,
        rule in 0u8..3,
        units in prop_oneof![1i64..50, 1i64..10_000_000, 1i64..i64::MAX],
        years in 0u32..4,
        start in prop_oneof![
            0i32..3000,
            // Starts whose later due dates fall outside the calendar.
            (NaiveDate::MAX.num_days_from_ce() - 800)..=NaiveDate::MAX.num_days_from_ce(),
        ],
    ) {
        let plan = InstalmentPlan::new(spec(mode, loading, remainder_last, extra, day, rule))
            .unwrap();
        let start = NaiveDate::from_num_days_from_ce_opt(730_000 + start)
            .or_else(|| NaiveDate::from_num_days_from_ce_opt(start))
            .unwrap();
        let request = ScheduleRequest {
            premium: Decimal::new(units, 2),
            start,
            term_years: years,
        };
        let whole = plan.schedule(&request, None).map(|s| s.summary());
        prop_assert_eq!(plan.summary_with(&request, None, None), whole.clone());
        let mut dates = DueDates::default();
        for _ in 0..2 {
            prop_assert_eq!(
                plan.summary_with(&request, None, Some(&mut dates)),
                whole.clone()
            );
        }
        // Dates kept for a shorter term serve a longer one from the same start.
        let longer = ScheduleRequest { term_years: years + 1, ..request };
        prop_assert_eq!(
            plan.summary_with(&longer, None, Some(&mut dates)),
            plan.schedule(&longer, None).map(|s| s.summary())
        );
    }
}
