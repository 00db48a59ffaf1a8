//! The deployment binary: links the search agent with the hooks of two
//! customers, checks they are all there, starts the audit log, and serves a
//! few calls for each tenant.
//!
//! `unused_crate_dependencies` is denied: a hook crate listed in
//! `Cargo.toml` but forgotten in `link!` fails the build, naming the crate,
//! instead of leaving its guards silently unlinked.
#![deny(unused_crate_dependencies)]

use std::time::Duration;

use agenthooks::approval::{self, ApproverKey};
use agenthooks::audit::{self, AuditConfig};
use agenthooks::{HookError, Session};
use search_agent::{AgentError, Filters, SearchAgent};

agenthooks::link!(acme_hooks => "acme", globex_hooks => "globex");

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    agenthooks::verify_linked()?;
    let audit = audit::init(AuditConfig::from_env()?)?;
    println!("linked hooks:");
    for hook in agenthooks::linked_hooks() {
        println!("  {hook}");
    }

    let agent = SearchAgent::demo();
    let calls = [("acme", "rust"), ("globex", "rust"), ("acme", "globex report")];
    for (turn, (tenant, query)) in (1..).zip(calls) {
        let session = Session::new(format!("session-{tenant}")).with_tenant(tenant).with_turn(turn);
        println!("\n[{tenant}] search {query:?}");
        let filters = Filters { region: None, max_results: 10 };
        match agent.search(&session, query.into(), filters).await {
            Ok(docs) => {
                for doc in &docs {
                    println!("  found: {} ({})", doc.title, doc.region);
                }
                let text = format!("{} documents about {query}", docs.len());
                println!("  answer: {}", agent.answer(&session, text, "user@example.com".into())?);
            }
            Err(error) => println!("  stopped: {error}"),
        }
    }

    // A hook asks for approval: the call returns the approval's id, bound to
    // exactly this search; a person grants it, and the agent calls again.
    // The operators' approval service signs grants with its key, which the
    // agent trusts: a caller cannot make up a grant.
    let operators = ApproverKey::new("ops@acme", b"a secret of 32 bytes or more, kept")?;
    approval::trust(operators.clone());
    let session = Session::new("session-acme").with_tenant("acme").with_turn(6);
    let query = "confidential roadmap";
    println!("\n[acme] search {query:?}");
    let filters = Filters { region: None, max_results: 10 };
    match agent.search(&session, query.into(), filters.clone()).await {
        Err(AgentError::Hook(HookError::ApprovalRequired { id, prompt, .. })) => {
            println!("  waits for approval {id}: {prompt}");
            println!("  (an operator approves it)");
            // One search, within ten minutes.
            let granted = session.with_approval(operators.grant(id, Duration::from_secs(600)));
            let docs = agent.search(&granted, query.into(), filters).await?;
            println!("  approved, found {} documents", docs.len());
        }
        other => println!("  unexpected: {other:?}"),
    }

    // acme's plan admits 20 searches a minute per session
    // (`rate_limit = "20/1m per session"` on `acme_hooks::search_quota`):
    // a burst of 22 from one session runs 20 and refuses 2, before any
    // hook of the chain runs.
    let session = Session::new("session-acme-burst").with_tenant("acme").with_turn(1);
    println!("\n[acme] 22 searches in a burst from one session");
    let (mut ran, mut refused) = (0, None::<(usize, String)>);
    for _ in 0..22 {
        let filters = Filters { region: None, max_results: 10 };
        match agent.search(&session, "rust".into(), filters).await {
            Ok(_) => ran += 1,
            Err(AgentError::Hook(error @ HookError::RateLimited { .. })) => {
                let count = refused.as_ref().map_or(0, |(count, _)| *count);
                refused = Some((count + 1, error.to_string()));
            }
            Err(error) => return Err(error.into()),
        }
    }
    let (count, error) = refused.unwrap_or_default();
    println!("  {ran} ran, {count} refused: {error}");

    // The operator switches a hook off while the agent runs: no rebuild, no
    // restart. The agent watches its hook configuration file; rewriting the
    // file applies it within an interval, and the audit log records it.
    let config = std::env::temp_dir().join(format!("quickstart-hooks-{}.toml", std::process::id()));
    std::fs::write(&config, "")?;
    let (watcher, _) = agenthooks::config::Watcher::start(&config, Duration::from_millis(50))?;
    std::fs::write(&config, "[hook.\"acme_hooks::no_competitor_research\"]\nenabled = false\n")?;
    println!("\n(the operator switches acme_hooks::no_competitor_research off in {})", config.display());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let session = Session::new("session-acme").with_tenant("acme").with_turn(7);
    let filters = Filters { region: None, max_results: 10 };
    let docs = agent.search(&session, "globex report".into(), filters).await?;
    println!("[acme] search \"globex report\"\n  the search ran ({} documents): the rule is off", docs.len());
    drop(watcher);
    std::fs::remove_file(&config)?;

    let path = audit.path().display().to_string();
    drop(audit); // writes and syncs every record
    println!("\naudit log: {path}");
    println!("check it:  cargo run -p agenthooks-cli -- audit verify {path}");
    Ok(())
}
