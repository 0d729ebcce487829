//! L3: query results on the object store, content-addressed by their [`CacheKey`], so that a restart
//! (or another server over the same bucket) finds them again.
//!
//! A result is one Parquet file at `{prefix}/{project}/cache/query/{key hex}.parquet`, beside the DAG
//! results of `cache/dag/`. Keys contain the versions the result read, so an entry is never stale; it
//! only becomes unreachable after a new ingest, and `mudrock cache clear --tier l3` removes those.
//! A file that cannot be read back is deleted and counted as discarded; the caller computes again.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use mudrock_core::cache::CacheKey;
use mudrock_core::layout::{Layout, ProjectId};
use serde::Serialize;

use super::results::ResultBatches;
use super::stats::{Tier, TierCounters, TierGauges, TierSnapshot};
use mudrock_common::error::{ErrorKind, Result};
use mudrock_store::storage::StorageManager;

/// The folder under a project root that holds query results.
pub const QUERY_CACHE_DIR: &str = "cache/query/";
const EXT: &str = ".parquet";

/// The results stored for one project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectUsage {
    pub project: String,
    pub results: u64,
    pub bytes: u64,
}

/// Query results on the object store. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ResultStore {
    storage: StorageManager,
    layout: Layout,
    counters: Arc<TierCounters>,
}

impl ResultStore {
    pub fn new(storage: StorageManager, layout: Layout) -> ResultStore {
        ResultStore {
            storage,
            layout,
            counters: Arc::new(TierCounters::new()),
        }
    }

    /// `{prefix}/{project}/cache/query/`.
    pub fn prefix(&self, project: &ProjectId) -> String {
        format!("{}{QUERY_CACHE_DIR}", self.layout.project_root(project))
    }

    /// Where the result with this key is stored.
    pub fn path(&self, project: &ProjectId, key: &CacheKey) -> String {
        format!("{}{}{EXT}", self.prefix(project), key.to_hex())
    }

    /// The stored result, counting a hit or a miss. An unreadable file is deleted and is a miss.
    pub async fn get(&self, project: &ProjectId, key: &CacheKey) -> Result<Option<ResultBatches>> {
        let path = self.path(project, key);
        let bytes = match self.storage.download(&path).await {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                self.counters.miss();
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        match tokio::task::spawn_blocking(move || ResultBatches::from_parquet(bytes))
            .await
            .map_err(mudrock_store::storage::task_failed)?
        {
            Ok(result) => {
                self.counters.hit();
                Ok(Some(result))
            }
            Err(_) => {
                self.counters.discard();
                self.counters.miss();
                // Best effort: if the delete fails too, the next lookup discards it again.
                let _ = self.storage.delete(&path).await;
                Ok(None)
            }
        }
    }

    /// Stores a result (replacing any object with the same key, which holds the same result).
    pub async fn put(&self, project: &ProjectId, key: &CacheKey, result: &ResultBatches) -> Result<()> {
        let result = result.clone();
        let bytes = tokio::task::spawn_blocking(move || result.to_parquet())
            .await
            .map_err(mudrock_store::storage::task_failed)??;
        self.storage.upload(&self.path(project, key), bytes).await
    }

    /// The stored result, or the one `load` computes, stored. A failed store is counted as a write
    /// error and the computed result returned all the same (a cache must not fail a query it answered).
    pub async fn get_or_try_load<F>(
        &self,
        project: &ProjectId,
        key: &CacheKey,
        load: F,
    ) -> Result<ResultBatches>
    where
        F: Future<Output = Result<ResultBatches>>,
    {
        // A store that cannot be read is treated like a miss for the same reason.
        if let Ok(Some(found)) = self.get(project, key).await {
            return Ok(found);
        }
        let started = Instant::now();
        let result = match load.await {
            Ok(result) => result,
            Err(e) => {
                self.counters.load_error();
                return Err(e);
            }
        };
        self.counters.load(started.elapsed());
        if self.put(project, key, &result).await.is_err() {
            self.counters.write_error();
        }
        Ok(result)
    }

    /// Results stored per project (one project, or every project in the store).
    pub async fn usage(&self, project: Option<&ProjectId>) -> Result<Vec<ProjectUsage>> {
        let mut out: Vec<ProjectUsage> = Vec::new();
        for (project, _path, size) in self.list(project).await? {
            match out.last_mut() {
                Some(u) if u.project == project => {
                    u.results += 1;
                    u.bytes += size;
                }
                _ => out.push(ProjectUsage {
                    project,
                    results: 1,
                    bytes: size,
                }),
            }
        }
        Ok(out)
    }

    /// Deletes the stored results (of one project, or of every project); returns what was removed.
    pub async fn clear(&self, project: Option<&ProjectId>) -> Result<Vec<ProjectUsage>> {
        let removed = self.usage(project).await?;
        for (_, path, _) in self.list(project).await? {
            self.storage.delete(&path).await?;
        }
        Ok(removed)
    }

    /// (project, path, size) of every stored result, sorted by path.
    async fn list(&self, project: Option<&ProjectId>) -> Result<Vec<(String, String, u64)>> {
        let listed = match project {
            Some(p) => self.storage.list(&self.prefix(p)).await?,
            // Every project: the store has no folder listing, so list everything under the layout's
            // prefix and keep the query-cache files (a CLI operation, not a request path).
            None => {
                let root = match self.layout.prefix() {
                    "" => String::new(),
                    p => format!("{p}/"),
                };
                self.storage.list(&root).await?
            }
        };
        Ok(listed
            .into_iter()
            .filter_map(|meta| {
                let project = self.project_of(&meta.path)?;
                Some((project, meta.path, meta.size))
            })
            .collect())
    }

    /// The project of a query-cache path (`{prefix}/{project}/cache/query/{hex}.parquet`), else `None`.
    fn project_of(&self, path: &str) -> Option<String> {
        let rel = match self.layout.prefix() {
            "" => path,
            p => path.strip_prefix(p)?.strip_prefix('/')?,
        };
        let (project, rest) = rel.split_once('/')?;
        let file = rest.strip_prefix(QUERY_CACHE_DIR)?;
        let hex = file.strip_suffix(EXT)?;
        (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) && ProjectId::new(project).is_ok())
            .then(|| project.to_owned())
    }

    /// Counters only: the size of L3 is found by listing ([`ResultStore::usage`]), too slow for `/metrics`.
    pub fn snapshot(&self) -> TierSnapshot {
        self.counters.snapshot(Tier::L3, TierGauges::default())
    }
}
