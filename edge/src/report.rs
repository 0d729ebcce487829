//! What ingesting one file did: the per-file report the CLI prints and `--json` emits.
//!
//! These types live in the backend, not in `mudrock-shared`: no HTTP route returns them yet. They are
//! plain serde types so that the ingest route, when it comes, can move them into the API contract as
//! they are.

use serde::{Deserialize, Serialize};

/// How a file's ingest ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IngestStatus {
    /// Stored, and entered in the catalogs.
    Ok,
    /// These exact bytes were ingested before: nothing was written.
    Unchanged,
    /// The file is unreadable or invalid; nothing of it was written. `reason` says why.
    Rejected,
    /// Storage or the system failed (not the file's fault); trying again may work. `reason` says why.
    Failed,
}

impl IngestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            IngestStatus::Ok => "ok",
            IngestStatus::Unchanged => "unchanged",
            IngestStatus::Rejected => "rejected",
            IngestStatus::Failed => "failed",
        }
    }

    pub fn is_success(self) -> bool {
        matches!(self, IngestStatus::Ok | IngestStatus::Unchanged)
    }
}

/// A warning about the file: a repair the LAS reader made, or a validation check's finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportWarning {
    /// `reader` for the LAS reader's repairs, `header` for well-header problems, or the name of the
    /// validation check (`null_ratio`, `step` …).
    pub source: String,
    /// 1-based line in the file, when the warning is about one line.
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ReportWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {} [{}]", self.message, self.source),
            None => write!(f, "{} [{}]", self.message, self.source),
        }
    }
}

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
        }
    }
}
