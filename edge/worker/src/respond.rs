//! Responses of the edge's own answers, with the headers the native server gives the same answers
//! (`api::etag`, `api::error`): JSON with `ETag` and `Cache-Control`, 304 with the validators, the error
//! envelope with its status (and `WWW-Authenticate` / `Content-Range` where they belong).

use mudrock_core::cache::CacheKey;
use mudrock_shared::{ErrorCode, Health};
use serde::Serialize;
use worker::{Headers, Response};

use super::SERVED_BY;
use mudrock_common::http::error::ApiError;

/// As on the native server: private (the answer depends on the token), revalidate every time.
pub const CACHE_CONTROL: &str = "private, no-cache";

pub fn json<T: Serialize>(value: &T, key: Option<&CacheKey>) -> Result<Response, ApiError> {
    let body = mudrock_common::http::encode_json(value)?;
    Ok(bytes(body, mudrock_shared::media::JSON, key, "edge"))
}

/// A 200 body of a content type, with the ETag of `key` when there is one.
pub fn bytes(body: Vec<u8>, content_type: &str, key: Option<&CacheKey>, served_by: &str) -> Response {
    let headers = Headers::new();
    let _ = headers.set("content-type", content_type);
    let _ = headers.set(SERVED_BY, served_by);
    if let Some(key) = key {
        set_validators(&headers, key);
    }
    Response::builder()
        .with_status(200)
        .with_headers(headers)
        .fixed(body)
}

pub fn set_validators(headers: &Headers, key: &CacheKey) {
    let _ = headers.set("etag", &key.etag());
    let _ = headers.set("cache-control", CACHE_CONTROL);
}

/// Whether the request's `If-None-Match` names this key (or is `*`).
pub fn if_none_match(request: &worker::Request, key: &CacheKey) -> bool {
    request
        .headers()
        .get("if-none-match")
        .ok()
        .flatten()
        .is_some_and(|v| key.matches_if_none_match(&v))
}

pub fn not_modified(key: &CacheKey) -> Response {
    let headers = Headers::new();
    set_validators(&headers, key);
    let _ = headers.set(SERVED_BY, "edge");
    Response::builder().with_status(304).with_headers(headers).empty()
}

/// The error envelope, its status and headers — the same bytes as the native server's.
pub fn error(error: &ApiError) -> Response {
    let headers = Headers::new();
    let _ = headers.set("content-type", mudrock_shared::media::JSON);
    let _ = headers.set(SERVED_BY, "edge");
    if error.code() == ErrorCode::Unauthorized {
        let _ = headers.set("www-authenticate", "Bearer realm=\"mudrock\"");
    }
    if let Some(size) = error.object_size() {
        let _ = headers.set("content-range", &format!("bytes */{size}"));
    }
    if error.status() >= 500 {
        match error.source_error() {
            Some(source) => worker::console_error!("{}: {source:?}", error.code()),
            None => worker::console_error!("{}: {}", error.code(), error.message()),
        }
    }
    Response::builder()
        .with_status(error.status())
        .with_headers(headers)
        .fixed(error.body())
}

pub fn health() -> Result<Response, ApiError> {
    json(
        &Health {
            status: "ok".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            api_version: mudrock_shared::API_VERSION.to_owned(),
        },
        None,
    )
}
