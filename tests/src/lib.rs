//! Support shared by the integration tests of agenthooks.

pub mod meters;
