use std::rc::Rc;

use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};

#[hookpoint(BeforeSearch)]
pub async fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

async fn region() -> &'static str {
    " region:eu"
}

#[hook(BeforeSearch)]
async fn scope_to_eu(ctx: &mut Ctx<BeforeSearch>) -> Outcome {
    let shared = Rc::new(ctx.query.clone());
    let region = region().await;
    ctx.query = format!("{shared}{region}");
    Outcome::Continue
}

fn main() {}
