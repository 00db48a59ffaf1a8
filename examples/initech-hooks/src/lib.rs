//! Tenant `initech`'s hooks: its search policy, written in Cedar and put
//! to every search by the ready-made policy hook of `agenthooks-cedar`.

use std::sync::LazyLock;

use agenthooks::{hook, Ctx, Outcome};
use agenthooks_cedar::{Policies, Resource};
use search_agent::BeforeSearch;

/// The policies, parsed once. A file that does not parse makes every
/// search of initech fail closed (the hook panics, the executor blocks the
/// call and audits why); the test below keeps that from shipping.
static POLICIES: LazyLock<Policies> =
    LazyLock::new(|| include_str!("../policies/search.cedar").parse().expect("initech's search policies parse"));

/// Puts each search of initech to its Cedar policies: the principal is the
/// session, the resource the query, the context what the policies read.
/// A denied search is blocked, its audit line naming the policy
/// (`cedar: deny by no-pay-data`).
#[hook(BeforeSearch, tenant = "initech", order = 1)]
pub fn search_policy(ctx: &Ctx<BeforeSearch>) -> Outcome {
    POLICIES.check(ctx, Resource::new("Query", &ctx.query), &serde_json::json!({ "query": ctx.query }))
}

#[cfg(test)]
mod tests {
    use super::POLICIES;

    #[test]
    fn the_policies_parse_with_their_ids() {
        assert_eq!(POLICIES.ids(), ["initech-may-search", "no-pay-data"]);
    }
}
