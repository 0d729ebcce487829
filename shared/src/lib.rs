//! The HTTP API contract shared by the backend, the edge worker and the browser: the request and
//! response bodies of every `/v1` route, the one JSON error envelope, the media types a response can be
//! negotiated to, and the API version. Plain serde types: no I/O, builds for wasm32.

pub mod error;
pub mod ingest;
pub mod logs;
pub mod media;
pub mod projects;
pub mod sql;
pub mod table;
pub mod tops;
pub mod wells;

pub use error::{ErrorBody, ErrorCode, ErrorEnvelope};
pub use ingest::{IngestResponse, IngestStatus, IngestWarning, IngestedFile};
pub use logs::LogWindowQuery;
pub use projects::{Health, Project, ProjectList};
pub use sql::SqlRequest;
pub use table::{Table, TableColumn};
pub use wells::{
    BoundingBox, Curve, CurveList, PolygonInput, PolygonSearchRequest, PolygonSearchResponse, Well,
    WellListQuery, WellPage, WellRef,
};

/// The API version prefix every route lives under.
pub const API_VERSION: &str = "v1";
