//! Edge integration tests: one binary, one module per subject.

mod cli;
mod demo;
mod ingest;
mod storage_behaviour;
mod support;
