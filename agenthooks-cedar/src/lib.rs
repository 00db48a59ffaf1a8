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
//! Every decision is in the hook's audit line, with the ids of the policies
//! that decided it. A denied call's hook execution is audited with status
//! `blocked` and the decision as its `hook.block_reason`: the ids of the
//! `forbid` policies that denied it, or `no policy permits` (Cedar denies
//! by default). An allowed call goes on through `Outcome::Note`: its
//! execution is audited with status `ok` and the decision as its
//! `hook.message`, naming the `permit` policies that allowed it
//! (`cedar: allow by acme-search`). Either way the ids of policies that
//! failed to evaluate follow (`; in error: p1`).
//!
//! # Policies in error fail closed
//!
//! A policy whose condition cannot be evaluated for a call (it reads an
//! attribute the call lacks, or has with another type) is not skipped as
//! Cedar skips it: a `forbid` in error denies the call
//! (`cedar: deny by no-etc; in error: no-etc`), a `permit` in error permits
//! nothing. See [`Decision`] for the cases.
//!
//! # Policies
//!
//! Every policy carries an `@id("...")` annotation, so that the audit log
//! names it the same way after every edit of the file (without one, Cedar
//! numbers policies by their place in the text). [`Policies::reload_file`]
//! replaces the set whole, or, when the new file is invalid, keeps the set in
//! force and returns the error with the line and column Cedar reports.
//!
//! # Policy files in the configuration file
//!
//! A deployment names its policy files in the configuration file it
//! already reloads for its hooks (`agenthooks::config`), in a `[cedar]`
//! section: one policy set per name, a file each, relative to the
//! configuration file's directory. A hook reads a set with
//! [`Policies::configured`]:
//!
//! ```toml
//! [hook."initech_hooks::search::cedar"]
//! timeout_ms = 50
//!
//! [cedar]
//! search = "policies/search.cedar"
//! tools = "/etc/agent/tools.cedar"
//! ```
//!
//! ```
//! use agenthooks::{config, hook, hookpoint, Ctx, HookError, Outcome, Session};
//! use agenthooks_cedar::{Policies, Resource};
//! use std::sync::LazyLock;
//!
//! # #[derive(Debug)]
//! # struct AgentError(HookError);
//! # impl From<HookError> for AgentError {
//! #     fn from(error: HookError) -> Self { AgentError(error) }
//! # }
//! #[hookpoint(BeforeSearch)]
//! fn search(session: &Session, index: String) -> Result<(), AgentError> {
//!     Ok(())
//! }
//!
//! static SEARCH: LazyLock<&Policies> = LazyLock::new(|| Policies::configured("search"));
//!
//! #[hook(BeforeSearch)]
//! fn cedar(ctx: &Ctx<BeforeSearch>) -> Outcome {
//!     SEARCH.check(ctx, Resource::new("Index", &ctx.index), &())
//! }
//!
//! let dir = tempfile::tempdir()?;
//! let (file, policies) = (dir.path().join("hooks.toml"), dir.path().join("search.cedar"));
//! std::fs::write(&file, "[cedar]\nsearch = \"search.cedar\"\n")?;
//! std::fs::write(&policies, "@id(\"docs\")\npermit(principal, action, resource == Index::\"docs\");\n")?;
//! let (watcher, applied) = config::Watcher::start(&file, std::time::Duration::from_secs(1))?;
//! assert_eq!(applied.files[0].path, policies);
//!
//! let session = Session::new("s-1");
//! assert!(search(&session, "docs".into()).is_ok());
//! assert!(search(&session, "payroll".into()).is_err());
//!
//! // An invalid policy file refuses the whole configuration: the hook
//! // settings and the policies in force stay.
//! std::fs::write(&policies, "@id(\"docs\")\npermit(principal, action,);\n")?;
//! let error = config::apply_file(&file).unwrap_err();
//! assert!(error.to_string().contains("search.cedar:2:"), "{error}");
//! assert!(search(&session, "docs".into()).is_ok());
//! # drop(watcher);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Applying a configuration (or the [`Watcher`] noticing that the
//! configuration file or one of the policy files it names changed) reads
//! and parses every policy file first; only when all of them and the hook
//! settings are valid are the hook settings and every named set replaced,
//! each whole. An invalid policy file refuses the whole configuration with
//! `ConfigError::Section`, naming the section, the file, the line and the
//! column; the hook settings and the policies in force stay. A set that
//! no configuration names holds no policy, and a hook that puts a call to
//! it blocks the call ([`RequestError::Unconfigured`]). The configuration's
//! audit line names each policy file with its SHA-256 digest.
//!
//! [Cedar]: https://www.cedarpolicy.com
//! [`Watcher`]: agenthooks::config::Watcher

mod configured;
mod decision;
mod error;
mod policies;
mod request;

pub use configured::SECTION;

pub use decision::Decision;
pub use error::{PolicyError, Position, RequestError};
pub use policies::Policies;
pub use request::{Resource, ACTION_TYPE, SESSION_TYPE, TENANT_TYPE};
