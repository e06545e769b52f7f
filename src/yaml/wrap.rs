//! The wrappers raw models use: `Sp` (a value and its span) and `Recover` (an item that may
//! fail alone while its siblings are still read).

use super::nodes_de::{CURRENT_SPAN, LAST_ERROR, RECOVERED};
use super::*;

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
