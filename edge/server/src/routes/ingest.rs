//! `POST /v1/projects/{project}/ingest`: LAS files as `multipart/form-data`, one file part per file,
//! ingested as many at once as `mudrock ingest` does with edge's `Ingestor::ingest_bytes` (the same
//! pipeline), answered with one report per file in upload order.
//!
//! The answer is 200 whenever the upload itself could be read: each file's `status` says whether it went
//! in (a rejected file is the file's outcome, not a failed request — the other files may have gone in).
//! An upload larger than the server's limit is 413 (at once when its `Content-Length` says so, before
//! any of it is read); one with no file part is 400. Uploads are spooled to temporary files, not held in
//! memory.

use axum::extract::State;
use axum::extract::multipart::Multipart;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use bytes::Bytes;
use mudrock_shared::{ErrorCode, IngestResponse, IngestedFile};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use super::extract::ApiPath;
use crate::error::{ApiError, ApiResult};
use crate::state::ApiState;
use mudrock_common::http::project_catalog::project_id;
use mudrock_store::report::IngestReport;

/// How long the body of a refused upload is read and dropped before the connection is let go.
const LINGER: std::time::Duration = std::time::Duration::from_secs(10);

pub async fn upload(
    State(state): State<ApiState>,
    ApiPath(project): ApiPath<String>,
    headers: HeaderMap,
    multipart: std::result::Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    let project = project_id(&project)?;
    // An upload that says it is too large is refused before a byte of it is read.
    let limit = state.config().max_upload_bytes;
    if let Some(length) = content_length(&headers)
        && length > limit as u64
    {
        // The answer goes out now; the body the client is still sending is read and dropped for a
        // bounded time (a "lingering close", as nginx does), so that a client that writes its whole
        // body before reading the answer sees the 413 rather than a reset connection.
        if let Ok(mut multipart) = multipart {
            tokio::spawn(async move {
                let drain = async {
                    while let Ok(Some(mut field)) = multipart.next_field().await {
                        while let Ok(Some(_)) = field.chunk().await {}
                    }
                };
                let _ = tokio::time::timeout(LINGER, drain).await;
            });
        }
        return Err(too_large(length, limit));
    }
    let mut multipart = multipart?;
    // Each file is spooled to an anonymous temporary file as it arrives (the body limit still counts
    // every byte): memory holds one chunk of the upload, then one file while it is ingested, never the
    // whole upload. Nothing is ingested until the whole upload has been read, so a 413 or a cut
    // connection leaves the project as it was.
    let mut files: Vec<(String, Spooled)> = Vec::new();
    while let Some(mut field) = multipart.next_field().await? {
        // Form fields without a file name (a checkbox, a comment) are not files: skip them.
        let Some(name) = field.file_name().map(file_name) else {
            continue;
        };
        let mut spooled = Spooled::new().await?;
        while let Some(chunk) = field.chunk().await? {
            spooled.write(&chunk).await?;
        }
        files.push((name, spooled));
    }
    if files.is_empty() {
        return Err(ApiError::bad_request(
            "the upload holds no file: send multipart/form-data with one file part (with a filename) per LAS file",
        ));
    }
    // As many files at once as `mudrock ingest` works on (the ingestor's concurrency), reports in upload
    // order; memory holds at most that many files.
    let sources = files
        .into_iter()
        .map(|(name, spooled)| (name, spooled.into_bytes()))
        .collect();
    let reports: Vec<IngestedFile> = state
        .service()
        .project(&project)
        .ingest(sources)
        .await
        .into_iter()
        .map(ingested)
        .collect();
    super::json(
        &IngestResponse {
            project_id: project.to_string(),
            files: reports,
        },
        None,
    )
}

/// The `Content-Length` a request declares, if any.
fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn too_large(length: u64, limit: usize) -> ApiError {
    ApiError::new(
        ErrorCode::PayloadTooLarge,
        format!("the upload is {length} bytes; this server accepts at most {limit} in one request: send fewer files at once"),
    )
    .with_detail("limit_bytes", limit as u64)
}

/// One uploaded file on its way in: an anonymous temporary file, gone when dropped.
struct Spooled {
    file: tokio::fs::File,
}

impl Spooled {
    async fn new() -> ApiResult<Spooled> {
        let file = tokio::task::spawn_blocking(tempfile::tempfile)
            .await
            .map_err(|e| spool_error(std::io::Error::other(e)))?
            .map_err(spool_error)?;
        Ok(Spooled {
            file: tokio::fs::File::from_std(file),
        })
    }

    async fn write(&mut self, chunk: &[u8]) -> ApiResult<()> {
        self.file.write_all(chunk).await.map_err(spool_error)
    }

    /// The spooled bytes, read back when the file's turn to be ingested comes.
    async fn into_bytes(mut self) -> std::io::Result<Bytes> {
        self.file.flush().await?;
        self.file.seek(std::io::SeekFrom::Start(0)).await?;
        let mut bytes = Vec::new();
        self.file.read_to_end(&mut bytes).await?;
        Ok(Bytes::from(bytes))
    }
}

fn spool_error(e: std::io::Error) -> ApiError {
    ApiError::from(
        crate::Error::new(
            crate::ErrorKind::Unavailable,
            "cannot keep the upload in a temporary file (is the temporary directory full?)",
        )
        .with_retryable(true)
        .with_source(e),
    )
}

/// The last segment of a client-side path (`C:\logs\a.las`, `dir/a.las` → `a.las`).
fn file_name(raw: &str) -> String {
    let name = raw.rsplit(['/', '\\']).next().unwrap_or("").trim();
    if name.is_empty() {
        "upload.las".to_owned()
    } else {
        name.chars().filter(|c| !c.is_control()).collect()
    }
}

fn ingested(r: IngestReport) -> IngestedFile {
    IngestedFile {
        file: r.path,
        status: r.status,
        reason: r.reason,
        sha256: r.sha256,
        well_id: r.well_id,
        well_name: r.well_name,
        log_id: r.log_id,
        rows: r.rows,
        curves: r.curves,
        bytes: r.bytes,
        seconds: r.seconds,
        warnings: r.warnings,
        snapshot_id: r.snapshot_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_paths_are_cut_to_the_file_name() {
        assert_eq!(file_name("C:\\logs\\a.las"), "a.las");
        assert_eq!(file_name("dir/sub/b.LAS"), "b.LAS");
        assert_eq!(file_name("../"), "upload.las");
        assert_eq!(file_name("c\u{0}.las"), "c.las");
    }
}
