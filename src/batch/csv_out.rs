//! `batch --format csv`: a census book as two CSV files, one row per member and one row per
//! record (`docs/quote-format.md`, batch section).
//!
//! The member file has one row per priced member: record number, group key, quote id, member
//! number, name, id, one column per coverage of the product (its premium, empty when the
//! coverage is not chosen) and the member's total. The quote file (`--quotes-output`) has one
//! row per record: quoted, declined or failed, with the quote's gross, net, VAT, other charges
//! and the chosen plan's first instalment and instalment total, or the reason it was not
//! quoted.
//!
//! Invariants: the figures are the quote's own amounts, as `quote --format json` gives them
//! (same strings, same rounding); a cell holding a comma, a quote or a line break is quoted as
//! RFC 4180 says; every record gives exactly one row in the quote file.

use std::io::Write;

use crate::product::Product;
use crate::quote::{ChargeLine, PaymentOption, Quote};
use crate::rating::Failure;
use crate::schedule::ScheduleSummary;

use super::{Out, Problem};

/// Columns of the quote file.
pub const QUOTE_COLUMNS: [&str; 16] = [
    "record",
    "group",
    "quote_id",
    "status",
    "members",
    "premium",
    "gross",
    "net",
    "vat",
    "other_charges",
    "plan",
    "instalments",
    "first_instalment",
    "instalment_total",
    "instalment_fees",
    "reason",
];

/// The header of the member file for `product`: its coverages' codes as premium columns.
pub fn member_header(product: &Product) -> Vec<u8> {
    let mut b = b"record,group,quote_id,member,name,id".to_vec();
    for c in &product.coverages {
        b.push(b',');
        cell(&mut b, &c.code);
    }
    b.extend_from_slice(b",total\n");
    b
}

/// The header of the quote file.
pub fn quote_header() -> Vec<u8> {
    let mut b = QUOTE_COLUMNS.join(",").into_bytes();
    b.push(b'\n');
    b
}

/// Appends a cell, quoted when it holds a separator, a quote or a line break.
pub fn cell(b: &mut Vec<u8>, s: &str) {
    if !crate::text::above_comma(s.as_bytes())
        && s.bytes().any(|c| matches!(c, b',' | b'"' | b'\n' | b'\r'))
    {
        b.push(b'"');
        for c in s.bytes() {
            if c == b'"' {
                b.push(b'"');
            }
            b.push(c);
        }
        b.push(b'"');
    } else {
        b.extend_from_slice(s.as_bytes());
    }
}

/// Appends an amount as [`crate::quote::money`] writes it (two places, half up), without
/// building a string.
pub(super) fn push_money(b: &mut Vec<u8>, d: rust_decimal::Decimal) {
    match cents(d) {
        Some(c) => push_cents(b, c, d.is_sign_negative()),
        None => {
            let two = crate::money::round(d, 2, crate::money::RoundingMode::HalfUp);
            crate::money::push_plain_bytes(b, two.unwrap_or(d));
        }
    }
}

/// The size of `d` in hundredths, rounded half up (away from zero), when that is a whole
/// number from 1 to `u64::MAX` and `d`'s mantissa fits 64 bits: the mantissa of
/// [`crate::money::round`]`(d, 2, HalfUp)`, whose sign is `d`'s. `None` otherwise (zero
/// keeps the sign and places `Display` gives it, so it takes the general path).
fn cents(d: rust_decimal::Decimal) -> Option<u64> {
    let m = u64::try_from(d.mantissa().unsigned_abs()).ok()?;
    let scale = d.scale();
    let c = if scale <= 2 {
        m.checked_mul(10u64.pow(2 - scale))?
    } else {
        let div = 10u64.checked_pow(scale - 2)?;
        let (q, r) = (m / div, m % div);
        // `r < div`, and `div` is at most 10^19, so `2 * r` fits.
        q + u64::from(u128::from(r) * 2 >= u128::from(div))
    };
    (c > 0).then_some(c)
}

/// Appends `c` hundredths as `[-]units.cc`: what [`crate::money::push_plain_bytes`] writes for
/// the amount of mantissa `c` and scale 2.
fn push_cents(b: &mut Vec<u8>, c: u64, negative: bool) {
    if negative {
        b.push(b'-');
    }
    b.extend_from_slice(crate::money::digits(u128::from(c / 100), &mut [0; 40]));
    let frac = (c % 100) as u8;
    b.extend_from_slice(&[b'.', b'0' + frac / 10, b'0' + frac % 10]);
}

/// The record number and group key that start both rows.
pub(super) fn lead(b: &mut Vec<u8>, record: u64, group: Option<&str>) {
    super::members_json::push_int(b, u128::from(record));
    b.push(b',');
    cell(b, group.unwrap_or(""));
    b.push(b',');
}

/// Writes a quoted record: a row per member and the quote's row.
pub fn quoted(
    out: &mut Out,
    product: &Product,
    record: u64,
    group: Option<&str>,
    q: &Quote,
    plan: Option<&str>,
) {
    let m = &mut out.main;
    for member in &q.members {
        lead(m, record, group);
        cell(m, &q.quote_id);
        let _ = write!(m, ",{},", member.number);
        cell(m, &member.name);
        m.push(b',');
        cell(m, member.id.as_deref().unwrap_or(""));
        for c in &product.coverages {
            m.push(b',');
            if let Some(p) = member.premiums.get(&c.code) {
                m.extend_from_slice(p.as_bytes());
            }
        }
        m.push(b',');
        m.extend_from_slice(member.total.as_bytes());
        m.push(b'\n');
    }
    let b = &mut out.quotes;
    lead(b, record, group);
    cell(b, &q.quote_id);
    let _ = write!(
        b,
        ",quoted,{},{},{},{},",
        q.members.len(),
        q.totals.premium,
        q.totals.gross,
        q.totals.net
    );
    let (vat, other) = charge_sums(q);
    let _ = write!(b, "{vat},{other},");
    plan_cells(b, chosen_plan(&q.payment_options, plan));
    b.push(b'\n');
}

/// The cells of the chosen plan: `plan` when the quote has it, else the first plan with a
/// schedule; its instalments, first instalment, total and fees; then the (empty) reason.
pub(super) fn plan_cells(b: &mut Vec<u8>, chosen: Option<(&str, Option<ScheduleSummary>)>) {
    match chosen {
        Some((code, schedule)) => {
            cell(b, code);
            match schedule {
                Some(s) => {
                    b.push(b',');
                    super::members_json::push_int(b, s.instalments as u128);
                    for amount in [s.first, s.total, s.fees_total] {
                        b.push(b',');
                        push_money(b, amount);
                    }
                    b.push(b',');
                }
                None => b.extend_from_slice(b",,,,,"),
            }
        }
        None => b.extend_from_slice(b",,,,,"),
    }
}

/// The option whose plan the quote row shows: the asked plan, else the first with a schedule;
/// its code and what its schedule comes to.
pub(super) fn chosen_plan<'o>(
    options: &'o [PaymentOption],
    plan: Option<&str>,
) -> Option<(&'o str, Option<ScheduleSummary>)> {
    options
        .iter()
        .find(|o| plan.is_some_and(|p| p == o.code))
        .or_else(|| options.iter().find(|o| o.schedule.is_some()))
        .map(|o| (o.code.as_str(), o.schedule.as_ref().map(|s| s.summary())))
}

/// VAT and the other charges (stamp duty, fees) of a quote, as money strings.
fn charge_sums(q: &Quote) -> (String, String) {
    let mut vat = rust_decimal::Decimal::ZERO;
    let mut other = rust_decimal::Decimal::ZERO;
    for c in &q.charges {
        let a: rust_decimal::Decimal = c.amount.parse().unwrap_or_default();
        match c.kind {
            ChargeLine::Vat => vat += a,
            ChargeLine::StampDuty | ChargeLine::Fee => other += a,
            ChargeLine::Premium => {}
        }
    }
    (crate::quote::money(vat), crate::quote::money(other))
}

/// Writes a declined record's row: the failed rules' English messages as the reason.
pub fn declined(out: &mut Out, record: u64, group: Option<&str>, failures: &[Failure]) {
    let reason: Vec<String> = failures
        .iter()
        .map(|f| format!("{}: {}", f.rule, f.message_en))
        .collect();
    unquoted(out, record, group, "declined", &reason.join("; "));
}

/// Writes a failed record's row: every problem, with its field, as the reason.
pub fn failed(
    out: &mut Out,
    record: u64,
    group: Option<&str>,
    row: Option<usize>,
    problems: &[Problem],
) {
    let mut reason: Vec<String> = Vec::new();
    for p in problems {
        let at = match (row, &p.field) {
            (Some(r), Some(f)) => format!("row {r}, {f}: "),
            (Some(r), None) => format!("row {r}: "),
            (None, Some(f)) => format!("{f}: "),
            (None, None) => String::new(),
        };
        reason.push(format!("{at}{}", p.message));
    }
    if reason.is_empty() {
        reason.push("the record cannot be quoted".into());
    }
    unquoted(out, record, group, "failed", &reason.join("; "));
}

fn unquoted(out: &mut Out, record: u64, group: Option<&str>, status: &str, reason: &str) {
    let b = &mut out.quotes;
    lead(b, record, group);
    let _ = write!(b, ",{status},,,,,,,,,,,,");
    cell(b, reason);
    b.push(b'\n');
}

#[cfg(test)]
mod tests {
    use proptest::prelude::Strategy as _;
    use rust_decimal::Decimal;

    #[test]
    fn cells_are_quoted_when_they_hold_a_separator_a_quote_or_a_line_break() {
        for (text, written) in [
            ("张伟", "张伟"),
            ("Q-GA-SME-0A1B", "Q-GA-SME-0A1B"),
            ("Li Na", "Li Na"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("two\nlines", "\"two\nlines\""),
            ("cr\r", "\"cr\r\""),
            ("", ""),
        ] {
            let mut b = Vec::new();
            super::cell(&mut b, text);
            assert_eq!(String::from_utf8(b).unwrap(), written, "{text:?}");
        }
    }

    proptest::proptest! {
        /// The hundredths written from the mantissa are what `money` writes, for amounts of
        /// every scale and sign, around the midpoints and the limits of 64 bits.
        #[test]
        fn push_money_fast_path_writes_what_money_writes(
            m in proptest::prop_oneof![
                0i128..100_000,
                proptest::prelude::any::<u64>().prop_map(i128::from),
                proptest::prelude::any::<i64>().prop_map(i128::from),
                (0u64..1000).prop_map(|k| i128::from(u64::MAX - k)),
                -(1i128 << 95)..(1i128 << 95),
            ],
            scale in 0u32..=28,
            half in proptest::prelude::any::<bool>(),
        ) {
            // A mantissa ending in 5 puts amounts of three places and more on a midpoint.
            let m = if half { m - m % 10 + 5 } else { m };
            let d = Decimal::from_i128_with_scale(m, scale);
            let mut b = Vec::new();
            super::push_money(&mut b, d);
            proptest::prop_assert_eq!(String::from_utf8(b).unwrap(), crate::quote::money(d));
        }
    }

    #[test]
    fn push_money_writes_what_money_writes() {
        for text in [
            "0",
            "-0",
            "0.00",
            "0.004",
            "0.005",
            "-0.005",
            "1",
            "-1",
            "12.3",
            "12.345",
            "12.355",
            "-12.345",
            "1163118742.11",
            "0.01",
            "-0.01",
            "99.995",
            "7.1E-27",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "792281625142643375935439503.35",
            "9223372036854775807",
            "-9223372036854775808",
            "92233720368547758.07",
            "-92233720368547758.08",
            "922337203685477580.7",
            "5.5",
            "-5.5",
            "0.10",
        ] {
            let d: Decimal = text
                .parse()
                .or_else(|_| Decimal::from_scientific(text))
                .unwrap();
            let mut b = Vec::new();
            super::push_money(&mut b, d);
            assert_eq!(
                String::from_utf8(b).unwrap(),
                crate::quote::money(d),
                "{text}"
            );
        }
        let mut neg_zero = Decimal::ZERO;
        neg_zero.set_sign_negative(true);
        let mut b = Vec::new();
        super::push_money(&mut b, neg_zero);
        assert_eq!(String::from_utf8(b).unwrap(), crate::quote::money(neg_zero));
    }
}
