//! Single points' conflicts: more than one hook running for one tenant at
//! a point that admits one (see [`contract`](crate::contract)), and the
//! guard that runs instead of them.

use crate::contract::SINGLE_POINT_GUARD;
use crate::error::LinkError;
use crate::hook::Hook;
use crate::point::HookPoint;

/// Hooks that run for one tenant at a single point, more than one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Conflict {
    /// The tenant; `None` for the chain of every tenant without one of its
    /// own (then every tenant has the conflict).
    pub(crate) tenant: Option<&'static str>,
    /// Their paths, in chain order.
    pub(crate) hooks: Vec<&'static str>,
}

impl Conflict {
    /// The start-up error for this conflict at the point named `point`,
    /// naming its first two hooks.
    pub(crate) fn to_link_error(&self, point: &'static str) -> LinkError {
        LinkError::SingleHookConflict { point, tenant: self.tenant, first: self.hooks[0], second: self.hooks[1] }
    }
}

/// The hook that stands in for the conflicting hooks of `conflict` at `P`:
/// it runs none of them and blocks the call, its reason naming them.
pub(crate) fn guard<P: HookPoint>(conflict: &Conflict) -> Hook<P> {
    let hooks = conflict.hooks.iter().map(|path| format!("`{path}`")).collect::<Vec<_>>().join(", ");
    let reason = format!(
        "`{}` admits one hook per tenant, and {} run for {}; none of them ran: keep one (see `agenthooks::verify_linked`)",
        P::NAME,
        hooks,
        for_tenant(conflict.tenant),
    );
    Hook::stand_in(SINGLE_POINT_GUARD, conflict.tenant, reason)
}

/// How a message names `tenant`, or every tenant for `None`.
pub(crate) fn for_tenant(tenant: Option<&str>) -> String {
    tenant.map_or_else(|| "every tenant".to_owned(), |tenant| format!("tenant `{tenant}`"))
}
