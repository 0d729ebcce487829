//! A cached query result: the schema and the record batches, and their Parquet encoding for L3.

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use bytes::Bytes;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use super::l1::CacheWeight;
use mudrock_common::error::{Error, ErrorKind, Result};

/// The result of a query, as cached in L1 and stored in L3. The schema is kept even with no batches,
/// so an empty result still says which columns it has.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultBatches {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
}

impl ResultBatches {
    pub fn new(schema: SchemaRef, batches: Vec<RecordBatch>) -> Self {
        ResultBatches { schema, batches }
    }

    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// The result as one Parquet file (zstd; the Arrow schema embedded, so types round-trip exactly).
    pub fn to_parquet(&self) -> Result<Bytes> {
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .build();
        let mut writer = ArrowWriter::try_new(Vec::new(), self.schema.clone(), Some(props))?;
        for batch in &self.batches {
            writer.write(batch)?;
        }
        Ok(Bytes::from(writer.into_inner()?))
    }

    /// Reads back what [`ResultBatches::to_parquet`] wrote. Anything else — truncated or foreign bytes —
    /// is [`ErrorKind::InvalidInput`].
    pub fn from_parquet(bytes: Bytes) -> Result<Self> {
        let invalid = |e: &dyn std::fmt::Display| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("a cached result is not a readable Parquet file: {e}"),
            )
        };
        let builder = ParquetRecordBatchReaderBuilder::try_new(bytes).map_err(|e| invalid(&e))?;
        let schema = builder.schema().clone();
        let reader = builder.build().map_err(|e| invalid(&e))?;
        let batches = reader
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| invalid(&e))?;
        Ok(ResultBatches { schema, batches })
    }
}

impl CacheWeight for ResultBatches {
    fn cache_weight(&self) -> usize {
        self.batches.cache_weight()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{Float64Array, StringArray};
    use arrow_schema::{DataType, Field, Schema};

    use super::*;

    fn sample() -> ResultBatches {
        let schema = Arc::new(Schema::new(vec![
            Field::new("well", DataType::Utf8, false),
            Field::new("gr", DataType::Float64, true),
        ]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(StringArray::from(vec!["W1", "W2"])),
                Arc::new(Float64Array::from(vec![Some(55.5), None])),
            ],
        )
        .unwrap();
        ResultBatches::new(schema, vec![batch])
    }

    #[test]
    fn parquet_round_trip_keeps_schema_rows_and_nulls() {
        let r = sample();
        let back = ResultBatches::from_parquet(r.to_parquet().unwrap()).unwrap();
        assert_eq!(back.schema, r.schema);
        assert_eq!(back.batches, r.batches);
        assert!(r.cache_weight() > 0);
    }

    #[test]
    fn an_empty_result_keeps_its_columns() {
        let r = ResultBatches::new(sample().schema, Vec::new());
        let back = ResultBatches::from_parquet(r.to_parquet().unwrap()).unwrap();
        assert_eq!(back.schema, r.schema);
        assert_eq!(back.num_rows(), 0);
    }

    #[test]
    fn garbage_is_invalid_input() {
        let err = ResultBatches::from_parquet(Bytes::from_static(b"PAR1 not really")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    }
}
