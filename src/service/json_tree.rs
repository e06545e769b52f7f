//! A request body's JSON read straight into the crate's span-keeping node tree, in one pass:
//! the tree [`crate::yaml::parse`] builds from the same text (JSON is YAML), without the YAML
//! machinery, which cost about two thirds of a small quote's CPU.
//!
//! Invariants: for a body this reader accepts, the tree equals `yaml::parse`'s node for node
//! and span for span (line, column in characters, byte offset and length; a string's span
//! covers its quotes, a list's or object's its opening bracket; a number's text is its source
//! text, a string's its decoded value). Anything it does not read plainly (not strict JSON,
//! a repeated member, deeper than [`MAX_DEPTH`], more than [`MAX_NODES`] values) is `None`,
//! and the caller reads the body the slow way, with its located diagnostics.

use crate::diagnostics::Span;
use crate::yaml::{MAX_DEPTH, MAX_NODES, Node, NodeKind};

/// The node tree of a strict JSON text, or `None` (see the module documentation).
pub fn json_tree(text: &str) -> Option<Node> {
    let mut r = Reader {
        src: text.as_bytes(),
        pos: 0,
        line: 1,
        column: 1,
        nodes: 0,
    };
    r.blank();
    let node = r.value(0)?;
    r.blank();
    (r.pos == r.src.len()).then_some(node)
}

/// Most members of one object read here (request objects have a few dozen).
const MAX_MEMBERS: usize = 256;

struct Reader<'a> {
    src: &'a [u8],
    pos: usize,
    line: u32,
    /// 1-based, in characters.
    column: u32,
    nodes: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    /// Moves over one byte of a line (never a line break), counting characters.
    fn bump(&mut self) {
        if let Some(b) = self.peek() {
            if b & 0xC0 != 0x80 {
                self.column += 1;
            }
            self.pos += 1;
        }
    }

    /// Skips JSON whitespace; `\r\n`, `\n` and `\r` each end a line.
    fn blank(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' => self.bump(),
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                    self.column = 1;
                }
                b'\r' => {
                    self.pos += 1;
                    if self.peek() == Some(b'\n') {
                        self.pos += 1;
                    }
                    self.line += 1;
                    self.column = 1;
                }
                _ => return,
            }
        }
    }

    fn here(&self) -> Span {
        Span::new(self.line, self.column, self.pos, 0)
    }

    /// Takes the byte `b` if it comes next; `None` (not JSON this reader takes) otherwise.
    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek() == Some(b)).then(|| self.bump())
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        self.nodes += 1;
        if self.nodes > MAX_NODES || depth >= MAX_DEPTH {
            return None;
        }
        let mut span = self.here();
        let kind = match self.peek()? {
            b'{' => {
                self.bump();
                span.len = 1;
                NodeKind::Map(self.members(depth)?)
            }
            b'[' => {
                self.bump();
                span.len = 1;
                NodeKind::Seq(self.items(depth)?)
            }
            b'"' => NodeKind::Scalar(self.string()?),
            b't' => self.word("true", NodeKind::Bool(true))?,
            b'f' => self.word("false", NodeKind::Bool(false))?,
            b'n' => self.word("null", NodeKind::Null)?,
            _ => NodeKind::Scalar(self.number()?),
        };
        if !matches!(kind, NodeKind::Map(_) | NodeKind::Seq(_)) {
            span.len = self.pos - span.start;
        }
        Some(Node { span, kind })
    }

    fn members(&mut self, depth: usize) -> Option<Vec<(Node, Node)>> {
        let mut entries: Vec<(Node, Node)> = Vec::new();
        self.blank();
        if self.peek() == Some(b'}') {
            self.bump();
            return Some(entries);
        }
        loop {
            self.blank();
            if self.peek() != Some(b'"') {
                return None;
            }
            let key = self.value(depth + 1)?;
            // A repeated member is left to the YAML reader, which names it; so is an object
            // of more members than a linear look for repeats suits.
            if entries.len() >= MAX_MEMBERS || entries.iter().any(|(k, _)| k.kind == key.kind) {
                return None;
            }
            self.blank();
            self.eat(b':')?;
            self.blank();
            let value = self.value(depth + 1)?;
            entries.push((key, value));
            self.blank();
            match self.peek()? {
                b',' => self.bump(),
                b'}' => {
                    self.bump();
                    return Some(entries);
                }
                _ => return None,
            }
        }
    }

    fn items(&mut self, depth: usize) -> Option<Vec<Node>> {
        let mut items = Vec::new();
        self.blank();
        if self.peek() == Some(b']') {
            self.bump();
            return Some(items);
        }
        loop {
            self.blank();
            items.push(self.value(depth + 1)?);
            self.blank();
            match self.peek()? {
                b',' => self.bump(),
                b']' => {
                    self.bump();
                    return Some(items);
                }
                _ => return None,
            }
        }
    }

    fn word(&mut self, word: &str, kind: NodeKind) -> Option<NodeKind> {
        if !self.src[self.pos..].starts_with(word.as_bytes()) {
            return None;
        }
        for _ in 0..word.len() {
            self.bump();
        }
        Some(kind)
    }

    /// A number's source text: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn number(&mut self) -> Option<String> {
        let start = self.pos;
        let digits = |r: &mut Reader| {
            let from = r.pos;
            while r.peek().is_some_and(|b| b.is_ascii_digit()) {
                r.bump();
            }
            r.pos > from
        };
        if self.peek() == Some(b'-') {
            self.bump();
        }
        match self.peek()? {
            b'0' => self.bump(),
            b'1'..=b'9' => {
                digits(self);
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.bump();
            if !digits(self) {
                return None;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.bump();
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.bump();
            }
            if !digits(self) {
                return None;
            }
        }
        std::str::from_utf8(&self.src[start..self.pos])
            .ok()
            .map(str::to_string)
    }

    /// A string's decoded value; the reader is on its opening quote.
    fn string(&mut self) -> Option<String> {
        self.bump();
        let mut out = Vec::new();
        loop {
            let from = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.bump();
            }
            out.extend_from_slice(&self.src[from..self.pos]);
            match self.peek()? {
                b'"' => {
                    self.bump();
                    return String::from_utf8(out).ok();
                }
                b'\\' => {
                    self.bump();
                    self.escape(&mut out)?;
                }
                _ => return None,
            }
        }
    }

    fn escape(&mut self, out: &mut Vec<u8>) -> Option<()> {
        let b = self.peek()?;
        self.bump();
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                let code = match first {
                    0xD800..=0xDBFF => {
                        self.eat(b'\\')?;
                        self.eat(b'u')?;
                        let second = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&second) {
                            return None;
                        }
                        0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                    }
                    0xDC00..=0xDFFF => return None,
                    c => c,
                };
                char::from_u32(code)?
            }
            _ => return None,
        };
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        Some(())
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = char::from(self.peek()?).to_digit(16)?;
            self.bump();
            v = v * 16 + d;
        }
        Some(v)
    }
}
