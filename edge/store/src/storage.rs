//! Object storage behind one small API, over Apache OpenDAL.
//!
//! Every backend is built from a [`StorageConfig`]: the local file system (the embedded default), memory,
//! or any S3 server (SeaweedFS in the tests, MinIO, AWS; path-style addressing, static keys). The manager gives the same semantics on every backend (the behaviour
//! suite in `tests/it/storage_behaviour.rs` checks them):
//! - a missing object is [`ErrorKind::NotFound`];
//! - a write replaces the whole object, and nobody ever sees it half-written (fs writes to a temporary
//!   file and renames it; memory and S3 are atomic per object);
//! - a range read past the end is clipped, one starting past the end is [`ErrorKind::InvalidInput`];
//! - `list` is recursive, returns files only, sorted by path, and matches a plain string prefix;
//! - `delete` of a missing object succeeds.

use std::ops::Range;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use mudrock_core::layout::{Layout, ProjectId};
use opendal::Operator;
use opendal::layers::RetryLayer;

use crate::error::{Error, ErrorKind, Result};

/// Where objects live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// A directory on the local file system (the embedded default).
    Fs { root: PathBuf },
    /// Process memory: gone when the process ends (tests, dry runs).
    Memory,
    /// A bucket on an S3 server.
    S3(S3Config),
}

impl Backend {
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Fs { .. } => "fs",
            Backend::Memory => "memory",
            Backend::S3(_) => "s3",
        }
    }
}

/// An S3 bucket: any S3 server, addressed path-style (`{endpoint}/{bucket}/{key}`), with static keys.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Config {
    /// `http://127.0.0.1:8333`, `https://s3.eu-west-1.amazonaws.com`, …
    pub endpoint: String,
    pub region: String,
    pub bucket: String,
    /// A folder inside the bucket that MudRock's objects live under (`/` for the whole bucket).
    pub root: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl std::fmt::Debug for S3Config {
    // The secret never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("bucket", &self.bucket)
            .field("root", &self.root)
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

impl S3Config {
    /// From the environment, under the names of the design's MinIO set-up: `MINIO_ENDPOINT`,
    /// `MINIO_ACCESS_KEY`, `MINIO_SECRET_KEY`, `MINIO_BUCKET` (required), `MINIO_REGION` (default
    /// `us-east-1`), `MINIO_ROOT` (default `/`).
    pub fn from_env() -> Result<S3Config> {
        S3Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// As [`S3Config::from_env`], reading variables through `lookup` (testable without touching the
    /// process environment).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<S3Config> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let required = |name: &str, what: &str| {
            get(name).ok_or_else(|| {
                Error::new(
                    ErrorKind::ConfigInvalid,
                    format!("S3 storage needs {name} ({what})"),
                )
                .with_context("backend", "s3")
            })
        };
        let endpoint = required("MINIO_ENDPOINT", "the server's URL, e.g. http://127.0.0.1:9000")?;
        if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
            return Err(Error::new(
                ErrorKind::ConfigInvalid,
                format!("MINIO_ENDPOINT must start with http:// or https:// (got `{endpoint}`)"),
            )
            .with_context("backend", "s3"));
        }
        Ok(S3Config {
            endpoint,
            region: get("MINIO_REGION").unwrap_or_else(|| "us-east-1".to_owned()),
            bucket: required("MINIO_BUCKET", "the bucket holding MudRock's objects")?,
            root: get("MINIO_ROOT").unwrap_or_else(|| "/".to_owned()),
            access_key_id: required("MINIO_ACCESS_KEY", "the access key id")?,
            secret_access_key: required("MINIO_SECRET_KEY", "the secret key")?,
        })
    }
}

/// How retryable failures (timeouts, rate limits, dropped connections) are retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryConfig {
    pub max_times: usize,
    pub min_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_times: 3,
            min_delay: Duration::from_millis(50),
            max_delay: Duration::from_secs(2),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageConfig {
    pub backend: Backend,
    pub retry: RetryConfig,
}

impl StorageConfig {
    pub fn fs(root: impl Into<PathBuf>) -> Self {
        StorageConfig {
            backend: Backend::Fs { root: root.into() },
            retry: RetryConfig::default(),
        }
    }

    pub fn memory() -> Self {
        StorageConfig {
            backend: Backend::Memory,
            retry: RetryConfig::default(),
        }
    }

    pub fn s3(config: S3Config) -> Self {
        StorageConfig {
            backend: Backend::S3(config),
            retry: RetryConfig::default(),
        }
    }
}

/// How many times a download starts again because the object was replaced while it was read.
const DOWNLOAD_ATTEMPTS: usize = 5;

/// The first path segment reserved for the storage's own use (the fs backend's temporary files).
/// Keys may not start with it and listings never show it.
const RESERVED_DIR: &str = ".tmp";

/// What `stat` and `list` tell about an object. Fields a backend does not provide are `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectMeta {
    /// The key, relative to the storage root (`demo/raw/ab12….las`).
    pub path: String,
    pub size: u64,
    pub etag: Option<String>,
    pub last_modified: Option<SystemTime>,
    /// Base64 MD5 of the content, where the backend reports one.
    pub content_md5: Option<String>,
}

impl ObjectMeta {
    fn from_opendal(path: &str, meta: &opendal::Metadata) -> Self {
        ObjectMeta {
            path: path.to_owned(),
            size: meta.content_length(),
            etag: meta.etag().map(str::to_owned),
            last_modified: meta.last_modified().map(SystemTime::from),
            content_md5: meta.content_md5().map(str::to_owned),
        }
    }
}

/// Upload, download, stat, list, delete over one configured backend. Cheap to clone.
#[derive(Clone, Debug)]
pub struct StorageManager {
    op: Operator,
    backend: &'static str,
    /// Printed in errors so a user knows which store was meant (`/home/me/.mudrock/objects`, `memory`).
    location: String,
    /// How many times a retryable failure is retried (said in errors).
    retries: usize,
}

impl StorageManager {
    pub fn new(config: &StorageConfig) -> Result<Self> {
        let (op, location) = match &config.backend {
            Backend::Fs { root } => {
                let root_str = root.to_str().ok_or_else(|| {
                    Error::new(
                        ErrorKind::ConfigInvalid,
                        "the storage directory is not valid UTF-8: choose a directory whose path is",
                    )
                    .with_context("root", root.display())
                })?;
                // Temporary files live inside the root so that the final rename never crosses file
                // systems (a rename is atomic only within one).
                let tmp = format!("{}/{RESERVED_DIR}", root_str.trim_end_matches('/'));
                let builder = opendal::services::Fs::default()
                    .root(root_str)
                    .atomic_write_dir(&tmp);
                let op = Operator::new(builder)
                    .map_err(|e| {
                        from_opendal(e)
                            .with_context("backend", "fs")
                            .with_context("root", root.display())
                    })?
                    .finish();
                (op, root.display().to_string())
            }
            Backend::Memory => {
                let op = Operator::new(opendal::services::Memory::default())
                    .map_err(from_opendal)?
                    .finish();
                (op, "memory".to_owned())
            }
            Backend::S3(s3) => {
                // Only what is configured here: no credentials from ~/.aws or the instance metadata
                // service, so the store a user named is the store used.
                let builder = opendal::services::S3::default()
                    .endpoint(&s3.endpoint)
                    .region(&s3.region)
                    .bucket(&s3.bucket)
                    .root(&s3.root)
                    .access_key_id(&s3.access_key_id)
                    .secret_access_key(&s3.secret_access_key)
                    .disable_config_load();
                let location = format!("s3 bucket `{}` at {}", s3.bucket, s3.endpoint);
                let op = Operator::new(builder)
                    .map_err(|e| {
                        from_opendal(e)
                            .with_context("backend", "s3")
                            .with_context("endpoint", &s3.endpoint)
                            .with_context("bucket", &s3.bucket)
                    })?
                    .finish();
                (op, location)
            }
        };
        let retry = RetryLayer::new()
            .with_jitter()
            .with_max_times(config.retry.max_times)
            .with_min_delay(config.retry.min_delay)
            .with_max_delay(config.retry.max_delay);
        Ok(StorageManager {
            op: op.layer(retry),
            backend: config.backend.name(),
            retries: config.retry.max_times,
            location,
        })
    }

    /// A fresh in-memory store.
    pub fn memory() -> Result<Self> {
        StorageManager::new(&StorageConfig::memory())
    }

    pub fn backend(&self) -> &'static str {
        self.backend
    }

    pub fn location(&self) -> &str {
        &self.location
    }

    /// The OpenDAL operator every call goes through (retry layer included), for components that need
    /// another interface over the same objects — the query engine wraps it as an `object_store`.
    pub fn operator(&self) -> &Operator {
        &self.op
    }

    /// Stores `bytes` under `path`, replacing any previous object whole.
    pub async fn upload(&self, path: &str, bytes: Bytes) -> Result<()> {
        check_key(path)?;
        self.op
            .write(path, bytes)
            .await
            .map(|_| ())
            .map_err(|e| self.err(e, "upload", path))
    }

    /// The whole object: one version of it, never the bytes of two.
    ///
    /// Why the version is pinned: a GET cut off mid-body (an S3 server that drops the connection, as
    /// SeaweedFS does under load) is resumed by OpenDAL's retry layer with a range request for the rest.
    /// If the object was replaced in between, the rest comes from the new version and the answer is torn
    /// — with the right length. So where the backend can, every request of one download carries
    /// `If-Match` with the ETag seen first; a replaced object then fails the resume, and the download
    /// starts again on the new version. (File systems need no pin: a file opened is one version.)
    pub async fn download(&self, path: &str) -> Result<Bytes> {
        check_key(path)?;
        if !self.pins_reads() {
            let buf = self
                .op
                .read(path)
                .await
                .map_err(|e| self.err(e, "download", path))?;
            return Ok(buf.to_bytes());
        }
        for _ in 0..DOWNLOAD_ATTEMPTS {
            let meta = self
                .op
                .stat(path)
                .await
                .map_err(|e| self.err(e, "download", path))?;
            let meta = ObjectMeta::from_opendal(path, &meta);
            // `None`: replaced between the stat and the last byte, so read the new version.
            if let Some(bytes) = self.read_version(&meta, 0..meta.size, "download").await? {
                return Ok(bytes);
            }
        }
        Err(Error::new(
            ErrorKind::Unavailable,
            format!(
                "`{path}` was replaced {DOWNLOAD_ATTEMPTS} times while it was being read: try again when \
                 writes to it have settled"
            ),
        )
        .with_retryable(true)
        .with_operation("download")
        .with_context("path", path)
        .with_context("backend", self.backend))
    }

    /// Bytes `range.start..range.end` of the object; an end past the object's size is clipped.
    pub async fn download_range(&self, path: &str, range: Range<u64>) -> Result<Bytes> {
        // OpenDAL refuses a range that reaches past the end ("reader got too little data"), so clip it
        // against the size first. That costs one stat; callers that serve many ranges of one object
        // (Parquet readers) know it already and can use `download_range_of`.
        let meta = self.stat(path).await?;
        self.download_range_of(&meta, range).await
    }

    /// Like [`StorageManager::download_range`] for an object the caller has stat'ed or listed: the
    /// bytes come from that version of it (pinned by its ETag where the backend can), so an answer that
    /// carries the version's ETag never carries another version's bytes. A replaced object is a
    /// `Conflict`: ask again.
    pub async fn download_range_of(&self, meta: &ObjectMeta, range: Range<u64>) -> Result<Bytes> {
        let (path, size) = (meta.path.as_str(), meta.size);
        check_key(path)?;
        if range.start > range.end {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "invalid byte range {}..{}: start is after end",
                    range.start, range.end
                ),
            )
            .with_operation("download_range")
            .with_context("path", path));
        }
        if range.is_empty() {
            return Ok(Bytes::new());
        }
        if range.start >= size {
            return Err(range_past_end(path, &range, size));
        }
        let clipped = range.start..range.end.min(size);
        self.read_version(meta, clipped, "download_range")
            .await?
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Conflict,
                    format!("`{path}` was replaced while it was being read: ask again for the new version"),
                )
                .with_retryable(true)
                .with_operation("download_range")
                .with_context("path", path)
                .with_context("backend", self.backend)
            })
    }

    /// Bytes `range` of the version of the object `meta` describes, pinned by its ETag where the backend
    /// can (see [`StorageManager::download`]); `None` when the object was replaced since. `range` must lie
    /// within the object.
    async fn read_version(
        &self,
        meta: &ObjectMeta,
        range: Range<u64>,
        operation: &'static str,
    ) -> Result<Option<Bytes>> {
        if range.is_empty() {
            return Ok(Some(Bytes::new()));
        }
        let read = self.op.read_with(&meta.path).range(range);
        let read = match (&meta.etag, self.pins_reads()) {
            (Some(etag), true) => read.if_match(etag),
            _ => read,
        };
        match read.await {
            Ok(buf) => Ok(Some(buf.to_bytes())),
            Err(e) if e.kind() == opendal::ErrorKind::ConditionNotMatch => Ok(None),
            Err(e) => Err(self.err(e, operation, &meta.path)),
        }
    }

    /// Whether reads can be pinned to the version first seen (`If-Match`); see [`StorageManager::download`].
    fn pins_reads(&self) -> bool {
        self.op.info().full_capability().read_with_if_match
    }

    pub async fn stat(&self, path: &str) -> Result<ObjectMeta> {
        check_key(path)?;
        let meta = self.op.stat(path).await.map_err(|e| self.err(e, "stat", path))?;
        if meta.is_dir() {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!("`{path}` is a directory, not an object"),
            )
            .with_operation("stat")
            .with_context("path", path)
            .with_context("backend", self.backend));
        }
        Ok(ObjectMeta::from_opendal(path, &meta))
    }

    pub async fn exists(&self, path: &str) -> Result<bool> {
        match self.stat(path).await {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Every object whose key starts with `prefix` (a plain string prefix: `p/raw/` lists a folder,
    /// `p/raw/ab` every key starting so). Recursive, files only, sorted by key.
    pub async fn list(&self, prefix: &str) -> Result<Vec<ObjectMeta>> {
        if !prefix.is_empty() {
            check_prefix(prefix)?;
        }
        // OpenDAL lists directories; list the folder holding the prefix and filter by the full prefix,
        // which gives the same answer on file systems and on flat object stores.
        let dir = match prefix.rfind('/') {
            Some(i) => &prefix[..=i],
            None => "/",
        };
        let entries = match self.op.list_with(dir).recursive(true).await {
            Ok(entries) => entries,
            Err(e) if e.kind() == opendal::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(self.err(e, "list", prefix)),
        };
        let mut out: Vec<ObjectMeta> = entries
            .iter()
            .filter(|e| e.metadata().is_file())
            .filter(|e| e.path().starts_with(prefix))
            .filter(|e| !is_reserved(e.path()))
            .map(|e| ObjectMeta::from_opendal(e.path(), e.metadata()))
            .collect();
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }

    /// The project folders under the layout's prefix (one level, not every object of every project):
    /// each name that is a valid project id. Whether a folder holds a project is the catalogs' to say.
    pub async fn project_folders(&self, layout: &Layout) -> Result<Vec<ProjectId>> {
        let prefix = match layout.prefix() {
            "" => String::new(),
            p => format!("{p}/"),
        };
        let entries = match self.op.list(&prefix).await {
            Ok(entries) => entries,
            Err(e) if e.kind() == opendal::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(self.err(e, "list", &prefix)),
        };
        Ok(entries
            .iter()
            .filter(|e| e.metadata().is_dir())
            .filter_map(|e| {
                let name = e.path().trim_end_matches('/');
                ProjectId::new(name.rsplit('/').next().unwrap_or(name)).ok()
            })
            .collect())
    }

    /// Removes the object; removing a missing object succeeds.
    pub async fn delete(&self, path: &str) -> Result<()> {
        check_key(path)?;
        self.op
            .delete(path)
            .await
            .map_err(|e| self.err(e, "delete", path))
    }

    fn err(&self, e: opendal::Error, operation: &'static str, path: &str) -> Error {
        let not_found = e.kind() == opendal::ErrorKind::NotFound;
        if self.backend == "s3"
            && let Some(err) = self.s3_problem(&e)
        {
            return err
                .with_source(from_opendal(e))
                .with_operation(operation)
                .with_context("path", path)
                .with_context("backend", self.backend);
        }
        let err = from_opendal(e);
        let err = if not_found {
            Error::new(
                ErrorKind::NotFound,
                format!(
                    "object `{path}` not found in {} storage at {}",
                    self.backend, self.location
                ),
            )
            .with_source(err)
        } else {
            err
        };
        err.with_operation(operation)
            .with_context("path", path)
            .with_context("backend", self.backend)
    }
}

impl StorageManager {
    /// What went wrong with the S3 server itself, said so a user can act (`None`: an ordinary object
    /// error, such as a missing key).
    fn s3_problem(&self, e: &opendal::Error) -> Option<Error> {
        let text = format!("{e:?}");
        let at = &self.location;
        if text.contains("NoSuchBucket") {
            return Some(Error::new(
                ErrorKind::ConfigInvalid,
                format!("the {at} does not exist: create the bucket, or set MINIO_BUCKET to one that does"),
            ));
        }
        match e.kind() {
            opendal::ErrorKind::PermissionDenied => Some(Error::new(
                ErrorKind::PermissionDenied,
                format!(
                    "the S3 server refused access to the {at}: check MINIO_ACCESS_KEY / MINIO_SECRET_KEY and \
                     what the key may do on the bucket"
                ),
            )),
            // A request that never got an answer (refused, reset, timed out): after the retry layer gave up
            // OpenDAL marks it persistent, so it is told by what failed, not by the flag.
            opendal::ErrorKind::Unexpected if e.is_temporary() || text.contains("send http request") => Some(
                Error::new(
                    ErrorKind::Unavailable,
                    format!(
                        "cannot reach the S3 server for the {at} (tried {} times): is it running, and is \
                         MINIO_ENDPOINT right?",
                        1 + self.retries
                    ),
                )
                .with_retryable(true),
            ),
            _ => None,
        }
    }

    /// Checks that the store answers and lets this process in (for a bucket: the server is reachable,
    /// the keys are accepted, the bucket exists), so a misconfigured server fails at start, not at the
    /// first request.
    pub async fn check(&self) -> Result<()> {
        match self.op.list_with("/").limit(1).await {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == opendal::ErrorKind::NotFound && self.backend != "s3" => Ok(()),
            Err(e) => Err(self.err(e, "check", "/")),
        }
    }
}

fn range_past_end(path: &str, range: &Range<u64>, size: u64) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        format!(
            "byte range {}..{} starts past the end of `{path}` ({size} bytes): ask for a range below {size}",
            range.start, range.end
        ),
    )
    .with_operation("download_range")
    .with_context("path", path)
}

fn is_reserved(path: &str) -> bool {
    path.split('/').next() == Some(RESERVED_DIR)
}

/// Object keys are relative, `/`-separated, with no empty, `.` or `..` segments and no control
/// characters: nothing a key says can reach outside the storage root.
fn check_key(path: &str) -> Result<()> {
    check_prefix(path)?;
    if path.ends_with('/') {
        return Err(bad_key(
            path,
            "it ends with `/` (that names a folder, not an object)",
        ));
    }
    Ok(())
}

fn check_prefix(path: &str) -> Result<()> {
    if path.is_empty() {
        return Err(bad_key(path, "it is empty"));
    }
    if path.starts_with('/') {
        return Err(bad_key(
            path,
            "it starts with `/` (keys are relative to the storage root)",
        ));
    }
    if path.chars().any(|c| c.is_control() || c == '\\') {
        return Err(bad_key(path, "it contains a control character or a backslash"));
    }
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len() - 1;
    for (i, seg) in segments.iter().enumerate() {
        // A trailing `/` leaves one empty last segment, which a prefix may have.
        if seg.is_empty() && i != last {
            return Err(bad_key(path, "it has an empty segment (`//`)"));
        }
        if *seg == "." || *seg == ".." {
            return Err(bad_key(path, "it has a `.` or `..` segment"));
        }
    }
    if is_reserved(path) {
        return Err(bad_key(
            path,
            "its first segment is reserved for the storage's temporary files",
        ));
    }
    Ok(())
}

fn bad_key(path: &str, why: &str) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        format!("invalid object key `{}`: {why}", path.escape_debug()),
    )
}

/// OpenDAL's errors as the backend's, converted once where they enter (this file: the storage manager
/// is the only caller of OpenDAL).
pub(crate) fn from_opendal(err: opendal::Error) -> Error {
    {
        use opendal::ErrorKind as K;
        let kind = match err.kind() {
            K::NotFound => ErrorKind::NotFound,
            K::PermissionDenied => ErrorKind::PermissionDenied,
            K::Unsupported => ErrorKind::Unsupported,
            K::ConfigInvalid => ErrorKind::ConfigInvalid,
            K::AlreadyExists | K::ConditionNotMatch | K::IsSameFile => ErrorKind::Conflict,
            K::RateLimited => ErrorKind::Unavailable,
            K::IsADirectory | K::NotADirectory | K::RangeNotSatisfied => ErrorKind::InvalidInput,
            _ => ErrorKind::Unexpected,
        };
        let retryable = err.is_temporary();
        let message = match kind {
            ErrorKind::NotFound => "object not found".to_owned(),
            ErrorKind::PermissionDenied => {
                "storage refused access: check the permissions of the data directory or bucket".to_owned()
            }
            _ => format!("storage operation failed: {}", err.message()),
        };
        Error::new(kind, message)
            .with_retryable(retryable)
            .with_source(err)
    }
}

/// A background task that panicked or was cancelled, as the backend's error.
pub fn task_failed(err: tokio::task::JoinError) -> Error {
    Error::new(ErrorKind::Unexpected, "a background task failed").with_source(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_escape_the_root() {
        for bad in [
            "", "/abs", "a/../b", "..", "a//b", "a/./b", "a\\b", "a\nb", ".tmp/x", "a/",
        ] {
            assert_eq!(
                check_key(bad).unwrap_err().kind(),
                ErrorKind::InvalidInput,
                "{bad:?}"
            );
        }
        for good in ["a", "a/b.parquet", "p/raw/abc.las", "a/.hidden", "a/b..c"] {
            assert!(check_key(good).is_ok(), "{good:?}");
        }
        assert!(check_prefix("a/").is_ok());
    }

    #[test]
    fn opendal_errors_keep_kind_and_retryable() {
        let not_found = opendal::Error::new(opendal::ErrorKind::NotFound, "nope");
        let err = from_opendal(not_found);
        assert_eq!(err.kind(), ErrorKind::NotFound);
        assert!(!err.is_retryable());

        let flaky = opendal::Error::new(opendal::ErrorKind::Unexpected, "reset").set_temporary();
        let err = from_opendal(flaky);
        assert_eq!(err.kind(), ErrorKind::Unexpected);
        assert!(err.is_retryable());

        let limited = opendal::Error::new(opendal::ErrorKind::RateLimited, "slow down").set_temporary();
        assert_eq!(from_opendal(limited).kind(), ErrorKind::Unavailable);
    }
}
