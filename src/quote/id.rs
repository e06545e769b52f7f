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
        /// The text hashed, kept with its memory for the next quote on this thread.
        static TEXT: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    TEXT.with(|text| match text.try_borrow_mut() {
        Ok(mut s) => {
            let id = quote_id_in(p, r, as_of, &mut s);
            // The text of a very large group is not kept.
            if s.capacity() > 1 << 16 {
                *s = String::new();
            }
            id
        }
        Err(_) => quote_id_in(p, r, as_of, &mut String::new()),
    })
}

/// [`quote_id`], building the hashed text in `s`.
fn quote_id_in(p: &Product, r: &Request, as_of: NaiveDate, s: &mut String) -> String {
    use std::fmt::Write;
    // Every piece hashed goes into one buffer, hashed at once; the bytes are those of the
    // `Debug` and `show` forms, each value followed by a zero byte.
    s.clear();
    s.push_str(&p.code);
    s.push('@');
    s.push_str(&p.version);
    s.push_str(&p.content_hash);
    let _ = write!(s, "{as_of}|{}|{}|", r.start, r.term);
    debug_party(s, &r.policyholder);
    let _ = write!(s, "|{:?}|{:?}|", r.plan, r.selected);
    for v in r.policy.iter().chain(&r.terms) {
        show_into(s, &p.interner, v);
        s.push('\0');
    }
    for m in &r.members {
        debug_party(s, &m.party);
        for v in &m.inputs {
            show_into(s, &p.interner, v);
            s.push('\0');
        }
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let digest = Sha256::digest(s.as_bytes());
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

/// Appends a value as [`Interner::show`](crate::formula::Interner::show) writes it, numbers
/// from their digits without the formatter.
pub(crate) fn show_into(out: &mut String, words: &crate::formula::Interner, v: &Value) {
    match v {
        // A whole number is its own normal form, but for the sign of a negative zero.
        Value::Num(d) if d.scale() == 0 && !d.is_zero() => crate::money::push_plain(out, *d),
        Value::Num(d) => crate::money::push_plain(out, d.normalize()),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Text(t) => out.push_str(words.word(*t)),
    }
}

/// Appends `{:?}` of a party. Names and ids of plain ASCII and common CJK characters, which
/// `Debug` writes as they are, skip the general escaping (a Unicode table walk per character).
fn debug_party(out: &mut String, party: &crate::request::Party) {
    out.push_str("Party { name: ");
    debug_str(out, &party.name);
    out.push_str(", id: ");
    match &party.id {
        Some(id) => {
            out.push_str("Some(");
            debug_str(out, id);
            out.push(')');
        }
        None => out.push_str("None"),
    }
    out.push_str(" }");
}

fn debug_str(out: &mut String, s: &str) {
    use std::fmt::Write;
    if plain_for_debug(s.as_bytes()) {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        let _ = write!(out, "{s:?}");
    }
}

/// Whether `Debug` writes `s` as it is, between quotes: every character is printable ASCII
/// other than `"` and `\`, or a CJK unified ideograph U+4E00..=U+9FEF (three bytes from
/// `E4 B8 80` to `E9 BF AF`). Checked on the bytes, without decoding characters.
fn plain_for_debug(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            if !(b' '..=b'~').contains(&c) || c == b'"' || c == b'\\' {
                return false;
            }
            i += 1;
        } else {
            // `s` is UTF-8, so a lead byte E4..=E9 starts a three-byte character.
            if !(0xE4..=0xE9).contains(&c) || i + 2 >= b.len() {
                return false;
            }
            let ch = (u32::from(c & 0x0F) << 12)
                | (u32::from(b[i + 1] & 0x3F) << 6)
                | u32::from(b[i + 2] & 0x3F);
            if !(0x4E00..=0x9FEF).contains(&ch) {
                return false;
            }
            i += 3;
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
        ] {
            let d: rust_decimal::Decimal = text.parse().unwrap_or_else(|_| {
                rust_decimal::Decimal::from_scientific(text).expect("a number")
            });
            let mut s = String::new();
            show_into(&mut s, &words, &Value::Num(d));
            assert_eq!(s, d.normalize().to_string(), "{text}");
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
            let mut out = String::new();
            debug_str(&mut out, &s);
            proptest::prop_assert_eq!(out, format!("{s:?}"));
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
            let mut s = String::new();
            debug_party(&mut s, &p);
            assert_eq!(s, format!("{p:?}"));
        }
    }
}
