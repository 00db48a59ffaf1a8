//! One linked hook: what it is called, where it comes from, how it runs.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::context::Ctx;
use crate::matcher::Matcher;
use crate::policy::Mode;

/// Everything known about a linked hook before it runs: the attribute's
/// settings and where the function lives.
///
/// Listed by [`linked_hooks`](crate::linked_hooks) and carried by every
/// [`Execution`](crate::Execution).
#[derive(Debug, PartialEq, Eq)]
pub struct HookMeta {
    /// Name of the point the hook is attached to, e.g. `before_search`.
    pub point: &'static str,
    /// The hook function's name, e.g. `eu_only`.
    pub name: &'static str,
    /// The crate that defines the hook, as Rust spells it (`acme_hooks`).
    pub crate_name: &'static str,
    /// The module path of the hook, crate included (`acme_hooks::search`).
    pub module: &'static str,
    /// The hook's full path, `module::name` (`acme_hooks::search::eu_only`).
    pub path: &'static str,
    /// The only tenant the hook runs for; `None` runs it for every tenant.
    pub tenant: Option<&'static str>,
    /// Position in the chain: lower runs first.
    pub order: i32,
    /// How long one run may take, in milliseconds.
    pub timeout_ms: u64,
    /// Whether the call goes on when the hook fails (`true`) or fails with it.
    pub fallback: bool,
    /// Whether the hook may change the arguments (`&mut Ctx`) or only reads
    /// them (`&Ctx`).
    pub kind: HookKind,
    /// Whether the hook is an `async fn`.
    pub is_async: bool,
    /// Whether its decisions are enforced or only audited (`mode`).
    pub mode: Mode,
    /// Its matchers on the point's key arguments (`tool = "fs_*"`): the hook
    /// runs only for calls that match them all. Empty: every call.
    pub matchers: &'static [Matcher],
}

impl HookMeta {
    /// The hook's run-time limit.
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }

    /// The sort key of the chain: order, then crate, module and name, so that
    /// link order never decides.
    pub(crate) fn chain_key(&self) -> (i32, &'static str, &'static str, &'static str) {
        (self.order, self.crate_name, self.module, self.name)
    }
}

/// Whether a hook may change the arguments of the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HookKind {
    /// Takes `&mut Ctx<P>`: may rewrite argument fields.
    Interceptor,
    /// Takes `&Ctx<P>`: reads only.
    Observer,
}

/// The boxed future an async hook returns.
#[doc(hidden)]
pub type HookFuture<'a> = Pin<Box<dyn Future<Output = Result<crate::Outcome, String>> + Send + 'a>>;

/// The function the `#[hook]` macro generates around the user's hook: it
/// calls the hook and turns its return value into an outcome or an error.
#[doc(hidden)]
pub enum HookFn<P> {
    /// A plain `fn` taking `&mut Ctx<P>`.
    Interceptor(for<'c> fn(&'c mut Ctx<P>) -> Result<crate::Outcome, String>),
    /// A plain `fn` taking `&Ctx<P>`.
    Observer(for<'c> fn(&'c Ctx<P>) -> Result<crate::Outcome, String>),
    /// An `async fn` taking `&mut Ctx<P>`.
    AsyncInterceptor(for<'c> fn(&'c mut Ctx<P>) -> HookFuture<'c>),
    /// An `async fn` taking `&Ctx<P>`.
    AsyncObserver(for<'c> fn(&'c Ctx<P>) -> HookFuture<'c>),
}

impl<P> fmt::Debug for HookFn<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HookFn::Interceptor(_) => "Interceptor",
            HookFn::Observer(_) => "Observer",
            HookFn::AsyncInterceptor(_) => "AsyncInterceptor",
            HookFn::AsyncObserver(_) => "AsyncObserver",
        })
    }
}

/// A linked hook of point `P`: its metadata and its function.
#[doc(hidden)]
pub struct Hook<P> {
    pub(crate) meta: HookMeta,
    pub(crate) run: HookFn<P>,
}

impl<P> fmt::Debug for Hook<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hook").field("meta", &self.meta).field("run", &self.run).finish()
    }
}

impl<P> Hook<P> {
    /// A hook made of its metadata and function; used by `#[hook]`.
    pub const fn new(meta: HookMeta, run: HookFn<P>) -> Self {
        Hook { meta, run }
    }
}
