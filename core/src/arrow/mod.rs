//! LAS → Arrow `RecordBatch` → Parquet, and Parquet → Arrow for round trips and the browser.
//!
//! A log becomes one table: the index (first curve) as a non-null `Float64` column named by its
//! mnemonic, rows sorted ascending by depth, numeric curves as nullable `Float64` (LAS nulls → null,
//! never NaN), text curves as nullable `Utf8`. What the LAS file said about each curve and about the
//! well travels with the data as metadata, under the keys below (all prefixed `mudrock.`).
//!
//! Field metadata (every field):
//! - [`FIELD_MNEMONIC`] `mudrock.mnemonic` — the curve's mnemonic, unique (the reader renames duplicates
//!   `GR:2`); the column's name too, but where a `.` had to go ([`column_names`]: `Cond.` is column `Cond`)
//! - [`FIELD_ORIGINAL_MNEMONIC`] `mudrock.original_mnemonic` — as in the file
//! - [`FIELD_UNIT`] `mudrock.unit` — as in the file (may be empty)
//! - [`FIELD_CANONICAL_UNIT`] `mudrock.canonical_unit` — registry symbol (`g/cm3`), absent when unknown
//! - [`FIELD_DESCRIPTION`] `mudrock.description`
//! - [`FIELD_FAMILY`] `mudrock.family` — [`crate::model::CurveFamily::as_str`] (`gamma_ray`; `index` for
//!   the first curve)
//! - [`FIELD_FAMILY_RESOLVED_BY`] `mudrock.family_resolved_by` — `alias`, `unit`, `description`, `nothing`
//! - [`FIELD_API_CODE`] `mudrock.api_code` — the curve line's value field (LAS 2.0 API log code)
//!
//! Schema metadata:
//! - [`SCHEMA_FORMAT`] `mudrock.format` — version of this metadata layout (`1`)
//! - [`SCHEMA_WELL_ID`] `mudrock.well_id`
//! - [`SCHEMA_LOG_ID`] `mudrock.log_id` — when given
//! - [`SCHEMA_SOURCE_SHA256`] `mudrock.source_sha256` — the ingested file's hash, when given
//! - [`SCHEMA_LAS_VERSION`] `mudrock.las_version` — `1.2`, `2.0` or `3.0`
//! - [`SCHEMA_ENCODING`] `mudrock.source_encoding` — the text encoding the reader decoded
//! - [`SCHEMA_DATA_SET`] `mudrock.data_set` — `Log`, or the LAS 3.0 data set name
//! - [`SCHEMA_INDEX_COLUMN`] `mudrock.index_column` — the index column's stored name: always
//!   [`DEPTH_COLUMN`] (`depth`), or [`TIME_COLUMN`] (`time`) for a time index; the file's mnemonic is in
//!   that field's `mudrock.mnemonic`
//! - [`SCHEMA_INDEX_UNIT`] `mudrock.index_unit` — as in the file
//! - [`SCHEMA_SOURCE_ORDER`] `mudrock.source_depth_order` — [`DepthOrder::as_str`] of the file's rows
//!   before sorting
//! - [`SCHEMA_NULL_VALUE`] `mudrock.null_value` — the file's NULL value, when it had one
//! - [`SCHEMA_WARNING_COUNT`] `mudrock.las_warning_count` — repairs the reader made
//! - [`SCHEMA_CURVES`] `mudrock.curves` — JSON array, one object per column: `column`, `mnemonic` (as in the
//!   file), `unit`, `description`, `family`; the field metadata above for readers without Arrow's schema
//! - [`SCHEMA_HEADER`] `mudrock.header` — JSON array of the header sections (`~V`, `~W`, `~P`, `~O` …)
//!   exactly as read: `[{"title", "kind", "items": [{"mnemonic","unit","value","description","line"}],
//!   "text", "line"}]`
//! - [`SCHEMA_WELL_HEADER`] `mudrock.well_header` — JSON of [`crate::model::WellHeader`]
//!
//! Key columns ([`KEY_COLUMNS`], added by [`append_key_columns`] when a log is stored): `well_id`,
//! `log_id` (text) and `grid_cell` (integer), the same value on every row. They make a stored log a
//! complete set of rows of the project's `well_logs` table, so that the tables register the very file
//! the browser reads (one encode per ingest), and any Parquet reader sees whose samples they are. They
//! are not curves: a reader listing curves skips them ([`is_key_column`]); a curve of the file with one
//! of these names is stored as `well_id:2` (as a curve named like the index is).

mod batch;
mod las_out;
#[cfg(feature = "parquet")]
mod parquet;

pub use batch::{
    BatchOptions, DepthOrder, append_key_columns, column_names, depth_order, index_column_name,
    las_into_record_batch_with, las_to_record_batch, las_to_record_batch_with,
};
pub use las_out::record_batch_to_las;
#[cfg(feature = "parquet")]
pub use parquet::{ParquetOptions, read_parquet, write_parquet, write_parquet_to};

pub const FIELD_MNEMONIC: &str = "mudrock.mnemonic";
pub const FIELD_ORIGINAL_MNEMONIC: &str = "mudrock.original_mnemonic";
pub const FIELD_UNIT: &str = "mudrock.unit";
pub const FIELD_CANONICAL_UNIT: &str = "mudrock.canonical_unit";
pub const FIELD_DESCRIPTION: &str = "mudrock.description";
pub const FIELD_FAMILY: &str = "mudrock.family";
pub const FIELD_FAMILY_RESOLVED_BY: &str = "mudrock.family_resolved_by";
pub const FIELD_API_CODE: &str = "mudrock.api_code";

pub const SCHEMA_FORMAT: &str = "mudrock.format";
/// The value of [`SCHEMA_FORMAT`] this code writes.
pub const FORMAT_VERSION: &str = "1";
pub const SCHEMA_WELL_ID: &str = "mudrock.well_id";
pub const SCHEMA_LOG_ID: &str = "mudrock.log_id";
pub const SCHEMA_SOURCE_SHA256: &str = "mudrock.source_sha256";
pub const SCHEMA_LAS_VERSION: &str = "mudrock.las_version";
pub const SCHEMA_ENCODING: &str = "mudrock.source_encoding";
pub const SCHEMA_DATA_SET: &str = "mudrock.data_set";
pub const SCHEMA_INDEX_COLUMN: &str = "mudrock.index_column";

/// The stored name of a depth index (DEPT, DEPTH, MD … in the file): one name across all wells.
pub const DEPTH_COLUMN: &str = "depth";
/// The stored name of a time index (TIME, ETIM …).
pub const TIME_COLUMN: &str = "time";
/// Key column: the well's id on every row.
pub const WELL_ID_COLUMN: &str = "well_id";
/// Key column: the log's id on every row.
pub const LOG_ID_COLUMN: &str = "log_id";
/// Key column: the well's 1 km grid cell ([`crate::spatial::CellGrid`]) on every row, null when the
/// well has no location.
pub const GRID_CELL_COLUMN: &str = "grid_cell";
/// The key columns of a stored log, in their order at the end of the file's columns.
pub const KEY_COLUMNS: [&str; 3] = [WELL_ID_COLUMN, LOG_ID_COLUMN, GRID_CELL_COLUMN];

/// Whether a stored column is a key column rather than a curve.
pub fn is_key_column(name: &str) -> bool {
    KEY_COLUMNS.contains(&name)
}
pub const SCHEMA_INDEX_UNIT: &str = "mudrock.index_unit";
pub const SCHEMA_SOURCE_ORDER: &str = "mudrock.source_depth_order";
pub const SCHEMA_NULL_VALUE: &str = "mudrock.null_value";
pub const SCHEMA_WARNING_COUNT: &str = "mudrock.las_warning_count";
pub const SCHEMA_HEADER: &str = "mudrock.header";
pub const SCHEMA_CURVES: &str = "mudrock.curves";
pub const SCHEMA_WELL_HEADER: &str = "mudrock.well_header";

/// Why a LAS file could not become a table, or a table could not become Parquet (and back).
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    #[error("the log data set has no curves")]
    NoCurves,
    #[error("the index curve {0:?} is text, not numbers")]
    TextIndex(String),
    #[error("the index curve {curve:?} is null at row {row} (0-based)")]
    NullIndex { curve: String, row: usize },
    #[error("curve {curve:?} has {len} values but the index has {expected}")]
    RaggedColumn {
        curve: String,
        len: usize,
        expected: usize,
    },
    #[error("the log data set has {curves} curve definitions but {columns} columns")]
    ColumnCount { curves: usize, columns: usize },
    #[error("two curves are both named {0:?}")]
    DuplicateName(String),
    #[error("the batch has no column {0:?} to sort by")]
    MissingSortColumn(String),
    #[error("invalid option: {0}")]
    Options(String),
    #[error("arrow: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    #[cfg(feature = "parquet")]
    #[error("parquet: {0}")]
    Parquet(#[from] ::parquet::errors::ParquetError),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
}
