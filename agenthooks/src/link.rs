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
//! Hooks registered at run time take the binding of the crate that
//! registers them, as linked hooks do.
//!
//! A binary without any `link!` (a test, a hook crate's own examples) runs
//! every linked hook as it declares.
//!
//! # Only the deployment binds
//!
//! Each `link!` records the crate it is written in, as the compiler names
//! it, where it is, and whether its crate is a binary or a test. The
//! bindings hold when every `link!` of the binary is in one crate, a binary
//! or a test, that binds no crate twice and does not bind itself.
//! Otherwise they are *contested* (a hook crate with a `link!` of its own,
//! say): no binding applies, and every crate that calls `link!` or that a
//! `link!` names runs no hook. In their place, at each point one of them
//! hooks, [`BINDING_GUARD`] blocks every call of every tenant, its reason
//! naming the problem; [`verify_linked`] returns it. Blocking is the one
//! choice that neither reaches a tenant the deployment never bound a hook
//! to (running it as declared, or as the widest binding says) nor switches
//! a guard off (skipping it, or the narrowest binding, which a hostile
//! crate could set to no tenant). A hook registered under another crate's
//! name (through the macros' support code: `#[hook]` never does) is
//! refused the same way.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::OnceLock;

use crate::error::LinkError;
use crate::hook::{Hook, HookMeta};
use crate::origin::{Origin, Site};
use crate::point::HookPoint;
use crate::registry::{HookRegistration, PointInfo};

/// The path of the hook that stands in for the hooks of a contested
/// binding or a forged registration: the `hook` of the
/// [`Blocked`](crate::Blocked) error and of the audit line of each call it
/// blocks (see [`link!`](crate::link)).
pub const BINDING_GUARD: &str = "agenthooks::link::refused";

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
    /// The crate the `link!` is written in.
    origin: Site,
    /// The `link!`, as `file:line`.
    site: &'static str,
    /// Whether that crate is a binary or a test.
    in_binary: bool,
}

impl LinkedCrate {
    /// The registration of `name`, bound to `tenants` by the `link!` at
    /// `site`, in the crate that defines `O` (a binary or a test when
    /// `in_binary`).
    pub const fn new<O: Origin>(name: &'static str, tenants: Tenants, site: &'static str, in_binary: bool) -> Self {
        LinkedCrate { name, tenants, origin: Site::of::<O>(), site, in_binary }
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

/// Whether one hook runs, once the bindings and its identity are checked.
#[derive(Debug, PartialEq, Eq)]
enum Verdict<'b> {
    /// It runs, for these calls.
    Runs(Reach),
    /// It never runs, and its point blocks every call, for this reason.
    Refused(&'b LinkError),
}

/// One `link!` binding, its crate read.
#[derive(Clone, Copy, Debug)]
struct Binding {
    /// The crate named.
    name: &'static str,
    tenants: Tenants,
    /// The crate the `link!` is written in.
    krate: &'static str,
    site: &'static str,
    in_binary: bool,
}

/// The bindings of every `link!` in the binary, gathered once.
#[derive(Debug, Default)]
struct Bindings {
    /// Whether the binary names its hook crates at all.
    any: bool,
    /// The crate that calls `link!`, when the bindings hold: its own hooks
    /// run as declared.
    deployment: Option<&'static str>,
    /// Each named crate's tenants; `None` for `*`.
    crates: BTreeMap<&'static str, Option<BTreeSet<&'static str>>>,
    /// Why the bindings are contested; empty when they hold.
    contest: Vec<LinkError>,
    /// When contested, the crates that call `link!` or that one names:
    /// none of their hooks runs.
    contested: BTreeSet<&'static str>,
    /// Linked hooks registered under another crate's name, each with its
    /// error.
    forged: Vec<(&'static HookMeta, LinkError)>,
}

impl Bindings {
    fn get() -> &'static Bindings {
        static BINDINGS: OnceLock<Bindings> = OnceLock::new();
        BINDINGS.get_or_init(|| {
            let bindings = inventory::iter::<LinkedCrate>.into_iter().map(|linked| Binding {
                name: linked.name,
                tenants: linked.tenants,
                krate: linked.origin.krate(),
                site: linked.site,
                in_binary: linked.in_binary,
            });
            let hooks =
                crate::registry::registrations().map(|registration| (registration.meta(), registration.krate()));
            Bindings::new(bindings.collect(), hooks)
        })
    }

    /// The bindings `bindings` declare, for the linked hooks `hooks`, each
    /// with the crate its registration comes from.
    fn new(mut bindings: Vec<Binding>, hooks: impl Iterator<Item = (&'static HookMeta, &'static str)>) -> Bindings {
        // Sorted, so that the errors do not depend on the link order.
        bindings.sort_by_key(|binding| (binding.krate, binding.site, binding.name));
        let contest = contest(&bindings);
        let forged = hooks
            .filter(|(hook, krate)| !is_own(hook, krate))
            .map(|(hook, krate)| (hook, LinkError::ForgedIdentity { krate, hook: hook.path }))
            .collect();
        let mut result = Bindings { any: !bindings.is_empty(), forged, ..Bindings::default() };
        if !contest.is_empty() {
            result.contested = bindings.iter().flat_map(|binding| [binding.krate, binding.name]).collect();
            result.contest = contest;
            return result;
        }
        result.deployment = bindings.first().map(|binding| binding.krate);
        for binding in bindings {
            let bound = match binding.tenants {
                Tenants::Every => None,
                Tenants::Only(tenants) => Some(tenants.iter().copied().collect()),
            };
            result.crates.insert(binding.name, bound);
        }
        result
    }

    fn verdict(&self, hook: &HookMeta) -> Verdict<'_> {
        if let Some((_, error)) = self.forged.iter().find(|(forged, _)| std::ptr::eq(*forged, hook)) {
            return Verdict::Refused(error);
        }
        match self.contest.first() {
            Some(error) if self.contested.contains(hook.crate_name) => Verdict::Refused(error),
            _ => Verdict::Runs(self.reach(hook)),
        }
    }

    fn reach(&self, hook: &HookMeta) -> Reach {
        if !self.any || self.deployment == Some(hook.crate_name) {
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

/// Why `bindings` (sorted) cannot all hold, in the order
/// [`verify_linked`] reports it; empty when they can.
fn contest(bindings: &[Binding]) -> Vec<LinkError> {
    let mut problems: Vec<LinkError> = bindings
        .iter()
        .filter(|binding| binding.name == binding.krate)
        .map(|binding| LinkError::SelfBinding { krate: binding.krate, site: binding.site })
        .collect();
    problems.extend(
        bindings
            .iter()
            .filter(|binding| !binding.in_binary)
            .map(|binding| LinkError::LinkOutsideBinary { krate: binding.krate, site: binding.site }),
    );
    if let (Some(first), Some(second)) =
        (bindings.first(), bindings.iter().find(|binding| Some(binding.krate) != bindings.first().map(|b| b.krate)))
    {
        problems.push(LinkError::SecondDeployment {
            first: first.krate,
            first_site: first.site,
            second: second.krate,
            second_site: second.site,
        });
    }
    for (at, binding) in bindings.iter().enumerate() {
        if let Some(first) = bindings[..at].iter().find(|first| first.name == binding.name) {
            problems.push(LinkError::BoundTwice {
                krate: binding.name,
                first_site: first.site,
                second_site: binding.site,
            });
        }
    }
    problems
}

/// Whether `hook`, registered in crate `krate`, names itself as a hook of
/// that crate (as `#[hook]` does: crate, module and path all `krate`'s).
fn is_own(hook: &HookMeta, krate: &str) -> bool {
    let in_crate = |path: &str| path == krate || path.strip_prefix(krate).is_some_and(|rest| rest.starts_with("::"));
    let path_is_module_and_name = hook
        .path
        .strip_prefix(hook.module)
        .and_then(|rest| rest.strip_prefix("::"))
        .is_some_and(|name| name == hook.name);
    hook.crate_name == krate && in_crate(hook.module) && path_is_module_and_name
}

/// `hook` as it runs in this binary, with whose calls it runs for: itself,
/// or, when its binding is contested or its registration forged, the
/// [`BINDING_GUARD`] that blocks every call in its place.
pub(crate) fn bind<P: HookPoint>(hook: Hook<P>) -> (Hook<P>, Reach) {
    match Bindings::get().verdict(hook.meta) {
        Verdict::Runs(reach) => (hook, reach),
        Verdict::Refused(error) => {
            let reason = format!("hook `{}` is refused: {error}", hook.meta.path);
            (Hook::stand_in(BINDING_GUARD, None, reason), Reach::AsDeclared)
        }
    }
}

/// Whose calls `hook` runs for in this binary: none when its binding is
/// contested or its registration forged (its point then blocks instead).
pub(crate) fn reach(hook: &HookMeta) -> Reach {
    match Bindings::get().verdict(hook) {
        Verdict::Runs(reach) => reach,
        Verdict::Refused(_) => Reach::Nothing,
    }
}

/// Checks at start-up that the binary links what it says, and that every
/// linked hook can run as written:
///
/// - the bindings hold: every `link!` is in the binary's own crate, which
///   binds no crate twice and not itself ([`LinkError::SelfBinding`],
///   [`LinkError::LinkOutsideBinary`], [`LinkError::SecondDeployment`],
///   [`LinkError::BoundTwice`]);
/// - every linked hook is registered by the crate it names
///   ([`LinkError::ForgedIdentity`]);
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
    if let Some(error) = bindings.contest.first().or(bindings.forged.first().map(|(_, error)| error)) {
        return Err(error.clone());
    }
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
/// registered at least one hook of its own in this binary.
///
/// ```
/// let missing = agenthooks::require_crates(&["no_such_hooks"]).unwrap_err();
/// assert_eq!(missing.to_string().contains("no_such_hooks"), true);
/// ```
pub fn require_crates(crates: &[&str]) -> Result<(), LinkError> {
    // By the crate each registration comes from: a hook registered under
    // another crate's name does not make that crate present.
    let present: BTreeSet<&str> = crate::registry::registrations().map(HookRegistration::krate).collect();
    let missing: BTreeSet<String> =
        crates.iter().filter(|krate| !present.contains(**krate)).map(|krate| (*krate).to_owned()).collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(LinkError::MissingHookCrates { missing: missing.into_iter().collect() })
    }
}

impl fmt::Display for HookMeta {
    /// `point <- crate::module::name [tenant, order, timeout, kind, patterns]`, one
    /// line. The tenants are those the hook runs for once the deployment's
    /// `link!` bindings apply: `*` for every tenant, `none` for a hook they
    /// keep from running, `none, refused` for one whose binding is
    /// contested or whose registration is forged.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenants = match Bindings::get().verdict(self) {
            Verdict::Runs(Reach::AsDeclared) => self.tenant.unwrap_or("*").to_owned(),
            Verdict::Runs(Reach::Tenants(tenants)) => tenants.join(" "),
            Verdict::Runs(Reach::Nothing) => "none".to_owned(),
            Verdict::Refused(_) => "none, refused".to_owned(),
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
        match self.patterns {
            Some(patterns) => write!(f, ", {patterns}]"),
            None => f.write_str("]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Binding, Bindings, Reach, Tenants, Verdict};
    use crate::error::LinkError;
    use crate::hook::{HookKind, HookMeta};

    fn hook(crate_name: &'static str, tenant: Option<&'static str>) -> &'static HookMeta {
        let path = crate::intern::text(&format!("{crate_name}::h"));
        crate::intern::meta(HookMeta {
            point: "p",
            name: "h",
            crate_name,
            module: crate_name,
            path,
            tenant,
            order: 0,
            timeout_ms: 1,
            fallback: true,
            kind: HookKind::Observer,
            is_async: false,
            mode: crate::Mode::Enforce,
            matchers: &[],
            patterns: None,
            contract: None,
        })
    }

    fn bind(krate: &'static str, name: &'static str, tenants: Tenants, site: &'static str) -> Binding {
        Binding { name, tenants, krate, site, in_binary: true }
    }

    fn bindings() -> Bindings {
        Bindings::new(
            vec![
                bind("deploy", "acme_hooks", Tenants::Only(&["acme", "acme-eu"]), "src/main.rs:3"),
                bind("deploy", "platform", Tenants::Every, "src/main.rs:4"),
            ],
            std::iter::empty(),
        )
    }

    #[test]
    fn a_bound_crate_reaches_only_its_tenants() {
        let bindings = bindings();
        assert_eq!(bindings.reach(hook("acme_hooks", None)), Reach::Tenants(vec!["acme", "acme-eu"]));
        assert_eq!(bindings.reach(hook("acme_hooks", Some("acme-eu"))), Reach::Tenants(vec!["acme-eu"]));
        assert_eq!(bindings.reach(hook("acme_hooks", Some("globex"))), Reach::Nothing);
    }

    #[test]
    fn every_tenant_the_deployment_and_unnamed_crates() {
        let bindings = bindings();
        assert_eq!(bindings.reach(hook("platform", Some("globex"))), Reach::AsDeclared);
        assert_eq!(bindings.reach(hook("deploy", None)), Reach::AsDeclared);
        assert_eq!(bindings.reach(hook("stray_hooks", None)), Reach::Nothing);
        let unlinked = Bindings::new(Vec::new(), std::iter::empty());
        assert_eq!(unlinked.reach(hook("stray_hooks", None)), Reach::AsDeclared);
    }

    /// The first error of `bindings`, and whether each of `crates` runs.
    fn contested(bindings: Vec<Binding>, crates: &[&'static str]) -> (LinkError, Vec<bool>) {
        let bindings = Bindings::new(bindings, std::iter::empty());
        let runs = crates.iter().map(|krate| matches!(bindings.verdict(hook(krate, None)), Verdict::Runs(_))).collect();
        (bindings.contest.first().expect("the bindings are contested").clone(), runs)
    }

    #[test]
    fn a_crate_binding_itself_stops_every_crate_a_link_names() {
        let (error, runs) = contested(
            vec![
                bind("deploy", "rogue", Tenants::Only(&["acme"]), "src/main.rs:3"),
                bind("deploy", "acme_hooks", Tenants::Only(&["acme"]), "src/main.rs:4"),
                bind("rogue", "rogue", Tenants::Every, "src/lib.rs:9"),
            ],
            &["rogue", "acme_hooks", "deploy", "stray"],
        );
        assert_eq!(error, LinkError::SelfBinding { krate: "rogue", site: "src/lib.rs:9" });
        assert_eq!(runs, [false, false, false, true], "an unnamed crate is not stopped: it runs for no tenant");
    }

    #[test]
    fn a_link_in_a_library_or_a_second_crate_contests_the_bindings() {
        let mut library = bind("platform", "acme_hooks", Tenants::Only(&["nobody"]), "src/lib.rs:2");
        library.in_binary = false;
        let (error, runs) = contested(
            vec![bind("deploy", "acme_hooks", Tenants::Only(&["acme"]), "src/main.rs:3"), library],
            &["acme_hooks", "platform", "deploy"],
        );
        assert_eq!(error, LinkError::LinkOutsideBinary { krate: "platform", site: "src/lib.rs:2" });
        assert_eq!(runs, [false, false, false]);
        library.in_binary = true;
        let (error, _) = contested(vec![bind("deploy", "acme_hooks", Tenants::Every, "src/main.rs:3"), library], &[]);
        assert_eq!(
            error,
            LinkError::SecondDeployment {
                first: "deploy",
                first_site: "src/main.rs:3",
                second: "platform",
                second_site: "src/lib.rs:2"
            }
        );
    }

    #[test]
    fn a_crate_bound_twice_contests_the_bindings_even_by_the_deployment() {
        let (error, runs) = contested(
            vec![
                bind("deploy", "acme_hooks", Tenants::Only(&["acme"]), "src/main.rs:3"),
                bind("deploy", "acme_hooks", Tenants::Every, "src/main.rs:9"),
            ],
            &["acme_hooks"],
        );
        assert_eq!(
            error,
            LinkError::BoundTwice { krate: "acme_hooks", first_site: "src/main.rs:3", second_site: "src/main.rs:9" }
        );
        assert_eq!(runs, [false], "neither binding holds: not `*`, not the narrower one");
    }

    #[test]
    fn a_hook_registered_under_another_crates_name_is_refused() {
        let own = hook("acme_hooks", None);
        let forged = crate::intern::meta(HookMeta { tenant: Some("acme"), ..own.clone() });
        let wrong_module =
            crate::intern::meta(HookMeta { module: "acme_hooks_x", path: "acme_hooks_x::h", ..own.clone() });
        let bindings = Bindings::new(
            Vec::new(),
            [(own, "acme_hooks"), (forged, "rogue"), (wrong_module, "acme_hooks")].into_iter(),
        );
        assert_eq!(bindings.verdict(own), Verdict::Runs(Reach::AsDeclared));
        let refused = LinkError::ForgedIdentity { krate: "rogue", hook: "acme_hooks::h" };
        assert_eq!(bindings.verdict(forged), Verdict::Refused(&refused));
        assert!(matches!(bindings.verdict(wrong_module), Verdict::Refused(_)));
    }
}
