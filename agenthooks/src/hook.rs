//! One linked hook: what it is called, where it comes from, how it runs.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::context::Ctx;
use crate::contract::Version;
use crate::matcher::Matcher;
use crate::patterns::Patterns;
use crate::policy::Mode;

/// Everything known about a linked hook before it runs: the attribute's
/// settings and where the function lives.
///
/// Listed by [`linked_hooks`](crate::linked_hooks) and carried by every
/// [`Execution`](crate::Execution).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
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
    /// On a point that lets failures through (`on_failure = "continue"`),
    /// whether the call goes on without the hook when it fails (`true`) or
    /// fails with it; a point that fails closed (the default) fails the call
    /// either way.
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
    /// Its rate limit, retry and circuit breaker (see
    /// [`patterns`](crate::patterns)); `None` when it declares none, and
    /// then the executor checks nothing more.
    pub patterns: Option<&'static Patterns>,
    /// The contract version of its point the hook is written for
    /// (`contract = "2.0"`); `None` accepts any version. Checked when the
    /// hook compiles (see [`contract`](crate::contract)).
    pub contract: Option<Version>,
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HookKind {
    /// Takes `&mut Ctx<P>`: may rewrite argument fields.
    Interceptor,
    /// Takes `&Ctx<P>`: reads only.
    Observer,
}

/// The boxed future an `async fn` hook returns: a hook registered at run
/// time with an async closure returns one, written
/// `Box::pin(async move { … })`.
pub type HookFuture<'a> = Pin<Box<dyn Future<Output = Result<crate::Outcome, String>> + Send + 'a>>;

/// The order a hook that says none runs at.
pub const DEFAULT_ORDER: i32 = 100;

/// The time limit of a hook that says none, in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u64 = 500;

/// The longest time limit a hook may have, in milliseconds (5 minutes);
/// `#[hook]` checks the same bound at compile time.
pub(crate) const MAX_TIMEOUT_MS: u64 = 300_000;

/// A plain closure registered at run time (see [`runtime`](crate::runtime))
/// that may change the arguments.
pub(crate) type InterceptorClosure<P> = Arc<dyn Fn(&mut Ctx<P>) -> Result<crate::Outcome, String> + Send + Sync>;

/// A plain closure registered at run time that reads the arguments.
pub(crate) type ObserverClosure<P> = Arc<dyn Fn(&Ctx<P>) -> Result<crate::Outcome, String> + Send + Sync>;

/// An async closure registered at run time that may change the arguments.
pub(crate) type AsyncInterceptorClosure<P> = Arc<dyn for<'c> Fn(&'c mut Ctx<P>) -> HookFuture<'c> + Send + Sync>;

/// An async closure registered at run time that reads the arguments.
pub(crate) type AsyncObserverClosure<P> = Arc<dyn for<'c> Fn(&'c Ctx<P>) -> HookFuture<'c> + Send + Sync>;

/// How a hook is called: the function `#[hook]` generates around the user's
/// hook, or a closure registered at run time. Either turns the hook's return
/// value into an outcome or an error.
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
    /// A closure taking `&mut Ctx<P>`.
    InterceptorClosure(InterceptorClosure<P>),
    /// A closure taking `&Ctx<P>`.
    ObserverClosure(ObserverClosure<P>),
    /// A closure taking `&mut Ctx<P>` and returning a future.
    AsyncInterceptorClosure(AsyncInterceptorClosure<P>),
    /// A closure taking `&Ctx<P>` and returning a future.
    AsyncObserverClosure(AsyncObserverClosure<P>),
}

impl<P> HookFn<P> {
    /// Whether the hook returns a future to await.
    #[inline]
    pub(crate) fn is_async(&self) -> bool {
        matches!(
            self,
            HookFn::AsyncInterceptor(_)
                | HookFn::AsyncObserver(_)
                | HookFn::AsyncInterceptorClosure(_)
                | HookFn::AsyncObserverClosure(_)
        )
    }

    /// Whether the hook may change the arguments, so that they are
    /// snapshotted before it runs.
    #[inline]
    pub(crate) fn changes(&self) -> bool {
        matches!(
            self,
            HookFn::Interceptor(_)
                | HookFn::AsyncInterceptor(_)
                | HookFn::InterceptorClosure(_)
                | HookFn::AsyncInterceptorClosure(_)
        )
    }

    /// Whether the hook is a closure registered at run time.
    pub(crate) fn is_closure(&self) -> bool {
        matches!(
            self,
            HookFn::InterceptorClosure(_)
                | HookFn::ObserverClosure(_)
                | HookFn::AsyncInterceptorClosure(_)
                | HookFn::AsyncObserverClosure(_)
        )
    }

    /// Calls a plain hook; `None` for an async one.
    #[inline]
    pub(crate) fn call(&self, ctx: &mut Ctx<P>) -> Option<Result<crate::Outcome, String>> {
        Some(match self {
            HookFn::Interceptor(run) => run(ctx),
            HookFn::Observer(run) => run(ctx),
            HookFn::InterceptorClosure(run) => run(ctx),
            HookFn::ObserverClosure(run) => run(ctx),
            HookFn::AsyncInterceptor(_)
            | HookFn::AsyncObserver(_)
            | HookFn::AsyncInterceptorClosure(_)
            | HookFn::AsyncObserverClosure(_) => return None,
        })
    }

    /// Starts an async hook; `None` for a plain one.
    pub(crate) fn start<'c>(&self, ctx: &'c mut Ctx<P>) -> Option<HookFuture<'c>> {
        Some(match self {
            HookFn::AsyncInterceptor(start) => start(ctx),
            HookFn::AsyncObserver(start) => start(ctx),
            HookFn::AsyncInterceptorClosure(start) => start(ctx),
            HookFn::AsyncObserverClosure(start) => start(ctx),
            HookFn::Interceptor(_)
            | HookFn::Observer(_)
            | HookFn::InterceptorClosure(_)
            | HookFn::ObserverClosure(_) => return None,
        })
    }
}

impl<P> Clone for HookFn<P> {
    fn clone(&self) -> Self {
        match self {
            HookFn::Interceptor(run) => HookFn::Interceptor(*run),
            HookFn::Observer(run) => HookFn::Observer(*run),
            HookFn::AsyncInterceptor(run) => HookFn::AsyncInterceptor(*run),
            HookFn::AsyncObserver(run) => HookFn::AsyncObserver(*run),
            HookFn::InterceptorClosure(run) => HookFn::InterceptorClosure(Arc::clone(run)),
            HookFn::ObserverClosure(run) => HookFn::ObserverClosure(Arc::clone(run)),
            HookFn::AsyncInterceptorClosure(run) => HookFn::AsyncInterceptorClosure(Arc::clone(run)),
            HookFn::AsyncObserverClosure(run) => HookFn::AsyncObserverClosure(Arc::clone(run)),
        }
    }
}

impl<P> fmt::Debug for HookFn<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HookFn::Interceptor(_) => "Interceptor",
            HookFn::Observer(_) => "Observer",
            HookFn::AsyncInterceptor(_) => "AsyncInterceptor",
            HookFn::AsyncObserver(_) => "AsyncObserver",
            HookFn::InterceptorClosure(_) => "InterceptorClosure",
            HookFn::ObserverClosure(_) => "ObserverClosure",
            HookFn::AsyncInterceptorClosure(_) => "AsyncInterceptorClosure",
            HookFn::AsyncObserverClosure(_) => "AsyncObserverClosure",
        })
    }
}

/// A hook of point `P`: its metadata and how to call it. Linked hooks are
/// `static`s `#[hook]` generates; a point's table holds copies of them,
/// beside hooks registered at run time, with the settings the deployment's
/// configuration gives them.
#[doc(hidden)]
pub struct Hook<P> {
    pub(crate) meta: &'static HookMeta,
    pub(crate) run: HookFn<P>,
}

impl<P> Clone for Hook<P> {
    fn clone(&self) -> Self {
        Hook { meta: self.meta, run: self.run.clone() }
    }
}

impl<P> fmt::Debug for Hook<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hook").field("meta", self.meta).field("run", &self.run).finish()
    }
}

impl<P> Hook<P> {
    /// A hook made of its metadata and function; used by `#[hook]`.
    pub const fn new(meta: &'static HookMeta, run: HookFn<P>) -> Self {
        Hook { meta, run }
    }
}

impl<P: crate::HookPoint> Hook<P> {
    /// The hook `path` of the runtime crate, which stands in for hooks that
    /// must not run: first in the chain of `tenant` (`None`: every
    /// tenant), it runs none of them and blocks every call with `reason`.
    pub(crate) fn stand_in(path: &'static str, tenant: Option<&'static str>, reason: String) -> Self {
        let (module, name) = path.rsplit_once("::").unwrap_or(("agenthooks", path));
        let meta = crate::intern::meta(HookMeta {
            point: P::NAME,
            name,
            crate_name: "agenthooks",
            module,
            path,
            tenant,
            order: i32::MIN,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            fallback: false,
            kind: HookKind::Observer,
            is_async: false,
            mode: Mode::Enforce,
            matchers: &[],
            patterns: None,
            contract: None,
        });
        Hook::new(meta, HookFn::ObserverClosure(Arc::new(move |_| Ok(crate::Outcome::Block(reason.clone())))))
    }
}
