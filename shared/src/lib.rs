//! The HTTP API contract shared by the backend, the edge worker and the browser.

/// The API version prefix every route lives under.
pub const API_VERSION: &str = "v1";
