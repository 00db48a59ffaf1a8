//! What the author of a point declares about its hooks, and what a hook
//! declares about itself: the failure policy, the composition, the mode.
//! The README's "Decision algebra" section has the whole table.

/// What a point does when one of its hooks fails: returns an error, panics
/// or overruns its time limit. Declared by the point's author, who knows
/// whether the point is a guard or an enrichment:
/// `#[hookpoint(BeforeTool, on_failure = "deny")]`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OnFailure {
    /// The default: any hook failure fails the call with a typed error, and
    /// no hook can loosen that (`fallback = true` on its hook does not
    /// compile). A guard point stays closed whatever its hooks do.
    #[default]
    Deny,
    /// `on_failure = "continue"`: a failing hook is left out and the call
    /// goes on without its changes, unless the hook says `fallback = false`.
    /// The audit line says the failure was let through. For enrichments.
    Continue,
}

/// How the hooks of one point combine. Declared by the point's author
/// (`#[hookpoint(Point, compose = "run_all")]`); a hook cannot change it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Compose {
    /// The default: in chain order, each hook sees the previous hooks'
    /// changes; the first block (or denied approval, or failure the point
    /// does not let through) stops the call, `Skip` ends the chain.
    #[default]
    Chain,
    /// Every hook runs, in chain order, each seeing the previous hooks'
    /// changes, even after a block, so every policy's verdict is audited;
    /// the strictest verdict wins (block > ask > change > continue).
    RunAll,
    /// Every hook runs on its own copy of the same arguments (`async fn`
    /// hooks concurrently); their results merge in chain order, never in
    /// completion order; the strictest verdict wins, and two hooks changing
    /// the same field fail the call.
    Parallel,
}

impl Compose {
    /// The composition as the audit log spells it: `chain`, `run_all` or
    /// `parallel`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Compose::Chain => "chain",
            Compose::RunAll => "run_all",
            Compose::Parallel => "parallel",
        }
    }
}

/// Whether a hook's decisions are enforced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mode {
    /// The default: the hook's decisions and changes take effect.
    #[default]
    Enforce,
    /// `mode = "shadow"`: the hook runs and is audited with what it would
    /// have done ("would block: …", the fields it would change), but nothing
    /// it decides is enforced and its changes are discarded. For rolling out
    /// a new policy.
    Shadow,
}
