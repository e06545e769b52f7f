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

// ---------------------------------------------------------------------------------------------
// Deserializing typed values from nodes.

/// An error while deserializing from a node; carries the span of the offending value.
#[derive(Clone, Debug, PartialEq)]
pub struct DeError {
    pub message: String,
    pub help: Option<String>,
    pub span: Option<Span>,
    pub code: &'static str,
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            message: msg.to_string(),
            help: None,
            span: None,
            code: crate::diagnostics::codes::E0010,
        }
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let help = match did_you_mean(field, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if expected.is_empty() => "remove it".to_string(),
            None => format!("the keys allowed here are: {}", expected.join(", ")),
        };
        DeError {
            message: format!("unknown key `{field}`"),
            help: Some(help),
            span: None,
            code: crate::diagnostics::codes::E0011,
        }
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let help = match did_you_mean(variant, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("use one of: {}", expected.join(", ")),
        };
        DeError {
            message: format!("unknown value `{variant}`"),
            help: Some(help),
            span: None,
            code: crate::diagnostics::codes::E0012,
        }
    }

    fn missing_field(field: &'static str) -> Self {
        DeError {
            message: format!("missing key `{field}`"),
            help: Some(format!("add `{field}:` here")),
            span: None,
            code: crate::diagnostics::codes::E0013,
        }
    }

    fn invalid_type(unexp: de::Unexpected, exp: &dyn de::Expected) -> Self {
        DeError {
            message: format!("expected {exp}, found {unexp}"),
            help: None,
            span: None,
            code: crate::diagnostics::codes::E0014,
        }
    }

    fn invalid_value(unexp: de::Unexpected, exp: &dyn de::Expected) -> Self {
        DeError {
            message: format!("invalid value {unexp}: expected {exp}"),
            help: None,
            span: None,
            code: crate::diagnostics::codes::E0014,
        }
    }
}

impl DeError {
    fn at(mut self, span: Span) -> Self {
        if self.span.is_none() {
            self.span = Some(span);
        }
        self
    }

    /// Names the set an unknown word was looked up in: `unknown value `x`` becomes
    /// `unknown rounding mode `x`` for an enum whose serde name is `rounding mode`. Enums
    /// whose name is a Rust identifier (no space, starts upper case) keep `value`.
    fn naming(mut self, name: &str) -> Self {
        let readable =
            name.contains(' ') || name.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        if self.code == crate::diagnostics::codes::E0012
            && readable
            && let Some(rest) = self.message.strip_prefix("unknown value ")
        {
            self.message = format!("unknown {name} {rest}");
        }
        self
    }

    pub fn into_diagnostic(self) -> Diagnostic {
        let mut d = Diagnostic::error(self.code, self.message).at(self.span.unwrap_or_default());
        if let Some(h) = self.help {
            d = d.with_help(h);
        }
        d
    }
}

thread_local! {
    /// Errors recorded and skipped while deserializing (unknown keys, failed `Recover`s).
    static RECOVERED: RefCell<Vec<DeError>> = const { RefCell::new(Vec::new()) };
    /// The last error a `NodeDe` returned, for `Recover` to record.
    static LAST_ERROR: RefCell<Option<DeError>> = const { RefCell::new(None) };
    /// The span of the node being deserialized into an `Sp`.
    static CURRENT_SPAN: Cell<Span> = const { Cell::new(Span { line: 0, column: 0, start: 0, len: 0 }) };
}

const SP_MARKER: &str = "$coverwright::Sp";
const RECOVER_MARKER: &str = "$coverwright::Recover";

/// Deserializes `T` from a node. Returns the value (if the top level could be built) and
/// every error met on the way, each with its span.
pub fn from_node<T: de::DeserializeOwned>(node: &Node) -> (Option<T>, Vec<DeError>) {
    RECOVERED.with(|r| r.borrow_mut().clear());
    let result = T::deserialize(NodeDe { node });
    let mut errors = RECOVERED.with(|r| std::mem::take(&mut *r.borrow_mut()));
    LAST_ERROR.with(|l| l.borrow_mut().take());
    match result {
        Ok(v) => (Some(v), errors),
        Err(e) => {
            errors.push(e);
            (None, errors)
        }
    }
}

/// A serde `Deserializer` over a [`Node`].
pub struct NodeDe<'a> {
    node: &'a Node,
}

impl<'a> NodeDe<'a> {
    fn map_with_fields<'de, V: Visitor<'de>>(
        self,
        v: V,
        fields: Option<&'static [&'static str]>,
    ) -> Result<V::Value, DeError> {
        match &self.node.kind {
            NodeKind::Map(entries) => {
                let r = v.visit_map(MapDe {
                    entries: entries.iter(),
                    value: None,
                    fields,
                });
                self.wrap(r)
            }
            _ => self.fail(de::Error::custom(format!(
                "expected a mapping (`key: value` lines), found {}",
                self.node.describe()
            ))),
        }
    }

    fn fail<T>(&self, e: DeError) -> Result<T, DeError> {
        let e = e.at(self.node.span);
        LAST_ERROR.with(|l| *l.borrow_mut() = Some(e.clone()));
        Err(e)
    }

    fn wrap<T>(&self, r: Result<T, DeError>) -> Result<T, DeError> {
        match r {
            Ok(v) => Ok(v),
            Err(e) => self.fail(e),
        }
    }

    fn scalar(&self) -> Result<&'a str, DeError> {
        match &self.node.kind {
            NodeKind::Scalar(s) => Ok(s),
            NodeKind::Bool(b) => Ok(if *b { "true" } else { "false" }),
            _ => self.fail(de::Error::custom(format!(
                "expected a single value, found {}",
                self.node.describe()
            ))),
        }
    }

    fn parse_num<T: std::str::FromStr>(&self, what: &str) -> Result<T, DeError> {
        let s = self.scalar()?;
        let cleaned: String = s.chars().filter(|c| *c != '_').collect();
        match cleaned.parse::<T>() {
            Ok(v) => Ok(v),
            Err(_) => self.fail(de::Error::custom(format!("expected {what}, found `{s}`"))),
        }
    }
}

macro_rules! de_num {
    ($($method:ident $ty:ty => $visit:ident, $what:expr;)*) => {
        $(fn $method<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
            let n: $ty = self.parse_num($what)?;
            let r = v.$visit(n);
            self.wrap(r)
        })*
    };
}

impl<'de, 'a> Deserializer<'de> for NodeDe<'a> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let r = match &self.node.kind {
            NodeKind::Null => v.visit_unit(),
            NodeKind::Bool(b) => v.visit_bool(*b),
            NodeKind::Scalar(s) => v.visit_str(s),
            NodeKind::Seq(items) => v.visit_seq(SeqDe {
                items: items.iter(),
            }),
            NodeKind::Map(entries) => v.visit_map(MapDe {
                entries: entries.iter(),
                value: None,
                fields: None,
            }),
        };
        self.wrap(r)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            NodeKind::Bool(b) => {
                let r = v.visit_bool(*b);
                self.wrap(r)
            }
            _ => self.fail(de::Error::custom(format!(
                "expected `true` or `false`, found {}",
                self.node
                    .as_str()
                    .map(|s| format!("`{s}`"))
                    .unwrap_or_else(|| self.node.describe().to_string())
            ))),
        }
    }

    de_num! {
        deserialize_i8 i8 => visit_i8, "a whole number";
        deserialize_i16 i16 => visit_i16, "a whole number";
        deserialize_i32 i32 => visit_i32, "a whole number";
        deserialize_i64 i64 => visit_i64, "a whole number";
        deserialize_u8 u8 => visit_u8, "a whole number from 0 to 255";
        deserialize_u16 u16 => visit_u16, "a whole number from 0 to 65535";
        deserialize_u32 u32 => visit_u32, "a whole number, not negative";
        deserialize_u64 u64 => visit_u64, "a whole number, not negative";
    }

    fn deserialize_f32<V: Visitor<'de>>(self, _v: V) -> Result<V::Value, DeError> {
        self.fail(de::Error::custom(
            "floating-point values are not read from product files",
        ))
    }

    fn deserialize_f64<V: Visitor<'de>>(self, _v: V) -> Result<V::Value, DeError> {
        self.fail(de::Error::custom(
            "floating-point values are not read from product files",
        ))
    }

    fn deserialize_char<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_str(v)
    }

    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            NodeKind::Scalar(s) => {
                let r = v.visit_str(s);
                self.wrap(r)
            }
            NodeKind::Bool(b) => {
                let r = v.visit_str(if *b { "true" } else { "false" });
                self.wrap(r)
            }
            NodeKind::Null => self.fail(de::Error::custom("expected a value, found nothing")),
            _ => self.fail(de::Error::custom(format!(
                "expected a single value, found {}",
                self.node.describe()
            ))),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_str(v)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_str(v)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_str(v)
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let r = match &self.node.kind {
            NodeKind::Null => v.visit_none(),
            _ => v.visit_some(NodeDe { node: self.node }),
        };
        self.wrap(r)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            NodeKind::Null => {
                let r = v.visit_unit();
                self.wrap(r)
            }
            _ => self.fail(de::Error::custom("expected nothing (null)")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_unit(v)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, DeError> {
        if name == SP_MARKER {
            CURRENT_SPAN.with(|c| c.set(self.node.span));
        }
        if name == RECOVER_MARKER {
            LAST_ERROR.with(|l| l.borrow_mut().take());
        }
        let r = v.visit_newtype_struct(NodeDe { node: self.node });
        self.wrap(r)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            NodeKind::Seq(items) => {
                let r = v.visit_seq(SeqDe {
                    items: items.iter(),
                });
                self.wrap(r)
            }
            _ => self.fail(de::Error::custom(format!(
                "expected a list, found {}",
                self.node.describe()
            ))),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, v: V) -> Result<V::Value, DeError> {
        self.deserialize_seq(v)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        v: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(v)
    }

    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.map_with_fields(v, None)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        self.map_with_fields(v, Some(fields))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        match &self.node.kind {
            NodeKind::Scalar(_) | NodeKind::Bool(_) => {
                let r = v.visit_enum(EnumDe {
                    tag: self.node,
                    value: None,
                });
                self.wrap(r.map_err(|e| e.naming(name)))
            }
            NodeKind::Map(entries) if entries.len() == 1 => {
                let (k, val) = &entries[0];
                let r = v.visit_enum(EnumDe {
                    tag: k,
                    value: Some(val),
                });
                self.wrap(r.map_err(|e| e.naming(name)))
            }
            _ => self.fail(de::Error::custom(format!(
                "expected one of the allowed words, found {}",
                self.node.describe()
            ))),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_str(v)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        v.visit_unit()
    }
}

struct SeqDe<'a> {
    items: std::slice::Iter<'a, Node>,
}

impl<'de, 'a> SeqAccess<'de> for SeqDe<'a> {
    type Error = DeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            Some(n) => seed.deserialize(NodeDe { node: n }).map(Some),
            None => Ok(None),
        }
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapDe<'a> {
    entries: std::slice::Iter<'a, (Node, Node)>,
    value: Option<&'a Node>,
    /// For structs: the keys they accept. Every struct read from YAML denies unknown keys.
    fields: Option<&'static [&'static str]>,
}

impl<'de, 'a> MapAccess<'de> for MapDe<'a> {
    type Error = DeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        // An unknown key is recorded and skipped, so one typo does not hide the rest.
        loop {
            let Some((k, v)) = self.entries.next() else {
                return Ok(None);
            };
            self.value = Some(v);
            if let (Some(fields), Some(name)) = (self.fields, k.as_str())
                && !fields.contains(&name)
            {
                let e: DeError = de::Error::unknown_field(name, fields);
                RECOVERED.with(|r| r.borrow_mut().push(e.at(k.span)));
                continue;
            }
            return seed.deserialize(NodeDe { node: k }).map(Some);
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.value.take() {
            Some(v) => seed.deserialize(NodeDe { node: v }),
            None => Err(de::Error::custom("a value without a key")),
        }
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

struct EnumDe<'a> {
    tag: &'a Node,
    value: Option<&'a Node>,
}

impl<'de, 'a> EnumAccess<'de> for EnumDe<'a> {
    type Error = DeError;
    type Variant = VariantDe<'a>;
    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, VariantDe<'a>), DeError> {
        let tag = seed
            .deserialize(NodeDe { node: self.tag })
            .map_err(|e| e.at(self.tag.span))?;
        Ok((
            tag,
            VariantDe {
                value: self.value,
                span: self.tag.span,
            },
        ))
    }
}

struct VariantDe<'a> {
    value: Option<&'a Node>,
    span: Span,
}

impl<'de, 'a> VariantAccess<'de> for VariantDe<'a> {
    type Error = DeError;
    fn unit_variant(self) -> Result<(), DeError> {
        match self.value {
            None => Ok(()),
            Some(n) if n.kind == NodeKind::Null => Ok(()),
            Some(n) => Err(<DeError as de::Error>::custom("this word takes no value").at(n.span)),
        }
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, DeError> {
        match self.value {
            Some(n) => seed.deserialize(NodeDe { node: n }),
            None => Err(<DeError as de::Error>::custom("this word needs a value").at(self.span)),
        }
    }
    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, v: V) -> Result<V::Value, DeError> {
        match self.value {
            Some(n) => NodeDe { node: n }.deserialize_seq(v),
            None => Err(<DeError as de::Error>::custom("this word needs a list").at(self.span)),
        }
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        match self.value {
            Some(n) => NodeDe { node: n }.map_with_fields(v, Some(_fields)),
            None => Err(<DeError as de::Error>::custom("this word needs a mapping").at(self.span)),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Wrappers.

/// A value with the span it was read from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sp<T> {
    pub value: T,
    pub span: Span,
}

impl PartialOrd for Span {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Span {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.line, self.column, self.start, self.len).cmp(&(
            other.line,
            other.column,
            other.start,
            other.len,
        ))
    }
}

impl<T> Sp<T> {
    pub fn new(value: T, span: Span) -> Sp<T> {
        Sp { value, span }
    }
}

impl<T> std::ops::Deref for Sp<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Sp<T>, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Sp<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value")
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Sp<T>, D::Error> {
                let span = CURRENT_SPAN.with(|c| c.get());
                let value = T::deserialize(d)?;
                Ok(Sp { value, span })
            }
        }
        d.deserialize_newtype_struct(SP_MARKER, V(PhantomData))
    }
}

impl<T: Serialize> Serialize for Sp<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Sp<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(g)
    }
}

/// A value that, when it fails to deserialize, records its error and becomes `None` so that
/// the enclosing list or mapping goes on.
#[derive(Clone, Debug, PartialEq)]
pub struct Recover<T>(pub Option<T>);

impl<T> Default for Recover<T> {
    fn default() -> Self {
        Recover(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Recover<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Recover<T>, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Recover<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value")
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Recover<T>, D::Error> {
                match T::deserialize(d) {
                    Ok(v) => Ok(Recover(Some(v))),
                    Err(e) => match LAST_ERROR.with(|l| l.borrow_mut().take()) {
                        Some(recorded) => {
                            RECOVERED.with(|r| r.borrow_mut().push(recorded));
                            Ok(Recover(None))
                        }
                        // Not deserializing from a node: nothing to record into.
                        None => Err(e),
                    },
                }
            }
        }
        d.deserialize_newtype_struct(RECOVER_MARKER, V(PhantomData))
    }
}

impl<T: Serialize> Serialize for Recover<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Recover<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(g)
    }
}

/// Helper so a `Deserializer` over a plain string can be used for keys in tests.
pub fn str_de(s: &str) -> de::value::StrDeserializer<'_, DeError> {
    s.into_deserializer()
}
