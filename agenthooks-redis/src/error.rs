//! What can go wrong while a store is set up.

use std::time::Duration;

/// A [`RedisStore`](crate::RedisStore) that could not be set up. Each
/// variant says what to change.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// The server's address is not a Redis URL; write it as
    /// `redis://host:port/db` (or `redis+unix:///path`). The URL itself is
    /// left out of the message, since it may hold a password.
    #[error("the Redis URL is invalid ({reason}); write it as `redis://host:port/db`")]
    InvalidUrl {
        /// Why the URL was refused.
        reason: String,
    },
    /// The namespace is empty, longer than 64 bytes, or holds a character
    /// other than ASCII letters, digits, `_`, `-` and `.`; a key's prefix
    /// must tell deployments apart without ambiguity.
    #[error("the namespace `{namespace}` is invalid: use 1 to 64 ASCII letters, digits, `_`, `-` or `.`")]
    InvalidNamespace {
        /// The namespace given.
        namespace: String,
    },
    /// A duration of the builder is zero; give it a positive duration.
    #[error("the store's {setting} must be longer than zero, not {value:?}")]
    ZeroDuration {
        /// The builder's setting.
        setting: &'static str,
        /// The value given.
        value: Duration,
    },
    /// The store was built outside a tokio runtime; build it from within
    /// the runtime that will use it (inside `#[tokio::main]`, or in
    /// `Runtime::block_on`).
    #[error("the store must be built inside a tokio runtime: build it from the runtime that will use it")]
    NoRuntime,
    /// The server did not answer a `PING` within the store's timeout
    /// ([`RedisStoreBuilder::connect`](crate::RedisStoreBuilder::connect)
    /// only); check the address and that the server runs, or use
    /// [`RedisStoreBuilder::build`](crate::RedisStoreBuilder::build) to
    /// start without it.
    #[error("the Redis server did not answer: {0}")]
    Unreachable(#[source] agenthooks::store::StoreError),
}
