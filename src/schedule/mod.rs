//! Payment schedules: how a premium is split into instalments, when each is due, how
//! export-credit declarations are billed and how a flexible pension account accumulates.
//!
//! This module is product-independent. A product loader turns the payment-plan section of a
//! product file into the validated spec types defined here ([`InstalmentPlan`],
//! [`DeclarationPlan`], [`PensionAccountTerms`]); every spec type is only obtainable through a
//! validating constructor, so a plan that exists is a plan that can be applied.
//!
//! Invariants that hold for everything produced here:
//!
//! - money, rates and factors are [`rust_decimal::Decimal`]; no binary floating point;
//! - every amount in an output is rounded to the currency's minor unit with an explicit
//!   strategy ([`Rounding`]) and carries exactly that many decimal places;
//! - the instalments of a [`Schedule`] add up to its `total` exactly;
//! - due dates are anchored on the start date (`start + k × step` months, clamped to the last
//!   day of the month), never chained;
//! - arithmetic is checked: an overflow or a date outside the calendar is a
//!   [`ScheduleError`] naming the step, never a panic;
//! - output is deterministic: the same inputs give byte-identical JSON and text.
//!
//! Submodules: [`money`] (rounding and minor units), [`dates`] (due dates, collection days,
//! business-day calendars), [`plan`] (instalment plans), [`declaration`] (export-credit
//! declarations), [`contribution`] (flexible pension contributions).

pub mod contribution;
pub mod dates;
pub mod declaration;
pub mod error;
pub mod json;
pub mod money;
pub mod plan;
mod text;

pub use contribution::{
    ContributionFrequency, ContributionPlan, PayoutFrequency, PensionAccountTerms, PensionPayout,
    PensionProjection, PremiumHoliday, ProjectionYear, TopUp, annuity_certain_due,
};
pub use dates::{BusinessDayRule, CalendarError, HolidayCalendar, add_months_clamped};
pub use declaration::{
    BillingTotals, ColumnProblem, DECLARATION_COLUMNS, Declaration, DeclarationBilling,
    DeclarationPlan, DeclarationPlanSpec, DepositInvoice, DepositRule, InvoiceLine, MonthlyInvoice,
    PaymentMethod, RawDeclaration, YearEndAdjustment, bill_declarations, declaration_columns,
};
pub use error::{PlanError, ScheduleError};
pub use money::{MinorUnit, Rounding};
pub use plan::Instalment;
pub use plan::{
    DownPayment, DueDates, InstalmentFee, InstalmentPlan, PaymentMode, PlanSpec, Pricing,
    RemainderRule, Schedule, ScheduleRequest, ScheduleSummary,
};
