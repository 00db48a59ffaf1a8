use agenthooks::{agent, HookError, Session};

#[derive(Clone)]
pub struct Agent;

#[agent]
impl Agent {
    #[hookpoint(BeforeFork, after = AfterFork)]
    pub fn fork(&self, _session: &Session, name: String) -> Result<Self, HookError> {
        let _ = name;
        Ok(Agent)
    }
}

fn main() {}
