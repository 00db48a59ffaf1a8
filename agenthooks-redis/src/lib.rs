//! A Redis store for agenthooks: rate limits and circuit breakers shared by
//! every replica of a deployment.
//!
//! TODO crate doc
mod builder;
mod error;
mod scripts;
mod store;

pub use builder::{RedisStoreBuilder, DEFAULT_OPEN_BREAKER_TTL, DEFAULT_TIMEOUT};
pub use error::ConnectError;
pub use store::RedisStore;
