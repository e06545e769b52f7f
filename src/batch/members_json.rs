//! A quoted record's JSON line with its members written straight from the rating result into
//! the output buffer: the quote document is built without its member list
//! ([`crate::quote::quote_members_apart`]), serialized, and the members are written in the
//! place of its empty `"members":[]`, with no per-member maps or strings built.
//!
//! Invariant: the bytes are those of `serde_json` writing the full quote (keys in the order
//! of `quote::MemberOut`, its maps' keys sorted as a `BTreeMap` sorts them, strings escaped
//! by `serde_json`); a member with named beneficiaries, or a quote whose empty member list
//! cannot be found, is written through the full quote instead.

use rust_decimal::Decimal;

use crate::formula::{Scope, Value};
use crate::product::{InputGroup, Product};
use crate::quote::Quote;
use crate::rating::Rated;
use crate::request::Request;

use super::json::string;

/// Where the member list goes in a quote serialized with no members: the policyholder is the
/// last part before it, and no key of a quote document before it is named `members`.
const EMPTY_MEMBERS: &[u8] = b",\"members\":[],\"coverages\":";

/// Whether the members of `r` can be written by [`write_line`] (none names beneficiaries).
pub(super) fn applies(r: &Request) -> bool {
    r.members.iter().all(|m| m.beneficiaries.is_empty())
}

/// Writes the JSON line of `q` (built without members) with the members of `r` rated in
/// `rated`. Returns false, having written nothing, when the quote's member list is not where
/// it is looked for.
pub(super) fn write_line(
    buf: &mut Vec<u8>,
    p: &Product,
    r: &Request,
    rated: &Rated,
    q: &Quote,
) -> bool {
    let start = buf.len();
    if super::json::to_writer(buf, q).is_err() {
        buf.truncate(start);
        if serde_json::to_writer(&mut *buf, q).is_err() {
            buf.truncate(start);
            return false;
        }
    }
    let Some(at) = find(&buf[start..], EMPTY_MEMBERS) else {
        buf.truncate(start);
        return false;
    };
    // The members go in after `"members":[`: written at the end, then turned in front of
    // the rest of the quote.
    let cut = start + at + b",\"members\":[".len();
    let tail = buf.len() - cut;
    write_members(buf, p, r, rated);
    buf[cut..].rotate_left(tail);
    buf.push(b'\n');
    true
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

/// The members as `quote::members_out` gives them, serialized.
fn write_members(buf: &mut Vec<u8>, p: &Product, r: &Request, rated: &Rated) {
    // Member fields by name, as a `BTreeMap` orders them, with their input slot.
    let mut fields: Vec<(&str, usize)> = p
        .fields
        .iter()
        .filter(|f| f.group == InputGroup::Member)
        .enumerate()
        .map(|(slot, f)| (f.name.as_str(), slot))
        .collect();
    fields.sort_unstable();
    // Premium coverages by code, in the same order.
    let mut covers: Vec<(&str, usize)> = p
        .coverages
        .iter()
        .enumerate()
        .filter(|(ci, c)| {
            r.selected[*ci] && p.steps[c.premium_step as usize].scope == Scope::Member
        })
        .map(|(ci, c)| (c.code.as_str(), ci))
        .collect();
    covers.sort_unstable();
    let mut kinds = super::book::KindBytes::new(rated);
    for (m, mem) in r.members.iter().enumerate() {
        if m > 0 {
            buf.push(b',');
        }
        buf.extend_from_slice(b"{\"number\":");
        push_int(buf, (m + 1) as u128);
        buf.extend_from_slice(b",\"name\":");
        string(buf, &mem.party.name);
        buf.extend_from_slice(b",\"id\":");
        match &mem.party.id {
            Some(id) => string(buf, id),
            None => buf.extend_from_slice(b"null"),
        }
        buf.extend_from_slice(b",\"row\":");
        match mem.row {
            Some(row) => push_int(buf, row as u128),
            None => buf.extend_from_slice(b"null"),
        }
        buf.extend_from_slice(b",\"fields\":{");
        let mut first = true;
        for &(name, slot) in &fields {
            // `members_out` pairs the fields with the inputs there are.
            let Some(v) = mem.inputs.get(slot) else {
                continue;
            };
            if !first {
                buf.push(b',');
            }
            first = false;
            string(buf, name);
            buf.push(b':');
            match v {
                Value::Text(t) => string(buf, p.interner.word(*t)),
                // Digits, a point, a sign or a truth value: nothing to escape.
                _ => {
                    buf.push(b'"');
                    crate::quote::show_into(buf, &p.interner, v);
                    buf.push(b'"');
                }
            }
        }
        if kinds.copied(m, buf) {
            continue;
        }
        let first = buf.len();
        buf.extend_from_slice(b"},\"premiums\":{");
        let mut total = Decimal::ZERO;
        for (i, &(code, ci)) in covers.iter().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            let x = rated.member_premiums[m][ci];
            // The quote was built, so the totals did not overflow.
            total = total.checked_add(x).unwrap_or(total);
            string(buf, code);
            buf.extend_from_slice(b":\"");
            p.push_money(buf, x);
            buf.push(b'"');
        }
        buf.extend_from_slice(b"},\"total\":\"");
        p.push_money(buf, total);
        buf.extend_from_slice(b"\"}");
        kinds.wrote(first, buf);
    }
}

/// Appends the decimal digits of `n`.
pub(super) fn push_int(buf: &mut Vec<u8>, n: u128) {
    buf.extend_from_slice(crate::money::digits(n, &mut [0; 40]));
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::product::load::{LoadOptions, load_paths};
    use crate::quote::{Outcome, QuoteOptions, quote, quote_members_apart};

    /// Every example request (and the same with names and ids that need escaping) gives the
    /// bytes of the full quote serialized.
    #[test]
    fn members_written_apart_give_the_bytes_of_the_full_quote() {
        let (products, _) = load_paths(&[PathBuf::from("products")], &LoadOptions::default());
        let mut checked = 0;
        for (p, file, mut req) in crate::request::examples(&products) {
            for variant in 0..2 {
                if variant == 1 {
                    for (i, m) in req.members.iter_mut().enumerate() {
                        m.party.name = format!("a\"b\\c\u{1}\t\u{7f}张{i}😀");
                        if i % 2 == 0 {
                            m.party.id = None;
                        }
                        m.row = Some(i + 2);
                    }
                }
                for worksheet in [false, true] {
                    let opts = QuoteOptions {
                        plan: None,
                        as_of: None,
                        worksheet,
                    };
                    let Outcome::Quoted(full, _) = quote(p, &req, &opts).unwrap() else {
                        continue;
                    };
                    let Outcome::Quoted(q, rated) = quote_members_apart(p, &req, &opts).unwrap()
                    else {
                        panic!("{file}: quoted in full, not apart");
                    };
                    assert!(q.members.is_empty());
                    let mut want = serde_json::to_vec(&*full).unwrap();
                    want.push(b'\n');
                    let mut got = Vec::new();
                    assert!(super::write_line(&mut got, p, &req, &rated, &q), "{file}");
                    assert_eq!(
                        String::from_utf8(got).unwrap(),
                        String::from_utf8(want).unwrap(),
                        "{file}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked >= 20, "{checked} quotes compared");
    }
}
