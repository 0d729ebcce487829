//! MudRock backend: object storage over OpenDAL, LAS ingestion with validation, the wells/logs/curves
//! catalogs, the demo data set and the `mudrock` command line.

pub mod api;
pub mod cache;
pub mod catalog;
pub mod cli;
pub mod demo;
pub mod discover;
pub mod error;
pub mod ingest;
pub mod query;
pub mod repair;
pub mod report;
pub mod storage;
pub mod validation;

pub use error::{Error, ErrorKind, Result};
pub use ingest::Ingestor;
pub use report::{IngestReport, IngestStatus, ReportWarning};
pub use storage::{Backend, ObjectMeta, StorageConfig, StorageManager};
