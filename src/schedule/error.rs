//! Errors of the schedule module.
//!
//! [`PlanError`] is returned when a spec (an instalment plan, a declaration plan, pension
//! account terms or a contribution plan) is built from invalid values; it names the field and
//! says what is wrong. [`ScheduleError`] is returned when a valid spec is applied to inputs
//! that cannot be scheduled: an amount out of range, an arithmetic overflow (naming the step),
//! a date outside the calendar, a contribution cap breach. Neither ever hides a panic.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use thiserror::Error;

/// A spec field holds a value the product rules do not allow.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{field}: {reason}")]
pub struct PlanError {
    /// The spec field, as named in the product file (e.g. `modal_factor`).
    pub field: &'static str,
    /// What is wrong, with the offending value.
    pub reason: String,
}

impl PlanError {
    pub(crate) fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
}

/// Applying a valid spec to its inputs failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScheduleError {
    /// An input value is out of range (e.g. a negative premium).
    #[error("{field}: {reason}")]
    InvalidInput {
        /// The input field.
        field: &'static str,
        /// What is wrong, with the offending value.
        reason: String,
    },
    /// A decimal computation overflowed.
    #[error("arithmetic overflow while computing {step}")]
    Overflow {
        /// The computation step that overflowed.
        step: &'static str,
    },
    /// A date computation left the supported calendar range.
    #[error("date out of range while computing {step} from {from}")]
    DateOutOfRange {
        /// The computation step.
        step: &'static str,
        /// The date the computation started from.
        from: NaiveDate,
    },
    /// A business-day adjustment found no business day nearby.
    #[error("no business day within {days} days of {date}")]
    NoBusinessDay {
        /// The date being adjusted.
        date: NaiveDate,
        /// How far the search went.
        days: u32,
    },
    /// Contributions in one calendar year exceed the yearly cap.
    #[error(
        "contributions in calendar year {year} total {total}, which is {over} over the yearly cap of {cap}"
    )]
    CapExceeded {
        /// The calendar year.
        year: i32,
        /// The year's gross contributions.
        total: Decimal,
        /// The cap.
        cap: Decimal,
        /// How much the total exceeds the cap.
        over: Decimal,
    },
}

impl ScheduleError {
    pub(crate) fn input(field: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidInput {
            field,
            reason: reason.into(),
        }
    }
}
