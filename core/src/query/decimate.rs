//! Decimation for plotting: at most `max_points` rows of a depth-sorted log that still draw the same
//! picture — every spike survives (each curve's minimum and maximum per depth bucket are kept) and every
//! gap survives (a bucket where a curve has only nulls stays null for that curve).
//!
//! It runs after the SQL, in core, so the browser decimates what it read from Parquet the same way.
//!
//! The exact bound: with `k` curves, `per_bucket = max(2k, 1)` rows at most per bucket and
//! `buckets = max_points / per_bucket` equal-width depth buckets, so at most
//! `buckets × per_bucket ≤ max_points` rows are kept; `max_points < per_bucket` is refused
//! ([`super::min_max_points`]). Inputs of at most `max_points` rows are returned whole.

use super::error::QueryError;
use super::well_query::min_max_points;

/// No row.
const NONE: usize = usize::MAX;

/// The rows to keep (ascending row indices; depth order when `depth` is sorted) of a log with this
/// depth column and these curve columns, NaN standing for null.
///
/// Per equal-width depth bucket over the finite depth range, the rows holding each curve's minimum and
/// maximum are kept (the first such row on ties); a bucket where every curve is null keeps its first
/// row, so the gap is drawn. Rows with a non-finite depth fall in the first bucket; unsorted depths give
/// the same bound, only the picture is meaningless. A curve column shorter or longer than `depth` is an
/// error.
pub fn decimate_min_max(
    depth: &[f64],
    columns: &[&[f64]],
    max_points: usize,
) -> Result<Vec<usize>, QueryError> {
    for (i, c) in columns.iter().enumerate() {
        if c.len() != depth.len() {
            return Err(QueryError::BatchShape {
                message: format!(
                    "curve column {i} has {} values, depth has {}",
                    c.len(),
                    depth.len()
                ),
            });
        }
    }
    decimate_with(
        depth.len(),
        |i| depth[i],
        columns.len(),
        |c, i| Some(columns[c][i]).filter(|v| !v.is_nan()),
        max_points,
    )
}

/// The algorithm over accessors: `depth(row)`, `value(curve, row)` (`None` for null).
fn decimate_with(
    rows: usize,
    depth: impl Fn(usize) -> f64,
    curves: usize,
    value: impl Fn(usize, usize) -> Option<f64>,
    max_points: usize,
) -> Result<Vec<usize>, QueryError> {
    let per_bucket = min_max_points(curves);
    if max_points < per_bucket {
        return Err(QueryError::MaxPointsTooSmall {
            max_points,
            curves,
            min: per_bucket,
        });
    }
    if rows <= max_points {
        return Ok((0..rows).collect());
    }
    let buckets = max_points / per_bucket;

    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for i in 0..rows {
        let d = depth(i);
        if d.is_finite() {
            lo = lo.min(d);
            hi = hi.max(d);
        }
    }
    let width = hi - lo;
    let scale = if width.is_finite() && width > 0.0 {
        buckets as f64 / width
    } else {
        0.0
    };
    // `as usize` saturates (and maps NaN to 0), so no depth can index outside the buckets.
    let bucket_of = |d: f64| {
        if d.is_finite() {
            (((d - lo) * scale) as usize).min(buckets - 1)
        } else {
            0
        }
    };

    let mut first = vec![NONE; buckets];
    let mut lows: Vec<Option<(usize, f64)>> = vec![None; buckets * curves];
    let mut highs: Vec<Option<(usize, f64)>> = vec![None; buckets * curves];
    for i in 0..rows {
        let b = bucket_of(depth(i));
        if first[b] == NONE {
            first[b] = i;
        }
        for c in 0..curves {
            let Some(v) = value(c, i) else { continue };
            let slot = b * curves + c;
            if lows[slot].is_none_or(|(_, m)| v < m) {
                lows[slot] = Some((i, v));
            }
            if highs[slot].is_none_or(|(_, m)| v > m) {
                highs[slot] = Some((i, v));
            }
        }
    }

    let mut keep: Vec<usize> = Vec::with_capacity(max_points);
    for (b, &first_row) in first.iter().enumerate() {
        let start = keep.len();
        for slot in b * curves..(b + 1) * curves {
            keep.extend(lows[slot].map(|(i, _)| i));
            keep.extend(highs[slot].map(|(i, _)| i));
        }
        if keep.len() == start && first_row != NONE {
            keep.push(first_row);
        }
    }
    keep.sort_unstable();
    keep.dedup();
    debug_assert!(keep.len() <= max_points);
    Ok(keep)
}

#[cfg(feature = "arrow")]
mod batch {
    use std::ops::Range;

    use arrow_array::cast::AsArray;
    use arrow_array::types::Float64Type;
    use arrow_array::{Array, Float64Array, RecordBatch, UInt64Array};
    use arrow_schema::{DataType, SchemaRef};

    use super::decimate_with;
    use crate::query::error::QueryError;
    use crate::query::{DEPTH_COLUMN, WELL_ID_COLUMN};

    fn shape(message: String) -> QueryError {
        QueryError::BatchShape { message }
    }

    /// Decimates a well query result ([`super::decimate_min_max`] per well): the rows of each run of
    /// equal `well_id` (the SQL orders by well, then depth; no `well_id` column means one well) are
    /// decimated separately to at most `max_points` rows, so the whole result has at most
    /// `wells × max_points` rows. The curves are the `Float64` columns other than `depth`; other
    /// columns are carried along. Nulls (and NaN) are null.
    pub fn decimate_batch(batch: &RecordBatch, max_points: usize) -> Result<RecordBatch, QueryError> {
        let depth = batch
            .column_by_name(DEPTH_COLUMN)
            .ok_or_else(|| shape(format!("the result has no {DEPTH_COLUMN:?} column")))?
            .as_primitive_opt::<Float64Type>()
            .ok_or_else(|| shape(format!("the {DEPTH_COLUMN:?} column is not Float64")))?;
        let schema = batch.schema();
        let curves: Vec<&Float64Array> = schema
            .fields()
            .iter()
            .zip(batch.columns())
            .filter(|(f, _)| f.name() != DEPTH_COLUMN && f.data_type() == &DataType::Float64)
            .filter_map(|(_, c)| c.as_primitive_opt::<Float64Type>())
            .collect();
        let runs: Vec<Range<usize>> = match batch.column_by_name(WELL_ID_COLUMN) {
            Some(wells) => arrow_ord::partition::partition(std::slice::from_ref(wells))
                .map_err(|e| shape(format!("cannot group by {WELL_ID_COLUMN:?}: {e}")))?
                .ranges(),
            None => std::iter::once(0..batch.num_rows()).collect(),
        };
        let mut keep: Vec<u64> = Vec::new();
        for run in runs {
            let offset = run.start;
            let rows = decimate_with(
                run.len(),
                |i| {
                    let i = offset + i;
                    if depth.is_valid(i) {
                        depth.value(i)
                    } else {
                        f64::NAN
                    }
                },
                curves.len(),
                |c, i| {
                    let (col, i) = (curves[c], offset + i);
                    (col.is_valid(i) && !col.value(i).is_nan()).then(|| col.value(i))
                },
                max_points,
            )?;
            keep.extend(rows.into_iter().map(|i| (offset + i) as u64));
        }
        if keep.len() == batch.num_rows() {
            return Ok(batch.clone());
        }
        arrow_select::take::take_record_batch(batch, &UInt64Array::from(keep))
            .map_err(|e| shape(e.to_string()))
    }

    /// [`decimate_batch`] over a whole streamed result: the batches are joined first, because one well's
    /// rows may span several batches.
    pub fn decimate_batches(
        schema: &SchemaRef,
        batches: &[RecordBatch],
        max_points: usize,
    ) -> Result<RecordBatch, QueryError> {
        let joined = arrow_select::concat::concat_batches(schema, batches)
            .map_err(|e| shape(format!("cannot join the result batches: {e}")))?;
        decimate_batch(&joined, max_points)
    }
}

#[cfg(feature = "arrow")]
pub use batch::{decimate_batch, decimate_batches};

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn short_input_is_kept_whole() {
        let d = [1.0, 2.0, 3.0];
        assert_eq!(decimate_min_max(&d, &[&[5.0, 6.0, 7.0]], 3), Ok(vec![0, 1, 2]));
    }

    #[test]
    fn spikes_survive_and_gaps_stay() {
        // 1000 rows, one curve: flat 50 with a spike at row 333 and a dip at row 777; rows 500..600 null.
        let n = 1000;
        let depth: Vec<f64> = (0..n).map(|i| 1000.0 + i as f64 * 0.5).collect();
        let mut gr: Vec<f64> = vec![50.0; n];
        gr[333] = 400.0;
        gr[777] = -10.0;
        for v in &mut gr[500..600] {
            *v = f64::NAN;
        }
        let keep = decimate_min_max(&depth, &[&gr], 40).expect("decimate");
        assert!(keep.len() <= 40, "{}", keep.len());
        assert!(keep.contains(&333) && keep.contains(&777));
        assert!(keep.windows(2).all(|w| w[0] < w[1]));
        // 20 buckets of 50 rows: buckets 10 and 11 are rows 500..600, all null: one null row each.
        let nulls: Vec<usize> = keep.iter().copied().filter(|&i| gr[i].is_nan()).collect();
        assert_eq!(nulls, [500, 550]);
    }

    #[test]
    fn bound_and_errors() {
        let depth: Vec<f64> = (0..100).map(f64::from).collect();
        let a: Vec<f64> = (0..100).map(|i| f64::from(i % 7)).collect();
        let b: Vec<f64> = (0..100).map(|i| f64::from(i % 5)).collect();
        for max_points in 4..120 {
            let keep = decimate_min_max(&depth, &[&a, &b], max_points).expect("decimate");
            assert!(keep.len() <= max_points.min(100), "{max_points}: {}", keep.len());
        }
        assert!(matches!(
            decimate_min_max(&depth, &[&a, &b], 3),
            Err(QueryError::MaxPointsTooSmall { min: 4, .. })
        ));
        assert!(matches!(
            decimate_min_max(&depth, &[&a[..10]], 10),
            Err(QueryError::BatchShape { .. })
        ));
        // No curves: one row per bucket.
        assert_eq!(decimate_min_max(&depth, &[], 10).expect("depth only").len(), 10);
        // Non-finite and constant depths stay within bounds.
        let odd = [f64::NAN, f64::INFINITY, 1.0, 1.0, 1.0, f64::NEG_INFINITY];
        let keep = decimate_min_max(&odd, &[&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]], 2).expect("odd");
        assert_eq!(keep, [0, 5]);
    }
}
