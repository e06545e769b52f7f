//! The `claims:` section: claim inputs typed and ranged, benefit steps, limits and conditions
//! compiled like rating formulas (located errors), the simplified path and the claims test
//! cases. Builds [`crate::claims::ClaimRules`].

use super::*;
use crate::claims::{
    BUILTINS, Benefit, BenefitLimit, BenefitStep, ClaimCase, ClaimInput, ClaimRules, Condition,
    InputKind, LimitPer, SimpleRule,
};
use crate::product::claims_raw::{self as cr, ClaimInputType, ConditionOutcome};
use crate::schedule::dates::HolidayCalendar;

/// Names a benefit formula sees: its own (claim inputs, built-ins, steps, `STEP_before`),
/// then the product's coverage terms, member inputs and tables.
struct ClaimScope<'a> {
    base: &'a Names2,
    own: HashMap<String, (Ref, Ty, Scope)>,
}

impl Resolve for ClaimScope<'_> {
    fn name(&self, name: &str) -> Option<(Ref, Ty, Scope)> {
        if let Some(x) = self.own.get(name) {
            return Some(*x);
        }
        match self.base.map.get(name) {
            Some(x @ (Ref::Term(_), _, _)) | Some(x @ (Ref::Member(_), _, _)) => Some(*x),
            _ => None,
        }
    }
    fn table(&self, name: &str) -> Option<&TableSig> {
        self.base.tables.get(name)
    }
    fn life_table(&self, _: &str) -> Option<u16> {
        None
    }
    fn candidates(&self) -> Vec<String> {
        let mut v: Vec<String> = self.own.keys().cloned().collect();
        v.extend(
            self.base
                .map
                .iter()
                .filter(|(_, (r, _, _))| matches!(r, Ref::Term(_) | Ref::Member(_)))
                .map(|(k, _)| k.clone()),
        );
        v.sort();
        v
    }
    fn table_candidates(&self) -> Vec<String> {
        self.base.table_candidates()
    }
    fn broken(&self, name: &str) -> bool {
        self.base.broken(name)
    }
}

fn is_name(s: &str) -> bool {
    s.chars().all(|c| c.is_alphanumeric() || c == '_')
        && s.chars().next().is_some_and(|c| c.is_alphabetic())
}

impl Checker<'_> {
    fn compile_claim(&mut self, scope: &ClaimScope, f: &Sp<String>, want: Ty) -> Option<Expr> {
        let ast = match formula::parse::parse(&f.value) {
            Ok(a) => a,
            Err(e) => {
                let span = self.formula_span(f.span, &f.value, e.start, e.end);
                self.err(
                    crate::diagnostics::codes::E0300,
                    span,
                    format!("formula syntax: {}", e.message),
                );
                return None;
            }
        };
        let mut c = Compiler::new(scope, &mut self.interner, Scope::Member);
        let out = c.compile_as(&ast, want);
        let errors = std::mem::take(&mut c.errors);
        for e in errors {
            let span = self.formula_span(f.span, &f.value, e.start, e.end);
            self.err(e.code, span, e.message).help = e.help;
        }
        out
    }

    /// The claims section, when the product has one.
    pub(super) fn claims(&mut self, raw: &RawProduct, root: &Node, d: &mut Draft) {
        let Some(Recover(Some(c))) = &raw.claims else {
            return;
        };
        let calendar = match &c.calendar {
            None => Some(HolidayCalendar::weekends_only()),
            Some(name) => self.read_beside(name, "calendar").and_then(|(p, text)| {
                match HolidayCalendar::from_yaml(&p.display().to_string(), &text) {
                    Ok(cal) => Some(cal),
                    Err(e) => {
                        self.err(
                            crate::diagnostics::codes::E0121,
                            name.span,
                            format!("the calendar: {e}"),
                        );
                        None
                    }
                }
            }),
        };
        let simple = c.simple.as_ref().and_then(|s| s.0.as_ref()).and_then(|s| {
            for code in &s.coverages {
                self.known_coverage(code, d);
            }
            Some(SimpleRule {
                max_payable: self.num(&s.max_payable)?,
                coverages: s.coverages.iter().map(|x| x.value.clone()).collect(),
                documents: s.documents.iter().map(|x| x.value.clone()).collect(),
            })
        });
        let mut benefits: Vec<Benefit> = Vec::new();
        for b in c.benefits.iter().filter_map(|b| b.0.as_ref()) {
            if benefits.iter().any(|x| x.code == b.coverage.value) {
                self.err(
                    crate::diagnostics::codes::E0108,
                    b.coverage.span,
                    format!("the benefit of `{}` is declared twice", b.coverage.value),
                );
                continue;
            }
            if let Some(benefit) = self.benefit(b, d) {
                benefits.push(benefit);
            }
        }
        let node = root.get("claims");
        let tests = self.claim_tests(c, node, &benefits);
        d.claims = Some(ClaimRules {
            window_days: c.window_days.as_ref().map(|w| w.value).unwrap_or(0),
            calendar: calendar.unwrap_or_default(),
            documents: c.documents.iter().map(|x| x.value.clone()).collect(),
            simple,
            benefits,
            tests,
        });
    }

    fn known_coverage(&mut self, code: &Sp<String>, d: &Draft) -> Option<u16> {
        let i = d.coverages.iter().position(|c| c.code == code.value);
        if i.is_none() {
            let codes: Vec<&str> = d.coverages.iter().map(|c| c.code.as_str()).collect();
            self.unknown_word("coverage", code, &codes);
        }
        i.map(|i| i as u16)
    }

    fn claim_input(&mut self, name: &Sp<String>, f: &cr::RawClaimInput, slot: u16) -> ClaimInput {
        let kind = match word(&f.ty) {
            Some(ClaimInputType::Integer) | None => InputKind::Integer,
            Some(ClaimInputType::Decimal) => InputKind::Decimal,
            Some(ClaimInputType::Bool) => InputKind::Bool,
            Some(ClaimInputType::Date) => InputKind::Date,
            Some(ClaimInputType::Grade) => InputKind::Grade,
            Some(ClaimInputType::Grades) => InputKind::Grades,
            Some(ClaimInputType::Enum) => {
                if f.values.is_empty() {
                    self.err(
                        crate::diagnostics::codes::E0125,
                        name.span,
                        "an `enum` input needs `values`",
                    );
                }
                InputKind::Enum(f.values.iter().map(|v| self.interner.intern(v)).collect())
            }
        };
        let numeric = matches!(kind, InputKind::Integer | InputKind::Decimal);
        if !numeric && (f.min.is_some() || f.max.is_some()) {
            self.err(
                crate::diagnostics::codes::E0125,
                name.span,
                "`min`/`max` are for numbers only",
            );
        }
        let min = f.min.as_ref().and_then(|x| self.num(x));
        let max = f.max.as_ref().and_then(|x| self.num(x));
        if let (Some(a), Some(b)) = (min, max)
            && b < a
        {
            self.err(
                crate::diagnostics::codes::E0125,
                name.span,
                format!("`max` {b} is below `min` {a}"),
            );
        }
        ClaimInput {
            name: name.value.clone(),
            kind,
            min,
            max,
            default: f.default.as_ref().map(|x| x.value.clone()),
            label: f.label.as_ref().map(|l| self.names(l)),
            slot,
        }
    }

    fn benefit(&mut self, b: &cr::RawBenefit, d: &Draft) -> Option<Benefit> {
        let cov = self.known_coverage(&b.coverage, d)?;
        let mut scope = ClaimScope {
            base: &d.names,
            own: HashMap::new(),
        };
        let mut inputs = Vec::new();
        let mut slot: u16 = 0;
        for (name, f) in &b.inputs {
            let Some(f) = &f.0 else { continue };
            if !is_name(name) || d.names.map.contains_key(&name.value) {
                self.err(
                    crate::diagnostics::codes::E0103,
                    name.span,
                    format!("`{}` cannot name a claim input", name.value),
                )
                .help =
                    Some("use letters, digits and `_`, not the name of an input or a term".into());
                continue;
            }
            let input = self.claim_input(name, f, slot);
            let ty = match input.kind {
                InputKind::Bool => Ty::Bool,
                InputKind::Enum(_) => Ty::Text,
                _ => Ty::Num,
            };
            scope
                .own
                .insert(name.value.clone(), (Ref::Policy(slot), ty, Scope::Policy));
            slot += 1;
            if matches!(input.kind, InputKind::Grade | InputKind::Grades) {
                if d.coverages[cov as usize].benefit_scale.is_none() {
                    self.err(
                        crate::diagnostics::codes::E0125,
                        name.span,
                        format!(
                            "`{}` is a grade, but the coverage has no `benefit_scale`",
                            name.value
                        ),
                    );
                }
                scope.own.insert(
                    format!("{}_share", name.value),
                    (Ref::Policy(slot), Ty::Num, Scope::Policy),
                );
                slot += 1;
            }
            inputs.push(input);
        }
        let builtin_slot = slot;
        for n in BUILTINS {
            scope
                .own
                .insert(n.to_string(), (Ref::Policy(slot), Ty::Num, Scope::Policy));
            slot += 1;
        }
        let conditions = self.conditions(b, &scope);
        let raw_steps: Vec<&cr::RawBenefitStep> =
            b.steps.iter().filter_map(|s| s.0.as_ref()).collect();
        let before_slot = slot;
        for s in &raw_steps {
            scope.own.insert(
                format!("{}_before", s.step.value),
                (Ref::Policy(slot), Ty::Num, Scope::Policy),
            );
            slot += 1;
        }
        let mut steps: Vec<BenefitStep> = Vec::new();
        for (i, s) in raw_steps.iter().enumerate() {
            if !is_name(&s.step) || scope.name(&s.step).is_some() {
                self.err(
                    crate::diagnostics::codes::E0108,
                    s.step.span,
                    format!(
                        "`{}` cannot name a benefit step: the name is taken or malformed",
                        s.step.value
                    ),
                );
                continue;
            }
            let expr = self.compile_claim(&scope, &s.formula, Ty::Num);
            scope.own.insert(
                s.step.value.clone(),
                (Ref::PolicyStep(i as u16), Ty::Num, Scope::Policy),
            );
            if let Some(expr) = expr {
                steps.push(BenefitStep {
                    name: s.step.value.clone(),
                    formula: s.formula.value.clone(),
                    expr,
                    note: s.note.as_ref().map(|n| n.value.clone()),
                    line: s.step.span.line,
                });
            }
        }
        if steps.is_empty() {
            self.err(
                crate::diagnostics::codes::E0112,
                b.coverage.span,
                "a benefit needs at least one step",
            );
        }
        let payable = steps.iter().position(|s| s.name == b.payable.value);
        if payable.is_none() {
            let names: Vec<&str> = raw_steps.iter().map(|s| s.step.value.as_str()).collect();
            self.unknown_word("benefit step", &b.payable, &names);
        }
        let limits = self.limits(b, &scope);
        (steps.len() == raw_steps.len()).then_some(())?;
        Some(Benefit {
            coverage: cov,
            code: b.coverage.value.clone(),
            inputs,
            conditions,
            steps,
            payable: payable?,
            limits,
            simple_allowed: !b.not_simple.as_ref().is_some_and(|x| x.value),
            builtin_slot,
            before_slot,
            slots: slot,
        })
    }

    fn conditions(&mut self, b: &cr::RawBenefit, scope: &ClaimScope) -> Vec<Condition> {
        let mut out: Vec<Condition> = Vec::new();
        for c in b.conditions.iter().filter_map(|c| c.0.as_ref()) {
            if out.iter().any(|x| x.rule == c.rule.value) {
                self.err(
                    crate::diagnostics::codes::E0108,
                    c.rule.span,
                    format!("the condition `{}` is declared twice", c.rule.value),
                );
            }
            if let Some(expr) = self.compile_claim(scope, &c.require, Ty::Bool) {
                out.push(Condition {
                    rule: c.rule.value.clone(),
                    formula: c.require.value.clone(),
                    expr,
                    refer: c.outcome.as_ref().and_then(word) == Some(ConditionOutcome::Refer),
                    message: self.names(&c.message),
                });
            }
        }
        out
    }

    fn limits(&mut self, b: &cr::RawBenefit, scope: &ClaimScope) -> Vec<BenefitLimit> {
        let mut out: Vec<BenefitLimit> = Vec::new();
        for l in b.limits.iter().filter_map(|l| l.0.as_ref()) {
            let per = match word(&l.per) {
                Some(cr::LimitPer::Claim) | None => LimitPer::Claim,
                Some(cr::LimitPer::Event) => LimitPer::Event,
                Some(cr::LimitPer::Year) => LimitPer::Year,
                Some(cr::LimitPer::PolicyYear) => LimitPer::PolicyYear,
            };
            if out.iter().any(|x| x.name == l.limit.value) {
                self.err(
                    crate::diagnostics::codes::E0108,
                    l.limit.span,
                    format!("the limit `{}` is declared twice", l.limit.value),
                );
            }
            if let Some(expr) = self.compile_claim(scope, &l.amount, Ty::Num) {
                out.push(BenefitLimit {
                    name: l.limit.value.clone(),
                    per,
                    formula: l.amount.value.clone(),
                    expr,
                });
            }
        }
        out
    }

    fn claim_tests(
        &mut self,
        c: &cr::RawClaims,
        node: Option<&Node>,
        benefits: &[Benefit],
    ) -> Vec<ClaimCase> {
        let nodes = match node.and_then(|n| n.get("tests")).map(|n| &n.kind) {
            Some(crate::yaml::NodeKind::Seq(items)) => items.clone(),
            _ => Vec::new(),
        };
        let mut out = Vec::new();
        for (i, t) in c.tests.iter().enumerate() {
            let Some(t) = &t.0 else { continue };
            let Some(n) = nodes.get(i) else { continue };
            let (Some(request), Some(claim)) = (n.get("request"), n.get("claim")) else {
                continue;
            };
            let history = match n.get("history").map(|h| &h.kind) {
                Some(crate::yaml::NodeKind::Seq(items)) => items.clone(),
                _ => Vec::new(),
            };
            let Some(e) = &t.expect.0 else { continue };
            if e.decision.is_none()
                && e.payable.is_none()
                && e.coverages.is_empty()
                && e.decline.is_empty()
            {
                self.err(
                    crate::diagnostics::codes::E0133,
                    t.name.span,
                    format!("claims test `{}` expects nothing", t.name.value),
                )
                .help = Some(
                    "add `decision`, `payable`, `coverages` or `decline` under `expect`".into(),
                );
            }
            for k in e.coverages.keys() {
                if !benefits.iter().any(|b| b.code == k.value) {
                    let codes: Vec<&str> = benefits.iter().map(|b| b.code.as_str()).collect();
                    self.unknown_word("benefit", k, &codes);
                }
            }
            out.push(ClaimCase {
                name: t.name.value.clone(),
                line: t.name.span.line,
                request: request.clone(),
                history,
                claim: claim.clone(),
                decision: e.decision.as_ref().map(|x| x.value.clone()),
                payable: e.payable.as_ref().and_then(|x| self.num(x)),
                coverages: e
                    .coverages
                    .iter()
                    .filter_map(|(k, v)| self.num(v).map(|d| (k.value.clone(), d)))
                    .collect(),
                decline: e.decline.iter().map(|x| x.value.clone()).collect(),
                limited_by: e.limited_by.iter().map(|x| x.value.clone()).collect(),
                path: e.path.as_ref().map(|x| x.value.clone()),
            });
        }
        out
    }
}
