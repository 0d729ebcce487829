//! L2 as an `object_store::ObjectStore`: a wrapper whose reads go through the disk block cache.
//!
//! Why a wrapper of object_store rather than of the storage manager: DataFusion reads Parquet through
//! `ObjectStore` (`get_range`, `get_ranges`, `get_opts`, `head`), so wrapping the store the query engine
//! registers (OpenDAL's adapter over the storage manager's operator) caches its footer and column-chunk
//! reads with no change to the engine; the HTTP byte-range route uses the same wrapper through
//! [`CachedObjectStore::read_range`]. One cache, one set of blocks, whoever reads.
//!
//! Correctness (a changed object never serves old blocks):
//! - Every read first learns the object's current version: a `head` on the inner store, or a version
//!   seen within `revalidate_after` (from a `head`, `list` or read through this wrapper). That is a
//!   metadata request; the bytes are read from the store once per version.
//! - Block names contain that version (path, size, ETag, modification time), so blocks of another
//!   version are never found.
//! - Missing blocks are fetched with `If-Match` on the ETag (where there is one), and the version the
//!   store reports for the fetch must equal the expected one; otherwise nothing is stored, the version is
//!   looked up again and the read starts over once (then fails with a retryable conflict).
//! - Objects whose version cannot prove a change (no ETag and no modification time: OpenDAL's memory
//!   backend) are not cached at all; such reads go straight to the inner store.
//!
//! Writes, deletes, copies and renames go to the inner store and forget the versions seen of the paths
//! they touch. Reads through the wrapper are materialised in memory (blocks are assembled into one
//! buffer); a read larger than a quarter of the L2 budget bypasses the cache.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use async_trait::async_trait;
use bytes::{Bytes, BytesMut};
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use mudrock_core::cache::{CacheKey, Version};
use object_store::path::Path;
use object_store::{
    CopyOptions, GetOptions, GetRange, GetResult, GetResultPayload, ListResult, MultipartUpload, ObjectMeta,
    ObjectStore, PutMultipartOptions, PutOptions, PutPayload, PutResult, RenameOptions,
};

use super::l2::BlockCache;
use mudrock_common::error::{Error, ErrorKind, Result};

/// The `store` name in errors this wrapper makes.
const STORE_NAME: &str = "MudRockL2";
/// How many fetches of missing block runs may be in flight for one read.
const FETCH_CONCURRENCY: usize = 8;
/// Versions remembered at most (each a path and its metadata); beyond it expired ones are dropped, and
/// if that is not enough, all.
const MAX_REMEMBERED: usize = 65_536;

/// An `ObjectStore` whose reads are cached in an L2 [`BlockCache`].
pub struct CachedObjectStore {
    inner: Arc<dyn ObjectStore>,
    blocks: Arc<BlockCache>,
    revalidate_after: Duration,
    seen: Arc<SeenVersions>,
}

impl fmt::Debug for CachedObjectStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedObjectStore")
            .field("inner", &self.inner)
            .field("l2_dir", &self.blocks.dir())
            .field("revalidate_after", &self.revalidate_after)
            .finish()
    }
}

impl fmt::Display for CachedObjectStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "L2Cached({})", self.inner)
    }
}

/// Object versions seen recently (by `head`, `list` or a read), trusted for `ttl` instead of asking the
/// store again. A zero `ttl` (the default) remembers nothing.
#[derive(Debug)]
struct SeenVersions {
    ttl: Duration,
    map: Mutex<HashMap<Path, (ObjectMeta, Instant)>>,
}

impl SeenVersions {
    fn new(ttl: Duration) -> Self {
        SeenVersions {
            ttl,
            map: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Path, (ObjectMeta, Instant)>> {
        // Plain data, each update whole: a panic elsewhere cannot leave it half-changed.
        self.map.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn recent(&self, location: &Path) -> Option<ObjectMeta> {
        if self.ttl.is_zero() {
            return None;
        }
        let map = self.lock();
        let (meta, at) = map.get(location)?;
        (at.elapsed() < self.ttl).then(|| meta.clone())
    }

    fn remember(&self, meta: &ObjectMeta) {
        if self.ttl.is_zero() {
            return;
        }
        let mut map = self.lock();
        if map.len() >= MAX_REMEMBERED {
            map.retain(|_, (_, at)| at.elapsed() < self.ttl);
            if map.len() >= MAX_REMEMBERED {
                map.clear();
            }
        }
        map.insert(meta.location.clone(), (meta.clone(), Instant::now()));
    }

    fn forget(&self, location: &Path) {
        if !self.ttl.is_zero() {
            self.lock().remove(location);
        }
    }

    fn clear(&self) {
        if !self.ttl.is_zero() {
            self.lock().clear();
        }
    }
}

/// Why a read through the blocks did not complete.
enum ReadFailure {
    /// The object is no longer the version the read started from.
    Changed,
    Store(object_store::Error),
}

impl From<object_store::Error> for ReadFailure {
    fn from(e: object_store::Error) -> Self {
        match e {
            object_store::Error::Precondition { .. } => ReadFailure::Changed,
            e => ReadFailure::Store(e),
        }
    }
}

impl CachedObjectStore {
    /// Caches `inner`'s reads in `blocks`. `revalidate_after`: see
    /// [`super::config::L2Config::revalidate_after`].
    pub fn new(inner: Arc<dyn ObjectStore>, blocks: Arc<BlockCache>, revalidate_after: Duration) -> Self {
        CachedObjectStore {
            inner,
            blocks,
            revalidate_after,
            seen: Arc::new(SeenVersions::new(revalidate_after)),
        }
    }

    pub fn inner(&self) -> &Arc<dyn ObjectStore> {
        &self.inner
    }

    pub fn blocks(&self) -> &Arc<BlockCache> {
        &self.blocks
    }

    /// The object's current metadata (a `head` on the inner store, remembered for later reads).
    pub async fn head_object(&self, location: &Path) -> Result<ObjectMeta> {
        let meta = self
            .inner
            .get_opts(location, GetOptions::new().with_head(true))
            .await
            .map_err(|e| to_error(e, "head", location))?
            .meta;
        self.remember(&meta);
        Ok(meta)
    }

    /// Bytes `range` of exactly the version `meta` describes (from [`CachedObjectStore::head_object`]),
    /// for the HTTP byte-range route: the response's ETag and its bytes agree. An end past the object
    /// is clipped; a start at or past the end is [`ErrorKind::InvalidInput`]; an object that has changed
    /// since `meta` is a retryable [`ErrorKind::Conflict`].
    pub async fn read_range(&self, meta: &ObjectMeta, range: Range<u64>) -> Result<Bytes> {
        let location = &meta.location;
        if range.start > range.end || (range.start >= meta.size && !range.is_empty()) {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "byte range {}..{} is not within `{location}` ({} bytes)",
                    range.start, range.end, meta.size
                ),
            )
            .with_operation("read_range"));
        }
        let range = range.start..range.end.min(meta.size);
        match self.read_version(meta, std::slice::from_ref(&range)).await {
            Ok(mut parts) => Ok(parts.pop().unwrap_or_default()),
            Err(ReadFailure::Changed) => Err(changed_error(location)),
            Err(ReadFailure::Store(e)) => Err(to_error(e, "read_range", location)),
        }
    }

    /// The object's version: remembered if seen recently enough, else a `head` on the inner store.
    async fn current_meta(&self, location: &Path) -> object_store::Result<ObjectMeta> {
        if let Some(meta) = self.seen.recent(location) {
            return Ok(meta);
        }
        let meta = self
            .inner
            .get_opts(location, GetOptions::new().with_head(true))
            .await?
            .meta;
        self.remember(&meta);
        Ok(meta)
    }

    fn remember(&self, meta: &ObjectMeta) {
        self.seen.remember(meta);
    }

    fn forget(&self, location: &Path) {
        self.seen.forget(location);
    }

    /// Reads the ranges `resolve` picks for the current version (it may refuse the version, e.g. for an
    /// `If-Match`), through the blocks; starts over once if the object changes under the read.
    ///
    /// `known`: the current version if the caller just looked it up (saves asking again).
    async fn read_current<F>(
        &self,
        location: &Path,
        mut known: Option<ObjectMeta>,
        resolve: F,
    ) -> object_store::Result<(ObjectMeta, Vec<Range<u64>>, Vec<Bytes>)>
    where
        F: Fn(&ObjectMeta) -> object_store::Result<Vec<Range<u64>>>,
    {
        let mut restarted = false;
        loop {
            let meta = match known.take() {
                Some(meta) => meta,
                None => self.current_meta(location).await?,
            };
            let ranges = resolve(&meta)?;
            match self.read_version(&meta, &ranges).await {
                Ok(parts) => return Ok((meta, ranges, parts)),
                Err(ReadFailure::Store(e)) => return Err(e),
                Err(ReadFailure::Changed) if !restarted => {
                    restarted = true;
                    self.forget(location);
                }
                Err(ReadFailure::Changed) => {
                    return Err(object_store::Error::Precondition {
                        path: location.to_string(),
                        source: Box::new(changed_error(location)),
                    });
                }
            }
        }
    }

    /// Reads `ranges` of exactly the version `meta`: cached blocks from disk, missing ones from the
    /// inner store (then cached). Ranges are clipped to the object.
    async fn read_version(
        &self,
        meta: &ObjectMeta,
        ranges: &[Range<u64>],
    ) -> Result<Vec<Bytes>, ReadFailure> {
        let location = &meta.location;
        let ranges: Vec<Range<u64>> = ranges
            .iter()
            .map(|r| r.start.min(meta.size)..r.end.min(meta.size).max(r.start.min(meta.size)))
            .collect();
        let span: u64 = ranges.iter().map(|r| r.end - r.start).sum();
        let Some(version) = verifiable_version(meta) else {
            return self.read_uncached(meta, &ranges).await;
        };
        if span > self.blocks.max_bytes() / 4 {
            return self.read_uncached(meta, &ranges).await;
        }

        let bs = self.blocks.block_bytes();
        let mut needed: BTreeMap<u64, Option<Bytes>> = BTreeMap::new();
        for r in ranges.iter().filter(|r| !r.is_empty()) {
            for i in r.start / bs..=(r.end - 1) / bs {
                needed.insert(i, None);
            }
        }
        let block_len = |i: u64| bs.min(meta.size - i * bs);
        let wanted: Vec<(CacheKey, u64)> = needed
            .keys()
            .map(|&i| (self.blocks.block_id(&version, i), block_len(i)))
            .collect();
        let cached = self.blocks.read_blocks(wanted.clone()).await;
        let counters = self.blocks.counters();
        for (slot, found) in needed.values_mut().zip(cached) {
            *slot = found;
        }
        let missing: Vec<u64> = needed
            .iter()
            .filter(|(_, b)| b.is_none())
            .map(|(&i, _)| i)
            .collect();
        counters.hits_add((needed.len() - missing.len()) as u64);
        counters.misses_add(missing.len() as u64);

        if !missing.is_empty() {
            let runs = contiguous_runs(&missing);
            let fetched: Vec<Vec<(u64, Bytes)>> = stream::iter(runs)
                .map(|run| self.fetch_run(meta, run, bs))
                .buffer_unordered(FETCH_CONCURRENCY)
                .try_collect()
                .await?;
            let mut to_store = Vec::with_capacity(missing.len());
            for (i, block) in fetched.into_iter().flatten() {
                to_store.push((self.blocks.block_id(&version, i), block.clone()));
                needed.insert(i, Some(block));
            }
            self.blocks.write_blocks(to_store).await;
        }

        ranges
            .iter()
            .map(|r| assemble(&needed, r, bs))
            .collect::<Option<Vec<Bytes>>>()
            .ok_or_else(|| {
                ReadFailure::Store(object_store::Error::Generic {
                    store: STORE_NAME,
                    source: format!("internal error: a block of `{location}` was neither cached nor fetched")
                        .into(),
                })
            })
    }

    /// Fetches blocks `run` (inclusive, contiguous) of the version `meta` in one ranged read.
    async fn fetch_run(
        &self,
        meta: &ObjectMeta,
        run: Range<u64>,
        bs: u64,
    ) -> Result<Vec<(u64, Bytes)>, ReadFailure> {
        let start = run.start * bs;
        let end = (run.end * bs).min(meta.size);
        let options = GetOptions {
            if_match: meta.e_tag.clone(),
            range: Some(GetRange::Bounded(start..end)),
            ..GetOptions::default()
        };
        let started = Instant::now();
        let counters = self.blocks.counters();
        let result = async {
            let got = self.inner.get_opts(&meta.location, options).await?;
            if !same_version(meta, &got.meta) {
                return Err(ReadFailure::Changed);
            }
            let bytes = got.bytes().await?;
            if bytes.len() as u64 != end - start {
                // The object is shorter than its version said: it changed.
                return Err(ReadFailure::Changed);
            }
            Ok(bytes)
        }
        .await;
        match result {
            Ok(bytes) => {
                counters.load(started.elapsed());
                Ok(run
                    .map(|i| {
                        let from = (i * bs - start) as usize;
                        let to = ((i * bs + bs).min(end) - start) as usize;
                        (i, bytes.slice(from..to))
                    })
                    .collect())
            }
            Err(e) => {
                counters.load_error();
                Err(e)
            }
        }
    }

    /// Reads that are not cached (an unverifiable version, or too large): straight from the inner store.
    async fn read_uncached(
        &self,
        meta: &ObjectMeta,
        ranges: &[Range<u64>],
    ) -> Result<Vec<Bytes>, ReadFailure> {
        let nonempty: Vec<Range<u64>> = ranges.iter().filter(|r| !r.is_empty()).cloned().collect();
        let mut fetched = self
            .inner
            .get_ranges(&meta.location, &nonempty)
            .await?
            .into_iter();
        Ok(ranges
            .iter()
            .map(|r| {
                if r.is_empty() {
                    Bytes::new()
                } else {
                    fetched.next().unwrap_or_default()
                }
            })
            .collect())
    }
}

/// The version that names an object's blocks, if it proves a change (see [`Version::is_verifiable`]).
fn verifiable_version(meta: &ObjectMeta) -> Option<Version> {
    let modified =
        (meta.last_modified.timestamp_nanos_opt() != Some(0)).then(|| SystemTime::from(meta.last_modified));
    let version = Version::object(meta.location.as_ref(), meta.size, meta.e_tag.clone(), modified);
    version.is_verifiable().then_some(version)
}

/// Whether a read's reported metadata is the expected version. Fields a store leaves out of a read's
/// metadata (an ETag, a modification time) are not compared; the size always is.
fn same_version(expected: &ObjectMeta, got: &ObjectMeta) -> bool {
    if expected.size != got.size {
        return false;
    }
    match (&expected.e_tag, &got.e_tag) {
        (Some(a), Some(b)) => a == b,
        _ => {
            let reported = |m: &ObjectMeta| m.last_modified.timestamp_nanos_opt() != Some(0);
            !(reported(expected) && reported(got)) || expected.last_modified == got.last_modified
        }
    }
}

/// Sorted block indices → runs of consecutive indices (half-open).
fn contiguous_runs(sorted: &[u64]) -> Vec<Range<u64>> {
    let mut runs: Vec<Range<u64>> = Vec::new();
    for &i in sorted {
        match runs.last_mut() {
            Some(run) if run.end == i => run.end = i + 1,
            _ => runs.push(i..i + 1),
        }
    }
    runs
}

/// Bytes `range` from the blocks that cover it (one block: a zero-copy slice).
fn assemble(blocks: &BTreeMap<u64, Option<Bytes>>, range: &Range<u64>, bs: u64) -> Option<Bytes> {
    if range.is_empty() {
        return Some(Bytes::new());
    }
    let first = range.start / bs;
    let last = (range.end - 1) / bs;
    let slice_of = |i: u64| -> Option<Bytes> {
        let block = blocks.get(&i)?.as_ref()?;
        let block_start = i * bs;
        let from = (range.start.max(block_start) - block_start) as usize;
        let to = (range.end.min(block_start + block.len() as u64) - block_start) as usize;
        (from <= to && to <= block.len()).then(|| block.slice(from..to))
    };
    if first == last {
        return slice_of(first);
    }
    let mut out = BytesMut::with_capacity((range.end - range.start) as usize);
    for i in first..=last {
        out.extend_from_slice(&slice_of(i)?);
    }
    Some(out.freeze())
}

fn changed_error(location: &Path) -> Error {
    Error::new(
        ErrorKind::Conflict,
        format!("`{location}` changed while it was being read: read it again"),
    )
    .with_retryable(true)
}

/// object_store's error as the backend's.
pub(crate) fn to_error(e: object_store::Error, operation: &'static str, location: &Path) -> Error {
    use object_store::Error as E;
    let (kind, message) = match &e {
        E::NotFound { .. } => (ErrorKind::NotFound, format!("object `{location}` not found")),
        E::Precondition { .. } | E::AlreadyExists { .. } | E::NotModified { .. } => (
            ErrorKind::Conflict,
            format!("`{location}` is not the version expected"),
        ),
        E::NotSupported { .. } | E::NotImplemented { .. } => (
            ErrorKind::Unsupported,
            "the object store does not support this operation".to_owned(),
        ),
        E::PermissionDenied { .. } | E::Unauthenticated { .. } => (
            ErrorKind::PermissionDenied,
            "the object store refused access".to_owned(),
        ),
        E::InvalidPath { .. } => (
            ErrorKind::InvalidInput,
            format!("invalid object path `{location}`"),
        ),
        _ => (ErrorKind::Unexpected, "object store operation failed".to_owned()),
    };
    Error::new(kind, message)
        .with_operation(operation)
        .with_context("path", location)
        .with_source(e)
}

/// object_store's range error (its type is not exported) as a store error.
fn range_error<E: std::error::Error + Send + Sync + 'static>(e: E) -> object_store::Error {
    object_store::Error::Generic {
        store: STORE_NAME,
        source: Box::new(e),
    }
}

fn single_payload(bytes: Bytes) -> GetResultPayload {
    GetResultPayload::Stream(stream::once(async move { Ok(bytes) }).boxed())
}

/// `get_opts` options this wrapper answers from the blocks: plain reads, optionally with a range or an
/// `If-Match`. Conditional reads of other kinds and reads of a given object version go to the store.
fn answerable(options: &GetOptions) -> bool {
    !options.head
        && options.if_none_match.is_none()
        && options.if_modified_since.is_none()
        && options.if_unmodified_since.is_none()
        && options.version.is_none()
}

#[async_trait]
impl ObjectStore for CachedObjectStore {
    async fn put_opts(
        &self,
        location: &Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> object_store::Result<PutResult> {
        self.forget(location);
        let result = self.inner.put_opts(location, payload, opts).await;
        self.forget(location);
        result
    }

    async fn put_multipart_opts(
        &self,
        location: &Path,
        opts: PutMultipartOptions,
    ) -> object_store::Result<Box<dyn MultipartUpload>> {
        // The upload completes after this returns; the version is forgotten now and the next read asks.
        self.forget(location);
        self.inner.put_multipart_opts(location, opts).await
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> object_store::Result<GetResult> {
        if !answerable(&options) {
            let result = self.inner.get_opts(location, options).await?;
            self.remember(&result.meta);
            return Ok(result);
        }
        let resolve = |meta: &ObjectMeta| {
            // `If-Match` against the version about to be read, as the store would check it.
            options.check_preconditions(meta)?;
            match &options.range {
                Some(r) => r.as_range(meta.size).map_err(range_error),
                None => Ok(0..meta.size),
            }
        };
        let meta = self.current_meta(location).await?;
        if let Ok(range) = resolve(&meta)
            && (verifiable_version(&meta).is_none() || range.end - range.start > self.blocks.max_bytes() / 4)
        {
            // Not cacheable (see the module doc): the store's own streaming read.
            return self.inner.get_opts(location, options).await;
        }
        let (meta, mut ranges, mut parts) = self
            .read_current(location, Some(meta), |meta| resolve(meta).map(|r| vec![r]))
            .await?;
        Ok(GetResult {
            payload: single_payload(parts.pop().unwrap_or_default()),
            meta,
            range: ranges.pop().unwrap_or_default(),
            attributes: Default::default(),
        })
    }

    async fn get_ranges(&self, location: &Path, ranges: &[Range<u64>]) -> object_store::Result<Vec<Bytes>> {
        let (_, _, parts) = self
            .read_current(location, None, |meta| {
                ranges
                    .iter()
                    .map(|r| {
                        GetRange::Bounded(r.clone())
                            .as_range(meta.size)
                            .map_err(range_error)
                    })
                    .collect()
            })
            .await?;
        Ok(parts)
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, object_store::Result<Path>>,
    ) -> BoxStream<'static, object_store::Result<Path>> {
        // Simplest correct choice: deleting anything forgets every remembered version.
        self.seen.clear();
        self.inner.delete_stream(locations)
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        // DataFusion lists a table's files when it plans a query and then reads them: the versions
        // listed serve those reads (within `revalidate_after`).
        let seen = Arc::clone(&self.seen);
        self.inner
            .list(prefix)
            .inspect_ok(move |meta| seen.remember(meta))
            .boxed()
    }

    fn list_with_offset(
        &self,
        prefix: Option<&Path>,
        offset: &Path,
    ) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        let seen = Arc::clone(&self.seen);
        self.inner
            .list_with_offset(prefix, offset)
            .inspect_ok(move |meta| seen.remember(meta))
            .boxed()
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> object_store::Result<ListResult> {
        let result = self.inner.list_with_delimiter(prefix).await?;
        for meta in &result.objects {
            self.remember(meta);
        }
        Ok(result)
    }

    async fn copy_opts(&self, from: &Path, to: &Path, options: CopyOptions) -> object_store::Result<()> {
        self.forget(to);
        let result = self.inner.copy_opts(from, to, options).await;
        self.forget(to);
        result
    }

    async fn rename_opts(&self, from: &Path, to: &Path, options: RenameOptions) -> object_store::Result<()> {
        self.forget(from);
        self.forget(to);
        let result = self.inner.rename_opts(from, to, options).await;
        self.forget(from);
        self.forget(to);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_group_consecutive_blocks() {
        assert_eq!(contiguous_runs(&[0, 1, 2, 5, 7, 8]), vec![0..3, 5..6, 7..9]);
        assert!(contiguous_runs(&[]).is_empty());
    }

    #[test]
    fn assemble_spans_blocks_and_slices_one() {
        let mut blocks = BTreeMap::new();
        blocks.insert(0, Some(Bytes::from_static(b"abcd")));
        blocks.insert(1, Some(Bytes::from_static(b"efgh")));
        blocks.insert(2, Some(Bytes::from_static(b"ij")));
        assert_eq!(assemble(&blocks, &(1..3), 4).unwrap(), Bytes::from_static(b"bc"));
        assert_eq!(
            assemble(&blocks, &(3..10), 4).unwrap(),
            Bytes::from_static(b"defghij")
        );
        assert_eq!(assemble(&blocks, &(5..5), 4).unwrap(), Bytes::new());
        blocks.insert(1, None);
        assert!(assemble(&blocks, &(3..6), 4).is_none());
    }
}
