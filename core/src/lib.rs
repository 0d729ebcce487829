//! MudRock core: everything that must run the same in the browser (wasm32), at the edge and natively.
//!
//! No async runtime and no I/O of its own: readers take `std::io::Read`, writers take `std::io::Write`,
//! and storage lives in the crates that own a runtime.

pub mod cache;
pub mod las;
pub mod layout;
pub mod model;
pub mod petro;
pub mod query;
pub mod spatial;
pub mod validation;

#[cfg(feature = "arrow")]
pub mod arrow;
