//! A policy set in force, loaded from Cedar text and replaced whole on
//! reload.

use std::collections::HashSet;
use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use agenthooks::{Ctx, HookPoint, Outcome, Session};
use arc_swap::ArcSwap;
use cedar_policy::{Authorizer, PolicyId, PolicySet};
use miette::Diagnostic;
use serde::Serialize;

use crate::request::{self, Resource};
use crate::{Decision, PolicyError, Position, RequestError};

/// The annotation that names a policy: `@id("forbid-shell")`.
const ID: &str = "id";

/// What [`Policies::from_str`] and [`Policies::reload`] call the text.
const TEXT: &str = "<text>";

/// Cedar policies in force for a hook, from a file or a text.
///
/// Every policy carries an `@id("...")` annotation: decisions, block
/// reasons and so the audit log name policies by it. A reload replaces the
/// whole set at once, or, if the new text is invalid, nothing: calls being
/// decided meanwhile see the old set or the new one, never a mix, and never
/// wait: the set is swapped through an `ArcSwap`, whose read takes 7 ns
/// where a `RwLock`'s takes 10 (`benches/decision.rs`) and never contends
/// with a reload.
///
/// ```
/// use agenthooks_cedar::Policies;
///
/// let policies: Policies = r#"
///     @id("acme-search")
///     permit(principal in Tenant::"acme", action == Action::"before_tool_call", resource == Tool::"search");
/// "#.parse()?;
/// assert_eq!(policies.ids(), ["acme-search"]);
/// # Ok::<(), agenthooks_cedar::PolicyError>(())
/// ```
pub struct Policies {
    current: ArcSwap<PolicySet>,
    authorizer: Authorizer,
}

impl Policies {
    /// The policies of the Cedar file at `path`.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, PolicyError> {
        Ok(Policies::new(read(path.as_ref())?))
    }

    fn new(set: PolicySet) -> Self {
        Policies { current: ArcSwap::from_pointee(set), authorizer: Authorizer::new() }
    }

    /// Replaces the policies with those of `text`; on error, keeps the ones
    /// in force and says why.
    pub fn reload(&self, text: &str) -> Result<(), PolicyError> {
        self.current.store(Arc::new(parse(TEXT, text)?));
        Ok(())
    }

    /// Replaces the policies with those of the file at `path`; on error,
    /// keeps the ones in force and says why.
    pub fn reload_file(&self, path: impl AsRef<Path>) -> Result<(), PolicyError> {
        self.current.store(Arc::new(read(path.as_ref())?));
        Ok(())
    }

    /// The ids of the policies in force, sorted.
    pub fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.current.load().policies().map(|policy| policy.id().to_string()).collect();
        ids.sort_unstable();
        ids
    }

    /// Decides a call of point `P` in a hook: the principal is the session
    /// of `ctx`, the action the point's name, and `context` (serialized with
    /// serde) what the policies read as `context`.
    pub fn decide<P: HookPoint, C: Serialize + ?Sized>(
        &self,
        ctx: &Ctx<P>,
        resource: Resource<'_>,
        context: &C,
    ) -> Result<Decision, RequestError> {
        self.decide_for(ctx.session(), P::NAME, resource, context)
    }

    /// Decides an action of `session` outside a hook (in a test, a benchmark
    /// or the agent's own code): as [`decide`](Self::decide), with the
    /// action named.
    pub fn decide_for<C: Serialize + ?Sized>(
        &self,
        session: &Session,
        action: &str,
        resource: Resource<'_>,
        context: &C,
    ) -> Result<Decision, RequestError> {
        let (request, entities) = request::build(session, action, resource, context)?;
        let response = self.authorizer.is_authorized(&request, &self.current.load(), &entities);
        Ok(Decision::of(&response))
    }

    /// A hook's whole body: `Continue` when the policies allow the call,
    /// else `Block` with the decision as its reason ("cedar: deny by
    /// forbid-shell"), which the audit log records. A call that cannot be
    /// put to the policies is blocked too, saying why: a policy hook fails
    /// closed.
    pub fn check<P: HookPoint, C: Serialize + ?Sized>(
        &self,
        ctx: &Ctx<P>,
        resource: Resource<'_>,
        context: &C,
    ) -> Outcome {
        match self.decide(ctx, resource, context) {
            Ok(decision) => decision.outcome(),
            Err(error) => Outcome::block(format!("cedar: cannot decide: {error}")),
        }
    }
}

impl FromStr for Policies {
    type Err = PolicyError;

    /// The policies of a Cedar text.
    fn from_str(text: &str) -> Result<Self, PolicyError> {
        Ok(Policies::new(parse(TEXT, text)?))
    }
}

impl fmt::Debug for Policies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policies").field("ids", &self.ids()).finish_non_exhaustive()
    }
}

fn read(path: &Path) -> Result<PolicySet, PolicyError> {
    let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Read { path: path.into(), source })?;
    parse(&path.display().to_string(), &text)
}

/// The static policies of `text`, each renamed after its `@id`.
fn parse(origin: &str, text: &str) -> Result<PolicySet, PolicyError> {
    let parsed = PolicySet::from_str(text).map_err(|errors| {
        let offset = errors.labels().and_then(|mut labels| labels.next()).map_or(0, |label| label.offset());
        PolicyError::Parse {
            at: Position::of(origin, text, offset),
            message: errors.iter().next().map(ToString::to_string).unwrap_or_default(),
            more: errors.iter().count().saturating_sub(1),
        }
    })?;
    if let Some(template) = parsed.templates().next() {
        return Err(PolicyError::Template { origin: origin.to_owned(), id: template.id().to_string() });
    }
    // Cedar numbers the policies of a text `policy0`, `policy1`, … in order.
    let mut policies: Vec<_> = parsed.policies().collect();
    policies.sort_by_key(|policy| policy.id().to_string().trim_start_matches("policy").parse::<usize>().ok());
    let mut renamed = PolicySet::new();
    let mut seen = HashSet::new();
    for (number, policy) in (1..).zip(policies) {
        let id = policy.annotation(ID).ok_or_else(|| PolicyError::MissingId { origin: origin.to_owned(), number })?;
        if !seen.insert(id) {
            return Err(PolicyError::DuplicateId { origin: origin.to_owned(), id: id.to_owned() });
        }
        renamed
            .add(policy.new_id(PolicyId::new(id)))
            .map_err(|_| PolicyError::DuplicateId { origin: origin.to_owned(), id: id.to_owned() })?;
    }
    Ok(renamed)
}
