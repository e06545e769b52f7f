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
        let spec = plan.instalments.as_ref();
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
                    let s = ip
                        .schedule_with(&req, cal, dates.as_deref_mut())
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
