//! Hooks on stream events: a pipeline in chain order in which a hook may
//! pass, change, suppress or expand each event, and the events it expands
//! into flow through the later hooks one by one. Every event a hook
//! changes, suppresses or expands, and every failure, is one audit line;
//! passes are counted in one line per hook when the stream ends.

use std::sync::Mutex;
use std::time::Duration;

use agenthooks::lifecycle::{self, Event, StreamEvent};
use agenthooks::patterns::Per;
use agenthooks::runtime::{self, RegisterError};
use agenthooks::{hook, Ctx, HookError, HookPoint, Outcome, Session};
use agenthooks_tests::{audit_lines, audit_to_temp};
use serde_json::{json, Value};

/// The text deltas the redaction hook saw, one entry per event, with the
/// session of each.
static REDACTOR_SAW: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

#[hook(StreamEvent, tenant = "pipeline", order = 1, kind = "text_delta")]
fn split_words(ctx: &mut Ctx<StreamEvent>) -> Outcome {
    let text = ctx.data.as_str().unwrap_or_default().to_owned();
    if text.contains(' ') {
        ctx.expand(text.split_inclusive(' ').map(|word| Event::new("text_delta", word)));
    }
    Outcome::Continue
}

#[hook(StreamEvent, tenant = "pipeline", order = 2, kind = "text_*")]
fn redact_secrets(ctx: &mut Ctx<StreamEvent>) -> Outcome {
    let text = ctx.data.as_str().unwrap_or_default().to_owned();
    REDACTOR_SAW.lock().unwrap().push((ctx.session().session_id().to_owned(), text.clone()));
    if text.contains("secret") {
        ctx.data = Value::String(text.replace("secret", "******"));
    }
    Outcome::Continue
}

#[hook(StreamEvent, tenant = "pipeline", order = 3, kind = "reasoning*")]
fn hide_reasoning(ctx: &mut Ctx<StreamEvent>) -> Outcome {
    ctx.suppress();
    Outcome::Continue
}

#[hook(StreamEvent, tenant = "pipeline", order = 4)]
fn watch(_ctx: &Ctx<StreamEvent>) -> Outcome {
    Outcome::Continue
}

#[hook(StreamEvent, tenant = "failing", kind = "boom")]
fn explodes(_ctx: &mut Ctx<StreamEvent>) -> Outcome {
    panic!("the filter broke")
}

#[hook(StreamEvent, tenant = "skipping", order = 1, kind = "final")]
fn ship_final_as_is(_ctx: &Ctx<StreamEvent>) -> Outcome {
    Outcome::Skip
}

#[hook(StreamEvent, tenant = "skipping", order = 2)]
fn shout(ctx: &mut Ctx<StreamEvent>) -> Outcome {
    ctx.data = Value::String(ctx.data.as_str().unwrap_or_default().to_uppercase());
    Outcome::Continue
}

/// What the agent emits for `events`, and the audit lines of the stream.
fn run(session: &Session, events: Vec<Event>) -> Result<Vec<Event>, HookError> {
    let mut stream = lifecycle::stream(session)?;
    let mut emitted = Vec::new();
    for event in events {
        emitted.extend(stream.event(event)?);
    }
    stream.finish()?;
    Ok(emitted)
}

/// [`run`] through `EventStream::forward`.
fn forwarded(session: &Session, events: Vec<Event>) -> Result<Vec<Event>, HookError> {
    let mut stream = lifecycle::stream(session)?;
    let mut emitted = Vec::new();
    for event in events {
        stream.forward(event, |event| emitted.push(event))?;
    }
    stream.finish()?;
    Ok(emitted)
}

fn lines_of(session_id: &str) -> Vec<String> {
    let member = format!(r#""session_id":"{session_id}""#);
    audit_lines().into_iter().filter(|line| line.contains(&member)).collect()
}

fn field<'l>(line: &'l str, name: &str) -> &'l str {
    let start = line.find(&format!(r#""{name}":""#)).map(|at| at + name.len() + 4);
    start.map_or("", |start| &line[start..start + line[start..].find('"').unwrap()])
}

fn answer() -> Vec<Event> {
    vec![
        Event::new("reasoning", "the user wants the code"),
        Event::new("text_delta", "the secret code"),
        Event::new("done", json!({})),
    ]
}

#[test]
fn stream_hooks_pass_change_suppress_and_expand_events_as_a_pipeline() {
    audit_to_temp();
    let session = Session::new("stream-pipeline").with_tenant("pipeline");
    let emitted = run(&session, answer()).unwrap();
    assert_eq!(
        emitted,
        [
            Event::new("text_delta", "the "),
            Event::new("text_delta", "****** "),
            Event::new("text_delta", "code"),
            Event::new("done", json!({})),
        ]
    );
    let saw: Vec<String> = REDACTOR_SAW
        .lock()
        .unwrap()
        .iter()
        .filter(|(session, _)| session == "stream-pipeline")
        .map(|(_, text)| text.clone())
        .collect();
    assert_eq!(saw, ["the ", "secret ", "code"], "the expanded events reach the later hook one at a time");
}

#[test]
fn every_event_a_hook_changes_suppresses_or_expands_is_audited_and_passes_are_counted() {
    audit_to_temp();
    let session = Session::new("stream-audit").with_tenant("pipeline");
    run(&session, answer()).unwrap();
    let mut seen: Vec<(String, String, String)> = lines_of("stream-audit")
        .iter()
        .map(|line| {
            let hook = field(line, "hook.impl").trim_start_matches("stream_hooks::").to_owned();
            (hook, field(line, "hook.status").to_owned(), field(line, "hook.message").to_owned())
        })
        .collect();
    seen.sort();
    let expected = [
        ("hide_reasoning", "ok", "suppressed the event"),
        ("redact_secrets", "ok", ""),
        ("redact_secrets", "ok", "passed 2 events unchanged"),
        ("split_words", "ok", "expanded the event into 3 events"),
        ("watch", "ok", "passed 4 events unchanged"),
    ];
    let expected: Vec<(String, String, String)> =
        expected.iter().map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned())).collect();
    assert_eq!(seen, expected);
    let changed = lines_of("stream-audit").into_iter().find(|line| line.contains(r#""hook.changed""#)).unwrap();
    assert!(changed.contains(r#""hook.changed":["data"]"#), "{changed}");
}

#[test]
fn a_failing_stream_hook_ends_the_stream_and_is_audited() {
    audit_to_temp();
    let session = Session::new("stream-failing").with_tenant("failing");
    let error = run(&session, vec![Event::new("text_delta", "fine"), Event::new("boom", "x")]).unwrap_err();
    assert!(matches!(&error, HookError::Panicked { message, .. } if message == "the filter broke"), "{error:?}");
    let lines = lines_of("stream-failing");
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert_eq!(field(&lines[0], "hook.status"), "error");
}

#[test]
fn a_skip_sends_the_event_out_without_the_later_hooks() {
    audit_to_temp();
    let session = Session::new("stream-skipping").with_tenant("skipping");
    let emitted = run(&session, vec![Event::new("delta", "hi"), Event::new("final", "bye")]).unwrap();
    assert_eq!(emitted, [Event::new("delta", "HI"), Event::new("final", "bye")]);
}

#[test]
fn with_no_stream_hook_events_pass_through_unaudited() {
    audit_to_temp();
    let session = Session::new("stream-quiet").with_tenant("quiet");
    assert_eq!(run(&session, answer()).unwrap(), answer());
    assert!(lines_of("stream-quiet").is_empty());
}

#[test]
fn forward_hands_out_the_events_that_event_returns_in_the_same_order() {
    audit_to_temp();
    let cases = [
        ("pipeline", answer()),
        ("skipping", vec![Event::new("delta", "hi"), Event::new("final", "bye")]),
        ("quiet", answer()),
    ];
    for (tenant, events) in cases {
        let gathered = run(&Session::new("stream-gathered").with_tenant(tenant), events.clone()).unwrap();
        let forwarded = forwarded(&Session::new("stream-forwarded").with_tenant(tenant), events).unwrap();
        assert_eq!(forwarded, gathered, "tenant {tenant}");
    }
    let error = forwarded(
        &Session::new("stream-forward-failing").with_tenant("failing"),
        vec![Event::new("text_delta", "fine"), Event::new("boom", "x")],
    )
    .unwrap_err();
    assert!(matches!(&error, HookError::Panicked { message, .. } if message == "the filter broke"), "{error:?}");
}

#[test]
fn a_stream_hook_registered_with_a_rate_limit_or_breaker_is_refused_and_never_runs() {
    audit_to_temp();
    let limited = runtime::hook!(StreamEvent, "plugin::cap_deltas")
        .tenant("refused")
        .rate_limit(100, Duration::from_secs(60), Per::Tenant)
        .interceptor(|_ctx: &mut Ctx<StreamEvent>| Outcome::block("should never run"));
    let broken = runtime::hook!(StreamEvent, "plugin::trip_deltas")
        .tenant("refused")
        .breaker(3, Duration::from_secs(60), Duration::from_secs(30))
        .observer(|_ctx: &Ctx<StreamEvent>| Outcome::block("should never run"));
    for refused in [limited.map(|_| ()), broken.map(|_| ())] {
        let error = refused.unwrap_err();
        assert_eq!(error, RegisterError::PatternsNotAllowed { point: StreamEvent::NAME });
        assert!(error.to_string().contains("before_llm"), "{error}");
    }
    let session = Session::new("stream-refused").with_tenant("refused");
    assert_eq!(run(&session, answer()).unwrap(), answer());
}

#[hook(StreamEvent, tenant = "noting", kind = "tool_call")]
fn notes_tool_calls(ctx: &Ctx<StreamEvent>) -> Outcome {
    Outcome::note(format!("tool call seen: {}", ctx.data["name"].as_str().unwrap_or_default()))
}

#[test]
fn a_stream_hook_that_notes_lets_the_event_through_and_its_note_is_audited() {
    audit_to_temp();
    let session = Session::new("stream-noting").with_tenant("noting");
    let events = vec![Event::new("tool_call", json!({ "name": "search" })), Event::new("text_delta", "done")];
    let emitted = run(&session, events.clone()).unwrap();
    assert_eq!(emitted, events, "a note changes no event");
    let lines = lines_of("stream-noting");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!((field(&lines[0], "hook.status"), field(&lines[0], "hook.message")), ("ok", "tool call seen: search"));
}

/// The data of what `stream` makes of one text delta, `hello`.
fn shown(stream: &mut lifecycle::EventStream<'_>) -> Result<Vec<Value>, HookError> {
    Ok(stream.event(Event::new("text_delta", "hello"))?.map(|event| event.data).collect())
}

#[test]
fn a_hook_registered_or_removed_while_a_stream_is_open_reaches_its_next_event() {
    audit_to_temp();
    let session = Session::new("stream-follows").with_tenant("follows");
    let mut stream = lifecycle::stream(&session).unwrap();
    assert_eq!(shown(&mut stream).unwrap(), [json!("hello")]);
    let shouting = runtime::hook!(StreamEvent, "plugin::shouts")
        .tenant("follows")
        .interceptor(|ctx: &mut Ctx<StreamEvent>| {
            ctx.data = json!(ctx.data.as_str().unwrap_or_default().to_uppercase());
            Outcome::Continue
        })
        .unwrap();
    assert_eq!(shown(&mut stream).unwrap(), [json!("HELLO")], "a hook registered reaches the open stream");
    assert_eq!(shown(&mut stream).unwrap(), [json!("HELLO")]);
    shouting.remove();
    assert_eq!(shown(&mut stream).unwrap(), [json!("hello")], "a hook removed leaves the open stream");
    stream.finish().unwrap();
    let passes: Vec<String> = lines_of("stream-follows")
        .into_iter()
        .filter(|line| line.contains("\"stream_hooks::plugin::shouts\""))
        .collect();
    assert_eq!(passes.len(), 2, "each event the hook changed is audited: {passes:?}");
}

#[test]
fn a_stream_a_hook_blocked_refuses_every_later_event() {
    audit_to_temp();
    let session = Session::new("stream-ends").with_tenant("ends");
    let blocking = runtime::hook!(StreamEvent, "plugin::blocks_secrets")
        .tenant("ends")
        .matching("kind", "secret")
        .observer(|_: &Ctx<StreamEvent>| Outcome::block("a secret"))
        .unwrap();
    let mut stream = lifecycle::stream(&session).unwrap();
    assert_eq!(shown(&mut stream).unwrap(), [json!("hello")]);
    let blocked = stream.event(Event::new("secret", "hunter2")).unwrap_err();
    assert!(matches!(&blocked, HookError::Blocked(_)), "{blocked:?}");
    assert_eq!(shown(&mut stream).unwrap_err(), blocked, "a later event is refused with the same error");
    let mut forwarded = Vec::new();
    assert_eq!(stream.forward(Event::new("text_delta", "more"), |event| forwarded.push(event)).unwrap_err(), blocked);
    assert!(forwarded.is_empty(), "nothing is forwarded after the block");
    blocking.remove();
    assert_eq!(shown(&mut stream).unwrap_err(), blocked, "removing the hook does not reopen the stream");
    stream.finish().unwrap();
}
