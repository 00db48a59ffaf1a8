use agenthooks::{hookpoint, HookError, Session};

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, (page, size): (u32, u32)) -> Result<u32, HookError> {
    Ok(page * size)
}

fn main() {}
