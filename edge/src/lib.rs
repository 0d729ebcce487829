//! MudRock backend (native): object storage over OpenDAL, LAS ingestion, the wells/logs/curves catalogs,
//! the Iceberg tables, the metadata stores, the query engine and its caches, the demo data set, the HTTP
//! API and the `mudrock` command line.
//!
//! What the edge worker shares with it — the error type, the catalogs' rows and encoding, the light
//! routes' HTTP logic — is `mudrock-common` (built for wasm32 too), re-exported here under the same
//! names (`error`, `http`, and `catalog` with the server's storage-bound parts added).

pub mod api;
pub mod c_heap;
pub mod cache;
pub mod catalog;
pub mod cli;
pub mod demo;
pub mod discover;
pub mod ingest;
pub mod lakehouse;
pub mod metadata;
pub mod query;
pub mod report;
pub mod storage;

pub use mudrock_common::{error, http};
// LAS checks and repairs need no I/O: they live in core, so the browser's import preview gives the
// verdict the server will give.
pub use mudrock_core::validation;
pub use mudrock_core::validation::repair;

pub use error::{Error, ErrorKind, Result};
pub use ingest::Ingestor;
pub use report::{IngestReport, IngestStatus, ReportWarning};
pub use storage::{Backend, ObjectMeta, S3Config, StorageConfig, StorageManager};
