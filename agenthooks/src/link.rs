//! What the deployment binary links, and which tenants each hook crate
//! serves: the bindings `link!` declares, how the executor applies them, and
//! the start-up check of both.
//!
//! The deployment, not the hook crate, decides whose calls a crate's hooks
//! see. Once a binary names its hook crates in [`link!`](crate::link):
//!
//! - a hook of a crate bound to tenants runs only for those tenants; one
//!   without `tenant` runs for each of them, one naming a tenant outside the
//!   binding never runs (and [`verify_linked`] reports it);
//! - a hook of a crate bound to `*`, or of the deployment binary's own
//!   crate, runs as it declares;
//! - a hook of a crate the binary links but never names never runs (and
//!   [`verify_linked`] reports it).
//!
//! A binary without any `link!` (a test, a hook crate's own examples) runs
//! every linked hook as it declares.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::OnceLock;

use crate::error::LinkError;
use crate::hook::HookMeta;
use crate::registry::{HookRegistration, PointInfo};

/// The tenants a hook crate serves, as the deployment binds it in `link!`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Tenants {
    /// `crate => *`: every tenant; the crate's hooks run as they declare.
    Every,
    /// `crate => "acme"` or `crate => ["acme", "acme-eu"]`: only these.
    Only(&'static [&'static str]),
}

/// One crate named in a `link!`, as the macro registers it.
#[doc(hidden)]
#[derive(Debug)]
pub struct LinkedCrate {
    name: &'static str,
    tenants: Tenants,
    /// The module path of the `link!` call; its first segment is the
    /// deployment binary's own crate.
    deployment: &'static str,
}

impl LinkedCrate {
    /// The registration of `name`, bound to `tenants` by a `link!` in
    /// module `deployment`.
    pub const fn new(name: &'static str, tenants: Tenants, deployment: &'static str) -> Self {
        LinkedCrate { name, tenants, deployment }
    }
}

inventory::collect!(LinkedCrate);

/// Whose calls one hook runs for, once the deployment's bindings apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Reach {
    /// As the hook declares: its `tenant`, or every tenant.
    AsDeclared,
    /// Only these tenants' calls.
    Tenants(Vec<&'static str>),
    /// No call: the hook's crate is not bound to the tenant it names, or
    /// is linked without being named.
    Nothing,
}

/// The bindings of every `link!` in the binary, gathered once.
struct Bindings {
    /// Whether the binary names its hook crates at all.
    any: bool,
    /// The crates that call `link!`: the deployment's own hooks run as
    /// declared.
    deployments: BTreeSet<&'static str>,
    /// Each named crate's tenants; `None` for `*`.
    crates: BTreeMap<&'static str, Option<BTreeSet<&'static str>>>,
}

impl Bindings {
    fn get() -> &'static Bindings {
        static BINDINGS: OnceLock<Bindings> = OnceLock::new();
        BINDINGS.get_or_init(|| {
            let mut bindings = Bindings { any: false, deployments: BTreeSet::new(), crates: BTreeMap::new() };
            for linked in inventory::iter::<LinkedCrate> {
                bindings.any = true;
                bindings.deployments.insert(linked.deployment.split("::").next().unwrap_or(linked.deployment));
                let entry = bindings.crates.entry(linked.name).or_insert_with(|| Some(BTreeSet::new()));
                match (linked.tenants, entry.as_mut()) {
                    (Tenants::Every, _) => *entry = None,
                    (Tenants::Only(tenants), Some(bound)) => bound.extend(tenants.iter().copied()),
                    (Tenants::Only(_), None) => {}
                }
            }
            bindings
        })
    }

    fn reach(&self, hook: &HookMeta) -> Reach {
        if !self.any || self.deployments.contains(hook.crate_name) {
            return Reach::AsDeclared;
        }
        match (self.crates.get(hook.crate_name), hook.tenant) {
            (Some(None), _) => Reach::AsDeclared,
            (Some(Some(bound)), None) => Reach::Tenants(bound.iter().copied().collect()),
            (Some(Some(bound)), Some(tenant)) if bound.contains(tenant) => Reach::Tenants(vec![tenant]),
            // Not named, or naming a tenant outside the binding.
            (None, _) | (Some(Some(_)), Some(_)) => Reach::Nothing,
        }
    }
}

/// Whose calls `hook` runs for in this binary.
pub(crate) fn reach(hook: &HookMeta) -> Reach {
    Bindings::get().reach(hook)
}

/// Checks at start-up that the binary links what it says, and that every
/// linked hook can run as written:
///
/// - each crate named in a `link!` registered at least one hook
///   ([`LinkError::MissingHookCrates`]);
/// - each crate with hooks is named in `link!` or is the binary's own
///   ([`LinkError::UnnamedHookCrate`]);
/// - no hook names a tenant outside its crate's binding
///   ([`LinkError::TenantOutsideBinding`]);
/// - no two hook points share a name ([`LinkError::DuplicatePointName`]);
/// - at most one hook runs for each tenant at each point declared
///   `single`, with the configuration in force
///   ([`LinkError::SingleHookConflict`]; see [`contract`](crate::contract)).
///
/// Returns the first problem, in that order. Call it first thing in `main`:
///
/// ```
/// agenthooks::verify_linked().expect("every hook crate is linked and bound");
/// ```
pub fn verify_linked() -> Result<(), LinkError> {
    let bindings = Bindings::get();
    let named: Vec<&str> = bindings.crates.keys().copied().collect();
    require_crates(&named)?;
    for hook in crate::registry::linked_hooks() {
        if bindings.reach(hook) != Reach::Nothing {
            continue;
        }
        return Err(match bindings.crates.get(hook.crate_name) {
            None => LinkError::UnnamedHookCrate { krate: hook.crate_name, hook: hook.path },
            Some(bound) => LinkError::TenantOutsideBinding {
                krate: hook.crate_name,
                hook: hook.path,
                tenant: hook.tenant.unwrap_or_default(),
                bound: bound.iter().flatten().map(|tenant| (*tenant).to_owned()).collect(),
            },
        });
    }
    unique_point_names(&crate::registry::linked_points())?;
    crate::registry::single_point_conflict().map_or(Ok(()), Err)
}

/// Fails on the first name two points share (`points` sorted by name).
fn unique_point_names(points: &[&'static PointInfo]) -> Result<(), LinkError> {
    match points.windows(2).find(|pair| pair[0].name == pair[1].name) {
        Some(pair) => {
            Err(LinkError::DuplicatePointName { name: pair[0].name, first: pair[0].module, second: pair[1].module })
        }
        None => Ok(()),
    }
}

/// Checks that each of `crates` (named as Rust spells them, `acme_hooks`)
/// registered at least one hook in this binary.
///
/// ```
/// let missing = agenthooks::require_crates(&["no_such_hooks"]).unwrap_err();
/// assert_eq!(missing.to_string().contains("no_such_hooks"), true);
/// ```
pub fn require_crates(crates: &[&str]) -> Result<(), LinkError> {
    let present: BTreeSet<&str> =
        inventory::iter::<HookRegistration>.into_iter().map(|registration| registration.meta().crate_name).collect();
    let missing: BTreeSet<String> =
        crates.iter().filter(|krate| !present.contains(**krate)).map(|krate| (*krate).to_owned()).collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(LinkError::MissingHookCrates { missing: missing.into_iter().collect() })
    }
}

impl fmt::Display for HookMeta {
    /// `point <- crate::module::name [tenant, order, timeout, kind]`, one
    /// line. The tenants are those the hook runs for once the deployment's
    /// `link!` bindings apply: `*` for every tenant, `none` for a hook they
    /// keep from running.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenants = match reach(self) {
            Reach::AsDeclared => self.tenant.unwrap_or("*").to_owned(),
            Reach::Tenants(tenants) => tenants.join(" "),
            Reach::Nothing => "none".to_owned(),
        };
        write!(f, "{} <- {} [tenant {tenants}", self.point, self.path)?;
        for matcher in self.matchers {
            write!(f, ", {} = {:?}", matcher.key, matcher.pattern)?;
        }
        write!(
            f,
            ", order {}, timeout {} ms, {}{}",
            self.order,
            self.timeout_ms,
            if self.is_async { "async " } else { "" },
            match self.kind {
                crate::hook::HookKind::Interceptor => "interceptor",
                crate::hook::HookKind::Observer => "observer",
            },
        )?;
        if let Some(contract) = self.contract {
            write!(f, ", contract {contract}")?;
        }
        f.write_str("]")
    }
}

#[cfg(test)]
mod tests {
    use super::{Bindings, Reach};
    use crate::hook::{HookKind, HookMeta};

    fn hook(crate_name: &'static str, tenant: Option<&'static str>) -> HookMeta {
        HookMeta {
            point: "p",
            name: "h",
            crate_name,
            module: crate_name,
            path: "h",
            tenant,
            order: 0,
            timeout_ms: 1,
            fallback: true,
            kind: HookKind::Observer,
            is_async: false,
            mode: crate::Mode::Enforce,
            matchers: &[],
            contract: None,
        }
    }

    fn bindings() -> Bindings {
        Bindings {
            any: true,
            deployments: ["deploy"].into(),
            crates: [("acme_hooks", Some(["acme", "acme-eu"].into())), ("platform", None)].into(),
        }
    }

    #[test]
    fn a_bound_crate_reaches_only_its_tenants() {
        let bindings = bindings();
        assert_eq!(bindings.reach(&hook("acme_hooks", None)), Reach::Tenants(vec!["acme", "acme-eu"]));
        assert_eq!(bindings.reach(&hook("acme_hooks", Some("acme-eu"))), Reach::Tenants(vec!["acme-eu"]));
        assert_eq!(bindings.reach(&hook("acme_hooks", Some("globex"))), Reach::Nothing);
    }

    #[test]
    fn every_tenant_the_deployment_and_unnamed_crates() {
        let bindings = bindings();
        assert_eq!(bindings.reach(&hook("platform", Some("globex"))), Reach::AsDeclared);
        assert_eq!(bindings.reach(&hook("deploy", None)), Reach::AsDeclared);
        assert_eq!(bindings.reach(&hook("stray_hooks", None)), Reach::Nothing);
        let unlinked = Bindings { any: false, ..bindings };
        assert_eq!(unlinked.reach(&hook("stray_hooks", None)), Reach::AsDeclared);
    }
}
