//! Tenant `acme`'s hooks: hold each session to acme's plan of searches a
//! minute, keep searches in the EU, refuse to research a competitor, ask
//! before searching confidential documents, sign every answer.

use agenthooks::{hook, Ctx, Outcome};
use search_agent::{BeforeAnswer, BeforeSearch};

/// acme's plan: 20 searches a minute per session. The executor counts them
/// before the hook runs; the 21st search of a minute is refused with
/// `HookError::RateLimited`, and audited with status `rate_limited`.
#[hook(BeforeSearch, tenant = "acme", order = 0, rate_limit = "20/1m per session")]
pub fn search_quota(_ctx: &Ctx<BeforeSearch>) -> Outcome {
    Outcome::Continue
}

/// Restricts every search to EU documents.
#[hook(BeforeSearch, tenant = "acme", order = 10, timeout_ms = 200)]
pub async fn eu_only(ctx: &mut Ctx<BeforeSearch>) -> Outcome {
    ctx.filters.region = Some("EU".into());
    Outcome::Continue
}

/// Blocks searches about the competitor.
#[hook(BeforeSearch, tenant = "acme", order = 20)]
pub fn no_competitor_research(ctx: &Ctx<BeforeSearch>) -> Outcome {
    if ctx.query.contains("globex") {
        Outcome::block("acme does not research globex")
    } else {
        Outcome::Continue
    }
}

/// Searches for confidential documents need a person's approval.
#[hook(BeforeSearch, tenant = "acme", order = 30)]
pub fn confidential_needs_approval(ctx: &Ctx<BeforeSearch>) -> Outcome {
    if ctx.query.contains("confidential") {
        Outcome::ask(format!("acme wants to search confidential documents: {:?}", ctx.query))
    } else {
        Outcome::Continue
    }
}

/// Signs every answer.
#[hook(BeforeAnswer, tenant = "acme")]
pub fn sign(ctx: &mut Ctx<BeforeAnswer>) -> Outcome {
    ctx.text.push_str(" (acme assistant)");
    Outcome::Continue
}
