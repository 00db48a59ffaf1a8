//! Tests of the code the agenthooks macros accept and reject; the crate
//! itself is empty.
//!
//! - `tests/ui.rs` compiles each file of `fail/`, one mistake a user can
//!   make, and compares the errors with the `.stderr` beside it: each must
//!   name the fix and point at the user's token.
//! - `tests/hygiene.rs` expands every macro in a crate that shadows the
//!   prelude and declares `mod core` and `mod std`.
//! - `tests/lints.rs` expands every macro under `#![deny(warnings)]` and
//!   clippy pedantic.
