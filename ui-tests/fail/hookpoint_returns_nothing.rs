use agenthooks::{hookpoint, Session};

#[hookpoint(BeforeSearch)]
pub fn search(_session: &Session, query: String) {
    drop(query);
}

fn main() {}
