//! [`LifecycleHook`]: rig's own hook of one run, calling agenthooks'
//! lifecycle points at the moments rig lets a hook decide.
//!
//! | rig event | lifecycle point | what a hook's decision does in rig |
//! |---|---|---|
//! | `on_run_start` | [`run_start`](lifecycle::run_start) | a rewritten input replaces the prompt; an error stops the run before any model call |
//! | `on_model_select` | — (observed) | the chosen model's label becomes the `model` of the LLM points |
//! | `on_dispatch`, completion | [`before_llm`](lifecycle::before_llm) | rewritten messages and options replace the request's; an error stops the run |
//! | `on_outcome`, completion | [`after_llm`](lifecycle::after_llm) | a rewritten `content` replaces the answer's text; an error stops the run |
//! | `on_dispatch`, tool call | [`before_tool`](lifecycle::before_tool) | rewritten arguments are what the tool runs with; an error withholds the call (see [`BlockedTool`]) |
//! | `on_outcome`, tool call | [`tool_error`](lifecycle::tool_error), [`after_tool`](lifecycle::after_tool) | a rewritten result is what the model sees; an error withholds the result (see [`BlockedTool`]) |

use std::sync::{Arc, Mutex, PoisonError};

use agenthooks::lifecycle::{self, AfterLlm, AfterTool, BeforeLlm, BeforeTool, RunStart as RunStartPoint, ToolError};
use agenthooks::{HookError, HookPoint, Session};
use rig_agent::agent::{
    AgentHook, DispatchAction, DispatchEvent, HookContext, ModelSelection, ModelSelectionAction, OutcomeAction,
    OutcomeEvent, RunStart, RunStartAction,
};
use rig_agent::core::effect::{EffectKind, Outcome};
use rig_agent::core::message::Message;
use rig_agent::tool::ToolResult;

use crate::convert;
use crate::RunError;

/// What becomes of a tool call, or of its result, that a lifecycle hook
/// stopped (it blocked, or failed at a point that fails closed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum BlockedTool {
    /// The tool does not run (or its result is withheld) and the model
    /// reads the hook's refusal as the call's result, through rig's
    /// "skipped" tool result; the run goes on, so the model can answer
    /// without the tool. The hook's line is in the audit log.
    #[default]
    Refuse,
    /// The tool does not run (or its result is withheld) and the run stops:
    /// [`HookedAgent::prompt`](crate::HookedAgent::prompt) returns
    /// [`RunError::Hook`] with the hook's error.
    StopRun,
}

/// The error that stopped a run, kept for the caller who started it.
#[derive(Clone, Debug, Default)]
pub(crate) struct StopSlot(Arc<Mutex<Option<RunError>>>);

impl StopSlot {
    /// Keeps the first error: what stopped the run, not what followed.
    fn set(&self, error: RunError) {
        let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        slot.get_or_insert(error);
    }

    /// The error that stopped the run, if a lifecycle hook stopped it.
    pub(crate) fn take(&self) -> Option<RunError> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// Rig's hook for one run of one session: add it to a rig run with
/// `agent.prompt(..).add_hook(hook)`, or let
/// [`HookedAgent`](crate::HookedAgent) do it. It calls the lifecycle points
/// for `session`, so the hooks of its tenant run, and every hook execution
/// is in the audit log. With no hook linked on a point, that point costs one
/// atomic load and rig goes on as if the hook were not there.
///
/// Run end is not here: rig's settled event can only observe, so
/// [`HookedAgent::prompt`](crate::HookedAgent::prompt) calls
/// [`run_end`](lifecycle::run_end) on the answer itself.
#[derive(Debug)]
pub struct LifecycleHook {
    session: Session,
    agent: String,
    blocked: BlockedTool,
    model: Mutex<Option<String>>,
    stop: StopSlot,
}

impl LifecycleHook {
    /// The hook of a run of agent `agent` (the `agent` key of the run
    /// points) for `session`; a stopped tool call is refused to the model
    /// ([`BlockedTool::Refuse`]).
    pub fn new(session: Session, agent: impl Into<String>) -> Self {
        LifecycleHook {
            session,
            agent: agent.into(),
            blocked: BlockedTool::default(),
            model: Mutex::new(None),
            stop: StopSlot::default(),
        }
    }

    /// The same hook, treating a stopped tool call or result as `blocked`
    /// says.
    #[must_use]
    pub fn blocked_tools(mut self, blocked: BlockedTool) -> Self {
        self.blocked = blocked;
        self
    }

    /// The slot the error that stops the run is kept in.
    pub(crate) fn stop_slot(&self) -> StopSlot {
        self.stop.clone()
    }

    /// Stops the run with `error`: kept for the caller, and `reason` for rig.
    fn stop(&self, error: RunError) -> String {
        let reason = error.to_string();
        self.stop.set(error);
        reason
    }

    /// The model the LLM points name: the request's own override, else the
    /// label rig selected the model under (`default` for
    /// `AgentBuilder::new`).
    fn model(&self, requested: Option<&str>) -> String {
        requested.map_or_else(
            || {
                self.model
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone()
                    .unwrap_or_else(|| "default".to_owned())
            },
            str::to_owned,
        )
    }

    async fn before_tool(&self, event: &DispatchEvent<'_>, name: &str, args: &str) -> DispatchAction {
        if !BeforeTool::is_hooked() {
            return DispatchAction::proceed();
        }
        let args = convert::tool_args(args);
        let call_id = event.call_id.map(ToString::to_string).unwrap_or_default();
        match lifecycle::before_tool(&self.session, name.to_owned(), args.clone(), call_id).await {
            Ok(rewritten) if rewritten == args => DispatchAction::proceed(),
            Ok(rewritten) => DispatchAction::rewrite_tool_args(event.kind, rewritten),
            Err(error) => match self.blocked {
                BlockedTool::Refuse => DispatchAction::skip(error.to_string()),
                BlockedTool::StopRun => DispatchAction::stop(self.stop(error.into())),
            },
        }
    }

    async fn after_tool(&self, event: &OutcomeEvent<'_>, name: &str, args: &str, result: &ToolResult) -> OutcomeAction {
        // A skipped call never ran: a before-tool hook (or another rig hook)
        // withheld it, and what the model reads is that refusal.
        if result.is_skipped() || !(AfterTool::is_hooked() || ToolError::is_hooked()) {
            return OutcomeAction::proceed();
        }
        let args = convert::tool_args(args);
        let call_id = event.call_id.map(ToString::to_string).unwrap_or_default();
        let value = convert::tool_output(result.output());
        let failed = result.is_error() || result.is_refused();
        if failed && ToolError::is_hooked() {
            let error = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
            if let Err(error) =
                lifecycle::tool_error(&self.session, name.to_owned(), args.clone(), call_id.clone(), error).await
            {
                return self.withhold(error);
            }
        }
        if !AfterTool::is_hooked() {
            return OutcomeAction::proceed();
        }
        let seen = if failed { lifecycle::ToolResult::error(value) } else { lifecycle::ToolResult::ok(value) };
        match lifecycle::after_tool(&self.session, name.to_owned(), args, call_id, seen.clone()).await {
            Ok(rewritten) if rewritten.value == seen.value => OutcomeAction::proceed(),
            Ok(rewritten) => OutcomeAction::rewrite_tool_output(event, convert::to_tool_output(rewritten.value)),
            Err(error) => self.withhold(error),
        }
    }

    /// A result a hook stopped: the model reads the refusal instead, or the
    /// run stops.
    fn withhold(&self, error: HookError) -> OutcomeAction {
        match self.blocked {
            BlockedTool::Refuse => {
                OutcomeAction::replace(Ok(Outcome::ToolResult { result: ToolResult::skipped(error.to_string()) }))
            }
            BlockedTool::StopRun => OutcomeAction::stop(self.stop(error.into())),
        }
    }

    async fn before_llm(
        &self,
        request: &rig_agent::core::completion::CompletionRequest,
        stream: bool,
    ) -> DispatchAction {
        if !BeforeLlm::is_hooked() {
            return DispatchAction::proceed();
        }
        let point = BeforeLlm::NAME;
        let messages = match convert::messages(&request.chat_history) {
            Ok(messages) => messages,
            Err(error) => return self.unsupported(point, format!("a message could not be written as JSON: {error}")),
        };
        let options = convert::options(request);
        let model = self.model(request.model.as_deref());
        match lifecycle::before_llm(&self.session, model, messages.clone(), options.clone()).await {
            Ok((new_messages, new_options)) if new_messages == messages && new_options == options => {
                DispatchAction::proceed()
            }
            Ok((new_messages, new_options)) => {
                let mut patched = request.clone();
                match convert::from_messages(&request.chat_history, new_messages) {
                    Ok(history) => patched.chat_history = history,
                    Err(error) => {
                        return self.unsupported(point, format!("a rewritten message is not a rig message: {error}"))
                    }
                }
                if let Err(error) = convert::apply_options(&mut patched, &new_options) {
                    return self.unsupported(point, format!("a rewritten option has the wrong type: {error}"));
                }
                DispatchAction::patch(EffectKind::Completion { request: patched, stream })
            }
            Err(error) => DispatchAction::stop(self.stop(error.into())),
        }
    }

    fn unsupported(&self, point: &'static str, what: String) -> DispatchAction {
        DispatchAction::stop(self.stop(RunError::Unsupported { point, what }))
    }

    async fn after_llm(
        &self,
        request: &rig_agent::core::completion::CompletionRequest,
        completion: &rig_agent::core::completion::CompletionResponse,
    ) -> OutcomeAction {
        if !AfterLlm::is_hooked() {
            return OutcomeAction::proceed();
        }
        let response = convert::response(completion);
        let usage = lifecycle::Usage::new(
            completion.usage.input_tokens.unwrap_or_default(),
            completion.usage.output_tokens.unwrap_or_default(),
        );
        let model = self.model(request.model.as_deref());
        match lifecycle::after_llm(&self.session, model, response.clone(), usage).await {
            Ok(rewritten) if rewritten == response => OutcomeAction::proceed(),
            Ok(rewritten) if rewritten.tool_calls != response.tool_calls => OutcomeAction::stop(self.stop(RunError::Unsupported {
                point: AfterLlm::NAME,
                what: "the tool calls of a model's answer were rewritten; block the call at `lifecycle.before_tool` or rewrite its arguments there".to_owned(),
            })),
            Ok(rewritten) => {
                let text = match rewritten.content {
                    serde_json::Value::String(text) => text,
                    serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                };
                OutcomeAction::replace(Ok(Outcome::Completion(convert::with_text(completion.clone(), text))))
            }
            Err(error) => OutcomeAction::stop(self.stop(error.into())),
        }
    }
}

impl AgentHook for LifecycleHook {
    fn name(&self) -> Option<String> {
        Some("agenthooks-lifecycle".to_owned())
    }

    async fn on_run_start(&self, _ctx: &HookContext, event: RunStart<'_>) -> RunStartAction {
        if !RunStartPoint::is_hooked() {
            return RunStartAction::continue_run();
        }
        let input = event.prompt.rag_text().unwrap_or_default();
        match lifecycle::run_start(&self.session, self.agent.clone(), input.clone()).await {
            Ok(rewritten) if rewritten == input => RunStartAction::continue_run(),
            Ok(rewritten) => RunStartAction::rewrite(Message::user(rewritten)),
            Err(error) => RunStartAction::stop(self.stop(error.into())),
        }
    }

    fn on_model_select(&self, _ctx: &HookContext, event: ModelSelection<'_>) -> ModelSelectionAction {
        *self.model.lock().unwrap_or_else(PoisonError::into_inner) = Some(event.selected_model.to_string());
        ModelSelectionAction::continue_run()
    }

    async fn on_dispatch(&self, _ctx: &HookContext, event: DispatchEvent<'_>) -> DispatchAction {
        match event.kind {
            EffectKind::ToolCall { name, args } => self.before_tool(&event, name, args).await,
            EffectKind::Completion { request, stream } => self.before_llm(request, *stream).await,
            _ => DispatchAction::proceed(),
        }
    }

    async fn on_outcome(&self, _ctx: &HookContext, event: OutcomeEvent<'_>) -> OutcomeAction {
        match (event.kind, event.outcome) {
            (EffectKind::ToolCall { name, args }, Ok(Outcome::ToolResult { result })) => {
                self.after_tool(&event, name, args, result).await
            }
            (EffectKind::Completion { request, .. }, Ok(Outcome::Completion(completion))) => {
                self.after_llm(request, completion).await
            }
            _ => OutcomeAction::proceed(),
        }
    }
}
