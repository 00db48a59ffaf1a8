//! Model selection and model calls.

use serde_json::Value;

use super::{LlmResponse, Message, Usage};
use crate::{hookpoint, HookError, Session};

/// The agent chose `model` among `candidates`; returns the model as the
/// hooks left it (a tenant's hook may route to a model of its region).
/// Fails closed: a routing policy that fails must not send data elsewhere.
#[hookpoint(SelectModel, name = "lifecycle.select_model")]
#[non_exhaustive]
pub async fn select_model(
    session: &Session,
    #[key] model: String,
    candidates: Vec<String>,
) -> Result<String, HookError> {
    Ok(model)
}

/// Right before a request to `model` with `messages` and `options` (the
/// provider's settings: temperature, maximum tokens, …); returns the
/// messages and options as the hooks left them. Fails closed.
#[hookpoint(BeforeLlm, name = "lifecycle.before_llm")]
#[non_exhaustive]
pub async fn before_llm(
    session: &Session,
    #[key] model: String,
    messages: Vec<Message>,
    options: Value,
) -> Result<(Vec<Message>, Value), HookError> {
    Ok((messages, options))
}

/// Right after `model` answered `response`, having used `usage`; returns
/// the response as the hooks left it (a hook may mask what must not reach
/// the user or the next step). Fails closed.
#[hookpoint(AfterLlm, name = "lifecycle.after_llm")]
#[non_exhaustive]
pub async fn after_llm(
    session: &Session,
    #[key] model: String,
    response: LlmResponse,
    usage: Usage,
) -> Result<LlmResponse, HookError> {
    Ok(response)
}
