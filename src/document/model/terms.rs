//! What a document is told besides the quote: insurer profiles, the product's document terms,
//! beneficiaries, dispute resolution and the per-document options.

use super::*;

/// Text in both languages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bilingual {
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Bilingual {
    /// The text in `lang`; `None` when that language's text is empty.
    pub fn get(&self, lang: Lang) -> Option<&str> {
        let s = match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        };
        (!s.trim().is_empty()).then_some(s.as_str())
    }
}

/// How disputes under the policy are resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dispute {
    /// Litigation before the people's court with jurisdiction.
    Litigation,
    /// Arbitration by a named commission.
    Arbitration,
}

impl std::str::FromStr for Dispute {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "litigation" | "court" => Ok(Dispute::Litigation),
            "arbitration" => Ok(Dispute::Arbitration),
            other => Err(format!(
                "unknown dispute resolution `{other}`; use litigation or arbitration"
            )),
        }
    }
}

/// An insurer as its documents present it, declared once per insurer (see
/// [`InsurerProfiles`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InsurerProfile {
    /// Registered name.
    pub name: Bilingual,
    /// Registered address.
    pub address: Bilingual,
    /// Customer service phone number.
    pub phone: String,
    /// Website.
    pub website: String,
    /// The text of the company seal (usually the name and 保单专用章).
    pub seal: Bilingual,
    /// How the insurer's policies resolve disputes unless a policy says otherwise.
    #[serde(default)]
    pub dispute: Option<Dispute>,
    /// The arbitration commission named when disputes go to arbitration.
    #[serde(default)]
    pub arbitration_body: Option<Bilingual>,
    /// English names of the insurer's filings, keyed by the Chinese reference products give.
    #[serde(default)]
    pub filings: BTreeMap<String, String>,
    /// English names of the insurer's clauses, keyed by the Chinese name products give.
    #[serde(default)]
    pub clauses: BTreeMap<String, String>,
}

/// Insurer profiles keyed by the insurer name products use in their `insurer:` field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InsurerProfiles {
    /// Profiles by the name products give.
    pub insurers: BTreeMap<String, InsurerProfile>,
}

impl InsurerProfiles {
    /// Reads a profiles file (YAML). Errors name the file, line and column.
    pub fn load(path: &std::path::Path) -> Result<InsurerProfiles, String> {
        let text = crate::fsio::read_text(path, crate::fsio::MAX_DOCUMENT_BYTES)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        serde_saphyr::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The profile of the insurer a product names.
    pub fn get(&self, insurer: &str) -> Option<&InsurerProfile> {
        self.insurers.get(insurer)
    }
}

/// A named beneficiary (受益人) of death cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Beneficiary {
    /// Rank: rank 1 takes first; rank 2 only when no rank-1 beneficiary survives.
    pub rank: u32,
    /// Name as supplied.
    pub name: String,
    /// Share of the benefit within the rank, as a ratio (`0.5` for 50%).
    pub share: Decimal,
}

/// Export-credit terms the product declares (from its `declarations:`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreditTerms {
    /// Shipments of a month are declared by this day of the next month.
    pub declare_by_day: u32,
    /// The premium of a declaration is due on this day of the next month.
    pub premium_due_day: u32,
    /// Deposit taken at inception as a share of the minimum premium.
    pub deposit_share: Option<Decimal>,
    /// Maximum liability per policy year.
    pub maximum_liability: Decimal,
}

/// What the product declares about its documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductTerms {
    /// Documents the product offers and the template of each (`policy` → `policy.html`).
    /// Empty: every document from the default templates.
    pub documents: BTreeMap<String, String>,
    /// Export-credit declaration terms.
    pub credit: Option<CreditTerms>,
    /// English filing reference.
    pub filing_en: Option<String>,
    /// Clause names by coverage code, both languages.
    pub clauses: BTreeMap<String, Bilingual>,
    /// Customer labels of worksheet steps, by step name.
    pub step_labels: BTreeMap<String, Bilingual>,
    /// What the value of a worksheet step is (an amount, years), by step name; a step not
    /// named is a factor, shown as it is.
    pub step_units: BTreeMap<String, crate::product::StepUnit>,
    /// How the product rounds an amount: an amount step is shown to the currency's minor
    /// unit with it.
    pub rounding: crate::money::RoundingMode,
    /// Exclusions (责任免除) stated on the policy.
    pub exclusions: Vec<Bilingual>,
}

impl ProductTerms {
    /// The terms of a checked product.
    pub fn of(p: &crate::product::Product) -> ProductTerms {
        ProductTerms {
            documents: p.documents.clone(),
            credit: p.declarations.as_ref().map(|d| CreditTerms {
                declare_by_day: d.declare_by_day,
                premium_due_day: d.premium_due_day,
                deposit_share: d.deposit_share,
                maximum_liability: d.maximum_liability,
            }),
            step_labels: p
                .steps
                .iter()
                .filter_map(|s| {
                    let l = s.label.as_ref()?;
                    let label = Bilingual {
                        zh: l.zh.clone(),
                        en: l.en.clone(),
                    };
                    Some((s.name.clone(), label))
                })
                .collect(),
            step_units: p
                .steps
                .iter()
                .filter_map(|s| Some((s.name.clone(), s.unit?)))
                .collect(),
            rounding: p.rounding.mode(),
            ..ProductTerms::default()
        }
    }
}

/// The options of one document.
#[derive(Debug, Clone)]
pub struct DocOptions {
    /// The document language.
    pub lang: Lang,
    /// Code of the payment plan the policy is written with; else the only plan, else the
    /// first annual or single one, else the first.
    pub plan: Option<String>,
    /// The issue date; defaults to the quote's date.
    pub issue_date: Option<NaiveDate>,
    /// Dispute resolution; defaults to the insurer's.
    pub dispute: Option<Dispute>,
    /// The arbitration commission; defaults to the insurer's.
    pub arbitration_body: Option<String>,
    /// Special clauses of this policy, printed after the product's.
    pub special_clauses: Vec<String>,
    /// Named beneficiaries of death cover; none means 法定 (the heirs at law).
    pub beneficiaries: Vec<Beneficiary>,
    /// The insurer's profile.
    pub insurer: Option<InsurerProfile>,
    /// What the product declares about its documents.
    pub product: ProductTerms,
    /// The worksheet shows formulas, operands and file:line for authors.
    pub actuary: bool,
    /// The policyholder's address and contact, when the request does not carry them.
    pub policyholder: PartyDetails,
    /// Export credit: each buyer's country and credit limit, by buyer name as in the quote.
    pub buyers: BTreeMap<String, BuyerTerms>,
}

/// Address and contact of a party.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyDetails {
    /// Postal address.
    #[serde(default)]
    pub address: Option<String>,
    /// Contact person and phone.
    #[serde(default)]
    pub contact: Option<String>,
}

/// The terms of one buyer of an export-credit policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuyerTerms {
    /// Country or region.
    #[serde(default)]
    pub country: Option<String>,
    /// Credit limit approved by the insurer: the highest balance allowed on the buyer.
    pub credit_limit: Decimal,
}

impl DocOptions {
    /// Options with every default, in `lang`.
    pub fn new(lang: Lang) -> DocOptions {
        DocOptions {
            lang,
            plan: None,
            issue_date: None,
            dispute: None,
            arbitration_body: None,
            special_clauses: Vec::new(),
            beneficiaries: Vec::new(),
            insurer: None,
            product: ProductTerms::default(),
            actuary: false,
            policyholder: PartyDetails::default(),
            buyers: BTreeMap::new(),
        }
    }
}

/// Why a document cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ModelError(pub String);

pub(super) fn refuse<T>(message: impl Into<String>) -> Result<T, ModelError> {
    Err(ModelError(message.into()))
}
