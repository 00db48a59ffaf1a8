//! Policy files named in the configuration file's `[cedar]` section:
//! reloaded with it, refused with it (and then both the policies and the
//! hook settings in force stay), watched with it.
//!
//! The configuration is the process's: the tests here take turns.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Duration;

use agenthooks::config::{self, ConfigError, Watcher};
use agenthooks::{hook, hookpoint, Ctx, HookError, Outcome, Session};
use agenthooks_cedar::{Policies, RequestError, Resource};
use agenthooks_tests::{audit_lines, eventually, one_at_a_time, AgentError};

/// A search of an index.
#[hookpoint(BeforeSearch)]
fn search(session: &Session, index: String) -> Result<Vec<String>, AgentError> {
    Ok(Vec::new())
}

static SEARCH: LazyLock<&Policies> = LazyLock::new(|| Policies::configured("search"));

#[hook(BeforeSearch, order = 1)]
fn cedar(ctx: &Ctx<BeforeSearch>) -> Outcome {
    SEARCH.check(ctx, Resource::new("Index", &ctx.index), &())
}

/// A hook the configuration switches off, to see which hook settings are
/// in force.
#[hook(BeforeSearch, order = 2)]
fn refuses_everything(_ctx: &Ctx<BeforeSearch>) -> Outcome {
    Outcome::block("refuses everything")
}

const DOCS_ONLY: &str = "@id(\"docs\")\npermit(principal, action, resource == Index::\"docs\");\n";
const DOCS_AND_WIKI: &str =
    "@id(\"docs\")\npermit(principal, action, resource == Index::\"docs\");\n@id(\"wiki\")\npermit(principal, action, resource == Index::\"wiki\");\n";
/// Invalid at line 2, column 25: a missing resource.
const BROKEN: &str = "@id(\"docs\")\npermit(principal, action,);\n";

/// Switches `refuses_everything` off and names `policies` for `search`.
fn configuration(policies: &str) -> String {
    format!("[hook.\"configured::refuses_everything\"]\nenabled = false\n\n[cedar]\nsearch = \"{policies}\"\n")
}

/// Writes `text` to `path` as a whole: a copy renamed over the file.
fn replace(path: &Path, text: &str) {
    let copy = path.with_extension("next");
    std::fs::write(&copy, text).expect("the copy is written");
    std::fs::rename(&copy, path).expect("the copy replaces the file");
}

/// A directory with `hooks.toml` naming `search.cedar`, which holds
/// `policies`.
fn deployment(policies: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let (file, cedar) = (dir.path().join("hooks.toml"), dir.path().join("search.cedar"));
    replace(&cedar, policies);
    replace(&file, &configuration("search.cedar"));
    (dir, file, cedar)
}

fn search_of(index: &str) -> Result<Vec<String>, HookError> {
    search(&Session::new("s-configured").with_tenant("acme"), index.into()).map_err(|AgentError(error)| error)
}

fn block_reason(result: Result<Vec<String>, HookError>) -> String {
    match result {
        Err(HookError::Blocked(blocked)) => blocked.reason,
        other => panic!("expected a blocked call, got {other:?}"),
    }
}

#[test]
fn a_configuration_that_names_new_policies_swaps_them_in() {
    let _turn = one_at_a_time();
    let (_dir, file, cedar) = deployment(DOCS_ONLY);
    let applied = config::apply_file(&file).unwrap();
    assert_eq!(SEARCH.ids(), ["docs"]);
    assert_eq!(search_of("docs"), Ok(Vec::new()));
    assert_eq!(block_reason(search_of("wiki")), "cedar: deny: no policy permits");

    replace(&cedar, DOCS_AND_WIKI);
    let reapplied = config::apply_file(&file).unwrap();
    assert_eq!(search_of("wiki"), Ok(Vec::new()), "the call denied before is allowed after");
    assert_eq!(SEARCH.ids(), ["docs", "wiki"]);

    // The configuration's audit line names the policy file and its digest.
    assert_eq!(reapplied.files.len(), 1);
    assert_eq!((reapplied.files[0].section.as_str(), &reapplied.files[0].path), ("cedar", &cedar));
    assert_ne!(reapplied.files[0].digest, applied.files[0].digest);
    let line = audit_lines().into_iter().rev().find(|line| line.contains("applied configuration sha256:")).unwrap();
    assert!(line.contains(&format!("[cedar] {} sha256:{}", cedar.display(), reapplied.files[0].digest)), "{line}");
}

#[test]
fn an_invalid_policy_file_refuses_the_configuration_and_the_policies_and_hook_settings_in_force_stay() {
    let _turn = one_at_a_time();
    let (dir, file, _) = deployment(DOCS_ONLY);
    config::apply_file(&file).unwrap();

    // The new configuration switches the blocking hook back on and names a
    // broken policy file: neither takes effect.
    let broken = dir.path().join("broken.cedar");
    replace(&broken, BROKEN);
    replace(&file, "[cedar]\nsearch = \"broken.cedar\"\n");
    let error = config::apply_file(&file).unwrap_err();
    let ConfigError::Section { section, origin, line, column, .. } = &error else {
        panic!("expected a section error, got {error:?}")
    };
    assert_eq!((section.as_str(), origin.as_str(), *line, *column), ("cedar", broken.to_str().unwrap(), 2, 25));
    assert!(error.to_string().starts_with(&format!("{}:2:25: in section `[cedar]`", broken.display())), "{error}");

    assert_eq!(SEARCH.ids(), ["docs"], "the previous policies stay");
    assert_eq!(search_of("docs"), Ok(Vec::new()), "the previous hook settings stay: the blocking hook is off");
    let refused = audit_lines().into_iter().rev().find(|line| line.contains("refused configuration sha256:"));
    assert!(refused.is_some_and(|line| line.contains("broken.cedar:2:25")), "the refusal is audited");
}

#[test]
fn a_policy_error_without_a_position_is_placed_at_the_entry_that_names_the_file() {
    let _turn = one_at_a_time();
    let (dir, file, _) = deployment(DOCS_ONLY);
    replace(&dir.path().join("no-id.cedar"), "permit(principal, action, resource);\n");
    replace(&file, "disable_all = false\n\n[cedar]\nsearch = \"no-id.cedar\"\n");
    let error = config::apply_file(&file).unwrap_err();
    let ConfigError::Section { origin, line, column, message, .. } = &error else {
        panic!("expected a section error, got {error:?}")
    };
    assert_eq!((origin.as_str(), *line, *column), (file.to_str().unwrap(), 4, 10));
    assert!(message.contains("has no `@id"), "{message}");

    replace(&file, "[cedar]\nsearch = \"missing.cedar\"\n");
    let error = config::apply_file(&file).unwrap_err();
    assert!(error.to_string().contains("cannot read"), "{error}");
}

#[test]
fn the_watcher_applies_an_edited_policy_file_when_the_configuration_file_did_not_change() {
    let _turn = one_at_a_time();
    let (_dir, file, cedar) = deployment(DOCS_ONLY);
    let (watcher, _) = Watcher::start(&file, Duration::from_millis(5)).unwrap();
    assert!(search_of("wiki").is_err());

    replace(&cedar, DOCS_AND_WIKI);
    assert!(eventually(|| search_of("wiki").is_ok()), "the edited policy file is applied");

    replace(&cedar, BROKEN);
    assert!(eventually(|| watcher.last_error().is_some()), "the watcher reports the broken policy file");
    assert!(watcher.last_error().unwrap().contains("search.cedar:2:25"), "{:?}", watcher.last_error());
    assert_eq!(search_of("wiki"), Ok(Vec::new()), "the policies in force stay");
    drop(watcher);
}

#[test]
fn a_set_that_no_configuration_names_blocks_every_call() {
    let _turn = one_at_a_time();
    let unnamed = Policies::configured("nowhere");
    let result = unnamed.decide_for(&Session::new("s-1"), "before_search", Resource::new("Index", "docs"), &());
    assert!(matches!(&result, Err(RequestError::Unconfigured { name }) if name == "nowhere"), "{result:?}");
    // `one_at_a_time` cleared the configuration: `search` is named nowhere.
    assert!(block_reason(search_of("docs"))
        .starts_with("cedar: cannot decide: no configuration names the policy set `search`"));
    assert!(std::ptr::eq(unnamed, Policies::configured("nowhere")), "one set per name");
}
