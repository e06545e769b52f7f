//! Flexible contributions to a pension account: planned contributions with premium holidays
//! and top-ups, the yearly contribution cap, the year-by-year projection of the account and
//! its conversion into a pension.
//!
//! Rules (see `docs/payment-plans.md`):
//!
//! - **Contribution dates.** Planned contribution `k` falls on `start + k × step` months
//!   (1, 3 or 12), clamped to the month's last day, for the whole accumulation period of
//!   `years` policy years. A planned contribution dated inside a premium holiday (inclusive
//!   range) is skipped. Top-ups are added on their own dates.
//! - **Cap.** Gross contributions (planned and top-ups) are summed per *calendar* year; a year
//!   over the cap is an error naming the year and the amount over.
//! - **Charges.** The initial charge is a percentage of each contribution, rounded to the
//!   minor unit and deducted before the contribution is credited. The management charge is a
//!   percentage of the account, taken once at the end of each policy year after interest.
//! - **Interest** is credited once at the end of each policy year, rounded to the minor unit:
//!   the opening balance earns the full guaranteed rate; a net contribution made in month `m`
//!   of the policy year (0 for the first month) earns the rate pro rata for the `12 − m`
//!   months left, simple interest. A contribution made at the start of a policy year thus
//!   earns a full year, so yearly contributions at the start of each year compound exactly
//!   like an annuity-due.
//! - **Payout.** The balance is converted with an annuity factor supplied by the caller (the
//!   present value of 1 a year, payable yearly or monthly as chosen):
//!   yearly pension = `round(balance / factor)`, monthly payment =
//!   `round(balance / factor / 12)`. [`annuity_certain_due`] gives the factor of an annuity
//!   certain when no life-contingent factor is available.
//!
//! - **Beyond the contributions.** [`PensionAccountTerms::project_to`] runs the account past
//!   the plan's years (up to the payout age): no contributions, the same crediting and
//!   charges. [`PensionAccountTerms::at_rate`] gives the same terms at a scenario's rate.
//!
//! Invariant: each year's closing balance equals opening + contributions − initial charges +
//! interest − management charge, to the minor unit.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use super::dates;
use super::error::{PlanError, ScheduleError};
use super::money::{self, MinorUnit, Rounding};
use super::text;

/// The longest accumulation period, in years.
pub const MAX_YEARS: u32 = 100;

/// How often the planned contribution is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContributionFrequency {
    /// Every month.
    Monthly,
    /// Every three months.
    Quarterly,
    /// Every year.
    Yearly,
}

impl ContributionFrequency {
    /// Months between two planned contributions.
    pub fn step_months(self) -> u32 {
        match self {
            ContributionFrequency::Monthly => 1,
            ContributionFrequency::Quarterly => 3,
            ContributionFrequency::Yearly => 12,
        }
    }
}

/// A premium holiday: planned contributions dated from `from` to `to` (inclusive) are skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PremiumHoliday {
    /// First day of the pause.
    pub from: NaiveDate,
    /// Last day of the pause.
    pub to: NaiveDate,
}

/// An extra contribution on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TopUp {
    /// Date paid.
    pub date: NaiveDate,
    /// Amount, greater than 0.
    pub amount: Decimal,
}

/// A product's pension account terms. Obtainable only through [`PensionAccountTerms::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PensionAccountTerms {
    guaranteed_rate: Decimal,
    initial_charge: Decimal,
    management_charge: Decimal,
    yearly_cap: Option<Decimal>,
    unit: MinorUnit,
    rounding: Rounding,
}

impl PensionAccountTerms {
    /// Validates the terms: the guaranteed rate in `[0, 1)`, the initial charge (fraction of
    /// each contribution) and the management charge (fraction of the account a year) in
    /// `[0, 1)`, the calendar-year cap (12,000 for individual pension accounts) positive and on
    /// the minor unit.
    pub fn new(
        guaranteed_rate: Decimal,
        initial_charge: Decimal,
        management_charge: Decimal,
        yearly_cap: Option<Decimal>,
        minor_unit: u32,
        rounding: Rounding,
    ) -> Result<Self, PlanError> {
        let unit = MinorUnit::new(minor_unit)?;
        for (field, v) in [
            ("guaranteed_rate", guaranteed_rate),
            ("initial_charge", initial_charge),
            ("management_charge", management_charge),
        ] {
            if v < Decimal::ZERO || v >= Decimal::ONE {
                return Err(PlanError::new(
                    field,
                    format!("must be at least 0 and below 1 (a fraction), got {v}"),
                ));
            }
        }
        let yearly_cap = match yearly_cap {
            None => None,
            Some(c) => {
                let c = money::check_amount("yearly_cap", c, unit)?;
                if c.is_zero() {
                    return Err(PlanError::new("yearly_cap", "must be greater than 0"));
                }
                Some(c)
            }
        };
        Ok(Self {
            guaranteed_rate,
            initial_charge,
            management_charge,
            yearly_cap,
            unit,
            rounding,
        })
    }

    /// The guaranteed crediting rate.
    pub fn guaranteed_rate(&self) -> Decimal {
        self.guaranteed_rate
    }

    /// The currency's minor unit.
    pub fn minor_unit(&self) -> MinorUnit {
        self.unit
    }
}

/// A policyholder's contribution plan. Obtainable only through [`ContributionPlan::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContributionPlan {
    start: NaiveDate,
    years: u32,
    amount: Decimal,
    frequency: ContributionFrequency,
    pauses: Vec<PremiumHoliday>,
    top_ups: Vec<TopUp>,
}

impl ContributionPlan {
    /// Validates the plan: 1 to 100 years from `start`, a non-negative planned `amount` per
    /// period, pauses with `from ≤ to`, top-ups greater than 0 dated inside the accumulation
    /// period.
    pub fn new(
        start: NaiveDate,
        years: u32,
        amount: Decimal,
        frequency: ContributionFrequency,
        pauses: Vec<PremiumHoliday>,
        top_ups: Vec<TopUp>,
    ) -> Result<Self, PlanError> {
        if !(1..=MAX_YEARS).contains(&years) {
            return Err(PlanError::new(
                "years",
                format!("must be 1 to {MAX_YEARS}, got {years}"),
            ));
        }
        if amount < Decimal::ZERO {
            return Err(PlanError::new(
                "amount",
                format!("must not be negative, got {amount}"),
            ));
        }
        if let Some(p) = pauses.iter().find(|p| p.from > p.to) {
            return Err(PlanError::new(
                "pauses",
                format!("pause from {} to {} ends before it starts", p.from, p.to),
            ));
        }
        let end = dates::add_months_clamped(start, years * 12)
            .ok_or_else(|| PlanError::new("years", "the accumulation period ends out of range"))?;
        for t in &top_ups {
            if t.amount <= Decimal::ZERO {
                return Err(PlanError::new(
                    "top_ups",
                    format!(
                        "top-up on {} must be greater than 0, got {}",
                        t.date, t.amount
                    ),
                ));
            }
            if t.date < start || t.date >= end {
                return Err(PlanError::new(
                    "top_ups",
                    format!(
                        "top-up on {} is outside the accumulation period {start} to {end}",
                        t.date
                    ),
                ));
            }
        }
        Ok(Self {
            start,
            years,
            amount,
            frequency,
            pauses,
            top_ups,
        })
    }

    /// Every contribution (planned ones not paused, and top-ups) in date order; planned
    /// contributions come before top-ups on the same date.
    pub fn contributions(&self) -> Result<Vec<(NaiveDate, Decimal)>, ScheduleError> {
        let step = self.frequency.step_months();
        let count = self.years * 12 / step;
        let mut out = Vec::new();
        if !self.amount.is_zero() {
            for k in 0..count {
                let date = dates::anchored(self.start, k, step, "contribution date")?;
                if !self.pauses.iter().any(|p| p.from <= date && date <= p.to) {
                    out.push((date, self.amount));
                }
            }
        }
        out.extend(self.top_ups.iter().map(|t| (t.date, t.amount)));
        out.sort_by_key(|(date, _)| *date);
        Ok(out)
    }
}

/// One policy year of a projection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ProjectionYear {
    /// 1-based policy year.
    pub policy_year: u32,
    /// First day of the policy year.
    pub from: NaiveDate,
    /// Last day of the policy year.
    pub to: NaiveDate,
    /// Balance at the start of the year.
    pub opening: Decimal,
    /// Gross contributions paid in the year.
    pub contributions: Decimal,
    /// Initial charges deducted from them.
    pub initial_charges: Decimal,
    /// Interest credited at the year end.
    pub interest: Decimal,
    /// Management charge taken at the year end.
    pub management_charge: Decimal,
    /// Balance at the end of the year.
    pub closing: Decimal,
}

/// A projection of the account over the accumulation period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PensionProjection {
    /// The guaranteed rate used.
    pub guaranteed_rate: Decimal,
    /// Year by year.
    pub years: Vec<ProjectionYear>,
    /// Sum of gross contributions.
    pub total_contributions: Decimal,
    /// Sum of initial charges.
    pub total_initial_charges: Decimal,
    /// Sum of interest.
    pub total_interest: Decimal,
    /// Sum of management charges.
    pub total_management_charges: Decimal,
    /// The balance at the end of the last year.
    pub final_balance: Decimal,
}

/// How often the pension is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayoutFrequency {
    /// Once a year.
    Yearly,
    /// Every month.
    Monthly,
}

/// The pension bought with a balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PensionPayout {
    /// The balance converted.
    pub balance: Decimal,
    /// The annuity factor used.
    pub annuity_factor: Decimal,
    /// Payment frequency.
    pub frequency: PayoutFrequency,
    /// Payments a year (1 or 12).
    pub payments_per_year: u32,
    /// `round(balance / factor)`.
    pub yearly_amount: Decimal,
    /// One payment: the yearly amount, or `round(balance / factor / 12)` when monthly.
    pub payment: Decimal,
}

impl PensionAccountTerms {
    /// Projects `plan`'s account year by year under these terms.
    pub fn project(&self, plan: &ContributionPlan) -> Result<PensionProjection, ScheduleError> {
        self.project_to(plan, plan.years)
    }

    /// The same terms crediting `rate` instead of the guaranteed rate (an illustration
    /// scenario), checked as [`PensionAccountTerms::new`] checks the guaranteed rate.
    pub fn at_rate(&self, rate: Decimal) -> Result<Self, PlanError> {
        if rate < Decimal::ZERO || rate >= Decimal::ONE {
            return Err(PlanError::new(
                "crediting_rate",
                format!("must be at least 0 and below 1 (a fraction), got {rate}"),
            ));
        }
        Ok(Self {
            guaranteed_rate: rate,
            ..self.clone()
        })
    }

    /// Projects `plan`'s account over `years` policy years (at least the plan's own years, at
    /// most [`MAX_YEARS`]): contributions stop after the plan's years, the account keeps being
    /// credited and charged until the end of the last year (e.g. up to the payout age).
    pub fn project_to(
        &self,
        plan: &ContributionPlan,
        years: u32,
    ) -> Result<PensionProjection, ScheduleError> {
        if years < plan.years || years > MAX_YEARS {
            return Err(ScheduleError::input(
                "years",
                format!(
                    "the projection runs {years} years; it must cover the {} years of contributions and at most {MAX_YEARS}",
                    plan.years
                ),
            ));
        }
        let total_years = years;
        let unit = self.unit;
        let mut contributions = plan.contributions()?;
        for (date, amount) in &mut contributions {
            let on_unit = unit.holds(*amount);
            amount.rescale(unit.places());
            if !on_unit || amount.scale() != unit.places() {
                return Err(ScheduleError::input(
                    "contributions",
                    format!(
                        "contribution of {amount} on {date} has more decimal places than the minor unit"
                    ),
                ));
            }
        }
        if let Some(cap) = self.yearly_cap {
            let mut by_year: BTreeMap<i32, Decimal> = BTreeMap::new();
            for (date, amount) in &contributions {
                let total = by_year.entry(date.year()).or_insert(unit.zero());
                *total = money::add(*total, *amount, "calendar-year contributions")?;
            }
            if let Some((year, total)) = by_year.into_iter().find(|(_, t)| *t > cap) {
                let mut total = total;
                total.rescale(unit.places());
                return Err(ScheduleError::CapExceeded {
                    year,
                    total,
                    cap,
                    over: money::sub(total, cap, "amount over the cap")?,
                });
            }
        }

        let twelve = Decimal::from(12u32);
        let mut years = Vec::with_capacity(total_years as usize);
        let mut balance = unit.zero();
        let mut next = 0;
        for y in 0..total_years {
            let from = dates::anchored(plan.start, y, 12, "policy year start")?;
            let next_start = dates::anchored(plan.start, y + 1, 12, "policy year end")?;
            let to = next_start.pred_opt().ok_or(ScheduleError::DateOutOfRange {
                step: "policy year end",
                from: next_start,
            })?;
            let opening = balance;
            let mut gross = unit.zero();
            let mut charges = unit.zero();
            let mut net_total = unit.zero();
            let mut weighted = money::mul(opening, twelve, "interest weight of the opening")?;
            while next < contributions.len() && contributions[next].0 < next_start {
                let (date, amount) = contributions[next];
                next += 1;
                let charge = unit.round(
                    money::mul(amount, self.initial_charge, "initial charge")?,
                    self.rounding,
                )?;
                let net = money::sub(amount, charge, "net contribution")?;
                let mut m = 0u32;
                while m < 11
                    && dates::anchored(plan.start, y * 12 + m + 1, 1, "contribution month")? <= date
                {
                    m += 1;
                }
                gross = money::add(gross, amount, "contributions of the year")?;
                charges = money::add(charges, charge, "initial charges of the year")?;
                net_total = money::add(net_total, net, "net contributions of the year")?;
                weighted = money::add(
                    weighted,
                    money::mul(net, Decimal::from(12 - m), "interest weight")?,
                    "interest weight",
                )?;
            }
            let interest = unit.round(
                money::div(
                    money::mul(weighted, self.guaranteed_rate, "interest")?,
                    twelve,
                    "interest",
                )?,
                self.rounding,
            )?;
            let before = money::add(
                money::add(opening, net_total, "balance before interest")?,
                interest,
                "balance after interest",
            )?;
            let management = unit.round(
                money::mul(before, self.management_charge, "management charge")?,
                self.rounding,
            )?;
            balance = money::sub(before, management, "closing balance")?;
            years.push(ProjectionYear {
                policy_year: y + 1,
                from,
                to,
                opening,
                contributions: gross,
                initial_charges: charges,
                interest,
                management_charge: management,
                closing: balance,
            });
        }
        Ok(PensionProjection {
            guaranteed_rate: self.guaranteed_rate,
            total_contributions: money::sum(unit, years.iter().map(|y| y.contributions), "total")?,
            total_initial_charges: money::sum(
                unit,
                years.iter().map(|y| y.initial_charges),
                "total",
            )?,
            total_interest: money::sum(unit, years.iter().map(|y| y.interest), "total")?,
            total_management_charges: money::sum(
                unit,
                years.iter().map(|y| y.management_charge),
                "total",
            )?,
            final_balance: balance,
            years,
        })
    }

    /// Converts `balance` into a pension with `annuity_factor` (greater than 0; the value of 1
    /// a year payable at `frequency`).
    pub fn payout(
        &self,
        balance: Decimal,
        annuity_factor: Decimal,
        frequency: PayoutFrequency,
    ) -> Result<PensionPayout, ScheduleError> {
        if annuity_factor <= Decimal::ZERO {
            return Err(ScheduleError::input(
                "annuity_factor",
                format!("must be greater than 0, got {annuity_factor}"),
            ));
        }
        if balance < Decimal::ZERO {
            return Err(ScheduleError::input(
                "balance",
                format!("must not be negative, got {balance}"),
            ));
        }
        let per_year = money::div(balance, annuity_factor, "yearly pension")?;
        let yearly_amount = self.unit.round(per_year, self.rounding)?;
        let (payments_per_year, payment) = match frequency {
            PayoutFrequency::Yearly => (1, yearly_amount),
            PayoutFrequency::Monthly => (
                12,
                self.unit.round(
                    money::div(per_year, Decimal::from(12u32), "monthly pension")?,
                    self.rounding,
                )?,
            ),
        };
        let mut balance = balance;
        balance.rescale(self.unit.places());
        Ok(PensionPayout {
            balance,
            annuity_factor,
            frequency,
            payments_per_year,
            yearly_amount,
            payment,
        })
    }
}

/// The present value of an annuity-certain due of 1 a year for `n` years at yearly interest
/// `i`, paid in `m` instalments of `1/m` at the start of each `1/m` year:
/// `ä⁽ᵐ⁾ₙ = (1 − vⁿ) / d⁽ᵐ⁾` with `v = 1/(1+i)` and `d⁽ᵐ⁾ = m(1 − v^(1/m))` (`n` when
/// `i = 0`). `n` is 1 to 100, `i` in `[0, 1)`, `m` one of 1, 2, 3, 4, 6, 12. The result is
/// rounded to 10 decimal places, half to even.
pub fn annuity_certain_due(n: u32, i: Decimal, m: u32) -> Result<Decimal, ScheduleError> {
    if !(1..=MAX_YEARS).contains(&n) {
        return Err(ScheduleError::input(
            "n",
            format!("must be 1 to {MAX_YEARS} years, got {n}"),
        ));
    }
    if i < Decimal::ZERO || i >= Decimal::ONE {
        return Err(ScheduleError::input(
            "i",
            format!("must be at least 0 and below 1, got {i}"),
        ));
    }
    if ![1, 2, 3, 4, 6, 12].contains(&m) {
        return Err(ScheduleError::input(
            "m",
            format!("must be 1, 2, 3, 4, 6 or 12 payments a year, got {m}"),
        ));
    }
    let strategy = Rounding::HalfEven.strategy();
    if i.is_zero() {
        return Ok(Decimal::from(n).round_dp_with_strategy(10, strategy));
    }
    let step = "annuity factor";
    let v = money::div(Decimal::ONE, money::add(Decimal::ONE, i, step)?, step)?;
    let mut v_n = Decimal::ONE;
    for _ in 0..n {
        v_n = money::mul(v_n, v, step)?;
    }
    let root = nth_root(v, m)?;
    let d_m = money::mul(
        Decimal::from(m),
        money::sub(Decimal::ONE, root, step)?,
        step,
    )?;
    let value = money::div(money::sub(Decimal::ONE, v_n, step)?, d_m, step)?;
    Ok(value.round_dp_with_strategy(10, strategy))
}

/// The `m`-th root of `v` in `(0, 1]` by Newton's method.
fn nth_root(v: Decimal, m: u32) -> Result<Decimal, ScheduleError> {
    let step = "annuity factor root";
    if m == 1 {
        return Ok(v);
    }
    let md = Decimal::from(m);
    // Start just below 1 − (1 − v)/m, which is above the root for v in (0, 1).
    let mut x = money::sub(
        Decimal::ONE,
        money::div(money::sub(Decimal::ONE, v, step)?, md, step)?,
        step,
    )?;
    let tolerance = Decimal::new(1, 26);
    for _ in 0..100 {
        let mut pow = Decimal::ONE; // x^(m-1)
        for _ in 0..m - 1 {
            pow = money::mul(pow, x, step)?;
        }
        let f = money::sub(money::mul(pow, x, step)?, v, step)?;
        let delta = money::div(f, money::mul(md, pow, step)?, step)?;
        x = money::sub(x, delta, step)?;
        if delta.abs() < tolerance {
            break;
        }
    }
    Ok(x)
}

impl PensionProjection {
    /// A year-by-year table with totals.
    pub fn to_text(&self) -> String {
        let mut rows = vec![vec![
            "Year".to_string(),
            "From".to_string(),
            "To".to_string(),
            "Opening".to_string(),
            "Contributions".to_string(),
            "Initial charges".to_string(),
            "Interest".to_string(),
            "Management".to_string(),
            "Closing".to_string(),
        ]];
        for y in &self.years {
            rows.push(vec![
                y.policy_year.to_string(),
                y.from.to_string(),
                y.to.to_string(),
                text::amount(y.opening),
                text::amount(y.contributions),
                text::amount(y.initial_charges),
                text::amount(y.interest),
                text::amount(y.management_charge),
                text::amount(y.closing),
            ]);
        }
        rows.push(vec![
            "Total".to_string(),
            String::new(),
            String::new(),
            String::new(),
            text::amount(self.total_contributions),
            text::amount(self.total_initial_charges),
            text::amount(self.total_interest),
            text::amount(self.total_management_charges),
            text::amount(self.final_balance),
        ]);
        let mut out = format!("Guaranteed rate {}\n", self.guaranteed_rate);
        out.push_str(&text::table(&rows, &[0, 3, 4, 5, 6, 7, 8]));
        out
    }
}

impl PensionPayout {
    /// One line describing the pension.
    pub fn to_text(&self) -> String {
        let per = match self.frequency {
            PayoutFrequency::Yearly => "a year",
            PayoutFrequency::Monthly => "a month",
        };
        format!(
            "Balance {} at annuity factor {}: {} {per} (yearly amount {})\n",
            text::amount(self.balance),
            self.annuity_factor,
            text::amount(self.payment),
            text::amount(self.yearly_amount),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    fn terms() -> PensionAccountTerms {
        PensionAccountTerms::new(
            d("0.02"),
            d("0.01"),
            Decimal::ZERO,
            None,
            2,
            Rounding::HalfUp,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn plan() -> ContributionPlan {
        let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
        ContributionPlan::new(
            start,
            2,
            d("1000"),
            ContributionFrequency::Yearly,
            vec![],
            vec![],
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_account_is_credited_after_contributions_end() {
        let p = terms()
            .project_to(&plan(), 4)
            .unwrap_or_else(|e| panic!("{e}"));
        let closing: Vec<String> = p.years.iter().map(|y| y.closing.to_string()).collect();
        // 990 net a year at 2%: 1009.80, 2039.80, then 2080.60, 2122.21.
        assert_eq!(closing, ["1009.80", "2039.80", "2080.60", "2122.21"]);
        assert_eq!(p.years[3].contributions, d("0.00"));
        assert_eq!(p.total_contributions, d("2000.00"));
        assert!(terms().project_to(&plan(), 1).is_err());
    }

    #[test]
    fn a_scenario_rate_replaces_the_guaranteed_rate() {
        let high = terms().at_rate(d("0.03")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(high.guaranteed_rate(), d("0.03"));
        let p = high.project(&plan()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.years[0].closing, d("1019.70"));
        assert!(terms().at_rate(d("1.5")).is_err());
    }
}
