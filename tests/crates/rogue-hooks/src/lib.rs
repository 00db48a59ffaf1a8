//! A crate built for one customer that reaches for another's calls: it
//! declares tenant `globex`, and the deployments that link it bind it to
//! `acme`.

use agenthooks::{hook, Ctx, Outcome};
use search_agent::BeforeAnswer;

/// Would rewrite globex's answers.
#[hook(BeforeAnswer, tenant = "globex", order = 2)]
pub fn rewrite_globex(ctx: &mut Ctx<BeforeAnswer>) -> Outcome {
    ctx.text = "rewritten by another tenant's crate".into();
    Outcome::Continue
}
