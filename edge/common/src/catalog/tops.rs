//! Formation tops per well: `{project}/wells/{well}/markers/tops.parquet` (the layout's
//! `WellDataType::Markers` folder), one row per top (`name`, `depth`) sorted by depth, the depth unit
//! and the picks' source in the schema metadata. One small object per well rather than a project-wide
//! tops catalog: the viewer reads, caches and pins a well's tops with the well, and its ETag changes only
//! when that well's tops do. Written whole (object writes are atomic, see `storage`). Builds for wasm32
//! too (the path and the decoder are what an edge worker would serve tops with).

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use bytes::Bytes;
use mudrock_core::layout::{Layout, ProjectId, WellDataType, WellId};
use mudrock_shared::tops::{Top, TopList};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use crate::error::{Error, ErrorKind, Result};

/// The object's name in the well's `markers/` folder.
pub const TOPS_OBJECT: &str = "tops.parquet";
const UNIT_KEY: &str = "mudrock.depth_unit";
const SOURCE_KEY: &str = "mudrock.source";

/// Where a well's tops live.
pub fn tops_path(layout: &Layout, project: &ProjectId, well: &WellId) -> Result<String> {
    Ok(layout.well_data(project, well, WellDataType::Markers, TOPS_OBJECT)?)
}

/// The tops as Parquet (sorted by depth; names must be non-empty and depths finite).
pub fn encode(list: &TopList) -> Result<Bytes> {
    let mut tops = list.tops.clone();
    if let Some(bad) = tops
        .iter()
        .find(|t| t.name.trim().is_empty() || !t.depth.is_finite())
    {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("a top needs a name and a finite depth: {bad:?}"),
        ));
    }
    tops.sort_by(|a, b| a.depth.total_cmp(&b.depth));
    let mut metadata = HashMap::new();
    if let Some(unit) = &list.depth_unit {
        metadata.insert(UNIT_KEY.to_owned(), unit.clone());
    }
    if let Some(source) = &list.source {
        metadata.insert(SOURCE_KEY.to_owned(), source.clone());
    }
    let schema = Arc::new(
        Schema::new(vec![
            Field::new("name", DataType::Utf8, false),
            Field::new("depth", DataType::Float64, false),
        ])
        .with_metadata(metadata),
    );
    let names: ArrayRef = Arc::new(StringArray::from_iter_values(
        tops.iter().map(|t| t.name.as_str()),
    ));
    let depths: ArrayRef = Arc::new(Float64Array::from_iter_values(tops.iter().map(|t| t.depth)));
    let batch = RecordBatch::try_new(schema.clone(), vec![names, depths])?;
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .build();
    let mut out = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut out, schema, Some(props))?;
    writer.write(&batch)?;
    writer.close()?;
    Ok(Bytes::from(out))
}

/// The tops of a stored object, for `well`.
pub fn decode(well: &WellId, bytes: Bytes) -> Result<TopList> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(bytes)?;
    let metadata = builder.schema().metadata().clone();
    let mut tops = Vec::new();
    for batch in builder.build()? {
        let batch = batch?;
        let (Some(names), Some(depths)) = (
            batch
                .column_by_name("name")
                .and_then(|c| c.as_string_opt::<i32>()),
            batch
                .column_by_name("depth")
                .and_then(|c| c.as_primitive_opt::<Float64Type>()),
        ) else {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "a tops object needs a Utf8 `name` and a Float64 `depth` column",
            ));
        };
        for (name, depth) in names.iter().zip(depths.iter()) {
            if let (Some(name), Some(depth)) = (name, depth) {
                tops.push(Top {
                    name: name.to_owned(),
                    depth,
                });
            }
        }
    }
    Ok(TopList {
        well_id: well.as_str().to_owned(),
        depth_unit: metadata.get(UNIT_KEY).cloned(),
        source: metadata.get(SOURCE_KEY).cloned(),
        tops,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tops_round_trip_sorted_with_their_unit() {
        let well = WellId::new("w-1").unwrap();
        let list = TopList {
            well_id: "w-1".into(),
            depth_unit: Some("F".into()),
            source: Some("demo (synthetic)".into()),
            tops: vec![
                Top {
                    name: "Codell".into(),
                    depth: 7200.0,
                },
                Top {
                    name: "Niobrara".into(),
                    depth: 6705.5,
                },
            ],
        };
        let back = decode(&well, encode(&list).unwrap()).unwrap();
        assert_eq!(back.depth_unit.as_deref(), Some("F"));
        assert_eq!(back.source.as_deref(), Some("demo (synthetic)"));
        let names: Vec<&str> = back.tops.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Niobrara", "Codell"], "shallowest first");
        let bad = TopList {
            tops: vec![Top {
                name: " ".into(),
                depth: 1.0,
            }],
            ..list
        };
        assert!(encode(&bad).is_err());
    }
}
