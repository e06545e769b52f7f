//! The pension part of the text summary: what a pension quote buys (see
//! `docs/quote-format.md`, "The pension section").
//!
//! Owns the lines printed for a quote with a `pension` section: the pension amount and
//! frequency, the payout age and date, the guarantee, the cover (for life, or to the end of a
//! payout term) apart from the premium term, the death benefit rule, the pricing and
//! guaranteed rates, a short table of benefits and cash values by policy year and, for a
//! universal account, the account and pension at the payout under each scenario.
//!
//! Invariant: every figure is printed as the quote states it; the only sum is a scenario's
//! pension a year, its payment times the payments a year (as `yearly_pension` is made).

use std::fmt::Write;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::Quote;
use super::text::table;
use crate::pension::{CashValueYear, PensionOut};

/// Appends the pension part of a quote's text summary; nothing for a quote without one.
pub(super) fn pension_lines(o: &mut String, q: &Quote) {
    let Some(p) = &q.pension else {
        return;
    };
    let _ = writeln!(o, "\nPension");
    let per = match p.payments_per_year {
        1 => "yearly".to_string(),
        12 => "monthly".to_string(),
        n => format!("{n} a year"),
    };
    let _ = writeln!(
        o,
        "  amount      {} {} a year, paid {} ({} x {}), from age {} ({})",
        q.currency,
        p.yearly_pension,
        per,
        p.payments_per_year,
        p.payment,
        p.payout_age,
        p.cover.payout_start
    );
    let length = match p.payout_years {
        None => "for life".to_string(),
        Some(n) => format!("for {n} years"),
    };
    let guarantee = match &p.cover.guarantee_end {
        Some(end) => format!(", {} years guaranteed (to {end})", p.guaranteed_years),
        None => String::new(),
    };
    let _ = writeln!(o, "  paid        {length}{guarantee}");
    let cover = if p.cover.for_life {
        format!(
            "from {} for life (the life table ends {})",
            p.cover.start, p.cover.last_day
        )
    } else {
        format!("from {} to {}", p.cover.start, p.cover.last_day)
    };
    let _ = writeln!(o, "  cover       {cover}");
    let _ = writeln!(
        o,
        "  premiums    {} a year for {} years (to {}), {} in all",
        p.annual_premium, p.payment_years, p.cover.payment_end, p.total_premiums
    );
    let _ = writeln!(o, "  death       {}", p.death_benefit.text.en);
    let mut rates = format!("pricing interest {}", percent(&p.pricing_interest));
    if let Some(g) = &p.guaranteed_rate {
        let _ = write!(rates, ", guaranteed crediting rate {}", percent(g));
    }
    let _ = writeln!(o, "  rates       {rates}");
    let _ = writeln!(
        o,
        "\nBenefits and cash values by policy year (selected years)"
    );
    let mut t = vec![[
        "YEAR".to_string(),
        "AGE".into(),
        "PREMIUM".into(),
        "PAID SO FAR".into(),
        "SURVIVAL".into(),
        "DEATH".into(),
        "CASH VALUE".into(),
    ]];
    for y in selected(p) {
        t.push([
            y.policy_year.to_string(),
            y.age.to_string(),
            y.premium.clone(),
            y.cumulative_premium.clone(),
            y.survival_benefit.clone(),
            y.death_benefit.clone(),
            y.cash_value.clone(),
        ]);
    }
    o.push_str(&table(&t));
    scenario_lines(o, p);
}

/// The account and pension at the payout under each scenario.
fn scenario_lines(o: &mut String, p: &PensionOut) {
    if p.scenarios.is_empty() {
        return;
    }
    let _ = writeln!(o, "\nScenarios at the payout (age {})", p.payout_age);
    let mut t = vec![[
        "SCENARIO".to_string(),
        "RATE".into(),
        "ACCOUNT".into(),
        "PENSION A YEAR".into(),
        "PAYMENT".into(),
    ]];
    for s in &p.scenarios {
        t.push([
            format!("{} {}", s.code, s.name.zh),
            percent(&s.rate),
            s.account_at_payout.clone(),
            yearly(s.payout.payment, s.payout.payments_per_year),
            super::money(s.payout.payment),
        ]);
    }
    o.push_str(&table(&t));
}

/// The premium years, every fifth year, the last year before the payout, the first year of
/// the payout and the last row.
fn selected(p: &PensionOut) -> impl Iterator<Item = &CashValueYear> {
    let defer = p.payout_age.saturating_sub(p.entry_age);
    let last = p.years.last().map_or(0, |y| y.policy_year);
    p.years.iter().filter(move |y| {
        let n = y.policy_year;
        n <= p.payment_years || n % 5 == 0 || n == defer || n == defer + 1 || n == last
    })
}

/// What the payments of a year add up to (as the pension section's `yearly_pension`).
fn yearly(payment: Decimal, per_year: u32) -> String {
    payment
        .checked_mul(Decimal::from(per_year))
        .map_or_else(|| "overflow".to_string(), super::money)
}

/// A rate as a percentage (`0.025` → `2.5%`), or as given when it is not a number.
fn percent(rate: &str) -> String {
    Decimal::from_str(rate)
        .ok()
        .and_then(|d| d.checked_mul(Decimal::ONE_HUNDRED))
        .map_or_else(|| rate.to_string(), |d| format!("{}%", d.normalize()))
}
