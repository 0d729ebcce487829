//! What every handler shares: storage and ingest, tokens, limits, the caches and the query engine.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use mudrock_core::layout::Layout;

use object_store::ObjectStore;

use crate::auth::Tokens;
use crate::catalogs::CatalogCache;
use crate::runtime::QueryRuntime;
use mudrock_engine::cache::{CachedObjectStore, Caches};
use mudrock_engine::query::QueryEngine;
use mudrock_store::ingest::Ingestor;
use mudrock_store::storage::StorageManager;

/// Limits of the API. `mudrock serve` fills them from flags and environment variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiConfig {
    /// Largest accepted ingest upload (the whole multipart body), in bytes.
    pub max_upload_bytes: usize,
    /// Most rows a SQL query or log window returns; `limit` in a request can only lower it.
    pub row_limit: u64,
    /// A query running longer is cancelled (504 `query_timeout`).
    pub query_timeout: Duration,
    /// Largest `max_points` a log window may ask for.
    pub max_points: usize,
    /// How long the versions of a project's catalogs, once seen, are trusted without asking the store
    /// again (default [`DEFAULT_REVALIDATE`]). An ingest through this server is seen by the next request
    /// whatever this is; a write by another process (`mudrock ingest` on the same data dir) at most this
    /// late. Zero asks the store on every request: three `stat`s, which on this 2-core machine cap cached
    /// answers at ~12k req/s instead of ~39k (benches/RESULTS.md).
    pub revalidate_after: Duration,
    /// Connections open at once; more wait in the kernel's backlog (`crate::server`).
    pub max_connections: usize,
    /// A connection that has not sent a whole request head this long after it opened (or after its
    /// last response) is closed: idle and trickling clients cannot hold sockets.
    pub header_read_timeout: Duration,
}

pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_MAX_UPLOAD_BYTES: usize = 256 << 20;
pub const DEFAULT_ROW_LIMIT: u64 = 1_000_000;
pub const DEFAULT_QUERY_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_MAX_POINTS: usize = 100_000;
pub const DEFAULT_REVALIDATE: Duration = Duration::from_secs(1);

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            row_limit: DEFAULT_ROW_LIMIT,
            query_timeout: DEFAULT_QUERY_TIMEOUT,
            max_points: DEFAULT_MAX_POINTS,
            revalidate_after: DEFAULT_REVALIDATE,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
        }
    }
}

/// Counters of work the API did (beyond the caches' own), rendered at `/metrics`.
#[derive(Debug, Default)]
pub struct ApiCounters {
    /// Queries handed to the engine (SQL and log windows actually computed).
    pub queries: AtomicU64,
    /// Answers of 304 Not Modified (nothing computed).
    pub not_modified: AtomicU64,
}

impl ApiCounters {
    pub fn count_query(&self) {
        self.queries.fetch_add(1, Ordering::Relaxed);
    }

    pub fn count_not_modified(&self) {
        self.not_modified.fetch_add(1, Ordering::Relaxed);
    }

    /// Prometheus text lines for these counters.
    pub fn render(&self) -> String {
        format!(
            "# HELP mudrock_api_queries_total Queries the API ran on the engine (SQL and log windows not served from cache).\n\
             # TYPE mudrock_api_queries_total counter\n\
             mudrock_api_queries_total {}\n\
             # HELP mudrock_api_not_modified_total Requests answered 304 Not Modified without computing.\n\
             # TYPE mudrock_api_not_modified_total counter\n\
             mudrock_api_not_modified_total {}\n",
            self.queries.load(Ordering::Relaxed),
            self.not_modified.load(Ordering::Relaxed),
        )
    }
}

/// Shared by all handlers; cheap to clone.
#[derive(Clone)]
pub struct ApiState {
    inner: Arc<Inner>,
}

struct Inner {
    ingestor: Ingestor,
    engine: QueryEngine,
    query_runtime: QueryRuntime,
    caches: Arc<Caches>,
    /// The storage as an `object_store` with L2 in front, for byte-range reads; `None` with L2 off.
    objects: Option<Arc<CachedObjectStore>>,
    tokens: Arc<Tokens>,
    config: ApiConfig,
    catalogs: CatalogCache,
    counters: ApiCounters,
}

impl ApiState {
    /// The state of a server over `ingestor`'s storage: `engine` must run over the same storage and
    /// layout, and `caches` are the server's tiers.
    pub fn new(
        ingestor: Ingestor,
        engine: QueryEngine,
        caches: Arc<Caches>,
        tokens: Tokens,
        config: ApiConfig,
    ) -> crate::Result<Self> {
        let threads = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        let query_runtime = QueryRuntime::new(threads)?;
        let store: Arc<dyn ObjectStore> = Arc::new(object_store_opendal::OpendalStore::new(
            ingestor.storage().operator().clone(),
        ));
        let objects = caches.cached_store(store);
        Ok(ApiState {
            inner: Arc::new(Inner {
                ingestor,
                engine,
                query_runtime,
                caches,
                objects,
                tokens: Arc::new(tokens),
                config,
                catalogs: CatalogCache::default(),
                counters: ApiCounters::default(),
            }),
        })
    }

    pub fn engine(&self) -> &QueryEngine {
        &self.inner.engine
    }

    /// Where queries run (see `runtime.rs`).
    pub fn query_runtime(&self) -> &QueryRuntime {
        &self.inner.query_runtime
    }

    pub fn caches(&self) -> &Caches {
        &self.inner.caches
    }

    /// Byte-range reads through L2 (`None` when L2 is off: read the storage directly).
    pub fn cached_objects(&self) -> Option<&Arc<CachedObjectStore>> {
        self.inner.objects.as_ref()
    }

    pub fn ingestor(&self) -> &Ingestor {
        &self.inner.ingestor
    }

    pub fn storage(&self) -> &StorageManager {
        self.inner.ingestor.storage()
    }

    pub fn layout(&self) -> &Layout {
        self.inner.ingestor.layout()
    }

    pub fn tokens(&self) -> &Arc<Tokens> {
        &self.inner.tokens
    }

    pub fn config(&self) -> &ApiConfig {
        &self.inner.config
    }

    pub fn catalogs(&self) -> &CatalogCache {
        &self.inner.catalogs
    }

    pub fn counters(&self) -> &ApiCounters {
        &self.inner.counters
    }
}
