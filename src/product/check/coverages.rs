//! Coverages: their terms (sum insured, deductible, ratio, others), tiers, limits, benefit
//! scales and indemnity percentages.

use super::*;

impl Checker<'_> {
    /// Every coverage and its term slots.
    pub(super) fn coverages(&mut self, raw: &RawProduct, root: &Node, d: &mut Draft) {
        let line = d.line;
        let mut coverages: Vec<Coverage> = Vec::new();
        let mut slots: Vec<TermSlot> = Vec::new();
        let mut cov_spans: Vec<Span> = Vec::new();
        if raw.coverages.is_empty() && root.get("coverages").is_some() {
            self.err(
                crate::diagnostics::codes::E0112,
                raw.code.span,
                "the product has no coverages",
            )
            .help = Some("add at least one coverage under `coverages:`".into());
        }
        for c in &raw.coverages {
            let Some(c) = &c.0 else { continue };
            if coverages.iter().any(|x| x.code == c.code.value) {
                self.err(
                    crate::diagnostics::codes::E0108,
                    c.code.span,
                    format!("the coverage `{}` is declared twice", c.code.value),
                );
                continue;
            }
            let cov_index = coverages.len() as u16;
            let vat_exempt = word(&c.vat) == Some(Vat::Exempt);
            let mut term_ids = Vec::new();
            let mut add_slot = |this: &mut Self,
                                tname: &str,
                                choice: &Recover<raw::RawTermChoice>,
                                span: Span,
                                ratio: bool| {
                let Some(choice) = &choice.0 else { return };
                if let Some((ch, default)) = this.choice(choice, span, ratio) {
                    term_ids.push(slots.len() as u16);
                    slots.push(TermSlot {
                        coverage: cov_index,
                        name: tname.to_string(),
                        choice: ch,
                        default,
                    });
                }
            };
            if let Some(s) = &c.sum_insured {
                add_slot(self, "sum_insured", s, c.code.span, false);
            }
            if let Some(s) = &c.deductible {
                add_slot(self, "deductible", s, c.code.span, false);
            }
            if let Some(s) = &c.ratio {
                add_slot(self, "ratio", s, c.code.span, true);
            }
            for (tn, tc) in &c.terms {
                if ["sum_insured", "deductible", "ratio"].contains(&tn.value.as_str()) {
                    self.err(
                        crate::diagnostics::codes::E0108,
                        tn.span,
                        format!(
                            "`{}` is a standard term; declare it beside `terms`, not in it",
                            tn.value
                        ),
                    );
                    continue;
                }
                add_slot(self, &tn.value, tc, tn.span, false);
            }
            let (tiers, limits, benefit_scale, indemnity) = self.coverage_parts(c);
            if let Some(w) = &c.waiting_period_days
                && line == Some(Line::Health)
                && w.value > 180
            {
                self.err(
                    crate::diagnostics::codes::E0116,
                    w.span,
                    format!(
                        "a health waiting period of {} days exceeds the 180 days allowed",
                        w.value
                    ),
                );
            }
            cov_spans.push(c.code.span);
            coverages.push(Coverage {
                code: c.code.value.clone(),
                name: self.names(&c.name),
                vat_exempt,
                optional: c.optional.as_ref().is_some_and(|o| o.value),
                terms: term_ids,
                tiers,
                limits,
                waiting_period_days: c.waiting_period_days.as_ref().map(|w| w.value),
                benefit_scale,
                indemnity,
                clause: c.clause.as_ref().map(|c| c.value.clone()),
                premium_step: u16::MAX,
            });
        }
        d.coverages = coverages;
        d.slots = slots;
        d.cov_spans = cov_spans;
    }

    /// Tiers, limits, benefit scale and indemnity percentages of a coverage.
    #[allow(clippy::type_complexity)]
    fn coverage_parts(
        &mut self,
        c: &raw::RawCoverage,
    ) -> (
        Vec<Tier>,
        Vec<Limit>,
        Option<BenefitScale>,
        BTreeMap<String, Decimal>,
    ) {
        let mut tiers = Vec::new();
        for t in c.tiers.iter().filter_map(|t| t.0.as_ref()) {
            let from = self.num(&t.from);
            let to = t.to.as_ref().and_then(|x| self.num(x));
            let ratio = self.num(&t.ratio);
            if let Some(r) = ratio
                && !(Decimal::ZERO..=Decimal::ONE).contains(&r)
            {
                self.err(
                    crate::diagnostics::codes::E0113,
                    t.ratio.span,
                    format!("the ratio {r} is outside [0, 1]"),
                )
                .help = Some("write ratios as 0.6 or 60%".into());
            }
            if let (Some(from), Some(ratio)) = (from, ratio) {
                if let Some(prev) = tiers.last().map(|x: &Tier| x.to)
                    && prev != Some(from)
                {
                    self.err(
                        crate::diagnostics::codes::E0114,
                        t.from.span,
                        "tiers must follow each other without gaps or overlaps",
                    );
                }
                tiers.push(Tier { from, to, ratio });
            }
        }
        let mut limits = Vec::new();
        for l in c.limits.iter().filter_map(|l| l.0.as_ref()) {
            if let Some(amount) = self.num(&l.amount) {
                if amount < Decimal::ZERO {
                    self.err(
                        crate::diagnostics::codes::E0115,
                        l.amount.span,
                        "a limit cannot be negative",
                    );
                }
                limits.push(Limit {
                    name: self.names(&l.name),
                    amount,
                    unit: l
                        .unit
                        .as_ref()
                        .and_then(word)
                        .filter(|u| *u != LimitUnit::Amount),
                });
            }
        }
        let benefit_scale = c
            .benefit_scale
            .as_ref()
            .and_then(|b| b.0.as_ref())
            .map(|b| {
                let mut grades = Vec::new();
                for g in &b.grades {
                    if let Some(d) = self.num(g) {
                        if !(Decimal::ZERO..=Decimal::ONE).contains(&d) {
                            self.err(
                                crate::diagnostics::codes::E0113,
                                g.span,
                                format!("the benefit share {d} is outside [0, 1]"),
                            );
                        }
                        grades.push(d);
                    }
                }
                BenefitScale {
                    name: b.name.value.clone(),
                    grades,
                }
            });
        let mut indemnity = BTreeMap::new();
        for (k, v) in &c.indemnity {
            if let Some(d) = self.num(v) {
                if !(Decimal::ZERO..=Decimal::ONE).contains(&d) {
                    self.err(
                        crate::diagnostics::codes::E0113,
                        v.span,
                        format!("the indemnity percentage {d} is outside [0, 1]"),
                    );
                }
                indemnity.insert(k.value.clone(), d);
            }
        }
        (tiers, limits, benefit_scale, indemnity)
    }

    pub(super) fn choice(
        &mut self,
        c: &raw::RawTermChoice,
        span: Span,
        ratio: bool,
    ) -> Option<(Choice, Option<Decimal>)> {
        let check_ratio = |this: &mut Self, d: Decimal, s: Span| {
            if ratio && !(Decimal::ZERO..=Decimal::ONE).contains(&d) {
                this.err(
                    crate::diagnostics::codes::E0113,
                    s,
                    format!("the ratio {d} is outside [0, 1]"),
                )
                .help = Some("write ratios as 0.9 or 90%".into());
            } else if d < Decimal::ZERO {
                this.err(
                    crate::diagnostics::codes::E0115,
                    s,
                    format!("{d} is negative; terms cannot be"),
                );
            }
        };
        let default = c.default.as_ref().and_then(|d| self.num(d));
        let choice = if !c.options.is_empty() {
            if c.min.is_some() || c.max.is_some() || c.step.is_some() {
                self.err(
                    crate::diagnostics::codes::E0125,
                    span,
                    "give either `options` or `min`/`max`, not both",
                );
            }
            let mut opts = Vec::new();
            for o in &c.options {
                if let Some(d) = self.num(o) {
                    check_ratio(self, d, o.span);
                    if opts.contains(&d) {
                        self.err(
                            crate::diagnostics::codes::E0108,
                            o.span,
                            format!("the option {d} is listed twice"),
                        );
                    }
                    opts.push(d);
                }
            }
            Choice::Options(opts)
        } else {
            let (Some(mn), Some(mx)) = (c.min.as_ref(), c.max.as_ref()) else {
                self.err(
                    crate::diagnostics::codes::E0125,
                    span,
                    "a term needs `options: [...]` or both `min` and `max`",
                );
                return None;
            };
            let (min, max) = (self.num(mn)?, self.num(mx)?);
            check_ratio(self, min, mn.span);
            check_ratio(self, max, mx.span);
            if min > max {
                self.err(
                    crate::diagnostics::codes::E0125,
                    mx.span,
                    format!("`max` ({max}) is below `min` ({min})"),
                );
            }
            let step = c.step.as_ref().and_then(|s| self.num(s));
            if let (Some(st), Some(s)) = (step, c.step.as_ref())
                && st <= Decimal::ZERO
            {
                self.err(
                    crate::diagnostics::codes::E0125,
                    s.span,
                    "`step` must be positive",
                );
            }
            Choice::Range { min, max, step }
        };
        if let (Some(d), Some(ds)) = (default, c.default.as_ref())
            && !choice_allows(&choice, d)
        {
            self.err(
                crate::diagnostics::codes::E0125,
                ds.span,
                format!("the default {d} is not one of the allowed values"),
            );
        }
        Some((choice, default))
    }
}

pub fn choice_allows(c: &Choice, d: Decimal) -> bool {
    match c {
        Choice::Options(o) => o.contains(&d),
        Choice::Range { min, max, step } => {
            d >= *min && d <= *max && step.is_none_or(|s| s.is_zero() || ((d - *min) % s).is_zero())
        }
    }
}
