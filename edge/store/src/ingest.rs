//! The ingest pipeline: LAS bytes in, log Parquet + raw bytes + catalog rows out.
//!
//! Per file: sha256 → already stored? → parse (core) → validate → Arrow (with the key columns) → the
//! tables take the log's new curves → Parquet, encoded once while the raw bytes are written → write the
//! log Parquet → register that same file in the Iceberg tables → the catalogs. Nothing is written before
//! validation passes, and the catalogs come last, so a crash leaves at worst unreferenced objects —
//! never a catalog row pointing at missing data. Files run in parallel (at most `concurrency` at
//! once); parsing and encoding are CPU work and run on tokio's blocking pool.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use arrow_array::RecordBatch;
use bytes::Bytes;
use futures::StreamExt;
use mudrock_core::arrow::{
    BatchOptions, ParquetOptions, append_key_columns, las_into_record_batch_with, write_parquet,
};
use mudrock_core::las::{Column, LasErrorKind, LasFile, ReadLimits};
use mudrock_core::layout::{CatalogType, Layout, LogId, ProjectId, WellId};
use mudrock_core::model::{CurveMeta, LocationConfidence, WellHeader};
use sha2::{Digest, Sha256};

use crate::catalog::{Catalog, CatalogStore, CurveRow, LogEntry, LogRow, WellRow};
use crate::error::{Error, ErrorKind, Result};
use crate::lakehouse::{LakeLog, LakeTable, Lakehouse, ViewVersion, unix_ms};
use crate::metadata::{self, MetadataStore, ProjectScope};
use crate::report::{IngestReport, IngestStatus, ReportWarning};
use crate::storage::StorageManager;
use crate::validation::{KnownLog, Registry, check_file};

/// Bytes of LAS files that [`Ingestor::ingest_files`] reads and works on at once (KiB), beyond which the
/// next file waits: each costs about three times its size while it is parsed, encoded and written.
const BYTES_IN_FLIGHT_KIB: u32 = 256 << 10;

/// Files of [`Ingestor::ingest_files`] that may wait for their commit, written, beyond those worked on.
const FILES_AWAITING_COMMIT: usize = 32;

/// The working slot and the bytes a file of [`Ingestor::ingest_files`] holds until only its commit is
/// left (empty for the other ways in: they bound their files by their own streams).
#[derive(Default)]
struct Admission<'a>(Vec<tokio::sync::SemaphorePermit<'a>>);

/// The settings of [`ReadLimits`], one per field: `MUDROCK_MAX_CURVES`, `MUDROCK_MAX_LINE_BYTES`,
/// `MUDROCK_MAX_SECTION_ITEMS`, `MUDROCK_MAX_HEADER_BYTES`.
pub const ENV_READ_LIMITS: [&str; 4] = [
    "MUDROCK_MAX_CURVES",
    "MUDROCK_MAX_LINE_BYTES",
    "MUDROCK_MAX_SECTION_ITEMS",
    "MUDROCK_MAX_HEADER_BYTES",
];

/// The reader's limits from [`ENV_READ_LIMITS`] (each unset one keeps its default); a value that is not
/// a positive number is an error naming the variable.
pub fn read_limits_from_env() -> Result<ReadLimits> {
    let mut limits = ReadLimits::DEFAULT;
    let fields = [
        &mut limits.max_curves,
        &mut limits.max_line_bytes,
        &mut limits.max_section_items,
        &mut limits.max_header_bytes,
    ];
    for (name, field) in ENV_READ_LIMITS.iter().zip(fields) {
        let Ok(text) = std::env::var(name) else {
            continue;
        };
        *field = match text.trim().parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => {
                return Err(Error::new(
                    ErrorKind::ConfigInvalid,
                    format!("{name} must be a positive whole number (got `{text}`)"),
                ));
            }
        };
    }
    Ok(limits)
}

/// What [`Ingestor::refresh_views`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Refreshed {
    /// The table state the catalogs now show.
    pub version: ViewVersion,
    /// Why the wells catalog lacks the metadata store's corrections, when it does.
    pub warning: Option<String>,
}

/// Ingests LAS files into projects. Clones share storage, catalogs and the per-project locks.
#[derive(Clone)]
pub struct Ingestor {
    storage: StorageManager,
    layout: Layout,
    catalogs: CatalogStore,
    validation: Arc<Registry>,
    concurrency: usize,
    /// Where each ingest, and the well, log and curves it added, are recorded (`None`: nowhere).
    metadata: Option<Arc<dyn MetadataStore>>,
    /// The project's Iceberg tables, appended to by every ingest (`None`: Parquet layout only).
    lakehouse: Option<Lakehouse>,
    /// What one file may make the reader hold (curves, line and header sizes).
    read_limits: ReadLimits,
}

impl Ingestor {
    pub fn new(storage: StorageManager, layout: Layout) -> Self {
        // Two files per core: while one file waits on its writes or its commit, another is parsed and
        // encoded, and files that finish together share a commit (measured on 40 × 5.5 MB files, 2
        // cores: 3.8 s with one file per core, 40 commits per table; ~3.0 s with two, ~23 commits).
        // Files read from disk get twice as many working slots, and may wait for their commit beyond
        // them: see `ingest_files`.
        let concurrency = 2 * std::thread::available_parallelism().map_or(2, |n| n.get());
        Ingestor {
            catalogs: CatalogStore::new(storage.clone(), layout.clone()),
            storage,
            layout,
            validation: Arc::new(Registry::standard()),
            concurrency,
            metadata: None,
            lakehouse: None,
            read_limits: ReadLimits::DEFAULT,
        }
    }

    /// Reads files within these limits instead of the reader's defaults (see [`read_limits_from_env`]).
    pub fn with_read_limits(mut self, limits: ReadLimits) -> Self {
        self.read_limits = limits;
        self
    }

    /// Appends every ingested log to these Iceberg tables too (one commit per file and table).
    pub fn with_lakehouse(mut self, lakehouse: Lakehouse) -> Self {
        self.lakehouse = Some(lakehouse);
        self
    }

    pub fn lakehouse(&self) -> Option<&Lakehouse> {
        self.lakehouse.as_ref()
    }

    /// Records every ingest (and the well, log and curves it added) in this metadata store too.
    pub fn with_metadata(mut self, store: Arc<dyn MetadataStore>) -> Self {
        self.metadata = Some(store);
        self
    }

    pub fn metadata(&self) -> Option<&Arc<dyn MetadataStore>> {
        self.metadata.as_ref()
    }

    /// How many files are worked on at once (default: twice the number of CPU cores).
    pub fn with_concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// How many files are worked on at once.
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    pub fn with_validation(mut self, registry: Registry) -> Self {
        self.validation = Arc::new(registry);
        self
    }

    pub fn catalogs(&self) -> &CatalogStore {
        &self.catalogs
    }

    pub fn storage(&self) -> &StorageManager {
        &self.storage
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Reads and ingests the files in parallel; `on_done` sees each report as its file finishes. The
    /// reports come back in the order of `paths`.
    pub async fn ingest_files<F>(
        &self,
        project: &ProjectId,
        paths: &[PathBuf],
        on_done: F,
    ) -> Vec<IngestReport>
    where
        F: Fn(&IngestReport),
    {
        // A file holds a working slot (`concurrency` of them, twice the cores) and its bytes from the
        // bytes budget (`BYTES_IN_FLIGHT_KIB`; a file bigger than the budget takes all of it and runs
        // alone) while it is read, parsed, encoded and written, and lets both go once only its commit is
        // left: the next files start while it waits for the group commit, so the cores stay busy during
        // commits and more files share each one (40 × 5.5 MB, 2 cores: 12 commits per table, alternately of
        // 1 and ~7 files, when the slot was held through the commit; benches/RESULTS.md).
        let working = tokio::sync::Semaphore::new(2 * self.concurrency);
        let budget = tokio::sync::Semaphore::new(BYTES_IN_FLIGHT_KIB as usize);
        let (working, budget) = (&working, &budget);
        let mut indexed: Vec<(usize, IngestReport)> = futures::stream::iter(paths.iter().enumerate())
            .map(|(i, path)| async move {
                let size = tokio::fs::metadata(path).await.map_or(0, |m| m.len());
                let kib = size.div_ceil(1024).clamp(1, BYTES_IN_FLIGHT_KIB as u64) as u32;
                // Neither semaphore is ever closed, so acquiring cannot fail; were it to, the file runs anyway.
                let mut held = Admission::default();
                held.0.extend(working.acquire().await.ok());
                held.0.extend(budget.acquire_many(kib).await.ok());
                (i, self.read_and_ingest(project, path, held).await)
            })
            .buffer_unordered(FILES_AWAITING_COMMIT + self.concurrency)
            .inspect(|(_, report)| on_done(report))
            .collect()
            .await;
        indexed.sort_by_key(|(i, _)| *i);
        let mut reports: Vec<IngestReport> = indexed.into_iter().map(|(_, r)| r).collect();
        self.publish(project, &mut reports).await;
        reports
    }

    /// Rebuilds the project's catalogs from its tables (see [`crate::lakehouse::view`]) until the
    /// tables did not move while they were written: of several processes ingesting at once, the last
    /// view written shows every commit. A project whose catalogs predate the tables being the record
    /// has them taken into the tables first. Nothing to do with the tables off (the catalogs are the
    /// record then, written by each ingest).
    pub async fn refresh_views(&self, project: &ProjectId) -> Result<Refreshed> {
        const ATTEMPTS: usize = 20;
        let Some(lakehouse) = &self.lakehouse else {
            return Ok(Refreshed::default());
        };
        crate::lakehouse::pause_at(crate::lakehouse::PAUSE_BEFORE_VIEW_ENV).await;
        let stored = self.catalogs.logs_metadata(project).await?;
        if ViewVersion::from_metadata(&stored).is_none() {
            let legacy = self.catalogs.load(project).await?;
            lakehouse.adopt_catalog(project, &legacy).await?;
        }
        for _ in 0..ATTEMPTS {
            let (mut catalog, shown) = lakehouse.catalog_view(project).await?;
            let warning = self.apply_headers(project, &mut catalog).await.err();
            self.catalogs
                .publish(project, &catalog, &shown.to_metadata())
                .await?;
            if lakehouse.view_version(project).await? == shown {
                return Ok(Refreshed {
                    version: shown,
                    warning: warning.map(|e| {
                        format!(
                            "the wells catalog shows the headers as the logs gave them, without the corrections \
                             kept in the metadata store: {e}"
                        )
                    }),
                });
            }
        }
        Err(Error::new(
            ErrorKind::Unavailable,
            format!(
                "the tables of project {project} kept changing while its catalogs were rebuilt ({ATTEMPTS} times); \
                 the next ingest rebuilds them"
            ),
        )
        .with_retryable(true))
    }

    /// A well's header has one mutable home, the metadata store (edge/STORES.md): where it holds a value
    /// (a corrected name, UWI or location), the wells catalog shows that value rather than the one the
    /// logs' headers gave. Without a metadata store the logs' values stand.
    async fn apply_headers(&self, project: &ProjectId, catalog: &mut crate::catalog::Catalog) -> Result<()> {
        let Some(store) = &self.metadata else {
            return Ok(());
        };
        let scope = ProjectScope::new(project.clone());
        let records = store.wells(&scope).await?;
        let by_id: std::collections::HashMap<&str, &metadata::WellRecord> =
            records.iter().map(|r| (r.well_id.as_str(), r)).collect();
        for well in &mut catalog.wells {
            let Some(record) = by_id.get(well.well_id.as_str()) else {
                continue;
            };
            if record.name.is_some() {
                well.name.clone_from(&record.name);
            }
            if record.uwi.is_some() {
                well.uwi.clone_from(&record.uwi);
            }
            if record.api.is_some() {
                well.api.clone_from(&record.api);
            }
            if let (Some(lat), Some(lon)) = (record.lat, record.lon) {
                (well.lat, well.lon) = (Some(lat), Some(lon));
            }
        }
        Ok(())
    }

    /// After a batch of ingests: the catalogs shown to readers are rebuilt once. The files are in either
    /// way; a failed rebuild is a warning on each file that went in.
    async fn publish(&self, project: &ProjectId, reports: &mut [IngestReport]) {
        if self.lakehouse.is_none() {
            return;
        }
        let message = match self.refresh_views(project).await {
            Ok(refreshed) => refreshed.warning,
            Err(e) => Some(format!(
                "the file is in the project's tables, but its catalogs were not rebuilt: {e}"
            )),
        };
        if let Some(message) = message {
            for report in reports.iter_mut().filter(|r| r.status == IngestStatus::Ok) {
                report.warnings.push(ReportWarning {
                    source: "catalogs".to_owned(),
                    line: None,
                    message: message.clone(),
                });
            }
        }
    }

    /// The project's stored logs that its Iceberg tables lack (logs ingested before the tables existed,
    /// or with the tables off), as (source file name, SHA-256), in catalog order.
    pub async fn logs_missing_from_tables(&self, project: &ProjectId) -> Result<Vec<(String, String)>> {
        let lakehouse = self
            .lakehouse
            .as_ref()
            .ok_or_else(|| crate::lakehouse::no_tables("backfill"))?;
        let catalog = self.catalogs.load(project).await?;
        let present = lakehouse.committed_sources(project, LakeTable::WellLogs).await?;
        Ok(catalog
            .logs
            .iter()
            .filter(|l| !present.contains(&l.sha256))
            .map(|l| (l.source_file.clone(), l.sha256.clone()))
            .collect())
    }

    /// Puts `missing` (from [`Ingestor::logs_missing_from_tables`]) into the Iceberg tables from the
    /// original bytes kept under `raw/`. Each goes through the ordinary ingest, which finds the log
    /// catalogued and completes what is missing; `on_done` sees each report.
    pub async fn backfill_tables<F>(
        &self,
        project: &ProjectId,
        missing: Vec<(String, String)>,
        on_done: F,
    ) -> Vec<IngestReport>
    where
        F: Fn(&IngestReport),
    {
        let mut reports: Vec<IngestReport> = futures::stream::iter(missing)
            .map(|(name, sha)| async move {
                let bytes = match self.layout.raw_las(project, &sha) {
                    Ok(path) => self.storage.download(&path).await,
                    Err(e) => Err(Error::from(e)),
                };
                match bytes {
                    Ok(bytes) => {
                        self.ingest_unpublished(project, &name, bytes, Admission::default())
                            .await
                    }
                    Err(e) => {
                        let mut report = IngestReport::new(name);
                        report.sha256 = Some(sha);
                        report.status = IngestStatus::Failed;
                        report.reason = Some(format!("the original bytes under raw/ cannot be read: {e}"));
                        report
                    }
                }
            })
            .buffer_unordered(self.concurrency)
            .inspect(|report| on_done(report))
            .collect()
            .await;
        self.publish(project, &mut reports).await;
        reports
    }

    /// Reads one file from disk and ingests it (the catalogs rebuilt after it).
    pub async fn ingest_file(&self, project: &ProjectId, path: &Path) -> IngestReport {
        let mut reports = [self.read_and_ingest(project, path, Admission::default()).await];
        self.publish(project, &mut reports).await;
        let [report] = reports;
        report
    }

    /// Ingests one file's bytes (the catalogs rebuilt after it); `name` is the original file name,
    /// kept in the catalogs.
    pub async fn ingest_bytes(&self, project: &ProjectId, name: &str, bytes: Bytes) -> IngestReport {
        let mut reports = [self
            .ingest_unpublished(project, name, bytes, Admission::default())
            .await];
        self.publish(project, &mut reports).await;
        let [report] = reports;
        report
    }

    /// Ingests several files' bytes, as many at once as [`Ingestor::concurrency`], then rebuilds the
    /// catalogs once. Each source is awaited when its turn comes (an upload spooled to disk is read
    /// then); a source that fails to give its bytes is a failed file. Reports in the order given.
    pub async fn ingest_many<S, F>(&self, project: &ProjectId, sources: Vec<(String, S)>) -> Vec<IngestReport>
    where
        S: std::future::Future<Output = std::result::Result<Bytes, F>>,
        F: std::fmt::Display,
    {
        let mut reports: Vec<IngestReport> = futures::stream::iter(sources)
            .map(|(name, source)| async move {
                match source.await {
                    Ok(bytes) => {
                        self.ingest_unpublished(project, &name, bytes, Admission::default())
                            .await
                    }
                    Err(e) => {
                        let mut report = IngestReport::new(name);
                        report.status = IngestStatus::Failed;
                        report.reason = Some(format!("the upload cannot be read back: {e}"));
                        report
                    }
                }
            })
            .buffered(self.concurrency)
            .collect()
            .await;
        self.publish(project, &mut reports).await;
        reports
    }

    /// Reads one file from disk and ingests it, leaving the catalogs to the caller.
    async fn read_and_ingest(&self, project: &ProjectId, path: &Path, held: Admission<'_>) -> IngestReport {
        let shown = path.display().to_string();
        match tokio::fs::read(path).await {
            Ok(bytes) => {
                let name = path
                    .file_name()
                    .map_or(shown.clone(), |n| n.to_string_lossy().into_owned());
                let mut report = self
                    .ingest_unpublished(project, &name, Bytes::from(bytes), held)
                    .await;
                report.path = shown;
                report
            }
            Err(e) => {
                let mut report = IngestReport::new(shown);
                report.status = IngestStatus::Failed;
                report.reason = Some(format!("cannot read the file: {e}"));
                report
            }
        }
    }

    /// Ingests one file's bytes into the tables, leaving the catalogs (views of the tables) to the
    /// caller: see [`Ingestor::publish`].
    async fn ingest_unpublished(
        &self,
        project: &ProjectId,
        name: &str,
        bytes: Bytes,
        held: Admission<'_>,
    ) -> IngestReport {
        let started = Instant::now();
        let started_at_ms = unix_ms();
        let mut report = IngestReport::new(name);
        report.bytes = bytes.len() as u64;
        let mut added = None;
        if let Err(e) = self
            .run(project, name, bytes, held, &mut report, &mut added)
            .await
        {
            report.status = match e.kind() {
                ErrorKind::InvalidInput => IngestStatus::Rejected,
                _ => IngestStatus::Failed,
            };
            report.reason = Some(e.to_string());
        }
        if let Some(store) = &self.metadata
            && let Err(e) = record(store.as_ref(), project, &report, added, started_at_ms).await
        {
            // The data is stored and catalogued either way; the report says what the record lacks.
            report.warnings.push(ReportWarning {
                source: "metadata".to_owned(),
                line: None,
                message: format!(
                    "the ingest is stored but not recorded in the {} metadata store: {e}",
                    store.kind()
                ),
            });
        }
        report.seconds = started.elapsed().as_secs_f64();
        report
    }

    async fn run(
        &self,
        project: &ProjectId,
        name: &str,
        bytes: Bytes,
        held: Admission<'_>,
        report: &mut IngestReport,
        added_rows: &mut Option<LogEntry>,
    ) -> Result<()> {
        let hashed = bytes.clone();
        let sha256 = tokio::task::spawn_blocking(move || hex::encode(Sha256::digest(&hashed)))
            .await
            .map_err(crate::storage::task_failed)?;
        report.sha256 = Some(sha256.clone());
        let raw_path = self.layout.raw_las(project, &sha256)?;

        let catalog = self.catalogs.load(project).await?;
        let catalogued = catalog.log_by_sha256(&sha256).is_some();
        if let Some(known) = catalog.log_by_sha256(&sha256) {
            let well = WellId::new(&known.well_id)?;
            let log = LogId::new(&known.log_id)?;
            let log_path = self.layout.well_log(project, &well, &log);
            let in_tables = match &self.lakehouse {
                Some(lakehouse) => lakehouse.contains(project, LakeTable::WellLogs, &sha256).await?,
                None => true,
            };
            if in_tables && self.storage.exists(&raw_path).await? && self.storage.exists(&log_path).await? {
                report.status = IngestStatus::Unchanged;
                report.well_id = Some(known.well_id.clone());
                report.well_name = well_name(&catalog, &known.well_id);
                report.log_id = Some(known.log_id.clone());
                report.rows = known.rows;
                report.curves = known.curves;
                return Ok(());
            }
            // Catalogued but an object is gone (deleted by hand, or a crash), or the tables lack it:
            // ingest again to repair.
        }

        let known_logs: Vec<KnownLog> = catalog
            .logs
            .iter()
            .map(|l| KnownLog {
                well_id: l.well_id.clone(),
                log_id: l.log_id.clone(),
                data_set: l.data_set.clone(),
                source_file: l.source_file.clone(),
                sha256: l.sha256.clone(),
            })
            .collect();
        let registry = self.validation.clone();
        let (source, raw) = (name.to_owned(), bytes.clone());
        let sha = sha256.clone();
        let limits = self.read_limits;
        let prepared =
            tokio::task::spawn_blocking(move || prepare(&raw, &source, &sha, &registry, &known_logs, limits))
                .await
                .map_err(crate::storage::task_failed)?;
        let prepared = match prepared {
            Prepared::Rejected { reason, warnings } => {
                report.warnings = warnings;
                return Err(Error::new(ErrorKind::InvalidInput, reason));
            }
            Prepared::Ready(ready) => ready,
        };
        let Ready {
            well_id,
            log_id,
            samples,
            entry,
            warnings,
        } = *prepared;
        report.well_id = Some(well_id.to_string());
        report.well_name = entry.well.name.clone();
        report.log_id = Some(log_id.to_string());
        report.rows = entry.log.rows;
        report.curves = entry.log.curves;
        report.warnings = warnings;

        // Validation passed: the raw bytes are stored while the log is encoded (on another core).
        let raw_upload = {
            let (storage, path, bytes) = (self.storage.clone(), raw_path.clone(), bytes);
            tokio::spawn(async move { storage.upload(&path, bytes).await })
        };
        let encoded = self.encode_for_tables(project, samples).await;
        let raw_stored = raw_upload.await.map_err(crate::storage::task_failed)?;
        let log_path = self.layout.well_log(project, &well_id, &log_id);
        // The log Parquet, once the raw bytes are in; the Iceberg tables after both (see the module doc).
        let stored = match (encoded, raw_stored) {
            (Ok(parquet), Ok(())) => self
                .storage
                .upload(&log_path, parquet.clone())
                .await
                .map(|()| parquet),
            (Err(e), _) | (Ok(_), Err(e)) => Err(e),
        };
        let parquet = match stored {
            Ok(parquet) => parquet,
            Err(e) => {
                // Not a crash: clean up rather than leave an orphan (a refused file leaves nothing).
                // Best effort; the error that matters is `e`. Both keys are derived from the bytes' hash,
                // so only an ingest of the very same bytes at the very same moment shares them — and it
                // meets the same refusal, or repairs the objects on its rerun (see `run`'s check).
                let _ = self.storage.delete(&raw_path).await;
                let _ = self.storage.delete(&log_path).await;
                return Err(e);
            }
        };
        report.objects = vec![log_path.clone(), raw_path];
        // Written: only the commit is left, so the next file may start (see `ingest_files`).
        drop(held);

        if let Some(lakehouse) = &self.lakehouse {
            let log = LakeLog {
                sha256: &sha256,
                source_file: name,
                log_id: log_id.as_str(),
                path: &log_path,
                parquet: &parquet,
                entry: &entry,
            };
            let appended = lakehouse.append_log(project, &log).await?;
            report.snapshot_id = Some(appended.snapshot_id);
            // The tables are the record: the log is in once its `logs` row is (the catalogs follow,
            // rebuilt from the tables after the batch).
            if appended.added {
                *added_rows = Some(entry);
            }
            self.settle(project, report, appended.added, catalogued);
            return Ok(());
        }

        // With the tables off, the catalogs are the record: each ingest adds its rows.
        let mut added = false;
        self.catalogs
            .update(project, |catalog| {
                // Two concurrent ingests of the same bytes: the second finds the first's rows.
                added = catalog.log_by_sha256(&sha256).is_none();
                if added {
                    *added_rows = Some(entry.clone());
                    catalog.upsert(entry);
                }
                added
            })
            .await?;
        self.settle(project, report, added, catalogued);
        Ok(())
    }

    /// A curve whose type conflicts with the project's well_logs table is refused here, before the log
    /// is written. Then the table takes the log's new curves, and the samples get its field ids: the file
    /// encoded is the one the table registers.
    async fn encode_for_tables(&self, project: &ProjectId, samples: RecordBatch) -> Result<Bytes> {
        let samples = match &self.lakehouse {
            Some(lakehouse) => lakehouse.prepare_log(project, &samples).await?,
            None => samples,
        };
        tokio::task::spawn_blocking(move || encode(&samples))
            .await
            .map_err(crate::storage::task_failed)?
            .map_err(|reason| Error::new(ErrorKind::InvalidInput, reason))
    }

    /// A stored file's outcome: `Ok` when this ingest added its log (the catalogs then change too) or put
    /// back the missing objects of a catalogued one; else `Unchanged` (another ingest of the same bytes
    /// got there first) with no object reported.
    fn settle(&self, project: &ProjectId, report: &mut IngestReport, added: bool, catalogued: bool) {
        if added || catalogued {
            report.status = IngestStatus::Ok;
            if added {
                let catalogs = [CatalogType::Curves, CatalogType::Logs, CatalogType::Wells];
                report
                    .objects
                    .extend(catalogs.map(|kind| self.layout.catalog(project, kind)));
            }
        } else {
            report.status = IngestStatus::Unchanged;
            report.objects.clear();
        }
    }
}

/// The ingest in the metadata store: the project, and for a file that added a log its well, log and
/// curves, then the ingest's own record (keyed by the file's hash and start time).
async fn record(
    store: &dyn MetadataStore,
    project: &ProjectId,
    report: &IngestReport,
    added: Option<LogEntry>,
    started_at_ms: i64,
) -> Result<()> {
    let scope = ProjectScope::new(project.clone());
    if store.project(&scope).await?.is_none() {
        store.put_project(&scope, project.as_str()).await?;
    }
    if let Some(LogEntry { well, log, curves }) = added {
        // Added, not put: a header corrected in the metadata store stays corrected.
        store
            .add_well(
                &scope,
                &metadata::WellRecord {
                    well_id: well.well_id.clone(),
                    name: well.name,
                    uwi: well.uwi,
                    api: well.api,
                    lat: well.lat,
                    lon: well.lon,
                    depth_unit: well.depth_unit,
                },
            )
            .await?;
        let curves: Vec<metadata::CurveRecord> = curves
            .into_iter()
            .map(|c| metadata::CurveRecord {
                well_id: c.well_id,
                log_id: c.log_id,
                mnemonic: c.mnemonic,
                unit: c.unit,
                family: c.family,
                min: c.min,
                max: c.max,
            })
            .collect();
        let log = metadata::LogRecord {
            well_id: log.well_id,
            log_id: log.log_id,
            sha256: log.sha256,
            source_file: log.source_file,
            rows: i64::try_from(log.rows).unwrap_or(i64::MAX),
        };
        store.put_log(&scope, &log, &curves).await?;
    }
    let sha = report.sha256.clone().unwrap_or_default();
    store
        .put_ingest(
            &scope,
            &metadata::IngestRecord {
                ingest_id: format!("{started_at_ms}-{}", &sha[..sha.len().min(16)]),
                file_name: report.path.clone(),
                sha256: sha,
                status: report.status.as_str().to_owned(),
                message: report.reason.clone(),
                started_at_ms,
                finished_at_ms: Some(unix_ms()),
            },
        )
        .await
}

fn well_name(catalog: &Catalog, well_id: &str) -> Option<String> {
    catalog
        .wells
        .iter()
        .find(|w| w.well_id == well_id)
        .and_then(|w| w.name.clone())
}

enum Prepared {
    Rejected {
        reason: String,
        warnings: Vec<ReportWarning>,
    },
    Ready(Box<Ready>),
}

struct Ready {
    well_id: WellId,
    log_id: LogId,
    /// The samples as Arrow, with their key columns: what is stored, once encoded.
    samples: RecordBatch,
    entry: LogEntry,
    warnings: Vec<ReportWarning>,
}

/// The CPU part of an ingest before the tables are asked: parse, validate, convert. Writes nothing.
fn prepare(
    bytes: &[u8],
    source: &str,
    sha256: &str,
    registry: &Registry,
    known_logs: &[KnownLog],
    limits: ReadLimits,
) -> Prepared {
    let mut las = match mudrock_core::las::read_bytes_with_limits(bytes, limits) {
        Ok(las) => las,
        Err(e) if e.kind == LasErrorKind::Limit => {
            return Prepared::Rejected {
                reason: format!(
                    "the file is larger than this server accepts: {e} (settings {})",
                    ENV_READ_LIMITS.join(", ")
                ),
                warnings: Vec::new(),
            };
        }
        Err(e) => {
            return Prepared::Rejected {
                reason: format!("not a readable LAS file: {e}"),
                warnings: Vec::new(),
            };
        }
    };
    let verdict = check_file(&mut las, registry, sha256, known_logs);
    // Core's notes become the API contract's warnings here, field for field.
    let mut warnings: Vec<ReportWarning> = verdict
        .notes
        .into_iter()
        .map(|n| ReportWarning {
            source: n.source,
            line: n.line,
            message: n.message,
        })
        .collect();
    let columns = mudrock_core::arrow::column_names(&las.log.curves);
    for (info, column) in las.log.curves.iter().zip(&columns).skip(1) {
        if *column != info.mnemonic {
            warnings.push(ReportWarning {
                source: "ingest".to_owned(),
                line: (info.line > 0).then_some(info.line),
                message: format!(
                    "curve {} is column {column} in the tables (a column name cannot hold a '.', nor repeat \
                     another's); its mnemonic is kept in the column's metadata",
                    info.mnemonic
                ),
            });
        }
    }
    if let Some(reason) = verdict.rejection {
        return Prepared::Rejected { reason, warnings };
    }
    let (header, well_id) = (verdict.header, verdict.well_id);
    let log_id = LogId::derive(sha256, None);

    // The catalog entry reads the values, so it comes first: the encoder then takes the file whole.
    let entry = catalog_entry(
        &las,
        &header,
        &well_id,
        &log_id,
        source,
        sha256,
        bytes.len() as u64,
    );
    let grid_cell = entry
        .well
        .lat
        .zip(entry.well.lon)
        .and_then(|(lat, lon)| crate::lakehouse::grid_cell(lat, lon));
    let samples = match to_arrow(las, &well_id, &log_id, sha256, grid_cell) {
        Ok(samples) => samples,
        Err(reason) => return Prepared::Rejected { reason, warnings },
    };
    Prepared::Ready(Box::new(Ready {
        well_id,
        log_id,
        samples,
        entry,
        warnings,
    }))
}

/// LAS → Arrow through core, with the key columns; core sorts the rows by increasing depth. Takes the
/// file so that its columns move into the Arrow batch instead of being copied (peak memory of an
/// ingest).
fn to_arrow(
    las: LasFile,
    well_id: &WellId,
    log_id: &LogId,
    sha256: &str,
    grid_cell: Option<i64>,
) -> std::result::Result<RecordBatch, String> {
    let options = BatchOptions {
        log_id: Some(log_id.clone()),
        source_sha256: Some(sha256.to_owned()),
    };
    las_into_record_batch_with(las, well_id, &options)
        .and_then(|batch| append_key_columns(&batch, well_id, log_id, grid_cell))
        .map_err(|e| format!("cannot convert the log data to Arrow: {e}"))
}

/// The stored log's bytes: the one Parquet encoding of an ingest.
fn encode(samples: &RecordBatch) -> std::result::Result<Bytes, String> {
    write_parquet(samples, &ParquetOptions::default())
        .map_err(|e| format!("cannot encode the log data as Parquet: {e}"))
}

fn catalog_entry(
    las: &LasFile,
    header: &WellHeader,
    well_id: &WellId,
    log_id: &LogId,
    source: &str,
    sha256: &str,
    bytes: u64,
) -> LogEntry {
    let log = &las.log;
    let rows = log.rows() as u64;
    // A curve is catalogued under its column's name in the tables (`Cond.` is column `Cond`); the index
    // under the file's mnemonic, which the log row's depth fields describe.
    let columns = mudrock_core::arrow::column_names(&log.curves);
    let curves: Vec<CurveRow> = log
        .curves
        .iter()
        .zip(&log.columns)
        .zip(columns)
        .enumerate()
        .map(|(i, ((info, column), name))| {
            let meta = if i == 0 {
                CurveMeta::from_index_info(info)
            } else {
                CurveMeta::from_info(info)
            };
            let (min, max, nulls) = column_stats(column);
            CurveRow {
                well_id: well_id.to_string(),
                log_id: log_id.to_string(),
                mnemonic: if i == 0 { meta.mnemonic } else { name },
                unit: meta.unit,
                family: meta.family.as_str().to_owned(),
                description: meta.description,
                min,
                max,
                null_count: nulls,
                rows,
            }
        })
        .collect();
    let (start, stop) = curves.first().map_or((None, None), |c| (c.min, c.max));
    let depth_unit = log
        .curves
        .first()
        .map(|c| c.unit.trim().to_owned())
        .filter(|u| !u.is_empty());
    let step = header.index.step;
    let log_row = LogRow {
        well_id: well_id.to_string(),
        log_id: log_id.to_string(),
        data_set: log.name.clone(),
        source_file: source.to_owned(),
        sha256: sha256.to_owned(),
        rows,
        curves: log.curves.len() as u32,
        start,
        stop,
        step,
        depth_unit: depth_unit.clone(),
        bytes,
    };
    let location = header.location.as_ref();
    let well = WellRow {
        well_id: well_id.to_string(),
        name: header.name.clone(),
        uwi: header.uwi.clone(),
        api: header.api.clone(),
        company: header.company.clone(),
        field: header.field.clone(),
        country: header.country.clone(),
        lat: location.map(|l| l.latitude),
        lon: location.map(|l| l.longitude),
        location_confidence: location.map(|l| confidence_name(l.confidence).to_owned()),
        start,
        stop,
        step,
        depth_unit,
        n_logs: 0,
        source_files: Vec::new(),
    };
    LogEntry {
        well,
        log: log_row,
        curves,
    }
}

fn confidence_name(c: LocationConfidence) -> &'static str {
    match c {
        LocationConfidence::High => "high",
        LocationConfidence::Medium => "medium",
        LocationConfidence::Low => "low",
    }
}

/// Minimum, maximum (ignoring nulls) and null count of a column; text columns have no range.
fn column_stats(column: &Column) -> (Option<f64>, Option<f64>, u64) {
    match column {
        Column::Numeric(values) => {
            let mut nulls = 0u64;
            let mut range: Option<(f64, f64)> = None;
            for &v in values {
                if v.is_nan() {
                    nulls += 1;
                } else {
                    range = Some(range.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))));
                }
            }
            (range.map(|r| r.0), range.map(|r| r.1), nulls)
        }
        Column::Text(values) => (None, None, values.iter().filter(|v| v.is_none()).count() as u64),
    }
}
