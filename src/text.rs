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
}
