//! Single points' conflicts: more than one hook running for one tenant at
//! a point that admits one (see [`contract`](crate::contract)), and the
//! guard that runs instead of them.

use std::sync::Arc;

use crate::contract::SINGLE_POINT_GUARD;
use crate::error::LinkError;
use crate::hook::{Hook, HookFn, HookKind, HookMeta, DEFAULT_TIMEOUT_MS};
use crate::point::HookPoint;
use crate::policy::Mode;
use crate::{intern, Outcome};

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
    let (module, name) = SINGLE_POINT_GUARD.rsplit_once("::").unwrap_or(("agenthooks", SINGLE_POINT_GUARD));
    let meta = intern::meta(HookMeta {
        point: P::NAME,
        name,
        crate_name: "agenthooks",
        module,
        path: SINGLE_POINT_GUARD,
        tenant: conflict.tenant,
        order: i32::MIN,
        timeout_ms: DEFAULT_TIMEOUT_MS,
        fallback: false,
        kind: HookKind::Observer,
        is_async: false,
        mode: Mode::Enforce,
        matchers: &[],
        contract: None,
    });
    let hooks = conflict.hooks.iter().map(|path| format!("`{path}`")).collect::<Vec<_>>().join(", ");
    let reason = format!(
        "`{}` admits one hook per tenant, and {} run for {}; none of them ran: keep one (see `agenthooks::verify_linked`)",
        P::NAME,
        hooks,
        for_tenant(conflict.tenant),
    );
    Hook::new(meta, HookFn::ObserverClosure(Arc::new(move |_| Ok(Outcome::Block(reason.clone())))))
}

/// How a message names `tenant`, or every tenant for `None`.
pub(crate) fn for_tenant(tenant: Option<&str>) -> String {
    tenant.map_or_else(|| "every tenant".to_owned(), |tenant| format!("tenant `{tenant}`"))
}
