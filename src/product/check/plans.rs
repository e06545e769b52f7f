//! Payment plans and declaration terms.

use super::schedules::PlanContext;
use super::*;

impl Checker<'_> {
    /// Payment plans, what flexible plans need, and declarations.
    pub(super) fn payment_plans(&mut self, raw: &RawProduct, d: &mut Draft) {
        let steps = &d.steps;
        let fields = &d.fields;
        let cx = match (d.currency, &d.rounding) {
            (Some(currency), Some(r)) => Some(PlanContext {
                currency,
                rounding: r.mode(),
                grace_days: raw
                    .grace_period_days
                    .as_ref()
                    .map_or(crate::schedule::plan::STATUTORY_GRACE_DAYS, |g| g.value),
            }),
            _ => None,
        };
        let mut plans = Vec::new();
        for (mut plan, rp) in self.plans(raw) {
            let before = self.diags.len();
            if let Some(step) = &rp.payout_factor {
                match steps.iter().position(|s| s.name == step.value) {
                    Some(i) => plan.payout_factor = Some(i as u16),
                    None => {
                        let help = suggest_in(&step.value, steps.iter().map(|s| s.name.as_str()));
                        self.err(
                            crate::diagnostics::codes::E0111,
                            step.span,
                            format!("unknown step `{}`", step.value),
                        )
                        .help = Some(help);
                    }
                }
            }
            if plan.mode == PlanMode::Flexible {
                if plan.crediting_rate.is_none() {
                    self.err(
                        crate::diagnostics::codes::E0119,
                        rp.code.span,
                        "a flexible plan needs a `crediting_rate`",
                    );
                }
                // A flexible plan reads the planned contribution from these options.
                for (name, want) in [("contribution", "decimal"), ("frequency", "enum")] {
                    let ok = fields.iter().any(|f| {
                        f.name == name
                            && f.group == InputGroup::Options
                            && match (&f.ty, want) {
                                (FieldType::Decimal { .. }, "decimal")
                                | (FieldType::Integer { .. }, "integer") => true,
                                (FieldType::Enum(v), "enum") => v.iter().all(|s| {
                                    ["monthly", "quarterly", "yearly"]
                                        .contains(&self.interner.word(*s))
                                }),
                                _ => false,
                            }
                    });
                    if !ok {
                        self.err(crate::diagnostics::codes::E0119, rp.code.span, format!("a flexible plan needs an option `{name}` ({want})"))
                            .help = Some("declare `contribution` (decimal) and `frequency` (enum of monthly, quarterly, yearly) under `inputs.options`; the term in years is the contribution period".into());
                    }
                }
            }
            self.calendar_period(&plan, rp, d.from, d.to);
            if let Some(cx) = cx
                && self.diags.len() == before
            {
                plan.instalments = self.instalment_plan(&plan, rp, cx);
            }
            plans.push(plan);
        }
        let declarations = raw
            .declarations
            .as_ref()
            .and_then(|d| d.0.as_ref())
            .and_then(|d| {
                for day in [&d.declare_by_day, &d.premium_due_day] {
                    if day.value == 0 || day.value > 28 {
                        self.err(
                            crate::diagnostics::codes::E0123,
                            day.span,
                            "a day of the month must be from 1 to 28 so that every month has it",
                        );
                    }
                }
                if d.max_credit_days.value > d.max_credit_days_approved.value {
                    self.err(
                        crate::diagnostics::codes::E0123,
                        d.max_credit_days.span,
                        "the credit period without approval exceeds the one with approval",
                    );
                }
                let maximum_liability = self.num(&d.maximum_liability)?;
                let deposit_share = d.deposit_share.as_ref().and_then(|s| self.num(s));
                if let (Some(s), Some(sp)) = (deposit_share, d.deposit_share.as_ref())
                    && !(Decimal::ZERO..=Decimal::ONE).contains(&s)
                {
                    self.err(
                        crate::diagnostics::codes::E0113,
                        sp.span,
                        format!("the deposit share {s} is outside [0, 1]"),
                    );
                }
                Some(Declarations {
                    declare_by_day: d.declare_by_day.value,
                    premium_due_day: d.premium_due_day.value,
                    deposit_share,
                    maximum_liability,
                    max_credit_days: d.max_credit_days.value,
                    max_credit_days_approved: d.max_credit_days_approved.value,
                })
            });
        if plans.iter().any(|p| p.mode == PlanMode::Declaration)
            && declarations.is_none()
            && raw.declarations.is_none()
        {
            self.err(
                crate::diagnostics::codes::E0119,
                raw.code.span,
                "a declaration payment plan needs a `declarations:` section",
            );
        }
        d.plans = plans;
        d.declarations = declarations;
    }

    /// Each plan as declared, with the raw plan it came from.
    pub(super) fn plans<'r>(
        &mut self,
        raw: &'r RawProduct,
    ) -> Vec<(PaymentPlan, &'r raw::RawPaymentPlan)> {
        let mut out: Vec<(PaymentPlan, &raw::RawPaymentPlan)> = Vec::new();
        for p in raw.payment_plans.iter().filter_map(|p| p.0.as_ref()) {
            if out.iter().any(|(x, _)| x.code == p.code.value) {
                self.err(
                    crate::diagnostics::codes::E0108,
                    p.code.span,
                    format!("the payment plan `{}` is declared twice", p.code.value),
                );
                continue;
            }
            let Some(mode) = word(&p.mode) else {
                continue;
            };
            let modal_factor = p.modal_factor.as_ref().and_then(|f| self.num(f));
            let loading = p.loading.as_ref().and_then(|f| self.num(f));
            if let (Some(f), Some(s)) = (modal_factor, p.modal_factor.as_ref())
                && (f <= Decimal::ZERO || f > Decimal::ONE)
            {
                self.err(
                    crate::diagnostics::codes::E0113,
                    s.span,
                    format!("the modal factor {f} must be above 0 and at most 1"),
                );
            }
            if modal_factor.is_some() && loading.is_some() {
                self.err(
                    crate::diagnostics::codes::E0125,
                    p.code.span,
                    "give a `modal_factor` or a `loading`, not both",
                );
            }
            if let (Some(l), Some(s)) = (loading, p.loading.as_ref())
                && l < Decimal::ZERO
            {
                self.err(
                    crate::diagnostics::codes::E0115,
                    s.span,
                    "a loading cannot be negative",
                );
            }
            let (mut fee_flat, mut fee_percent, mut waive) = (None, None, false);
            if let Some(f) = p.fee.as_ref().and_then(|f| f.0.as_ref()) {
                fee_flat = f.flat.as_ref().and_then(|x| self.num(x));
                fee_percent = f.percent.as_ref().and_then(|x| self.num(x));
                waive = f.waive_first.as_ref().is_some_and(|w| w.value);
                if fee_flat.is_some() == fee_percent.is_some() {
                    self.err(
                        crate::diagnostics::codes::E0125,
                        p.code.span,
                        "an instalment fee needs either `flat` or `percent`",
                    );
                }
                if let (Some(x), Some(s)) = (fee_percent, f.percent.as_ref())
                    && !(Decimal::ZERO..=Decimal::ONE).contains(&x)
                {
                    self.err(
                        crate::diagnostics::codes::E0113,
                        s.span,
                        format!("the fee percentage {x} is outside [0, 1]"),
                    );
                }
            }
            let (mut dp_pct, mut dp_min) = (None, None);
            if let Some(d) = p.down_payment.as_ref().and_then(|f| f.0.as_ref()) {
                dp_pct = d.percent.as_ref().and_then(|x| self.num(x));
                dp_min = d.at_least.as_ref().and_then(|x| self.num(x));
                if let (Some(x), Some(s)) = (dp_pct, d.percent.as_ref())
                    && !(Decimal::ZERO..=Decimal::ONE).contains(&x)
                {
                    self.err(
                        crate::diagnostics::codes::E0113,
                        s.span,
                        format!("the down payment share {x} is outside [0, 1]"),
                    );
                }
            }
            let remainder_last = p.remainder.as_ref().and_then(word) == Some(Remainder::Last);
            if let Some(d) = &p.collection_day
                && (d.value == 0 || d.value > 31)
            {
                self.err(
                    crate::diagnostics::codes::E0123,
                    d.span,
                    "a collection day is from 1 to 31",
                );
            }
            let (mut calendar, mut holidays) = (None, None);
            if let Some(c) = &p.calendar
                && let Some((path, text)) = self.read_beside(c, "calendar")
            {
                holidays = self.holiday_calendar(&path, &text, c);
                calendar = Some(path);
            }
            let minimum_instalment = p.minimum_instalment.as_ref().and_then(|x| self.num(x));
            let yearly_cap = p.yearly_cap.as_ref().and_then(|x| self.num(x));
            let minimum_contribution = p.minimum_contribution.as_ref().and_then(|x| self.num(x));
            let crediting_rate = p.crediting_rate.as_ref().and_then(|x| self.num(x));
            let initial_charge = p.initial_charge.as_ref().and_then(|x| self.num(x));
            let management_charge = p.management_charge.as_ref().and_then(|x| self.num(x));
            for (v, s) in [
                (crediting_rate, p.crediting_rate.as_ref()),
                (initial_charge, p.initial_charge.as_ref()),
                (management_charge, p.management_charge.as_ref()),
            ] {
                if let (Some(v), Some(s)) = (v, s)
                    && !(Decimal::ZERO..Decimal::ONE).contains(&v)
                {
                    self.err(
                        crate::diagnostics::codes::E0113,
                        s.span,
                        format!("{v} is outside [0, 1)"),
                    );
                }
            }
            let plan = PaymentPlan {
                code: p.code.value.clone(),
                name: p.name.as_ref().map(|n| self.names(n)),
                mode,
                modal_factor,
                loading,
                fee_flat,
                fee_percent,
                waive_first_fee: waive,
                down_payment_percent: dp_pct,
                down_payment_at_least: dp_min,
                minimum_instalment,
                remainder_last,
                collection_day: p.collection_day.as_ref().map(|d| d.value),
                business_day: p.business_day.as_ref().and_then(word),
                calendar,
                instalments: None,
                holidays,
                premium_years: p.premium_years.as_ref().map(|y| y.value),
                yearly_cap,
                minimum_contribution,
                crediting_rate,
                initial_charge,
                management_charge,
                payout_factor: None,
            };
            out.push((plan, p));
        }
        out
    }

    /// Warns when a plan's holiday calendar does not list the holidays of every year in which
    /// the version can start cover: due dates there would fall on holidays unmoved.
    fn calendar_period(
        &mut self,
        plan: &PaymentPlan,
        rp: &raw::RawPaymentPlan,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) {
        let (Some(cal), Some(name), Some(from)) = (&plan.holidays, &rp.calendar, from) else {
            return;
        };
        let Some((first, last)) = cal.years() else {
            return;
        };
        let uncovered = match to {
            Some(to) => !cal.covers(from) || !cal.covers(to),
            None => true,
        };
        if uncovered {
            let period = match to {
                Some(to) => format!("from {from} to {to}"),
                None => format!("from {from} with no end"),
            };
            self.warn(
                crate::diagnostics::codes::W0135,
                name.span,
                format!(
                    "the calendar `{}` covers {first}-{last}, but this version starts cover {period}",
                    name.value
                ),
            )
            .help = Some(
                "due dates outside the calendar's years are moved for weekends only; extend the calendar from the State Council's holiday notice for those years"
                    .into(),
            );
        }
    }
}
