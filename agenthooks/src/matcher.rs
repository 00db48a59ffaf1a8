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
//! without glob characters by value in a hash map, real globs in one
//! [`GlobSet`] per key. A call then looks its key values up, so its cost
//! grows with the hooks that match, not with the hooks linked. A hook with
//! several matchers is indexed by its first; the others are checked on the
//! hooks the index returns.
//!
//! [`check`] tells whether one hook's matchers let it run for one call, and
//! why not: the question an operator's "why did this hook not run" asks.

use std::ops::Deref;

use globset::{Glob, GlobMatcher, GlobSet, GlobSetBuilder};
use rustc_hash::FxHashMap;

use crate::hook::{Hook, HookMeta};
use crate::point::HookPoint;

/// One matcher of a hook, `key = "pattern"` in `#[hook(...)]`: the hook runs
/// only for calls whose key argument `key` matches the glob `pattern`
/// (`*` any text, `?` one character, `[a-z]` one of a class, `{a,b}`
/// either; a pattern without them matches that value exactly).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

/// A compiled pattern: a value, or a glob.
enum Pattern {
    Exact(&'static str),
    Glob(GlobMatcher),
}

impl Pattern {
    /// `pattern` compiled; `None` when it is not a glob.
    fn new(pattern: &'static str) -> Option<Self> {
        if is_exact(pattern) {
            Some(Pattern::Exact(pattern))
        } else {
            Glob::new(pattern).ok().map(|glob| Pattern::Glob(glob.compile_matcher()))
        }
    }

    fn matches(&self, value: &str) -> bool {
        match self {
            Pattern::Exact(exact) => *exact == value,
            Pattern::Glob(glob) => glob.is_match(value),
        }
    }
}

/// Whether `pattern` holds no glob syntax, and so matches itself alone.
fn is_exact(pattern: &str) -> bool {
    !pattern.contains(['*', '?', '[', ']', '{', '}', '\\'])
}

/// The hooks of one chain (one tenant's, or every tenant's), in chain
/// order, with the index that selects those whose matchers match a call.
pub(crate) struct Chain<P: 'static> {
    hooks: Vec<&'static Hook<P>>,
    /// `None` when no hook of the chain has a matcher: every call runs
    /// them all.
    index: Option<Index>,
}

impl<P: HookPoint> Chain<P> {
    /// The chain of `hooks`, in chain order, indexed by their matchers.
    pub(crate) fn new(hooks: Vec<&'static Hook<P>>) -> Self {
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
    pub(crate) fn hooks(&self) -> &[&'static Hook<P>] {
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
    All(&'c [&'static Hook<P>]),
    Matched(Vec<&'static Hook<P>>),
}

impl<P> Deref for Selected<'_, P> {
    type Target = [&'static Hook<P>];

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
struct KeyIndex {
    /// The key's index in the point's `KEYS`.
    key: usize,
    /// By exact value.
    exact: FxHashMap<&'static str, Vec<u32>>,
    /// The globs, and for each, its hooks.
    globs: GlobSet,
    glob_hooks: Vec<Vec<u32>>,
}

impl Index {
    fn new<P>(hooks: &[&'static Hook<P>], keys: &[&str]) -> Self {
        let mut always = Vec::new();
        let mut filters = Vec::with_capacity(hooks.len());
        // Per key: exact values, and glob patterns with their hooks.
        let mut by_key: Vec<(usize, KeyBuilder)> = Vec::new();
        for (position, hook) in (0u32..).zip(hooks) {
            let compiled = compile(hook.meta.matchers, keys);
            match compiled.as_deref() {
                Some([]) => always.push(position),
                Some([(key, first), ..]) => {
                    let at = by_key.iter().position(|(seen, _)| seen == key).unwrap_or_else(|| {
                        by_key.push((*key, KeyBuilder::default()));
                        by_key.len() - 1
                    });
                    by_key[at].1.add(first, hook.meta.matchers[0].pattern, position);
                }
                None => {}
            }
            filters.push(compiled);
        }
        let keys = by_key.into_iter().map(|(key, builder)| builder.build(key)).collect();
        Index { always, keys, filters }
    }

    /// Whether every matcher of `filter` matches the call whose key
    /// arguments `key` reads.
    fn all_match<'k>(filter: &[(usize, Pattern)], key: impl Fn(usize) -> Option<&'k str>) -> bool {
        filter.iter().all(|(index, pattern)| key(*index).is_some_and(|value| pattern.matches(value)))
    }

    /// The hooks of `chain` whose matchers match the call whose key
    /// arguments `key` reads, in chain order.
    fn select<'k, T: Copy>(&self, chain: &[T], key: impl Fn(usize) -> Option<&'k str>) -> Vec<T> {
        let mut found: Vec<u32> = Vec::new();
        for index in &self.keys {
            let Some(value) = key(index.key) else { continue };
            if let Some(positions) = index.exact.get(value) {
                found.extend(positions);
            }
            if !index.glob_hooks.is_empty() {
                let mut globs = Vec::new();
                index.globs.matches_into(value, &mut globs);
                found.extend(globs.into_iter().flat_map(|glob| &index.glob_hooks[glob]));
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
fn merge<T: Copy>(chain: &[T], a: &[u32], b: &[u32]) -> Vec<T> {
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
            out.push(chain[position as usize]);
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

/// The index of one key, while it is built.
#[derive(Default)]
struct KeyBuilder {
    exact: FxHashMap<&'static str, Vec<u32>>,
    /// Each distinct glob pattern, with its hooks.
    globs: Vec<(&'static str, Vec<u32>)>,
}

impl KeyBuilder {
    fn add(&mut self, compiled: &Pattern, pattern: &'static str, position: u32) {
        match compiled {
            Pattern::Exact(value) => self.exact.entry(value).or_default().push(position),
            Pattern::Glob(_) => match self.globs.iter_mut().find(|(seen, _)| *seen == pattern) {
                Some((_, positions)) => positions.push(position),
                None => self.globs.push((pattern, vec![position])),
            },
        }
    }

    fn build(self, key: usize) -> KeyIndex {
        let mut set = GlobSetBuilder::new();
        for (pattern, _) in &self.globs {
            // Each compiled once already, in `Pattern::new`.
            if let Ok(glob) = Glob::new(pattern) {
                set.add(glob);
            }
        }
        let globs = set.build().unwrap_or_else(|_| GlobSet::empty());
        let glob_hooks = self.globs.into_iter().map(|(_, positions)| positions).collect();
        KeyIndex { key, exact: self.exact, globs, glob_hooks }
    }
}

#[cfg(test)]
mod tests {
    use super::{is_exact, merge};

    #[test]
    fn patterns_without_glob_syntax_are_exact() {
        for exact in ["fs_read", "mcp__server__tool", "a.b", "tool-1"] {
            assert!(is_exact(exact), "{exact}");
        }
        for glob in ["fs_*", "fs_?", "[ab]", "{a,b}", "a\\*"] {
            assert!(!is_exact(glob), "{glob}");
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
