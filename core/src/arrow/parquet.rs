//! Arrow `RecordBatch` ⇄ Parquet bytes, laid out for depth pruning over range requests.
//!
//! Product defaults and why:
//! - **Row groups of 8,192 rows.** A row group is the unit a reader fetches column chunks by; at the usual
//!   0.1524 m (0.5 ft) step that is ~1,250 m (~4,100 ft) of log, so a typical 2–5 km well has a handful
//!   of row groups and a zoomed viewer window touches one or two. Bigger groups make depth pruning
//!   coarse; smaller ones inflate the footer (one chunk + statistics per column per group).
//! - **Data pages of 1,024 rows** (`data_page_row_count_limit`, with `write_batch_size` equal so the
//!   limit is enforced exactly): ~156 m of log at 0.1524 m. With the page index (column index + offset
//!   index, from `EnabledStatistics::Page`) a reader fetches only the pages that overlap a depth window:
//!   a 100 m viewer window reads one or two pages per curve. Measured on Wellington_feet.las (9,341 rows
//!   × 38 curves, zstd 3): 1,024-row pages give 1.77 MB, 2,048 → 1.63 MB, 8,192 → 1.40 MB; the ~25 %
//!   size cost buys 8× finer pruning, which is what a zoomed viewer on a tablet link needs.
//! - **No dictionary for numeric columns.** Log values are nearly all distinct, so a dictionary would hold
//!   the whole column chunk and every page read would also need that dictionary page — defeating page
//!   pruning. Text curves (lithology codes, flags) repeat and keep their dictionary.
//! - **PLAIN encoding for `Float64`**, not `BYTE_STREAM_SPLIT`: LAS values are decimal-rounded
//!   (`1805.8065`), so their mantissa bytes look random and splitting them hurt zstd on the same file
//!   (2.38 MB vs 1.77 MB). [`ParquetOptions::byte_stream_split`] turns it on where a measurement says so.
//! - **zstd level 3**, zstd's own default: good ratio, fast to decode in the browser.
//! - **`sorting_columns`** = the index column ascending, so engines know the file is depth-sorted.
//! - **Key columns** (`well_id`, `log_id`, `grid_cell`: one value on every row) are dictionary-encoded,
//!   so each page holds a run length, not the value again.
//! - Schema metadata is written twice: inside `ARROW:schema` (Arrow readers) and as plain key/values
//!   (readers without Arrow, e.g. DuckDB's `parquet_kv_metadata`).

use std::io::Write;

use arrow_array::RecordBatch;
use arrow_schema::{DataType, SchemaRef};
use bytes::Bytes;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::arrow_writer::{ArrowColumnChunk, compute_leaves};
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::metadata::{KeyValue, SortingColumn};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;

use super::{ConvertError, SCHEMA_INDEX_COLUMN};

/// How to write a log's Parquet file. [`ParquetOptions::default`] is the product default (see the
/// module doc for why each value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParquetOptions {
    /// Most rows per row group (8,192).
    pub row_group_rows: usize,
    /// Most rows per data page (1,024).
    pub page_rows: usize,
    /// zstd level, 1..=22 (3).
    pub zstd_level: i32,
    /// `BYTE_STREAM_SPLIT` for `Float64` columns (off).
    pub byte_stream_split: bool,
}

impl Default for ParquetOptions {
    fn default() -> Self {
        ParquetOptions {
            row_group_rows: 8192,
            page_rows: 1024,
            zstd_level: 3,
            byte_stream_split: false,
        }
    }
}

/// `created_by` of every file MudRock writes.
fn created_by() -> String {
    format!(
        "MudRock mudrock-core {} (parquet-rs 58)",
        env!("CARGO_PKG_VERSION")
    )
}

fn properties(batch: &RecordBatch, opts: &ParquetOptions) -> Result<WriterProperties, ConvertError> {
    if opts.row_group_rows == 0 || opts.page_rows == 0 {
        return Err(ConvertError::Options(
            "row_group_rows and page_rows must be at least 1".to_owned(),
        ));
    }
    let schema = batch.schema();
    // The sort column: the one the batch says is its index, else the first.
    let index_name = schema.metadata().get(SCHEMA_INDEX_COLUMN);
    let index_pos = match index_name {
        Some(name) => schema
            .index_of(name)
            .map_err(|_| ConvertError::MissingSortColumn(name.clone()))?,
        None => 0,
    };
    let level = ZstdLevel::try_new(opts.zstd_level)?;
    let mut props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(level))
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_max_row_group_row_count(Some(opts.row_group_rows))
        .set_data_page_row_count_limit(opts.page_rows)
        .set_write_batch_size(opts.page_rows)
        .set_dictionary_enabled(false)
        .set_created_by(created_by());
    if !schema.fields().is_empty() {
        // Parquet's column_idx is i32; a schema with more than i32::MAX columns cannot exist in practice,
        // so clamping only guards the conversion.
        let idx = i32::try_from(index_pos).unwrap_or(i32::MAX);
        props = props.set_sorting_columns(Some(vec![SortingColumn {
            column_idx: idx,
            descending: false,
            nulls_first: false,
        }]));
    }
    for field in schema.fields() {
        let path = ColumnPath::from(field.name().as_str());
        match field.data_type() {
            DataType::Float64 if opts.byte_stream_split => {
                props = props.set_column_encoding(path, Encoding::BYTE_STREAM_SPLIT);
            }
            DataType::Utf8 | DataType::LargeUtf8 => props = props.set_column_dictionary_enabled(path, true),
            // A key column (the grid cell) is one value repeated: a dictionary makes it a few bytes.
            DataType::Int64 if super::is_key_column(field.name()) => {
                props = props.set_column_dictionary_enabled(path, true);
            }
            _ => {}
        }
    }
    let kv: Vec<KeyValue> = schema
        .metadata()
        .iter()
        .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
        .collect();
    Ok(props.set_key_value_metadata(Some(kv)).build())
}

/// Writes `batch` as one Parquet file into `out` and returns `out`.
///
/// The row groups are encoded on as many threads as the machine has cores (compression is most of an
/// ingest's CPU after parsing), then written in order: the file is the one a single `ArrowWriter`
/// writes, byte for byte.
pub fn write_parquet_to<W: Write + Send>(
    batch: &RecordBatch,
    opts: &ParquetOptions,
    out: W,
) -> Result<W, ConvertError> {
    let props = properties(batch, opts)?;
    let writer = ArrowWriter::try_new(out, batch.schema(), Some(props))?;
    let (mut file, factory) = writer.into_serialized_writer()?;
    let rows = batch.num_rows();
    let groups = rows.div_ceil(opts.row_group_rows);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(groups)
        .max(1);
    let encode = |group: usize| -> Result<Vec<ArrowColumnChunk>, ConvertError> {
        let start = group * opts.row_group_rows;
        let slice = batch.slice(start, opts.row_group_rows.min(rows - start));
        let mut writers = factory.create_column_writers(group)?.into_iter();
        let mut chunks = Vec::new();
        for (field, column) in batch.schema().fields().iter().zip(slice.columns()) {
            for leaf in compute_leaves(field, column)? {
                let mut writer = writers.next().ok_or_else(|| {
                    ConvertError::Options(format!("no Parquet column writer left for `{}`", field.name()))
                })?;
                writer.write(&leaf)?;
                chunks.push(writer.close()?);
            }
        }
        Ok(chunks)
    };
    let mut append = |chunks: Vec<ArrowColumnChunk>| -> Result<(), ConvertError> {
        let mut row_group = file.next_row_group()?;
        for chunk in chunks {
            chunk.append_to_row_group(&mut row_group)?;
        }
        row_group.close()?;
        Ok(())
    };
    if threads == 1 {
        for group in 0..groups {
            append(encode(group)?)?;
        }
    } else {
        std::thread::scope(|scope| -> Result<(), ConvertError> {
            let (done, results) = std::sync::mpsc::channel();
            for first in 0..threads {
                let (done, encode) = (done.clone(), &encode);
                scope.spawn(move || {
                    for group in (first..groups).step_by(threads) {
                        // A closed channel means the writer stopped on an error: nothing more to do.
                        if done.send((group, encode(group))).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(done);
            // Groups arrive out of order; each is written once those before it are.
            let mut waiting = std::collections::BTreeMap::new();
            let mut next = 0;
            for (group, chunks) in results {
                waiting.insert(group, chunks?);
                while let Some(chunks) = waiting.remove(&next) {
                    append(chunks)?;
                    next += 1;
                }
            }
            Ok(())
        })?;
    }
    Ok(file.into_inner()?)
}

/// Writes `batch` as one Parquet file in memory.
pub fn write_parquet(batch: &RecordBatch, opts: &ParquetOptions) -> Result<Bytes, ConvertError> {
    // Room for the file up front, at the batch's in-memory size (compressed, the file is smaller):
    // grown by doubling, the buffer would be copied into fresh memory several times. Capacity never
    // written is never touched, so over-reserving costs address space only.
    let buf = write_parquet_to(batch, opts, Vec::with_capacity(batch.get_array_memory_size()))?;
    Ok(Bytes::from(buf))
}

/// Reads a whole Parquet file: its Arrow schema (with the metadata written above) and its batches.
pub fn read_parquet(bytes: Bytes) -> Result<(SchemaRef, Vec<RecordBatch>), ConvertError> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(bytes)?;
    let schema = builder.schema().clone();
    let reader = builder.build()?;
    let batches = reader.collect::<Result<Vec<_>, _>>()?;
    Ok((schema, batches))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{ArrayRef, Float64Array, StringArray};
    use arrow_schema::{Field, Schema};

    use super::*;

    /// What one `ArrowWriter` writes for `batch` with the same properties.
    fn single_writer(batch: &RecordBatch, opts: &ParquetOptions) -> Vec<u8> {
        let props = properties(batch, opts).unwrap();
        let mut writer = ArrowWriter::try_new(Vec::new(), batch.schema(), Some(props)).unwrap();
        writer.write(batch).unwrap();
        writer.into_inner().unwrap()
    }

    fn batch(rows: usize) -> RecordBatch {
        let depth: ArrayRef = Arc::new(Float64Array::from_iter_values((0..rows).map(|i| i as f64 * 0.5)));
        let gr: ArrayRef = Arc::new(Float64Array::from_iter(
            (0..rows).map(|i| (i % 7 != 0).then_some((i as f64).sin() * 100.0)),
        ));
        let lith: ArrayRef = Arc::new(StringArray::from_iter(
            (0..rows).map(|i| (i % 5 != 0).then(|| ["SS", "SH", "LS"][i % 3])),
        ));
        let schema = Schema::new(vec![
            Field::new("DEPT", DataType::Float64, false),
            Field::new("GR", DataType::Float64, true),
            Field::new("LITH", DataType::Utf8, true),
        ]);
        RecordBatch::try_new(Arc::new(schema), vec![depth, gr, lith]).unwrap()
    }

    #[test]
    fn row_groups_encoded_on_several_threads_make_the_file_one_writer_makes() {
        let opts = ParquetOptions::default();
        // No rows, one partial group, exactly two groups, and many groups with a partial last one.
        for rows in [0, 100, 2 * opts.row_group_rows, 11 * opts.row_group_rows + 17] {
            let b = batch(rows);
            let written = write_parquet(&b, &opts).unwrap();
            assert_eq!(
                written.as_ref(),
                single_writer(&b, &opts).as_slice(),
                "{rows} rows"
            );
            let (_, back) = read_parquet(written).unwrap();
            assert_eq!(back.iter().map(RecordBatch::num_rows).sum::<usize>(), rows);
        }
    }
}
