//! Hooks from two customer crates, linked into one binary with the agent
//! crate: each runs only for its tenant, in order, and the listing and the
//! start-up check see both crates.

use agenthooks::{HookError, Session};
use search_agent::{AgentError, Doc, Filters, SearchAgent};

agenthooks::link!(acme_hooks => "acme", globex_hooks => "globex");

fn titles(docs: &[Doc]) -> Vec<&str> {
    docs.iter().map(|doc| doc.title.as_str()).collect()
}

fn session(tenant: &str) -> Session {
    Session::new("s-1").with_tenant(tenant)
}

fn filters() -> Filters {
    Filters { region: None, max_results: 10 }
}

#[tokio::test]
async fn each_customer_crate_hooks_only_its_own_tenant() {
    let agent = SearchAgent::demo();
    let acme = agent.search(&session("acme"), "rust".into(), filters()).await.unwrap();
    assert_eq!(titles(&acme), ["rust ownership guide", "rust error handling"]);
    let globex = agent.search(&session("globex"), "rust".into(), filters()).await.unwrap();
    assert_eq!(titles(&globex), ["rust ownership guide"]);
    let initech = agent.search(&session("initech"), "rust".into(), filters()).await.unwrap();
    assert_eq!(initech.len(), 3);
}

#[tokio::test]
async fn a_customer_hook_blocks_only_its_tenant() {
    let agent = SearchAgent::demo();
    let error = agent.search(&session("acme"), "globex".into(), filters()).await.unwrap_err();
    let AgentError::Hook(HookError::Blocked(blocked)) = error else { panic!("expected a block, got {error:?}") };
    assert_eq!((blocked.point, blocked.hook), ("before_search", "acme_hooks::no_competitor_research"));
    let globex = agent.search(&session("globex"), "globex".into(), filters()).await.unwrap();
    assert_eq!(titles(&globex), ["globex market report"]);
}

#[test]
fn sync_points_run_hooks_from_both_crates() {
    let agent = SearchAgent::demo();
    assert_eq!(agent.answer(&session("acme"), "hi".into(), "a@b.c".into()).unwrap(), "hi (acme assistant)");
    assert!(matches!(
        agent.answer(&session("globex"), " ".into(), "a@b.c".into()),
        Err(AgentError::Hook(HookError::Blocked(_)))
    ));
}

#[test]
fn the_listing_shows_both_crates_hooks_in_chain_order() {
    let listed: Vec<_> = agenthooks::linked_hooks()
        .into_iter()
        .map(|hook| (hook.point, hook.crate_name, hook.name, hook.tenant, hook.order, hook.timeout_ms))
        .collect();
    assert_eq!(
        listed,
        [
            ("after_answer", "globex_hooks", "mark_reviewed", Some("globex"), 100, 500),
            ("before_answer", "globex_hooks", "never_empty", Some("globex"), 5, 500),
            ("before_answer", "acme_hooks", "sign", Some("acme"), 100, 500),
            ("before_search", "acme_hooks", "search_quota", Some("acme"), 0, 500),
            ("before_search", "acme_hooks", "eu_only", Some("acme"), 10, 200),
            ("before_search", "globex_hooks", "top_result_only", Some("globex"), 10, 500),
            ("before_search", "acme_hooks", "no_competitor_research", Some("acme"), 20, 500),
            ("before_search", "acme_hooks", "confidential_needs_approval", Some("acme"), 30, 500),
        ]
    );
}

#[test]
fn the_start_up_check_sees_both_crates() {
    assert_eq!(agenthooks::verify_linked(), Ok(()));
    let error = agenthooks::require_crates(&["acme_hooks", "globex_hooks", "initech_hooks"]).unwrap_err();
    assert_eq!(error, agenthooks::LinkError::MissingHookCrates { missing: vec!["initech_hooks".into()] });
}

#[test]
fn the_agent_declares_its_points() {
    // Every binary also links the standard lifecycle points of agenthooks.
    let points: Vec<_> = agenthooks::linked_points()
        .into_iter()
        .filter(|point| point.module.starts_with("search_agent"))
        .map(|point| (point.name, point.fields, point.is_async))
        .collect();
    assert_eq!(
        points,
        [
            ("after_answer", &["text", "user_email", "result"][..], false),
            ("before_answer", &["text", "user_email"][..], false),
            ("before_search", &["query", "filters"][..], true)
        ]
    );
}
