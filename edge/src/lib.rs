//! MudRock backend: object storage over OpenDAL, LAS ingestion with validation, the wells/logs/curves
//! catalogs, the demo data set, the `mudrock` command line and HTTP API — and, built for wasm32, the edge
//! worker that answers the light routes from a bucket and forwards the heavy ones to the backend.
//!
//! Both targets build `catalog`, `error` and `http` (what the server and the worker share); the rest is
//! native (tokio, DataFusion, OpenDAL) or worker-only (workers-rs). This file is where that is decided.

pub mod catalog;
pub mod error;
pub mod http;

#[cfg(not(target_arch = "wasm32"))]
pub mod api;
#[cfg(not(target_arch = "wasm32"))]
pub mod c_heap;
#[cfg(not(target_arch = "wasm32"))]
pub mod cache;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
#[cfg(not(target_arch = "wasm32"))]
pub mod demo;
#[cfg(not(target_arch = "wasm32"))]
pub mod discover;
#[cfg(not(target_arch = "wasm32"))]
pub mod ingest;
#[cfg(not(target_arch = "wasm32"))]
pub mod lakehouse;
#[cfg(not(target_arch = "wasm32"))]
pub mod metadata;
#[cfg(not(target_arch = "wasm32"))]
pub mod query;
#[cfg(not(target_arch = "wasm32"))]
pub mod report;
#[cfg(not(target_arch = "wasm32"))]
pub mod storage;
// LAS checks and repairs need no I/O: they live in core, so the browser's import preview gives the
// verdict the server will give.
pub use mudrock_core::validation;
pub use mudrock_core::validation::repair;

#[cfg(target_arch = "wasm32")]
pub mod worker;

pub use error::{Error, ErrorKind, Result};
#[cfg(not(target_arch = "wasm32"))]
pub use ingest::Ingestor;
#[cfg(not(target_arch = "wasm32"))]
pub use report::{IngestReport, IngestStatus, ReportWarning};
#[cfg(not(target_arch = "wasm32"))]
pub use storage::{Backend, ObjectMeta, S3Config, StorageConfig, StorageManager};
