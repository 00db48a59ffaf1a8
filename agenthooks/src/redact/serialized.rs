//! The text a `Serialize` value carries: a serializer that writes nothing
//! and keeps every leaf that is data (strings, characters, numbers, UTF-8
//! bytes, map keys, enum variants' names), however deep. Struct and field
//! names are the type's shape, not its data: they are not kept.

use std::fmt;

use serde::ser::{
    self, Serialize, SerializeMap, SerializeSeq, SerializeStruct, SerializeStructVariant, SerializeTuple,
    SerializeTupleStruct, SerializeTupleVariant,
};

use super::RedactedText;

/// Adds every text leaf of `value` to `out`. A value whose `Serialize`
/// fails part way keeps the leaves written before it failed.
pub(super) fn collect<T: Serialize + ?Sized>(value: &T, out: &mut RedactedText) {
    // A failure is the value's own `Serialize` refusing: what it wrote
    // before is kept, and the other forms of the value still apply.
    let _ = value.serialize(&mut Leaves(out));
}

/// The serializer: each leaf goes to the text it holds.
struct Leaves<'a>(&'a mut RedactedText);

/// A value's `Serialize` refused to write it.
#[derive(Debug)]
struct Refused(String);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

impl ser::Error for Refused {
    fn custom<M: fmt::Display>(message: M) -> Self {
        Refused(message.to_string())
    }
}

// The serializer's methods return what these do.
#[allow(clippy::unnecessary_wraps)]
impl Leaves<'_> {
    fn text(&mut self, text: &str) -> Result<(), Refused> {
        self.0.push(text);
        Ok(())
    }

    fn number(&mut self, number: impl fmt::Display) -> Result<(), Refused> {
        self.0.push(&number.to_string());
        Ok(())
    }
}

impl ser::Serializer for &mut Leaves<'_> {
    type Ok = ();
    type Error = Refused;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    /// One bit is no text worth scrubbing: `true` would scrub every
    /// `true` of every message.
    fn serialize_bool(self, _value: bool) -> Result<(), Refused> {
        Ok(())
    }

    fn serialize_i8(self, value: i8) -> Result<(), Refused> {
        self.number(value)
    }

    fn serialize_i16(self, value: i16) -> Result<(), Refused> {
        self.number(value)
    }

    fn serialize_i32(self, value: i32) -> Result<(), Refused> {
        self.number(value)
    }

    fn serialize_i64(self, value: i64) -> Result<(), Refused> {
        self.number(value)
    }

    fn serialize_i128(self, value: i128) -> Result<(), Refused> {
        self.number(value)
    }

    fn serialize_u8(self, value: u8) -> Result<(), Refused> {
        self.number(value)
    }

    fn serialize_u16(self, value: u16) -> Result<(), Refused> {
        self.number(value)
    }

    fn serialize_u32(self, value: u32) -> Result<(), Refused> {
        self.number(value)
    }

    fn serialize_u64(self, value: u64) -> Result<(), Refused> {
        self.number(value)
    }

    fn serialize_u128(self, value: u128) -> Result<(), Refused> {
        self.number(value)
    }

    fn serialize_f32(self, value: f32) -> Result<(), Refused> {
        self.number(value)
    }

    fn serialize_f64(self, value: f64) -> Result<(), Refused> {
        self.number(value)
    }

    fn serialize_char(self, value: char) -> Result<(), Refused> {
        self.text(value.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, value: &str) -> Result<(), Refused> {
        self.text(value)
    }

    /// Bytes that are UTF-8 text are that text; others have no text form a
    /// message could quote.
    fn serialize_bytes(self, value: &[u8]) -> Result<(), Refused> {
        match std::str::from_utf8(value) {
            Ok(text) => self.text(text),
            Err(_) => Ok(()),
        }
    }

    fn serialize_none(self) -> Result<(), Refused> {
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Refused> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Refused> {
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Refused> {
        Ok(())
    }

    /// The variant is the value (`Diagnosis::Measles`).
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<(), Refused> {
        self.text(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result<(), Refused> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Refused> {
        self.0.push(variant);
        value.serialize(self)
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, Refused> {
        Ok(self)
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self, Refused> {
        Ok(self)
    }

    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Self, Refused> {
        Ok(self)
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self, Refused> {
        self.0.push(variant);
        Ok(self)
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self, Refused> {
        Ok(self)
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, Refused> {
        Ok(self)
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self, Refused> {
        self.0.push(variant);
        Ok(self)
    }
}

/// The compound values: each element, key and field value is walked; the
/// names of fields are not data.
macro_rules! walk_elements {
    ($($compound:ident :: $method:ident),* $(,)?) => {$(
        impl $compound for &mut Leaves<'_> {
            type Ok = ();
            type Error = Refused;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Refused> {
                value.serialize(&mut Leaves(self.0))
            }

            fn end(self) -> Result<(), Refused> {
                Ok(())
            }
        }
    )*};
}

walk_elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field,
);

impl SerializeMap for &mut Leaves<'_> {
    type Ok = ();
    type Error = Refused;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Refused> {
        key.serialize(&mut Leaves(self.0))
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Refused> {
        value.serialize(&mut Leaves(self.0))
    }

    fn end(self) -> Result<(), Refused> {
        Ok(())
    }
}

/// The compounds of named fields: each value is walked, the names are not
/// data.
macro_rules! walk_fields {
    ($($compound:ident),* $(,)?) => {$(
        impl $compound for &mut Leaves<'_> {
            type Ok = ();
            type Error = Refused;

            fn serialize_field<T: Serialize + ?Sized>(&mut self, _key: &'static str, value: &T) -> Result<(), Refused> {
                value.serialize(&mut Leaves(self.0))
            }

            fn end(self) -> Result<(), Refused> {
                Ok(())
            }
        }
    )*};
}

walk_fields!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;

    use super::super::RedactedText;
    use super::collect;

    #[derive(Serialize)]
    enum Finding {
        Measles,
        Strain(String),
        Pair(u16, char),
        Detail { code: i64 },
    }

    #[derive(Serialize)]
    struct Record {
        findings: Vec<Finding>,
        by_key: BTreeMap<String, f64>,
        flagged: bool,
        initial: char,
    }

    #[test]
    fn every_data_leaf_is_kept_and_no_name_of_the_types_shape() {
        let record = Record {
            findings: vec![
                Finding::Measles,
                Finding::Strain("alpha-7".into()),
                Finding::Pair(1234, 'z'),
                Finding::Detail { code: -42 },
            ],
            by_key: BTreeMap::from([("key-1".to_owned(), 2.5)]),
            flagged: true,
            initial: 'q',
        };
        let mut out = RedactedText::new();
        collect(&record, &mut out);
        // Variants are data; field and type names are not; one character
        // and `bool`s are no text worth scrubbing.
        assert_eq!(out.texts, ["Measles", "Strain", "alpha-7", "Pair", "1234", "Detail", "-42", "key-1", "2.5"]);
    }
}
