//! The caller's identity: who is calling, for which tenant, in which trace.
//!
//! A [`Session`] is built by the agent and handed to every hook point call as
//! an argument of type `&Session`. Hooks read it through
//! [`Ctx::session`](crate::Ctx::session); its fields are private, so no hook
//! can write one — trying is a compile error, not a runtime check.

use std::sync::Arc;
use std::time::SystemTime;

use crate::approval::{Grant, ScopedApprover};

/// The sealed identity of one agent call: session, tenant, trace, span, turn
/// and timestamp.
///
/// Every field is readable through a getter and none is writable once the
/// session is built: there is no `&mut` access anywhere in the API. Cloning
/// is one reference-count increment, so records can keep a session cheaply.
///
/// ```
/// use agenthooks::Session;
///
/// let session = Session::new("s-42").with_tenant("acme").with_turn(3);
/// assert_eq!(session.session_id(), "s-42");
/// assert_eq!(session.tenant_id(), Some("acme"));
/// assert_eq!(session.turn(), 3);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    identity: Arc<Identity>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Identity {
    session_id: String,
    tenant_id: Option<String>,
    trace_id: String,
    span_id: String,
    turn: u64,
    timestamp: SystemTime,
    approvals: Vec<Grant>,
    scoped_approver: Option<ScopedApprover>,
}

impl Session {
    /// A session with the given id, no tenant, empty trace and span ids, turn
    /// 0 and the current time as its timestamp.
    pub fn new(session_id: impl Into<String>) -> Self {
        Session {
            identity: Arc::new(Identity {
                session_id: session_id.into(),
                tenant_id: None,
                trace_id: String::new(),
                span_id: String::new(),
                turn: 0,
                timestamp: SystemTime::now(),
                approvals: Vec::new(),
                scoped_approver: None,
            }),
        }
    }

    /// The same session for `tenant_id`; only hooks of that tenant and hooks
    /// of every tenant run for it.
    #[must_use]
    pub fn with_tenant(mut self, tenant_id: impl Into<String>) -> Self {
        self.identity_mut().tenant_id = Some(tenant_id.into());
        self
    }

    /// The same session inside the given trace and span.
    #[must_use]
    pub fn with_trace(mut self, trace_id: impl Into<String>, span_id: impl Into<String>) -> Self {
        self.identity_mut().trace_id = trace_id.into();
        self.identity_mut().span_id = span_id.into();
        self
    }

    /// The same session at conversation turn `turn`.
    #[must_use]
    pub fn with_turn(mut self, turn: u64) -> Self {
        self.identity_mut().turn = turn;
        self
    }

    /// The same session stamped at `timestamp` instead of its creation time.
    #[must_use]
    pub fn with_timestamp(mut self, timestamp: SystemTime) -> Self {
        self.identity_mut().timestamp = timestamp;
        self
    }

    /// The same session carrying `grant`: a call it was granted for goes on
    /// when its hook asks for approval again. Grants for other calls lift
    /// nothing.
    #[must_use]
    pub fn with_approval(mut self, grant: Grant) -> Self {
        self.identity_mut().approvals.push(grant);
        self
    }

    /// The same session carrying `approver`: asks of this session's calls
    /// that it claims are put to it instead of the installed approver
    /// (see [`ScopedApprover`]). A session built anew, even with the same
    /// id, does not carry it.
    #[must_use]
    pub fn with_scoped_approver(mut self, approver: ScopedApprover) -> Self {
        self.identity_mut().scoped_approver = Some(approver);
        self
    }

    /// The scoped approver the session carries, if any.
    pub(crate) fn scoped_approver(&self) -> Option<&ScopedApprover> {
        self.identity.scoped_approver.as_ref()
    }

    /// The approvals the session carries.
    pub fn approvals(&self) -> &[Grant] {
        &self.identity.approvals
    }

    fn identity_mut(&mut self) -> &mut Identity {
        Arc::make_mut(&mut self.identity)
    }

    /// The session id.
    pub fn session_id(&self) -> &str {
        &self.identity.session_id
    }

    /// The tenant, if the session belongs to one.
    pub fn tenant_id(&self) -> Option<&str> {
        self.identity.tenant_id.as_deref()
    }

    /// The trace id (empty when the agent set none).
    pub fn trace_id(&self) -> &str {
        &self.identity.trace_id
    }

    /// The span id (empty when the agent set none).
    pub fn span_id(&self) -> &str {
        &self.identity.span_id
    }

    /// The conversation turn.
    pub fn turn(&self) -> u64 {
        self.identity.turn
    }

    /// When the session (or this turn of it) started.
    pub fn timestamp(&self) -> SystemTime {
        self.identity.timestamp
    }
}
