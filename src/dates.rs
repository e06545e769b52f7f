//! The range of dates the crate works with, shared by every layer: dates are written as
//! `YYYY-MM-DD` with four-digit years, so they lie between [`FIRST_DATE`] (0001-01-01) and
//! [`LAST_DATE`] (9999-12-31). Imports nothing else of the crate.

use chrono::NaiveDate;

/// The last date that `YYYY-MM-DD` can write.
pub const LAST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// The first date that `YYYY-MM-DD` can write.
pub const FIRST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
