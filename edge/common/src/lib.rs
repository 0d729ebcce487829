//! What MudRock's native backend (`mudrock-store` and the crates above it) and its edge worker
//! (`mudrock-edge-worker`) share, built for both targets: the backend's one error type ([`error`]), the wells/logs/curves catalogs and a well's
//! tops object ([`catalog`]), and the light routes' HTTP logic and error envelope ([`http`]). Nothing
//! here does I/O of its own: the server reads objects through its storage manager, the worker from its
//! bucket.

pub mod catalog;
pub mod error;
pub mod http;

pub use error::{Error, ErrorKind, Result};
