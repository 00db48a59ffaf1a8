//! The manual's guarantees name the tests that prove them, as
//! `` `path/to/file.rs::test_name` `` (a path from the workspace's root).
//! A guarantee that names a test that does not exist, or a file without
//! it, fails here: a renamed or deleted test cannot leave a promise
//! standing on nothing.

use std::path::{Path, PathBuf};

/// The pages whose named tests are checked.
const PAGES: &[&str] = &["agenthooks/docs/guarantees.md"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the tests crate sits in the workspace").to_owned()
}

/// Every `` `file.rs::name` `` of `text`.
fn named_tests(text: &str) -> Vec<(&str, &str)> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter_map(|code| code.split_once(".rs::").map(|(file, name)| (&code[..file.len() + 3], name)))
        .collect()
}

/// Whether `source` declares a function `name`.
fn declares(source: &str, name: &str) -> bool {
    source.match_indices(&format!("fn {name}")).any(|(at, found)| source[at + found.len()..].starts_with(['(', '<']))
}

#[test]
fn every_test_a_guarantee_names_exists() {
    let root = root();
    let mut named = 0;
    let mut missing = Vec::new();
    for page in PAGES {
        let text = std::fs::read_to_string(root.join(page)).unwrap_or_else(|error| panic!("{page}: {error}"));
        for (file, name) in named_tests(&text) {
            named += 1;
            match std::fs::read_to_string(root.join(file)) {
                Ok(source) if declares(&source, name) => {}
                Ok(_) => missing.push(format!("{page}: `{file}` has no test `{name}`")),
                Err(error) => missing.push(format!("{page}: `{file}`: {error}")),
            }
        }
    }
    assert!(missing.is_empty(), "guarantees name tests that do not exist:\n{}", missing.join("\n"));
    assert!(named >= 40, "the promise matrix names {named} tests: a page lost its table?");
}

#[test]
fn a_named_test_is_found_only_where_it_is_declared() {
    let source = "fn helper() {}\n#[test]\nfn real_test() {}\nfn real_test_too() {}";
    assert!(declares(source, "real_test"));
    assert!(!declares(source, "real"), "a prefix of a name is not the name");
    assert!(!declares(source, "missing"));
    let page = "see `tests/tests/a.rs::real_test` and `code` and `b.rs::x`";
    assert_eq!(named_tests(page), [("tests/tests/a.rs", "real_test"), ("b.rs", "x")]);
}
