//! The parts of the quote JSON documents read, typed.

use super::*;

// ---------------------------------------------------------------------------------------------
// The quote as documents read it.

/// The parts of the quote JSON (`crate::quote::to_json`) documents read, typed.
#[derive(Debug, Clone, Deserialize)]
pub struct QuoteView {
    pub(super) quote_id: String,
    pub(super) product: ProductView,
    pub(super) as_of: NaiveDate,
    pub(super) currency: String,
    pub(super) cover: CoverView,
    pub(super) policyholder: PartyView,
    #[serde(default)]
    pub(super) members: Vec<MemberView>,
    #[serde(default)]
    pub(super) coverages: Vec<CoverageView>,
    pub(super) totals: TotalsView,
    #[serde(default)]
    pub(super) minimum_premium: Option<MinimumView>,
    #[serde(default)]
    pub(super) payment_options: Vec<OptionView>,
    #[serde(default)]
    pub(super) special_clauses: Vec<Bilingual>,
    pub(super) regulatory: RegulatoryView,
    #[serde(default)]
    pub(super) charges: Vec<ChargeView>,
    #[serde(default)]
    pub(super) worksheet: Vec<WorkView>,
    #[serde(default)]
    pub(super) pension: Option<crate::pension::PensionOut>,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct ChargeView {
    pub(super) kind: String,
    pub(super) name: Bilingual,
    pub(super) amount: Decimal,
    pub(super) included: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct WorkView {
    pub(super) step: String,
    pub(super) scope: String,
    pub(super) coverage: Option<String>,
    pub(super) formula: String,
    pub(super) line: String,
    #[serde(default)]
    pub(super) operands: Vec<serde_json::Value>,
    pub(super) result: Decimal,
    pub(super) premium: Option<Decimal>,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct ProductView {
    pub(super) code: String,
    pub(super) version: String,
    pub(super) name: Bilingual,
    pub(super) line: String,
    pub(super) insurer: String,
    pub(super) filing: String,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct CoverView {
    pub(super) start: NaiveDate,
    pub(super) end: NaiveDate,
    pub(super) term: u32,
    pub(super) term_unit: String,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct PartyView {
    pub(super) name: String,
    pub(super) id: Option<String>,
    #[serde(default)]
    pub(super) fields: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct MemberView {
    pub(super) number: usize,
    pub(super) name: String,
    pub(super) id: Option<String>,
    #[serde(default)]
    pub(super) fields: BTreeMap<String, String>,
    pub(super) total: Decimal,
    #[serde(default)]
    pub(super) beneficiaries: Vec<MemberBeneficiaryView>,
}

/// A member's named beneficiary as the quote carries it (its relation is not printed).
#[derive(Debug, Clone, Deserialize)]
pub(super) struct MemberBeneficiaryView {
    pub(super) rank: u32,
    pub(super) name: String,
    pub(super) share: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct CoverageView {
    pub(super) code: String,
    pub(super) name: Bilingual,
    pub(super) premium: Decimal,
    pub(super) minimum_adjustment: Option<Decimal>,
    pub(super) clause: Option<String>,
    #[serde(default)]
    pub(super) limits: Vec<LimitView>,
    #[serde(default)]
    pub(super) indemnity: BTreeMap<String, Decimal>,
    pub(super) waiting_period_days: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct LimitView {
    pub(super) amount: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct TotalsView {
    pub(super) premium: Decimal,
    pub(super) gross: Decimal,
    pub(super) tax: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct MinimumView {
    pub(super) amount: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct OptionView {
    pub(super) code: String,
    pub(super) name: Option<Bilingual>,
    pub(super) mode: String,
    pub(super) schedule: Option<ScheduleView>,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct ScheduleView {
    pub(super) instalments: Vec<InstalmentView>,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct InstalmentView {
    pub(super) number: u32,
    pub(super) due_date: NaiveDate,
    pub(super) amount: Decimal,
    pub(super) fee: Decimal,
    pub(super) grace_end: NaiveDate,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct RegulatoryView {
    pub(super) cooling_off_days: u32,
    pub(super) waiting_period_days: u32,
    pub(super) grace_period_days: u32,
}
