//! LAS log data → one Arrow `RecordBatch`, sorted by depth, with the metadata described in the module
//! doc of [`crate::arrow`].

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_buffer::{Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, Schema};
use serde::Serialize;

use super::{
    ConvertError, DEPTH_COLUMN, FIELD_API_CODE, FIELD_CANONICAL_UNIT, FIELD_DESCRIPTION, FIELD_FAMILY,
    FIELD_FAMILY_RESOLVED_BY, FIELD_MNEMONIC, FIELD_ORIGINAL_MNEMONIC, FIELD_UNIT, FORMAT_VERSION,
    SCHEMA_CURVES, SCHEMA_DATA_SET, SCHEMA_ENCODING, SCHEMA_FORMAT, SCHEMA_HEADER, SCHEMA_INDEX_COLUMN,
    SCHEMA_INDEX_UNIT, SCHEMA_LAS_VERSION, SCHEMA_LOG_ID, SCHEMA_NULL_VALUE, SCHEMA_SOURCE_ORDER,
    SCHEMA_SOURCE_SHA256, SCHEMA_WARNING_COUNT, SCHEMA_WELL_HEADER, SCHEMA_WELL_ID, TIME_COLUMN,
    is_key_column,
};
use crate::las::{Column, CurveInfo, LasFile, LasVersion, Section, SectionKind};
use crate::layout::{LogId, WellId};
use crate::model::{CurveMeta, ResolvedBy, WellHeader};

/// The order of a log's index values as found in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DepthOrder {
    /// No rows.
    Empty,
    /// One row, or every row at the same depth.
    Constant,
    /// Never decreasing (repeated depths allowed), at least one step up.
    Increasing,
    /// Never increasing (repeated depths allowed), at least one step down.
    Decreasing,
    /// Goes up and down.
    Unordered,
    /// Some index value is null, or the index is text: no order can be given.
    NullIndex,
}

impl DepthOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            DepthOrder::Empty => "empty",
            DepthOrder::Constant => "constant",
            DepthOrder::Increasing => "increasing",
            DepthOrder::Decreasing => "decreasing",
            DepthOrder::Unordered => "unordered",
            DepthOrder::NullIndex => "null_index",
        }
    }
}

fn order_of(depth: &[f64]) -> DepthOrder {
    if depth.is_empty() {
        return DepthOrder::Empty;
    }
    if depth.iter().any(|d| d.is_nan()) {
        return DepthOrder::NullIndex;
    }
    let (mut up, mut down) = (false, false);
    for w in depth.windows(2) {
        up |= w[1] > w[0];
        down |= w[1] < w[0];
    }
    match (up, down) {
        (false, false) => DepthOrder::Constant,
        (true, false) => DepthOrder::Increasing,
        (false, true) => DepthOrder::Decreasing,
        (true, true) => DepthOrder::Unordered,
    }
}

/// The order of the main log's index (first curve). Whether `Unordered` is acceptable is the caller's
/// validation to decide; [`las_to_record_batch`] sorts it either way.
pub fn depth_order(las: &LasFile) -> DepthOrder {
    match las.log.columns.first() {
        None => DepthOrder::Empty,
        Some(Column::Text(_)) => DepthOrder::NullIndex,
        Some(Column::Numeric(d)) => order_of(d),
    }
}

/// Optional facts that go into the schema metadata.
#[derive(Debug, Clone, Default)]
pub struct BatchOptions {
    pub log_id: Option<LogId>,
    /// The SHA-256 of the ingested bytes (hex).
    pub source_sha256: Option<String>,
}

/// The main log of `las` as one batch (see [`las_to_record_batch_with`]).
pub fn las_to_record_batch(las: &LasFile, well_id: &WellId) -> Result<RecordBatch, ConvertError> {
    las_to_record_batch_with(las, well_id, &BatchOptions::default())
}

fn version_str(v: LasVersion) -> &'static str {
    match v {
        LasVersion::V1_2 => "1.2",
        LasVersion::V2_0 => "2.0",
        LasVersion::V3_0 => "3.0",
    }
}

fn resolved_by_str(r: ResolvedBy) -> &'static str {
    match r {
        ResolvedBy::Alias => "alias",
        ResolvedBy::Unit => "unit",
        ResolvedBy::Description => "description",
        ResolvedBy::Nothing => "nothing",
    }
}

fn field_metadata(meta: &CurveMeta) -> HashMap<String, String> {
    let mut m = HashMap::from([
        (FIELD_MNEMONIC.to_owned(), meta.mnemonic.clone()),
        (FIELD_ORIGINAL_MNEMONIC.to_owned(), meta.original_mnemonic.clone()),
        (FIELD_UNIT.to_owned(), meta.unit.clone()),
        (FIELD_DESCRIPTION.to_owned(), meta.description.clone()),
        (FIELD_FAMILY.to_owned(), meta.family.as_str().to_owned()),
        (
            FIELD_FAMILY_RESOLVED_BY.to_owned(),
            resolved_by_str(meta.resolved_by).to_owned(),
        ),
        (FIELD_API_CODE.to_owned(), meta.api_code.clone()),
    ]);
    if let Some(u) = meta.canonical_unit {
        m.insert(FIELD_CANONICAL_UNIT.to_owned(), u.symbol().to_owned());
    }
    m
}

/// The main log of `las` as one batch: index first (non-null `Float64`), rows sorted ascending by depth
/// (a stable sort, so rows at equal depths keep their file order), numeric curves `Float64` with NaN →
/// null, text curves `Utf8`.
///
/// Refuses (rather than drop or invent rows): no curves, a text or null index, columns of unequal length,
/// duplicate curve names.
pub fn las_to_record_batch_with(
    las: &LasFile,
    well_id: &WellId,
    opts: &BatchOptions,
) -> Result<RecordBatch, ConvertError> {
    build_batch(las, las.log.columns.clone(), well_id, opts)
}

/// As [`las_to_record_batch_with`], but takes the file and moves its columns into the batch: when the
/// depth is already increasing no value is copied, so an ingest holds the log in memory once, not twice.
pub fn las_into_record_batch_with(
    mut las: LasFile,
    well_id: &WellId,
    opts: &BatchOptions,
) -> Result<RecordBatch, ConvertError> {
    let columns = std::mem::take(&mut las.log.columns);
    build_batch(&las, columns, well_id, opts)
}

/// `las` supplies everything but the values, which come (owned) in `columns`.
fn build_batch(
    las: &LasFile,
    columns: Vec<Column>,
    well_id: &WellId,
    opts: &BatchOptions,
) -> Result<RecordBatch, ConvertError> {
    let log = &las.log;
    let Some(index_info) = log.curves.first() else {
        return Err(ConvertError::NoCurves);
    };
    if log.curves.len() != columns.len() {
        return Err(ConvertError::ColumnCount {
            curves: log.curves.len(),
            columns: columns.len(),
        });
    }
    let depth = match columns.first() {
        Some(Column::Numeric(d)) => d.as_slice(),
        Some(Column::Text(_)) => return Err(ConvertError::TextIndex(index_info.mnemonic.clone())),
        None => return Err(ConvertError::NoCurves),
    };
    if let Some(row) = depth.iter().position(|d| d.is_nan()) {
        return Err(ConvertError::NullIndex {
            curve: index_info.mnemonic.clone(),
            row,
        });
    }
    let rows = depth.len();
    let mut seen = std::collections::HashSet::new();
    for (info, col) in log.curves.iter().zip(&columns) {
        if col.len() != rows {
            return Err(ConvertError::RaggedColumn {
                curve: info.mnemonic.clone(),
                len: col.len(),
                expected: rows,
            });
        }
        if !seen.insert(info.mnemonic.as_str()) {
            return Err(ConvertError::DuplicateName(info.mnemonic.clone()));
        }
    }
    let names = column_names(&log.curves);

    let source_order = order_of(depth);
    // `None` keeps file order; otherwise the row permutation that sorts by depth.
    let perm: Option<Vec<usize>> = match source_order {
        DepthOrder::Empty | DepthOrder::Constant | DepthOrder::Increasing => None,
        DepthOrder::Decreasing | DepthOrder::Unordered | DepthOrder::NullIndex => {
            let mut p: Vec<usize> = (0..rows).collect();
            p.sort_by(|&a, &b| depth[a].total_cmp(&depth[b]));
            Some(p)
        }
    };

    let mut fields = Vec::with_capacity(log.curves.len());
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(log.curves.len());
    for (pos, (info, col)) in log.curves.iter().zip(columns).enumerate() {
        let meta = if pos == 0 {
            CurveMeta::from_index_info(info)
        } else {
            CurveMeta::from_info(info)
        };
        let (data_type, array): (DataType, ArrayRef) = match col {
            Column::Numeric(v) => (DataType::Float64, Arc::new(float_array(v, perm.as_deref()))),
            Column::Text(v) => (
                DataType::Utf8,
                Arc::new(match perm.as_deref() {
                    None => v.iter().map(Option::as_deref).collect::<StringArray>(),
                    Some(p) => p.iter().map(|&i| v[i].as_deref()).collect::<StringArray>(),
                }),
            ),
        };
        fields.push(Field::new(&names[pos], data_type, pos != 0).with_metadata(field_metadata(&meta)));
        arrays.push(array);
    }

    let header = WellHeader::from_las(las);
    let mut metadata = HashMap::from([
        (SCHEMA_FORMAT.to_owned(), FORMAT_VERSION.to_owned()),
        (SCHEMA_WELL_ID.to_owned(), well_id.as_str().to_owned()),
        (SCHEMA_LAS_VERSION.to_owned(), version_str(las.version).to_owned()),
        (SCHEMA_ENCODING.to_owned(), las.encoding.to_owned()),
        (SCHEMA_DATA_SET.to_owned(), log.name.clone()),
        (SCHEMA_INDEX_COLUMN.to_owned(), names[0].clone()),
        (SCHEMA_INDEX_UNIT.to_owned(), index_info.unit.clone()),
        (SCHEMA_SOURCE_ORDER.to_owned(), source_order.as_str().to_owned()),
        (SCHEMA_WARNING_COUNT.to_owned(), las.warnings.len().to_string()),
        (SCHEMA_HEADER.to_owned(), header_json(las)?),
        (SCHEMA_CURVES.to_owned(), curves_json(&fields)?),
        (SCHEMA_WELL_HEADER.to_owned(), serde_json::to_string(&header)?),
    ]);
    if let Some(n) = las.null_value {
        metadata.insert(SCHEMA_NULL_VALUE.to_owned(), n.to_string());
    }
    if let Some(log_id) = &opts.log_id {
        metadata.insert(SCHEMA_LOG_ID.to_owned(), log_id.as_str().to_owned());
    }
    if let Some(sha) = &opts.source_sha256 {
        metadata.insert(SCHEMA_SOURCE_SHA256.to_owned(), sha.clone());
    }
    let schema = Arc::new(Schema::new_with_metadata(fields, metadata));
    Ok(RecordBatch::try_new(schema, arrays)?)
}

/// Each column's curve (mnemonic as in the file, unit, description, family) as one JSON array in the
/// schema's metadata, which the Parquet file also carries as a plain key/value: readers that do not read
/// Arrow's schema (DuckDB's `parquet_kv_metadata`, a Parquet viewer) see the units too.
fn curves_json(fields: &[Field]) -> Result<String, ConvertError> {
    let curves: Vec<serde_json::Value> = fields
        .iter()
        .map(|f| {
            let m = f.metadata();
            let get = |k: &str| m.get(k).cloned().unwrap_or_default();
            serde_json::json!({
                "column": f.name(),
                "mnemonic": get(FIELD_ORIGINAL_MNEMONIC),
                "unit": get(FIELD_UNIT),
                "description": get(FIELD_DESCRIPTION),
                "family": get(FIELD_FAMILY),
            })
        })
        .collect();
    Ok(serde_json::to_string(&curves)?)
}

/// The header sections as JSON, the log's own parameters (LAS 3.0 `~Log_Parameter`, which the reader
/// keeps with the data set) as one more `~Parameter` section: the header is all in one place, and a LAS
/// 2.0 file made from the stored log has them in its `~P`.
fn header_json(las: &LasFile) -> Result<String, ConvertError> {
    if las.log.parameters.is_empty() {
        return Ok(serde_json::to_string(&las.sections)?);
    }
    let mut sections = las.sections.clone();
    sections.push(Section {
        title: format!("{}_Parameter", las.log.name),
        kind: SectionKind::Parameter,
        items: las.log.parameters.clone(),
        text: Vec::new(),
        line: 0,
    });
    Ok(serde_json::to_string(&sections)?)
}

/// The stored column names: the index becomes [`DEPTH_COLUMN`] (or [`TIME_COLUMN`] for a time index)
/// whatever the file called it (DEPT, DEPTH, MD …), so that one table spans every well; the file's own
/// mnemonic stays in the field metadata. Curves keep their mnemonics, but for a `.`, which a table's
/// column name cannot hold (Iceberg reads it as a path into a nested field): each becomes `_`, and
/// trailing ones go (`Cond.` → `Cond`, `I. Res.` → `I_ Res`). A name that would then collide with
/// another, or with the index's or a key column's name, gets a `:N` suffix as the reader does for
/// duplicates.
pub fn column_names(curves: &[CurveInfo]) -> Vec<String> {
    let mut names: Vec<String> = curves.iter().map(|c| column_name(&c.mnemonic)).collect();
    let Some(index) = curves.first() else {
        return names;
    };
    let index_name = index_column_name(&index.mnemonic);
    names[0] = index_name.to_owned();
    for i in 1..names.len() {
        let clash = |n: &str| {
            n == index_name
                || is_key_column(n)
                || names[1..i].iter().any(|earlier| earlier.eq_ignore_ascii_case(n))
        };
        if clash(&names[i]) {
            let taken = names[i].clone();
            let mut k = 2;
            while clash(&format!("{taken}:{k}")) || names.contains(&format!("{taken}:{k}")) {
                k += 1;
            }
            names[i] = format!("{taken}:{k}");
        }
    }
    names
}

/// The stored name of a log's index column whose mnemonic is `mnemonic`: [`TIME_COLUMN`] for a time
/// index (`TIME…`, `ETIM…`), else [`DEPTH_COLUMN`].
pub fn index_column_name(mnemonic: &str) -> &'static str {
    let upper = mnemonic.to_ascii_uppercase();
    if upper.starts_with("TIME") || upper.starts_with("ETIM") {
        TIME_COLUMN
    } else {
        DEPTH_COLUMN
    }
}

/// A mnemonic as a column name (see [`column_names`]).
fn column_name(mnemonic: &str) -> String {
    if !mnemonic.contains('.') {
        return mnemonic.to_owned();
    }
    let mapped = mnemonic.replace('.', "_");
    match mapped.trim_end_matches('_') {
        "" => mapped,
        trimmed => trimmed.to_owned(),
    }
}

/// `batch` (a log as [`las_to_record_batch_with`] makes it) with the key columns
/// ([`super::KEY_COLUMNS`]) appended: the well's id, the log's id and the well's grid cell on every row.
/// Constant columns cost a few bytes per page once encoded (dictionary and run lengths).
pub fn append_key_columns(
    batch: &RecordBatch,
    well_id: &WellId,
    log_id: &LogId,
    grid_cell: Option<i64>,
) -> Result<RecordBatch, ConvertError> {
    let rows = batch.num_rows();
    let schema = batch.schema();
    let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    let mut arrays: Vec<ArrayRef> = batch.columns().to_vec();
    fields.push(Field::new(super::WELL_ID_COLUMN, DataType::Utf8, false));
    arrays.push(Arc::new(repeated(well_id.as_str(), rows)?));
    fields.push(Field::new(super::LOG_ID_COLUMN, DataType::Utf8, false));
    arrays.push(Arc::new(repeated(log_id.as_str(), rows)?));
    fields.push(Field::new(super::GRID_CELL_COLUMN, DataType::Int64, true));
    arrays.push(Arc::new(Int64Array::from(vec![grid_cell; rows])));
    let schema = Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()));
    Ok(RecordBatch::try_new(schema, arrays)?)
}

/// `value` on each of `rows` rows, its buffers allocated once at their final size (built from an
/// iterator they would grow by doubling, copying into fresh memory each time).
fn repeated(value: &str, rows: usize) -> Result<StringArray, ConvertError> {
    let len = value.len();
    if rows
        .checked_mul(len)
        .is_none_or(|total| i32::try_from(total).is_err())
    {
        return Err(ConvertError::Arrow(arrow_schema::ArrowError::ComputeError(
            format!("{rows} rows of `{value}` pass the 2 GiB a string column can hold"),
        )));
    }
    let offsets: Vec<i32> = (0..=rows).map(|i| (i * len) as i32).collect();
    let values = value.as_bytes().repeat(rows);
    Ok(StringArray::new(
        OffsetBuffer::new(ScalarBuffer::from(offsets)),
        Buffer::from_vec(values),
        None,
    ))
}

/// A nullable Float64 array from a column where NaN means null. Without a permutation the vector
/// becomes the array's buffer as it is (no copy); NaN slots stay under a null bit.
fn float_array(values: Vec<f64>, perm: Option<&[usize]>) -> Float64Array {
    let values = match perm {
        None => values,
        Some(p) => p.iter().map(|&i| values[i]).collect(),
    };
    let nulls = values
        .iter()
        .any(|x| x.is_nan())
        .then(|| NullBuffer::from_iter(values.iter().map(|x| !x.is_nan())));
    Float64Array::new(ScalarBuffer::from(values), nulls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders() {
        assert_eq!(order_of(&[]), DepthOrder::Empty);
        assert_eq!(order_of(&[1.0]), DepthOrder::Constant);
        assert_eq!(order_of(&[1.0, 1.0]), DepthOrder::Constant);
        assert_eq!(order_of(&[1.0, 1.0, 2.0]), DepthOrder::Increasing);
        assert_eq!(order_of(&[3.0, 2.0, 2.0]), DepthOrder::Decreasing);
        assert_eq!(order_of(&[1.0, 3.0, 2.0]), DepthOrder::Unordered);
        assert_eq!(order_of(&[1.0, f64::NAN]), DepthOrder::NullIndex);
    }

    #[test]
    fn a_dot_in_a_mnemonic_is_mapped_for_the_table_without_clashing() {
        let curves: Vec<CurveInfo> = ["DEPT", "Cond.", "Cond", "I. Res.", "GR", "well_id", "..", "depth"]
            .iter()
            .map(|m| CurveInfo {
                mnemonic: (*m).to_owned(),
                original_mnemonic: (*m).to_owned(),
                unit: String::new(),
                value: String::new(),
                description: String::new(),
                line: 0,
            })
            .collect();
        assert_eq!(
            column_names(&curves),
            [
                "depth",
                "Cond",
                "Cond:2",
                "I_ Res",
                "GR",
                "well_id:2",
                "__",
                "depth:2"
            ]
        );
        assert!(column_names(&curves).iter().all(|n| !n.contains('.')));
    }
}
