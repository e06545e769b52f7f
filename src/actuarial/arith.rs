//! Checked Decimal arithmetic that names the step.
//!
//! Owns the four operations used by the actuarial module. Each returns an
//! [`ActuarialError::Arithmetic`] carrying the caller's step name instead of
//! panicking or silently saturating. Results are rounded by `rust_decimal`
//! itself (at most 28 decimal places, 96-bit mantissa); nothing here rounds
//! further.

use super::{ActuarialError, ArithmeticFault};
use rust_decimal::Decimal;

pub(crate) fn add(a: Decimal, b: Decimal, step: &'static str) -> Result<Decimal, ActuarialError> {
    a.checked_add(b).ok_or(ActuarialError::Arithmetic {
        step,
        what: ArithmeticFault::AddOverflow,
    })
}

pub(crate) fn sub(a: Decimal, b: Decimal, step: &'static str) -> Result<Decimal, ActuarialError> {
    a.checked_sub(b).ok_or(ActuarialError::Arithmetic {
        step,
        what: ArithmeticFault::SubOverflow,
    })
}

pub(crate) fn mul(a: Decimal, b: Decimal, step: &'static str) -> Result<Decimal, ActuarialError> {
    a.checked_mul(b).ok_or(ActuarialError::Arithmetic {
        step,
        what: ArithmeticFault::MulOverflow,
    })
}

pub(crate) fn div(a: Decimal, b: Decimal, step: &'static str) -> Result<Decimal, ActuarialError> {
    a.checked_div(b).ok_or(ActuarialError::Arithmetic {
        step,
        what: ArithmeticFault::DivFailed,
    })
}
