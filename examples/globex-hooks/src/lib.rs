//! Tenant `globex`'s hooks: one result per search, and a check that answers
//! are never empty.

use agenthooks::{hook, Ctx, Outcome};
use search_agent::{BeforeAnswer, BeforeSearch};

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
