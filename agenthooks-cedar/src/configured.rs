//! Policy files named in the deployment's configuration file, in its
//! `[cedar]` section, and reloaded with it (see `agenthooks::config`).
//!
//! Applying a configuration first reads and parses every file the section
//! names, changing nothing; one that cannot be read or is invalid refuses
//! the whole configuration, and the hook settings and policies in force
//! stay. Only once the whole configuration is accepted is every named set
//! replaced, and every set it no longer names emptied.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use agenthooks::config::{Commit, SectionError, SectionInput};
use cedar_policy::PolicySet;

use crate::error::more_errors;
use crate::policies::parse;
use crate::{Policies, PolicyError};

/// The section of the configuration file that names the policy files:
/// `[cedar]`, one `name = "file"` entry per policy set.
pub const SECTION: &str = "cedar";

agenthooks::config_section!(SECTION, prepare);

/// Every set of the configuration, by name: those a configuration named
/// and those a hook asked for. Each lives as long as the process.
fn sets() -> MutexGuard<'static, BTreeMap<String, &'static Policies>> {
    static SETS: Mutex<BTreeMap<String, &'static Policies>> = Mutex::new(BTreeMap::new());
    SETS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The set of the configuration named `name`, made empty (not configured)
/// when no configuration named it yet.
pub(crate) fn policies(name: &str) -> &'static Policies {
    let mut sets = sets();
    if let Some(policies) = sets.get(name) {
        return policies;
    }
    let policies: &'static Policies = Box::leak(Box::new(Policies::of_config(name, None)));
    sets.insert(name.to_owned(), policies);
    policies
}

/// Reads and parses every file the section names; commits them all, or
/// refuses the configuration at the first invalid one.
fn prepare(input: &SectionInput<'_>) -> Result<Commit, SectionError> {
    let files: BTreeMap<String, String> = input.settings()?;
    let mut prepared = BTreeMap::new();
    for (name, file) in files {
        let (path, text) = input.read(&file)?;
        let set = parse(&path.display().to_string(), &text).map_err(|error| match error {
            PolicyError::Parse { at, message, more } => {
                SectionError::at(at.origin, at.line, at.column, format!("{message}{}", more_errors(more)))
            }
            other => input.error_at(Some(&name), other.to_string()),
        })?;
        prepared.insert(name, set);
    }
    Ok(Commit::new(move || install(prepared)))
}

/// Puts `prepared` in force: each named set replaced, each other emptied.
fn install(mut prepared: BTreeMap<String, PolicySet>) {
    let mut sets = sets();
    for (name, policies) in sets.iter() {
        policies.store(prepared.remove(name));
    }
    for (name, set) in prepared {
        let policies: &'static Policies = Box::leak(Box::new(Policies::of_config(&name, Some(set))));
        sets.insert(name, policies);
    }
}
