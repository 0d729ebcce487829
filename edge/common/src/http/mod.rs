//! What the native server (`mudrock-server`, axum) and the edge worker (`mudrock-edge-worker`,
//! workers-rs) share: the error
//! envelope and its status, the bearer tokens, `Range` parsing, a project's catalogs as the light routes
//! read them, and the wells routes' answers. No runtime, no I/O: builds for wasm32.
//!
//! | file | what |
//! |---|---|
//! | `error.rs` | a failed request: envelope, status, backend error kinds → codes |
//! | `tokens.rs` | project-scoped bearer tokens, 401 / 403 |
//! | `range.rs` | the `Range` header of byte-range reads |
//! | `project_catalog.rs` | a project's catalogs at known versions: lookups, grid index |
//! | `wells.rs` | the wells list, one well, curves, polygon search |
//! | `axum.rs` | (feature `axum`) `ApiError` as an axum response, axum's rejections as `ApiError`s |

#[cfg(feature = "axum")]
mod axum;
pub mod error;
pub mod project_catalog;
pub mod range;
pub mod tokens;
pub mod wells;

use serde::Serialize;

use self::error::{ApiError, ApiResult};

/// The canonical bytes of a request, hashed into its cache key: JSON of a value whose fields serialise
/// in a fixed order.
pub fn canonical<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

/// A response body as JSON (a failure to encode is the server's, 500).
pub fn encode_json<T: Serialize>(value: &T) -> ApiResult<Vec<u8>> {
    serde_json::to_vec(value).map_err(|e| {
        ApiError::from(crate::Error::new(crate::ErrorKind::Unexpected, "cannot encode JSON").with_source(e))
    })
}
