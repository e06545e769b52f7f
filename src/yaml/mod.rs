//! YAML input: parsing into a spanned node tree and deserializing typed raw models from it.
//!
//! Owns the first stage of every YAML input (product files, requests, calendars):
//!
//! 1. [`parse`] reads text with serde-saphyr into a [`Node`] tree in which every value keeps
//!    its span and every scalar keeps its source text (so `0.0010` stays `0.0010`: decimals are
//!    never read through a float). serde-saphyr rejects duplicate keys and enforces a budget
//!    (depth, aliases, nodes), so alias bombs and deep nesting fail fast with a location.
//! 2. [`from_node`] deserializes any `serde::Deserialize` type from a node through
//!    [`NodeDe`], attaching the span of the innermost offending value to each error.
//!
//! Recovery, so that every problem is reported and not just the first:
//! - an unknown key (`deny_unknown_fields`) is recorded and skipped; the rest of the map is
//!   still read;
//! - a value wrapped in [`Recover`] that fails to deserialize is recorded and becomes `None`;
//!   the enclosing list or map goes on. Raw models wrap list items and sections in it.
//!
//! [`Sp`] wraps a value with the span it came from, for checks after deserialization.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Span, byte_offset, did_you_mean};

mod cache;
mod nodes_de;
mod wrap;

pub use cache::parse_cached;
pub use nodes_de::*;
pub use wrap::*;

/// Largest YAML input accepted, in bytes. Product files are a few kilobytes; rate tables that
/// large belong in CSV files.
pub const MAX_YAML_BYTES: usize = 4 * 1024 * 1024;
/// Deepest nesting accepted (product files nest about six levels).
pub const MAX_DEPTH: usize = 32;
/// Most values (after alias expansion) a YAML input may hold.
pub const MAX_NODES: usize = 200_000;
/// Most YAML events (each copied scalar, and each start and end of a copied list or mapping)
/// that aliases may replay in one input.
pub const MAX_ALIAS_EVENTS: usize = 20_000;

/// A YAML value with its place in the source.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Null,
    /// A scalar and its text: the source text for plain numbers, the decoded string otherwise.
    Scalar(String),
    Bool(bool),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    fn describe(&self) -> &'static str {
        match &self.kind {
            NodeKind::Null => "nothing (null)",
            NodeKind::Scalar(_) => "a scalar",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }
}

fn to_span(loc: &serde_saphyr::Location) -> Span {
    let span = loc.span();
    let (start, len) = match (span.byte_offset(), span.byte_len()) {
        (Some(o), Some(l)) if o < u32::MAX as u64 => (o as usize, l as usize),
        _ => (0, 0),
    };
    Span::new(
        u32::try_from(loc.line()).unwrap_or(u32::MAX),
        u32::try_from(loc.column()).unwrap_or(u32::MAX),
        start,
        len,
    )
}

/// Deserialize target for serde-saphyr that builds the node tree.
struct Raw(NodeKind);

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Raw, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<Raw, E> {
                Ok(Raw(NodeKind::Null))
            }
            fn visit_none<E>(self) -> Result<Raw, E> {
                Ok(Raw(NodeKind::Null))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
                Raw::deserialize(d)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Raw, E> {
                Ok(Raw(NodeKind::Bool(b)))
            }
            // Numbers are replaced by their source text in `fix_scalars`.
            fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
                Ok(Raw(NodeKind::Scalar(v.to_string())))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
                Ok(Raw(NodeKind::Scalar(v.to_string())))
            }
            fn visit_i128<E>(self, v: i128) -> Result<Raw, E> {
                Ok(Raw(NodeKind::Scalar(v.to_string())))
            }
            fn visit_u128<E>(self, v: u128) -> Result<Raw, E> {
                Ok(Raw(NodeKind::Scalar(v.to_string())))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Raw, E> {
                Ok(Raw(NodeKind::Scalar(NUMBER_FROM_SOURCE.to_string())))
            }
            fn visit_str<E>(self, s: &str) -> Result<Raw, E> {
                Ok(Raw(NodeKind::Scalar(s.to_string())))
            }
            fn visit_string<E>(self, s: String) -> Result<Raw, E> {
                Ok(Raw(NodeKind::Scalar(s)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Raw, A::Error> {
                let mut items = Vec::new();
                while let Some(SpannedRaw(n)) = a.next_element()? {
                    items.push(n);
                }
                Ok(Raw(NodeKind::Seq(items)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Raw, A::Error> {
                let mut entries = Vec::new();
                while let Some(SpannedRaw(k)) = a.next_key()? {
                    let SpannedRaw(v) = a.next_value()?;
                    entries.push((k, v));
                }
                Ok(Raw(NodeKind::Map(entries)))
            }
        }
        d.deserialize_any(V)
    }
}

/// Marker text for floats, replaced by the source text once spans are known.
const NUMBER_FROM_SOURCE: &str = "\u{0}number";

struct SpannedRaw(Node);

impl<'de> Deserialize<'de> for SpannedRaw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<SpannedRaw, D::Error> {
        let s = serde_saphyr::Spanned::<Raw>::deserialize(d)?;
        Ok(SpannedRaw(Node {
            span: to_span(&s.referenced),
            kind: s.value.0,
        }))
    }
}

/// Replaces numbers by their exact source text, so that `1.10` keeps its trailing zero and
/// no value ever passes through a float.
fn fix_scalars(node: &mut Node, src: &str) {
    match &mut node.kind {
        NodeKind::Scalar(s) => {
            let is_number = s == NUMBER_FROM_SOURCE || s.parse::<i128>().is_ok();
            let (a, b) = (node.span.start, node.span.start + node.span.len);
            if is_number
                && let Some(text) = src.get(a..b)
                && !text.starts_with(['"', '\''])
            {
                *s = text.trim().to_string();
            }
        }
        NodeKind::Seq(items) => items.iter_mut().for_each(|n| fix_scalars(n, src)),
        NodeKind::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            fix_scalars(k, src);
            fix_scalars(v, src);
        }),
        _ => {}
    }
}

/// The line and column (1-based, in characters) of byte `at` of `src`.
pub fn span_at(src: &str, at: usize) -> Span {
    let mut at = at.min(src.len());
    while !src.is_char_boundary(at) {
        at -= 1;
    }
    let before = &src[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    Span::new(
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
        at,
        0,
    )
}

/// Parses YAML text into a node tree. The error names the line and column.
pub fn parse(src: &str) -> Result<Node, Diagnostic> {
    if src.len() > MAX_YAML_BYTES {
        return Err(Diagnostic::error(
            crate::diagnostics::codes::E0002,
            format!(
                "the file is {} bytes, more than the {} a YAML file may have",
                src.len(),
                MAX_YAML_BYTES
            ),
        )
        .at(span_at(src, MAX_YAML_BYTES))
        .with_help("keep large rate tables in CSV files beside the product (`file:` in a table)"));
    }
    if let Some(nul) = src.find('\0') {
        return Err(Diagnostic::error(
            crate::diagnostics::codes::E0002,
            "the file is binary, not YAML text",
        )
        .at(span_at(src, nul))
        .with_help("product files are UTF-8 YAML text"));
    }
    if src.trim().is_empty()
        || src
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Err(
            Diagnostic::error(crate::diagnostics::codes::E0003, "the file is empty")
                .at(span_at(src, src.len()))
                .with_help("a product file is a YAML mapping starting with `code:`"),
        );
    }
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            flow_nesting_limit: MAX_DEPTH,
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_nodes: MAX_NODES,
            max_documents: 1,
            max_total_scalar_bytes: MAX_YAML_BYTES,
        },
        // Aliases are replayed value by value: bound the copies, so that ten lines of nested
        // aliases are refused at once rather than after expanding to the node limit.
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: MAX_ALIAS_EVENTS,
        },
    };
    match serde_saphyr::from_str_with_options::<SpannedRaw>(src, options) {
        Ok(SpannedRaw(mut node)) => {
            fix_scalars(&mut node, src);
            Ok(node)
        }
        Err(e) => {
            let mut span = e.location().map(|l| to_span(&l)).unwrap_or_default();
            // Syntax errors carry a line and column but no byte range: find it in the text.
            if span.start == 0 && span.len == 0 && span.is_known() {
                span.start = byte_offset(src, span.line, span.column);
            }
            let msg = yaml_message(&e);
            let duplicate = msg.starts_with("invalid YAML: duplicate");
            let mut d = Diagnostic::error(
                if duplicate {
                    crate::diagnostics::codes::E0004
                } else {
                    crate::diagnostics::codes::E0001
                },
                msg,
            )
            .at(span);
            if d.code == crate::diagnostics::codes::E0004 {
                d = d.with_help(
                    "each key may appear once in a mapping; remove or rename one of them",
                );
            }
            Err(d)
        }
    }
}

/// The message of a serde-saphyr error without its own snippet rendering.
fn yaml_message(e: &serde_saphyr::Error) -> String {
    let inner = e.without_snippet();
    let text = inner.to_string();
    let first = text.lines().next().unwrap_or("invalid YAML").trim();
    // serde-saphyr appends " at line L column C"; we show the location ourselves.
    let first = match first.find(" at line ") {
        Some(i) => &first[..i],
        None => first,
    };
    let first = first.trim_end_matches(", set DuplicateKeyPolicy in Options if acceptable");
    if first.contains("recursion limit") || first.contains("Depth") || first.contains("depth") {
        return format!("the YAML nests deeper than {MAX_DEPTH} levels");
    }
    if first.contains("budget breached") && first.contains("Nodes") {
        return format!(
            "the YAML expands to more than {MAX_NODES} values (aliases repeating aliases?)"
        );
    }
    if first.contains("budget breached") {
        let kind = first
            .split("budget breached:")
            .nth(1)
            .unwrap_or("")
            .split('{')
            .next()
            .unwrap_or("")
            .trim();
        return format!("the YAML is over a size limit ({kind}); product files are small");
    }
    if first.contains("alias replay limit") {
        return format!(
            "the YAML's aliases copy more than {MAX_ALIAS_EVENTS} values (aliases repeating aliases?)"
        );
    }
    if first.contains("alias") || first.contains("anchor") {
        return format!("the YAML uses too many aliases ({first})");
    }
    format!("invalid YAML: {first}")
}
