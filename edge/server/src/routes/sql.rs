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
use mudrock_engine::encode::Encoder;
use mudrock_engine::service::SqlRequest;
use mudrock_shared::media;
use mudrock_store::lakehouse::AsOf;

use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::error::{ApiError, ApiResult, sql_error};
use crate::etag;
use crate::negotiate::negotiate;
use crate::state::ApiState;
use mudrock_common::http::project_catalog::project_id;

/// The query string of the SQL route.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqlQueryParams {
    /// Time travel: a snapshot id or a time (`mudrock_store::lakehouse::AsOf::parse`).
    pub as_of: Option<String>,
}

pub async fn query(
    State(state): State<ApiState>,
    ApiPath(project): ApiPath<String>,
    ApiQuery(params): ApiQuery<SqlQueryParams>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<mudrock_shared::SqlRequest>,
) -> ApiResult<Response> {
    let project = state.service().project(&project_id(&project)?);
    let as_of = match params.as_of.as_deref() {
        Some(text) => {
            Some(AsOf::parse(text).map_err(|e| ApiError::from(e).with_detail("parameter", "as_of"))?)
        }
        None => None,
    };
    let format = negotiate(&headers)?;
    let planned = project
        .plan_sql(SqlRequest {
            sql: request.sql,
            limit: request.limit,
            as_of,
            format,
        })
        .await
        .map_err(sql_error)?;
    if let Some(unchanged) = super::not_modified(&state, &headers, planned.key()) {
        return Ok(unchanged);
    }
    let key = planned.key().cloned();
    let answer = planned.run().await.map_err(sql_error)?;
    let truncated = answer.truncation();
    let mut encoder = Encoder::new(format, &answer.schema)?;
    let head = encoder.take();
    let first_bytes = match &answer.first {
        Some(batch) => encoder.write(batch)?,
        None => bytes::Bytes::new(),
    };
    let limit = answer.limit;
    let rest = futures::stream::unfold(
        (Some(encoder), answer.rest, truncated),
        |(encoder, mut rest, truncated)| async move {
            let mut encoder = encoder?;
            match rest.next().await {
                Some(Ok(batch)) => {
                    let out = encoder.write(&batch).map_err(std::io::Error::other);
                    Some((out, (Some(encoder), rest, truncated)))
                }
                Some(Err(e)) => {
                    // The status line went out with the first batch: all that is left is to cut the body
                    // short (the client sees an incomplete document) and say why in the log.
                    eprintln!("error: SQL result stream failed after the response started: {e}");
                    Some((Err(std::io::Error::other(e)), (None, rest, truncated)))
                }
                None => {
                    let cut = truncated.load(std::sync::atomic::Ordering::Relaxed);
                    let out = encoder.finish(cut).map_err(std::io::Error::other);
                    Some((out, (None, rest, truncated)))
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
