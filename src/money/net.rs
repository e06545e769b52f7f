//! The net of a gross amount that includes a tax at a rate: `gross / (1 + rate)`, rounded to
//! places, computed on whole numbers where that gives exactly what `Decimal` division followed
//! by [`round_dp`](super::round_dp) gives.
//!
//! Why the whole-number result is the same. Let `Q` be the exact quotient and `u` the whole
//! number of `10^-places` units below it, with remainder `r` of divisor `D` (the mantissa of
//! `1 + rate`). When `r` is not zero, `Q` is at least `1 / (10^places * D)` from every
//! multiple of `10^-places`, and at least `1 / (2 * 10^places * D)` from every midpoint, unless
//! it is on one (`2r = D`). With `D` below `2 * 10^6` (a rate below 1 of at most six places)
//! and `places` at most 4, these distances are at least `2.5e-11`. `Decimal` division keeps
//! 28 digits where they fit 96 bits: with `Q` below `10^15` that is at least 13 places, an
//! error of at most `0.5e-13`. So `Decimal`'s
//! quotient lies on the same side of every multiple and midpoint as `Q`, has more than
//! `places` places, and rounds to `u` or `u + 1` as `Q` does; a midpoint terminates and is
//! exact, and ties the same way. When `r` is zero the quotient has `places` places or fewer;
//! its scale then depends on how `Decimal` found its digits, so the whole-number path is taken
//! only when the mantissas divide exactly (scale `scale(gross) - scale(1 + rate)`, at least 0),
//! and `Decimal` computes the rest.

use rust_decimal::{Decimal, RoundingStrategy};

/// Largest gross mantissa taken on whole numbers (`Q` stays below `10^15`).
const MOST_GROSS: u64 = 1_000_000_000_000_000;
/// Most places of the rate taken on whole numbers.
const MOST_RATE_PLACES: u32 = 6;
/// Most places of the result taken on whole numbers.
const MOST_PLACES: u32 = 4;

/// `round_dp(gross / (1 + rate), places, strategy)` for a `rate` from 0 up to (not including)
/// 1, as a product's VAT rate is: the net of an amount that includes VAT. The division cannot
/// overflow (the divisor is from 1 to 2).
pub fn net_of_rate(
    gross: Decimal,
    rate: Decimal,
    places: u32,
    strategy: RoundingStrategy,
) -> Decimal {
    whole(gross, rate, places, strategy)
        .unwrap_or_else(|| super::round_dp(gross / (Decimal::ONE + rate), places, strategy))
}

/// [`net_of_rate`] on whole numbers, when the amounts are in its range (see the module).
fn whole(
    gross: Decimal,
    rate: Decimal,
    places: u32,
    strategy: RoundingStrategy,
) -> Option<Decimal> {
    let half_even = super::half_even(strategy)?;
    if gross.is_sign_negative() || rate.is_sign_negative() || places > MOST_PLACES {
        return None;
    }
    let m = u64::try_from(gross.mantissa())
        .ok()
        .filter(|&m| m > 0 && m <= MOST_GROSS)?;
    // `1 + rate` is `10^k + R` at scale `k` for a rate `R` at scale `k` (a zero rate, whose
    // sum keeps the scale of 1, is left to `Decimal`).
    let k = rate.scale();
    let rate = u64::try_from(rate.mantissa()).ok().filter(|&r| r > 0)?;
    if k > MOST_RATE_PLACES || rate >= 10u64.pow(k) {
        return None;
    }
    let d = 10u64.pow(k) + rate;
    let sg = gross.scale();
    let n = m.checked_mul(10u64.pow((places + k).checked_sub(sg)?))?;
    let (units, r) = (n / d, n % d);
    let whole =
        |v: u64, scale: u32| Decimal::from_parts(v as u32, (v >> 32) as u32, 0, false, scale);
    if r == 0 {
        // Exact in the mantissas: `Decimal` stops at the first division, at scale
        // `sg - k`, or 0 with the quotient scaled up.
        if m % d != 0 {
            return None;
        }
        return match sg.checked_sub(k) {
            Some(scale) => Some(whole(m / d, scale)),
            None => (m / d).checked_mul(10u64.pow(k - sg)).map(|q| whole(q, 0)),
        };
    }
    let up = super::rounds_up((2 * r).cmp(&d), units & 1 == 1, half_even);
    Some(whole(units + u64::from(up), places))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `vat_split` computed before: `Decimal` division, then rounding.
    fn by_decimal(gross: Decimal, rate: Decimal, places: u32, s: RoundingStrategy) -> Decimal {
        super::super::round_dp(gross / (Decimal::ONE + rate), places, s)
    }

    fn same(gross: Decimal, rate: Decimal, places: u32, even: bool) -> Result<(), String> {
        let s = if even {
            RoundingStrategy::MidpointNearestEven
        } else {
            RoundingStrategy::MidpointAwayFromZero
        };
        let (fast, slow) = (
            net_of_rate(gross, rate, places, s),
            by_decimal(gross, rate, places, s),
        );
        // The same value, scale and sign: the same bytes wherever it is written.
        if fast.serialize() == slow.serialize() {
            Ok(())
        } else {
            Err(format!(
                "{gross} / (1 + {rate}) at {places}: {fast} against {slow}"
            ))
        }
    }

    #[test]
    fn six_percent_of_every_cent_up_to_a_thousand_yuan() {
        let rate = Decimal::new(6, 2);
        for cents in 0..100_000i64 {
            for even in [false, true] {
                same(Decimal::new(cents, 2), rate, 2, even).unwrap();
            }
        }
        // Whole yuan, tenths, and amounts with more places than the currency's.
        for n in 0..20_000i64 {
            for scale in [0, 1, 3, 4, 5] {
                same(Decimal::new(n, scale), rate, 2, false).unwrap();
            }
        }
    }

    #[test]
    fn midpoints_and_exact_quotients() {
        // 0.53 / 1.06 = 0.5 exactly (left to `Decimal`, whose scale it is), 1.06 / 1.06 = 1,
        // 0.0053 / 1.06 = 0.005, a midpoint at two places.
        for (g, rate, places) in [
            ("0.53", "0.06", 2),
            ("1.06", "0.06", 2),
            ("10600", "0.06", 2),
            ("0.0053", "0.06", 2),
            ("0.0159", "0.06", 2),
            ("1.25", "0.25", 2),
            ("0.625", "0.25", 0),
            ("1.5", "0.5", 0),
            ("2.5", "0.25", 0),
            ("1000000000000000", "0.06", 2),
            ("1000000000000001", "0.06", 2),
            ("0.000001", "0.000001", 4),
        ] {
            for even in [false, true] {
                same(g.parse().unwrap(), rate.parse().unwrap(), places, even).unwrap();
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        /// Any amount of up to eight places, any rate of up to seven places below 1, places
        /// from 0 to 5: the bytes of `Decimal` division and rounding.
        #[test]
        fn any_amount_and_rate_gives_what_decimal_gives(
            m in proptest::prop_oneof![
                0i64..1_000_000,
                0i64..=1_000_000_000_000_000,
                0i64..i64::MAX,
                proptest::prelude::any::<i64>(),
            ],
            scale in 0u32..=8,
            rate_places in 0u32..=7,
            rate_m in 0i64..10_000_000,
            places in 0u32..=5,
            even: bool,
        ) {
            let rate = Decimal::new(rate_m % 10i64.pow(rate_places), rate_places);
            let gross = Decimal::new(m, scale);
            proptest::prop_assert_eq!(same(gross, rate, places, even), Ok(()));
            // The amount that divides exactly, and its neighbours.
            let d = Decimal::ONE + rate;
            let exact = (Decimal::new(m % 1_000_000_000, scale.min(4)) * d).normalize();
            for g in [exact, exact + Decimal::new(1, 8), exact - Decimal::new(1, 8)] {
                proptest::prop_assert_eq!(same(g, rate, places, even), Ok(()));
            }
        }
    }
}
