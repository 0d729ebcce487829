//! Apache Iceberg tables per project (iceberg-rust): what ingest appends to, what time travel reads.
//!
//! Each project has a namespace (see [`tables::namespace`]) with the tables `well_logs`, `wells`,
//! `curves` and `tops` ([`LakeTable`]), their files under `{project}/iceberg/{table}/` in the storage
//! manager's warehouse. The catalog is SQL (embedded SQLite by default, or PostgreSQL) or REST
//! ([`config`]).
//!
//! **One encode, one commit per file and table.** A log's samples are stored once: the ingest writes
//! the log's Parquet file at its layout path (`wells/{w}/logs/{log}.parquet`, which the browser and the
//! worker range-read), with its key columns and the table's field ids ([`Lakehouse::prepare_log`]),
//! and that same file is registered in one `fast_append` commit of `well_logs` ([`data_file`]) whose
//! snapshot summary records the source's SHA-256 (`mudrock.source-sha256`). A file that was written
//! but not committed (a process killed in between) is never visible to the tables; ingesting the same
//! file again finds no snapshot with its hash and registers it once (a second registration of one
//! path is refused by the append's duplicate check and counts as done). A commit that loses a race
//! with another writer is replayed on the new table state (`commit.retry.num-retries`), so parallel
//! ingests all land. Projects ingested before this kept their own data files under
//! `well_logs/data/`; they stay readable, and new logs are registered the new way.
//!
//! **Schema evolution.** A log with curves the table has not seen adds them as optional columns first
//! (rows already there read them as null; old snapshots keep their old schema); a curve whose type
//! differs from the table's is refused before anything is written ([`batch::missing_columns`]).
//!
//! **Time travel.** [`Lakehouse::tables_as_of`] says which snapshot of each table a time or a snapshot id
//! means; the query engine reads the catalog tables at those snapshots and `well_logs` through the same
//! provider as current-state SQL, over the log files its snapshot lists ([`Lakehouse::logs_at`]).

mod append;
pub mod batch;
pub mod config;
pub mod data_file;
mod errors;
mod files;
pub mod tables;
pub mod time_travel;
pub mod view;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex as StdMutex};

use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use iceberg::io::{LocalFsStorageFactory, StorageFactory};
use iceberg::spec::{DataFileFormat, Snapshot, TableMetadata};
use iceberg::table::Table;
use iceberg::transaction::{AddColumn, ApplyTransactionAction, Transaction};
use iceberg::writer::base_writer::data_file_writer::DataFileWriterBuilder;
use iceberg::writer::file_writer::ParquetWriterBuilder;
use iceberg::writer::file_writer::location_generator::{DefaultFileNameGenerator, DefaultLocationGenerator};
use iceberg::writer::file_writer::rolling_writer::RollingFileWriterBuilder;
use iceberg::writer::{IcebergWriter, IcebergWriterBuilder};
use iceberg::{Catalog, CatalogBuilder, TableCreation, TableIdent};
use iceberg_catalog_rest::RestCatalogBuilder;
use iceberg_catalog_sql::SqlCatalogBuilder;
use iceberg_storage_opendal::OpenDalStorageFactory;
use mudrock_core::layout::ProjectId;
use mudrock_core::spatial::{CellGrid, DEFAULT_CELL_KM, Point};
use mudrock_shared::tops::TopList;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use sha2::Digest as _;

pub use config::{IcebergCatalog, LakehouseConfig};
use errors::from_iceberg;
pub use tables::LakeTable;
use tables::{GRID_CELL, LOG_ID, WELL_ID, namespace};
pub use time_travel::AsOf;
pub use view::ViewVersion;

use crate::catalog::{CurveRow, LogEntry};
use crate::error::{Error, ErrorKind, Result};

/// The snapshot summary key that records which source a commit added (a LAS file's SHA-256, or a
/// tops list's hash): how a repeated ingest knows it is already in.
pub const SOURCE_KEY: &str = "mudrock.source-sha256";
/// The snapshot summary key with the source's file name (shown by `mudrock snapshots`).
pub const SOURCE_FILE_KEY: &str = "mudrock.source-file";
/// Fault injection for the crash test: when this variable names a file, the ingest creates that file
/// just before its `well_logs` commit and waits there (the test kills the process with -9). Only
/// for tests; documented so that nobody is surprised by it.
pub const PAUSE_BEFORE_COMMIT_ENV: &str = "MUDROCK_FAULT_PAUSE_BEFORE_ICEBERG_COMMIT";
/// As [`PAUSE_BEFORE_COMMIT_ENV`], after an ingest's commits and before its catalogs are rebuilt.
pub const PAUSE_BEFORE_VIEW_ENV: &str = "MUDROCK_FAULT_PAUSE_BEFORE_VIEW";

/// What asking for the tables says where a deployment keeps none; `what` names what needed them.
pub fn no_tables(what: &str) -> Error {
    Error::new(
        ErrorKind::Unsupported,
        format!(
            "{what} needs the Iceberg tables, and there are none here (memory storage, or MUDROCK_ICEBERG_CATALOG=off)"
        ),
    )
}

/// A project's Iceberg tables in one catalog. Cheap to clone.
#[derive(Clone)]
pub struct Lakehouse {
    inner: Arc<Inner>,
}

struct Inner {
    catalog: Arc<dyn Catalog>,
    config: LakehouseConfig,
    described: String,
    /// Projects whose namespace and tables are known to exist.
    ready: StdMutex<HashSet<ProjectId>>,
    /// Per project, the files waiting for a group commit ([`append`]).
    groups: StdMutex<HashMap<ProjectId, Arc<append::Group>>>,
    /// Per project, `well_logs`' partition spec (MudRock never changes it once the table exists).
    spec_ids: StdMutex<HashMap<ProjectId, i32>>,
}

/// One ingested log for the tables: its stored file and catalog rows.
pub struct LakeLog<'a> {
    pub sha256: &'a str,
    pub source_file: &'a str,
    pub log_id: &'a str,
    /// The stored log's path in the project's storage (the layout's `wells/{w}/logs/{log}.parquet`),
    /// already written.
    pub path: &'a str,
    /// Its bytes: core's encoding of [`Lakehouse::prepare_log`]'s batch.
    pub parquet: &'a bytes::Bytes,
    /// Its well, log and curve rows.
    pub entry: &'a LogEntry,
}

/// What [`Lakehouse::append_log`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    /// The `well_logs` snapshot holding the log.
    pub snapshot_id: i64,
    /// Whether this call committed the log's `logs` row (false: the log was in already).
    pub added: bool,
}

/// A project's tables at one point of their history ([`Lakehouse::tables_as_of`]).
pub struct TablesAsOf {
    /// The `well_logs` snapshot (its log files: [`Lakehouse::logs_at`]).
    pub well_logs_snapshot: i64,
    /// Whether this state can never change (a snapshot a later `well_logs` commit followed).
    pub settled: bool,
    /// The other tables asked for (of `wells`, `curves`, `tops`, `logs`) as they were then.
    pub catalogs: Vec<TableAsOf>,
}

/// One table at one point of its history.
pub struct TableAsOf {
    pub table: LakeTable,
    /// The table as loaded now (its metadata holds every snapshot).
    pub loaded: Table,
    /// The snapshot to read; `None`: the table had no commit yet then.
    pub snapshot: Option<i64>,
}

impl TableAsOf {
    /// The schema the table was created with (what it shows where it had no commit yet).
    pub fn first_schema(&self) -> &iceberg::spec::Schema {
        first_schema(self.loaded.metadata())
    }
}

/// A commit, as `mudrock snapshots` lists it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SnapshotInfo {
    pub snapshot_id: i64,
    pub timestamp_ms: i64,
    pub operation: String,
    pub added_rows: Option<u64>,
    pub source_sha256: Option<String>,
    pub source_file: Option<String>,
    /// Whether it is the table's current snapshot.
    pub current: bool,
}

impl Lakehouse {
    /// Opens (and on first use creates) the catalog. Errors name the catalog and what to check.
    pub async fn open(config: LakehouseConfig) -> Result<Lakehouse> {
        let described = config.catalog.describe();
        let factory: Arc<dyn StorageFactory> = if config.warehouse.starts_with("s3://") {
            Arc::new(OpenDalStorageFactory::S3 {
                customized_credential_load: None,
            })
        } else {
            Arc::new(LocalFsStorageFactory)
        };
        let mut props = config.file_io.0.clone();
        let catalog: Arc<dyn Catalog> = match &config.catalog {
            IcebergCatalog::Sql { uri } => {
                props.insert("warehouse".to_owned(), config.warehouse.clone());
                if let Some(path) = sqlite_path(uri)
                    && let Some(dir) = path.parent()
                    && !dir.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(dir)?;
                }
                if uri.starts_with("sqlite:") {
                    // The catalog's file in write-ahead-log mode before the catalog connects (it keeps the
                    // mode): every commit syncs one file instead of three (see `write_ahead_log`).
                    sqlx::any::install_default_drivers();
                    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(uri)
                        .await
                        .map_err(|e| sqlite_error(e, &described))?;
                    crate::metadata::write_ahead_log(&mut conn)
                        .await
                        .map_err(|e| sqlite_error(e, &described))?;
                    let _ = sqlx::Connection::close(conn).await;
                }
                props.insert("uri".to_owned(), uri.clone());
                let bind = if uri.starts_with("sqlite:") {
                    "QMark"
                } else {
                    "DollarNumeric"
                };
                props.insert("sql_bind_style".to_owned(), bind.to_owned());
                let catalog = SqlCatalogBuilder::default()
                    .with_storage_factory(factory)
                    .load("mudrock", props)
                    .await
                    .map_err(|e| from_iceberg(e, &described, "open"))?;
                Arc::new(catalog)
            }
            IcebergCatalog::Rest {
                uri,
                credential,
                warehouse,
            } => {
                props.insert("uri".to_owned(), uri.clone());
                if let Some(warehouse) = warehouse {
                    props.insert("warehouse".to_owned(), warehouse.clone());
                }
                if let Some(credential) = credential {
                    props.insert("credential".to_owned(), credential.clone());
                }
                let catalog = RestCatalogBuilder::default()
                    .with_storage_factory(factory)
                    .load("mudrock", props)
                    .await
                    .map_err(|e| from_iceberg(e, &described, "open"))?;
                Arc::new(catalog)
            }
        };
        Ok(Lakehouse {
            inner: Arc::new(Inner {
                catalog,
                config,
                described,
                ready: StdMutex::default(),
                groups: StdMutex::default(),
                spec_ids: StdMutex::default(),
            }),
        })
    }

    /// `SQL catalog (sqlite)`, `REST catalog at …`: what messages name.
    pub fn describe(&self) -> &str {
        &self.inner.described
    }

    /// Where the tables' files live (`file:///…`, `s3://bucket/root`).
    pub fn warehouse(&self) -> &str {
        &self.inner.config.warehouse
    }

    /// Asks the catalog something (its namespaces): it answers and lets this process in.
    pub async fn check(&self) -> Result<()> {
        self.inner
            .catalog
            .list_namespaces(None)
            .await
            .map(|_| ())
            .map_err(self.err("list namespaces"))
    }

    pub fn catalog(&self) -> &Arc<dyn Catalog> {
        &self.inner.catalog
    }

    fn err(&self, operation: &'static str) -> impl Fn(iceberg::Error) -> Error + '_ {
        move |e| from_iceberg(e, &self.inner.described, operation)
    }

    /// Creates the project's namespace and tables where missing (another process creating them at the
    /// same time is fine).
    pub async fn ensure_project(&self, project: &ProjectId) -> Result<()> {
        if lock(&self.inner.ready).contains(project) {
            return Ok(());
        }
        let catalog = &self.inner.catalog;
        let ns = namespace(project);
        if !catalog
            .namespace_exists(&ns)
            .await
            .map_err(self.err("check a namespace"))?
        {
            let props = HashMap::from([("mudrock.project".to_owned(), project.to_string())]);
            if let Err(e) = catalog.create_namespace(&ns, props).await {
                // Another process may have created it first (SQL catalogs report that as a failed
                // unique constraint, not as "already exists"): look again before calling it an error.
                if !catalog.namespace_exists(&ns).await.unwrap_or(false) {
                    return Err(self.err("create a namespace")(e));
                }
            }
        }
        for table in LakeTable::ALL {
            let ident = TableIdent::new(ns.clone(), table.name().to_owned());
            if catalog
                .table_exists(&ident)
                .await
                .map_err(self.err("check a table"))?
            {
                continue;
            }
            // A SQL catalog's tables go in the layout's Iceberg folder; a REST catalog places its own.
            let location = match self.inner.config.catalog {
                IcebergCatalog::Sql { .. } => Some(format!(
                    "{}/{}/iceberg/{}",
                    self.inner.config.warehouse.trim_end_matches('/'),
                    project,
                    table.name()
                )),
                IcebergCatalog::Rest { .. } => None,
            };
            let creation = TableCreation::builder()
                .name(table.name().to_owned())
                .location_opt(location)
                .schema(table.initial_schema()?)
                .partition_spec_opt(table.partition_spec())
                .properties([
                    (
                        "commit.retry.num-retries".to_owned(),
                        self.inner.config.commit_retries.to_string(),
                    ),
                    ("write.parquet.compression-codec".to_owned(), "zstd".to_owned()),
                ])
                .build();
            if let Err(e) = catalog.create_table(&ns, creation).await
                && !catalog.table_exists(&ident).await.unwrap_or(false)
            {
                return Err(self.err("create a table")(e));
            }
        }
        lock(&self.inner.ready).insert(project.clone());
        Ok(())
    }

    /// The table now (its current metadata).
    pub async fn table(&self, project: &ProjectId, table: LakeTable) -> Result<Table> {
        self.ensure_project(project).await?;
        let ident = TableIdent::new(namespace(project), table.name().to_owned());
        self.inner
            .catalog
            .load_table(&ident)
            .await
            .map_err(self.err("load a table"))
    }

    /// Refuses, before anything is written, a log whose curves conflict with the table's types or would
    /// widen the table past `LakehouseConfig::max_columns`.
    pub async fn check_log(&self, project: &ProjectId, samples: &RecordBatch) -> Result<()> {
        let table = self.table(project, LakeTable::WellLogs).await?;
        self.check_width(&table, samples)
    }

    fn check_width(&self, table: &Table, samples: &RecordBatch) -> Result<()> {
        let schema = table.metadata().current_schema();
        let missing = batch::missing_columns(schema, &samples.schema())?;
        let columns = schema.as_struct().fields().len() + missing.len();
        let max = self.inner.config.max_columns;
        if !missing.is_empty() && columns > max {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "the file's {} new curves would widen the project's well_logs table to {columns} columns; at \
                     most {max} are allowed ({}): nothing was written",
                    missing.len(),
                    config::ENV_MAX_COLUMNS
                ),
            )
            .with_context("columns", columns)
            .with_context("limit", max));
        }
        Ok(())
    }

    /// The sources (LAS files' SHA-256) the table has commits of.
    pub async fn committed_sources(&self, project: &ProjectId, table: LakeTable) -> Result<HashSet<String>> {
        let table = self.table(project, table).await?;
        Ok(table
            .metadata()
            .snapshots()
            .flat_map(|s| sources_of(s).map(str::to_owned))
            .collect())
    }

    /// Whether a commit of this source (a LAS file's SHA-256) is in the table.
    pub async fn contains(&self, project: &ProjectId, table: LakeTable, sha256: &str) -> Result<bool> {
        Ok(committed_by(self.table(project, table).await?.metadata(), sha256).is_some())
    }

    /// The log's samples (with their key columns) ready to be encoded as a file `well_logs` can
    /// register: what [`Lakehouse::check_log`] refuses is refused first, before anything is written;
    /// then the table gains the log's new curves, and each column gets the table's field id.
    pub async fn prepare_log(&self, project: &ProjectId, samples: &RecordBatch) -> Result<RecordBatch> {
        let table = self.table(project, LakeTable::WellLogs).await?;
        self.check_width(&table, samples)?;
        let table = self.evolve(project, &samples.schema(), Some(table)).await?;
        data_file::with_field_ids(samples, table.metadata().current_schema())
    }

    /// Appends a well's tops (one commit; the same list again adds nothing).
    pub async fn append_tops(&self, project: &ProjectId, tops: &TopList) -> Result<()> {
        if tops.tops.is_empty() {
            return Ok(());
        }
        let key = tops_key(tops)?;
        let table = self.table(project, LakeTable::Tops).await?;
        if committed_by(table.metadata(), &key).is_some() {
            return Ok(());
        }
        let n = tops.tops.len();
        let columns = HashMap::from([
            (WELL_ID.to_owned(), repeat_str(&tops.well_id, n)),
            (
                "name".to_owned(),
                strings(tops.tops.iter().map(|t| Some(t.name.as_str()))),
            ),
            (
                "depth".to_owned(),
                Arc::new(Float64Array::from_iter_values(tops.tops.iter().map(|t| t.depth))) as ArrayRef,
            ),
            (
                "depth_unit".to_owned(),
                strings(std::iter::repeat_n(tops.depth_unit.as_deref(), n)),
            ),
            (
                "source".to_owned(),
                strings(std::iter::repeat_n(tops.source.as_deref(), n)),
            ),
        ]);
        let files = self.write(&table, &columns, n, &key).await?;
        let source = tops.source.clone().unwrap_or_else(|| "tops".to_owned());
        self.commit(&table, files, summary(&key, &source), false).await?;
        Ok(())
    }

    /// The table's commits, oldest first.
    pub async fn snapshots(&self, project: &ProjectId, table: LakeTable) -> Result<Vec<SnapshotInfo>> {
        let table = self.table(project, table).await?;
        let metadata = table.metadata();
        let current = metadata.current_snapshot_id();
        let mut out: Vec<SnapshotInfo> = metadata
            .snapshots()
            .map(|s| {
                let props = &s.summary().additional_properties;
                SnapshotInfo {
                    snapshot_id: s.snapshot_id(),
                    timestamp_ms: s.timestamp_ms(),
                    operation: s.summary().operation.as_str().to_owned(),
                    added_rows: props.get("added-records").and_then(|v| v.parse().ok()),
                    source_sha256: props.get(SOURCE_KEY).cloned(),
                    source_file: props.get(SOURCE_FILE_KEY).cloned(),
                    current: Some(s.snapshot_id()) == current,
                }
            })
            .collect();
        out.sort_by_key(|s| (s.timestamp_ms, s.snapshot_id));
        Ok(out)
    }

    /// The tables as they were at `as_of` (see [`time_travel`]): the `well_logs` snapshot, and the
    /// snapshots of the `catalogs` tables (any of the others; loaded at once) that belong with it, for
    /// the query engine to read. A table that had no
    /// commit yet then has no snapshot (it reads as empty, with its first schema: [`TableAsOf::first_schema`]);
    /// the project having no samples then is [`ErrorKind::NotFound`] naming its first commit's time.
    ///
    /// [`TablesAsOf::settled`] says whether that state can never change: a snapshot id that a later
    /// `well_logs` commit followed (the catalogs' state between the two is closed). Such a view may be
    /// cached.
    pub async fn tables_as_of(
        &self,
        project: &ProjectId,
        as_of: AsOf,
        catalogs: &[LakeTable],
    ) -> Result<TablesAsOf> {
        let logs = self.table(project, LakeTable::WellLogs).await?;
        // The catalogs' state to read: as of the same time, except for a snapshot id, where it is the
        // state just before the next `well_logs` commit (an ingest commits its samples first, then its
        // curves and well: those belong with snapshot S, the next file's do not).
        let mut settled = false;
        let (logs_snapshot, at_ms) = match as_of {
            AsOf::Snapshot(id) => {
                let snapshot = logs.metadata().snapshot_by_id(id).ok_or_else(|| {
                    Error::new(
                        ErrorKind::NotFound,
                        format!(
                            "well_logs of project {project} has no snapshot {id}; `mudrock snapshots --project \
                             {project}` lists them"
                        ),
                    )
                })?;
                let committed = snapshot.timestamp_ms();
                let next = logs
                    .metadata()
                    .history()
                    .iter()
                    .map(|e| e.timestamp_ms)
                    .filter(|&t| t > committed)
                    .min();
                settled = next.is_some();
                (Some(id), next.map_or(i64::MAX, |t| t - 1))
            }
            AsOf::Timestamp(ms) => (time_travel::snapshot_at(logs.metadata(), ms), ms),
            AsOf::Latest => (logs.metadata().current_snapshot_id(), i64::MAX),
        };
        let Some(logs_snapshot) = logs_snapshot else {
            let first = logs.metadata().history().iter().map(|e| e.timestamp_ms).min();
            return Err(Error::new(
                ErrorKind::NotFound,
                match first {
                    Some(first) => format!(
                        "project {project} had no well log data at {as_of}: its first ingest was committed at {}",
                        time_travel::format_ms(first)
                    ),
                    None => format!(
                        "project {project} has no well log data in its Iceberg tables yet (logs ingested while \
                         the tables were off go in with `mudrock backfill --project {project}`)"
                    ),
                },
            ));
        };
        let mut wanted: Vec<LakeTable> = catalogs
            .iter()
            .copied()
            .filter(|t| *t != LakeTable::WellLogs)
            .collect();
        wanted.sort_by_key(|t| t.name());
        wanted.dedup();
        let loads = wanted.into_iter().map(|table| async move {
            let loaded = self.table(project, table).await?;
            let snapshot = time_travel::snapshot_at(loaded.metadata(), at_ms);
            Ok::<_, Error>(TableAsOf {
                table,
                loaded,
                snapshot,
            })
        });
        let catalogs = futures::future::try_join_all(loads).await?;
        Ok(TablesAsOf {
            well_logs_snapshot: logs_snapshot,
            settled,
            catalogs,
        })
    }

    /// An Iceberg error met while doing `operation` on this catalog, as the backend's error.
    pub fn iceberg_error(&self, err: iceberg::Error, operation: &'static str) -> Error {
        from_iceberg(err, &self.inner.described, operation)
    }

    /// Adds the log's new curves to `well_logs` and returns the table as it is then. Another ingest
    /// adding the same curves at the same time is fine: the columns are looked for again after a
    /// failed attempt.
    /// `loaded`: the table as just loaded, for the first look (a load less per file when, as usual, the
    /// log brings no new curve).
    async fn evolve(
        &self,
        project: &ProjectId,
        samples: &arrow_schema::Schema,
        mut loaded: Option<Table>,
    ) -> Result<Table> {
        const ATTEMPTS: usize = 5;
        let mut last_error = None;
        for _ in 0..ATTEMPTS {
            let table = match loaded.take() {
                Some(table) => table,
                None => self.table(project, LakeTable::WellLogs).await?,
            };
            let missing = batch::missing_columns(table.metadata().current_schema(), samples)?;
            if missing.is_empty() {
                return Ok(table);
            }
            let tx = Transaction::new(&table);
            let mut action = tx.update_schema();
            for (name, t) in missing {
                let field_type = iceberg::spec::Type::Primitive(t);
                let column = match samples.field_with_name(&name).ok().and_then(batch::column_doc) {
                    Some(doc) => AddColumn::builder()
                        .name(name)
                        .field_type(field_type)
                        .doc(doc)
                        .build(),
                    None => AddColumn::optional(name, field_type),
                };
                action = action.add_column(column);
            }
            let attempt = match action.apply(tx) {
                Ok(tx) => tx.commit(self.inner.catalog.as_ref()).await,
                Err(e) => Err(e),
            };
            match attempt {
                Ok(table) => return Ok(table),
                Err(e) => last_error = Some(e),
            }
        }
        Err(self.err("add the new curves' columns")(
            last_error
                .unwrap_or_else(|| iceberg::Error::new(iceberg::ErrorKind::Unexpected, "no attempt made")),
        ))
    }

    /// Writes rows as data files of `table`, one of the unpartitioned small tables (not yet visible: see
    /// [`Lakehouse::commit`]; `well_logs` registers the stored log files instead).
    async fn write(
        &self,
        table: &Table,
        columns: &HashMap<String, ArrayRef>,
        rows: usize,
        source: &str,
    ) -> Result<Vec<iceberg::spec::DataFile>> {
        let metadata = table.metadata();
        let schema = metadata.current_schema().clone();
        let arrow_schema =
            Arc::new(iceberg::arrow::schema_to_arrow_schema(&schema).map_err(self.err("convert a schema"))?);
        let batch = batch::table_batch(&arrow_schema, columns, rows)?;
        let location = DefaultLocationGenerator::new(metadata).map_err(self.err("place a data file"))?;
        // A name per attempt: two writers of the same source never write the same file.
        let names = DefaultFileNameGenerator::new(
            format!("{}-{}", &source[..source.len().min(16)], unique_suffix()),
            None,
            DataFileFormat::Parquet,
        );
        let properties = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .build();
        let parquet = ParquetWriterBuilder::new(properties, schema);
        let rolling = RollingFileWriterBuilder::new_with_default_file_size(
            parquet,
            table.file_io().clone(),
            location,
            names,
        );
        let mut writer = DataFileWriterBuilder::new(rolling)
            .build(None)
            .await
            .map_err(self.err("write a data file"))?;
        writer.write(batch).await.map_err(self.err("write a data file"))?;
        writer.close().await.map_err(self.err("write a data file"))
    }

    /// Makes data files visible in one snapshot (replayed on the new state when another writer won).
    /// `check_duplicate`: refuse files the table already references (for files at deterministic paths,
    /// the log files; the small tables' files have a name per attempt, and the check reads every
    /// manifest of the table).
    async fn commit(
        &self,
        table: &Table,
        files: impl IntoIterator<Item = iceberg::spec::DataFile>,
        summary: HashMap<String, String>,
        check_duplicate: bool,
    ) -> Result<Table> {
        let tx = Transaction::new(table);
        let action = tx
            .fast_append()
            .with_check_duplicate(check_duplicate)
            .add_data_files(files)
            .set_snapshot_properties(summary);
        let tx = action.apply(tx).map_err(self.err("commit"))?;
        tx.commit(self.inner.catalog.as_ref())
            .await
            .map_err(self.err("commit"))
    }
}

/// The snapshot that committed `source`, if any.
fn committed_by(metadata: &TableMetadata, source: &str) -> Option<i64> {
    metadata
        .snapshots()
        .find(|s| sources_of(s).any(|x| x == source))
        .map(|s| s.snapshot_id())
}

/// The sources (LAS files' SHA-256) a snapshot's summary records: none for a commit that is not
/// MudRock's, several for a group commit.
fn sources_of(snapshot: &Snapshot) -> impl Iterator<Item = &str> {
    snapshot
        .summary()
        .additional_properties
        .get(SOURCE_KEY)
        .into_iter()
        .flat_map(|v| v.split(','))
        .filter(|v| !v.is_empty())
}

fn summary(source: &str, file: &str) -> HashMap<String, String> {
    HashMap::from([
        (SOURCE_KEY.to_owned(), source.to_owned()),
        (SOURCE_FILE_KEY.to_owned(), file.to_owned()),
    ])
}

/// The schema a table was created with (what an empty "as of" table shows).
fn first_schema(metadata: &TableMetadata) -> &iceberg::spec::Schema {
    metadata
        .schemas_iter()
        .min_by_key(|s| s.schema_id())
        .map_or_else(|| metadata.current_schema().as_ref(), |s| s.as_ref())
}

/// The well's 1 km grid cell (core::spatial), `None` for coordinates that are not a point on Earth.
pub fn grid_cell(lat: f64, lon: f64) -> Option<i64> {
    let point = Point::new(lon, lat).ok()?;
    let grid = CellGrid::new(DEFAULT_CELL_KM).ok()?;
    i64::try_from(grid.cell_of(point).as_u64()).ok()
}

fn tops_key(tops: &TopList) -> Result<String> {
    let json = serde_json::to_vec(tops).map_err(|e| Error::new(ErrorKind::Unexpected, e.to_string()))?;
    Ok(format!(
        "tops-{}",
        hex::encode(&sha2::Sha256::digest(&json)[..16])
    ))
}

/// The columns of `curves` rows.
fn curve_columns(c: &[&CurveRow]) -> HashMap<String, ArrayRef> {
    HashMap::from([
        (
            WELL_ID.to_owned(),
            strings(c.iter().map(|r| Some(r.well_id.as_str()))),
        ),
        (
            LOG_ID.to_owned(),
            strings(c.iter().map(|r| Some(r.log_id.as_str()))),
        ),
        (
            "mnemonic".to_owned(),
            strings(c.iter().map(|r| Some(r.mnemonic.as_str()))),
        ),
        (
            "unit".to_owned(),
            strings(c.iter().map(|r| Some(r.unit.as_str()))),
        ),
        (
            "family".to_owned(),
            strings(c.iter().map(|r| Some(r.family.as_str()))),
        ),
        (
            "description".to_owned(),
            strings(c.iter().map(|r| Some(r.description.as_str()))),
        ),
        (
            "min".to_owned(),
            Arc::new(Float64Array::from_iter(c.iter().map(|r| r.min))) as ArrayRef,
        ),
        (
            "max".to_owned(),
            Arc::new(Float64Array::from_iter(c.iter().map(|r| r.max))) as ArrayRef,
        ),
        (
            "null_count".to_owned(),
            Arc::new(Int64Array::from_iter(
                c.iter().map(|r| i64::try_from(r.null_count).ok()),
            )) as ArrayRef,
        ),
        (
            "rows".to_owned(),
            Arc::new(Int64Array::from_iter(
                c.iter().map(|r| i64::try_from(r.rows).ok()),
            )) as ArrayRef,
        ),
    ])
}

/// The columns of `wells` rows: each well with its grid cell.
fn well_columns(wells: &[(&crate::catalog::WellRow, Option<i64>)]) -> HashMap<String, ArrayRef> {
    let text =
        |f: &dyn Fn(&crate::catalog::WellRow) -> Option<&str>| strings(wells.iter().map(|(w, _)| f(w)));
    let number = |f: &dyn Fn(&crate::catalog::WellRow) -> Option<f64>| {
        Arc::new(Float64Array::from_iter(wells.iter().map(|(w, _)| f(w)))) as ArrayRef
    };
    HashMap::from([
        (WELL_ID.to_owned(), text(&|w| Some(&w.well_id))),
        ("name".to_owned(), text(&|w| w.name.as_deref())),
        ("uwi".to_owned(), text(&|w| w.uwi.as_deref())),
        ("api".to_owned(), text(&|w| w.api.as_deref())),
        ("company".to_owned(), text(&|w| w.company.as_deref())),
        ("field".to_owned(), text(&|w| w.field.as_deref())),
        ("country".to_owned(), text(&|w| w.country.as_deref())),
        ("lat".to_owned(), number(&|w| w.lat)),
        ("lon".to_owned(), number(&|w| w.lon)),
        (
            "location_confidence".to_owned(),
            text(&|w| w.location_confidence.as_deref()),
        ),
        (
            GRID_CELL.to_owned(),
            Arc::new(Int64Array::from_iter(wells.iter().map(|(_, cell)| *cell))) as ArrayRef,
        ),
        ("start".to_owned(), number(&|w| w.start)),
        ("stop".to_owned(), number(&|w| w.stop)),
        ("step".to_owned(), number(&|w| w.step)),
        ("depth_unit".to_owned(), text(&|w| w.depth_unit.as_deref())),
    ])
}

/// Now, in milliseconds since the Unix epoch.
pub(crate) fn unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn repeat_str(value: &str, rows: usize) -> ArrayRef {
    Arc::new(StringArray::from_iter_values(std::iter::repeat_n(value, rows)))
}

fn strings<'a>(values: impl IntoIterator<Item = Option<&'a str>>) -> ArrayRef {
    Arc::new(StringArray::from_iter(values))
}

fn unique_suffix() -> String {
    let mut bytes = [0u8; 8];
    // A clock-based fallback keeps names distinct enough if the OS has no randomness to give.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        bytes = (nanos ^ u64::from(std::process::id())).to_le_bytes();
    }
    hex::encode(bytes)
}

/// `sqlite://path?mode=rwc` → `path` (to create its folder).
/// The catalog's SQLite file cannot be opened or set up.
fn sqlite_error(e: sqlx::Error, described: &str) -> Error {
    Error::new(
        ErrorKind::Unavailable,
        format!("cannot open the {described}: {e}"),
    )
    .with_source(e)
}

fn sqlite_path(uri: &str) -> Option<std::path::PathBuf> {
    let rest = uri
        .strip_prefix("sqlite://")
        .or_else(|| uri.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
}

async fn pause_if_asked() {
    pause_at(PAUSE_BEFORE_COMMIT_ENV).await;
}

/// The fault hook of the tests: where the variable `name` names a file, creates it and waits there
/// (the test kills the process).
pub async fn pause_at(name: &str) {
    if let Some(marker) = std::env::var_os(name) {
        let _ = std::fs::write(&marker, format!("paused at {name}\n"));
        tokio::time::sleep(std::time::Duration::from_secs(120)).await;
    }
}

pub(super) fn lock<T>(mutex: &StdMutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
