//! One behaviour suite for every storage backend: each function takes a `StorageManager` and states what
//! any backend must do. `behaviour_tests!` runs every function against each backend: fs in a temp dir,
//! memory, and S3 on a real SeaweedFS (a folder of its bucket per test). The S3 server's own failures —
//! wrong keys, a missing bucket, a server that is not there — are at the end.

use bytes::Bytes;
use mudrock_store::{ErrorKind, StorageConfig, StorageManager};

/// A backend under test; holds whatever must outlive the manager (the temp dir of fs).
pub struct Fixture {
    pub storage: StorageManager,
    _dir: Option<tempfile::TempDir>,
}

pub fn fs_fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let storage = StorageManager::new(&StorageConfig::fs(dir.path().join("objects"))).unwrap();
    Fixture {
        storage,
        _dir: Some(dir),
    }
}

pub fn memory_fixture() -> Fixture {
    Fixture {
        storage: StorageManager::memory().unwrap(),
        _dir: None,
    }
}

pub fn s3_fixture() -> Fixture {
    // Started outside the test's runtime (its readiness check runs one of its own).
    let server = std::thread::spawn(super::seaweedfs::server).join().unwrap();
    Fixture {
        storage: StorageManager::new(&StorageConfig::s3(server.fresh_config())).unwrap(),
        _dir: None,
    }
}

macro_rules! behaviour_tests {
    ($($name:ident),* $(,)?) => {
        mod fs {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let fixture = super::fs_fixture();
                    super::$name(fixture.storage.clone()).await;
                }
            )*
        }
        mod memory {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let fixture = super::memory_fixture();
                    super::$name(fixture.storage.clone()).await;
                }
            )*
        }
        mod s3 {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let fixture = super::s3_fixture();
                    super::$name(fixture.storage.clone()).await;
                }
            )*
        }
    };
}

behaviour_tests!(
    upload_then_download_round_trips,
    empty_object_round_trips,
    missing_object_is_not_found,
    stat_reports_size,
    exists_tells_present_from_missing,
    range_reads_return_exact_bytes,
    range_past_the_end_is_clipped,
    range_starting_past_the_end_is_invalid,
    overwrite_replaces_the_whole_object,
    delete_is_idempotent,
    list_by_prefix_with_many_objects,
    list_of_unknown_prefix_is_empty,
    keys_that_escape_the_root_are_refused,
    concurrent_writes_leave_one_whole_object,
    readers_never_see_a_half_written_object,
);

fn payload(seed: u8, len: usize) -> Bytes {
    Bytes::from(
        (0..len)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
            .collect::<Vec<u8>>(),
    )
}

async fn upload_then_download_round_trips(s: StorageManager) {
    let data = payload(1, 10_000);
    s.upload("p/wells/w1/logs/l1.parquet", data.clone())
        .await
        .unwrap();
    assert_eq!(s.download("p/wells/w1/logs/l1.parquet").await.unwrap(), data);
}

async fn empty_object_round_trips(s: StorageManager) {
    s.upload("p/empty", Bytes::new()).await.unwrap();
    assert!(s.download("p/empty").await.unwrap().is_empty());
    assert_eq!(s.stat("p/empty").await.unwrap().size, 0);
}

async fn missing_object_is_not_found(s: StorageManager) {
    let err = s.download("p/nope.parquet").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(
        err.to_string().contains("p/nope.parquet"),
        "error names the key: {err}"
    );
    assert!(!err.is_retryable());
    assert_eq!(
        s.stat("p/nope.parquet").await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        s.download_range("p/nope.parquet", 0..4).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    // A folder that holds objects is still not an object.
    s.upload("p/dir/x", payload(0, 3)).await.unwrap();
    assert_eq!(s.stat("p/dir").await.unwrap_err().kind(), ErrorKind::NotFound);
}

async fn stat_reports_size(s: StorageManager) {
    s.upload("p/a.bin", payload(2, 1234)).await.unwrap();
    let meta = s.stat("p/a.bin").await.unwrap();
    assert_eq!(meta.path, "p/a.bin");
    assert_eq!(meta.size, 1234);
}

async fn exists_tells_present_from_missing(s: StorageManager) {
    assert!(!s.exists("p/a.bin").await.unwrap());
    s.upload("p/a.bin", payload(3, 10)).await.unwrap();
    assert!(s.exists("p/a.bin").await.unwrap());
}

async fn range_reads_return_exact_bytes(s: StorageManager) {
    let data = payload(4, 4096);
    s.upload("p/r.bin", data.clone()).await.unwrap();
    assert_eq!(
        s.download_range("p/r.bin", 0..10).await.unwrap(),
        data.slice(0..10)
    );
    assert_eq!(
        s.download_range("p/r.bin", 100..1100).await.unwrap(),
        data.slice(100..1100)
    );
    assert_eq!(
        s.download_range("p/r.bin", 4000..4096).await.unwrap(),
        data.slice(4000..4096)
    );
    assert!(s.download_range("p/r.bin", 7..7).await.unwrap().is_empty());
    let backwards = std::ops::Range { start: 9, end: 3 };
    let err = s.download_range("p/r.bin", backwards).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

async fn range_past_the_end_is_clipped(s: StorageManager) {
    let data = payload(5, 100);
    s.upload("p/r.bin", data.clone()).await.unwrap();
    assert_eq!(
        s.download_range("p/r.bin", 90..500).await.unwrap(),
        data.slice(90..100)
    );
    assert_eq!(s.download_range("p/r.bin", 0..u64::MAX).await.unwrap(), data);
}

async fn range_starting_past_the_end_is_invalid(s: StorageManager) {
    s.upload("p/r.bin", payload(6, 100)).await.unwrap();
    for range in [100..101, 150..200] {
        let err = s.download_range("p/r.bin", range.clone()).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{range:?}: {err}");
        assert!(err.to_string().contains("100 bytes"), "says the size: {err}");
    }
}

async fn overwrite_replaces_the_whole_object(s: StorageManager) {
    s.upload("p/o.bin", payload(7, 5000)).await.unwrap();
    let shorter = payload(8, 10);
    s.upload("p/o.bin", shorter.clone()).await.unwrap();
    assert_eq!(s.download("p/o.bin").await.unwrap(), shorter);
    assert_eq!(s.stat("p/o.bin").await.unwrap().size, 10);
    assert_eq!(s.list("p/").await.unwrap().len(), 1);
}

async fn delete_is_idempotent(s: StorageManager) {
    s.upload("p/d.bin", payload(9, 10)).await.unwrap();
    s.delete("p/d.bin").await.unwrap();
    assert!(!s.exists("p/d.bin").await.unwrap());
    s.delete("p/d.bin").await.unwrap();
    s.delete("p/never-existed.bin").await.unwrap();
    assert_eq!(
        s.download("p/d.bin").await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

async fn list_by_prefix_with_many_objects(s: StorageManager) {
    let mut expected = Vec::new();
    for w in 0..12 {
        for l in 0..20 {
            let key = format!("proj/wells/w{w:02}/logs/l{l:02}.parquet");
            s.upload(&key, payload(l as u8, 16 + l)).await.unwrap();
            expected.push(key);
        }
    }
    s.upload("proj/catalog/wells_catalog.parquet", payload(0, 8))
        .await
        .unwrap();
    s.upload("other/wells/w00/logs/l00.parquet", payload(0, 8))
        .await
        .unwrap();
    expected.sort();

    let wells = s.list("proj/wells/").await.unwrap();
    let keys: Vec<&str> = wells.iter().map(|m| m.path.as_str()).collect();
    assert_eq!(keys, expected.iter().map(String::as_str).collect::<Vec<_>>());
    let l05 = wells
        .iter()
        .find(|m| m.path == "proj/wells/w03/logs/l05.parquet")
        .unwrap();
    assert_eq!(l05.size, 21);

    // A plain string prefix, not only a folder.
    let w1x = s.list("proj/wells/w1").await.unwrap();
    assert_eq!(w1x.len(), 40);
    assert!(w1x.iter().all(|m| m.path.starts_with("proj/wells/w1")));

    assert_eq!(s.list("proj/").await.unwrap().len(), 241);
    assert_eq!(s.list("proj").await.unwrap().len(), 241);
    assert_eq!(s.list("").await.unwrap().len(), 242);
}

async fn list_of_unknown_prefix_is_empty(s: StorageManager) {
    assert!(s.list("nothing/here/").await.unwrap().is_empty());
    assert!(s.list("").await.unwrap().is_empty());
}

async fn keys_that_escape_the_root_are_refused(s: StorageManager) {
    for bad in ["../x", "a/../../x", "/etc/passwd", "a//b", "a/", ".tmp/x"] {
        let err = s.upload(bad, payload(0, 1)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad}");
    }
    assert!(s.list("").await.unwrap().is_empty());
}

async fn concurrent_writes_leave_one_whole_object(s: StorageManager) {
    let payloads: Vec<Bytes> = (0..8).map(|i| payload(i, 200_000 + i as usize * 1000)).collect();
    let mut tasks = Vec::new();
    for p in payloads.clone() {
        let s = s.clone();
        tasks.push(tokio::spawn(async move { s.upload("p/race.bin", p).await }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let got = s.download("p/race.bin").await.unwrap();
    assert!(payloads.contains(&got), "the object is one whole write");
    assert_eq!(
        s.list("").await.unwrap().len(),
        1,
        "no temporary objects are visible"
    );
}

async fn readers_never_see_a_half_written_object(s: StorageManager) {
    // Several readers against one writer that alternates two versions of different sizes: a read that
    // learns the size of one version and fetches the bytes of the other would come back torn.
    let a = payload(1, 2_000_000);
    let b = payload(2, 1_500_000);
    s.upload("p/big.bin", a.clone()).await.unwrap();
    let writer = {
        let (s, a, b) = (s.clone(), a.clone(), b.clone());
        tokio::spawn(async move {
            for i in 0..OVERWRITES {
                let next = if i % 2 == 0 { b.clone() } else { a.clone() };
                s.upload("p/big.bin", next).await.unwrap();
            }
        })
    };
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let (s, a, b, w) = (s.clone(), a.clone(), b.clone(), writer.abort_handle());
            tokio::spawn(async move {
                let (mut reads, mut torn) = (0, 0);
                while !w.is_finished() {
                    let got = s.download("p/big.bin").await.unwrap();
                    reads += 1;
                    if !(got == a || got == b) {
                        torn += 1;
                    }
                }
                (reads, torn)
            })
        })
        .collect();
    writer.await.unwrap();
    for r in readers {
        let (reads, torn) = r.await.unwrap();
        assert_eq!(torn, 0, "{torn} of {reads} reads were neither version");
    }
}

/// Enough writes that some reads overlap one (each takes tens of milliseconds on SeaweedFS).
const OVERWRITES: usize = 40;

// --- The S3 server's own failures: each a clear error naming the server and what to do. ---------------

/// The fault behind a torn read, made to happen: a GET cut off part-way while the object is replaced.
/// OpenDAL's retry layer resumes the read with a range request for the rest; unpinned, the rest would
/// come from the new version and the answer would be half of each, at the right length.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_a_read_cut_off_while_the_object_is_replaced_returns_one_whole_version() {
    let server = std::thread::spawn(super::seaweedfs::server).join().unwrap();
    let config = server.fresh_config();
    let direct = StorageManager::new(&StorageConfig::s3(config.clone())).unwrap();
    let upstream: std::net::SocketAddr = server.s3_endpoint.trim_start_matches("http://").parse().unwrap();
    let mut proxy = super::cutting_proxy::CuttingProxy::start(upstream, 700_000).await;
    let mut via_proxy = config;
    via_proxy.endpoint = format!("http://{}", proxy.addr);
    let reader = StorageManager::new(&StorageConfig::s3(via_proxy)).unwrap();

    // Two versions of one length, so a torn answer cannot be told by its size.
    let old = payload(1, 2_000_000);
    let new = payload(2, 2_000_000);
    direct.upload("p/replaced.bin", old.clone()).await.unwrap();
    let read = tokio::spawn(async move { reader.download("p/replaced.bin").await });
    proxy.held().await;
    direct.upload("p/replaced.bin", new.clone()).await.unwrap();
    proxy.close();
    let got = read.await.unwrap().unwrap();
    assert_eq!(got.len(), new.len());
    assert!(
        got == new,
        "the read restarted on the new version instead of splicing it onto the old one's first part \
         (matches the old version: {})",
        got == old
    );
}

/// A range asked of a version that was replaced since its stat is refused (the caller's ETag would no
/// longer describe the bytes), and the new version's stat reads it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_a_range_of_a_replaced_version_is_a_conflict_not_the_new_bytes() {
    let s = s3_fixture().storage;
    s.upload("p/r.bin", payload(1, 4096)).await.unwrap();
    let seen = s.stat("p/r.bin").await.unwrap();
    s.upload("p/r.bin", payload(2, 4096)).await.unwrap();
    let err = s.download_range_of(&seen, 0..10).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert!(err.to_string().contains("replaced"), "{err}");
    let now = s.stat("p/r.bin").await.unwrap();
    assert_eq!(
        s.download_range_of(&now, 0..10).await.unwrap(),
        payload(2, 4096).slice(0..10)
    );
}

fn s3_with(change: impl FnOnce(&mut mudrock_store::S3Config)) -> StorageManager {
    let server = std::thread::spawn(super::seaweedfs::server).join().unwrap();
    let mut config = server.fresh_config();
    change(&mut config);
    let mut config = StorageConfig::s3(config);
    // Few, short retries: the failures below are not transient (but an unreachable server is retried).
    config.retry.max_times = 2;
    config.retry.min_delay = std::time::Duration::from_millis(10);
    config.retry.max_delay = std::time::Duration::from_millis(50);
    StorageManager::new(&config).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_wrong_keys_are_refused_with_what_to_check() {
    let s = s3_with(|c| c.secret_access_key = "not-the-secret-0000".to_owned());
    let e = s.check().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PermissionDenied, "{e}");
    assert!(e.message().contains("MINIO_SECRET_KEY"), "{e}");
    let e = s.upload("a/b", Bytes::from_static(b"x")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PermissionDenied, "{e}");
    assert!(!e.is_retryable(), "wrong keys stay wrong: {e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_missing_bucket_says_so() {
    let s = s3_with(|c| c.bucket = "no-such-bucket-here".to_owned());
    let e = s.check().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConfigInvalid, "{e}");
    assert!(
        e.message().contains("no-such-bucket-here") && e.message().contains("does not exist"),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_unreachable_server_is_unavailable_after_retries() {
    let port = crate::support::free_port();
    let s = s3_with(|c| c.endpoint = format!("http://127.0.0.1:{port}"));
    let started = std::time::Instant::now();
    let e = s.check().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unavailable, "{e}");
    assert!(e.is_retryable(), "{e}");
    assert!(
        e.message().contains("cannot reach the S3 server") && e.message().contains("MINIO_ENDPOINT"),
        "{e}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "bounded: {:?}",
        started.elapsed()
    );
    // Nothing half-done: a failed upload leaves no object behind once the server is back (the key was
    // never written anywhere else).
    let e = s.upload("p/x", Bytes::from_static(b"x")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unavailable, "{e}");
}

#[test]
fn s3_settings_come_from_the_minio_variables() {
    use mudrock_store::S3Config;
    let vars = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    let c = S3Config::from_lookup(vars(&[
        ("MINIO_ENDPOINT", "http://127.0.0.1:9000"),
        ("MINIO_ACCESS_KEY", "ak"),
        ("MINIO_SECRET_KEY", "sk"),
        ("MINIO_BUCKET", "wells"),
    ]))
    .unwrap();
    assert_eq!(
        (c.region.as_str(), c.root.as_str(), c.bucket.as_str()),
        ("us-east-1", "/", "wells")
    );
    assert!(
        !format!("{c:?}").contains("sk\""),
        "the secret is not printed: {c:?}"
    );
    let e = S3Config::from_lookup(vars(&[("MINIO_ENDPOINT", "http://x")])).unwrap_err();
    assert!(
        e.message().contains("MINIO_BUCKET") || e.message().contains("MINIO_ACCESS_KEY"),
        "{e}"
    );
    let e = S3Config::from_lookup(vars(&[
        ("MINIO_ENDPOINT", "127.0.0.1:9000"),
        ("MINIO_ACCESS_KEY", "ak"),
        ("MINIO_SECRET_KEY", "sk"),
        ("MINIO_BUCKET", "wells"),
    ]))
    .unwrap_err();
    assert!(e.message().contains("http://"), "{e}");
}
