//! Where rate limits and circuit breakers keep their state.
//!
//! One process keeps it in memory; replicas of one deployment share it
//! through a store every replica reaches (the `agenthooks-redis` crate). Both
//! follow the same rules, written here, so a hook behaves the same whichever
//! store the deployment installs:
//!
//! - **Rate limits** are a generic cell rate algorithm (GCRA): a [`Rate`] of
//!   `limit` calls per `window` admits a burst of `limit` calls at once, then
//!   one call every `window / limit`. Over any span of time `t`, at most
//!   `limit + floor(t × limit / window)` calls are admitted, whatever the
//!   number of replicas. A refused call changes no state.
//! - **Circuit breakers** ([`Breaker`]) count the failures of a hook in a
//!   window that starts at the first failure; the `failures`-th failure
//!   within `window` opens the breaker. While open, the hook does not run
//!   ([`Permit::Open`]). Once `probe_after` has passed, one call, and one
//!   only, is the probe ([`Permit::Probe`]): its success closes the breaker
//!   and clears its count, its failure opens it again for `probe_after`. A
//!   probe that never reports back frees its place after `probe_after`.
//!
//! Keys are chosen by the executor, and every piece of state belongs to one
//! hook and one tenant: no tenant's calls use up another tenant's limit, and
//! no tenant's failures open another tenant's breaker.
//!
//! | state                         | key                                                   |
//! |-------------------------------|-------------------------------------------------------|
//! | rate limit `per tenant`       | `rate/<point>/<hook>/tenant/<tenant>`                 |
//! | rate limit `per session`      | `rate/<point>/<hook>/tenant/<tenant>/session/<id>`    |
//! | rate limit `per hook`         | `rate/<point>/<hook>`                                 |
//! | circuit breaker               | `breaker/<point>/<hook>/tenant/<tenant>`              |
//!
//! A session without a tenant has `no-tenant` in place of
//! `tenant/<tenant>`: such sessions share their tenant's state with one
//! another, never with a tenant's. Every part is escaped (`%` as `%25`, `/`
//! as `%2F`), so that two different scopes never make one key whatever
//! their ids hold. A limit `per hook` is the one state every tenant shares,
//! as it says: one bucket for every call of the hook, for a resource all
//! tenants use up together. A store adds its own namespace so that
//! deployments sharing one server never share state.

use std::fmt;
use std::future::Future;
use std::num::NonZeroU32;
use std::pin::Pin;
use std::time::Duration;

/// The future a [`Store`] returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Shared state for rate limits and circuit breakers.
///
/// Every method changes its key's state atomically: two replicas asking at
/// once never both take the last call of a window, and never both become the
/// probe of one breaker.
pub trait Store: Send + Sync + fmt::Debug + 'static {
    /// Takes one call from the bucket `key` under `rate`: `Ok(true)` if the
    /// call is admitted, `Ok(false)` if the rate is exceeded (and the state
    /// is left as it was).
    fn admit<'a>(&'a self, key: &'a str, rate: Rate) -> StoreFuture<'a, bool>;

    /// Whether a call of the hook guarded by the breaker `key` may run now;
    /// a [`Permit::Probe`] must be followed by [`Store::record`].
    fn permit<'a>(&'a self, key: &'a str, breaker: Breaker) -> StoreFuture<'a, Permit>;

    /// Records how a run that `permit` let through ended.
    fn record<'a>(&'a self, key: &'a str, breaker: Breaker, permit: Permit, succeeded: bool) -> StoreFuture<'a, ()>;
}

/// At most `limit` calls per `window` (see the module's rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rate {
    limit: NonZeroU32,
    window: Duration,
}

impl Rate {
    /// `limit` calls per `window`; `None` if `window` is zero.
    pub const fn new(limit: NonZeroU32, window: Duration) -> Option<Self> {
        if window.is_zero() {
            None
        } else {
            Some(Rate { limit, window })
        }
    }

    /// The calls admitted per window.
    pub const fn limit(self) -> NonZeroU32 {
        self.limit
    }

    /// The window.
    pub const fn window(self) -> Duration {
        self.window
    }

    /// The time one call takes from the bucket: `window / limit`.
    pub fn interval(self) -> Duration {
        self.window / self.limit.get()
    }
}

/// A circuit breaker's settings (see the module's rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Breaker {
    failures: NonZeroU32,
    window: Duration,
    probe_after: Duration,
}

impl Breaker {
    /// Opens after `failures` failures within `window`; probes `probe_after`
    /// after opening. `None` if either duration is zero.
    pub const fn new(failures: NonZeroU32, window: Duration, probe_after: Duration) -> Option<Self> {
        if window.is_zero() || probe_after.is_zero() {
            None
        } else {
            Some(Breaker { failures, window, probe_after })
        }
    }

    /// The failures within [`Breaker::window`] that open the breaker.
    pub const fn failures(self) -> NonZeroU32 {
        self.failures
    }

    /// The window failures are counted in.
    pub const fn window(self) -> Duration {
        self.window
    }

    /// How long the breaker stays open before a probe.
    pub const fn probe_after(self) -> Duration {
        self.probe_after
    }
}

/// What a breaker says about one call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Permit {
    /// The breaker is closed: the hook runs.
    Closed,
    /// The breaker is open and this call is its probe: the hook runs, and
    /// how it ends closes or reopens the breaker.
    Probe,
    /// The breaker is open: the hook does not run.
    Open,
}

/// A store that could not answer. The executor then does what the hook
/// declared for an unreachable store (fail open or closed), and audits it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store's server could not be reached or did not answer in time;
    /// the store reconnects by itself.
    #[error("the store is unreachable: {0}")]
    Unreachable(String),
    /// The store answered something this version does not understand.
    #[error("the store answered unexpectedly: {0}")]
    Invalid(String),
    /// A plain `fn` point cannot wait, and the store could not answer
    /// without waiting.
    #[error("the store cannot answer a plain `fn` point without waiting")]
    WouldWait,
}

pub(crate) mod key;
mod memory;

pub use memory::InProcess;

use std::sync::{Arc, LazyLock};

use arc_swap::ArcSwap;

/// The store of this process: the one last installed, else an
/// [`InProcess`] store made on first use.
static STORE: LazyLock<ArcSwap<Arc<dyn Store>>> =
    LazyLock::new(|| ArcSwap::from_pointee(Arc::new(InProcess::new()) as Arc<dyn Store>));

/// Installs `store` as the store of every rate limit and circuit breaker of
/// this process, in place of the one before (at first, an [`InProcess`]
/// store); returns the one it replaces.
///
/// Install it at start-up, before the first call of a hooked point: a call
/// already running finishes on the store it began with, and the state kept
/// by the store replaced (counts, open breakers) does not move to the new
/// one. Replicas of one deployment install one shared store (the
/// `agenthooks-redis` crate) so that a limit holds across them.
///
/// ```
/// use std::sync::Arc;
/// use agenthooks::store::{self, InProcess};
///
/// let before = store::install(Arc::new(InProcess::new()));
/// # store::install(before);
/// ```
pub fn install(store: Arc<dyn Store>) -> Arc<dyn Store> {
    Arc::unwrap_or_clone(STORE.swap(Arc::new(store)))
}

/// The store of this process: the one [`install`]ed last, else the
/// in-process store every process starts with.
pub fn installed() -> Arc<dyn Store> {
    Arc::clone(&STORE.load())
}
