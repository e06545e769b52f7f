//! Deserializing typed values from nodes: a serde `Deserializer` over the node tree that
//! attaches the innermost span to each error and records unknown keys.

use super::*;

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
    pub(super) static RECOVERED: RefCell<Vec<DeError>> = const { RefCell::new(Vec::new()) };
    /// The last error a `NodeDe` returned, for `Recover` to record.
    pub(super) static LAST_ERROR: RefCell<Option<DeError>> = const { RefCell::new(None) };
    /// The span of the node being deserialized into an `Sp`.
    pub(super) static CURRENT_SPAN: Cell<Span> = const { Cell::new(Span { line: 0, column: 0, start: 0, len: 0 }) };
}

pub(super) const SP_MARKER: &str = "$coverwright::Sp";
pub(super) const RECOVER_MARKER: &str = "$coverwright::Recover";

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
                    all: entries,
                    taken: Vec::new(),
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
                all: entries,
                taken: Vec::new(),
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

pub(super) struct SeqDe<'a> {
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

pub(super) struct MapDe<'a> {
    entries: std::slice::Iter<'a, (Node, Node)>,
    /// Every entry of the mapping, to tell whether a key is present.
    all: &'a [(Node, Node)],
    /// Keys an unknown key was read as (each at most once).
    taken: Vec<&'static str>,
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
                // A likely misspelling of a key the mapping lacks is read as that key, so
                // its value is still checked and nothing after reports the key missing or
                // the names it declares unknown: one error, at the misspelt key.
                if let Some(meant) = did_you_mean(name, fields.iter().copied())
                    && !self.taken.contains(&meant)
                    && !self.all.iter().any(|(k, _)| k.as_str() == Some(meant))
                {
                    self.taken.push(meant);
                    let key = Node {
                        span: k.span,
                        kind: NodeKind::Scalar(meant.to_string()),
                    };
                    return seed.deserialize(NodeDe { node: &key }).map(Some);
                }
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

pub(super) struct EnumDe<'a> {
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

pub(super) struct VariantDe<'a> {
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
