//! A stored log's Parquet file described for a `well_logs` manifest, so that the tables register the
//! very file the ingest wrote at its layout path (one encode per ingest).
//!
//! The description is what iceberg-rust records for the files its own writer makes: the row count,
//! the size, and per column its compressed size, value and null counts and lower and upper bounds
//! (what scan planning prunes by), all read from the file's footer. iceberg-rust 0.10.1 has the same
//! conversion (`ParquetWriter::parquet_to_data_file_builder`, and `parquet_files_to_data_files` for
//! files written elsewhere) but keeps both crate-private; this module is the public-API equivalent for
//! the column types a log has (double, string, long), and goes once those functions are public.
//!
//! Columns are matched by the field ids written into the file ([`with_field_ids`]), as Iceberg readers
//! match them.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::{Field, Schema as ArrowSchema};
use bytes::Bytes;
use iceberg::spec::{DataContentType, DataFile, DataFileBuilder, DataFileFormat, Datum, Schema, Struct};
use parquet::arrow::PARQUET_FIELD_ID_META_KEY;
use parquet::file::metadata::ParquetMetaDataReader;
use parquet::file::statistics::Statistics;

use crate::error::{Error, ErrorKind, Result};

/// `batch` with each column's Iceberg field id (by name, from `schema`) in its field metadata, where
/// the Parquet writer puts it into the file's schema. A column the table lacks is an error: the table's
/// schema is evolved for the log before this is called.
pub fn with_field_ids(batch: &RecordBatch, schema: &Schema) -> Result<RecordBatch> {
    let fields: Vec<Field> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| {
            let id = schema.field_by_name(f.name()).map(|t| t.id).ok_or_else(|| {
                Error::new(
                    ErrorKind::Unexpected,
                    format!("well_logs has no column `{}` for the log's column", f.name()),
                )
            })?;
            let mut metadata = f.metadata().clone();
            metadata.insert(PARQUET_FIELD_ID_META_KEY.to_owned(), id.to_string());
            Ok(f.as_ref().clone().with_metadata(metadata))
        })
        .collect::<Result<_>>()?;
    let schema = Arc::new(ArrowSchema::new_with_metadata(
        fields,
        batch.schema().metadata().clone(),
    ));
    Ok(RecordBatch::try_new(schema, batch.columns().to_vec())?)
}

/// The manifest entry of the Parquet file `bytes`, stored at `location`, in partition `partition` of
/// spec `spec_id`.
pub fn describe(bytes: &Bytes, location: String, partition: Struct, spec_id: i32) -> Result<DataFile> {
    let metadata = ParquetMetaDataReader::new()
        .parse_and_finish(bytes)
        .map_err(|e| invalid(format!("cannot read its footer: {e}")))?;
    let mut sizes: HashMap<i32, u64> = HashMap::new();
    let mut values: HashMap<i32, u64> = HashMap::new();
    let mut nulls: HashMap<i32, u64> = HashMap::new();
    let mut lower: HashMap<i32, Datum> = HashMap::new();
    let mut upper: HashMap<i32, Datum> = HashMap::new();
    for group in metadata.row_groups() {
        for column in group.columns() {
            let info = column.column_descr().self_type().get_basic_info();
            if !info.has_id() {
                return Err(invalid(format!(
                    "column `{}` has no Iceberg field id",
                    column.column_descr().path()
                )));
            }
            let id = info.id();
            *sizes.entry(id).or_default() += u64::try_from(column.compressed_size()).unwrap_or(0);
            *values.entry(id).or_default() += u64::try_from(column.num_values()).unwrap_or(0);
            let Some(stats) = column.statistics() else {
                continue;
            };
            if let Some(n) = stats.null_count_opt() {
                *nulls.entry(id).or_default() += n;
            }
            if let Some((min, max)) = bounds(stats)? {
                keep(&mut lower, id, min, std::cmp::Ordering::Less);
                keep(&mut upper, id, max, std::cmp::Ordering::Greater);
            }
        }
    }
    let rows = u64::try_from(metadata.file_metadata().num_rows())
        .map_err(|_| invalid("a negative row count".to_owned()))?;
    let offsets: Vec<i64> = metadata
        .row_groups()
        .iter()
        .filter_map(|g| g.file_offset())
        .collect();
    DataFileBuilder::default()
        .content(DataContentType::Data)
        .file_path(location)
        .file_format(DataFileFormat::Parquet)
        .partition(partition)
        .partition_spec_id(spec_id)
        .record_count(rows)
        .file_size_in_bytes(bytes.len() as u64)
        .column_sizes(sizes)
        .value_counts(values)
        .null_value_counts(nulls)
        .lower_bounds(lower)
        .upper_bounds(upper)
        .split_offsets(Some(offsets))
        .build()
        .map_err(|e| Error::new(ErrorKind::Unexpected, format!("a data file entry: {e}")))
}

/// A column chunk's minimum and maximum as Iceberg values (for the types a log's columns have).
fn bounds(stats: &Statistics) -> Result<Option<(Datum, Datum)>> {
    Ok(match stats {
        Statistics::Double(s) => s
            .min_opt()
            .zip(s.max_opt())
            // NaN never reaches a stored log (it is null there); a bound must not be NaN either.
            .filter(|(min, max)| !min.is_nan() && !max.is_nan())
            .map(|(min, max)| (Datum::double(*min), Datum::double(*max))),
        Statistics::Int64(s) => s
            .min_opt()
            .zip(s.max_opt())
            .map(|(min, max)| (Datum::long(*min), Datum::long(*max))),
        Statistics::ByteArray(s) => match s.min_opt().zip(s.max_opt()) {
            Some((min, max)) => {
                let text = |b: &parquet::data_type::ByteArray| {
                    std::str::from_utf8(b.data())
                        .map(Datum::string)
                        .map_err(|_| invalid("a text bound that is not UTF-8".to_owned()))
                };
                Some((text(min)?, text(max)?))
            }
            None => None,
        },
        _ => None,
    })
}

/// Keeps `value` for `id` where it is further in the `wanted` direction than what is kept.
fn keep(kept: &mut HashMap<i32, Datum>, id: i32, value: Datum, wanted: std::cmp::Ordering) {
    match kept.get(&id) {
        Some(current) if value.partial_cmp(current) != Some(wanted) => {}
        _ => {
            kept.insert(id, value);
        }
    }
}

fn invalid(why: String) -> Error {
    Error::new(
        ErrorKind::Unexpected,
        format!("the stored log cannot be registered in well_logs: {why}"),
    )
}

#[cfg(test)]
mod tests {
    use arrow_array::{Float64Array, StringArray};
    use iceberg::spec::{Literal, NestedField, PrimitiveType, Type};

    use super::*;

    fn schema() -> Schema {
        Schema::builder()
            .with_fields(vec![
                Arc::new(NestedField::optional(
                    4,
                    "depth",
                    Type::Primitive(PrimitiveType::Double),
                )),
                Arc::new(NestedField::optional(
                    9,
                    "GR",
                    Type::Primitive(PrimitiveType::Double),
                )),
                Arc::new(NestedField::required(
                    2,
                    "log_id",
                    Type::Primitive(PrimitiveType::String),
                )),
            ])
            .build()
            .unwrap()
    }

    fn batch() -> RecordBatch {
        RecordBatch::try_from_iter([
            (
                "depth",
                Arc::new(Float64Array::from(vec![100.0, 100.5, 101.0])) as _,
            ),
            (
                "GR",
                Arc::new(Float64Array::from(vec![Some(80.0), None, Some(20.0)])) as _,
            ),
            ("log_id", Arc::new(StringArray::from(vec!["l", "l", "l"])) as _),
        ])
        .unwrap()
    }

    #[test]
    fn a_written_file_is_described_by_field_id_with_counts_and_bounds() {
        let batch = with_field_ids(&batch(), &schema()).unwrap();
        let bytes = mudrock_core::arrow::write_parquet(&batch, &Default::default()).unwrap();
        let partition = Struct::from_iter([Some(Literal::string("l"))]);
        let file = describe(&bytes, "file:///x.parquet".to_owned(), partition.clone(), 0).unwrap();
        assert_eq!(file.record_count(), 3);
        assert_eq!(file.file_size_in_bytes(), bytes.len() as u64);
        assert_eq!(file.partition(), &partition);
        assert_eq!(file.null_value_counts()[&9], 1);
        assert_eq!(file.value_counts()[&4], 3);
        assert_eq!(file.lower_bounds()[&4], Datum::double(100.0));
        assert_eq!(file.upper_bounds()[&4], Datum::double(101.0));
        assert_eq!(file.lower_bounds()[&9], Datum::double(20.0));
        assert_eq!(file.upper_bounds()[&2], Datum::string("l"));
        assert!(file.column_sizes()[&9] > 0);
    }

    #[test]
    fn a_column_the_table_lacks_or_a_file_without_ids_is_an_error() {
        let mut extra = batch();
        extra = RecordBatch::try_from_iter(
            extra
                .schema()
                .fields()
                .iter()
                .zip(extra.columns())
                .map(|(f, c)| (f.name().clone(), c.clone()))
                .chain([("RHOB".to_owned(), Arc::new(Float64Array::from(vec![1.0; 3])) as _)]),
        )
        .unwrap();
        let err = with_field_ids(&extra, &schema()).unwrap_err();
        assert!(err.to_string().contains("`RHOB`"), "{err}");
        let bytes = mudrock_core::arrow::write_parquet(&batch(), &Default::default()).unwrap();
        let err = describe(&bytes, "x".to_owned(), Struct::empty(), 0).unwrap_err();
        assert!(err.to_string().contains("no Iceberg field id"), "{err}");
    }
}
