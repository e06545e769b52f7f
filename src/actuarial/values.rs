//! Actuarial values on a [`Commutation`]: life annuities, endowments,
//! assurances, premiums and expense loadings.
//!
//! Owns the formulas that turn commutation columns into prices. Every value
//! is for an amount of 1 (a year, for annuities) at integer age `x`; annuities
//! are annuities-due paid `m` times a year, `1/m` each, with `m` one of
//! [`Frequency`]. Life annuities paid more than once a year are valued by the
//! product's declared [`Method`]:
//!
//! ```text
//! Woolhouse2:  ä^(m) = ä − (m−1)/(2m)·E        (α = 1, β = (m−1)/(2m))
//! Udd:         ä^(m) = α(m)·ä − β(m)·E
//! ```
//!
//! where `ä` is the annual (m = 1) value of the same annuity and `E` is the
//! value of 1 at its start less the value of 1 at its end (`1` for a whole
//! life annuity, `1 − ₙE_x` for a temporary one, `ₐE_x` for a deferred whole
//! life one). Annuities-certain paid m-thly use the exact formula
//! `(1 − vⁿ)/d^(m)`.
//!
//! Invariants: an age `x` outside the table is an error, an age reached
//! after a deferral or term beyond the table contributes zero; every step is
//! checked Decimal arithmetic naming the step; nothing is rounded here beyond
//! `rust_decimal`'s own rounding of each product and quotient.

use super::ActuarialError;
use super::arith::{add, div, mul, sub};
use super::commutation::Commutation;
use super::interest::{Frequency, Method};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A life annuity-due of 1 a year: `defer` years of deferral, then payments
/// for `term` years (or for life), of which the first `guaranteed` years are
/// paid whether or not the annuitant lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnuitySpec {
    /// Years from the valuation age to the first payment.
    pub defer: u32,
    /// Years of payments counted from the first payment; `None` for life.
    pub term: Option<u32>,
    /// Years certain at the start of payments (0 for none); at most `term`.
    pub guaranteed: u32,
    /// Payments a year.
    pub frequency: Frequency,
    /// How m-thly life annuities are valued.
    pub method: Method,
}

impl AnnuitySpec {
    /// A whole life annuity-due, immediate, without guarantee.
    pub fn whole_life(frequency: Frequency, method: Method) -> AnnuitySpec {
        AnnuitySpec {
            defer: 0,
            term: None,
            guaranteed: 0,
            frequency,
            method,
        }
    }
}

/// Expense loadings turning a net premium into a gross premium:
/// `gross = (net + per_policy) / (1 − pct_of_premium)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Loading {
    /// A fixed amount per policy, in the premium's currency and period.
    pub per_policy: Decimal,
    /// A share of the gross premium, `0 ≤ pct_of_premium < 1` (0.05 for 5%).
    pub pct_of_premium: Decimal,
}

/// The gross premium that covers the net premium, a fixed per-policy
/// expense and a percentage of the gross premium itself:
/// `gross = (net + per_policy) / (1 − pct_of_premium)`.
///
/// # Errors
///
/// [`ActuarialError::Invalid`] when the percentage is outside `[0, 1)` or an
/// amount is negative; an arithmetic error naming the step.
pub fn gross_premium(net: Decimal, loading: &Loading) -> Result<Decimal, ActuarialError> {
    const STEP: &str = "gross premium";
    if loading.pct_of_premium < Decimal::ZERO || loading.pct_of_premium >= Decimal::ONE {
        return Err(ActuarialError::Invalid {
            step: STEP,
            message: format!(
                "percentage-of-premium loading {} must be at least 0 and below 1",
                loading.pct_of_premium
            ),
        });
    }
    if net < Decimal::ZERO || loading.per_policy < Decimal::ZERO {
        return Err(ActuarialError::Invalid {
            step: STEP,
            message: format!(
                "net premium {net} and per-policy loading {} must not be negative",
                loading.per_policy
            ),
        });
    }
    let numerator = add(net, loading.per_policy, STEP)?;
    let denominator = sub(Decimal::ONE, loading.pct_of_premium, STEP)?;
    div(numerator, denominator, STEP)
}

fn age_plus(x: u32, n: u32) -> u64 {
    u64::from(x) + u64::from(n)
}

impl Commutation {
    /// The factors `(α, β)` of `ä^(m) = α·ä − β·E` for `frequency` and `method`.
    ///
    /// # Errors
    ///
    /// An arithmetic error naming the step.
    pub fn mthly_factors(
        &self,
        frequency: Frequency,
        method: Method,
    ) -> Result<(Decimal, Decimal), ActuarialError> {
        if frequency == Frequency::Annual {
            return Ok((Decimal::ONE, Decimal::ZERO));
        }
        match method {
            Method::Woolhouse2 => {
                let m = frequency.per_year();
                let beta = div(
                    Decimal::from(m - 1),
                    Decimal::from(2 * m),
                    "Woolhouse (m−1)/(2m)",
                )?;
                Ok((Decimal::ONE, beta))
            }
            Method::Udd => {
                let r = self.interest().mthly(frequency);
                Ok((r.alpha, r.beta))
            }
        }
    }

    /// Pure endowment `ₙE_x = D_{x+n}/D_x`: the value of 1 paid at age `x+n`
    /// if alive then.
    ///
    /// # Errors
    ///
    /// [`ActuarialError::AgeOutsideTable`] when `x` is not in the table.
    pub fn pure_endowment(&self, x: u32, n: u32) -> Result<Decimal, ActuarialError> {
        const STEP: &str = "pure endowment";
        self.check_age(x, STEP)?;
        div(self.big_d(age_plus(x, n))?, self.big_d(x.into())?, STEP)
    }

    /// Term assurance `A¹_{x:n} = (M_x − M_{x+n})/D_x`: 1 paid at the end of
    /// the year of death if death occurs within `n` years.
    ///
    /// # Errors
    ///
    /// [`ActuarialError::AgeOutsideTable`] when `x` is not in the table.
    pub fn term_assurance(&self, x: u32, n: u32) -> Result<Decimal, ActuarialError> {
        const STEP: &str = "term assurance";
        self.check_age(x, STEP)?;
        let numerator = sub(self.big_m(x.into())?, self.big_m(age_plus(x, n))?, STEP)?;
        div(numerator, self.big_d(x.into())?, STEP)
    }

    /// Whole life assurance `A_x = M_x/D_x`: 1 paid at the end of the year of
    /// death.
    ///
    /// # Errors
    ///
    /// [`ActuarialError::AgeOutsideTable`] when `x` is not in the table.
    pub fn whole_life_assurance(&self, x: u32) -> Result<Decimal, ActuarialError> {
        const STEP: &str = "whole life assurance";
        self.check_age(x, STEP)?;
        div(self.big_m(x.into())?, self.big_d(x.into())?, STEP)
    }

    /// The value at age `x` of a life annuity-due of 1 a year, paid m-thly by
    /// `method`, from age `from` up to (not including) age `to` (`None`: for
    /// life), conditional on survival to each payment:
    /// `(α·(N_from − N_to) − β·(D_from − D_to)) / D_x`.
    fn life_annuity_between(
        &self,
        x: u32,
        from: u64,
        to: Option<u64>,
        frequency: Frequency,
        method: Method,
    ) -> Result<Decimal, ActuarialError> {
        const STEP: &str = "life annuity";
        let (alpha, beta) = self.mthly_factors(frequency, method)?;
        let (n_to, d_to) = match to {
            Some(to) => (self.big_n(to)?, self.big_d(to)?),
            None => (Decimal::ZERO, Decimal::ZERO),
        };
        let annual = sub(self.big_n(from)?, n_to, STEP)?;
        let spread = sub(self.big_d(from)?, d_to, STEP)?;
        let numerator = sub(
            mul(alpha, annual, "life annuity: α·ä")?,
            mul(beta, spread, "life annuity: β·E")?,
            STEP,
        )?;
        div(numerator, self.big_d(x.into())?, STEP)
    }

    /// The value at age `x` of the annuity described by `spec`:
    ///
    /// ```text
    /// v = (D_{x+d}/D_x)·ä^(m)_{g⌉}                 (g years certain)
    ///   + (α·(N_{x+d+g} − N_{x+d+n}) − β·(D_{x+d+g} − D_{x+d+n}))/D_x
    /// ```
    ///
    /// with `d` the deferral, `g` the years guaranteed, `n` the term (the
    /// `N`, `D` terms at `x+d+n` are 0 for a life annuity), `ä^(m)_{g⌉}` the
    /// exact annuity-certain and `(α, β)` from [`Commutation::mthly_factors`].
    /// `D_{x+d}/D_x = v^d·ₐp_x` already discounts the certain payments to age
    /// `x`; no further `v^d` applies.
    ///
    /// # Errors
    ///
    /// [`ActuarialError::AgeOutsideTable`] when `x` is not in the table;
    /// [`ActuarialError::Invalid`] when the guarantee is longer than the
    /// term; an arithmetic error naming the step.
    pub fn annuity(&self, x: u32, spec: &AnnuitySpec) -> Result<Decimal, ActuarialError> {
        const STEP: &str = "annuity";
        self.check_age(x, STEP)?;
        if let Some(n) = spec.term
            && spec.guaranteed > n
        {
            return Err(ActuarialError::Invalid {
                step: STEP,
                message: format!(
                    "{} years guaranteed exceed the payment term of {n} years",
                    spec.guaranteed
                ),
            });
        }
        let start = age_plus(x, spec.defer);
        let life_from = start + u64::from(spec.guaranteed);
        let life_to = spec.term.map(|n| start + u64::from(n));

        let certain = if spec.guaranteed == 0 {
            Decimal::ZERO
        } else {
            let certain = self
                .interest()
                .annuity_certain_due(spec.guaranteed, spec.frequency)?;
            let survive = div(
                self.big_d(start)?,
                self.big_d(x.into())?,
                "annuity: D_{x+d}/D_x",
            )?;
            mul(survive, certain, "annuity: years certain")?
        };
        let life = self.life_annuity_between(x, life_from, life_to, spec.frequency, spec.method)?;
        add(certain, life, STEP)
    }

    /// Whole life annuity-due `ä^(m)_x`.
    ///
    /// # Errors
    ///
    /// As [`Commutation::annuity`].
    pub fn annuity_due(
        &self,
        x: u32,
        frequency: Frequency,
        method: Method,
    ) -> Result<Decimal, ActuarialError> {
        self.annuity(x, &AnnuitySpec::whole_life(frequency, method))
    }

    /// Temporary annuity-due `ä^(m)_{x:n}` (at most `n` years of payments).
    ///
    /// # Errors
    ///
    /// As [`Commutation::annuity`].
    pub fn temporary_annuity_due(
        &self,
        x: u32,
        n: u32,
        frequency: Frequency,
        method: Method,
    ) -> Result<Decimal, ActuarialError> {
        let spec = AnnuitySpec {
            term: Some(n),
            ..AnnuitySpec::whole_life(frequency, method)
        };
        self.annuity(x, &spec)
    }

    /// Deferred whole life annuity-due `ₐ|ä^(m)_x`, first payment at exact age
    /// `x + d`.
    ///
    /// # Errors
    ///
    /// As [`Commutation::annuity`].
    pub fn deferred_annuity_due(
        &self,
        x: u32,
        d: u32,
        frequency: Frequency,
        method: Method,
    ) -> Result<Decimal, ActuarialError> {
        let spec = AnnuitySpec {
            defer: d,
            ..AnnuitySpec::whole_life(frequency, method)
        };
        self.annuity(x, &spec)
    }

    /// Deferred life annuity-due with `g` years certain: `d` years of
    /// deferral, then `g` years paid regardless of survival, then for life.
    ///
    /// # Errors
    ///
    /// As [`Commutation::annuity`].
    pub fn guaranteed_annuity_due(
        &self,
        x: u32,
        d: u32,
        g: u32,
        frequency: Frequency,
        method: Method,
    ) -> Result<Decimal, ActuarialError> {
        let spec = AnnuitySpec {
            defer: d,
            guaranteed: g,
            ..AnnuitySpec::whole_life(frequency, method)
        };
        self.annuity(x, &spec)
    }

    /// Net single premium of the annuity `spec` for an annual amount of 1:
    /// the same as [`Commutation::annuity`].
    ///
    /// # Errors
    ///
    /// As [`Commutation::annuity`].
    pub fn net_single_premium(
        &self,
        x: u32,
        spec: &AnnuitySpec,
    ) -> Result<Decimal, ActuarialError> {
        self.annuity(x, spec)
    }

    /// Level annual premium paid m-thly for `t` years that buys a benefit of
    /// single premium `nsp`: `P = nsp / ä^(m)_{x:t}`. The instalment is `P/m`.
    ///
    /// # Errors
    ///
    /// [`ActuarialError::Invalid`] for `t = 0`; otherwise as
    /// [`Commutation::annuity`].
    pub fn level_premium(
        &self,
        x: u32,
        nsp: Decimal,
        t: u32,
        frequency: Frequency,
        method: Method,
    ) -> Result<Decimal, ActuarialError> {
        const STEP: &str = "level premium";
        if t == 0 {
            return Err(ActuarialError::Invalid {
                step: STEP,
                message: "the premium term must be at least one year".into(),
            });
        }
        let annuity = self.temporary_annuity_due(x, t, frequency, method)?;
        div(nsp, annuity, STEP)
    }

    /// Value at age `x` of returning, at the end of the year of death during
    /// a deferral of `d` years, the annual premiums (of 1 each) of every
    /// policy year begun, premiums being payable for `t` years:
    ///
    /// ```text
    /// Σ_{k=0}^{d−1} min(k+1, t)·C_{x+k}/D_x
    ///   = (R_x − R_{x+t'} − t'·M_{x+d}) / D_x,      t' = min(t, d)
    /// ```
    ///
    /// # Errors
    ///
    /// [`ActuarialError::AgeOutsideTable`] when `x` is not in the table; an
    /// arithmetic error naming the step.
    pub fn return_of_premium(&self, x: u32, d: u32, t: u32) -> Result<Decimal, ActuarialError> {
        const STEP: &str = "return of premium";
        self.check_age(x, STEP)?;
        let paid = t.min(d);
        let r_part = sub(self.big_r(x.into())?, self.big_r(age_plus(x, paid))?, STEP)?;
        let m_part = mul(Decimal::from(paid), self.big_m(age_plus(x, d))?, STEP)?;
        div(sub(r_part, m_part, STEP)?, self.big_d(x.into())?, STEP)
    }

    /// Level annual net premium `P`, paid m-thly for `t` years, for the
    /// deferred annuity `spec` when the premiums paid are returned on death
    /// during the deferral (see [`Commutation::return_of_premium`]):
    ///
    /// ```text
    /// P·ä^(m)_{x:t} = NSP + P·RoP   ⇒   P = NSP / (ä^(m)_{x:t} − RoP)
    /// ```
    ///
    /// # Errors
    ///
    /// [`ActuarialError::Invalid`] unless `1 ≤ t ≤ spec.defer`, or when the
    /// returned premiums are worth as much as the premiums themselves;
    /// otherwise as [`Commutation::annuity`].
    pub fn level_premium_with_return(
        &self,
        x: u32,
        spec: &AnnuitySpec,
        t: u32,
        premium_frequency: Frequency,
    ) -> Result<Decimal, ActuarialError> {
        const STEP: &str = "level premium with return of premiums";
        if t == 0 || t > spec.defer {
            return Err(ActuarialError::Invalid {
                step: STEP,
                message: format!(
                    "premium term {t} must be at least 1 and at most the deferral of {} years",
                    spec.defer
                ),
            });
        }
        let nsp = self.annuity(x, spec)?;
        let premiums = self.temporary_annuity_due(x, t, premium_frequency, spec.method)?;
        let refund = self.return_of_premium(x, spec.defer, t)?;
        let denominator = sub(premiums, refund, STEP)?;
        if denominator <= Decimal::ZERO {
            return Err(ActuarialError::Invalid {
                step: STEP,
                message: "returned premiums are worth as much as the premiums paid".into(),
            });
        }
        div(nsp, denominator, STEP)
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

    fn close(a: Decimal, b: Decimal, tol: &str) -> bool {
        (a - b).abs() <= dec(tol)
    }

    /// Ages 60..=62 with q = 0.1, 0.5, 1 at 10% interest: small enough to
    /// check by hand.
    fn small(i: &str) -> Commutation {
        let t = LifeTable::from_csv(Path::new("s.csv"), "age,qx\n60,0.1\n61,0.5\n62,1\n", None)
            .unwrap();
        Commutation::new(&t, dec(i)).unwrap()
    }

    const W: Method = Method::Woolhouse2;

    #[test]
    fn annual_values_by_hand() {
        let c = small("0.1");
        let v = dec("1") / dec("1.1");
        // ä_60 = 1 + 0.9 v + 0.45 v²
        let expected = dec("1") + dec("0.9") * v + dec("0.45") * v * v;
        let got = c.annuity_due(60, Frequency::Annual, W).unwrap();
        assert!(close(got, expected, "1e-24"), "{got} vs {expected}");
        // ä_60:2 = 1 + 0.9 v
        let got = c
            .temporary_annuity_due(60, 2, Frequency::Annual, W)
            .unwrap();
        assert!(close(got, dec("1") + dec("0.9") * v, "1e-24"));
        // 1|ä_60 = 0.9 v + 0.45 v²
        let got = c.deferred_annuity_due(60, 1, Frequency::Annual, W).unwrap();
        assert!(close(got, dec("0.9") * v + dec("0.45") * v * v, "1e-24"));
        // A_60 = 0.1 v + 0.45 v² + 0.45 v³ ; A¹_60:1 = 0.1 v ; 2E60 = 0.45 v²
        let a = c.whole_life_assurance(60).unwrap();
        assert!(close(
            a,
            dec("0.1") * v + dec("0.45") * v * v + dec("0.45") * v * v * v,
            "1e-24"
        ));
        assert!(close(
            c.term_assurance(60, 1).unwrap(),
            dec("0.1") * v,
            "1e-24"
        ));
        assert!(close(
            c.pure_endowment(60, 2).unwrap(),
            dec("0.45") * v * v,
            "1e-24"
        ));
        // beyond the table
        assert_eq!(c.pure_endowment(60, 5).unwrap(), Decimal::ZERO);
        assert_eq!(
            c.deferred_annuity_due(60, 10, Frequency::Monthly, Method::Udd)
                .unwrap(),
            Decimal::ZERO
        );
    }

    #[test]
    fn years_certain_then_life() {
        let c = small("0.1");
        let v = dec("1") / dec("1.1");
        // 1 year deferral, 1 year certain, then life: at 61 (certain, given
        // alive at 61) then at 62 if alive.
        let got = c
            .guaranteed_annuity_due(60, 1, 1, Frequency::Annual, W)
            .unwrap();
        let expected = dec("0.9") * v * dec("1") + dec("0.45") * v * v;
        assert!(close(got, expected, "1e-24"), "{got} vs {expected}");
        // 0 deferral, 3 years certain: all three payments certain.
        let got = c
            .guaranteed_annuity_due(60, 0, 3, Frequency::Annual, W)
            .unwrap();
        assert!(close(got, dec("1") + v + v * v, "1e-24"));
    }

    #[test]
    fn woolhouse_and_udd_at_zero_interest_agree() {
        // At i = 0, α = 1 and β = (m−1)/(2m): both methods coincide.
        let c = small("0");
        let w = c.annuity_due(60, Frequency::Monthly, W).unwrap();
        let u = c.annuity_due(60, Frequency::Monthly, Method::Udd).unwrap();
        assert_eq!(w, u);
        // ä_60 = 2.35; minus 11/24
        assert!(close(w, dec("2.35") - dec("11") / dec("24"), "1e-26"));
    }

    #[test]
    fn udd_monthly_equals_direct_summation() {
        // Under UDD, l at fractional ages is linear within the year; sum the
        // monthly payments directly.
        let c = small("0.1");
        let root = crate::actuarial::interest::nth_root(dec("1.1"), 12, "t").unwrap();
        let v12 = dec("1") / root;
        let l = [dec("100000"), dec("90000"), dec("45000"), dec("0")];
        let mut sum = Decimal::ZERO;
        let mut disc = Decimal::ONE;
        for k in 0..36u32 {
            let year = (k / 12) as usize;
            let frac = Decimal::from(k % 12) / dec("12");
            let lk = l[year] - (l[year] - l[year + 1]) * frac;
            sum += disc * lk / dec("100000") / dec("12");
            disc *= v12;
        }
        let got = c.annuity_due(60, Frequency::Monthly, Method::Udd).unwrap();
        assert!(close(got, sum, "1e-22"), "{got} vs {sum}");
    }

    #[test]
    fn return_of_premium_by_hand() {
        let c = small("0.1");
        let v = dec("1") / dec("1.1");
        // d = 2, t = 2: death in year 1 returns 1, in year 2 returns 2.
        let got = c.return_of_premium(60, 2, 2).unwrap();
        let expected = dec("0.1") * v + dec("2") * dec("0.45") * v * v;
        assert!(close(got, expected, "1e-24"), "{got} vs {expected}");
        // t = 1: only one premium paid, returned in either year.
        let got = c.return_of_premium(60, 2, 1).unwrap();
        assert!(close(got, dec("0.1") * v + dec("0.45") * v * v, "1e-24"));
        // premium with return: P = NSP / (ä_60:t − RoP)
        let spec = AnnuitySpec {
            defer: 2,
            ..AnnuitySpec::whole_life(Frequency::Annual, W)
        };
        let p = c
            .level_premium_with_return(60, &spec, 1, Frequency::Annual)
            .unwrap();
        let nsp = dec("0.45") * v * v;
        let expected = nsp / (dec("1") - dec("0.1") * v - dec("0.45") * v * v);
        assert!(close(p, expected, "1e-24"), "{p} vs {expected}");
        assert!(
            c.level_premium_with_return(60, &spec, 3, Frequency::Annual)
                .is_err()
        );
    }

    #[test]
    fn level_premium_and_gross_loading() {
        let c = small("0.1");
        let v = dec("1") / dec("1.1");
        let p = c
            .level_premium(60, dec("1"), 2, Frequency::Annual, W)
            .unwrap();
        assert!(close(p, dec("1") / (dec("1") + dec("0.9") * v), "1e-24"));
        let g = gross_premium(
            dec("95"),
            &Loading {
                per_policy: dec("5"),
                pct_of_premium: dec("0.2"),
            },
        )
        .unwrap();
        assert_eq!(g, dec("125"));
        let bad = Loading {
            per_policy: dec("0"),
            pct_of_premium: dec("1"),
        };
        assert!(gross_premium(dec("1"), &bad).is_err());
    }

    #[test]
    fn errors_name_the_step() {
        let c = small("0.1");
        let e = c.annuity_due(59, Frequency::Annual, W).unwrap_err();
        assert_eq!(
            e.to_string(),
            "annuity: age 59 is outside the life table (ages 60..=62)"
        );
        let spec = AnnuitySpec {
            term: Some(5),
            guaranteed: 10,
            ..AnnuitySpec::whole_life(Frequency::Annual, W)
        };
        assert!(matches!(
            c.annuity(60, &spec),
            Err(ActuarialError::Invalid {
                step: "annuity",
                ..
            })
        ));
        assert!(
            c.level_premium(60, dec("1"), 0, Frequency::Annual, W)
                .is_err()
        );
    }
}
