//! Support for the code the macros generate. Not a public API: names here
//! change without notice.

pub use inventory;

pub use crate::error::CarriesHookError;
pub use crate::executor::{run_async, run_sync};
pub use crate::hook::{Hook, HookFn, HookFuture};
pub use crate::outcome::{InterceptorReturn, ObserverReturn};
pub use crate::point::PointTable;
pub use crate::redact::redacted_text_of;
pub use crate::registry::{ExpectedCrate, HookRegistration};
use crate::Ctx;

/// Boxes an `async fn` hook's future so that every hook of a point has one
/// function type.
pub fn box_hook<'a, F>(future: F) -> HookFuture<'a>
where
    F: ::core::future::Future<Output = Result<crate::Outcome, String>> + Send + 'a,
{
    Box::pin(future)
}

/// Requires `T` to be the point a hook names; on mismatch the error names
/// both.
#[diagnostic::on_unimplemented(
    message = "this hook is declared for `{P}` but its context is `Ctx<{Self}>`",
    label = "expected `Ctx<{P}>` here",
    note = "the context type must name the same point as `#[hook(...)]`"
)]
pub trait ContextOf<P>: Sized {
    /// The context, typed as the hook declares it.
    fn cast_mut(ctx: &mut Ctx<P>) -> &mut Ctx<Self>;
    /// The context, typed as the hook declares it.
    fn cast_ref(ctx: &Ctx<P>) -> &Ctx<Self>;
}

impl<P> ContextOf<P> for P {
    fn cast_mut(ctx: &mut Ctx<P>) -> &mut Ctx<P> {
        ctx
    }

    fn cast_ref(ctx: &Ctx<P>) -> &Ctx<P> {
        ctx
    }
}

/// Compiles only when `P` accepts `async fn` hooks.
pub const fn assert_async_point<P: crate::AsyncPoint>() {}

/// Compiles only when `R` can carry a [`HookError`](crate::HookError).
pub const fn assert_carries_hook_error<R: CarriesHookError>() {}
