//! The `pension:` section of a product file, as written: what a pension product pays, when,
//! for how long, on death, and how its cash value is filed. Checked by
//! [`super::pension_check`] into [`crate::pension::PensionTerms`].
//!
//! Like the rest of the raw model, every struct denies unknown keys, every value a check may
//! point at keeps its span, and numbers keep their source text.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::raw::{Names, Num};
use crate::yaml::{Recover, Sp};

/// The benefits of a pension product (line `pension`).
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPension {
    /// `deferred_annuity` (premiums buy a pension fixed at entry; the cash value is the
    /// reserve less a surrender charge) or `universal_account` (contributions build an account
    /// that buys the pension at the payout age).
    pub design: Sp<String>,
    /// The member input holding the insured's age at entry (whole years).
    pub insured_age: Sp<String>,
    /// The input holding the age at which the pension starts.
    pub payout_age: Sp<String>,
    /// The youngest payout age the product allows; a request below it is refused.
    pub minimum_payout_age: Sp<u32>,
    /// The life table of the insured, chosen by an enum input.
    pub life_table: Recover<RawPensionTable>,
    /// The enum input choosing how often the pension is paid; its words must be `yearly` or
    /// `monthly`.
    pub frequency: Sp<String>,
    /// Deferred annuity: the step giving the pension a year (all instalments of a year).
    #[serde(default)]
    pub yearly_pension: Option<Sp<String>>,
    /// Deferred annuity: the step giving the yearly premium.
    #[serde(default)]
    pub annual_premium: Option<Sp<String>>,
    /// Years of payments certain from the first payment (paid to the beneficiary on death).
    pub guaranteed_years: Sp<u32>,
    /// `life`, or a number of years of payments counted from the first.
    pub payout_term: Sp<String>,
    pub death_benefit: Recover<RawDeathBenefit>,
    /// Deferred annuity: the surrender charge by policy year (1, 2, ...), a share of the
    /// reserve; none after the last one listed.
    #[serde(default)]
    pub surrender_charges: Vec<Sp<Num>>,
    /// Universal account: the account's charges and illustration scenarios.
    #[serde(default)]
    pub account: Option<Recover<RawAccount>>,
}

/// The life table by the words of an enum input (e.g. `gender`).
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPensionTable {
    /// The enum input.
    pub input: Sp<String>,
    /// Life table (declared under `actuarial.tables`) for each word of the input.
    pub tables: BTreeMap<Sp<String>, Sp<String>>,
}

/// What is paid on death.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDeathBenefit {
    /// Before the payout: `greater_of_premiums_and_cash_value`, `premiums_paid` or
    /// `account_value`.
    pub before_payout: Sp<String>,
    /// After the payout starts: `remaining_guaranteed` (the guaranteed payments not yet
    /// made) or `none`.
    pub after_payout: Sp<String>,
}

/// A universal-type pension account.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAccount {
    /// The `flexible` payment plan whose contributions, initial charge, management charge and
    /// guaranteed crediting rate the account follows.
    pub plan: Sp<String>,
    /// Withdrawal (surrender) charge by policy year (1, 2, ...), a share of the account; none
    /// after the last one listed.
    #[serde(default)]
    pub withdrawal_charges: Vec<Sp<Num>>,
    /// Illustration scenarios, lowest first; the first is at the guaranteed rate.
    pub scenarios: Vec<Recover<RawScenario>>,
}

/// One illustration scenario of a universal account.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// A short code (`low`, `middle`, `high`).
    pub code: Sp<String>,
    pub name: Names,
    /// The crediting rate a year.
    pub rate: Sp<Num>,
}
