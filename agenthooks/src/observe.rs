//! Observing hook executions in this process: a [`Recorder`] sees each
//! execution that ends while it lives, as the audit log records it (the
//! hook, the call's session and tenant, the status, the message with
//! redacted values scrubbed, the names of the arguments it changed; never
//! an argument value).
//!
//! Tests assert on it (the test kit, `agenthooks::testing`, re-exports it),
//! and an adapter uses it to learn what the executor decided for each hook
//! of a call it ran: the AGENT-HOOKS host projects its records from it.
//! With no recorder alive an execution pays one atomic load for it.
//!
//! ```
//! use agenthooks::observe::Recorder;
//! use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session, Status};
//!
//! #[hookpoint(BeforeSearch)]
//! fn search(session: &Session, query: String) -> Result<String, HookError> {
//!     Ok(query)
//! }
//!
//! #[hook(BeforeSearch)]
//! fn no_secrets(ctx: &Ctx<BeforeSearch>) -> Outcome {
//!     if ctx.query.contains("secret") { Outcome::block("asks for a secret") } else { Outcome::Continue }
//! }
//!
//! let recorder = Recorder::of_session_only("s-observed");
//! search(&Session::new("s-observed"), "the secret plan".into()).unwrap_err();
//! search(&Session::new("s-other"), "the secret plan".into()).unwrap_err();
//! let seen = recorder.all();
//! assert_eq!(seen.len(), 1);
//! assert_eq!(seen[0].status, Status::Blocked);
//! assert_eq!(seen[0].message.as_deref(), Some("asks for a secret"));
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use crate::{Execution, Status};

/// One execution as a [`Recorder`] saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Recorded {
    /// The point's name.
    pub point: &'static str,
    /// The hook's path.
    pub hook: &'static str,
    /// The session id of the call.
    pub session: String,
    /// The tenant of the call.
    pub tenant: Option<String>,
    /// How the run ended.
    pub status: Status,
    /// What the hook said, as audited (redacted values scrubbed).
    pub message: Option<String>,
    /// The argument fields the hook changed.
    pub changed: Vec<&'static str>,
}

/// Where one recorder keeps what it saw.
#[derive(Debug, Default)]
struct Sink {
    /// Only executions of calls of this session, when set.
    session: Option<String>,
    recorded: Mutex<Vec<Recorded>>,
}

/// Records hook executions in this process while it lives: every one, or
/// those of one session's calls.
#[derive(Debug)]
pub struct Recorder {
    sink: Arc<Sink>,
}

impl Recorder {
    /// Starts recording every execution.
    pub fn start() -> Recorder {
        Self::with_sink(Sink::default())
    }

    /// Starts recording the executions of calls of the session
    /// `session_id` only: what an adapter that runs calls of one session
    /// at a time keeps, whatever other sessions run meanwhile.
    pub fn of_session_only(session_id: impl Into<String>) -> Recorder {
        Self::with_sink(Sink { session: Some(session_id.into()), ..Sink::default() })
    }

    fn with_sink(sink: Sink) -> Recorder {
        let sink = Arc::new(sink);
        recorders().lock().unwrap_or_else(PoisonError::into_inner).push(Arc::downgrade(&sink));
        ACTIVE.fetch_add(1, Ordering::Relaxed);
        Recorder { sink }
    }

    /// Every execution recorded so far, in the order they ended.
    pub fn all(&self) -> Vec<Recorded> {
        self.sink.recorded.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The executions of calls of the session `session_id`.
    pub fn of_session(&self, session_id: &str) -> Vec<Recorded> {
        self.all().into_iter().filter(|recorded| recorded.session == session_id).collect()
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        ACTIVE.fetch_sub(1, Ordering::Relaxed);
    }
}

/// How many recorders live: zero costs an execution one atomic load.
static ACTIVE: AtomicUsize = AtomicUsize::new(0);

fn recorders() -> &'static Mutex<Vec<Weak<Sink>>> {
    static RECORDERS: Mutex<Vec<Weak<Sink>>> = Mutex::new(Vec::new());
    &RECORDERS
}

/// Hands `execution` to every live recorder.
#[inline]
pub(crate) fn record(execution: &Execution<'_>) {
    if ACTIVE.load(Ordering::Relaxed) == 0 {
        return;
    }
    let session = execution.session.session_id();
    // Made once a recorder wants it: an execution of a session no live
    // recorder keeps copies nothing.
    let mut recorded = None;
    let mut recorders = recorders().lock().unwrap_or_else(PoisonError::into_inner);
    recorders.retain(|sink| match sink.upgrade() {
        Some(sink) => {
            if sink.session.as_deref().is_none_or(|kept| kept == session) {
                let recorded = recorded.get_or_insert_with(|| Recorded {
                    point: execution.hook.point,
                    hook: execution.hook.path,
                    session: session.to_owned(),
                    tenant: execution.session.tenant_id().map(str::to_owned),
                    status: execution.status,
                    message: execution.message.map(str::to_owned),
                    changed: execution.changed.names().collect(),
                });
                sink.recorded.lock().unwrap_or_else(PoisonError::into_inner).push(recorded.clone());
            }
            true
        }
        None => false,
    });
}
