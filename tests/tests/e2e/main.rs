//! End-to-end tests: one binary, one module per scenario.

mod edge_worker;
mod readme_demo;
mod viewer;
