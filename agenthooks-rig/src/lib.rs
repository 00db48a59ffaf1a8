//! Connects agenthooks' standard lifecycle points to agents built on
//! [rig](https://crates.io/crates/rig-agent): a rig agent, built with rig's
//! own `AgentBuilder` and running rig's own prompt and tool loop, calls
//! `lifecycle.run_start`, `before_llm` / `after_llm`, `before_tool` /
//! `tool_error` / `after_tool` and `run_end` for the [`Session`] its caller
//! names, so every customer hook written for those points guards a rig agent
//! too, with its tenant, matchers, order, time limits and audit line.
//!
//! ```
//! use agenthooks::lifecycle::BeforeTool;
//! use agenthooks::{hook, Ctx, Outcome, Session};
//! use agenthooks_rig::{HookedAgent, RunError};
//! use rig_agent::core::{operation::Completion, DynModel};
//! use rig_agent::AgentBuilder;
//!
//! // A customer's guard: acme's sessions never run a shell tool.
//! #[hook(BeforeTool, tenant = "acme", tool = "shell*")]
//! fn no_shell(_ctx: &Ctx<BeforeTool>) -> Outcome {
//!     Outcome::block("acme does not allow shell tools")
//! }
//!
//! async fn answer(model: DynModel<Completion>, question: &str) -> Result<String, RunError> {
//!     let agent = HookedAgent::new(AgentBuilder::new(model).name("support").build());
//!     let session = Session::new("s-1").with_tenant("acme");
//!     agent.prompt(&session, question).await
//! }
//! ```
//!
//! # How it maps
//!
//! The adapter is rig's own hook mechanism ([`rig_agent::AgentHook`]), not a
//! wrapper around tools or models: rig asks a hook before it dispatches a
//! model request or a tool call and after each answers, and lets it patch,
//! deny or replace. So the lifecycle hooks *enforce*: a blocked tool never
//! runs, rewritten arguments are what the tool receives, a rewritten result
//! is what the model reads. The table of [`LifecycleHook`] lists each
//! mapping; [`BlockedTool`] says what a stopped tool call becomes (a refusal
//! the model reads, by default, or a stopped run with a typed
//! [`RunError`]).
//!
//! Values cross as JSON: tool arguments (rig carries them as JSON text; the
//! adapter parses them once per call, and only when a hook is linked on the
//! point), tool outputs (text as a string, a JSON block as itself), messages
//! (role and `content` as rig serializes them), the request's
//! `temperature`, `max_tokens` and `additional_params` as the options.
//!
//! # What rig does not let the adapter intercept
//!
//! - **Model selection**: rig's selection hook is synchronous and the
//!   lifecycle point is `async`, so `lifecycle.select_model` is not called;
//!   the adapter only reads the selected model's label for the LLM points.
//! - **Run end from inside rig**: rig's settled event can only observe, so
//!   [`HookedAgent::prompt`] calls `lifecycle.run_end` on the answer after
//!   rig returns it. A run started without it (a streamed run with
//!   [`HookedAgent::hook`]) gets every point but run end.
//! - **Streamed deltas**: rig's delta hooks can observe or stop, never change
//!   an event, so `lifecycle::stream` is not mapped; the model turn a stream
//!   adds up to still goes through `after_llm`.
//! - **Tool calls in an answer**: an `after_llm` hook may rewrite the text;
//!   rewriting the tool calls stops the run with
//!   [`RunError::Unsupported`] (guard them at `before_tool`).
//! - **Memory, retrieval and embedding dispatches** pass unhooked: no
//!   lifecycle point stands for them.
//!
//! rig 0.44 is the newest release that builds with Rust 1.95; this crate
//! needs that toolchain, while the rest of the workspace builds with 1.89.
#![doc = include_str!("../docs/mapping.md")]

mod agent;
mod convert;
mod error;
mod hook;

pub use agent::HookedAgent;
pub use error::RunError;
pub use hook::{BlockedTool, LifecycleHook};

#[cfg(doc)]
use agenthooks::Session;
