//! A platform team's hooks: declared for no tenant, so the deployment's
//! `link!` decides whose answers they tag.

use agenthooks::{hook, Ctx, Outcome};
use search_agent::BeforeAnswer;

/// Tags every answer it sees.
#[hook(BeforeAnswer, order = 1)]
pub fn tag(ctx: &mut Ctx<BeforeAnswer>) -> Outcome {
    ctx.text.push_str(" [platform]");
    Outcome::Continue
}
