//! MudRock's HTTP API (axum). The routes translate HTTP — path, query, body, `Accept`, `If-None-Match` —
//! into calls on the application (`mudrock_engine::Service`, one facade per project) and its answers and
//! errors back into responses; what a route does is the application's.
//!
//! Routes under `/v1`, bearer-token auth on every route but `/healthz`,
//! JSON / Arrow IPC / Parquet by `Accept`, ETags from the versions a response read (304 without running
//! the query), one JSON error envelope for every failure, an OpenAPI document at `/v1/openapi.json`.
//!
//! | file | what |
//! |---|---|
//! | `router.rs` | the route table, fallbacks, auth and body-limit layers |
//! | `request_id.rs` | `x-request-id` echoed (or made), 5xx logged with it |
//! | `auth.rs` | where the tokens come from (config file, env, or a random one), the auth layer |
//! | `error.rs` | the backend's errors → the envelope (window and SQL refusals included), axum's rejections, in one place |
//! | `negotiate.rs` | `Accept` → the answer format (the encoders are the engine's: `mudrock_engine::encode`) |
//! | `etag.rs` | validators and 304s (`Range` parsing is in `http`, shared with the worker) |
//! | `routes/` | one file per group of routes |
//! | `openapi.rs` | the OpenAPI 3 document, checked against the router in tests |
//! | `server.rs` | binding, serving, graceful shutdown |

pub mod auth;
pub mod error;
pub mod etag;
pub mod negotiate;
pub mod openapi;
pub mod request_id;
pub mod router;
pub mod routes;
pub mod server;
pub mod state;

pub use auth::{Scope, Tokens};
pub use error::{ApiError, ApiResult};
pub use mudrock_common::error::{Error, ErrorKind, Result};
pub use router::router;
pub use server::{Server, serve};
pub use state::{ApiConfig, ApiState};
