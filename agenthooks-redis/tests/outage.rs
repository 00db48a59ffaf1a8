//! A server that goes away, or never answers, makes calls fail with
//! `Unreachable` within the store's timeout, never hang; the same store
//! answers again once the server is back.

mod support;

use std::future::Future;
use std::net::TcpListener;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use agenthooks::store::{Breaker, Permit, Rate, Store, StoreError};
use agenthooks_redis::RedisStore;
use support::RedisServer;

/// Far longer than the store's timeout: a call still running then hangs.
const HANG: Duration = Duration::from_secs(10);

fn rate() -> Rate {
    Rate::new(NonZeroU32::new(1_000_000).unwrap(), Duration::from_secs(1)).unwrap()
}

fn breaker() -> Breaker {
    Breaker::new(NonZeroU32::new(3).unwrap(), Duration::from_secs(60), Duration::from_secs(60)).unwrap()
}

/// The call's result, or a failed test if it hangs.
async fn no_hang<T>(call: impl Future<Output = T>) -> T {
    tokio::time::timeout(HANG, call).await.expect("the call hung instead of returning `Unreachable`")
}

fn assert_unreachable<T: std::fmt::Debug>(result: &Result<T, StoreError>) {
    assert!(matches!(result, Err(StoreError::Unreachable(_))), "expected `Unreachable`, got {result:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_are_unreachable_while_the_server_is_down_and_answer_when_it_is_back() {
    let Some(mut server) = RedisServer::start() else { return };
    let store = server.store("deploy").await;
    assert!(store.admit("k", rate()).await.unwrap());

    server.stop();
    let mut slowest = Duration::ZERO;
    for _ in 0..5 {
        let started = Instant::now();
        assert_unreachable(&no_hang(store.admit("k", rate())).await);
        assert_unreachable(&no_hang(store.permit("k", breaker())).await);
        assert_unreachable(&no_hang(store.record("k", breaker(), Permit::Closed, false)).await);
        slowest = slowest.max(started.elapsed() / 3);
    }
    println!("while down: the slowest call returned `Unreachable` after {slowest:?} (timeout {:?})", store.timeout());

    let _server = RedisServer::start_on(server.port());
    let started = Instant::now();
    let mut failed = 0;
    let answer = loop {
        match no_hang(store.admit("k", rate())).await {
            Ok(admitted) => break admitted,
            Err(StoreError::Unreachable(_)) if started.elapsed() < HANG => failed += 1,
            Err(error) => panic!("the store did not reconnect: {error}"),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    println!("back: the store answered after {failed} failed calls ({:?})", started.elapsed());
    assert!(answer, "the restarted server is empty: the call is admitted");
}

#[tokio::test]
async fn silent_server_is_unreachable_within_the_timeout() {
    // Accepts connections and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("redis://{}/", listener.local_addr().unwrap());
    let store = RedisStore::builder(&url, "deploy").timeout(Duration::from_millis(100)).build().unwrap();
    assert_unreachable(&no_hang(store.admit("k", rate())).await);
    assert_unreachable(&no_hang(store.permit("k", breaker())).await);
    drop(listener);
}

#[tokio::test]
async fn connect_reports_a_server_that_is_down() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let result = no_hang(RedisStore::connect(&format!("redis://127.0.0.1:{port}/"), "deploy")).await;
    assert!(matches!(result, Err(agenthooks_redis::ConnectError::Unreachable(_))), "{result:?}");
}
