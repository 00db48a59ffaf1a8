//! Expansions are warning-free in the strictest user crate: this file denies
//! warnings and clippy pedantic and wants docs on public items, and clippy
//! on this test is the proof. The items are public and use `_`-prefixed
//! arguments where the body does not read them, as a real agent crate would.

#![deny(warnings)]
#![deny(clippy::pedantic)]
#![warn(missing_docs)]

use agenthooks::{agent, hook, hookpoint, Ctx, HookError, Outcome, Session};

/// The agent's error: a hook stopped the call.
#[derive(Clone, Debug)]
pub struct AgentError(pub HookError);

impl From<HookError> for AgentError {
    fn from(error: HookError) -> Self {
        AgentError(error)
    }
}

/// Customers may rewrite the query and the page size; `api_key` is for
/// hooks only.
#[hookpoint(BeforeSearch)]
pub fn search(
    _session: &Session,
    query: String,
    #[redact] api_key: String,
    #[redact] _token: String,
    page: u32,
) -> Result<String, AgentError> {
    Ok(format!("{query}#{page}"))
}

/// Customers may guard each tool call, matching on the tool's name.
#[hookpoint(RouteTool)]
#[non_exhaustive]
pub fn route_tool(
    _session: &Session,
    #[key] tool: String,
    #[key] server: Option<String>,
) -> Result<String, AgentError> {
    Ok(format!("{tool}@{}", server.unwrap_or_default()))
}

/// No shell tool on any server.
#[hook(RouteTool, tool = "shell*")]
pub fn no_shell(_ctx: &Ctx<RouteTool>) -> Outcome {
    Outcome::block("no shell")
}

/// Customers may look at the prompt before it is sent.
#[hookpoint(BeforePrompt)]
pub async fn prompt(session: &Session, prompt: String) -> Result<usize, AgentError> {
    Ok(prompt.len() + usize::try_from(session.turn()).unwrap_or(usize::MAX))
}

/// Customers may stop a ping.
#[hookpoint(BeforePing)]
pub fn ping(_session: &Session) -> Result<(), AgentError> {
    Ok(())
}

/// An agent whose methods are hook points.
#[derive(Debug)]
pub struct Assistant;

#[agent]
impl Assistant {
    /// Customers may rewrite the question.
    #[hookpoint(BeforeAsk)]
    pub fn ask(&self, _session: &Session, question: String) -> Result<String, AgentError> {
        Ok(question)
    }

    /// Customers may rewrite the tool's arguments, then its output.
    #[hookpoint(BeforeTool, after = AfterTool)]
    pub async fn tool(
        &mut self,
        _session: &Session,
        name: String,
        #[redact] mut _secret: String,
        _retries: u32,
    ) -> Result<String, AgentError> {
        _secret.clear();
        if name.is_empty() {
            return Ok(String::new());
        }
        Ok(name)
    }

    /// Customers may check the verdict, then mask it.
    #[hookpoint(BeforeVerdict, after = AfterVerdict, after_name = "verdict.given")]
    pub fn verdict(&self, _session: &Session) -> Result<bool, AgentError> {
        Ok(true)
    }

    /// Customers may rewrite the answer.
    #[hookpoint(BeforeAnswer)]
    pub async fn answer(&self, _session: &Session, mut answer: String) -> Result<String, AgentError> {
        answer.push('.');
        Ok(answer)
    }
}

/// Keeps searches in the EU.
#[hook(BeforeSearch, tenant = "acme", order = -10, timeout_ms = 200, fallback = false)]
pub fn eu_only(ctx: &mut Ctx<BeforeSearch>) -> Outcome {
    ctx.query.push_str(" region:eu");
    ctx.page += 1;
    Outcome::Continue
}

/// Fails on empty queries.
///
/// # Errors
///
/// When the query is empty.
#[hook(BeforeSearch)]
pub fn non_empty(ctx: &Ctx<BeforeSearch>) -> Result<Outcome, String> {
    if ctx.query.is_empty() {
        Err("empty query".into())
    } else {
        Ok(Outcome::Continue)
    }
}

/// Reads the prompt.
#[hook(BeforePrompt)]
pub async fn read_prompt(ctx: &Ctx<BeforePrompt>) -> Outcome {
    tokio::task::yield_now().await;
    if ctx.prompt.is_empty() {
        Outcome::block("empty prompt")
    } else {
        Outcome::Continue
    }
}

/// Trims the prompt.
#[hook(BeforePrompt)]
pub async fn trim_prompt(ctx: &mut Ctx<BeforePrompt>) -> Outcome {
    tokio::task::yield_now().await;
    ctx.prompt.retain(|c| !c.is_whitespace());
    Outcome::Continue
}

/// Blocks pings of one tenant.
#[hook(BeforePing, tenant = "quiet")]
pub fn quiet(_ctx: &Ctx<BeforePing>) -> Outcome {
    Outcome::Skip
}

/// Asks politely.
#[hook(BeforeAsk)]
pub fn politely(ctx: &mut Ctx<BeforeAsk>) -> Outcome {
    ctx.question.insert_str(0, "please, ");
    Outcome::Continue
}

/// Answers loudly.
///
/// # Errors
///
/// Never: the `Result` shows that an async hook may return one.
#[hook(BeforeAnswer)]
pub async fn loudly(ctx: &mut Ctx<BeforeAnswer>) -> Result<Outcome, String> {
    tokio::task::yield_now().await;
    ctx.answer = ctx.answer.to_uppercase();
    Ok(Outcome::Continue)
}

/// Signs the tool's output.
#[hook(AfterTool)]
pub async fn sign_tool_output(ctx: &mut Ctx<AfterTool>) -> Outcome {
    tokio::task::yield_now().await;
    if let Ok(output) = &mut ctx.result {
        output.push_str(" [signed]");
    }
    Outcome::Continue
}

/// Hides the verdict.
#[hook(AfterVerdict)]
pub fn hide_verdict(ctx: &mut Ctx<AfterVerdict>) -> Outcome {
    ctx.result = Ok(false);
    Outcome::Continue
}

#[test]
fn expansions_run_under_the_strictest_lints() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().expect("a runtime");
    let acme = Session::new("s-1").with_tenant("acme");
    assert_eq!(search(&acme, "rust".into(), "key".into(), "token".into(), 1).expect("not blocked"), "rust region:eu#2");
    assert_eq!(runtime.block_on(prompt(&acme, " hi ".into())).expect("not blocked"), 2);
    ping(&Session::new("s-2").with_tenant("quiet")).expect("skipped, not blocked");
    assert_eq!(Assistant.ask(&acme, "why".into()).expect("not blocked"), "please, why");
    assert_eq!(runtime.block_on(Assistant.answer(&acme, "yes".into())).expect("not blocked"), "YES.");
    let tool = runtime.block_on(Assistant.tool(&acme, "grep".into(), "key".into(), 0)).expect("not blocked");
    assert_eq!(tool, "grep [signed]");
    assert!(!Assistant.verdict(&acme).expect("not blocked"));
    assert!(route_tool(&acme, "shell_exec".into(), None).is_err(), "the matching hook blocks");
    assert_eq!(route_tool(&acme, "grep".into(), None).expect("no hook matches"), "grep@");
}
