use std::rc::Rc;

use agenthooks::{hookpoint, HookError, Session};

#[hookpoint(BeforeTool, after = AfterTool)]
pub fn call_tool(_session: &Session, tool: String) -> Result<Rc<String>, HookError> {
    Ok(Rc::new(tool))
}

fn main() {}
