//! Tenant `globex`'s hooks: one result per search, a check that answers
//! are never empty, and a review mark on every answer made.

use agenthooks::{hook, Ctx, Outcome};
use search_agent::{AfterAnswer, BeforeAnswer, BeforeSearch};

/// Keeps searches to their single best result.
#[hook(BeforeSearch, tenant = "globex", order = 10)]
pub fn top_result_only(ctx: &mut Ctx<BeforeSearch>) -> Outcome {
    ctx.filters.max_results = 1;
    Outcome::Continue
}

/// Refuses to send an empty answer.
#[hook(BeforeAnswer, tenant = "globex", order = 5)]
pub fn never_empty(ctx: &Ctx<BeforeAnswer>) -> Outcome {
    if ctx.text.trim().is_empty() {
        Outcome::block("empty answer")
    } else {
        Outcome::Continue
    }
}

/// Marks every answer the agent made as reviewed: an after-point hook
/// rewrites the call's result.
#[hook(AfterAnswer, tenant = "globex")]
pub fn mark_reviewed(ctx: &mut Ctx<AfterAnswer>) -> Outcome {
    if let Ok(answer) = &mut ctx.result {
        answer.push_str(" [reviewed by globex]");
    }
    Outcome::Continue
}
