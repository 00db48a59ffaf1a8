//! The host: builds each contract context, emits it through the point of
//! the configured composition, where every interceptor is a hook that
//! agenthooks' executor runs, and projects the interception record from
//! what the executor decided.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use agent_hooks::{
    apply_transform_to_ctx, context_identity, finalize, validate_transform, AgentContext, ApprovalOutcome,
    ApprovalRequest, ApprovalResolver, CompositionConfig, CompositionProfile, Decision, EnforcementMode, FinalizeMeta,
    HostError, InterceptionPoint, InterceptionRecord, Interceptor, OnApproval, SynthesisPolicy, Transform, Verdict,
};
use agenthooks::approval::{self, Decision as Approval, DecisionFuture, ScopedApprover};
use agenthooks::observe::Recorder;
use agenthooks::{runtime, Ctx, HookError, Mode, Outcome, Session};
use serde_json::Value;

use crate::emission::{Asked, Consulted, Emission, Slot};
use crate::lifecycle::{Misfit, Refusal};
use crate::points::{self, EmissionPoint};
use crate::project::{self, Projection};
use crate::slots::{Slot as Held, Slots};

/// The identity provider a host declares (AGENT-HOOKS-0.1 §10.1).
pub use agent_hooks::IdentityProvider;

/// The module of host `n`'s hooks, within this crate: interceptor `i` is
/// the hook `agenthooks_agent_hooks::host_n::interceptor_i`, at order `i`,
/// so that hosts of several sessions live side by side. `n` is the
/// smallest number no living host holds (see [`crate::slots`]).
const HOST_MODULE: &str = "host_";

/// [`HOST_MODULE`] as hooks' paths start: this crate's name first (a
/// hook registered at run time belongs to the crate that registers it, so
/// no other crate's hook can pass for a host's).
const HOST_PATH: &str = concat!(env!("CARGO_CRATE_NAME"), "::host_");

/// The tenant prefix of host `n`'s hooks and calls.
const HOST_TENANT: &str = "agent-hooks-";

/// The numbers of the hosts alive.
static HOSTS: Slots = Slots::new();

/// The name prefix of a hook that carries an interceptor.
const INTERCEPTOR_NAME: &str = "interceptor_";

/// The name of the hook a host mounts when no interceptor is registered:
/// it blocks every emission (`host_error:no_interceptor`, §7).
const NO_INTERCEPTOR_NAME: &str = "no_interceptor";

/// The index of the interceptor a hook of a host carries.
pub(crate) fn index_of(hook: &str) -> Option<usize> {
    let (module, name) = hook.rsplit_once("::")?;
    module.strip_prefix(HOST_PATH)?;
    name.strip_prefix(INTERCEPTOR_NAME)?.parse().ok()
}

/// Whether `hook` is a host's no-interceptor guard.
pub(crate) fn is_no_interceptor(hook: &str) -> bool {
    hook.rsplit_once("::").is_some_and(|(module, name)| module.starts_with(HOST_PATH) && name == NO_INTERCEPTOR_NAME)
}

/// The time limit of one interceptor, the contract's recommended default
/// (§7).
const INTERCEPTOR_TIMEOUT_MS: u64 = 5_000;

/// How long the executor waits for the approval seam (§9).
const RESOLVER_DEADLINE: Duration = Duration::from_secs(30);

/// How a host composes, enforces and identifies its emissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Surface {
    /// `enforce` or `evaluate_only` (§8).
    pub mode: EnforcementMode,
    /// The composition profile and knobs (§7.2).
    pub composition: CompositionConfig,
}

/// What a host is set up with: its interceptors, resolver and surface.
pub struct Setup {
    /// The interceptors, in registration order.
    pub interceptors: Vec<Box<dyn Interceptor>>,
    /// The approval resolver, if any (§9).
    pub resolver: Option<Box<dyn ApprovalResolver>>,
    /// Mode and composition.
    pub surface: Surface,
    /// The identity provider.
    pub identity: IdentityProvider,
    /// Paths of the target replaced by `"[redacted]"` in the context an
    /// approval request carries (§9 redaction seam).
    pub redact_for_approval: Vec<String>,
}

impl std::fmt::Debug for Setup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Setup")
            .field("interceptors", &self.interceptors.len())
            .field("resolver", &self.resolver.is_some())
            .field("surface", &self.surface)
            .field("redact_for_approval", &self.redact_for_approval)
            .finish_non_exhaustive()
    }
}

/// An emission whose combined verdict did not permit the action.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("AGENT-HOOKS {point} denied: {reason}")]
pub struct Denied {
    /// The interception point.
    pub point: &'static str,
    /// The combined verdict's reason.
    pub reason: String,
}

/// An AGENT-HOOKS-0.1 host for one session: its interceptors are hooks on
/// the points of its composition, registered for the session's own tenant
/// and removed when the host is dropped.
pub struct Host {
    shared: Arc<Shared>,
    session: Session,
    records: Vec<InterceptionRecord>,
    /// The registration handles: dropping them removes the hooks.
    _hooks: Vec<Box<dyn Any + Send + Sync>>,
    /// The host's number, given back once the hooks above are removed
    /// (fields drop in order).
    _number: Held,
}

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Host")
            .field("session", &self.session)
            .field("records", &self.records.len())
            .finish_non_exhaustive()
    }
}

/// What the hooks, the approver and the host share.
pub(crate) struct Shared {
    /// The tenant of the host's hooks and calls.
    pub(crate) tenant: String,
    /// The module of the host's hooks.
    module: String,
    pub(crate) interceptors: Vec<Arc<dyn Interceptor>>,
    resolver: Option<Arc<dyn ApprovalResolver>>,
    pub(crate) surface: Surface,
    identity: IdentityProvider,
    redact: Vec<String>,
    emission: Mutex<Emission>,
}

impl Shared {
    pub(crate) fn state(&self) -> MutexGuard<'_, Emission> {
        self.emission.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn sequential(&self) -> bool {
        self.surface.composition.profile.is_sequential()
    }

    fn shadow(&self) -> bool {
        self.surface.mode == EnforcementMode::EvaluateOnly
    }

    /// The provider's identity of `ctx`; a provider that fails denies
    /// `host_error:context_invalid` (§10.1).
    fn identity_of(&self, ctx: &AgentContext) -> Result<Option<String>, Box<Verdict>> {
        let computed = match &self.identity {
            IdentityProvider::JcsSha256 => context_identity(ctx).map(Some),
            IdentityProvider::Null => Ok(None),
            IdentityProvider::Custom { f, .. } => catch_unwind(AssertUnwindSafe(|| f(ctx)))
                .map(Some)
                .map_err(|_| (HostError::ContextInvalid, "identity provider failed (see spec §10.1)".to_owned())),
        };
        computed.map_err(|(error, detail)| Box::new(Verdict::host_error(error, Some(detail))))
    }

    fn provider_name(&self) -> Option<String> {
        match &self.identity {
            IdentityProvider::JcsSha256 => Some(agent_hooks::JCS_SHA256.to_owned()),
            IdentityProvider::Null => None,
            IdentityProvider::Custom { name, .. } => Some(name.clone()),
        }
    }

    /// The hook of interceptor `index` at point `P`: calls the interceptor
    /// on the context as the executor hands it over and says in the
    /// algebra what its verdict means.
    async fn intercept<P: EmissionPoint>(&self, index: usize, ctx: &mut Ctx<P>) -> Result<Outcome, String> {
        {
            let mut state = self.state();
            if state.stopped {
                // `on_approval = "stop"`: the approval ended the emission.
                return Ok(Outcome::Skip);
            }
            if state.halted {
                return Ok(Outcome::Continue);
            }
            if let Some(transform) = state.pending.take() {
                // `on_approval = "resume"`: the approved transform folds in
                // before the next interceptor.
                let (envelope, target) = ctx.split();
                if let Err(error) = transform_target(P::POINT, envelope, target, &transform) {
                    state.halted = true;
                    state.host_denial = Some(Verdict::host_error(error, None));
                    return Ok(Outcome::block(error.to_string()));
                }
            }
            state.slots[index] = Slot::Started;
        }
        let context = context_of(P::POINT, ctx.envelope(), ctx.target());
        let interceptor = Arc::clone(&self.interceptors[index]);
        let verdict = interceptor.intercept(&context).await;
        if verdict.validate().is_err() {
            let substituted = Verdict::host_error(HostError::VerdictInvalid, None);
            self.state().slots[index] = Slot::Substituted(substituted);
            return Err(format!("{}: the verdict fails the contract's validation", HostError::VerdictInvalid));
        }
        let mut state = self.state();
        state.slots[index] = Slot::Returned(verdict.clone());
        if self.surface.composition.profile == CompositionProfile::ParallelUnanimous {
            if verdict.decision == Decision::Allow {
                return Ok(Outcome::Continue);
            }
            // Anything but a unanimous allow is a disagreement (§7.5).
            let reason = HostError::CompositionDisagreement.to_string();
            if self.surface.composition.on_disagreement == Some(SynthesisPolicy::Approval) && self.can_consult(P::POINT)
            {
                let synthesized = Verdict::host_error_liftable(HostError::CompositionDisagreement, None);
                state.asked.push(Asked::new(index, None, context, synthesized));
                return Ok(Outcome::ask(reason));
            }
            return Ok(Outcome::block(reason));
        }
        match verdict.decision {
            Decision::Allow => Ok(Outcome::Continue),
            Decision::Transform => {
                let transform = verdict.transform.as_ref().expect("a valid transform verdict carries its transform");
                let applied = if self.shadow() {
                    validate_transform(&context, transform)
                } else {
                    let (envelope, target) = ctx.split();
                    transform_target(P::POINT, envelope, target, transform)
                };
                let arbitrated = self.surface.composition.profile == CompositionProfile::ParallelStrictest
                    && self.surface.composition.on_transform_conflict == Some(SynthesisPolicy::Approval)
                    && self.can_consult(P::POINT);
                let other_transform = state.slots.iter().enumerate().any(|(other, slot)| {
                    other != index && matches!(slot, Slot::Returned(verdict) if verdict.decision == Decision::Transform)
                });
                if arbitrated && other_transform && applied.is_ok() {
                    // Two transforms against one snapshot: the conflict is
                    // offered to the seam instead of failing the merge.
                    state.conflict = true;
                    let synthesized = Verdict::host_error_liftable(HostError::TransformConflict, None);
                    state.asked.push(Asked::new(index, None, context, synthesized));
                    return Ok(Outcome::ask(HostError::TransformConflict.to_string()));
                }
                match applied {
                    Ok(()) => Ok(Outcome::Continue),
                    Err(error) => {
                        state.slots[index] = Slot::Substituted(Verdict::host_error(error, None));
                        state.halted = self.sequential();
                        state.host_denial = Some(Verdict::host_error(error, None));
                        Ok(Outcome::block(error.to_string()))
                    }
                }
            }
            Decision::Deny => {
                let reason = verdict.reason.clone().unwrap_or_else(|| "deny".to_owned());
                if self.shadow()
                    && self.sequential()
                    && self.surface.composition.profile == CompositionProfile::SequentialFirstDeny
                {
                    state.halted = true;
                }
                if verdict.is_liftable() && self.can_consult(P::POINT) {
                    state.asked.push(Asked::new(index, Some(index), context, verdict));
                    return Ok(Outcome::ask(reason));
                }
                Ok(Outcome::block(reason))
            }
        }
    }

    /// Whether a liftable deny at `point` is offered to the seam: never
    /// without a resolver, in `evaluate_only` or at `agent_shutdown`
    /// (§6.1a, §8, §9).
    fn can_consult(&self, point: InterceptionPoint) -> bool {
        self.resolver.is_some() && !self.shadow() && point != InterceptionPoint::AgentShutdown
    }

    /// The host's scoped approver: claims `request` only when it is the
    /// ask one of this host's own hooks raised in the emission under way,
    /// and each such ask once. Any other request (another hook, point or
    /// tenant, a hook of this host that raised none) is left to the
    /// deployment's installed approver.
    fn claim(self: Arc<Self>, request: &approval::ApprovalRequest) -> Option<DecisionFuture> {
        let (path, _) = request.hook.rsplit_once("::")?;
        // A registered hook's path starts with the crate that registered it.
        let module = path.strip_prefix(concat!(env!("CARGO_CRATE_NAME"), "::"))?;
        if module != self.module || request.tenant.as_deref() != Some(self.tenant.as_str()) {
            return None;
        }
        let by = index_of(request.hook)?;
        let asked = {
            let mut state = self.state();
            let asked = state.asked.iter_mut().find(|asked| asked.by == by && !asked.answered)?;
            asked.answered = true;
            asked.clone()
        };
        Some(Box::pin(async move { Ok(self.consult(&asked).await) }))
    }

    /// The approver's side of a liftable deny its hook asked about: the
    /// contract's resolver is consulted once per emission, its resolution
    /// validated in the contract's order (§9), and the answer given to the
    /// executor, which enforces it.
    async fn consult(&self, asked: &Asked) -> Approval {
        if let Some(consulted) = &self.state().consulted {
            return answer(consulted);
        }
        let consulted = self.resolve(asked).await;
        let mut state = self.state();
        if let Consulted::Approved { verdict, .. } = &consulted {
            state.pending.clone_from(&verdict.transform);
            state.stopped = self.surface.composition.profile == CompositionProfile::SequentialFirstDeny
                && self.surface.composition.on_approval != Some(OnApproval::Resume);
        }
        let decision = answer(&consulted);
        state.consulted = Some(consulted);
        decision
    }

    async fn resolve(&self, asked: &Asked) -> Consulted {
        let rejected = |verdict: Verdict| Consulted::Rejected { index: asked.index, verdict };
        let presented = redacted(&asked.context, &self.redact);
        let identity = match self.identity_of(&presented) {
            Ok(identity) => identity,
            Err(verdict) => return rejected(*verdict),
        };
        let point = point_of(&asked.context);
        let resolver = Arc::clone(self.resolver.as_ref().expect("only a host with a resolver asks"));
        let resolution = resolver
            .resolve(ApprovalRequest {
                context_identity: identity.clone(),
                interception_point: point,
                verdict: &asked.verdict,
                context: &presented,
            })
            .await;
        if resolution.context_identity != identity {
            return rejected(Verdict::host_error(HostError::ApprovalIdentityMismatch, None));
        }
        let verdict = match (resolution.outcome, resolution.verdict) {
            (ApprovalOutcome::Unresolved, None) => {
                return rejected(Verdict::host_error(HostError::ApprovalUnresolved, None));
            }
            (ApprovalOutcome::Unresolved, Some(_)) | (_, None) => {
                return rejected(Verdict::host_error(HostError::ApprovalResolverFailed, None));
            }
            (_, Some(verdict)) => verdict,
        };
        if verdict.validate().is_err() {
            return rejected(Verdict::host_error(HostError::VerdictInvalid, None));
        }
        match (resolution.outcome, verdict.decision.permits()) {
            (ApprovalOutcome::Approve, true) => Consulted::Approved { index: asked.index, verdict },
            (ApprovalOutcome::Reject, false) => rejected(verdict),
            _ => rejected(Verdict::host_error(HostError::VerdictInvalid, None)),
        }
    }
}

/// The executor's decision for a consultation.
fn answer(consulted: &Consulted) -> Approval {
    match consulted {
        // The contract's later interceptors still run, and may transform,
        // after a resumed approval (§9): the host vouches for them.
        Consulted::Approved { .. } => Approval::approve_with_changes("agent-hooks resolver"),
        Consulted::Rejected { verdict, .. } => {
            Approval::reject("agent-hooks resolver", verdict.reason.clone().unwrap_or_else(|| "deny".to_owned()))
        }
    }
}

impl Host {
    /// A host for the session `session_id` of the agent `agent_id`:
    /// mounts each interceptor as a hook on the eight points of the
    /// composition `setup` names, in `setup`'s mode.
    pub fn new(session_id: &str, setup: Setup) -> Result<Host, runtime::RegisterError> {
        let number = HOSTS.take();
        let shared = Arc::new(Shared {
            tenant: format!("{HOST_TENANT}{}", number.number()),
            module: format!("{HOST_MODULE}{}", number.number()),
            interceptors: setup.interceptors.into_iter().map(Arc::from).collect(),
            resolver: setup.resolver.map(Arc::from),
            surface: Surface { composition: setup.surface.composition.with_knob_defaults(), ..setup.surface },
            identity: setup.identity,
            redact: setup.redact_for_approval,
            emission: Mutex::default(),
        });
        let hooks = mount_all(&shared)?;
        let approver = {
            let shared = Arc::downgrade(&shared);
            ScopedApprover::new(move |request| shared.upgrade()?.claim(request), RESOLVER_DEADLINE)
        };
        let session = Session::new(session_id).with_tenant(&shared.tenant).with_scoped_approver(approver);
        Ok(Host { shared, session, records: Vec::new(), _hooks: hooks, _number: number })
    }

    /// The records of every emission so far, in order (§10.3).
    pub fn records(&self) -> &[InterceptionRecord] {
        &self.records
    }

    /// Emits `ctx`: validates it, computes its identity, runs the
    /// interceptors on agenthooks' executor, writes the target as the
    /// combined verdict leaves it back into `ctx`, and records the
    /// emission. `Err` when the action must not proceed.
    pub async fn emit(&mut self, ctx: &mut AgentContext) -> Result<(), Denied> {
        let point = point_of(ctx);
        let (projection, input_identity) = self.emission(ctx, point).await;
        let record = self.finish(ctx, projection, input_identity);
        self.conclude(point, record)
    }

    /// Emits `ctx` as [`emit`](Host::emit) does, then reads the target the
    /// combined verdict permits through `fit`, into the typed value an
    /// agent consumes. A target `fit` refuses is a failed transform: the
    /// emission is recorded as denied with `host_error:transform_invalid`
    /// (no interceptor decided it), and the refusal is returned.
    pub(crate) async fn emit_fitted<T>(
        &mut self,
        ctx: &mut AgentContext,
        fit: impl FnOnce(&AgentContext) -> Result<T, Misfit>,
    ) -> Result<T, Refusal> {
        let point = point_of(ctx);
        let (mut projection, input_identity) = self.emission(ctx, point).await;
        let permitted = self.shared.shadow() || projection.combined.decision.permits();
        let fitted = fit(ctx);
        if let (true, Err(misfit)) = (permitted, &fitted) {
            let detail = misfit.to_string();
            projection.combined = Verdict::host_error(HostError::TransformInvalid, Some(detail));
            projection.decided_by = None;
        }
        let record = self.finish(ctx, projection, input_identity);
        let concluded = self.conclude(point, record);
        match fitted {
            Err(misfit) if permitted => Err(Refusal::Misfit(misfit)),
            fitted => {
                concluded.map_err(Refusal::Denied)?;
                fitted.map_err(Refusal::Misfit)
            }
        }
    }

    /// Keeps `record` and says whether its action proceeds.
    fn conclude(&mut self, point: InterceptionPoint, record: InterceptionRecord) -> Result<(), Denied> {
        let proceeds = record.proceeds();
        let reason = record.verdict.reason.clone().unwrap_or_default();
        self.records.push(record);
        if proceeds {
            Ok(())
        } else {
            Err(Denied { point: point.as_str(), reason })
        }
    }

    /// The session the host emits on: the contract's `session.id`.
    pub fn session_id(&self) -> &str {
        self.session.session_id()
    }

    /// Runs one emission on the executor and projects what it decided.
    async fn emission(&mut self, ctx: &mut AgentContext, point: InterceptionPoint) -> (Projection, Option<String>) {
        let shared = Arc::clone(&self.shared);
        // A context the contract's envelope check refuses, or whose
        // identity the provider cannot compute, is denied before any
        // interceptor runs (§6.3, §10.1).
        let envelope_ok = agent_hooks::ffi_surface::validate_envelope(&Value::Object(ctx.clone()).to_string()).is_ok();
        let input_identity = match shared.identity_of(ctx) {
            Ok(identity) if envelope_ok => identity,
            Ok(_) => return (Projection::refused(Verdict::host_error(HostError::ContextInvalid, None)), None),
            Err(refused) => return (Projection::refused(*refused), None),
        };
        *shared.state() = Emission::new(shared.interceptors.len());
        let recorder = Recorder::of_session_only(self.session.session_id());
        let mut envelope = ctx.clone();
        let target = envelope.remove("target").unwrap_or(Value::Null);
        let envelope = Value::Object(envelope);
        let result = emit_on(shared.surface.composition.profile, point, &self.session, envelope, target).await;
        let executions = recorder.all();
        (project::project(&shared, point, result, &executions, ctx), input_identity)
    }

    fn finish(&self, ctx: &AgentContext, projection: Projection, input_identity: Option<String>) -> InterceptionRecord {
        let shared = &self.shared;
        let enforced_identity = match &shared.identity {
            IdentityProvider::Custom { .. } if input_identity.is_some() => shared.identity_of(ctx).ok().flatten(),
            _ => None,
        };
        let meta = FinalizeMeta {
            input_identity,
            identity_provider: shared.provider_name(),
            enforced_identity,
            decided_by: projection.decided_by.and_then(|index| u32::try_from(index).ok()),
            composition: shared.surface.composition,
            verdicts: projection.verdicts,
            fold_truncated: projection.fold_truncated,
            resolved_by: projection.resolved_by,
            interceptors_registered: u32::try_from(shared.interceptors.len()).unwrap_or(u32::MAX),
            ..FinalizeMeta::default()
        };
        finalize(ctx, projection.combined, shared.surface.mode, meta)
    }
}

/// Registers every interceptor of `shared` (or the no-interceptor guard)
/// on the eight points of its composition, for its tenant.
fn mount_all(shared: &Arc<Shared>) -> Result<Vec<Box<dyn Any + Send + Sync>>, runtime::RegisterError> {
    let mut hooks = Vec::new();
    macro_rules! on_points {
        ($($point:ty),*) => {{ $( mount::<$point>(shared, &mut hooks)?; )* }};
    }
    match points::compose_of(shared.surface.composition.profile) {
        agenthooks::Compose::Chain => on_points!(
            points::ChainAgentStartup,
            points::ChainInput,
            points::ChainPreModelCall,
            points::ChainPostModelCall,
            points::ChainPreToolCall,
            points::ChainPostToolCall,
            points::ChainOutput,
            points::ChainAgentShutdown
        ),
        agenthooks::Compose::RunAll => on_points!(
            points::RunAllAgentStartup,
            points::RunAllInput,
            points::RunAllPreModelCall,
            points::RunAllPostModelCall,
            points::RunAllPreToolCall,
            points::RunAllPostToolCall,
            points::RunAllOutput,
            points::RunAllAgentShutdown
        ),
        _ => on_points!(
            points::ParallelAgentStartup,
            points::ParallelInput,
            points::ParallelPreModelCall,
            points::ParallelPostModelCall,
            points::ParallelPreToolCall,
            points::ParallelPostToolCall,
            points::ParallelOutput,
            points::ParallelAgentShutdown
        ),
    }
    Ok(hooks)
}

fn mount<P: EmissionPoint>(
    shared: &Arc<Shared>,
    hooks: &mut Vec<Box<dyn Any + Send + Sync>>,
) -> Result<(), runtime::RegisterError> {
    let (tenant, module) = (shared.tenant.as_str(), shared.module.as_str());
    let mode = if shared.shadow() { Mode::Shadow } else { Mode::Enforce };
    if shared.interceptors.is_empty() {
        let guard = runtime::hook!(P, &format!("{module}::{NO_INTERCEPTOR_NAME}"))
            .tenant(tenant)
            .mode(mode)
            .observer(|_: &Ctx<P>| Outcome::block(HostError::NoInterceptor.to_string()))?;
        hooks.push(Box::new(guard));
        return Ok(());
    }
    for index in 0..shared.interceptors.len() {
        let shared = Arc::clone(shared);
        let hook = runtime::hook!(P, &format!("{module}::{INTERCEPTOR_NAME}{index}"))
            .tenant(tenant)
            .order(i32::try_from(index).unwrap_or(i32::MAX))
            .timeout_ms(INTERCEPTOR_TIMEOUT_MS)
            .mode(mode)
            .async_interceptor(move |ctx: &mut Ctx<P>| {
                let shared = Arc::clone(&shared);
                Box::pin(async move { shared.intercept::<P>(index, ctx).await })
            })?;
        hooks.push(Box::new(hook));
    }
    Ok(())
}

/// Emits through the point of `profile`'s composition for `point`.
async fn emit_on(
    profile: CompositionProfile,
    point: InterceptionPoint,
    session: &Session,
    envelope: Value,
    target: Value,
) -> Result<Value, HookError> {
    use points::{
        ChainAgentShutdown, ChainAgentStartup, ChainInput, ChainOutput, ChainPostModelCall, ChainPostToolCall,
        ChainPreModelCall, ChainPreToolCall, EmissionPoint, ParallelAgentShutdown, ParallelAgentStartup, ParallelInput,
        ParallelOutput, ParallelPostModelCall, ParallelPostToolCall, ParallelPreModelCall, ParallelPreToolCall,
        RunAllAgentShutdown, RunAllAgentStartup, RunAllInput, RunAllOutput, RunAllPostModelCall, RunAllPostToolCall,
        RunAllPreModelCall, RunAllPreToolCall,
    };
    use InterceptionPoint as I;
    macro_rules! by_point {
        ($startup:ty, $input:ty, $pre_model:ty, $post_model:ty, $pre_tool:ty, $post_tool:ty, $output:ty, $shutdown:ty) => {
            match point {
                I::AgentStartup => <$startup>::emit(session, envelope, target).await,
                I::Input => <$input>::emit(session, envelope, target).await,
                I::PreModelCall => <$pre_model>::emit(session, envelope, target).await,
                I::PostModelCall => <$post_model>::emit(session, envelope, target).await,
                I::PreToolCall => <$pre_tool>::emit(session, envelope, target).await,
                I::PostToolCall => <$post_tool>::emit(session, envelope, target).await,
                I::Output => <$output>::emit(session, envelope, target).await,
                I::AgentShutdown => <$shutdown>::emit(session, envelope, target).await,
            }
        };
    }
    match points::compose_of(profile) {
        agenthooks::Compose::Chain => by_point!(
            ChainAgentStartup,
            ChainInput,
            ChainPreModelCall,
            ChainPostModelCall,
            ChainPreToolCall,
            ChainPostToolCall,
            ChainOutput,
            ChainAgentShutdown
        ),
        agenthooks::Compose::RunAll => by_point!(
            RunAllAgentStartup,
            RunAllInput,
            RunAllPreModelCall,
            RunAllPostModelCall,
            RunAllPreToolCall,
            RunAllPostToolCall,
            RunAllOutput,
            RunAllAgentShutdown
        ),
        _ => by_point!(
            ParallelAgentStartup,
            ParallelInput,
            ParallelPreModelCall,
            ParallelPostModelCall,
            ParallelPreToolCall,
            ParallelPostToolCall,
            ParallelOutput,
            ParallelAgentShutdown
        ),
    }
}

/// The interception point a context names.
pub(crate) fn point_of(ctx: &AgentContext) -> InterceptionPoint {
    ctx.get("interception_point")
        .cloned()
        .and_then(|point| serde_json::from_value(point).ok())
        .unwrap_or(InterceptionPoint::AgentStartup)
}

/// The full context: `envelope` with `target`, and the conditional field
/// the target aliases (§4.3).
pub(crate) fn context_of(point: InterceptionPoint, envelope: &Value, target: &Value) -> AgentContext {
    let mut ctx = envelope.as_object().cloned().unwrap_or_default();
    ctx.insert("target".to_owned(), target.clone());
    write_back(point, &mut ctx, target);
    ctx
}

/// Mirrors `target` into the conditional field it aliases (§4.3).
pub(crate) fn write_back(point: InterceptionPoint, ctx: &mut AgentContext, target: &Value) {
    use InterceptionPoint as I;
    let (field, member) = match point {
        I::Input => ("input", None),
        I::PreModelCall => ("messages", None),
        I::PostModelCall => ("response", None),
        I::PreToolCall => ("tool_call", Some("args")),
        I::PostToolCall => ("tool_result", Some("value")),
        I::Output => ("output", None),
        I::AgentStartup | I::AgentShutdown => return,
    };
    match member {
        None => {
            ctx.insert(field.to_owned(), target.clone());
        }
        Some(member) => {
            if let Some(Value::Object(object)) = ctx.get_mut(field) {
                object.insert(member.to_owned(), target.clone());
            }
        }
    }
}

/// Applies `transform` to `target` (§5.2): the only change a verdict can
/// make.
pub(crate) fn transform_target(
    point: InterceptionPoint,
    envelope: &Value,
    target: &mut Value,
    transform: &Transform,
) -> Result<(), HostError> {
    let mut ctx = context_of(point, envelope, target);
    apply_transform_to_ctx(&mut ctx, transform)?;
    *target = ctx.remove("target").unwrap_or(Value::Null);
    Ok(())
}

/// The context an approval request carries: each path replaced by
/// `"[redacted]"` where it resolves (§9 redaction seam).
fn redacted(ctx: &AgentContext, paths: &[String]) -> AgentContext {
    let mut presented = ctx.clone();
    for path in paths {
        let transform = Transform { path: path.clone(), value: Value::String("[redacted]".to_owned()) };
        let _unresolved = apply_transform_to_ctx(&mut presented, &transform);
    }
    presented
}
