//! The raw baseline model: `products/regulation.yaml` as written, before any checking, and the
//! `acknowledge:` entries a product file may carry.
//!
//! Every struct denies unknown keys; values a check may point at keep their span ([`Sp`]);
//! rules are wrapped in [`Recover`] so that one bad rule does not hide the problems in the
//! others. This module is also the source of `products/regulation.schema.json`
//! (`coverwright rules --schema`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::product::raw::{Names, Num};
use crate::yaml::{Recover, Sp};

/// The regulatory baseline: the rules every product of a line is held to.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "coverwright regulatory baseline")]
pub struct RawBaseline {
    /// The rules. Several entries with one `id` are successive periods of the same rule and
    /// may not overlap in time.
    pub rules: Vec<Recover<RawRule>>,
}

/// One rule of the baseline for one period.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    /// Name of the rule (letters, digits, `_`); declines and diagnostics cite it.
    pub id: Sp<String>,
    /// What the rule requires, in both languages.
    pub name: Names,
    /// Product lines it applies to: `accident`, `health`, `pension`, `export_credit`.
    pub lines: Vec<Sp<String>>,
    /// Narrows the products it applies to; every condition given must hold.
    #[serde(default)]
    pub when: Option<RawWhen>,
    /// The limit, one of the kinds below.
    pub limit: Sp<RawLimit>,
    /// Law, article or notice the rule comes from.
    pub source: Sp<String>,
    /// The number is illustrative (domain reference), not a published figure.
    #[serde(default)]
    pub illustrative: Option<Sp<bool>>,
    /// The law lets a contract differ ("unless the contract provides otherwise"): a product
    /// that differs is warned about, and may acknowledge the rule with a reason.
    #[serde(default)]
    pub acknowledgeable: Option<Sp<bool>>,
    /// First date the rule applies (to products effective, or covers starting, on it).
    pub from: Sp<String>,
    /// Last date the rule applies; open-ended when absent.
    #[serde(default)]
    pub to: Option<Sp<String>>,
    /// Further explanation shown by `coverwright rules`.
    #[serde(default)]
    pub note: Option<Sp<String>>,
}

/// Conditions on the product.
#[derive(Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWhen {
    /// Group cover (`true`) or individual cover (`false`).
    #[serde(default)]
    pub group: Option<Sp<bool>>,
    /// Long-term cover (over a year, or pension) or not.
    #[serde(default)]
    pub long_term: Option<Sp<bool>>,
    /// The product offers payment by instalments (semi-annual, quarterly, monthly, or yearly
    /// premiums over several years).
    #[serde(default)]
    pub instalments: Option<Sp<bool>>,
}

/// The kinds of limit.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RawLimit {
    /// Fewest insured members at issue.
    MinMembers(Sp<u32>),
    /// Insurable occupation classes, read from the member input `input`.
    OccupationClasses {
        input: Sp<String>,
        min: Sp<u32>,
        max: Sp<u32>,
    },
    /// Longest waiting period, in days (the product's and every coverage's).
    MaxWaitingPeriodDays(Sp<u32>),
    /// Shortest cooling-off period, in days.
    MinCoolingOffDays(Sp<u32>),
    /// The grace period for unpaid premiums, in days.
    GracePeriodDays(Sp<u32>),
    /// Longest credit period, read from the member input `input`; longer up to
    /// `max_days_approved` when the bool input `approval` is true.
    CreditPeriod {
        input: Sp<String>,
        approval: Sp<String>,
        max_days: Sp<u32>,
        max_days_approved: Sp<u32>,
    },
    /// Highest indemnity percentage by peril.
    Indemnity(BTreeMap<Sp<String>, Sp<Num>>),
    /// Most that may be contributed in a calendar year to a flexible-contribution plan.
    YearlyContributionCap(Sp<Num>),
    /// Highest pricing interest rate of a basis (`traditional`, `participating`,
    /// `universal`), by filing date; the `universal` cap also bounds the guaranteed crediting
    /// rate of flexible-contribution accounts.
    PricingRate { basis: Sp<String>, max: Sp<Num> },
    /// Highest rate an illustration scenario of a basis may show.
    IllustrationRate { basis: Sp<String>, max: Sp<Num> },
    /// Life tables (CSV column, or table name) a product may price on.
    MortalityTables(Vec<Sp<String>>),
    /// The instalments of one year add up to more than this share of the annual premium.
    InstalmentYearAbove(Sp<Num>),
    /// VAT treatment of every coverage: `taxable` at `rate`, or `exempt`.
    Vat {
        treatment: Sp<String>,
        #[serde(default)]
        rate: Option<Sp<Num>>,
    },
    /// Terms under a year need a declared short-period rule.
    ShortPeriodRule(Sp<bool>),
    /// The relations to the insured a request may name as beneficiaries of death cover.
    BeneficiaryRelations(Vec<Sp<crate::request::Relation>>),
}

/// A product's acknowledgement of a rule: part of the product file format.
pub use crate::product::raw::RawAcknowledge;
