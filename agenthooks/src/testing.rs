//! A test kit for hooks, behind the `testing` feature: call one hook on a
//! context you build, run a point with only the hooks you choose, record
//! executions to assert on, and ask which hooks would run for a call and why
//! the others would not.
//!
//! Enable it for tests only:
//!
//! ```toml
//! [dev-dependencies]
//! agenthooks = { version = "0.1", features = ["testing"] }
//! ```
//!
//! Under `cargo test`, hooks audit to a log beside the test binary in the
//! target directory (see [`AuditConfig::from_env`]); a test never
//! writes to the home directory. Give each test its own session id, and
//! filter recorded executions by it: tests run in parallel in one process.
//!
//! [`AuditConfig::from_env`]: crate::audit::AuditConfig::from_env
//!
//! ```
//! use agenthooks::testing::{self, Recorder};
//! use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session, Status};
//!
//! #[hookpoint(BeforeSearch)]
//! fn search(session: &Session, query: String) -> Result<String, HookError> {
//!     Ok(query)
//! }
//!
//! #[hook(BeforeSearch, tenant = "acme")]
//! fn no_secrets(ctx: &mut Ctx<BeforeSearch>) -> Outcome {
//!     if ctx.query.contains("secret") {
//!         return Outcome::block("asks for a secret");
//!     }
//!     ctx.query.push_str(" lang:en");
//!     Outcome::Continue
//! }
//!
//! let session = Session::new("doc-test").with_tenant("acme");
//!
//! // One hook, on a context built here.
//! let called = testing::call("rust_out::no_secrets", &session, BeforeSearch { query: "weather".into() }).unwrap();
//! assert_eq!(called.outcome, Ok(Outcome::Continue));
//! assert_eq!(called.args.query, "weather lang:en");
//!
//! // The point as the deployment runs it, with a recorder.
//! let recorder = Recorder::start();
//! assert!(search(&session, "secret".into()).is_err());
//! let runs = recorder.of_session("doc-test");
//! assert_eq!((runs[0].hook, runs[0].status), ("rust_out::no_secrets", Status::Blocked));
//!
//! // Why a hook would not run for another tenant.
//! let globex = Session::new("doc-test").with_tenant("globex");
//! let explained = testing::explain::<BeforeSearch>(&globex);
//! assert_eq!(explained[0].verdict, testing::Verdict::OtherTenant);
//! ```
#![doc = include_str!("../docs/testing.md")]

use std::fmt;

use crate::executor::{drive_hooks, now};
use crate::hook::{Hook, HookMeta};
use crate::link::Reach;
use crate::policy::Mode;
use crate::{AsyncPoint, Ctx, HookError, HookPoint, Outcome, Session};

pub use crate::observe::{Recorded, Recorder};

/// What one hook did when [`call`]ed: what it returned, and the arguments
/// as it left them.
#[derive(Debug)]
#[non_exhaustive]
pub struct Called<P> {
    /// The hook's outcome, or its error as text.
    pub outcome: Result<Outcome, String>,
    /// The arguments as the hook left them.
    pub args: P,
}

/// No hook of this path is linked to or registered at the point.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no hook `{path}` is linked to or registered at `{point}`; `agenthooks::linked_hooks()` lists what is")]
pub struct NoSuchHook {
    /// The point's name.
    pub point: &'static str,
    /// The path asked for.
    pub path: String,
}

/// The hook of `path` at point `P`, as declared.
fn find<P: HookPoint>(path: &str) -> Result<Hook<P>, NoSuchHook> {
    let hooks = P::table().hooks();
    let found = hooks.into_iter().find(|(hook, _)| hook.meta.path == path);
    found.map(|(hook, _)| hook).ok_or_else(|| NoSuchHook { point: P::NAME, path: path.to_owned() })
}

/// Calls the plain `fn` hook of `path` on `args` for `session`: the hook's
/// own function, with no time limit, no audit line, no configuration, and
/// its panics propagated, so that the test sees exactly what the hook does.
/// An `async fn` hook needs [`call_async`].
pub fn call<P: HookPoint>(path: &str, session: &Session, args: P) -> Result<Called<P>, NoSuchHook> {
    let hook = find::<P>(path)?;
    let mut ctx = Ctx::new(args, session);
    let outcome =
        hook.run.call(&mut ctx).expect("`call` runs plain `fn` hooks; call an `async fn` hook with `call_async`");
    Ok(Called { outcome, args: ctx.into_args() })
}

/// Calls the hook of `path`, plain or `async fn`, as [`call`] does.
pub async fn call_async<P: AsyncPoint>(path: &str, session: &Session, args: P) -> Result<Called<P>, NoSuchHook> {
    let hook = find::<P>(path)?;
    let mut ctx = Ctx::new(args, session);
    let outcome = if hook.run.is_async() {
        hook.run.start(&mut ctx).expect("an async hook starts a future").await
    } else {
        hook.run.call(&mut ctx).expect("a plain hook returns at once")
    };
    Ok(Called { outcome, args: ctx.into_args() })
}

/// Why a hook chosen for [`run_only`] cannot run for the call.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotRunnable {
    /// No such hook.
    #[error(transparent)]
    NoSuchHook(#[from] NoSuchHook),
    /// The hook exists but would not run for this call.
    #[error("hook `{path}` would not run for this call: {verdict}")]
    Excluded {
        /// The hook's path.
        path: String,
        /// Why.
        verdict: Verdict,
    },
}

/// Runs the plain `fn` point `P` for `session` on `args` with only the hooks
/// of `paths`, as the deployment would run them: in chain order, with the
/// point's composition and failure policy, the configuration in force,
/// time limits, audit lines and telemetry. Fails before any hook runs when
/// one of `paths` would not run for the call.
pub fn run_only<P: HookPoint>(paths: &[&str], session: &Session, args: P) -> Result<Result<P, HookError>, NotRunnable> {
    let hooks = chosen::<P>(paths, session)?;
    Ok(now(drive_hooks(&hooks, session, args, false)))
}

/// Runs the `async fn` point `P` with only the hooks of `paths`, as
/// [`run_only`] does; awaits approvers and `async fn` hooks.
pub async fn run_only_async<P: AsyncPoint>(
    paths: &[&str],
    session: &Session,
    args: P,
) -> Result<Result<P, HookError>, NotRunnable> {
    let hooks = chosen::<P>(paths, session)?;
    Ok(drive_hooks(&hooks, session, args, true).await)
}

/// The chain of `session`'s call, with only the hooks of `paths`.
fn chosen<P: HookPoint>(paths: &[&str], session: &Session) -> Result<Vec<Hook<P>>, NotRunnable> {
    let explained = explain::<P>(session);
    for path in paths {
        match explained.iter().find(|explained| explained.hook.path == *path) {
            None => return Err(NoSuchHook { point: P::NAME, path: (*path).to_owned() }.into()),
            Some(Explained { verdict: Verdict::Runs { .. }, .. }) => {}
            Some(explained) => {
                return Err(NotRunnable::Excluded { path: (*path).to_owned(), verdict: explained.verdict });
            }
        }
    }
    let chains = P::table().hold();
    Ok(chains
        .select(session.tenant_id())
        .hooks()
        .iter()
        .filter(|hook| paths.contains(&hook.meta.path))
        .cloned()
        .collect())
}

/// Whether a hook runs for a call, and if not, why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// It runs: `position` in the chain (from 0), in `mode`.
    Runs {
        /// Its place in the call's chain.
        position: usize,
        /// Whether its decisions are enforced, as configured.
        mode: Mode,
    },
    /// Its crate is not bound to the call's tenant by the deployment's
    /// `link!`, or not named there.
    NotBound,
    /// It runs for another tenant.
    OtherTenant,
    /// The configuration in force switches it off.
    Disabled,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Runs { position, mode: Mode::Shadow } => write!(f, "runs at position {position}, in shadow mode"),
            Verdict::Runs { position, .. } => write!(f, "runs at position {position}"),
            Verdict::NotBound => f.write_str("its crate is not bound to this tenant by `link!`"),
            Verdict::OtherTenant => f.write_str("it runs for another tenant"),
            Verdict::Disabled => f.write_str("the configuration in force switches it off"),
        }
    }
}

/// One hook of a point, and whether it runs for a call.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Explained {
    /// The hook as declared (settings before the configuration).
    pub hook: &'static HookMeta,
    /// Whether it runs, and why not.
    pub verdict: Verdict,
}

/// Every hook of point `P`, linked or registered, and whether it runs for a
/// call of `session`: those that run first, in chain order, then the others
/// by path.
pub fn explain<P: HookPoint>(session: &Session) -> Vec<Explained> {
    let tenant = session.tenant_id();
    let chains = P::table().hold();
    let chain = chains.select(tenant).hooks();
    let mut explained: Vec<Explained> = P::table()
        .hooks()
        .into_iter()
        .map(|(hook, reach)| {
            let position = chain.iter().position(|running| running.meta.path == hook.meta.path);
            let verdict = match (position, reach) {
                (Some(position), _) => Verdict::Runs { position, mode: chain[position].meta.mode },
                (None, Reach::Nothing) => Verdict::NotBound,
                (None, Reach::Tenants(tenants)) if !tenant.is_some_and(|tenant| tenants.contains(&tenant)) => {
                    Verdict::NotBound
                }
                (None, _) if hook.meta.tenant.is_some() && hook.meta.tenant != tenant => Verdict::OtherTenant,
                // Bound and selected for the tenant, yet not in the chain.
                (None, _) => Verdict::Disabled,
            };
            Explained { hook: hook.meta, verdict }
        })
        .collect();
    explained.sort_by_key(|explained| match explained.verdict {
        Verdict::Runs { position, .. } => (0, position, explained.hook.path),
        _ => (1, 0, explained.hook.path),
    });
    explained
}
