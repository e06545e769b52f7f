//! Policy reserves and cash values of a deferred pension annuity on its pricing basis.
//!
//! Owns [`DeferredAnnuity`] (the benefits and premiums of one policy), the prospective
//! net-premium reserve by policy year ([`Commutation::reserves`]) and the cash value the
//! product files ([`cash_value`]): the reserve less a surrender charge, never below zero.
//!
//! Timing (policy year `k+1` runs from time `k` to time `k+1`, the insured aged `x+k` at its
//! start):
//!
//! - the gross premium `P` and the net premium `π` are due at the start of each of the first
//!   `t` policy years;
//! - the pension is an annuity-due from exact age `x+d`: the payments falling in policy year
//!   `k+1` are valued at its start (`S_k`, see below);
//! - a death benefit is paid at the end of the policy year of death (`DB_{k+1}`): the premiums
//!   paid so far when death comes before the payout (premium return), the value of the
//!   guaranteed payments still to come when it comes during the guarantee, nothing after.
//!
//! `V_k` is the reserve at time `k` before the premium and the payments due then, so that
//!
//! ```text
//! (V_k + π_k − S_k)·(1+i) = q_{x+k}·DB_{k+1} + p_{x+k}·V_{k+1}
//! ```
//!
//! holds for every policy year; `V_0 = 0` because `π` is found by the equivalence principle.
//! The reserves here are computed prospectively from the commutation columns, not by the
//! recursion, so the recursion is an independent check (see the integration tests).
//!
//! Invariants: every step is checked Decimal arithmetic naming the step; nothing is rounded
//! beyond `rust_decimal`'s own rounding of products and quotients; rounding to money is the
//! caller's, by the product's rule.

use super::ActuarialError;
use super::arith::{add, div, mul, sub};
use super::commutation::Commutation;
use super::interest::{Frequency, Method};
use super::values::AnnuitySpec;
use rust_decimal::Decimal;
use serde::Serialize;

/// The longest guarantee or payout term valued, in years.
pub const MAX_YEARS: u32 = 200;

/// One policy of a deferred pension annuity with yearly premiums.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeferredAnnuity {
    /// Age at entry, `x`.
    pub age: u32,
    /// Yearly premiums, `t` (`1 ≤ t ≤ d`).
    pub premium_years: u32,
    /// The gross yearly premium `P`, returned on death before the payout.
    pub annual_premium: Decimal,
    /// Years from entry to the first pension payment, `d`.
    pub defer: u32,
    /// The pension a year, `B`, paid in `m` instalments of `B/m`.
    pub pension: Decimal,
    /// Years of payments certain from the first payment, `g`.
    pub guaranteed: u32,
    /// Years of payments from the first payment; `None` for life.
    pub payout_years: Option<u32>,
    /// How often the pension is paid.
    pub frequency: Frequency,
    /// How m-thly life annuities are valued.
    pub method: Method,
    /// Whether death before the payout returns the premiums paid.
    pub return_premiums: bool,
}

/// One policy year of a reserve schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReserveYear {
    /// 1-based policy year (`k+1`).
    pub policy_year: u32,
    /// Age at the start of the year (`x+k`).
    pub age: u32,
    /// Gross premium due at the start of the year.
    pub premium: Decimal,
    /// Net premium due at the start of the year (`π_k`).
    pub net_premium: Decimal,
    /// Value at the start of the year of the pension payments falling in it (`S_k`).
    pub payout_value: Decimal,
    /// Paid at the end of the year on death during it (`DB_{k+1}`).
    pub death_benefit: Decimal,
    /// Reserve at the start of the year, before its premium and payments (`V_k`).
    pub reserve_start: Decimal,
    /// Reserve at the end of the year (`V_{k+1}`), zero after the table's last age.
    pub reserve_end: Decimal,
}

/// The reserves of one policy, policy year by policy year to the table's last age.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReserveSchedule {
    /// The level net premium `π` (equivalence principle at entry).
    pub net_premium: Decimal,
    /// One row per policy year, from entry to the table's last age.
    pub years: Vec<ReserveYear>,
}

/// The cash value the product files: `max(0, V − c·V)` for a reserve `V` and a surrender
/// charge `c` (a share of the reserve, `0 ≤ c ≤ 1`).
///
/// # Errors
///
/// [`ActuarialError::Invalid`] for a charge outside `[0, 1]`; an arithmetic error naming the
/// step.
pub fn cash_value(reserve: Decimal, charge: Decimal) -> Result<Decimal, ActuarialError> {
    const STEP: &str = "cash value";
    if charge < Decimal::ZERO || charge > Decimal::ONE {
        return Err(ActuarialError::Invalid {
            step: STEP,
            message: format!("surrender charge {charge} must be between 0 and 1"),
        });
    }
    let value = sub(reserve, mul(reserve, charge, STEP)?, STEP)?;
    Ok(value.max(Decimal::ZERO))
}

impl DeferredAnnuity {
    fn check(&self, c: &Commutation) -> Result<(), ActuarialError> {
        const STEP: &str = "reserve";
        c.check_age(self.age, STEP)?;
        let invalid = |message: String| ActuarialError::Invalid {
            step: STEP,
            message,
        };
        if self.premium_years == 0 || self.premium_years > self.defer {
            return Err(invalid(format!(
                "premium term {} must be at least 1 and at most the deferral of {} years",
                self.premium_years, self.defer
            )));
        }
        let start = u64::from(self.age) + u64::from(self.defer);
        if start > u64::from(c.last_age()) {
            return Err(invalid(format!(
                "the payout would start at age {start}, after the table's last age {}",
                c.last_age()
            )));
        }
        if self.guaranteed > MAX_YEARS || self.payout_years.is_some_and(|n| n > MAX_YEARS) {
            return Err(invalid(format!(
                "a guarantee or payout term over {MAX_YEARS} years is not valued"
            )));
        }
        if let Some(n) = self.payout_years
            && self.guaranteed > n
        {
            return Err(invalid(format!(
                "{} years guaranteed exceed the payout term of {n} years",
                self.guaranteed
            )));
        }
        if self.annual_premium < Decimal::ZERO || self.pension < Decimal::ZERO {
            return Err(invalid(format!(
                "premium {} and pension {} must not be negative",
                self.annual_premium, self.pension
            )));
        }
        Ok(())
    }

    fn spec(&self) -> AnnuitySpec {
        AnnuitySpec {
            defer: self.defer,
            term: self.payout_years,
            guaranteed: self.guaranteed,
            frequency: self.frequency,
            method: self.method,
        }
    }
}

/// What one policy year holds, time `k` relative to the payout start `d`.
struct Timing {
    d: u32,
    g: u32,
    end: Option<u32>,
}

impl Commutation {
    /// The reserve schedule of `policy`: the net premium by the equivalence principle
    ///
    /// ```text
    /// π·ä_{x:t} = B·(annuity value at x) + P·RoP_x
    /// ```
    ///
    /// and, for each policy year `k+1` up to the table's last age, the prospective reserve
    ///
    /// ```text
    /// V_k = B·a_k + P·Σ_{j=k}^{d−1} min(j+1, t)·C_{x+j}/D_{x+k} − π·(N_{x+k} − N_{x+t})/D_{x+k}
    /// ```
    ///
    /// where `a_k` is the value at `x+k` of the pension payments from time `k` on: the
    /// guaranteed payments still due (`D_{x+d}/D_{x+k}·ä^(m)_{g⌉}` before the payout,
    /// `ä^(m)_{d+g−k⌉}` during the guarantee) plus the life annuity after the guarantee,
    /// `(α·(N_a − N_e) − β·(D_a − D_e))/D_{x+k}` with `a = max(x+k, x+d+g)`.
    ///
    /// # Errors
    ///
    /// [`ActuarialError::AgeOutsideTable`] for an entry age outside the table;
    /// [`ActuarialError::Invalid`] for a premium term outside `1..=d`, a payout starting after
    /// the table's last age, a guarantee longer than the payout term or a negative amount; an
    /// arithmetic error naming the step.
    pub fn reserves(&self, policy: &DeferredAnnuity) -> Result<ReserveSchedule, ActuarialError> {
        policy.check(self)?;
        let x = policy.age;
        let t = policy.premium_years;
        let annuity = self.annuity(x, &policy.spec())?;
        let rop = if policy.return_premiums {
            self.return_of_premium(x, policy.defer, t)?
        } else {
            Decimal::ZERO
        };
        let premiums = self.temporary_annuity_due(x, t, Frequency::Annual, policy.method)?;
        let benefits = add(
            mul(policy.pension, annuity, "net premium: pension value")?,
            mul(policy.annual_premium, rop, "net premium: premium return")?,
            "net premium",
        )?;
        let net = div(benefits, premiums, "net premium")?;

        let timing = Timing {
            d: policy.defer,
            g: policy.guaranteed,
            end: policy.payout_years.map(|n| policy.defer + n),
        };
        let last = self.last_age() - x; // last k with x+k ≤ ω
        let mut reserves = Vec::with_capacity(last as usize + 2);
        for k in 0..=last {
            reserves.push(self.reserve_at(policy, &timing, net, k)?);
        }
        reserves.push(Decimal::ZERO);

        let mut years = Vec::with_capacity(last as usize + 1);
        for k in 0..=last {
            let due = k < t;
            years.push(ReserveYear {
                policy_year: k + 1,
                age: x + k,
                premium: if due {
                    policy.annual_premium
                } else {
                    Decimal::ZERO
                },
                net_premium: if due { net } else { Decimal::ZERO },
                payout_value: self.payout_value(policy, &timing, k)?,
                death_benefit: self.death_benefit(policy, &timing, k)?,
                reserve_start: reserves[k as usize],
                reserve_end: reserves[k as usize + 1],
            });
        }
        Ok(ReserveSchedule {
            net_premium: net,
            years,
        })
    }

    /// `V_k`, prospectively.
    fn reserve_at(
        &self,
        policy: &DeferredAnnuity,
        timing: &Timing,
        net: Decimal,
        k: u32,
    ) -> Result<Decimal, ActuarialError> {
        const STEP: &str = "reserve";
        let x = u64::from(policy.age);
        let age = x + u64::from(k);
        let d_k = self.big_d(age)?;
        let pension = mul(
            policy.pension,
            self.pension_value(policy, timing, k)?,
            "reserve: pension",
        )?;
        let mut refund = Decimal::ZERO;
        if policy.return_premiums {
            for j in k..timing.d {
                let returned = Decimal::from(policy.premium_years.min(j + 1));
                let c = self.big_c(x + u64::from(j))?;
                refund = add(refund, mul(returned, c, "reserve: premium return")?, STEP)?;
            }
            refund = mul(
                policy.annual_premium,
                div(refund, d_k, "reserve: premium return")?,
                "reserve: premium return",
            )?;
        }
        let mut premiums = Decimal::ZERO;
        if k < policy.premium_years {
            let n_end = self.big_n(x + u64::from(policy.premium_years))?;
            let left = div(
                sub(self.big_n(age)?, n_end, "reserve: premiums")?,
                d_k,
                "reserve: premiums",
            )?;
            premiums = mul(net, left, "reserve: premiums")?;
        }
        sub(add(pension, refund, STEP)?, premiums, STEP)
    }

    /// The value at `x+k` (alive) of 1 a year of pension from time `k` on.
    fn pension_value(
        &self,
        policy: &DeferredAnnuity,
        timing: &Timing,
        k: u32,
    ) -> Result<Decimal, ActuarialError> {
        const STEP: &str = "reserve: pension value";
        let x = u64::from(policy.age);
        let age = x + u64::from(k);
        let d_k = self.big_d(age)?;
        let guarantee_end = timing.d + timing.g;
        let certain = if k < timing.d && timing.g > 0 {
            let survive = div(self.big_d(x + u64::from(timing.d))?, d_k, STEP)?;
            let a = self
                .interest()
                .annuity_certain_due(timing.g, policy.frequency)?;
            mul(survive, a, STEP)?
        } else if k < guarantee_end && timing.g > 0 {
            self.interest()
                .annuity_certain_due(guarantee_end - k, policy.frequency)?
        } else {
            Decimal::ZERO
        };
        let from = k.max(guarantee_end);
        let life = match timing.end {
            Some(end) if from >= end => Decimal::ZERO,
            _ => {
                let (alpha, beta) = self.mthly_factors(policy.frequency, policy.method)?;
                let a = x + u64::from(from);
                let (n_e, d_e) = match timing.end {
                    Some(end) => (
                        self.big_n(x + u64::from(end))?,
                        self.big_d(x + u64::from(end))?,
                    ),
                    None => (Decimal::ZERO, Decimal::ZERO),
                };
                let annual = sub(self.big_n(a)?, n_e, STEP)?;
                let spread = sub(self.big_d(a)?, d_e, STEP)?;
                let num = sub(mul(alpha, annual, STEP)?, mul(beta, spread, STEP)?, STEP)?;
                div(num, d_k, STEP)?
            }
        };
        add(certain, life, STEP)
    }

    /// `S_k`: the value at the start of policy year `k+1` (alive) of its pension payments.
    fn payout_value(
        &self,
        policy: &DeferredAnnuity,
        timing: &Timing,
        k: u32,
    ) -> Result<Decimal, ActuarialError> {
        const STEP: &str = "reserve: payments of the year";
        let paying = k >= timing.d && timing.end.is_none_or(|e| k < e);
        if !paying {
            return Ok(Decimal::ZERO);
        }
        let per_unit = if k < timing.d + timing.g {
            self.interest().annuity_certain_due(1, policy.frequency)?
        } else {
            // α·D_k − β·(D_k − D_{k+1}) over D_k: (α − β) now, β at the year end if alive.
            let (alpha, beta) = self.mthly_factors(policy.frequency, policy.method)?;
            let age = u64::from(policy.age) + u64::from(k);
            let vp = div(self.big_d(age + 1)?, self.big_d(age)?, STEP)?;
            add(sub(alpha, beta, STEP)?, mul(beta, vp, STEP)?, STEP)?
        };
        mul(policy.pension, per_unit, STEP)
    }

    /// `DB_{k+1}`: paid at the end of policy year `k+1` on death during it.
    fn death_benefit(
        &self,
        policy: &DeferredAnnuity,
        timing: &Timing,
        k: u32,
    ) -> Result<Decimal, ActuarialError> {
        const STEP: &str = "reserve: death benefit";
        if k < timing.d {
            if !policy.return_premiums {
                return Ok(Decimal::ZERO);
            }
            let paid = Decimal::from(policy.premium_years.min(k + 1));
            return mul(policy.annual_premium, paid, STEP);
        }
        let guarantee_end = timing.d + timing.g;
        if k + 1 < guarantee_end {
            let left = self
                .interest()
                .annuity_certain_due(guarantee_end - k - 1, policy.frequency)?;
            return mul(policy.pension, left, STEP);
        }
        Ok(Decimal::ZERO)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actuarial::LifeTable;
    use std::path::Path;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn small() -> Commutation {
        let t = LifeTable::from_csv(
            Path::new("s.csv"),
            "age,qx\n60,0.1\n61,0.2\n62,0.5\n63,1\n",
            None,
        )
        .unwrap();
        Commutation::new(&t, dec("0.1")).unwrap()
    }

    fn policy() -> DeferredAnnuity {
        DeferredAnnuity {
            age: 60,
            premium_years: 1,
            annual_premium: dec("100"),
            defer: 2,
            pension: dec("50"),
            guaranteed: 1,
            payout_years: None,
            frequency: Frequency::Annual,
            method: Method::Woolhouse2,
            return_premiums: true,
        }
    }

    #[test]
    fn by_hand_on_a_four_age_table() {
        let c = small();
        let s = c.reserves(&policy()).unwrap();
        let v = dec("1") / dec("1.1");
        // Pension 50 at 62 (certain once alive at 62) and at 63 if alive; premium 100 returned
        // on death in years 1 and 2.
        let nsp = dec("50") * (dec("0.72") * v * v + dec("0.36") * v * v * v)
            + dec("100") * (dec("0.1") * v + dec("0.18") * v * v);
        assert!(
            (s.net_premium - nsp).abs() < dec("1e-22"),
            "{}",
            s.net_premium
        );
        assert_eq!(s.years.len(), 4);
        assert!(s.years[0].reserve_start.abs() < dec("1e-22"));
        // V_3 at 63: one payment of 50 due now, nothing after.
        assert!((s.years[3].reserve_start - dec("50")).abs() < dec("1e-22"));
        assert_eq!(s.years[3].reserve_end, Decimal::ZERO);
        assert_eq!(s.years[1].death_benefit, dec("100"));
        assert_eq!(s.years[2].payout_value, dec("50"));
    }

    #[test]
    fn recursion_holds_each_year() {
        let c = small();
        for frequency in [Frequency::Annual, Frequency::Monthly] {
            let p = DeferredAnnuity {
                frequency,
                guaranteed: 0,
                ..policy()
            };
            let s = c.reserves(&p).unwrap();
            for y in &s.years {
                let q = c.dx(y.age.into()).unwrap() / c.lx(y.age.into()).unwrap();
                let lhs = (y.reserve_start + y.net_premium - y.payout_value) * dec("1.1");
                let rhs = q * y.death_benefit + (Decimal::ONE - q) * y.reserve_end;
                assert!((lhs - rhs).abs() < dec("1e-20"), "{frequency:?} {y:?}");
            }
        }
    }

    #[test]
    fn cash_value_is_the_reserve_less_the_charge_and_never_negative() {
        assert_eq!(cash_value(dec("100"), dec("0.1")).unwrap(), dec("90.0"));
        assert_eq!(cash_value(dec("-5"), dec("0.1")).unwrap(), Decimal::ZERO);
        assert!(cash_value(dec("100"), dec("1.5")).is_err());
    }

    #[test]
    fn refuses_a_payout_after_the_table() {
        let c = small();
        let p = DeferredAnnuity {
            defer: 5,
            ..policy()
        };
        let e = c.reserves(&p).unwrap_err();
        assert_eq!(
            e.to_string(),
            "reserve: the payout would start at age 65, after the table's last age 63"
        );
    }
}
