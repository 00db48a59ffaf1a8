//! The state of one emission that the adapter's hooks share: what each
//! interceptor returned, what the approval seam resolved, and what the
//! host must still apply. agenthooks' executor decides; this state only
//! remembers what the contract's record must tell.

use agent_hooks::{AgentContext, Transform, Verdict};

/// What became of one interceptor's slot in an emission.
#[derive(Clone, Debug, Default)]
pub(crate) enum Slot {
    /// Never invoked: the executor ended the emission before it.
    #[default]
    NotInvoked,
    /// Invoked; no verdict came back (it panicked or ran past its limit).
    Started,
    /// Its verdict, as returned.
    Returned(Verdict),
    /// The host's substituted deny for it (§6.3, §5.2).
    Substituted(Verdict),
}

/// A liftable deny offered to the approval seam: the ask of one hook of
/// the host, answered once.
#[derive(Clone, Debug)]
pub(crate) struct Asked {
    /// The index of the interceptor whose hook asked.
    pub(crate) by: usize,
    /// The interceptor's index; `None` for a verdict the profile
    /// synthesized (a disagreement).
    pub(crate) index: Option<usize>,
    /// The context as that interceptor saw it.
    pub(crate) context: AgentContext,
    /// The liftable deny.
    pub(crate) verdict: Verdict,
    /// Whether the host's approver has taken up the ask: it answers each
    /// ask once.
    pub(crate) answered: bool,
}

impl Asked {
    /// The ask of the hook of interceptor `by`, for `verdict` (the
    /// interceptor's own when `index` is `Some`).
    pub(crate) fn new(by: usize, index: Option<usize>, context: AgentContext, verdict: Verdict) -> Self {
        Asked { by, index, context, verdict, answered: false }
    }
}

/// What the approval seam answered, once per emission.
#[derive(Clone, Debug)]
pub(crate) enum Consulted {
    /// A permit resolution substitutes for the consulted deny.
    Approved { index: Option<usize>, verdict: Verdict },
    /// The deny stands, with this verdict.
    Rejected { index: Option<usize>, verdict: Verdict },
}

/// One emission's shared state.
#[derive(Debug, Default)]
pub(crate) struct Emission {
    pub(crate) slots: Vec<Slot>,
    /// A sequential fold stopped here: later interceptors are not invoked
    /// (a transform that failed to apply short-circuits both sequential
    /// profiles, §7.4).
    pub(crate) halted: bool,
    /// `on_approval = "stop"`: an approval ended the emission.
    pub(crate) stopped: bool,
    /// A deny the host substituted that no interceptor decided
    /// (`decided_by: null`).
    pub(crate) host_denial: Option<Verdict>,
    /// The liftable denies asked for, in the order they were asked.
    pub(crate) asked: Vec<Asked>,
    /// The seam's answer.
    pub(crate) consulted: Option<Consulted>,
    /// Two transforms met in a parallel emission whose profile arbitrates
    /// conflicts through the seam (`on_transform_conflict = "approval"`).
    pub(crate) conflict: bool,
    /// An approved resolution's transform not yet applied.
    pub(crate) pending: Option<Transform>,
}

impl Emission {
    /// A fresh emission for `interceptors` slots.
    pub(crate) fn new(interceptors: usize) -> Self {
        Emission { slots: vec![Slot::NotInvoked; interceptors], ..Emission::default() }
    }
}
