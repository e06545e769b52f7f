//! The `pension` section of a quote: the benefits a pension product's request buys, by policy
//! year (see `docs/quote-format.md`, "The pension section").
//!
//! A deferred annuity's values come from its reserves on the pricing basis
//! (`actuarial::reserve`): the cash value at the end of each policy year is the reserve less
//! the filed surrender charge, rounded by the product's rule. A universal account's come from
//! its account, projected to the payout age under each scenario (`schedule::contribution`):
//! the cash value is the account less the withdrawal charge, and the account at the payout
//! buys the pension on the product's pricing basis.
//!
//! Rows run from policy year 1 to the end of the guaranteed payments (or of a payout term);
//! a pension for life is said to be for life rather than given an end date.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::{DeathAfterPayout, DeathBeforePayout, Design, InputSlot, PensionTerms, charge};
use crate::actuarial::{
    AnnuitySpec, Commutation, DeferredAnnuity, Frequency, Method, ReserveSchedule, cash_value,
};
use crate::formula::{Scope, Value};
use crate::product::{InputGroup, Names, Product};
use crate::quote::money;
use crate::rating::{Rated, RatingError};
use crate::request::Request;
use crate::schedule::{self, PayoutFrequency, PensionProjection};

/// When the cover runs: from the start to the end of the payout.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CoverPeriod {
    /// First day of cover.
    pub start: String,
    /// Day of the first pension payment.
    pub payout_start: String,
    /// Last day of the guaranteed payments.
    pub guarantee_end: Option<String>,
    /// Last day of cover; null for a pension for life.
    pub end: Option<String>,
    /// Whether the pension is paid for life.
    pub for_life: bool,
    /// The last day of cover as a date, the quote's `cover.end`: `end`, or for a pension for
    /// life the last day of the policy year in which the insured reaches the life table's last
    /// age (the table's end; the pension stops only at death).
    pub last_day: String,
    /// Last day of the premium (or planned contribution) term.
    pub payment_end: String,
    /// The period in words.
    pub text: Names,
}

/// What is paid on death, as the product states it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct DeathBenefitsOut {
    pub before_payout: DeathBeforePayout,
    pub after_payout: DeathAfterPayout,
    /// The rule in words.
    pub text: Names,
}

/// One policy year of the benefits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CashValueYear {
    pub policy_year: u32,
    /// Age at the start of the year.
    pub age: u32,
    /// Premium (or contributions) paid in the year.
    pub premium: String,
    pub cumulative_premium: String,
    /// Pension paid in the year.
    pub survival_benefit: String,
    /// Paid on death in the year.
    pub death_benefit: String,
    /// Reserve (or account value) at the end of the year.
    pub reserve: String,
    /// Paid on surrender at the end of the year.
    pub cash_value: String,
}

/// A universal account under one crediting scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct AccountScenario {
    pub code: String,
    pub name: Names,
    pub rate: String,
    /// The account by policy year up to the payout.
    pub projection: PensionProjection,
    /// The account at the payout age.
    pub account_at_payout: String,
    /// The pension it buys.
    pub payout: schedule::PensionPayout,
}

/// The `pension` section of a quote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PensionOut {
    pub design: Design,
    /// Age of the insured at entry.
    pub entry_age: u32,
    pub payout_age: u32,
    /// `yearly` or `monthly`.
    pub frequency: String,
    pub payments_per_year: u32,
    /// The pension a year (all payments of a year).
    pub yearly_pension: String,
    /// One payment.
    pub payment: String,
    pub guaranteed_years: u32,
    /// Years of payments; null for life.
    pub payout_years: Option<u32>,
    pub cover: CoverPeriod,
    /// Years of premiums (or planned contributions).
    pub payment_years: u32,
    /// The premium (or planned contributions) a year.
    pub annual_premium: String,
    /// Premiums (or contributions) over the payment term.
    pub total_premiums: String,
    /// The pricing interest rate (the annuity's basis).
    pub pricing_interest: String,
    /// Universal account: the guaranteed crediting rate.
    pub guaranteed_rate: Option<String>,
    pub death_benefit: DeathBenefitsOut,
    /// Policy year by policy year (the guaranteed scenario for an account).
    pub years: Vec<CashValueYear>,
    /// Universal account: each scenario, lowest first.
    pub scenarios: Vec<AccountScenario>,
}

/// What the request asks for, read through the product's `pension:` slots.
struct Asked {
    age: u32,
    payout_age: u32,
    table: usize,
    frequency: Frequency,
    frequency_word: String,
}

fn fail(terms: &PensionTerms, p: &Product, what: &str, message: String) -> RatingError {
    RatingError {
        step: format!("pension {what}"),
        member: Some(0),
        message: format!(
            "{message} (product `pension:` at {}:{})",
            p.file.display(),
            terms.line
        ),
    }
}

fn input(r: &Request, slot: &InputSlot) -> Option<Value> {
    match slot.group {
        InputGroup::Member => r.members.first()?.inputs.get(slot.index).copied(),
        _ => r.policy.get(slot.index).copied(),
    }
}

fn whole(v: Option<Value>) -> Option<u32> {
    let d = v?.num()?;
    if d.fract().is_zero() {
        u32::try_from(d.trunc().mantissa() / 10i128.pow(d.trunc().scale())).ok()
    } else {
        None
    }
}

fn step_value(p: &Product, rated: &Rated, step: u16) -> Decimal {
    let v = match p.steps[step as usize].scope {
        Scope::Policy => rated.policy_steps.get(step as usize).copied(),
        Scope::Member => rated
            .member_steps
            .first()
            .and_then(|m| m.get(step as usize).copied()),
    };
    v.and_then(|v| v.num()).unwrap_or_default()
}

/// The `pension` section of a quote for `r`, or `None` for a product without `pension:`.
///
/// # Errors
///
/// A [`RatingError`] naming the product's `pension:` line and the request input when the
/// payout would start before the product's minimum payout age or after the life table's last
/// age, or when the reserves, cash values or account cannot be computed.
pub fn benefits(
    p: &Product,
    r: &Request,
    rated: &Rated,
) -> Result<Option<PensionOut>, RatingError> {
    let Some(terms) = &p.pension else {
        return Ok(None);
    };
    let asked = ask(p, terms, r)?;
    let out = match terms.design {
        Design::DeferredAnnuity => deferred(p, terms, r, rated, &asked)?,
        Design::UniversalAccount => universal(p, terms, r, rated, &asked)?,
    };
    Ok(Some(out))
}

fn ask(p: &Product, terms: &PensionTerms, r: &Request) -> Result<Asked, RatingError> {
    let age = whole(input(r, &terms.insured_age)).ok_or_else(|| {
        fail(
            terms,
            p,
            "entry age",
            format!("the input `{}` is not a whole age", terms.insured_age.name),
        )
    })?;
    let payout_age = whole(input(r, &terms.payout_age)).ok_or_else(|| {
        fail(
            terms,
            p,
            "payout age",
            format!("the input `{}` is not a whole age", terms.payout_age.name),
        )
    })?;
    if payout_age < terms.minimum_payout_age {
        return Err(RatingError {
            step: "pension payout age".into(),
            member: Some(0),
            message: format!(
                "the request's `{}` = {payout_age} starts the payout before the product's minimum payout age {} ({}:{}, `pension.minimum_payout_age`)",
                terms.payout_age.name,
                terms.minimum_payout_age,
                p.file.display(),
                terms.minimum_line
            ),
        });
    }
    let word = |slot: &InputSlot| input(r, slot).map(|v| p.interner.show(&v));
    let table_word = word(&terms.table_input).unwrap_or_default();
    let table = terms
        .tables
        .iter()
        .find(|(w, _)| *w == table_word)
        .map(|(_, t)| *t as usize)
        .ok_or_else(|| {
            fail(
                terms,
                p,
                "life table",
                format!(
                    "no life table for `{}` = `{table_word}`",
                    terms.table_input.name
                ),
            )
        })?;
    let commutation = commutation(p, terms, table)?;
    if payout_age > commutation.last_age() {
        return Err(fail(
            terms,
            p,
            "payout age",
            format!(
                "the request's `{}` = {payout_age} starts the payout after the life table's last age {}",
                terms.payout_age.name,
                commutation.last_age()
            ),
        ));
    }
    if payout_age <= age {
        return Err(fail(
            terms,
            p,
            "payout age",
            format!(
                "the request's `{}` = {payout_age} is not after the entry age {age}",
                terms.payout_age.name
            ),
        ));
    }
    let frequency_word = word(&terms.frequency_input).unwrap_or_default();
    let frequency = terms
        .frequencies
        .iter()
        .find(|(w, _)| *w == frequency_word)
        .map(|(_, f)| *f)
        .unwrap_or(Frequency::Annual);
    Ok(Asked {
        age,
        payout_age,
        table,
        frequency,
        frequency_word,
    })
}

fn commutation<'p>(
    p: &'p Product,
    terms: &PensionTerms,
    table: usize,
) -> Result<&'p Commutation, RatingError> {
    p.actuarial
        .as_ref()
        .and_then(|a| a.commutations.get(table))
        .ok_or_else(|| {
            fail(
                terms,
                p,
                "life table",
                "the product has no life table to value the pension".into(),
            )
        })
}

fn years_after(start: NaiveDate, years: u32) -> Option<NaiveDate> {
    schedule::add_months_clamped(start, years.checked_mul(12)?)
}

fn cover(
    p: &Product,
    terms: &PensionTerms,
    r: &Request,
    asked: &Asked,
) -> Result<CoverPeriod, RatingError> {
    let out_of_range = || {
        fail(
            terms,
            p,
            "cover period",
            "the payout dates are out of range".into(),
        )
    };
    let defer = asked.payout_age - asked.age;
    let payout_start = years_after(r.start, defer).ok_or_else(out_of_range)?;
    let last_day = |years: u32| {
        years_after(payout_start, years)
            .and_then(|d| d.pred_opt())
            .ok_or_else(out_of_range)
    };
    let guarantee_end = match terms.guaranteed_years {
        0 => None,
        g => Some(last_day(g)?.to_string()),
    };
    let end = match terms.payout_years {
        Some(n) => Some(last_day(n)?),
        None => None,
    };
    let table_end = commutation(p, terms, asked.table)?
        .last_age()
        .checked_add(1)
        .and_then(|omega| omega.checked_sub(asked.age))
        .and_then(|years| years_after(r.start, years))
        .and_then(|d| d.pred_opt())
        .ok_or_else(out_of_range)?;
    let payment_end = years_after(r.start, r.term)
        .and_then(|d| d.pred_opt())
        .ok_or_else(out_of_range)?;
    let text = match end {
        Some(e) => Names {
            zh: format!("自{}起至{}止", r.start, e),
            en: format!("from {} to {}", r.start, e),
        },
        None => Names {
            zh: format!("自{}起终身，{}起领取养老年金", r.start, payout_start),
            en: format!(
                "from {} for life; the pension is paid from {}",
                r.start, payout_start
            ),
        },
    };
    Ok(CoverPeriod {
        start: r.start.to_string(),
        payout_start: payout_start.to_string(),
        guarantee_end,
        end: end.map(|d| d.to_string()),
        for_life: end.is_none(),
        last_day: end.unwrap_or(table_end).to_string(),
        payment_end: payment_end.to_string(),
        text,
    })
}

fn death_text(terms: &PensionTerms) -> DeathBenefitsOut {
    let (zh_before, en_before) = match terms.death_before {
        DeathBeforePayout::GreaterOfPremiumsAndCashValue => (
            "领取前身故，给付已交保险费与现金价值二者之较大者",
            "death before the payout: the greater of the premiums paid and the cash value",
        ),
        DeathBeforePayout::PremiumsPaid => (
            "领取前身故，给付已交保险费",
            "death before the payout: the premiums paid",
        ),
        DeathBeforePayout::AccountValue => (
            "领取前身故，给付账户价值",
            "death before the payout: the account value",
        ),
    };
    let g = terms.guaranteed_years;
    let (zh_after, en_after) = match terms.death_after {
        DeathAfterPayout::RemainingGuaranteed => (
            format!("领取后身故，给付{g}年保证领取期内尚未领取的养老年金"),
            format!(
                "death after the payout starts: the payments of the {g} guaranteed years not yet made"
            ),
        ),
        DeathAfterPayout::None => (
            "领取后身故，不再给付".to_string(),
            "death after the payout starts: nothing more".to_string(),
        ),
    };
    DeathBenefitsOut {
        before_payout: terms.death_before,
        after_payout: terms.death_after,
        text: Names {
            zh: format!("{zh_before}；{zh_after}"),
            en: format!("{en_before}; {en_after}"),
        },
    }
}

/// The number of rows: to the end of the guarantee, or of a payout term if later.
fn row_count(terms: &PensionTerms, defer: u32) -> u32 {
    let paid = terms
        .payout_years
        .unwrap_or(terms.guaranteed_years)
        .max(terms.guaranteed_years)
        .max(1);
    defer + paid
}

/// The guaranteed payments after policy year `k+1`, undiscounted.
fn remaining_guaranteed(terms: &PensionTerms, defer: u32, k: u32, yearly: Decimal) -> Decimal {
    if terms.death_after == DeathAfterPayout::None {
        return Decimal::ZERO;
    }
    let left = (defer + terms.guaranteed_years).saturating_sub(k + 1);
    yearly * Decimal::from(left)
}

fn checked(
    terms: &PensionTerms,
    p: &Product,
    what: &str,
    v: Option<Decimal>,
) -> Result<Decimal, RatingError> {
    v.ok_or_else(|| fail(terms, p, what, "the amount overflows".into()))
}

fn method(p: &Product) -> Method {
    p.actuarial
        .as_ref()
        .map(|a| a.method)
        .unwrap_or(Method::Woolhouse2)
}

/// The policy the request buys and its reserves on the pricing basis.
fn policy_of<'p>(
    p: &'p Product,
    terms: &PensionTerms,
    r: &Request,
    rated: &Rated,
    asked: &Asked,
) -> Result<(&'p Commutation, DeferredAnnuity, ReserveSchedule), RatingError> {
    let step = |s: Option<u16>| s.map(|s| step_value(p, rated, s)).unwrap_or_default();
    let c = commutation(p, terms, asked.table)?;
    let policy = DeferredAnnuity {
        age: asked.age,
        premium_years: r.term,
        annual_premium: step(terms.annual_premium),
        defer: asked.payout_age - asked.age,
        pension: step(terms.yearly_pension),
        guaranteed: terms.guaranteed_years,
        payout_years: terms.payout_years,
        frequency: asked.frequency,
        method: method(p),
        return_premiums: terms.death_before != DeathBeforePayout::AccountValue,
    };
    let schedule = c.reserves(&policy).map_err(|e| {
        fail(
            terms,
            p,
            "reserve",
            format!("the cash value cannot be computed: {e}"),
        )
    })?;
    Ok((c, policy, schedule))
}

fn deferred(
    p: &Product,
    terms: &PensionTerms,
    r: &Request,
    rated: &Rated,
    asked: &Asked,
) -> Result<PensionOut, RatingError> {
    let (c, policy, schedule) = policy_of(p, terms, r, rated, asked)?;
    let years = deferred_years(p, terms, &policy, &schedule)?;
    let per_year = Decimal::from(asked.frequency.per_year());
    let payment = checked(terms, p, "payment", policy.pension.checked_div(per_year))?;
    let total = checked(
        terms,
        p,
        "total premiums",
        policy.annual_premium.checked_mul(Decimal::from(r.term)),
    )?;
    Ok(PensionOut {
        design: terms.design,
        entry_age: asked.age,
        payout_age: asked.payout_age,
        frequency: asked.frequency_word.clone(),
        payments_per_year: asked.frequency.per_year(),
        yearly_pension: money(policy.pension),
        payment: money(p.rounding.apply(payment)),
        guaranteed_years: terms.guaranteed_years,
        payout_years: terms.payout_years,
        cover: cover(p, terms, r, asked)?,
        payment_years: r.term,
        annual_premium: money(policy.annual_premium),
        total_premiums: money(total),
        pricing_interest: c.interest().rate().normalize().to_string(),
        guaranteed_rate: None,
        death_benefit: death_text(terms),
        years,
        scenarios: Vec::new(),
    })
}

/// A deferred annuity's policy, its reserves (unrounded) and the commutation columns they were
/// computed on, for one request.
pub struct ReserveCase<'p> {
    pub policy: DeferredAnnuity,
    pub schedule: ReserveSchedule,
    pub commutation: &'p Commutation,
}

/// The reserves of one request (for checks and tests); `Ok(None)` for a product that is not a
/// deferred annuity.
///
/// # Errors
///
/// As [`benefits`].
pub fn reserve_schedule<'p>(
    p: &'p Product,
    r: &Request,
    rated: &Rated,
) -> Result<Option<ReserveCase<'p>>, RatingError> {
    let Some(terms) = &p.pension else {
        return Ok(None);
    };
    if terms.design != Design::DeferredAnnuity {
        return Ok(None);
    }
    let asked = ask(p, terms, r)?;
    let (commutation, policy, schedule) = policy_of(p, terms, r, rated, &asked)?;
    Ok(Some(ReserveCase {
        policy,
        schedule,
        commutation,
    }))
}

fn deferred_years(
    p: &Product,
    terms: &PensionTerms,
    policy: &DeferredAnnuity,
    schedule: &ReserveSchedule,
) -> Result<Vec<CashValueYear>, RatingError> {
    let rows = row_count(terms, policy.defer) as usize;
    let mut out = Vec::with_capacity(rows);
    let mut paid = Decimal::ZERO;
    for y in schedule.years.iter().take(rows) {
        let k = y.policy_year - 1;
        paid = checked(terms, p, "premiums paid", paid.checked_add(y.premium))?;
        let reserve = y.reserve_end;
        let cv = cash_value(reserve, terms.surrender_charge(y.policy_year))
            .map_err(|e| fail(terms, p, "cash value", e.to_string()))?;
        let cv = p.rounding.apply(cv);
        let paying = k >= policy.defer && policy.payout_years.is_none_or(|n| k < policy.defer + n);
        let survival = if paying {
            policy.pension
        } else {
            Decimal::ZERO
        };
        let death = if k < policy.defer {
            match terms.death_before {
                DeathBeforePayout::GreaterOfPremiumsAndCashValue => paid.max(cv),
                DeathBeforePayout::PremiumsPaid => paid,
                DeathBeforePayout::AccountValue => cv,
            }
        } else {
            remaining_guaranteed(terms, policy.defer, k, policy.pension)
        };
        out.push(CashValueYear {
            policy_year: y.policy_year,
            age: y.age,
            premium: money(y.premium),
            cumulative_premium: money(paid),
            survival_benefit: money(survival),
            death_benefit: money(death),
            reserve: money(p.rounding.apply(reserve)),
            cash_value: money(cv),
        });
    }
    Ok(out)
}

fn universal(
    p: &Product,
    terms: &PensionTerms,
    r: &Request,
    rated: &Rated,
    asked: &Asked,
) -> Result<PensionOut, RatingError> {
    let Some(account) = &terms.account else {
        return Err(fail(
            terms,
            p,
            "account",
            "the product declares no account".into(),
        ));
    };
    let plan = &p.plans[account.plan];
    let defer = asked.payout_age - asked.age;
    let err = |what: &str, e: String| fail(terms, p, what, e);
    let base = super::account::terms(p, plan).map_err(|e| err("account", e))?;
    let contributions = super::account::plan(p, r).map_err(|e| err("account", e))?;
    let c = commutation(p, terms, asked.table)?;
    let spec = AnnuitySpec {
        defer: 0,
        term: terms.payout_years,
        guaranteed: terms.guaranteed_years,
        frequency: asked.frequency,
        method: method(p),
    };
    let factor = c
        .annuity(asked.payout_age, &spec)
        .map_err(|e| err("annuity factor", e.to_string()))?;
    let payout_frequency = match asked.frequency {
        Frequency::Monthly => PayoutFrequency::Monthly,
        _ => PayoutFrequency::Yearly,
    };
    let mut scenarios = Vec::new();
    for s in account.scenarios() {
        let at = base
            .at_rate(s.rate)
            .map_err(|e| err("account", e.to_string()))?;
        let projection = at
            .project_to(&contributions, defer)
            .map_err(|e| err("account", e.to_string()))?;
        let payout = at
            .payout(projection.final_balance, factor, payout_frequency)
            .map_err(|e| err("payout", e.to_string()))?;
        scenarios.push(AccountScenario {
            code: s.code.clone(),
            name: s.name.clone(),
            rate: s.rate.normalize().to_string(),
            account_at_payout: money(projection.final_balance),
            projection,
            payout,
        });
    }
    let Some(low) = scenarios.first() else {
        return Err(err("account", "the product declares no scenario".into()));
    };
    // What is paid in a year: the instalment times the payments a year.
    let per_year = Decimal::from(low.payout.payments_per_year);
    let yearly = checked(
        terms,
        p,
        "pension",
        low.payout.payment.checked_mul(per_year),
    )?;
    let years = account_years(
        p,
        terms,
        asked,
        &low.projection,
        &account.withdrawal_charges,
        yearly,
    )?;
    let total = low.projection.total_contributions;
    Ok(PensionOut {
        design: terms.design,
        entry_age: asked.age,
        payout_age: asked.payout_age,
        frequency: asked.frequency_word.clone(),
        payments_per_year: asked.frequency.per_year(),
        yearly_pension: money(yearly),
        payment: money(low.payout.payment),
        guaranteed_years: terms.guaranteed_years,
        payout_years: terms.payout_years,
        cover: cover(p, terms, r, asked)?,
        payment_years: r.term,
        annual_premium: money(rated.coverage_premiums.first().copied().unwrap_or_default()),
        total_premiums: money(total),
        pricing_interest: c.interest().rate().normalize().to_string(),
        guaranteed_rate: Some(base.guaranteed_rate().normalize().to_string()),
        death_benefit: death_text(terms),
        years,
        scenarios,
    })
}

fn account_years(
    p: &Product,
    terms: &PensionTerms,
    asked: &Asked,
    projection: &PensionProjection,
    withdrawal: &[Decimal],
    yearly: Decimal,
) -> Result<Vec<CashValueYear>, RatingError> {
    let defer = asked.payout_age - asked.age;
    let mut out = Vec::new();
    let mut paid = Decimal::ZERO;
    for y in &projection.years {
        paid = checked(terms, p, "contributions", paid.checked_add(y.contributions))?;
        let cv = cash_value(y.closing, charge(withdrawal, y.policy_year))
            .map_err(|e| fail(terms, p, "cash value", e.to_string()))?;
        let cv = p.rounding.apply(cv);
        let death = match terms.death_before {
            DeathBeforePayout::GreaterOfPremiumsAndCashValue => paid.max(cv),
            DeathBeforePayout::PremiumsPaid => paid,
            DeathBeforePayout::AccountValue => y.closing,
        };
        out.push(CashValueYear {
            policy_year: y.policy_year,
            age: asked.age + y.policy_year - 1,
            premium: money(y.contributions),
            cumulative_premium: money(paid),
            survival_benefit: money(Decimal::ZERO),
            death_benefit: money(death),
            reserve: money(y.closing),
            cash_value: money(cv),
        });
    }
    for k in defer..row_count(terms, defer) {
        let paying = terms.payout_years.is_none_or(|n| k < defer + n);
        out.push(CashValueYear {
            policy_year: k + 1,
            age: asked.age + k,
            premium: money(Decimal::ZERO),
            cumulative_premium: money(paid),
            survival_benefit: money(if paying { yearly } else { Decimal::ZERO }),
            death_benefit: money(remaining_guaranteed(terms, defer, k, yearly)),
            reserve: money(Decimal::ZERO),
            cash_value: money(Decimal::ZERO),
        });
    }
    Ok(out)
}
