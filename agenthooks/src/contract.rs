//! Contracts between a point and its hooks: the version a point declares,
//! the version a hook is written for, and points that admit one hook per
//! tenant.
//!
//! # Versions
//!
//! A point's author declares the version of what the point promises its
//! hooks, `major.minor`: `#[hookpoint(BeforeTool, version = "2.1")]`. A
//! hook says which version it was written for: `#[hook(BeforeTool,
//! contract = "2.0")]`. The hook compiles when the point's major version
//! is the hook's and its minor version is the hook's or later: a hook
//! written for 2.0 runs on a point at 2.0, 2.1 or 2.7, not on 1.9 or 3.0,
//! and a hook written for 2.1 does not compile against a point at 2.0,
//! whose contract lacks what 2.1 added. Major 0 is not special: a point at
//! 0.3 accepts hooks written for 0.1.
//!
//! The check is made where the hook is compiled, in the customer's crate,
//! and the error names both versions at the hook's `contract = "..."`.
//! A hook without `contract` accepts any version of its point; a point
//! without `version` declares none, and a hook that names a `contract` for
//! it does not compile. Version strings are two whole numbers without
//! leading zeros (`"2.1"`, `"0.10"`); anything else fails to compile.
//!
//! The point's author raises the minor version when the contract grows in
//! a way every existing hook still fits (a new argument in a
//! `#[non_exhaustive]` point, a new key), and the major version when it
//! changes in a way a hook may not (an argument's type or meaning).
//!
//! # Single points
//!
//! `#[hookpoint(ChooseModel, single)]` declares a point that admits one
//! hook per tenant: choosing the model, the retriever, the answer's
//! language, where two hooks would overrule each other. Two hooks *run* for
//! the same tenant when:
//!
//! - both name the tenant, or
//! - one of them serves every tenant (no `tenant`, or its crate bound to
//!   `*` in `link!`; a crate bound to several tenants serves each of them),
//!   and the other serves any.
//!
//! Hooks of different tenants never conflict; a hook the configuration
//! switches off does not count (one *enabled* hook per tenant); matchers do
//! not make room (two hooks of one tenant with different `tool = "..."`
//! patterns still conflict: a single point's hook answers every call of
//! its tenant).
//!
//! A conflict cannot be a build error: each hook crate compiles on its own,
//! without knowing which other hook crates the deployment binary will link
//! beside it (`inventory` gathers them only when that binary is linked),
//! and which tenants each serves is decided by the deployment's `link!` and
//! configuration. It is found at start-up instead:
//!
//! - [`verify_linked`](crate::verify_linked) fails with
//!   [`LinkError::SingleHookConflict`](crate::LinkError::SingleHookConflict)
//!   naming the point, the tenant and both hooks;
//! - a call of that tenant runs neither hook: it fails with
//!   [`HookError::Blocked`](crate::HookError::Blocked) by
//!   [`SINGLE_POINT_GUARD`], whose reason names both, and the audit log has
//!   its line; calls of other tenants run as usual;
//! - registering a hook at run time for a tenant that already has one there
//!   fails with
//!   [`RegisterError::Occupied`](crate::runtime::RegisterError::Occupied)
//!   naming the hook in place.
//!
//! None of this costs a call anything: conflicts are found when the
//! point's table is built, and a conflicting tenant's chain is the guard.
//!
//! [`linked_points`](crate::linked_points) and
//! [`linked_hooks`](crate::linked_hooks) list each point's version and
//! whether it is single, and each hook's contract.

use std::fmt;

/// A contract version, `major.minor`: what a point declares
/// (`version = "2.1"`) or what a hook is written for (`contract = "2.0"`).
///
/// ```
/// use agenthooks::contract::Version;
///
/// let point = Version::new(2, 1);
/// assert!(point.accepts(Version::new(2, 0)));
/// assert!(!point.accepts(Version::new(2, 2)));
/// assert!(!point.accepts(Version::new(1, 0)));
/// assert_eq!(point.to_string(), "2.1");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// Changes when the contract changes in a way a hook may not fit.
    pub major: u32,
    /// Grows when the contract grows in a way every hook still fits.
    pub minor: u32,
}

impl Version {
    /// The version `major.minor`.
    pub const fn new(major: u32, minor: u32) -> Self {
        Version { major, minor }
    }

    /// Whether a point at this version accepts a hook written for `hook`:
    /// the same major version, and a minor version no older than the
    /// hook's.
    pub const fn accepts(self, hook: Version) -> bool {
        self.major == hook.major && self.minor >= hook.minor
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The path of the guard that stands in for the hooks of a tenant with
/// more than one hook at a single point: the `hook` of the
/// [`Blocked`](crate::Blocked) error and of the audit line.
pub const SINGLE_POINT_GUARD: &str = "agenthooks::contract::single_point";
