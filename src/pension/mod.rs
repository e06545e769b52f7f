//! Pension benefits as a product files them: what is paid, from when, for how long, on death,
//! and what the policy is worth on surrender, by policy year.
//!
//! Owns:
//!
//! - [`PensionTerms`], the checked `pension:` section of a product (built only by
//!   `product::pension_check`): inputs and steps resolved to slots, life tables by the words
//!   of an enum input, the payout frequency by the words of another, the guarantee, the death
//!   benefits, the surrender or withdrawal charges and, for a universal account, its
//!   illustration scenarios;
//! - [`benefits`], the `pension` section of a quote ([`PensionOut`]): for a deferred annuity
//!   the reserves and cash values on the pricing basis (`actuarial::reserve`), for a universal
//!   account the account projected to the payout under each scenario and the pension it buys;
//! - [`check_cash_values`], the `validate` check that every test case's cash values are never
//!   negative and never above the reserve.
//!
//! Invariants: amounts are `Decimal`, rounded to money only by the product's rounding rule;
//! a request the benefits cannot be computed for (payout before the product's minimum age,
//! after the life table's last age, reserves that fail) is refused with an error naming the
//! product's `pension:` line and the request input, never quoted without its benefits.

mod account;

/// The planned contributions of a request over its term (options `contribution` and
/// `frequency`, pauses and top-ups), as the quote's flexible payment option lays them out.
pub(crate) use account::plan as contribution_plan;
mod benefits;
mod validate;

pub use benefits::{
    AccountScenario, CashValueYear, CoverPeriod, DeathBenefitsOut, PensionOut, ReserveCase,
    benefits, reserve_schedule,
};
pub use validate::check_cash_values;

use rust_decimal::Decimal;

use crate::actuarial::Frequency;
use crate::product::{InputGroup, Names};

/// How a pension product builds the pension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Design {
    /// Premiums buy a pension fixed at entry; the cash value is the reserve less a charge.
    DeferredAnnuity,
    /// Contributions build an account that buys the pension at the payout age.
    UniversalAccount,
}

/// What is paid on death before the payout starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeathBeforePayout {
    /// The greater of the premiums paid and the cash value.
    GreaterOfPremiumsAndCashValue,
    /// The premiums paid.
    PremiumsPaid,
    /// The account value.
    AccountValue,
}

/// What is paid on death after the payout starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeathAfterPayout {
    /// The guaranteed payments not yet made.
    RemainingGuaranteed,
    /// Nothing.
    None,
}

/// An input of the request, by its slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputSlot {
    /// The input's name.
    pub name: String,
    /// Member inputs are read from the first insured; others from the policy.
    pub group: InputGroup,
    /// Index among the member inputs, or among the policy inputs.
    pub index: usize,
}

/// One illustration scenario of a universal account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// Short code (`low`, `middle`, `high`).
    pub code: String,
    /// Name in both languages (低 / 中 / 高).
    pub name: Names,
    /// Crediting rate a year.
    pub rate: Decimal,
}

/// A universal account's terms beyond its payment plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountTerms {
    pub(crate) plan: usize,
    pub(crate) withdrawal_charges: Vec<Decimal>,
    pub(crate) scenarios: Vec<Scenario>,
}

impl AccountTerms {
    /// The illustration scenarios, lowest first (the first at the guaranteed rate).
    pub fn scenarios(&self) -> &[Scenario] {
        &self.scenarios
    }
}

/// The checked `pension:` section. Built only by `product::pension_check`, which guarantees:
/// the inputs exist with the right types; every word of the table and frequency inputs maps to
/// a life table and to `yearly`/`monthly`; the steps exist; the guarantee is no longer than the
/// payout term; charges are in `[0, 1]`; a deferred annuity names its pension and premium
/// steps, a universal account its flexible plan and at least one scenario, the first at the
/// plan's guaranteed rate and each no lower than the one before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PensionTerms {
    pub(crate) design: Design,
    /// Line of the `pension:` section in the product file.
    pub(crate) line: u32,
    pub(crate) insured_age: InputSlot,
    pub(crate) payout_age: InputSlot,
    pub(crate) minimum_payout_age: u32,
    pub(crate) minimum_line: u32,
    pub(crate) table_input: InputSlot,
    /// (word of the table input, index of the life table in `Product.actuarial`).
    pub(crate) tables: Vec<(String, u16)>,
    pub(crate) frequency_input: InputSlot,
    /// (word of the frequency input, payments a year).
    pub(crate) frequencies: Vec<(String, Frequency)>,
    pub(crate) yearly_pension: Option<u16>,
    pub(crate) annual_premium: Option<u16>,
    pub(crate) guaranteed_years: u32,
    pub(crate) payout_years: Option<u32>,
    pub(crate) death_before: DeathBeforePayout,
    pub(crate) death_after: DeathAfterPayout,
    pub(crate) surrender_charges: Vec<Decimal>,
    pub(crate) account: Option<AccountTerms>,
}

impl PensionTerms {
    /// How the pension is built.
    pub fn design(&self) -> Design {
        self.design
    }

    /// Years of payments certain.
    pub fn guaranteed_years(&self) -> u32 {
        self.guaranteed_years
    }

    /// Years of payments from the first; `None` for life.
    pub fn payout_years(&self) -> Option<u32> {
        self.payout_years
    }

    /// The surrender charge of policy year `year` (1-based): a share of the reserve.
    pub fn surrender_charge(&self, year: u32) -> Decimal {
        charge(&self.surrender_charges, year)
    }

    /// The universal account's terms.
    pub fn account(&self) -> Option<&AccountTerms> {
        self.account.as_ref()
    }
}

/// The charge of policy year `year` (1-based) from a scale; zero after its end.
pub(crate) fn charge(scale: &[Decimal], year: u32) -> Decimal {
    year.checked_sub(1)
        .and_then(|i| scale.get(i as usize))
        .copied()
        .unwrap_or(Decimal::ZERO)
}
