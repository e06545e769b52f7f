//! Quotes: a rated request assembled into the quote document (JSON, see
//! `docs/quote-format.md`) and its text summary.
//!
//! Owns the quote id (derived from the product version, its content hash and the checked
//! request, so the same input always gives the same id), the charges by kind, the totals, the
//! payment options and the worksheet.
//!
//! Invariants: amounts are decimal strings rounded and printed to the minor unit of the
//! product's currency (`10932.36` in CNY, `10932` in JPY) by [`Product::format_money`]; `totals.gross` = premium + charges
//! added on top; `totals.tax` = VAT + stamp duty; `totals.net` = gross − tax; the same product
//! version and request give byte-identical JSON; a quote read back with
//! [`Quote::from_json`] ties out or is refused.
//!
//! Parts: `model` (the types, serialised and read back), `read` (reading and tying out),
//! `plans` (payment options), `id` (the quote id), `text` (the terminal summary, the
//! worksheet and the table layout).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::formula::{Scope, Value};
use crate::product::{InputGroup, Names, Product};
use crate::rating::{self, Failure, Rated, RatingError};
use crate::request::Request;

mod id;
mod model;
mod pension_text;
mod plans;
mod read;
mod text;

pub use id::quote_id;
pub(crate) use id::show_into;
pub use model::*;
pub use plans::{asked_plan_summary, payment_options, payment_options_with};
pub use read::{QuoteFileError, read_quote_file};
pub use text::{decline_text, display_width, table, table_aligned, to_text, to_text_styled};

/// An amount as a decimal string with two places, rounded half up: for a two-place currency
/// (CNY, USD, EUR). An amount of a product is printed to its currency's minor unit with
/// [`Product::format_money`], as every amount of a quote is.
pub fn money(d: Decimal) -> String {
    let two = crate::money::round(d, 2, crate::money::RoundingMode::HalfUp);
    crate::money::format_plain(two.unwrap_or(d))
}

/// The outcome of quoting: a quote or a decline.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// A quote, with the rating it was built from.
    Quoted(Box<Quote>, Box<Rated>),
    /// Declined by the product's rules: every failed rule.
    Declined(Vec<Failure>),
}

/// What can go wrong after the request was checked.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum QuoteError {
    /// A rating step failed (overflow, a missing table row), naming the step and member.
    #[error("{0}")]
    Rating(RatingError),
    /// A payment schedule could not be laid out.
    #[error("payment schedule: {0}")]
    Schedule(String),
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
    let rated = match rating::eligibility_and_rate(p, r, opts.worksheet) {
        Ok(Ok(rated)) => rated,
        Ok(Err(failures)) => return Ok(Outcome::Declined(failures)),
        Err(e) => return Err(QuoteError::Rating(e)),
    };
    let q = build(p, r, &rated, opts, true, None)?;
    Ok(Outcome::Quoted(Box::new(q), Box::new(rated)))
}

/// [`quote`] with the quote's `members` left empty, for a caller that writes them itself from
/// the rating (a batch writes them straight into its output): every other part, and every
/// failure, is the one [`quote`] gives.
pub fn quote_members_apart(
    p: &Product,
    r: &Request,
    opts: &QuoteOptions,
) -> Result<Outcome, QuoteError> {
    quote_members_apart_with(p, r, opts, None)
}

/// What a batch keeps across its quotes: member step values ([`rating::StepMemo`]) and the
/// instalment due dates laid out ([`crate::schedule::DueDates`]).
pub struct Kept<'a> {
    /// Member step values and rule outcomes, by the exact values each formula reads.
    pub memo: &'a mut rating::StepMemo,
    /// Instalment due dates, by plan, start date and instalment.
    pub dates: &'a mut crate::schedule::DueDates,
}

/// [`quote_members_apart`], taking the step values and due dates already known from `kept`
/// (not the step values when a worksheet is asked for: each step is then recorded as
/// evaluated) and keeping the new ones there. The quote is the one [`quote_members_apart`]
/// gives.
pub fn quote_members_apart_with(
    p: &Product,
    r: &Request,
    opts: &QuoteOptions,
    kept: Option<Kept<'_>>,
) -> Result<Outcome, QuoteError> {
    let (memo, dates) = match kept {
        Some(k) => (Some(k.memo), Some(k.dates)),
        None => (None, None),
    };
    let rated = match memo {
        Some(m) if !opts.worksheet => rating::eligibility_and_rate_with_memo(p, r, m),
        _ => rating::eligibility_and_rate(p, r, opts.worksheet),
    };
    let rated = match rated {
        Ok(Ok(rated)) => rated,
        Ok(Err(failures)) => return Ok(Outcome::Declined(failures)),
        Err(e) => return Err(QuoteError::Rating(e)),
    };
    let q = build(p, r, &rated, opts, false, dates)?;
    Ok(Outcome::Quoted(Box::new(q), Box::new(rated)))
}

fn show_value(p: &Product, v: &Value) -> String {
    p.interner.show(v)
}

fn build(
    p: &Product,
    r: &Request,
    rated: &Rated,
    opts: &QuoteOptions,
    with_members: bool,
    dates: Option<&mut crate::schedule::DueDates>,
) -> Result<Quote, QuoteError> {
    let as_of = opts.as_of.unwrap_or(r.start);
    let policy_fields: Vec<_> = p
        .fields
        .iter()
        .filter(|f| f.group != InputGroup::Member)
        .collect();
    let mut ph_fields = BTreeMap::new();
    for (f, v) in policy_fields.iter().zip(&r.policy) {
        ph_fields.insert(f.name.clone(), show_value(p, v));
    }

    let (gross, premium_total) = gross_premiums(rated)?;
    let split = rating::vat_split(p, &gross);

    let (coverages, mut charges) = coverage_lines(p, r, rated, &split);
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
                crate::product::ChargeKind::StampDuty => ChargeLine::StampDuty,
                crate::product::ChargeKind::Fee => ChargeLine::Fee,
            },
            name: c.name.clone(),
            coverage: None,
            amount: p.format_money(amount),
            included: c.included,
        });
    }
    let gross_total = sum(premium_total, added, "gross premium")?;
    let totals = Totals {
        premium: p.format_money(premium_total),
        gross: p.format_money(gross_total),
        net: p.format_money(gross_total - tax),
        tax: p.format_money(tax),
    };

    let members = if with_members {
        members_out(p, r, rated)?
    } else {
        member_totals(p, r, rated)?;
        Vec::new()
    };

    let end = r
        .end()
        .ok_or_else(|| QuoteError::Schedule("the cover end date is out of range".into()))?;
    let payment_options = plans::payment_options_with(p, r, rated, gross_total, opts, dates)?;
    let worksheet = if opts.worksheet {
        worksheet(p, r, rated)
    } else {
        Vec::new()
    };
    let minimum_premium = p.minimum_premium.map(|m| MinimumOut {
        amount: p.format_money(m),
        applied: rated.minimum_adjustment.is_some(),
        adjustment: p.format_money(rated.minimum_adjustment.map(|x| x.1).unwrap_or_default()),
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
                    age: crate::money::format_plain(y.age.normalize()),
                    premium: p.format_money(y.premium),
                    cumulative_premium: p.format_money(y.premiums_paid),
                    survival_benefit: p.format_money(y.survival_benefit),
                    death_benefit: p.format_money(y.death_benefit),
                })
                .collect(),
        )
    } else {
        None
    };
    let quote_id = quote_id(p, r, as_of);
    let pension = crate::pension::benefits(p, r, rated).map_err(QuoteError::Rating)?;
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
            end: pension
                .as_ref()
                .map_or_else(|| end.to_string(), |x| x.cover.last_day.clone()),
            term: r.term,
            term_unit: p.term.unit,
            term_months: r.term_months,
            short_period_factor: rated
                .short_period_factor
                .map(|f| crate::money::format_plain(f.normalize())),
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
        pension,
        worksheet,
    })
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
                result: crate::money::format_plain(w.raw.normalize()),
                rounded: crate::money::format_plain(w.rounded.normalize()),
                premium: s.coverage.and_then(|c| match w.member {
                    Some(m) => rated
                        .member_premiums
                        .get(m)
                        .map(|x| p.format_money(x[c as usize])),
                    None => rated
                        .coverage_premiums
                        .get(c as usize)
                        .map(|x| p.format_money(*x)),
                }),
            }
        })
        .collect()
}

/// Each member's total premium, checked for overflow as [`members_out`] checks it (the same
/// error at the same place).
pub fn member_totals(p: &Product, r: &Request, rated: &Rated) -> Result<Vec<Decimal>, QuoteError> {
    (0..r.members.len())
        .map(|m| {
            let mut total = Decimal::ZERO;
            for (ci, c) in p.coverages.iter().enumerate() {
                if r.selected[ci] && p.steps[c.premium_step as usize].scope == Scope::Member {
                    total = total
                        .checked_add(rated.member_premiums[m][ci])
                        .ok_or_else(|| {
                            QuoteError::Rating(RatingError {
                                member: Some(m),
                                ..rating::overflow("member total")
                            })
                        })?;
                }
            }
            Ok(total)
        })
        .collect()
}

/// The members with their inputs as text and their premiums by coverage.
fn members_out(p: &Product, r: &Request, rated: &Rated) -> Result<Vec<MemberOut>, QuoteError> {
    let member_fields: Vec<_> = p
        .fields
        .iter()
        .filter(|f| f.group == InputGroup::Member)
        .collect();
    r.members
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
                    premiums.insert(c.code.clone(), p.format_money(x));
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
                total: p.format_money(total),
                beneficiaries: mem
                    .beneficiaries
                    .iter()
                    .map(|b| BeneficiaryOut {
                        rank: b.rank,
                        name: b.name.clone(),
                        relation: b.relation,
                        share: b.share.normalize(),
                    })
                    .collect(),
            })
        })
        .collect()
}

/// Each coverage's premium after the minimum premium's top-up, and their total (checked: an
/// overflow names its step).
pub(crate) fn gross_premiums(rated: &Rated) -> Result<(Vec<Decimal>, Decimal), QuoteError> {
    let overflow = |what: &str| QuoteError::Rating(rating::overflow(what));
    let mut gross: Vec<Decimal> = rated.coverage_premiums.clone();
    if let Some((c, top)) = rated.minimum_adjustment {
        gross[c] = gross[c]
            .checked_add(top)
            .ok_or_else(|| overflow("minimum premium"))?;
    }
    let total = gross
        .iter()
        .try_fold(Decimal::ZERO, |a, x| a.checked_add(*x))
        .ok_or_else(|| overflow("premium total"))?;
    Ok((gross, total))
}

/// The chosen coverages and their charge lines (premium, and VAT when taxable).
fn coverage_lines(
    p: &Product,
    r: &Request,
    rated: &Rated,
    split: &[rating::CoverageCharge],
) -> (Vec<CoverageOut>, Vec<ChargeOut>) {
    let mut coverages = Vec::new();
    let mut charges = Vec::new();
    for (ci, c) in p.coverages.iter().enumerate() {
        if !r.selected[ci] {
            continue;
        }
        let mut terms = BTreeMap::new();
        for &t in &c.terms {
            if let Value::Num(d) = r.terms[t as usize] {
                terms.insert(
                    p.terms[t as usize].name.clone(),
                    crate::money::format_plain(d.normalize()),
                );
            }
        }
        coverages.push(CoverageOut {
            code: c.code.clone(),
            name: c.name.clone(),
            vat: if c.vat_exempt {
                VatTreatment::Exempt
            } else {
                VatTreatment::Taxable
            },
            terms,
            premium: p.format_money(split[ci].gross),
            net: p.format_money(split[ci].net),
            vat_amount: p.format_money(split[ci].vat),
            minimum_adjustment: rated
                .minimum_adjustment
                .filter(|(x, _)| *x == ci)
                .map(|(_, a)| p.format_money(a)),
            clause: c.clause.clone(),
            waiting_period_days: c.waiting_period_days,
            limits: c
                .limits
                .iter()
                .map(|l| LimitOut {
                    name: l.name.clone(),
                    amount: p.format_money(l.amount),
                    unit: l.unit,
                })
                .collect(),
            tiers: c
                .tiers
                .iter()
                .map(|t| TierOut {
                    from: p.format_money(t.from),
                    to: t.to.map(|x| p.format_money(x)),
                    ratio: crate::money::format_plain(t.ratio.normalize()),
                })
                .collect(),
            benefit_scale: c.benefit_scale.as_ref().map(|b| ScaleOut {
                name: b.name.clone(),
                grades: b
                    .grades
                    .iter()
                    .map(|g| crate::money::format_plain(g.normalize()))
                    .collect(),
            }),
            indemnity: c
                .indemnity
                .iter()
                .map(|(k, v)| (k.clone(), crate::money::format_plain(v.normalize())))
                .collect(),
        });
        charges.push(ChargeOut {
            kind: ChargeLine::Premium,
            name: Names {
                zh: format!("{}保费", c.name.zh),
                en: format!("{} premium", c.name.en),
            },
            coverage: Some(c.code.clone()),
            amount: p.format_money(split[ci].gross),
            included: false,
        });
        if !c.vat_exempt && !p.vat_rate.is_zero() {
            charges.push(ChargeOut {
                kind: ChargeLine::Vat,
                name: Names {
                    zh: format!("增值税（{}）", c.name.zh),
                    en: format!("VAT ({})", c.name.en),
                },
                coverage: Some(c.code.clone()),
                amount: p.format_money(split[ci].vat),
                included: true,
            });
        }
    }
    (coverages, charges)
}

/// The quote as pretty JSON with a trailing newline.
pub fn to_json(q: &Quote) -> String {
    let mut s = serde_json::to_string_pretty(q).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}
