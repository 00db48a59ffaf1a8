//! Typed errors: why a hooked call did not run its body, and why start-up
//! checks failed.

use std::fmt;

use crate::policy::OnFailure;

/// A hook returned [`Outcome::Block`](crate::Outcome::Block): the call stops
/// and its body does not run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("hook `{hook}` blocked `{point}`: {reason}")]
#[non_exhaustive]
pub struct Blocked {
    /// The point that was called.
    pub point: &'static str,
    /// The blocking hook, as `crate::module::name`.
    pub hook: &'static str,
    /// The reason the hook gave (redacted argument values scrubbed out).
    pub reason: String,
}

/// Why a call of a hook point stopped: before its body, or, at an after
/// point, after it.
///
/// A method with a `#[hookpoint]` returns `Result<_, E>` with
/// `E: From<HookError>`; the generated code returns `Err(E::from(error))`.
/// `Blocked`, the approval errors, `ConflictingChanges`, `Unaudited` and
/// `NoRuntime` can happen at any point; `TimedOut`, `Failed` and `Panicked`
/// happen when the point fails closed (`on_failure = "deny"`, the default)
/// or the failing hook says `fallback = false`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HookError {
    /// A hook blocked the call.
    #[error(transparent)]
    Blocked(#[from] Blocked),
    /// A call exceeded the rate limit of a hook that blocks when exceeded
    /// (`rate_limit = "..."`, `exceeded = "block"`, the default). Call
    /// again later, or raise the limit.
    #[error("hook `{hook}` at `{point}` refused the call: its rate limit of {limit} is exceeded; call again later, or let the hook be skipped with `exceeded = \"skip\"`")]
    RateLimited {
        /// The point that was called.
        point: &'static str,
        /// The hook, as `crate::module::name`.
        hook: &'static str,
        /// The limit, as the attribute takes it (`500/1m per tenant`).
        limit: String,
    },
    /// A hook's circuit breaker is open after repeated failures, and its
    /// point fails closed (or the hook says `fallback = false`): the hook
    /// did not run. It runs again as a probe once the breaker's
    /// `probe after` has passed.
    #[error("hook `{hook}` at `{point}` did not run: its circuit breaker ({breaker}) is open after repeated failures; fix what makes it fail, or let it fall back on a point that allows it")]
    BreakerOpen {
        /// The point that was called.
        point: &'static str,
        /// The hook, as `crate::module::name`.
        hook: &'static str,
        /// The breaker, as the attribute takes it (`5 in 1m, probe after 30s`).
        breaker: String,
    },
    /// The store of a hook's rate limit or breaker could not answer, the
    /// hook says `store_down = "fail"` (the default), and its point fails
    /// closed: the hook did not run.
    #[error("hook `{hook}` at `{point}` did not run: {reason}; restore the store, or let the hook run unchecked with `store_down = \"run\"`")]
    StoreDown {
        /// The point that was called.
        point: &'static str,
        /// The hook, as `crate::module::name`.
        hook: &'static str,
        /// Why the store could not answer.
        reason: String,
    },
    /// A hook ran past its `timeout_ms`.
    #[error("hook `{hook}` at `{point}` timed out after {timeout_ms} ms; {}", Remedy { fix: "raise its `timeout_ms`", on_failure: *on_failure })]
    TimedOut {
        /// The point that was called.
        point: &'static str,
        /// The hook, as `crate::module::name`.
        hook: &'static str,
        /// The hook's limit.
        timeout_ms: u64,
        /// The point's failure policy, which decides what the message
        /// advises: `fallback = true` only where the point allows it.
        on_failure: OnFailure,
    },
    /// A hook returned an error.
    #[error("hook `{hook}` at `{point}` failed: {message}; {}", Remedy { fix: "fix the hook", on_failure: *on_failure })]
    Failed {
        /// The point that was called.
        point: &'static str,
        /// The hook, as `crate::module::name`.
        hook: &'static str,
        /// The hook's error, as text (redacted argument values scrubbed out).
        message: String,
        /// The point's failure policy, which decides what the message
        /// advises: `fallback = true` only where the point allows it.
        on_failure: OnFailure,
    },
    /// A hook panicked.
    #[error("hook `{hook}` at `{point}` panicked: {message}; {}", Remedy { fix: "fix the hook", on_failure: *on_failure })]
    Panicked {
        /// The point that was called.
        point: &'static str,
        /// The hook, as `crate::module::name`.
        hook: &'static str,
        /// The panic message (redacted argument values scrubbed out).
        message: String,
        /// The point's failure policy, which decides what the message
        /// advises: `fallback = true` only where the point allows it.
        on_failure: OnFailure,
    },
    /// The audit log could not take the record of a hook execution, so the
    /// call was refused: every hook execution is audited or the call fails.
    /// Happens to every hook, whatever its `fallback`.
    #[error("the audit log could not record hook `{hook}` at `{point}`: {reason}; the call was refused. Check the audit path ({path_env}) or call `agenthooks::audit::init` at start-up to get this error before any call", path_env = crate::audit::PATH_ENV)]
    Unaudited {
        /// The point that was called.
        point: &'static str,
        /// The hook, as `crate::module::name`.
        hook: &'static str,
        /// Why the audit log could not take the record.
        reason: String,
    },
    /// A hook asked for approval and no approver decided: ask a person with
    /// `prompt`, then call again with the session carrying the grant their
    /// approver key signs, `key.grant(id, valid_for)`
    /// ([`ApproverKey::grant`](crate::approval::ApproverKey::grant),
    /// [`Session::with_approval`](crate::Session::with_approval)).
    #[error("hook `{hook}` at `{point}` asks for approval ({id}): {prompt}")]
    ApprovalRequired {
        /// The point that was called.
        point: &'static str,
        /// The hook that asked, as `crate::module::name`.
        hook: &'static str,
        /// The id a grant must carry: bound to exactly this call.
        id: crate::approval::ApprovalId,
        /// What the hook asks (redacted argument values scrubbed out).
        prompt: String,
    },
    /// A hook asked for approval and it was denied.
    #[error("hook `{hook}` at `{point}` asked for approval and it was denied: {denial}")]
    ApprovalDenied {
        /// The point that was called.
        point: &'static str,
        /// The hook that asked, as `crate::module::name`.
        hook: &'static str,
        /// Why.
        denial: crate::approval::Denial,
    },
    /// Two hooks of a parallel point changed the same argument: their
    /// changes cannot both apply, so the call fails closed.
    #[error("hooks `{first}` and `{second}` at `{point}` both changed `{field}` in parallel; the call was refused. Let one of them change it, or make the point `compose = \"chain\"`")]
    ConflictingChanges {
        /// The point that was called.
        point: &'static str,
        /// The argument both changed.
        field: &'static str,
        /// The first hook in chain order, as `crate::module::name`.
        first: &'static str,
        /// The second.
        second: &'static str,
    },
    /// An `async fn` point was called outside a Tokio runtime, or in one
    /// without its time driver, so no time limit could be set: no hook ran.
    /// Happens to every hook, whatever its `fallback`.
    #[error("hook `{hook}` at `{point}` cannot run: async hook points must be awaited inside a Tokio runtime with its time driver enabled (`Builder::enable_time()` or `enable_all()`, as `#[tokio::main]` does); no hook ran")]
    NoRuntime {
        /// The point that was called.
        point: &'static str,
        /// The first hook that would have run, as `crate::module::name`.
        hook: &'static str,
    },
}

/// What the author of a hook that failed can do, in its error's message:
/// `fix`, and, where the point lets failures through, letting the hook fall
/// back (on a point that fails closed, `fallback = true` does not compile).
struct Remedy {
    fix: &'static str,
    on_failure: OnFailure,
}

impl fmt::Display for Remedy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.on_failure {
            OnFailure::Continue => write!(f, "{} or let it fall back with `fallback = true`", self.fix),
            OnFailure::Deny => write!(
                f,
                "{}: the point fails closed (`on_failure = \"deny\"`), so a hook that fails stops the call",
                self.fix
            ),
        }
    }
}

/// A start-up check of what is linked failed: see
/// [`verify_linked`](crate::verify_linked).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LinkError {
    /// A crate names itself in a `link!`: a hook crate trying to decide
    /// which tenants it serves. The binary's bindings are contested (see
    /// [`link!`](crate::link)).
    #[error("crate `{krate}` binds itself in `agenthooks::link!` at {site}: only the deployment binary binds hook crates, so the hooks of every crate a `link!` names run for no tenant and the points they hook block every call; remove that `link!` from `{krate}`")]
    SelfBinding {
        /// The crate, as Rust spells it.
        krate: &'static str,
        /// The `link!`, as `file:line`.
        site: &'static str,
    },
    /// A `link!` in a crate that is neither a binary nor a test: a library
    /// deciding bindings for the binaries that link it. The binary's
    /// bindings are contested.
    #[error("`agenthooks::link!` at {site} is in crate `{krate}`, which is not a binary: only the deployment binary binds hook crates, so the hooks of every crate a `link!` names run for no tenant and the points they hook block every call; move the binding to the binary's own code")]
    LinkOutsideBinary {
        /// The crate, as Rust spells it.
        krate: &'static str,
        /// The `link!`, as `file:line`.
        site: &'static str,
    },
    /// `link!` is called in two crates: only one of them can be the
    /// deployment. The binary's bindings are contested.
    #[error("`agenthooks::link!` is called in crate `{first}` at {first_site} and in crate `{second}` at {second_site}: only the deployment binary binds hook crates, so the hooks of every crate a `link!` names run for no tenant and the points they hook block every call; keep the bindings in the binary and remove the other `link!`")]
    SecondDeployment {
        /// One crate, as Rust spells it.
        first: &'static str,
        /// Its `link!`, as `file:line`.
        first_site: &'static str,
        /// The other crate.
        second: &'static str,
        /// Its `link!`.
        second_site: &'static str,
    },
    /// A crate is bound twice: which binding holds would depend on the
    /// order. The binary's bindings are contested.
    #[error("hook crate `{krate}` is bound twice, by the `agenthooks::link!` at {first_site} and the one at {second_site}: the hooks of every crate a `link!` names run for no tenant and the points they hook block every call; bind each crate once, to all its tenants")]
    BoundTwice {
        /// The crate, as Rust spells it.
        krate: &'static str,
        /// The first `link!`, as `file:line`.
        first_site: &'static str,
        /// The second.
        second_site: &'static str,
    },
    /// A crate registers a hook under another crate's name (through the
    /// macros' support code, not `#[hook]`): the hook never runs, and its
    /// point blocks every call.
    #[error("crate `{krate}` registers hook `{hook}` under another crate's name: the hook runs for no tenant and its point blocks every call; remove the registration from `{krate}`, or stop linking `{krate}`")]
    ForgedIdentity {
        /// The crate the registration comes from, as the compiler names it.
        krate: &'static str,
        /// The hook, as the registration names it.
        hook: &'static str,
    },
    /// Hook crates the binary expects registered no hook.
    #[error("expected hook crates registered no hook: {}; add them to `[dependencies]`, name them in `agenthooks::link!` and check their features", missing.join(", "))]
    MissingHookCrates {
        /// The crates, as Rust spells them.
        missing: Vec<String>,
    },
    /// A crate with hooks is linked into the binary but not named in its
    /// `link!`, so no tenant is bound to it and its hooks never run.
    #[error("hook crate `{krate}` is linked but not named in `agenthooks::link!`, so its hooks (e.g. `{hook}`) never run; bind it to the tenants it serves: `link!({krate} => \"tenant\")`, or `link!({krate} => *)` for every tenant")]
    UnnamedHookCrate {
        /// The crate, as Rust spells it.
        krate: &'static str,
        /// One of its hooks, as `crate::module::name`.
        hook: &'static str,
    },
    /// A hook names a tenant its crate is not bound to, so it never runs.
    #[error("hook `{hook}` of crate `{krate}` declares tenant `{tenant}`, but `link!` binds `{krate}` to {}; bind the crate to that tenant too, or fix the hook's `tenant`", if bound.is_empty() { "no tenant".to_owned() } else { format!("`{}`", bound.join("`, `")) })]
    TenantOutsideBinding {
        /// The hook's crate, as Rust spells it.
        krate: &'static str,
        /// The hook, as `crate::module::name`.
        hook: &'static str,
        /// The tenant the hook declares.
        tenant: &'static str,
        /// The tenants `link!` binds the crate to.
        bound: Vec<String>,
    },
    /// Two hook points share a name, so the audit log, spans and metrics
    /// could not tell them apart.
    #[error("two hook points are named `{name}`: one in `{first}`, one in `{second}`; give one another name with `#[hookpoint(Point, name = \"namespace.{name}\")]`")]
    DuplicatePointName {
        /// The shared name.
        name: &'static str,
        /// The module declaring the first point.
        first: &'static str,
        /// The module declaring the second point.
        second: &'static str,
    },
    /// More than one hook runs for one tenant at a point that admits one
    /// (`#[hookpoint(Point, single)]`): calls of that tenant run neither
    /// and are blocked.
    #[error("hook point `{point}` admits one hook per tenant, but `{first}` and `{second}` both run for {}; keep one: remove the other's crate from `agenthooks::link!` or bind it to other tenants, give it another `tenant`, or switch it off in the configuration", crate::single::for_tenant(*tenant))]
    SingleHookConflict {
        /// The point's name.
        point: &'static str,
        /// The tenant both run for; `None` when both run for every tenant.
        tenant: Option<&'static str>,
        /// The first hook in chain order, as `crate::module::name`.
        first: &'static str,
        /// The second.
        second: &'static str,
    },
}

/// A return type that can carry a [`HookError`]: what a method with a
/// `#[hookpoint]` must return.
#[diagnostic::on_unimplemented(
    message = "a hook point cannot return `{Self}`: it has no way to carry `agenthooks::HookError`",
    label = "return `Result<_, E>` here, with `E: From<agenthooks::HookError>`",
    note = "a hook may block the call; the method then returns `Err(E::from(error))`"
)]
pub trait CarriesHookError {
    /// The value the method returns when a hook stopped it.
    #[doc(hidden)]
    fn from_hook_error(error: HookError) -> Self;
}

impl<T, E: From<HookError>> CarriesHookError for Result<T, E> {
    fn from_hook_error(error: HookError) -> Self {
        Err(E::from(error))
    }
}
