//! Text for a terminal: request-supplied strings (names, cells, messages quoting them) made
//! safe to print. [`printable`] writes every control character except line feed and tab
//! (C0, DEL, C1, and the bidirectional overrides that reorder what is shown) as a visible
//! `\u{..}` escape, so a name cannot move the cursor, clear the screen, recolour the
//! terminal or disguise the text around it.
//!
//! Invariant: the result has no character that [`is_unsafe`] refuses, and text without such
//! characters is returned as it is (borrowed).

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
