//! How a [`RedisStore`] is set up: the server's URL, the deployment's
//! namespace, and the bound on waiting.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::error::ConnectError;
use crate::store::RedisStore;

/// The longest a call waits for the server unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(200);

/// How long an open breaker is kept, unless told otherwise, once its probe
/// is due and no call has come to take it.
pub const DEFAULT_OPEN_BREAKER_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// The longest namespace, in bytes.
const MAX_NAMESPACE: usize = 64;

/// Sets up a [`RedisStore`]: start with [`RedisStore::builder`].
#[derive(Debug, Clone)]
pub struct RedisStoreBuilder {
    url: String,
    namespace: String,
    timeout: Duration,
    open_breaker_ttl: Duration,
}

impl RedisStoreBuilder {
    pub(crate) fn new(url: &str, namespace: &str) -> Self {
        RedisStoreBuilder {
            url: url.to_owned(),
            namespace: namespace.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            open_breaker_ttl: DEFAULT_OPEN_BREAKER_TTL,
        }
    }

    /// The longest any call waits for the server, connecting included
    /// ([`DEFAULT_TIMEOUT`] unless set): past it, the call returns
    /// [`StoreError::Unreachable`](agenthooks::store::StoreError::Unreachable).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long an open breaker is kept once its probe is due if no call
    /// comes to take the probe ([`DEFAULT_OPEN_BREAKER_TTL`] unless set).
    /// Past it the breaker's key expires, and the next call finds the
    /// breaker closed. Every other key expires as soon as forgetting it
    /// changes nothing.
    #[must_use]
    pub fn open_breaker_ttl(mut self, ttl: Duration) -> Self {
        self.open_breaker_ttl = ttl;
        self
    }

    /// The store, without waiting for the server: the first call connects,
    /// and a server that is down then makes calls return `Unreachable`
    /// until it is back. Must run inside a tokio runtime.
    pub fn build(self) -> Result<RedisStore, ConnectError> {
        check_namespace(&self.namespace)?;
        for (setting, value) in [("timeout", self.timeout), ("open breaker TTL", self.open_breaker_ttl)] {
            if value.is_zero() {
                return Err(ConnectError::ZeroDuration { setting, value });
            }
        }
        let client = redis::Client::open(self.url.as_str())
            .map_err(|error| ConnectError::InvalidUrl { reason: error.to_string() })?;
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(ConnectError::NoRuntime);
        }
        // One reconnection attempt per failed call, each bounded by the
        // timeout, with no back-off longer than the timeout: a server that
        // comes back is used again by the next call or the one after.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            .set_number_of_retries(1)
            .set_min_delay(self.timeout / 4)
            .set_max_delay(self.timeout);
        let connection = ConnectionManager::new_lazy_with_config(client, config)
            .expect("a lazy connection fails only for resubscription settings, which the store never sets");
        Ok(RedisStore::new(connection, self.namespace, self.timeout, self.open_breaker_ttl))
    }

    /// The store, once the server has answered a `PING` within the
    /// timeout: a wrong address or a server that is down is found at
    /// start-up, as [`ConnectError::Unreachable`].
    pub async fn connect(self) -> Result<RedisStore, ConnectError> {
        let store = self.build()?;
        store.ping().await.map_err(ConnectError::Unreachable)?;
        Ok(store)
    }
}

/// Refuses a namespace that could make two deployments' keys meet.
fn check_namespace(namespace: &str) -> Result<(), ConnectError> {
    let valid = !namespace.is_empty()
        && namespace.len() <= MAX_NAMESPACE
        && namespace.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if valid {
        Ok(())
    } else {
        Err(ConnectError::InvalidNamespace { namespace: namespace.to_owned() })
    }
}
