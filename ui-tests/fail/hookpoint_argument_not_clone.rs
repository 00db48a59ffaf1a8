use agenthooks::{hookpoint, HookError, Session};

pub struct Filters {
    pub region: Option<String>,
}

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: String, filters: Filters) -> Result<String, HookError> {
    Ok(format!("{query} {:?}", filters.region))
}

fn main() {}
