//! What ingesting one file did: the per-file report the CLI prints and `--json` emits.
//!
//! The report itself stays in the backend (it carries what the CLI shows: the path, the objects written);
//! the ingest route turns it into the contract's `IngestedFile`.

use serde::{Deserialize, Serialize};

/// The status and warnings of a report are the API contract's own types (`mudrock-shared`), so the CLI's
/// `--json` and the ingest route say the same thing in the same words.
pub use mudrock_shared::ingest::IngestStatus;
/// A warning about the file: a repair the LAS reader made, or a validation check's finding.
pub use mudrock_shared::ingest::IngestWarning as ReportWarning;

/// One file's ingest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestReport {
    /// The file as given (path on disk, or the name passed with the bytes).
    pub path: String,
    /// `None` only when the file could not be read at all.
    pub sha256: Option<String>,
    pub well_id: Option<String>,
    pub well_name: Option<String>,
    pub log_id: Option<String>,
    pub rows: u64,
    pub curves: u32,
    pub warnings: Vec<ReportWarning>,
    pub status: IngestStatus,
    /// Why the file was rejected or failed; `None` when it was stored or unchanged.
    pub reason: Option<String>,
    /// Size of the file.
    pub bytes: u64,
    pub seconds: f64,
    /// The objects this ingest wrote (log Parquet, raw LAS, catalogs); empty when nothing was written.
    pub objects: Vec<String>,
    #[serde(default)]
    /// The `well_logs` Iceberg snapshot that holds this file's samples (`None` without Iceberg tables).
    pub snapshot_id: Option<i64>,
}

impl IngestReport {
    /// A report with nothing known yet but the file.
    pub fn new(path: impl Into<String>) -> Self {
        IngestReport {
            path: path.into(),
            sha256: None,
            well_id: None,
            well_name: None,
            log_id: None,
            rows: 0,
            curves: 0,
            warnings: Vec::new(),
            status: IngestStatus::Failed,
            reason: None,
            bytes: 0,
            seconds: 0.0,
            objects: Vec::new(),
            snapshot_id: None,
        }
    }
}
