//! Compact JSON as `serde_json::to_writer` writes it, for the quote lines of a batch: the same
//! bytes, with strings that need no escaping (every key and almost every value of a quote)
//! copied at once rather than looked at byte by byte.
//!
//! Invariant: for any value this writes, the bytes are those `serde_json::to_writer` gives;
//! what it does not write the same way (a map key that is not text or a whole number) is an
//! error, and the caller writes the value with `serde_json` instead.

use serde::ser::{self, Serialize};

/// Appends `v` as compact JSON; on an error `buf` may hold part of it.
pub(super) fn to_writer<T: Serialize + ?Sized>(buf: &mut Vec<u8>, v: &T) -> Result<(), Error> {
    v.serialize(&mut Json { buf })
}

/// A JSON string as `serde_json` writes it.
pub(super) fn string(buf: &mut Vec<u8>, s: &str) {
    if plain(s.as_bytes()) {
        buf.reserve(s.len() + 2);
        buf.push(b'"');
        buf.extend_from_slice(s.as_bytes());
        buf.push(b'"');
    } else if serde_json::to_writer(&mut *buf, s).is_err() {
        buf.extend_from_slice(b"\"\"");
    }
}

/// Whether `serde_json` writes the bytes as they are: no control character, `"` or backslash
/// (DEL it writes as it is).
fn plain(bytes: &[u8]) -> bool {
    crate::text::quote_free(bytes, false)
}

/// What cannot be written as `serde_json` writes it.
#[derive(Debug)]
pub(super) struct Error(String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<M: std::fmt::Display>(msg: M) -> Error {
        Error(msg.to_string())
    }
}

/// Every whole number through one `int(negative, magnitude)`.
macro_rules! whole_numbers {
    () => {
        whole_numbers!(
            serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
            serialize_i128: i128;
            serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64,
            serialize_u128: u128
        );
    };
    ($($signed:ident: $s:ty),*; $($unsigned:ident: $u:ty),*) => {
        $(fn $signed(self, v: $s) -> Result<(), Error> {
            let v = i128::from(v);
            self.int(v < 0, v.unsigned_abs())
        })*
        $(fn $unsigned(self, v: $u) -> Result<(), Error> {
            self.int(false, u128::from(v))
        })*
    };
}

/// What a value and a map key write alike: text, whole numbers, a unit variant's name, and a
/// newtype struct as its content.
macro_rules! text_and_numbers {
    () => {
        whole_numbers!();
        fn serialize_str(self, v: &str) -> Result<(), Error> {
            string(self.buf, v);
            Ok(())
        }
        fn serialize_char(self, v: char) -> Result<(), Error> {
            string(self.buf, v.encode_utf8(&mut [0; 4]));
            Ok(())
        }
        fn serialize_unit_variant(
            self,
            _: &'static str,
            _: u32,
            v: &'static str,
        ) -> Result<(), Error> {
            self.serialize_str(v)
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            v: &T,
        ) -> Result<(), Error> {
            v.serialize(self)
        }
    };
}

struct Json<'b> {
    buf: &'b mut Vec<u8>,
}

impl Json<'_> {
    fn int(&mut self, negative: bool, n: u128) -> Result<(), Error> {
        if negative {
            self.buf.push(b'-');
        }
        self.buf
            .extend_from_slice(crate::money::digits(n, &mut [0; 40]));
        Ok(())
    }

    /// Writes a value `serde_json` writes alone the same way (a float).
    fn like_serde<T: Serialize>(&mut self, v: T) -> Result<(), Error> {
        serde_json::to_writer(&mut *self.buf, &v).map_err(|e| Error(e.to_string()))
    }
}

/// A list or an object being written: whether an element came before.
struct Compound<'a, 'b> {
    json: &'a mut Json<'b>,
    first: bool,
    /// The closing bytes.
    close: &'static [u8],
}

impl<'a, 'b> Compound<'a, 'b> {
    /// Opens a list or an object (`open`), inside `{"variant":` for an enum variant.
    fn open(
        json: &'a mut Json<'b>,
        variant: Option<&str>,
        open: &[u8],
        close: &'static [u8],
    ) -> Compound<'a, 'b> {
        if let Some(v) = variant {
            json.buf.push(b'{');
            string(json.buf, v);
            json.buf.push(b':');
        }
        json.buf.extend_from_slice(open);
        Compound {
            json,
            first: true,
            close,
        }
    }

    fn comma(&mut self) {
        if !self.first {
            self.json.buf.push(b',');
        }
        self.first = false;
    }

    fn end(self) -> Result<(), Error> {
        self.json.buf.extend_from_slice(self.close);
        Ok(())
    }

    fn element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.comma();
        v.serialize(&mut *self.json)
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, v: &T) -> Result<(), Error> {
        self.comma();
        string(self.json.buf, key);
        self.json.buf.push(b':');
        v.serialize(&mut *self.json)
    }
}

impl<'a, 'b> ser::Serializer for &'a mut Json<'b> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, 'b>;
    type SerializeTuple = Compound<'a, 'b>;
    type SerializeTupleStruct = Compound<'a, 'b>;
    type SerializeTupleVariant = Compound<'a, 'b>;
    type SerializeMap = Compound<'a, 'b>;
    type SerializeStruct = Compound<'a, 'b>;
    type SerializeStructVariant = Compound<'a, 'b>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.buf
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }

    text_and_numbers!();

    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.like_serde(v)
    }

    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.like_serde(v)
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(b)?;
        }
        seq.end()
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), Error> {
        v.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.buf.extend_from_slice(b"null");
        Ok(())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        self.buf.push(b'{');
        string(self.buf, variant);
        self.buf.push(b':');
        v.serialize(&mut *self)?;
        self.buf.push(b'}');
        Ok(())
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a, 'b>, Error> {
        Ok(Compound::open(self, None, b"[", b"]"))
    }

    fn serialize_tuple(self, len: usize) -> Result<Compound<'a, 'b>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<Compound<'a, 'b>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a, 'b>, Error> {
        Ok(Compound::open(self, Some(variant), b"[", b"]}"))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a, 'b>, Error> {
        Ok(Compound::open(self, None, b"{", b"}"))
    }

    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Compound<'a, 'b>, Error> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a, 'b>, Error> {
        Ok(Compound::open(self, Some(variant), b"{", b"}}"))
    }
}

/// The element-by-element parts of serde's serializer: lists, tuples and objects' fields.
macro_rules! parts {
    ($($part:ident :: $method:ident ($($key:ident: $k:ty)?) => $write:ident;)*) => {$(
        impl ser::$part for Compound<'_, '_> {
            type Ok = ();
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, $($key: $k,)? v: &T) -> Result<(), Error> {
                self.$write($($key,)? v)
            }
            fn end(self) -> Result<(), Error> {
                Compound::end(self)
            }
        }
    )*};
}

parts! {
    SerializeSeq::serialize_element() => element;
    SerializeTuple::serialize_element() => element;
    SerializeTupleStruct::serialize_field() => element;
    SerializeTupleVariant::serialize_field() => element;
    SerializeStruct::serialize_field(key: &'static str) => field;
    SerializeStructVariant::serialize_field(key: &'static str) => field;
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.comma();
        key.serialize(Key {
            buf: &mut *self.json.buf,
        })?;
        self.json.buf.push(b':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        v.serialize(&mut *self.json)
    }
    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

/// A map key: text, or a whole number written as text, as `serde_json` writes them; any
/// other key is an error (see the module documentation).
struct Key<'b> {
    buf: &'b mut Vec<u8>,
}

impl Key<'_> {
    fn int(self, negative: bool, n: u128) -> Result<(), Error> {
        self.buf.push(b'"');
        if negative {
            self.buf.push(b'-');
        }
        self.buf
            .extend_from_slice(crate::money::digits(n, &mut [0; 40]));
        self.buf.push(b'"');
        Ok(())
    }
}

fn other_key() -> Error {
    Error("a map key that is not text or a whole number".into())
}

impl ser::Serializer for Key<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    text_and_numbers!();

    fn serialize_bool(self, _: bool) -> Result<(), Error> {
        Err(other_key())
    }
    fn serialize_f32(self, _: f32) -> Result<(), Error> {
        Err(other_key())
    }
    fn serialize_f64(self, _: f64) -> Result<(), Error> {
        Err(other_key())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        Err(other_key())
    }
    fn serialize_none(self) -> Result<(), Error> {
        Err(other_key())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Error> {
        Err(other_key())
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Err(other_key())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        Err(other_key())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(other_key())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(other_key())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(other_key())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(other_key())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(other_key())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(other_key())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(other_key())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(other_key())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::Value;

    /// Any JSON value: text with escapes, control characters and CJK, whole numbers of every
    /// sign and size, floats, nested lists and objects.
    fn value() -> impl Strategy<Value = Value> {
        let text = proptest::collection::vec(
            prop::sample::select(vec![
                "a", "张伟", "\"", "\\", "\u{1}", "\n", "\t", "\u{7f}", "😀", "/", " ",
            ]),
            0..6,
        )
        .prop_map(|p| p.concat());
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<u64>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            text.clone().prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map(text.clone(), inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn the_bytes_are_those_of_serde_json(v in value()) {
            let mut got = Vec::new();
            super::to_writer(&mut got, &v).unwrap();
            prop_assert_eq!(String::from_utf8(got).unwrap(), serde_json::to_string(&v).unwrap());
        }
    }

    proptest! {
        /// Eight bytes at a time find what looking at each byte finds.
        #[test]
        fn plain_bytes_are_found_a_word_at_a_time(bytes in proptest::collection::vec(
            prop::sample::select(vec![0u8, 0x1f, 0x20, 0x21, b'"', 0x23, b'\\', 0x7f, 0x80, 0xff, b'a']),
            0..40,
        )) {
            let each = bytes.iter().all(|&b| b >= 0x20 && b != b'"' && b != b'\\');
            prop_assert_eq!(super::plain(&bytes), each);
        }
    }

    #[test]
    fn whole_number_keys_are_text_and_other_keys_are_errors() {
        let m: std::collections::BTreeMap<i32, u8> = [(-3, 1), (12, 2)].into();
        let mut got = Vec::new();
        super::to_writer(&mut got, &m).unwrap();
        assert_eq!(got, serde_json::to_vec(&m).unwrap());
        assert_eq!(got, br#"{"-3":1,"12":2}"#);
        let m: std::collections::BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into();
        assert!(super::to_writer(&mut Vec::new(), &m).is_err());
    }
}
