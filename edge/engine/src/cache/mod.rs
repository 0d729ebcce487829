//! The multi-tier cache of the native backend.
//!
//! - **L1** ([`L1Cache`]): values in memory (moka), bounded by bytes (`CACHE_MAX_CAPACITY`), with time
//!   to live (`CACHE_TTL_SECONDS`) and idle time (`CACHE_IDLE_SECONDS`); one load per key under
//!   concurrent misses.
//! - **L2** ([`BlockCache`] behind [`CachedObjectStore`]): aligned byte-range blocks of object reads on
//!   local disk, bounded by bytes, LRU; an `object_store::ObjectStore` wrapper so DataFusion's Parquet
//!   reads and the HTTP range route share it.
//! - **L3** ([`ResultStore`]): query results as Parquet on the object store under
//!   `{project}/cache/query/`, named by their [`CacheKey`], found again after a restart.
//!
//! Every key contains the versions of what was read (see `mudrock_core::cache`), so no tier can serve a
//! result of data that has since changed. Each tier counts hits, misses, evictions, expirations,
//! discarded entries, load errors, write errors and a load-time histogram; [`Caches::prometheus_text`]
//! renders them for `/metrics`. Configuration: [`config`].

pub mod config;
pub mod l1;
pub mod l2;
pub mod l2_store;
pub mod l3;
pub mod metrics;
pub mod results;
pub mod stats;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use mudrock_core::cache::{CacheKey, VersionSet};
use mudrock_core::layout::{Layout, ProjectId};
use object_store::ObjectStore;

pub use config::{CacheConfig, L1Config, L2Config, L3Config};
pub use l1::{CacheWeight, L1Cache, L1Kind};
pub use l2::{BlockCache, BlockUsage};
pub use l2_store::CachedObjectStore;
pub use l3::{ProjectUsage, ResultStore};
pub use results::ResultBatches;
pub use stats::{Tier, TierSnapshot};

use mudrock_common::error::Result;
use mudrock_store::storage::StorageManager;

/// The key domain that scopes an L1 query-result slot to its project (see [`Caches::query_result`]).
const PROJECT_SCOPE_DOMAIN: &str = "l1_project_scope";

/// All tiers of one server. Cheap to share (`Arc` it); every method takes `&self`.
#[derive(Debug)]
pub struct Caches {
    l1: L1Cache,
    l2: Option<Arc<BlockCache>>,
    l2_revalidate_after: Duration,
    l3: Option<ResultStore>,
}

impl Caches {
    /// Builds the tiers. Opening L2 rebuilds its index from the block directory (blocking file I/O,
    /// once at start-up).
    pub fn open(config: &CacheConfig, storage: &StorageManager, layout: &Layout) -> Result<Caches> {
        let l2 = match &config.l2 {
            Some(l2) => Some(Arc::new(BlockCache::open(l2)?)),
            None => None,
        };
        Ok(Caches {
            l1: L1Cache::new(&config.l1),
            l2,
            l2_revalidate_after: config
                .l2
                .as_ref()
                .map_or(Duration::ZERO, |l2| l2.revalidate_after),
            l3: config
                .l3
                .enabled
                .then(|| ResultStore::new(storage.clone(), layout.clone())),
        })
    }

    pub fn l1(&self) -> &L1Cache {
        &self.l1
    }

    pub fn l2(&self) -> Option<&Arc<BlockCache>> {
        self.l2.as_ref()
    }

    pub fn l3(&self) -> Option<&ResultStore> {
        self.l3.as_ref()
    }

    /// `inner` with its reads cached in L2 (or `inner` itself when L2 is off). Wrap the store the query
    /// engine registers and the one the byte-range route reads.
    ///
    /// L2 pays off in front of a remote store (S3): over the embedded `fs` backend it would copy local
    /// files into other local files and checksum them on every read, so a server on `fs` storage is
    /// better off with L2 off (`MUDROCK_L2_MAX_BYTES=0`) or not wrapping its store.
    pub fn wrap_store(&self, inner: Arc<dyn ObjectStore>) -> Arc<dyn ObjectStore> {
        match &self.l2 {
            Some(blocks) => Arc::new(CachedObjectStore::new(
                inner,
                Arc::clone(blocks),
                self.l2_revalidate_after,
            )),
            None => inner,
        }
    }

    /// Like [`Caches::wrap_store`], typed, for callers that need [`CachedObjectStore::read_range`];
    /// `None` when L2 is off.
    pub fn cached_store(&self, inner: Arc<dyn ObjectStore>) -> Option<Arc<CachedObjectStore>> {
        self.l2.as_ref().map(|blocks| {
            Arc::new(CachedObjectStore::new(
                inner,
                Arc::clone(blocks),
                self.l2_revalidate_after,
            ))
        })
    }

    /// A query result of `project`: from L1, else L3 (then kept in L1), else computed (then kept in
    /// both). Concurrent requests for the same key compute once.
    ///
    /// The L1 slot is scoped to the project even if `key` were not: a key that forgot the project can
    /// never hand one project's rows to another.
    pub async fn query_result<F>(
        &self,
        project: &ProjectId,
        key: &CacheKey,
        compute: F,
    ) -> Result<Arc<ResultBatches>>
    where
        F: Future<Output = Result<ResultBatches>>,
    {
        let mut scoped = Vec::with_capacity(project.as_str().len() + 1 + 32);
        scoped.extend_from_slice(project.as_str().as_bytes());
        scoped.push(0);
        scoped.extend_from_slice(key.as_bytes());
        let l1_key = CacheKey::new(PROJECT_SCOPE_DOMAIN, &scoped, &VersionSet::new());
        self.l1
            .get_or_try_load(L1Kind::QueryResult, &l1_key, async {
                match &self.l3 {
                    Some(l3) => l3.get_or_try_load(project, key, compute).await,
                    None => compute.await,
                }
            })
            .await
    }

    /// Every tier's numbers now (L1's deferred bookkeeping is run first, so sizes are exact).
    pub async fn snapshots(&self) -> Vec<TierSnapshot> {
        self.l1.run_pending_tasks().await;
        let mut out = vec![self.l1.snapshot()];
        if let Some(l2) = &self.l2 {
            out.push(l2.snapshot());
        }
        if let Some(l3) = &self.l3 {
            out.push(l3.snapshot());
        }
        out
    }

    /// The `/metrics` body (Prometheus text format; serve it with [`metrics::CONTENT_TYPE`]).
    pub async fn prometheus_text(&self) -> String {
        metrics::render(&self.snapshots().await)
    }
}
