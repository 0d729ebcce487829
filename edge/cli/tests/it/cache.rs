//! The cache tiers: L1 budget, expiry and single flight; L2 blocks against real stores (object_store's
//! in-memory store behind a call counter, and the storage manager's OpenDAL operator through OpenDAL's
//! object_store adapter); L3 across instances; the layered query path; `/metrics` text; the CLI.

use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use arrow_array::{Float64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use async_trait::async_trait;
use bytes::Bytes;
use futures::TryStreamExt;
use futures::stream::BoxStream;
use mudrock_core::cache::CacheKey;
use mudrock_engine::cache::l2;
use mudrock_engine::cache::metrics;
use mudrock_engine::cache::{
    BlockCache, CacheConfig, CachedObjectStore, Caches, L1Cache, L1Config, L1Kind, L2Config, L3Config,
    ResultBatches, ResultStore, Tier, TierSnapshot,
};
use mudrock_store::{Error, ErrorKind, StorageConfig, StorageManager};
use object_store::memory::InMemory;
use object_store::path::Path as ObjectPath;
use object_store::{
    CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore, ObjectStoreExt,
    PutMultipartOptions, PutOptions, PutPayload, PutResult,
};
use proptest::prelude::*;

use crate::support::{layout, project};

fn key(n: u64) -> CacheKey {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&n.to_le_bytes());
    CacheKey::from_bytes(bytes)
}

fn l1(max_bytes: u64, ttl: Option<Duration>, idle: Option<Duration>) -> L1Cache {
    L1Cache::new(&L1Config {
        max_bytes,
        time_to_live: ttl,
        time_to_idle: idle,
    })
}

// ---------------------------------------------------------------------------------------------------------
// L1
// ---------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn l1_stays_within_its_byte_budget_and_counts_evictions() {
    let budget = 64 * 1024;
    let cache = l1(budget, None, None);
    for i in 0..100 {
        cache
            .insert::<Bytes>(L1Kind::Response, &key(i), Bytes::from(vec![7u8; 4096]))
            .await;
    }
    cache.run_pending_tasks().await;
    let s = cache.snapshot();
    assert!(
        cache.weighted_bytes() <= budget,
        "{} > {budget}",
        cache.weighted_bytes()
    );
    assert_eq!(s.bytes, Some(cache.weighted_bytes()));
    assert_eq!(s.capacity_bytes, Some(budget));
    // 100 × (4 KiB + overhead) cannot fit in 64 KiB: at least 100 - 15 entries had to go.
    assert!(s.evictions >= 85, "{s:?}");
    assert!(s.entries.unwrap() <= 15, "{s:?}");
}

#[tokio::test]
async fn l1_entries_expire_after_their_time_to_live() {
    let cache = l1(1 << 20, Some(Duration::from_millis(200)), None);
    cache
        .insert::<Bytes>(L1Kind::Metadata, &key(1), Bytes::from_static(b"wells"))
        .await;
    assert!(cache.get::<Bytes>(L1Kind::Metadata, &key(1)).await.is_some());
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert!(cache.get::<Bytes>(L1Kind::Metadata, &key(1)).await.is_none());
    cache.run_pending_tasks().await;
    let s = cache.snapshot();
    assert_eq!(s.expirations, 1, "{s:?}");
    assert_eq!((s.hits, s.misses), (1, 1));
    assert_eq!(s.entries, Some(0));
}

#[tokio::test]
async fn l1_idle_time_is_reset_by_reads() {
    let cache = l1(1 << 20, None, Some(Duration::from_millis(600)));
    cache
        .insert::<Bytes>(L1Kind::Metadata, &key(1), Bytes::from_static(b"curves"))
        .await;
    // Read every 200 ms for 1 s: longer than the idle time, but never idle that long.
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(cache.get::<Bytes>(L1Kind::Metadata, &key(1)).await.is_some());
    }
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(cache.get::<Bytes>(L1Kind::Metadata, &key(1)).await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn l1_fifty_concurrent_misses_run_the_loader_once() {
    let cache = l1(1 << 20, None, None);
    let runs = Arc::new(AtomicUsize::new(0));
    let barrier = Arc::new(tokio::sync::Barrier::new(50));
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (cache, runs, barrier) = (cache.clone(), runs.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            cache
                .get_or_try_load::<Bytes, _>(L1Kind::QueryResult, &key(42), async {
                    runs.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    Ok(Bytes::from_static(b"expensive"))
                })
                .await
        }));
    }
    for t in tasks {
        let value = t.await.unwrap().unwrap();
        assert_eq!(&value[..], b"expensive");
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1, "the loader ran more than once");
    let s = cache.snapshot();
    assert_eq!(s.loads, 1, "{s:?}");
    assert_eq!(s.hits + s.misses, 50);
    assert!(s.misses >= 2, "the test did not produce concurrent misses: {s:?}");
    // Answered from the cache afterwards.
    let again = cache
        .get_or_try_load::<Bytes, _>(L1Kind::QueryResult, &key(42), async {
            Err(Error::new(ErrorKind::Unexpected, "must not run"))
        })
        .await
        .unwrap();
    assert_eq!(&again[..], b"expensive");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn l1_a_failed_load_reaches_every_waiter_and_caches_nothing() {
    let cache = l1(1 << 20, None, None);
    let runs = Arc::new(AtomicUsize::new(0));
    let barrier = Arc::new(tokio::sync::Barrier::new(10));
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let (cache, runs, barrier) = (cache.clone(), runs.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            cache
                .get_or_try_load::<Bytes, _>(L1Kind::QueryResult, &key(7), async {
                    runs.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    Err(Error::new(ErrorKind::NotFound, "well `W9` not found").with_context("project", "p"))
                })
                .await
        }));
    }
    for t in tasks {
        let err = t.await.unwrap().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
        assert_eq!(err.message(), "well `W9` not found");
        assert_eq!(err.context("project"), Some("p"));
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    assert_eq!(cache.snapshot().load_errors, 1);
    let ok = cache
        .get_or_try_load::<Bytes, _>(L1Kind::QueryResult, &key(7), async {
            Ok(Bytes::from_static(b"now"))
        })
        .await
        .unwrap();
    assert_eq!(&ok[..], b"now");
}

#[tokio::test]
async fn l1_kinds_and_types_are_separate_slots() {
    let cache = l1(1 << 20, None, None);
    cache
        .insert::<Bytes>(L1Kind::Response, &key(1), Bytes::from_static(b"json"))
        .await;
    assert!(cache.get::<Bytes>(L1Kind::QueryResult, &key(1)).await.is_none());
    assert!(cache.get::<String>(L1Kind::Response, &key(1)).await.is_none());
    assert_eq!(
        &cache.get::<Bytes>(L1Kind::Response, &key(1)).await.unwrap()[..],
        b"json"
    );
}

// ---------------------------------------------------------------------------------------------------------
// L2
// ---------------------------------------------------------------------------------------------------------

/// A real store (object_store's in-memory one) that counts the calls that reach it.
#[derive(Debug, Default)]
struct CountingStore {
    inner: InMemory,
    data_reads: AtomicUsize,
    heads: AtomicUsize,
}

impl CountingStore {
    fn data_reads(&self) -> usize {
        self.data_reads.load(Ordering::SeqCst)
    }
    fn heads(&self) -> usize {
        self.heads.load(Ordering::SeqCst)
    }
}

impl fmt::Display for CountingStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Counting({})", self.inner)
    }
}

#[async_trait]
impl ObjectStore for CountingStore {
    async fn put_opts(
        &self,
        location: &ObjectPath,
        payload: PutPayload,
        opts: PutOptions,
    ) -> object_store::Result<PutResult> {
        self.inner.put_opts(location, payload, opts).await
    }
    async fn put_multipart_opts(
        &self,
        location: &ObjectPath,
        opts: PutMultipartOptions,
    ) -> object_store::Result<Box<dyn MultipartUpload>> {
        self.inner.put_multipart_opts(location, opts).await
    }
    async fn get_opts(&self, location: &ObjectPath, options: GetOptions) -> object_store::Result<GetResult> {
        if options.head {
            self.heads.fetch_add(1, Ordering::SeqCst);
        } else {
            self.data_reads.fetch_add(1, Ordering::SeqCst);
        }
        self.inner.get_opts(location, options).await
    }
    async fn get_ranges(
        &self,
        location: &ObjectPath,
        ranges: &[Range<u64>],
    ) -> object_store::Result<Vec<Bytes>> {
        self.data_reads.fetch_add(1, Ordering::SeqCst);
        self.inner.get_ranges(location, ranges).await
    }
    fn delete_stream(
        &self,
        locations: BoxStream<'static, object_store::Result<ObjectPath>>,
    ) -> BoxStream<'static, object_store::Result<ObjectPath>> {
        self.inner.delete_stream(locations)
    }
    fn list(&self, prefix: Option<&ObjectPath>) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        self.inner.list(prefix)
    }
    async fn list_with_delimiter(&self, prefix: Option<&ObjectPath>) -> object_store::Result<ListResult> {
        self.inner.list_with_delimiter(prefix).await
    }
    async fn copy_opts(
        &self,
        from: &ObjectPath,
        to: &ObjectPath,
        options: CopyOptions,
    ) -> object_store::Result<()> {
        self.inner.copy_opts(from, to, options).await
    }
}

const BLOCK: u64 = 4096;

fn l2_config(dir: &Path, max_bytes: u64) -> L2Config {
    L2Config {
        dir: dir.to_path_buf(),
        max_bytes,
        block_bytes: BLOCK,
        revalidate_after: Duration::ZERO,
    }
}

/// Deterministic, position-dependent bytes (a shifted block would not compare equal).
fn object_bytes(len: usize, seed: u8) -> Bytes {
    Bytes::from(
        (0..len)
            .map(|i| {
                (i as u32)
                    .wrapping_mul(2_654_435_761)
                    .rotate_left(u32::from(seed)) as u8
                    ^ seed
            })
            .collect::<Vec<u8>>(),
    )
}

struct L2Fixture {
    _dir: tempfile::TempDir,
    dir: std::path::PathBuf,
    inner: Arc<CountingStore>,
    store: CachedObjectStore,
}

fn l2_fixture(max_bytes: u64, revalidate_after: Duration) -> L2Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let mut config = l2_config(&path, max_bytes);
    config.revalidate_after = revalidate_after;
    let blocks = Arc::new(BlockCache::open(&config).unwrap());
    let inner = Arc::new(CountingStore::default());
    let store = CachedObjectStore::new(inner.clone(), blocks, revalidate_after);
    L2Fixture {
        _dir: dir,
        dir: path,
        inner,
        store,
    }
}

fn loc(s: &str) -> ObjectPath {
    ObjectPath::from(s)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// Any ranges of any object read through L2 equal the object's bytes, cold and warm, one by one and
    /// several at once.
    #[test]
    fn l2_reads_equal_the_object_for_random_ranges(
        len in 1usize..60_000,
        seed in any::<u8>(),
        raw_ranges in proptest::collection::vec((any::<u64>(), any::<u64>()), 1..8),
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let f = l2_fixture(1 << 30, Duration::ZERO);
            let data = object_bytes(len, seed);
            f.inner.put(&loc("p/wells/W/logs/a.parquet"), data.clone().into()).await.unwrap();
            let ranges: Vec<Range<u64>> = raw_ranges
                .iter()
                .map(|&(a, b)| {
                    let start = a % len as u64;
                    let end = start + 1 + b % (len as u64 - start);
                    start..end
                })
                .collect();
            for pass in 0..2 {
                for r in &ranges {
                    let got = f.store.get_range(&loc("p/wells/W/logs/a.parquet"), r.clone()).await.unwrap();
                    prop_assert_eq!(&got[..], &data[r.start as usize..r.end as usize], "pass {} range {:?}", pass, r);
                }
                let many = f.store.get_ranges(&loc("p/wells/W/logs/a.parquet"), &ranges).await.unwrap();
                for (r, got) in ranges.iter().zip(&many) {
                    prop_assert_eq!(&got[..], &data[r.start as usize..r.end as usize]);
                }
            }
            let whole = f.store.get(&loc("p/wells/W/logs/a.parquet")).await.unwrap().bytes().await.unwrap();
            prop_assert_eq!(whole, data);
            Ok(())
        })?;
    }
}

#[tokio::test]
async fn l2_second_read_does_not_read_the_store_again() {
    let f = l2_fixture(1 << 30, Duration::ZERO);
    let data = object_bytes(50_000, 3);
    let path = loc("p/wells/W/logs/b.parquet");
    f.inner.put(&path, data.clone().into()).await.unwrap();

    let first = f.store.get_range(&path, 1000..30_000).await.unwrap();
    assert_eq!(first, data.slice(1000..30_000));
    let reads_after_first = f.inner.data_reads();
    assert_eq!(
        reads_after_first, 1,
        "one ranged read for the contiguous missing blocks"
    );

    let second = f.store.get_range(&path, 1000..30_000).await.unwrap();
    assert_eq!(second, first);
    let inside = f.store.get_range(&path, 5000..9000).await.unwrap();
    assert_eq!(inside, data.slice(5000..9000));
    assert_eq!(
        f.inner.data_reads(),
        reads_after_first,
        "warm reads touched the store's bytes"
    );

    let snap = f.store.blocks().snapshot();
    assert_eq!(snap.misses, 8, "blocks 0..=7 fetched once: {snap:?}");
    assert_eq!(snap.hits, 8 + 2, "{snap:?}");
    assert_eq!(snap.loads, 1);
    assert_eq!(l2::disk_usage(&f.dir).unwrap().blocks, 8);
}

#[tokio::test]
async fn l2_with_revalidation_a_warm_read_makes_no_store_call_at_all() {
    let f = l2_fixture(1 << 30, Duration::from_secs(60));
    let data = object_bytes(20_000, 9);
    let path = loc("p/catalog/wells_catalog.parquet");
    f.inner.put(&path, data.clone().into()).await.unwrap();
    f.store.get_range(&path, 0..20_000).await.unwrap();
    let (heads, reads) = (f.inner.heads(), f.inner.data_reads());
    assert_eq!(
        f.store.get_range(&path, 100..200).await.unwrap(),
        data.slice(100..200)
    );
    assert_eq!((f.inner.heads(), f.inner.data_reads()), (heads, reads));

    // Versions learnt from a listing (what DataFusion does when it plans) serve the reads after it.
    let listed = loc("p/wells/W/logs/l.parquet");
    f.inner.put(&listed, data.clone().into()).await.unwrap();
    let found: Vec<ObjectMeta> = f.store.list(Some(&loc("p/wells"))).try_collect().await.unwrap();
    assert_eq!(found.len(), 1);
    let heads = f.inner.heads();
    assert_eq!(
        f.store.get_range(&listed, 0..10).await.unwrap(),
        data.slice(0..10)
    );
    assert_eq!(f.inner.heads(), heads, "a listed version was asked for again");

    // Within the window a missing block of a changed object is refused by the store (If-Match), so the
    // read starts over on the new version instead of mixing two.
    let v2 = object_bytes(20_000, 10);
    f.inner.put(&listed, v2.clone().into()).await.unwrap();
    assert_eq!(
        f.store.get_range(&listed, 15_000..15_010).await.unwrap(),
        v2.slice(15_000..15_010)
    );
}

#[tokio::test]
async fn l2_a_new_etag_never_serves_old_blocks() {
    let f = l2_fixture(1 << 30, Duration::ZERO);
    let path = loc("p/catalog/wells_catalog.parquet");
    let v1 = object_bytes(12_000, 1);
    let v2 = object_bytes(12_000, 2); // same size, other bytes
    f.inner.put(&path, v1.clone().into()).await.unwrap();
    assert_eq!(f.store.get_range(&path, 0..12_000).await.unwrap(), v1);
    let etag1 = f.store.head(&path).await.unwrap().e_tag;

    f.inner.put(&path, v2.clone().into()).await.unwrap(); // behind the cache's back
    let meta2 = f.store.head(&path).await.unwrap();
    assert_ne!(meta2.e_tag, etag1);
    assert_eq!(f.store.get_range(&path, 0..12_000).await.unwrap(), v2);
    assert_eq!(
        f.store.get_range(&path, 5000..5100).await.unwrap(),
        v2.slice(5000..5100)
    );

    // The byte-range route's read of a version that is no longer current is a conflict, not old bytes.
    let mut stale = meta2.clone();
    stale.e_tag = etag1;
    f.inner.put(&path, v1.clone().into()).await.unwrap();
    let err = f.store.read_range(&stale, 0..10).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert!(err.is_retryable());
    let current = f.store.head_object(&path).await.unwrap();
    assert_eq!(
        f.store.read_range(&current, 10..20).await.unwrap(),
        v1.slice(10..20)
    );
}

#[tokio::test]
async fn l2_if_match_is_honoured() {
    let f = l2_fixture(1 << 30, Duration::ZERO);
    let path = loc("p/x.parquet");
    f.inner.put(&path, object_bytes(100, 5).into()).await.unwrap();
    let etag = f.store.head(&path).await.unwrap().e_tag.unwrap();
    let ok = f
        .store
        .get_opts(
            &path,
            GetOptions::new()
                .with_if_match(Some(etag))
                .with_range(Some(0..10)),
        )
        .await
        .unwrap();
    assert_eq!(ok.bytes().await.unwrap(), object_bytes(100, 5).slice(0..10));
    let refused = f
        .store
        .get_opts(
            &path,
            GetOptions::new().with_if_match(Some("\"nope\"".to_owned())),
        )
        .await;
    assert!(
        matches!(refused, Err(object_store::Error::Precondition { .. })),
        "{refused:?}"
    );
}

#[tokio::test]
async fn l2_total_size_stays_within_budget_under_many_blocks() {
    let budget = 10 * BLOCK;
    let f = l2_fixture(budget, Duration::ZERO);
    let path = loc("p/big.parquet");
    let data = object_bytes(100 * BLOCK as usize, 4);
    f.inner.put(&path, data.clone().into()).await.unwrap();
    for i in 0..100u64 {
        let r = i * BLOCK + 7..i * BLOCK + 100;
        assert_eq!(
            f.store.get_range(&path, r.clone()).await.unwrap(),
            data.slice(r.start as usize..r.end as usize)
        );
        let (_, bytes) = f.store.blocks().usage();
        assert!(bytes <= budget, "{bytes} > {budget} after block {i}");
    }
    let snap = f.store.blocks().snapshot();
    assert_eq!(snap.evictions, 90, "{snap:?}");
    let on_disk = l2::disk_usage(&f.dir).unwrap();
    assert_eq!(on_disk.blocks, 10);
    assert!(on_disk.bytes <= budget);
    // The most recent blocks are the ones kept.
    let reads = f.inner.data_reads();
    f.store
        .get_range(&path, 99 * BLOCK..99 * BLOCK + 10)
        .await
        .unwrap();
    assert_eq!(f.inner.data_reads(), reads);
    f.store.get_range(&path, 0..10).await.unwrap();
    assert_eq!(f.inner.data_reads(), reads + 1);
}

/// Every block file under the L2 directory.
fn block_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for shard in std::fs::read_dir(dir.join("blocks")).unwrap() {
        for file in std::fs::read_dir(shard.unwrap().path()).unwrap() {
            out.push(file.unwrap().path());
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn l2_corrupt_or_missing_block_files_are_read_again() {
    let f = l2_fixture(1 << 30, Duration::ZERO);
    let path = loc("p/c.parquet");
    let data = object_bytes(3 * BLOCK as usize, 6);
    f.inner.put(&path, data.clone().into()).await.unwrap();
    f.store.get_range(&path, 0..3 * BLOCK).await.unwrap();
    let files = block_files(&f.dir);
    assert_eq!(files.len(), 3);

    // One block flipped in the middle of its payload, one truncated, one deleted.
    let mut raw = std::fs::read(&files[0]).unwrap();
    let mid = raw.len() - 100;
    raw[mid] ^= 0xff;
    std::fs::write(&files[0], raw).unwrap();
    let raw = std::fs::read(&files[1]).unwrap();
    std::fs::write(&files[1], &raw[..raw.len() / 2]).unwrap();
    std::fs::remove_file(&files[2]).unwrap();

    let reads = f.inner.data_reads();
    assert_eq!(f.store.get_range(&path, 0..3 * BLOCK).await.unwrap(), data);
    assert!(
        f.inner.data_reads() > reads,
        "the damaged blocks were not re-read"
    );
    assert_eq!(f.store.blocks().snapshot().discarded, 3);
    // Repaired on disk: the next read is served from the blocks again.
    let reads = f.inner.data_reads();
    assert_eq!(f.store.get_range(&path, 0..3 * BLOCK).await.unwrap(), data);
    assert_eq!(f.inner.data_reads(), reads);
}

#[tokio::test]
async fn l2_index_is_rebuilt_on_open_and_leftovers_cleaned() {
    let f = l2_fixture(1 << 30, Duration::ZERO);
    let path = loc("p/d.parquet");
    let data = object_bytes(5 * BLOCK as usize, 8);
    f.inner.put(&path, data.clone().into()).await.unwrap();
    f.store.get_range(&path, 0..5 * BLOCK).await.unwrap();
    let shard = block_files(&f.dir)[0].parent().unwrap().to_path_buf();
    std::fs::write(f.dir.join("tmp/half-written.tmp"), b"x").unwrap();
    std::fs::write(f.dir.join("blocks/not-a-shard"), b"x").unwrap();
    std::fs::write(shard.join("garbage.blk"), b"x").unwrap();

    // A new process: the same directory, a fresh index.
    let reopened = Arc::new(BlockCache::open(&l2_config(&f.dir, 1 << 30)).unwrap());
    assert_eq!(reopened.usage(), (5, 5 * BLOCK));
    assert_eq!(std::fs::read_dir(f.dir.join("tmp")).unwrap().count(), 0);
    assert!(!shard.join("garbage.blk").exists());
    assert!(!f.dir.join("blocks/not-a-shard").exists());
    let store = CachedObjectStore::new(f.inner.clone(), reopened, Duration::ZERO);
    let reads = f.inner.data_reads();
    assert_eq!(store.get_range(&path, 0..5 * BLOCK).await.unwrap(), data);
    assert_eq!(
        f.inner.data_reads(),
        reads,
        "blocks from before the restart were not used"
    );

    // Reopened with a smaller budget: trimmed to it.
    let small = BlockCache::open(&l2_config(&f.dir, 2 * BLOCK)).unwrap();
    assert_eq!(small.usage(), (2, 2 * BLOCK));
    assert_eq!(l2::disk_usage(&f.dir).unwrap().blocks, 2);
}

/// The production composition: the storage manager's OpenDAL operator, as an object_store, behind L2.
#[tokio::test]
async fn l2_over_the_storage_managers_fs_operator() {
    let root = tempfile::tempdir().unwrap();
    let storage = StorageManager::new(&StorageConfig::fs(root.path())).unwrap();
    let data = object_bytes(30_000, 11);
    storage
        .upload("p/wells/W/logs/e.parquet", data.clone())
        .await
        .unwrap();
    let cache_dir = tempfile::tempdir().unwrap();
    let blocks = Arc::new(BlockCache::open(&l2_config(cache_dir.path(), 1 << 30)).unwrap());
    let inner: Arc<dyn ObjectStore> = Arc::new(object_store_opendal::OpendalStore::new(
        storage.operator().clone(),
    ));
    let store = CachedObjectStore::new(inner, blocks.clone(), Duration::ZERO);
    let path = loc("p/wells/W/logs/e.parquet");
    assert_eq!(
        store.get_range(&path, 100..20_000).await.unwrap(),
        data.slice(100..20_000)
    );
    assert_eq!(
        store.get_range(&path, 100..20_000).await.unwrap(),
        data.slice(100..20_000)
    );
    let snap = blocks.snapshot();
    assert!(
        snap.hits > 0 && snap.misses > 0,
        "fs objects (modification time, no ETag) are cached: {snap:?}"
    );

    // Rewritten with other bytes of the same size: only the modification time tells, and it does.
    let v2 = object_bytes(30_000, 12);
    tokio::time::sleep(Duration::from_millis(20)).await;
    storage
        .upload("p/wells/W/logs/e.parquet", v2.clone())
        .await
        .unwrap();
    assert_eq!(
        store.get_range(&path, 100..20_000).await.unwrap(),
        v2.slice(100..20_000)
    );
}

/// OpenDAL's memory backend reports neither ETag nor modification time: a same-size rewrite would be
/// invisible, so nothing of it may be cached.
#[tokio::test]
async fn l2_does_not_cache_objects_whose_version_cannot_change() {
    let storage = StorageManager::memory().unwrap();
    storage
        .upload("p/m.parquet", object_bytes(9000, 1))
        .await
        .unwrap();
    let cache_dir = tempfile::tempdir().unwrap();
    let blocks = Arc::new(BlockCache::open(&l2_config(cache_dir.path(), 1 << 30)).unwrap());
    let inner: Arc<dyn ObjectStore> = Arc::new(object_store_opendal::OpendalStore::new(
        storage.operator().clone(),
    ));
    let store = CachedObjectStore::new(inner, blocks.clone(), Duration::ZERO);
    let path = loc("p/m.parquet");
    assert_eq!(
        store.get_range(&path, 0..9000).await.unwrap(),
        object_bytes(9000, 1)
    );
    storage
        .upload("p/m.parquet", object_bytes(9000, 2))
        .await
        .unwrap();
    assert_eq!(
        store.get_range(&path, 0..9000).await.unwrap(),
        object_bytes(9000, 2)
    );
    assert_eq!(blocks.usage(), (0, 0));
}

// ---------------------------------------------------------------------------------------------------------
// L3 and the layered query path
// ---------------------------------------------------------------------------------------------------------

fn result(rows: usize) -> ResultBatches {
    let schema = Arc::new(Schema::new(vec![
        Field::new("well", DataType::Utf8, false),
        Field::new("gr", DataType::Float64, true),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(StringArray::from(
                (0..rows).map(|i| format!("W{i}")).collect::<Vec<_>>(),
            )),
            Arc::new(Float64Array::from(
                (0..rows)
                    .map(|i| (i % 3 != 0).then_some(i as f64 * 1.5))
                    .collect::<Vec<_>>(),
            )),
        ],
    )
    .unwrap();
    ResultBatches::new(schema, vec![batch])
}

#[tokio::test]
async fn l3_results_survive_a_new_instance() {
    let root = tempfile::tempdir().unwrap();
    let p = project("north-sea");
    let k = key(99);
    {
        let storage = StorageManager::new(&StorageConfig::fs(root.path())).unwrap();
        let l3 = ResultStore::new(storage, layout());
        assert!(l3.get(&p, &k).await.unwrap().is_none());
        l3.put(&p, &k, &result(50)).await.unwrap();
        assert_eq!(
            l3.path(&p, &k),
            format!("north-sea/cache/query/{}.parquet", k.to_hex())
        );
    }
    // A new process: new storage manager, new result store, same directory.
    let storage = StorageManager::new(&StorageConfig::fs(root.path())).unwrap();
    let l3 = ResultStore::new(storage.clone(), layout());
    assert_eq!(l3.get(&p, &k).await.unwrap().unwrap(), result(50));
    let s = l3.snapshot();
    assert_eq!((s.hits, s.misses), (1, 0));

    let usage = l3.usage(None).await.unwrap();
    assert_eq!(usage.len(), 1);
    assert_eq!((usage[0].project.as_str(), usage[0].results), ("north-sea", 1));

    // A damaged result is dropped and reported missing, never an error for the query.
    storage
        .upload(&l3.path(&p, &k), Bytes::from_static(b"PAR1garbagePAR1"))
        .await
        .unwrap();
    assert!(l3.get(&p, &k).await.unwrap().is_none());
    assert_eq!(l3.snapshot().discarded, 1);
    assert!(!storage.exists(&l3.path(&p, &k)).await.unwrap());
}

#[tokio::test]
async fn l3_clear_removes_one_project_or_all() {
    let storage = StorageManager::memory().unwrap();
    let l3 = ResultStore::new(storage.clone(), layout());
    for (proj, n) in [("a", 1), ("a", 2), ("b", 3)] {
        l3.put(&project(proj), &key(n), &result(3)).await.unwrap();
    }
    storage
        .upload("a/catalog/wells_catalog.parquet", Bytes::from_static(b"keep"))
        .await
        .unwrap();
    let removed = l3.clear(Some(&project("a"))).await.unwrap();
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].results, 2);
    assert_eq!(l3.usage(None).await.unwrap()[0].project, "b");
    l3.clear(None).await.unwrap();
    assert!(l3.usage(None).await.unwrap().is_empty());
    assert!(storage.exists("a/catalog/wells_catalog.parquet").await.unwrap());
}

fn caches(data_dir: &Path, storage: &StorageManager) -> Caches {
    let mut config = CacheConfig::defaults(data_dir);
    config.l3 = L3Config { enabled: true };
    Caches::open(&config, storage, &layout()).unwrap()
}

#[tokio::test]
async fn query_results_go_l1_then_l3_then_compute() {
    let data_dir = tempfile::tempdir().unwrap();
    let root = tempfile::tempdir().unwrap();
    let storage = StorageManager::new(&StorageConfig::fs(root.path())).unwrap();
    let computed = AtomicUsize::new(0);
    let compute = || async {
        computed.fetch_add(1, Ordering::SeqCst);
        Ok(result(10))
    };
    let p = project("demo");

    let first = caches(data_dir.path(), &storage);
    assert_eq!(
        *first.query_result(&p, &key(1), compute()).await.unwrap(),
        result(10)
    );
    assert_eq!(
        *first.query_result(&p, &key(1), compute()).await.unwrap(),
        result(10)
    );
    assert_eq!(computed.load(Ordering::SeqCst), 1);

    // Another project with the same key computes its own result.
    first
        .query_result(&project("other"), &key(1), compute())
        .await
        .unwrap();
    assert_eq!(computed.load(Ordering::SeqCst), 2);

    // A restarted server: empty L1, the result found in L3.
    let second = caches(data_dir.path(), &storage);
    assert_eq!(
        *second.query_result(&p, &key(1), compute()).await.unwrap(),
        result(10)
    );
    assert_eq!(computed.load(Ordering::SeqCst), 2);
    let snaps = second.snapshots().await;
    let tier = |t: Tier| snaps.iter().find(|s| s.tier == t).unwrap().clone();
    assert_eq!(tier(Tier::L1).misses, 1);
    assert_eq!(tier(Tier::L3).hits, 1);
}

// ---------------------------------------------------------------------------------------------------------
// /metrics
// ---------------------------------------------------------------------------------------------------------

/// Checks one line of the Prometheus text format by hand (independently of the crate's parser).
fn check_line(line: &str) {
    if let Some(rest) = line.strip_prefix("# HELP ") {
        let (name, help) = rest.split_once(' ').expect("HELP needs text");
        assert!(name.starts_with("mudrock_cache_") && !help.is_empty(), "{line}");
        return;
    }
    if let Some(rest) = line.strip_prefix("# TYPE ") {
        let (_, kind) = rest.split_once(' ').expect("TYPE needs a kind");
        assert!(["counter", "gauge", "histogram"].contains(&kind), "{line}");
        return;
    }
    let (series, value) = line.rsplit_once(' ').expect("sample needs a value");
    assert!(value == "+Inf" || value.parse::<f64>().is_ok(), "{line}");
    let (name, labels) = series.split_once('{').expect("every sample has labels");
    assert!(
        name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && name.starts_with("mudrock_cache_"),
        "{line}"
    );
    let labels = labels.strip_suffix('}').expect("labels end with }");
    for pair in labels.split(',') {
        let (k, v) = pair.split_once('=').expect("label=value");
        assert!(k == "tier" || k == "le", "{line}");
        assert!(v.starts_with('"') && v.ends_with('"') && v.len() >= 2, "{line}");
    }
}

#[tokio::test]
async fn metrics_text_is_valid_prometheus_exposition() {
    let data_dir = tempfile::tempdir().unwrap();
    let storage = StorageManager::memory().unwrap();
    let c = caches(data_dir.path(), &storage);
    let p = project("demo");
    c.query_result(&p, &key(1), async { Ok(result(5)) })
        .await
        .unwrap();
    c.query_result(&p, &key(1), async { Ok(result(5)) })
        .await
        .unwrap();
    let _ = c
        .query_result(&p, &key(2), async {
            Err(Error::new(ErrorKind::InvalidInput, "bad SQL"))
        })
        .await;

    let text = c.prometheus_text().await;
    for line in text.lines() {
        check_line(line);
    }
    let samples = metrics::parse(&text).unwrap();
    let value = |name: &str, tier: &str| {
        samples
            .iter()
            .find(|s| s.name == name && s.label("tier") == Some(tier) && s.label("le").is_none())
            .unwrap_or_else(|| panic!("{name}{{tier={tier}}} missing from\n{text}"))
            .value
    };
    assert_eq!(value("mudrock_cache_hits_total", "l1"), 1.0);
    assert_eq!(value("mudrock_cache_misses_total", "l1"), 2.0);
    assert_eq!(value("mudrock_cache_load_errors_total", "l1"), 1.0);
    assert_eq!(value("mudrock_cache_load_seconds_count", "l1"), 1.0);
    assert_eq!(value("mudrock_cache_misses_total", "l3"), 2.0);
    assert!(value("mudrock_cache_bytes", "l1") > 0.0);
    assert_eq!(value("mudrock_cache_capacity_bytes", "l2"), (1u64 << 30) as f64);
    assert!(
        text.contains("mudrock_cache_load_seconds_bucket{tier=\"l1\",le=\"+Inf\"} 1\n"),
        "{text}"
    );
    for tier in ["l1", "l2", "l3"] {
        let buckets: Vec<f64> = samples
            .iter()
            .filter(|s| s.name == "mudrock_cache_load_seconds_bucket" && s.label("tier") == Some(tier))
            .map(|s| s.value)
            .collect();
        assert_eq!(buckets.len(), 12, "{tier}");
        assert!(buckets.windows(2).all(|w| w[0] <= w[1]), "{tier}: {buckets:?}");
    }
    // And back into the numbers `mudrock cache stats --url` prints.
    let back: Vec<TierSnapshot> = metrics::snapshots_from_samples(&samples);
    assert_eq!(back.len(), 3);
    assert_eq!(back[0].hits, 1);
    assert_eq!(back[0].loads, 1);
}

// ---------------------------------------------------------------------------------------------------------
// The CLI
// ---------------------------------------------------------------------------------------------------------

fn mudrock(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mudrock"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("MUDROCK_DATA_DIR")
        .env_remove("MUDROCK_L2_DIR")
        .env_remove("MUDROCK_L2_MAX_BYTES")
        .env_remove("MUDROCK_L3")
        .output()
        .unwrap()
}

#[tokio::test]
async fn cli_cache_stats_and_clear_report_and_empty_the_disk_tiers() {
    let data_dir = tempfile::tempdir().unwrap();
    // Fill L2 and L3 the way a server over this data dir would.
    let storage = StorageManager::new(&StorageConfig::fs(data_dir.path().join("objects"))).unwrap();
    storage
        .upload("demo/wells/W/logs/a.parquet", object_bytes(10_000, 1))
        .await
        .unwrap();
    {
        let c = caches(data_dir.path(), &storage);
        c.query_result(&project("demo"), &key(1), async { Ok(result(4)) })
            .await
            .unwrap();
        let inner: Arc<dyn ObjectStore> = Arc::new(object_store_opendal::OpendalStore::new(
            storage.operator().clone(),
        ));
        let store = c.wrap_store(inner);
        store
            .get_range(&loc("demo/wells/W/logs/a.parquet"), 0..10_000)
            .await
            .unwrap();
    }

    let out = mudrock(data_dir.path(), &["cache", "stats", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["l2"]["blocks"], 1, "{report}");
    assert_eq!(report["l2"]["bytes"], 10_000);
    assert_eq!(report["l3"][0]["project"], "demo");
    assert_eq!(report["l3"][0]["results"], 1);

    let text = mudrock(data_dir.path(), &["cache", "stats"]);
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(text.contains("1 blocks"), "{text}");
    assert!(text.contains("--url"), "{text}");

    let l1 = mudrock(data_dir.path(), &["cache", "clear", "--tier", "l1"]);
    assert!(!l1.status.success());
    assert!(String::from_utf8_lossy(&l1.stderr).contains("restart the server"));

    let cleared = mudrock(data_dir.path(), &["cache", "clear"]);
    assert!(
        cleared.status.success(),
        "{}",
        String::from_utf8_lossy(&cleared.stderr)
    );
    let text = String::from_utf8_lossy(&cleared.stdout).into_owned();
    assert!(text.contains("L2: removed 1 blocks"), "{text}");
    assert!(text.contains("L3: removed 1 results"), "{text}");
    assert_eq!(
        l2::disk_usage(&data_dir.path().join("cache/l2")).unwrap().blocks,
        0
    );
    assert!(storage.list("demo/cache/query/").await.unwrap().is_empty());
    assert!(storage.exists("demo/wells/W/logs/a.parquet").await.unwrap());
}

/// `--url` reads a server's /metrics over HTTP. Served here by a one-shot listener with the text the
/// server renders, until the API's `/metrics` route is tested end to end with `mudrock serve`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_cache_stats_reads_a_servers_metrics() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let data_dir = tempfile::tempdir().unwrap();
    let storage = StorageManager::memory().unwrap();
    let c = caches(data_dir.path(), &storage);
    c.query_result(&project("demo"), &key(1), async { Ok(result(4)) })
        .await
        .unwrap();
    c.query_result(&project("demo"), &key(1), async { Ok(result(4)) })
        .await
        .unwrap();
    let body = c.prometheus_text().await;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = vec![0u8; 4096];
        let n = socket.read(&mut request).await.unwrap();
        let request = String::from_utf8_lossy(&request[..n]).into_owned();
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {}\r\n\r\n{body}",
            metrics::CONTENT_TYPE,
            body.len()
        );
        socket.write_all(response.as_bytes()).await.unwrap();
        request
    });
    let url = format!("http://{addr}");
    let dir = data_dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_mudrock"))
            .arg("--data-dir")
            .arg(&dir)
            .args(["cache", "stats", "--json", "--url", &url, "--token", "s3cret"])
            .env_remove("MUDROCK_DATA_DIR")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let request = server.await.unwrap();
    assert!(request.starts_with("GET /metrics HTTP/1.1\r\n"), "{request}");
    assert!(request.contains("Authorization: Bearer s3cret\r\n"), "{request}");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let l1 = &report["server"][0];
    assert_eq!(l1["tier"], "l1", "{report}");
    assert_eq!(l1["hits"], 1);
    assert_eq!(l1["misses"], 1);
}

/// A deterministic Zipf(s) sampler over ranks 0..n (inverse CDF, xorshift64*).
struct Zipf {
    cdf: Vec<f64>,
    state: u64,
}

impl Zipf {
    fn new(n: usize, s: f64, seed: u64) -> Zipf {
        let weights: Vec<f64> = (1..=n).map(|k| 1.0 / (k as f64).powf(s)).collect();
        let total: f64 = weights.iter().sum();
        let mut acc = 0.0;
        let cdf = weights
            .iter()
            .map(|w| {
                acc += w / total;
                acc
            })
            .collect();
        Zipf { cdf, state: seed | 1 }
    }

    fn next(&mut self) -> usize {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        let u = (self.state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64;
        self.cdf.partition_point(|&c| c < u).min(self.cdf.len() - 1)
    }
}

/// L1 on a Zipf(1.1) trace over 1,000 distinct requests with room for 20% of them. The best any cache
/// can do there is to hold the 200 most popular, which get 84.3% of the requests; moka's TinyLFU
/// admission should come close (an LRU gets far less on such a trace).
#[tokio::test]
async fn l1_hit_ratio_on_a_zipf_trace_is_near_the_static_optimum() {
    const DISTINCT: usize = 1000;
    const VALUE: usize = 2048;
    let per_entry = (VALUE + mudrock_engine::cache::l1::ENTRY_OVERHEAD) as u64;
    let cache = l1(per_entry * DISTINCT as u64 / 5, None, None);
    let mut zipf = Zipf::new(DISTINCT, 1.1, 0x5eed);
    let value = Bytes::from(vec![1u8; VALUE]);
    // Warm up, then measure.
    for phase in 0..2 {
        let before = cache.snapshot();
        for _ in 0..40_000 {
            let k = key(zipf.next() as u64);
            let v = value.clone();
            cache
                .get_or_try_load::<Bytes, _>(L1Kind::Response, &k, async move { Ok(v) })
                .await
                .unwrap();
        }
        cache.run_pending_tasks().await;
        let after = cache.snapshot();
        let (hits, misses) = (after.hits - before.hits, after.misses - before.misses);
        let ratio = hits as f64 / (hits + misses) as f64;
        eprintln!("zipf phase {phase}: hit ratio {ratio:.3}");
        if phase == 1 {
            assert!(ratio >= 0.77, "hit ratio {ratio:.3} on Zipf(1.1), optimum 0.843");
            assert!(cache.weighted_bytes() <= cache.max_bytes());
        }
    }
}

/// HTTP handlers run on a multi-threaded runtime: the cache futures must be `Send` when the loader is.
#[test]
fn cache_futures_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let data_dir = tempfile::tempdir().unwrap();
    let storage = StorageManager::memory().unwrap();
    let c = caches(data_dir.path(), &storage);
    let p = project("demo");
    let k = key(1);
    let f = c.query_result(&p, &k, async { Ok(result(1)) });
    assert_send(&f);
    let g = c
        .l1()
        .get_or_try_load::<Bytes, _>(L1Kind::Response, &k, async { Ok(Bytes::new()) });
    assert_send(&g);
    let blocks = Arc::new(BlockCache::open(&l2_config(data_dir.path(), 1 << 20)).unwrap());
    let store = CachedObjectStore::new(Arc::new(InMemory::new()), blocks, Duration::ZERO);
    let meta = ObjectMeta {
        location: loc("p/x"),
        last_modified: Default::default(),
        size: 1,
        e_tag: None,
        version: None,
    };
    let h = store.read_range(&meta, 0..1);
    assert_send(&h);
}

/// A read larger than a quarter of the L2 budget would flush most of it for one caller: it streams from
/// the store instead and leaves the blocks alone.
#[tokio::test]
async fn l2_reads_larger_than_a_quarter_of_the_budget_bypass_it() {
    let f = l2_fixture(16 * BLOCK, Duration::ZERO);
    let path = loc("p/huge.parquet");
    let data = object_bytes(8 * BLOCK as usize, 13);
    f.inner.put(&path, data.clone().into()).await.unwrap();
    f.store.get_range(&path, 0..BLOCK).await.unwrap();
    assert_eq!(f.store.blocks().usage().0, 1);
    assert_eq!(f.store.get(&path).await.unwrap().bytes().await.unwrap(), data);
    assert_eq!(
        f.store
            .get_ranges(&path, std::slice::from_ref(&(0..6 * BLOCK)))
            .await
            .unwrap(),
        vec![data.slice(0..6 * BLOCK as usize)]
    );
    assert_eq!(f.store.blocks().usage().0, 1, "a large read filled the cache");
}
