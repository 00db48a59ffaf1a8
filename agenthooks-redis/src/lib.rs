//! A Redis store for agenthooks: rate limits and circuit breakers shared by
//! every replica of a deployment.
//!
//! A rate limit kept in each process's memory admits `replicas × limit`
//! calls; a [`RedisStore`] keeps the state on one Redis server instead, so
//! the replicas of a deployment share one limit and one breaker per key. It
//! implements [`agenthooks::store::Store`] and follows the rules written in
//! that module, exactly as the in-process store does:
//!
//! - **One round trip per call.** Each `admit`, `permit` and `record` runs
//!   one Lua script (sent by hash, loaded again if the server forgot it)
//!   that reads the server's clock and changes its key atomically: two
//!   replicas never both take the last call of a window, nor both become a
//!   breaker's probe. A closed breaker's successes cost no round trip.
//! - **Keys of one deployment and one tenant, that vanish when idle.** Keys
//!   are `{namespace}:rate:{key}` and `{namespace}:breaker:{key}`, one
//!   namespace per deployment (the operator names it; it holds no `:`), so
//!   deployments sharing a server never share state; `{key}` is the
//!   executor's, one per hook and tenant (see [`agenthooks::store`]), so
//!   tenants never share one either. A bucket's key expires when the bucket
//!   is full again, a breaker's failure count when its window ends; an open
//!   breaker whose probe no call takes is kept for
//!   [`RedisStoreBuilder::open_breaker_ttl`].
//! - **Never a hang.** A call the server does not answer within the timeout
//!   ([`DEFAULT_TIMEOUT`], 200 ms, unless set) returns
//!   [`StoreError::Unreachable`](agenthooks::store::StoreError::Unreachable),
//!   and the executor does what the hook declared for an unreachable store.
//!   The connection is re-established by itself: the same store answers
//!   again once the server is back.
//!
//! Requires Redis 5 or later (scripts that read `TIME` before writing), and
//! a tokio runtime.
//!
//! # Example
//!
//! Connect once at start-up and install the store as the process's store,
//! before the first call of a hooked point; every replica names the same
//! server and namespace:
//!
//! ```no_run
//! use std::sync::Arc;
//! use std::time::Duration;
//!
//! use agenthooks_redis::RedisStore;
//!
//! # async fn start() -> Result<(), Box<dyn std::error::Error>> {
//! let store = RedisStore::builder("redis://redis.internal:6379/0", "acme-prod")
//!     .timeout(Duration::from_millis(100))
//!     .connect()
//!     .await?;
//!
//! // From now on every rate limit and circuit breaker of this process, such
//! // as `#[hook(Search, rate_limit = "60/1m per tenant")]`, counts in Redis,
//! // shared with the other replicas.
//! agenthooks::store::install(Arc::new(store));
//! # Ok(())
//! # }
//! ```
#![doc = include_str!("../docs/operating.md")]

mod builder;
mod error;
mod scripts;
mod store;

pub use builder::{RedisStoreBuilder, DEFAULT_OPEN_BREAKER_TTL, DEFAULT_TIMEOUT};
pub use error::ConnectError;
pub use store::RedisStore;
