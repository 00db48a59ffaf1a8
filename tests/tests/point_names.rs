//! Two hook points with one name could not be told apart in the audit log,
//! spans and metrics: the start-up check names both declarations.

use agenthooks::{hookpoint, LinkError, Session};
use agenthooks_tests::AgentError;
use search_agent::SearchAgent;

/// A second agent's point that reuses the search agent's point name.
#[hookpoint(OtherAnswer, name = "before_answer")]
pub fn other_answer(session: &Session, text: String) -> Result<String, AgentError> {
    Ok(text)
}

#[test]
fn two_points_with_one_name_fail_the_start_up_check_naming_both() {
    let _agent = SearchAgent::demo();
    assert_eq!(
        agenthooks::verify_linked(),
        Err(LinkError::DuplicatePointName { name: "before_answer", first: "point_names", second: "search_agent" })
    );
}
