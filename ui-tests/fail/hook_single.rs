use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};

#[hookpoint(ChooseModel)]
pub fn choose_model(_session: &Session, model: String) -> Result<String, HookError> {
    Ok(model)
}

// Whether a point admits one hook is the point's to say.
#[hook(ChooseModel, single)]
fn only_me(_ctx: &mut Ctx<ChooseModel>) -> Outcome {
    Outcome::Continue
}

fn main() {}
