//! The macros expand to absolute paths only. This crate shadows every
//! prelude name the expansions could lean on (`Result`, `Ok`, `Err`,
//! `Option`, `Some`, `None`, `String`, `Box`, `Vec`, in both namespaces) and
//! declares `mod core` and `mod std`; every kind of point and hook still
//! compiles here, and runs.

use ::std::sync::atomic::{AtomicUsize, Ordering};

use agenthooks::{agent, hook, hookpoint, Ctx, HookError, HookPoint, Outcome, Session};

mod core {}
mod std {}

struct Result;
struct Ok;
struct Err;
struct Option;
struct Some;
struct None;
struct String;
struct Box;
struct Vec;

#[derive(Clone, Debug)]
struct AgentError(HookError);

impl ::core::convert::From<HookError> for AgentError {
    fn from(error: HookError) -> Self {
        AgentError(error)
    }
}

type Text = ::std::string::String;
type Answer = ::core::result::Result<Text, AgentError>;

fn block_on<F: ::core::future::Future>(future: F) -> F::Output {
    ::tokio::runtime::Builder::new_current_thread().enable_time().build().expect("a runtime").block_on(future)
}

// --- a sync free fn, a `#[redact]` argument, a `mut` argument ---------------

#[hookpoint(Lookup)]
fn lookup(session: &Session, #[redact] key: Text, mut limit: u32) -> Answer {
    limit += 1;
    ::core::result::Result::Ok(::std::format!("{key}/{limit}/{}", session.session_id()))
}

static LOOKUPS_SEEN: AtomicUsize = AtomicUsize::new(0);

#[hook(Lookup, order = 1)]
fn lookup_scoped(ctx: &mut Ctx<Lookup>) -> ::core::result::Result<Outcome, Text> {
    if ctx.key.is_empty() {
        return ::core::result::Result::Err("no key".into());
    }
    ctx.key.push_str(":eu");
    ctx.limit *= 10;
    ::core::result::Result::Ok(Outcome::Continue)
}

#[hook(Lookup, order = 2)]
fn lookup_seen(ctx: &Ctx<Lookup>) {
    if ctx.key.ends_with(":eu") {
        LOOKUPS_SEEN.fetch_add(1, Ordering::SeqCst);
    }
}

// --- an async free fn --------------------------------------------------------

#[hookpoint(Fetch)]
async fn fetch(session: &Session, url: Text) -> Answer {
    ::core::result::Result::Ok(::std::format!("{url} for {}", session.tenant_id().unwrap_or("nobody")))
}

static FETCHES_SEEN: AtomicUsize = AtomicUsize::new(0);

#[hook(Fetch, tenant = "acme", timeout_ms = 1000)]
async fn fetch_over_tls(ctx: &mut Ctx<Fetch>) -> Outcome {
    ::tokio::task::yield_now().await;
    ctx.url = ctx.url.replacen("http:", "https:", 1);
    Outcome::Continue
}

#[hook(Fetch, order = 200)]
async fn fetch_seen(ctx: &Ctx<Fetch>) -> ::core::result::Result<(), Text> {
    ::tokio::task::yield_now().await;
    if ctx.url.starts_with("https:") {
        FETCHES_SEEN.fetch_add(1, Ordering::SeqCst);
    }
    ::core::result::Result::Ok(())
}

// --- key arguments and matchers ----------------------------------------------

#[hookpoint(Route)]
#[non_exhaustive]
fn route(_session: &Session, #[key] tool: Text, #[key] server: ::core::option::Option<Text>, via: Text) -> Answer {
    ::core::result::Result::Ok(::std::format!("{tool}{via}@{}", server.unwrap_or_default()))
}

#[hook(Route, tool = "fs_*", server = "in{ternal,house}")]
fn route_files_inside(ctx: &mut Ctx<Route>) -> Outcome {
    ctx.via.push_str("_local");
    Outcome::Continue
}

// --- an `#[agent]` impl block: a sync and an async method -------------------

struct Agent {
    name: &'static str,
}

static QUESTIONS_SEEN: AtomicUsize = AtomicUsize::new(0);

#[agent]
impl Agent {
    #[hookpoint(Ask)]
    fn ask(&self, session: &Session, question: Text) -> Answer {
        ::core::result::Result::Ok(::std::format!("{} asks {question} in {}", self.name, session.session_id()))
    }

    #[hookpoint(Reply, name = "agent_reply")]
    async fn reply(&self, _session: &Session, #[redact] mut text: Text) -> Answer {
        text.push('!');
        ::core::result::Result::Ok(::std::format!("{}: {text}", self.name))
    }
}

#[hook(Ask)]
fn ask_politely(ctx: &mut Ctx<Ask>) -> Outcome {
    ctx.question.insert_str(0, "please, ");
    Outcome::Continue
}

#[hook(Ask, order = 500)]
fn ask_seen(ctx: &Ctx<Ask>) {
    if ctx.question.starts_with("please") {
        QUESTIONS_SEEN.fetch_add(1, Ordering::SeqCst);
    }
}

#[hook(Reply)]
async fn reply_loudly(ctx: &mut Ctx<Reply>) -> ::core::result::Result<Outcome, Text> {
    ::tokio::task::yield_now().await;
    ctx.text = ctx.text.to_uppercase();
    ::core::result::Result::Ok(Outcome::Continue)
}

// --- after points: an `#[agent]` method, an async fn without arguments -----

struct Teller;

#[agent]
impl Teller {
    #[hookpoint(Tell, after = Told)]
    fn tell(&self, session: &Session, #[redact] mut story: Text, _mood: u32) -> Answer {
        if story.is_empty() {
            return ::core::result::Result::Ok("silence".into());
        }
        story.push('.');
        ::core::result::Result::Ok(::std::format!("{story} in {}", session.session_id()))
    }
}

#[hook(Told)]
fn told_signed(ctx: &mut Ctx<Told>) -> Outcome {
    if let ::core::result::Result::Ok(text) = &mut ctx.result {
        text.push_str(" [signed]");
    }
    Outcome::Continue
}

#[hookpoint(Tick, after = Ticked)]
async fn tick(session: &Session) -> ::core::result::Result<u64, AgentError> {
    ::core::result::Result::Ok(session.turn())
}

#[hook(Ticked)]
async fn ticked_twice(ctx: &mut Ctx<Ticked>) -> Outcome {
    ::tokio::task::yield_now().await;
    if let ::core::result::Result::Ok(turn) = &mut ctx.result {
        *turn *= 2;
    }
    Outcome::Continue
}

// --- a point with no argument but the session, and a hook that blocks -------

#[hookpoint(Ping)]
fn ping(session: &Session) -> ::core::result::Result<u32, AgentError> {
    ::core::result::Result::Ok(session.turn().try_into().unwrap_or(u32::MAX))
}

#[hook(Ping, tenant = "blocked", fallback = false)]
fn ping_blocked(ctx: &Ctx<Ping>) -> Outcome {
    Outcome::block(::std::format!("tenant {} may not ping", ctx.tenant_id().unwrap_or("?")))
}

// --- points and hooks written by a `macro_rules!` ---------------------------

/// Declares an async point and its hook. The names and types come from the
/// caller; the arguments, the attributes and the code from the macro, with
/// its hygiene: code the expansions span at the caller's tokens must still
/// reach the macro's locals.
macro_rules! forwarded_point {
    ($point:ident, $function:ident, $hook:ident, $tenant:literal, $text:ident, $error:ident, $ctx:ident) => {
        #[hookpoint($point)]
        async fn $function(session: &Session, #[redact] text: $text) -> ::core::result::Result<$text, $error> {
            ::core::result::Result::Ok(::std::format!("{text} in {}", session.session_id()))
        }

        #[hook($point, tenant = $tenant, order = 1)]
        async fn $hook(ctx: &mut $ctx<$point>) -> Outcome {
            ::tokio::task::yield_now().await;
            ctx.text.push_str(" (hooked)");
            Outcome::Continue
        }
    };
}

forwarded_point!(Forwarded, forwarded, forwarded_hook, "acme", Text, AgentError, Ctx);

#[test]
fn the_prelude_names_are_shadowed_here() {
    let _: (Result, Ok, Err, Option, Some, None, String, Box, Vec) =
        (Result, Ok, Err, Option, Some, None, String, Box, Vec);
}

#[test]
fn sync_point_runs_its_interceptor_then_its_observer() {
    let before = LOOKUPS_SEEN.load(Ordering::SeqCst);
    let found = lookup(&Session::new("s-1"), "user".into(), 2).expect("not blocked");
    assert_eq!(found, "user:eu/21/s-1");
    assert_eq!(LOOKUPS_SEEN.load(Ordering::SeqCst), before + 1);
}

#[test]
fn async_point_runs_the_tenants_interceptor_and_every_tenants_observer() {
    let before = FETCHES_SEEN.load(Ordering::SeqCst);
    let acme = Session::new("s-2").with_tenant("acme");
    assert_eq!(block_on(fetch(&acme, "http://x".into())).expect("not blocked"), "https://x for acme");
    assert_eq!(FETCHES_SEEN.load(Ordering::SeqCst), before + 1);
    let globex = Session::new("s-3").with_tenant("globex");
    assert_eq!(block_on(fetch(&globex, "http://x".into())).expect("not blocked"), "http://x for globex");
    assert_eq!(FETCHES_SEEN.load(Ordering::SeqCst), before + 1);
}

#[test]
fn matchers_select_the_hooks_of_a_call() {
    let inside =
        route(&Session::new("s-11"), "fs_read".into(), ::core::option::Option::Some("internal".into()), Text::new());
    assert_eq!(inside.expect("not blocked"), "fs_read_local@internal");
    let outside =
        route(&Session::new("s-11"), "fs_read".into(), ::core::option::Option::Some("public".into()), Text::new());
    assert_eq!(outside.expect("not blocked"), "fs_read@public");
    assert_eq!(<Route as HookPoint>::KEYS, ["tool", "server"]);
}

#[test]
fn agent_methods_run_their_hooks() {
    let agent = Agent { name: "bot" };
    let before = QUESTIONS_SEEN.load(Ordering::SeqCst);
    let asked = agent.ask(&Session::new("s-4"), "why".into()).expect("not blocked");
    assert_eq!(asked, "bot asks please, why in s-4");
    assert_eq!(QUESTIONS_SEEN.load(Ordering::SeqCst), before + 1);
    assert_eq!(<Reply as HookPoint>::NAME, "agent_reply");
    let replied = block_on(agent.reply(&Session::new("s-5"), "hi".into())).expect("not blocked");
    assert_eq!(replied, "bot: HI!");
}

#[test]
fn blocking_hook_stops_a_point_without_arguments() {
    assert_eq!(ping(&Session::new("s-6").with_turn(7)).expect("not blocked"), 7);
    let error = ping(&Session::new("s-7").with_tenant("blocked")).expect_err("blocked");
    assert!(error.0.to_string().contains("tenant blocked may not ping"), "{error:?}");
}

#[test]
fn points_and_hooks_written_by_a_macro_run() {
    let acme = Session::new("s-8").with_tenant("acme");
    assert_eq!(block_on(forwarded(&acme, "hi".into())).expect("not blocked"), "hi (hooked) in s-8");
}

#[test]
fn after_points_return_the_result_as_their_hooks_leave_it() {
    let teller = Teller;
    assert_eq!(teller.tell(&Session::new("s-9"), "once".into(), 1).expect("not blocked"), "once. in s-9 [signed]");
    assert_eq!(teller.tell(&Session::new("s-9"), Text::new(), 1).expect("not blocked"), "silence [signed]");
    assert_eq!(block_on(tick(&Session::new("s-10").with_turn(4))).expect("not blocked"), 8);
}
