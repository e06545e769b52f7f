//! The `claims:` section of a product file as written: what a claim must state, the benefit of
//! each coverage as formula steps with its limits, the conditions that decline or refer a
//! claim, the simplified path and the claims test cases.
//!
//! Like [`super::raw`], every struct denies unknown keys and keeps spans; the checker
//! (`product::check::claims`) turns it into [`crate::claims::ClaimRules`].

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::raw::{AnyValue, Names, Num, Word};
use crate::yaml::{Recover, Sp};

/// How claims on the product are settled.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawClaims {
    /// Days after the cover ends in which an event is still covered (e.g. 90 for inpatient
    /// treatment that began in cover). 0 when absent.
    #[serde(default)]
    pub window_days: Option<Sp<u32>>,
    /// Holiday calendar (YAML beside the product) for the working days of the service dates;
    /// Saturdays and Sundays only when absent.
    #[serde(default)]
    pub calendar: Option<Sp<String>>,
    /// Documents the standard path needs.
    pub documents: Vec<Sp<String>>,
    /// When a claim may take the simplified path (简易理赔), and what it needs.
    #[serde(default)]
    pub simple: Option<Recover<RawSimple>>,
    /// The benefit of each coverage.
    pub benefits: Vec<Recover<RawBenefit>>,
    /// Claims test cases run by `coverwright test`.
    #[serde(default)]
    pub tests: Vec<Recover<RawClaimTest>>,
}

/// The simplified path.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSimple {
    /// A claim whose payable is at most this amount may take the simplified path.
    pub max_payable: Sp<Num>,
    /// Only claims on these coverages (all coverages when absent).
    #[serde(default)]
    pub coverages: Vec<Sp<String>>,
    /// Documents the simplified path needs.
    pub documents: Vec<Sp<String>>,
}

/// The type of a claim input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename = "claim input type", rename_all = "snake_case")]
pub enum ClaimInputType {
    /// A whole number.
    Integer,
    /// A decimal amount.
    Decimal,
    /// true / false.
    Bool,
    /// A date (YYYY-MM-DD); in formulas, days from the cover start.
    Date,
    /// A word from `values`.
    Enum,
    /// One disability grade on the coverage's benefit scale (0: none).
    Grade,
    /// Several injuries from one event, each a grade on the coverage's scale; in formulas
    /// `NAME` is the combined grade (0: none) and `NAME_share` its share of the sum insured.
    Grades,
}

/// What a claim states for one coverage.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawClaimInput {
    #[serde(rename = "type")]
    pub ty: Word<ClaimInputType>,
    /// Allowed words, for `enum`.
    #[serde(default)]
    pub values: Vec<Sp<String>>,
    #[serde(default)]
    pub min: Option<Sp<Num>>,
    #[serde(default)]
    pub max: Option<Sp<Num>>,
    /// Used when the claim leaves the input out; without it the input is required.
    #[serde(default)]
    #[schemars(with = "Option<super::raw::Scalar>")]
    pub default: Option<Sp<String>>,
    #[serde(default)]
    pub label: Option<Names>,
}

/// A benefit step: a number-valued formula.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBenefitStep {
    pub step: Sp<String>,
    #[schemars(with = "super::raw::FormulaText")]
    pub formula: Sp<String>,
    #[serde(default)]
    pub note: Option<Sp<String>>,
}

/// What a limit is counted over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename = "limit period", rename_all = "snake_case")]
pub enum LimitPer {
    /// This claim alone.
    Claim,
    /// All claims for the same event (`event.id`).
    Event,
    /// All claims of the insured on the coverage in the policy year (aggregate).
    Year,
    /// All claims on the coverage in the policy year, every insured or shipment together
    /// (e.g. the maximum liability of an export-credit policy).
    PolicyYear,
}

/// A limit on the payable of a benefit.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBenefitLimit {
    pub limit: Sp<String>,
    pub per: Word<LimitPer>,
    /// A number-valued formula (e.g. `medical.sum_insured`).
    #[schemars(with = "super::raw::FormulaText")]
    pub amount: Sp<String>,
}

/// What a failed condition does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename = "condition outcome", rename_all = "snake_case")]
pub enum ConditionOutcome {
    /// The claim on this coverage is declined with the message.
    Decline,
    /// The claim is referred to an assessor.
    Refer,
}

/// A condition the claim must meet.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCondition {
    pub rule: Sp<String>,
    /// A true/false formula.
    pub require: Sp<String>,
    /// Decline (the default) or refer when it fails.
    #[serde(default)]
    pub outcome: Option<Word<ConditionOutcome>>,
    pub message: Names,
}

/// The benefit of one coverage.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBenefit {
    /// The coverage code.
    pub coverage: Sp<String>,
    /// What a claim on this coverage states.
    #[serde(default)]
    pub inputs: BTreeMap<Sp<String>, Recover<RawClaimInput>>,
    /// Conditions checked before the steps.
    #[serde(default)]
    pub conditions: Vec<Recover<RawCondition>>,
    /// The benefit as ordered steps; each may read the claim's inputs, coverage terms, tables,
    /// earlier steps and, for every step `s`, `s_before`: its sum over earlier claims on this
    /// coverage in the policy year.
    pub steps: Vec<Recover<RawBenefitStep>>,
    /// The step whose value is the amount due before limits.
    pub payable: Sp<String>,
    /// Limits on the payable.
    #[serde(default)]
    pub limits: Vec<Recover<RawBenefitLimit>>,
    /// The simplified path does not apply to claims on this coverage.
    #[serde(default)]
    pub not_simple: Option<Sp<bool>>,
}

/// A claims test case: a request quoted by the product, then claims settled in order.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawClaimTest {
    pub name: Sp<String>,
    /// The quote request, as in `tests`.
    pub request: Sp<AnyValue>,
    /// Earlier claims on the policy, settled first (carry aggregates and deductibles).
    #[serde(default)]
    pub history: Vec<Sp<AnyValue>>,
    /// The claim under test (the `policy` and `product` keys may be left out).
    pub claim: Sp<AnyValue>,
    pub expect: Recover<RawClaimExpect>,
}

/// What the settlement must give.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawClaimExpect {
    /// `pay`, `decline` or `refer`.
    #[serde(default)]
    pub decision: Option<Sp<String>>,
    /// The total payable.
    #[serde(default)]
    pub payable: Option<Sp<Num>>,
    /// Payable per coverage.
    #[serde(default)]
    pub coverages: BTreeMap<Sp<String>, Sp<Num>>,
    /// The reasons (condition or built-in rule names) the claim is declined for.
    #[serde(default)]
    pub decline: Vec<Sp<String>>,
    /// Limits reached.
    #[serde(default)]
    pub limited_by: Vec<Sp<String>>,
    /// `simple` or `standard`.
    #[serde(default)]
    pub path: Option<Sp<String>>,
}
