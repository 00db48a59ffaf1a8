//! Approvals: a hook that asks instead of deciding, and the decision bound
//! to exactly the call it was asked for.
//!
//! A hook returns [`Outcome::ask`](crate::Outcome::ask) with a prompt. The
//! executor computes the call's [`ApprovalId`], keyed SHA-256 (HMAC) digests
//! of the ask (the point, the hook, the tenant, the session) and of the
//! call (the ask and the arguments as that hook saw them): two identical
//! calls get the same id, a call with other arguments another, and nobody
//! without the key can compute one. The arguments are bound through their
//! `serde` form, in an encoding that tells apart every two values it shows
//! (`None`, `()`, `NaN`, `inf` and `-inf` included), and through their
//! `Debug` form, which shows what `Serialize` skips. Then:
//!
//! - if the session carries a [`Grant`] for that id, signed by a [`trust`]ed
//!   approver, not expired, with a use left, the call goes on;
//! - else, on an `async fn` point with an approver [`install`]ed (or a
//!   [`ScopedApprover`] the session carries that claims the ask), the call
//!   waits for its [`Decision`], denied when the deadline passes first;
//! - else the call fails with
//!   [`HookError::ApprovalRequired`](crate::HookError::ApprovalRequired)
//!   carrying the id and prompt: the agent asks a person, and later calls
//!   again with [`Session::with_approval`](crate::Session::with_approval).
//!
//! A session may carry several grants: each ask takes its own, and a grant
//! for another ask (another hook of the same call) is no answer to it.
//!
//! What runs is what was approved: once every hook ran, the arguments the
//! body would get are bound again, and a call whose arguments a later hook
//! changed since an approval is denied; only then is a use of each grant
//! spent. An after point's ask is decided only by an installed approver
//! while the call waits: resuming it would run the body again.
//!
//! Everything else denies, each with its own [`Denial`]: a rejection, a
//! failing approver, a deadline passed, a grant for another call, a forged,
//! untrusted, expired or spent grant, arguments changed after the approval,
//! an after point that cannot wait, a point whose arguments cannot be
//! bound. Every request and every resolution is an audit line carrying the
//! id and who decided, never an argument value.
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

pub(crate) mod digest;
mod grant;

pub(crate) use grant::spend;
pub use grant::{distrust, trust, ApproverKey, BadGrant, Grant, WeakSecret, MIN_SECRET_LEN};

/// The environment variable that holds the approval key, when [`set_key`]
/// was not called.
pub const KEY_ENV: &str = "AGENTHOOKS_APPROVAL_KEY";

/// The id of one approval: keyed digests of the ask (point, hook, tenant,
/// session) and of exactly the call it is for, 16 bytes each. Written as 64
/// hexadecimal digits.
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

impl ApprovalId {
    /// Whether `other` is for the same ask (point, hook, tenant, session),
    /// whatever its arguments.
    pub(crate) fn same_ask(&self, other: &ApprovalId) -> bool {
        self.0[..16] == other.0[..16]
    }
}

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
    /// The call may go on, with the arguments as the asking hook saw them:
    /// a hook after it that changes them denies the call
    /// ([`Denial::ChangedAfterApproval`]).
    Approve {
        /// Who approved, as the audit log should name them.
        by: String,
    },
    /// The call may go on, with whatever changes the hooks after the asking
    /// one make: the approver vouches for the rest of the chain. For an
    /// approver that is itself part of the chain, such as a protocol host
    /// whose approval carries a change a later hook applies. Only an
    /// installed approver can answer so; a [`Grant`] always binds the
    /// arguments.
    ApproveWithChanges {
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

    /// `Decision::ApproveWithChanges` by `by`.
    pub fn approve_with_changes(by: impl Into<String>) -> Self {
        Decision::ApproveWithChanges { by: by.into() }
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
    /// The session carries a grant for this hook's ask, for other
    /// arguments: ask again for these.
    #[error("the session's grant for this ask was granted for other arguments: ask again for these")]
    GrantMismatch,
    /// The point's arguments cannot be bound to an approval id (one of them
    /// does not implement both `serde::Serialize` and `Debug`, or its
    /// `Serialize` failed), so no approval can lift it.
    #[error("this point's arguments cannot be bound to an approval: make every argument type `serde::Serialize` and `Debug`")]
    Unbindable,
    /// The grant names an approver whose key this process does not trust.
    #[error("the grant names approver `{by}`, whose key is not trusted here: trust it with `approval::trust`")]
    UntrustedApprover {
        /// The approver the grant names.
        by: String,
    },
    /// The grant's signature does not verify with the key of the approver
    /// it names: it was altered, or signed with another key.
    #[error("the grant's signature does not verify with the key of `{by}`: ask that approver for a grant")]
    ForgedGrant {
        /// The approver the grant names.
        by: String,
    },
    /// The grant has expired.
    #[error("the grant of `{by}` has expired: ask again")]
    GrantExpired {
        /// Who granted it.
        by: String,
    },
    /// The grant lifted as many calls as it was granted for.
    #[error("the grant of `{by}` was for {uses} call(s), all spent: ask again")]
    GrantSpent {
        /// Who granted it.
        by: String,
        /// The calls it was good for.
        uses: u32,
    },
    /// A hook that ran after the approval changed the arguments it was
    /// given for: the body would have run with arguments nobody approved.
    #[error("a hook after the approval changed the arguments it was given for: order the hook that asks after every hook that changes arguments")]
    ChangedAfterApproval,
    /// An after point's hook asked, and no installed approver could decide
    /// while the call waits (no approver, or a plain `fn` point): a grant
    /// cannot lift it, since resuming the call runs the body again.
    #[error("an after hook asked for approval and no approver could decide while the call waits: the body has run and resuming would run it again; install an approver on an `async fn` point, or ask before the body")]
    AfterTheBody,
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
    let mut ask = Hmac::<Sha256>::new_from_slice(key()).expect("HMAC takes a key of any length");
    part(&mut ask, hook.point.as_bytes());
    part(&mut ask, hook.path.as_bytes());
    match session.tenant_id() {
        None => part(&mut ask, b"no tenant"),
        Some(tenant) => {
            part(&mut ask, b"tenant");
            part(&mut ask, tenant.as_bytes());
        }
    }
    part(&mut ask, session.session_id().as_bytes());
    let mut call = ask.clone();
    part(&mut ask, b"ask");
    if !args.digest_args(&mut |bytes| part(&mut call, bytes)) {
        return None;
    }
    part(&mut call, b"call");
    let mut id = [0; 32];
    id[..16].copy_from_slice(&ask.finalize().into_bytes()[..16]);
    id[16..].copy_from_slice(&call.finalize().into_bytes()[..16]);
    Some(ApprovalId(id))
}

/// Feeds `bytes` to `mac` after their length, so that no two calls' parts
/// run together into the same bytes.
fn part(mac: &mut Hmac<Sha256>, bytes: &[u8]) {
    mac.update(&(bytes.len() as u64).to_le_bytes());
    mac.update(bytes);
}
