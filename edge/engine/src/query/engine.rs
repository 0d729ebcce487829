//! The query engine: one per process, one DataFusion session per project, rebuilt when the project's
//! catalogs change.

use std::collections::HashMap;
use std::sync::{Arc, Mutex as StdMutex, OnceLock};

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::TableProvider;
use datafusion::datasource::MemTable;
use datafusion::execution::cache::DefaultFilesMetadataCache;
use datafusion::execution::cache::cache_manager::{CacheManagerConfig, FileMetadataCache};
use datafusion::execution::object_store::ObjectStoreUrl;
use datafusion::execution::runtime_env::{RuntimeEnv, RuntimeEnvBuilder};
use datafusion::execution::session_state::{SessionState, SessionStateBuilder};
use datafusion::logical_expr::ScalarUDF;
use datafusion::optimizer::Analyzer;
use datafusion::physical_optimizer::optimizer::PhysicalOptimizer;
use datafusion::prelude::{SessionConfig, SessionContext};
use iceberg_datafusion::IcebergStaticTableProvider;
use mudrock_core::cache::{Lru, VersionSet};
use mudrock_core::layout::{Layout, ProjectId};
use object_store::ObjectStore;
use object_store_opendal::OpendalStore;

use super::catalogs;
use super::errors::{Hints, from_datafusion};
use super::memory::QueryResources;
use super::overflow::CheckedIntegerArithmetic;
use super::registry::SingleStoreRegistry;
use super::session::{self, PlanCacheStats, PlanCounters, SqlSession};
use super::stream::{SqlOptions, SqlResult, SqlStream, timeout_error};
use super::udf;
use super::well_logs::{LogObjectCache, WellLogsBuilder, WellLogsTable};
use super::yielding::YieldBetweenBatches;
use mudrock_common::error::{Error, ErrorKind, Result};
use mudrock_store::lakehouse::{AsOf, LakeTable, Lakehouse};
use mudrock_store::storage::StorageManager;

/// How the engine runs queries. [`QueryConfig::default`] is what `mudrock` uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryConfig {
    /// Parallelism of one query (DataFusion's `target_partitions`); default: the machine's cores.
    pub target_partitions: usize,
    /// Rows per record batch.
    pub batch_size: usize,
    /// Memory all running queries together may use, in bytes (a query over it spills or fails with a
    /// clear error); `None` for no limit. See `query::memory`.
    pub memory_limit: Option<usize>,
    /// Memory one query may use, in bytes, within `memory_limit`; `None` for no limit of its own.
    pub query_memory_limit: Option<usize>,
    /// Bytes of temporary files all queries together may spill to (sorts, aggregates); `Some(0)`: no
    /// spilling; `None`: DataFusion's default (100 GiB).
    pub spill_limit: Option<u64>,
    /// Bytes of Parquet footers and page indexes kept in memory across queries and projects.
    pub metadata_cache_bytes: usize,
    /// Evaluate filters while decoding Parquet (late materialisation) instead of after. See
    /// `benches/RESULTS.md` for the measurement behind the default.
    pub pushdown_filters: bool,
    /// Footers read at once when a project's tables are rebuilt.
    pub footer_concurrency: usize,
    /// Queries of one project that run at once (planning to last row); more wait for a turn within
    /// their timeout (at least 1). Caps one project's share of the machine; see
    /// [`default_project_queries`].
    pub project_queries: usize,
    /// Optimised plans kept per project session, by SQL text and row limit (0: none kept, every query
    /// is planned from its text). See `query::session`.
    pub plan_cache_entries: usize,
}

/// Memory all queries of a process may hold at once by default: 4 GiB.
pub const DEFAULT_MEMORY_LIMIT: usize = 4 << 30;
/// Memory one query may hold by default: 2 GiB.
pub const DEFAULT_QUERY_MEMORY_LIMIT: usize = 2 << 30;
/// Spill space of all queries by default: 16 GiB.
pub const DEFAULT_SPILL_LIMIT: u64 = 16 << 30;

/// Queries of one project running at once by default: as many as the cores, at least two (a plot's
/// window need not wait for another user's long query of the same project). Fairness between queries
/// comes from `query::yielding`; this caps how much of the machine one project's queries take.
pub fn default_project_queries() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from).max(2)
}

impl Default for QueryConfig {
    fn default() -> Self {
        QueryConfig {
            target_partitions: std::thread::available_parallelism().map_or(2, usize::from),
            batch_size: 8192,
            memory_limit: Some(DEFAULT_MEMORY_LIMIT),
            query_memory_limit: Some(DEFAULT_QUERY_MEMORY_LIMIT),
            spill_limit: Some(DEFAULT_SPILL_LIMIT),
            metadata_cache_bytes: 64 * 1024 * 1024,
            pushdown_filters: true,
            footer_concurrency: 16,
            project_queries: default_project_queries(),
            plan_cache_entries: 256,
        }
    }
}

impl QueryConfig {
    /// DataFusion's session settings for this configuration: identifiers are case-sensitive (no
    /// normalisation), `information_schema` is on, Parquet is read with statistics, page index and
    /// (by default) filter pushdown. Public so that benchmarks run exactly the engine's settings.
    pub fn session_config(&self) -> SessionConfig {
        let mut config = SessionConfig::new()
            .with_target_partitions(self.target_partitions.max(1))
            .with_batch_size(self.batch_size.max(1))
            .with_information_schema(true);
        let options = config.options_mut();
        options.sql_parser.enable_ident_normalization = false;
        options.execution.parquet.pushdown_filters = self.pushdown_filters;
        options.execution.parquet.reorder_filters = true;
        options.execution.parquet.enable_page_index = true;
        options.execution.parquet.pruning = true;
        config
    }
}

/// A table of a project session: its name and columns.
#[derive(Debug, Clone)]
pub struct TableInfo {
    pub name: String,
    pub schema: SchemaRef,
}

/// SQL over every project of one storage. Cheap to clone; clones share sessions and caches.
#[derive(Clone)]
pub struct QueryEngine {
    inner: Arc<Inner>,
}

struct Inner {
    storage: StorageManager,
    layout: Layout,
    config: QueryConfig,
    /// The storage manager's operator as an `object_store`: the one storage stack, two interfaces.
    store: Arc<dyn ObjectStore>,
    metadata_cache: Arc<dyn FileMetadataCache>,
    /// Memory and spill space of all queries (`query::memory`).
    resources: Arc<QueryResources>,
    functions: Vec<ScalarUDF>,
    /// The session settings alone (no tables, no functions): what naming the tables of a statement needs
    /// (dialect, parser limits, identifier rules), made once rather than a session per time-travel query.
    parser: SessionState,
    plan_counters: Arc<PlanCounters>,
    projects: StdMutex<HashMap<ProjectId, Arc<ProjectSlot>>>,
    /// The Iceberg tables that time-travel queries read (`SqlOptions::as_of`).
    lakehouse: OnceLock<Lakehouse>,
    /// Sessions over a settled snapshot id (one a later commit followed): its tables never change, so the
    /// session (tables and kept plans) serves every later query of it without asking the catalog again.
    snapshot_sessions: StdMutex<Lru<(ProjectId, i64), Arc<SqlSession>>>,
    /// Time-travel sessions by the snapshots they show ([`ResolvedState`]): a state named by snapshot
    /// ids never changes, so `as_of=now` asked again while nothing was committed reuses the session and
    /// its kept plans.
    resolved_sessions: StdMutex<Lru<ResolvedState, Arc<SqlSession>>>,
    /// `well_logs` as of a snapshot (its log files, their footers read): a snapshot's files never
    /// change, so every time-travel query of it, settled or `now`, reuses the table.
    snapshot_logs: StdMutex<Lru<(ProjectId, i64), Arc<WellLogsTable>>>,
}

/// Snapshot sessions kept (each holds four tables' metadata and up to `plan_cache_entries` plans).
const SNAPSHOT_SESSIONS: u64 = 32;

/// What a time-travel session shows: the project, its `well_logs` snapshot, and each registered catalog
/// table with its snapshot (`None`: no commit yet then), by name.
type ResolvedState = (ProjectId, i64, Vec<(&'static str, Option<i64>)>);

/// A project's current session and what rebuilding it needs.
struct ProjectSlot {
    /// Turns to run a query (`QueryConfig::project_queries`); a query holds one until its stream ends.
    turns: Arc<tokio::sync::Semaphore>,
    current: StdMutex<Option<Arc<ProjectSession>>>,
    /// Held while rebuilding, so concurrent queries of a stale project rebuild once; guards the log
    /// objects read so far.
    rebuild: tokio::sync::Mutex<LogObjectCache>,
}

struct ProjectSession {
    /// The session's tables, planning path and plan cache, for `versions`.
    sql: SqlSession,
    versions: VersionSet,
    well_logs: Arc<WellLogsTable>,
}

impl QueryEngine {
    pub fn new(storage: StorageManager, layout: Layout) -> Self {
        QueryEngine::with_config(storage, layout, QueryConfig::default())
    }

    pub fn with_config(storage: StorageManager, layout: Layout, config: QueryConfig) -> Self {
        let metadata_cache: Arc<dyn FileMetadataCache> =
            Arc::new(DefaultFilesMetadataCache::new(config.metadata_cache_bytes));
        QueryEngine::with_metadata_cache(storage, layout, config, metadata_cache)
    }

    /// Like [`QueryEngine::with_config`] with a Parquet footer cache of the caller's (the L1 cache can
    /// hold footers and page indexes under its own budget and statistics).
    pub fn with_metadata_cache(
        storage: StorageManager,
        layout: Layout,
        config: QueryConfig,
        metadata_cache: Arc<dyn FileMetadataCache>,
    ) -> Self {
        let store: Arc<dyn ObjectStore> = Arc::new(OpendalStore::new(storage.operator().clone()));
        let resources = Arc::new(QueryResources::new(&config));
        let parser = SessionStateBuilder::new()
            .with_config(config.session_config())
            .build();
        QueryEngine {
            inner: Arc::new(Inner {
                storage,
                layout,
                config,
                store,
                metadata_cache,
                resources,
                functions: udf::udfs(),
                parser,
                plan_counters: Arc::default(),
                projects: StdMutex::default(),
                lakehouse: OnceLock::new(),
                snapshot_sessions: StdMutex::new(Lru::new(SNAPSHOT_SESSIONS, |_, _| 1)),
                resolved_sessions: StdMutex::new(Lru::new(SNAPSHOT_SESSIONS, |_, _| 1)),
                snapshot_logs: StdMutex::new(Lru::new(SNAPSHOT_SESSIONS, |_, _| 1)),
            }),
        }
    }

    pub fn config(&self) -> &QueryConfig {
        &self.inner.config
    }

    /// Answers time-travel queries (`SqlOptions::as_of`) from these Iceberg tables. Set once; later
    /// calls keep the first.
    pub fn with_lakehouse(self, lakehouse: Lakehouse) -> Self {
        let _ = self.inner.lakehouse.set(lakehouse);
        self
    }

    /// Runs one read-only SQL statement over the project's tables and streams the result.
    ///
    /// Errors: [`ErrorKind::InvalidInput`] for SQL that does not parse, is not a query, or names an
    /// unknown table, column or function (the message says which and what exists);
    /// [`ErrorKind::NotFound`] for a project with no data; [`ErrorKind::Timeout`] when the timeout
    /// passed (the query is cancelled).
    pub async fn sql(&self, project: &ProjectId, sql: &str, options: SqlOptions) -> Result<SqlStream> {
        let deadline = options.timeout.map(|t| tokio::time::Instant::now() + t);
        let start = async {
            let turn = self.turn(project).await?;
            let stream = if let Some(as_of) = options.as_of {
                let session = self.session_as_of(project, as_of, sql).await?;
                session.start(sql, options, deadline).await?
            } else {
                let session = self.session(project).await?;
                session.sql.start(sql, options, deadline).await?
            };
            Ok(stream.holding(turn))
        };
        match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, start)
                .await
                .map_err(|_| timeout_error(options.timeout))?,
            None => start.await,
        }
    }

    /// How often a query started from a kept plan (see `query::session`), over every project.
    pub fn plan_cache_stats(&self) -> PlanCacheStats {
        self.inner.plan_counters.stats()
    }

    /// [`QueryEngine::sql`], collected into memory (the stream enforces the deadline and the row limit).
    pub async fn sql_collect(
        &self,
        project: &ProjectId,
        sql: &str,
        options: SqlOptions,
    ) -> Result<SqlResult> {
        self.sql(project, sql, options).await?.collect().await
    }

    /// What a query over the project reads now: the versions of its catalog objects. (Log objects are
    /// content-addressed and listed by the logs catalog, so the catalogs' versions cover them.)
    pub async fn versions(&self, project: &ProjectId) -> Result<VersionSet> {
        catalogs::catalog_versions(&self.inner.storage, &self.inner.layout, project).await
    }

    /// The project's tables and their columns, as a query sees them now.
    pub async fn tables(&self, project: &ProjectId) -> Result<Vec<TableInfo>> {
        let session = self.session(project).await?;
        let mut out = Vec::new();
        let hints = &session.sql.hints;
        for name in &hints.tables {
            let table = session
                .sql
                .context()
                .table_provider(name.as_str())
                .await
                .map_err(|e| from_datafusion(e, hints))?;
            out.push(TableInfo {
                name: name.clone(),
                schema: table.schema(),
            });
        }
        Ok(out)
    }

    /// How many log objects `well_logs` lists for the project now.
    pub async fn log_count(&self, project: &ProjectId) -> Result<usize> {
        Ok(self.session(project).await?.well_logs.len())
    }

    /// The project's session, rebuilt first when its catalogs changed.
    async fn session(&self, project: &ProjectId) -> Result<Arc<ProjectSession>> {
        let versions = self.versions(project).await?;
        let slot = self.slot(project);
        if let Some(current) = fresh(&slot, &versions) {
            return Ok(current);
        }
        let mut known = slot.rebuild.lock().await;
        // Another query may have rebuilt it while this one waited.
        if let Some(current) = fresh(&slot, &versions) {
            return Ok(current);
        }
        let (session, next_known) = self.build(project, versions, &known).await?;
        *known = next_known;
        let session = Arc::new(session);
        *lock(&slot.current) = Some(Arc::clone(&session));
        Ok(session)
    }

    /// A one-query session over the project's Iceberg tables as of `as_of` (iceberg-datafusion reads
    /// them through the catalog's own FileIO): same SQL, same functions, same read-only rule.
    ///
    /// A snapshot id's session has every table; one for a time (or now) only the catalog tables `sql`
    /// names: loading a table is a catalog lookup and a metadata file read, and a scan of `well_logs` as of
    /// now need not pay for the four others. Sessions are kept by the snapshots they show (and a settled
    /// snapshot id's by that id, without asking the catalog again), so a query repeated while nothing was
    /// committed starts from its kept plan, as on the current state.
    async fn session_as_of(&self, project: &ProjectId, as_of: AsOf, sql: &str) -> Result<Arc<SqlSession>> {
        let inner = &self.inner;
        let key = match as_of {
            AsOf::Snapshot(id) => Some((project.clone(), id)),
            AsOf::Timestamp(_) | AsOf::Latest => None,
        };
        if let Some(key) = &key
            && let Some(session) = lock(&inner.snapshot_sessions).get(key)
        {
            return Ok(Arc::clone(session));
        }
        let lakehouse = inner
            .lakehouse
            .get()
            .ok_or_else(|| mudrock_store::lakehouse::no_tables("time travel"))?;
        let catalogs: Vec<LakeTable> = match key {
            Some(_) => LakeTable::ALL.to_vec(),
            None => match session::referenced_tables(&inner.parser, sql) {
                Some(names) => names.iter().filter_map(|n| LakeTable::parse(n)).collect(),
                None => LakeTable::ALL.to_vec(),
            },
        };
        let registered = lakehouse.tables_as_of(project, as_of, &catalogs).await?;
        let key = key.filter(|_| registered.settled);
        let mut shown: Vec<(&'static str, Option<i64>)> = registered
            .catalogs
            .iter()
            .map(|t| (t.table.name(), t.snapshot))
            .collect();
        shown.sort_unstable();
        let resolved: ResolvedState = (project.clone(), registered.well_logs_snapshot, shown);
        let found = lock(&inner.resolved_sessions).get(&resolved).cloned();
        if let Some(session) = found {
            if let Some(key) = key {
                let _ = lock(&inner.snapshot_sessions).insert(key, Arc::clone(&session));
            }
            return Ok(session);
        }
        let url = project_url(project)?;
        let ctx = self.context(self.runtime(&url)?);
        let no_hints = Hints::default();
        for table in registered.catalogs {
            let provider: Arc<dyn TableProvider> = match table.snapshot {
                Some(id) => Arc::new(
                    IcebergStaticTableProvider::try_new_from_table_snapshot(table.loaded, id)
                        .await
                        .map_err(|e| lakehouse.iceberg_error(e, "read a snapshot"))?,
                ),
                // No commit yet then: empty, with the schema the table was created with.
                None => {
                    let schema = iceberg::arrow::schema_to_arrow_schema(table.first_schema())
                        .map_err(|e| lakehouse.iceberg_error(e, "read a schema"))?;
                    Arc::new(
                        MemTable::try_new(Arc::new(schema), vec![vec![]])
                            .map_err(|e| from_datafusion(e, &no_hints))?,
                    )
                }
            };
            ctx.register_table(table.table.name(), provider)
                .map_err(|e| from_datafusion(e, &no_hints))?;
        }
        // `well_logs` through the provider current-state SQL uses, over the log files of that snapshot:
        // one path for both, the same pruning, the same speed.
        let snapshot_key = (project.clone(), registered.well_logs_snapshot);
        let cached = lock(&inner.snapshot_logs).get(&snapshot_key).cloned();
        let well_logs = match cached {
            Some(table) => table,
            None => {
                let listed = lakehouse.logs_at(project, registered.well_logs_snapshot).await?;
                let (table, _) = self
                    .well_logs_builder(project, url)
                    .build(&listed, &LogObjectCache::new())
                    .await
                    .map_err(|e| from_datafusion(e, &no_hints))?;
                let table = Arc::new(table);
                if table.all_readable() {
                    let _ = lock(&inner.snapshot_logs).insert(snapshot_key, Arc::clone(&table));
                }
                table
            }
        };
        // A log file that could not be read (gone from storage) is not kept in a session either.
        let readable = well_logs.all_readable();
        ctx.register_table("well_logs", well_logs as _)
            .map_err(|e| from_datafusion(e, &no_hints))?;
        // Kept by the state it shows, with its plans: a later query of the same state reuses both.
        let session = Arc::new(SqlSession::from_context_with(
            ctx,
            &inner.config,
            Arc::clone(&inner.resources),
        ));
        if !readable {
            return Ok(session);
        }
        let _ = lock(&inner.resolved_sessions).insert(resolved, Arc::clone(&session));
        if let Some(key) = key {
            let _ = lock(&inner.snapshot_sessions).insert(key, Arc::clone(&session));
        }
        Ok(session)
    }

    fn slot(&self, project: &ProjectId) -> Arc<ProjectSlot> {
        let mut projects = lock(&self.inner.projects);
        let turns = self.inner.config.project_queries.max(1);
        Arc::clone(projects.entry(project.clone()).or_insert_with(|| {
            Arc::new(ProjectSlot {
                turns: Arc::new(tokio::sync::Semaphore::new(turns)),
                current: StdMutex::default(),
                rebuild: tokio::sync::Mutex::default(),
            })
        }))
    }

    /// A turn to run a query of `project`: at once when fewer than `project_queries` of its queries run,
    /// else when one of them ends (the caller's deadline bounds the wait).
    async fn turn(&self, project: &ProjectId) -> Result<tokio::sync::OwnedSemaphorePermit> {
        let turns = Arc::clone(&self.slot(project).turns);
        turns
            .acquire_owned()
            .await
            .map_err(|_| Error::new(ErrorKind::Unavailable, "the query engine is shutting down"))
    }

    async fn build(
        &self,
        project: &ProjectId,
        versions: VersionSet,
        known: &LogObjectCache,
    ) -> Result<(ProjectSession, LogObjectCache)> {
        let inner = &self.inner;
        let url = project_url(project)?;
        let runtime = self.runtime(&url)?;
        let ctx = self.context(runtime);
        for function in &inner.functions {
            ctx.register_udf(function.clone());
        }

        let loaded = catalogs::load(&inner.storage, &inner.layout, project).await?;
        let no_hints = Hints::default();
        let (well_logs, next_known) = self
            .well_logs_builder(project, url)
            .build(&loaded.logs, known)
            .await
            .map_err(|e| from_datafusion(e, &no_hints))?;
        let well_logs = Arc::new(well_logs);

        let mut tables = vec!["well_logs".to_owned()];
        ctx.register_table("well_logs", Arc::clone(&well_logs) as _)
            .map_err(|e| from_datafusion(e, &no_hints))?;
        for (name, table) in loaded.tables {
            ctx.register_table(name, table)
                .map_err(|e| from_datafusion(e, &no_hints))?;
            tables.push(name.to_owned());
        }
        let hints = Arc::new(Hints {
            tables,
            conflicts: well_logs.conflicts().to_vec(),
        });
        Ok((
            ProjectSession {
                sql: SqlSession::new(
                    ctx,
                    versions.clone(),
                    hints,
                    inner.config.plan_cache_entries,
                    Arc::clone(&inner.plan_counters),
                    Arc::clone(&inner.resources),
                ),
                versions,
                well_logs,
            },
            next_known,
        ))
    }

    /// A session with the engine's settings over `runtime`.
    /// `well_logs` of `project`, current or as of a snapshot: its objects through the engine's store and
    /// footer cache.
    fn well_logs_builder<'a>(&'a self, project: &'a ProjectId, url: ObjectStoreUrl) -> WellLogsBuilder<'a> {
        let inner = &self.inner;
        WellLogsBuilder {
            project,
            layout: &inner.layout,
            store: Arc::clone(&inner.store),
            url,
            metadata_cache: Arc::clone(&inner.metadata_cache),
            concurrency: inner.config.footer_concurrency,
        }
    }

    fn context(&self, runtime: Arc<RuntimeEnv>) -> SessionContext {
        // DataFusion's own rules, then ours (a builder given one rule uses only the rules it was given).
        let mut analyzer_rules = Analyzer::new().rules;
        analyzer_rules.push(Arc::new(CheckedIntegerArithmetic));
        let mut physical_rules = PhysicalOptimizer::new().rules;
        physical_rules.push(Arc::new(YieldBetweenBatches));
        let state = SessionStateBuilder::new()
            .with_config(self.inner.config.session_config())
            .with_runtime_env(runtime)
            .with_default_features()
            .with_analyzer_rules(analyzer_rules)
            .with_physical_optimizer_rules(physical_rules)
            .build();
        SessionContext::new_with_state(state)
    }

    /// A runtime whose only object store is the project's, sharing the engine's footer cache and memory
    /// pool with every other project.
    fn runtime(&self, url: &ObjectStoreUrl) -> Result<Arc<RuntimeEnv>> {
        let inner = &self.inner;
        let registry = SingleStoreRegistry::new(url.clone(), Arc::clone(&inner.store));
        inner.resources.runtime(
            RuntimeEnvBuilder::new()
                .with_object_store_registry(Arc::new(registry))
                .with_cache_manager(
                    CacheManagerConfig::default()
                        .with_file_metadata_cache(Some(Arc::clone(&inner.metadata_cache)))
                        .with_metadata_cache_limit(inner.config.metadata_cache_bytes),
                ),
        )
    }
}

/// The current session when it was built from exactly these versions. Versions that cannot prove a
/// change (no ETag, no modification time: the memory backend) never count as fresh.
fn fresh(slot: &ProjectSlot, versions: &VersionSet) -> Option<Arc<ProjectSession>> {
    let current = lock(&slot.current);
    current
        .as_ref()
        .filter(|s| versions.is_verifiable() && s.versions == *versions)
        .map(Arc::clone)
}

/// A poisoned lock only means another thread panicked while holding it; the data is still whole.
fn lock<T>(mutex: &StdMutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// `mudrock://{project}`: the URL the project's objects are registered under in its session.
fn project_url(project: &ProjectId) -> Result<ObjectStoreUrl> {
    ObjectStoreUrl::parse(format!("mudrock://{project}")).map_err(|e| {
        Error::new(
            ErrorKind::InvalidInput,
            format!("project id `{project}` cannot be used as a query URL: {e}"),
        )
    })
}
