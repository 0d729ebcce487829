//! The worker's settings, from its environment: `[vars]` in wrangler.toml (or `wrangler dev --var`) and
//! secrets (`wrangler secret put MUDROCK_TOKENS` — tokens belong in a secret when deployed).
//!
//! | name | what | default |
//! |---|---|---|
//! | `MUDROCK_TOKENS` | `token=project1,project2;admin-token=*` (as for `mudrock serve`) | none: every route but `/healthz` is 401 |
//! | `ORIGIN_URL` | the native backend, `http(s)://host:port` | none: heavy routes are 503 |
//! | `ORIGIN_TIMEOUT_MS` | how long to wait for the origin's answer to start | 30000 |
//! | `MUDROCK_PREFIX` | the object layout's prefix inside the bucket | empty |
//! | `EDGE_CACHE` | `off` turns the edge cache off | on |
//! | binding `BUCKET` | the R2 bucket holding the same object layout as the backend's storage | required |

use std::time::Duration;

use mudrock_core::layout::Layout;
use mudrock_shared::ErrorCode;
use worker::Env;

use mudrock_common::http::error::ApiError;
use mudrock_common::http::tokens::Tokens;

/// The bucket binding's name in wrangler.toml.
pub const BUCKET_BINDING: &str = "BUCKET";
pub const DEFAULT_ORIGIN_TIMEOUT: Duration = Duration::from_secs(30);

pub struct EdgeConfig {
    pub tokens: Tokens,
    pub origin: Option<String>,
    pub origin_timeout: Duration,
    pub layout: Layout,
    pub cache: bool,
    pub bucket: worker::Bucket,
}

impl EdgeConfig {
    /// Read once per request: settings are strings in the isolate's environment, cheap to read, and a
    /// redeploy with new ones must take effect at once.
    pub fn from_env(env: &Env) -> Result<EdgeConfig, ApiError> {
        let text = |name: &str| -> Option<String> {
            env.secret(name)
                .ok()
                .map(|s| s.to_string())
                .or_else(|| env.var(name).ok().map(|v| v.to_string()))
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
        };
        let tokens = match text("MUDROCK_TOKENS") {
            Some(t) => Tokens::parse_env(&t)
                .map_err(|e| misconfigured(format!("MUDROCK_TOKENS: {}", e.message())))?,
            None => Tokens::new(),
        };
        let origin = text("ORIGIN_URL").map(|u| u.trim_end_matches('/').to_owned());
        let origin_timeout = match text("ORIGIN_TIMEOUT_MS") {
            Some(ms) => Duration::from_millis(ms.parse::<u64>().map_err(|_| {
                misconfigured(format!(
                    "ORIGIN_TIMEOUT_MS must be a number of milliseconds (got `{ms}`)"
                ))
            })?),
            None => DEFAULT_ORIGIN_TIMEOUT,
        };
        let layout = Layout::new(text("MUDROCK_PREFIX").as_deref().unwrap_or(""))
            .map_err(|e| misconfigured(format!("MUDROCK_PREFIX: {e}")))?;
        let cache = text("EDGE_CACHE").is_none_or(|v| !v.eq_ignore_ascii_case("off"));
        let bucket = env.bucket(BUCKET_BINDING).map_err(|_| {
            misconfigured(format!(
                "the worker has no bucket binding `{BUCKET_BINDING}`: add [[r2_buckets]] binding = \"{BUCKET_BINDING}\" to wrangler.toml"
            ))
        })?;
        Ok(EdgeConfig {
            tokens,
            origin,
            origin_timeout,
            layout,
            cache,
            bucket,
        })
    }
}

/// A deployment mistake: 500 with a message the operator can act on (it names no secret).
fn misconfigured(message: String) -> ApiError {
    ApiError::new(
        ErrorCode::Internal,
        format!("the edge worker is misconfigured: {message}"),
    )
}
