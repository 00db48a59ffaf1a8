//! Rate limits, retry and circuit breakers on a hook: what a hook declares
//! (`#[hook(..., rate_limit = "500/60s per tenant", retry = 3, breaker =
//! "5 in 60s, probe after 30s")]`, or the same through
//! [`runtime::Builder`](crate::runtime::Builder)), and the executor enforces
//! before and around each run.
//!
//! - A **rate limit** is checked before the hook runs, like its tenant and
//!   matchers, against the bucket of its scope ([`Per`]): the hook's path
//!   and the caller's tenant, the caller's tenant and session, or nothing.
//!   A call over the limit blocks the call or skips the hook
//!   ([`Exceeded`]), audited with status `rate_limited`.
//! - **Retry** runs a failing `async fn` hook again (an error or a panic,
//!   not a time-out), after its backoff, on the arguments as the hook first
//!   received them, every attempt within the hook's one `timeout_ms`; each
//!   attempt is an audit line carrying `hook.attempt`.
//! - A **circuit breaker** skips the hook for a tenant once it failed
//!   `failures` times in `window` for that tenant; the skip is audited with
//!   status `breaker_open` and judged as a failure of the hook by the
//!   point's failure policy. After `probe_after`, one call of the tenant
//!   runs the hook as a probe: its success closes the breaker, its failure
//!   opens it again. Each tenant has its own breaker: one tenant's failing
//!   inputs never switch the hook off, nor refuse calls, for another.
//!
//! State lives in the process's [`store`](crate::store). When the store
//! cannot answer, the hook does what it declared ([`StoreDown`]), audited
//! with status `store_down`. A plain `fn` point polls the store once and
//! cannot wait: a store that is not ready at once answers
//! [`StoreError::WouldWait`](crate::store::StoreError::WouldWait) there,
//! which is a store that cannot answer. The in-process store always answers
//! at once.
//!
//! A hook that declares none of these pays one branch on
//! [`HookMeta::patterns`](crate::HookMeta::patterns) per run.
#![doc = include_str!("../docs/patterns.md")]

use std::fmt;
use std::num::NonZeroU32;
use std::time::Duration;

use crate::store::{Breaker, Rate};

/// The patterns a hook declares; `HookMeta::patterns` is `None` when it
/// declares none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Patterns {
    /// Its rate limit (`rate_limit = "500/60s per tenant"`).
    pub rate_limit: Option<RateLimit>,
    /// How often a failing run is retried (`retry = 3, backoff_ms = 100`).
    pub retry: Option<Retry>,
    /// Its circuit breaker (`breaker = "5 in 60s, probe after 30s"`).
    pub breaker: Option<Breaker>,
    /// What it does when the store cannot answer (`store_down = "run"`).
    pub store_down: StoreDown,
}

impl fmt::Display for Patterns {
    /// As listings show it: `rate limit 500/1m per tenant (block), retry 3
    /// after 100 ms, breaker 5 in 1m, probe after 30s, store down: fail`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(limit) = self.rate_limit {
            let exceeded = match limit.exceeded {
                Exceeded::Block => "block",
                Exceeded::Skip => "skip",
            };
            parts.push(format!("rate limit {limit} ({exceeded})"));
        }
        if let Some(retry) = self.retry {
            parts.push(format!("retry {} after {} ms", retry.times(), retry.backoff().as_millis()));
        }
        if let Some(breaker) = self.breaker {
            parts.push(format!("breaker {}", breaker_text(breaker)));
        }
        if self.rate_limit.is_some() || self.breaker.is_some() {
            let store_down = match self.store_down {
                StoreDown::Fail => "fail",
                StoreDown::Run => "run",
            };
            parts.push(format!("store down: {store_down}"));
        }
        f.write_str(&parts.join(", "))
    }
}

/// A rate limit: at most `rate` calls of the hook per scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RateLimit {
    /// The calls admitted per window (GCRA: see [`store`](crate::store)).
    pub rate: Rate,
    /// What the calls are counted per.
    pub per: Per,
    /// What a call over the limit does.
    pub exceeded: Exceeded,
}

impl fmt::Display for RateLimit {
    /// As `#[hook]` takes it: `500/60s per tenant`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{} per {}", self.rate.limit(), Span(self.rate.window()), self.per.as_str())
    }
}

/// A duration as `#[hook]` takes it: `60s`, `5m`, `250ms`.
struct Span(Duration);

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.as_millis();
        match ms {
            0 => write!(f, "{}ns", self.0.as_nanos()),
            _ if ms.is_multiple_of(3_600_000) => write!(f, "{}h", ms / 3_600_000),
            _ if ms.is_multiple_of(60_000) => write!(f, "{}m", ms / 60_000),
            _ if ms.is_multiple_of(1000) => write!(f, "{}s", ms / 1000),
            _ => write!(f, "{ms}ms"),
        }
    }
}

/// A breaker as `#[hook]` takes it: `5 in 60s, probe after 30s`.
pub(crate) fn breaker_text(breaker: Breaker) -> String {
    format!("{} in {}, probe after {}", breaker.failures(), Span(breaker.window()), Span(breaker.probe_after()))
}

/// What a rate limit counts calls per. Every scope but [`Per::Hook`] is
/// within one tenant: no tenant uses up another's calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Per {
    /// The caller's tenant: each tenant has a bucket of its own (sessions
    /// without a tenant share one).
    Tenant,
    /// The caller's session: each session of each tenant has a bucket of
    /// its own (two tenants' sessions with one id have two).
    Session,
    /// The hook: one bucket for every call, whatever its tenant. The one
    /// state tenants share, for a resource they all use up together: one
    /// tenant's calls leave fewer for the others.
    Hook,
}

impl Per {
    /// The scope as `#[hook]` spells it: `tenant`, `session` or `hook`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Per::Tenant => "tenant",
            Per::Session => "session",
            Per::Hook => "hook",
        }
    }
}

/// What a call over a hook's rate limit does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Exceeded {
    /// The default: the call stops with
    /// [`HookError::RateLimited`](crate::HookError::RateLimited), whatever
    /// the point's failure policy. A limit is never bypassed by exceeding
    /// it: a guard with a limit cannot be switched off by flooding it.
    #[default]
    Block,
    /// The hook does not run and the call goes on without it; the rest of
    /// the chain runs. For hooks that enrich a call and may be left out.
    Skip,
}

/// What a hook with a rate limit or a breaker does when the store cannot
/// answer (unreachable, an answer it does not understand, or a plain `fn`
/// point that cannot wait for it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StoreDown {
    /// The default: the hook does not run, and that is a failure of the
    /// hook, judged by its point's failure policy: a point that fails closed
    /// fails the call with [`HookError::StoreDown`](crate::HookError::StoreDown),
    /// one that lets failures through goes on without the hook.
    #[default]
    Fail,
    /// The hook runs, unchecked: its limit and breaker are not applied.
    Run,
}

/// How often a failing `async fn` hook is run again, and how long to wait
/// between attempts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Retry {
    times: NonZeroU32,
    backoff: Duration,
}

impl Retry {
    /// Runs a failing hook again up to `times` times (so `times + 1`
    /// attempts at most), `backoff` after each failure.
    pub const fn new(times: NonZeroU32, backoff: Duration) -> Self {
        Retry { times, backoff }
    }

    /// How many times a failing hook is run again.
    pub const fn times(self) -> NonZeroU32 {
        self.times
    }

    /// The wait between a failed attempt and the next.
    pub const fn backoff(self) -> Duration {
        self.backoff
    }
}

/// The backoff of `retry = ...` when `backoff_ms` is not given.
pub const DEFAULT_BACKOFF_MS: u64 = 100;

/// The most times `retry` may run a hook again.
pub const MAX_RETRIES: u32 = 10;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_print_as_the_attribute_takes_them() {
        let rate = Rate::new(NonZeroU32::new(500).unwrap(), Duration::from_secs(60)).unwrap();
        let limit = RateLimit { rate, per: Per::Tenant, exceeded: Exceeded::Block };
        assert_eq!(limit.to_string(), "500/1m per tenant");
        let rate = Rate::new(NonZeroU32::new(3).unwrap(), Duration::from_millis(1500)).unwrap();
        let limit = RateLimit { rate, per: Per::Session, exceeded: Exceeded::Skip };
        assert_eq!(limit.to_string(), "3/1500ms per session");
        let breaker =
            Breaker::new(NonZeroU32::new(5).unwrap(), Duration::from_secs(90), Duration::from_secs(30)).unwrap();
        assert_eq!(breaker_text(breaker), "5 in 90s, probe after 30s");
    }
}
