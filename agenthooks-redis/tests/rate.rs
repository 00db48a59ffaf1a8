//! Rate limits on a real server follow the core's GCRA rules.

mod support;

use std::num::NonZeroU32;
use std::time::Duration;

use agenthooks::store::{Rate, Store};
use agenthooks_redis::RedisStore;
use redis::AsyncCommands;
use support::RedisServer;

const HOUR: Duration = Duration::from_secs(3600);

fn rate(limit: u32, window: Duration) -> Rate {
    Rate::new(NonZeroU32::new(limit).unwrap(), window).unwrap()
}

async fn admitted(store: &RedisStore, key: &str, rate: Rate, calls: u32) -> u32 {
    let mut admitted = 0;
    for _ in 0..calls {
        if store.admit(key, rate).await.expect("the server answers") {
            admitted += 1;
        }
    }
    admitted
}

#[tokio::test]
async fn limit_admits_exactly_n_of_3n_calls_in_a_long_window() {
    let Some(server) = RedisServer::start() else { return };
    let store = server.store("deploy").await;
    for limit in [1, 7, 50] {
        let key = format!("tool-{limit}");
        assert_eq!(admitted(&store, &key, rate(limit, HOUR), 3 * limit).await, limit, "limit {limit}");
    }
}

#[tokio::test]
async fn refused_call_changes_no_state() {
    let Some(server) = RedisServer::start() else { return };
    let store = server.store("deploy").await;
    let mut raw = server.raw().await;
    let limit = rate(3, HOUR);
    assert_eq!(admitted(&store, "k", limit, 3).await, 3);
    let before: String = raw.get(store.rate_key("k")).await.unwrap();
    assert!(!store.admit("k", limit).await.unwrap());
    assert!(!store.admit("k", limit).await.unwrap());
    let after: String = raw.get(store.rate_key("k")).await.unwrap();
    assert_eq!(before, after, "a refusal moved the bucket's arrival time");
}

#[tokio::test]
async fn keys_count_independently() {
    let Some(server) = RedisServer::start() else { return };
    let store = server.store("deploy").await;
    let limit = rate(2, HOUR);
    assert_eq!(admitted(&store, "a", limit, 5).await, 2);
    assert_eq!(admitted(&store, "b", limit, 5).await, 2);
    assert_eq!(admitted(&store, "a", limit, 1).await, 0);
}

#[tokio::test]
async fn namespaces_isolate_two_deployments_on_one_server() {
    let Some(server) = RedisServer::start() else { return };
    let acme = server.store("acme").await;
    let globex = server.store("globex").await;
    let limit = rate(2, HOUR);
    assert_eq!(admitted(&acme, "search", limit, 4).await, 2);
    assert_eq!(admitted(&globex, "search", limit, 4).await, 2);
    let mut raw = server.raw().await;
    let mut keys: Vec<String> = raw.keys("*").await.unwrap();
    keys.sort();
    assert_eq!(keys, ["acme:rate:search", "globex:rate:search"]);
}

#[tokio::test]
async fn one_more_call_is_admitted_after_an_interval() {
    let Some(server) = RedisServer::start() else { return };
    let store = server.store("deploy").await;
    // Two per two seconds: a burst of two, then one a second.
    let limit = rate(2, Duration::from_secs(2));
    assert_eq!(admitted(&store, "k", limit, 6).await, 2);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(admitted(&store, "k", limit, 6).await, 1);
}

#[tokio::test]
async fn idle_bucket_expires_once_it_is_full_again() {
    let Some(server) = RedisServer::start() else { return };
    let store = server.store("deploy").await;
    let mut raw = server.raw().await;
    assert!(store.admit("k", rate(4, HOUR)).await.unwrap());
    // One call taken: the bucket is full again one interval (15 min) later.
    let ttl: i64 = raw.pttl(store.rate_key("k")).await.unwrap();
    assert!((1..=15 * 60 * 1000).contains(&ttl), "expiry {ttl} ms");
    let limit = rate(1, Duration::from_millis(200));
    assert!(store.admit("short", limit).await.unwrap());
    tokio::time::sleep(Duration::from_millis(600)).await;
    let exists: bool = raw.exists(store.rate_key("short")).await.unwrap();
    assert!(!exists, "an idle bucket stayed on the server");
}
