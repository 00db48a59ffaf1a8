//! Matchers: which of a chain's hooks run for a call, decided by the call's
//! key arguments before any hook runs.
//!
//! A point's author marks key arguments `#[key]` (`#[key] tool: String`); a
//! hook filters on them with a glob, `#[hook(BeforeTool, tool = "fs_*")]`,
//! and runs only for calls whose every matched key matches. A hook that does
//! not match never runs and writes no audit line, as a hook of another
//! tenant. `#[hook]` checks at compile time that each key is one of the
//! point's and that each pattern is a glob.
//!
//! Each chain is indexed once, when the point's table is built: patterns
//! without glob characters by value in a hash map, globs by their literal
//! prefix (the text before the first glob character) in another. A call
//! looks its value up in the first, and each of its own prefixes of a
//! length some glob's prefix has in the second; a glob found there is
//! matched in full, unless it is a prefix and a trailing `*`, which the
//! lookup alone decides. So a call's cost grows with the hooks that match
//! and with the distinct lengths of glob prefixes, not with the hooks
//! linked; a glob that starts with a glob character (`*_read`) has an
//! empty prefix and is matched on every call of its point. A hook with
//! several matchers is indexed by its first; the others are checked on the
//! hooks the index returns.
//!
//! Keys are read-only to hooks. The call's hooks were selected by the key
//! values the caller passed, so a hook that changed one (renaming
//! `fs_cleanup` to `shell_exec` under a `tool = "shell*"` guard) would run
//! the body on a call its guards never saw. The executor compares every
//! interceptor's keys before and after it runs: a hook that changed one
//! fails ("changed key argument `tool`"), its changes undone, and the
//! point's failure policy decides the call (a guard point stops it). The
//! check costs nothing on points without keys. An agent that needs to send
//! a call elsewhere lets its body decide, or makes a second call, whose
//! hooks are selected anew.
//!
//! [`check`] tells whether one hook's matchers let it run for one call, and
//! why not: the question an operator's "why did this hook not run" asks.
#![doc = include_str!("../docs/matchers.md")]

use std::ops::Deref;

use globset::{Glob, GlobMatcher};
use rustc_hash::FxHashMap;

use crate::hook::{Hook, HookMeta};
use crate::point::HookPoint;

/// One matcher of a hook, `key = "pattern"` in `#[hook(...)]`: the hook runs
/// only for calls whose key argument `key` matches the glob `pattern`
/// (`*` any text, `?` one character, `[a-z]` one of a class, `{a,b}`
/// either; a pattern without them matches that value exactly).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Matcher {
    /// The name of a key argument of the hook's point, e.g. `tool`.
    pub key: &'static str,
    /// The glob the argument's value must match, e.g. `fs_*`.
    pub pattern: &'static str,
}

/// Why a hook's matchers keep it from running for a call.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Miss {
    /// The call's key argument has no value (an `Option` key that is
    /// `None`): a matcher needs a value to match.
    NoValue {
        /// The key.
        key: &'static str,
    },
    /// The call's key argument does not match the hook's pattern.
    NoMatch {
        /// The key.
        key: &'static str,
        /// The hook's pattern.
        pattern: &'static str,
        /// The call's value.
        value: String,
    },
    /// The matcher can never match: its key is not one of the point's, or
    /// its pattern is not a glob. `#[hook]` refuses both at compile time,
    /// so only a hook whose metadata was built by hand can carry one.
    Unusable {
        /// The key.
        key: &'static str,
        /// The pattern.
        pattern: &'static str,
    },
}

/// Whether the matchers of `hook` let it run for the call whose arguments
/// are `call`; the first matcher that keeps it from running otherwise.
/// Tenants are decided apart: this answers for matchers only.
///
/// ```
/// use agenthooks::matcher::{check, Miss};
/// use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};
///
/// #[hookpoint(BeforeTool)]
/// fn call_tool(session: &Session, #[key] tool: String) -> Result<(), HookError> {
///     Ok(())
/// }
///
/// #[hook(BeforeTool, tool = "fs_*")]
/// fn files_only(ctx: &Ctx<BeforeTool>) -> Outcome {
///     Outcome::Continue
/// }
///
/// let hook = agenthooks::linked_hooks().into_iter().find(|hook| hook.name == "files_only").unwrap();
/// assert_eq!(check(hook, &BeforeTool { tool: "fs_read".into() }), Ok(()));
/// assert_eq!(
///     check(hook, &BeforeTool { tool: "shell".into() }),
///     Err(Miss::NoMatch { key: "tool", pattern: "fs_*", value: "shell".into() }),
/// );
/// ```
pub fn check<P: HookPoint>(hook: &HookMeta, call: &P) -> Result<(), Miss> {
    for matcher in hook.matchers {
        let unusable = || Miss::Unusable { key: matcher.key, pattern: matcher.pattern };
        let index = P::KEYS.iter().position(|key| *key == matcher.key).ok_or_else(unusable)?;
        let pattern = Pattern::new(matcher.pattern).ok_or_else(unusable)?;
        let value = call.key(index).ok_or(Miss::NoValue { key: matcher.key })?;
        if !pattern.matches(value) {
            return Err(Miss::NoMatch { key: matcher.key, pattern: matcher.pattern, value: value.to_owned() });
        }
    }
    Ok(())
}

/// A compiled pattern.
enum Pattern {
    /// No glob character: this value only.
    Exact(&'static str),
    /// A literal prefix, then one trailing `*`: any value that starts so.
    Prefix(&'static str),
    /// Any other glob, with its literal prefix.
    Glob { prefix: &'static str, glob: GlobMatcher },
}

impl Pattern {
    /// `pattern` compiled; `None` when it is not a glob.
    fn new(pattern: &'static str) -> Option<Self> {
        let prefix = literal_prefix(pattern);
        if prefix.len() == pattern.len() {
            return Some(Pattern::Exact(pattern));
        }
        let glob = Glob::new(pattern).ok()?;
        Some(if pattern[prefix.len()..] == *"*" {
            Pattern::Prefix(prefix)
        } else {
            Pattern::Glob { prefix, glob: glob.compile_matcher() }
        })
    }

    fn matches(&self, value: &str) -> bool {
        match self {
            Pattern::Exact(exact) => *exact == value,
            Pattern::Prefix(prefix) => value.starts_with(prefix),
            Pattern::Glob { glob, .. } => glob.is_match(value),
        }
    }
}

/// The text of `pattern` before its first glob character.
fn literal_prefix(pattern: &str) -> &str {
    let end = pattern.find(['*', '?', '[', ']', '{', '}', '\\']).unwrap_or(pattern.len());
    &pattern[..end]
}

/// The hooks of one chain (one tenant's, or every tenant's), in chain
/// order, with the index that selects those whose matchers match a call.
pub(crate) struct Chain<P: 'static> {
    hooks: Vec<Hook<P>>,
    /// `None` when no hook of the chain has a matcher: every call runs
    /// them all.
    index: Option<Index>,
}

impl<P: HookPoint> Chain<P> {
    /// The chain of `hooks`, in chain order, indexed by their matchers.
    pub(crate) fn new(hooks: Vec<Hook<P>>) -> Self {
        let index = hooks.iter().any(|hook| !hook.meta.matchers.is_empty()).then(|| Index::new(&hooks, P::KEYS));
        Chain { hooks, index }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.hooks.is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        self.hooks.len()
    }

    /// The chain's hooks, in chain order, whatever their matchers.
    pub(crate) fn hooks(&self) -> &[Hook<P>] {
        &self.hooks
    }

    /// Whether the matchers of the hook at `position` match the call
    /// `call`: a check of that one hook, for a caller that walks the chain
    /// itself (a stream's pipeline, whose events change as they go).
    #[inline]
    pub(crate) fn matches(&self, position: usize, call: &P) -> bool {
        match &self.index {
            None => true,
            Some(index) => {
                index.filters[position].as_ref().is_some_and(|filter| Index::all_match(filter, |key| call.key(key)))
            }
        }
    }

    /// The hooks that run for the call `call`, in chain order.
    #[inline]
    pub(crate) fn select(&self, call: &P) -> Selected<'_, P> {
        match &self.index {
            None => Selected::All(&self.hooks),
            Some(index) => Selected::Matched(index.select(&self.hooks, |key| call.key(key))),
        }
    }
}

/// The hooks selected for one call, in chain order: a whole chain, or those
/// of it whose matchers match.
pub(crate) enum Selected<'c, P: 'static> {
    All(&'c [Hook<P>]),
    Matched(Vec<Hook<P>>),
}

impl<P> Deref for Selected<'_, P> {
    type Target = [Hook<P>];

    #[inline]
    fn deref(&self) -> &Self::Target {
        match self {
            Selected::All(hooks) => hooks,
            Selected::Matched(hooks) => hooks,
        }
    }
}

/// A chain's hooks indexed by their matchers. Positions are indices into
/// the chain, so that the selection keeps chain order.
struct Index {
    /// Hooks without matchers: they run for every call. Ascending.
    always: Vec<u32>,
    /// One entry per key that is the first matcher of some hook.
    keys: Vec<KeyIndex>,
    /// For each position, the hook's matchers compiled (the index finds a
    /// hook by its first; the others are checked on what it finds). `None`
    /// for a hook that can never run (a matcher it cannot use).
    filters: Vec<Option<Vec<(usize, Pattern)>>>,
}

/// The hooks whose first matcher is on one key.
#[derive(Default)]
struct KeyIndex {
    /// The key's index in the point's `KEYS`.
    key: usize,
    /// Exact patterns: by value.
    exact: FxHashMap<&'static str, Vec<u32>>,
    /// Globs: by literal prefix, each hook with its glob, `None` when the
    /// prefix alone decides.
    by_prefix: FxHashMap<&'static str, Vec<(u32, Option<GlobMatcher>)>>,
    /// The distinct lengths of those prefixes, ascending.
    prefix_lengths: Vec<usize>,
}

impl KeyIndex {
    /// Indexes the hook at `position` by its first matcher, `pattern`.
    fn add(&mut self, pattern: &Pattern, position: u32) {
        let (prefix, glob) = match pattern {
            Pattern::Exact(value) => return self.exact.entry(value).or_default().push(position),
            Pattern::Prefix(prefix) => (*prefix, None),
            Pattern::Glob { prefix, glob } => (*prefix, Some(glob.clone())),
        };
        self.by_prefix.entry(prefix).or_default().push((position, glob));
        if let Err(at) = self.prefix_lengths.binary_search(&prefix.len()) {
            self.prefix_lengths.insert(at, prefix.len());
        }
    }

    /// Adds to `found` the positions of the hooks whose first matcher
    /// matches `value`.
    fn lookup(&self, value: &str, found: &mut Vec<u32>) {
        if let Some(positions) = self.exact.get(value) {
            found.extend(positions);
        }
        for &length in &self.prefix_lengths {
            if length > value.len() {
                break;
            }
            // `length` falls inside a character: no prefix is that long.
            let Some(prefix) = value.get(..length) else { continue };
            for (position, glob) in self.by_prefix.get(prefix).into_iter().flatten() {
                if glob.as_ref().is_none_or(|glob| glob.is_match(value)) {
                    found.push(*position);
                }
            }
        }
    }
}

impl Index {
    fn new<P>(hooks: &[Hook<P>], keys: &[&str]) -> Self {
        let mut always = Vec::new();
        let mut filters = Vec::with_capacity(hooks.len());
        let mut by_key: Vec<KeyIndex> = Vec::new();
        for (position, hook) in (0u32..).zip(hooks) {
            let compiled = compile(hook.meta.matchers, keys);
            match compiled.as_deref() {
                Some([]) => always.push(position),
                Some([(key, first), ..]) => {
                    let at = by_key.iter().position(|index| index.key == *key).unwrap_or_else(|| {
                        by_key.push(KeyIndex { key: *key, ..KeyIndex::default() });
                        by_key.len() - 1
                    });
                    by_key[at].add(first, position);
                }
                None => {}
            }
            filters.push(compiled);
        }
        Index { always, keys: by_key, filters }
    }

    /// Whether every matcher of `filter` matches the call whose key
    /// arguments `key` reads.
    fn all_match<'k>(filter: &[(usize, Pattern)], key: impl Fn(usize) -> Option<&'k str>) -> bool {
        filter.iter().all(|(index, pattern)| key(*index).is_some_and(|value| pattern.matches(value)))
    }

    /// The hooks of `chain` whose matchers match the call whose key
    /// arguments `key` reads, in chain order.
    fn select<'k, T: Clone>(&self, chain: &[T], key: impl Fn(usize) -> Option<&'k str>) -> Vec<T> {
        let mut found: Vec<u32> = Vec::new();
        for index in &self.keys {
            if let Some(value) = key(index.key) {
                index.lookup(value, &mut found);
            }
        }
        // Found by its first matcher: the others are checked here.
        found.retain(|&position| {
            self.filters[position as usize].as_ref().is_some_and(|filter| Self::all_match(&filter[1..], &key))
        });
        found.sort_unstable();
        merge(chain, &self.always, &found)
    }
}

/// The items of `chain` at the positions of `a` and `b`, both ascending and
/// disjoint, in chain order.
fn merge<T: Clone>(chain: &[T], a: &[u32], b: &[u32]) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.iter().peekable(), b.iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(&&x), Some(&&y)) if x < y => a.next(),
            (_, Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, None) => break,
        };
        if let Some(&position) = next {
            out.push(chain[position as usize].clone());
        }
    }
    out
}

/// A hook's matchers compiled against its point's keys: each key's index
/// and pattern; `None` when one cannot be used.
fn compile(matchers: &'static [Matcher], keys: &[&str]) -> Option<Vec<(usize, Pattern)>> {
    matchers
        .iter()
        .map(|matcher| {
            let key = keys.iter().position(|key| *key == matcher.key)?;
            Some((key, Pattern::new(matcher.pattern)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{merge, Pattern};

    #[test]
    fn patterns_are_exact_prefixes_or_globs() {
        for exact in ["fs_read", "mcp__server__tool", "a.b", "tool-1"] {
            assert!(matches!(Pattern::new(exact), Some(Pattern::Exact(value)) if value == exact), "{exact}");
        }
        for (prefix_glob, prefix) in [("fs_*", "fs_"), ("*", "")] {
            assert!(matches!(Pattern::new(prefix_glob), Some(Pattern::Prefix(p)) if p == prefix), "{prefix_glob}");
        }
        for (glob, prefix) in [("fs_?", "fs_"), ("[ab]", ""), ("x{a,b}", "x"), ("a\\*", "a"), ("fs_*_x", "fs_")] {
            assert!(matches!(Pattern::new(glob), Some(Pattern::Glob { prefix: p, .. }) if p == prefix), "{glob}");
        }
    }

    #[test]
    fn each_kind_of_pattern_matches_as_a_glob_would() {
        let cases = [
            ("fs_read", "fs_read", true),
            ("fs_read", "fs_reader", false),
            ("fs_*", "fs_", true),
            ("fs_*", "fs_read/x", true),
            ("fs_*", "f", false),
            ("fs_{read,write}", "fs_write", true),
            ("fs_{read,write}", "fs_delete", false),
            ("*_read", "db_read", true),
            ("a\\*", "a*", true),
            ("a\\*", "ab", false),
        ];
        for (pattern, value, expected) in cases {
            assert_eq!(Pattern::new(pattern).expect("a glob").matches(value), expected, "{pattern} on {value}");
        }
    }

    #[test]
    fn merging_keeps_chain_order() {
        let chain = ["a", "b", "c", "d", "e"];
        assert_eq!(merge(&chain, &[0, 3], &[1, 4]), ["a", "b", "d", "e"]);
        assert_eq!(merge(&chain, &[], &[2]), ["c"]);
        assert_eq!(merge(&chain, &[1], &[]), ["b"]);
    }
}
