#![cfg(not(target_arch = "wasm32"))]
//! Core integration tests: one binary, one module per area.
mod arrow;
mod cache;
mod las_conformance;
mod las_fuzz;
mod las_limits;
mod las_repairs;
mod las_writer;
mod layout;
mod model;
mod petro;
mod query;
mod spatial;
