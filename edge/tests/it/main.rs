//! Edge integration tests: one binary, one module per subject.

mod api;
mod cache;
mod cli;
mod demo;
mod ingest;
mod query;
mod storage_behaviour;
mod support;
