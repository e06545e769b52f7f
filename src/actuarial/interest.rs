//! Interest: the effective annual rate and everything derived from it.
//!
//! Owns [`Interest`] (`i`, `v`, `d` and, for each supported payment
//! frequency, `i^(m)`, `d^(m)` and the UDD factors `α(m)`, `β(m)`), the payment
//! [`Frequency`], the m-thly approximation [`Method`], and the Decimal `m`-th
//! root used for `(1+i)^(1/m)`.
//!
//! Invariants: the rate is between 0 and 1 (100%) inclusive; all derived quantities are Decimal,
//! computed once at construction with checked arithmetic; the root is found by
//! Newton's iteration in Decimal to the last representable digit (no binary
//! floating point anywhere). At `i = 0` the limits are used: `v = 1`,
//! `d = i^(m) = d^(m) = 0`, `α(m) = 1`, `β(m) = (m−1)/(2m)`.

use super::ActuarialError;
use super::ArithmeticFault;
use super::arith::{add, div, mul, sub};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How often a year an annuity pays (each payment is `1/m` of the annual amount).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub enum Frequency {
    /// Once a year (`m = 1`).
    Annual,
    /// Twice a year (`m = 2`).
    HalfYearly,
    /// Four times a year (`m = 4`).
    Quarterly,
    /// Twelve times a year (`m = 12`).
    Monthly,
}

impl Frequency {
    /// All supported frequencies, in increasing `m`.
    pub const ALL: [Frequency; 4] = [
        Frequency::Annual,
        Frequency::HalfYearly,
        Frequency::Quarterly,
        Frequency::Monthly,
    ];

    /// The frequency paying `per_year` times a year.
    ///
    /// # Errors
    ///
    /// [`ActuarialError::UnsupportedFrequency`] unless `per_year` is 1, 2, 4 or 12.
    pub fn from_per_year(per_year: u32) -> Result<Frequency, ActuarialError> {
        match per_year {
            1 => Ok(Frequency::Annual),
            2 => Ok(Frequency::HalfYearly),
            4 => Ok(Frequency::Quarterly),
            12 => Ok(Frequency::Monthly),
            _ => Err(ActuarialError::UnsupportedFrequency {
                step: "payment frequency",
                per_year,
            }),
        }
    }

    /// Payments a year, `m`.
    pub fn per_year(self) -> u32 {
        match self {
            Frequency::Annual => 1,
            Frequency::HalfYearly => 2,
            Frequency::Quarterly => 4,
            Frequency::Monthly => 12,
        }
    }

    fn index(self) -> usize {
        match self {
            Frequency::Annual => 0,
            Frequency::HalfYearly => 1,
            Frequency::Quarterly => 2,
            Frequency::Monthly => 3,
        }
    }
}

impl TryFrom<u32> for Frequency {
    type Error = ActuarialError;
    fn try_from(m: u32) -> Result<Self, Self::Error> {
        Frequency::from_per_year(m)
    }
}

impl From<Frequency> for u32 {
    fn from(f: Frequency) -> u32 {
        f.per_year()
    }
}

impl fmt::Display for Frequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.per_year())
    }
}

/// How a life annuity payable `m` times a year is valued from annual
/// commutation values. A product declares its method; the two differ by about
/// 1e-4 relative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Woolhouse's formula with two terms:
    /// `ä^(m)_x ≈ ä_x − (m−1)/(2m)`.
    Woolhouse2,
    /// Uniform distribution of deaths within each year of age:
    /// `ä^(m)_x = α(m)·ä_x − β(m)`.
    Udd,
}

impl Method {
    /// The name used in product files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Method::Woolhouse2 => "woolhouse2",
            Method::Udd => "udd",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Method {
    type Err = ActuarialError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "woolhouse2" | "woolhouse" => Ok(Method::Woolhouse2),
            "udd" => Ok(Method::Udd),
            other => Err(ActuarialError::Invalid {
                step: "m-thly method",
                message: format!("unknown method `{other}` (use woolhouse2 or udd)"),
            }),
        }
    }
}

/// Quantities derived from the annual rate for one payment frequency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MthlyRates {
    /// The frequency these belong to.
    pub frequency: Frequency,
    /// Nominal rate of interest convertible m-thly: `i^(m) = m·((1+i)^(1/m) − 1)`.
    pub i_m: Decimal,
    /// Nominal rate of discount convertible m-thly: `d^(m) = m·(1 − (1+i)^(−1/m))`.
    pub d_m: Decimal,
    /// UDD factor `α(m) = i·d / (i^(m)·d^(m))` (1 at `i = 0`).
    pub alpha: Decimal,
    /// UDD factor `β(m) = (i − i^(m)) / (i^(m)·d^(m))` (`(m−1)/(2m)` at `i = 0`).
    pub beta: Decimal,
}

/// An effective annual interest rate with its derived quantities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interest {
    i: Decimal,
    v: Decimal,
    d: Decimal,
    mthly: [MthlyRates; 4],
}

impl Interest {
    /// Derives `v`, `d` and the m-thly quantities for every supported
    /// frequency from the effective annual rate `i`.
    ///
    /// # Errors
    ///
    /// [`ActuarialError::NegativeInterest`] for `i < 0`;
    /// [`ActuarialError::Invalid`] for `i > 1` (a rate above 100% is taken as
    /// a percentage given where a fraction was meant); an arithmetic error
    /// naming the step if a derived quantity cannot be represented.
    pub fn new(i: Decimal) -> Result<Interest, ActuarialError> {
        if i < Decimal::ZERO {
            return Err(ActuarialError::NegativeInterest {
                step: "interest rate",
                interest: i,
            });
        }
        if i > Decimal::ONE {
            return Err(ActuarialError::Invalid {
                step: "interest rate",
                message: format!(
                    "interest rate {i} is above 1 (100%); give rates as fractions, 0.025 for 2.5%"
                ),
            });
        }
        let one_plus_i = add(Decimal::ONE, i, "interest: 1 + i")?;
        let v = div(Decimal::ONE, one_plus_i, "interest: v = 1/(1+i)")?;
        let d = div(i, one_plus_i, "interest: d = i/(1+i)")?;
        let mut mthly = [MthlyRates {
            frequency: Frequency::Annual,
            i_m: i,
            d_m: d,
            alpha: Decimal::ONE,
            beta: Decimal::ZERO,
        }; 4];
        for f in Frequency::ALL {
            mthly[f.index()] = mthly_rates(i, d, one_plus_i, f)?;
        }
        Ok(Interest { i, v, d, mthly })
    }

    /// The effective annual rate `i`.
    pub fn rate(&self) -> Decimal {
        self.i
    }

    /// The annual discount factor `v = 1/(1+i)`.
    pub fn v(&self) -> Decimal {
        self.v
    }

    /// The effective annual rate of discount `d = i/(1+i)`.
    pub fn d(&self) -> Decimal {
        self.d
    }

    /// The m-thly quantities for `frequency`.
    pub fn mthly(&self, frequency: Frequency) -> &MthlyRates {
        &self.mthly[frequency.index()]
    }

    /// `v^n` by repeated checked multiplication.
    ///
    /// # Errors
    ///
    /// An arithmetic error naming `step`.
    pub fn v_pow(&self, n: u32, step: &'static str) -> Result<Decimal, ActuarialError> {
        let mut out = Decimal::ONE;
        for _ in 0..n {
            out = mul(out, self.v, step)?;
        }
        Ok(out)
    }

    /// Present value of an annuity-certain-due of 1 a year for `n` years,
    /// paid `m` times a year in advance (`1/m` each), by the exact formula
    /// `ä^(m)_n = (1 − v^n)/d^(m)` (`= n` at `i = 0`).
    ///
    /// # Errors
    ///
    /// An arithmetic error naming the step.
    pub fn annuity_certain_due(
        &self,
        n: u32,
        frequency: Frequency,
    ) -> Result<Decimal, ActuarialError> {
        const STEP: &str = "annuity certain";
        if self.i.is_zero() {
            return Ok(Decimal::from(n));
        }
        let vn = self.v_pow(n, STEP)?;
        let numerator = sub(Decimal::ONE, vn, STEP)?;
        div(numerator, self.mthly(frequency).d_m, STEP)
    }
}

/// Rates below this use series for the m-thly quantities (see [`mthly_rates`]).
fn small_rate() -> Decimal {
    Decimal::new(1, 6)
}

fn mthly_rates(
    i: Decimal,
    d: Decimal,
    one_plus_i: Decimal,
    frequency: Frequency,
) -> Result<MthlyRates, ActuarialError> {
    const STEP: &str = "interest: m-thly rates";
    let m = frequency.per_year();
    let m_dec = Decimal::from(m);
    if frequency == Frequency::Annual {
        return Ok(MthlyRates {
            frequency,
            i_m: i,
            d_m: d,
            alpha: Decimal::ONE,
            beta: Decimal::ZERO,
        });
    }
    if i.is_zero() {
        let beta = div(
            Decimal::from(m - 1),
            Decimal::from(2 * m),
            "interest: β(m) at i = 0",
        )?;
        return Ok(MthlyRates {
            frequency,
            i_m: Decimal::ZERO,
            d_m: Decimal::ZERO,
            alpha: Decimal::ONE,
            beta,
        });
    }
    if i < small_rate() {
        // Below 1e-6 the formulas below cancel away every digit (i·d and i − i^(m) are of the
        // order of i²): use the series in δ = ln(1+i) instead, exact to far below a fen.
        let delta = sub(i, mul(i, i, STEP)? / Decimal::TWO, STEP)?;
        let m2 = Decimal::from(m * m);
        let k = div(m2 - Decimal::ONE, m2, STEP)?;
        let i_m = i - div(
            mul(Decimal::from(m - 1), mul(i, i, STEP)?, STEP)?,
            Decimal::from(2 * m),
            STEP,
        )?;
        let d_m = d + div(
            mul(Decimal::from(m - 1), mul(d, d, STEP)?, STEP)?,
            Decimal::from(2 * m),
            STEP,
        )?;
        let alpha = Decimal::ONE + mul(k / Decimal::from(12), mul(delta, delta, STEP)?, STEP)?;
        let beta = div(Decimal::from(m - 1), Decimal::from(2 * m), STEP)?
            + mul(k / Decimal::from(6), delta, STEP)?;
        return Ok(MthlyRates {
            frequency,
            i_m,
            d_m,
            alpha,
            beta,
        });
    }
    let root = nth_root(one_plus_i, m, "interest: (1+i)^(1/m)")?;
    let i_m = mul(m_dec, sub(root, Decimal::ONE, STEP)?, "interest: i^(m)")?;
    let v_root = div(Decimal::ONE, root, "interest: v^(1/m)")?;
    let d_m = mul(m_dec, sub(Decimal::ONE, v_root, STEP)?, "interest: d^(m)")?;
    let denominator = mul(i_m, d_m, "interest: i^(m)·d^(m)")?;
    let alpha = div(mul(i, d, "interest: α(m)")?, denominator, "interest: α(m)")?;
    let beta = div(
        sub(i, i_m, "interest: β(m)")?,
        denominator,
        "interest: β(m)",
    )?;
    Ok(MthlyRates {
        frequency,
        i_m,
        d_m,
        alpha,
        beta,
    })
}

/// The positive `n`-th root of `a ≥ 1` in Decimal, by Newton's iteration.
///
/// Starts at `1 + (a−1)/n`, which is at or above the root (Bernoulli's
/// inequality), so the iterates decrease monotonically; the iteration stops
/// when a step no longer decreases the iterate, i.e. at the last digit
/// `rust_decimal` can represent (about 1e-27 for roots near 1).
///
/// # Errors
///
/// [`ActuarialError::Invalid`] for `a < 1` or `n = 0`; an arithmetic error
/// naming `step` on overflow or if 200 iterations do not settle.
pub fn nth_root(a: Decimal, n: u32, step: &'static str) -> Result<Decimal, ActuarialError> {
    if n == 0 || a < Decimal::ONE {
        return Err(ActuarialError::Invalid {
            step,
            message: format!("root of order {n} of {a}: needs order ≥ 1 and a value ≥ 1"),
        });
    }
    if n == 1 || a == Decimal::ONE {
        return Ok(a);
    }
    let n_dec = Decimal::from(n);
    let mut y = add(
        Decimal::ONE,
        div(sub(a, Decimal::ONE, step)?, n_dec, step)?,
        step,
    )?;
    for _ in 0..200 {
        // y^(n-1)
        let mut p = Decimal::ONE;
        for _ in 1..n {
            p = mul(p, y, step)?;
        }
        let f = sub(mul(p, y, step)?, a, step)?;
        let correction = div(f, mul(n_dec, p, step)?, step)?;
        if correction <= Decimal::ZERO {
            return Ok(y);
        }
        let next = sub(y, correction, step)?;
        if next >= y {
            return Ok(y);
        }
        y = next;
    }
    Err(ActuarialError::Arithmetic {
        step,
        what: ArithmeticFault::NoConvergence,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn close(a: Decimal, b: Decimal, tol: &str) -> bool {
        (a - b).abs() <= dec(tol)
    }

    #[test]
    fn twelfth_root_matches_fifty_digit_value() {
        // 1.025^(1/12) to 30 places (computed with 50-digit decimal arithmetic).
        let r = nth_root(dec("1.025"), 12, "t").unwrap();
        assert!(
            close(r, dec("1.002059836269842855635757869030"), "1e-26"),
            "{r}"
        );
        // 1.035^(1/4)
        let r = nth_root(dec("1.035"), 4, "t").unwrap();
        assert!(
            close(r, dec("1.008637445997713402789766254855"), "1e-26"),
            "{r}"
        );
        assert_eq!(nth_root(Decimal::ONE, 12, "t").unwrap(), Decimal::ONE);
        assert!(nth_root(dec("0.5"), 2, "t").is_err());
    }

    #[test]
    fn square_root_of_four_is_two() {
        assert!(close(
            nth_root(dec("4"), 2, "t").unwrap(),
            dec("2"),
            "1e-26"
        ));
    }

    #[test]
    fn nominal_rates_and_udd_factors() {
        let it = Interest::new(dec("0.025")).unwrap();
        let m = it.mthly(Frequency::Monthly);
        // i^(12) = 12(1.025^(1/12) − 1)
        assert!(
            close(m.i_m, dec("0.024718035238114267629094"), "1e-22"),
            "{}",
            m.i_m
        );
        assert!(
            close(m.alpha, dec("1.000050458591"), "1e-12"),
            "{}",
            m.alpha
        );
        assert!(close(m.beta, dec("0.462445542666"), "1e-12"), "{}", m.beta);
        let a = it.mthly(Frequency::Annual);
        assert_eq!((a.alpha, a.beta), (Decimal::ONE, Decimal::ZERO));
    }

    #[test]
    fn zero_interest_uses_limits() {
        let it = Interest::new(Decimal::ZERO).unwrap();
        let m = it.mthly(Frequency::Quarterly);
        assert_eq!(m.alpha, Decimal::ONE);
        assert_eq!(m.beta, dec("0.375"));
        assert_eq!(
            it.annuity_certain_due(20, Frequency::Monthly).unwrap(),
            dec("20")
        );
    }

    #[test]
    fn rate_above_one_is_rejected_and_one_is_accepted() {
        let e = Interest::new(dec("2.5")).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("interest rate: interest rate 2.5 is above 1"),
            "{e}"
        );
        let it = Interest::new(Decimal::ONE).unwrap();
        // 2^(1/12)
        let r = it.mthly(Frequency::Monthly).i_m / dec("12") + Decimal::ONE;
        assert!(
            close(r, dec("1.059463094359295264561825294946"), "1e-26"),
            "{r}"
        );
    }

    #[test]
    fn negative_interest_and_bad_frequency_rejected() {
        assert!(matches!(
            Interest::new(dec("-0.01")),
            Err(ActuarialError::NegativeInterest { .. })
        ));
        assert!(matches!(
            Frequency::from_per_year(3),
            Err(ActuarialError::UnsupportedFrequency { per_year: 3, .. })
        ));
    }

    #[test]
    fn annuity_certain_monthly_is_exact() {
        let it = Interest::new(dec("0.025")).unwrap();
        // (1 − 1.025^−20)/d^(12)
        let a = it.annuity_certain_due(20, Frequency::Monthly).unwrap();
        assert!(close(a, dec("15.7994691498"), "1e-9"), "{a}");
        let a1 = it.annuity_certain_due(20, Frequency::Annual).unwrap();
        assert!(close(a1, dec("15.9788913428"), "1e-9"), "{a1}");
    }
}
