//! The quote document as types: what `coverwright quote --format json` writes and what
//! `render` and `declare` read back (`docs/quote-format.md`).
//!
//! Every type is read with `deny_unknown_fields` and every field is required, so a file with
//! the shape of another version of the format is refused when it is read
//! ([`Quote::from_json`](super::Quote::from_json)); amounts are decimal strings exactly as
//! written.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::product::{Names, PlanMode, TermUnit};
use crate::schedule;

/// The product version that priced the quote.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductRef {
    /// Product code, e.g. `GA-SME`.
    pub code: String,
    /// Version, e.g. `2024.1`.
    pub version: String,
    /// Product name in both languages.
    pub name: Names,
    /// Line of business (`accident`, `health`, `pension`, ...).
    pub line: String,
    /// Market segment.
    pub segment: String,
    /// The insurer.
    pub insurer: String,
    /// Regulatory filing number.
    pub filing: String,
    /// SHA-256 of the product file and every file it reads.
    pub content_hash: String,
}

/// The period of cover.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cover {
    /// First day of cover, `YYYY-MM-DD`.
    pub start: String,
    /// Last day of cover: start + term − 1 day; for a pension product the end of the payout
    /// (`pension.cover.last_day`), the term being the premium term.
    pub end: String,
    /// Term in `term_unit`.
    pub term: u32,
    /// Unit of `term`.
    pub term_unit: TermUnit,
    /// Term in months.
    pub term_months: u32,
    /// Share of the annual premium for a term under 12 months.
    pub short_period_factor: Option<String>,
}

/// The policyholder.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyOut {
    /// Name.
    pub name: String,
    /// Identity number (credit code, ID card), if given.
    pub id: Option<String>,
    /// Every policyholder input and option, as text.
    pub fields: BTreeMap<String, String>,
}

/// One insured member or declared item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberOut {
    /// 1-based position.
    pub number: usize,
    /// Name.
    pub name: String,
    /// Identity number, if given.
    pub id: Option<String>,
    /// Census line, when read from a census.
    pub row: Option<usize>,
    /// Member inputs, as text.
    pub fields: BTreeMap<String, String>,
    /// Premium by coverage code.
    pub premiums: BTreeMap<String, String>,
    /// Sum of `premiums`.
    pub total: String,
    /// Named beneficiaries of death cover; absent (empty) means 法定, the heirs at law.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub beneficiaries: Vec<BeneficiaryOut>,
}

/// A named beneficiary of a member's death cover, as the request gave it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BeneficiaryOut {
    /// Rank: rank 1 takes first.
    pub rank: u32,
    /// Name.
    pub name: String,
    /// Relation to the insured member.
    pub relation: crate::request::Relation,
    /// Share within the rank, as a ratio (`0.6` for 60%).
    pub share: Decimal,
}

/// How VAT applies to a coverage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VatTreatment {
    /// The premium includes VAT at the product's rate.
    Taxable,
    /// No VAT (e.g. health cover of a year or more).
    Exempt,
}

/// A chosen coverage and its premium.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverageOut {
    /// Coverage code.
    pub code: String,
    /// Coverage name.
    pub name: Names,
    /// VAT treatment.
    pub vat: VatTreatment,
    /// Chosen terms (sum insured, deductible, ratio, ...).
    pub terms: BTreeMap<String, String>,
    /// Premium, VAT included, after the minimum premium.
    pub premium: String,
    /// Premium without VAT.
    pub net: String,
    /// VAT in the premium.
    pub vat_amount: String,
    /// Minimum-premium top-up put on this coverage.
    pub minimum_adjustment: Option<String>,
    /// Clause reference.
    pub clause: Option<String>,
    /// Waiting period of this coverage.
    pub waiting_period_days: Option<u32>,
    /// Limits of indemnity.
    pub limits: Vec<LimitOut>,
    /// Reimbursement tiers.
    pub tiers: Vec<TierOut>,
    /// Disability benefit scale.
    pub benefit_scale: Option<ScaleOut>,
    /// Indemnity percentages by cause.
    pub indemnity: BTreeMap<String, String>,
}

/// A limit of indemnity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitOut {
    /// Name of the limit.
    pub name: Names,
    /// Amount.
    pub amount: String,
    /// What the amount counts (`days`, `times`); absent: an amount in the quote's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<crate::product::LimitUnit>,
}

/// A reimbursement tier.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierOut {
    /// Lower bound of the expense band.
    pub from: String,
    /// Upper bound (open when absent).
    pub to: Option<String>,
    /// Share reimbursed.
    pub ratio: String,
}

/// A disability benefit scale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleOut {
    /// Name of the scale.
    pub name: String,
    /// Benefit share by grade.
    pub grades: Vec<String>,
}

/// The kind of a charge line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChargeLine {
    /// A coverage's premium.
    Premium,
    /// VAT in a taxable coverage's premium.
    Vat,
    /// Stamp duty.
    StampDuty,
    /// A fee.
    Fee,
}

/// One charge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChargeOut {
    /// Kind of charge.
    pub kind: ChargeLine,
    /// Name in both languages.
    pub name: Names,
    /// The coverage it belongs to (premium and VAT lines).
    pub coverage: Option<String>,
    /// Amount.
    pub amount: String,
    /// Contained in the premium (VAT, stamp duty borne by the insurer) rather than added.
    pub included: bool,
}

/// The totals of a quote.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Totals {
    /// Sum of coverage premiums.
    pub premium: String,
    /// Premium + charges added on top: what the policyholder pays.
    pub gross: String,
    /// Gross − tax.
    pub net: String,
    /// VAT + stamp duty.
    pub tax: String,
}

/// The product's minimum premium and whether it applied.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinimumOut {
    /// The minimum premium.
    pub amount: String,
    /// Whether the premium was raised to it.
    pub applied: bool,
    /// The top-up.
    pub adjustment: String,
    /// The coverage the top-up was put on.
    pub coverage: Option<String>,
}

/// One payment plan laid out for the quoted premium.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentOption {
    /// Plan code.
    pub code: String,
    /// Plan name.
    pub name: Option<Names>,
    /// Payment mode.
    pub mode: PlanMode,
    /// The instalments, when the plan has a schedule for this quote.
    pub schedule: Option<schedule::Schedule>,
    /// Flexible contributions: the account projected year by year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub projection: Option<schedule::PensionProjection>,
    /// Flexible contributions: the pension the final balance buys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payout: Option<schedule::PensionPayout>,
    /// Why there is no schedule, when there is none.
    pub note: Option<String>,
}

/// Regulatory periods.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regulatory {
    /// Cooling-off period (犹豫期).
    pub cooling_off_days: u32,
    /// Waiting period (等待期).
    pub waiting_period_days: u32,
    /// Grace period for premiums (宽限期).
    pub grace_period_days: u32,
}

/// One line of the worksheet: one evaluation of one rating step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkOut {
    /// Step name.
    pub step: String,
    /// `policy`, or `member N (name)`.
    pub scope: String,
    /// The coverage whose annual premium this step gives.
    pub coverage: Option<String>,
    /// The formula as written.
    pub formula: String,
    /// The step's note.
    pub note: Option<String>,
    /// `file:line` of the step.
    pub line: String,
    /// Every value the formula read (see `docs/quote-format.md`).
    pub operands: Vec<serde_json::Value>,
    /// The exact value before rounding.
    pub result: String,
    /// The value after step-level rounding.
    pub rounded: String,
    /// For a coverage's premium step: the premium it gives after the short-period factor and
    /// the product's rounding (what the member or policy pays for the coverage).
    pub premium: Option<String>,
}

/// A priced quote.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quote {
    /// `Q-<CODE>-<16 hex>`, a hash of the inputs.
    pub quote_id: String,
    /// The product version that priced it.
    pub product: ProductRef,
    /// The date the quote was made.
    pub as_of: String,
    /// `as_of` + 30 days.
    pub valid_until: String,
    /// ISO 4217 code of every amount.
    pub currency: String,
    /// The period of cover.
    pub cover: Cover,
    /// The policyholder.
    pub policyholder: PartyOut,
    /// Members or declared items.
    pub members: Vec<MemberOut>,
    /// Chosen coverages.
    pub coverages: Vec<CoverageOut>,
    /// Every charge by kind.
    pub charges: Vec<ChargeOut>,
    /// Totals.
    pub totals: Totals,
    /// The minimum premium, when the product has one.
    pub minimum_premium: Option<MinimumOut>,
    /// Payment plans.
    pub payment_options: Vec<PaymentOption>,
    /// Special clauses (特别约定).
    pub special_clauses: Vec<Names>,
    /// Regulatory periods.
    pub regulatory: Regulatory,
    /// Benefit illustration by policy year (pension products), else null.
    pub illustration: Option<Vec<IllustrationRow>>,
    /// Pension benefits, death benefits and cash values (products with `pension:`), else absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pension: Option<crate::pension::PensionOut>,
    /// The worksheet (empty unless asked for).
    pub worksheet: Vec<WorkOut>,
}

/// One policy year of a benefit illustration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IllustrationRow {
    /// Policy year, from 1.
    pub year: u32,
    /// Age in that year.
    pub age: String,
    /// Premium of the year.
    pub premium: String,
    /// Premiums paid so far.
    pub cumulative_premium: String,
    /// Survival benefit.
    pub survival_benefit: String,
    /// Death benefit.
    pub death_benefit: String,
}
