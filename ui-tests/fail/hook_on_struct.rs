use agenthooks::hook;

#[hook(BeforeSearch)]
pub struct ScopeToEu;

fn main() {}
