use agenthooks::{hookpoint, Session};

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: String) -> Result<String, String> {
    Ok(query)
}

fn main() {}
