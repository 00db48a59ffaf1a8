use agenthooks::{hookpoint, HookError, Session};

pub trait Search {
    #[hookpoint(BeforeSearch)]
    fn search(&self, session: &Session, query: String) -> Result<String, HookError>;
}

fn main() {}
