//! Edge integration tests: one binary, one module per subject.

mod api;
mod cache;
mod cli;
mod cutting_proxy;
mod demo;
mod export;
mod hostile;
mod ingest;
mod lakehouse;
mod metadata;
mod postgres;
mod postgrest_recording;
mod query;
mod seaweedfs;
mod slt;
mod storage_behaviour;
mod support;
