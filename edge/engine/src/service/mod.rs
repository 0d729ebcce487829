//! The application: what MudRock does for one deployment, per project, whoever asks — the HTTP server's
//! routes translate requests into these calls, the CLI and the tests make them directly.
//!
//! A [`Service`] holds the store (the [`Ingestor`] over storage, tables and metadata), the query engine,
//! the caches, the query runtime and the limits; [`Service::project`] gives the facade of one project
//! ([`Project`]):
//!
//! | call | what | file |
//! |---|---|---|
//! | [`Project::versions`], [`Project::catalog`] | the project's catalogs and the versions they were read at | `catalogs.rs` |
//! | [`Project::plan_window`] → [`PlannedWindow::run`] | a depth window of chosen curves of one well, decimated, encoded, cached | `window.rs` |
//! | [`Project::plan_sql`] → [`PlannedSql::run`] | SQL checked, keyed, run on the query runtime within the time limit, streamed | `sql.rs` |
//! | [`Project::sql`], [`Project::sql_collect`] | SQL on the query runtime (the CLI's and the window's) | `sql.rs` |
//! | [`Project::plan_tops`] → [`PlannedTops::run`] | a well's formation tops | `tops.rs` |
//! | [`Project::ingest`] | LAS files into the project, the catalogs' versions forgotten | here |
//! | [`Project::export_log`] | a stored log back as LAS 2.0, CSV or its Parquet | `export.rs` |
//!
//! Each answer that can be cached has a key built from the versions of what it read (the server's
//! ETag), known before anything is computed.

mod catalogs;
mod export;
mod runtime;
mod sql;
mod tops;
mod window;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use mudrock_core::layout::{Layout, ProjectId};
use mudrock_store::ingest::Ingestor;
use mudrock_store::report::IngestReport;
use mudrock_store::storage::StorageManager;
use object_store::ObjectStore;

pub use catalogs::{CatalogMemo, ProjectCatalog, no_such_project, object_version};
pub use export::{ExportFormat, ExportedLog};
pub use runtime::QueryRuntime;
pub use sql::{BatchReceiver, MAX_SQL_BYTES, PlannedSql, SqlAnswer, SqlRequest};
pub use tops::PlannedTops;
pub use window::{EncodedWindow, PlannedWindow, WindowError, WindowRequest};

use crate::cache::{CachedObjectStore, Caches};
use crate::query::QueryEngine;
use mudrock_common::error::Result;

/// What one request may cost. `mudrock serve` fills them from flags and environment variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Most rows a SQL query or log window returns; a request can only lower it.
    pub row_limit: u64,
    /// A query running longer is cancelled (`Timeout`).
    pub query_timeout: Duration,
    /// Largest `max_points` a log window may ask for.
    pub max_points: usize,
    /// How long the versions of a project's catalogs, once seen, are trusted without asking the store
    /// again (default [`DEFAULT_REVALIDATE`]). An ingest through this service is seen by the next call
    /// whatever this is; a write by another process (`mudrock ingest` on the same data dir) at most this
    /// late. Zero asks the store on every call: three `stat`s, which on a 2-core machine cap cached
    /// answers at ~12k req/s instead of ~39k (benches/RESULTS.md).
    pub revalidate_after: Duration,
}

pub const DEFAULT_ROW_LIMIT: u64 = 1_000_000;
pub const DEFAULT_QUERY_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_MAX_POINTS: usize = 100_000;
pub const DEFAULT_REVALIDATE: Duration = Duration::from_secs(1);

impl Default for Limits {
    fn default() -> Self {
        Limits {
            row_limit: DEFAULT_ROW_LIMIT,
            query_timeout: DEFAULT_QUERY_TIMEOUT,
            max_points: DEFAULT_MAX_POINTS,
            revalidate_after: DEFAULT_REVALIDATE,
        }
    }
}

/// The application over one deployment; cheap to clone.
#[derive(Clone)]
pub struct Service {
    inner: Arc<Inner>,
}

struct Inner {
    ingestor: Ingestor,
    engine: QueryEngine,
    runtime: QueryRuntime,
    caches: Arc<Caches>,
    /// The storage as an `object_store` with L2 in front, for byte-range reads; `None` with L2 off.
    objects: Option<Arc<CachedObjectStore>>,
    catalogs: CatalogMemo,
    limits: Limits,
    /// Queries run on the engine (SQL and log windows not served from a cache).
    queries: AtomicU64,
}

impl Service {
    /// The application over `ingestor`'s storage: `engine` must run over the same storage and layout,
    /// and `caches` are this deployment's tiers. Starts the query runtime (one worker per core).
    pub fn new(ingestor: Ingestor, engine: QueryEngine, caches: Arc<Caches>, limits: Limits) -> Result<Self> {
        let threads = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        let runtime = QueryRuntime::new(threads)?;
        let store: Arc<dyn ObjectStore> = Arc::new(object_store_opendal::OpendalStore::new(
            ingestor.storage().operator().clone(),
        ));
        let objects = caches.cached_store(store);
        Ok(Service {
            inner: Arc::new(Inner {
                ingestor,
                engine,
                runtime,
                caches,
                objects,
                catalogs: CatalogMemo::default(),
                limits,
                queries: AtomicU64::new(0),
            }),
        })
    }

    /// The facade of one project (which need not exist yet: an ingest creates it).
    pub fn project(&self, id: &ProjectId) -> Project {
        Project {
            service: self.clone(),
            id: id.clone(),
        }
    }

    /// The projects in the storage: folders under the layout's prefix that have a wells catalog.
    pub async fn projects(&self) -> Result<Vec<ProjectId>> {
        let mut ids = Vec::new();
        for id in self.storage().project_folders(self.layout()).await? {
            if self.project(&id).versions().await?.is_some() {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    pub fn ingestor(&self) -> &Ingestor {
        &self.inner.ingestor
    }

    pub fn engine(&self) -> &QueryEngine {
        &self.inner.engine
    }

    /// Where queries run (see `runtime.rs`).
    pub fn runtime(&self) -> &QueryRuntime {
        &self.inner.runtime
    }

    pub fn caches(&self) -> &Caches {
        &self.inner.caches
    }

    /// Byte-range reads through L2 (`None` when L2 is off: read the storage directly).
    pub fn cached_objects(&self) -> Option<&Arc<CachedObjectStore>> {
        self.inner.objects.as_ref()
    }

    pub fn storage(&self) -> &StorageManager {
        self.inner.ingestor.storage()
    }

    pub fn layout(&self) -> &Layout {
        self.inner.ingestor.layout()
    }

    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// Queries run on the engine so far (SQL and log windows not served from a cache).
    pub fn queries_run(&self) -> u64 {
        self.inner.queries.load(Ordering::Relaxed)
    }

    fn count_query(&self) {
        self.inner.queries.fetch_add(1, Ordering::Relaxed);
    }

    fn catalog_memo(&self) -> &CatalogMemo {
        &self.inner.catalogs
    }
}

/// One project of a [`Service`]: the calls every client makes. Cheap to clone.
#[derive(Clone)]
pub struct Project {
    service: Service,
    id: ProjectId,
}

impl Project {
    pub fn id(&self) -> &ProjectId {
        &self.id
    }

    pub fn service(&self) -> &Service {
        &self.service
    }

    /// Ingests `sources` (a file name, and a future of its bytes: read only when its turn comes, so
    /// memory holds as many files as are being ingested) as `mudrock ingest` does — as many at once as
    /// the ingestor's concurrency, one group commit per batch — and returns a report per file in the
    /// order given. The catalogs changed: the next call sees their new versions.
    pub async fn ingest<S, F>(&self, sources: Vec<(String, S)>) -> Vec<IngestReport>
    where
        S: std::future::Future<Output = std::result::Result<Bytes, F>>,
        F: std::fmt::Display,
    {
        let reports = self.service.ingestor().ingest_many(&self.id, sources).await;
        self.service.catalog_memo().forget_versions(&self.id);
        reports
    }
}
