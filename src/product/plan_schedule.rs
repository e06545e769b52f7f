//! The instalments of one of a product's payment plans for a premium: what
//! `coverwright schedule` prints and `POST /v1/schedules` answers, from this one function.
//!
//! Invariant: the plan's own validated `schedule::InstalmentPlan` and holiday calendar (built
//! at load) lay the schedule out; a plan without instalments (single premium) is refused, not
//! scheduled as something else.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::Product;
use crate::schedule::{Schedule, ScheduleError, ScheduleRequest};

/// Why a plan's schedule cannot be laid out.
#[derive(Debug, thiserror::Error)]
pub enum PlanScheduleError {
    /// The product has no plan of that code.
    #[error("{product} offers no payment plan `{plan}`; plans: {plans}")]
    UnknownPlan {
        /// `CODE@VERSION`.
        product: String,
        /// The plan asked for.
        plan: String,
        /// The plans there are, comma-separated.
        plans: String,
    },
    /// The plan has no instalments (a single premium).
    #[error("plan `{plan}` is {mode}; it has no instalment schedule")]
    NoInstalments {
        /// The plan.
        plan: String,
        /// Its payment mode.
        mode: &'static str,
    },
    /// The schedule arithmetic refused the request.
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
}

/// The schedule of plan `plan` of `p` for an annual `premium` from `start`, over `years` of
/// premium (the plan's premium years when `None`, at least 1).
pub fn plan_schedule(
    p: &Product,
    plan: &str,
    start: NaiveDate,
    premium: Decimal,
    years: Option<u32>,
) -> Result<Schedule, PlanScheduleError> {
    let Some(pl) = p.plans.iter().find(|x| x.code == plan) else {
        let codes: Vec<&str> = p.plans.iter().map(|x| x.code.as_str()).collect();
        return Err(PlanScheduleError::UnknownPlan {
            product: p.id(),
            plan: plan.to_string(),
            plans: codes.join(", "),
        });
    };
    let Some(ip) = pl.instalments.as_ref() else {
        return Err(PlanScheduleError::NoInstalments {
            plan: plan.to_string(),
            mode: pl.mode.as_str(),
        });
    };
    let req = ScheduleRequest {
        premium,
        start,
        term_years: years.or(pl.premium_years).unwrap_or(1).max(1),
    };
    Ok(ip.schedule(&req, pl.holidays.as_ref())?)
}
