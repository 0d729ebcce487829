//! MudRock's query engine (native): SQL over a project's tables with DataFusion ([`query`]), and the
//! multi-tier cache in front of it ([`cache`]). It reads what `mudrock-store` writes; the HTTP server
//! and the CLI call it.

pub mod cache;
pub mod query;

pub use mudrock_common::error::{Error, ErrorKind, Result};
