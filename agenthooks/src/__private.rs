//! Support for the code the macros generate. Not a public API: names here
//! change without notice.
//!
//! Most items here exist for their error messages: each turns a mistake in
//! the user's code into one error, spoken in the user's terms, at the token
//! the macro spans it to. The `ui-tests` crate locks every message.

use std::marker::PhantomData;

pub use inventory;

use crate::contract::Version;
pub use crate::error::CarriesHookError;
pub use crate::executor::{run_async, run_sync};
use crate::hook::HookFn;
pub use crate::hook::{Hook, HookFuture, DEFAULT_ORDER, DEFAULT_TIMEOUT_MS};
pub use crate::intern::interned;
pub use crate::link::LinkedCrate;
pub use crate::origin::Origin;
pub use crate::outcome::{InterceptorReturn, ObserverReturn};
pub use crate::redact::forms::{
    text_found, ByDebug, ByDisplay, ByRedactable, BySerialize, Found, NoDebug, NoDisplay, NotFound, NotRedactable,
    NotSerialized, Redacted, TextFound,
};
pub use crate::registry::{HookRegistration, SinglePoint};
pub use crate::table::PointTable;
use crate::{AsyncPoint, Ctx, HookError, HookMeta, HookPoint, Outcome};

/// Boxes an `async fn` hook's future so that every hook of a point has one
/// function type.
pub fn box_hook<'a, F>(future: F) -> HookFuture<'a>
where
    F: ::core::future::Future<Output = Result<crate::Outcome, String>> + Send + 'a,
{
    Box::pin(future)
}

/// An interceptor hook of point `P`, as `#[hook]` registers it. One helper
/// per kind, each a single call that names the point once.
pub const fn interceptor<P: HookPoint>(
    meta: &'static HookMeta,
    run: for<'c> fn(&'c mut Ctx<P>) -> Result<Outcome, String>,
) -> Hook<P> {
    Hook::new(meta, HookFn::Interceptor(run))
}

/// An observer hook of point `P`, as `#[hook]` registers it.
pub const fn observer<P: HookPoint>(
    meta: &'static HookMeta,
    run: for<'c> fn(&'c Ctx<P>) -> Result<Outcome, String>,
) -> Hook<P> {
    Hook::new(meta, HookFn::Observer(run))
}

/// An `async fn` interceptor hook of point `P`, as `#[hook]` registers it.
pub const fn async_interceptor<P: HookPoint>(
    meta: &'static HookMeta,
    run: for<'c> fn(&'c mut Ctx<P>) -> HookFuture<'c>,
) -> Hook<P> {
    Hook::new(meta, HookFn::AsyncInterceptor(run))
}

/// An `async fn` observer hook of point `P`, as `#[hook]` registers it.
pub const fn async_observer<P: HookPoint>(
    meta: &'static HookMeta,
    run: for<'c> fn(&'c Ctx<P>) -> HookFuture<'c>,
) -> Hook<P> {
    Hook::new(meta, HookFn::AsyncObserver(run))
}

/// The point a hook names: `<P as PointOf>::Point` is `P`.
///
/// `#[hook]` spells every use of its point this way, spanned at the user's
/// path. When the path names no hook point, every use then fails for the
/// same reason (through [`HookPoint`]'s message) at the same token, and the
/// compiler reports it once instead of once per use.
pub trait PointOf {
    /// `Self`, known to be a hook point.
    type Point: HookPoint;
}

impl<P: HookPoint> PointOf for P {
    type Point = P;
}

/// The context type a hook declares, `Ctx<P>` for the point `P` it names.
#[diagnostic::on_unimplemented(
    message = "this hook is declared for `{P}` but its context is `{Self}`",
    label = "expected `Ctx<{P}>` here",
    note = "a hook takes `&mut Ctx<P>` (to change arguments) or `&Ctx<P>` (to read them), with `P` the point named in `#[hook(P)]`"
)]
pub trait HookContext<P>: Sized {
    /// The context, typed as the hook declares it.
    fn cast_mut(ctx: &mut Ctx<P>) -> &mut Self;
    /// The context, typed as the hook declares it.
    fn cast_ref(ctx: &Ctx<P>) -> &Self;
}

impl<P> HookContext<P> for Ctx<P> {
    fn cast_mut(ctx: &mut Ctx<P>) -> &mut Self {
        ctx
    }

    fn cast_ref(ctx: &Ctx<P>) -> &Self {
        ctx
    }
}

/// Compiles only when `P` accepts `async fn` hooks. `P` is inferred, so that
/// the error points where the macro spans the call: the hook's `async`.
pub const fn assert_async_point<P: AsyncPoint>(_point: PhantomData<P>) {}

/// An error type a hook point may return in `Result<_, E>`: one that a
/// [`HookError`] converts into.
#[diagnostic::on_unimplemented(
    message = "a hook point cannot return errors of type `{Self}`: it has no way to carry `agenthooks::HookError`",
    label = "use an error type that implements `From<agenthooks::HookError>` here",
    note = "a hook may block the call; the method then returns `Err(E::from(error))`, so `E` needs `impl From<agenthooks::HookError> for E`"
)]
pub trait HookErrorType {}

impl<E: From<HookError>> HookErrorType for E {}

/// The value a hook point's function returns when a hook stopped the call.
/// `R` is inferred from the function's return type, so that the error points
/// where the macro spans the call.
pub fn stop<R: CarriesHookError>(error: HookError) -> R {
    R::from_hook_error(error)
}

/// Compiles only when `E` can carry a [`HookError`].
pub const fn assert_hook_error_type<E: HookErrorType>() {}

/// Implemented by `#[hookpoint]` for a point declared
/// `on_failure = "continue"`: only its hooks may say `fallback = true`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` fails closed: its hooks cannot set `fallback = true`",
    label = "remove `fallback = true`: every failure of a hook of this point stops the call",
    note = "the point's author declared it a guard (`on_failure = \"deny\"`, the default); only a point declared with `on_failure = \"continue\"` lets a failing hook fall back"
)]
pub trait AllowsFallback {}

/// Compiles only when `P` lets its hooks fall back. `P` is inferred, so that
/// the error points where the macro spans the call: the hook's `fallback`.
pub const fn assert_fallback_allowed<P: AllowsFallback>(_point: PhantomData<P>) {}

/// One argument, written for an approval id: `(&&Field(&value)).digest(out)`
/// picks [`DigestSerialized`] when the argument is `Serialize` and `Debug`,
/// else [`DigestNothing`] (the point's calls then cannot be approved).
#[derive(Debug)]
pub struct Field<'a, T>(pub &'a T);

/// See [`Field`]: the argument's `serde` form, in an encoding that tells
/// apart every two values it shows, and its `Debug` form, which shows what
/// `Serialize` skips.
pub trait DigestSerialized {
    /// Feeds the argument's content to `out`; `false` if it cannot be.
    fn digest(&self, out: &mut dyn FnMut(&[u8])) -> bool;
}

impl<T: serde::Serialize + std::fmt::Debug> DigestSerialized for &Field<'_, T> {
    fn digest(&self, out: &mut dyn FnMut(&[u8])) -> bool {
        crate::approval::digest::digest(self.0, out)
    }
}

/// See [`Field`]: an argument that cannot be written.
pub trait DigestNothing {
    /// Always `false`.
    fn digest(&self, out: &mut dyn FnMut(&[u8])) -> bool;
}

impl<T> DigestNothing for Field<'_, T> {
    fn digest(&self, _out: &mut dyn FnMut(&[u8])) -> bool {
        false
    }
}

/// One argument before and after a hook: `(&&Pair(&now, &before)).changed()`
/// compares with [`ChangedByEq`] when the argument is `PartialEq`, else with
/// [`ChangedBySerialized`] when it is `Serialize`, else reports no change
/// ([`ChangedUnknown`]).
#[derive(Debug)]
pub struct Pair<'a, T>(pub &'a T, pub &'a T);

/// See [`Pair`]: compared with `PartialEq`.
pub trait ChangedByEq {
    /// Whether the argument changed.
    fn changed(&self) -> bool;
}

impl<T: PartialEq> ChangedByEq for &Pair<'_, T> {
    fn changed(&self) -> bool {
        self.0 != self.1
    }
}

/// See [`Pair`]: compared by JSON form.
pub trait ChangedBySerialized {
    /// Whether the argument changed.
    fn changed(&self) -> bool;
}

impl<T: serde::Serialize> ChangedBySerialized for &&Pair<'_, T> {
    fn changed(&self) -> bool {
        serde_json::to_vec(self.0).ok() != serde_json::to_vec(self.1).ok()
    }
}

/// See [`Pair`]: an argument that cannot be compared.
pub trait ChangedUnknown {
    /// Always `false`.
    fn changed(&self) -> bool;
}

impl<T> ChangedUnknown for Pair<'_, T> {
    fn changed(&self) -> bool {
        false
    }
}

/// Runs the body of a point that has an after point, as a closure, so that
/// an early `return` in it ends the body, not the function: the after
/// point's hooks still see its value.
#[inline]
pub fn call_body<R>(body: impl FnOnce() -> R) -> R {
    body()
}

/// The body of an `async fn` point that has an after point, as an `async`
/// block (see [`call_body`]). Naming `R` gives the block the function's
/// return type, so that `?` and `return` in it convert as in the function.
#[inline]
pub fn after_body<R, F: ::core::future::Future<Output = R>>(body: F) -> F {
    body
}

/// A type an after point's `result` field may hold (`T` and `E` of a
/// `Result<T, E>`, each on its own, or the whole return type): one the
/// executor can copy while each after hook runs.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be part of an after point's result: it is not `Clone`",
    label = "implement `Clone` for `{Self}`, or remove `after = ...` from the `#[hookpoint]`",
    note = "the executor keeps a copy of the result while each after hook runs, so that a hook that fails leaves it unchanged"
)]
pub trait AfterResult: Sized {
    /// A copy of the value.
    #[must_use]
    fn copy(&self) -> Self;
}

impl<R: Clone> AfterResult for R {
    fn copy(&self) -> Self {
        self.clone()
    }
}

/// A type a `#[key]` argument may have: one that reads as text, so that
/// hooks can match it against a pattern.
#[diagnostic::on_unimplemented(
    message = "a `#[key]` argument must be text, `{Self}` is not",
    label = "make this a `String` or an `Option<String>`, or remove `#[key]`",
    note = "hooks match key arguments against glob patterns (`#[hook(Point, tool = \"fs_*\")]`): a key is a `String`, a `Box<str>`, an `Arc<str>`, a `Cow<'static, str>`, or an `Option` of one (`None` matches no pattern)"
)]
pub trait KeyField {
    /// The argument's text; `None` when it has none.
    fn key_str(&self) -> Option<&str>;
}

impl KeyField for String {
    #[inline]
    fn key_str(&self) -> Option<&str> {
        Some(self)
    }
}

impl KeyField for Box<str> {
    #[inline]
    fn key_str(&self) -> Option<&str> {
        Some(self)
    }
}

impl KeyField for std::sync::Arc<str> {
    #[inline]
    fn key_str(&self) -> Option<&str> {
        Some(self)
    }
}

impl KeyField for std::borrow::Cow<'static, str> {
    #[inline]
    fn key_str(&self) -> Option<&str> {
        Some(self)
    }
}

impl<K: KeyField> KeyField for Option<K> {
    #[inline]
    fn key_str(&self) -> Option<&str> {
        self.as_ref().and_then(KeyField::key_str)
    }
}

/// Text built at const evaluation, for a compile error that names what
/// only the type checker knows (a const panic formats one `&str`).
#[derive(Debug)]
pub struct ConstText {
    bytes: [u8; ConstText::CAPACITY],
    len: usize,
}

impl ConstText {
    /// The longest text; longer is cut.
    const CAPACITY: usize = 1024;

    /// No text.
    const EMPTY: ConstText = ConstText { bytes: [0; ConstText::CAPACITY], len: 0 };

    /// `parts`, one after the other.
    const fn join(parts: &[&str]) -> Self {
        let mut text = Self::EMPTY;
        let mut part = 0;
        while part < parts.len() {
            text = text.push(parts[part]);
            part += 1;
        }
        text
    }

    /// This text, then `part`, cut at the capacity on a character boundary.
    const fn push(mut self, part: &str) -> Self {
        let part = part.as_bytes();
        let mut at = 0;
        while at < part.len() && self.len < Self::CAPACITY {
            self.bytes[self.len] = part[at];
            self.len += 1;
            at += 1;
        }
        // A cut inside a character drops the part of it already copied.
        if at < part.len() && (part[at] & 0xC0) == 0x80 {
            while self.len > 0 && (self.bytes[self.len - 1] & 0xC0) == 0x80 {
                self.len -= 1;
            }
            self.len = self.len.saturating_sub(1);
        }
        self
    }

    /// This text, then `number` in decimal digits.
    const fn push_number(self, number: u32) -> Self {
        let mut digits = [0u8; 10];
        let (mut at, mut rest) = (digits.len(), number);
        loop {
            at -= 1;
            #[allow(clippy::cast_possible_truncation)] // a digit, below 10
            {
                digits[at] = b'0' + (rest % 10) as u8;
            }
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        match std::str::from_utf8(digits.split_at(at).1) {
            Ok(digits) => self.push(digits),
            Err(_) => self,
        }
    }

    /// This text, then `version` as `major.minor`.
    const fn push_version(self, version: Version) -> Self {
        self.push_number(version.major).push(".").push_number(version.minor)
    }

    /// This text, then `key` in backticks, after a comma unless `first`.
    const fn join_key(self, key: &str, first: bool) -> Self {
        let text = if first { self } else { self.push(", ") };
        text.push("`").push(key).push("`")
    }

    /// Whether there is no text.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The text.
    pub const fn as_str(&self) -> &str {
        match std::str::from_utf8(self.bytes.split_at(self.len).0) {
            Ok(text) => text,
            Err(_) => "",
        }
    }
}

/// What is wrong with a matcher on `key` in a hook of the point named
/// `point`, whose key arguments are `keys` and arguments `fields`: no text
/// when `key` is one of `keys`. `#[hook]` evaluates it in a const, spanned
/// at the user's key, and panics with the text.
pub const fn matcher_key_problem(point: &str, keys: &[&str], fields: &[&str], key: &str) -> ConstText {
    if contains(keys, key) {
        return ConstText::EMPTY;
    }
    let argument = contains(fields, key);
    let text = if argument {
        ConstText::join(&["`", key, "` is an argument of `", point, "` but not a key hooks may match on"])
    } else {
        ConstText::join(&["unknown matcher key `", key, "` for `", point, "`"])
    };
    let text = if keys.is_empty() {
        text.push("; `").push(point).push(
            "` has no key arguments to match on (its author marks them with `#[key]`, like `#[key] tool: String`)",
        )
    } else {
        let mut text = text.push("; its keys are ");
        let mut at = 0;
        while at < keys.len() {
            text = text.join_key(keys[at], at == 0);
            at += 1;
        }
        text
    };
    if argument {
        text
    } else {
        text.push("; the attribute's own keys are `tenant`, `order`, `timeout_ms`, `fallback`, `mode`")
    }
}

/// What is wrong with a hook written for contract `hook` of the point
/// `point` (written as the hook names it), whose version is `version`: no
/// text when the point accepts the hook. `#[hook]` evaluates it in a
/// const, spanned at the user's `contract = "..."`, and panics with the
/// text.
pub const fn contract_problem(point: &str, version: Option<Version>, hook: Version) -> ConstText {
    let Some(version) = version else {
        return ConstText::join(&["this hook is written for contract "]).push_version(hook).push(" of `").push(point).push(
            "`, which declares no contract version: remove `contract`, or ask the point's author to declare the version with `#[hookpoint(..., version = \"major.minor\")]`",
        );
    };
    if version.accepts(hook) {
        return ConstText::EMPTY;
    }
    let text = ConstText::join(&["`", point, "` is at contract version "])
        .push_version(version)
        .push(" and this hook is written for ")
        .push_version(hook);
    if version.major == hook.major {
        text.push(", which is newer: the hook may rely on what ")
            .push_version(hook)
            .push(" adds; write it for ")
            .push_version(version)
            .push(" and say `contract = \"")
            .push_version(version)
            .push("\"`, or build against the agent whose point is at ")
            .push_version(hook)
            .push(" or later")
    } else {
        text.push(": a new major version changes what the point promises its hooks; port the hook to ")
            .push_version(version)
            .push(" and say `contract = \"")
            .push_version(version)
            .push("\"`")
    }
}

/// Whether `names` holds `name`.
const fn contains(names: &[&str], name: &str) -> bool {
    let mut at = 0;
    while at < names.len() {
        if equal(names[at].as_bytes(), name.as_bytes()) {
            return true;
        }
        at += 1;
    }
    false
}

/// Whether `a` and `b` are the same bytes.
const fn equal(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut at = 0;
    while at < a.len() {
        if a[at] != b[at] {
            return false;
        }
        at += 1;
    }
    true
}

/// The crate of the module path `module` (`module_path!()`): its first
/// segment, the crate's name as the compiler knows it, the same name the
/// registration's origin type carries (`CARGO_CRATE_NAME` is not: a doc
/// test inherits the documented crate's).
pub const fn crate_of_module(module: &'static str) -> &'static str {
    let bytes = module.as_bytes();
    let mut at = 0;
    while at + 1 < bytes.len() && !(bytes[at] == b':' && bytes[at + 1] == b':') {
        at += 1;
    }
    if at + 1 >= bytes.len() {
        return module;
    }
    match std::str::from_utf8(bytes.split_at(at).0) {
        Ok(krate) => krate,
        Err(_) => module,
    }
}

/// The rate `#[hook(rate_limit = ...)]` declares: `limit` calls per
/// `window_ms`, both checked non-zero by the macro.
pub const fn rate(limit: u32, window_ms: u64) -> crate::store::Rate {
    let Some(limit) = std::num::NonZeroU32::new(limit) else { panic!("a rate limit admits at least one call") };
    match crate::store::Rate::new(limit, std::time::Duration::from_millis(window_ms)) {
        Some(rate) => rate,
        None => panic!("a rate limit's window is longer than zero"),
    }
}

/// The breaker `#[hook(breaker = ...)]` declares, its values checked
/// non-zero by the macro.
pub const fn breaker(failures: u32, window_ms: u64, probe_after_ms: u64) -> crate::store::Breaker {
    let Some(failures) = std::num::NonZeroU32::new(failures) else {
        panic!("a breaker opens after one failure or more")
    };
    let window = std::time::Duration::from_millis(window_ms);
    match crate::store::Breaker::new(failures, window, std::time::Duration::from_millis(probe_after_ms)) {
        Some(breaker) => breaker,
        None => panic!("a breaker's window and probe delay are longer than zero"),
    }
}

/// The retry `#[hook(retry = ..., backoff_ms = ...)]` declares, checked
/// non-zero by the macro.
pub const fn retry(times: u32, backoff_ms: u64) -> crate::patterns::Retry {
    let Some(times) = std::num::NonZeroU32::new(times) else { panic!("`retry` runs a hook again at least once") };
    crate::patterns::Retry::new(times, std::time::Duration::from_millis(backoff_ms))
}

#[cfg(test)]
mod tests {
    use super::{contract_problem, matcher_key_problem, ConstText};
    use crate::contract::Version;

    #[test]
    fn a_hook_of_the_same_major_and_an_older_minor_has_no_problem() {
        assert!(contract_problem("BeforeTool", Some(Version::new(2, 1)), Version::new(2, 0)).is_empty());
        assert!(contract_problem("BeforeTool", Some(Version::new(2, 1)), Version::new(2, 1)).is_empty());
    }

    #[test]
    fn a_contract_mismatch_names_both_versions() {
        let newer = contract_problem("BeforeTool", Some(Version::new(2, 0)), Version::new(2, 13));
        assert!(
            newer.as_str().starts_with(
                "`BeforeTool` is at contract version 2.0 and this hook is written for 2.13, which is newer"
            ),
            "{}",
            newer.as_str()
        );
        let major = contract_problem("BeforeTool", Some(Version::new(3, 0)), Version::new(2, 1));
        assert!(
            major
                .as_str()
                .starts_with("`BeforeTool` is at contract version 3.0 and this hook is written for 2.1: a new major"),
            "{}",
            major.as_str()
        );
        let huge = contract_problem("P", Some(Version::new(u32::MAX, 0)), Version::new(0, 0));
        assert!(huge.as_str().contains("version 4294967295.0 "), "{}", huge.as_str());
    }

    #[test]
    fn a_contract_for_a_point_without_version_is_refused() {
        let text = contract_problem("BeforeTool", None, Version::new(1, 0));
        assert!(text.as_str().contains("which declares no contract version"), "{}", text.as_str());
    }

    #[test]
    fn a_key_of_the_point_has_no_problem() {
        assert!(
            matcher_key_problem("before_tool", &["tool", "server"], &["tool", "server", "args"], "server").is_empty()
        );
    }

    #[test]
    fn an_unknown_key_is_named_with_the_points_keys() {
        let text = matcher_key_problem("before_tool", &["tool", "server"], &["tool", "server"], "tol");
        assert_eq!(
            text.as_str(),
            "unknown matcher key `tol` for `before_tool`; its keys are `tool`, `server`; the attribute's own keys are `tenant`, `order`, `timeout_ms`, `fallback`, `mode`"
        );
    }

    #[test]
    fn an_argument_that_is_not_a_key_is_told_apart() {
        let text = matcher_key_problem("before_search", &[], &["query"], "query");
        assert!(
            text.as_str().starts_with("`query` is an argument of `before_search` but not a key"),
            "{}",
            text.as_str()
        );
        assert!(text.as_str().contains("has no key arguments"), "{}", text.as_str());
    }

    #[test]
    fn the_crate_of_a_module_path_is_its_first_segment() {
        assert_eq!(super::crate_of_module("acme_hooks::search::eu"), "acme_hooks");
        assert_eq!(super::crate_of_module("acme_hooks"), "acme_hooks");
        assert_eq!(super::crate_of_module("a:b::c"), "a:b");
    }

    #[test]
    fn text_cut_at_its_capacity_stays_valid_utf8() {
        let long = "é".repeat(ConstText::CAPACITY);
        let text = ConstText::join(&["a", &long]);
        assert_eq!(text.as_str().len(), ConstText::CAPACITY - 1, "the half-copied `é` is dropped");
        assert!(text.as_str().starts_with("aé"));
    }
}
