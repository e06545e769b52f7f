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

/// Serializes a date as chrono does (`2025-03-01`), the digits written directly for the years
/// 0 to 9999 (chrono's formatter goes character by character through `fmt`); other years in
/// chrono's own form.
pub fn serialize_iso<S: serde::Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    use chrono::Datelike;
    let year = d.year();
    let Ok(y) = u16::try_from(year) else {
        return s.collect_str(d);
    };
    if y > 9999 {
        return s.collect_str(d);
    }
    let (m, day) = (d.month() as u8, d.day() as u8);
    let digit = |n: u16| b'0' + (n % 10) as u8;
    let text = [
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        b'0' + m / 10,
        b'0' + m % 10,
        b'-',
        b'0' + day / 10,
        b'0' + day % 10,
    ];
    match std::str::from_utf8(&text) {
        Ok(t) => s.serialize_str(t),
        Err(_) => s.collect_str(d),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    #[derive(serde::Serialize)]
    struct Iso(#[serde(serialize_with = "super::serialize_iso")] NaiveDate);

    proptest::proptest! {
        /// The date written is chrono's, for any date chrono holds.
        #[test]
        fn iso_dates_are_chronos(days in -5_000_000i32..5_000_000) {
            let d = NaiveDate::from_num_days_from_ce_opt(days).unwrap_or(NaiveDate::MIN);
            proptest::prop_assert_eq!(
                serde_json::to_string(&Iso(d)).unwrap(),
                serde_json::to_string(&d).unwrap()
            );
        }
    }

    #[test]
    fn dates_at_the_ends_of_the_range() {
        for d in [
            super::FIRST_DATE,
            super::LAST_DATE,
            NaiveDate::MIN,
            NaiveDate::MAX,
        ] {
            assert_eq!(
                serde_json::to_string(&Iso(d)).unwrap(),
                serde_json::to_string(&d).unwrap()
            );
        }
    }
}
