//! What is wrong with a well query, in words a user understands, and which request field it is about.

use thiserror::Error;

/// Every way a [`super::WellQuery`] can be refused — the caller's input (HTTP 400) except
/// [`QueryError::BatchShape`] (see [`QueryError::is_input_error`]).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum QueryError {
    #[error("curve name {index} is empty")]
    EmptyCurveName { index: usize },
    #[error("curve name {name:?} is {len} bytes long (at most {max})")]
    CurveNameTooLong { name: String, len: usize, max: usize },
    #[error("curve name {name:?} has a control character at byte {position}")]
    CurveNameControlChar { name: String, position: usize },
    #[error("{name:?} is always part of the result; do not ask for it as a curve")]
    ReservedCurve { name: String },
    #[error("{field}: {count} given, at most {max} allowed")]
    TooMany {
        field: &'static str,
        count: usize,
        max: usize,
    },
    #[error("{field} must be a finite number, got {value}")]
    NotFinite { field: &'static str, value: f64 },
    #[error("depth range is inverted: min {min} is greater than max {max}")]
    DepthRangeInverted { min: f64, max: f64 },
    #[error("max_points is {max_points}; with {curves} curve(s) it must be at least {min}")]
    MaxPointsTooSmall {
        max_points: usize,
        curves: usize,
        min: usize,
    },
    #[error("limit must be at least 1")]
    LimitZero,
    #[error("polygon is empty")]
    PolygonEmpty,
    #[error("polygon is {len} bytes long (at most {max})")]
    PolygonTooLarge { len: usize, max: usize },
    #[error("the polygon must be resolved to well ids before planning")]
    PolygonNotResolved,
    #[error("unknown curve(s): {}", .names.join(", "))]
    UnknownCurves { names: Vec<String> },
    #[error("query parameter {param:?}: {message}")]
    Param { param: String, message: String },
    /// Decimation got data that is not shaped like a well query result (no `depth` column, columns of
    /// different lengths, batches of different schemas). The server's fault, not the user's (HTTP 500).
    #[error("cannot decimate: {message}")]
    BatchShape { message: String },
}

impl QueryError {
    /// Whether the request was at fault (HTTP 400); `false` only for [`QueryError::BatchShape`].
    pub fn is_input_error(&self) -> bool {
        !matches!(self, QueryError::BatchShape { .. })
    }

    /// The request field the error is about (`curves`, `depth`, `filters`, …), for an error envelope's
    /// details.
    pub fn field(&self) -> &str {
        match self {
            QueryError::EmptyCurveName { .. }
            | QueryError::CurveNameTooLong { .. }
            | QueryError::CurveNameControlChar { .. }
            | QueryError::ReservedCurve { .. }
            | QueryError::UnknownCurves { .. } => "curves",
            QueryError::TooMany { field, .. } | QueryError::NotFinite { field, .. } => field,
            QueryError::DepthRangeInverted { .. } => "depth",
            QueryError::MaxPointsTooSmall { .. } => "max_points",
            QueryError::LimitZero => "limit",
            QueryError::PolygonEmpty
            | QueryError::PolygonTooLarge { .. }
            | QueryError::PolygonNotResolved => "polygon",
            QueryError::Param { param, .. } => param,
            QueryError::BatchShape { .. } => "result",
        }
    }
}
