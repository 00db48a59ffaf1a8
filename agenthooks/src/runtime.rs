//! Hooks registered at run time: closures, beside the hooks `#[hook]` links.
//!
//! Tests, plugins loaded while the agent runs and adapters for other hook
//! contracts register closures on a point with [`hook!`] and remove them
//! through the handle that registration returns. A registered hook gets
//! every guarantee a linked hook gets: it sorts into the chain by the same
//! rule (order, then crate, module and name), runs only for its tenant when
//! it names one, under its time limit, with failures contained and judged
//! by the point's failure policy, in its mode, with one audit line and one
//! span per run, and it is listed by [`registered`].
//!
//! A registered hook belongs to the crate whose code calls [`hook!`]: the
//! macro reads that crate's name from the compiler, and the hook's path is
//! that name followed by the path the call gives. So the deployment's
//! `link!` bindings apply to it as to the crate's linked hooks (a crate
//! bound to `acme` registers hooks that run for acme's calls only, whatever
//! `tenant` they name), and no crate registers a hook under another
//! crate's name, the deployment's or the runtime's own: operators' switches
//! and the audit log see the crate the hook comes from.
//!
//! Registering and removing never block a call: the point's table is built
//! anew off the call path and swapped in; a call runs on the table it
//! loaded.
//!
//! ```
//! use agenthooks::{hookpoint, runtime, HookError, Outcome, Session};
//!
//! #[hookpoint(BeforeSearch)]
//! fn search(session: &Session, query: String) -> Result<String, HookError> {
//!     Ok(query)
//! }
//!
//! let session = Session::new("s-1").with_tenant("acme");
//! let hook = runtime::hook!(BeforeSearch, "plugin::no_secrets")
//!     .order(10)
//!     .interceptor(|ctx: &mut agenthooks::Ctx<BeforeSearch>| {
//!         if ctx.query.contains("secret") {
//!             return Outcome::block("asks for a secret");
//!         }
//!         ctx.query.push_str(" lang:en");
//!         Outcome::Continue
//!     })
//!     .unwrap();
//! assert!(hook.meta().path.ends_with("::plugin::no_secrets"), "the registering crate's name goes first");
//! assert_eq!(search(&session, "weather".into()).unwrap(), "weather lang:en");
//! assert!(matches!(search(&session, "secret".into()), Err(HookError::Blocked(_))));
//!
//! hook.remove();
//! assert_eq!(search(&session, "weather".into()).unwrap(), "weather");
//! ```
#![doc = include_str!("../docs/runtime.md")]

use std::marker::PhantomData;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use crate::hook::{Hook, HookFn, HookFuture, HookKind, DEFAULT_ORDER, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS};
use crate::origin::{is_ident, Origin, Site};
use crate::patterns::{Exceeded, Patterns, Per, RateLimit, Retry, StoreDown, MAX_RETRIES};
use crate::point::{AsyncPoint, HookPoint};
use crate::policy::{Mode, OnFailure};
use crate::store::{Breaker, Rate};
use crate::{intern, Ctx, HookMeta, InterceptorReturn, Matcher, ObserverReturn};

/// Starts the registration of a hook on point `Point`, under `path`
/// within the crate whose code calls it: `hook!(Point, "plugin::no_secrets")`
/// in crate `acme_hooks` registers `acme_hooks::plugin::no_secrets`, the
/// hook's name as operators see it in listings, audit lines and
/// configuration. `path` is a `&str`, one or more identifiers joined by
/// `::`; the hook takes the `link!` binding of that crate.
///
/// Returns a [`Builder`], which registers the hook once given its closure.
#[doc(inline)]
pub use crate::__runtime_hook as hook;

/// See [`runtime::hook!`](crate::runtime::hook).
#[doc(hidden)]
#[macro_export]
macro_rules! __runtime_hook {
    ($point:ty, $path:expr $(,)?) => {{
        // The crate this call is written in, as the compiler names it.
        struct __AgenthooksOrigin;
        impl $crate::__private::Origin for __AgenthooksOrigin {}
        $crate::runtime::Builder::<$point>::new::<__AgenthooksOrigin>($path)
    }};
}

/// The settings of a hook about to be registered, as `#[hook]`'s keys give
/// them to a linked hook; the same defaults.
#[derive(Debug)]
#[must_use = "a hook is registered only by `interceptor`, `observer`, `async_interceptor` or `async_observer`"]
pub struct Builder<P> {
    /// The crate whose code registers the hook.
    krate: &'static str,
    /// The path within that crate.
    path: String,
    tenant: Option<String>,
    order: i32,
    timeout_ms: u64,
    fallback: Option<bool>,
    mode: Mode,
    matchers: Vec<(String, String)>,
    rate_limit: Option<(u32, Duration, Per)>,
    exceeded: Exceeded,
    retry: Option<(u32, Duration)>,
    breaker: Option<(u32, Duration, Duration)>,
    store_down: StoreDown,
    point: PhantomData<fn() -> P>,
}

impl<P: HookPoint> Builder<P> {
    /// The registration of a hook under `path` within the crate that
    /// defines `O`: what [`hook!`] expands to.
    #[doc(hidden)]
    pub fn new<O: Origin>(path: &str) -> Self {
        Builder {
            krate: Site::of::<O>().krate(),
            path: path.to_owned(),
            tenant: None,
            order: DEFAULT_ORDER,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            fallback: None,
            mode: Mode::Enforce,
            matchers: Vec::new(),
            rate_limit: None,
            exceeded: Exceeded::default(),
            retry: None,
            breaker: None,
            store_down: StoreDown::default(),
            point: PhantomData,
        }
    }

    /// Runs the hook only for calls of `tenant`.
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = Some(tenant.into());
        self
    }

    /// The hook's position in the chain: lower runs first.
    pub fn order(mut self, order: i32) -> Self {
        self.order = order;
        self
    }

    /// How long one run may take, in milliseconds (1 to 300,000).
    pub fn timeout_ms(mut self, timeout_ms: u64) -> Self {
        self.timeout_ms = timeout_ms;
        self
    }

    /// Whether a failure of the hook is let through, where the point's
    /// failure policy allows it (`fallback = …` of `#[hook]`).
    pub fn fallback(mut self, fallback: bool) -> Self {
        self.fallback = Some(fallback);
        self
    }

    /// Whether the hook's decisions are enforced or only audited.
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// Runs the hook only for calls whose key argument `key` matches the
    /// glob `pattern`, as `key = "pattern"` does in `#[hook]` (see
    /// [`matcher`](crate::matcher)); several matchers must all match.
    pub fn matching(mut self, key: &str, pattern: &str) -> Self {
        self.matchers.push((key.to_owned(), pattern.to_owned()));
        self
    }

    /// Admits at most `limit` calls per `window` counted `per` tenant,
    /// session or hook, as `rate_limit = "500/60s per tenant"` does in
    /// `#[hook]` (see [`patterns`](crate::patterns)).
    ///
    /// ```
    /// use std::time::Duration;
    /// use agenthooks::patterns::{Exceeded, Per};
    /// use agenthooks::{hookpoint, runtime, HookError, Outcome, Session};
    ///
    /// #[hookpoint(BeforeSearch)]
    /// fn search(session: &Session, query: String) -> Result<String, HookError> {
    ///     Ok(query)
    /// }
    ///
    /// let hook = runtime::hook!(BeforeSearch, "plugin::limited")
    ///     .rate_limit(2, Duration::from_secs(60), Per::Session)
    ///     .exceeded(Exceeded::Block)
    ///     .observer(|_ctx: &agenthooks::Ctx<BeforeSearch>| Outcome::Continue)
    ///     .unwrap();
    /// let session = Session::new("s-1");
    /// assert!(search(&session, "a".into()).is_ok());
    /// assert!(search(&session, "b".into()).is_ok());
    /// assert!(matches!(search(&session, "c".into()), Err(HookError::RateLimited { .. })));
    /// # hook.remove();
    /// ```
    pub fn rate_limit(mut self, limit: u32, window: Duration, per: Per) -> Self {
        self.rate_limit = Some((limit, window, per));
        self
    }

    /// What a call over the rate limit does: block the call (the default)
    /// or skip the hook.
    pub fn exceeded(mut self, exceeded: Exceeded) -> Self {
        self.exceeded = exceeded;
        self
    }

    /// Runs a failing `async` hook again up to `times` times, `backoff`
    /// after each failure, all within its time limit (`retry = 3,
    /// backoff_ms = 100`); only for hooks registered with
    /// `async_interceptor` or `async_observer`.
    pub fn retry(mut self, times: u32, backoff: Duration) -> Self {
        self.retry = Some((times, backoff));
        self
    }

    /// Skips the hook once it failed `failures` times within `window`, and
    /// lets one call probe it `probe_after` later (`breaker = "5 in 60s,
    /// probe after 30s"`).
    pub fn breaker(mut self, failures: u32, window: Duration, probe_after: Duration) -> Self {
        self.breaker = Some((failures, window, probe_after));
        self
    }

    /// What the hook does when the store of its rate limit or breaker
    /// cannot answer: fail (the default) or run unchecked.
    pub fn store_down(mut self, store_down: StoreDown) -> Self {
        self.store_down = store_down;
        self
    }

    /// Registers `hook`, which may change the arguments.
    pub fn interceptor<F, R>(self, hook: F) -> Result<Registered<P>, RegisterError>
    where
        F: Fn(&mut Ctx<P>) -> R + Send + Sync + 'static,
        R: InterceptorReturn,
    {
        let run = Arc::new(move |ctx: &mut Ctx<P>| hook(ctx).into_hook_result());
        self.register(HookKind::Interceptor, HookFn::InterceptorClosure(run))
    }

    /// Registers `hook`, which only reads the arguments.
    pub fn observer<F, R>(self, hook: F) -> Result<Registered<P>, RegisterError>
    where
        F: Fn(&Ctx<P>) -> R + Send + Sync + 'static,
        R: ObserverReturn,
    {
        let run = Arc::new(move |ctx: &Ctx<P>| hook(ctx).into_hook_result());
        self.register(HookKind::Observer, HookFn::ObserverClosure(run))
    }

    fn register(self, kind: HookKind, run: HookFn<P>) -> Result<Registered<P>, RegisterError> {
        let meta = self.meta(kind, run.is_async())?;
        let id = P::table().register(Hook::new(meta, run))?;
        Ok(Registered { id, meta, point: PhantomData })
    }

    fn meta(&self, kind: HookKind, is_async: bool) -> Result<&'static HookMeta, RegisterError> {
        if !is_ident(self.krate) || !self.path.split("::").all(is_ident) {
            return Err(RegisterError::InvalidPath { path: self.path.clone() });
        }
        let path = format!("{}::{}", self.krate, self.path);
        let (module, name) = path.rsplit_once("::").unwrap_or((self.krate, &self.path));
        if !(1..=MAX_TIMEOUT_MS).contains(&self.timeout_ms) {
            return Err(RegisterError::InvalidTimeout { timeout_ms: self.timeout_ms });
        }
        if self.tenant.as_deref() == Some("") {
            return Err(RegisterError::EmptyTenant);
        }
        if self.fallback == Some(true) && P::ON_FAILURE == OnFailure::Deny {
            return Err(RegisterError::FallbackNotAllowed { point: P::NAME });
        }
        let mut matchers = Vec::with_capacity(self.matchers.len());
        for (key, pattern) in &self.matchers {
            let Some(key) = P::KEYS.iter().find(|known| *known == key) else {
                return Err(RegisterError::UnknownKey { point: P::NAME, key: key.clone(), keys: P::KEYS });
            };
            if pattern.is_empty() || globset::Glob::new(pattern).is_err() {
                return Err(RegisterError::InvalidPattern { key, pattern: pattern.clone() });
            }
            matchers.push(Matcher { key, pattern: intern::text(pattern) });
        }
        let patterns = self.patterns(is_async)?;
        Ok(intern::meta(HookMeta {
            point: P::NAME,
            name: intern::text(name),
            crate_name: self.krate,
            module: intern::text(module),
            path: intern::text(&path),
            tenant: self.tenant.as_deref().map(intern::text),
            order: self.order,
            timeout_ms: self.timeout_ms,
            fallback: self.fallback.unwrap_or(true),
            kind,
            is_async,
            mode: self.mode,
            matchers: intern::matchers(matchers),
            patterns: patterns.map(intern::patterns),
            contract: None,
        }))
    }

    /// The patterns the builder was given, checked; `None` for none.
    fn patterns(&self, is_async: bool) -> Result<Option<Patterns>, RegisterError> {
        let declared = self.rate_limit.is_some() || self.retry.is_some() || self.breaker.is_some();
        if declared && !P::ALLOWS_PATTERNS {
            return Err(RegisterError::PatternsNotAllowed { point: P::NAME });
        }
        let rate_limit = match self.rate_limit {
            None => None,
            Some((limit, window, per)) => {
                let rate = NonZeroU32::new(limit).and_then(|limit| Rate::new(limit, window));
                let rate = rate.ok_or(RegisterError::InvalidRateLimit { limit, window })?;
                Some(RateLimit { rate, per, exceeded: self.exceeded })
            }
        };
        let retry = match self.retry {
            None => None,
            Some(_) if !is_async => return Err(RegisterError::RetryNeedsAsync),
            Some((times, backoff)) => {
                let times = NonZeroU32::new(times).filter(|times| times.get() <= MAX_RETRIES);
                let times =
                    times.ok_or(RegisterError::InvalidRetry { times: self.retry.map_or(0, |(times, _)| times) })?;
                Some(Retry::new(times, backoff))
            }
        };
        let breaker = match self.breaker {
            None => None,
            Some((failures, window, probe_after)) => {
                let breaker =
                    NonZeroU32::new(failures).and_then(|failures| Breaker::new(failures, window, probe_after));
                Some(breaker.ok_or(RegisterError::InvalidBreaker { failures, window, probe_after })?)
            }
        };
        if rate_limit.is_none() && retry.is_none() && breaker.is_none() {
            return Ok(None);
        }
        Ok(Some(Patterns { rate_limit, retry, breaker, store_down: self.store_down }))
    }
}

impl<P: AsyncPoint> Builder<P> {
    /// Registers the async `hook`, which may change the arguments. It returns
    /// its future boxed: `|ctx| Box::pin(async move { … })`.
    ///
    /// ```
    /// use agenthooks::{hookpoint, runtime, Ctx, HookError, Outcome, Session};
    ///
    /// #[hookpoint(BeforeFetch)]
    /// async fn fetch(session: &Session, url: String) -> Result<String, HookError> {
    ///     Ok(url)
    /// }
    ///
    /// let hook = runtime::hook!(BeforeFetch, "plugin::https_only")
    ///     .async_interceptor(|ctx: &mut Ctx<BeforeFetch>| {
    ///         Box::pin(async move {
    ///             ctx.url = ctx.url.replace("http://", "https://");
    ///             Ok(Outcome::Continue)
    ///         })
    ///     })
    ///     .unwrap();
    /// # hook.remove();
    /// ```
    pub fn async_interceptor<F>(self, hook: F) -> Result<Registered<P>, RegisterError>
    where
        F: for<'c> Fn(&'c mut Ctx<P>) -> HookFuture<'c> + Send + Sync + 'static,
    {
        // The closure's own code runs inside the future, where the executor
        // catches its panics and measures its time.
        let hook = Arc::new(hook);
        let run = Arc::new(mutable_future(move |ctx| {
            let hook = Arc::clone(&hook);
            Box::pin(async move { hook(ctx).await })
        }));
        self.register(HookKind::Interceptor, HookFn::AsyncInterceptorClosure(run))
    }

    /// Registers the async `hook`, which only reads the arguments.
    pub fn async_observer<F>(self, hook: F) -> Result<Registered<P>, RegisterError>
    where
        F: for<'c> Fn(&'c Ctx<P>) -> HookFuture<'c> + Send + Sync + 'static,
    {
        let hook = Arc::new(hook);
        let run = Arc::new(shared_future(move |ctx| {
            let hook = Arc::clone(&hook);
            Box::pin(async move { hook(ctx).await })
        }));
        self.register(HookKind::Observer, HookFn::AsyncObserverClosure(run))
    }
}

/// `hook`, its signature fixed for every lifetime of its context (a
/// closure's own annotations cannot say that its future borrows it).
fn mutable_future<P, F: for<'c> Fn(&'c mut Ctx<P>) -> HookFuture<'c>>(hook: F) -> F {
    hook
}

/// `hook`, its signature fixed for every lifetime of its context.
fn shared_future<P, F: for<'c> Fn(&'c Ctx<P>) -> HookFuture<'c>>(hook: F) -> F {
    hook
}

/// A hook registered at run time. Dropping the handle removes the hook;
/// [`keep`](Registered::keep) leaves it registered for the life of the
/// process.
#[must_use = "dropping the handle removes the hook at once; call `keep()` to keep it registered"]
pub struct Registered<P: HookPoint> {
    id: u64,
    meta: &'static HookMeta,
    point: PhantomData<fn() -> P>,
}

impl<P: HookPoint> Registered<P> {
    /// The hook's metadata, as listings and audit lines show it.
    pub fn meta(&self) -> &'static HookMeta {
        self.meta
    }

    /// Removes the hook: calls that load the point's table from now on do
    /// not run it; a call already running it finishes.
    pub fn remove(self) {
        drop(self);
    }

    /// Leaves the hook registered for the life of the process.
    pub fn keep(self) {
        std::mem::forget(self);
    }
}

impl<P: HookPoint> Drop for Registered<P> {
    fn drop(&mut self) {
        P::table().unregister(self.id);
    }
}

impl<P: HookPoint> std::fmt::Debug for Registered<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registered").field("meta", self.meta).finish_non_exhaustive()
    }
}

/// Every hook registered at run time and not yet removed, sorted by point,
/// then in chain order. [`linked_hooks`](crate::linked_hooks) lists the
/// linked ones.
pub fn registered() -> Vec<&'static HookMeta> {
    let mut hooks = crate::table::registered();
    hooks.sort_by_key(|meta| (meta.point, meta.chain_key()));
    hooks
}

/// Why a hook could not be registered. Nothing was registered.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegisterError {
    /// The path is not a Rust path: identifiers joined by `::`.
    #[error("cannot register hook `{path}`: name it like a Rust path within your crate, e.g. `plugin::no_secrets` (the crate's name goes in front)")]
    InvalidPath {
        /// The path given.
        path: String,
    },
    /// A hook with this path already runs at the point.
    #[error("cannot register hook `{path}` at `{point}`: a hook of that path is already linked or registered there; give it another path or remove the other one first")]
    Duplicate {
        /// The point's name.
        point: &'static str,
        /// The path given.
        path: String,
    },
    /// The time limit is out of range.
    #[error("cannot register a hook with `timeout_ms = {timeout_ms}`: give a whole number of milliseconds from 1 to 300000 (5 minutes)")]
    InvalidTimeout {
        /// The time limit given.
        timeout_ms: u64,
    },
    /// The tenant is the empty string.
    #[error("cannot register a hook for the empty tenant: name a tenant, or leave it out to run for every tenant")]
    EmptyTenant,
    /// A matcher names a key the point does not have.
    #[error("cannot register a hook matching `{key}` at `{point}`: its keys are {keys:?}")]
    UnknownKey {
        /// The point's name.
        point: &'static str,
        /// The key given.
        key: String,
        /// The point's keys.
        keys: &'static [&'static str],
    },
    /// A matcher's pattern is empty or not a glob.
    #[error("cannot register a hook matching `{key} = {pattern:?}`: the pattern is empty or not a glob")]
    InvalidPattern {
        /// The key.
        key: &'static str,
        /// The pattern given.
        pattern: String,
    },
    /// A rate limit of zero calls, or over a zero window.
    #[error("cannot register a hook with a rate limit of {limit} calls per {window:?}: give at least one call per window longer than zero")]
    InvalidRateLimit {
        /// The calls per window given.
        limit: u32,
        /// The window given.
        window: Duration,
    },
    /// `retry` on a hook that is not `async`.
    #[error("cannot register a plain hook with `retry`: only `async_interceptor` and `async_observer` hooks are retried (a plain hook's failure is final); remove `retry` or register the hook as async")]
    RetryNeedsAsync,
    /// A number of retries out of range.
    #[error("cannot register a hook with `retry({times}, ..)`: give a number of retries from 1 to {MAX_RETRIES}")]
    InvalidRetry {
        /// The retries given.
        times: u32,
    },
    /// A breaker of zero failures, or over a zero duration.
    #[error("cannot register a hook with `breaker({failures}, {window:?}, {probe_after:?})`: give at least one failure, a window and a probe delay longer than zero")]
    InvalidBreaker {
        /// The failures given.
        failures: u32,
        /// The window given.
        window: Duration,
        /// The probe delay given.
        probe_after: Duration,
    },
    /// The point admits one hook per tenant (`#[hookpoint(Point, single)]`)
    /// and another already runs for the tenant (or, for a hook of every
    /// tenant, for some tenant).
    #[error("cannot register hook `{path}` at `{point}`: the point admits one hook per tenant and `{in_place}` already runs for {}; remove that one first, or register this one for another tenant", crate::single::for_tenant(tenant.as_deref()))]
    Occupied {
        /// The point's name.
        point: &'static str,
        /// The path given.
        path: String,
        /// The tenant both would run for; `None` for every tenant.
        tenant: Option<String>,
        /// The hook in place, as `crate::module::name`.
        in_place: &'static str,
    },
    /// `fallback(true)` on a point whose failures deny the call.
    #[error("cannot register a hook with `fallback(true)` at `{point}`: the point's failure policy denies the call when a hook fails, and a hook cannot loosen it")]
    FallbackNotAllowed {
        /// The point's name.
        point: &'static str,
    },
    /// A rate limit, retry or breaker on a point whose hooks run once per
    /// event of a stream (see [`HookPoint::ALLOWS_PATTERNS`]).
    #[error("cannot register a hook with a rate limit, retry or breaker at `{point}`: its hooks run once per event of a stream and take none; put the limit on the point that opens the stream, e.g. `lifecycle.before_llm`")]
    PatternsNotAllowed {
        /// The point's name.
        point: &'static str,
    },
}
