use agenthooks::{hookpoint, HookError, Session};

#[hookpoint(ChooseModel, single = true)]
pub fn choose_model(_session: &Session, model: String) -> Result<String, HookError> {
    Ok(model)
}

fn main() {}
