//! The wells, logs and curves catalogs. Their rows and Parquet encoding are what the server and the
//! edge worker share (`mudrock_common::catalog`); loading and saving them through the storage manager,
//! and writing a well's tops, are the server's.

pub use mudrock_common::catalog::*;

mod store;
pub mod tops;

pub use store::CatalogStore;
