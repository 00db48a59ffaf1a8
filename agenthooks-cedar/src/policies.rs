//! A policy set in force, loaded from Cedar text and replaced whole on
//! reload.

use std::collections::HashSet;
use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use agenthooks::{Ctx, HookPoint, Outcome, Session};
use arc_swap::ArcSwapOption;
use cedar_policy::{Authorizer, PolicyId, PolicySet};
use miette::Diagnostic;
use serde::Serialize;

use crate::configured;
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
    /// `None` for a set of the configuration that no configuration names.
    current: ArcSwapOption<PolicySet>,
    /// The name of a set of the configuration (see [`Policies::configured`]).
    configured: Option<Box<str>>,
    authorizer: Authorizer,
}

impl Policies {
    /// The policies of the Cedar file at `path`.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, PolicyError> {
        Ok(Policies::new(read(path.as_ref())?))
    }

    fn new(set: PolicySet) -> Self {
        Policies { current: ArcSwapOption::from_pointee(set), configured: None, authorizer: Authorizer::new() }
    }

    /// The set of the configuration named `name`, holding `set` (`None`:
    /// not configured yet).
    pub(crate) fn of_config(name: &str, set: Option<PolicySet>) -> Self {
        Policies {
            current: ArcSwapOption::new(set.map(Arc::new)),
            configured: Some(name.into()),
            authorizer: Authorizer::new(),
        }
    }

    /// The policy set `name` of the deployment's configuration file: the
    /// policies of the file its `[cedar]` section names for `name`,
    /// replaced whenever a configuration is applied (`agenthooks::config`,
    /// its `Watcher` included), and kept when one is refused.
    ///
    /// Until a configuration names it, or once one no longer does, the set
    /// holds no policy and every call put to it is blocked with
    /// [`RequestError::Unconfigured`]: a policy hook fails closed. The same
    /// set is returned for the same name, for the life of the process;
    /// keep it in a `static` rather than looking it up on every call.
    ///
    /// ```
    /// use agenthooks::config;
    /// use agenthooks_cedar::Policies;
    ///
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("search.cedar"), r#"
    ///     @id("acme-search")
    ///     permit(principal in Tenant::"acme", action, resource);
    /// "#)?;
    /// std::fs::write(dir.path().join("hooks.toml"), "[cedar]\nsearch = \"search.cedar\"\n")?;
    ///
    /// let search = Policies::configured("search");
    /// config::apply_file(dir.path().join("hooks.toml"))?;
    /// assert_eq!(search.ids(), ["acme-search"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn configured(name: &str) -> &'static Policies {
        configured::policies(name)
    }

    /// Puts `set` in force (`None`: no policy, every call refused).
    pub(crate) fn store(&self, set: Option<PolicySet>) {
        self.current.store(set.map(Arc::new));
    }

    /// Replaces the policies with those of `text`; on error, keeps the ones
    /// in force and says why. For a set of the configuration
    /// ([`Policies::configured`]), the next configuration applied replaces
    /// them again.
    pub fn reload(&self, text: &str) -> Result<(), PolicyError> {
        self.current.store(Some(Arc::new(parse(TEXT, text)?)));
        Ok(())
    }

    /// Replaces the policies with those of the file at `path`; on error,
    /// keeps the ones in force and says why. For a set of the configuration
    /// ([`Policies::configured`]), the next configuration applied replaces
    /// them again.
    pub fn reload_file(&self, path: impl AsRef<Path>) -> Result<(), PolicyError> {
        self.current.store(Some(Arc::new(read(path.as_ref())?)));
        Ok(())
    }

    /// The ids of the policies in force, sorted (none for a set of the
    /// configuration that no configuration names).
    pub fn ids(&self) -> Vec<String> {
        let current = self.current.load();
        let mut ids: Vec<String> =
            current.iter().flat_map(|set| set.policies()).map(|policy| policy.id().to_string()).collect();
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
        let current = self.current.load();
        let Some(set) = current.as_deref() else {
            return Err(RequestError::Unconfigured { name: self.configured.as_deref().unwrap_or_default().to_owned() });
        };
        let (request, entities) = request::build(session, action, resource, context)?;
        let response = self.authorizer.is_authorized(&request, set, &entities);
        Ok(Decision::of(&response, set))
    }

    /// A hook's whole body: `Note` when the policies allow the call (it
    /// goes on, and the audit line names the permit policies: "cedar: allow
    /// by acme-search"), else `Block` with the decision as its reason
    /// ("cedar: deny by forbid-shell"), which the audit log records too. A
    /// call that cannot be put to the policies is blocked, saying why: a
    /// policy hook fails closed.
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
        f.debug_struct("Policies")
            .field("configured", &self.configured)
            .field("ids", &self.ids())
            .finish_non_exhaustive()
    }
}

/// The policies of the regular file at `path`; any other kind of file is
/// refused before it is opened.
fn read(path: &Path) -> Result<PolicySet, PolicyError> {
    let read_error = |source| PolicyError::Read { path: path.into(), source };
    if !std::fs::metadata(path).map_err(read_error)?.is_file() {
        return Err(PolicyError::NotAFile { path: path.into() });
    }
    let text = std::fs::read_to_string(path).map_err(read_error)?;
    parse(&path.display().to_string(), &text)
}

/// The static policies of `text`, each renamed after its `@id`.
pub(crate) fn parse(origin: &str, text: &str) -> Result<PolicySet, PolicyError> {
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
