//! Compile-time hook points for AI agents.
//!
//! An agent author marks methods with `#[hookpoint(Name)]` (inside an
//! `#[agent]` impl block, or on a free `fn`); the macro generates a typed
//! context struct `Name` from the method's arguments. Customers write
//! `#[hook(Name, tenant = "acme", order = 10, timeout_ms = 200)]` functions in
//! their own crates; the deployment binary links those crates with
//! [`link!`]. At run time the executor runs the linked hooks in order, only
//! for their tenant, under their time limits, with panics and errors
//! contained, and the method body runs with the arguments as the hooks left
//! them.
//!
//! ```
//! use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};
//!
//! #[derive(Debug)]
//! struct AgentError(HookError);
//! impl From<HookError> for AgentError {
//!     fn from(error: HookError) -> Self { AgentError(error) }
//! }
//!
//! /// Customers may rewrite the query.
//! #[hookpoint(BeforeSearch)]
//! fn search(session: &Session, query: String) -> Result<String, AgentError> {
//!     Ok(format!("results for {query}"))
//! }
//!
//! #[hook(BeforeSearch, tenant = "acme", order = 10)]
//! fn scope_to_eu(ctx: &mut Ctx<BeforeSearch>) -> Outcome {
//!     ctx.query.push_str(" region:eu");
//!     Outcome::Continue
//! }
//!
//! let acme = Session::new("s-1").with_tenant("acme");
//! assert_eq!(search(&acme, "rust".into()).unwrap(), "results for rust region:eu");
//! let globex = Session::new("s-2").with_tenant("globex");
//! assert_eq!(search(&globex, "rust".into()).unwrap(), "results for rust");
//! ```

extern crate self as agenthooks;

#[macro_use]
mod symbol;
pub mod audit;
mod context;
mod error;
mod execution;
mod executor;
mod hook;
mod outcome;
mod point;
mod redact;
mod registry;
mod session;
mod sink;
pub mod telemetry;
mod unwind;

#[doc(hidden)]
pub mod __private;

pub use agenthooks_macros::{agent, hook, hookpoint};
pub use context::Ctx;
pub use error::{Blocked, CarriesHookError, HookError, LinkError};
pub use execution::{Execution, Status};
pub use hook::{HookKind, HookMeta};
pub use outcome::{InterceptorReturn, ObserverReturn, Outcome};
pub use point::{AsyncPoint, HookPoint};
pub use redact::REDACTED;
pub use registry::{linked_hooks, linked_points, require_crates, verify_linked, PointInfo};
pub use session::Session;

/// Links hook crates into the deployment binary and records that it expects
/// them.
///
/// A crate of hooks that no code names is never linked, and its hooks never
/// run. `link!` names each crate so its hooks register, and records it for
/// [`verify_linked`], which fails at start-up if one of them registered no
/// hook.
///
/// A deployment binary names its hook crates once, at the top level, and
/// checks them first thing in `main`:
///
/// ```text
/// agenthooks::link!(acme_hooks, globex_hooks);
///
/// fn main() -> Result<(), agenthooks::LinkError> {
///     agenthooks::verify_linked()?;
///     // … run the agent
///     Ok(())
/// }
/// ```
///
/// Here the crate named is linked but registers no hook, so the check fails:
///
/// ```
/// agenthooks::link!(tokio);
///
/// let error = agenthooks::verify_linked().unwrap_err();
/// assert_eq!(error, agenthooks::LinkError::MissingHookCrates { missing: vec!["tokio".into()] });
/// ```
#[macro_export]
macro_rules! link {
    ($($krate:ident),+ $(,)?) => {
        $(
            #[allow(unused_imports)]
            use $krate as _;
            $crate::__private::inventory::submit! {
                $crate::__private::ExpectedCrate(::core::stringify!($krate))
            }
        )+
    };
}
