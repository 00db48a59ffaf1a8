//! What the policies decided about one call, and which policies decided it.

use std::fmt;

use agenthooks::Outcome;
use cedar_policy::{AuthorizationError, Decision as CedarDecision, Response};

/// The policies' decision about one call: allow or deny, the ids of the
/// policies that determined it, and of those that failed to evaluate (Cedar
/// leaves a failing policy out of the decision).
///
/// Its [`Display`](fmt::Display) is what a block reason says:
/// `deny by forbid-shell`, `deny: no policy permits`,
/// `allow by acme-search`, each followed by `; in error: p1, p2` when some
/// policy failed to evaluate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    allowed: bool,
    policies: Vec<String>,
    in_error: Vec<String>,
}

impl Decision {
    pub(crate) fn of(response: &Response) -> Self {
        let diagnostics = response.diagnostics();
        let mut policies: Vec<String> = diagnostics.reason().map(ToString::to_string).collect();
        let mut in_error: Vec<String> = diagnostics
            .errors()
            .map(|error| match error {
                AuthorizationError::PolicyEvaluationError(error) => error.policy_id().to_string(),
            })
            .collect();
        policies.sort_unstable();
        in_error.sort_unstable();
        Decision { allowed: response.decision() == CedarDecision::Allow, policies, in_error }
    }

    /// Whether the policies allow the call.
    pub fn is_allowed(&self) -> bool {
        self.allowed
    }

    /// The ids of the policies that determined the decision, sorted: the
    /// `permit` policies that matched an allowed call, the `forbid` ones that
    /// matched a denied call, none for a call denied because no policy
    /// permits it.
    pub fn policies(&self) -> &[String] {
        &self.policies
    }

    /// The ids of the policies that failed to evaluate for this call (e.g.
    /// reading a context attribute the call lacks), sorted.
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
