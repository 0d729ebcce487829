//! MudRock's query engine (native) and the application over it: SQL over a project's tables with
//! DataFusion ([`query`]), the multi-tier cache in front of it ([`cache`]), the answer formats
//! ([`encode`]), and [`service`] — the facade per project (`window`, `sql`, `ingest`) that the HTTP
//! server, the CLI and the tests call. It reads and writes through `mudrock-store`.

pub mod cache;
pub mod encode;
pub mod query;
pub mod service;

pub use service::{Project, Service};

pub use mudrock_common::error::{Error, ErrorKind, Result};
