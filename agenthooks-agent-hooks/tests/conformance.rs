//! The AGENT-HOOKS-0.1 conformance kit, run on agenthooks' executor: every
//! vector of the directory `AGENTHOOKS_CTK_VECTORS` names (by default the
//! contract's reference material beside the workspace), one line per
//! vector and a summary. Fails when a vector fails, when fewer than
//! [`MIN_PASSED`] pass (an empty or misplaced directory), and when the
//! skipped vectors are not exactly [`SKIPPED`]: a skip that appears, or
//! one that a new capability ended, must be seen and written down here.

use std::collections::BTreeSet;
use std::path::PathBuf;

use agent_hooks::ctk::{load_vectors, run_vector};
use agenthooks_agent_hooks::AgentHarness;

/// The environment variable that names the vectors' directory.
const VECTORS_ENV: &str = "AGENTHOOKS_CTK_VECTORS";

/// The vectors skipped for a capability the host does not claim (see
/// [`agenthooks_agent_hooks::CAPABILITIES`]): `bigint_json` (091) and
/// `incremental_output` (110 to 113).
const SKIPPED: [&str; 5] = ["AH-CTK-091", "AH-CTK-110", "AH-CTK-111", "AH-CTK-112", "AH-CTK-113"];

/// How many vectors pass at least: every one of the contract's 40 but
/// those [`SKIPPED`].
const MIN_PASSED: usize = 35;

fn vectors_dir() -> PathBuf {
    match std::env::var_os(VECTORS_ENV) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/agent-hooks-0.1/vectors"),
    }
}

#[tokio::test]
async fn every_conformance_vector_passes_or_is_skipped_by_capability() {
    let dir = vectors_dir();
    let vectors = load_vectors(&dir)
        .unwrap_or_else(|error| panic!("cannot load vectors from {}: {error}; set {VECTORS_ENV}", dir.display()));
    let mut harness = AgentHarness::new();
    let (mut passed, mut failed, mut skipped) = (0, 0, BTreeSet::new());
    for vector in &vectors {
        let result = run_vector(&mut harness, vector).await;
        match result.status {
            "pass" => passed += 1,
            "skip" => {
                skipped.insert(result.id.clone());
            }
            _ => failed += 1,
        }
        let detail = if result.status == "skip" { result.detail.clone() } else { result.failures.join("; ") };
        println!("{} {} {}", result.id, result.status, detail);
    }
    println!("AGENT-HOOKS-0.1 conformance: {passed} passed, {failed} failed, {} skipped", skipped.len());
    assert_eq!(failed, 0, "{failed} conformance vectors failed; see the lines above");
    let expected: BTreeSet<String> = SKIPPED.iter().map(|id| (*id).to_owned()).collect();
    assert_eq!(skipped, expected, "the skipped vectors changed; see the lines above");
    assert!(passed >= MIN_PASSED, "only {passed} vectors passed of the {MIN_PASSED} expected, in {}", dir.display());
}
