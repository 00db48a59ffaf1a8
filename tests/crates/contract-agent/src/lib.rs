//! An agent whose points declare contracts: `BeforeTool` at version 2.1,
//! and `ChooseModel`, which admits one hook per tenant. Hooks in other
//! crates are checked against them.

use agenthooks::{hookpoint, HookError, Session};

/// Calls a tool; the point's contract is at version 2.1.
#[hookpoint(BeforeTool, version = "2.1")]
pub fn call_tool(session: &Session, tool: String) -> Result<String, HookError> {
    Ok(tool)
}

/// Chooses the model that answers: one hook per tenant may choose it.
#[hookpoint(ChooseModel, single, version = "1.0")]
pub fn choose_model(session: &Session, model: String) -> Result<String, HookError> {
    Ok(model)
}
