//! The settlement of one claim: who and what is covered, the rules every line needs (cover
//! period and claims window, waiting period, grace period, conditions), the benefit steps,
//! the limits, the decision with every reason, the path, the documents and the service dates.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use super::input::{Claim, ClaimedCoverage, resolve};
use super::{Benefit, ClaimRules, InputKind, Ledger, LimitPer};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::formula::{Frame, Ref, Trace, TraceItem, Value};
use crate::product::{InputGroup, Names, Product};
use crate::quote::Quote;
use crate::rating::ProductLookup;

/// Pay, decline (with every reason) or refer to an assessor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Pay,
    Decline,
    Refer,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Pay => "pay",
            Decision::Decline => "decline",
            Decision::Refer => "refer",
        }
    }
}

/// Why a claim, or a coverage of it, is declined or referred.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reason {
    pub rule: String,
    /// The coverage, when the reason is about one coverage only.
    pub coverage: Option<String>,
    pub message: Names,
    pub refer: bool,
}

/// One benefit step evaluated.
#[derive(Clone, Debug, Serialize)]
pub struct StepOut {
    pub step: String,
    pub formula: String,
    pub note: Option<String>,
    /// `file:line` of the step.
    pub line: String,
    pub value: String,
    /// What the formula read (with `--explain`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub operands: Vec<serde_json::Value>,
}

/// A limit applied to a coverage's payable.
#[derive(Clone, Debug, Serialize)]
pub struct LimitOut {
    pub limit: String,
    pub per: LimitPer,
    pub amount: String,
    /// Paid before this claim against the limit.
    pub used_before: String,
    /// What is left of the limit after this claim.
    pub remaining: String,
    /// Whether the limit cut the payable.
    pub reached: bool,
}

/// The settlement of one coverage.
#[derive(Clone, Debug, Serialize)]
pub struct CoverageOut {
    pub code: String,
    pub name: Names,
    pub inputs: Vec<(String, String)>,
    pub steps: Vec<StepOut>,
    /// The payable step's value, before limits.
    pub due: String,
    pub limits: Vec<LimitOut>,
    /// After limits, rounded.
    pub payable: String,
    pub declined: bool,
}

/// A deduction from the total (premium unpaid in the grace period).
#[derive(Clone, Debug, Serialize)]
pub struct Deduction {
    pub what: Names,
    pub amount: String,
}

/// The simplified or the standard path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimPath {
    Simple,
    Standard,
}

/// Service dates, once the claim is complete.
#[derive(Clone, Debug, Serialize)]
pub struct Dates {
    pub complete_on: String,
    /// Decision within 5 working days (simple) or 30 days (standard).
    pub decision_by: String,
    /// Payment within 10 days of agreement.
    pub payment_by: Option<String>,
    /// Notice of a decline within 3 days of the decision.
    pub notice_by: Option<String>,
}

/// The settlement of a claim.
#[derive(Clone, Debug, Serialize)]
pub struct Settlement {
    pub format: &'static str,
    pub claim_id: String,
    pub policy: String,
    pub product: String,
    pub product_name: Names,
    pub currency: String,
    pub policyholder: String,
    pub insured: Option<String>,
    pub claim_date: String,
    pub event_date: String,
    pub event_id: String,
    pub cover_start: String,
    pub cover_end: String,
    pub policy_year: u32,
    pub decision: Decision,
    pub reasons: Vec<Reason>,
    pub coverages: Vec<CoverageOut>,
    /// Sum of the coverages' payable.
    pub subtotal: String,
    pub deductions: Vec<Deduction>,
    /// What is paid.
    pub payable: String,
    pub path: ClaimPath,
    pub documents_needed: Vec<String>,
    pub documents_missing: Vec<String>,
    pub dates: Option<Dates>,
}

fn reason(rule: &str, coverage: Option<&str>, zh: String, en: String) -> Reason {
    Reason {
        rule: rule.into(),
        coverage: coverage.map(str::to_string),
        message: Names { zh, en },
        refer: false,
    }
}

/// Parses a date the quote wrote.
fn qdate(s: &str) -> Option<NaiveDate> {
    crate::product::parse_date(s).ok()
}

fn days(a: NaiveDate, b: NaiveDate) -> Decimal {
    Decimal::from((b - a).num_days())
}

/// The policy year (1, 2, …) an event falls in: anniversaries of the start date.
fn policy_year(start: NaiveDate, event: NaiveDate) -> u32 {
    let mut y = 1u32;
    while y < 200 {
        match crate::schedule::dates::add_months_clamped(start, y * 12) {
            Some(a) if event >= a => y += 1,
            _ => break,
        }
    }
    y
}

/// Settles a claim on a quoted policy. `explain` records the operands of every step.
/// The ledger carries the claims before it and records this one when it is settled (paid or
/// declined for nothing payable; a referred or declined claim is not recorded).
pub fn settle(
    p: &Product,
    q: &Quote,
    claim: &Claim,
    ledger: &mut Ledger,
    explain: bool,
) -> Result<Settlement, Diagnostics> {
    let no_rules = || {
        let mut d = Diagnostics::new();
        d.push(
            Diagnostic::error(
                crate::diagnostics::codes::E0210,
                format!("{} settles no claims: it has no `claims:` section", p.id()),
            )
            .in_file(&claim.file),
        );
        d
    };
    let rules = p.claims.as_ref().ok_or_else(no_rules)?;
    let claimed = resolve(p, rules, q, claim)?;
    let (Some(start), Some(end)) = (qdate(&q.cover.start), qdate(&q.cover.end)) else {
        let mut d = Diagnostics::new();
        d.push(
            Diagnostic::error(
                crate::diagnostics::codes::E0241,
                "the quote's cover dates are not dates",
            )
            .in_file(&claim.file),
        );
        return Err(d);
    };
    // A benefit illustration (pension) states benefits beyond the premium term: cover lasts
    // to the end of its last year.
    let end = q
        .illustration
        .as_ref()
        .and_then(|rows| {
            crate::schedule::dates::add_months_clamped(
                start,
                (rows.len() as u32).saturating_mul(12),
            )
        })
        .and_then(|d| d.pred_opt())
        .map_or(end, |e| e.max(end));
    let year = policy_year(start, claim.event_date);
    let mut reasons = policy_reasons(p, rules, q, claim, start, end);
    let member = find_member(q, claim);
    if member.is_none() {
        let (rule, zh, en) = if p.line == crate::product::Line::ExportCredit {
            (
                "undeclared_shipment",
                "出运未申报，不在保险责任范围内",
                "The shipment was not declared; only declared shipments are covered",
            )
        } else {
            (
                "not_insured",
                "出险人不是本保单的被保险人",
                "The person is not insured under this policy",
            )
        };
        reasons.push(reason(rule, None, zh.into(), en.into()));
    }
    let m = member.unwrap_or(0);
    let ctx = Ctx {
        p,
        q,
        claim,
        start,
        year,
        member: m,
        explain,
    };
    let mut coverages = Vec::new();
    let mut recorded = Vec::new();
    for c in &claimed {
        let b = &rules.benefits[c.benefit];
        let (out, cov_reasons, steps) = ctx.coverage(b, c, ledger).map_err(|e| {
            let mut d = Diagnostics::new();
            d.push(Diagnostic::error(crate::diagnostics::codes::E0214, e).in_file(&claim.file));
            d
        })?;
        if let Some(w) = waiting(p, b, q, claim, start) {
            reasons.push(w);
        }
        reasons.extend(cov_reasons);
        recorded.push((b.code.clone(), steps));
        coverages.push(out);
    }
    finish(ctx, rules, reasons, coverages, recorded, ledger)
}

/// The claim-wide rules: cover period and claims window, premium lapsed after the grace period.
fn policy_reasons(
    p: &Product,
    rules: &ClaimRules,
    q: &Quote,
    c: &Claim,
    start: NaiveDate,
    end: NaiveDate,
) -> Vec<Reason> {
    let mut out = Vec::new();
    let window_end = end + chrono::Days::new(rules.window_days as u64);
    if c.event_date < start || c.event_date > window_end {
        out.push(reason(
            "outside_cover",
            None,
            format!(
                "事故发生于{}，不在保险期间（{} 至 {}）及{}天理赔期内",
                c.event_date, q.cover.start, q.cover.end, rules.window_days
            ),
            format!(
                "The event on {} is outside the cover ({} to {}) and its {}-day claims window",
                c.event_date, q.cover.start, q.cover.end, rules.window_days
            ),
        ));
    }
    if let Some(u) = &c.unpaid {
        let grace_end = u.due + chrono::Days::new(p.grace_period_days as u64);
        if c.event_date > grace_end {
            out.push(reason(
                "lapsed",
                None,
                format!("保险费于{}到期未付，超过{}天宽限期，保险效力中止", u.due, p.grace_period_days),
                format!("The premium due on {} was unpaid beyond the {}-day grace period: cover was suspended", u.due, p.grace_period_days),
            ));
        }
    }
    out
}

/// A waiting-period decline for this coverage (renewals have none).
fn waiting(p: &Product, b: &Benefit, q: &Quote, c: &Claim, start: NaiveDate) -> Option<Reason> {
    let wait = p.coverages[b.coverage as usize]
        .waiting_period_days
        .unwrap_or(p.waiting_period_days);
    let renewal = q
        .policyholder
        .fields
        .get("renewal")
        .is_some_and(|v| v == "true");
    let ends = start + chrono::Days::new(wait as u64);
    (wait > 0 && !renewal && c.event_date < ends).then(|| {
        reason(
            "waiting_period",
            Some(&b.code),
            format!(
                "事故发生于{}，在{}天等待期内（至{}）",
                c.event_date,
                wait,
                ends.pred_opt().unwrap_or(ends)
            ),
            format!(
                "The event on {} is inside the {}-day waiting period (to {})",
                c.event_date,
                wait,
                ends.pred_opt().unwrap_or(ends)
            ),
        )
    })
}

/// The quote member the claim names: by number, id or name; the only one when not named.
fn find_member(q: &Quote, c: &Claim) -> Option<usize> {
    match &c.insured {
        None => (q.members.len() == 1).then_some(0),
        Some(s) => {
            let t = s.value.trim();
            q.members
                .iter()
                .position(|m| m.id.as_deref() == Some(t) || m.name == t)
                .or_else(|| {
                    t.parse::<usize>()
                        .ok()
                        .filter(|n| (1..=q.members.len()).contains(n))
                        .map(|n| n - 1)
                })
        }
    }
}

struct Parts<'a> {
    slots: &'a [Value],
    terms: &'a [Value],
    members: &'a [Vec<Value>],
    months: u32,
    strategy: rust_decimal::RoundingStrategy,
    lookup: &'a ProductLookup<'a>,
}

impl<'a> Parts<'a> {
    fn frame<'s>(&'s self, steps: &'s [Value]) -> Frame<'s, ProductLookup<'a>> {
        Frame {
            policy: self.slots,
            terms: self.terms,
            policy_steps: steps,
            member: Some(0),
            member_inputs: self.members,
            member_steps: crate::formula::NO_ROWS,
            term_months: self.months,
            rounding: self.strategy,
            lookup: self.lookup,
            year: None,
        }
    }
}

struct Ctx<'a> {
    p: &'a Product,
    q: &'a Quote,
    claim: &'a Claim,
    start: NaiveDate,
    year: u32,
    member: usize,
    explain: bool,
}

type CoverageResult = (CoverageOut, Vec<Reason>, Vec<Decimal>);

impl Ctx<'_> {
    fn terms(&self) -> Vec<Value> {
        self.p
            .terms
            .iter()
            .map(|t| {
                let code = &self.p.coverages[t.coverage as usize].code;
                let given = self
                    .q
                    .coverages
                    .iter()
                    .find(|c| &c.code == code)
                    .and_then(|c| c.terms.get(&t.name))
                    .and_then(|s| s.parse::<Decimal>().ok());
                Value::Num(given.or(t.default).unwrap_or_default())
            })
            .collect()
    }

    fn member_values(&self) -> Vec<Value> {
        let m = self.q.members.get(self.member);
        self.p
            .fields
            .iter()
            .filter(|f| f.group == InputGroup::Member)
            .map(|f| {
                m.and_then(|m| m.fields.get(&f.name))
                    .and_then(|t| crate::product::check::coerce(&f.ty, t, &self.p.interner).ok())
                    .or(f.default)
                    .unwrap_or(Value::Num(Decimal::ZERO))
            })
            .collect()
    }

    fn death_benefit(&self) -> Decimal {
        self.q
            .illustration
            .as_ref()
            .and_then(|rows| rows.iter().find(|r| r.year == self.year))
            .and_then(|r| r.death_benefit.parse().ok())
            .unwrap_or_default()
    }

    fn coverage(
        &self,
        b: &Benefit,
        c: &ClaimedCoverage,
        ledger: &Ledger,
    ) -> Result<CoverageResult, String> {
        let p = self.p;
        let mut slots = c.values.clone();
        let start_day = Decimal::from(self.start.num_days_from_ce());
        for i in &b.inputs {
            if i.kind == InputKind::Date
                && let Value::Num(d) = slots[i.slot as usize]
            {
                slots[i.slot as usize] = Value::Num(d - start_day);
            }
        }
        let bs = b.builtin_slot as usize;
        slots[bs] = Value::Num(days(self.start, self.claim.event_date));
        slots[bs + 1] = Value::Num(days(self.start, self.claim.date));
        slots[bs + 2] = Value::Num(Decimal::from(self.year));
        slots[bs + 3] = Value::Num(self.death_benefit());
        let before = ledger.steps(self.member, &b.code, self.year, b.steps.len());
        for (k, v) in before.iter().enumerate() {
            slots[b.before_slot as usize + k] = Value::Num(*v);
        }
        let terms = self.terms();
        let members = vec![self.member_values()];
        let lookup = ProductLookup(p);
        let mut results: Vec<Value> = Vec::with_capacity(b.steps.len());
        let parts = Parts {
            slots: &slots,
            terms: &terms,
            members: &members,
            months: self.q.cover.term_months,
            strategy: p.rounding.strategy,
            lookup: &lookup,
        };
        let mut reasons = Vec::new();
        for cond in &b.conditions {
            let ok = parts
                .frame(&[])
                .eval(&cond.expr, None)
                .map_err(|e| format!("condition `{}` of `{}`: {}", cond.rule, b.code, e.message))?;
            if ok == Value::Bool(false) {
                reasons.push(Reason {
                    rule: cond.rule.clone(),
                    coverage: Some(b.code.clone()),
                    message: cond.message.clone(),
                    refer: cond.refer,
                });
            }
        }
        let mut steps = Vec::new();
        for s in &b.steps {
            let mut trace = Trace::new();
            let v = parts
                .frame(&results)
                .eval(&s.expr, self.explain.then_some(&mut trace))
                .map_err(|e| format!("benefit step `{}` of `{}`: {}", s.name, b.code, e.message))?;
            let operands = trace.iter().map(|t| self.operand(b, t)).collect();
            steps.push(StepOut {
                step: s.name.clone(),
                formula: s.formula.clone(),
                note: s.note.clone(),
                line: format!("{}:{}", p.file.display(), s.line),
                value: p.interner.show(&v),
                operands,
            });
            results.push(v);
        }
        let values: Vec<Decimal> = results
            .iter()
            .map(|v| v.num().unwrap_or_default())
            .collect();
        let due = values[b.payable].max(Decimal::ZERO);
        let mut payable = due;
        let mut limits = Vec::new();
        for l in &b.limits {
            let amount = parts
                .frame(&results)
                .eval(&l.expr, None)
                .map_err(|e| format!("limit `{}` of `{}`: {}", l.name, b.code, e.message))?
                .num()
                .unwrap_or_default();
            let used = match l.per {
                LimitPer::Claim => Decimal::ZERO,
                LimitPer::Event => ledger.paid_event(self.member, &b.code, &self.claim.event_id),
                LimitPer::Year => ledger.paid_year(self.member, &b.code, self.year),
                LimitPer::PolicyYear => ledger.paid_policy_year(&b.code, self.year),
            };
            let left = amount
                .checked_sub(used)
                .unwrap_or_default()
                .max(Decimal::ZERO);
            let reached = payable > left;
            payable = payable.min(left);
            limits.push((l, amount, used, reached));
        }
        let payable = p.rounding.apply(payable);
        let limits = limits
            .into_iter()
            .map(|(l, amount, used, reached)| LimitOut {
                limit: l.name.clone(),
                per: l.per,
                amount: self.money(amount),
                used_before: self.money(used),
                remaining: self.money((amount - used - payable).max(Decimal::ZERO)),
                reached,
            })
            .collect();
        let cov = &p.coverages[b.coverage as usize];
        let out = CoverageOut {
            code: b.code.clone(),
            name: cov.name.clone(),
            inputs: c.shown.clone(),
            steps,
            due: self.money(due),
            limits,
            payable: self.money(payable),
            declined: false,
        };
        let mut recorded = values;
        recorded.push(payable);
        Ok((out, reasons, recorded))
    }

    fn money(&self, d: Decimal) -> String {
        let mut x = self.p.rounding.apply(d);
        x.rescale(self.p.rounding.places);
        x.to_string()
    }

    fn operand(&self, b: &Benefit, t: &TraceItem) -> serde_json::Value {
        match t {
            TraceItem::Ref(r, v) => {
                serde_json::json!({"name": self.slot_name(b, *r), "value": self.p.interner.show(v)})
            }
            other => crate::rating::trace_json(self.p, other),
        }
    }

    fn slot_name(&self, b: &Benefit, r: Ref) -> String {
        match r {
            Ref::Policy(i) => {
                let i = i as usize;
                if i >= b.before_slot as usize {
                    format!(
                        "{}_before",
                        b.steps
                            .get(i - b.before_slot as usize)
                            .map(|s| s.name.as_str())
                            .unwrap_or("?")
                    )
                } else if i >= b.builtin_slot as usize {
                    super::BUILTINS
                        .get(i - b.builtin_slot as usize)
                        .copied()
                        .unwrap_or("?")
                        .to_string()
                } else {
                    b.inputs
                        .iter()
                        .rev()
                        .find(|x| (x.slot as usize) <= i)
                        .map(|x| {
                            if x.slot as usize == i {
                                x.name.clone()
                            } else {
                                format!("{}_share", x.name)
                            }
                        })
                        .unwrap_or_default()
                }
            }
            Ref::PolicyStep(i) => b
                .steps
                .get(i as usize)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            other => crate::rating::ref_name(self.p, other),
        }
    }
}

/// Decision, deductions, path, documents and dates; records the claim in the ledger.
fn finish(
    ctx: Ctx,
    rules: &ClaimRules,
    reasons: Vec<Reason>,
    mut coverages: Vec<CoverageOut>,
    recorded: Vec<(String, Vec<Decimal>)>,
    ledger: &mut Ledger,
) -> Result<Settlement, Diagnostics> {
    let (p, q, claim) = (ctx.p, ctx.q, ctx.claim);
    let claim_wide = reasons.iter().any(|r| r.coverage.is_none() && !r.refer);
    for c in coverages.iter_mut() {
        if claim_wide
            || reasons
                .iter()
                .any(|r| r.coverage.as_deref() == Some(&c.code) && !r.refer)
        {
            c.declined = true;
            c.payable = ctx.money(Decimal::ZERO);
        }
    }
    let num = |s: &str| s.parse::<Decimal>().unwrap_or_default();
    let subtotal: Decimal = coverages.iter().map(|c| num(&c.payable)).sum();
    let mut deductions = Vec::new();
    let mut payable = subtotal;
    if let Some(u) = &claim.unpaid
        && claim.event_date >= u.due
        && !claim_wide
    {
        let d = u.amount.min(payable);
        payable -= d;
        deductions.push(Deduction {
            what: Names {
                zh: format!("宽限期内未交保险费（{}到期）", u.due),
                en: format!("Premium unpaid in the grace period (due {})", u.due),
            },
            amount: ctx.money(d),
        });
    }
    let mut reasons = reasons;
    let all_declined = coverages.iter().all(|c| c.declined);
    let decision = if all_declined {
        Decision::Decline
    } else if reasons.iter().any(|r| r.refer) {
        Decision::Refer
    } else if payable.is_zero() {
        reasons.push(reason(
            "nothing_payable",
            None,
            "经计算无应付赔款（如未超过免赔额）".into(),
            "Nothing is payable (e.g. the amount is within the deductible)".into(),
        ));
        Decision::Decline
    } else {
        Decision::Pay
    };
    if decision != Decision::Refer {
        for ((code, steps), c) in recorded.iter().zip(&coverages) {
            if !c.declined {
                let (vals, paid) = steps.split_at(steps.len() - 1);
                ledger.record(ctx.member, code, ctx.year, &claim.event_id, vals, paid[0]);
            }
        }
    }
    let simple = rules.simple.as_ref().filter(|s| {
        decision == Decision::Pay
            && payable <= s.max_payable
            && coverages.iter().all(|c| {
                (s.coverages.is_empty() || s.coverages.contains(&c.code))
                    && rules.benefit(&c.code).is_some_and(|b| b.simple_allowed)
            })
    });
    let (path, needed) = match simple {
        Some(s) => (ClaimPath::Simple, s.documents.clone()),
        None => (ClaimPath::Standard, rules.documents.clone()),
    };
    let missing: Vec<String> = needed
        .iter()
        .filter(|d| !claim.documents.contains(d))
        .cloned()
        .collect();
    let dates = missing.is_empty().then(|| {
        let decided = if path == ClaimPath::Simple {
            working_days_after(&rules.calendar, claim.date, 5)
        } else {
            claim.date + chrono::Days::new(30)
        };
        Dates {
            complete_on: claim.date.to_string(),
            decision_by: decided.to_string(),
            payment_by: (decision == Decision::Pay)
                .then(|| (decided + chrono::Days::new(10)).to_string()),
            notice_by: (decision == Decision::Decline)
                .then(|| (decided + chrono::Days::new(3)).to_string()),
        }
    });
    let member = q
        .members
        .get(ctx.member)
        .filter(|_| find_member(q, claim).is_some());
    Ok(Settlement {
        format: "coverwright-settlement/1",
        claim_id: claim.id.clone(),
        policy: q.quote_id.clone(),
        product: p.id(),
        product_name: p.name.clone(),
        currency: q.currency.clone(),
        policyholder: q.policyholder.name.clone(),
        insured: member.map(|m| m.name.clone()),
        claim_date: claim.date.to_string(),
        event_date: claim.event_date.to_string(),
        event_id: claim.event_id.clone(),
        cover_start: q.cover.start.clone(),
        cover_end: q.cover.end.clone(),
        policy_year: ctx.year,
        decision,
        reasons,
        coverages,
        subtotal: ctx.money(subtotal),
        deductions,
        payable: ctx.money(payable),
        path,
        documents_needed: needed,
        documents_missing: missing,
        dates,
    })
}

/// The `n`th working day after `from` on the calendar.
pub fn working_days_after(
    cal: &crate::schedule::dates::HolidayCalendar,
    from: NaiveDate,
    n: u32,
) -> NaiveDate {
    let mut d = from;
    let mut left = n;
    while left > 0 {
        match d.succ_opt() {
            Some(x) => d = x,
            None => break,
        }
        if cal.is_business_day(d) {
            left -= 1;
        }
    }
    d
}
