//! Rules and steps: eligibility rules, then rating steps in order (each sees only the steps
//! before it), and one premium step per coverage.

use super::*;

impl Checker<'_> {
    /// Eligibility rules (before steps: they cannot read steps).
    pub(super) fn rules(&mut self, raw: &RawProduct, d: &mut Draft) {
        let names = &d.names;
        let actuarial = &d.actuarial;
        let mut rules = Vec::new();
        let mut rule_refs: Vec<Vec<Ref>> = Vec::new();
        for r in raw.eligibility.iter().filter_map(|r| r.0.as_ref()) {
            let scope = Self::scope(r.per.as_ref(), Scope::Policy);
            if rules.iter().any(|x: &Rule| x.name == r.rule.value) {
                self.err(
                    crate::diagnostics::codes::E0108,
                    r.rule.span,
                    format!("the rule `{}` is declared twice", r.rule.value),
                );
            }
            if let Some((expr, refs)) =
                self.compile(names, &r.require, scope, Ty::Bool, actuarial.is_some())
            {
                rule_refs.push(refs);
                rules.push(Rule {
                    name: r.rule.value.clone(),
                    scope,
                    formula: r.require.value.clone(),
                    expr,
                    message: self.names(&r.message),
                });
            }
        }
        d.rules = rules;
        d.rule_refs = rule_refs;
    }

    /// Rating steps, in order.
    pub(super) fn steps(&mut self, raw: &RawProduct, d: &mut Draft) {
        let names = &mut d.names;
        let coverages = &mut d.coverages;
        let cov_spans = &d.cov_spans;
        let actuarial = &d.actuarial;
        let mut steps: Vec<Step> = Vec::new();
        let rating = raw.rating.0.as_ref();
        let mut step_spans: Vec<Span> = Vec::new();
        if let Some(rating) = rating {
            if rating.steps.is_empty() {
                self.err(
                    crate::diagnostics::codes::E0112,
                    raw.code.span,
                    "the rating plan has no steps",
                );
            }
            let later: HashSet<&str> = rating
                .steps
                .iter()
                .filter_map(|s| s.0.as_ref())
                .map(|s| s.step.value.as_str())
                .collect();
            for s in rating.steps.iter().filter_map(|s| s.0.as_ref()) {
                let name_ok = s.step.chars().all(|c| c.is_alphanumeric() || c == '_')
                    && s.step
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_alphabetic() || c == '_');
                if !name_ok {
                    self.err(
                        crate::diagnostics::codes::E0103,
                        s.step.span,
                        format!("`{}` is not a step name", s.step.value),
                    )
                    .help = Some("use letters, digits and `_`, starting with a letter".into());
                    continue;
                }
                if names.map.contains_key(&s.step.value) {
                    self.err(
                        crate::diagnostics::codes::E0108,
                        s.step.span,
                        format!(
                            "the name `{}` is already used by an input, a term or an earlier step",
                            s.step.value
                        ),
                    );
                    continue;
                }
                if let Some(label) = &s.label {
                    self.check_step_label(&s.step.value, label);
                }
                let scope = Self::scope(Some(&s.per), Scope::Policy);
                let coverage = s.coverage.as_ref().and_then(|c| {
                    match coverages.iter().position(|x| x.code == c.value) {
                        Some(i) => {
                            if coverages[i].premium_step != u16::MAX {
                                self.err(
                                    crate::diagnostics::codes::E0118,
                                    c.span,
                                    format!("coverage `{}` already has a premium step", c.value),
                                );
                                return None;
                            }
                            coverages[i].premium_step = steps.len() as u16;
                            Some(i as u16)
                        }
                        None => {
                            let help =
                                suggest_in(&c.value, coverages.iter().map(|x| x.code.as_str()));
                            self.err(
                                crate::diagnostics::codes::E0111,
                                c.span,
                                format!("unknown coverage `{}`", c.value),
                            )
                            .help = Some(help);
                            None
                        }
                    }
                });
                let compiled =
                    self.compile_step(names, &s.formula, scope, actuarial.is_some(), &later);
                let idx = steps.len() as u16;
                let r = if scope == Scope::Member {
                    Ref::MemberStep(idx)
                } else {
                    Ref::PolicyStep(idx)
                };
                names.map.insert(s.step.value.clone(), (r, Ty::Num, scope));
                step_spans.push(s.step.span);
                let Some(expr) = compiled else {
                    // Keep indices aligned; the product will not be built anyway.
                    steps.push(Step {
                        name: s.step.value.clone(),
                        scope,
                        coverage,
                        formula: s.formula.value.clone(),
                        expr: Expr::Const(Value::Num(Decimal::ZERO)),
                        note: None,
                        label: None,
                        unit: None,
                        line: s.step.span.line,
                    });
                    continue;
                };
                steps.push(Step {
                    name: s.step.value.clone(),
                    scope,
                    coverage,
                    formula: s.formula.value.clone(),
                    expr,
                    note: s.note.as_ref().map(|n| n.value.clone()),
                    label: s.label.as_ref().map(|n| self.names(n)),
                    unit: s.unit.as_ref().and_then(word),
                    line: s.step.span.line,
                });
            }
            for (c, span) in coverages.iter().zip(cov_spans.iter()) {
                if c.premium_step == u16::MAX {
                    self.err(
                        crate::diagnostics::codes::E0118,
                        *span,
                        format!("coverage `{}` has no premium step", c.code),
                    )
                    .help = Some(format!(
                        "add a step with `coverage: {}` whose formula gives its annual premium",
                        c.code
                    ));
                }
            }
        }
        d.steps = steps;
        d.step_spans = step_spans;
    }

    /// A step's customer label: both languages written (the worksheet prints one of them).
    fn check_step_label(&mut self, step: &str, label: &raw::Names) {
        for (text, lang) in [(&label.zh, "Chinese"), (&label.en, "English")] {
            if text.value.trim().is_empty() {
                self.err(
                    crate::diagnostics::codes::E0013,
                    text.span,
                    format!("the label of step `{step}` has no {lang} text"),
                )
                .help = Some(
                    "write what the customer worksheet calls this step, in Chinese (`zh`) and \
                     English (`en`); the step's `note` is for authors and never printed"
                        .to_string(),
                );
            }
        }
    }
}
