//! The edge worker (workers-rs, wasm32; `worker-build --release edge/worker` packs it for wrangler): the
//! same `/v1` contract as the native server, answered close to the users. It shares the server's error,
//! catalogs and light-route logic through `mudrock-common`, and nothing heavier: no DataFusion, Iceberg,
//! sqlx or tokio runtime is in its dependency tree.
//!
//! - **Light** routes (core's rule, `ApiRoute::weight`) are answered here with no origin call: project and
//!   well lists and metadata, curve lists and polygon searches from the catalog objects in the bucket
//!   (computed by `http::wells`, the native server's own code), and a log's Parquet object straight from
//!   the bucket with `Range` support — the browser's data path.
//! - **Heavy** routes (SQL, log windows, ingest, anything reading the past) are forwarded to the origin
//!   (`mudrock serve`) with the caller's token and the request id, the answer streamed back (`origin.rs`).
//! - Auth: the same project-scoped tokens (`MUDROCK_TOKENS`) and the same 401 / 403 envelopes, checked
//!   before anything else — before a bucket read or an origin call.
//! - Edge cache (`cache.rs`): light answers under core's cache keys, which include the versions (R2
//!   ETags) of the objects they read, so a new ingest is a new key and is never served stale.
//!
//! | file | what |
//! |---|---|
//! | `config.rs` | the worker's settings from its environment (wrangler.toml `[vars]`, secrets) |
//! | `bucket.rs` | catalog and log objects from the bucket binding, with their versions |
//! | `light.rs` | the light routes |
//! | `origin.rs` | forwarding heavy routes, with a timeout |
//! | `cache.rs` | the edge cache (Cache API) |
//! | `admin.rs` | counters (`GET /metrics`) and object upload (`PUT /admin/objects/...`, `mudrock publish`) |
//! | `respond.rs` | responses: JSON with ETag, 304, the error envelope |

mod admin;
mod bucket;
mod cache;
mod config;
mod light;
mod origin;
mod respond;

use mudrock_core::cache::{ApiRoute, Weight};
use worker::{Context, Env, Method, Request, Response, Result, event};

pub use admin::Counters;
use config::EdgeConfig;

use mudrock_common::http::error::ApiError;
use mudrock_common::http::tokens::Principal;

/// The header carrying a request's id from the caller through the edge to the origin and back.
pub const REQUEST_ID: &str = "x-request-id";
/// Which tier answered: `edge` (computed here), `edge-cache` (replayed from the edge cache), `origin`.
pub const SERVED_BY: &str = "x-mudrock-served-by";

/// Every request (workers-rs calls it). Never fails with a worker error for anything a caller sent: each
/// failure is an envelope.
#[event(fetch)]
async fn fetch(request: Request, env: Env, _ctx: Context) -> Result<Response> {
    let request_id = request
        .headers()
        .get(REQUEST_ID)
        .ok()
        .flatten()
        .filter(|id| !id.is_empty() && id.len() <= 128)
        .unwrap_or_else(new_request_id);
    let response = match handle(request, &env, &request_id).await {
        Ok(response) => response,
        Err(error) => {
            admin::count(|c| c.errors += 1);
            respond::error(&error)
        }
    };
    let mut response = response;
    let _ = response.headers_mut().set(REQUEST_ID, &request_id);
    Ok(response)
}

async fn handle(
    mut request: Request,
    env: &Env,
    request_id: &str,
) -> std::result::Result<Response, ApiError> {
    let config = EdgeConfig::from_env(env)?;
    let method = request.method();
    let path = request.path();
    // The edge's own routes first: they are not part of the `/v1` contract.
    if path.starts_with("/admin/") || path == "/metrics" {
        let principal = config
            .tokens
            .authenticate(authorization(&request).as_deref(), now_ms())?;
        return admin::handle(&mut request, &method, &path, &principal, &config).await;
    }
    let Some(matched) = ApiRoute::classify(method.as_ref(), &path) else {
        // Not a route: the origin gives the same 404 / 405 envelope it always gives.
        return origin::forward(request, &config, request_id).await;
    };
    if matched.route == ApiRoute::Health {
        return respond::health();
    }
    let principal = config
        .tokens
        .authenticate(authorization(&request).as_deref(), now_ms())?;
    if let Some(project) = matched.project {
        principal.check(project)?;
    }
    let time_travel = reads_the_past(&request);
    if matched.route.weight_at(time_travel) == Weight::Heavy || matched.route == ApiRoute::OpenApi {
        // The OpenAPI document is the origin's: the edge serves the same contract.
        return origin::forward(request, &config, request_id).await;
    }
    light::answer(&request, &method, &matched, &principal, &config).await
}

/// A request naming a past snapshot or time (`?as_of=` / `?snapshot=`): only the origin has the history.
fn reads_the_past(request: &Request) -> bool {
    request.url().is_ok_and(|url| {
        url.query_pairs()
            .any(|(k, _)| matches!(k.as_ref(), "as_of" | "snapshot" | "snapshot_id"))
    })
}

fn authorization(request: &Request) -> Option<String> {
    request.headers().get("authorization").ok().flatten()
}

/// Whether the principal is an admin of every project (the edge's admin routes need that).
fn is_admin(principal: &Principal) -> bool {
    matches!(*principal.scope, mudrock_common::http::tokens::Scope::All)
        && principal.access == mudrock_common::http::tokens::Access::Admin
}

fn new_request_id() -> String {
    let now = worker::js_sys::Date::now() as u64;
    let noise = (worker::js_sys::Math::random() * (u32::MAX as f64)) as u32;
    format!("edge-{now:x}-{noise:08x}")
}

/// `GET` and `HEAD` are the methods the light routes read with.
fn is_read(method: &Method) -> bool {
    matches!(method, Method::Get | Method::Head)
}

/// The Workers runtime's clock (Unix milliseconds): `SystemTime` does not exist on wasm32.
fn now_ms() -> i64 {
    i64::try_from(worker::Date::now().as_millis()).unwrap_or(i64::MAX)
}
