//! Quotes: a rated request assembled into the quote document (JSON, see
//! `docs/quote-format.md`) and its text summary.
//!
//! Owns the quote id (derived from the product version, its content hash and the checked
//! request, so the same input always gives the same id), the charges by kind, the totals, the
//! payment options and the worksheet.
//!
//! Invariants: amounts are decimal strings with two places; `totals.gross` = premium + charges
//! added on top; `totals.tax` = VAT + stamp duty; `totals.net` = gross − tax; the same product
//! version and request give byte-identical JSON.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::formula::{Scope, Value};
use crate::product::{InputGroup, Names, PlanMode, Product, TermUnit};
use crate::rating::{self, Failure, Rated, RatingError};
use crate::request::Request;
use crate::schedule;

/// An amount as a decimal string with two places.
pub fn money(d: Decimal) -> String {
    let mut x = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    x.rescale(2);
    x.to_string()
}

#[derive(Clone, Debug, Serialize)]
pub struct ProductRef {
    pub code: String,
    pub version: String,
    pub name: Names,
    pub line: String,
    pub segment: String,
    pub insurer: String,
    pub filing: String,
    pub content_hash: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Cover {
    pub start: String,
    pub end: String,
    pub term: u32,
    pub term_unit: TermUnit,
    pub term_months: u32,
    pub short_period_factor: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PartyOut {
    pub name: String,
    pub id: Option<String>,
    pub fields: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct MemberOut {
    pub number: usize,
    pub name: String,
    pub id: Option<String>,
    pub row: Option<usize>,
    pub fields: BTreeMap<String, String>,
    pub premiums: BTreeMap<String, String>,
    pub total: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct CoverageOut {
    pub code: String,
    pub name: Names,
    pub vat: &'static str,
    pub terms: BTreeMap<String, String>,
    pub premium: String,
    pub net: String,
    pub vat_amount: String,
    pub minimum_adjustment: Option<String>,
    pub clause: Option<String>,
    pub waiting_period_days: Option<u32>,
    pub limits: Vec<LimitOut>,
    pub tiers: Vec<TierOut>,
    pub benefit_scale: Option<ScaleOut>,
    pub indemnity: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LimitOut {
    pub name: Names,
    pub amount: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct TierOut {
    pub from: String,
    pub to: Option<String>,
    pub ratio: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ScaleOut {
    pub name: String,
    pub grades: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ChargeOut {
    pub kind: &'static str,
    pub name: Names,
    pub coverage: Option<String>,
    pub amount: String,
    /// Contained in the premium (VAT, stamp duty borne by the insurer) rather than added.
    pub included: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Totals {
    pub premium: String,
    pub gross: String,
    pub net: String,
    pub tax: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct MinimumOut {
    pub amount: String,
    pub applied: bool,
    pub adjustment: String,
    pub coverage: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PaymentOption {
    pub code: String,
    pub name: Option<Names>,
    pub mode: PlanMode,
    pub schedule: Option<schedule::Schedule>,
    /// Flexible contributions: the account projected year by year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projection: Option<schedule::PensionProjection>,
    /// Flexible contributions: the pension the final balance buys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payout: Option<schedule::PensionPayout>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Regulatory {
    pub cooling_off_days: u32,
    pub waiting_period_days: u32,
    pub grace_period_days: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct WorkOut {
    pub step: String,
    pub scope: String,
    pub coverage: Option<String>,
    pub formula: String,
    pub note: Option<String>,
    pub line: String,
    pub operands: Vec<serde_json::Value>,
    pub result: String,
    pub rounded: String,
    /// For a coverage's premium step: the premium it gives after the short-period factor and
    /// the product's rounding (what the member or policy pays for the coverage).
    pub premium: Option<String>,
}

/// A priced quote.
#[derive(Clone, Debug, Serialize)]
pub struct Quote {
    pub quote_id: String,
    pub product: ProductRef,
    pub as_of: String,
    pub valid_until: String,
    pub currency: String,
    pub cover: Cover,
    pub policyholder: PartyOut,
    pub members: Vec<MemberOut>,
    pub coverages: Vec<CoverageOut>,
    pub charges: Vec<ChargeOut>,
    pub totals: Totals,
    pub minimum_premium: Option<MinimumOut>,
    pub payment_options: Vec<PaymentOption>,
    pub special_clauses: Vec<Names>,
    pub regulatory: Regulatory,
    /// Benefit illustration by policy year (pension products), else null.
    pub illustration: Option<Vec<IllustrationRow>>,
    pub worksheet: Vec<WorkOut>,
}

#[derive(Clone, Debug, Serialize)]
pub struct IllustrationRow {
    pub year: u32,
    pub age: String,
    pub premium: String,
    pub cumulative_premium: String,
    pub survival_benefit: String,
    pub death_benefit: String,
}

/// The outcome of quoting: a quote or a decline.
#[derive(Clone, Debug)]
pub enum Outcome {
    Quoted(Box<Quote>, Rated),
    Declined(Vec<Failure>),
}

/// What can go wrong after the request was checked.
#[derive(Clone, Debug, PartialEq)]
pub enum QuoteError {
    Rating(RatingError),
    Schedule(String),
}

impl std::fmt::Display for QuoteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QuoteError::Rating(e) => write!(f, "{e}"),
            QuoteError::Schedule(e) => write!(f, "payment schedule: {e}"),
        }
    }
}

/// Options for building a quote.
#[derive(Clone, Debug, Default)]
pub struct QuoteOptions {
    /// Only this payment plan (otherwise every plan the product offers).
    pub plan: Option<String>,
    /// The date the quote is made; defaults to the cover start date.
    pub as_of: Option<NaiveDate>,
    /// Record the worksheet (always on for JSON quotes; off in batch runs unless asked).
    pub worksheet: bool,
}

/// Rates a checked request and builds the quote.
pub fn quote(p: &Product, r: &Request, opts: &QuoteOptions) -> Result<Outcome, QuoteError> {
    let failures = rating::eligibility(p, r).map_err(QuoteError::Rating)?;
    if !failures.is_empty() {
        return Ok(Outcome::Declined(failures));
    }
    let rated = rating::rate(p, r, opts.worksheet).map_err(QuoteError::Rating)?;
    let q = build(p, r, &rated, opts)?;
    Ok(Outcome::Quoted(Box::new(q), rated))
}

fn show_value(p: &Product, v: &Value) -> String {
    p.interner.show(v)
}

fn build(
    p: &Product,
    r: &Request,
    rated: &Rated,
    opts: &QuoteOptions,
) -> Result<Quote, QuoteError> {
    let as_of = opts.as_of.unwrap_or(r.start);
    let policy_fields: Vec<_> = p
        .fields
        .iter()
        .filter(|f| f.group != InputGroup::Member)
        .collect();
    let member_fields: Vec<_> = p
        .fields
        .iter()
        .filter(|f| f.group == InputGroup::Member)
        .collect();
    let mut ph_fields = BTreeMap::new();
    for (f, v) in policy_fields.iter().zip(&r.policy) {
        ph_fields.insert(f.name.clone(), show_value(p, v));
    }

    // Coverage premiums after the minimum premium.
    let mut gross: Vec<Decimal> = rated.coverage_premiums.clone();
    if let Some((c, top)) = rated.minimum_adjustment {
        gross[c] += top;
    }
    let split = rating::vat_split(p, &gross);
    let premium_total: Decimal = gross.iter().copied().sum();

    let mut coverages = Vec::new();
    let mut charges = Vec::new();
    for (ci, c) in p.coverages.iter().enumerate() {
        if !r.selected[ci] {
            continue;
        }
        let mut terms = BTreeMap::new();
        for &t in &c.terms {
            if let Value::Num(d) = r.terms[t as usize] {
                terms.insert(p.terms[t as usize].name.clone(), d.normalize().to_string());
            }
        }
        coverages.push(CoverageOut {
            code: c.code.clone(),
            name: c.name.clone(),
            vat: if c.vat_exempt { "exempt" } else { "taxable" },
            terms,
            premium: money(split[ci].gross),
            net: money(split[ci].net),
            vat_amount: money(split[ci].vat),
            minimum_adjustment: rated
                .minimum_adjustment
                .filter(|(x, _)| *x == ci)
                .map(|(_, a)| money(a)),
            clause: c.clause.clone(),
            waiting_period_days: c.waiting_period_days,
            limits: c
                .limits
                .iter()
                .map(|l| LimitOut {
                    name: l.name.clone(),
                    amount: money(l.amount),
                })
                .collect(),
            tiers: c
                .tiers
                .iter()
                .map(|t| TierOut {
                    from: money(t.from),
                    to: t.to.map(money),
                    ratio: t.ratio.normalize().to_string(),
                })
                .collect(),
            benefit_scale: c.benefit_scale.as_ref().map(|b| ScaleOut {
                name: b.name.clone(),
                grades: b.grades.iter().map(|g| g.normalize().to_string()).collect(),
            }),
            indemnity: c
                .indemnity
                .iter()
                .map(|(k, v)| (k.clone(), v.normalize().to_string()))
                .collect(),
        });
        charges.push(ChargeOut {
            kind: "premium",
            name: Names {
                zh: format!("{}保费", c.name.zh),
                en: format!("{} premium", c.name.en),
            },
            coverage: Some(c.code.clone()),
            amount: money(split[ci].gross),
            included: false,
        });
        if !c.vat_exempt && !p.vat_rate.is_zero() {
            charges.push(ChargeOut {
                kind: "vat",
                name: Names {
                    zh: format!("增值税（{}）", c.name.zh),
                    en: format!("VAT ({})", c.name.en),
                },
                coverage: Some(c.code.clone()),
                amount: money(split[ci].vat),
                included: true,
            });
        }
    }
    let vat_total: Decimal = split.iter().map(|s| s.vat).sum();
    let mut added = Decimal::ZERO;
    let mut tax = vat_total;
    let sum = |a: Decimal, b: Decimal, what: &str| {
        a.checked_add(b)
            .ok_or_else(|| QuoteError::Rating(rating::overflow(what)))
    };
    for (i, amount) in rating::other_charges(p, premium_total).map_err(QuoteError::Rating)? {
        let c = &p.charges[i];
        if !c.included {
            added = sum(added, amount, "charges")?;
        }
        if rating::is_tax(c.kind) {
            tax = sum(tax, amount, "tax")?;
        }
        charges.push(ChargeOut {
            kind: match c.kind {
                crate::product::ChargeKind::StampDuty => "stamp_duty",
                crate::product::ChargeKind::Fee => "fee",
            },
            name: c.name.clone(),
            coverage: None,
            amount: money(amount),
            included: c.included,
        });
    }
    let gross_total = sum(premium_total, added, "gross premium")?;
    let totals = Totals {
        premium: money(premium_total),
        gross: money(gross_total),
        net: money(gross_total - tax),
        tax: money(tax),
    };

    let members: Vec<MemberOut> = r
        .members
        .iter()
        .enumerate()
        .map(|(m, mem)| {
            let mut fields = BTreeMap::new();
            for (f, v) in member_fields.iter().zip(&mem.inputs) {
                fields.insert(f.name.clone(), show_value(p, v));
            }
            let mut premiums = BTreeMap::new();
            let mut total = Decimal::ZERO;
            for (ci, c) in p.coverages.iter().enumerate() {
                if r.selected[ci] && p.steps[c.premium_step as usize].scope == Scope::Member {
                    let x = rated.member_premiums[m][ci];
                    premiums.insert(c.code.clone(), money(x));
                    total = total.checked_add(x).ok_or_else(|| {
                        QuoteError::Rating(RatingError {
                            member: Some(m),
                            ..rating::overflow("member total")
                        })
                    })?;
                }
            }
            Ok(MemberOut {
                number: m + 1,
                name: mem.party.name.clone(),
                id: mem.party.id.clone(),
                row: mem.row,
                fields,
                premiums,
                total: money(total),
            })
        })
        .collect::<Result<_, QuoteError>>()?;

    let end = r
        .end()
        .ok_or_else(|| QuoteError::Schedule("the cover end date is out of range".into()))?;
    let payment_options = payment_options(p, r, rated, gross_total, opts)?;
    let worksheet = if opts.worksheet {
        worksheet(p, r, rated)
    } else {
        Vec::new()
    };
    let minimum_premium = p.minimum_premium.map(|m| MinimumOut {
        amount: money(m),
        applied: rated.minimum_adjustment.is_some(),
        adjustment: money(rated.minimum_adjustment.map(|x| x.1).unwrap_or_default()),
        coverage: rated
            .minimum_adjustment
            .map(|(c, _)| p.coverages[c].code.clone()),
    });
    let illustration = if p.illustration.is_some() {
        let rows = rating::illustrate(p, r, rated).map_err(QuoteError::Rating)?;
        Some(
            rows.iter()
                .map(|y| IllustrationRow {
                    year: y.year,
                    age: y.age.normalize().to_string(),
                    premium: money(y.premium),
                    cumulative_premium: money(y.premiums_paid),
                    survival_benefit: money(y.survival_benefit),
                    death_benefit: money(y.death_benefit),
                })
                .collect(),
        )
    } else {
        None
    };
    let quote_id = quote_id(p, r, as_of);
    Ok(Quote {
        quote_id,
        product: ProductRef {
            code: p.code.clone(),
            version: p.version.clone(),
            name: p.name.clone(),
            line: p.line.as_str().to_string(),
            segment: p.segment.clone(),
            insurer: p.insurer.clone(),
            filing: p.filing.clone(),
            content_hash: p.content_hash.clone(),
        },
        as_of: as_of.to_string(),
        valid_until: (as_of + chrono::Days::new(30)).to_string(),
        currency: p.currency.code().to_string(),
        cover: Cover {
            start: r.start.to_string(),
            end: end.to_string(),
            term: r.term,
            term_unit: p.term.unit,
            term_months: r.term_months,
            short_period_factor: rated.short_period_factor.map(|f| f.normalize().to_string()),
        },
        policyholder: PartyOut {
            name: r.policyholder.name.clone(),
            id: r.policyholder.id.clone(),
            fields: ph_fields,
        },
        members,
        coverages,
        charges,
        totals,
        minimum_premium,
        payment_options,
        special_clauses: p.special_clauses.clone(),
        regulatory: Regulatory {
            cooling_off_days: p.cooling_off_days,
            waiting_period_days: p.waiting_period_days,
            grace_period_days: p.grace_period_days,
        },
        illustration,
        worksheet,
    })
}

/// The quote id: a hash of the product version, its content and the checked request.
pub fn quote_id(p: &Product, r: &Request, as_of: NaiveDate) -> String {
    use std::fmt::Write;
    let mut h = Sha256::new();
    h.update(p.code.as_bytes());
    h.update(b"@");
    h.update(p.version.as_bytes());
    h.update(p.content_hash.as_bytes());
    // One buffer for every piece hashed; the bytes are those of the `Debug` and `show` forms.
    let mut s = String::with_capacity(128);
    let _ = write!(s, "{as_of}|{}|{}|", r.start, r.term);
    debug_party(&mut s, &r.policyholder);
    let _ = write!(s, "|{:?}|{:?}|", r.plan, r.selected);
    h.update(s.as_bytes());
    for v in r.policy.iter().chain(&r.terms) {
        s.clear();
        show_into(&mut s, p, v);
        h.update(s.as_bytes());
        h.update([0]);
    }
    for m in &r.members {
        s.clear();
        debug_party(&mut s, &m.party);
        h.update(s.as_bytes());
        for v in &m.inputs {
            s.clear();
            show_into(&mut s, p, v);
            h.update(s.as_bytes());
            h.update([0]);
        }
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let digest = h.finalize();
    let mut id = String::with_capacity(p.code.len() + 19);
    id.push_str("Q-");
    id.push_str(&p.code);
    id.push('-');
    for b in digest.iter().take(8) {
        id.push(HEX[(b >> 4) as usize] as char);
        id.push(HEX[(b & 15) as usize] as char);
    }
    id
}

/// Appends a value as [`Interner::show`](crate::formula::Interner::show) writes it.
fn show_into(out: &mut String, p: &Product, v: &Value) {
    use std::fmt::Write;
    match v {
        Value::Num(d) => {
            let _ = write!(out, "{}", d.normalize());
        }
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Text(t) => out.push_str(p.interner.word(*t)),
    }
}

/// Appends `{:?}` of a party. Names and ids of plain ASCII and common CJK characters, which
/// `Debug` writes as they are, skip the general escaping (a Unicode table walk per character).
fn debug_party(out: &mut String, party: &crate::request::Party) {
    out.push_str("Party { name: ");
    debug_str(out, &party.name);
    out.push_str(", id: ");
    match &party.id {
        Some(id) => {
            out.push_str("Some(");
            debug_str(out, id);
            out.push(')');
        }
        None => out.push_str("None"),
    }
    out.push_str(" }");
}

fn debug_str(out: &mut String, s: &str) {
    use std::fmt::Write;
    let plain = s.chars().all(|c| {
        (' '..='~').contains(&c) && c != '"' && c != '\\' || ('\u{4E00}'..='\u{9FEF}').contains(&c)
    });
    if plain {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        let _ = write!(out, "{s:?}");
    }
}

fn payment_options(
    p: &Product,
    r: &Request,
    rated: &Rated,
    premium: Decimal,
    opts: &QuoteOptions,
) -> Result<Vec<PaymentOption>, QuoteError> {
    let wanted = opts.plan.as_ref().or(r.plan.as_ref());
    let mut out = Vec::new();
    for plan in &p.plans {
        if wanted.is_some_and(|w| *w != plan.code) {
            continue;
        }
        if plan.mode == PlanMode::Flexible {
            let (projection, payout) = flexible(p, r, rated, plan)?;
            out.push(PaymentOption {
                code: plan.code.clone(),
                name: plan.name.clone(),
                mode: plan.mode,
                schedule: None,
                projection: Some(projection),
                payout,
                note: None,
            });
            continue;
        }
        let spec = plan.instalments.as_ref();
        let (schedule, note) = match spec {
            None => (
                None,
                Some(match plan.mode {
                    PlanMode::Declaration => {
                        "premium billed on monthly declarations (coverwright declare)".to_string()
                    }
                    _ => "flexible contributions within the yearly cap".to_string(),
                }),
            ),
            Some(ip) => {
                let step = ip.spec().mode.step_months();
                if r.term_months < 12
                    && step != 0
                    && step != 12
                    && !r.term_months.is_multiple_of(step)
                {
                    (
                        None,
                        Some(format!("not offered for a {}-month term", r.term_months)),
                    )
                } else if r.term_months < 12 && step != 0 && step != 12 {
                    (
                        None,
                        Some("instalments are offered for annual terms".to_string()),
                    )
                } else {
                    let cal = plan.holidays.as_ref();
                    let years = plan
                        .premium_years
                        .unwrap_or(if p.term.unit == TermUnit::Year {
                            r.term
                        } else {
                            1
                        })
                        .max(1);
                    let req = schedule::ScheduleRequest {
                        premium,
                        start: r.start,
                        term_years: years,
                    };
                    let s = ip
                        .schedule(&req, cal)
                        .map_err(|e| QuoteError::Schedule(e.to_string()))?;
                    (Some(s), None)
                }
            }
        };
        out.push(PaymentOption {
            code: plan.code.clone(),
            name: plan.name.clone(),
            mode: plan.mode,
            schedule,
            projection: None,
            payout: None,
            note,
        });
    }
    Ok(out)
}

/// Projects a flexible-contribution account from the request's planned contribution (options
/// `contribution` and `frequency`, over the term in years; `payout` when present), pauses and
/// top-ups, and
/// converts the final balance with the plan's payout factor.
fn flexible(
    p: &Product,
    r: &Request,
    rated: &Rated,
    plan: &crate::product::PaymentPlan,
) -> Result<(schedule::PensionProjection, Option<schedule::PensionPayout>), QuoteError> {
    use schedule::{
        ContributionFrequency, ContributionPlan, PayoutFrequency, PensionAccountTerms,
        PremiumHoliday, TopUp,
    };
    let option = |name: &str| -> Option<Value> {
        p.fields
            .iter()
            .filter(|f| f.group != InputGroup::Member)
            .position(|f| f.name == name)
            .and_then(|i| r.policy.get(i).copied())
    };
    let word = |name: &str| option(name).map(|v| p.interner.show(&v));
    let amount = option("contribution")
        .and_then(|v| v.num())
        .unwrap_or_default();
    let years = if p.term.unit == TermUnit::Year {
        r.term
    } else {
        1
    };
    let frequency = match word("frequency").as_deref() {
        Some("monthly") => ContributionFrequency::Monthly,
        Some("quarterly") => ContributionFrequency::Quarterly,
        _ => ContributionFrequency::Yearly,
    };
    let rounding = if p.rounding.mode_name == "half_even" {
        schedule::Rounding::HalfEven
    } else {
        schedule::Rounding::HalfUp
    };
    let terms = PensionAccountTerms::new(
        plan.crediting_rate.unwrap_or_default(),
        plan.initial_charge.unwrap_or_default(),
        plan.management_charge.unwrap_or_default(),
        plan.yearly_cap,
        2,
        rounding,
    )
    .map_err(|e| QuoteError::Schedule(e.to_string()))?;
    let cplan = ContributionPlan::new(
        r.start,
        years,
        amount,
        frequency,
        r.pauses
            .iter()
            .map(|(from, to)| PremiumHoliday {
                from: *from,
                to: *to,
            })
            .collect(),
        r.top_ups
            .iter()
            .map(|(date, amount)| TopUp {
                date: *date,
                amount: *amount,
            })
            .collect(),
    )
    .map_err(|e| QuoteError::Schedule(e.to_string()))?;
    let projection = terms
        .project(&cplan)
        .map_err(|e| QuoteError::Schedule(e.to_string()))?;
    let payout = match plan.payout_factor {
        None => None,
        Some(step) => {
            let v = match p.steps[step as usize].scope {
                Scope::Policy => rated.policy_steps[step as usize],
                Scope::Member => rated
                    .member_steps
                    .first()
                    .map(|m| m[step as usize])
                    .unwrap_or(Value::Num(Decimal::ZERO)),
            };
            let factor = v.num().unwrap_or_default();
            let freq = if word("payout").as_deref() == Some("monthly") {
                PayoutFrequency::Monthly
            } else {
                PayoutFrequency::Yearly
            };
            Some(
                terms
                    .payout(projection.final_balance, factor, freq)
                    .map_err(|e| QuoteError::Schedule(e.to_string()))?,
            )
        }
    };
    Ok((projection, payout))
}

fn worksheet(p: &Product, r: &Request, rated: &Rated) -> Vec<WorkOut> {
    rated
        .worklines
        .iter()
        .map(|w| {
            let s = &p.steps[w.step as usize];
            let scope = match w.member {
                None => "policy".to_string(),
                Some(m) => {
                    let name = &r.members[m].party.name;
                    if name.is_empty() {
                        format!("member {}", m + 1)
                    } else {
                        format!("member {} ({name})", m + 1)
                    }
                }
            };
            WorkOut {
                step: s.name.clone(),
                scope,
                coverage: s.coverage.map(|c| p.coverages[c as usize].code.clone()),
                formula: s.formula.clone(),
                note: s.note.clone(),
                line: format!("{}:{}", p.file.display(), s.line),
                operands: w.trace.iter().map(|t| rating::trace_json(p, t)).collect(),
                result: w.raw.normalize().to_string(),
                rounded: w.rounded.normalize().to_string(),
                premium: s.coverage.and_then(|c| match w.member {
                    Some(m) => rated.member_premiums.get(m).map(|x| money(x[c as usize])),
                    None => rated.coverage_premiums.get(c as usize).map(|x| money(*x)),
                }),
            }
        })
        .collect()
}

/// The quote as pretty JSON with a trailing newline.
pub fn to_json(q: &Quote) -> String {
    let mut s = serde_json::to_string_pretty(q).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

/// A readable summary for a terminal.
pub fn to_text(q: &Quote, explain: bool) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Quote {}  ({} / {})",
        q.quote_id, q.product.name.en, q.product.name.zh
    );
    let _ = writeln!(
        o,
        "Product   {}@{}  filing {}",
        q.product.code, q.product.version, q.product.filing
    );
    let _ = writeln!(o, "Insurer   {}", q.product.insurer);
    let _ = writeln!(
        o,
        "Cover     {} to {} ({} months)",
        q.cover.start, q.cover.end, q.cover.term_months
    );
    if let Some(f) = &q.cover.short_period_factor {
        let _ = writeln!(o, "          short-period factor {f}");
    }
    let _ = writeln!(
        o,
        "Policyholder {}{}",
        q.policyholder.name,
        q.policyholder
            .id
            .as_ref()
            .map(|i| format!(" ({i})"))
            .unwrap_or_default()
    );
    let _ = writeln!(o, "Members   {}", q.members.len());
    let _ = writeln!(o);
    let mut rows = vec![[
        "COVERAGE".to_string(),
        "TERMS".into(),
        "VAT".into(),
        "PREMIUM".into(),
        "NET".into(),
        "VAT AMOUNT".into(),
    ]];
    for c in &q.coverages {
        let terms: Vec<String> = c.terms.iter().map(|(k, v)| format!("{k}={v}")).collect();
        rows.push([
            format!("{} {}", c.code, c.name.en),
            terms.join(" "),
            c.vat.to_string(),
            c.premium.clone(),
            c.net.clone(),
            c.vat_amount.clone(),
        ]);
    }
    o.push_str(&crate::cli::table(&rows));
    if let Some(m) = &q.minimum_premium
        && m.applied
    {
        let _ = writeln!(
            o,
            "Minimum premium {} applied: +{} on {}",
            m.amount,
            m.adjustment,
            m.coverage.clone().unwrap_or_default()
        );
    }
    for c in q
        .charges
        .iter()
        .filter(|c| c.kind == "stamp_duty" || c.kind == "fee")
    {
        let _ = writeln!(
            o,
            "{} {} ({})",
            c.name.en,
            c.amount,
            if c.included { "included" } else { "added" }
        );
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "Total {} {}  (net {}, tax {})",
        q.currency, q.totals.gross, q.totals.net, q.totals.tax
    );
    for opt in &q.payment_options {
        match &opt.schedule {
            Some(s) => {
                let first = s
                    .instalments
                    .first()
                    .map(|i| i.amount.to_string())
                    .unwrap_or_default();
                let _ = writeln!(
                    o,
                    "Plan {:<12} {} instalment(s), first {first}, total {}",
                    opt.code,
                    s.instalments.len(),
                    s.total
                );
            }
            None => match (&opt.projection, &opt.payout) {
                (Some(pr), Some(pay)) => {
                    let _ = writeln!(
                        o,
                        "Plan {:<12} account {} after {} year(s); pension {} a year ({} x {})",
                        opt.code,
                        pr.final_balance,
                        pr.years.len(),
                        pay.yearly_amount,
                        pay.payments_per_year,
                        pay.payment
                    );
                }
                (Some(pr), None) => {
                    let _ = writeln!(
                        o,
                        "Plan {:<12} account {} after {} year(s)",
                        opt.code,
                        pr.final_balance,
                        pr.years.len()
                    );
                }
                _ => {
                    let _ = writeln!(
                        o,
                        "Plan {:<12} {}",
                        opt.code,
                        opt.note.clone().unwrap_or_default()
                    );
                }
            },
        }
    }
    if let Some(rows) = &q.illustration {
        let _ = writeln!(o, "\nBenefit illustration");
        let mut t = vec![[
            "YEAR".to_string(),
            "AGE".into(),
            "PREMIUM".into(),
            "PAID SO FAR".into(),
            "SURVIVAL".into(),
            "DEATH".into(),
        ]];
        for r in rows {
            t.push([
                r.year.to_string(),
                r.age.clone(),
                r.premium.clone(),
                r.cumulative_premium.clone(),
                r.survival_benefit.clone(),
                r.death_benefit.clone(),
            ]);
        }
        o.push_str(&crate::cli::table(&t));
    }
    if explain {
        let _ = writeln!(o, "\nWorksheet");
        for w in &q.worksheet {
            let _ = writeln!(
                o,
                "  {} [{}] = {}  ({})",
                w.step,
                w.scope,
                w.formula.split_whitespace().collect::<Vec<_>>().join(" "),
                w.line
            );
            for op in &w.operands {
                if let Some(t) = op.get("table") {
                    let keys: Vec<String> = op["key"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .map(|k| {
                                    format!(
                                        "{}={}",
                                        k["name"].as_str().unwrap_or(""),
                                        k["value"].as_str().unwrap_or("")
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    let matched: Vec<String> = op["matched"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|x| x.as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default();
                    let _ = writeln!(
                        o,
                        "      {}[{}] -> row [{}] at {} = {}",
                        t.as_str().unwrap_or(""),
                        keys.join(", "),
                        matched.join(", "),
                        op["row"].as_str().unwrap_or(""),
                        op["value"].as_str().unwrap_or("")
                    );
                } else {
                    let _ = writeln!(
                        o,
                        "      {} = {}",
                        op["name"].as_str().unwrap_or(""),
                        op["value"].as_str().unwrap_or("")
                    );
                }
            }
            if w.result == w.rounded {
                let _ = writeln!(o, "      result {}", w.result);
            } else {
                let _ = writeln!(o, "      result {} -> rounded {}", w.result, w.rounded);
            }
            if let Some(p) = &w.premium {
                match &q.cover.short_period_factor {
                    Some(f) => {
                        let _ =
                            writeln!(o, "      premium {p} (x short-period factor {f}, rounded)");
                    }
                    None => {
                        let _ = writeln!(o, "      premium {p} (rounded)");
                    }
                }
            }
        }
    }
    o
}

/// A decline for a terminal.
pub fn decline_text(failures: &[Failure]) -> String {
    let mut o = String::from("declined:\n");
    for f in failures {
        let who = match (&f.member, &f.member_name, f.row) {
            (Some(m), Some(n), Some(row)) => format!(" (member {m}, {n}, census row {row})"),
            (Some(m), Some(n), None) => format!(" (member {m}, {n})"),
            (Some(m), None, _) => format!(" (member {m})"),
            _ => String::new(),
        };
        o.push_str(&format!(
            "  - {}{who}: {} / {}\n",
            f.rule, f.message_en, f.message_zh
        ));
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Party;

    #[test]
    fn party_debug_fast_path_writes_what_debug_writes() {
        for (name, id) in [
            ("张伟", Some("330102198503071234")),
            ("O'Brien \"Jr\" \\ x", None),
            ("tab\there", Some("")),
            ("Ünïcode ⅷ ㈱ 😀 \u{301}", Some("Ｘ")),
            ("", None),
        ] {
            let p = Party {
                name: name.to_string(),
                id: id.map(str::to_string),
            };
            let mut s = String::new();
            debug_party(&mut s, &p);
            assert_eq!(s, format!("{p:?}"));
        }
    }
}
