//! The forms of one redacted argument that the code `#[hookpoint]`
//! generates collects, each picked by the traits its type implements
//! (autoref specialization: `(&&Redacted(&value)).serialized(out)` calls
//! [`BySerialize`] when the type is `Serialize`, else [`NotSerialized`]).
//!
//! `serialized` and `declared` say whether they found the value's text;
//! [`text_found`] compiles only when one of them did, so that a redacted
//! argument whose text cannot be found is a compile error at its type, not
//! a value that silently reaches the audit log.

use std::fmt::{Debug, Display};

use serde::Serialize;

use super::{Redactable, RedactedText};

/// One redacted argument, to collect its forms.
#[derive(Debug)]
pub struct Redacted<'a, T>(pub &'a T);

/// The argument's text was found.
#[derive(Debug)]
pub struct Found;

/// The argument's type does not have the trait that would have found it.
#[derive(Debug)]
pub struct NotFound;

/// See [`Redacted`]: every text leaf of the `Serialize` form.
pub trait BySerialize {
    /// Adds the leaves to `out`.
    fn serialized(&self, out: &mut RedactedText) -> Found;
}

impl<T: Serialize> BySerialize for &Redacted<'_, T> {
    fn serialized(&self, out: &mut RedactedText) -> Found {
        out.push_serialized(self.0);
        Found
    }
}

/// See [`Redacted`]: a type that is not `Serialize`.
pub trait NotSerialized {
    /// Adds nothing.
    fn serialized(&self, out: &mut RedactedText) -> NotFound;
}

impl<T> NotSerialized for Redacted<'_, T> {
    fn serialized(&self, _out: &mut RedactedText) -> NotFound {
        NotFound
    }
}

/// See [`Redacted`]: the texts the type's [`Redactable`] impl gives.
pub trait ByRedactable {
    /// Adds the texts to `out`.
    fn declared(&self, out: &mut RedactedText) -> Found;
}

impl<T: Redactable> ByRedactable for &Redacted<'_, T> {
    fn declared(&self, out: &mut RedactedText) -> Found {
        self.0.redactable_text(out);
        Found
    }
}

/// See [`Redacted`]: a type that is not [`Redactable`].
pub trait NotRedactable {
    /// Adds nothing.
    fn declared(&self, out: &mut RedactedText) -> NotFound;
}

impl<T> NotRedactable for Redacted<'_, T> {
    fn declared(&self, _out: &mut RedactedText) -> NotFound {
        NotFound
    }
}

/// See [`Redacted`]: the `Display` form, whole.
pub trait ByDisplay {
    /// Adds the form to `out`.
    fn displayed(&self, out: &mut RedactedText);
}

impl<T: Display> ByDisplay for &Redacted<'_, T> {
    fn displayed(&self, out: &mut RedactedText) {
        out.push(&self.0.to_string());
    }
}

/// See [`Redacted`]: a type without `Display`.
pub trait NoDisplay {
    /// Adds nothing.
    fn displayed(&self, out: &mut RedactedText);
}

impl<T> NoDisplay for Redacted<'_, T> {
    fn displayed(&self, _out: &mut RedactedText) {}
}

/// See [`Redacted`]: the `Debug` form, whole, and each string literal in it.
pub trait ByDebug {
    /// Adds the form and its literals to `out`.
    fn debugged(&self, out: &mut RedactedText);
}

impl<T: Debug> ByDebug for &Redacted<'_, T> {
    fn debugged(&self, out: &mut RedactedText) {
        let debug = format!("{:?}", self.0);
        out.push_literals(&debug);
        out.push(&debug);
    }
}

/// See [`Redacted`]: a type without `Debug`.
pub trait NoDebug {
    /// Adds nothing.
    fn debugged(&self, out: &mut RedactedText);
}

impl<T> NoDebug for Redacted<'_, T> {
    fn debugged(&self, _out: &mut RedactedText) {}
}

/// What [`BySerialize`] and [`ByRedactable`] said of a redacted argument of
/// type `T`: implemented when at least one found its text.
#[diagnostic::on_unimplemented(
    message = "`#[redact]` cannot find the text in `{T}`",
    label = "`{T}` implements neither `serde::Serialize` nor `agenthooks::Redactable`",
    note = "derive `serde::Serialize` for it, or implement `agenthooks::Redactable` and push each text it carries, so that no message a hook writes can show it"
)]
pub trait TextFound<T> {}

#[diagnostic::do_not_recommend]
impl<T> TextFound<T> for (Found, Found) {}
#[diagnostic::do_not_recommend]
impl<T> TextFound<T> for (Found, NotFound) {}
#[diagnostic::do_not_recommend]
impl<T> TextFound<T> for (NotFound, Found) {}

/// Compiles only when the text of `value`, a redacted argument, was found;
/// `#[hookpoint]` spans the call at the argument's type.
#[inline]
pub fn text_found<T, F: TextFound<T>>(_value: &T, _found: F) {}
