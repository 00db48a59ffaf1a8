//! Circuit breakers on a real server follow the core's rules: count, open,
//! one probe, close or reopen.

mod support;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use agenthooks::store::{Breaker, Permit, Store};
use agenthooks_redis::RedisStore;
use support::RedisServer;

const HOUR: Duration = Duration::from_secs(3600);

/// Opens at the third failure within an hour; probes after `probe_after`.
fn breaker(probe_after: Duration) -> Breaker {
    Breaker::new(NonZeroU32::new(3).unwrap(), HOUR, probe_after).unwrap()
}

async fn fail(store: &RedisStore, key: &str, breaker: Breaker, times: u32) {
    for _ in 0..times {
        assert_eq!(store.permit(key, breaker).await.unwrap(), Permit::Closed);
        store.record(key, breaker, Permit::Closed, false).await.unwrap();
    }
}

/// Waits until the breaker's probe is due.
async fn cool_down(breaker: Breaker) {
    tokio::time::sleep(breaker.probe_after() + Duration::from_millis(300)).await;
}

#[tokio::test]
async fn opens_at_the_nth_failure_within_the_window() {
    let Some(server) = RedisServer::start() else { return };
    let store = server.store("deploy").await;
    let b = breaker(HOUR);
    fail(&store, "k", b, 2).await;
    store.record("k", b, Permit::Closed, true).await.unwrap();
    assert_eq!(store.permit("k", b).await.unwrap(), Permit::Closed, "open before the third failure");
    fail(&store, "k", b, 1).await;
    assert_eq!(store.permit("k", b).await.unwrap(), Permit::Open);
    assert_eq!(store.permit("other", b).await.unwrap(), Permit::Closed, "another key opened too");
}

#[tokio::test]
async fn failures_in_an_elapsed_window_are_forgotten() {
    let Some(server) = RedisServer::start() else { return };
    let store = server.store("deploy").await;
    let b = Breaker::new(NonZeroU32::new(3).unwrap(), Duration::from_millis(400), HOUR).unwrap();
    fail(&store, "k", b, 2).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    fail(&store, "k", b, 2).await;
    assert_eq!(store.permit("k", b).await.unwrap(), Permit::Closed, "failures of two windows were added up");
    fail(&store, "k", b, 1).await;
    assert_eq!(store.permit("k", b).await.unwrap(), Permit::Open);
}

#[tokio::test]
async fn open_breaker_refuses_while_cooling_down() {
    let Some(server) = RedisServer::start() else { return };
    let store = server.store("deploy").await;
    let b = breaker(HOUR);
    fail(&store, "k", b, 3).await;
    for _ in 0..20 {
        assert_eq!(store.permit("k", b).await.unwrap(), Permit::Open);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn exactly_one_probe_among_concurrent_permits() {
    let Some(server) = RedisServer::start() else { return };
    let store = Arc::new(server.store("deploy").await);
    let b = breaker(Duration::from_millis(300));
    fail(&store, "k", b, 3).await;
    cool_down(b).await;
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.permit("k", b).await.unwrap() })
        })
        .collect();
    let mut permits = Vec::new();
    for task in tasks {
        permits.push(task.await.unwrap());
    }
    assert_eq!(permits.iter().filter(|p| **p == Permit::Probe).count(), 1, "{permits:?}");
    assert_eq!(permits.iter().filter(|p| **p == Permit::Open).count(), 63, "{permits:?}");
}

#[tokio::test]
async fn probe_success_closes_and_clears_the_count() {
    let Some(server) = RedisServer::start() else { return };
    let store = server.store("deploy").await;
    let b = breaker(Duration::from_millis(300));
    fail(&store, "k", b, 3).await;
    cool_down(b).await;
    assert_eq!(store.permit("k", b).await.unwrap(), Permit::Probe);
    store.record("k", b, Permit::Probe, true).await.unwrap();
    assert_eq!(store.permit("k", b).await.unwrap(), Permit::Closed);
    // The count starts again from zero: two failures do not reopen it.
    fail(&store, "k", b, 2).await;
    assert_eq!(store.permit("k", b).await.unwrap(), Permit::Closed);
}

#[tokio::test]
async fn probe_failure_reopens_for_probe_after() {
    let Some(server) = RedisServer::start() else { return };
    let store = server.store("deploy").await;
    let b = breaker(Duration::from_millis(300));
    fail(&store, "k", b, 3).await;
    cool_down(b).await;
    assert_eq!(store.permit("k", b).await.unwrap(), Permit::Probe);
    store.record("k", b, Permit::Probe, false).await.unwrap();
    assert_eq!(store.permit("k", b).await.unwrap(), Permit::Open);
    cool_down(b).await;
    assert_eq!(store.permit("k", b).await.unwrap(), Permit::Probe, "no probe after reopening");
}

#[tokio::test]
async fn unreported_probe_frees_its_place_after_probe_after() {
    let Some(server) = RedisServer::start() else { return };
    let store = server.store("deploy").await;
    let b = breaker(Duration::from_millis(300));
    fail(&store, "k", b, 3).await;
    cool_down(b).await;
    assert_eq!(store.permit("k", b).await.unwrap(), Permit::Probe);
    // The probe never reports.
    assert_eq!(store.permit("k", b).await.unwrap(), Permit::Open);
    cool_down(b).await;
    assert_eq!(store.permit("k", b).await.unwrap(), Permit::Probe);
}

#[tokio::test]
async fn idle_open_breaker_is_forgotten_after_its_ttl() {
    let Some(server) = RedisServer::start() else { return };
    let store = RedisStore::builder(&server.url(), "deploy")
        .open_breaker_ttl(Duration::from_millis(200))
        .connect()
        .await
        .unwrap();
    let b = breaker(Duration::from_millis(200));
    fail(&store, "k", b, 3).await;
    assert_eq!(store.permit("k", b).await.unwrap(), Permit::Open);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(store.permit("k", b).await.unwrap(), Permit::Closed, "the open breaker's key stayed");
}
