//! The pension part of the document model: what a pension policy buys, worked out from the
//! quote's `pension` section for quotes, policies, payment schedules and illustrations.
//!
//! Owns [`PensionModel`]: the pension amount, frequency and payout date, the guarantee, the
//! cover (for life, or to the end of a payout term) apart from the premium term, the total
//! premiums over the premium term in figures and in words, the pricing and guaranteed rates,
//! the death benefit rule before and after the payout, the cooling-off period, the
//! illustration scenarios of a universal account and the 利益演示表 by policy year, with the
//! account value under each scenario for a universal account.
//!
//! Invariants: every amount is the quote's own figure (two places) or a checked sum of them,
//! written as a decimal string (table rows: grouped in threes for print);
//! each row's scenario accounts are in the order of `scenarios`; a scenario account is `None`
//! once the payout has started. Templates only lay this out (no arithmetic).

use super::*;
use crate::pension::{DeathAfterPayout, DeathBeforePayout, Design, PensionOut};

/// What a pension policy buys, in the document's language.
#[derive(Debug, Clone, Serialize)]
pub struct PensionModel {
    /// A universal account (scenarios, account values) rather than a deferred annuity.
    pub universal: bool,
    /// Age of the insured at entry.
    pub entry_age: u32,
    /// Age the pension starts at.
    pub payout_age: u32,
    /// Day of the first pension payment.
    pub payout_start: NaiveDate,
    /// `yearly` or `monthly` (catalogue key `pension.frequency.*`).
    pub frequency: String,
    /// Payments a year.
    pub payments_per_year: u32,
    /// The pension a year (guaranteed scenario for an account).
    pub yearly_pension: String,
    /// One payment.
    pub payment: String,
    /// The pension is paid for life.
    pub for_life: bool,
    /// Years of payments when not for life.
    pub payout_years: Option<u32>,
    /// Years of payments certain.
    pub guaranteed_years: u32,
    /// Last day of the guaranteed payments.
    pub guarantee_end: Option<NaiveDate>,
    /// First day of cover.
    pub cover_start: NaiveDate,
    /// Last day of a payout term; `None` for life.
    pub cover_end: Option<NaiveDate>,
    /// The end date the quote gives the cover: `cover_end`, or for life the end of the policy
    /// year in which the insured reaches the life table's last age.
    pub last_day: NaiveDate,
    /// Years of premiums (planned contributions).
    pub payment_years: u32,
    /// Last day of the premium term.
    pub payment_end: NaiveDate,
    /// The premium (planned contributions) a year.
    pub annual_premium: String,
    /// Premiums (planned contributions) over the premium term.
    pub total_premiums: String,
    /// `total_premiums` in words (人民币大写 / `SAY … ONLY`).
    pub total_in_words: String,
    /// Pricing interest rate as a ratio (`0.025`).
    pub pricing_interest: String,
    /// Universal account: the guaranteed crediting rate as a ratio.
    pub guaranteed_rate: Option<String>,
    /// Catalogue key of the death benefit before the payout.
    pub death_before: String,
    /// Catalogue key of the death benefit after the payout starts.
    pub death_after: String,
    /// Cooling-off period in days.
    pub cooling_off_days: u32,
    /// Universal account: each scenario, lowest first.
    pub scenarios: Vec<ScenarioModel>,
    /// The 利益演示表 by policy year.
    pub rows: Vec<PensionRow>,
}

/// One illustration scenario of a universal account.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioModel {
    /// Name in the document's language (低 / 中 / 高).
    pub name: String,
    /// Crediting rate as a ratio.
    pub rate: String,
    /// The account at the payout age.
    pub account_at_payout: String,
    /// The pension a year it buys: one payment times the payments a year.
    pub yearly_pension: String,
    /// One payment.
    pub payment: String,
}

/// One policy year of the 利益演示表; amounts grouped in threes with two places (`12,000.00`),
/// in the quote's currency.
#[derive(Debug, Clone, Serialize)]
pub struct PensionRow {
    pub policy_year: u32,
    /// Age at the start of the policy year.
    pub age: u32,
    pub premium: String,
    pub cumulative_premium: String,
    pub survival_benefit: String,
    pub death_benefit: String,
    /// Cash value at the end of the year (guaranteed scenario for an account).
    pub cash_value: String,
    /// Universal account: the account at the end of the year under each scenario.
    pub accounts: Vec<Option<String>>,
}

fn amount(s: &str, what: &str) -> Result<Decimal, ModelError> {
    s.parse::<Decimal>().map_err(|_| {
        ModelError(format!(
            "the pension section's {what} `{s}` is not an amount"
        ))
    })
}

fn day(s: &str, what: &str) -> Result<NaiveDate, ModelError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| ModelError(format!("the pension section's {what} `{s}` is not a date")))
}

/// The pension part of a document, or `None` for a quote without a `pension` section.
pub(super) fn pension_model(q: &QuoteView, lang: Lang) -> Result<Option<PensionModel>, ModelError> {
    let Some(p) = &q.pension else {
        return Ok(None);
    };
    let total = amount(&p.total_premiums, "total premiums")?;
    let scenarios = p
        .scenarios
        .iter()
        .map(|s| {
            let yearly = s
                .payout
                .payment
                .checked_mul(Decimal::from(s.payout.payments_per_year))
                .ok_or_else(|| ModelError("a scenario's pension overflows".into()))?;
            Ok(ScenarioModel {
                name: match lang {
                    Lang::Zh => s.name.zh.clone(),
                    Lang::En => s.name.en.clone(),
                },
                rate: s.rate.clone(),
                account_at_payout: s.account_at_payout.clone(),
                yearly_pension: money(yearly),
                payment: money(s.payout.payment),
            })
        })
        .collect::<Result<Vec<_>, ModelError>>()?;
    Ok(Some(PensionModel {
        universal: p.design == Design::UniversalAccount,
        entry_age: p.entry_age,
        payout_age: p.payout_age,
        payout_start: day(&p.cover.payout_start, "payout start")?,
        frequency: p.frequency.clone(),
        payments_per_year: p.payments_per_year,
        yearly_pension: p.yearly_pension.clone(),
        payment: p.payment.clone(),
        for_life: p.cover.for_life,
        payout_years: p.payout_years,
        guaranteed_years: p.guaranteed_years,
        guarantee_end: p
            .cover
            .guarantee_end
            .as_deref()
            .map(|d| day(d, "guarantee end"))
            .transpose()?,
        cover_start: day(&p.cover.start, "cover start")?,
        cover_end: p
            .cover
            .end
            .as_deref()
            .map(|d| day(d, "cover end"))
            .transpose()?,
        last_day: day(&p.cover.last_day, "last day of cover")?,
        payment_years: p.payment_years,
        payment_end: day(&p.cover.payment_end, "premium term end")?,
        annual_premium: p.annual_premium.clone(),
        total_premiums: money(total),
        total_in_words: in_words(total, &q.currency, lang)?,
        pricing_interest: p.pricing_interest.clone(),
        guaranteed_rate: p.guaranteed_rate.clone(),
        death_before: death_before_key(p),
        death_after: death_after_key(p),
        cooling_off_days: q.regulatory.cooling_off_days,
        scenarios,
        rows: rows(p),
    }))
}

fn death_before_key(p: &PensionOut) -> String {
    let word = match p.death_benefit.before_payout {
        DeathBeforePayout::GreaterOfPremiumsAndCashValue => "greater_of_premiums_and_cash_value",
        DeathBeforePayout::PremiumsPaid => "premiums_paid",
        DeathBeforePayout::AccountValue => "account_value",
    };
    format!("pension.death_before.{word}")
}

fn death_after_key(p: &PensionOut) -> String {
    let word = match p.death_benefit.after_payout {
        DeathAfterPayout::RemainingGuaranteed => "remaining_guaranteed",
        DeathAfterPayout::None => "none",
    };
    format!("pension.death_after.{word}")
}

/// An amount of the quote for a table cell: grouped in threes (`250,113.04`).
fn cell(s: &str) -> String {
    s.parse::<Decimal>()
        .map_or_else(|_| s.to_string(), crate::money::format_grouped)
}

/// The rows: the quote's years, with each scenario's account at the end of the year while
/// the account is building.
fn rows(p: &PensionOut) -> Vec<PensionRow> {
    p.years
        .iter()
        .map(|y| PensionRow {
            policy_year: y.policy_year,
            age: y.age,
            premium: cell(&y.premium),
            cumulative_premium: cell(&y.cumulative_premium),
            survival_benefit: cell(&y.survival_benefit),
            death_benefit: cell(&y.death_benefit),
            cash_value: cell(&y.cash_value),
            accounts: p
                .scenarios
                .iter()
                .map(|s| {
                    s.projection
                        .years
                        .iter()
                        .find(|a| a.policy_year == y.policy_year)
                        .map(|a| cell(&money(a.closing)))
                })
                .collect(),
        })
        .collect()
}
