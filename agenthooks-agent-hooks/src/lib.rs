//! An AGENT-HOOKS-0.1 host on agenthooks.
//!
//! AGENT-HOOKS-0.1 is a framework-neutral contract for agent interception:
//! eight interception points, `allow` / `deny` / `transform` verdicts,
//! approvals bound to a content identity, fail-closed composition profiles
//! and payload-free records. This crate makes an agent built on agenthooks
//! a host of that contract, with agenthooks' own executor deciding:
//!
//! - each contract interceptor is a hook registered at run time
//!   ([`agenthooks::runtime`]) on the host's points ([`points`]), one per
//!   interception point and composition, at the order of its registration
//!   index, for the session's own tenant; dropping the [`Host`] removes
//!   them;
//! - a verdict is an outcome of the decision algebra: `allow` continues,
//!   `deny` blocks, `transform` changes the point's `target` argument, a
//!   `deny` with `approval` asks for an approval that agenthooks' executor
//!   resolves through the host's scoped approver, carried by the session
//!   the host emits with: it answers exactly the asks the host's own hooks
//!   raised in that emission, each once, by consulting the contract's
//!   resolver and validating its resolution; every other ask (another
//!   hook, point or tenant, a session of the same id) goes to the
//!   deployment's installed approver, which the host never replaces;
//! - the composition profiles are the points' compositions: first-deny is
//!   `chain`, run-all is `run_all`, the parallel profiles are `parallel`
//!   (unanimous by recasting every non-`allow` verdict as the disagreement
//!   deny);
//! - failures (a panic, an error, a time-out, an invalid verdict) are the
//!   executor's, under the points' fail-closed policy;
//! - the interception record is projected from the executor's result and
//!   the executions it reported ([`agenthooks::observe::Recorder`]), with
//!   the contract's identity and record functions.
//!
//! An agent built on agenthooks' standard lifecycle points
//! ([`agenthooks::lifecycle`]) uses contract interceptors through
//! [`Host::mount_lifecycle`]: one hook per lifecycle point the contract
//! covers, for the session's tenant, turns each typed call into a contract
//! emission through the host and maps its verdict back onto the call
//! (see [`lifecycle`] for the table of points and fields, and every place
//! where the typed points and the contract disagree). An agent with
//! moments of its own emits contract contexts directly with
//! [`Host::emit`].
//!
//! [`AgentHarness`] drives a small agent written with the lifecycle points
//! through the contract's conformance kit, with the host mounted on them.
#![doc = include_str!("../docs/conformance.md")]

mod emission;
mod harness;
mod host;
pub mod lifecycle;
pub mod points;
mod project;
mod slots;

pub use harness::{AgentHarness, CAPABILITIES};
pub use host::{Denied, Host, IdentityProvider, Setup, Surface};
pub use lifecycle::{LifecycleHost, Misfit, MountError, Refusal};
