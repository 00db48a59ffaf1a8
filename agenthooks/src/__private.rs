//! Support for the code the macros generate. Not a public API: names here
//! change without notice.
//!
//! Most items here exist for their error messages: each turns a mistake in
//! the user's code into one error, spoken in the user's terms, at the token
//! the macro spans it to. The `ui-tests` crate locks every message.

use std::marker::PhantomData;

pub use inventory;

pub use crate::error::CarriesHookError;
pub use crate::executor::{run_async, run_sync};
use crate::hook::HookFn;
pub use crate::hook::{Hook, HookFuture, DEFAULT_ORDER, DEFAULT_TIMEOUT_MS};
pub use crate::link::LinkedCrate;
pub use crate::outcome::{InterceptorReturn, ObserverReturn};
pub use crate::redact::redacted_text_of;
pub use crate::registry::HookRegistration;
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
/// picks [`DigestSerialized`] when the argument is `Serialize`, else
/// [`DigestNothing`] (the point's calls then cannot be approved).
#[derive(Debug)]
pub struct Field<'a, T>(pub &'a T);

/// See [`Field`]: the argument's JSON form.
pub trait DigestSerialized {
    /// Feeds the argument's content to `out`; `false` if it cannot be.
    fn digest(&self, out: &mut dyn FnMut(&[u8])) -> bool;
}

impl<T: serde::Serialize> DigestSerialized for &Field<'_, T> {
    fn digest(&self, out: &mut dyn FnMut(&[u8])) -> bool {
        serde_json::to_vec(self.0).map(|bytes| out(&bytes)).is_ok()
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
