//! Rows for the tables: Arrow columns by name → a batch in the table's own schema (with Iceberg field
//! ids), and the schema changes a new log's curves ask for.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::{Array, ArrayRef, RecordBatch, new_null_array};
use arrow_schema::{DataType, Schema as ArrowSchema};
use iceberg::spec::{PrimitiveType, Schema, Type};

use crate::error::{Error, ErrorKind, Result};

/// The Iceberg type stored for an Arrow column of a log.
fn iceberg_type(data_type: &DataType) -> Option<PrimitiveType> {
    match data_type {
        DataType::Float64 => Some(PrimitiveType::Double),
        DataType::Utf8 => Some(PrimitiveType::String),
        DataType::Int64 => Some(PrimitiveType::Long),
        _ => None,
    }
}

fn type_name(t: &Type) -> String {
    match t {
        Type::Primitive(PrimitiveType::Double) => "numeric (double)".to_owned(),
        Type::Primitive(PrimitiveType::String) => "text".to_owned(),
        Type::Primitive(PrimitiveType::Long) => "integer".to_owned(),
        other => other.to_string(),
    }
}

/// The columns of a log that `well_logs` lacks (name, type), in the log's order. A curve whose type
/// differs from the table's column of the same name is an error naming both: the data is never cast
/// silently (a text GR is not a numeric GR).
pub fn missing_columns(table: &Schema, log: &ArrowSchema) -> Result<Vec<(String, PrimitiveType)>> {
    let mut missing = Vec::new();
    for field in log.fields() {
        // The key columns (`well_id`, `log_id`, `grid_cell`) are in every well_logs table from the start,
        // so they are checked like any column (a curve of the file never takes their names: core stores
        // such a curve as `well_id:2`).
        let name = field.name();
        let Some(wanted) = iceberg_type(field.data_type()) else {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!(
                    "curve `{name}` has type {} that the tables do not store",
                    field.data_type()
                ),
            ));
        };
        match table.field_by_name(name) {
            Some(existing) if *existing.field_type == Type::Primitive(wanted.clone()) => {}
            Some(existing) => {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "curve `{name}` is {} in this file, but the project's well_logs table stores `{name}` as \
                         {}; values are not cast silently: fix or rename the curve in the file (nothing was \
                         written)",
                        type_name(&Type::Primitive(wanted)),
                        type_name(&existing.field_type)
                    ),
                ));
            }
            None => missing.push((name.clone(), wanted)),
        }
    }
    Ok(missing)
}

/// The Iceberg field doc of a curve's column, from the log that first brought it: its mnemonic, unit and
/// description as in that file (`GR [GAPI]: Gamma Ray`), for readers that see the table's schema but
/// not the log files' Arrow metadata. Another well's unit may differ: each log file keeps its own.
pub fn column_doc(field: &arrow_schema::Field) -> Option<String> {
    use mudrock_core::arrow::{FIELD_DESCRIPTION, FIELD_ORIGINAL_MNEMONIC, FIELD_UNIT};
    let m = field.metadata();
    let mnemonic = m.get(FIELD_ORIGINAL_MNEMONIC)?.trim();
    let unit = m.get(FIELD_UNIT).map_or("", |u| u.trim());
    let description = m.get(FIELD_DESCRIPTION).map_or("", |d| d.trim());
    let mut doc = mnemonic.to_owned();
    if !unit.is_empty() {
        doc.push_str(&format!(" [{unit}]"));
    }
    if !description.is_empty() {
        doc.push_str(&format!(": {description}"));
    }
    Some(format!("{doc} (as in the first log that had this curve)"))
}

/// A batch in `schema` (the table's, as `iceberg::arrow::schema_to_arrow_schema` gives it) from columns
/// by name; a column of the table that `columns` lacks is all null. Every given column must have
/// `rows` values and the type of the table's column.
pub fn table_batch(
    schema: &Arc<ArrowSchema>,
    columns: &HashMap<String, ArrayRef>,
    rows: usize,
) -> Result<RecordBatch> {
    let mut arrays = Vec::with_capacity(schema.fields().len());
    for field in schema.fields() {
        let array = match columns.get(field.name()) {
            Some(array) => {
                if array.data_type() != field.data_type() || array.len() != rows {
                    return Err(Error::new(
                        ErrorKind::Unexpected,
                        format!(
                            "column `{}`: {} values of type {}, the table wants {rows} of type {}",
                            field.name(),
                            array.len(),
                            array.data_type(),
                            field.data_type()
                        ),
                    ));
                }
                Arc::clone(array)
            }
            None if field.is_nullable() => new_null_array(field.data_type(), rows),
            None => {
                return Err(Error::new(
                    ErrorKind::Unexpected,
                    format!("the table's required column `{}` has no values", field.name()),
                ));
            }
        };
        arrays.push(array);
    }
    Ok(RecordBatch::try_new(Arc::clone(schema), arrays)?)
}

#[cfg(test)]
mod tests {
    use arrow_array::{Float64Array, StringArray};
    use arrow_schema::Field;

    use super::*;
    use crate::lakehouse::tables::{LOG_ID, LakeTable, WELL_ID};

    fn log_schema(fields: &[(&str, DataType)]) -> ArrowSchema {
        ArrowSchema::new(
            fields
                .iter()
                .map(|(n, t)| Field::new(*n, t.clone(), true))
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn new_curves_are_missing_and_a_type_conflict_is_refused() {
        let table = LakeTable::WellLogs.initial_schema().unwrap();
        let log = log_schema(&[
            ("depth", DataType::Float64),
            ("GR", DataType::Float64),
            ("LITH", DataType::Utf8),
        ]);
        let missing = missing_columns(&table, &log).unwrap();
        assert_eq!(
            missing,
            vec![
                ("GR".to_owned(), PrimitiveType::Double),
                ("LITH".to_owned(), PrimitiveType::String)
            ]
        );
        // `depth` as text in a file: the table's depth is numeric.
        let err = missing_columns(&table, &log_schema(&[("depth", DataType::Utf8)])).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.to_string().contains("stores `depth` as numeric"), "{err}");
        // A stored log's key columns are the table's own: never missing, never a conflict.
        let keyed = log_schema(&[
            ("depth", DataType::Float64),
            ("well_id", DataType::Utf8),
            ("log_id", DataType::Utf8),
            ("grid_cell", DataType::Int64),
        ]);
        assert!(missing_columns(&table, &keyed).unwrap().is_empty());
    }

    #[test]
    fn batches_follow_the_table_schema_with_nulls_for_absent_columns() {
        let schema = Arc::new(
            iceberg::arrow::schema_to_arrow_schema(&LakeTable::WellLogs.initial_schema().unwrap()).unwrap(),
        );
        let columns = HashMap::from([
            (
                WELL_ID.to_owned(),
                Arc::new(StringArray::from(vec!["w", "w"])) as ArrayRef,
            ),
            (
                LOG_ID.to_owned(),
                Arc::new(StringArray::from(vec!["l", "l"])) as ArrayRef,
            ),
            (
                "depth".to_owned(),
                Arc::new(Float64Array::from(vec![1.0, 2.0])) as ArrayRef,
            ),
        ]);
        let batch = table_batch(&schema, &columns, 2).unwrap();
        assert_eq!(batch.num_columns(), 4);
        assert_eq!(batch.column(2).null_count(), 2, "grid_cell absent → null");
        // A required column left out is an error, not a batch of nulls.
        let mut no_well = columns.clone();
        no_well.remove(WELL_ID);
        assert!(table_batch(&schema, &no_well, 2).is_err());
    }
}
