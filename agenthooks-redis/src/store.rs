//! The store itself: each method is one script run on the server, bounded
//! in time.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use agenthooks::store::{Breaker, Permit, Rate, Store, StoreError, StoreFuture};
use redis::aio::ConnectionManager;
use redis::{RedisError, RetryMethod};

use crate::builder::RedisStoreBuilder;
use crate::scripts::{self, Outcome, Scripts};

/// Rate limits and circuit breakers kept on a Redis server, shared by every
/// replica that names the same server and namespace.
///
/// Each call is one round trip: a Lua script that reads the server's clock
/// and changes its key atomically, so replicas never both take the last
/// call of a window nor both become a breaker's probe. A call that gets no
/// answer within the store's timeout returns
/// [`StoreError::Unreachable`]; the connection is re-established by itself
/// when the server is back. Cloning is cheap and shares the connection.
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    scripts: std::sync::Arc<Scripts>,
    namespace: String,
    timeout: Duration,
    open_breaker_ttl: u64,
}

impl RedisStore {
    /// Sets up a store for the server at `url` (`redis://host:port/db`)
    /// whose keys start with `namespace` (one per deployment); see
    /// [`RedisStoreBuilder`] for the settings.
    pub fn builder(url: &str, namespace: &str) -> RedisStoreBuilder {
        RedisStoreBuilder::new(url, namespace)
    }

    /// The store for the server at `url` with the default settings, once
    /// the server has answered (see [`RedisStoreBuilder::connect`]).
    pub async fn connect(url: &str, namespace: &str) -> Result<RedisStore, crate::ConnectError> {
        Self::builder(url, namespace).connect().await
    }

    pub(crate) fn new(
        connection: ConnectionManager,
        namespace: String,
        timeout: Duration,
        open_breaker_ttl: Duration,
    ) -> Self {
        RedisStore {
            connection,
            scripts: std::sync::Arc::new(Scripts::new()),
            namespace,
            timeout,
            open_breaker_ttl: scripts::micros(open_breaker_ttl),
        }
    }

    /// The namespace this store's keys start with.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The longest a call waits for the server.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The server's key for the rate-limit bucket `key`:
    /// `{namespace}:rate:{key}`.
    pub fn rate_key(&self, key: &str) -> String {
        format!("{}:rate:{key}", self.namespace)
    }

    /// The server's key for the breaker `key`: `{namespace}:breaker:{key}`.
    pub fn breaker_key(&self, key: &str) -> String {
        format!("{}:breaker:{key}", self.namespace)
    }

    /// Asks the server for a `PONG`, within the timeout.
    pub(crate) async fn ping(&self) -> Result<(), StoreError> {
        let mut connection = self.connection.clone();
        self.bounded(async move { redis::cmd("PING").query_async::<()>(&mut connection).await }).await
    }

    /// Runs `request`, turning a late answer into `Unreachable`.
    async fn bounded<T>(&self, request: impl Future<Output = Result<T, RedisError>>) -> Result<T, StoreError> {
        match tokio::time::timeout(self.timeout, request).await {
            Ok(answer) => answer.map_err(|error| store_error(&error)),
            Err(_) => Err(StoreError::Unreachable(format!("no answer within {:?}", self.timeout))),
        }
    }
}

impl fmt::Debug for RedisStore {
    // The connection is left out: its address may hold a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("namespace", &self.namespace)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Store for RedisStore {
    fn admit<'a>(&'a self, key: &'a str, rate: Rate) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let mut call = self.scripts.admit.key(self.rate_key(key));
            call.arg(&scripts::rate_args(rate)[..]);
            let admitted: i64 = self.bounded(call.invoke_async(&mut connection)).await?;
            match admitted {
                0 => Ok(false),
                1 => Ok(true),
                other => Err(StoreError::Invalid(format!("the admit script answered {other}"))),
            }
        })
    }

    fn permit<'a>(&'a self, key: &'a str, breaker: Breaker) -> StoreFuture<'a, Permit> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let [_, probe_after] = scripts::breaker_args(breaker);
            let mut call = self.scripts.permit.key(self.breaker_key(key));
            call.arg(probe_after).arg(self.open_breaker_ttl);
            let permit: i64 = self.bounded(call.invoke_async(&mut connection)).await?;
            match permit {
                0 => Ok(Permit::Closed),
                1 => Ok(Permit::Probe),
                2 => Ok(Permit::Open),
                other => Err(StoreError::Invalid(format!("the permit script answered {other}"))),
            }
        })
    }

    fn record<'a>(&'a self, key: &'a str, breaker: Breaker, permit: Permit, succeeded: bool) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let outcome = match (permit, succeeded) {
                // Successes of a closed breaker change nothing, and an open
                // breaker runs nothing to record: no round trip.
                (Permit::Closed, true) | (Permit::Open, _) => return Ok(()),
                (Permit::Closed, false) => Outcome::Failure,
                (Permit::Probe, true) => Outcome::ProbeSucceeded,
                (Permit::Probe, false) => Outcome::ProbeFailed,
                (other, _) => {
                    return Err(StoreError::Invalid(format!("this store does not know the permit {other:?}")))
                }
            };
            let mut connection = self.connection.clone();
            let [window, probe_after] = scripts::breaker_args(breaker);
            let mut call = self.scripts.record.key(self.breaker_key(key));
            call.arg(outcome.as_arg())
                .arg(breaker.failures().get())
                .arg(window)
                .arg(probe_after)
                .arg(self.open_breaker_ttl);
            let _opened: i64 = self.bounded(call.invoke_async(&mut connection)).await?;
            Ok(())
        })
    }
}

/// A client error as the executor understands it: what a retry may cure
/// (the connection, a timeout, a server busy or loading) is
/// `Unreachable`; anything else is an answer this store does not
/// understand.
fn store_error(error: &RedisError) -> StoreError {
    if matches!(error.retry_method(), RetryMethod::NoRetry) {
        StoreError::Invalid(error.to_string())
    } else {
        StoreError::Unreachable(error.to_string())
    }
}
