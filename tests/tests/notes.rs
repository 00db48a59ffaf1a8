//! `Outcome::Note`: the call goes on exactly as after `Continue`, and the
//! hook's audit line keeps its note (`hook.message`, status `ok`), scrubbed
//! of redacted values; in shadow mode, with what the hook would have done.

use agenthooks::{hook, hookpoint, Ctx, Outcome, Session};
use agenthooks_tests::{audit_lines, audit_to_temp, AgentError};

#[hookpoint(Lookup)]
fn lookup(session: &Session, user: String, #[redact] token: String) -> Result<String, AgentError> {
    Ok(format!("{user}:{token}"))
}

#[hook(Lookup, order = 1)]
fn notes_and_changes(ctx: &mut Ctx<Lookup>) -> Outcome {
    ctx.user.push_str("-checked");
    Outcome::note(format!("allowed by rule r7 for token {}", ctx.token))
}

#[hook(Lookup, order = 2)]
fn sees_the_change(ctx: &Ctx<Lookup>) -> Outcome {
    if ctx.user.ends_with("-checked") {
        Outcome::Continue
    } else {
        Outcome::block("the first hook's change was lost")
    }
}

#[hook(Lookup, order = 3, mode = "shadow")]
fn notes_in_shadow(_ctx: &Ctx<Lookup>) -> Outcome {
    Outcome::note("allowed by rule r8")
}

/// The audit lines of session `session_id`'s hook executions, by hook path.
fn lines_of(session_id: &str) -> Vec<serde_json::Value> {
    audit_lines()
        .iter()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).expect("an audit line is JSON"))
        .filter(|line| line["session_id"] == session_id)
        .collect()
}

fn line_of<'l>(lines: &'l [serde_json::Value], hook: &str) -> &'l serde_json::Value {
    lines.iter().find(|line| line["hook.impl"] == hook).unwrap_or_else(|| panic!("no line of {hook}: {lines:?}"))
}

#[test]
fn a_note_lets_the_call_go_on_with_the_hooks_changes_and_the_later_hooks_run() {
    audit_to_temp();
    let result = lookup(&Session::new("s-note-call"), "ann".into(), "t0k3n".into());
    assert_eq!(result, Ok("ann-checked:t0k3n".to_owned()));
}

#[test]
fn a_note_is_in_the_audit_line_of_an_ok_execution_scrubbed_of_redacted_values() {
    audit_to_temp();
    lookup(&Session::new("s-note-line"), "ann".into(), "t0k3n".into()).unwrap();
    let lines = lines_of("s-note-line");
    let line = line_of(&lines, "notes::notes_and_changes");
    assert_eq!(line["hook.status"], "ok");
    assert_eq!(line["hook.message"], "allowed by rule r7 for token [REDACTED]");
    assert_eq!(line["hook.changed"], serde_json::json!(["user"]));
    assert!(lines.iter().all(|line| !line.to_string().contains("t0k3n")), "{lines:?}");
    // A hook that continues without a note has no message.
    assert_eq!(line_of(&lines, "notes::sees_the_change").get("hook.message"), None);
}

#[test]
fn a_note_in_shadow_mode_says_the_hook_would_continue_and_its_note() {
    audit_to_temp();
    lookup(&Session::new("s-note-shadow"), "ann".into(), "t0k3n".into()).unwrap();
    let lines = lines_of("s-note-shadow");
    let line = line_of(&lines, "notes::notes_in_shadow");
    assert_eq!(line["hook.status"], "shadow");
    assert_eq!(line["hook.message"], "would continue, noting: allowed by rule r8");
}
