//! Metadata of hooks that are not `static`s: those registered at run time,
//! and linked hooks whose settings a configuration changes.
//!
//! Every audit record and [`Execution`](crate::Execution) names its hook by a
//! `&'static HookMeta`, since records outlive the call that wrote them (the
//! audit writer formats them later, on its own thread). Such metadata is
//! interned: each distinct value is allocated once and kept for the life of
//! the process, so memory grows with the distinct hooks and settings a
//! process ever uses, never with how often they are registered or applied.

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};

use crate::patterns::Patterns;
use crate::{HookMeta, Matcher};

static METAS: Mutex<Option<HashSet<&'static HookMeta>>> = Mutex::new(None);
static LISTS: Mutex<Option<HashSet<&'static [Matcher]>>> = Mutex::new(None);
static PATTERNS: Mutex<Option<HashSet<&'static Patterns>>> = Mutex::new(None);
static TEXTS: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);

/// How many values are interned: metadata, matcher lists, patterns and
/// texts together. It grows with the distinct hooks and settings the
/// process ever used, and stays flat while the same ones are registered
/// and removed again; a test or an operator watches it to see that.
pub fn interned() -> usize {
    fn count<T: ?Sized>(set: &Mutex<Option<HashSet<&'static T>>>) -> usize {
        set.lock().unwrap_or_else(PoisonError::into_inner).as_ref().map_or(0, HashSet::len)
    }
    count(&METAS) + count(&LISTS) + count(&PATTERNS) + count(&TEXTS)
}

/// The one `'static` copy of `meta`.
pub(crate) fn meta(meta: HookMeta) -> &'static HookMeta {
    let mut metas = METAS.lock().unwrap_or_else(PoisonError::into_inner);
    let metas = metas.get_or_insert_with(HashSet::new);
    if let Some(interned) = metas.get(&meta) {
        return interned;
    }
    let interned: &'static HookMeta = Box::leak(Box::new(meta));
    metas.insert(interned);
    interned
}

/// The one `'static` copy of the list `matchers`.
pub(crate) fn matchers(matchers: Vec<Matcher>) -> &'static [Matcher] {
    let mut lists = LISTS.lock().unwrap_or_else(PoisonError::into_inner);
    let lists = lists.get_or_insert_with(HashSet::new);
    if let Some(interned) = lists.get(matchers.as_slice()) {
        return interned;
    }
    let interned: &'static [Matcher] = Box::leak(matchers.into_boxed_slice());
    lists.insert(interned);
    interned
}

/// The one `'static` copy of `patterns`.
pub(crate) fn patterns(patterns: Patterns) -> &'static Patterns {
    let mut interned = PATTERNS.lock().unwrap_or_else(PoisonError::into_inner);
    let interned = interned.get_or_insert_with(HashSet::new);
    if let Some(known) = interned.get(&patterns) {
        return known;
    }
    let known: &'static Patterns = Box::leak(Box::new(patterns));
    interned.insert(known);
    known
}

/// The one `'static` copy of `text`.
pub(crate) fn text(text: &str) -> &'static str {
    let mut texts = TEXTS.lock().unwrap_or_else(PoisonError::into_inner);
    let texts = texts.get_or_insert_with(HashSet::new);
    if let Some(interned) = texts.get(text) {
        return interned;
    }
    let interned: &'static str = Box::leak(text.into());
    texts.insert(interned);
    interned
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{HookKind, Mode};

    fn hook(timeout_ms: u64) -> HookMeta {
        HookMeta {
            point: "before_search",
            name: text("eu_only"),
            crate_name: text("plugin"),
            module: text("plugin"),
            path: text("plugin::eu_only"),
            tenant: None,
            order: 100,
            timeout_ms,
            fallback: true,
            kind: HookKind::Observer,
            is_async: false,
            mode: Mode::Enforce,
            matchers: &[],
            patterns: None,
            contract: None,
        }
    }

    #[test]
    fn equal_metadata_is_allocated_once() {
        assert!(std::ptr::eq(meta(hook(200)), meta(hook(200))));
        assert!(!std::ptr::eq(meta(hook(200)), meta(hook(300))));
        assert!(std::ptr::eq(text("plugin::eu_only"), text(&String::from("plugin::eu_only"))));
    }
}
