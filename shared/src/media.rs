//! The media types a response can be negotiated to (`Accept`) and the headers the API adds.

/// JSON: the default when `Accept` is missing or `*/*`.
pub const JSON: &str = "application/json";
/// Arrow IPC stream format (schema, then record batches): the fast path for tables.
pub const ARROW_STREAM: &str = "application/vnd.apache.arrow.stream";
/// A Parquet file: tables to keep or to open in other tools.
pub const PARQUET: &str = "application/vnd.apache.parquet";
/// Prometheus text exposition format, version 0.0.4 (`/metrics`).
pub const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Set on table responses (SQL, log windows): the row limit the server applied. In JSON the body's
/// `truncated` says whether rows were cut; Arrow and Parquet bodies are streamed before that is known,
/// so a client of those formats compares its row count with this limit.
pub const HEADER_ROW_LIMIT: &str = "x-mudrock-row-limit";
/// Set on log windows: `true` when the rows were decimated for plotting (`max_points`).
pub const HEADER_DECIMATED: &str = "x-mudrock-decimated";
