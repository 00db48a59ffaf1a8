//! What the policies decided about one call, and which policies decided it.
//!
//! Cedar leaves a policy that fails to evaluate out of its decision, which
//! for a `forbid` lets through the very calls it was written to stop. This
//! module decides instead: a `forbid` in error denies, a `permit` in error
//! permits nothing (see [`Decision`]).

use std::fmt;

use agenthooks::Outcome;
use cedar_policy::{AuthorizationError, Decision as CedarDecision, Effect, PolicySet, Response};

/// The policies' decision about one call: allow or deny, the ids of the
/// policies that determined it, and of those that failed to evaluate.
///
/// A policy fails to evaluate for a call when its condition reads what the
/// call does not carry, or carries with another type: an attribute the
/// context lacks (a `null` member is left out, so it is lacking too), `like`
/// on a number, a list or a record, `<` on a string, an attribute of the
/// principal or the resource (the crate gives them none), `in` on a value
/// that is not an entity, an extension function refusing its argument
/// (`ip("x")`, `decimal("a lot")`), an arithmetic overflow. Cedar leaves
/// such a policy out; here:
///
/// - a **`forbid` in error denies**: the call is blocked, and the decision
///   names the policy both among those that denied it and among those in
///   error (`deny by no-etc; in error: no-etc`), so the block reason and
///   the audit line name it;
/// - a **`permit` in error permits nothing**: the call is allowed only if
///   another permit matches it (`allow by reads; in error: small-files`),
///   else denied by default (`deny: no policy permits; in error:
///   small-files`).
///
/// A `has` guard is evaluated, not in error: `context has path &&
/// context.path like "/etc/*"` does not match a call without a path, as its
/// author wrote, and still denies a call whose path is a number.
///
/// Its [`Display`](fmt::Display) is what a block reason says:
/// `deny by forbid-shell`, `deny: no policy permits`,
/// `allow by acme-search`, each followed by `; in error: p1, p2` when some
/// policy failed to evaluate (`deny by no-etc; in error: no-etc` for a
/// `forbid` in error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    allowed: bool,
    policies: Vec<String>,
    in_error: Vec<String>,
}

impl Decision {
    /// The decision of `set` in Cedar's `response`, with every `forbid` of
    /// `set` that failed to evaluate denying.
    pub(crate) fn of(response: &Response, set: &PolicySet) -> Self {
        let diagnostics = response.diagnostics();
        let mut allowed = response.decision() == CedarDecision::Allow;
        let mut policies: Vec<String> = diagnostics.reason().map(ToString::to_string).collect();
        let mut in_error = Vec::new();
        let mut forbids_in_error = Vec::new();
        for AuthorizationError::PolicyEvaluationError(error) in diagnostics.errors() {
            let id = error.policy_id();
            // A policy the set does not know cannot have permitted anything.
            if set.policy(id).is_none_or(|policy| policy.effect() == Effect::Forbid) {
                forbids_in_error.push(id.to_string());
            }
            in_error.push(id.to_string());
        }
        if !forbids_in_error.is_empty() {
            if allowed {
                // The permits Cedar names did not decide: the forbids did.
                policies.clear();
                allowed = false;
            }
            policies.append(&mut forbids_in_error);
        }
        policies.sort_unstable();
        in_error.sort_unstable();
        Decision { allowed, policies, in_error }
    }

    /// Whether the policies allow the call.
    pub fn is_allowed(&self) -> bool {
        self.allowed
    }

    /// The ids of the policies that determined the decision, sorted: the
    /// `permit` policies that matched an allowed call, the `forbid` ones that
    /// matched or failed to evaluate for a denied call, none for a call
    /// denied because no policy permits it.
    pub fn policies(&self) -> &[String] {
        &self.policies
    }

    /// The ids of the policies that failed to evaluate for this call (e.g.
    /// reading a context attribute the call lacks), sorted: the `forbid`
    /// ones among them denied the call, the `permit` ones permitted
    /// nothing.
    pub fn in_error(&self) -> &[String] {
        &self.in_error
    }

    /// `Outcome::Note` if allowed, else `Outcome::Block`, each with
    /// `cedar: ` and the decision: the call goes on, or stops, and the
    /// hook's audit line names the policies that decided either way
    /// (`cedar: allow by acme-search`, `cedar: deny by forbid-shell`).
    pub fn outcome(&self) -> Outcome {
        if self.allowed {
            Outcome::note(format!("cedar: {self}"))
        } else {
            Outcome::block(format!("cedar: {self}"))
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.allowed { "allow" } else { "deny" })?;
        match self.policies.as_slice() {
            [] if self.allowed => {}
            [] => f.write_str(": no policy permits")?,
            policies => write!(f, " by {}", policies.join(", "))?,
        }
        if !self.in_error.is_empty() {
            write!(f, "; in error: {}", self.in_error.join(", "))?;
        }
        Ok(())
    }
}
