//! Rating: a product's eligibility rules and rating plan evaluated for a checked request.
//!
//! Owns the order of evaluation and the premium arithmetic between steps: eligibility first
//! (a decline lists every failed rule), then the steps in order (policy steps once, member
//! steps for each member), then the short-period factor, rounding at the product's level, the
//! minimum premium, VAT per coverage and the other charges.
//!
//! Invariants: every amount is a `Decimal` from checked arithmetic (an overflow is an error
//! naming the step and the member); sums over members are exact; with rounding at `member`
//! level the coverage premium is exactly the sum of the rounded member premiums; the total is
//! exactly the sum of the coverage premiums.

use rust_decimal::Decimal;

use crate::actuarial::{AnnuitySpec, Frequency};
use crate::formula::{
    EvalError, Frame, Func, Grid, Lookup, NO_ROWS, Ref, Scope, Trace, TraceItem, Value,
};
use crate::product::{ChargeKind, Product, RoundingLevel, ShortPeriod, table};
use crate::request::Member;
use crate::request::Request;

mod memo;
mod sum;
pub use memo::StepMemo;
use sum::Total;

/// Lookups for a product: its rate tables and its life tables.
pub struct ProductLookup<'a>(pub &'a Product);

impl Lookup for ProductLookup<'_> {
    #[inline]
    fn table(&self, t: u16, column: u16, keys: &[Value]) -> Result<(Decimal, u32), EvalError> {
        table::lookup(&self.0.tables, t, column, keys).map_err(|e| EvalError {
            message: self.describe_missing(t, keys).unwrap_or(e.message),
        })
    }

    fn actuarial(&self, func: Func, t: u16, args: &[Decimal]) -> Result<Decimal, EvalError> {
        let fail = |m: String| EvalError { message: m };
        let a = self
            .0
            .actuarial
            .as_ref()
            .ok_or_else(|| fail("no life tables".into()))?;
        let c = a
            .commutations
            .get(t as usize)
            .ok_or_else(|| fail("unknown life table".into()))?;
        let whole = |d: Decimal, what: &str| -> Result<u32, EvalError> {
            if d.fract().is_zero() && d >= Decimal::ZERO && d <= Decimal::from(200) {
                Ok(d.trunc().mantissa() as u32 / 10u32.pow(d.trunc().scale()))
            } else {
                Err(fail(format!(
                    "{what} must be a whole number from 0 to 200, got {d}"
                )))
            }
        };
        let r = match func {
            Func::Annuity => {
                let x = whole(args[0], "the age")?;
                let defer = whole(args[1], "the deferral")?;
                let term = whole(args[2], "the term")?;
                let guaranteed = whole(args[3], "the guaranteed years")?;
                let m = whole(args[4], "the frequency")?;
                let frequency = Frequency::from_per_year(m).map_err(|e| fail(e.to_string()))?;
                let spec = AnnuitySpec {
                    defer,
                    term: (term > 0).then_some(term),
                    guaranteed,
                    frequency,
                    method: a.method,
                };
                c.annuity(x, &spec)
            }
            Func::Endowment => {
                c.pure_endowment(whole(args[0], "the age")?, whole(args[1], "the years")?)
            }
            Func::Assurance => {
                c.term_assurance(whole(args[0], "the age")?, whole(args[1], "the years")?)
            }
            Func::PremiumReturn => c.return_of_premium(
                whole(args[0], "the age")?,
                whole(args[1], "the deferral")?,
                whole(args[2], "the premium years")?,
            ),
            _ => return Err(fail("not an actuarial function".into())),
        };
        r.map_err(|e| fail(e.to_string()))
    }
}

impl ProductLookup<'_> {
    fn describe_missing(&self, t: u16, keys: &[Value]) -> Option<String> {
        let tab = self.0.tables.get(t as usize)?;
        let shown: Vec<String> = tab
            .keys
            .iter()
            .zip(keys)
            .map(|(k, v)| format!("{k} = {}", self.0.interner.show(v)))
            .collect();
        Some(format!(
            "table `{}` has no row for {}",
            tab.name,
            shown.join(", ")
        ))
    }
}

/// A failed eligibility rule.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Failure {
    /// The rule that failed.
    pub rule: String,
    /// Its message in Chinese.
    pub message_zh: String,
    /// Its message in English.
    pub message_en: String,
    /// The member it failed for (1-based), for member rules.
    pub member: Option<usize>,
    /// The member's name, for a member rule.
    pub member_name: Option<String>,
    /// The member's census row, when read from a census.
    pub row: Option<usize>,
}

/// A rating failure: the step and member it happened in.
#[derive(Clone, Debug, PartialEq)]
pub struct RatingError {
    /// The step that failed.
    pub step: String,
    /// The member (0-based), for a member step.
    pub member: Option<usize>,
    /// What went wrong.
    pub message: String,
}

impl std::error::Error for RatingError {}

impl std::fmt::Display for RatingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.member {
            Some(m) => write!(
                f,
                "step `{}`, member {}: {}",
                self.step,
                m + 1,
                self.message
            ),
            None => write!(f, "step `{}`: {}", self.step, self.message),
        }
    }
}

/// One evaluated step for the worksheet.
#[derive(Clone, Debug)]
pub struct WorkLine {
    /// The step index.
    pub step: u16,
    /// The member (0-based), for a member step.
    pub member: Option<usize>,
    /// Every operand read.
    pub trace: Trace,
    /// The exact value.
    pub raw: Decimal,
    /// The value after step-level rounding.
    pub rounded: Decimal,
}

/// The result of rating.
#[derive(Clone, Debug)]
pub struct Rated {
    /// Value of each step at policy scope, by step index.
    pub policy_steps: Vec<Value>,
    /// Value of each step for each member (a row per member, a column per step).
    pub member_steps: Grid<Value>,
    /// Annual premium per member and coverage before the short-period factor and rounding.
    pub annual: Grid<Decimal>,
    /// Premium per member and coverage after the short-period factor and member rounding
    /// (zero for coverages priced per policy or not chosen).
    pub member_premiums: Grid<Decimal>,
    /// Premium per coverage (before the minimum premium).
    pub coverage_premiums: Vec<Decimal>,
    /// Share of the annual premium for a term under 12 months.
    pub short_period_factor: Option<Decimal>,
    /// The minimum premium top-up and the coverage it is added to.
    pub minimum_adjustment: Option<(usize, Decimal)>,
    /// The total premium.
    pub total: Decimal,
    /// The worksheet lines (when asked for).
    pub worklines: Vec<WorkLine>,
    /// For each member, the first member (itself or an earlier one) whose member step values,
    /// and so premiums, it shares; `None` when each member was rated on its own (a
    /// worksheet, one member, or member steps reading more than their own member).
    pub kinds: Option<Vec<usize>>,
}

/// Evaluates the eligibility rules; returns every failure.
pub fn eligibility(p: &Product, r: &Request) -> Result<Vec<Failure>, RatingError> {
    eligibility_with(p, r, None)
}

/// The eligibility rules, then the rating when no rule fails: what [`eligibility`] and
/// [`rate`] give one after the other, with the members' inputs gathered once.
pub fn eligibility_and_rate(
    p: &Product,
    r: &Request,
    explain: bool,
) -> Result<Result<Rated, Vec<Failure>>, RatingError> {
    let failures = eligibility_with(p, r, None)?;
    if !failures.is_empty() {
        return Ok(Err(failures));
    }
    rate_with(p, r, explain, None).map(Ok)
}

/// [`eligibility_and_rate`] without a worksheet, taking member step values from `memo` where
/// it has them (the same values, see [`StepMemo`]): for the many requests of a batch.
pub fn eligibility_and_rate_with_memo(
    p: &Product,
    r: &Request,
    memo: &mut StepMemo,
) -> Result<Result<Rated, Vec<Failure>>, RatingError> {
    memo.for_request(p);
    let failures = eligibility_with(p, r, Some(&mut *memo))?;
    if !failures.is_empty() {
        return Ok(Err(failures));
    }
    rate_with(p, r, false, Some(memo)).map(Ok)
}

fn eligibility_with(
    p: &Product,
    r: &Request,
    mut memo: Option<&mut StepMemo>,
) -> Result<Vec<Failure>, RatingError> {
    let lookup = ProductLookup(p);
    let mut frame = Frame {
        policy: &r.policy,
        terms: &r.terms,
        policy_steps: &[],
        member: None,
        member_inputs: r.members.as_slice(),
        member_steps: NO_ROWS,
        term_months: r.term_months,
        rounding: p.rounding.strategy,
        lookup: &lookup,
        year: None,
    };
    let mut out = Vec::new();
    for (ri, rule) in p.rules.iter().enumerate() {
        let fail = |member: Option<usize>| Failure {
            rule: rule.name.clone(),
            message_zh: rule.message.zh.clone(),
            message_en: rule.message.en.clone(),
            member: member.map(|m| m + 1),
            member_name: member.map(|m| r.members[m].party.name.clone()),
            row: member.and_then(|m| r.members[m].row),
        };
        let err = |member: Option<usize>, e: EvalError| RatingError {
            step: format!("rule {}", rule.name),
            member,
            message: e.message,
        };
        let reads = p.rule_reads.get(ri).and_then(Option::as_deref);
        match rule.scope {
            Scope::Policy => {
                frame.member = None;
                let v = match (memo.as_deref_mut(), reads) {
                    (Some(memo), Some(reads)) => {
                        memo.value(p.steps.len() + ri, reads, &frame, || {
                            frame.eval(&rule.expr, None)
                        })
                    }
                    _ => frame.eval(&rule.expr, None),
                };
                if v.map_err(|e| err(None, e))? == Value::Bool(false) {
                    out.push(fail(None));
                }
            }
            Scope::Member => {
                if let (Some(memo), Some(reads)) = (memo.as_deref_mut(), reads) {
                    memo.begin(p.steps.len() + ri, reads, &frame);
                }
                for m in 0..r.members.len() {
                    frame.member = Some(m);
                    let v = match (memo.as_deref_mut(), reads) {
                        // Remembered after the steps (see `StepMemo`).
                        (Some(memo), Some(reads)) => {
                            memo.member_value(p.steps.len() + ri, reads, &frame, || {
                                frame.eval(&rule.expr, None)
                            })
                        }
                        _ => frame.eval(&rule.expr, None),
                    };
                    if v.map_err(|e| err(Some(m), e))? == Value::Bool(false) {
                        out.push(fail(Some(m)));
                    }
                }
            }
        }
    }
    if out.is_empty() {
        out.extend(crate::regulation::declines(p, r));
    }
    Ok(out)
}

#[cold]
fn sum_overflows(step: &str) -> RatingError {
    RatingError {
        step: step.to_string(),
        member: None,
        message: "the sum overflows".into(),
    }
}

/// Values of every step, policy and per member, in order (skipping the premium steps of
/// coverages not chosen); the worksheet lines when `explain`.
fn run_steps(
    p: &Product,
    r: &Request,
    explain: bool,
    mut memo: Option<&mut StepMemo>,
    spare: &mut memo::Spare,
) -> Result<StepValues, RatingError> {
    let lookup = ProductLookup(p);
    let n = r.members.len();
    let nsteps = p.steps.len();
    let zero = Value::Num(Decimal::ZERO);
    let mut policy_steps = std::mem::take(&mut spare.policy_steps);
    policy_steps.clear();
    policy_steps.resize(nsteps, zero);
    let mut member_steps = Grid::new_in(std::mem::take(&mut spare.member_steps), n, nsteps, zero);
    let mut worklines = Vec::new();
    let round_steps = p.rounding.level == RoundingLevel::Step;
    // Members whose member steps are those of an earlier member (no worksheet to record).
    let same = if explain {
        None
    } else {
        same_members(p, &r.members, spare)
    };

    for (si, step) in p.steps.iter().enumerate() {
        // Premium steps of coverages not chosen are skipped.
        if step.coverage.is_some_and(|c| !r.selected[c as usize]) {
            continue;
        }
        let run =
            |member: Option<usize>, ps: &[Value], ms: &Grid<Value>, trace: Option<&mut Trace>| {
                step_frame(p, r, &lookup, member, ps, ms).eval(&step.expr, trace)
            };
        // Remembered across requests: steps reading only references, without a worksheet to
        // record.
        let reads = match &p.step_reads.get(si) {
            Some(Some(reads)) if !explain => Some(&**reads),
            _ => None,
        };
        let fail = |member: Option<usize>, e: EvalError| RatingError {
            step: step.name.clone(),
            member,
            message: e.message,
        };
        match step.scope {
            Scope::Policy => {
                let mut trace = Trace::new();
                let v = match (memo.as_deref_mut(), reads) {
                    (Some(memo), Some(reads)) => {
                        let f = step_frame(p, r, &lookup, None, &policy_steps, &member_steps);
                        memo.value(si, reads, &f, || f.eval(&step.expr, None))
                    }
                    _ => run(
                        None,
                        &policy_steps,
                        &member_steps,
                        explain.then_some(&mut trace),
                    ),
                }
                .map_err(|e| fail(None, e))?;
                let raw = v.num().unwrap_or_default();
                let rounded = if round_steps {
                    p.rounding.apply(raw)
                } else {
                    raw
                };
                policy_steps[si] = Value::Num(rounded);
                if explain {
                    worklines.push(WorkLine {
                        step: si as u16,
                        member: None,
                        trace,
                        raw,
                        rounded,
                    });
                }
            }
            Scope::Member => {
                if let (Some(memo), Some(reads)) = (memo.as_deref_mut(), reads) {
                    let f = step_frame(p, r, &lookup, None, &policy_steps, &member_steps);
                    memo.begin(si, reads, &f);
                }
                for m in 0..n {
                    if let Some(&e) = same.as_ref().and_then(|v| v.get(m))
                        && e < m
                    {
                        member_steps.set(m, si, member_steps.cell(e, si));
                        continue;
                    }
                    let mut trace = Trace::new();
                    let v = match (memo.as_deref_mut(), reads) {
                        (Some(memo), Some(reads)) => {
                            let f =
                                step_frame(p, r, &lookup, Some(m), &policy_steps, &member_steps);
                            memo.member_value(si, reads, &f, || f.eval(&step.expr, None))
                        }
                        _ => run(
                            Some(m),
                            &policy_steps,
                            &member_steps,
                            explain.then_some(&mut trace),
                        ),
                    }
                    .map_err(|e| fail(Some(m), e))?;
                    let raw = v.num().unwrap_or_default();
                    let rounded = if round_steps {
                        p.rounding.apply(raw)
                    } else {
                        raw
                    };
                    member_steps.set(m, si, Value::Num(rounded));
                    if explain {
                        worklines.push(WorkLine {
                            step: si as u16,
                            member: Some(m),
                            trace,
                            raw,
                            rounded,
                        });
                    }
                }
            }
        }
    }
    Ok((policy_steps, member_steps, worklines, same))
}

/// The frame a step is evaluated in, for `member` (`None` at policy scope).
fn step_frame<'a>(
    p: &'a Product,
    r: &'a Request,
    lookup: &'a ProductLookup<'a>,
    member: Option<usize>,
    policy_steps: &'a [Value],
    member_steps: &'a Grid<Value>,
) -> Frame<'a, ProductLookup<'a>, [Member], Grid<Value>> {
    Frame {
        policy: &r.policy,
        terms: &r.terms,
        policy_steps,
        member,
        member_inputs: r.members.as_slice(),
        member_steps,
        term_months: r.term_months,
        rounding: p.rounding.strategy,
        lookup,
        year: None,
    }
}

/// For each member, the first member (itself or an earlier one) with the same values in the
/// inputs the member steps read; `None` when a member step reads other members or the policy
/// year ([`Product::member_step_inputs`]), so each member is rated on its own.
///
/// Inputs are compared exactly (a number's digits and scale, not only its value), so a member
/// given an earlier member's step values gets the very values its own evaluation would give;
/// the earlier member was evaluated first at every step, so a failure is reported for the
/// same member as without this.
fn same_members(p: &Product, members: &[Member], spare: &mut memo::Spare) -> Option<Vec<usize>> {
    let n = members.len();
    if n < 2 {
        return None;
    }
    let picked = p.member_step_inputs.as_deref()?;
    let k = picked.len();
    let keys = &mut spare.keys;
    keys.clear();
    for m in members {
        keys.extend(
            picked
                .iter()
                .map(|&i| m.inputs.get(i).map_or(memo::ABSENT, memo::code)),
        );
    }
    let key = |m: usize| &keys[m * k..(m + 1) * k];
    // A group's members fall in a few kinds: a look through the kinds seen so far is quicker
    // than hashing, up to a few dozen kinds.
    const SCAN: usize = 32;
    // The first member of each kind seen so far, and each member's first of its kind.
    let kinds = &mut spare.seen;
    kinds.clear();
    let mut first = std::mem::take(&mut spare.kinds);
    first.clear();
    for m in 0..n {
        // Compared code by code: a member's few codes, quicker than a call to compare bytes.
        let same_key = |e: usize| key(e).iter().zip(key(m)).all(|(a, b)| a == b);
        match kinds.iter().find(|&&e| same_key(e)) {
            Some(&e) => first.push(e),
            None if kinds.len() < SCAN => {
                kinds.push(m);
                first.push(m);
            }
            None => {
                let mut map: rustc_hash::FxHashMap<&[u128], usize> =
                    rustc_hash::FxHashMap::with_capacity_and_hasher(n, Default::default());
                for &e in kinds.iter() {
                    map.insert(key(e), e);
                }
                first.extend((m..n).map(|m| *map.entry(key(m)).or_insert(m)));
                break;
            }
        }
    }
    Some(first)
}

/// Values of each step at policy scope, for each member, the worksheet lines, and each
/// member's first member of the same kind ([`Rated::kinds`]).
type StepValues = (Vec<Value>, Grid<Value>, Vec<WorkLine>, Option<Vec<usize>>);

/// The short-period factor: the share of the annual premium for a term under 12 months.
fn short_period(p: &Product, r: &Request) -> Result<Option<Decimal>, RatingError> {
    Ok(if r.term_months < 12 {
        match &p.term.short_period {
            Some(ShortPeriod::Table(t)) => Some(
                table::lookup(
                    &p.tables,
                    *t,
                    0,
                    &[Value::Num(Decimal::from(r.term_months))],
                )
                .map_err(|e| RatingError {
                    step: "short period".into(),
                    member: None,
                    message: e.message,
                })?
                .0,
            ),
            Some(ShortPeriod::ProRata) => Some(Decimal::from(r.term_months) / Decimal::from(12)),
            None => None,
        }
    } else {
        None
    })
}

/// Rates a request. With `explain`, records a worksheet line for every step and scope.
pub fn rate(p: &Product, r: &Request, explain: bool) -> Result<Rated, RatingError> {
    rate_with(p, r, explain, None)
}

fn rate_with(
    p: &Product,
    r: &Request,
    explain: bool,
    mut memo: Option<&mut StepMemo>,
) -> Result<Rated, RatingError> {
    // The memory of the last rating the memo took back, when there is a memo.
    let mut spare = memo
        .as_deref_mut()
        .map(|m| std::mem::take(&mut m.spare))
        .unwrap_or_default();
    let (policy_steps, member_steps, worklines, kinds) =
        run_steps(p, r, explain, memo.as_deref_mut(), &mut spare)?;
    let n = r.members.len();
    let short_period_factor = short_period(p, r)?;
    let scale = |x: Decimal, step: &str, member: Option<usize>| -> Result<Decimal, RatingError> {
        match short_period_factor {
            Some(f) => x.checked_mul(f).ok_or_else(|| RatingError {
                step: step.to_string(),
                member,
                message: "the short-period premium overflows".into(),
            }),
            None => Ok(x),
        }
    };

    let ncov = p.coverages.len();
    let zero = Decimal::ZERO;
    let mut annual = Grid::new_in(std::mem::take(&mut spare.annual), n, ncov, zero);
    let mut member_premiums =
        Grid::new_in(std::mem::take(&mut spare.member_premiums), n, ncov, zero);
    let mut coverage_premiums = std::mem::take(&mut spare.coverage_premiums);
    coverage_premiums.clear();
    coverage_premiums.resize(ncov, zero);
    let member_level = matches!(
        p.rounding.level,
        RoundingLevel::Member | RoundingLevel::Step
    );
    for (ci, cov) in p.coverages.iter().enumerate() {
        if !r.selected[ci] {
            continue;
        }
        let step = &p.steps[cov.premium_step as usize];
        let mut sum = Total::default();
        match step.scope {
            Scope::Member => {
                for m in 0..n {
                    let x = match kinds.as_ref().map(|k| k[m]) {
                        // A member of an earlier member's kind: the same step values, so the
                        // same premium.
                        Some(e) if e < m => {
                            annual.set(m, ci, annual.cell(e, ci));
                            member_premiums.cell(e, ci)
                        }
                        _ => {
                            let a = member_steps
                                .cell(m, cov.premium_step as usize)
                                .num()
                                .unwrap_or_default();
                            annual.set(m, ci, a);
                            let mut x = scale(a, &step.name, Some(m))?;
                            if member_level {
                                x = p.rounding.apply(x);
                            }
                            x
                        }
                    };
                    member_premiums.set(m, ci, x);
                    sum.add(x).ok_or_else(|| sum_overflows(&step.name))?;
                }
            }
            Scope::Policy => {
                let a = policy_steps[cov.premium_step as usize]
                    .num()
                    .unwrap_or_default();
                let mut x = scale(a, &step.name, None)?;
                if member_level {
                    x = p.rounding.apply(x);
                }
                sum = Total::Exact(x);
            }
        }
        let mut sum = sum.value();
        if p.rounding.level == RoundingLevel::Coverage {
            sum = p.rounding.apply(sum);
        }
        coverage_premiums[ci] = sum;
    }
    let mut sum = Total::default();
    for c in &coverage_premiums {
        sum.add(*c).ok_or_else(|| sum_overflows("total"))?;
    }
    let mut total = sum.value();
    if p.rounding.level == RoundingLevel::Total {
        // Round each coverage for display and put the rounding difference on the largest, so
        // that the coverages add up to the rounded total.
        let rounded_total = p.rounding.apply(total);
        let mut rounded: Vec<Decimal> = coverage_premiums
            .iter()
            .map(|c| p.rounding.apply(*c))
            .collect();
        let diff = rounded_total - rounded.iter().copied().sum::<Decimal>();
        if let Some(big) = largest(&rounded) {
            rounded[big] += diff;
        }
        coverage_premiums = rounded;
        total = rounded_total;
    }
    let mut minimum_adjustment = None;
    if let Some(min) = p.minimum_premium
        && total < min
        && let Some(big) = largest(&coverage_premiums).or(r.selected.iter().position(|s| *s))
    {
        let top_up = min - total;
        minimum_adjustment = Some((big, top_up));
        total = min;
    }
    // The working vectors stay with the memo; the rest comes back with `recycle`.
    if let Some(m) = memo {
        m.spare = spare;
    }
    Ok(Rated {
        policy_steps,
        member_steps,
        annual,
        member_premiums,
        coverage_premiums,
        short_period_factor,
        minimum_adjustment,
        total,
        worklines,
        kinds,
    })
}

fn largest(v: &[Decimal]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, x) in v.iter().enumerate() {
        if best.is_none_or(|b| *x > v[b]) {
            best = Some(i);
        }
    }
    best.filter(|&b| v[b] > Decimal::ZERO)
}

/// Charges of a rated quote, by kind.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CoverageCharge {
    /// The premium, VAT included.
    pub gross: Decimal,
    /// The premium without VAT.
    pub net: Decimal,
    /// The VAT.
    pub vat: Decimal,
}

/// Splits each coverage's VAT-inclusive premium: net = round(gross / (1 + rate)), VAT = gross −
/// net. Exempt coverages carry no VAT.
pub fn vat_split(p: &Product, gross: &[Decimal]) -> Vec<CoverageCharge> {
    p.coverages
        .iter()
        .zip(gross)
        .map(|(c, g)| {
            if c.vat_exempt || p.vat_rate.is_zero() {
                CoverageCharge {
                    gross: *g,
                    net: *g,
                    vat: Decimal::ZERO,
                }
            } else {
                let net = crate::money::net_of_rate(
                    *g,
                    p.vat_rate,
                    p.currency.minor_unit(),
                    p.rounding.strategy,
                );
                CoverageCharge {
                    gross: *g,
                    net,
                    vat: *g - net,
                }
            }
        })
        .collect()
}

/// Other charges (stamp duty, fees): their amounts on a premium total. A rate that takes the
/// amount past the largest decimal is an error naming the charge.
pub fn other_charges(p: &Product, premium: Decimal) -> Result<Vec<(usize, Decimal)>, RatingError> {
    p.charges
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let amount = match (c.rate, c.amount) {
                (Some(rate), _) => crate::money::round_dp(
                    premium
                        .checked_mul(rate)
                        .ok_or_else(|| overflow(&format!("charge {}", c.name.en)))?,
                    p.currency.minor_unit(),
                    p.rounding.strategy,
                ),
                (None, Some(a)) => a,
                _ => Decimal::ZERO,
            };
            Ok((i, amount))
        })
        .collect()
}

/// An overflow in the amounts of a quote after rating.
pub fn overflow(step: &str) -> RatingError {
    RatingError {
        step: step.to_string(),
        member: None,
        message: "the amount overflows".into(),
    }
}

/// Whether a charge counts as tax.
pub fn is_tax(kind: ChargeKind) -> bool {
    kind == ChargeKind::StampDuty
}

/// Name of a reference, for the worksheet.
pub(crate) fn ref_name(p: &Product, r: Ref) -> String {
    let nth = |group_member: bool, i: u16| {
        p.fields
            .iter()
            .filter(|f| (f.group == crate::product::InputGroup::Member) == group_member)
            .nth(i as usize)
            .map(|f| f.name.clone())
            .unwrap_or_default()
    };
    match r {
        Ref::Policy(i) => nth(false, i),
        Ref::Member(i) => nth(true, i),
        Ref::PolicyStep(i) | Ref::MemberStep(i) => p
            .steps
            .get(i as usize)
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        Ref::Term(i) => p
            .terms
            .get(i as usize)
            .map(|t| format!("{}.{}", p.coverages[t.coverage as usize].code, t.name))
            .unwrap_or_default(),
        Ref::Members => "members".into(),
        Ref::TermMonths => "term_months".into(),
        Ref::TermYears => "term_years".into(),
        Ref::Year => "year".into(),
        Ref::PremiumsPaid => "premiums_paid".into(),
    }
}

/// Describes a trace item for the worksheet.
pub fn trace_json(p: &Product, item: &TraceItem) -> serde_json::Value {
    match item {
        TraceItem::Ref(r, v) => serde_json::json!({"name": ref_name(p, *r), "value": show(p, v)}),
        TraceItem::Lookup {
            table,
            column,
            keys,
            row,
            value,
        } => {
            let t = &p.tables[*table as usize];
            let r = &t.rows[*row as usize];
            let cells: Vec<String> = r.keys.iter().map(|k| k.show(&p.interner)).collect();
            serde_json::json!({
                "table": t.name,
                "column": t.columns[*column as usize],
                "key": t.keys.iter().zip(keys).map(|(k, v)| serde_json::json!({"name": k, "value": show(p, v)})).collect::<Vec<_>>(),
                "matched": cells,
                "row": format!("{}:{}", t.file.display(), r.line),
                "value": value.normalize().to_string(),
            })
        }
        TraceItem::Aggregate(f, v) => {
            serde_json::json!({"name": format!("{}(...)", f.name()), "value": v.normalize().to_string()})
        }
        TraceItem::Branch { .. } => serde_json::Value::Null,
        TraceItem::Actuarial(f, t, args, v) => {
            let table = p
                .actuarial
                .as_ref()
                .and_then(|a| a.table_names.get(*t as usize))
                .cloned()
                .unwrap_or_default();
            serde_json::json!({
                "name": format!("{}({table}, {})", f.name(), args.iter().map(|a| a.normalize().to_string()).collect::<Vec<_>>().join(", ")),
                "value": v.to_string(),
            })
        }
    }
}

/// A value as the quote shows it.
pub fn show(p: &Product, v: &Value) -> String {
    p.interner.show(v)
}

/// One policy year of a benefit illustration.
#[derive(Clone, Debug, PartialEq)]
pub struct IllustrationYear {
    /// Policy year, from 1.
    pub year: u32,
    /// Age in that year.
    pub age: Decimal,
    /// Premium of the year.
    pub premium: Decimal,
    /// Premiums paid so far.
    pub premiums_paid: Decimal,
    /// Survival benefit.
    pub survival_benefit: Decimal,
    /// Death benefit.
    pub death_benefit: Decimal,
}

/// Most policy years an illustration shows.
const MAX_ILLUSTRATION_YEARS: u32 = 120;

/// Evaluates the product's benefit illustration for the first insured.
pub fn illustrate(
    p: &Product,
    r: &Request,
    rated: &Rated,
) -> Result<Vec<IllustrationYear>, RatingError> {
    let Some(ill) = &p.illustration else {
        return Ok(Vec::new());
    };
    let lookup = ProductLookup(p);
    let member = if r.members.is_empty() { None } else { Some(0) };
    let frame = |year: u32, paid: Decimal| Frame {
        policy: &r.policy,
        terms: &r.terms,
        policy_steps: &rated.policy_steps,
        member,
        member_inputs: r.members.as_slice(),
        member_steps: &rated.member_steps,
        term_months: r.term_months,
        rounding: p.rounding.strategy,
        lookup: &lookup,
        year: Some((year, paid)),
    };
    let fail = |what: &str, e: EvalError| RatingError {
        step: format!("illustration {what}"),
        member,
        message: e.message,
    };
    let num = |v: Value| v.num().unwrap_or_default();
    let years = num(frame(0, Decimal::ZERO)
        .eval(&ill.years, None)
        .map_err(|e| fail("years", e))?);
    let years = if years <= Decimal::ZERO {
        0
    } else {
        u32::try_from(years.trunc().mantissa() / 10i128.pow(years.trunc().scale()))
            .unwrap_or(u32::MAX)
    };
    if years > MAX_ILLUSTRATION_YEARS {
        return Err(RatingError {
            step: "illustration years".into(),
            member,
            message: format!(
                "{years} policy years is more than the {MAX_ILLUSTRATION_YEARS} an illustration shows"
            ),
        });
    }
    let mut out = Vec::new();
    let mut paid = Decimal::ZERO;
    for y in 1..=years {
        let f = frame(y, paid);
        let age = num(f.eval(&ill.age, None).map_err(|e| fail("age", e))?);
        let premium = p.rounding.apply(num(f
            .eval(&ill.premium, None)
            .map_err(|e| fail("premium", e))?));
        paid = paid.checked_add(premium).ok_or_else(|| RatingError {
            step: "illustration premiums paid".into(),
            member,
            message: "the sum overflows".into(),
        })?;
        let f = frame(y, paid);
        let survival = p.rounding.apply(num(f
            .eval(&ill.survival_benefit, None)
            .map_err(|e| fail("survival_benefit", e))?));
        let death = p.rounding.apply(num(f
            .eval(&ill.death_benefit, None)
            .map_err(|e| fail("death_benefit", e))?));
        out.push(IllustrationYear {
            year: y,
            age,
            premium,
            premiums_paid: paid,
            survival_benefit: survival,
            death_benefit: death,
        });
    }
    Ok(out)
}
