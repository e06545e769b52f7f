//! The raw product model: the product file as written, before any checking.
//!
//! Every struct denies unknown keys; every value a check may need to point at is wrapped in
//! [`Sp`] (value plus span); list items and sections are wrapped in [`Recover`] so that one bad
//! item does not hide the problems in the others. Numbers are kept as their source text
//! ([`Num`]) and parsed into `Decimal` by the checker, which can then say exactly what is
//! wrong with `1,5` or `0.3.5`.
//!
//! This module is also the source of the JSON Schema (`coverwright schema`): doc comments
//! here are what editors show product authors.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::words::*;
use crate::money::RoundingMode;
use crate::yaml::{Recover, Sp};

/// A keyword (one of a closed set of words) with its span. An unknown word is reported once,
/// while reading, and leaves `None` here so the rest of the file is still checked.
pub type Word<T> = Recover<Sp<T>>;

/// A number as written in the file (`0.0010`, `12000`, `1.5%`, `2‰`): parsed exactly, never
/// through a float.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Num(pub String);

impl JsonSchema for Num {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Number".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A decimal number, written as in the filing (e.g. 0.0010, 12000, 1.5%, 2‰).",
            "anyOf": [
                { "type": "number" },
                { "type": "string", "pattern": "^-?[0-9][0-9_]*(\\.[0-9]+)?(%|‰)?$" }
            ]
        })
    }
}

/// A table cell or a default as written: a number, a word or `true`/`false`. Only the JSON
/// Schema uses this type; the loader reads such values as their source text.
pub struct Scalar;

impl JsonSchema for Scalar {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Scalar".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A number (1.5, 12000), a word (retail) or true/false; in a table key, also a band such as \"[3, 10)\".",
            "type": ["number", "string", "boolean"]
        })
    }
}

/// A formula as written: an expression, or a plain number (`formula: 600`). Only the JSON
/// Schema uses this type.
pub struct FormulaText;

impl JsonSchema for FormulaText {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Formula".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A formula (see docs/product-format.md, Formulas), or a plain number.",
            "type": ["string", "number"]
        })
    }
}

/// A name in Chinese and English.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Names {
    pub zh: Sp<String>,
    pub en: Sp<String>,
}

/// A product version: one file under `products/`.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "coverwright product")]
pub struct RawProduct {
    /// Product code, shared by all versions of the product (e.g. `GA-SME`).
    pub code: Sp<String>,
    /// Version of this file (e.g. `2024.1`).
    #[schemars(with = "Scalar")]
    pub version: Sp<String>,
    #[serde(default)]
    #[schemars(required)]
    pub name: Recover<Names>,
    /// Line of business.
    pub line: Word<Line>,
    /// Who the product is for.
    pub segment: Word<Segment>,
    pub insurer: Sp<String>,
    /// Filing reference with the regulator.
    pub filing: Sp<String>,
    /// ISO 4217 currency code.
    pub currency: Sp<String>,
    /// First cover start date this version applies to (YYYY-MM-DD).
    pub effective_from: Sp<String>,
    /// Last cover start date this version applies to; open-ended when absent.
    #[serde(default)]
    pub effective_to: Option<Sp<String>>,
    /// Group cover (a census of members) or individual cover (one insured).
    #[serde(default)]
    pub group: Option<Sp<bool>>,
    #[serde(default)]
    #[schemars(required)]
    pub term: Recover<RawTerm>,
    /// Cooling-off period (犹豫期) in days.
    #[serde(default)]
    pub cooling_off_days: Option<Sp<u32>>,
    /// Waiting period in days (health and similar covers).
    #[serde(default)]
    pub waiting_period_days: Option<Sp<u32>>,
    /// Grace period for unpaid premiums in days (Insurance Law art. 36: 60).
    #[serde(default)]
    pub grace_period_days: Option<Sp<u32>>,
    /// The inputs a quote request supplies.
    #[serde(default)]
    #[schemars(required)]
    pub inputs: Recover<RawInputs>,
    /// Conditions every quote must meet; a failed rule declines the request.
    #[serde(default)]
    pub eligibility: Vec<Recover<RawRule>>,
    #[serde(default)]
    #[schemars(required)]
    pub coverages: Vec<Recover<RawCoverage>>,
    /// Rate tables, by name.
    #[serde(default)]
    pub tables: BTreeMap<Sp<String>, Recover<RawTable>>,
    #[serde(default)]
    #[schemars(required)]
    pub rating: Recover<RawRating>,
    /// Pricing on life tables (pension products).
    #[serde(default)]
    pub actuarial: Option<Recover<RawActuarial>>,
    /// Pension benefits, death benefits and cash values (pension products).
    #[serde(default)]
    pub pension: Option<Recover<super::pension_raw::RawPension>>,
    /// Benefit illustration by policy year (pension products).
    #[serde(default)]
    pub illustration: Option<Recover<RawIllustration>>,
    /// Payment plans offered.
    #[serde(default)]
    pub payment_plans: Vec<Recover<RawPaymentPlan>>,
    /// Declaration terms (export credit).
    #[serde(default)]
    pub declarations: Option<Recover<RawDeclarations>>,
    /// Templates this product's documents use, by document kind.
    #[serde(default)]
    pub documents: BTreeMap<Sp<String>, Sp<String>>,
    /// Special clauses (特别约定) printed on the policy.
    #[serde(default)]
    pub special_clauses: Vec<Recover<Names>>,
    /// Test cases run by `coverwright test`.
    #[serde(default)]
    pub tests: Vec<Recover<RawTest>>,
    /// Regulatory rules this product differs from where the law lets a contract differ
    /// (e.g. the grace period), each with the reason (`coverwright rules`).
    #[serde(default)]
    pub acknowledge: Vec<Recover<RawAcknowledge>>,
    /// How claims are settled: claim inputs, benefits, limits, the simplified path.
    #[serde(default)]
    pub claims: Option<Recover<super::claims_raw::RawClaims>>,
}

/// Term rules.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTerm {
    /// Unit of `min`, `max` and `default`.
    pub unit: Word<TermUnit>,
    pub min: Sp<u32>,
    pub max: Sp<u32>,
    pub default: Sp<u32>,
    /// Table giving the share of the annual premium for a term of 1..12 months; or
    /// `pro_rata` (by month, a part month counting as a whole month).
    #[serde(default)]
    pub short_period: Option<Sp<String>>,
}

/// The inputs of a quote request, in three groups. Names must be unique across groups.
#[derive(Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawInputs {
    /// Fields of the policyholder / enterprise (industry, employees, revenue, ...).
    #[serde(default)]
    pub policyholder: BTreeMap<Sp<String>, Recover<RawField>>,
    /// Fields of each insured member (census columns) or each declared item.
    #[serde(default)]
    pub member: BTreeMap<Sp<String>, Recover<RawField>>,
    /// Product-specific options of the quote (payout age, premium term, ...).
    #[serde(default)]
    pub options: BTreeMap<Sp<String>, Recover<RawField>>,
}

/// One input field.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawField {
    /// The type of the value.
    #[serde(rename = "type")]
    pub ty: Word<InputType>,
    /// Allowed words, for `enum`.
    #[serde(default)]
    pub values: Vec<Sp<String>>,
    #[serde(default)]
    pub min: Option<Sp<Num>>,
    #[serde(default)]
    pub max: Option<Sp<Num>>,
    /// Value used when the request leaves the field out; without it the field is required.
    #[serde(default)]
    #[schemars(with = "Option<Scalar>")]
    pub default: Option<Sp<String>>,
    #[serde(default)]
    pub label: Option<Names>,
}

/// An eligibility rule: the condition must hold, or the request is declined with the message.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub rule: Sp<String>,
    /// Once for the policy (the default) or for each member.
    #[serde(default)]
    pub per: Option<Word<Per>>,
    /// A formula that must be true.
    #[schemars(with = "FormulaText")]
    pub require: Sp<String>,
    pub message: Names,
}

/// A coverage (责任).
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCoverage {
    pub code: Sp<String>,
    pub name: Names,
    /// VAT treatment.
    pub vat: Word<Vat>,
    /// Whether a request may leave this coverage out.
    #[serde(default)]
    pub optional: Option<Sp<bool>>,
    #[serde(default)]
    pub sum_insured: Option<Recover<RawTermChoice>>,
    #[serde(default)]
    pub deductible: Option<Recover<RawTermChoice>>,
    /// Reimbursement ratio, 0..1.
    #[serde(default)]
    pub ratio: Option<Recover<RawTermChoice>>,
    /// Tiered reimbursement: ratio by band of covered cost.
    #[serde(default)]
    pub tiers: Vec<Recover<RawTier>>,
    /// Other terms the request may choose (allowance per day, deductible days, ...).
    #[serde(default)]
    pub terms: BTreeMap<Sp<String>, Recover<RawTermChoice>>,
    #[serde(default)]
    pub limits: Vec<Recover<RawLimit>>,
    #[serde(default)]
    pub waiting_period_days: Option<Sp<u32>>,
    /// Benefit scale, e.g. the ten disability grades.
    #[serde(default)]
    pub benefit_scale: Option<Recover<RawScale>>,
    /// Indemnity percentages by peril (export credit).
    #[serde(default)]
    pub indemnity: BTreeMap<Sp<String>, Sp<Num>>,
    /// Clause (条款) version printed on the policy.
    #[serde(default)]
    pub clause: Option<Sp<String>>,
}

/// A term chosen in the request: from options, or a bounded value.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTermChoice {
    #[serde(default)]
    pub options: Vec<Sp<Num>>,
    #[serde(default)]
    pub min: Option<Sp<Num>>,
    #[serde(default)]
    pub max: Option<Sp<Num>>,
    /// Multiple the value must be of, with `min`/`max`.
    #[serde(default)]
    pub step: Option<Sp<Num>>,
    #[serde(default)]
    pub default: Option<Sp<Num>>,
}

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTier {
    pub from: Sp<Num>,
    #[serde(default)]
    pub to: Option<Sp<Num>>,
    pub ratio: Sp<Num>,
}

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLimit {
    pub name: Names,
    pub amount: Sp<Num>,
    /// What `amount` counts: `amount` (in the product's currency; the default), `days` or
    /// `times`. Documents print it with its unit.
    #[serde(default)]
    pub unit: Option<Word<LimitUnit>>,
}

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScale {
    pub name: Sp<String>,
    /// Share of the sum insured paid for grade 1, 2, ...
    pub grades: Vec<Sp<Num>>,
}

/// A rate table. Rows are lists: the key cells, then the value cells. A key cell is an exact
/// value (`2`, `retail`) or a band with explicit bounds: `"[3, 10]"`, `"[0.2, 0.5)"`,
/// `"[101, )"`.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTable {
    /// Names of the key columns, in lookup order.
    pub keys: Vec<Sp<String>>,
    /// Names of the value columns; one value column named `value` when absent.
    #[serde(default)]
    pub values: Vec<Sp<String>>,
    /// Inline rows: the key cells, then the value cells.
    #[serde(default)]
    #[schemars(with = "Vec<Vec<Scalar>>")]
    pub rows: Vec<Sp<Vec<Sp<String>>>>,
    /// A CSV file beside the product file with a header row naming the key and value columns.
    #[serde(default)]
    pub file: Option<Sp<String>>,
    /// Where the numbers come from.
    #[serde(default)]
    pub source: Option<Sp<String>>,
}

/// The rating plan.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRating {
    pub rounding: Recover<RawRounding>,
    /// Ordered steps; each may use inputs, coverage terms, tables and earlier steps.
    pub steps: Vec<Recover<RawStep>>,
    #[serde(default)]
    pub minimum_premium: Option<Sp<Num>>,
    /// VAT rate on taxable coverages; premiums are VAT-inclusive.
    #[serde(default)]
    pub vat_rate: Option<Sp<Num>>,
    /// Other charges: stamp duty, fees.
    #[serde(default)]
    pub charges: Vec<Recover<RawCharge>>,
}

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRounding {
    /// Decimal places (2 for fen / cents).
    pub places: Sp<u32>,
    /// How halves are rounded.
    pub mode: Word<RoundingMode>,
    /// Where premiums are rounded.
    pub level: Word<RoundingLevel>,
}

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub step: Sp<String>,
    /// Once for the policy, or for each member or declared item.
    pub per: Word<Per>,
    /// When set, the result is the annual premium of this coverage.
    #[serde(default)]
    pub coverage: Option<Sp<String>>,
    #[schemars(with = "FormulaText")]
    pub formula: Sp<String>,
    #[serde(default)]
    pub note: Option<Sp<String>>,
    /// What the customer worksheet calls the step, in both languages (the note is for authors
    /// and never printed).
    #[serde(default)]
    pub label: Option<Names>,
    /// What the value is, for the customer worksheet: `amount` (in the product's currency,
    /// shown to its minor unit), `years`, `percent`, or `factor` (shown as it is; the default).
    #[serde(default)]
    pub unit: Option<Word<StepUnit>>,
}

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCharge {
    /// Stamp duty or a fee.
    pub kind: Word<ChargeKind>,
    pub name: Names,
    /// A rate of the premium (stamp duty 1‰), or
    #[serde(default)]
    pub rate: Option<Sp<Num>>,
    /// a flat amount per policy.
    #[serde(default)]
    pub amount: Option<Sp<Num>>,
    /// Included in the premium (borne by the insurer) or added on top.
    pub basis: Word<ChargeBasis>,
}

/// Life tables and interest for actuarial pricing.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawActuarial {
    /// Life tables by name: a CSV file beside the product and the column to use.
    pub tables: BTreeMap<Sp<String>, Recover<RawLifeTable>>,
    /// Pricing interest rate.
    pub interest: Sp<Num>,
    /// Picks the regulatory cap on the pricing interest rate.
    pub basis: Word<InterestBasis>,
    /// Method for payments m times a year.
    pub monthly_method: Word<MonthlyMethod>,
}

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLifeTable {
    pub file: Sp<String>,
    #[serde(default)]
    pub column: Option<Sp<String>>,
}

/// A benefit illustration: one row per policy year, each column a formula evaluated for the
/// insured with `year` (1, 2, ...) and, after the premium column, `premiums_paid` (premiums up
/// to and including that year).
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawIllustration {
    /// Number of policy years shown.
    #[schemars(with = "FormulaText")]
    pub years: Sp<String>,
    /// Age in each policy year.
    #[schemars(with = "FormulaText")]
    pub age: Sp<String>,
    /// Premium paid in each policy year.
    #[schemars(with = "FormulaText")]
    pub premium: Sp<String>,
    /// Survival benefit paid in each policy year.
    #[schemars(with = "FormulaText")]
    pub survival_benefit: Sp<String>,
    /// Benefit on death in each policy year.
    #[schemars(with = "FormulaText")]
    pub death_benefit: Sp<String>,
}

/// A payment plan offered by the product.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPaymentPlan {
    pub code: Sp<String>,
    #[serde(default)]
    pub name: Option<Names>,
    /// How often the plan collects.
    pub mode: Word<PlanMode>,
    /// Instalment = annual premium × factor.
    #[serde(default)]
    pub modal_factor: Option<Sp<Num>>,
    /// Or: total = premium × (1 + loading), split evenly.
    #[serde(default)]
    pub loading: Option<Sp<Num>>,
    #[serde(default)]
    pub fee: Option<Recover<RawFee>>,
    #[serde(default)]
    pub down_payment: Option<Recover<RawDownPayment>>,
    #[serde(default)]
    pub minimum_instalment: Option<Sp<Num>>,
    /// Which instalments take the odd cents (`first` when absent).
    #[serde(default)]
    pub remainder: Option<Word<Remainder>>,
    /// Fixed day of the month to collect on.
    #[serde(default)]
    pub collection_day: Option<Sp<u32>>,
    /// How a due date on a rest day moves (needs `calendar`).
    #[serde(default)]
    pub business_day: Option<Word<BusinessDay>>,
    /// Holiday calendar file (YAML) beside the product.
    #[serde(default)]
    pub calendar: Option<Sp<String>>,
    /// Years over which premiums are paid (long-term products).
    #[serde(default)]
    pub premium_years: Option<Sp<u32>>,
    /// Flexible contributions: the cap per calendar year.
    #[serde(default)]
    pub yearly_cap: Option<Sp<Num>>,
    /// Flexible contributions: the smallest contribution.
    #[serde(default)]
    pub minimum_contribution: Option<Sp<Num>>,
    /// Flexible contributions: guaranteed crediting rate of the account.
    #[serde(default)]
    pub crediting_rate: Option<Sp<Num>>,
    /// Flexible contributions: charge on each contribution.
    #[serde(default)]
    pub initial_charge: Option<Sp<Num>>,
    /// Flexible contributions: yearly management charge on the account.
    #[serde(default)]
    pub management_charge: Option<Sp<Num>>,
    /// Flexible contributions: the step giving the annuity factor (value of 1 a year) that
    /// converts the account into a pension at payout.
    #[serde(default)]
    pub payout_factor: Option<Sp<String>>,
}

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFee {
    #[serde(default)]
    pub flat: Option<Sp<Num>>,
    #[serde(default)]
    pub percent: Option<Sp<Num>>,
    #[serde(default)]
    pub waive_first: Option<Sp<bool>>,
}

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDownPayment {
    #[serde(default)]
    pub percent: Option<Sp<Num>>,
    #[serde(default)]
    pub at_least: Option<Sp<Num>>,
}

/// Declaration terms (export credit).
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDeclarations {
    /// Day of the next month by which shipments are declared.
    pub declare_by_day: Sp<u32>,
    /// Day of the next month on which each declaration's premium is due.
    pub premium_due_day: Sp<u32>,
    /// Deposit premium at inception, as a share of the minimum premium.
    #[serde(default)]
    pub deposit_share: Option<Sp<Num>>,
    /// Maximum liability per policy year.
    pub maximum_liability: Sp<Num>,
    /// Longest credit period, in days, without and with approval.
    pub max_credit_days: Sp<u32>,
    pub max_credit_days_approved: Sp<u32>,
}

/// A test case: a request and what the quote must give.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTest {
    pub name: Sp<String>,
    /// The request, inline, in the same form as a request file.
    pub request: Sp<AnyValue>,
    /// A census CSV beside the product file, for group cover.
    #[serde(default)]
    pub census: Option<Sp<String>>,
    pub expect: Recover<RawExpect>,
}

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    /// Expected `totals.gross`.
    #[serde(default)]
    pub total: Option<Sp<Num>>,
    /// Expected premium per coverage.
    #[serde(default)]
    pub coverages: BTreeMap<Sp<String>, Sp<Num>>,
    /// Expected step values (policy steps, or member steps of the first member), e.g. a
    /// pension amount.
    #[serde(default)]
    pub steps: BTreeMap<Sp<String>, Sp<Num>>,
    /// Allowed difference; exact to the fen when absent.
    #[serde(default)]
    pub tolerance: Option<Sp<Num>>,
    /// Expected decline: the rules that fail.
    #[serde(default)]
    pub decline: Vec<Sp<String>>,
}

/// Any YAML value, checked later against the product's inputs (test requests).
#[derive(Clone, Debug, Default)]
pub struct AnyValue;

impl<'de> Deserialize<'de> for AnyValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<AnyValue, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| AnyValue)
    }
}

impl Serialize for AnyValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_unit()
    }
}

impl JsonSchema for AnyValue {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Request".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A quote request: start, term, policyholder, members, coverages, options.",
            "type": "object"
        })
    }
}

/// A product's acknowledgement that it differs from a rule the law lets a contract differ
/// from.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAcknowledge {
    /// The `id` of the rule in `regulation.yaml`.
    pub rule: Sp<String>,
    /// Why the contract differs (printed by `coverwright validate`).
    pub reason: Sp<String>,
}
