//! Project and well metadata in a database: projects, wells, wellbores, logs, curves, tops, ingests and
//! pipeline executions, behind one [`MetadataStore`] trait with one behaviour suite over every store
//! (`tests/it/metadata.rs`):
//!
//! | store | where | isolation between projects |
//! |---|---|---|
//! | [`SqlStore`] on SQLite | embedded, the default (a file in the data dir, no server) | every statement scoped by the store |
//! | [`SqlStore`] on PostgreSQL | a server (a Supabase project's database works the same) | row-level security on every table |
//! | [`PostgrestStore`] | Supabase's REST face (`SUPABASE_URL` + key + a per-project JWT) | the database's RLS, through PostgREST |
//!
//! Every call names a [`ProjectScope`]: what a project token allows. A store never reads or writes another
//! project's rows for it. Schemas are SQL migrations applied when a store opens (`migrations/`).
//! [`CachedStore`] puts the reads through an L1 cache that every write of the project invalidates.

mod cached;
mod postgrest;
mod sql;

use async_trait::async_trait;
use mudrock_core::layout::ProjectId;
use serde::{Deserialize, Serialize};

pub use cached::CachedStore;
pub use postgrest::{
    PlannedRequest, PostgrestConfig, PostgrestError, PostgrestStore, error_from_response as postgrest_error,
};
pub use sql::{SqlStore, redact, write_ahead_log};

use crate::error::{ErrorKind, Result};

/// What a PostgreSQL SQLSTATE says about a refused statement, the same whether it came through sqlx or
/// through PostgREST: (kind, retryable, message). `None` for codes the stores read in their own way.
fn sqlstate_error(code: &str, message: &str) -> Option<(ErrorKind, bool, String)> {
    match code {
        // foreign key: the well or project is not there.
        "23503" => Some((
            ErrorKind::InvalidInput,
            false,
            "the record names a project or well that does not exist in this project".to_owned(),
        )),
        // unique / check violations
        c if c.starts_with("23") => Some((
            ErrorKind::Conflict,
            false,
            format!("the record conflicts with another: {message}"),
        )),
        // insufficient privilege: row-level security refused the row.
        "42501" => Some((
            ErrorKind::PermissionDenied,
            false,
            format!("the database refused the row for this project: {message}"),
        )),
        // serialization failure, deadlock: try again.
        "40001" | "40P01" => Some((ErrorKind::Conflict, true, message.to_owned())),
        _ => None,
    }
}

/// What a caller may touch: one project's rows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProjectScope(ProjectId);

impl ProjectScope {
    pub fn new(project: ProjectId) -> Self {
        ProjectScope(project)
    }

    pub fn project(&self) -> &ProjectId {
        &self.0
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectRecord {
    pub project_id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WellRecord {
    pub well_id: String,
    pub name: Option<String>,
    pub uwi: Option<String>,
    pub api: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub depth_unit: Option<String>,
}

impl WellRecord {
    /// This record, with the fields it lacks taken from `other` (what is here wins).
    pub fn filled_from(&self, other: &WellRecord) -> WellRecord {
        WellRecord {
            well_id: self.well_id.clone(),
            name: self.name.clone().or_else(|| other.name.clone()),
            uwi: self.uwi.clone().or_else(|| other.uwi.clone()),
            api: self.api.clone().or_else(|| other.api.clone()),
            lat: self.lat.or(other.lat),
            lon: self.lon.or(other.lon),
            depth_unit: self.depth_unit.clone().or_else(|| other.depth_unit.clone()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WellboreRecord {
    pub well_id: String,
    pub wellbore_id: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogRecord {
    pub well_id: String,
    pub log_id: String,
    pub sha256: String,
    pub source_file: String,
    pub rows: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurveRecord {
    pub well_id: String,
    pub log_id: String,
    pub mnemonic: String,
    pub unit: String,
    pub family: String,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// A formation top (marker) picked in a well, at measured depth `md`, from `source` (a file, a user).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopRecord {
    pub well_id: String,
    pub name: String,
    pub md: f64,
    pub source: String,
}

/// One file's ingest: started, then finished with a status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestRecord {
    pub ingest_id: String,
    pub file_name: String,
    pub sha256: String,
    pub status: String,
    pub message: Option<String>,
    pub started_at_ms: i64,
    pub finished_at_ms: Option<i64>,
}

/// One run of a pipeline node, by the content hash of its inputs and parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PipelineExecution {
    pub content_hash: String,
    pub pipeline: String,
    pub status: String,
    pub logs_uri: Option<String>,
    pub started_at_ms: i64,
    pub finished_at_ms: Option<i64>,
}

/// The metadata of every project, each call confined to one project's rows.
///
/// Writes are upserts by the record's key (writing the same record twice changes nothing). A record of a
/// well that does not exist in the project (a log, a top, a wellbore) is refused with
/// [`crate::ErrorKind::InvalidInput`], as is a well in a project that was never created.
#[async_trait]
pub trait MetadataStore: Send + Sync {
    /// `embedded`, `postgres`, `postgrest` (for messages).
    fn kind(&self) -> &'static str;

    /// Creates the project (or renames it).
    async fn put_project(&self, scope: &ProjectScope, name: &str) -> Result<()>;
    async fn project(&self, scope: &ProjectScope) -> Result<Option<ProjectRecord>>;

    /// Writes the well as given (a correction: the metadata store is the mutable home of a well's
    /// header; edge/STORES.md).
    async fn put_well(&self, scope: &ProjectScope, well: &WellRecord) -> Result<()>;
    /// Adds a well as an ingest read it from a log's header: a new well is inserted; for a well already
    /// there, only the fields it lacks are filled, so a value a user corrected is never overwritten by
    /// the next log of that well. Stores with an atomic upsert do it in one statement.
    async fn add_well(&self, scope: &ProjectScope, well: &WellRecord) -> Result<()> {
        let merged = match self.well(scope, &well.well_id).await? {
            Some(existing) => {
                let merged = existing.filled_from(well);
                if merged == existing {
                    return Ok(());
                }
                merged
            }
            None => well.clone(),
        };
        self.put_well(scope, &merged).await
    }
    /// The project's wells by id.
    async fn wells(&self, scope: &ProjectScope) -> Result<Vec<WellRecord>>;
    async fn well(&self, scope: &ProjectScope, well_id: &str) -> Result<Option<WellRecord>>;

    async fn put_wellbore(&self, scope: &ProjectScope, wellbore: &WellboreRecord) -> Result<()>;
    async fn wellbores(&self, scope: &ProjectScope, well_id: &str) -> Result<Vec<WellboreRecord>>;

    /// A log and its curves, in one transaction (no log is ever listed without its curves).
    async fn put_log(&self, scope: &ProjectScope, log: &LogRecord, curves: &[CurveRecord]) -> Result<()>;
    async fn logs(&self, scope: &ProjectScope, well_id: &str) -> Result<Vec<LogRecord>>;
    /// The well's curves, by log then mnemonic.
    async fn curves(&self, scope: &ProjectScope, well_id: &str) -> Result<Vec<CurveRecord>>;

    /// Replaces the tops of one well from one source (a re-read file replaces its own picks only).
    async fn replace_tops(
        &self,
        scope: &ProjectScope,
        well_id: &str,
        source: &str,
        tops: &[TopRecord],
    ) -> Result<()>;
    /// The well's tops by depth.
    async fn tops(&self, scope: &ProjectScope, well_id: &str) -> Result<Vec<TopRecord>>;

    async fn put_ingest(&self, scope: &ProjectScope, ingest: &IngestRecord) -> Result<()>;
    /// The project's ingests, oldest first.
    async fn ingests(&self, scope: &ProjectScope) -> Result<Vec<IngestRecord>>;

    async fn put_pipeline_execution(&self, scope: &ProjectScope, execution: &PipelineExecution)
    -> Result<()>;
    async fn pipeline_execution(
        &self,
        scope: &ProjectScope,
        content_hash: &str,
    ) -> Result<Option<PipelineExecution>>;
}
