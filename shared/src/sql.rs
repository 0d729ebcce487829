//! `POST /v1/projects/{project}/sql`.

use serde::{Deserialize, Serialize};

/// A read-only SQL query over one project's tables (`well_logs`, `wells`, `logs`, `curves`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqlRequest {
    pub sql: String,
    /// At most this many rows (never more than the server's own limit, which applies when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
}
