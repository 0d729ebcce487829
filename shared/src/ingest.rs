//! `POST /v1/projects/{project}/ingest`: LAS files uploaded as `multipart/form-data` (any field name;
//! each file part is one LAS file, named by its `filename`), answered with one report per file.

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
    /// Storage or the system failed (not the file's fault); trying again may work.
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

    /// Stored now or before: the file is in the project.
    pub fn is_success(self) -> bool {
        matches!(self, IngestStatus::Ok | IngestStatus::Unchanged)
    }
}

/// A repair the LAS reader made, or a validation finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestWarning {
    /// `reader`, `repair`, `header`, `ingest` or the validation check's name.
    pub source: String,
    /// 1-based line in the file, when the warning is about one line.
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for IngestWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {} [{}]", self.message, self.source),
            None => write!(f, "{} [{}]", self.message, self.source),
        }
    }
}

/// What ingesting one uploaded file did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestedFile {
    /// The part's file name.
    pub file: String,
    pub status: IngestStatus,
    /// Why the file was rejected or failed.
    pub reason: Option<String>,
    pub sha256: Option<String>,
    pub well_id: Option<String>,
    pub well_name: Option<String>,
    pub log_id: Option<String>,
    pub rows: u64,
    pub curves: u32,
    pub bytes: u64,
    pub seconds: f64,
    pub warnings: Vec<IngestWarning>,
    /// The project's `well_logs` Iceberg snapshot holding the file's samples: what `?as_of=` takes to read
    /// the project as it was right after this file. Absent where the server keeps no Iceberg tables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestResponse {
    pub project_id: String,
    pub files: Vec<IngestedFile>,
}

impl IngestResponse {
    /// True when every file was stored or was already there.
    pub fn all_ok(&self) -> bool {
        self.files
            .iter()
            .all(|f| matches!(f.status, IngestStatus::Ok | IngestStatus::Unchanged))
    }
}
