//! The keys the executor keeps pattern state under: one per hook, and per
//! tenant, so that no tenant's calls or failures reach another tenant's
//! state (see the layout in [`store`](super)).
//!
//! Every part is escaped (`%` as `%25`, `/` as `%2F`) and every scope is
//! named by a tag at a fixed place, so that two different (point, hook,
//! tenant, session) never make one key, whatever text a tenant or session
//! id holds.

use crate::patterns::Per;
use crate::{HookMeta, Session};

/// The bucket a call of `meta` for `session` takes from, under a limit
/// counted per `per`.
pub(crate) fn rate(meta: &HookMeta, per: Per, session: &Session) -> String {
    let mut key = start("rate", meta, session, per == Per::Session);
    match per {
        Per::Tenant => tenant(&mut key, session),
        Per::Session => {
            tenant(&mut key, session);
            key.push_str("/session");
            part(&mut key, session.session_id());
        }
        Per::Hook => {}
    }
    key
}

/// The breaker a call of `meta` for `session` asks and reports to.
pub(crate) fn breaker(meta: &HookMeta, session: &Session) -> String {
    let mut key = start("breaker", meta, session, false);
    tenant(&mut key, session);
    key
}

/// `<kind>/<point>/<hook>`, with room for the rest of the key.
fn start(kind: &str, meta: &HookMeta, session: &Session, with_session: bool) -> String {
    let ids = session.tenant_id().map_or(0, str::len) + if with_session { session.session_id().len() } else { 0 };
    // The tags and separators, and a few escapes.
    let mut key = String::with_capacity(kind.len() + meta.point.len() + meta.path.len() + ids + 32);
    key.push_str(kind);
    part(&mut key, meta.point);
    part(&mut key, meta.path);
    key
}

/// `/tenant/<id>`, or `/no-tenant` for a session without one.
fn tenant(key: &mut String, session: &Session) {
    match session.tenant_id() {
        Some(tenant) => {
            key.push_str("/tenant");
            part(key, tenant);
        }
        None => key.push_str("/no-tenant"),
    }
}

/// `/` and `text`, escaped.
fn part(key: &mut String, text: &str) {
    key.push('/');
    if !text.bytes().any(|byte| matches!(byte, b'/' | b'%')) {
        key.push_str(text);
        return;
    }
    for char in text.chars() {
        match char {
            '/' => key.push_str("%2F"),
            '%' => key.push_str("%25"),
            other => key.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn meta(point: &'static str, path: &'static str) -> HookMeta {
        HookMeta {
            point,
            name: "guard",
            crate_name: "acme_hooks",
            module: "acme_hooks",
            path,
            tenant: None,
            order: 0,
            timeout_ms: 500,
            fallback: false,
            kind: crate::HookKind::Observer,
            is_async: false,
            mode: crate::policy::Mode::Enforce,
            matchers: &[],
            patterns: None,
            contract: None,
        }
    }

    fn session(id: &str, tenant: Option<&str>) -> Session {
        let session = Session::new(id);
        match tenant {
            Some(tenant) => session.with_tenant(tenant),
            None => session,
        }
    }

    #[test]
    fn keys_name_the_kind_point_hook_and_scope() {
        let meta = meta("before_search", "acme_hooks::quota");
        let acme = session("s-1", Some("acme"));
        assert_eq!(rate(&meta, Per::Tenant, &acme), "rate/before_search/acme_hooks::quota/tenant/acme");
        assert_eq!(rate(&meta, Per::Session, &acme), "rate/before_search/acme_hooks::quota/tenant/acme/session/s-1");
        assert_eq!(rate(&meta, Per::Hook, &acme), "rate/before_search/acme_hooks::quota");
        assert_eq!(breaker(&meta, &acme), "breaker/before_search/acme_hooks::quota/tenant/acme");
        let alone = session("s-1", None);
        assert_eq!(rate(&meta, Per::Session, &alone), "rate/before_search/acme_hooks::quota/no-tenant/session/s-1");
        assert_eq!(breaker(&meta, &alone), "breaker/before_search/acme_hooks::quota/no-tenant");
    }

    #[test]
    fn parts_that_hold_separators_are_escaped() {
        let meta = meta("p", "plugin/50%");
        let session = session("a/b", Some("x%2Fy"));
        assert_eq!(rate(&meta, Per::Session, &session), "rate/p/plugin%2F50%25/tenant/x%252Fy/session/a%2Fb");
    }

    #[test]
    fn no_two_scopes_share_a_key_whatever_their_ids_hold() {
        let ids = ["", "a", "b", "a/b", "b/a", "a%2Fb", "tenant", "no-tenant", "session", "a/session/b", "/", "%"];
        let hooks = [meta("p", "h"), meta("p", "h/tenant"), meta("p/h", "tenant"), meta("p", "h/no-tenant")];
        let mut seen = HashSet::new();
        let mut made = 0;
        for hook in &hooks {
            for tenant in ids.iter().map(Some).chain([None]) {
                for id in ids {
                    let session = session(id, tenant.copied());
                    let keys = [
                        rate(hook, Per::Session, &session),
                        rate(hook, Per::Tenant, &session),
                        rate(hook, Per::Hook, &session),
                        breaker(hook, &session),
                    ];
                    // One key per distinct scope: the tenant's and the hook's
                    // keys repeat for each session id.
                    for key in keys {
                        seen.insert(key);
                    }
                    made += 1;
                }
            }
        }
        let per_hook = ids.len() + 1;
        let expected = hooks.len() * (per_hook * ids.len() + per_hook + 1 + per_hook);
        assert_eq!(made, hooks.len() * per_hook * ids.len());
        assert_eq!(seen.len(), expected, "two scopes met in one key");
    }
}
