//! The bytes an approval id binds for one argument: its `serde` form in an
//! encoding of this module's own, then its `Debug` form.
//!
//! The encoding is injective: two values whose `Serialize` says anything
//! different get different bytes. Each value opens with a tag naming its
//! kind (so `None`, `()`, a unit struct and `NaN` never meet, a map is not
//! a struct, a sequence is not a tuple), floats are written bit for bit
//! (`NaN`, `inf`, `-inf`, `-0.0` each their own), text and bytes carry their
//! length, and the items of a sequence, map or struct each open with a tag
//! and end with another: every value's bytes are self-delimiting, so no two
//! sequences of values run together into the same bytes.
//!
//! What `Serialize` leaves out (a `#[serde(skip)]` field, a custom impl
//! that writes less than the value holds) is bound through the `Debug`
//! form, written after it. A value whose `Serialize` and `Debug` both hide
//! a difference is not told apart: the argument types of a point whose
//! hooks ask derive both, or keep them faithful.

use std::fmt::{self, Display};

use serde::ser::{self, Serialize};

/// The tags that open each value and each item.
mod tag {
    pub(super) const BOOL: u8 = 1;
    pub(super) const I8: u8 = 2;
    pub(super) const I16: u8 = 3;
    pub(super) const I32: u8 = 4;
    pub(super) const I64: u8 = 5;
    pub(super) const I128: u8 = 6;
    pub(super) const U8: u8 = 7;
    pub(super) const U16: u8 = 8;
    pub(super) const U32: u8 = 9;
    pub(super) const U64: u8 = 10;
    pub(super) const U128: u8 = 11;
    pub(super) const F32: u8 = 12;
    pub(super) const F64: u8 = 13;
    pub(super) const CHAR: u8 = 14;
    pub(super) const STR: u8 = 15;
    pub(super) const BYTES: u8 = 16;
    pub(super) const NONE: u8 = 17;
    pub(super) const SOME: u8 = 18;
    pub(super) const UNIT: u8 = 19;
    pub(super) const UNIT_STRUCT: u8 = 20;
    pub(super) const UNIT_VARIANT: u8 = 21;
    pub(super) const NEWTYPE_STRUCT: u8 = 22;
    pub(super) const NEWTYPE_VARIANT: u8 = 23;
    pub(super) const SEQ: u8 = 24;
    pub(super) const TUPLE: u8 = 25;
    pub(super) const TUPLE_STRUCT: u8 = 26;
    pub(super) const TUPLE_VARIANT: u8 = 27;
    pub(super) const MAP: u8 = 28;
    pub(super) const STRUCT: u8 = 29;
    pub(super) const STRUCT_VARIANT: u8 = 30;
    /// Opens an item of a sequence, a tuple, or a map's key.
    pub(super) const ITEM: u8 = 31;
    /// Opens a map's value.
    pub(super) const VALUE: u8 = 32;
    /// Opens a struct's field, written with its name.
    pub(super) const FIELD: u8 = 33;
    /// A struct's field its `Serialize` skipped, written with its name.
    pub(super) const SKIPPED: u8 = 34;
    /// Ends a sequence, tuple, map or struct.
    pub(super) const END: u8 = 35;
}

/// Feeds `value`'s bytes to `out`: its `serde` form, then its `Debug` form,
/// each one call. `false` when its `Serialize` fails: the value cannot be
/// bound.
pub(crate) fn digest<T: Serialize + fmt::Debug + ?Sized>(value: &T, out: &mut dyn FnMut(&[u8])) -> bool {
    let Ok(encoded) = encode(value) else { return false };
    out(&encoded);
    out(format!("{value:?}").as_bytes());
    true
}

/// `value`'s `serde` form in this module's encoding.
fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, Unencodable> {
    let mut encoder = Encoder { out: Vec::new() };
    value.serialize(&mut encoder)?;
    Ok(encoder.out)
}

/// A value's `Serialize` failed: it cannot be bound to an approval.
#[derive(Debug)]
struct Unencodable(String);

impl Display for Unencodable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the value cannot be serialized: {}", self.0)
    }
}

impl std::error::Error for Unencodable {}

impl ser::Error for Unencodable {
    fn custom<M: Display>(message: M) -> Self {
        Unencodable(message.to_string())
    }
}

/// Writes one value's encoding.
struct Encoder {
    out: Vec<u8>,
}

impl Encoder {
    fn tag(&mut self, tag: u8) {
        self.out.push(tag);
    }

    /// A length, or a variant index, at a fixed width.
    fn number(&mut self, number: u64) {
        self.out.extend_from_slice(&number.to_le_bytes());
    }

    /// Text or bytes, after their length.
    fn bytes(&mut self, bytes: &[u8]) {
        self.number(bytes.len() as u64);
        self.out.extend_from_slice(bytes);
    }

    fn variant(&mut self, name: &str, index: u32, variant: &str) {
        self.bytes(name.as_bytes());
        self.number(u64::from(index));
        self.bytes(variant.as_bytes());
    }

    fn item<T: Serialize + ?Sized>(&mut self, tag: u8, value: &T) -> Result<(), Unencodable> {
        self.tag(tag);
        value.serialize(self)
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Unencodable> {
        self.tag(tag::FIELD);
        self.bytes(key.as_bytes());
        value.serialize(self)
    }
}

impl<'a> ser::Serializer for &'a mut Encoder {
    type Ok = ();
    type Error = Unencodable;
    type SerializeSeq = &'a mut Encoder;
    type SerializeTuple = &'a mut Encoder;
    type SerializeTupleStruct = &'a mut Encoder;
    type SerializeTupleVariant = &'a mut Encoder;
    type SerializeMap = &'a mut Encoder;
    type SerializeStruct = &'a mut Encoder;
    type SerializeStructVariant = &'a mut Encoder;

    fn serialize_bool(self, value: bool) -> Result<(), Unencodable> {
        self.tag(tag::BOOL);
        self.out.push(u8::from(value));
        Ok(())
    }

    fn serialize_i8(self, value: i8) -> Result<(), Unencodable> {
        self.tag(tag::I8);
        self.out.extend_from_slice(&value.to_le_bytes());
        Ok(())
    }

    fn serialize_i16(self, value: i16) -> Result<(), Unencodable> {
        self.tag(tag::I16);
        self.out.extend_from_slice(&value.to_le_bytes());
        Ok(())
    }

    fn serialize_i32(self, value: i32) -> Result<(), Unencodable> {
        self.tag(tag::I32);
        self.out.extend_from_slice(&value.to_le_bytes());
        Ok(())
    }

    fn serialize_i64(self, value: i64) -> Result<(), Unencodable> {
        self.tag(tag::I64);
        self.out.extend_from_slice(&value.to_le_bytes());
        Ok(())
    }

    fn serialize_i128(self, value: i128) -> Result<(), Unencodable> {
        self.tag(tag::I128);
        self.out.extend_from_slice(&value.to_le_bytes());
        Ok(())
    }

    fn serialize_u8(self, value: u8) -> Result<(), Unencodable> {
        self.tag(tag::U8);
        self.out.push(value);
        Ok(())
    }

    fn serialize_u16(self, value: u16) -> Result<(), Unencodable> {
        self.tag(tag::U16);
        self.out.extend_from_slice(&value.to_le_bytes());
        Ok(())
    }

    fn serialize_u32(self, value: u32) -> Result<(), Unencodable> {
        self.tag(tag::U32);
        self.out.extend_from_slice(&value.to_le_bytes());
        Ok(())
    }

    fn serialize_u64(self, value: u64) -> Result<(), Unencodable> {
        self.tag(tag::U64);
        self.out.extend_from_slice(&value.to_le_bytes());
        Ok(())
    }

    fn serialize_u128(self, value: u128) -> Result<(), Unencodable> {
        self.tag(tag::U128);
        self.out.extend_from_slice(&value.to_le_bytes());
        Ok(())
    }

    fn serialize_f32(self, value: f32) -> Result<(), Unencodable> {
        self.tag(tag::F32);
        self.out.extend_from_slice(&value.to_bits().to_le_bytes());
        Ok(())
    }

    fn serialize_f64(self, value: f64) -> Result<(), Unencodable> {
        self.tag(tag::F64);
        self.out.extend_from_slice(&value.to_bits().to_le_bytes());
        Ok(())
    }

    fn serialize_char(self, value: char) -> Result<(), Unencodable> {
        self.tag(tag::CHAR);
        self.out.extend_from_slice(&u32::from(value).to_le_bytes());
        Ok(())
    }

    fn serialize_str(self, value: &str) -> Result<(), Unencodable> {
        self.tag(tag::STR);
        self.bytes(value.as_bytes());
        Ok(())
    }

    fn serialize_bytes(self, value: &[u8]) -> Result<(), Unencodable> {
        self.tag(tag::BYTES);
        self.bytes(value);
        Ok(())
    }

    fn serialize_none(self) -> Result<(), Unencodable> {
        self.tag(tag::NONE);
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unencodable> {
        self.item(tag::SOME, value)
    }

    fn serialize_unit(self) -> Result<(), Unencodable> {
        self.tag(tag::UNIT);
        Ok(())
    }

    fn serialize_unit_struct(self, name: &'static str) -> Result<(), Unencodable> {
        self.tag(tag::UNIT_STRUCT);
        self.bytes(name.as_bytes());
        Ok(())
    }

    fn serialize_unit_variant(self, name: &'static str, index: u32, variant: &'static str) -> Result<(), Unencodable> {
        self.tag(tag::UNIT_VARIANT);
        self.variant(name, index, variant);
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Result<(), Unencodable> {
        self.tag(tag::NEWTYPE_STRUCT);
        self.bytes(name.as_bytes());
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Unencodable> {
        self.tag(tag::NEWTYPE_VARIANT);
        self.variant(name, index, variant);
        value.serialize(self)
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, Unencodable> {
        self.tag(tag::SEQ);
        Ok(self)
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self, Unencodable> {
        self.tag(tag::TUPLE);
        Ok(self)
    }

    fn serialize_tuple_struct(self, name: &'static str, _len: usize) -> Result<Self, Unencodable> {
        self.tag(tag::TUPLE_STRUCT);
        self.bytes(name.as_bytes());
        Ok(self)
    }

    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self, Unencodable> {
        self.tag(tag::TUPLE_VARIANT);
        self.variant(name, index, variant);
        Ok(self)
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self, Unencodable> {
        self.tag(tag::MAP);
        Ok(self)
    }

    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<Self, Unencodable> {
        self.tag(tag::STRUCT);
        self.bytes(name.as_bytes());
        Ok(self)
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self, Unencodable> {
        self.tag(tag::STRUCT_VARIANT);
        self.variant(name, index, variant);
        Ok(self)
    }
}

/// The compounds of elements: each an item, then the end.
macro_rules! encode_elements {
    ($($compound:ident :: $method:ident),* $(,)?) => {$(
        impl ser::$compound for &mut Encoder {
            type Ok = ();
            type Error = Unencodable;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unencodable> {
                self.item(tag::ITEM, value)
            }

            fn end(self) -> Result<(), Unencodable> {
                self.tag(tag::END);
                Ok(())
            }
        }
    )*};
}

encode_elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field,
);

impl ser::SerializeMap for &mut Encoder {
    type Ok = ();
    type Error = Unencodable;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unencodable> {
        self.item(tag::ITEM, key)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unencodable> {
        self.item(tag::VALUE, value)
    }

    fn end(self) -> Result<(), Unencodable> {
        self.tag(tag::END);
        Ok(())
    }
}

/// The compounds of named fields: each field by its name, a skipped
/// field's name too (what `Serialize` leaves out is still told apart), then
/// the end.
macro_rules! encode_fields {
    ($($compound:ident),* $(,)?) => {$(
        impl ser::$compound for &mut Encoder {
            type Ok = ();
            type Error = Unencodable;

            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Unencodable> {
                self.field(key, value)
            }

            fn skip_field(&mut self, key: &'static str) -> Result<(), Unencodable> {
                self.tag(tag::SKIPPED);
                self.bytes(key.as_bytes());
                Ok(())
            }

            fn end(self) -> Result<(), Unencodable> {
                self.tag(tag::END);
                Ok(())
            }
        }
    )*};
}

encode_fields!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::encode;

    #[derive(serde::Serialize)]
    struct Unit;

    #[derive(serde::Serialize)]
    struct Wrapped(u32);

    #[derive(serde::Serialize)]
    struct Point {
        x: u32,
    }

    #[derive(serde::Serialize)]
    enum Kind {
        A,
        B(u32),
    }

    /// Asserts that no two of `encodings` are the same bytes.
    fn distinct(encodings: &[Vec<u8>]) {
        for (at, encoding) in encodings.iter().enumerate() {
            assert!(!encodings[at + 1..].contains(encoding), "value {at} shares its encoding: {encodings:?}");
        }
    }

    #[test]
    fn every_kind_of_nothing_is_told_apart() {
        distinct(&[
            encode(&None::<()>).unwrap(),
            encode(&Some(())).unwrap(),
            encode(&()).unwrap(),
            encode(&Unit).unwrap(),
            encode(&Kind::A).unwrap(),
            encode(&f64::NAN).unwrap(),
            encode(&Vec::<u8>::new()).unwrap(),
            encode(&BTreeMap::<u8, u8>::new()).unwrap(),
            encode("").unwrap(),
        ]);
    }

    #[test]
    fn floats_are_written_bit_for_bit() {
        distinct(&[
            encode(&f64::NAN).unwrap(),
            encode(&f64::INFINITY).unwrap(),
            encode(&f64::NEG_INFINITY).unwrap(),
            encode(&0.0_f64).unwrap(),
            encode(&-0.0_f64).unwrap(),
            encode(&0.0_f32).unwrap(),
        ]);
    }

    #[test]
    fn neighbouring_texts_never_run_together() {
        distinct(&[encode(&("ab", "c")).unwrap(), encode(&("a", "bc")).unwrap(), encode(&vec!["a", "bc"]).unwrap()]);
        distinct(&[encode(&vec![vec![1_u8], vec![]]).unwrap(), encode(&vec![vec![], vec![1_u8]]).unwrap()]);
    }

    #[test]
    fn structs_maps_newtypes_and_variants_are_told_apart() {
        let map = BTreeMap::from([("x", 1_u32)]);
        distinct(&[
            encode(&Point { x: 1 }).unwrap(),
            encode(&map).unwrap(),
            encode(&Wrapped(1)).unwrap(),
            encode(&1_u32).unwrap(),
            encode(&Kind::B(1)).unwrap(),
            encode(&1_u64).unwrap(),
            encode(&1_i32).unwrap(),
        ]);
    }

    #[test]
    fn a_failing_serialize_cannot_be_encoded() {
        struct Fails;
        impl serde::Serialize for Fails {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("cannot"))
            }
        }
        assert!(encode(&Fails).is_err());
    }
}
