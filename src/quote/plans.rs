//! The payment options of a quote: each plan of the product laid out by the schedule module
//! for the quoted premium (instalments, or a flexible-contribution projection).

use rust_decimal::Decimal;

use super::{PaymentOption, QuoteError, QuoteOptions};
use crate::formula::{Scope, Value};
use crate::product::{InputGroup, PlanMode, Product, TermUnit};
use crate::rating::Rated;
use crate::request::Request;
use crate::schedule;

/// Every payment plan of the product (only the asked one, when a plan is asked for) laid out
/// for the quoted `premium`.
pub fn payment_options(
    p: &Product,
    r: &Request,
    rated: &Rated,
    premium: Decimal,
    opts: &QuoteOptions,
) -> Result<Vec<PaymentOption>, QuoteError> {
    payment_options_with(p, r, rated, premium, opts, None)
}

/// [`payment_options`], with the due dates of instalment plans taken from and kept in `dates`
/// (see [`schedule::DueDates`]).
pub fn payment_options_with(
    p: &Product,
    r: &Request,
    rated: &Rated,
    premium: Decimal,
    opts: &QuoteOptions,
    mut dates: Option<&mut schedule::DueDates>,
) -> Result<Vec<PaymentOption>, QuoteError> {
    let wanted = opts.plan.as_ref().or(r.plan.as_ref());
    let mut out = Vec::with_capacity(if wanted.is_some() { 1 } else { p.plans.len() });
    for plan in &p.plans {
        if wanted.is_some_and(|w| *w != plan.code) {
            continue;
        }
        if plan.mode == PlanMode::Flexible {
            let (projection, payout) = flexible(p, r, rated, plan)?;
            out.push(PaymentOption {
                code: plan.code.clone(),
                name: plan.name.clone(),
                mode: plan.mode,
                schedule: None,
                projection: Some(projection),
                payout,
                note: None,
            });
            continue;
        }
        let (schedule, note) = instalments(
            p,
            r,
            plan,
            premium,
            dates.as_deref_mut(),
            |ip, req, cal, d| ip.schedule_with(req, cal, d),
        )?;
        out.push(PaymentOption {
            code: plan.code.clone(),
            name: plan.name.clone(),
            mode: plan.mode,
            schedule,
            projection: None,
            payout: None,
            note,
        });
    }
    Ok(out)
}

/// What [`payment_options_with`] gives for `plan`, an instalment plan asked for by name, as
/// the plan's [`schedule::ScheduleSummary`] (or `None` where the option carries a note): the
/// same checks and errors, without listing the instalments. `None` for any other plan, whose
/// option is then to be made whole.
pub fn asked_plan_summary<'p>(
    p: &'p Product,
    r: &Request,
    premium: Decimal,
    opts: &QuoteOptions,
    dates: Option<&mut schedule::DueDates>,
) -> Option<Result<(&'p str, Option<schedule::ScheduleSummary>), QuoteError>> {
    let wanted = opts.plan.as_ref().or(r.plan.as_ref())?;
    let mut asked = p.plans.iter().filter(|x| x.code == *wanted);
    let plan = asked.next().filter(|x| x.mode != PlanMode::Flexible)?;
    if asked.next().is_some() {
        return None;
    }
    let laid = instalments(p, r, plan, premium, dates, |ip, req, cal, d| {
        ip.summary_with(req, cal, d)
    });
    Some(laid.map(|(summary, _)| (plan.code.as_str(), summary)))
}

/// An instalment plan laid out by `lay_out` (a schedule, or its summary) for the quoted
/// `premium`, or the note saying why the plan is not offered.
fn instalments<S>(
    p: &Product,
    r: &Request,
    plan: &crate::product::PaymentPlan,
    premium: Decimal,
    dates: Option<&mut schedule::DueDates>,
    lay_out: impl FnOnce(
        &schedule::InstalmentPlan,
        &schedule::ScheduleRequest,
        Option<&schedule::HolidayCalendar>,
        Option<&mut schedule::DueDates>,
    ) -> Result<S, schedule::ScheduleError>,
) -> Result<(Option<S>, Option<String>), QuoteError> {
    Ok(match plan.instalments.as_ref() {
        None => (
            None,
            Some(match plan.mode {
                PlanMode::Declaration => {
                    "premium billed on monthly declarations (coverwright declare)".to_string()
                }
                _ => "flexible contributions within the yearly cap".to_string(),
            }),
        ),
        Some(ip) => {
            let step = ip.spec().mode.step_months();
            if r.term_months < 12 && step != 0 && step != 12 && !r.term_months.is_multiple_of(step)
            {
                (
                    None,
                    Some(format!("not offered for a {}-month term", r.term_months)),
                )
            } else if r.term_months < 12 && step != 0 && step != 12 {
                (
                    None,
                    Some("instalments are offered for annual terms".to_string()),
                )
            } else {
                let cal = plan.holidays.as_ref();
                let years = plan
                    .premium_years
                    .unwrap_or(if p.term.unit == TermUnit::Year {
                        r.term
                    } else {
                        1
                    })
                    .max(1);
                let req = schedule::ScheduleRequest {
                    premium,
                    start: r.start,
                    term_years: years,
                };
                let s = lay_out(ip, &req, cal, dates)
                    .map_err(|e| QuoteError::Schedule(e.to_string()))?;
                (Some(s), None)
            }
        }
    })
}

/// Projects a flexible-contribution account from the request's planned contribution (options
/// `contribution` and `frequency`, over the term in years; `payout` when present), pauses and
/// top-ups, and
/// converts the final balance with the plan's payout factor.
fn flexible(
    p: &Product,
    r: &Request,
    rated: &Rated,
    plan: &crate::product::PaymentPlan,
) -> Result<(schedule::PensionProjection, Option<schedule::PensionPayout>), QuoteError> {
    use schedule::{PayoutFrequency, PensionAccountTerms};
    let option = |name: &str| -> Option<Value> {
        p.fields
            .iter()
            .filter(|f| f.group != InputGroup::Member)
            .position(|f| f.name == name)
            .and_then(|i| r.policy.get(i).copied())
    };
    let word = |name: &str| option(name).map(|v| p.interner.show(&v));
    let rounding = p.rounding.mode();
    let terms = PensionAccountTerms::new(
        plan.crediting_rate.unwrap_or_default(),
        plan.initial_charge.unwrap_or_default(),
        plan.management_charge.unwrap_or_default(),
        plan.yearly_cap,
        p.currency.minor_unit(),
        rounding,
    )
    .map_err(|e| QuoteError::Schedule(e.to_string()))?;
    let cplan = crate::pension::contribution_plan(p, r).map_err(QuoteError::Schedule)?;
    let projection = terms
        .project(&cplan)
        .map_err(|e| QuoteError::Schedule(e.to_string()))?;
    let payout = match plan.payout_factor {
        None => None,
        Some(step) => {
            let v = match p.steps[step as usize].scope {
                Scope::Policy => rated.policy_steps[step as usize],
                Scope::Member => rated
                    .member_steps
                    .first()
                    .map(|m| m[step as usize])
                    .unwrap_or(Value::Num(Decimal::ZERO)),
            };
            let factor = v.num().unwrap_or_default();
            let freq = if word("payout").as_deref() == Some("monthly") {
                PayoutFrequency::Monthly
            } else {
                PayoutFrequency::Yearly
            };
            Some(
                terms
                    .payout(projection.final_balance, factor, freq)
                    .map_err(|e| QuoteError::Schedule(e.to_string()))?,
            )
        }
    };
    Ok((projection, payout))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The asked plan's summary is what its payment option comes to, for every instalment
    /// plan of every example request, over premiums from a fen up, starts through the year
    /// (collection days, month ends, the calendar's holidays) and terms of months and years.
    #[test]
    fn an_asked_plans_summary_is_its_options() {
        let (products, _) = crate::product::load::load_paths(
            &[std::path::PathBuf::from("products")],
            &crate::product::load::LoadOptions::default(),
        );
        let mut compared = 0;
        for (p, file, r) in crate::request::examples(&products) {
            let rated =
                crate::rating::rate(p, &r, false).unwrap_or_else(|e| panic!("{file}: {e:?}"));
            for plan in p.plans.iter().filter(|x| x.mode != PlanMode::Flexible) {
                let opts = QuoteOptions {
                    plan: Some(plan.code.clone()),
                    as_of: None,
                    worksheet: false,
                };
                for (premium, day, months) in [
                    ("0.01", 0, 12),
                    ("1234.57", 30, 12),
                    ("99999.99", 59, 6),
                    ("16170.00", 180, 12),
                    ("7.77", 364, 3),
                ] {
                    let premium: Decimal = premium.parse().unwrap();
                    let mut r = r.clone();
                    r.start += chrono::TimeDelta::days(day);
                    if months < 12 && p.term.unit == TermUnit::Month {
                        r.term = months;
                        r.term_months = months;
                    }
                    let mut dates = schedule::DueDates::default();
                    let whole = payment_options_with(p, &r, &rated, premium, &opts, None);
                    let summary = asked_plan_summary(p, &r, premium, &opts, Some(&mut dates))
                        .unwrap_or_else(|| panic!("{file}: {} is asked", plan.code));
                    match (whole, summary) {
                        (Ok(options), Ok((code, s))) => {
                            let o = &options[0];
                            assert_eq!(
                                (o.code.as_str(), o.schedule.as_ref().map(|x| x.summary())),
                                (code, s),
                                "{file} {premium} +{day}"
                            );
                        }
                        (Err(a), Err(b)) => assert_eq!(a, b, "{file} {premium} +{day}"),
                        (a, b) => panic!("{file} {premium} +{day}: {a:?} against {b:?}"),
                    }
                    compared += 1;
                }
            }
        }
        assert!(compared >= 40, "{compared} compared");
    }
}
