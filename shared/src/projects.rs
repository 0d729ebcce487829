//! `GET /v1/projects` and `GET /healthz`.

use serde::{Deserialize, Serialize};

/// A project the caller's token may read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub project_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectList {
    pub projects: Vec<Project>,
}

/// `GET /healthz` (no token needed): the server is up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// Always `ok` when the server answers.
    pub status: String,
    /// The server's crate version.
    pub version: String,
    /// [`crate::API_VERSION`].
    pub api_version: String,
}
