//! Approvals: a hook that asks instead of deciding, and the decision bound
//! to exactly the call it was asked for.
//!
//! A hook returns [`Outcome::ask`](crate::Outcome::ask) with a prompt. The
//! executor computes the call's [`ApprovalId`], a keyed SHA-256 (HMAC) over
//! the point, the hook, the tenant, the session and the arguments as that
//! hook saw them: two identical calls get the same id, a call with other
//! arguments another, and nobody without the key can compute one. Then:
//!
//! - if the session carries a [`Grant`] for that id, the call goes on;
//! - else, on an `async fn` point with an approver [`install`]ed (or a
//!   [`ScopedApprover`] the session carries that claims the ask), the call
//!   waits for its [`Decision`], denied when the deadline passes first;
//! - else the call fails with
//!   [`HookError::ApprovalRequired`](crate::HookError::ApprovalRequired)
//!   carrying the id and prompt: the agent asks a person, and later calls
//!   again with [`Session::with_approval`](crate::Session::with_approval).
//!
//! Everything else denies, each with its own [`Denial`]: a rejection, a
//! failing approver, a deadline passed, a grant for another call, a point
//! whose arguments cannot be bound. Every request and every resolution is an
//! audit line carrying the id and who decided, never an argument value.
//!
//! The key: [`set_key`] at start-up, else the `AGENTHOOKS_APPROVAL_KEY`
//! environment variable, else a random key for the life of the process (a
//! grant then cannot outlive the process that issued its id). Replicas that
//! resume each other's calls share one key.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::hook::HookMeta;
use crate::point::HookPoint;
use crate::Session;

/// The environment variable that holds the approval key, when [`set_key`]
/// was not called.
pub const KEY_ENV: &str = "AGENTHOOKS_APPROVAL_KEY";

/// The id of one approval: a keyed digest of exactly the call it is for.
/// Written as 64 hexadecimal digits.
///
/// ```
/// use agenthooks::approval::ApprovalId;
///
/// let text = "ab".repeat(32);
/// let id: ApprovalId = text.parse().unwrap();
/// assert_eq!(id.to_string(), text);
/// assert!("not an id".parse::<ApprovalId>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApprovalId([u8; 32]);

impl fmt::Display for ApprovalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

impl fmt::Debug for ApprovalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApprovalId({self})")
    }
}

/// Text that is not 64 hexadecimal digits, given as an [`ApprovalId`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("an approval id is 64 hexadecimal digits, as the `ApprovalRequired` error shows it")]
pub struct BadApprovalId;

impl FromStr for ApprovalId {
    type Err = BadApprovalId;

    fn from_str(text: &str) -> Result<Self, BadApprovalId> {
        let bytes = text.as_bytes();
        if bytes.len() != 64 {
            return Err(BadApprovalId);
        }
        let mut id = [0; 32];
        for (byte, pair) in id.iter_mut().zip(bytes.chunks(2)) {
            let pair = std::str::from_utf8(pair).map_err(|_| BadApprovalId)?;
            *byte = u8::from_str_radix(pair, 16).map_err(|_| BadApprovalId)?;
        }
        Ok(ApprovalId(id))
    }
}

/// What an approver is asked: which call, by which hook, with what prompt.
/// It carries no argument value: the prompt is the hook's own text, with
/// redacted values scrubbed out.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApprovalRequest {
    /// The id a grant for this call must carry.
    pub id: ApprovalId,
    /// The point that was called.
    pub point: &'static str,
    /// The hook that asked, as `crate::module::name`.
    pub hook: &'static str,
    /// The caller's tenant.
    pub tenant: Option<String>,
    /// The caller's session.
    pub session_id: String,
    /// What the hook asks.
    pub prompt: String,
}

/// An approver's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// The call may go on.
    Approve {
        /// Who approved, as the audit log should name them.
        by: String,
    },
    /// The call is denied.
    Reject {
        /// Who rejected.
        by: String,
        /// Why, for the caller and the audit log.
        reason: String,
    },
}

impl Decision {
    /// `Decision::Approve` by `by`.
    pub fn approve(by: impl Into<String>) -> Self {
        Decision::Approve { by: by.into() }
    }

    /// `Decision::Reject` by `by`, for `reason`.
    pub fn reject(by: impl Into<String>, reason: impl Into<String>) -> Self {
        Decision::Reject { by: by.into(), reason: reason.into() }
    }
}

/// Why an approval denied the call.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Denial {
    /// The approver rejected the call.
    #[error("rejected by {by}: {reason}")]
    Rejected {
        /// Who rejected.
        by: String,
        /// Why.
        reason: String,
    },
    /// The approver failed (returned an error or panicked): denied, since
    /// nobody approved.
    #[error("the approver failed: {0}")]
    ApproverFailed(String),
    /// No decision came before the deadline given to [`install`].
    #[error("no decision within {after_ms} ms")]
    DeadlinePassed {
        /// The deadline.
        after_ms: u64,
    },
    /// The session carries approvals, none of them for this call: it was
    /// granted for other arguments, another hook, tenant or session.
    #[error("the session's approvals were granted for other calls, not this one")]
    GrantMismatch,
    /// The point's arguments cannot be bound to an approval id (one of them
    /// does not implement `serde::Serialize`), so no approval can lift it.
    #[error("this point's arguments cannot be bound to an approval: make every argument type `serde::Serialize`")]
    Unbindable,
}

/// A granted approval, attached to the session of the call it lifts with
/// [`Session::with_approval`](crate::Session::with_approval).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    id: ApprovalId,
    by: String,
}

impl Grant {
    /// The approval of the call `id` names, granted by `by`.
    pub fn new(id: ApprovalId, by: impl Into<String>) -> Self {
        Grant { id, by: by.into() }
    }

    /// The call it lifts.
    pub fn id(&self) -> ApprovalId {
        self.id
    }

    /// Who granted it.
    pub fn by(&self) -> &str {
        &self.by
    }
}

/// The future an approver returns: its decision, or why it could not decide.
pub type DecisionFuture = Pin<Box<dyn Future<Output = Result<Decision, String>> + Send>>;

/// An installed approver, as the executor calls it.
pub(crate) type Decide = Arc<dyn Fn(ApprovalRequest) -> DecisionFuture + Send + Sync>;

/// The process's approver and its deadline.
struct Installed {
    decide: Decide,
    deadline: Duration,
}

static APPROVER: RwLock<Option<Installed>> = RwLock::new(None);

/// Installs the approver that `async fn` points wait for when a hook asks;
/// a decision that takes longer than `deadline` denies the call. Replaces
/// any approver installed before.
///
/// ```
/// use std::time::Duration;
/// use agenthooks::approval::{self, Decision};
///
/// approval::install(|request| async move {
///     // Ask a person (a chat message, a ticket…) and wait for the answer.
///     if request.prompt.contains("delete") {
///         Ok(Decision::reject("alice", "no deletions on Friday"))
///     } else {
///         Ok(Decision::approve("alice"))
///     }
/// }, Duration::from_secs(300));
/// ```
pub fn install<F, Fut>(approver: F, deadline: Duration)
where
    F: Fn(ApprovalRequest) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Decision, String>> + Send + 'static,
{
    let decide = Arc::new(move |request| -> DecisionFuture { Box::pin(approver(request)) });
    *APPROVER.write().unwrap_or_else(PoisonError::into_inner) = Some(Installed { decide, deadline });
}

/// Removes the installed approver: hooks that ask then make the call fail
/// with `ApprovalRequired`, to be resumed with a grant.
pub fn uninstall() {
    *APPROVER.write().unwrap_or_else(PoisonError::into_inner) = None;
}

/// The installed approver, if any, and its deadline.
pub(crate) fn approver() -> Option<(Decide, Duration)> {
    let installed = APPROVER.read().unwrap_or_else(PoisonError::into_inner);
    installed.as_ref().map(|installed| (Arc::clone(&installed.decide), installed.deadline))
}

/// An approver that a [`Session`] carries for the asks of its own calls,
/// consulted before the [`install`]ed one and only for the asks it claims.
///
/// An adapter that raises asks of its own (a host of another hook contract
/// whose interceptors ask through agenthooks' executor) attaches one to the
/// session it calls with ([`Session::with_scoped_approver`]): it answers
/// exactly the asks its own hooks raised in that call, and every other ask
/// (another hook, point, tenant, or a session of the same id that does not
/// carry it) goes to the installed approver, which stays installed.
///
/// `claim` sees each request of the session's calls and returns the
/// decision's future for a request it answers, or `None` to leave the
/// request to the installed approver; a decision that takes longer than
/// `deadline` denies the call.
///
/// ```
/// use std::time::Duration;
/// use agenthooks::approval::{Decision, DecisionFuture, ScopedApprover};
/// use agenthooks::Session;
///
/// let approver = ScopedApprover::new(
///     |request| {
///         (request.hook == "adapter::interceptor_0").then(|| -> DecisionFuture {
///             Box::pin(async { Ok(Decision::approve("the adapter's resolver")) })
///         })
///     },
///     Duration::from_secs(30),
/// );
/// let session = Session::new("s-1").with_tenant("acme").with_scoped_approver(approver);
/// # let _ = session;
/// ```
#[derive(Clone)]
pub struct ScopedApprover {
    claim: Arc<Claim>,
    deadline: Duration,
}

/// What a [`ScopedApprover`] runs on each request.
type Claim = dyn Fn(&ApprovalRequest) -> Option<DecisionFuture> + Send + Sync;

impl ScopedApprover {
    /// An approver that answers the requests `claim` returns a decision
    /// for, each within `deadline`.
    pub fn new<F>(claim: F, deadline: Duration) -> Self
    where
        F: Fn(&ApprovalRequest) -> Option<DecisionFuture> + Send + Sync + 'static,
    {
        ScopedApprover { claim: Arc::new(claim), deadline }
    }
}

impl fmt::Debug for ScopedApprover {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScopedApprover").field("deadline", &self.deadline).finish_non_exhaustive()
    }
}

/// Two scoped approvers are equal when they are clones of one.
impl PartialEq for ScopedApprover {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.claim, &other.claim) && self.deadline == other.deadline
    }
}

impl Eq for ScopedApprover {}

/// The decision the request `request` builds waits for, and its deadline:
/// the session's scoped approver's when it claims the request, else the
/// installed approver's; `None`, without building the request, when
/// neither can answer it.
pub(crate) fn decision_for(
    session: &Session,
    request: impl FnOnce() -> ApprovalRequest,
) -> Option<(DecisionFuture, Duration)> {
    let installed = approver();
    let scoped = session.scoped_approver();
    if scoped.is_none() && installed.is_none() {
        return None;
    }
    let request = request();
    if let Some(scoped) = scoped {
        if let Some(decision) = (scoped.claim)(&request) {
            return Some((decision, scoped.deadline));
        }
    }
    installed.map(|(decide, deadline)| (decide(request), deadline))
}

static KEY: OnceLock<Vec<u8>> = OnceLock::new();

/// Sets the key approval ids are computed with; call it at start-up, before
/// any hook asks. Fails, leaving the key unchanged, once a key is in use.
///
/// Replicas that resume each other's calls must share the key; keep it as
/// secret as any signing key.
pub fn set_key(key: &[u8]) -> Result<(), KeyInUse> {
    KEY.set(key.to_vec()).map_err(|_| KeyInUse)
}

/// [`set_key`] was called after a key was already in use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the approval key is already in use; call `approval::set_key` once, at start-up, before any hook asks")]
pub struct KeyInUse;

fn key() -> &'static [u8] {
    KEY.get_or_init(|| match std::env::var(KEY_ENV) {
        Ok(key) if !key.is_empty() => key.into_bytes(),
        _ => {
            let mut key = vec![0; 32];
            // Without a random source there is no secret key to be had;
            // every id would be guessable.
            getrandom::fill(&mut key).expect("the operating system provides random bytes");
            key
        }
    })
}

/// The id of the approval `hook` asks for on this call, or `None` when the
/// point's arguments cannot be bound.
pub(crate) fn id_of<P: HookPoint>(hook: &HookMeta, session: &Session, args: &P) -> Option<ApprovalId> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key()).expect("HMAC takes a key of any length");
    // Each part is written with its length, so no two calls' parts run
    // together into the same bytes.
    let mut part = |bytes: &[u8]| {
        mac.update(&(bytes.len() as u64).to_le_bytes());
        mac.update(bytes);
    };
    part(hook.point.as_bytes());
    part(hook.path.as_bytes());
    match session.tenant_id() {
        None => part(b"no tenant"),
        Some(tenant) => {
            part(b"tenant");
            part(tenant.as_bytes());
        }
    }
    part(session.session_id().as_bytes());
    if !args.digest_args(&mut part) {
        return None;
    }
    Some(ApprovalId(mac.finalize().into_bytes().into()))
}
