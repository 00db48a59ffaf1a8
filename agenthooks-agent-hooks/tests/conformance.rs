//! The AGENT-HOOKS-0.1 conformance kit, run on agenthooks' executor: every
//! vector of the directory `AGENTHOOKS_CTK_VECTORS` names (by default the
//! contract's reference material beside the workspace), one line per
//! vector and a summary; fails when a vector fails.

use std::path::PathBuf;

use agent_hooks::ctk::{load_vectors, run_vector};
use agenthooks_agent_hooks::AgentHarness;

/// The environment variable that names the vectors' directory.
const VECTORS_ENV: &str = "AGENTHOOKS_CTK_VECTORS";

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
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for vector in &vectors {
        let result = run_vector(&mut harness, vector).await;
        match result.status {
            "pass" => passed += 1,
            "skip" => skipped += 1,
            _ => failed += 1,
        }
        let detail = if result.status == "skip" { result.detail.clone() } else { result.failures.join("; ") };
        println!("{} {} {}", result.id, result.status, detail);
    }
    println!("AGENT-HOOKS-0.1 conformance: {passed} passed, {failed} failed, {skipped} skipped");
    assert_eq!(failed, 0, "{failed} conformance vectors failed; see the lines above");
}
