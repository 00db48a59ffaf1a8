//! Tool calls.

use serde_json::Value;

use super::ToolResult;
use crate::{hookpoint, HookError, Session};

/// Right before the agent runs tool `tool` with `args`, for call `call_id`;
/// returns the arguments as the hooks left them. The guard of every agent:
/// a hook may block the call, rewrite its arguments or ask for approval,
/// and a hook that fails stops the call (`on_failure = "deny"`).
///
/// ```
/// use agenthooks::lifecycle::{self, BeforeTool};
/// use agenthooks::{hook, Ctx, Outcome, Session};
///
/// #[hook(BeforeTool, tool = "shell*")]
/// fn no_shell(ctx: &Ctx<BeforeTool>) -> Outcome {
///     Outcome::block("shell tools are not allowed")
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let session = Session::new("s-1");
/// let args = serde_json::json!({"path": "/tmp"});
/// let allowed = lifecycle::before_tool(&session, "fs_list".into(), args.clone(), "c-1".into()).await;
/// assert_eq!(allowed.unwrap(), args);
/// let denied = lifecycle::before_tool(&session, "shell_exec".into(), args, "c-2".into()).await;
/// assert!(denied.is_err());
/// # }
/// ```
#[hookpoint(BeforeTool, name = "lifecycle.before_tool")]
#[non_exhaustive]
pub async fn before_tool(
    session: &Session,
    #[key] tool: String,
    args: Value,
    call_id: String,
) -> Result<Value, HookError> {
    Ok(args)
}

/// Right after tool `tool` ran for call `call_id` with `args` (as the
/// before-tool hooks left them) and produced `result`, an error included;
/// returns the result as the hooks left it (a hook may mask a field).
/// Fails closed: a masking hook that fails must not let the data through.
#[hookpoint(AfterTool, name = "lifecycle.after_tool")]
#[non_exhaustive]
pub async fn after_tool(
    session: &Session,
    #[key] tool: String,
    args: Value,
    call_id: String,
    result: ToolResult,
) -> Result<ToolResult, HookError> {
    Ok(result)
}

/// Tool `tool` failed for call `call_id` with `error`: observers only
/// (alerting, error budgets). Called beside `after_tool`, which sees the
/// same failure as a result it may rewrite.
#[hookpoint(ToolError, name = "lifecycle.tool_error", on_failure = "continue", compose = "run_all")]
#[non_exhaustive]
pub async fn tool_error(
    session: &Session,
    #[key] tool: String,
    args: Value,
    call_id: String,
    error: String,
) -> Result<(), HookError> {
    Ok(())
}
