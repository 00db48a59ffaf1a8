use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};

#[hookpoint(BeforeSearch, version = "2.0")]
pub fn search(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

#[hook(BeforeSearch, contract = "2")]
fn major_only(_ctx: &Ctx<BeforeSearch>) -> Outcome {
    Outcome::Continue
}

#[hook(BeforeSearch, contract = 2.0)]
fn unquoted(_ctx: &Ctx<BeforeSearch>) -> Outcome {
    Outcome::Continue
}

#[hook(BeforeSearch, version = "2.0")]
fn key_of_the_point(_ctx: &Ctx<BeforeSearch>) -> Outcome {
    Outcome::Continue
}

fn main() {}
