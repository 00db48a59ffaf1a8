use agenthooks::{hookpoint, HookError, Session};

/// A key that serde cannot write and that gives `#[redact]` no text.
#[derive(Clone, Debug)]
pub struct ApiKey(String);

#[hookpoint(CallModel)]
pub fn call_model(session: &Session, prompt: String, #[redact] key: ApiKey) -> Result<String, HookError> {
    Ok(format!("{prompt} with {}", key.0))
}

fn main() {}
