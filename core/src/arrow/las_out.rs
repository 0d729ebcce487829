//! A stored log back to a LAS file: the inverse of [`super::las_into_record_batch_with`], for
//! `mudrock export` and the API's `?format=las`. The header sections, the curves (mnemonic, unit, API
//! code, description) and the values are the ones ingested, read from the schema's metadata; the rows
//! come back in the file's own order when it was decreasing (a stored log is sorted by increasing depth).
//! The key columns are not curves and are left out.

use arrow_array::{Array, Float64Array, RecordBatch, StringArray};
use arrow_schema::DataType;

use super::{
    ConvertError, FIELD_API_CODE, FIELD_DESCRIPTION, FIELD_MNEMONIC, FIELD_ORIGINAL_MNEMONIC, FIELD_UNIT,
    SCHEMA_DATA_SET, SCHEMA_HEADER, SCHEMA_LAS_VERSION, SCHEMA_NULL_VALUE, SCHEMA_SOURCE_ORDER,
    is_key_column,
};
use crate::las::{Column, CurveInfo, DataSet, LasFile, LasVersion, Section};

/// The log in `batch` (one stored log, as its Parquet file holds it) as a [`LasFile`], ready for
/// [`crate::las::write_las2`].
pub fn record_batch_to_las(batch: &RecordBatch) -> Result<LasFile, ConvertError> {
    let schema = batch.schema();
    let meta = schema.metadata();
    let sections: Vec<Section> = match meta.get(SCHEMA_HEADER) {
        Some(json) => serde_json::from_str(json)?,
        None => Vec::new(),
    };
    let version = match meta.get(SCHEMA_LAS_VERSION).map(String::as_str) {
        Some("1.2") => LasVersion::V1_2,
        Some("3.0") => LasVersion::V3_0,
        _ => LasVersion::V2_0,
    };
    let null_value = meta.get(SCHEMA_NULL_VALUE).and_then(|v| v.parse::<f64>().ok());
    let decreasing = meta.get(SCHEMA_SOURCE_ORDER).is_some_and(|o| o == "decreasing");

    let mut curves = Vec::new();
    let mut columns = Vec::new();
    for (field, array) in schema.fields().iter().zip(batch.columns()) {
        if is_key_column(field.name()) {
            continue;
        }
        let m = field.metadata();
        let text = |key: &str| m.get(key).cloned().unwrap_or_default();
        let mnemonic = m
            .get(FIELD_MNEMONIC)
            .cloned()
            .unwrap_or_else(|| field.name().clone());
        let original_mnemonic = m
            .get(FIELD_ORIGINAL_MNEMONIC)
            .cloned()
            .unwrap_or_else(|| mnemonic.clone());
        let mut column = match field.data_type() {
            DataType::Float64 => {
                let values = array
                    .as_any()
                    .downcast_ref::<Float64Array>()
                    .ok_or_else(|| not_a_curve(field.name(), field.data_type()))?;
                Column::Numeric(values.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
            }
            DataType::Utf8 => {
                let values = array
                    .as_any()
                    .downcast_ref::<StringArray>()
                    .ok_or_else(|| not_a_curve(field.name(), field.data_type()))?;
                Column::Text(values.iter().map(|v| v.map(str::to_owned)).collect())
            }
            other => return Err(not_a_curve(field.name(), other)),
        };
        if decreasing {
            match &mut column {
                Column::Numeric(v) => v.reverse(),
                Column::Text(v) => v.reverse(),
            }
        }
        curves.push(CurveInfo {
            mnemonic,
            original_mnemonic,
            unit: text(FIELD_UNIT),
            value: text(FIELD_API_CODE),
            description: text(FIELD_DESCRIPTION),
            line: 0,
        });
        columns.push(column);
    }
    if curves.is_empty() {
        return Err(ConvertError::NoCurves);
    }
    Ok(LasFile {
        version,
        wrap: false,
        delimiter: None,
        null_value,
        sections,
        log: DataSet {
            name: meta
                .get(SCHEMA_DATA_SET)
                .cloned()
                .unwrap_or_else(|| "Log".to_owned()),
            curves,
            columns,
            parameters: Vec::new(),
        },
        other_data: Vec::new(),
        warnings: Vec::new(),
        encoding: "UTF-8",
    })
}

fn not_a_curve(name: &str, data_type: &DataType) -> ConvertError {
    ConvertError::Options(format!(
        "column {name:?} is {data_type}: a stored log's curves are Float64 or Utf8"
    ))
}
