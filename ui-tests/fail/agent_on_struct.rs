use agenthooks::agent;

#[agent]
pub struct SearchAgent {
    pub index: Vec<String>,
}

fn main() {}
