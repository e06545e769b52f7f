//! Running totals of premiums (over members, over coverages), added in order.
//!
//! [`Total`] gives exactly what `total = total.checked_add(x)` from zero gives, step after
//! step, including the scale of the result and the quirks of adding a zero (a zero added to a
//! total leaves it as it is; a total of zero becomes what is added). While the total is
//! positive and each addend is a positive number in the total's scale, it keeps the total as
//! whole units of that scale and adds integers, which is what `checked_add` does for such
//! operands when the sum stays within a decimal's 96 bits; anything else goes through
//! `checked_add` itself.

use rust_decimal::Decimal;

/// Units past a decimal's 96 bits of digits.
const OVERFLOW_96: u128 = 1 << 96;

/// A running total; see the module documentation.
///
/// Invariant: in `Units`, `units` is from 1 to 2^96 − 1 and the total is the positive decimal
/// of those digits at `scale`.
#[derive(Clone, Copy, Debug)]
pub(super) enum Total {
    /// The total as it is.
    Exact(Decimal),
    /// A positive total as whole units of its scale.
    Units { units: u128, scale: u32 },
}

impl Default for Total {
    fn default() -> Total {
        Total::Exact(Decimal::ZERO)
    }
}

impl Total {
    /// Adds `x` to the total; `None` when the sum overflows (as `checked_add`).
    #[inline]
    pub(super) fn add(&mut self, x: Decimal) -> Option<()> {
        if let Total::Units { units, scale } = self
            && x.scale() == *scale
            && x.is_sign_positive()
        {
            // A positive decimal's mantissa is its digits, below 2^96.
            let digits = x.mantissa().unsigned_abs();
            let sum = *units + digits;
            if sum < OVERFLOW_96 {
                // Adding zero leaves the total as it is.
                *units = sum;
                return Some(());
            }
        }
        self.add_exact(x)
    }

    /// [`Total::add`] through `checked_add`.
    fn add_exact(&mut self, x: Decimal) -> Option<()> {
        let sum = self.value().checked_add(x)?;
        *self = if sum.is_sign_positive() && !sum.is_zero() {
            Total::Units {
                units: sum.mantissa().unsigned_abs(),
                scale: sum.scale(),
            }
        } else {
            Total::Exact(sum)
        };
        Some(())
    }

    /// The total.
    pub(super) fn value(self) -> Decimal {
        match self {
            Total::Exact(d) => d,
            Total::Units { units, scale } => Decimal::from_parts(
                units as u32,
                (units >> 32) as u32,
                (units >> 64) as u32,
                false,
                scale,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn decimal() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            // Premiums: cents, some at other scales, zeros of any scale and sign.
            (0i64..10_000_000, Just(2u32)).prop_map(|(m, s)| Decimal::new(m, s)),
            (-1_000i64..1_000_000, 0u32..4).prop_map(|(m, s)| Decimal::new(m, s)),
            (0u32..29, any::<bool>()).prop_map(|(s, neg)| {
                let mut z = Decimal::new(0, s);
                z.set_sign_negative(neg);
                z
            }),
            // Near the top of a decimal's digits, to overflow or lose places.
            (any::<u128>(), 0u32..29, any::<bool>()).prop_map(|(m, s, neg)| {
                let m = m % OVERFLOW_96;
                Decimal::from_parts(m as u32, (m >> 32) as u32, (m >> 64) as u32, neg, s)
            }),
        ]
    }

    proptest! {
        #[test]
        fn a_total_is_the_checked_sum_in_order(xs in prop::collection::vec(decimal(), 0..40)) {
            let mut want = Some(Decimal::ZERO);
            let mut total = Total::default();
            for x in &xs {
                want = want.and_then(|w| w.checked_add(*x));
                let added = total.add(*x);
                prop_assert_eq!(added.is_some(), want.is_some());
                let Some(w) = want else { break };
                // The same decimal in the same form: digits, scale and sign.
                prop_assert_eq!(total.value().serialize(), w.serialize());
            }
        }
    }

    #[test]
    fn zeros_keep_the_total_and_a_zero_total_takes_the_addend() {
        let d = |s: &str| s.parse::<Decimal>().expect("a number");
        let mut t = Total::default();
        t.add(d("0.00")).expect("no overflow");
        assert_eq!(t.value().to_string(), "0.00");
        t.add(d("5")).expect("no overflow");
        assert_eq!(t.value().to_string(), "5");
        t.add(d("0.000")).expect("no overflow");
        t.add(d("1.25")).expect("no overflow");
        assert_eq!(t.value().to_string(), "6.25");
        t.add(d("1.25")).expect("no overflow");
        assert_eq!(t.value().to_string(), "7.50");
    }
}
