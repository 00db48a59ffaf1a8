//! The in-process store: rate limits and circuit breakers kept in this
//! process's memory, the default store of every process.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use quanta::Instant;

use super::{Breaker, Permit, Rate, Store, StoreFuture};

/// A store in this process's memory: exact for one process, and the store
/// of a process that installs none (see [`install`](super::install)).
///
/// Rate limits are `governor`'s keyed GCRA limiters, one per distinct
/// [`Rate`]; breakers are a few fields under a mutex per key. Every answer
/// is ready at once, so plain `fn` points use it as well as `async fn`
/// ones. Keys whose bucket is full again are forgotten from time to time,
/// so memory follows the keys in use, not every session ever seen.
///
/// ```
/// use std::num::NonZeroU32;
/// use std::time::Duration;
/// use agenthooks::store::{InProcess, Rate, Store};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let store = InProcess::new();
/// let rate = Rate::new(NonZeroU32::new(2).unwrap(), Duration::from_secs(60)).unwrap();
/// assert!(store.admit("k", rate).await.unwrap());
/// assert!(store.admit("k", rate).await.unwrap());
/// assert!(!store.admit("k", rate).await.unwrap());
/// # });
/// ```
#[derive(Default)]
pub struct InProcess {
    limiters: Mutex<HashMap<Rate, Arc<Limiter>>>,
    breakers: Mutex<HashMap<String, State>>,
}

/// A keyed GCRA limiter of one rate, and how many calls it took since its
/// stale keys were last forgotten.
struct Limiter {
    keyed: RateLimiter<String, DefaultKeyedStateStore<String>, Monotonic, NoOpMiddleware<Duration>>,
    since_pruned: AtomicU32,
}

/// Calls of one limiter between two sweeps of its stale keys.
const PRUNE_EVERY: u32 = 4096;

/// The monotonic clock the executor times hooks with, as `governor` reads
/// it: the time since the store was made.
#[derive(Clone, Debug)]
struct Monotonic(Instant);

impl Clock for Monotonic {
    type Instant = Duration;

    fn now(&self) -> Duration {
        Instant::now() - self.0
    }
}

/// One breaker's state (see the module rules of [`store`](super)).
#[derive(Debug, Default)]
struct State {
    /// Failures counted in the window that started at `since`.
    failures: u32,
    since: Option<Instant>,
    /// When the breaker last opened (or reopened); `None` while closed.
    opened: Option<Instant>,
    /// When the current probe was let through.
    probing: Option<Instant>,
}

impl InProcess {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn limiter(&self, rate: Rate) -> Arc<Limiter> {
        let mut limiters = self.limiters.lock().unwrap_or_else(PoisonError::into_inner);
        let limiter = limiters.entry(rate).or_insert_with(|| {
            // A window shorter than its limit in nanoseconds still takes time.
            let interval = rate.interval().max(Duration::from_nanos(1));
            let quota = Quota::with_period(interval).expect("the interval is not zero").allow_burst(rate.limit());
            Arc::new(Limiter {
                keyed: RateLimiter::hashmap_with_clock(quota, Monotonic(Instant::now())),
                since_pruned: AtomicU32::new(0),
            })
        });
        Arc::clone(limiter)
    }

    fn take(&self, key: &str, rate: Rate) -> bool {
        let limiter = self.limiter(rate);
        if limiter.since_pruned.fetch_add(1, Ordering::Relaxed) >= PRUNE_EVERY {
            limiter.since_pruned.store(0, Ordering::Relaxed);
            limiter.keyed.retain_recent();
        }
        // A refused call leaves the key's state as it was (GCRA).
        limiter.keyed.check_key(&key.to_owned()).is_ok()
    }

    fn breakers(&self) -> std::sync::MutexGuard<'_, HashMap<String, State>> {
        self.breakers.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn permit_now(&self, key: &str, breaker: Breaker) -> Permit {
        let mut breakers = self.breakers();
        let Some(state) = breakers.get_mut(key) else { return Permit::Closed };
        let Some(opened) = state.opened else { return Permit::Closed };
        let now = Instant::now();
        if now - opened < breaker.probe_after() {
            return Permit::Open;
        }
        // One probe at a time; one that never reports back frees its place
        // after `probe_after`.
        if state.probing.is_some_and(|probing| now - probing < breaker.probe_after()) {
            return Permit::Open;
        }
        state.probing = Some(now);
        Permit::Probe
    }

    fn record_now(&self, key: &str, breaker: Breaker, permit: Permit, succeeded: bool) {
        let mut breakers = self.breakers();
        let now = Instant::now();
        match (permit, succeeded) {
            (Permit::Probe, true) => {
                breakers.remove(key);
            }
            (Permit::Probe, false) => {
                let state = breakers.entry(key.to_owned()).or_default();
                state.opened = Some(now);
                state.probing = None;
            }
            (Permit::Closed, false) => {
                let state = breakers.entry(key.to_owned()).or_default();
                if state.opened.is_some() {
                    // Opened meanwhile by another run's failure.
                    return;
                }
                let in_window = state.since.is_some_and(|since| now - since <= breaker.window());
                if in_window {
                    state.failures += 1;
                } else {
                    state.since = Some(now);
                    state.failures = 1;
                }
                if state.failures >= breaker.failures().get() {
                    *state = State { opened: Some(now), ..State::default() };
                }
            }
            // A success while closed changes nothing; an open breaker ran nothing.
            _ => {}
        }
    }
}

impl Store for InProcess {
    fn admit<'a>(&'a self, key: &'a str, rate: Rate) -> StoreFuture<'a, bool> {
        let admitted = self.take(key, rate);
        Box::pin(std::future::ready(Ok(admitted)))
    }

    fn permit<'a>(&'a self, key: &'a str, breaker: Breaker) -> StoreFuture<'a, Permit> {
        let permit = self.permit_now(key, breaker);
        Box::pin(std::future::ready(Ok(permit)))
    }

    fn record<'a>(&'a self, key: &'a str, breaker: Breaker, permit: Permit, succeeded: bool) -> StoreFuture<'a, ()> {
        self.record_now(key, breaker, permit, succeeded);
        Box::pin(std::future::ready(Ok(())))
    }
}

impl fmt::Debug for InProcess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rates = self.limiters.lock().unwrap_or_else(PoisonError::into_inner).len();
        let breakers = self.breakers().len();
        f.debug_struct("InProcess").field("rates", &rates).field("breakers", &breakers).finish()
    }
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;

    use super::*;
    use crate::executor::now;

    fn rate(limit: u32, window: Duration) -> Rate {
        Rate::new(NonZeroU32::new(limit).unwrap(), window).unwrap()
    }

    fn breaker(failures: u32, window: Duration, probe_after: Duration) -> Breaker {
        Breaker::new(NonZeroU32::new(failures).unwrap(), window, probe_after).unwrap()
    }

    fn admit(store: &InProcess, key: &str, rate: Rate) -> bool {
        now(store.admit(key, rate)).unwrap()
    }

    fn permit(store: &InProcess, key: &str, breaker: Breaker) -> Permit {
        now(store.permit(key, breaker)).unwrap()
    }

    fn record(store: &InProcess, key: &str, breaker: Breaker, permit: Permit, succeeded: bool) {
        now(store.record(key, breaker, permit, succeeded)).unwrap();
    }

    const LONG: Duration = Duration::from_secs(3600);

    #[test]
    fn a_rate_admits_a_burst_of_its_limit_then_refuses() {
        let store = InProcess::new();
        let rate = rate(5, LONG);
        let admitted = (0..50).filter(|_| admit(&store, "k", rate)).count();
        assert_eq!(admitted, 5);
    }

    #[test]
    fn keys_have_buckets_of_their_own() {
        let store = InProcess::new();
        let rate = rate(2, LONG);
        for key in ["a", "b", "c"] {
            assert_eq!((0..10).filter(|_| admit(&store, key, rate)).count(), 2, "{key}");
        }
    }

    #[test]
    fn a_bucket_refills_one_call_per_interval() {
        let store = InProcess::new();
        // One call every 20 ms, a burst of one.
        let rate = rate(1, Duration::from_millis(20));
        assert!(admit(&store, "k", rate));
        std::thread::sleep(Duration::from_millis(30));
        assert!(admit(&store, "k", rate), "an interval later, one more call is admitted");
    }

    #[test]
    fn a_refused_call_changes_no_state() {
        let store = InProcess::new();
        // One call every 100 ms: refusals in between must not push the next
        // admission further away.
        let rate = rate(1, Duration::from_millis(100));
        assert!(admit(&store, "k", rate));
        for _ in 0..1000 {
            admit(&store, "k", rate);
        }
        std::thread::sleep(Duration::from_millis(120));
        assert!(admit(&store, "k", rate), "refused calls did not delay the bucket");
    }

    #[test]
    fn the_failures_th_failure_in_the_window_opens_the_breaker() {
        let store = InProcess::new();
        let breaker = breaker(3, LONG, LONG);
        for _ in 0..2 {
            assert_eq!(permit(&store, "h", breaker), Permit::Closed);
            record(&store, "h", breaker, Permit::Closed, false);
        }
        assert_eq!(permit(&store, "h", breaker), Permit::Closed, "two failures of three leave it closed");
        record(&store, "h", breaker, Permit::Closed, false);
        assert_eq!(permit(&store, "h", breaker), Permit::Open);
    }

    #[test]
    fn failures_outside_the_window_start_a_new_count() {
        let store = InProcess::new();
        let breaker = breaker(2, Duration::from_millis(20), LONG);
        record(&store, "h", breaker, Permit::Closed, false);
        std::thread::sleep(Duration::from_millis(30));
        record(&store, "h", breaker, Permit::Closed, false);
        assert_eq!(permit(&store, "h", breaker), Permit::Closed, "the first failure's window had passed");
    }

    #[test]
    fn successes_while_closed_do_not_clear_the_count() {
        let store = InProcess::new();
        let breaker = breaker(2, LONG, LONG);
        record(&store, "h", breaker, Permit::Closed, false);
        record(&store, "h", breaker, Permit::Closed, true);
        record(&store, "h", breaker, Permit::Closed, false);
        assert_eq!(permit(&store, "h", breaker), Permit::Open);
    }

    fn opened(store: &InProcess, breaker: Breaker) {
        for _ in 0..breaker.failures().get() {
            record(store, "h", breaker, Permit::Closed, false);
        }
    }

    #[test]
    fn one_call_only_is_the_probe_once_probe_after_has_passed() {
        let store = InProcess::new();
        let breaker = breaker(1, LONG, Duration::from_millis(200));
        opened(&store, breaker);
        std::thread::sleep(Duration::from_millis(250));
        let permits: Vec<Permit> = (0..5).map(|_| permit(&store, "h", breaker)).collect();
        assert_eq!(permits.iter().filter(|permit| **permit == Permit::Probe).count(), 1, "{permits:?}");
        assert_eq!(permits[0], Permit::Probe);
    }

    #[test]
    fn a_probe_that_succeeds_closes_the_breaker_and_clears_its_count() {
        let store = InProcess::new();
        let breaker = breaker(2, LONG, Duration::from_millis(20));
        opened(&store, breaker);
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(permit(&store, "h", breaker), Permit::Probe);
        record(&store, "h", breaker, Permit::Probe, true);
        assert_eq!(permit(&store, "h", breaker), Permit::Closed);
        record(&store, "h", breaker, Permit::Closed, false);
        assert_eq!(permit(&store, "h", breaker), Permit::Closed, "the count started again from zero");
    }

    #[test]
    fn a_probe_that_fails_opens_the_breaker_again_for_probe_after() {
        let store = InProcess::new();
        let breaker = breaker(1, LONG, Duration::from_millis(200));
        opened(&store, breaker);
        std::thread::sleep(Duration::from_millis(250));
        assert_eq!(permit(&store, "h", breaker), Permit::Probe);
        record(&store, "h", breaker, Permit::Probe, false);
        assert_eq!(permit(&store, "h", breaker), Permit::Open);
        std::thread::sleep(Duration::from_millis(250));
        assert_eq!(permit(&store, "h", breaker), Permit::Probe, "probes again after another `probe_after`");
    }

    #[test]
    fn a_probe_that_never_reports_frees_its_place_after_probe_after() {
        let store = InProcess::new();
        let breaker = breaker(1, LONG, Duration::from_millis(20));
        opened(&store, breaker);
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(permit(&store, "h", breaker), Permit::Probe);
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(permit(&store, "h", breaker), Permit::Probe);
    }

    #[test]
    fn breakers_of_other_keys_are_independent() {
        let store = InProcess::new();
        let breaker = breaker(1, LONG, LONG);
        opened(&store, breaker);
        assert_eq!(permit(&store, "h", breaker), Permit::Open);
        assert_eq!(permit(&store, "other", breaker), Permit::Closed);
    }
}
