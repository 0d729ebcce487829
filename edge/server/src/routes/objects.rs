//! `GET|HEAD /v1/projects/{project}/wells/{well}/logs/{log}.parquet`: the stored Parquet object of one
//! log, whole or one byte range — the browser's data path (it reads the footer, then the pages it needs).
//! `{log}.las`, `{log}.csv` (or `?format=las|csv`): the log given back as a file to download.
//!
//! `Accept-Ranges: bytes`; a single range is 206 with `Content-Range`; `bytes=-N` is the last N bytes;
//! a range outside the object or several ranges at once are 416 with `Content-Range: bytes */size`
//! (see `range.rs` for why). The ETag is derived from the object's version (its store ETag / modification
//! time and size), so `If-None-Match` is answered 304 and `If-Range` falls back to the whole object when
//! the object changed. HEAD answers the headers of GET without reading the object.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mudrock_core::cache::{CacheKey, Version, VersionSet};
use mudrock_core::layout::LogId;

use super::extract::{ApiPath, ApiQuery};
use crate::error::{ApiError, ApiResult};
use crate::etag;
use crate::state::ApiState;
use mudrock_common::error::ErrorKind;
use mudrock_common::http::project_catalog::{project_id, well_id};
use mudrock_common::http::range::{self, Wanted};
use mudrock_engine::service::{ExportFormat, object_version};

/// `?format=las|csv|parquet`: the log as a file in that format (see [`export`]).
#[derive(Debug, Default, serde::Deserialize)]
pub struct ObjectQuery {
    format: Option<String>,
}

pub async fn get(
    State(state): State<ApiState>,
    ApiPath((project, well, file)): ApiPath<(String, String, String)>,
    ApiQuery(query): ApiQuery<ObjectQuery>,
    method: Method,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let project = project_id(&project)?;
    let well = well_id(&well)?;
    if let Some((log, format)) = export_request(&file, query.format.as_deref())? {
        return export(&state, &project, &well, log, format, &method).await;
    }
    let log_text = file.strip_suffix(".parquet").ok_or_else(|| {
        ApiError::not_found(format!(
            "`{file}` is not a log object: log objects are named `{{log_id}}.parquet` (see the well's curves for its log ids)"
        ))
    })?;
    let log = LogId::new(log_text).map_err(|e| {
        ApiError::bad_request(format!("invalid log id `{log_text}`: {e}")).with_detail("log", log_text)
    })?;
    let path = state.service().layout().well_log(&project, &well, &log);
    let not_found = |e: crate::Error| -> ApiError {
        if e.kind() == ErrorKind::NotFound {
            ApiError::not_found(format!(
                "well `{well}` of project `{project}` has no log `{log}`: the well's curves list its log ids"
            ))
            .with_detail("log", log.as_str())
        } else {
            e.into()
        }
    };
    // Through L2 when it is on: its `head` is the version the bytes are then read at, so the ETag and
    // the bytes agree even if the object is replaced meanwhile. Without it the storage's read is pinned
    // to the stat's version the same way.
    let (version, size, source) = match state.service().cached_objects() {
        Some(store) => {
            let meta = store
                .head_object(&object_store::path::Path::from(path.as_str()))
                .await
                .map_err(not_found)?;
            let version = Version::Object {
                path: path.clone(),
                size: meta.size,
                etag: meta.e_tag.clone(),
                last_modified_ns: meta.last_modified.timestamp_nanos_opt(),
            };
            (version, meta.size, Source::Cached(store.clone(), meta))
        }
        None => {
            let meta = state.service().storage().stat(&path).await.map_err(not_found)?;
            (object_version(&meta), meta.size, Source::Direct(meta))
        }
    };
    let key = version.is_verifiable().then(|| {
        let versions: VersionSet = [version].into_iter().collect();
        CacheKey::new("parquet_object", path.as_bytes(), &versions)
    });
    if let Some(unchanged) = super::not_modified(&state, &headers, key.as_ref()) {
        return Ok(unchanged);
    }
    let range_header = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let if_range_holds = key.as_ref().is_none_or(|k| etag::if_range_holds(&headers, k));
    let wanted = if if_range_holds {
        range::parse(range_header, size)?
    } else {
        Wanted::Full
    };
    let (status, range) = match &wanted {
        Wanted::Full => (StatusCode::OK, 0..size),
        Wanted::Part(r) => (StatusCode::PARTIAL_CONTENT, r.clone()),
    };
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        let bytes = match (&source, range.is_empty()) {
            (_, true) => bytes::Bytes::new(),
            (Source::Cached(store, meta), false) => store.read_range(meta, range.clone()).await?,
            (Source::Direct(meta), false) => {
                state
                    .service()
                    .storage()
                    .download_range_of(meta, range.clone())
                    .await?
            }
        };
        Body::from(bytes)
    };
    let mut response = (status, body).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(mudrock_shared::media::PARQUET),
    );
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(range.end - range.start));
    if status == StatusCode::PARTIAL_CONTENT
        && let Ok(v) = HeaderValue::from_str(&format!(
            "bytes {}-{}/{size}",
            range.start,
            range.end.saturating_sub(1)
        ))
    {
        h.insert(header::CONTENT_RANGE, v);
    }
    if let Some(key) = &key {
        etag::set(h, key);
    }
    Ok(response)
}

/// `{log}.las`, `{log}.csv`, or `{log}[.parquet]?format=las|csv`: an export of the log, not its object.
fn export_request<'a>(file: &'a str, format: Option<&str>) -> ApiResult<Option<(&'a str, ExportFormat)>> {
    let (log, by_extension) = match file.rsplit_once('.') {
        Some((stem, extension)) => match ExportFormat::parse(extension) {
            Some(f) => (stem, Some(f)),
            None => (file, None),
        },
        None => (file, None),
    };
    let asked = match format {
        None => by_extension,
        Some(text) => Some(ExportFormat::parse(text).ok_or_else(|| {
            ApiError::bad_request(format!("format `{text}` is not one of las, csv, parquet"))
                .with_detail("format", text)
        })?),
    };
    Ok(match asked {
        Some(f @ (ExportFormat::Las | ExportFormat::Csv)) => Some((log, f)),
        _ => None,
    })
}

/// The log as a LAS 2.0 or CSV file (the engine's `Project::export_log`), as an attachment.
async fn export(
    state: &ApiState,
    project: &mudrock_core::layout::ProjectId,
    well: &mudrock_core::layout::WellId,
    log_text: &str,
    format: ExportFormat,
    method: &Method,
) -> ApiResult<Response> {
    let log = LogId::new(log_text).map_err(|e| {
        ApiError::bad_request(format!("invalid log id `{log_text}`: {e}")).with_detail("log", log_text)
    })?;
    let exported = state
        .service()
        .project(project)
        .export_log(well, Some(&log), format)
        .await?;
    let length = exported.body.len();
    let body = if *method == Method::HEAD {
        Body::empty()
    } else {
        Body::from(exported.body)
    };
    let mut response = (StatusCode::OK, body).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", exported.file_name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

/// Where a log object's bytes are read from: the version its ETag was taken from, either way.
enum Source {
    /// Through the L2 cache, at the version its `head` saw.
    Cached(
        std::sync::Arc<mudrock_engine::cache::CachedObjectStore>,
        object_store::ObjectMeta,
    ),
    /// From the storage, pinned to the version its `stat` saw.
    Direct(mudrock_store::ObjectMeta),
}
