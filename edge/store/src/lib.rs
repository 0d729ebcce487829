//! MudRock's store (native): a project's data and where each fact of it lives. Object storage over
//! OpenDAL ([`storage`]), the Iceberg tables that are the record ([`lakehouse`]), the Parquet catalogs
//! derived from them ([`catalog`]), the metadata store that owns a well's mutable header ([`metadata`]),
//! and LAS ingestion into all of them ([`ingest`]), with the demo data set ([`demo`]).
//!
//! Which store owns which fact: `edge/STORES.md`. The query engine (`mudrock-engine`) reads what this
//! crate writes; nothing here knows about SQL sessions or HTTP.
//!
//! What the edge worker shares with the server — the error type, the catalogs' rows and encoding, the
//! light routes' HTTP logic — is `mudrock-common` (built for wasm32 too), re-exported here under the same
//! names (`error`, `http`, and `catalog` with the server's storage-bound parts added).

pub mod catalog;
pub mod demo;
pub mod discover;
pub mod ingest;
pub mod lakehouse;
pub mod metadata;
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
