//! `POST /v1/projects/{project}/ingest`: LAS files as `multipart/form-data`, one file part per file,
//! ingested one after the other with edge's `Ingestor::ingest_bytes` (the same pipeline as
//! `mudrock ingest`), answered with one report per file.
//!
//! The answer is 200 whenever the upload itself could be read: each file's `status` says whether it went
//! in (a rejected file is the file's outcome, not a failed request — the other files may have gone in).
//! An upload larger than the server's limit is 413; one with no file part is 400.

use axum::extract::State;
use axum::extract::multipart::Multipart;
use axum::response::Response;
use bytes::Bytes;
use mudrock_shared::{IngestResponse, IngestedFile};

use super::extract::ApiPath;
use crate::api::catalogs::project_id;
use crate::api::error::{ApiError, ApiResult};
use crate::api::state::ApiState;
use crate::report::IngestReport;

pub async fn upload(
    State(state): State<ApiState>,
    ApiPath(project): ApiPath<String>,
    multipart: std::result::Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    let project = project_id(&project)?;
    let mut multipart = multipart?;
    let mut files: Vec<(String, Bytes)> = Vec::new();
    while let Some(field) = multipart.next_field().await? {
        // Form fields without a file name (a checkbox, a comment) are not files: skip them.
        let Some(name) = field.file_name().map(file_name) else {
            continue;
        };
        let bytes = field.bytes().await?;
        files.push((name, bytes));
    }
    if files.is_empty() {
        return Err(ApiError::bad_request(
            "the upload holds no file: send multipart/form-data with one file part (with a filename) per LAS file",
        ));
    }
    let mut reports = Vec::with_capacity(files.len());
    for (name, bytes) in files {
        let report = state.ingestor().ingest_bytes(&project, &name, bytes).await;
        reports.push(ingested(report));
    }
    // The catalogs changed: the next request must see their new versions.
    state.catalogs().forget_versions(&project);
    super::json(
        &IngestResponse {
            project_id: project.to_string(),
            files: reports,
        },
        None,
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
