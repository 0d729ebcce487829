//! `POST /v1/projects/{project}/sql`: one read-only SQL query over the project's tables, answered as
//! JSON, Arrow IPC or Parquet by `Accept`, streamed batch by batch.
//!
//! The query is planned and its first batch computed before the status line is sent, so bad SQL, an
//! unknown column or table, a refused statement (DDL, DML …) and a timeout before the first rows are
//! proper 4xx/5xx envelopes. An error after rows have started flowing can only cut the body short (the
//! client sees an incomplete JSON document or Arrow stream). A query reaches only its own project's
//! tables: the engine keeps one session per project and knows no other.
//!
//! The ETag is the query text, the limit and the format keyed with the versions of the project's catalog
//! objects (which list every log object, content-addressed): `If-None-Match` is answered 304 before the
//! query runs. Results are streamed, not cached — a repeated query runs again unless revalidated.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use mudrock_core::cache::CacheKey;
use mudrock_core::layout::ProjectId;
use mudrock_shared::{ErrorCode, SqlRequest, media};

use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::catalogs::{catalog_versions, no_such_project, project_id};
use crate::error::{ApiError, ApiResult};
use crate::etag;
use crate::negotiate::{Encoder, negotiate};
use crate::state::ApiState;
use mudrock_common::error::{Error, ErrorKind};
use mudrock_engine::query::{SqlOptions, SqlResult, SqlStream};
use mudrock_store::lakehouse::AsOf;

/// Longest SQL text accepted.
pub const MAX_SQL_BYTES: usize = 256 << 10;

/// The engine's errors on a query, as the codes a SQL client branches on.
pub fn sql_error(err: Error) -> ApiError {
    let code = match err.kind() {
        _ if mudrock_engine::query::is_read_only_refusal(&err) => ErrorCode::ReadOnly,
        ErrorKind::InvalidInput | ErrorKind::Unsupported => ErrorCode::InvalidSql,
        _ => return ApiError::from(err),
    };
    ApiError::from_error_as(code, err)
}

/// The engine's `sql` on the query runtime: planned and started, rows to be streamed.
pub async fn start(
    state: &ApiState,
    project: ProjectId,
    sql: String,
    options: SqlOptions,
) -> crate::Result<SqlStream> {
    let engine = state.engine().clone();
    state
        .query_runtime()
        .run(move || async move { engine.sql(&project, &sql, options).await })
        .await
}

/// The engine's `sql_collect` on the query runtime: the whole result in memory.
pub async fn collect(
    state: &ApiState,
    project: ProjectId,
    sql: String,
    options: SqlOptions,
) -> crate::Result<SqlResult> {
    let engine = state.engine().clone();
    state
        .query_runtime()
        .run(move || async move { engine.sql_collect(&project, &sql, options).await })
        .await
}

/// Aborts the task producing a result's rows when the response body is dropped.
struct Producer(tokio::task::AbortHandle);

impl Drop for Producer {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// 504 for a query that passed the server's query timeout (the engine cancels it).
pub fn timed_out(timeout: std::time::Duration) -> ApiError {
    ApiError::new(
        ErrorCode::QueryTimeout,
        format!(
            "the query ran longer than this server's {:.1} s limit and was cancelled: narrow it (fewer wells, a \
             depth range, fewer columns)",
            timeout.as_secs_f64()
        ),
    )
    .with_detail("timeout_ms", u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX))
}

/// `?as_of=`: a `well_logs` snapshot id or a time (time travel over the project's Iceberg tables).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqlQueryParams {
    pub as_of: Option<String>,
}

pub async fn query(
    State(state): State<ApiState>,
    ApiPath(project): ApiPath<String>,
    ApiQuery(params): ApiQuery<SqlQueryParams>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<SqlRequest>,
) -> ApiResult<Response> {
    let project = project_id(&project)?;
    let as_of = match params.as_of.as_deref() {
        Some(text) => {
            Some(AsOf::parse(text).map_err(|e| ApiError::from(e).with_detail("parameter", "as_of"))?)
        }
        None => None,
    };
    let format = negotiate(&headers)?;
    let sql = request.sql.trim();
    if sql.is_empty() {
        return Err(ApiError::new(ErrorCode::InvalidSql, "the SQL text is empty"));
    }
    if sql.len() > MAX_SQL_BYTES {
        return Err(ApiError::new(
            ErrorCode::InvalidSql,
            format!(
                "the SQL text is {} bytes; at most {MAX_SQL_BYTES} are accepted",
                sql.len()
            ),
        ));
    }
    let server_limit = state.config().row_limit;
    let limit = match request.limit {
        Some(0) => {
            return Err(ApiError::bad_request("limit must be at least 1").with_detail("parameter", "limit"));
        }
        Some(n) => n.min(server_limit),
        None => server_limit,
    };
    let versions = catalog_versions(&state, &project)
        .await?
        .ok_or_else(|| no_such_project(&project))?;
    // No ETag when the storage cannot prove a change (see `Version::is_verifiable`).
    let key = versions.is_verifiable().then(|| {
        CacheKey::new(
            "sql",
            &super::canonical(&(
                project.as_str(),
                sql,
                limit,
                format.name(),
                as_of.map(|a| a.to_string()),
            )),
            &versions,
        )
    });
    if let Some(key) = &key
        && etag::matches(&headers, key)
    {
        state.counters().count_not_modified();
        return Ok(etag::not_modified(key));
    }

    state.counters().count_query();
    let timeout = state.config().query_timeout;
    let deadline = tokio::time::Instant::now() + timeout;
    let options = SqlOptions {
        row_limit: Some(usize::try_from(limit).unwrap_or(usize::MAX)),
        timeout: Some(timeout),
        as_of,
    };
    let started = start(&state, project.clone(), sql.to_owned(), options);
    let stream = tokio::time::timeout_at(deadline, started)
        .await
        .map_err(|_| timed_out(timeout))?
        .map_err(sql_error)?;
    let schema = stream.schema();
    let truncated = stream.truncation_flag();
    // The rows are produced on their own task and handed over through a small channel: a CPU-bound
    // operator that does not yield cannot hold the response past the deadline, and a client that goes
    // away (the body dropped) stops the production (`Producer` aborts the task). A client that stays but
    // stops reading holds the query (and its project's turn) no longer than the deadline either: the
    // body then ends short.
    let (tx, rx) = tokio::sync::mpsc::channel::<crate::Result<arrow_array::RecordBatch>>(2);
    let producer = Producer(
        state
            .query_runtime()
            .spawn(async move {
                let mut stream = stream;
                while let Some(item) = stream.next().await {
                    let failed = item.is_err();
                    match tokio::time::timeout_at(deadline, tx.send(item)).await {
                        Ok(Ok(())) if !failed => {}
                        _ => break,
                    }
                }
            })?
            .abort_handle(),
    );
    let mut rx = rx;
    // The first batch before the status line: most runtime errors surface here as proper envelopes.
    let first = match tokio::time::timeout_at(deadline, rx.recv()).await {
        Err(_) => return Err(timed_out(timeout)),
        Ok(Some(Ok(batch))) => Some(batch),
        Ok(Some(Err(e))) => return Err(sql_error(e)),
        Ok(None) => None,
    };
    let mut encoder = Encoder::new(format, &schema)?;
    let head = encoder.take();
    let first_bytes = match &first {
        Some(batch) => encoder.write(batch)?,
        None => bytes::Bytes::new(),
    };
    // The body: the header and first batch, then the rest as it comes, then the trailer.
    let rest = futures::stream::unfold(
        (Some(encoder), rx, truncated, producer),
        |(encoder, mut rx, truncated, producer)| async move {
            let mut encoder = encoder?;
            match rx.recv().await {
                Some(Ok(batch)) => {
                    let out = encoder.write(&batch).map_err(std::io::Error::other);
                    Some((out, (Some(encoder), rx, truncated, producer)))
                }
                Some(Err(e)) => {
                    eprintln!("error: SQL result stream failed after the response started: {e}");
                    Some((Err(std::io::Error::other(e)), (None, rx, truncated, producer)))
                }
                None => {
                    let cut = truncated.load(std::sync::atomic::Ordering::Relaxed);
                    let out = encoder.finish(cut).map_err(std::io::Error::other);
                    Some((out, (None, rx, truncated, producer)))
                }
            }
        },
    );
    let body = futures::stream::iter([Ok::<_, std::io::Error>(head), Ok(first_bytes)])
        .chain(rest)
        .filter(|chunk| std::future::ready(chunk.as_ref().map_or(true, |b| !b.is_empty())));
    let mut response = Body::from_stream(body).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.media_type()),
    );
    h.insert(media::HEADER_ROW_LIMIT, HeaderValue::from(limit));
    if let Some(key) = &key {
        etag::set(h, key);
    }
    Ok(response)
}
