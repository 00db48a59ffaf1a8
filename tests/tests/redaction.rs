//! `#[redact]`: the text a redacted argument carries never leaves the call,
//! whatever the argument's type. Each shape below (text behind an
//! `Option`, a box, an `Arc`, a `Cow`, a newtype, secret wrappers, lists,
//! structs, maps, nested ones, numbers) is quoted by hooks in every message
//! they can write: a block reason, an error, a panic, a note, an approval
//! prompt, `{:?}` of the whole value. None of it reaches the error the
//! caller gets, the audit log or a span.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

use agenthooks::{HookError, Redactable, RedactedText, Session};
use agenthooks_tests::spans::with_spans;
use agenthooks_tests::{audit_lines, audit_to_temp, AgentError};
use serde::Serialize;

/// The audit lines of session `session_id`.
fn lines_of(session_id: &str) -> Vec<String> {
    let tag = format!("\"session_id\":\"{session_id}\"");
    audit_lines().into_iter().filter(|line| line.contains(&tag)).collect()
}

/// Asserts that no text of `secrets`, as it is or as JSON writes it, is in
/// `text`, which `what` names.
fn assert_no_secret(text: &str, secrets: &[&str], what: &str) {
    for secret in secrets {
        let json = serde_json::to_string(secret).expect("a string is JSON");
        let escaped = &json[1..json.len() - 1];
        assert!(!text.contains(secret) && !text.contains(escaped), "{what} carries the redacted `{secret}`: {text}");
    }
}

/// The tenants of the hooks every shape declares, one per message a hook
/// can write.
const SINKS: [&str; 5] = ["block", "error", "panic", "note", "ask"];

/// Calls a point through `call` once per sink, each time for the tenant
/// whose hook quotes the redacted value in that message; checks that
/// neither the caller's error, nor the call's audit lines, nor its spans
/// carry any of `secrets`, and that the message did reach them, scrubbed.
fn assert_redacted_everywhere(shape: &str, call: impl Fn(&Session) -> Result<(), AgentError>, secrets: &[&str]) {
    audit_to_temp();
    for sink in SINKS {
        let session_id = format!("s-{shape}-{sink}");
        let session = Session::new(&session_id).with_tenant(sink);
        let (result, spans) = with_spans(|| call(&session));
        match (sink, result) {
            ("note", Ok(())) => {}
            ("note", Err(error)) => panic!("a note lets the call go on, got {error:?}"),
            (_, Ok(())) => panic!("the `{sink}` hook of {shape} let the call go on"),
            (_, Err(AgentError(error))) => {
                let shown = format!("{error} {error:?}");
                assert_no_secret(&shown, secrets, &format!("the {sink} error of {shape}"));
                // An argument that is not `Serialize` cannot be bound to an
                // approval: the ask is denied, its prompt only audited.
                let unbindable = matches!(error, HookError::ApprovalDenied { .. });
                assert!(
                    unbindable || shown.contains("[REDACTED]"),
                    "the {sink} error of {shape} lost the hook's message: {shown}"
                );
                expect_kind(sink, &error);
            }
        }
        let lines = lines_of(&session_id).join("\n");
        assert!(lines.contains("[REDACTED]"), "the {sink} line of {shape} lost the hook's message: {lines}");
        assert_no_secret(&lines, secrets, &format!("the {sink} audit line of {shape}"));
        assert_no_secret(&spans, secrets, &format!("the {sink} span of {shape}"));
        if sink != "note" {
            // A span carries the message of an execution that did not end `ok`.
            assert!(spans.contains("[REDACTED]"), "the {sink} span of {shape} lost the hook's message: {spans}");
        }
    }
}

/// Asserts that the hook of `sink` stopped the call as it should.
fn expect_kind(sink: &str, error: &HookError) {
    let expected = match error {
        HookError::Blocked(_) => "block",
        HookError::Failed { .. } => "error",
        HookError::Panicked { .. } => "panic",
        HookError::ApprovalRequired { .. } | HookError::ApprovalDenied { .. } => "ask",
        _ => "something else",
    };
    assert_eq!(sink, expected, "{error:?}");
}

/// Declares, in module `$shape`, a point with one redacted argument of
/// type `$ty` and one hook per sink, each quoting `$reveal(&value)` (the
/// text a careless hook would print) and `{:?}` of the value; and a test
/// that calls it with `$value`, whose text is `$secrets`.
macro_rules! shape {
    ($shape:ident, $name:literal, $ty:ty, $value:expr, $reveal:expr, [$($secret:literal),+ $(,)?]) => {
        mod $shape {
            use agenthooks::{hook, hookpoint, Ctx, Outcome, Session};
            use agenthooks_tests::AgentError;

            #[allow(unused_imports)]
            use super::*;

            #[hookpoint(Call, name = $name)]
            fn call(session: &Session, #[redact] value: $ty) -> Result<(), AgentError> {
                let _ = value;
                Ok(())
            }

            /// What a careless hook prints of the value.
            #[allow(clippy::ptr_arg)] // the argument's type, whatever it is
            fn shown(value: &$ty) -> String {
                let reveal: fn(&$ty) -> String = $reveal;
                format!("{} (as debug: {value:?})", reveal(value))
            }

            #[hook(Call, tenant = "block")]
            fn blocks(ctx: &Ctx<Call>) -> Outcome {
                Outcome::block(format!("refused {}", shown(&ctx.value)))
            }

            #[hook(Call, tenant = "error")]
            fn fails(ctx: &Ctx<Call>) -> Result<Outcome, String> {
                Err(format!("the backend refused {}", shown(&ctx.value)))
            }

            #[hook(Call, tenant = "panic")]
            fn panics(ctx: &Ctx<Call>) -> Outcome {
                panic!("the parser broke on {}", shown(&ctx.value))
            }

            #[hook(Call, tenant = "note")]
            fn notes(ctx: &Ctx<Call>) -> Outcome {
                Outcome::note(format!("allowed {}", shown(&ctx.value)))
            }

            #[hook(Call, tenant = "ask")]
            fn asks(ctx: &Ctx<Call>) -> Outcome {
                Outcome::ask(format!("may the agent use {}?", shown(&ctx.value)))
            }

            #[test]
            fn its_text_reaches_no_error_audit_line_or_span() {
                super::assert_redacted_everywhere($name, |session| call(session, $value), &[$($secret),+]);
            }
        }
    };
}

shape!(plain_string, "shape.string", String, "sk-plain-1a2b".to_owned(), |value| value.clone(), ["sk-plain-1a2b"]);

shape!(
    escaped_string,
    "shape.escaped",
    String,
    "pa\"ss\\word\n2".to_owned(),
    |value| format!("{value} or, quoted, {}", serde_json::to_string(value).unwrap()),
    ["pa\"ss\\word\n2"]
);

shape!(
    option_string,
    "shape.option",
    Option<String>,
    Some("sk-option-3c4d".to_owned()),
    |value| value.clone().unwrap_or_default(),
    ["sk-option-3c4d"]
);

shape!(boxed_str, "shape.box", Box<str>, "sk-box-5e6f".into(), |value| value.to_string(), ["sk-box-5e6f"]);

shape!(arc_str, "shape.arc", Arc<str>, "sk-arc-7a8b".into(), |value| value.to_string(), ["sk-arc-7a8b"]);

shape!(
    cow_str,
    "shape.cow",
    Cow<'static, str>,
    Cow::Owned("sk-cow-9c0d".to_owned()),
    |value| value.to_string(),
    ["sk-cow-9c0d"]
);

/// A newtype around the text.
#[derive(Clone, Debug, Serialize)]
struct ApiKey(String);

shape!(
    newtype,
    "shape.newtype",
    ApiKey,
    ApiKey("sk-newtype-1e2f".into()),
    |value| value.0.clone(),
    ["sk-newtype-1e2f"]
);

/// A secret wrapper whose `Debug` hides the value, while serde writes it.
#[derive(Clone, Serialize)]
struct Sealed(String);

impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sealed(***)")
    }
}

shape!(
    sealed_serialized,
    "shape.sealed",
    Sealed,
    Sealed("sk-sealed-3a4b".into()),
    |value| value.0.clone(),
    ["sk-sealed-3a4b"]
);

shape!(
    list,
    "shape.list",
    Vec<String>,
    vec!["sk-list-one".into(), "sk-list-two".into()],
    |value| value.join(", "),
    ["sk-list-one", "sk-list-two"]
);

/// A struct with text fields.
#[derive(Clone, Debug, Serialize)]
struct Credentials {
    user: String,
    password: String,
}

shape!(
    structure,
    "shape.struct",
    Credentials,
    Credentials { user: "ann-5c6d".into(), password: "hunter2-7e8f".into() },
    |value| format!("{}:{}", value.user, value.password),
    ["ann-5c6d", "hunter2-7e8f"]
);

shape!(
    map,
    "shape.map",
    HashMap<String, String>,
    HashMap::from([("ssn-key-9a".to_owned(), "ssn-078-05-1120".to_owned())]),
    |value| value.iter().map(|(key, value)| format!("{key}={value}")).collect::<Vec<_>>().join(";"),
    ["ssn-key-9a", "ssn-078-05-1120"]
);

shape!(
    nested,
    "shape.nested",
    Option<Vec<BTreeMap<String, Option<Box<str>>>>>,
    Some(vec![BTreeMap::from([("token-name-1b".to_owned(), Some("token-value-2c".into()))])]),
    |value| {
        let maps = value.iter().flatten();
        let pairs = maps
            .flat_map(|map| map.iter().map(|(key, value)| format!("{key}={}", value.as_deref().unwrap_or_default())));
        pairs.collect::<Vec<_>>().join(";")
    },
    ["token-name-1b", "token-value-2c"]
);

/// A struct nesting another, with a secret in a list inside.
#[derive(Clone, Debug, Serialize)]
struct Account {
    owner: Credentials,
    recovery_codes: Vec<Cow<'static, str>>,
    card: u64,
}

shape!(
    nested_struct,
    "shape.nested_struct",
    Account,
    Account {
        owner: Credentials { user: "bob-3d4e".into(), password: "letmein-5f6a".into() },
        recovery_codes: vec![Cow::Borrowed("rc-7b8c-9d0e")],
        card: 4_111_111_111_111_111,
    },
    |value| format!("{} / {} / {} / {}", value.owner.user, value.owner.password, value.recovery_codes[0], value.card),
    ["bob-3d4e", "letmein-5f6a", "rc-7b8c-9d0e", "4111111111111111"]
);

shape!(number, "shape.number", u64, 5_500_005_555_555_559, |value| value.to_string(), ["5500005555555559"]);

/// A struct whose secret serde skips, but `Debug` shows.
#[derive(Clone, Debug, Serialize)]
struct Skipped {
    user: String,
    #[serde(skip)]
    session_token: String,
}

shape!(
    serde_skipped,
    "shape.skipped",
    Skipped,
    Skipped { user: "carol-1f2a".into(), session_token: "st-3b4c-5d6e".into() },
    |value| format!("{} with {}", value.user, value.session_token),
    ["carol-1f2a", "st-3b4c-5d6e"]
);

/// A secret wrapper that serde refuses and `Debug` hides: only its
/// `Display` shows the value, and its `Redactable` impl gives it.
#[derive(Clone)]
struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Redactable for Secret {
    fn redactable_text(&self, out: &mut RedactedText) {
        out.push(&self.0);
    }
}

shape!(
    secret_wrapper,
    "shape.secret",
    Secret,
    Secret("sk-secret-7c8d".into()),
    |value| value.to_string(),
    ["sk-secret-7c8d"]
);

shape!(
    secret_wrappers_nested,
    "shape.secrets_nested",
    Option<Vec<Arc<Secret>>>,
    Some(vec![Arc::new(Secret("sk-inner-9e0f".into())), Arc::new(Secret("sk-inner-1a2b".into()))]),
    |value| value.iter().flatten().map(ToString::to_string).collect::<Vec<_>>().join(", "),
    ["sk-inner-9e0f", "sk-inner-1a2b"]
);
