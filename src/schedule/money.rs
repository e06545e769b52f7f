//! Money helpers: the currency's minor unit, explicit rounding strategies, checked arithmetic
//! that names the failing step, and the exact split of a total into equal parts.
//!
//! Invariants: every function here either returns a value rounded to the minor unit with
//! exactly that many decimal places, or an error; none panics. `split_units` returns parts
//! whose sum is exactly the total and which differ from each other by at most one minor unit.

use rust_decimal::Decimal;
use serde::Serialize;

use super::error::{PlanError, ScheduleError};

/// How a computed amount is rounded to the minor unit: the crate's one rounding mode type.
pub use crate::money::RoundingMode as Rounding;

/// The number of decimal places of the currency's minor unit (2 for CNY fen and US cents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MinorUnit(u32);

impl MinorUnit {
    /// Two decimal places (fen, cents).
    pub const CENTS: MinorUnit = MinorUnit(2);

    /// A minor unit of `places` decimal places, 0 to 4.
    pub fn new(places: u32) -> Result<Self, PlanError> {
        if places > 4 {
            return Err(PlanError::new(
                "minor_unit",
                format!("must be 0 to 4 decimal places, got {places}"),
            ));
        }
        Ok(Self(places))
    }

    /// The number of decimal places.
    pub fn places(self) -> u32 {
        self.0
    }

    /// One minor unit as a decimal (0.01 for two places).
    pub fn one(self) -> Decimal {
        Decimal::new(1, self.0)
    }

    /// Zero with the minor unit's scale ("0.00").
    pub fn zero(self) -> Decimal {
        Decimal::new(0, self.0)
    }

    /// Rounds `value` with `rounding` and gives it exactly this many decimal places.
    pub fn round(self, value: Decimal, rounding: Rounding) -> Result<Decimal, ScheduleError> {
        crate::money::round(value, self.0, rounding).ok_or(ScheduleError::Overflow {
            step: "rounding to the minor unit",
        })
    }

    /// The minor unit of `currency` (0 places for JPY, 2 for CNY, 3 for KWD).
    pub fn of(currency: crate::money::Currency) -> MinorUnit {
        Self(currency.minor_unit())
    }

    /// Whether `value` has no digits below the minor unit.
    pub fn holds(self, value: Decimal) -> bool {
        value.normalize().scale() <= self.0
    }

    /// The amount as an integer count of minor units; `value` must already be rounded.
    pub(crate) fn to_units(self, value: Decimal) -> Result<i128, ScheduleError> {
        let mut v = value;
        v.rescale(self.0);
        if v.scale() != self.0 || v != value {
            return Err(ScheduleError::Overflow {
                step: "conversion to minor units",
            });
        }
        Ok(v.mantissa())
    }

    /// The decimal amount of `units` minor units.
    pub(crate) fn amount_of_units(self, units: i128) -> Result<Decimal, ScheduleError> {
        Decimal::try_from_i128_with_scale(units, self.0).map_err(|_| ScheduleError::Overflow {
            step: "conversion from minor units",
        })
    }
}

impl Default for MinorUnit {
    fn default() -> Self {
        Self::CENTS
    }
}

/// `a + b`, or an overflow error naming `step`.
pub(crate) fn add(a: Decimal, b: Decimal, step: &'static str) -> Result<Decimal, ScheduleError> {
    a.checked_add(b).ok_or(ScheduleError::Overflow { step })
}

/// `a - b`, or an overflow error naming `step`.
pub(crate) fn sub(a: Decimal, b: Decimal, step: &'static str) -> Result<Decimal, ScheduleError> {
    a.checked_sub(b).ok_or(ScheduleError::Overflow { step })
}

/// `a × b`, or an overflow error naming `step`.
pub(crate) fn mul(a: Decimal, b: Decimal, step: &'static str) -> Result<Decimal, ScheduleError> {
    a.checked_mul(b).ok_or(ScheduleError::Overflow { step })
}

/// `a ÷ b`, or an overflow error naming `step` (also for division by zero).
pub(crate) fn div(a: Decimal, b: Decimal, step: &'static str) -> Result<Decimal, ScheduleError> {
    a.checked_div(b).ok_or(ScheduleError::Overflow { step })
}

/// Sums `values`, or an overflow error naming `step`.
pub(crate) fn sum<I: IntoIterator<Item = Decimal>>(
    unit: MinorUnit,
    values: I,
    step: &'static str,
) -> Result<Decimal, ScheduleError> {
    values
        .into_iter()
        .try_fold(unit.zero(), |acc, v| add(acc, v, step))
}

/// Splits `total` minor units into `parts` parts that differ by at most one unit; the
/// `total mod parts` extra units go one each to the first parts (`extra_first`) or to the
/// last ones. Negative totals are not split (the caller never passes one).
pub(crate) fn split_units(total: i128, parts: usize, extra_first: bool) -> Vec<i128> {
    if parts == 0 {
        return Vec::new();
    }
    let n = parts as i128;
    let base = total.div_euclid(n);
    let extra = total.rem_euclid(n) as usize;
    (0..parts)
        .map(|i| {
            let gets_extra = if extra_first {
                i < extra
            } else {
                i >= parts - extra
            };
            if gets_extra { base + 1 } else { base }
        })
        .collect()
}

/// Checks that a spec value is a non-negative amount on the minor unit.
pub(crate) fn check_amount(
    field: &'static str,
    value: Decimal,
    unit: MinorUnit,
) -> Result<Decimal, PlanError> {
    if value.is_sign_negative() && !value.is_zero() {
        return Err(PlanError::new(
            field,
            format!("must not be negative, got {value}"),
        ));
    }
    if !unit.holds(value) {
        return Err(PlanError::new(
            field,
            format!(
                "{value} has more decimal places than the currency's minor unit ({})",
                unit.places()
            ),
        ));
    }
    let mut v = value;
    v.rescale(unit.places());
    Ok(v)
}

/// Checks that a spec value is a fraction in `[0, 1]`.
pub(crate) fn check_fraction(field: &'static str, value: Decimal) -> Result<Decimal, PlanError> {
    if value < Decimal::ZERO || value > Decimal::ONE {
        return Err(PlanError::new(
            field,
            format!("must be between 0 and 1 (a fraction, 0.3 = 30%), got {value}"),
        ));
    }
    Ok(value)
}
