//! Metadata reads through the L1 cache (moka, bounded by entries), invalidated by writes.
//!
//! Every key carries its project's write generation: a write through this store bumps the generation
//! before it returns, so the next read of that project misses and sees the write; the entries of older
//! generations are never read again and age out. Writes by other processes are seen when an entry expires
//! (`ttl`); within one server, reads never lag its own writes.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use moka::future::Cache;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{
    CurveRecord, IngestRecord, LogRecord, MetadataStore, PipelineExecution, ProjectRecord, ProjectScope,
    TopRecord, WellRecord, WellboreRecord,
};
use crate::error::{Error, ErrorKind, Result};

/// (project, generation, read): the read names the method and its arguments.
type Key = (String, u64, String);

pub struct CachedStore<S> {
    inner: S,
    cache: Cache<Key, std::sync::Arc<Vec<u8>>>,
    generations: Mutex<HashMap<String, u64>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl<S: MetadataStore> CachedStore<S> {
    pub fn new(inner: S, max_entries: u64, ttl: Duration) -> Self {
        CachedStore {
            inner,
            cache: Cache::builder()
                .max_capacity(max_entries)
                .time_to_live(ttl)
                .build(),
            generations: Mutex::new(HashMap::new()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// (hits, misses) since the store was made.
    pub fn stats(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    fn generation(&self, scope: &ProjectScope) -> u64 {
        let map = self.generations.lock().unwrap_or_else(|e| e.into_inner());
        map.get(scope.as_str()).copied().unwrap_or(0)
    }

    fn bump(&self, scope: &ProjectScope) {
        let mut map = self.generations.lock().unwrap_or_else(|e| e.into_inner());
        *map.entry(scope.as_str().to_owned()).or_default() += 1;
    }

    async fn read<T, F>(&self, scope: &ProjectScope, what: String, load: F) -> Result<T>
    where
        T: Serialize + DeserializeOwned,
        F: std::future::Future<Output = Result<T>>,
    {
        let key = (scope.as_str().to_owned(), self.generation(scope), what);
        if let Some(bytes) = self.cache.get(&key).await
            && let Ok(value) = serde_json::from_slice(&bytes)
        {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(value);
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let value = load.await?;
        let bytes = serde_json::to_vec(&value)
            .map_err(|e| Error::new(ErrorKind::Unexpected, format!("cannot cache metadata: {e}")))?;
        self.cache.insert(key, std::sync::Arc::new(bytes)).await;
        Ok(value)
    }

    /// A write, then the project's cached reads are forgotten (also when the write failed: it may have
    /// partly reached a remote store before failing).
    async fn write(&self, scope: &ProjectScope, result: Result<()>) -> Result<()> {
        self.bump(scope);
        result
    }
}

#[async_trait]
impl<S: MetadataStore> MetadataStore for CachedStore<S> {
    fn kind(&self) -> &'static str {
        self.inner.kind()
    }

    async fn put_project(&self, scope: &ProjectScope, name: &str) -> Result<()> {
        self.write(scope, self.inner.put_project(scope, name).await).await
    }

    async fn project(&self, scope: &ProjectScope) -> Result<Option<ProjectRecord>> {
        self.read(scope, "project".into(), self.inner.project(scope))
            .await
    }

    async fn put_well(&self, scope: &ProjectScope, well: &WellRecord) -> Result<()> {
        self.write(scope, self.inner.put_well(scope, well).await).await
    }

    async fn add_well(&self, scope: &ProjectScope, well: &WellRecord) -> Result<()> {
        self.write(scope, self.inner.add_well(scope, well).await).await
    }

    async fn wells(&self, scope: &ProjectScope) -> Result<Vec<WellRecord>> {
        self.read(scope, "wells".into(), self.inner.wells(scope)).await
    }

    async fn well(&self, scope: &ProjectScope, well_id: &str) -> Result<Option<WellRecord>> {
        self.read(scope, format!("well\n{well_id}"), self.inner.well(scope, well_id))
            .await
    }

    async fn put_wellbore(&self, scope: &ProjectScope, wellbore: &WellboreRecord) -> Result<()> {
        self.write(scope, self.inner.put_wellbore(scope, wellbore).await)
            .await
    }

    async fn wellbores(&self, scope: &ProjectScope, well_id: &str) -> Result<Vec<WellboreRecord>> {
        self.read(
            scope,
            format!("wellbores\n{well_id}"),
            self.inner.wellbores(scope, well_id),
        )
        .await
    }

    async fn put_log(&self, scope: &ProjectScope, log: &LogRecord, curves: &[CurveRecord]) -> Result<()> {
        self.write(scope, self.inner.put_log(scope, log, curves).await)
            .await
    }

    async fn logs(&self, scope: &ProjectScope, well_id: &str) -> Result<Vec<LogRecord>> {
        self.read(scope, format!("logs\n{well_id}"), self.inner.logs(scope, well_id))
            .await
    }

    async fn curves(&self, scope: &ProjectScope, well_id: &str) -> Result<Vec<CurveRecord>> {
        self.read(
            scope,
            format!("curves\n{well_id}"),
            self.inner.curves(scope, well_id),
        )
        .await
    }

    async fn replace_tops(
        &self,
        scope: &ProjectScope,
        well_id: &str,
        source: &str,
        tops: &[TopRecord],
    ) -> Result<()> {
        self.write(scope, self.inner.replace_tops(scope, well_id, source, tops).await)
            .await
    }

    async fn tops(&self, scope: &ProjectScope, well_id: &str) -> Result<Vec<TopRecord>> {
        self.read(scope, format!("tops\n{well_id}"), self.inner.tops(scope, well_id))
            .await
    }

    async fn put_ingest(&self, scope: &ProjectScope, ingest: &IngestRecord) -> Result<()> {
        self.write(scope, self.inner.put_ingest(scope, ingest).await)
            .await
    }

    async fn ingests(&self, scope: &ProjectScope) -> Result<Vec<IngestRecord>> {
        self.read(scope, "ingests".into(), self.inner.ingests(scope))
            .await
    }

    async fn put_pipeline_execution(
        &self,
        scope: &ProjectScope,
        execution: &PipelineExecution,
    ) -> Result<()> {
        self.write(scope, self.inner.put_pipeline_execution(scope, execution).await)
            .await
    }

    async fn pipeline_execution(
        &self,
        scope: &ProjectScope,
        content_hash: &str,
    ) -> Result<Option<PipelineExecution>> {
        self.read(
            scope,
            format!("pipeline\n{content_hash}"),
            self.inner.pipeline_execution(scope, content_hash),
        )
        .await
    }
}
