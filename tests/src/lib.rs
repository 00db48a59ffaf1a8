//! Support shared by the integration tests of agenthooks.
