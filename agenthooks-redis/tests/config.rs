//! A store that cannot be set up says why, with a typed error.

use std::time::Duration;

use agenthooks_redis::{ConnectError, RedisStore};

#[tokio::test]
async fn bad_url_is_a_typed_error_that_hides_the_password() {
    for url in ["", "http://127.0.0.1/", "redis://:secret@[::1/"] {
        let error = RedisStore::builder(url, "deploy").build().unwrap_err();
        assert!(matches!(error, ConnectError::InvalidUrl { .. }), "{url}: {error:?}");
        assert!(!error.to_string().contains("secret"), "{error}");
    }
}

#[tokio::test]
async fn bad_namespace_is_a_typed_error() {
    for namespace in ["", "a:b", "a b", "{x}", &"n".repeat(65)] {
        let error = RedisStore::builder("redis://127.0.0.1/", namespace).build().unwrap_err();
        assert!(matches!(error, ConnectError::InvalidNamespace { .. }), "{namespace}: {error:?}");
    }
    assert!(RedisStore::builder("redis://127.0.0.1/", "acme-prod_2.eu").build().is_ok());
}

#[tokio::test]
async fn zero_timeout_is_a_typed_error() {
    let error = RedisStore::builder("redis://127.0.0.1/", "deploy").timeout(Duration::ZERO).build().unwrap_err();
    assert!(matches!(error, ConnectError::ZeroDuration { setting: "timeout", .. }), "{error:?}");
}

#[test]
fn building_outside_a_runtime_is_a_typed_error() {
    let error = RedisStore::builder("redis://127.0.0.1/", "deploy").build().unwrap_err();
    assert!(matches!(error, ConnectError::NoRuntime), "{error:?}");
}

#[tokio::test]
async fn debug_output_hides_the_url() {
    let store = RedisStore::builder("redis://:secret@127.0.0.1/", "deploy").build().unwrap();
    let shown = format!("{store:?}");
    assert!(shown.contains("deploy") && !shown.contains("secret"), "{shown}");
}
