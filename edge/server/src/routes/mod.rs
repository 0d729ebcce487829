//! The route handlers, one file per group; shared response helpers here.

pub mod app;
pub mod extract;
pub mod health;
pub mod ingest;
pub mod logs;
pub mod metrics;
pub mod objects;
pub mod projects;
pub mod sql;
pub mod tops;
pub mod wells;

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use mudrock_core::cache::CacheKey;
use serde::Serialize;

use super::error::ApiResult;
use super::etag;
use crate::state::ApiState;

/// A JSON body with `Content-Type`, and the ETag of `key` when there is one.
pub fn json<T: Serialize>(value: &T, key: Option<&CacheKey>) -> ApiResult<Response> {
    let body = mudrock_common::http::encode_json(value)?;
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(mudrock_shared::media::JSON),
    );
    if let Some(key) = key {
        etag::set(response.headers_mut(), key);
    }
    Ok(response)
}

/// The 304 for a request whose `If-None-Match` names `key` (counted for `/metrics`), before anything is
/// computed; `None`: answer in full. An answer without a key is never revalidated.
pub fn not_modified(state: &ApiState, headers: &HeaderMap, key: Option<&CacheKey>) -> Option<Response> {
    let key = key.filter(|key| etag::matches(headers, key))?;
    state.counters().count_not_modified();
    Some(etag::not_modified(key))
}
