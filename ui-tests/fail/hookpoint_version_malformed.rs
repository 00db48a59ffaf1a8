use agenthooks::{hookpoint, HookError, Session};

#[hookpoint(Patch, version = "2.1.0")]
pub fn patch(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

#[hookpoint(Prefixed, version = "v2.1")]
pub fn prefixed(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

#[hookpoint(LeadingZero, version = "2.01")]
pub fn leading_zero(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

#[hookpoint(TooLarge, version = "4294967296.0")]
pub fn too_large(_session: &Session, query: String) -> Result<String, HookError> {
    Ok(query)
}

fn main() {}
