//! Policies that cannot be evaluated for a call: a `forbid` in error denies
//! it, naming the policy; a `permit` in error permits nothing. Every JSON
//! type, in every place a policy reads a value from.

use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};
use agenthooks_cedar::{Decision, Policies, Resource};
use agenthooks_tests::{audit_lines, audit_to_temp, AgentError};
use serde_json::{json, Map, Value};

/// Everything permitted, except reading under `/etc`.
const NO_ETC: &str = r#"
@id("anyone")
permit(principal, action, resource);

@id("no-etc")
forbid(principal, action, resource) when { context.args.path like "/etc/*" };
"#;

/// Every JSON type a value can have, by name; `None` is a value left out.
/// `null` is left out too: Cedar has no null, so it reads as absent.
fn every_json_type() -> Vec<(&'static str, Option<Value>)> {
    vec![
        ("string", Some(json!("/etc/passwd"))),
        ("number", Some(json!(42))),
        ("negative number", Some(json!(-1))),
        ("bool", Some(json!(true))),
        ("null", Some(Value::Null)),
        ("array", Some(json!(["/etc/passwd"]))),
        ("empty array", Some(json!([]))),
        ("object", Some(json!({"path": "/etc/passwd"}))),
        ("empty object", Some(json!({}))),
        ("missing", None),
    ]
}

/// A record holding `value` under `key`, or nothing when it is left out.
fn record(key: &str, value: Option<Value>) -> Value {
    let mut record = Map::new();
    if let Some(value) = value {
        record.insert(key.to_owned(), value);
    }
    Value::Object(record)
}

fn decide(policies: &Policies, context: &Value) -> Decision {
    let session = Session::new("s-1").with_tenant("acme");
    policies
        .decide_for(&session, "before_tool_call", Resource::new("Tool", "read"), context)
        .unwrap_or_else(|error| panic!("{context} is put to the policies: {error}"))
}

/// Asserts that `context` is denied by `forbid`, which is in error.
fn assert_denied_in_error(policies: &Policies, forbid: &str, context: &Value) {
    let decision = decide(policies, context);
    assert!(!decision.is_allowed(), "{context} is allowed: {decision}");
    assert_eq!(decision.policies(), [forbid], "{context}: {decision}");
    assert_eq!(decision.in_error(), [forbid], "{context}: {decision}");
}

#[test]
fn a_forbid_in_error_denies_the_call_whatever_the_type_of_the_attribute_it_reads() {
    let policies: Policies = NO_ETC.parse().unwrap();
    for (name, value) in every_json_type() {
        let context = json!({ "args": record("path", value) });
        let decision = decide(&policies, &context);
        if name == "string" {
            assert_eq!(decision.to_string(), "deny by no-etc", "a matching string is denied without error");
        } else {
            assert_denied_in_error(&policies, "no-etc", &context);
            assert_eq!(decision.to_string(), "deny by no-etc; in error: no-etc", "{name}");
        }
    }
    let other = decide(&policies, &json!({"args": {"path": "/docs/guide.md"}}));
    assert_eq!(other.to_string(), "allow by anyone", "a string the forbid does not match is allowed");
}

#[test]
fn a_forbid_in_error_denies_the_call_whatever_the_type_of_the_record_on_its_path() {
    let policies: Policies = NO_ETC.parse().unwrap();
    for (name, value) in every_json_type() {
        if name == "object" {
            // `{"path": "/etc/passwd"}` as `args`: matched, no error.
            assert!(!decide(&policies, &record("args", value)).is_allowed());
            continue;
        }
        assert_denied_in_error(&policies, "no-etc", &record("args", value));
    }
    assert_denied_in_error(&policies, "no-etc", &json!({}));
}

#[test]
fn a_forbid_reading_a_top_level_or_deeply_nested_attribute_denies_when_in_error() {
    let policies: Policies = r#"
        @id("anyone")
        permit(principal, action, resource);
        @id("no-big-transfers")
        forbid(principal, action, resource) when { context.amount > 1000 };
        @id("no-foreign-accounts")
        forbid(principal, action, resource) when { context.to.account.country != "FR" };
    "#
    .parse()
    .unwrap();
    let valid = json!({"amount": 5, "to": {"account": {"country": "FR"}}});
    assert!(decide(&policies, &valid).is_allowed());
    for (name, value) in every_json_type() {
        let mut amount = valid.clone();
        match &value {
            Some(value) => amount["amount"] = value.clone(),
            None => {
                amount.as_object_mut().unwrap().remove("amount");
            }
        }
        if name != "number" && name != "negative number" {
            assert_denied_in_error(&policies, "no-big-transfers", &amount);
        }
        let mut country = valid.clone();
        match value {
            Some(value) => country["to"]["account"]["country"] = value,
            None => {
                country["to"]["account"].as_object_mut().unwrap().remove("country");
            }
        }
        if name != "string" {
            // `!=` compares values of any type: only a missing (or null)
            // country makes the forbid fail to evaluate, and then it denies.
            let decision = decide(&policies, &country);
            assert!(!decision.is_allowed(), "{name}: {decision}");
        }
    }
}

#[test]
fn a_has_guard_decides_for_a_missing_attribute_and_a_wrong_type_still_denies() {
    let policies: Policies = r#"
        @id("anyone")
        permit(principal, action, resource);
        @id("no-etc")
        forbid(principal, action, resource) when { context.args has path && context.args.path like "/etc/*" };
    "#
    .parse()
    .unwrap();
    for (name, value) in every_json_type() {
        let context = json!({ "args": record("path", value) });
        match name {
            // The guard says what an absent path means: nothing to forbid.
            "missing" | "null" => assert_eq!(decide(&policies, &context).to_string(), "allow by anyone", "{name}"),
            "string" => assert_eq!(decide(&policies, &context).to_string(), "deny by no-etc"),
            _ => assert_denied_in_error(&policies, "no-etc", &context),
        }
    }
    // `has` on a value that is not a record fails too, as does reading an
    // `args` the call lacks.
    for (name, value) in every_json_type() {
        if name != "object" && name != "empty object" {
            assert_denied_in_error(&policies, "no-etc", &record("args", value));
        }
    }
}

#[test]
fn a_forbid_reading_an_attribute_of_the_principal_the_action_or_the_resource_denies() {
    // The principal (`Session::"<id>"`), the action and the resource carry
    // no attribute.
    let policies: Policies = r#"
        @id("anyone")
        permit(principal, action, resource);
        @id("no-interns")
        forbid(principal, action, resource) when { principal.role == "intern" };
        @id("no-secret-tools")
        forbid(principal, action, resource) when { resource.secret };
        @id("no-writes")
        forbid(principal, action, resource) when { action.writes };
        @id("no-tenant-owned")
        forbid(principal, action, resource) when { principal has tenant && principal.tenant == "acme" || resource has owner && resource.owner.suspended };
    "#
    .parse()
    .unwrap();
    let decision = decide(&policies, &json!({}));
    assert!(!decision.is_allowed(), "{decision}");
    assert_eq!(decision.policies(), ["no-interns", "no-secret-tools", "no-writes"]);
    assert_eq!(decision.in_error(), ["no-interns", "no-secret-tools", "no-writes"]);
}

#[test]
fn a_forbid_on_the_entity_hierarchy_denies_when_the_context_holds_no_entity() {
    let policies: Policies = r#"
        @id("anyone")
        permit(principal, action, resource);
        @id("not-in-blocked-group")
        forbid(principal, action, resource) when { principal in context.blocked };
    "#
    .parse()
    .unwrap();
    for (name, value) in every_json_type() {
        if name == "empty array" {
            // `principal in []`: in no entity of an empty set, no error.
            assert!(decide(&policies, &record("blocked", value)).is_allowed());
            continue;
        }
        assert_denied_in_error(&policies, "not-in-blocked-group", &record("blocked", value));
    }
    // An entity the context names is compared by the hierarchy: no error.
    let other_tenant = json!({"blocked": {"__entity": {"type": "Tenant", "id": "globex"}}});
    assert!(decide(&policies, &other_tenant).is_allowed());
    let own_tenant = json!({"blocked": {"__entity": {"type": "Tenant", "id": "acme"}}});
    assert_eq!(decide(&policies, &own_tenant).to_string(), "deny by not-in-blocked-group");
}

#[test]
fn a_forbid_whose_extension_function_fails_denies() {
    let policies: Policies = r#"
        @id("anyone")
        permit(principal, action, resource);
        @id("internal-hosts-only")
        forbid(principal, action, resource) unless { ip(context.host).isInRange(ip("10.0.0.0/8")) };
        @id("small-amounts-only")
        forbid(principal, action, resource) when { decimal(context.amount).greaterThan(decimal("100.0")) };
        @id("no-overflow")
        forbid(principal, action, resource) when { context.count + 1 > 10 };
    "#
    .parse()
    .unwrap();
    let valid = json!({"host": "10.1.2.3", "amount": "5.0", "count": 1});
    assert!(decide(&policies, &valid).is_allowed(), "{}", decide(&policies, &valid));
    for (key, bad, forbid) in [
        ("host", json!("not an address"), "internal-hosts-only"),
        ("host", json!(10), "internal-hosts-only"),
        ("amount", json!("a lot"), "small-amounts-only"),
        ("amount", json!(5), "small-amounts-only"),
        ("count", json!(i64::MAX), "no-overflow"),
        ("count", json!("1"), "no-overflow"),
    ] {
        let mut context = valid.clone();
        context[key] = bad;
        assert_denied_in_error(&policies, forbid, &context);
    }
}

#[test]
fn a_forbid_with_a_literal_its_extension_function_refuses_denies_every_call() {
    // Cedar loads it: the literal is checked only when the policy is
    // evaluated, so a typo in the file must not switch the forbid off.
    let policies: Policies = r#"
        @id("anyone")
        permit(principal, action, resource);
        @id("no-loopback")
        forbid(principal, action, resource) when { ip(context.host) == ip("127.0.0.l") };
    "#
    .parse()
    .unwrap();
    assert_denied_in_error(&policies, "no-loopback", &json!({"host": "10.1.2.3"}));
}

#[test]
fn a_forbid_in_error_denies_beside_a_forbid_that_matched() {
    let policies: Policies = r#"
        @id("anyone")
        permit(principal, action, resource);
        @id("no-etc")
        forbid(principal, action, resource) when { context.args.path like "/etc/*" };
        @id("no-read")
        forbid(principal, action, resource == Tool::"read");
    "#
    .parse()
    .unwrap();
    let decision = decide(&policies, &json!({"args": {"path": 1}}));
    assert_eq!(decision.to_string(), "deny by no-etc, no-read; in error: no-etc");
}

#[test]
fn a_permit_in_error_permits_nothing_and_another_permit_still_can() {
    let alone: Policies = r#"
        @id("small-files")
        permit(principal, action, resource) when { context.size < 10 };
    "#
    .parse()
    .unwrap();
    for (name, value) in every_json_type() {
        if name == "number" || name == "negative number" {
            continue;
        }
        let decision = decide(&alone, &record("size", value));
        assert_eq!(decision.to_string(), "deny: no policy permits; in error: small-files", "{name}");
    }

    let with_another: Policies = r#"
        @id("small-files")
        permit(principal, action, resource) when { context.size < 10 };
        @id("reads")
        permit(principal, action, resource == Tool::"read");
    "#
    .parse()
    .unwrap();
    let decision = decide(&with_another, &json!({"size": "big"}));
    assert_eq!(decision.to_string(), "allow by reads; in error: small-files");
}

/// A tool call whose arguments are the model's JSON, as the lifecycle's
/// `before_tool` carries them.
#[hookpoint(BeforeToolCall)]
fn call_tool(session: &Session, tool: String, args: Value) -> Result<(), AgentError> {
    Ok(())
}

#[hook(BeforeToolCall)]
fn cedar(ctx: &Ctx<BeforeToolCall>) -> Outcome {
    static POLICIES: std::sync::LazyLock<Policies> = std::sync::LazyLock::new(|| NO_ETC.parse().unwrap());
    POLICIES.check(ctx, Resource::new("Tool", &ctx.tool), &json!({ "args": ctx.args }))
}

#[test]
fn a_hook_blocks_a_call_a_forbid_cannot_be_evaluated_for_and_its_audit_line_names_the_policy() {
    audit_to_temp();
    for (name, value) in every_json_type() {
        if name == "string" {
            continue;
        }
        let session_id = format!("s-in-error-{name}");
        let result = call_tool(&Session::new(&session_id).with_tenant("acme"), "read".into(), record("path", value));
        let Err(AgentError(HookError::Blocked(blocked))) = result else {
            panic!("a path of type {name} was let through: {result:?}")
        };
        assert_eq!(blocked.reason, "cedar: deny by no-etc; in error: no-etc");
        let lines: Vec<Value> = audit_lines()
            .iter()
            .map(|line| serde_json::from_str::<Value>(line).unwrap())
            .filter(|line| line["session_id"] == session_id.as_str())
            .collect();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert_eq!(lines[0]["hook.status"], "blocked");
        assert_eq!(lines[0]["hook.block_reason"], "cedar: deny by no-etc; in error: no-etc");
    }
}
