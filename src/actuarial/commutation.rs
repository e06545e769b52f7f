//! Commutation functions of one life table at one interest rate.
//!
//! Owns [`Commutation`]: the columns `l_x`, `d_x`, `v^x`, `D_x`, `N_x`, `C_x`,
//! `M_x`, `R_x` for every age of a [`LifeTable`], built once (the product
//! loader builds one per table and rate) and read by the value functions in
//! [`super::values`].
//!
//! Definitions, with `x₀` the first age and `ω` the last age of the table:
//!
//! ```text
//! l_x₀ = 100000            l_{x+1} = l_x·(1 − q_x)      d_x = l_x − l_{x+1}
//! v = 1/(1+i)              D_x = v^x·l_x                C_x = v^(x+1)·d_x
//! N_x = Σ_{y≥x} D_y        M_x = Σ_{y≥x} C_y            R_x = Σ_{y≥x} M_y
//! ```
//!
//! Invariants: the columns have one entry per age `x₀..=ω` plus one for
//! `ω+1`, where `l = d = D = N = C = M = R = 0` because `q_ω = 1`; every age past
//! `ω+1` also reads as zero, so a deferral that outlives the table is worth
//! nothing rather than an error. Ages below `x₀` are an error.
//!
//! Precision: every column is a `rust_decimal::Decimal` (96-bit mantissa, 28
//! significant digits; at most 28 decimal places). Each product and quotient
//! is rounded by `rust_decimal` to the digits it can hold; there is no other
//! rounding. `l_x` keeps 23 decimal places, `v^x` is built by repeated
//! multiplication (about 105 roundings, each below 1e-28 relative), and the
//! sums are exact to the stored digits, so `D_x`, `N_x`, `M_x` carry at least
//! 24 significant digits — far beyond the 1e-10 relative agreement the tests
//! demand.

use super::ActuarialError;
use super::arith::{add, mul, sub};
use super::interest::Interest;
use super::table::LifeTable;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

/// The radix `l_x₀` of every table.
pub const RADIX: Decimal = Decimal::from_parts(100_000, 0, 0, false, 0);

/// Commutation columns of one life table at one interest rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commutation {
    source: PathBuf,
    column: String,
    first_age: u32,
    last_age: u32,
    interest: Interest,
    lx: Vec<Decimal>,
    dx: Vec<Decimal>,
    vx: Vec<Decimal>,
    big_d: Vec<Decimal>,
    big_n: Vec<Decimal>,
    big_c: Vec<Decimal>,
    big_m: Vec<Decimal>,
    big_r: Vec<Decimal>,
}

impl Commutation {
    /// Builds the commutation columns of `table` at the effective annual
    /// rate `interest`.
    ///
    /// # Errors
    ///
    /// [`ActuarialError::NegativeInterest`] for a rate below zero, or an
    /// arithmetic error naming the column being built.
    pub fn new(table: &LifeTable, interest: Decimal) -> Result<Commutation, ActuarialError> {
        let interest = Interest::new(interest)?;
        let rates = table.rates();
        let len = rates.len() + 1;

        let mut lx = Vec::with_capacity(len);
        let mut dx = Vec::with_capacity(len);
        let mut l = RADIX;
        for q in rates {
            let p = sub(Decimal::ONE, *q, "commutation: p_x = 1 − q_x")?;
            let next = mul(l, p, "commutation: l_x")?;
            lx.push(l);
            dx.push(sub(l, next, "commutation: d_x")?);
            l = next;
        }
        // Closed table: l at ω+1 is zero (q_ω = 1), and nobody dies after.
        lx.push(l);
        dx.push(Decimal::ZERO);

        let v = interest.v();
        let mut vx = Vec::with_capacity(len);
        let mut power = interest.v_pow(table.first_age(), "commutation: v^x")?;
        for _ in 0..len {
            vx.push(power);
            power = mul(power, v, "commutation: v^x")?;
        }

        let mut big_d = Vec::with_capacity(len);
        let mut big_c = Vec::with_capacity(len);
        for k in 0..len {
            big_d.push(mul(vx[k], lx[k], "commutation: D_x")?);
            let v_next = mul(vx[k], v, "commutation: C_x")?;
            big_c.push(mul(v_next, dx[k], "commutation: C_x")?);
        }
        let big_n = tail_sums(&big_d, "commutation: N_x")?;
        let big_m = tail_sums(&big_c, "commutation: M_x")?;
        let big_r = tail_sums(&big_m, "commutation: R_x")?;

        Ok(Commutation {
            source: table.source().to_path_buf(),
            column: table.column().to_string(),
            first_age: table.first_age(),
            last_age: table.last_age(),
            interest,
            lx,
            dx,
            vx,
            big_d,
            big_n,
            big_c,
            big_m,
            big_r,
        })
    }

    /// The table file these columns were built from.
    pub fn source(&self) -> &Path {
        &self.source
    }

    /// The rate column of the table file.
    pub fn column(&self) -> &str {
        &self.column
    }

    /// The first age of the table.
    pub fn first_age(&self) -> u32 {
        self.first_age
    }

    /// The last age of the table (`q = 1`).
    pub fn last_age(&self) -> u32 {
        self.last_age
    }

    /// The interest rate and its derived quantities.
    pub fn interest(&self) -> &Interest {
        &self.interest
    }

    /// Checks that `age` is an age of the table (`x₀ ≤ age ≤ ω`).
    ///
    /// # Errors
    ///
    /// [`ActuarialError::AgeOutsideTable`] naming `step`.
    pub fn check_age(&self, age: u32, step: &'static str) -> Result<(), ActuarialError> {
        if age < self.first_age || age > self.last_age {
            return Err(self.outside(u64::from(age), step));
        }
        Ok(())
    }

    fn outside(&self, age: u64, step: &'static str) -> ActuarialError {
        ActuarialError::AgeOutsideTable {
            step,
            age,
            first: self.first_age,
            last: self.last_age,
        }
    }

    /// Reads `column` at `age`: zero past `ω+1`, an error below `x₀`.
    fn at(
        &self,
        column: &[Decimal],
        age: u64,
        step: &'static str,
    ) -> Result<Decimal, ActuarialError> {
        let Some(offset) = age.checked_sub(u64::from(self.first_age)) else {
            return Err(self.outside(age, step));
        };
        let value = usize::try_from(offset)
            .ok()
            .and_then(|k| column.get(k).copied());
        Ok(value.unwrap_or(Decimal::ZERO))
    }

    /// Survivors `l_x` (100000 at the first age, 0 from `ω+1` on).
    ///
    /// # Errors
    ///
    /// [`ActuarialError::AgeOutsideTable`] below the first age.
    pub fn lx(&self, age: u64) -> Result<Decimal, ActuarialError> {
        self.at(&self.lx, age, "l_x")
    }

    /// Deaths `d_x = l_x − l_{x+1}`.
    ///
    /// # Errors
    ///
    /// [`ActuarialError::AgeOutsideTable`] below the first age.
    pub fn dx(&self, age: u64) -> Result<Decimal, ActuarialError> {
        self.at(&self.dx, age, "d_x")
    }

    /// Discount factor `v^x` for ages `x₀..=ω+1`.
    ///
    /// # Errors
    ///
    /// [`ActuarialError::AgeOutsideTable`] outside `x₀..=ω+1`.
    pub fn v_pow(&self, age: u64) -> Result<Decimal, ActuarialError> {
        if age > u64::from(self.last_age) + 1 {
            return Err(self.outside(age, "v^x"));
        }
        self.at(&self.vx, age, "v^x")
    }

    /// `D_x = v^x·l_x`.
    ///
    /// # Errors
    ///
    /// [`ActuarialError::AgeOutsideTable`] below the first age.
    pub fn big_d(&self, age: u64) -> Result<Decimal, ActuarialError> {
        self.at(&self.big_d, age, "D_x")
    }

    /// `N_x = Σ_{y≥x} D_y`.
    ///
    /// # Errors
    ///
    /// [`ActuarialError::AgeOutsideTable`] below the first age.
    pub fn big_n(&self, age: u64) -> Result<Decimal, ActuarialError> {
        self.at(&self.big_n, age, "N_x")
    }

    /// `C_x = v^(x+1)·d_x`.
    ///
    /// # Errors
    ///
    /// [`ActuarialError::AgeOutsideTable`] below the first age.
    pub fn big_c(&self, age: u64) -> Result<Decimal, ActuarialError> {
        self.at(&self.big_c, age, "C_x")
    }

    /// `M_x = Σ_{y≥x} C_y`.
    ///
    /// # Errors
    ///
    /// [`ActuarialError::AgeOutsideTable`] below the first age.
    pub fn big_m(&self, age: u64) -> Result<Decimal, ActuarialError> {
        self.at(&self.big_m, age, "M_x")
    }

    /// `R_x = Σ_{y≥x} M_y`.
    ///
    /// # Errors
    ///
    /// [`ActuarialError::AgeOutsideTable`] below the first age.
    pub fn big_r(&self, age: u64) -> Result<Decimal, ActuarialError> {
        self.at(&self.big_r, age, "R_x")
    }
}

fn tail_sums(column: &[Decimal], step: &'static str) -> Result<Vec<Decimal>, ActuarialError> {
    let mut out = vec![Decimal::ZERO; column.len()];
    let mut running = Decimal::ZERO;
    for (k, value) in column.iter().enumerate().rev() {
        running = add(running, *value, step)?;
        out[k] = running;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn small() -> LifeTable {
        LifeTable::from_csv(Path::new("s.csv"), "age,qx\n60,0.1\n61,0.5\n62,1\n", None).unwrap()
    }

    #[test]
    fn columns_of_a_three_age_table_at_zero_interest() {
        let c = Commutation::new(&small(), Decimal::ZERO).unwrap();
        assert_eq!(c.lx(60).unwrap(), dec("100000"));
        assert_eq!(c.lx(61).unwrap(), dec("90000"));
        assert_eq!(c.lx(62).unwrap(), dec("45000"));
        assert_eq!(c.lx(63).unwrap(), Decimal::ZERO);
        assert_eq!(c.lx(99).unwrap(), Decimal::ZERO);
        assert_eq!(c.dx(61).unwrap(), dec("45000"));
        assert_eq!(c.big_n(60).unwrap(), dec("235000"));
        assert_eq!(c.big_m(60).unwrap(), dec("100000"));
        assert_eq!(c.big_r(60).unwrap(), dec("235000"));
        assert!(c.lx(59).is_err());
    }

    #[test]
    fn columns_at_ten_percent_interest() {
        let c = Commutation::new(&small(), dec("0.1")).unwrap();
        // D_61 = 1.1^-61 · 90000; C_60 = 1.1^-61 · 10000
        let v61 = c.v_pow(61).unwrap();
        assert_eq!(c.big_d(61).unwrap(), v61 * dec("90000"));
        assert_eq!(c.big_c(60).unwrap(), v61 * dec("10000"));
        let ratio = c.big_d(61).unwrap() / c.big_d(60).unwrap();
        assert!((ratio - dec("0.9") / dec("1.1")).abs() < dec("1e-24"));
    }

    #[test]
    fn identity_m_equals_d_minus_discount_times_n() {
        let table = LifeTable::load(
            Path::new("products/tables/cl_2010_2013_qx.csv"),
            Some("CL5"),
        )
        .unwrap();
        let c = Commutation::new(&table, dec("0.025")).unwrap();
        let d = c.interest().d();
        for age in [0u64, 40, 60, 104, 105] {
            let lhs = c.big_m(age).unwrap();
            let rhs = c.big_d(age).unwrap() - d * c.big_n(age).unwrap();
            let rel = ((lhs - rhs) / lhs).abs();
            assert!(rel < dec("1e-20"), "age {age}: {lhs} vs {rhs}");
        }
    }
}
