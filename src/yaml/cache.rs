//! Parsed product files kept in the user's cache ([`crate::cache`]), so that a file read
//! again unchanged is not parsed again.
//!
//! [`parse_cached`] gives exactly the tree [`parse`] gives for the same text: the entry is the
//! tree serde-saphyr built, addressed by the text's hash, and only a text that parses is
//! stored (a file with a YAML error is parsed, and reported, every time). The encoding is
//! compact and checked: an entry that does not decode to one whole tree is ignored.

use super::{MAX_DEPTH, Node, NodeKind, parse};
use crate::diagnostics::{Diagnostic, Span};

const KIND: &str = "yaml";

/// [`parse`], through the cache when it is on.
pub fn parse_cached(src: &str) -> Result<Node, Diagnostic> {
    let Some(mut key) = crate::cache::Key::new(KIND) else {
        return parse(src);
    };
    key.add(src.as_bytes());
    if let Some(node) = crate::cache::read(KIND, key.clone()).and_then(|b| decode(&b)) {
        return Ok(node);
    }
    let node = parse(src)?;
    let mut out = Vec::with_capacity(src.len());
    encode(&node, &mut out);
    crate::cache::write(KIND, key, &out);
    Ok(node)
}

fn put(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// Writes `node` as: a tag byte, the span (line, column, start, length) and then the
/// scalar's text or the items.
pub fn encode(node: &Node, out: &mut Vec<u8>) {
    let tag = match &node.kind {
        NodeKind::Null => 0,
        NodeKind::Scalar(_) => 1,
        NodeKind::Bool(false) => 2,
        NodeKind::Bool(true) => 3,
        NodeKind::Seq(_) => 4,
        NodeKind::Map(_) => 5,
    };
    out.push(tag);
    let s = node.span;
    put(out, s.line.into());
    put(out, s.column.into());
    put(out, s.start as u64);
    put(out, s.len as u64);
    match &node.kind {
        NodeKind::Scalar(text) => {
            put(out, text.len() as u64);
            out.extend_from_slice(text.as_bytes());
        }
        NodeKind::Seq(items) => {
            put(out, items.len() as u64);
            items.iter().for_each(|n| encode(n, out));
        }
        NodeKind::Map(entries) => {
            put(out, entries.len() as u64);
            for (k, v) in entries {
                encode(k, out);
                encode(v, out);
            }
        }
        NodeKind::Null | NodeKind::Bool(_) => {}
    }
}

/// The tree [`encode`] wrote, or `None` when `bytes` are not exactly one encoded tree.
pub fn decode(bytes: &[u8]) -> Option<Node> {
    let mut r = Reader { bytes, at: 0 };
    let node = r.node(0)?;
    (r.at == bytes.len()).then_some(node)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn num(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    /// A count of items, each at least `min` bytes, that the rest of the input can hold.
    fn count(&mut self, min: usize) -> Option<usize> {
        let n = usize::try_from(self.num()?).ok()?;
        (n.checked_mul(min)? <= self.bytes.len() - self.at).then_some(n)
    }

    fn node(&mut self, depth: usize) -> Option<Node> {
        // The parser refuses deeper input; an entry this deep is not one it wrote.
        if depth > MAX_DEPTH + 2 {
            return None;
        }
        let tag = self.byte()?;
        let span = Span::new(
            u32::try_from(self.num()?).ok()?,
            u32::try_from(self.num()?).ok()?,
            usize::try_from(self.num()?).ok()?,
            usize::try_from(self.num()?).ok()?,
        );
        let kind = match tag {
            0 => NodeKind::Null,
            1 => {
                let len = self.count(1)?;
                let text = std::str::from_utf8(&self.bytes[self.at..self.at + len]).ok()?;
                self.at += len;
                NodeKind::Scalar(text.to_string())
            }
            2 => NodeKind::Bool(false),
            3 => NodeKind::Bool(true),
            4 => {
                let n = self.count(5)?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.node(depth + 1)?);
                }
                NodeKind::Seq(items)
            }
            5 => {
                let n = self.count(10)?;
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    let k = self.node(depth + 1)?;
                    entries.push((k, self.node(depth + 1)?));
                }
                NodeKind::Map(entries)
            }
            _ => return None,
        };
        Some(Node { span, kind })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "code: GA-SME\nrate: 0.0010\nlist: [1, 'two', ~, true, {a: 1.10}]\n\
                       text: \"中文\\n\"\nnested:\n  - x: false\n";

    #[test]
    fn a_tree_decodes_to_itself() {
        let node = parse(SRC).unwrap();
        let mut bytes = Vec::new();
        encode(&node, &mut bytes);
        assert_eq!(decode(&bytes), Some(node.clone()));
        // `0.0010` and `1.10` keep their source text through the cache.
        assert_eq!(node.get("rate").and_then(Node::as_str), Some("0.0010"));
    }

    #[test]
    fn damaged_entries_are_refused() {
        let node = parse(SRC).unwrap();
        let mut bytes = Vec::new();
        encode(&node, &mut bytes);
        for cut in 0..bytes.len() {
            assert_eq!(decode(&bytes[..cut]), None, "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode(&longer), None);
        let mut bad_tag = bytes.clone();
        bad_tag[0] = 9;
        assert_eq!(decode(&bad_tag), None);
        // A count larger than the input is refused before anything is allocated.
        assert_eq!(decode(&[4, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f]), None);
    }
}
