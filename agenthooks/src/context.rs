//! The context a hook receives: the call's arguments and its sealed session.

use std::fmt;
use std::ops::{Deref, DerefMut};

use crate::{HookPoint, Session};

/// The context of one call of hook point `P`, as a hook sees it.
///
/// It dereferences to `P`, the struct `#[hookpoint]` generates from the
/// method's arguments, so `ctx.query` reads an argument and, in an
/// interceptor (`&mut Ctx<P>`), `ctx.query = …` rewrites it. The session is
/// reachable only through [`Ctx::session`], which hands out a shared
/// reference: identity fields cannot be written by a hook.
///
/// A hook never builds a `Ctx`; the executor does, once per call. It holds
/// its own handle on the session (one reference-count increment), so the type
/// has no lifetime to write, in `async fn` hooks too.
pub struct Ctx<P> {
    args: P,
    session: Session,
}

impl<P> Ctx<P> {
    pub(crate) fn new(args: P, session: &Session) -> Self {
        Ctx { args, session: session.clone() }
    }

    /// The caller's session: session, tenant, trace, span, turn, timestamp.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The caller's tenant, if any (shorthand for `session().tenant_id()`).
    pub fn tenant_id(&self) -> Option<&str> {
        self.session.tenant_id()
    }

    /// A context of the same call on its own copy of the arguments.
    pub(crate) fn fork(&self) -> Self
    where
        P: Clone,
    {
        Ctx { args: self.args.clone(), session: self.session.clone() }
    }

    pub(crate) fn into_args(self) -> P {
        self.args
    }
}

/// Shows the point's name and the session, never the arguments: an argument
/// marked `#[redact]` must not reach a log through a hook's `{ctx:?}`.
impl<P: HookPoint> fmt::Debug for Ctx<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ctx").field("point", &P::NAME).field("session", &self.session).finish_non_exhaustive()
    }
}

impl<P> Deref for Ctx<P> {
    type Target = P;

    fn deref(&self) -> &P {
        &self.args
    }
}

impl<P> DerefMut for Ctx<P> {
    fn deref_mut(&mut self) -> &mut P {
        &mut self.args
    }
}
