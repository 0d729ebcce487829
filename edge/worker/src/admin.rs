//! The edge's own routes, outside the `/v1` contract, for a token that opens every project (`*`):
//! - `GET /metrics`: the edge's counters in the Prometheus text format (per isolate: each isolate counts
//!   what it served; `wrangler dev` runs one);
//! - `PUT /admin/objects/{key}`: writes one object into the bucket, `mudrock publish` puts a project
//!   there this way (the bucket then holds the same layout as the backend's storage).

use std::cell::RefCell;

use mudrock_core::layout::Layout;
use mudrock_shared::ErrorCode;
use worker::{Data, Headers, Method, Request, Response};

use super::config::EdgeConfig;
use super::{bucket, is_admin, respond};
use mudrock_common::http::error::ApiError;
use mudrock_common::http::tokens::Principal;

/// What the edge did, since the isolate started.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counters {
    /// Light answers computed here (cache misses included).
    pub computed: u64,
    pub cache_hits: u64,
    pub cache_misses: u64,
    pub cache_stores: u64,
    /// 304s answered here without reading any object.
    pub not_modified: u64,
    /// Requests forwarded to the origin (answered by it, whatever its status).
    pub forwarded: u64,
    /// The origin could not be reached (503) or did not answer in time (504).
    pub origin_unavailable: u64,
    pub origin_timeouts: u64,
    /// Error envelopes sent by the edge itself (401, 403, 404, 503, …).
    pub errors: u64,
    pub objects_written: u64,
}

thread_local! {
    static COUNTERS: RefCell<Counters> = RefCell::new(Counters::default());
}

pub fn count(f: impl FnOnce(&mut Counters)) {
    COUNTERS.with(|c| f(&mut c.borrow_mut()));
}

pub fn snapshot() -> Counters {
    COUNTERS.with(|c| *c.borrow())
}

impl Counters {
    /// The Prometheus text format (version 0.0.4), as the native server's `/metrics`.
    pub fn to_prometheus(&self) -> String {
        let rows: [(&str, &str, u64); 10] = [
            (
                "mudrock_edge_computed_total",
                "light answers computed at the edge",
                self.computed,
            ),
            (
                "mudrock_edge_cache_hits_total",
                "answers replayed from the edge cache",
                self.cache_hits,
            ),
            (
                "mudrock_edge_cache_misses_total",
                "edge cache lookups that found nothing",
                self.cache_misses,
            ),
            (
                "mudrock_edge_cache_stores_total",
                "answers stored in the edge cache",
                self.cache_stores,
            ),
            (
                "mudrock_edge_not_modified_total",
                "304 answers sent by the edge",
                self.not_modified,
            ),
            (
                "mudrock_edge_forwarded_total",
                "requests forwarded to the origin",
                self.forwarded,
            ),
            (
                "mudrock_edge_origin_unavailable_total",
                "origin unreachable (503)",
                self.origin_unavailable,
            ),
            (
                "mudrock_edge_origin_timeouts_total",
                "origin too slow (504)",
                self.origin_timeouts,
            ),
            (
                "mudrock_edge_errors_total",
                "error envelopes sent by the edge",
                self.errors,
            ),
            (
                "mudrock_edge_objects_written_total",
                "objects written through PUT /admin/objects",
                self.objects_written,
            ),
        ];
        let mut text = String::new();
        for (name, help, value) in rows {
            text.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n"
            ));
        }
        text
    }
}

/// Largest object `PUT /admin/objects` takes in one request (a Worker's request body limit is 100 MB).
pub const MAX_OBJECT_BYTES: usize = 100 * 1024 * 1024;

pub async fn handle(
    request: &mut Request,
    method: &Method,
    path: &str,
    principal: &Principal,
    config: &EdgeConfig,
) -> Result<Response, ApiError> {
    if !is_admin(principal) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "the edge's admin routes need a token for every project (`*`)",
        ));
    }
    match (method, path) {
        (Method::Get, "/metrics") => {
            let headers = Headers::new();
            let _ = headers.set("content-type", "text/plain; version=0.0.4");
            Ok(Response::builder()
                .with_status(200)
                .with_headers(headers)
                .fixed(snapshot().to_prometheus().into_bytes()))
        }
        (Method::Put, _) if path.starts_with("/admin/objects/") => {
            let key = &path["/admin/objects/".len()..];
            put_object(request, key, config).await
        }
        _ => Err(ApiError::new(
            ErrorCode::RouteNotFound,
            format!(
                "no edge admin route `{method} {path}`: there are GET /metrics and PUT /admin/objects/{{key}}"
            ),
        )),
    }
}

/// Writes one object. The key must be a path of the object layout (a project's catalog or well data),
/// so nothing else can be put into the bucket through this route.
async fn put_object(request: &mut Request, key: &str, config: &EdgeConfig) -> Result<Response, ApiError> {
    check_key(&config.layout, key)?;
    let body = request
        .bytes()
        .await
        .map_err(|e| ApiError::bad_request(format!("cannot read the request body: {e}")))?;
    if body.len() > MAX_OBJECT_BYTES {
        return Err(ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("objects above {MAX_OBJECT_BYTES} bytes cannot be put through the edge"),
        ));
    }
    let size = body.len();
    let object = config
        .bucket
        .put(key, Data::Bytes(body))
        .execute()
        .await
        .map_err(|e| bucket::unavailable(key, e))?
        .ok_or_else(|| ApiError::new(ErrorCode::Conflict, "the bucket refused the write; send it again"))?;
    count(|c| c.objects_written += 1);
    respond::json(
        &serde_json::json!({"key": key, "size": size, "etag": object.http_etag()}),
        None,
    )
}

fn check_key(layout: &Layout, key: &str) -> Result<(), ApiError> {
    layout.parse(key).map(|_| ()).map_err(|e| {
        ApiError::bad_request(format!("`{key}` is not an object of MudRock's layout: {e}"))
            .with_detail("key", key)
    })
}
