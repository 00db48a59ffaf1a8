//! What the binary links: every hook registered by `#[hook]`, every point
//! declared by `#[hookpoint]`, every hook crate named by `link!`.
//!
//! Registration happens at link time through `inventory`: a hook crate that
//! the binary never names is not linked, so its hooks are not here.
//! [`linked_hooks`] lists what is, and [`verify_linked`] fails at start-up
//! when a crate named in `link!` registered nothing.

use std::any::{Any, TypeId};
use std::collections::BTreeSet;

use crate::error::LinkError;
use crate::hook::{Hook, HookMeta};
use crate::point::HookPoint;

/// One hook as `#[hook]` registers it: the point it belongs to and the hook,
/// with its concrete type erased.
#[doc(hidden)]
pub struct HookRegistration {
    point: fn() -> TypeId,
    meta: &'static HookMeta,
    hook: &'static (dyn Any + Send + Sync),
}

impl HookRegistration {
    /// The registration of `hook` for point `P`.
    pub const fn new<P: HookPoint>(hook: &'static Hook<P>) -> Self {
        HookRegistration { point: TypeId::of::<P>, meta: &hook.meta, hook }
    }
}

/// A point as `#[hookpoint]` declares it.
#[derive(Debug, PartialEq, Eq)]
pub struct PointInfo {
    /// The point's name, e.g. `before_search`.
    pub name: &'static str,
    /// The module that declares the point, crate included.
    pub module: &'static str,
    /// The point's argument fields, in signature order.
    pub fields: &'static [&'static str],
    /// Whether the point is an `async fn` and so accepts `async fn` hooks.
    pub is_async: bool,
}

/// A hook crate the binary expects, as `link!` names it.
#[doc(hidden)]
pub struct ExpectedCrate(pub &'static str);

inventory::collect!(HookRegistration);
inventory::collect!(PointInfo);
inventory::collect!(ExpectedCrate);

/// Every hook linked to point `P`, in no particular order.
pub(crate) fn hooks_of<P: HookPoint>() -> Vec<&'static Hook<P>> {
    let point = TypeId::of::<P>();
    inventory::iter::<HookRegistration>
        .into_iter()
        .filter(|registration| (registration.point)() == point)
        .filter_map(|registration| registration.hook.downcast_ref::<Hook<P>>())
        .collect()
}

/// Every hook linked into this binary, sorted by point and then in chain
/// order (order, crate, module, name).
///
/// ```
/// for hook in agenthooks::linked_hooks() {
///     println!("{hook}");
/// }
/// ```
pub fn linked_hooks() -> Vec<&'static HookMeta> {
    let mut hooks: Vec<_> =
        inventory::iter::<HookRegistration>.into_iter().map(|registration| registration.meta).collect();
    hooks.sort_by_key(|meta| (meta.point, meta.chain_key()));
    hooks
}

/// Every hook point linked into this binary, sorted by name.
pub fn linked_points() -> Vec<&'static PointInfo> {
    let mut points: Vec<_> = inventory::iter::<PointInfo>.into_iter().collect();
    points.sort_by_key(|point| (point.name, point.module));
    points
}

/// Checks that each crate named by a `link!` in this binary registered at
/// least one hook.
///
/// Call it at start-up: a hook crate can be linked yet empty (a feature
/// switched off, a `cfg` that removed its hooks), and this says so instead
/// of letting the agent run without them.
pub fn verify_linked() -> Result<(), LinkError> {
    let expected: Vec<&str> = inventory::iter::<ExpectedCrate>.into_iter().map(|krate| krate.0).collect();
    require_crates(&expected)
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
        inventory::iter::<HookRegistration>.into_iter().map(|registration| registration.meta.crate_name).collect();
    let missing: BTreeSet<String> =
        crates.iter().filter(|krate| !present.contains(**krate)).map(|krate| (*krate).to_owned()).collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(LinkError::MissingHookCrates { missing: missing.into_iter().collect() })
    }
}
