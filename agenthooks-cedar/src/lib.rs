//! Cedar policies as an agenthooks hook.
//!
//! A hook puts each call of its point to a set of [Cedar] policies and
//! blocks the calls they deny. The request is made from the call:
//!
//! | Cedar | from | example |
//! |---|---|---|
//! | principal | the sealed session: `Session::"<session id>"`, a member of `Tenant::"<tenant id>"` when the session has a tenant | `principal in Tenant::"acme"` |
//! | action | the point's name | `action == Action::"before_tool_call"` |
//! | resource | a key field the hook names, with its type | `resource == Tool::"shell"` |
//! | context | a value the hook passes, serialized with serde (`null` members left out) | `context.path like "/docs/*"` |
//!
//! The hook chooses the context — the point's fields the policies may read,
//! under the names they read them by — so a field marked `#[redact]` reaches
//! the policies only if the hook passes it.
//!
//! ```
//! use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};
//! use agenthooks_cedar::{Policies, Resource};
//! use std::sync::LazyLock;
//!
//! #[derive(Debug)]
//! struct AgentError(HookError);
//! impl From<HookError> for AgentError {
//!     fn from(error: HookError) -> Self { AgentError(error) }
//! }
//!
//! #[hookpoint(BeforeToolCall)]
//! fn call_tool(session: &Session, tool: String, path: String) -> Result<(), AgentError> {
//!     Ok(())
//! }
//!
//! // Deployed as a file and loaded with `Policies::from_file`.
//! static POLICIES: LazyLock<Policies> = LazyLock::new(|| {
//!     r#"
//!     @id("acme-reads-docs")
//!     permit(principal in Tenant::"acme", action == Action::"before_tool_call", resource == Tool::"read")
//!     when { context.path like "/docs/*" };
//!
//!     @id("no-shell")
//!     forbid(principal, action, resource == Tool::"shell");
//!     "#
//!     .parse()
//!     .expect("the policies are valid")
//! });
//!
//! #[hook(BeforeToolCall)]
//! fn cedar(ctx: &Ctx<BeforeToolCall>) -> Outcome {
//!     POLICIES.check(ctx, Resource::new("Tool", &ctx.tool), &serde_json::json!({ "path": ctx.path }))
//! }
//!
//! let acme = Session::new("s-1").with_tenant("acme");
//! assert!(call_tool(&acme, "read".into(), "/docs/guide.md".into()).is_ok());
//!
//! let AgentError(HookError::Blocked(blocked)) = call_tool(&acme, "read".into(), "/etc/passwd".into()).unwrap_err()
//! else { panic!("blocked") };
//! assert_eq!(blocked.reason, "cedar: deny: no policy permits");
//!
//! let AgentError(HookError::Blocked(blocked)) = call_tool(&acme, "shell".into(), "/".into()).unwrap_err()
//! else { panic!("blocked") };
//! assert_eq!(blocked.reason, "cedar: deny by no-shell");
//! ```
//!
//! # In the audit log
//!
//! A denied call's hook execution is audited with status `blocked` and the
//! decision as its `hook.block_reason`: the ids of the `forbid` policies
//! that denied it, or `no policy permits` (Cedar denies by default), and the
//! ids of policies that failed to evaluate. An allowed call's execution is
//! audited with status `ok`; the audit line of an `ok` execution carries no
//! message, so the ids of the `permit` policies that allowed it are not in
//! the log. A hook that must keep them calls [`Policies::decide`] and
//! records [`Decision::policies`] itself.
//!
//! # Policies
//!
//! Every policy carries an `@id("...")` annotation, so that the audit log
//! names it the same way after every edit of the file (without one, Cedar
//! numbers policies by their place in the text). [`Policies::reload_file`]
//! replaces the set whole, or, when the new file is invalid, keeps the set in
//! force and returns the error with the line and column Cedar reports.
//!
//! [Cedar]: https://www.cedarpolicy.com

mod decision;
mod error;
mod policies;
mod request;

pub use decision::Decision;
pub use error::{PolicyError, Position, RequestError};
pub use policies::Policies;
pub use request::{Resource, ACTION_TYPE, SESSION_TYPE, TENANT_TYPE};
