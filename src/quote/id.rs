//! The quote id: a hash of the product version, its content, the quote date and the checked
//! request, so the same input always gives the same id.

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::formula::Value;
use crate::product::Product;
use crate::request::Request;

/// The quote id: a hash of the product version, its content and the checked request.
pub fn quote_id(p: &Product, r: &Request, as_of: NaiveDate) -> String {
    thread_local! {
        /// The bytes hashed, kept with their memory for the next quote on this thread.
        static TEXT: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    TEXT.with(|text| match text.try_borrow_mut() {
        Ok(mut s) => {
            let id = quote_id_in(p, r, as_of, &mut s);
            // The text of a very large group is not kept.
            if s.capacity() > 1 << 16 {
                *s = Vec::new();
            }
            id
        }
        Err(_) => quote_id_in(p, r, as_of, &mut Vec::new()),
    })
}

/// [`quote_id`], building the hashed text in `s`.
fn quote_id_in(p: &Product, r: &Request, as_of: NaiveDate, s: &mut Vec<u8>) -> String {
    hashed_text(p, r, as_of, s);
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let digest = Sha256::digest(&s[..]);
    let mut id = String::with_capacity(p.code.len() + 19);
    id.push_str("Q-");
    id.push_str(&p.code);
    id.push('-');
    for b in digest.iter().take(8) {
        id.push(HEX[(b >> 4) as usize] as char);
        id.push(HEX[(b & 15) as usize] as char);
    }
    id
}

/// The text hashed into the quote id, in `s`. Every piece goes into one buffer, hashed at
/// once; the bytes are those of the pieces' `Display` and `Debug` forms, each input value
/// followed by a zero byte (see the test `hashed_text_is_that_of_display_and_debug`).
fn hashed_text(p: &Product, r: &Request, as_of: NaiveDate, s: &mut Vec<u8>) {
    s.clear();
    s.extend_from_slice(p.code.as_bytes());
    s.push(b'@');
    s.extend_from_slice(p.version.as_bytes());
    s.extend_from_slice(p.content_hash.as_bytes());
    push_date(s, as_of);
    s.push(b'|');
    push_date(s, r.start);
    s.push(b'|');
    s.extend_from_slice(crate::money::digits(u128::from(r.term), &mut [0; 40]));
    s.push(b'|');
    debug_party(s, &r.policyholder);
    s.push(b'|');
    debug_option(s, r.plan.as_deref());
    s.extend_from_slice(b"|[");
    for (i, &chosen) in r.selected.iter().enumerate() {
        if i > 0 {
            s.extend_from_slice(b", ");
        }
        s.extend_from_slice(if chosen { b"true" } else { b"false" });
    }
    s.extend_from_slice(b"]|");
    for v in r.policy.iter().chain(&r.terms) {
        show_into(s, &p.interner, v);
        s.push(0);
    }
    for m in &r.members {
        debug_party(s, &m.party);
        for v in &m.inputs {
            show_into(s, &p.interner, v);
            s.push(0);
        }
    }
}

/// Appends a date as `Display` writes it: `YYYY-MM-DD` for years 0 to 9999.
fn push_date(out: &mut Vec<u8>, d: NaiveDate) {
    use chrono::Datelike;
    match u16::try_from(d.year()) {
        Ok(y) if y <= 9999 => {
            let (y, m, d) = (u32::from(y), d.month(), d.day());
            let digit = |n: u32| b'0' + (n % 10) as u8;
            out.extend_from_slice(&[
                digit(y / 1000),
                digit(y / 100),
                digit(y / 10),
                digit(y),
                b'-',
                digit(m / 10),
                digit(m),
                b'-',
                digit(d / 10),
                digit(d),
            ]);
        }
        _ => {
            use std::io::Write;
            let _ = write!(out, "{d}");
        }
    }
}

/// Appends a value as [`Interner::show`](crate::formula::Interner::show) writes it, numbers
/// from their digits without the formatter.
pub(crate) fn show_into(out: &mut Vec<u8>, words: &crate::formula::Interner, v: &Value) {
    match v {
        // A whole number is its own normal form, but for the sign of a negative zero. Ages and
        // classes, from 1 to 99, are written digit by digit (a copy of a few bytes is a call).
        Value::Num(d) if d.scale() == 0 && !d.is_zero() => match u8::try_from(d.mantissa()) {
            Ok(n @ 1..=9) => out.push(b'0' + n),
            Ok(n @ 10..=99) => out.extend_from_slice(&[b'0' + n / 10, b'0' + n % 10]),
            _ => crate::money::push_plain_bytes(out, *d),
        },
        Value::Num(d) => crate::money::push_plain_bytes(out, d.normalize()),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Text(t) => out.extend_from_slice(words.word(*t).as_bytes()),
    }
}

/// Appends `{:?}` of a party. Names and ids of plain ASCII and common CJK characters, which
/// `Debug` writes as they are, skip the general escaping (a Unicode table walk per character)
/// and are written with the text around them in a few pieces.
fn debug_party(out: &mut Vec<u8>, party: &crate::request::Party) {
    let name = party.name.as_bytes();
    let id = party.id.as_deref().map(str::as_bytes);
    if plain_for_debug(name) && id.is_none_or(plain_for_debug) {
        out.reserve(name.len() + id.map_or(0, <[u8]>::len) + 40);
        out.extend_from_slice(b"Party { name: \"");
        out.extend_from_slice(name);
        match id {
            Some(id) => {
                out.extend_from_slice(b"\", id: Some(\"");
                out.extend_from_slice(id);
                out.extend_from_slice(b"\") }");
            }
            None => out.extend_from_slice(b"\", id: None }"),
        }
        return;
    }
    out.extend_from_slice(b"Party { name: ");
    debug_str(out, &party.name);
    out.extend_from_slice(b", id: ");
    debug_option(out, party.id.as_deref());
    out.extend_from_slice(b" }");
}

/// Appends `{:?}` of an optional string.
fn debug_option(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => {
            out.extend_from_slice(b"Some(");
            debug_str(out, s);
            out.push(b')');
        }
        None => out.extend_from_slice(b"None"),
    }
}

/// Appends `{:?}` of a string.
fn debug_str(out: &mut Vec<u8>, s: &str) {
    if plain_for_debug(s.as_bytes()) {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        use std::io::Write;
        let _ = write!(out, "{s:?}");
    }
}

/// Whether `Debug` writes `s` as it is, between quotes: every character is printable ASCII
/// other than `"` and `\`, or a CJK unified ideograph U+4E00..=U+9FEF (three bytes from
/// `E4 B8 80` to `E9 BF AF`). Checked on the bytes, without decoding characters: printable
/// ASCII alone (an id, a code) eight bytes at a time, a name of ideographs alone three bytes
/// at a time.
fn plain_for_debug(b: &[u8]) -> bool {
    match b.first() {
        None => true,
        Some(&c) if c < 0x80 => crate::text::quote_free(b, true) || mixed_plain_for_debug(b),
        Some(_) => {
            b.len().is_multiple_of(3) && b.chunks_exact(3).all(|c| ideograph(c[0], c[1], c[2]))
                || mixed_plain_for_debug(b)
        }
    }
}

/// Whether the three bytes `a b c` of a UTF-8 text are an ideograph U+4E00..=U+9FEF: a lead
/// byte of a three-byte character, and the bytes in the range of those characters (UTF-8
/// keeps the order of code points).
#[inline(always)]
fn ideograph(a: u8, b: u8, c: u8) -> bool {
    let v = u32::from_be_bytes([0, a, b, c]);
    (0xE4_B8_80..=0xE9_BF_AF).contains(&v)
}

/// [`plain_for_debug`] for a text that mixes ASCII and ideographs, a character at a time.
fn mixed_plain_for_debug(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            if !(b' '..=b'~').contains(&c) || c == b'"' || c == b'\\' {
                return false;
            }
            i += 1;
        } else {
            // `b` is UTF-8, so a byte from 0x80 up starting a character here and lying in
            // the ideographs' range is the lead byte of three.
            match b.get(i..i + 3) {
                Some(&[x, y, z]) if ideograph(x, y, z) => i += 3,
                _ => return false,
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Party;

    #[test]
    fn numbers_are_shown_as_display_of_the_normalized_value() {
        let words = crate::formula::Interner::default();
        for text in [
            "0",
            "-0",
            "0.00",
            "1",
            "35",
            "35.0",
            "-7",
            "12.50",
            "1E+3",
            "18446744073709551615",
            "18446744073709551616",
            "79228162514264337593543950335",
            "-1.5",
            "0.001",
            "-9",
            "-10",
            "9",
            "10",
            "99",
            "100",
            "255",
            "256",
        ] {
            let d: rust_decimal::Decimal = text.parse().unwrap_or_else(|_| {
                rust_decimal::Decimal::from_scientific(text).expect("a number")
            });
            let mut s = Vec::new();
            show_into(&mut s, &words, &Value::Num(d));
            assert_eq!(s, d.normalize().to_string().as_bytes(), "{text}");
        }
    }

    proptest::proptest! {
        /// Around the edges of the fast path: ASCII, the ideographs and their neighbours,
        /// and any character.
        #[test]
        fn debug_fast_path_writes_what_debug_writes(chars in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::char::range(' ', '\u{7f}'),
                proptest::char::range('\u{4DF0}', '\u{4E10}'),
                proptest::char::range('\u{9FE0}', '\u{A010}'),
                proptest::char::range('\u{3000}', '\u{FFFF}'),
                proptest::prelude::any::<char>(),
            ],
            0..12,
        )) {
            let s: String = chars.into_iter().collect();
            let mut out = Vec::new();
            debug_str(&mut out, &s);
            proptest::prop_assert_eq!(out, format!("{s:?}").into_bytes());
        }

        /// Names of ideographs alone, taken three bytes at a time, and their edges.
        #[test]
        fn debug_of_ideographs_alone_is_what_debug_writes(chars in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::char::range('\u{4DFE}', '\u{4E01}'),
                proptest::char::range('\u{4E00}', '\u{9FEF}'),
                proptest::char::range('\u{9FEE}', '\u{9FF1}'),
                proptest::char::range('\u{3000}', '\u{3002}'),
            ],
            1..6,
        )) {
            let s: String = chars.into_iter().collect();
            let mut out = Vec::new();
            debug_str(&mut out, &s);
            proptest::prop_assert_eq!(out, format!("{s:?}").into_bytes());
        }
    }

    #[test]
    fn party_debug_fast_path_writes_what_debug_writes() {
        for (name, id) in [
            ("张伟", Some("330102198503071234")),
            ("O'Brien \"Jr\" \\ x", None),
            ("tab\there", Some("")),
            ("Ünïcode ⅷ ㈱ 😀 \u{301}", Some("Ｘ")),
            ("", None),
        ] {
            let p = Party {
                name: name.to_string(),
                id: id.map(str::to_string),
            };
            let mut s = Vec::new();
            debug_party(&mut s, &p);
            assert_eq!(s, format!("{p:?}").into_bytes());
        }
    }

    /// The text hashed as it was first defined: the `Display` and `Debug` forms of its
    /// pieces, written with the formatter.
    fn formatted_text(p: &Product, r: &Request, as_of: NaiveDate) -> Vec<u8> {
        let mut s = format!("{}@{}{}", p.code, p.version, p.content_hash);
        s += &format!("{as_of}|{}|{}|", r.start, r.term);
        s += &format!("{:?}", r.policyholder);
        s += &format!("|{:?}|{:?}|", r.plan, r.selected);
        for v in r.policy.iter().chain(&r.terms) {
            s += &crate::rating::show(p, v);
            s.push('\0');
        }
        for m in &r.members {
            s += &format!("{:?}", m.party);
            for v in &m.inputs {
                s += &crate::rating::show(p, v);
                s.push('\0');
            }
        }
        s.into_bytes()
    }

    /// Every example request, with plans given or not, dates of one to five year digits
    /// and before year 1, and names that need escaping.
    #[test]
    fn hashed_text_is_that_of_display_and_debug() {
        use std::path::PathBuf;
        let (products, _) = crate::product::load::load_paths(
            &[PathBuf::from("products")],
            &crate::product::load::LoadOptions::default(),
        );
        let mut checked = 0;
        for (p, code, mut r) in crate::request::examples(&products) {
            let days = [
                (2025, 3, 1),
                (9999, 12, 31),
                (10000, 1, 1),
                (7, 10, 9),
                (-1, 1, 1),
            ];
            for (i, &(y, m, d)) in days.iter().enumerate() {
                let as_of = NaiveDate::from_ymd_opt(y, m, d).unwrap();
                r.plan = (i % 2 == 1).then(|| format!("plan \"{i}\""));
                if i == 2 {
                    r.policyholder.name = "a\"b\\c\u{1}张😀".into();
                    r.policyholder.id = None;
                }
                let mut s = Vec::new();
                hashed_text(p, &r, as_of, &mut s);
                assert_eq!(
                    String::from_utf8_lossy(&s),
                    String::from_utf8_lossy(&formatted_text(p, &r, as_of)),
                    "{code} {as_of}"
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 35);
    }
}
