//! A deployment of the search agent for customer initech, whose search
//! policy is written in Cedar (`examples/initech-hooks/policies`): a search
//! for pay data is refused, with the policy that decided in the reason and
//! the audit line.
#![deny(unused_crate_dependencies)]

use agenthooks::audit::{self, AuditConfig};
use agenthooks::Session;
use search_agent::{Filters, SearchAgent};

agenthooks::link!(initech_hooks => "initech");

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    agenthooks::verify_linked()?;
    let audit = audit::init(AuditConfig::from_env()?)?;
    let agent = SearchAgent::demo();
    for (turn, query) in (1..).zip(["rust", "salary bands"]) {
        let session = Session::new("session-initech").with_tenant("initech").with_turn(turn);
        println!("[initech] search {query:?}");
        let filters = Filters { region: None, max_results: 10 };
        match agent.search(&session, query.into(), filters).await {
            Ok(docs) => println!("  found {} documents", docs.len()),
            Err(error) => println!("  stopped: {error}"),
        }
    }
    let path = audit.path().display().to_string();
    drop(audit); // writes and syncs every record
    println!("\naudit log: {path}");
    Ok(())
}
