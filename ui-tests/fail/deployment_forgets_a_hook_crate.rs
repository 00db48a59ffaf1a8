//! A deployment binary that depends on two hook crates and forgets one in
//! `link!`: under `unused_crate_dependencies` the build fails naming it. The
//! other dependencies of this test crate are named here so that only the
//! forgotten hook crate is reported.
#![deny(unused_crate_dependencies)]

use tokio as _;
use agenthooks_ui_tests as _;

agenthooks::link!(acme_hooks => "acme");

fn main() {}
