//! `GET /v1/projects/{project}/wells/{well}/logs?curves=GR,RHOB&depth_min=&depth_max=&max_points=`: a
//! depth window of chosen curves of one well — the plotting path — as JSON, Arrow IPC or Parquet.
//!
//! The application's log window (`mudrock_engine::service::window`) plans, checks, runs, decimates,
//! encodes and caches; this route translates: the path and query into a `WindowRequest`, `Accept` into
//! the format, the answer's key into the ETag (`If-None-Match` is answered 304 before anything runs).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use mudrock_core::cache::CacheKey;
use mudrock_engine::encode::Format;
use mudrock_engine::service::{EncodedWindow, WindowRequest};
use mudrock_shared::{LogWindowQuery, media};

use super::extract::{ApiPath, ApiQuery};
use crate::error::{ApiResult, window_error};
use crate::etag;
use crate::negotiate::negotiate;
use crate::state::ApiState;
use mudrock_common::http::project_catalog::{project_id, well_id};

pub async fn window(
    State(state): State<ApiState>,
    ApiPath((project, well)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<LogWindowQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let project = state.service().project(&project_id(&project)?);
    let format = negotiate(&headers)?;
    let request = WindowRequest {
        well: well_id(&well)?,
        curves: q.curve_list(),
        depth_min: q.depth_min,
        depth_max: q.depth_max,
        max_points: q.max_points,
        format,
    };
    let planned = project.plan_window(request).await.map_err(window_error)?;
    if let Some(unchanged) = super::not_modified(&state, &headers, planned.key()) {
        return Ok(unchanged);
    }
    let key = planned.key().cloned();
    let encoded = planned.run().await?;
    let row_limit = state.service().limits().row_limit;
    respond(format, &encoded, key.as_ref(), row_limit)
}

fn respond(
    format: Format,
    window: &Arc<EncodedWindow>,
    key: Option<&CacheKey>,
    row_limit: u64,
) -> ApiResult<Response> {
    let mut response = window.body.clone().into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.media_type()),
    );
    h.insert(media::HEADER_ROW_LIMIT, HeaderValue::from(row_limit));
    h.insert(
        media::HEADER_DECIMATED,
        HeaderValue::from_static(if window.decimated { "true" } else { "false" }),
    );
    if let Some(key) = key {
        etag::set(h, key);
    }
    Ok(response)
}
