//! Redaction: the values of arguments marked `#[redact]` never leave the
//! call. The executor scrubs them out of every message a hook produces
//! (errors, panic messages, block reasons) before the message reaches the
//! audit log, telemetry or the caller.

use std::any::Any;
use std::fmt::Debug;

use crate::point::HookPoint;

/// What a redacted value is replaced with.
pub const REDACTED: &str = "[REDACTED]";

/// Collects the text forms a redacted value can take in a message: the
/// string itself for `String` and `&str`, and its `Debug` form for any type.
///
/// Used by the code `#[hookpoint]` generates for `#[redact]` arguments.
#[doc(hidden)]
pub fn redacted_text_of<T: Debug + 'static>(value: &T, out: &mut Vec<String>) {
    let any: &dyn Any = value;
    if let Some(text) = any.downcast_ref::<String>() {
        out.push(text.clone());
    } else if let Some(text) = any.downcast_ref::<&str>() {
        out.push((*text).to_owned());
    }
    out.push(format!("{value:?}"));
}

/// `text` with every redacted value of `args` (and of `before`, the same
/// arguments before a hook changed them) replaced by [`REDACTED`].
pub(crate) fn scrub<P: HookPoint>(mut text: String, args: &P, before: Option<&P>) -> String {
    if P::REDACTED.is_empty() {
        return text;
    }
    let mut needles = args.redacted_text();
    if let Some(before) = before {
        needles.extend(before.redacted_text());
    }
    needles.retain(|needle| !needle.is_empty());
    // Longest first, so that a value is replaced whole before any part of it.
    needles.sort_by_key(|needle| std::cmp::Reverse(needle.len()));
    for needle in needles {
        if text.contains(&needle) {
            text = text.replace(&needle, REDACTED);
        }
    }
    text
}
