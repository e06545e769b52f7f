//! Actuarial core: life tables, commutation functions and the values that
//! pension pricing is built on.
//!
//! This module owns everything between a mortality table file and the price of
//! a life annuity:
//!
//! - [`LifeTable`] — one-year death probabilities `q_x` for contiguous integer
//!   ages, checked at load (see [`table`]).
//! - [`Commutation`] — `l_x`, `d_x`, `v^x`, `D_x`, `N_x`, `C_x`, `M_x`, `R_x` for
//!   one table and one interest rate, built once and read many times (see
//!   [`commutation`]).
//! - Values on a [`Commutation`]: life annuities-due payable `m` times a year
//!   (whole life, temporary, deferred, with years certain), pure endowments,
//!   assurances, premiums and loadings (see [`values`]).
//! - Policy reserves of a deferred pension annuity by policy year, and the
//!   cash value filed as the reserve less a surrender charge (see [`reserve`]).
//! - [`annuity_report`] — the value of one annuity with its related values, for
//!   the command line (see [`report`]).
//!
//! Invariants held throughout:
//!
//! - Every amount, rate, probability and factor is a [`rust_decimal::Decimal`];
//!   no value passes through binary floating point, text included (rates are
//!   parsed from their decimal text).
//! - Every arithmetic step is checked; overflow or division by zero is an
//!   [`ActuarialError`] naming the step, never a panic.
//! - Results are deterministic: the same table, rate and query give the same
//!   digits on every run and platform.
//!
//! The formulas, notation and precision are described in `docs/actuarial.md`.

pub mod commutation;
pub mod interest;
pub mod report;
pub mod reserve;
pub mod table;
pub mod values;

mod arith;

pub use commutation::Commutation;
pub use interest::{Frequency, Interest, Method};
pub use report::{AnnuityQuery, AnnuityReport, annuity_json, annuity_report, annuity_report_on};
pub use reserve::{DeferredAnnuity, ReserveSchedule, ReserveYear, cash_value};
pub use table::{LifeTable, TableError};
pub use values::{AnnuitySpec, Loading, gross_premium};

use rust_decimal::Decimal;
use std::fmt;

/// Why an actuarial value could not be computed.
///
/// Every variant names the step that failed so that a message read on its own
/// says what was being computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActuarialError {
    /// An age (or an age reached after a deferral) is not covered by the table.
    #[error("{step}: age {age} is outside the life table (ages {first}..={last})")]
    AgeOutsideTable {
        /// The step that asked for the age.
        step: &'static str,
        /// The age asked for.
        age: u64,
        /// The first age of the table.
        first: u32,
        /// The last age of the table.
        last: u32,
    },
    /// The interest rate is below zero.
    #[error("{step}: interest rate {interest} is negative")]
    NegativeInterest {
        /// The step that received the rate.
        step: &'static str,
        /// The rate as given.
        interest: Decimal,
    },
    /// The number of payments a year is not one of 1, 2, 4, 12.
    #[error("{step}: {per_year} payments a year is not supported (use 1, 2, 4 or 12)")]
    UnsupportedFrequency {
        /// The step that received the frequency.
        step: &'static str,
        /// The frequency as given.
        per_year: u32,
    },
    /// A checked arithmetic operation failed (overflow or division by zero).
    #[error("{step}: {what}")]
    Arithmetic {
        /// The step being computed.
        step: &'static str,
        /// What went wrong, e.g. "overflow in multiplication".
        what: ArithmeticFault,
    },
    /// Inputs out of their range, or each valid but not fitting together.
    #[error("{step}: {message}")]
    Invalid {
        /// The step that checked the inputs.
        step: &'static str,
        /// What does not fit.
        message: String,
    },
    /// The life table file could not be read or failed its checks.
    #[error("{}", join_table_errors(.0))]
    Table(Vec<TableError>),
}

/// The kind of a failed checked arithmetic operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithmeticFault {
    /// Addition overflowed.
    AddOverflow,
    /// Subtraction overflowed.
    SubOverflow,
    /// Multiplication overflowed.
    MulOverflow,
    /// Division overflowed or divided by zero.
    DivFailed,
    /// An iteration did not converge.
    NoConvergence,
}

impl fmt::Display for ArithmeticFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            ArithmeticFault::AddOverflow => "overflow in addition",
            ArithmeticFault::SubOverflow => "overflow in subtraction",
            ArithmeticFault::MulOverflow => "overflow in multiplication",
            ArithmeticFault::DivFailed => "division by zero or overflow in division",
            ArithmeticFault::NoConvergence => "iteration did not converge",
        };
        f.write_str(text)
    }
}

fn join_table_errors(errors: &[TableError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}
