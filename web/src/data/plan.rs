//! What to read: blocks of rows with their depth range, the blocks a depth window needs, and the byte
//! ranges coalesced into requests.

use std::ops::Range;
use std::sync::Arc;

use arrow_array::ArrayRef;
use mudrock_core::arrow::{
    FIELD_DESCRIPTION, FIELD_FAMILY, FIELD_UNIT, SCHEMA_INDEX_COLUMN, SCHEMA_INDEX_UNIT, is_key_column,
};
use parquet::arrow::parquet_to_arrow_schema;
use parquet::file::metadata::ParquetMetaData;
use parquet::file::page_index::column_index::ColumnIndexMetaData;
use parquet::file::statistics::Statistics;
use serde::Serialize;

use super::cache::BlockCache;

/// One curve of the log as its Parquet schema describes it (MudRock writes the LAS mnemonic as the column
/// name and the unit, family and description as field metadata).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurveInfo {
    pub name: String,
    pub unit: String,
    pub family: String,
    pub description: String,
    /// Float64 (plottable); text curves are listed but not drawn.
    pub numeric: bool,
}

/// A run of rows inside one row group with the depth range they cover.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub row_group: usize,
    /// Rows within the row group.
    pub rows: Range<usize>,
    /// Depth range of the rows (`NaN` when the statistics say nothing: then the block is always read).
    pub depth_min: f64,
    pub depth_max: f64,
}

impl Block {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Whether the block may hold rows with depths in `lo..=hi`.
    pub fn overlaps(&self, lo: f64, hi: f64) -> bool {
        if self.depth_min.is_nan() || self.depth_max.is_nan() {
            return true;
        }
        self.depth_max >= lo && self.depth_min <= hi
    }
}

/// One opened log object: its version, its metadata, its curves and its blocks.
#[derive(Debug, Clone)]
pub struct LogFile {
    /// Object path used in cache keys (the URL path is fine: it names the object).
    pub path: String,
    pub size: u64,
    /// The object's ETag when the server gave one.
    pub etag: Option<String>,
    pub metadata: Arc<ParquetMetaData>,
    pub depth_column: String,
    pub depth_unit: String,
    pub curves: Vec<CurveInfo>,
    pub blocks: Vec<Block>,
    /// Bytes fetched to open it (footer and metadata).
    pub footer_bytes: u64,
}

impl LogFile {
    /// Builds the curve list and the blocks from decoded metadata.
    pub fn new(
        path: String,
        size: u64,
        etag: Option<String>,
        metadata: Arc<ParquetMetaData>,
        footer_bytes: u64,
    ) -> Result<LogFile, String> {
        let file_meta = metadata.file_metadata();
        let schema = parquet_to_arrow_schema(file_meta.schema_descr(), file_meta.key_value_metadata())
            .map_err(|e| format!("not a log: {e}"))?;
        let depth_column = schema
            .metadata()
            .get(SCHEMA_INDEX_COLUMN)
            .cloned()
            .or_else(|| schema.fields().first().map(|f| f.name().clone()))
            .ok_or("the log has no columns")?;
        let depth_unit = schema
            .metadata()
            .get(SCHEMA_INDEX_UNIT)
            .cloned()
            .unwrap_or_default();
        let curves = schema
            .fields()
            .iter()
            // The key columns (`well_id`, `log_id`, `grid_cell`) say whose samples these are; not curves.
            .filter(|f| f.name() != &depth_column && !is_key_column(f.name()))
            .map(|f| {
                let meta = |k: &str| f.metadata().get(k).cloned().unwrap_or_default();
                CurveInfo {
                    name: f.name().clone(),
                    unit: meta(FIELD_UNIT),
                    family: meta(FIELD_FAMILY),
                    description: meta(FIELD_DESCRIPTION),
                    numeric: f.data_type().is_numeric(),
                }
            })
            .collect();
        let depth_leaf = file_meta
            .schema_descr()
            .columns()
            .iter()
            .position(|c| c.path().parts() == [depth_column.as_str()])
            .ok_or_else(|| format!("no depth column `{depth_column}` in the Parquet schema"))?;
        let blocks = blocks_of(&metadata, depth_leaf);
        Ok(LogFile {
            path,
            size,
            etag,
            metadata,
            depth_column,
            depth_unit,
            curves,
            blocks,
            footer_bytes,
        })
    }

    pub fn rows(&self) -> usize {
        self.blocks.iter().map(Block::len).sum()
    }

    /// The depth range of the whole log from the block statistics (`None` if there are none).
    pub fn depth_range(&self) -> Option<(f64, f64)> {
        let lo = self
            .blocks
            .iter()
            .map(|b| b.depth_min)
            .filter(|v| !v.is_nan())
            .reduce(f64::min)?;
        let hi = self
            .blocks
            .iter()
            .map(|b| b.depth_max)
            .filter(|v| !v.is_nan())
            .reduce(f64::max)?;
        Some((lo, hi))
    }

    /// Indices of the blocks overlapping the depth window `lo..=hi`, in file order.
    pub fn blocks_for(&self, lo: f64, hi: f64) -> Vec<usize> {
        let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
        (0..self.blocks.len())
            .filter(|&i| self.blocks[i].overlaps(lo, hi))
            .collect()
    }

    pub fn curve(&self, name: &str) -> Option<&CurveInfo> {
        self.curves.iter().find(|c| c.name == name)
    }
}

/// Blocks from the depth column's page index (one per data page), or one per row group from the row
/// group statistics when the file has no page index.
fn blocks_of(metadata: &ParquetMetaData, depth_leaf: usize) -> Vec<Block> {
    let mut blocks = Vec::new();
    for (rg, group) in metadata.row_groups().iter().enumerate() {
        let rg_rows = usize::try_from(group.num_rows()).unwrap_or(0);
        let pages = metadata
            .offset_index()
            .and_then(|oi| oi.get(rg))
            .and_then(|cols| cols.get(depth_leaf))
            .map(|o| o.page_locations().to_vec());
        let index = metadata
            .column_index()
            .and_then(|ci| ci.get(rg))
            .and_then(|cols| cols.get(depth_leaf));
        match (pages, index) {
            (Some(pages), Some(ColumnIndexMetaData::DOUBLE(ci))) if !pages.is_empty() => {
                for (p, loc) in pages.iter().enumerate() {
                    let start = usize::try_from(loc.first_row_index).unwrap_or(0);
                    let end = pages
                        .get(p + 1)
                        .map_or(rg_rows, |n| usize::try_from(n.first_row_index).unwrap_or(rg_rows));
                    blocks.push(Block {
                        row_group: rg,
                        rows: start..end,
                        depth_min: ci.min_value(p).copied().unwrap_or(f64::NAN),
                        depth_max: ci.max_value(p).copied().unwrap_or(f64::NAN),
                    });
                }
            }
            _ => {
                let (lo, hi) = match group.column(depth_leaf).statistics() {
                    Some(Statistics::Double(s)) => (
                        s.min_opt().copied().unwrap_or(f64::NAN),
                        s.max_opt().copied().unwrap_or(f64::NAN),
                    ),
                    _ => (f64::NAN, f64::NAN),
                };
                blocks.push(Block {
                    row_group: rg,
                    rows: 0..rg_rows,
                    depth_min: lo,
                    depth_max: hi,
                });
            }
        }
    }
    blocks
}

/// The blocks (of `wanted`) for which the cache lacks the depth or any of `curves`, in order.
pub fn missing(file: &LogFile, cache: &mut BlockCache, wanted: &[usize], curves: &[String]) -> Vec<usize> {
    wanted
        .iter()
        .copied()
        .filter(|&b| {
            std::iter::once(&file.depth_column)
                .chain(curves)
                .any(|c| !cache.contains(file, c, b))
        })
        .collect()
}

/// Merges byte ranges closer than `gap` into one request each. Returns the requests in offset order, each
/// with the indices of the input ranges it serves (the ranges may come in any order and may overlap).
pub fn coalesce(ranges: &[Range<u64>], gap: u64) -> Vec<(Range<u64>, Vec<usize>)> {
    let mut order: Vec<usize> = (0..ranges.len()).filter(|&i| !ranges[i].is_empty()).collect();
    order.sort_by_key(|&i| (ranges[i].start, ranges[i].end));
    let mut out: Vec<(Range<u64>, Vec<usize>)> = Vec::new();
    for i in order {
        let r = &ranges[i];
        match out.last_mut() {
            Some((cur, members)) if r.start <= cur.end.saturating_add(gap) => {
                cur.end = cur.end.max(r.end);
                members.push(i);
            }
            _ => out.push((r.clone(), vec![i])),
        }
    }
    out
}

/// A column's values as `f64`, nulls as `NaN` (non-numeric columns give `None`).
pub fn to_f64(array: &ArrayRef) -> Option<Vec<f64>> {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float32Type, Float64Type, Int32Type, Int64Type};
    use arrow_array::{Array, PrimitiveArray};
    fn conv<T: arrow_array::ArrowPrimitiveType>(
        a: &PrimitiveArray<T>,
        f: impl Fn(T::Native) -> f64,
    ) -> Vec<f64> {
        (0..a.len())
            .map(|i| if a.is_null(i) { f64::NAN } else { f(a.value(i)) })
            .collect()
    }
    use arrow_schema::DataType;
    let dt = array.data_type();
    Some(match dt {
        DataType::Float64 => conv(array.as_primitive::<Float64Type>(), |v| v),
        DataType::Float32 => conv(array.as_primitive::<Float32Type>(), f64::from),
        DataType::Int64 => conv(array.as_primitive::<Int64Type>(), |v| v as f64),
        DataType::Int32 => conv(array.as_primitive::<Int32Type>(), f64::from),
        _ => return None,
    })
}
