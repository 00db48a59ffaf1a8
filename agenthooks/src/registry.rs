//! What the binary links: every hook registered by `#[hook]` and every point
//! declared by `#[hookpoint]`.
//!
//! Registration happens at link time through `inventory`: a hook crate that
//! the binary never names is not linked, so its hooks are not here.
//! [`linked_hooks`] and [`linked_points`] list what is.

use std::any::{Any, TypeId};

use crate::contract::Version;
use crate::error::LinkError;
use crate::hook::{Hook, HookMeta};
use crate::origin::{Origin, Site};
use crate::point::HookPoint;

/// One hook as `#[hook]` registers it: the point it belongs to, the hook,
/// with its concrete type erased, and the crate it comes from.
#[doc(hidden)]
pub struct HookRegistration {
    point: fn() -> TypeId,
    meta: &'static HookMeta,
    hook: &'static (dyn Any + Send + Sync),
    origin: Site,
}

impl HookRegistration {
    /// The registration of `hook` for point `P`, made in the crate that
    /// defines `O`, the type `#[hook]` defines beside it.
    pub const fn new<P: 'static, O: Origin>(hook: &'static Hook<P>) -> Self {
        HookRegistration { point: TypeId::of::<P>, meta: hook.meta, hook, origin: Site::of::<O>() }
    }

    pub(crate) fn meta(&self) -> &'static HookMeta {
        self.meta
    }

    /// The crate the registration comes from, as the compiler names it.
    pub(crate) fn krate(&self) -> &'static str {
        self.origin.krate()
    }
}

impl std::fmt::Debug for HookRegistration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HookRegistration").field("meta", self.meta).finish_non_exhaustive()
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
    /// Its contract version (`version = "2.1"`), if it declares one.
    pub version: Option<Version>,
    /// Whether it admits one hook per tenant (`single`).
    pub single: bool,
}

/// A point declared `single`, as `#[hookpoint]` registers it, for the
/// start-up check of its hooks.
#[doc(hidden)]
pub struct SinglePoint {
    conflict: fn() -> Option<LinkError>,
}

impl SinglePoint {
    /// The registration of the single point `P`.
    pub const fn new<P: HookPoint>() -> Self {
        SinglePoint { conflict: single_conflict::<P> }
    }
}

impl std::fmt::Debug for SinglePoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SinglePoint").finish_non_exhaustive()
    }
}

fn single_conflict<P: HookPoint>() -> Option<LinkError> {
    P::table().single_conflict()
}

inventory::collect!(HookRegistration);
inventory::collect!(PointInfo);
inventory::collect!(SinglePoint);

/// The first conflict at a single point, building the tables of those
/// points that no call built yet.
pub(crate) fn single_point_conflict() -> Option<LinkError> {
    inventory::iter::<SinglePoint>.into_iter().find_map(|point| (point.conflict)())
}

/// Every hook linked to point `P`, in no particular order.
pub(crate) fn hooks_of<P: 'static>() -> Vec<&'static Hook<P>> {
    let point = TypeId::of::<P>();
    inventory::iter::<HookRegistration>
        .into_iter()
        .filter(|registration| (registration.point)() == point)
        .filter_map(|registration| registration.hook.downcast_ref::<Hook<P>>())
        .collect()
}

/// Every hook registration linked into this binary.
pub(crate) fn registrations() -> impl Iterator<Item = &'static HookRegistration> {
    inventory::iter::<HookRegistration>.into_iter()
}

/// Every hook linked into this binary, sorted by point and then in chain
/// order (order, crate, module, name). Hooks the deployment's `link!`
/// bindings keep from running are listed too: [`verify_linked`] reports
/// them.
///
/// [`verify_linked`]: crate::verify_linked
///
/// ```
/// for hook in agenthooks::linked_hooks() {
///     println!("{hook}");
/// }
/// ```
pub fn linked_hooks() -> Vec<&'static HookMeta> {
    let mut hooks: Vec<_> = inventory::iter::<HookRegistration>.into_iter().map(HookRegistration::meta).collect();
    hooks.sort_by_key(|meta| (meta.point, meta.chain_key()));
    hooks
}

/// Every hook point linked into this binary, sorted by name, then module.
pub fn linked_points() -> Vec<&'static PointInfo> {
    let mut points: Vec<_> = inventory::iter::<PointInfo>.into_iter().collect();
    points.sort_by_key(|point| (point.name, point.module));
    points
}
