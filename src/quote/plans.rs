//! The payment options of a quote: each plan of the product laid out by the schedule module
//! for the quoted premium (instalments, or a flexible-contribution projection).

use rust_decimal::Decimal;

use super::{PaymentOption, QuoteError, QuoteOptions};
use crate::formula::{Scope, Value};
use crate::product::{InputGroup, PlanMode, Product, TermUnit};
use crate::rating::Rated;
use crate::request::Request;
use crate::schedule;

/// A payment plan or its calendar that the schedule module refuses.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PlanSetupError(String);

/// Turns a product plan into a schedule spec.
pub fn instalment_plan(
    p: &Product,
    plan: &crate::product::PaymentPlan,
) -> Result<Option<schedule::InstalmentPlan>, PlanSetupError> {
    use schedule::{
        DownPayment, InstalmentFee, PaymentMode, PlanSpec, Pricing, RemainderRule, Rounding,
    };
    let mode = match plan.mode {
        PlanMode::Single => PaymentMode::Single,
        PlanMode::Annual => PaymentMode::Annual,
        PlanMode::SemiAnnual => PaymentMode::SemiAnnual,
        PlanMode::Quarterly => PaymentMode::Quarterly,
        PlanMode::Monthly => PaymentMode::Monthly,
        PlanMode::Declaration | PlanMode::Flexible => return Ok(None),
    };
    let pricing = match (plan.modal_factor, plan.loading) {
        (Some(f), _) => Pricing::ModalFactor(f),
        (None, Some(l)) => Pricing::Loading(l),
        (None, None) => Pricing::Loading(Decimal::ZERO),
    };
    let mut spec = PlanSpec::new(mode, pricing);
    spec.fee = match (plan.fee_flat, plan.fee_percent) {
        (Some(f), _) => Some(InstalmentFee::Flat(f)),
        (None, Some(x)) => Some(InstalmentFee::PercentOfInstalment(x)),
        _ => None,
    };
    spec.waive_fee_on_first = plan.waive_first_fee;
    if plan.down_payment_percent.is_some() || plan.down_payment_at_least.is_some() {
        spec.down_payment = Some(DownPayment {
            percent: plan.down_payment_percent.unwrap_or_default(),
            minimum: plan.down_payment_at_least.unwrap_or_default(),
        });
    }
    spec.minimum_instalment = plan.minimum_instalment;
    spec.remainder = if plan.remainder_last {
        RemainderRule::Last
    } else {
        RemainderRule::First
    };
    spec.rounding = if p.rounding.mode_name == "half_even" {
        Rounding::HalfEven
    } else {
        Rounding::HalfUp
    };
    spec.grace_days = p.grace_period_days;
    spec.collection_day = plan.collection_day;
    spec.business_day = plan.business_day.as_deref().and_then(|b| match b {
        "following" => Some(schedule::BusinessDayRule::Following),
        "modified_following" => Some(schedule::BusinessDayRule::ModifiedFollowing),
        "preceding" => Some(schedule::BusinessDayRule::Preceding),
        _ => None,
    });
    schedule::InstalmentPlan::new(spec)
        .map(Some)
        .map_err(|e| PlanSetupError(e.to_string()))
}

/// Loads a plan's holiday calendar, if it names one.
pub fn plan_calendar(
    plan: &crate::product::PaymentPlan,
) -> Result<Option<schedule::HolidayCalendar>, PlanSetupError> {
    match &plan.calendar {
        None => Ok(None),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| PlanSetupError(format!("{}: {e}", path.display())))?;
            schedule::HolidayCalendar::from_yaml(&path.display().to_string(), &text)
                .map(Some)
                .map_err(|e| PlanSetupError(e.to_string()))
        }
    }
}

pub(super) fn payment_options(
    p: &Product,
    r: &Request,
    rated: &Rated,
    premium: Decimal,
    opts: &QuoteOptions,
) -> Result<Vec<PaymentOption>, QuoteError> {
    let wanted = opts.plan.as_ref().or(r.plan.as_ref());
    let mut out = Vec::new();
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
        let spec = instalment_plan(p, plan).map_err(|e| QuoteError::Schedule(e.0))?;
        let (schedule, note) = match spec {
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
                if r.term_months < 12
                    && step != 0
                    && step != 12
                    && !r.term_months.is_multiple_of(step)
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
                    let cal = plan_calendar(plan).map_err(|e| QuoteError::Schedule(e.0))?;
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
                    let s = ip
                        .schedule(&req, cal.as_ref())
                        .map_err(|e| QuoteError::Schedule(e.to_string()))?;
                    (Some(s), None)
                }
            }
        };
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
    use schedule::{
        ContributionFrequency, ContributionPlan, PayoutFrequency, PensionAccountTerms,
        PremiumHoliday, TopUp,
    };
    let option = |name: &str| -> Option<Value> {
        p.fields
            .iter()
            .filter(|f| f.group != InputGroup::Member)
            .position(|f| f.name == name)
            .and_then(|i| r.policy.get(i).copied())
    };
    let word = |name: &str| option(name).map(|v| p.interner.show(&v));
    let amount = option("contribution")
        .and_then(|v| v.num())
        .unwrap_or_default();
    let years = if p.term.unit == TermUnit::Year {
        r.term
    } else {
        1
    };
    let frequency = match word("frequency").as_deref() {
        Some("monthly") => ContributionFrequency::Monthly,
        Some("quarterly") => ContributionFrequency::Quarterly,
        _ => ContributionFrequency::Yearly,
    };
    let rounding = if p.rounding.mode_name == "half_even" {
        schedule::Rounding::HalfEven
    } else {
        schedule::Rounding::HalfUp
    };
    let terms = PensionAccountTerms::new(
        plan.crediting_rate.unwrap_or_default(),
        plan.initial_charge.unwrap_or_default(),
        plan.management_charge.unwrap_or_default(),
        plan.yearly_cap,
        2,
        rounding,
    )
    .map_err(|e| QuoteError::Schedule(e.to_string()))?;
    let cplan = ContributionPlan::new(
        r.start,
        years,
        amount,
        frequency,
        r.pauses
            .iter()
            .map(|(from, to)| PremiumHoliday {
                from: *from,
                to: *to,
            })
            .collect(),
        r.top_ups
            .iter()
            .map(|(date, amount)| TopUp {
                date: *date,
                amount: *amount,
            })
            .collect(),
    )
    .map_err(|e| QuoteError::Schedule(e.to_string()))?;
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
