use agenthooks::{hook, Ctx, Outcome};

#[hook(String)]
fn shout(ctx: &mut Ctx<String>) -> Outcome {
    ctx.make_ascii_uppercase();
    Outcome::Continue
}

fn main() {}
