//! Checking a product's `pension:` section ([`super::pension_raw::RawPension`]) into
//! [`PensionTerms`], every problem reported at its line and column.
//!
//! Runs after the inputs, steps, payment plans and actuarial section are checked, and reads
//! only their results: input and step names are resolved to slots, enum words to life tables
//! and payout frequencies. A product without the section quotes no pension benefits.

use std::path::Path;

use rust_decimal::Decimal;

use super::pension_raw::{RawAccount, RawPension};
use super::raw::{Num, RawProduct};
use super::{Actuarial, Field, FieldType, InputGroup, Line, PaymentPlan, PlanMode, Step};
use super::{Names, parse_decimal};
use crate::actuarial::Frequency;
use crate::diagnostics::{Diagnostic, Diagnostics, Span, did_you_mean};
use crate::formula::Interner;
use crate::pension::{
    AccountTerms, DeathAfterPayout, DeathBeforePayout, Design, InputSlot, PensionTerms, Scenario,
};
use crate::yaml::Sp;

/// What the section is checked against: the rest of the checked product.
pub struct Context<'a> {
    pub file: &'a Path,
    pub line: Option<Line>,
    pub fields: &'a [Field],
    pub steps: &'a [Step],
    pub plans: &'a [PaymentPlan],
    pub actuarial: Option<&'a Actuarial>,
    pub interner: &'a Interner,
}

/// The longest guarantee or payout term a product may declare, in years.
const MAX_PAYOUT_YEARS: u32 = 100;

/// A share written as a percentage: `0.015` as `1.5%`.
fn pct(d: Decimal) -> String {
    match d.checked_mul(Decimal::ONE_HUNDRED) {
        Some(x) => format!("{}%", x.normalize()),
        None => d.normalize().to_string(),
    }
}

struct Check<'a, 'd> {
    cx: &'a Context<'a>,
    diags: &'d mut Diagnostics,
}

/// Checks `raw.pension`; pushes every problem to `diags`.
pub fn check(raw: &RawProduct, cx: &Context<'_>, diags: &mut Diagnostics) -> Option<PensionTerms> {
    let mut c = Check { cx, diags };
    let section = raw.pension.as_ref()?;
    let p = section.0.as_ref()?;
    c.pension(p)
}

impl Check<'_, '_> {
    fn err(&mut self, code: &'static str, span: Span, message: impl Into<String>, help: &str) {
        let mut d = Diagnostic::error(code, message)
            .in_file(self.cx.file)
            .at(span);
        if !help.is_empty() {
            d = d.with_help(help);
        }
        self.diags.push(d);
    }

    fn num(&mut self, n: &Sp<Num>) -> Option<Decimal> {
        match parse_decimal(&n.value.0) {
            Ok(d) => Some(d),
            Err(e) => {
                self.err(
                    crate::diagnostics::codes::E0101,
                    n.span,
                    e,
                    "write a number such as 3% or 0.03",
                );
                None
            }
        }
    }

    fn word<T: Copy>(&mut self, what: &str, w: &Sp<String>, options: &[(&str, T)]) -> Option<T> {
        if let Some((_, t)) = options.iter().find(|(k, _)| *k == w.value) {
            return Some(*t);
        }
        let words: Vec<&str> = options.iter().map(|(k, _)| *k).collect();
        let help = match did_you_mean(&w.value, words.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? use one of: {}", words.join(", ")),
            None => format!("use one of: {}", words.join(", ")),
        };
        self.err(
            crate::diagnostics::codes::E0171,
            w.span,
            format!("unknown {what} `{}`", w.value),
            &help,
        );
        None
    }

    /// Resolves an input name to its slot; `integer` asks for an integer input.
    fn input(&mut self, name: &Sp<String>, integer: bool) -> Option<(InputSlot, FieldType)> {
        let fields = self.cx.fields;
        let Some(f) = fields.iter().find(|f| f.name == name.value) else {
            let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
            let help = did_you_mean(&name.value, names.iter().copied())
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| format!("inputs: {}", names.join(", ")));
            self.err(
                crate::diagnostics::codes::E0170,
                name.span,
                format!("unknown input `{}`", name.value),
                &help,
            );
            return None;
        };
        let member = f.group == InputGroup::Member;
        let index = fields
            .iter()
            .filter(|g| (g.group == InputGroup::Member) == member)
            .position(|g| g.name == f.name)?;
        if integer && !matches!(f.ty, FieldType::Integer { .. }) {
            self.err(
                crate::diagnostics::codes::E0170,
                name.span,
                format!("the input `{}` is not an integer", name.value),
                "name an `integer` input",
            );
            return None;
        }
        let slot = InputSlot {
            name: f.name.clone(),
            group: f.group,
            index,
        };
        Some((slot, f.ty.clone()))
    }

    /// The words of an enum input.
    fn enum_words(&mut self, name: &Sp<String>) -> Option<(InputSlot, Vec<String>)> {
        let (slot, ty) = self.input(name, false)?;
        let FieldType::Enum(syms) = ty else {
            self.err(
                crate::diagnostics::codes::E0170,
                name.span,
                format!("the input `{}` is not an enum", name.value),
                "name an `enum` input",
            );
            return None;
        };
        let words = syms
            .iter()
            .map(|s| self.cx.interner.word(*s).to_string())
            .collect();
        Some((slot, words))
    }

    fn step(&mut self, name: &Sp<String>) -> Option<u16> {
        let steps = self.cx.steps;
        if let Some(i) = steps.iter().position(|s| s.name == name.value) {
            return u16::try_from(i).ok();
        }
        let names: Vec<&str> = steps.iter().map(|s| s.name.as_str()).collect();
        let help = did_you_mean(&name.value, names.iter().copied())
            .map(|s| format!("did you mean `{s}`?"))
            .unwrap_or_else(|| "name a step of the rating plan".into());
        self.err(
            crate::diagnostics::codes::E0170,
            name.span,
            format!("unknown step `{}`", name.value),
            &help,
        );
        None
    }

    fn charges(&mut self, list: &[Sp<Num>], what: &str) -> Vec<Decimal> {
        let mut out = Vec::new();
        for (k, n) in list.iter().enumerate() {
            let Some(d) = self.num(n) else { continue };
            if d < Decimal::ZERO || d > Decimal::ONE {
                self.err(
                    crate::diagnostics::codes::E0173,
                    n.span,
                    format!(
                        "the {what} of policy year {} is {}, outside 0% to 100%",
                        k + 1,
                        pct(d)
                    ),
                    "a charge is a share, e.g. 3% or 0.03",
                );
            }
            out.push(d);
        }
        out
    }

    fn pension(&mut self, p: &RawPension) -> Option<PensionTerms> {
        let design = self.word(
            "pension design",
            &p.design,
            &[
                ("deferred_annuity", Design::DeferredAnnuity),
                ("universal_account", Design::UniversalAccount),
            ],
        );
        let insured_age = self.input(&p.insured_age, true).map(|x| x.0);
        let payout_age = self.input(&p.payout_age, true).map(|x| x.0);
        let (table_input, tables) = self.tables(p).unzip();
        let (frequency_input, frequencies) = self.frequencies(&p.frequency).unzip();
        let payout_years = if p.payout_term.value == "life" {
            Some(None)
        } else {
            match p.payout_term.value.trim().parse::<u32>() {
                Ok(n) if n > 0 => Some(Some(n)),
                _ => {
                    self.err(
                        crate::diagnostics::codes::E0171,
                        p.payout_term.span,
                        format!("`{}` is not a payout term", p.payout_term.value),
                        "write `life` or a number of years, e.g. 20",
                    );
                    None
                }
            }
        };
        for (span, years) in [
            (p.guaranteed_years.span, Some(p.guaranteed_years.value)),
            (p.payout_term.span, payout_years.flatten()),
        ] {
            if years.is_some_and(|y| y > MAX_PAYOUT_YEARS) {
                self.err(
                    crate::diagnostics::codes::E0173,
                    span,
                    format!("more than {MAX_PAYOUT_YEARS} years of payments"),
                    "a pension pays for life or for a number of years up to 100",
                );
            }
        }
        if let Some(Some(n)) = payout_years
            && p.guaranteed_years.value > n
        {
            self.err(
                crate::diagnostics::codes::E0173,
                p.guaranteed_years.span,
                format!(
                    "{} years guaranteed exceed the payout term of {n} years",
                    p.guaranteed_years.value
                ),
                "",
            );
        }
        let (death_before, death_after) = self.death_benefits(p).unzip();
        let surrender_charges = self.charges(&p.surrender_charges, "surrender charge");
        let yearly_pension = p.yearly_pension.as_ref().and_then(|s| self.step(s));
        let annual_premium = p.annual_premium.as_ref().and_then(|s| self.step(s));
        let account = match &p.account {
            Some(a) => a.0.as_ref().and_then(|a| self.account(a)),
            None => None,
        };
        let design = design?;
        self.design_needs(p, design);
        Some(PensionTerms {
            design,
            line: p.design.span.line,
            insured_age: insured_age?,
            payout_age: payout_age?,
            minimum_payout_age: p.minimum_payout_age.value,
            minimum_line: p.minimum_payout_age.span.line,
            table_input: table_input?,
            tables: tables?,
            frequency_input: frequency_input?,
            frequencies: frequencies?,
            yearly_pension,
            annual_premium,
            guaranteed_years: p.guaranteed_years.value,
            payout_years: payout_years?,
            death_before: death_before?,
            death_after: death_after?,
            surrender_charges,
            account,
        })
    }

    /// What each design must declare.
    fn design_needs(&mut self, p: &RawPension, design: Design) {
        let span = p.design.span;
        match design {
            Design::DeferredAnnuity => {
                for (key, present) in [
                    ("yearly_pension", p.yearly_pension.is_some()),
                    ("annual_premium", p.annual_premium.is_some()),
                ] {
                    if !present {
                        self.err(
                            crate::diagnostics::codes::E0175,
                            span,
                            format!("a deferred annuity needs `pension.{key}`"),
                            "name the step that gives it",
                        );
                    }
                }
                if self.cx.actuarial.is_none() {
                    self.err(
                        crate::diagnostics::codes::E0175,
                        span,
                        "a deferred annuity needs an `actuarial:` section for its reserves",
                        "",
                    );
                }
            }
            Design::UniversalAccount => {
                if p.account.is_none() {
                    self.err(
                        crate::diagnostics::codes::E0175,
                        span,
                        "a universal account needs `pension.account`",
                        "name its flexible plan, withdrawal charges and scenarios",
                    );
                }
            }
        }
    }

    fn tables(&mut self, p: &RawPension) -> Option<(InputSlot, Vec<(String, u16)>)> {
        let t = p.life_table.0.as_ref()?;
        let (slot, words) = self.enum_words(&t.input)?;
        let declared: Vec<String> = self
            .cx
            .actuarial
            .map(|a| a.table_names.clone())
            .unwrap_or_default();
        let mut out = Vec::new();
        let mut ok = true;
        for (word, table) in &t.tables {
            if !words.contains(&word.value) {
                ok = false;
                self.err(
                    crate::diagnostics::codes::E0172,
                    word.span,
                    format!(
                        "`{}` is not a word of the input `{}`",
                        word.value, slot.name
                    ),
                    &format!("its words: {}", words.join(", ")),
                );
                continue;
            }
            match declared.iter().position(|n| *n == table.value) {
                Some(i) => out.push((word.value.clone(), i as u16)),
                None => {
                    ok = false;
                    self.err(
                        crate::diagnostics::codes::E0172,
                        table.span,
                        format!("unknown life table `{}`", table.value),
                        &format!(
                            "declare it under `actuarial.tables`; declared: {}",
                            declared.join(", ")
                        ),
                    );
                }
            }
        }
        for w in &words {
            if !t.tables.keys().any(|k| k.value == *w) {
                ok = false;
                self.err(
                    crate::diagnostics::codes::E0172,
                    t.input.span,
                    format!("no life table for `{}` = `{w}`", slot.name),
                    &format!("add `{w}: <life table>` under `tables`"),
                );
            }
        }
        ok.then_some((slot, out))
    }

    fn frequencies(&mut self, name: &Sp<String>) -> Option<(InputSlot, Vec<(String, Frequency)>)> {
        let (slot, words) = self.enum_words(name)?;
        let mut out = Vec::new();
        for w in words {
            match w.as_str() {
                "yearly" => out.push((w, Frequency::Annual)),
                "monthly" => out.push((w, Frequency::Monthly)),
                _ => {
                    self.err(
                        crate::diagnostics::codes::E0172,
                        name.span,
                        format!(
                            "the input `{}` has the word `{w}`, not a payout frequency",
                            slot.name
                        ),
                        "its words must be `yearly` or `monthly`",
                    );
                    return None;
                }
            }
        }
        Some((slot, out))
    }

    fn death_benefits(&mut self, p: &RawPension) -> Option<(DeathBeforePayout, DeathAfterPayout)> {
        let d = p.death_benefit.0.as_ref()?;
        let before = self.word(
            "death benefit before the payout",
            &d.before_payout,
            &[
                (
                    "greater_of_premiums_and_cash_value",
                    DeathBeforePayout::GreaterOfPremiumsAndCashValue,
                ),
                ("premiums_paid", DeathBeforePayout::PremiumsPaid),
                ("account_value", DeathBeforePayout::AccountValue),
            ],
        );
        let after = self.word(
            "death benefit after the payout",
            &d.after_payout,
            &[
                (
                    "remaining_guaranteed",
                    DeathAfterPayout::RemainingGuaranteed,
                ),
                ("none", DeathAfterPayout::None),
            ],
        );
        Some((before?, after?))
    }

    fn account(&mut self, a: &RawAccount) -> Option<AccountTerms> {
        let withdrawal_charges = self.charges(&a.withdrawal_charges, "withdrawal charge");
        let plans = self.cx.plans;
        let plan = plans
            .iter()
            .position(|p| p.code == a.plan.value && p.mode == PlanMode::Flexible);
        if plan.is_none() {
            let codes: Vec<&str> = plans
                .iter()
                .filter(|p| p.mode == PlanMode::Flexible)
                .map(|p| p.code.as_str())
                .collect();
            self.err(
                crate::diagnostics::codes::E0170,
                a.plan.span,
                format!("no flexible payment plan `{}`", a.plan.value),
                &format!("flexible plans: {}", codes.join(", ")),
            );
        }
        let guaranteed = plan.and_then(|i| plans[i].crediting_rate);
        let mut scenarios: Vec<Scenario> = Vec::new();
        for s in a.scenarios.iter().filter_map(|s| s.0.as_ref()) {
            let Some(rate) = self.num(&s.rate) else {
                continue;
            };
            let previous = scenarios.last().map(|x| x.rate);
            let problem = match (previous, guaranteed) {
                (None, Some(g)) if rate != g => Some(format!(
                    "the first scenario is at the guaranteed rate {}, not {}",
                    pct(g),
                    pct(rate)
                )),
                (Some(prev), _) if rate < prev => Some(format!(
                    "scenario `{}` at {} is below the one before it ({})",
                    s.code.value,
                    pct(rate),
                    pct(prev)
                )),
                _ if rate < Decimal::ZERO || rate >= Decimal::ONE => Some(format!(
                    "the rate {} is not a yearly rate between 0 and 100%",
                    pct(rate)
                )),
                _ => None,
            };
            if let Some(message) = problem {
                self.err(
                    crate::diagnostics::codes::E0173,
                    s.rate.span,
                    message,
                    "list the scenarios lowest first, the first at the plan's `crediting_rate`",
                );
            }
            scenarios.push(Scenario {
                code: s.code.value.clone(),
                name: Names {
                    zh: s.name.zh.value.clone(),
                    en: s.name.en.value.clone(),
                },
                rate,
            });
        }
        if scenarios.is_empty() {
            self.err(
                crate::diagnostics::codes::E0173,
                a.plan.span,
                "a universal account illustrates at least one scenario",
                "add `scenarios:` with the guaranteed rate first",
            );
        }
        Some(AccountTerms {
            plan: plan?,
            withdrawal_charges,
            scenarios,
        })
    }
}
