//! Opening a log object and reading a depth window through a [`RangeSource`] (fetch in the browser, a
//! byte slice in tests, a pinned copy offline).

use std::collections::HashMap;
use std::future::Future;
use std::ops::Range;
use std::sync::Arc;

use bytes::Bytes;
use parquet::DecodeResult;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{RowSelection, RowSelector};
use parquet::arrow::push_decoder::ParquetPushDecoderBuilder;
use parquet::file::metadata::{PageIndexPolicy, ParquetMetaDataPushDecoder};

use super::cache::{BlockCache, BlockValues};
use super::plan::{LogFile, coalesce, missing, to_f64};
use super::{COALESCE_GAP, FOOTER_GUESS};

/// Bytes of an object read by range.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub bytes: Bytes,
    /// Offset of the first byte in the object.
    pub start: u64,
    /// The whole object's size.
    pub size: u64,
    pub etag: Option<String>,
}

/// Where a log object's bytes come from.
pub trait RangeSource {
    /// The last `n` bytes (all of them when the object is smaller), with the object's size.
    fn suffix(&self, n: u64) -> impl Future<Output = Result<Fetched, String>>;
    /// Bytes `range` (end exclusive).
    fn range(&self, range: Range<u64>) -> impl Future<Output = Result<Fetched, String>>;
}

/// A byte slice as a source (tests; a pinned copy held in memory).
impl RangeSource for (Bytes, Option<String>) {
    async fn suffix(&self, n: u64) -> Result<Fetched, String> {
        let size = self.0.len() as u64;
        let start = size.saturating_sub(n);
        self.range(start..size).await
    }

    async fn range(&self, range: Range<u64>) -> Result<Fetched, String> {
        let size = self.0.len() as u64;
        if range.end > size || range.start > range.end {
            return Err(format!("range {range:?} outside an object of {size} bytes"));
        }
        Ok(Fetched {
            bytes: self.0.slice(range.start as usize..range.end as usize),
            start: range.start,
            size,
            etag: self.1.clone(),
        })
    }
}

/// Counters of one read, for the UI and the tests.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadStats {
    pub requests: usize,
    pub bytes: u64,
    pub blocks_read: usize,
    pub blocks_cached: usize,
}

/// Rows of a depth window: the depth and the requested curves, nulls as `NaN`.
#[derive(Debug, Clone, Default)]
pub struct Window {
    pub depth: Vec<f64>,
    pub curves: Vec<(String, Vec<f64>)>,
    pub stats: ReadStats,
}

impl Window {
    /// The rows within `view` and a tenth of its height either side (what a redraw after a pan or zoom
    /// of a whole-log window needs, before the next read arrives). Depths are sorted increasing.
    pub fn around(&self, view: (f64, f64)) -> Window {
        let margin = (view.1 - view.0) * 0.1;
        let a = self.depth.partition_point(|d| *d < view.0 - margin);
        let b = self.depth.partition_point(|d| *d <= view.1 + margin);
        Window {
            depth: self.depth[a..b].to_vec(),
            curves: self
                .curves
                .iter()
                .map(|(n, v)| (n.clone(), v[a..b].to_vec()))
                .collect(),
            stats: ReadStats::default(),
        }
    }

    pub fn curve(&self, name: &str) -> Option<&[f64]> {
        self.curves
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }
}

/// Fetches `ranges` as coalesced requests, concurrently; returns the bytes of each input range.
async fn fetch_ranges<S: RangeSource>(
    source: &S,
    ranges: &[Range<u64>],
    etag: Option<&str>,
    stats: &mut ReadStats,
) -> Result<Vec<Bytes>, String> {
    let requests = coalesce(ranges, COALESCE_GAP);
    let fetched = futures::future::join_all(requests.iter().map(|(r, _)| source.range(r.clone()))).await;
    let mut out = vec![Bytes::new(); ranges.len()];
    for ((request, members), got) in requests.iter().zip(fetched) {
        let got = got?;
        if let (Some(want), Some(have)) = (etag, got.etag.as_deref())
            && want != have
        {
            return Err(format!(
                "the log changed on the server while it was read (ETag {want} → {have}); open it again"
            ));
        }
        if got.start != request.start || got.bytes.len() as u64 != request.end - request.start {
            return Err(format!(
                "asked for bytes {request:?}, got {} bytes from {}",
                got.bytes.len(),
                got.start
            ));
        }
        stats.requests += 1;
        stats.bytes += got.bytes.len() as u64;
        for &m in members {
            let r = &ranges[m];
            out[m] = got
                .bytes
                .slice((r.start - request.start) as usize..(r.end - request.start) as usize);
        }
    }
    Ok(out)
}

/// Opens a log object: one suffix request for the footer (and, for MudRock's files, the page index),
/// then whatever the metadata decoder still asks for.
pub async fn open_log<S: RangeSource>(source: &S, path: &str) -> Result<LogFile, String> {
    let tail = source.suffix(FOOTER_GUESS).await?;
    let mut stats = ReadStats {
        requests: 1,
        bytes: tail.bytes.len() as u64,
        ..ReadStats::default()
    };
    let err = |e: parquet::errors::ParquetError| format!("cannot read the log's Parquet metadata: {e}");
    let mut decoder = ParquetMetaDataPushDecoder::try_new(tail.size)
        .map_err(err)?
        .with_page_index_policy(PageIndexPolicy::Optional);
    decoder
        .push_range(
            tail.start..tail.start + tail.bytes.len() as u64,
            tail.bytes.clone(),
        )
        .map_err(err)?;
    let metadata = loop {
        match decoder.try_decode().map_err(err)? {
            DecodeResult::Data(m) => break m,
            DecodeResult::NeedsData(ranges) => {
                let data = fetch_ranges(source, &ranges, tail.etag.as_deref(), &mut stats).await?;
                decoder.push_ranges(ranges, data).map_err(err)?;
            }
            DecodeResult::Finished => {
                return Err("the Parquet metadata decoder finished without metadata".into());
            }
        }
    };
    LogFile::new(
        path.to_owned(),
        tail.size,
        tail.etag,
        Arc::new(metadata),
        stats.bytes,
    )
}

/// The row selection over the chosen row groups that selects exactly `blocks` (sorted, in file order).
fn selection(file: &LogFile, blocks: &[usize]) -> (Vec<usize>, RowSelection) {
    let mut groups: Vec<usize> = blocks.iter().map(|&b| file.blocks[b].row_group).collect();
    groups.dedup();
    let mut selectors = Vec::new();
    for &rg in &groups {
        let rg_rows = usize::try_from(file.metadata.row_group(rg).num_rows()).unwrap_or(0);
        let mut at = 0;
        for b in blocks
            .iter()
            .map(|&b| &file.blocks[b])
            .filter(|b| b.row_group == rg)
        {
            if b.rows.start > at {
                selectors.push(RowSelector::skip(b.rows.start - at));
            }
            selectors.push(RowSelector::select(b.rows.len()));
            at = b.rows.end;
        }
        if rg_rows > at {
            selectors.push(RowSelector::skip(rg_rows - at));
        }
    }
    (groups, RowSelection::from(selectors))
}

/// Reads the blocks `blocks` (sorted) of `columns` from the file and returns each column's values per
/// block.
async fn decode_blocks<S: RangeSource>(
    file: &LogFile,
    source: &S,
    columns: &[String],
    blocks: &[usize],
    stats: &mut ReadStats,
) -> Result<HashMap<(String, usize), BlockValues>, String> {
    let err = |e: parquet::errors::ParquetError| format!("cannot decode the log: {e}");
    let schema = file.metadata.file_metadata().schema_descr();
    let leaves: Vec<usize> = (0..schema.num_columns())
        .filter(|&i| {
            let parts = schema.column(i).path().parts().to_vec();
            parts.len() == 1 && columns.iter().any(|c| *c == parts[0])
        })
        .collect();
    let mask = ProjectionMask::leaves(schema, leaves);
    let (groups, sel) = selection(file, blocks);
    let mut decoder = ParquetPushDecoderBuilder::try_new_decoder(file.metadata.clone())
        .map_err(err)?
        .with_projection(mask)
        .with_row_groups(groups)
        .with_row_selection(sel)
        .with_batch_size(8192)
        .build()
        .map_err(err)?;
    let mut acc: HashMap<String, Vec<f64>> = columns.iter().map(|c| (c.clone(), Vec::new())).collect();
    loop {
        match decoder.try_decode().map_err(err)? {
            DecodeResult::NeedsData(ranges) => {
                let data = fetch_ranges(source, &ranges, file.etag.as_deref(), stats).await?;
                decoder.push_ranges(ranges, data).map_err(err)?;
            }
            DecodeResult::Data(batch) => {
                for (name, values) in acc.iter_mut() {
                    match batch.column_by_name(name).and_then(to_f64) {
                        Some(v) => values.extend(v),
                        None => values.extend(std::iter::repeat_n(f64::NAN, batch.num_rows())),
                    }
                }
            }
            DecodeResult::Finished => break,
        }
    }
    let expected: usize = blocks.iter().map(|&b| file.blocks[b].len()).sum();
    let mut out = HashMap::new();
    for (name, values) in acc {
        if values.len() != expected {
            return Err(format!(
                "decoded {} rows of {name}, expected {expected}",
                values.len()
            ));
        }
        let mut at = 0;
        for &b in blocks {
            let n = file.blocks[b].len();
            out.insert((name.clone(), b), Arc::new(values[at..at + n].to_vec()));
            at += n;
        }
    }
    stats.blocks_read += blocks.len();
    Ok(out)
}

/// The rows of `curves` with depth in `lo..=hi` (plus one row beyond each end, so lines reach the edge),
/// read from the cache where it can and from the source for the rest, which is then cached.
pub async fn read_window<S: RangeSource>(
    file: &LogFile,
    source: &S,
    cache: &mut BlockCache,
    curves: &[String],
    lo: f64,
    hi: f64,
) -> Result<Window, String> {
    let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    let wanted = file.blocks_for(lo, hi);
    let todo = missing(file, cache, &wanted, curves);
    let mut stats = ReadStats::default();
    let mut columns: Vec<String> = vec![file.depth_column.clone()];
    columns.extend(curves.iter().filter(|c| **c != file.depth_column).cloned());
    let fresh = if todo.is_empty() {
        HashMap::new()
    } else {
        let fresh = decode_blocks(file, source, &columns, &todo, &mut stats).await?;
        for ((name, b), v) in &fresh {
            cache.insert(file, name, *b, v.clone());
        }
        fresh
    };
    stats.blocks_cached = wanted.len() - todo.len();
    let mut get = |name: &String, b: usize| -> Result<BlockValues, String> {
        if let Some(v) = fresh.get(&(name.clone(), b)) {
            return Ok(v.clone());
        }
        cache
            .get(file, name, b)
            .ok_or_else(|| format!("block {b} of {name} vanished from the cache"))
    };
    let mut all: Vec<Vec<f64>> = vec![Vec::new(); columns.len()];
    for &b in &wanted {
        for (i, name) in columns.iter().enumerate() {
            all[i].extend_from_slice(&get(name, b)?);
        }
    }
    // Trim to the window (depth ascending in MudRock's files), one row of margin each side.
    let depth = &all[0];
    let first = depth.partition_point(|d| d.is_nan() || *d < lo).saturating_sub(1);
    let last = (depth.partition_point(|d| d.is_nan() || *d <= hi) + 1).min(depth.len());
    let mut it = all
        .into_iter()
        .map(|v| v.get(first..last).map(<[f64]>::to_vec).unwrap_or_default());
    let depth = it.next().unwrap_or_default();
    let curves = columns[1..].iter().cloned().zip(it).collect();
    Ok(Window { depth, curves, stats })
}

#[cfg(test)]
mod tests;
