//! The document model: every fact a document states, worked out once from the priced quote.
//!
//! [`DocumentModel::from_quote`] (or [`DocumentModel::from_json`] for a quote read back from
//! its JSON) takes the quote and the [`DocOptions`] of one document (language, plan, issue
//! date, dispute resolution, special clauses, beneficiaries, the insurer's profile and the
//! product's document terms) and returns a model that templates and other layouts (PDF, Word)
//! only lay out. All arithmetic a document needs happens here, in checked `Decimal`:
//!
//! * the **chosen plan** and the **amount payable** under it: the sum of its instalments and
//!   fees, so the loading of instalment plans is included, with the difference to the annual
//!   premium shown as `loading`; its amount in words (Chinese capitals for `zh`, the English
//!   trade convention for `en`); the **first amount due**;
//! * **grace dates** only for instalments after the first, never after the last day of cover
//!   (a capped date is marked `grace_capped`);
//! * the **grace wording** by line: Insurance Law art. 36 for personal insurance (accident,
//!   health, pension), the policy's own payment condition for export credit;
//! * the **parties**: the insured named inline when there is one, the exporter as the insured
//!   of export credit with the declared buyers in a buyer schedule of their own, beneficiaries
//!   for death cover (法定 when none are named; named ones ranked, shares per rank adding up to
//!   100%);
//! * the **sections** a line shows (occupation classes for accident only, a member list for
//!   group cover, a buyer schedule, indemnity per peril and credit terms for export credit);
//! * **dispute resolution**: litigation or arbitration naming the body, from the options, else
//!   the insurer's profile, else the general clause naming both.
//!
//! Invariants of a built model: `payable` equals the sum of the instalment amounts and fees
//! shown; every amount is a decimal string with the currency's two places; every text is in
//! the document's language except names taken from the request. A model that would state
//! something false is not built: a plan the quote does not have, beneficiary shares that do
//! not add up, arbitration without a body, an English document without English names for the
//! insurer, filing or clauses ([`ModelError`]).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::format::{self, Lang};

mod credit;
mod pension;
mod terms;
mod view;
mod worksheet;

use credit::*;
pub use pension::{PensionModel, PensionRow, ScenarioModel};
pub use terms::*;
pub use view::QuoteView;
use view::*;
use worksheet::*;

// ---------------------------------------------------------------------------------------------
// The model.

/// The insurance line as documents treat it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// Accident (人身保险).
    Accident,
    /// Health (人身保险).
    Health,
    /// Pension and annuities (人身保险).
    Pension,
    /// Short-term export credit (财产保险).
    ExportCredit,
}

/// Everything a document states, in its language (see the module documentation).
#[derive(Debug, Clone, Serialize)]
pub struct DocumentModel {
    /// `zh` or `en`.
    pub lang: &'static str,
    /// ISO currency code.
    pub currency: String,
    /// The line of business.
    pub line: LineKind,
    /// Personal insurance (accident, health, pension): Insurance Law art. 36 applies.
    pub personal: bool,
    /// The draft policy number.
    pub policy_number: String,
    /// The quote id.
    pub quote_id: String,
    /// Issue date, `YYYY-MM-DD`.
    pub issue_date: NaiveDate,
    /// Product name, code, version, filing.
    pub product: ProductModel,
    /// The insurer.
    pub insurer: InsurerModel,
    /// The policyholder.
    pub policyholder: PartyModel,
    /// The insured.
    pub insured: InsuredModel,
    /// Beneficiaries of death cover; `None` when the product has no death cover.
    pub beneficiaries: Option<BeneficiariesModel>,
    /// Cover period and term.
    pub cover: CoverModel,
    /// Total annual premium (all charges included), two places.
    pub premium: String,
    /// The plan the policy is written with; `None` when the quote has none.
    pub plan: Option<PlanModel>,
    /// Every plan of the quote, for quotes and payment schedules.
    pub plans: Vec<PlanModel>,
    /// The amount payable under the chosen plan (the premium when there is none).
    pub payable: String,
    /// `payable` in words in the document's language.
    pub payable_in_words: String,
    /// Grace period and its wording.
    pub grace: GraceModel,
    /// Cooling-off period in days, when the product has one.
    pub cooling_off_days: Option<u32>,
    /// Waiting period in days, when the product has one.
    pub waiting_period_days: Option<u32>,
    /// Which sections the document shows.
    pub sections: Sections,
    /// Export credit: the declared buyers.
    pub buyers: Vec<BuyerModel>,
    /// Export credit: indemnity percentage per peril.
    pub indemnity: Vec<PerilModel>,
    /// Export credit: deposit, minimum premium, maximum liability, declaration and payment days.
    pub credit: Option<CreditModel>,
    /// Covers with clause names in the document's language.
    pub clauses: Vec<ClauseModel>,
    /// Exclusions in the document's language.
    pub exclusions: Vec<String>,
    /// Dispute resolution.
    pub dispute: DisputeModel,
    /// Special clauses: the product's, then this policy's.
    pub special_clauses: Vec<String>,
    /// The rating worksheet and its reconciliation to the total.
    pub worksheet: WorksheetModel,
    /// Pension products: what the policy buys (see [`PensionModel`]).
    pub pension: Option<PensionModel>,
}

/// The rating worksheet: every step with a customer label and its value to the currency's
/// minor unit (premiums) or six places (factors), then the reconciliation: the premium of each
/// coverage (the sum of its premium steps, plus any minimum-premium top-up), the premium
/// total, charges added on top, the total payable, and the VAT and stamp duty contained in it.
/// Full precision stays in the quote JSON.
#[derive(Debug, Clone, Serialize)]
pub struct WorksheetModel {
    /// Show formulas, operands and file:line (the actuary variant).
    pub actuary: bool,
    /// The steps in rating order.
    pub steps: Vec<StepModel>,
    /// One row per coverage.
    pub coverages: Vec<TieRow>,
    /// Sum of the coverage premiums.
    pub premium_total: TieRow,
    /// Charges added on top of the premium (fees).
    pub added: Vec<TieRow>,
    /// Taxes contained in the premium (VAT, stamp duty).
    pub contained: Vec<TieRow>,
    /// The total payable.
    pub total: TieRow,
    /// Every row ties out.
    pub ties_out: bool,
}

/// One worksheet step.
#[derive(Debug, Clone, Serialize)]
pub struct StepModel {
    /// 1-based.
    pub number: usize,
    /// Step name in the product file.
    pub step: String,
    /// Customer label the product declares in the document's language, if any.
    pub label: Option<String>,
    /// `policy` or `member N (name)`.
    pub scope: String,
    /// Coverage name, for a coverage's premium step.
    pub coverage: Option<String>,
    /// The value shown: a premium or other amount to the currency's minor unit, else the
    /// result to at most six places.
    pub value: String,
    /// `amount` (printed with the currency), `percent`, `years` or `factor` (printed as it is).
    pub unit: &'static str,
    /// This step's result is a coverage premium (in money).
    pub is_premium: bool,
    /// The formula (actuary variant).
    pub formula: String,
    /// `file:line` of the step (actuary variant).
    pub line: String,
    /// Operands and table rows (actuary variant).
    pub operands: Vec<serde_json::Value>,
}

/// A reconciliation row: a name, the amount the quote states and the amount worked out from
/// the rows above it.
#[derive(Debug, Clone, Serialize)]
pub struct TieRow {
    /// What the row is, in the document's language.
    pub name: String,
    /// The amount the quote states, two places.
    pub amount: String,
    /// The amount worked out from the rows above, two places.
    pub check: String,
    /// `amount` equals `check`.
    pub ties: bool,
}

/// The product as documents name it.
#[derive(Debug, Clone, Serialize)]
pub struct ProductModel {
    /// Code.
    pub code: String,
    /// Version.
    pub version: String,
    /// Name in the document's language.
    pub name: String,
    /// Filing reference in the document's language.
    pub filing: String,
}

/// The insurer as documents name it.
#[derive(Debug, Clone, Serialize)]
pub struct InsurerModel {
    /// Name.
    pub name: String,
    /// Address, when a profile gives one.
    pub address: Option<String>,
    /// Service phone.
    pub phone: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// Seal text.
    pub seal: Option<String>,
}

/// A party (policyholder or insured).
#[derive(Debug, Clone, Serialize)]
pub struct PartyModel {
    /// Name as supplied.
    pub name: String,
    /// ID or unified social credit code.
    pub id: Option<String>,
    /// Address, when the request gives one (`address` field).
    pub address: Option<String>,
    /// Contact (person and phone), when the request gives one (`contact`, `phone` fields).
    pub contact: Option<String>,
}

/// Who is insured.
#[derive(Debug, Clone, Serialize)]
pub struct InsuredModel {
    /// The insured named inline: the only member, the policyholder of individual cover, or
    /// the exporter of export credit; `None` when a member list is attached.
    pub named: Option<PartyModel>,
    /// Number of insured persons; `None` for export credit (the exporter is the insured).
    pub count: Option<usize>,
}

/// Beneficiaries of death cover.
#[derive(Debug, Clone, Serialize)]
pub struct BeneficiariesModel {
    /// No beneficiary named: the heirs at law (法定受益人).
    pub legal: bool,
    /// Named beneficiaries, by rank then as given.
    pub named: Vec<BeneficiaryRow>,
}

/// One named beneficiary.
#[derive(Debug, Clone, Serialize)]
pub struct BeneficiaryRow {
    /// Rank.
    pub rank: u32,
    /// Name.
    pub name: String,
    /// Share within the rank, as a ratio string (`0.5`).
    pub share: String,
}

/// Cover period and term.
#[derive(Debug, Clone, Serialize)]
pub struct CoverModel {
    /// First day of cover.
    pub start: NaiveDate,
    /// Last day of cover.
    pub end: NaiveDate,
    /// Term in `term_unit`s.
    pub term: u32,
    /// `month` or `year`.
    pub term_unit: String,
}

/// A payment plan with what is payable under it.
#[derive(Debug, Clone, Serialize)]
pub struct PlanModel {
    /// Plan code.
    pub code: String,
    /// Plan name in the document's language, when the product names it.
    pub name: Option<String>,
    /// Payment mode (`annual`, `monthly`, `declaration`, …).
    pub mode: String,
    /// Instalments; empty for declaration and flexible plans.
    pub instalments: Vec<InstalmentModel>,
    /// Sum of the instalment amounts and fees; the premium when there are no instalments.
    pub payable: String,
    /// `payable` in words in the document's language.
    pub payable_in_words: String,
    /// Sum of the instalment amounts, fees excluded.
    pub premiums: String,
    /// Instalment loading: premiums less the annual premium (zero for annual and single).
    pub loading: String,
    /// Sum of the fees.
    pub fees: String,
    /// The first amount due and its date.
    pub first_due: Option<DueModel>,
}

/// One instalment.
#[derive(Debug, Clone, Serialize)]
pub struct InstalmentModel {
    /// 1-based.
    pub number: u32,
    /// Due date.
    pub due_date: NaiveDate,
    /// Premium.
    pub amount: String,
    /// Fee.
    pub fee: String,
    /// Premium plus fee.
    pub payable: String,
    /// Last day of grace; `None` for the first instalment (cover starts on payment).
    pub grace_end: Option<NaiveDate>,
    /// The grace date was moved back to the last day of cover.
    pub grace_capped: bool,
}

/// An amount due on a date.
#[derive(Debug, Clone, Serialize)]
pub struct DueModel {
    /// Due date.
    pub date: NaiveDate,
    /// Amount including fee.
    pub amount: String,
}

/// The grace period and its wording.
#[derive(Debug, Clone, Serialize)]
pub struct GraceModel {
    /// Days.
    pub days: u32,
    /// Catalogue key of the wording: `notice.grace_art36` (personal insurance) or
    /// `notice.grace_credit` (export credit).
    pub wording: &'static str,
    /// Some grace date was moved back to the last day of cover.
    pub capped: bool,
}

/// Which sections a document shows.
#[derive(Debug, Clone, Serialize)]
pub struct Sections {
    /// Occupation classes (accident only).
    pub occupation: bool,
    /// A member list is attached.
    pub member_list: bool,
    /// A buyer schedule (export credit).
    pub buyers: bool,
    /// Beneficiaries (death cover).
    pub beneficiaries: bool,
}

/// A declared buyer.
#[derive(Debug, Clone, Serialize)]
pub struct BuyerModel {
    /// Number.
    pub number: usize,
    /// Buyer name as supplied.
    pub name: String,
    /// Country, when supplied.
    pub country: Option<String>,
    /// Country risk class `A`–`D`.
    pub risk_class: Option<String>,
    /// Payment method code (`L/C`, `D/P`, `D/A`, `O/A`).
    pub method: Option<String>,
    /// Credit period in days.
    pub credit_days: Option<String>,
    /// Credit limit, when supplied.
    pub credit_limit: Option<String>,
    /// Declared invoice value.
    pub value: Option<String>,
    /// Premium of the shipment.
    pub premium: String,
    /// Invoice reference as supplied.
    pub reference: Option<String>,
}

/// An indemnity percentage per peril.
#[derive(Debug, Clone, Serialize)]
pub struct PerilModel {
    /// Peril code (`commercial`, `political`, `refusal`).
    pub peril: String,
    /// Catalogue key of its label (`peril.commercial`).
    pub label: String,
    /// Ratio string (`0.9`).
    pub ratio: String,
}

/// Export-credit terms stated on the policy.
#[derive(Debug, Clone, Serialize)]
pub struct CreditModel {
    /// Deposit at inception, two places.
    pub deposit: Option<String>,
    /// Minimum premium per policy year.
    pub minimum_premium: Option<String>,
    /// Maximum liability per policy year.
    pub maximum_liability: Option<String>,
    /// Declaration day of the next month.
    pub declare_by_day: Option<u32>,
    /// Premium due day of the next month.
    pub premium_due_day: Option<u32>,
}

/// A cover and its clause.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseModel {
    /// Coverage code.
    pub code: String,
    /// Coverage name.
    pub name: String,
    /// Clause name, when the product gives one.
    pub clause: Option<String>,
}

/// Dispute resolution.
#[derive(Debug, Clone, Serialize)]
pub struct DisputeModel {
    /// `litigation`, `arbitration` or `either` (the general clause naming both).
    pub kind: &'static str,
    /// The arbitration commission.
    pub body: Option<String>,
}

fn money(d: Decimal) -> String {
    crate::quote::money(d)
}

fn add(a: Decimal, b: Decimal, what: &str) -> Result<Decimal, ModelError> {
    a.checked_add(b)
        .ok_or_else(|| ModelError(format!("the {what} overflows")))
}

fn in_words(amount: Decimal, currency: &str, lang: Lang) -> Result<String, ModelError> {
    format::in_words(amount, currency, lang).map_err(|e| ModelError(e.to_string()))
}

impl DocumentModel {
    /// Builds the model of a priced quote.
    pub fn from_quote(
        quote: &crate::quote::Quote,
        options: &DocOptions,
    ) -> Result<DocumentModel, ModelError> {
        let json = serde_json::to_value(quote)
            .map_err(|e| ModelError(format!("the quote cannot be read: {e}")))?;
        DocumentModel::from_json(&json, options)
    }

    /// Builds the model of a quote read back from its JSON.
    pub fn from_json(
        quote: &serde_json::Value,
        options: &DocOptions,
    ) -> Result<DocumentModel, ModelError> {
        // Read from the borrowed JSON: no copy of the quote.
        let view = QuoteView::deserialize(quote)
            .map_err(|e| ModelError(format!("the quote JSON is not a quote: {e}")))?;
        DocumentModel::from_view(&view, options)
    }

    /// Builds the model of a typed quote view.
    pub fn from_view(q: &QuoteView, o: &DocOptions) -> Result<DocumentModel, ModelError> {
        let lang = o.lang;
        let line = match q.product.line.as_str() {
            "accident" => LineKind::Accident,
            "health" => LineKind::Health,
            "pension" => LineKind::Pension,
            "export_credit" => LineKind::ExportCredit,
            other => return refuse(format!("unknown line `{other}` in the quote")),
        };
        let personal = line != LineKind::ExportCredit;
        // Missing texts are gathered so one refusal lists all of them.
        let mut problems = Vec::new();
        let product = product_model(q, o).map_err(|e| problems.push(e.0)).ok();
        let insurer = insurer_model(q, o).map_err(|e| problems.push(e.0)).ok();
        let clauses = clause_models(q, o).map_err(|e| problems.push(e.0)).ok();
        let (Some(product), Some(insurer), Some(clauses)) = (product, insurer, clauses) else {
            return refuse(problems.join("; "));
        };
        let mut policyholder = party(
            &q.policyholder.name,
            &q.policyholder.id,
            &q.policyholder.fields,
        );
        if policyholder.address.is_none() {
            policyholder.address = o.policyholder.address.clone();
        }
        if policyholder.contact.is_none() {
            policyholder.contact = o.policyholder.contact.clone();
        }
        let insured = insured_model(q, line, &policyholder);
        let death_cover = matches!(line, LineKind::Accident | LineKind::Pension);
        let named = named_beneficiaries(q, o)?;
        let beneficiaries = if death_cover {
            Some(beneficiaries_model(&named)?)
        } else if !named.is_empty() {
            return refuse(format!(
                "beneficiaries were named, but {} has no death cover",
                q.product.code
            ));
        } else {
            None
        };

        let plans = q
            .payment_options
            .iter()
            .map(|p| plan_model(p, q, lang))
            .collect::<Result<Vec<_>, _>>()?;
        let plan = chosen_plan(&plans, o.plan.as_deref())?;
        let (payable, payable_in_words) = match &plan {
            Some(p) => (p.payable.clone(), p.payable_in_words.clone()),
            None => (
                money(q.totals.gross),
                in_words(q.totals.gross, &q.currency, lang)?,
            ),
        };
        let grace = GraceModel {
            days: q.regulatory.grace_period_days,
            wording: if personal {
                "notice.grace_art36"
            } else {
                "notice.grace_credit"
            },
            capped: plan
                .as_ref()
                .is_some_and(|p| p.instalments.iter().any(|i| i.grace_capped)),
        };

        let waiting = q
            .coverages
            .iter()
            .filter_map(|c| c.waiting_period_days)
            .max()
            .unwrap_or(0)
            .max(q.regulatory.waiting_period_days);
        let sections = Sections {
            occupation: line == LineKind::Accident,
            member_list: line != LineKind::ExportCredit && insured.named.is_none(),
            buyers: line == LineKind::ExportCredit,
            beneficiaries: beneficiaries.is_some(),
        };
        let buyers = buyers_model(q, o, line)?;
        let indemnity = indemnity_model(q);
        let credit = (line == LineKind::ExportCredit).then(|| credit_model(q, o));
        let credit = credit.transpose()?;
        let exclusions = o
            .product
            .exclusions
            .iter()
            .map(|e| text_in(e, lang, "an exclusion"))
            .collect::<Result<Vec<_>, _>>()?;
        let dispute = dispute_model(o)?;
        let mut special_clauses = q
            .special_clauses
            .iter()
            .map(|c| text_in(c, lang, "a special clause"))
            .collect::<Result<Vec<_>, _>>()?;
        special_clauses.extend(o.special_clauses.iter().cloned());
        let worksheet = worksheet_model(q, o)?;

        Ok(DocumentModel {
            lang: lang.code(),
            currency: q.currency.clone(),
            line,
            personal,
            policy_number: format!("DRAFT-{}", q.quote_id),
            quote_id: q.quote_id.clone(),
            issue_date: o.issue_date.unwrap_or(q.as_of),
            product,
            insurer,
            policyholder,
            insured,
            beneficiaries,
            cover: CoverModel {
                start: q.cover.start,
                end: q.cover.end,
                term: q.cover.term,
                term_unit: q.cover.term_unit.clone(),
            },
            premium: money(q.totals.gross),
            plan,
            plans,
            payable,
            payable_in_words,
            grace,
            cooling_off_days: (q.regulatory.cooling_off_days > 0)
                .then_some(q.regulatory.cooling_off_days),
            waiting_period_days: (waiting > 0).then_some(waiting),
            sections,
            buyers,
            indemnity,
            credit,
            clauses,
            exclusions,
            dispute,
            special_clauses,
            worksheet,
            pension: pension::pension_model(q, lang)?,
        })
    }
}

fn text_in(b: &Bilingual, lang: Lang, what: &str) -> Result<String, ModelError> {
    match b.get(lang) {
        Some(s) => Ok(s.to_string()),
        None => refuse(format!("{what} has no {} text", lang_name(lang))),
    }
}

fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "Chinese",
        Lang::En => "English",
    }
}

fn product_model(q: &QuoteView, o: &DocOptions) -> Result<ProductModel, ModelError> {
    let lang = o.lang;
    let name = text_in(&q.product.name, lang, "the product name")?;
    let filing = match lang {
        Lang::Zh => q.product.filing.clone(),
        Lang::En => match o.product.filing_en.as_ref().or_else(|| {
            o.insurer
                .as_ref()
                .and_then(|p| p.filings.get(&q.product.filing))
        }) {
            Some(f) if !f.trim().is_empty() => f.clone(),
            _ if !has_cjk(&q.product.filing) => q.product.filing.clone(),
            _ => {
                return refuse(format!(
                    "{} {} has no English filing reference (`filings` in the insurer's profile) \
                     for an English document",
                    q.product.code, q.product.version
                ));
            }
        },
    };
    Ok(ProductModel {
        code: q.product.code.clone(),
        version: q.product.version.clone(),
        name,
        filing,
    })
}

/// Whether text holds CJK ideographs or fullwidth punctuation.
pub fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c as u32,
            0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
    })
}

fn insurer_model(q: &QuoteView, o: &DocOptions) -> Result<InsurerModel, ModelError> {
    let lang = o.lang;
    let Some(p) = &o.insurer else {
        if lang == Lang::En && has_cjk(&q.product.insurer) {
            return refuse(format!(
                "no English name for the insurer `{}`: declare its profile in the insurer \
                 profiles file (products/insurers/insurers.yaml)",
                q.product.insurer
            ));
        }
        return Ok(InsurerModel {
            name: q.product.insurer.clone(),
            address: None,
            phone: None,
            website: None,
            seal: None,
        });
    };
    let name = text_in(&p.name, lang, "the insurer's name")?;
    Ok(InsurerModel {
        name,
        address: Some(text_in(&p.address, lang, "the insurer's address")?),
        phone: Some(p.phone.clone()),
        website: Some(p.website.clone()),
        seal: Some(text_in(&p.seal, lang, "the insurer's seal")?),
    })
}

fn party(name: &str, id: &Option<String>, fields: &BTreeMap<String, String>) -> PartyModel {
    let contact = match (fields.get("contact"), fields.get("phone")) {
        (Some(c), Some(p)) => Some(format!("{c} {p}")),
        (Some(c), None) => Some(c.clone()),
        (None, Some(p)) => Some(p.clone()),
        (None, None) => None,
    };
    PartyModel {
        name: name.to_string(),
        id: id.clone(),
        address: fields.get("address").cloned(),
        contact,
    }
}

fn insured_model(q: &QuoteView, line: LineKind, policyholder: &PartyModel) -> InsuredModel {
    if line == LineKind::ExportCredit {
        return InsuredModel {
            named: Some(policyholder.clone()),
            count: None,
        };
    }
    match q.members.as_slice() {
        [] => InsuredModel {
            named: Some(policyholder.clone()),
            count: Some(1),
        },
        [one] => InsuredModel {
            named: Some(party(&one.name, &one.id, &one.fields)),
            count: Some(1),
        },
        many => InsuredModel {
            named: None,
            count: Some(many.len()),
        },
    }
}

/// The beneficiaries a document prints: the options' list, else those the member of a
/// one-member quote named, else none (法定). A quote of several members of which any names
/// beneficiaries needs the options' list: one policy document prints one list, and printing
/// one member's as the policy's would misstate the others'.
fn named_beneficiaries(q: &QuoteView, o: &DocOptions) -> Result<Vec<Beneficiary>, ModelError> {
    if !o.beneficiaries.is_empty() {
        return Ok(o.beneficiaries.clone());
    }
    let naming = q
        .members
        .iter()
        .filter(|m| !m.beneficiaries.is_empty())
        .count();
    match q.members.as_slice() {
        _ if naming == 0 => Ok(Vec::new()),
        [m] => Ok(m
            .beneficiaries
            .iter()
            .map(|b| Beneficiary {
                rank: b.rank,
                name: b.name.clone(),
                share: b.share,
            })
            .collect()),
        all => refuse(format!(
            "{naming} of the quote's {} members name beneficiaries; a policy document prints one list: give `beneficiaries` in the document options",
            all.len()
        )),
    }
}

fn beneficiaries_model(named: &[Beneficiary]) -> Result<BeneficiariesModel, ModelError> {
    let mut by_rank: BTreeMap<u32, Decimal> = BTreeMap::new();
    for b in named {
        if b.rank == 0 {
            return refuse(format!("beneficiary `{}`: ranks start at 1", b.name));
        }
        if b.share <= Decimal::ZERO || b.share > Decimal::ONE {
            return refuse(format!(
                "beneficiary `{}`: a share must be more than 0 and at most 1 (100%), got {}",
                b.name, b.share
            ));
        }
        let sum = by_rank.entry(b.rank).or_default();
        *sum = add(*sum, b.share, "beneficiary shares")?;
    }
    for (rank, sum) in &by_rank {
        if *sum != Decimal::ONE {
            return refuse(format!(
                "the shares of rank-{rank} beneficiaries add up to {}%, not 100%",
                (*sum * Decimal::ONE_HUNDRED).normalize()
            ));
        }
    }
    let mut rows: Vec<BeneficiaryRow> = named
        .iter()
        .map(|b| BeneficiaryRow {
            rank: b.rank,
            name: b.name.clone(),
            share: b.share.normalize().to_string(),
        })
        .collect();
    rows.sort_by_key(|r| r.rank);
    Ok(BeneficiariesModel {
        legal: named.is_empty(),
        named: rows,
    })
}

fn plan_model(p: &OptionView, q: &QuoteView, lang: Lang) -> Result<PlanModel, ModelError> {
    let name = match &p.name {
        Some(n) => Some(text_in(n, lang, &format!("the name of plan `{}`", p.code))?),
        None => None,
    };
    let mut instalments = Vec::new();
    let (mut premiums, mut fees) = (Decimal::ZERO, Decimal::ZERO);
    for i in p.schedule.iter().flat_map(|s| &s.instalments) {
        premiums = add(premiums, i.amount, "sum of the instalments")?;
        fees = add(fees, i.fee, "sum of the instalment fees")?;
        let (grace_end, capped) = if i.number <= 1 {
            (None, false)
        } else if i.grace_end > q.cover.end {
            (Some(q.cover.end), true)
        } else {
            (Some(i.grace_end), false)
        };
        instalments.push(InstalmentModel {
            number: i.number,
            due_date: i.due_date,
            amount: money(i.amount),
            fee: money(i.fee),
            payable: money(add(i.amount, i.fee, "instalment")?),
            grace_end,
            grace_capped: capped,
        });
    }
    let (payable, loading) = if instalments.is_empty() {
        (q.totals.gross, Decimal::ZERO)
    } else {
        let loading = premiums
            .checked_sub(q.totals.gross)
            .ok_or_else(|| ModelError("the instalment loading overflows".into()))?;
        // A multi-year premium term pays the annual premium many times: no loading to show.
        let years_paid = premiums > q.totals.gross * Decimal::TWO;
        (
            add(premiums, fees, "amount payable")?,
            if years_paid || loading < Decimal::ZERO {
                Decimal::ZERO
            } else {
                loading
            },
        )
    };
    let first_due = p.schedule.iter().flat_map(|s| &s.instalments).next();
    Ok(PlanModel {
        code: p.code.clone(),
        name,
        mode: p.mode.clone(),
        payable_in_words: in_words(payable, &q.currency, lang)?,
        payable: money(payable),
        premiums: money(if instalments.is_empty() {
            q.totals.gross
        } else {
            premiums
        }),
        loading: money(loading),
        fees: money(fees),
        first_due: match first_due {
            Some(i) => Some(DueModel {
                date: i.due_date,
                amount: money(add(i.amount, i.fee, "instalment")?),
            }),
            None => None,
        },
        instalments,
    })
}

fn chosen_plan(plans: &[PlanModel], wanted: Option<&str>) -> Result<Option<PlanModel>, ModelError> {
    if let Some(code) = wanted {
        return match plans.iter().find(|p| p.code == code) {
            Some(p) => Ok(Some(p.clone())),
            None => {
                let codes: Vec<&str> = plans.iter().map(|p| p.code.as_str()).collect();
                refuse(format!(
                    "the quote has no payment plan `{code}`; its plans: {}",
                    if codes.is_empty() {
                        "none".to_string()
                    } else {
                        codes.join(", ")
                    }
                ))
            }
        };
    }
    let yearly = plans
        .iter()
        .find(|p| matches!(p.mode.as_str(), "annual" | "single"));
    Ok(yearly.or(plans.first()).cloned())
}

fn clause_models(q: &QuoteView, o: &DocOptions) -> Result<Vec<ClauseModel>, ModelError> {
    let lang = o.lang;
    q.coverages
        .iter()
        .map(|c| {
            let clause = match (o.product.clauses.get(&c.code), &c.clause, lang) {
                (Some(b), _, _) => Some(text_in(b, lang, &format!("the clause of `{}`", c.code))?),
                (None, Some(zh), Lang::Zh) => Some(zh.clone()),
                (None, Some(zh), Lang::En)
                    if o.insurer
                        .as_ref()
                        .is_some_and(|p| p.clauses.contains_key(zh)) =>
                {
                    o.insurer.as_ref().and_then(|p| p.clauses.get(zh)).cloned()
                }
                (None, Some(text), Lang::En) if !has_cjk(text) => Some(text.clone()),
                (None, Some(_), Lang::En) => {
                    return refuse(format!(
                        "the clause of coverage `{}` has no English name \
                         (`clauses` in the insurer's profile) for an English document",
                        c.code
                    ));
                }
                (None, None, _) => None,
            };
            Ok(ClauseModel {
                code: c.code.clone(),
                name: text_in(&c.name, lang, &format!("coverage `{}`", c.code))?,
                clause,
            })
        })
        .collect()
}

fn dispute_model(o: &DocOptions) -> Result<DisputeModel, ModelError> {
    let profile = o.insurer.as_ref();
    let kind = o.dispute.or_else(|| profile.and_then(|p| p.dispute));
    match kind {
        None => Ok(DisputeModel {
            kind: "either",
            body: None,
        }),
        Some(Dispute::Litigation) => Ok(DisputeModel {
            kind: "litigation",
            body: None,
        }),
        Some(Dispute::Arbitration) => {
            let body = match &o.arbitration_body {
                Some(b) if !b.trim().is_empty() => Some(b.clone()),
                _ => match profile.and_then(|p| p.arbitration_body.as_ref()) {
                    Some(b) => Some(text_in(b, o.lang, "the arbitration body")?),
                    None => None,
                },
            };
            match body {
                Some(body) => Ok(DisputeModel {
                    kind: "arbitration",
                    body: Some(body),
                }),
                None => refuse(
                    "arbitration needs the arbitration commission named (--arbitration-body): \
                     an arbitration clause that names no body can be void (Arbitration Law art. 18)",
                ),
            }
        }
    }
}
