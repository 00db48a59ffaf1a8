use agenthooks::{hook, Ctx, Outcome};
use contract_agent::BeforeTool;

// `BeforeTool` is declared in another crate, at contract version 2.1.
#[hook(BeforeTool, contract = "1.4")]
fn written_for_one(_ctx: &Ctx<BeforeTool>) -> Outcome {
    Outcome::Continue
}

fn main() {}
