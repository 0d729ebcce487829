//! The answer formats — JSON (the default), Arrow IPC stream, Parquet — and the encoders that turn
//! record batches into their bytes, whole (cached answers) or batch by batch (streamed SQL results).
//! Which format a client gets is the server's business (`Accept`: `mudrock_server::negotiate`).
//!
//! JSON is `mudrock_shared::Table` written incrementally: the column list, then rows batch by batch,
//! then `row_count` and `truncated`, so a large result never sits in memory as one JSON value. Arrow IPC
//! is the stream format (schema message, one message per batch, end-of-stream marker). Parquet row groups
//! are flushed every [`PARQUET_ROW_GROUP_BYTES`] and sent as they are written; the footer comes last.

use std::io::Write;

use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, SchemaRef};
use bytes::Bytes;
use mudrock_shared::media;

use mudrock_common::error::{Error, ErrorKind, Result};

/// A response format a client can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Json,
    ArrowStream,
    Parquet,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Json, Format::ArrowStream, Format::Parquet];

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Json => media::JSON,
            Format::ArrowStream => media::ARROW_STREAM,
            Format::Parquet => media::PARQUET,
        }
    }

    /// A short stable name, part of cache keys (a response's bytes depend on its format).
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::ArrowStream => "arrow",
            Format::Parquet => "parquet",
        }
    }
}

/// Parquet row groups are cut at about this many bytes of encoded data, and sent as they are cut.
pub const PARQUET_ROW_GROUP_BYTES: usize = 8 << 20;

/// Encodes batches of one schema in one format; every call returns the bytes ready to send.
pub enum Encoder {
    Json(JsonEncoder),
    Arrow(arrow_ipc::writer::StreamWriter<Vec<u8>>),
    Parquet(Box<parquet::arrow::ArrowWriter<Vec<u8>>>),
}

impl Encoder {
    pub fn new(format: Format, schema: &SchemaRef) -> Result<Self> {
        Ok(match format {
            Format::Json => Encoder::Json(JsonEncoder::new(schema)),
            Format::ArrowStream => {
                Encoder::Arrow(arrow_ipc::writer::StreamWriter::try_new(Vec::new(), schema)?)
            }
            Format::Parquet => {
                let props = parquet::file::properties::WriterProperties::builder()
                    .set_compression(parquet::basic::Compression::ZSTD(
                        parquet::basic::ZstdLevel::try_new(1)?,
                    ))
                    .build();
                Encoder::Parquet(Box::new(parquet::arrow::ArrowWriter::try_new(
                    Vec::new(),
                    schema.clone(),
                    Some(props),
                )?))
            }
        })
    }

    /// The bytes written so far (the header, for JSON and Arrow; nothing yet, for Parquet).
    pub fn take(&mut self) -> Bytes {
        match self {
            Encoder::Json(j) => Bytes::from(std::mem::take(&mut j.buf)),
            Encoder::Arrow(w) => Bytes::from(std::mem::take(w.get_mut())),
            Encoder::Parquet(w) => Bytes::from(std::mem::take(w.inner_mut())),
        }
    }

    pub fn write(&mut self, batch: &RecordBatch) -> Result<Bytes> {
        match self {
            Encoder::Json(j) => j.write(batch)?,
            Encoder::Arrow(w) => w.write(batch)?,
            Encoder::Parquet(w) => {
                w.write(batch)?;
                if w.in_progress_size() >= PARQUET_ROW_GROUP_BYTES {
                    w.flush()?;
                }
            }
        }
        Ok(self.take())
    }

    /// The closing bytes; `truncated` goes into the JSON trailer.
    pub fn finish(mut self, truncated: bool) -> Result<Bytes> {
        match &mut self {
            Encoder::Json(j) => j.finish(truncated),
            Encoder::Arrow(w) => w.finish()?,
            Encoder::Parquet(w) => {
                w.finish()?;
            }
        }
        Ok(self.take())
    }
}

/// Encodes whole (for responses kept in the cache).
pub fn encode_all(
    format: Format,
    schema: &SchemaRef,
    batches: &[RecordBatch],
    truncated: bool,
) -> Result<Bytes> {
    let mut encoder = Encoder::new(format, schema)?;
    let mut out = Vec::new();
    out.extend_from_slice(&encoder.take());
    for batch in batches {
        out.extend_from_slice(&encoder.write(batch)?);
    }
    out.extend_from_slice(&encoder.finish(truncated)?);
    Ok(Bytes::from(out))
}

/// `mudrock_shared::Table` as it is written: see the module doc.
pub struct JsonEncoder {
    buf: Vec<u8>,
    rows: u64,
}

impl JsonEncoder {
    fn new(schema: &SchemaRef) -> Self {
        let columns: Vec<mudrock_shared::TableColumn> = schema
            .fields()
            .iter()
            .map(|f| mudrock_shared::TableColumn {
                name: f.name().clone(),
                data_type: f.data_type().to_string(),
            })
            .collect();
        let mut buf = b"{\"columns\":".to_vec();
        // Serialising plain strings into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut buf, &columns);
        buf.extend_from_slice(b",\"rows\":[");
        JsonEncoder { buf, rows: 0 }
    }

    fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        let columns: Vec<JsonColumn<'_>> = batch
            .columns()
            .iter()
            .map(|c| JsonColumn::new(c.as_ref()))
            .collect::<Result<_>>()?;
        for row in 0..batch.num_rows() {
            if self.rows > 0 {
                self.buf.push(b',');
            }
            self.buf.push(b'[');
            for (i, column) in columns.iter().enumerate() {
                if i > 0 {
                    self.buf.push(b',');
                }
                column.write(row, &mut self.buf)?;
            }
            self.buf.push(b']');
            self.rows += 1;
        }
        Ok(())
    }

    fn finish(&mut self, truncated: bool) {
        // Writing into a Vec cannot fail.
        let _ = write!(
            self.buf,
            "],\"row_count\":{},\"truncated\":{truncated}}}",
            self.rows
        );
    }
}

/// One column's values as JSON scalars.
enum JsonColumn<'a> {
    Float(Vec<Option<f64>>),
    Int(Vec<Option<i64>>),
    UInt(Vec<Option<u64>>),
    Bool(&'a arrow_array::BooleanArray),
    /// Strings and everything else, rendered by Arrow's display (dates, decimals, lists).
    Text(&'a dyn Array, arrow_cast::display::ArrayFormatter<'a>),
    Null,
}

impl<'a> JsonColumn<'a> {
    fn new(array: &'a dyn Array) -> Result<Self> {
        use arrow_array::cast::AsArray;
        use arrow_array::types::*;
        fn collect<T, U>(a: &arrow_array::PrimitiveArray<T>, f: impl Fn(T::Native) -> U) -> Vec<Option<U>>
        where
            T: arrow_array::ArrowPrimitiveType,
        {
            a.iter().map(|v| v.map(&f)).collect()
        }
        Ok(match array.data_type() {
            DataType::Null => JsonColumn::Null,
            DataType::Float64 => JsonColumn::Float(collect(array.as_primitive::<Float64Type>(), |v| v)),
            DataType::Float32 => JsonColumn::Float(collect(array.as_primitive::<Float32Type>(), f64::from)),
            DataType::Float16 => {
                JsonColumn::Float(collect(array.as_primitive::<Float16Type>(), |v| v.to_f64()))
            }
            DataType::Int8 => JsonColumn::Int(collect(array.as_primitive::<Int8Type>(), i64::from)),
            DataType::Int16 => JsonColumn::Int(collect(array.as_primitive::<Int16Type>(), i64::from)),
            DataType::Int32 => JsonColumn::Int(collect(array.as_primitive::<Int32Type>(), i64::from)),
            DataType::Int64 => JsonColumn::Int(collect(array.as_primitive::<Int64Type>(), |v| v)),
            DataType::UInt8 => JsonColumn::UInt(collect(array.as_primitive::<UInt8Type>(), u64::from)),
            DataType::UInt16 => JsonColumn::UInt(collect(array.as_primitive::<UInt16Type>(), u64::from)),
            DataType::UInt32 => JsonColumn::UInt(collect(array.as_primitive::<UInt32Type>(), u64::from)),
            DataType::UInt64 => JsonColumn::UInt(collect(array.as_primitive::<UInt64Type>(), |v| v)),
            DataType::Boolean => JsonColumn::Bool(array.as_boolean()),
            _ => {
                let options = arrow_cast::display::FormatOptions::default();
                let formatter = arrow_cast::display::ArrayFormatter::try_new(array, &options)?;
                JsonColumn::Text(array, formatter)
            }
        })
    }

    fn write(&self, row: usize, out: &mut Vec<u8>) -> Result<()> {
        let json_err =
            |e: serde_json::Error| Error::new(ErrorKind::Unexpected, "cannot encode JSON").with_source(e);
        match self {
            JsonColumn::Null => out.extend_from_slice(b"null"),
            JsonColumn::Float(v) => match v[row] {
                Some(x) if x.is_finite() => serde_json::to_writer(&mut *out, &x).map_err(json_err)?,
                _ => out.extend_from_slice(b"null"),
            },
            JsonColumn::Int(v) => match v[row] {
                Some(x) => serde_json::to_writer(&mut *out, &x).map_err(json_err)?,
                None => out.extend_from_slice(b"null"),
            },
            JsonColumn::UInt(v) => match v[row] {
                Some(x) => serde_json::to_writer(&mut *out, &x).map_err(json_err)?,
                None => out.extend_from_slice(b"null"),
            },
            JsonColumn::Bool(a) => out.extend_from_slice(match a.is_valid(row).then(|| a.value(row)) {
                Some(true) => b"true",
                Some(false) => b"false",
                None => b"null",
            }),
            JsonColumn::Text(array, formatter) => {
                if array.is_valid(row) {
                    let text = formatter.value(row).to_string();
                    serde_json::to_writer(&mut *out, &text).map_err(json_err)?;
                } else {
                    out.extend_from_slice(b"null");
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{Float64Array, Int64Array, StringArray};
    use arrow_schema::{Field, Schema};

    use super::*;

    fn batch() -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![
            Field::new("depth", DataType::Float64, false),
            Field::new("GR", DataType::Float64, true),
            Field::new("well_id", DataType::Utf8, true),
            Field::new("n", DataType::Int64, true),
        ]));
        RecordBatch::try_new(
            schema,
            vec![
                Arc::new(Float64Array::from(vec![1.0, 1.5, 2.0])),
                Arc::new(Float64Array::from(vec![Some(10.25), None, Some(f64::NAN)])),
                Arc::new(StringArray::from(vec![Some("W\"1"), None, Some("W2")])),
                Arc::new(Int64Array::from(vec![Some(-3), Some(i64::MAX), None])),
            ],
        )
        .unwrap()
    }

    #[test]
    fn json_is_the_shared_table() {
        let b = batch();
        let bytes = encode_all(Format::Json, &b.schema(), &[b.clone(), b.clone()], true).unwrap();
        let table: mudrock_shared::Table = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(table.row_count, 6);
        assert!(table.truncated);
        assert_eq!(table.columns[1].name, "GR");
        assert_eq!(table.columns[1].data_type, "Float64");
        assert_eq!(table.rows[0][1], 10.25);
        assert!(
            table.rows[1][1].is_null() && table.rows[2][1].is_null(),
            "null and NaN"
        );
        assert_eq!(table.rows[0][2], "W\"1");
        assert_eq!(table.rows[1][3], i64::MAX);
        let empty = encode_all(Format::Json, &b.schema(), &[], false).unwrap();
        let table: mudrock_shared::Table = serde_json::from_slice(&empty).unwrap();
        assert_eq!((table.row_count, table.rows.len()), (0, 0));
    }

    #[test]
    fn arrow_and_parquet_read_back() {
        let b = batch();
        let ipc = encode_all(Format::ArrowStream, &b.schema(), &[b.clone(), b.clone()], false).unwrap();
        let reader = arrow_ipc::reader::StreamReader::try_new(std::io::Cursor::new(ipc), None).unwrap();
        let back: Vec<RecordBatch> = reader.collect::<std::result::Result<_, _>>().unwrap();
        assert_eq!(back, vec![b.clone(), b.clone()]);

        let pq = encode_all(Format::Parquet, &b.schema(), std::slice::from_ref(&b), false).unwrap();
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(pq)
            .unwrap()
            .build()
            .unwrap();
        let back: Vec<RecordBatch> = reader.collect::<std::result::Result<_, _>>().unwrap();
        assert_eq!(back.iter().map(RecordBatch::num_rows).sum::<usize>(), 3);
        assert_eq!(back[0].column(2), b.column(2));
    }
}
