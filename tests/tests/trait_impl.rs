//! Hook points on the methods of a trait impl: implementing a framework's
//! trait is how most tools are written, and the trait's method is then the
//! point, sync or `async`.

use agenthooks::{agent, hook, Ctx, Outcome, Session};
use agenthooks_tests::{audit_to_temp, AgentError};

/// A tool, as a framework's trait declares it.
pub trait Tool {
    /// Runs the tool on `input`.
    fn call(&self, session: &Session, input: String) -> Result<String, AgentError>;

    /// Runs the tool on `input`, awaiting.
    fn call_async(
        &self,
        session: &Session,
        input: String,
    ) -> impl std::future::Future<Output = Result<String, AgentError>> + Send;
}

/// An agent's tool.
#[derive(Debug)]
pub struct Echo;

#[agent]
impl Tool for Echo {
    #[hookpoint(BeforeEcho)]
    fn call(&self, session: &Session, input: String) -> Result<String, AgentError> {
        Ok(input)
    }

    #[hookpoint(BeforeEchoAsync)]
    async fn call_async(&self, session: &Session, input: String) -> Result<String, AgentError> {
        Ok(input)
    }
}

#[hook(BeforeEcho, tenant = "acme")]
fn shout(ctx: &mut Ctx<BeforeEcho>) -> Outcome {
    ctx.input = ctx.input.to_uppercase();
    Outcome::Continue
}

#[hook(BeforeEchoAsync, tenant = "acme")]
async fn refuse(_ctx: &Ctx<BeforeEchoAsync>) -> Outcome {
    Outcome::block("not today")
}

#[test]
fn a_trait_method_is_a_hook_point() {
    audit_to_temp();
    let acme = Session::new("trait-impl-acme").with_tenant("acme");
    assert_eq!(Echo.call(&acme, "hi".into()).unwrap(), "HI");
    let globex = Session::new("trait-impl-globex").with_tenant("globex");
    assert_eq!(Echo.call(&globex, "hi".into()).unwrap(), "hi");
}

#[tokio::test]
async fn an_async_trait_method_is_a_hook_point() {
    audit_to_temp();
    let acme = Session::new("trait-impl-acme").with_tenant("acme");
    let error = Echo.call_async(&acme, "hi".into()).await.unwrap_err();
    assert!(matches!(error, AgentError(agenthooks::HookError::Blocked(_))), "{error:?}");
}
