//! Redaction: the text of arguments marked `#[redact]` never leaves the
//! call. The executor scrubs it out of every message a hook produces (block
//! reasons, errors, panic messages, notes, approval prompts, time-outs)
//! before the message reaches the audit log, a span, an approver or the
//! caller's error.
//!
//! **What is scrubbed.** Every text a redacted value carries, whatever its
//! type: each string, character, number, UTF-8 byte string, map key and
//! enum variant inside it, however deep (through `Option`, boxes, `Arc`,
//! `Cow`, lists, maps, structs, enums), found by walking its `Serialize`
//! form and by its [`Redactable`] impl, whichever it has (both when it has
//! both); then its `Display` form, its `Debug` form and every string
//! literal in that `Debug` form (which holds the fields serde skips), when
//! it has them. Each text is also scrubbed as `{:?}` and JSON escape it. A
//! redacted argument whose type has neither `Serialize` nor `Redactable`
//! does not compile: its text could not be found.
//!
//! **What is not.** A hook that transforms the value before writing it
//! (a part of it, upper-cased, encoded) writes text that is not the
//! value's; texts of one character and `bool`s are not scrubbed (they
//! would scrub every message). Redaction keeps careless hooks from leaking
//! a value; it does not contain a hook that means to.

mod debug;
pub(crate) mod forms;
mod serialized;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

use crate::point::HookPoint;

/// What a redacted value is replaced with.
pub const REDACTED: &str = "[REDACTED]";

/// The texts of one call's redacted arguments, to be scrubbed from every
/// message its hooks write. A [`Redactable`] impl adds the texts of its
/// value with [`push`](Self::push).
pub struct RedactedText {
    texts: Vec<String>,
}

impl RedactedText {
    fn new() -> Self {
        RedactedText { texts: Vec::new() }
    }

    /// Adds `text`: a message that quotes it has it replaced by
    /// [`REDACTED`].
    pub fn push(&mut self, text: &str) {
        // One character is no secret worth scrubbing every message for.
        if text.chars().nth(1).is_some() && !self.texts.iter().any(|known| known == text) {
            self.texts.push(text.to_owned());
        }
    }

    /// Adds the texts of every string literal in `debug`, a `Debug` form.
    pub(crate) fn push_literals(&mut self, debug: &str) {
        debug::literals(debug, |literal| self.push(literal));
    }

    /// Adds every text leaf of `value`'s `Serialize` form.
    pub(crate) fn push_serialized<T: serde::Serialize + ?Sized>(&mut self, value: &T) {
        serialized::collect(value, self);
    }
}

/// Says how many texts it holds, never what they are.
impl fmt::Debug for RedactedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedactedText").field("texts", &self.texts.len()).finish()
    }
}

/// A type whose text `#[redact]` can find: what its values carry that a
/// message must never show.
///
/// `#[redact]` finds the text of a type that implements `serde::Serialize`
/// without this trait. Implement it for a type that does not, such as a
/// secret wrapper that refuses to be serialized; a type with both is
/// scrubbed of what each finds. The standard library's text types and
/// containers of `Redactable` values implement it.
///
/// ```
/// use agenthooks::{hookpoint, HookError, Redactable, RedactedText, Session};
///
/// /// A key that neither `Debug` nor serde shows.
/// #[derive(Clone)]
/// pub struct ApiKey(String);
///
/// impl Redactable for ApiKey {
///     fn redactable_text(&self, out: &mut RedactedText) {
///         out.push(&self.0);
///     }
/// }
///
/// #[hookpoint(CallModel)]
/// fn call_model(session: &Session, #[redact] key: ApiKey) -> Result<(), HookError> {
///     # let _ = key;
///     Ok(())
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`#[redact]` cannot find the text in `{Self}`",
    label = "`{Self}` implements neither `serde::Serialize` nor `agenthooks::Redactable`",
    note = "derive `serde::Serialize` for it, or implement `agenthooks::Redactable` and push each text it carries"
)]
pub trait Redactable {
    /// Adds every text this value carries to `out`.
    fn redactable_text(&self, out: &mut RedactedText);
}

impl Redactable for str {
    fn redactable_text(&self, out: &mut RedactedText) {
        out.push(self);
    }
}

impl Redactable for String {
    fn redactable_text(&self, out: &mut RedactedText) {
        out.push(self);
    }
}

impl<T: Redactable + ?Sized> Redactable for &T {
    fn redactable_text(&self, out: &mut RedactedText) {
        (**self).redactable_text(out);
    }
}

impl<T: Redactable + ToOwned + ?Sized> Redactable for Cow<'_, T> {
    fn redactable_text(&self, out: &mut RedactedText) {
        (**self).redactable_text(out);
    }
}

impl<T: Redactable> Redactable for Option<T> {
    fn redactable_text(&self, out: &mut RedactedText) {
        if let Some(value) = self {
            value.redactable_text(out);
        }
    }
}

impl<T: Redactable> Redactable for [T] {
    fn redactable_text(&self, out: &mut RedactedText) {
        for value in self {
            value.redactable_text(out);
        }
    }
}

impl<T: Redactable, const N: usize> Redactable for [T; N] {
    fn redactable_text(&self, out: &mut RedactedText) {
        self.as_slice().redactable_text(out);
    }
}

/// The values of `Redactable` types that hold one value behind a pointer,
/// or many in a collection: each value's text.
macro_rules! redactable_by_ref {
    ($($holder:ident),*) => {$(
        impl<T: Redactable + ?Sized> Redactable for $holder<T> {
            fn redactable_text(&self, out: &mut RedactedText) {
                (**self).redactable_text(out);
            }
        }
    )*};
}

redactable_by_ref!(Box, Rc, Arc);

macro_rules! redactable_by_iter {
    ($($collection:ident),*) => {$(
        impl<T: Redactable> Redactable for $collection<T> {
            fn redactable_text(&self, out: &mut RedactedText) {
                for value in self {
                    value.redactable_text(out);
                }
            }
        }
    )*};
}

redactable_by_iter!(Vec, VecDeque, BTreeSet);

impl<T: Redactable, S> Redactable for HashSet<T, S> {
    fn redactable_text(&self, out: &mut RedactedText) {
        for value in self {
            value.redactable_text(out);
        }
    }
}

impl<K: Redactable, V: Redactable> Redactable for BTreeMap<K, V> {
    fn redactable_text(&self, out: &mut RedactedText) {
        for (key, value) in self {
            key.redactable_text(out);
            value.redactable_text(out);
        }
    }
}

impl<K: Redactable, V: Redactable, S> Redactable for HashMap<K, V, S> {
    fn redactable_text(&self, out: &mut RedactedText) {
        for (key, value) in self {
            key.redactable_text(out);
            value.redactable_text(out);
        }
    }
}

/// `text` with every redacted value of `args` (and of `before`, the same
/// arguments before a hook changed them) replaced by [`REDACTED`].
pub(crate) fn scrub<P: HookPoint>(text: String, args: &P, before: Option<&P>) -> String {
    if P::REDACTED.is_empty() {
        return text;
    }
    let mut found = RedactedText::new();
    args.redacted_text(&mut found);
    if let Some(before) = before {
        before.redacted_text(&mut found);
    }
    replace_all(&text, &needles(found.texts))
}

/// Each text, and each as `{:?}` and JSON write it inside their quotes,
/// longest first.
fn needles(texts: Vec<String>) -> Vec<String> {
    let mut needles = Vec::with_capacity(texts.len());
    for text in texts {
        for escaped in [format!("{text:?}"), serde_json::to_string(&text).unwrap_or_default()] {
            let inner = escaped.get(1..escaped.len().saturating_sub(1)).unwrap_or_default();
            if inner != text && !inner.is_empty() {
                needles.push(inner.to_owned());
            }
        }
        needles.push(text);
    }
    needles.sort_by_key(|needle| std::cmp::Reverse(needle.len()));
    needles.dedup();
    needles
}

/// `text` with each occurrence of a needle replaced by [`REDACTED`], in one
/// pass from the left, the longest needle first at each position: a
/// replacement is never searched again, so no needle is replaced inside
/// another's replacement.
fn replace_all(text: &str, needles: &[String]) -> String {
    let mut scrubbed = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(needle) = needles.iter().find(|needle| rest.starts_with(needle.as_str())) {
            scrubbed.push_str(REDACTED);
            rest = &rest[needle.len()..];
        } else {
            scrubbed.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    scrubbed
}

#[cfg(test)]
mod tests {
    use super::{needles, replace_all, REDACTED};

    fn scrubbed(text: &str, texts: &[&str]) -> String {
        replace_all(text, &needles(texts.iter().map(|text| (*text).to_owned()).collect()))
    }

    #[test]
    fn the_longest_text_at_a_position_is_replaced_whole() {
        assert_eq!(
            scrubbed("key sk-12345 and sk-12", &["sk-12", "sk-12345"]),
            format!("key {REDACTED} and {REDACTED}")
        );
    }

    #[test]
    fn a_text_is_found_as_debug_and_json_escape_it() {
        let secret = "a\"b\\c\nd\u{1}";
        let debug = format!("{secret:?}");
        let json = serde_json::to_string(secret).unwrap();
        let text = format!("raw {secret} debug {debug} json {json}");
        assert_eq!(scrubbed(&text, &[secret]), format!("raw {REDACTED} debug \"{REDACTED}\" json \"{REDACTED}\""));
    }

    #[test]
    fn a_replacement_is_never_searched_again() {
        assert_eq!(scrubbed("xx RED yy", &["RED", "DA"]), format!("xx {REDACTED} yy"));
        assert_eq!(scrubbed("EDAC", &["EDAC", "DA"]), REDACTED);
    }
}
