//! An approval the host gives answers exactly the ask it was consulted
//! for: the host's own hook in the emission under way, once. Every other
//! ask goes to the deployment's own approver, which the host never
//! replaces. The deployment's approver here rejects everything it is
//! asked, by `deployment`, and remembers the sessions it was asked for.

mod support;

use std::sync::{Mutex, Once, PoisonError};
use std::time::Duration;

use agent_hooks::CompositionProfile;
use agenthooks::approval::{self, Decision, Denial};
use agenthooks::runtime::{self, Registered};
use agenthooks::{hookpoint, Ctx, HookError, Outcome, Session};
use agenthooks_agent_hooks::points::RunAllPreToolCall;
use agenthooks_agent_hooks::Host;
use support::{a_tool_call, always, host, liftable, setup_with, Resolver};

/// A point of the deployment's own agent.
#[hookpoint(DeploymentAction)]
async fn deployment_action(session: &Session, what: String) -> Result<String, HookError> {
    Ok(what)
}

/// The sessions the deployment's approver was asked for.
static DEPLOYMENT_ASKED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Installs the deployment's approver, before any host of this test
/// binary is created.
fn deployment_approver() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        approval::install(
            |request: approval::ApprovalRequest| async move {
                DEPLOYMENT_ASKED.lock().unwrap_or_else(PoisonError::into_inner).push(request.session_id);
                Ok(Decision::reject("deployment", "the deployment's approver was asked"))
            },
            Duration::from_secs(5),
        );
    });
}

fn deployment_was_asked_for(session_id: &str) -> bool {
    DEPLOYMENT_ASKED.lock().unwrap_or_else(PoisonError::into_inner).iter().any(|asked| asked == session_id)
}

/// A deployment hook that asks for approval on every call of `tenant`.
fn asking_hook(tenant: &str) -> Registered<DeploymentAction> {
    runtime::hook!(DeploymentAction, &format!("deployment::asks_{}", tenant.replace('-', "_")))
        .tenant(tenant)
        .observer(|_: &Ctx<DeploymentAction>| Outcome::ask("may the deployment act?"))
        .expect("the deployment's hook registers")
}

fn rejected_by_the_deployment(result: &Result<String, HookError>) -> bool {
    matches!(result, Err(HookError::ApprovalDenied { denial: Denial::Rejected { by, .. }, .. }) if by == "deployment")
}

#[tokio::test]
async fn a_later_ask_of_the_same_session_id_is_not_approved_by_the_hosts_resolver() {
    deployment_approver();
    let mut host = host("shared-session-later", vec![always(liftable("policy:ask"))], Some(Box::new(Resolver(true))));
    host.emit(&mut a_tool_call(host.session_id())).await.expect("the host's resolver approves the host's own ask");

    let _asks = asking_hook("later-tenant");
    let session = Session::new(host.session_id()).with_tenant("later-tenant");
    let result = deployment_action(&session, "act".to_owned()).await;
    assert!(rejected_by_the_deployment(&result), "another hook's ask was answered by the host: {result:?}");
}

#[tokio::test]
async fn two_hosts_of_one_session_id_each_answer_their_own_asks_and_outlive_each_other() {
    deployment_approver();
    let id = "shared-session-two-hosts";
    let mut approving = host(id, vec![always(liftable("policy:ask"))], Some(Box::new(Resolver(true))));
    let mut rejecting = host(id, vec![always(liftable("policy:ask"))], Some(Box::new(Resolver(false))));

    approving.emit(&mut a_tool_call(id)).await.expect("approved by its own resolver");
    let denied = rejecting.emit(&mut a_tool_call(id)).await.expect_err("rejected by its own resolver");
    assert_eq!(denied.reason, "approver:rejected");

    drop(rejecting);
    approving.emit(&mut a_tool_call(id)).await.expect("still approved by its own resolver once the other is gone");

    let mut later = host(id, vec![always(liftable("policy:ask"))], Some(Box::new(Resolver(false))));
    drop(approving);
    let denied = later.emit(&mut a_tool_call(id)).await.expect_err("rejected by its own resolver");
    assert_eq!(denied.reason, "approver:rejected");
    assert_eq!(later.records()[0].resolved_by, Some("rejection"));
    assert!(!deployment_was_asked_for(id), "a host's own ask reached the deployment's approver");
}

#[tokio::test]
async fn the_deployments_approver_stays_installed_and_answers_asks_the_host_did_not_raise() {
    deployment_approver();
    let mut host = host("host-session-installed", vec![always(liftable("policy:ask"))], Some(Box::new(Resolver(true))));

    let _asks = asking_hook("deployment-tenant");
    let session = Session::new("deployment-session-installed").with_tenant("deployment-tenant");
    let result = deployment_action(&session, "act".to_owned()).await;
    assert!(rejected_by_the_deployment(&result), "the deployment's approver was replaced: {result:?}");
    assert!(deployment_was_asked_for("deployment-session-installed"));

    host.emit(&mut a_tool_call(host.session_id())).await.expect("the host's own ask goes to its resolver");
    assert!(!deployment_was_asked_for(host.session_id()));
}

#[tokio::test]
async fn another_hooks_ask_inside_the_hosts_emission_goes_to_the_deployments_approver() {
    deployment_approver();
    // The only test of this binary on the run-all points: this hook runs
    // in every host's emission there.
    let _foreign = runtime::hook!(RunAllPreToolCall, "deployment::asks_inside_hosts")
        .order(100)
        .async_observer(|_: &Ctx<RunAllPreToolCall>| Box::pin(async { Ok(Outcome::ask("the deployment asks too")) }))
        .expect("the deployment's hook registers");
    let setup = setup_with(
        CompositionProfile::SequentialRunAll,
        vec![always(liftable("policy:ask"))],
        Some(Box::new(Resolver(true))),
    );
    let mut host = Host::new("host-session-foreign-ask", setup).expect("the host registers");
    let result = host.emit(&mut a_tool_call(host.session_id())).await;
    assert!(result.is_err(), "the host's approval lifted another hook's ask: {:?}", host.records());
    assert!(deployment_was_asked_for(host.session_id()), "the other hook's ask never reached the deployment");
}
