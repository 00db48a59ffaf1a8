use agenthooks::lifecycle::StreamEvent;
use agenthooks::{hook, Ctx, Outcome};

/// Meant to cap a noisy stream, but it would run once per event.
#[hook(StreamEvent, kind = "text_delta", rate_limit = "100/1m per tenant")]
fn cap_deltas(_ctx: &Ctx<StreamEvent>) -> Outcome {
    Outcome::Continue
}

fn main() {}
