//! Edge integration tests.
