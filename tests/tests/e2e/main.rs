//! End-to-end tests: one binary, one module per scenario.

mod readme_demo;
