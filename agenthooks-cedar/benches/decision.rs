//! The cost of one decision: building the request from a session, a
//! resource and a serialized context, and evaluating it against 4 policies
//! and against 104 (100 for other tenants); and what reading the policy set
//! in force costs through an `ArcSwap` (what `Policies` uses) against a
//! `RwLock`. Run with `cargo bench -p agenthooks-cedar`.

use std::fmt::Write as _;
use std::hint::black_box;
use std::str::FromStr;
use std::sync::{Arc, RwLock};

use agenthooks::Session;
use agenthooks_cedar::{Policies, Resource};
use arc_swap::ArcSwap;
use cedar_policy::PolicySet;
use criterion::{criterion_group, criterion_main, Criterion};
use serde::Serialize;

const POLICIES: &str = r#"
@id("acme-search")
permit(principal in Tenant::"acme", action == Action::"before_tool_call", resource == Tool::"search");
@id("anyone-reads-docs")
permit(principal, action == Action::"before_tool_call", resource == Tool::"read") when { context.path like "/docs/*" };
@id("acme-shell")
permit(principal in Tenant::"acme", action == Action::"before_tool_call", resource == Tool::"shell");
@id("forbid-shell")
forbid(principal, action, resource == Tool::"shell");
"#;

#[derive(Serialize)]
struct ToolContext<'a> {
    path: &'a str,
}

/// [`POLICIES`] and 100 permits for other tenants.
fn many_policies() -> String {
    let mut text = POLICIES.to_owned();
    for tenant in 0..100 {
        writeln!(
            text,
            "@id(\"tenant-{tenant}\")\npermit(principal in Tenant::\"t{tenant}\", action == Action::\"before_tool_call\", \
             resource == Tool::\"search\") when {{ context.path like \"/t{tenant}/*\" }};"
        )
        .unwrap();
    }
    text
}

fn decision(c: &mut Criterion) {
    let mut group = c.benchmark_group("decision");
    let acme = Session::new("session-1").with_tenant("acme");
    let context = ToolContext { path: "/docs/guide.md" };
    for (name, text) in [("4_policies", POLICIES.to_owned()), ("104_policies", many_policies())] {
        let policies: Policies = text.parse().unwrap();
        for (outcome, tool) in [("allow", "search"), ("deny", "shell")] {
            let decision =
                policies.decide_for(&acme, "before_tool_call", Resource::new("Tool", tool), &context).unwrap();
            assert_eq!(decision.is_allowed(), outcome == "allow");
            group.bench_function(format!("{name}/{outcome}"), |b| {
                b.iter(|| {
                    policies.decide_for(black_box(&acme), "before_tool_call", Resource::new("Tool", tool), &context)
                });
            });
        }
    }
    group.finish();
}

fn read_in_force(c: &mut Criterion) {
    let mut group = c.benchmark_group("read_policies_in_force");
    let set = PolicySet::from_str(POLICIES).unwrap();
    let swap = ArcSwap::from_pointee(set.clone());
    let lock = RwLock::new(Arc::new(set));
    group.bench_function("arc_swap_load", |b| b.iter(|| black_box(swap.load().num_of_policies())));
    group.bench_function("rwlock_read", |b| {
        b.iter(|| black_box(lock.read().unwrap_or_else(std::sync::PoisonError::into_inner).num_of_policies()));
    });
    group.finish();
}

criterion_group!(benches, decision, read_in_force);
criterion_main!(benches);
