//! Text for a terminal: request-supplied strings (names, cells, messages quoting them) made
//! safe to print. [`printable`] writes every control character except line feed and tab
//! (C0, DEL, C1, and the bidirectional overrides that reorder what is shown) as a visible
//! `\u{..}` escape, so a name cannot move the cursor, clear the screen, recolour the
//! terminal or disguise the text around it.
//!
//! Invariant: the result has no character that [`is_unsafe`] refuses, and text without such
//! characters is returned as it is (borrowed).
//!
//! Also [`quote_free`]: whether bytes need no escaping between quotes, the fast path of the
//! JSON writer and of the quote id's `Debug` text; [`below_dash`] and [`above_comma`], the
//! census reader's and the CSV writer's eight-bytes-at-a-time look for separators.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` must not reach a terminal as it is.
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character (see [`is_unsafe`]) written as `\u{..}`.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Like [`printable`], for text this program has coloured: a Select Graphic Rendition
/// sequence (`ESC [` digits and `;` `m`, which only sets colour and weight) is kept, every
/// other unsafe character is escaped. Used only when colour is on; with colour off (a pipe,
/// `NO_COLOR`, `--color never`) output goes through [`printable`] and no escape survives.
pub fn printable_styled(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}'
            && let Some(len) = sgr_len(rest)
        {
            out.push_str(&rest[..len]);
            rest = &rest[len..];
            continue;
        }
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// The length of the SGR sequence `ESC [ [0-9;]* m` that `text` starts with, if it does.
fn sgr_len(text: &str) -> Option<usize> {
    let body = text.strip_prefix("\u{1b}[")?;
    let n = body
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';')
        .count();
    (body.as_bytes().get(n) == Some(&b'm')).then_some(2 + n + 1)
}

/// Whether no byte of `bytes` is below 0x20, `"` or `\\`, and, with `ascii`, none is 0x7F or
/// above: text written between quotes as it is (by JSON, and, with `ascii`, by `Debug`).
/// Eight bytes are looked at a time: a byte below 0x20 makes `x - 0x20` borrow into its top
/// bit, a byte equal to `c` makes `x ^ c` zero, and a byte from 0x7F up has its top bit set,
/// or gets it when 1 is added to its low seven bits.
pub fn quote_free(bytes: &[u8], ascii: bool) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOPS: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & TOPS;
    let high = if ascii { TOPS } else { 0 };
    let bad = |x: u64| {
        let control = x.wrapping_sub(ONES * 0x20) & !x & TOPS;
        control
            | ((x | ((x & !TOPS) + ONES)) & high)
            | zero(x ^ (ONES * u64::from(b'"')))
            | zero(x ^ (ONES * u64::from(b'\\')))
    };
    let mut words = bytes.chunks_exact(8);
    let mut found = 0;
    for w in &mut words {
        found |= bad(u64::from_le_bytes([
            w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7],
        ]));
    }
    // The last bytes, one at a time (a copy into a padded word would call `memcpy`).
    found == 0
        && words
            .remainder()
            .iter()
            .all(|&b| b >= 0x20 && b != b'"' && b != b'\\' && !(ascii && b >= 0x7F))
}

/// The high bit of each byte of `word` that is below `-` (so not above 127): where a cell or
/// a plain line may end (`,` `\n`), or a line is not plain (`"` `\r`). The few other bytes
/// marked (a space, say) are told apart by the caller. Exact for every byte: each byte's
/// subtraction starts from at least 128, so it never borrows from the next, and leaves the
/// high bit clear just for a byte below `-`.
pub fn below_dash(word: u64) -> u64 {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const BELOW: u64 = 0x2D2D_2D2D_2D2D_2D2D;
    !((word | HIGH) - BELOW) & !word & HIGH
}

/// Whether every byte of `bytes` is above `,`, so none is `,` `"` `\n` or `\r` (all below
/// `-`): a CSV cell written as it is. Eight bytes at a time ([`below_dash`]).
pub fn above_comma(bytes: &[u8]) -> bool {
    let mut words = bytes.chunks_exact(8);
    let mut marked = 0;
    for w in &mut words {
        marked |= below_dash(u64::from_le_bytes([
            w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7],
        ]));
    }
    marked == 0 && words.remainder().iter().all(|&c| c > b',')
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn marks_are_the_bytes_below_a_dash(
            bytes in proptest::array::uniform8(proptest::prop_oneof![
                proptest::prelude::any::<u8>(),
                proptest::sample::select(vec![0u8, b',', b'-', b'\n', 0x7F, 0x80, 0xAC, 0xAD, 0xFF]),
            ])
        ) {
            let mut want = 0u64;
            for (i, b) in bytes.iter().enumerate() {
                if *b < b'-' {
                    want |= 0x80 << (8 * i);
                }
            }
            proptest::prop_assert_eq!(below_dash(u64::from_le_bytes(bytes)), want);
        }

        /// Eight bytes at a time finds what looking at each byte finds.
        #[test]
        fn above_comma_is_bytewise(b in proptest::collection::vec(
            proptest::prop_oneof![
                8 => 0x2Du8..=0xFF,
                1 => proptest::prelude::any::<u8>(),
            ],
            0..40,
        )) {
            proptest::prop_assert_eq!(above_comma(&b), b.iter().all(|&c| c > b','));
        }
    }

    #[test]
    fn control_characters_become_visible_escapes() {
        assert!(matches!(printable("张伟\tA & B\n"), Cow::Borrowed(_)));
        assert_eq!(
            printable("\u{1b}[2J\u{1b}]0;pwned\u{7}x\ry\u{7f}\u{9b}31m\u{202e}z"),
            r"\u{1b}[2J\u{1b}]0;pwned\u{7}x\u{d}y\u{7f}\u{9b}31m\u{202e}z"
        );
    }

    #[test]
    fn styled_text_keeps_colour_and_escapes_the_rest() {
        assert_eq!(
            printable_styled("\u{1b}[1mTotal\u{1b}[0m \u{1b}[2J\u{1b}]0;x\u{7}"),
            "\u{1b}[1mTotal\u{1b}[0m \\u{1b}[2J\\u{1b}]0;x\\u{7}"
        );
    }

    proptest::proptest! {
        /// Eight bytes at a time finds what looking at each byte finds, for any bytes,
        /// mostly printable ones.
        #[test]
        fn quote_free_is_bytewise(b in proptest::collection::vec(
            proptest::prop_oneof![
                20 => 0x20u8..0x7f,
                1 => proptest::prelude::any::<u8>(),
            ],
            0..40,
        )) {
            for ascii in [false, true] {
                let each = b.iter().all(|&c| {
                    c >= 0x20 && c != b'"' && c != b'\\' && !(ascii && c >= 0x7f)
                });
                proptest::prop_assert_eq!(quote_free(&b, ascii), each, "{}", ascii);
            }
        }
    }
}
