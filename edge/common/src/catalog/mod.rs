//! The project catalogs — wells, logs, curves — as Parquet objects under `{project}/catalog/`.
//!
//! A catalog is a small table read whole, changed in memory and written back whole: every object write
//! replaces the object atomically (see `storage`), so a reader sees the old catalog or the new one,
//! never part of one. Writers are serialized per project by [`CatalogStore::update`] (read-modify-write
//! under a tokio mutex per project). The mutexes belong to a `CatalogStore` and its clones, so a process
//! opens one store per storage location and clones it (as `Ingestor` does); separate processes writing
//! one project at once are not coordinated (that is the Iceberg commit's job, in a later issue).
//!
//! Of the three objects, curves and logs are written before wells, so a well listed in the wells
//! catalog always has its logs and curves listed too.
//!
//! The catalogs hold no timestamps and keep their rows sorted, so the same ingests give the same bytes.

use std::collections::BTreeSet;
use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, UInt32Type, UInt64Type};
use arrow_array::{Array, ArrayRef, Float64Array, RecordBatch, StringArray, UInt32Array, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use bytes::Bytes;
use mudrock_core::layout::CatalogType;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};

/// One well: identity and location from the LAS header, depth range over its logs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WellRow {
    pub well_id: String,
    pub name: Option<String>,
    /// UWI and API exactly as in the header (strings: leading zeros are part of the number).
    pub uwi: Option<String>,
    pub api: Option<String>,
    pub company: Option<String>,
    pub field: Option<String>,
    pub country: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// How far the coordinates can be trusted (from the header parser), `None` without coordinates.
    pub location_confidence: Option<String>,
    pub start: Option<f64>,
    pub stop: Option<f64>,
    pub step: Option<f64>,
    pub depth_unit: Option<String>,
    pub n_logs: u32,
    /// The original file names of the well's logs, sorted.
    pub source_files: Vec<String>,
}

impl WellRow {
    /// A well known by its id only: no header value, no log yet.
    pub fn bare(well_id: &str) -> WellRow {
        WellRow {
            well_id: well_id.to_owned(),
            name: None,
            uwi: None,
            api: None,
            company: None,
            field: None,
            country: None,
            lat: None,
            lon: None,
            location_confidence: None,
            start: None,
            stop: None,
            step: None,
            depth_unit: None,
            n_logs: 0,
            source_files: Vec::new(),
        }
    }
}

/// One log (one LAS file's main data set) of a well.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogRow {
    pub well_id: String,
    pub log_id: String,
    /// `Log` for LAS 1.2/2.0 and the main LAS 3.0 data set.
    pub data_set: String,
    pub source_file: String,
    pub sha256: String,
    pub rows: u64,
    pub curves: u32,
    /// Depth range of the data (increasing), and the header STEP.
    pub start: Option<f64>,
    pub stop: Option<f64>,
    pub step: Option<f64>,
    pub depth_unit: Option<String>,
    /// Size of the original LAS file.
    pub bytes: u64,
}

/// One curve of one log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurveRow {
    pub well_id: String,
    pub log_id: String,
    pub mnemonic: String,
    pub unit: String,
    pub family: String,
    pub description: String,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub null_count: u64,
    pub rows: u64,
}

/// Everything one ingested file adds to the catalogs.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    /// The well as this file describes it; merged into an existing row field by field.
    pub well: WellRow,
    pub log: LogRow,
    pub curves: Vec<CurveRow>,
}

/// The three catalogs of a project, in memory.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Catalog {
    pub wells: Vec<WellRow>,
    pub logs: Vec<LogRow>,
    pub curves: Vec<CurveRow>,
}

impl Catalog {
    /// The log stored from these bytes, if any.
    pub fn log_by_sha256(&self, sha256: &str) -> Option<&LogRow> {
        self.logs.iter().find(|l| l.sha256 == sha256)
    }

    /// Adds a log (replacing one with the same log id, so applying an entry twice changes nothing) and
    /// recomputes its well's row.
    pub fn upsert(&mut self, entry: LogEntry) {
        let LogEntry { well, log, curves } = entry;
        self.logs
            .retain(|l| l.log_id != log.log_id || l.well_id != log.well_id);
        self.curves
            .retain(|c| c.log_id != log.log_id || c.well_id != log.well_id);
        let well_id = log.well_id.clone();
        self.logs.push(log);
        self.curves.extend(curves);

        let merged = match self.wells.iter().position(|w| w.well_id == well_id) {
            Some(i) => merge_well(self.wells.remove(i), well),
            None => well,
        };
        self.wells.push(self.aggregate(merged));
        self.sort();
    }

    /// Fills the log-derived fields of a well row from the well's logs.
    fn aggregate(&self, mut well: WellRow) -> WellRow {
        let logs: Vec<&LogRow> = self.logs.iter().filter(|l| l.well_id == well.well_id).collect();
        well.n_logs = logs.len() as u32;
        well.source_files = logs
            .iter()
            .map(|l| l.source_file.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        // The well's depth range spans its logs measured in the well's depth unit; logs in another
        // unit are left out rather than mixed.
        let same_unit = logs.iter().filter(|l| l.depth_unit == well.depth_unit);
        let starts = same_unit.clone().filter_map(|l| l.start);
        let stops = same_unit.filter_map(|l| l.stop);
        well.start = starts.reduce(f64::min).or(well.start);
        well.stop = stops.reduce(f64::max).or(well.stop);
        well
    }

    fn sort(&mut self) {
        self.wells.sort_by(|a, b| a.well_id.cmp(&b.well_id));
        self.logs
            .sort_by(|a, b| (&a.well_id, &a.log_id).cmp(&(&b.well_id, &b.log_id)));
        // Stable: curves of one log keep their file order.
        self.curves
            .sort_by(|a, b| (&a.well_id, &a.log_id).cmp(&(&b.well_id, &b.log_id)));
    }
}

/// The existing row wins field by field; the new file fills what it left blank.
fn merge_well(existing: WellRow, new: WellRow) -> WellRow {
    let (lat, lon, location_confidence) = if existing.lat.is_some() && existing.lon.is_some() {
        (existing.lat, existing.lon, existing.location_confidence)
    } else {
        (new.lat, new.lon, new.location_confidence)
    };
    WellRow {
        well_id: existing.well_id,
        name: existing.name.or(new.name),
        uwi: existing.uwi.or(new.uwi),
        api: existing.api.or(new.api),
        company: existing.company.or(new.company),
        field: existing.field.or(new.field),
        country: existing.country.or(new.country),
        lat,
        lon,
        location_confidence,
        start: existing.start.or(new.start),
        stop: existing.stop.or(new.stop),
        step: existing.step.or(new.step),
        depth_unit: existing.depth_unit.or(new.depth_unit),
        n_logs: existing.n_logs,
        source_files: existing.source_files,
    }
}

// -------------------------------------------------------------------------------------------------------
// Reading and writing the catalogs
// -------------------------------------------------------------------------------------------------------

pub mod tops;

impl Catalog {
    /// Decodes one stored catalog object into these catalogs' rows of its kind (the edge worker reads
    /// the three objects from its bucket; the native store from its storage manager).
    pub fn decode_object(&mut self, kind: CatalogType, bytes: Bytes) -> Result<()> {
        match kind {
            CatalogType::Wells => self.wells = decode_rows(bytes, wells_from_batch)?,
            CatalogType::Logs => self.logs = decode_rows(bytes, logs_from_batch)?,
            CatalogType::Curves => self.curves = decode_rows(bytes, curves_from_batch)?,
            other => {
                return Err(Error::new(
                    ErrorKind::Unsupported,
                    format!("`{other:?}` is not one of the wells, logs and curves catalogs"),
                ));
            }
        }
        Ok(())
    }

    /// The three catalogs as stored objects, in the order they must be written (curves, logs, wells: a
    /// well listed is always fully listed).
    pub fn encode_objects(&self) -> Result<[(CatalogType, Bytes); 3]> {
        self.encode_objects_with(&[])
    }

    /// As [`Catalog::encode_objects`], with `metadata` as each object's key-value metadata (a view of
    /// the tables names the snapshots it shows there).
    pub fn encode_objects_with(&self, metadata: &[(String, String)]) -> Result<[(CatalogType, Bytes); 3]> {
        Ok([
            (
                CatalogType::Curves,
                encode(&curves_to_batch(&self.curves)?, metadata)?,
            ),
            (CatalogType::Logs, encode(&logs_to_batch(&self.logs)?, metadata)?),
            (
                CatalogType::Wells,
                encode(&wells_to_batch(&self.wells)?, metadata)?,
            ),
        ])
    }
}

/// A stored catalog object's key-value metadata.
pub fn object_metadata(bytes: Bytes) -> Result<std::collections::HashMap<String, String>> {
    let reader = ParquetRecordBatchReaderBuilder::try_new(bytes)?;
    Ok(reader
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .into_iter()
        .flatten()
        .filter_map(|kv| Some((kv.key.clone(), kv.value.clone()?)))
        .collect())
}

fn decode_rows<T>(bytes: Bytes, from_batch: fn(&RecordBatch) -> Result<Vec<T>>) -> Result<Vec<T>> {
    let mut rows = Vec::new();
    for batch in decode(bytes)? {
        rows.extend(from_batch(&batch)?);
    }
    Ok(rows)
}

fn encode(batch: &RecordBatch, metadata: &[(String, String)]) -> Result<Bytes> {
    let kv: Vec<parquet::file::metadata::KeyValue> = metadata
        .iter()
        .map(|(k, v)| parquet::file::metadata::KeyValue::new(k.clone(), v.clone()))
        .collect();
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_key_value_metadata((!kv.is_empty()).then_some(kv))
        .build();
    let mut buf = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut buf, batch.schema(), Some(props))?;
    writer.write(batch)?;
    writer.close()?;
    Ok(Bytes::from(buf))
}

fn decode(bytes: Bytes) -> Result<Vec<RecordBatch>> {
    let reader = ParquetRecordBatchReaderBuilder::try_new(bytes)?.build()?;
    reader.map(|b| b.map_err(Error::from)).collect()
}

fn schema_error(column: &str, expected: &str) -> Error {
    Error::new(
        ErrorKind::Unexpected,
        format!(
            "catalog column `{column}` is missing or not {expected}: the catalog was written by another \
             version of MudRock; re-ingest the project's files into a new project"
        ),
    )
}

fn strings<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a StringArray> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_string_opt::<i32>())
        .ok_or_else(|| schema_error(name, "text"))
}

fn floats<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a Float64Array> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_primitive_opt::<Float64Type>())
        .ok_or_else(|| schema_error(name, "float64"))
}

fn u64s<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a UInt64Array> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_primitive_opt::<UInt64Type>())
        .ok_or_else(|| schema_error(name, "uint64"))
}

fn u32s<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a UInt32Array> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_primitive_opt::<UInt32Type>())
        .ok_or_else(|| schema_error(name, "uint32"))
}

fn opt_str(a: &StringArray, i: usize) -> Option<String> {
    a.is_valid(i).then(|| a.value(i).to_owned())
}

fn req_str(a: &StringArray, i: usize) -> String {
    if a.is_valid(i) {
        a.value(i).to_owned()
    } else {
        String::new()
    }
}

fn opt_f64(a: &Float64Array, i: usize) -> Option<f64> {
    a.is_valid(i).then(|| a.value(i))
}

fn text(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Utf8, nullable)
}

fn float(name: &str) -> Field {
    Field::new(name, DataType::Float64, true)
}

fn str_array<'a>(values: impl Iterator<Item = Option<&'a str>>) -> ArrayRef {
    Arc::new(values.collect::<StringArray>())
}

fn f64_array(values: impl Iterator<Item = Option<f64>>) -> ArrayRef {
    Arc::new(values.collect::<Float64Array>())
}

fn wells_schema() -> Schema {
    let list = DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)));
    Schema::new(vec![
        text("well_id", false),
        text("name", true),
        text("uwi", true),
        text("api", true),
        text("company", true),
        text("field", true),
        text("country", true),
        float("lat"),
        float("lon"),
        text("location_confidence", true),
        float("start"),
        float("stop"),
        float("step"),
        text("depth_unit", true),
        Field::new("n_logs", DataType::UInt32, false),
        Field::new("source_files", list, false),
    ])
}

fn wells_to_batch(rows: &[WellRow]) -> Result<RecordBatch> {
    let mut files =
        ListBuilder::new(StringBuilder::new()).with_field(Arc::new(Field::new("item", DataType::Utf8, true)));
    for row in rows {
        for f in &row.source_files {
            files.values().append_value(f);
        }
        files.append(true);
    }
    let columns: Vec<ArrayRef> = vec![
        str_array(rows.iter().map(|r| Some(r.well_id.as_str()))),
        str_array(rows.iter().map(|r| r.name.as_deref())),
        str_array(rows.iter().map(|r| r.uwi.as_deref())),
        str_array(rows.iter().map(|r| r.api.as_deref())),
        str_array(rows.iter().map(|r| r.company.as_deref())),
        str_array(rows.iter().map(|r| r.field.as_deref())),
        str_array(rows.iter().map(|r| r.country.as_deref())),
        f64_array(rows.iter().map(|r| r.lat)),
        f64_array(rows.iter().map(|r| r.lon)),
        str_array(rows.iter().map(|r| r.location_confidence.as_deref())),
        f64_array(rows.iter().map(|r| r.start)),
        f64_array(rows.iter().map(|r| r.stop)),
        f64_array(rows.iter().map(|r| r.step)),
        str_array(rows.iter().map(|r| r.depth_unit.as_deref())),
        Arc::new(rows.iter().map(|r| r.n_logs).collect::<UInt32Array>()),
        Arc::new(files.finish()),
    ];
    Ok(RecordBatch::try_new(Arc::new(wells_schema()), columns)?)
}

fn wells_from_batch(b: &RecordBatch) -> Result<Vec<WellRow>> {
    let (id, name, uwi, api) = (
        strings(b, "well_id")?,
        strings(b, "name")?,
        strings(b, "uwi")?,
        strings(b, "api")?,
    );
    let (company, field, country) = (
        strings(b, "company")?,
        strings(b, "field")?,
        strings(b, "country")?,
    );
    let (lat, lon, conf) = (
        floats(b, "lat")?,
        floats(b, "lon")?,
        strings(b, "location_confidence")?,
    );
    let (start, stop, step, unit) = (
        floats(b, "start")?,
        floats(b, "stop")?,
        floats(b, "step")?,
        strings(b, "depth_unit")?,
    );
    let n_logs = u32s(b, "n_logs")?;
    let files = b
        .column_by_name("source_files")
        .and_then(|c| c.as_list_opt::<i32>())
        .ok_or_else(|| schema_error("source_files", "a list of text"))?;
    (0..b.num_rows())
        .map(|i| {
            let list = files.value(i);
            let names = list
                .as_string_opt::<i32>()
                .ok_or_else(|| schema_error("source_files", "a list of text"))?;
            Ok(WellRow {
                well_id: req_str(id, i),
                name: opt_str(name, i),
                uwi: opt_str(uwi, i),
                api: opt_str(api, i),
                company: opt_str(company, i),
                field: opt_str(field, i),
                country: opt_str(country, i),
                lat: opt_f64(lat, i),
                lon: opt_f64(lon, i),
                location_confidence: opt_str(conf, i),
                start: opt_f64(start, i),
                stop: opt_f64(stop, i),
                step: opt_f64(step, i),
                depth_unit: opt_str(unit, i),
                n_logs: n_logs.value(i),
                source_files: (0..names.len()).map(|j| req_str(names, j)).collect(),
            })
        })
        .collect()
}

fn logs_schema() -> Schema {
    Schema::new(vec![
        text("well_id", false),
        text("log_id", false),
        text("data_set", false),
        text("source_file", false),
        text("sha256", false),
        Field::new("rows", DataType::UInt64, false),
        Field::new("curves", DataType::UInt32, false),
        float("start"),
        float("stop"),
        float("step"),
        text("depth_unit", true),
        Field::new("bytes", DataType::UInt64, false),
    ])
}

fn logs_to_batch(rows: &[LogRow]) -> Result<RecordBatch> {
    let columns: Vec<ArrayRef> = vec![
        str_array(rows.iter().map(|r| Some(r.well_id.as_str()))),
        str_array(rows.iter().map(|r| Some(r.log_id.as_str()))),
        str_array(rows.iter().map(|r| Some(r.data_set.as_str()))),
        str_array(rows.iter().map(|r| Some(r.source_file.as_str()))),
        str_array(rows.iter().map(|r| Some(r.sha256.as_str()))),
        Arc::new(rows.iter().map(|r| r.rows).collect::<UInt64Array>()),
        Arc::new(rows.iter().map(|r| r.curves).collect::<UInt32Array>()),
        f64_array(rows.iter().map(|r| r.start)),
        f64_array(rows.iter().map(|r| r.stop)),
        f64_array(rows.iter().map(|r| r.step)),
        str_array(rows.iter().map(|r| r.depth_unit.as_deref())),
        Arc::new(rows.iter().map(|r| r.bytes).collect::<UInt64Array>()),
    ];
    Ok(RecordBatch::try_new(Arc::new(logs_schema()), columns)?)
}

fn logs_from_batch(b: &RecordBatch) -> Result<Vec<LogRow>> {
    let (well, log, data_set) = (
        strings(b, "well_id")?,
        strings(b, "log_id")?,
        strings(b, "data_set")?,
    );
    let (source, sha) = (strings(b, "source_file")?, strings(b, "sha256")?);
    let (rows, curves, bytes) = (u64s(b, "rows")?, u32s(b, "curves")?, u64s(b, "bytes")?);
    let (start, stop, step, unit) = (
        floats(b, "start")?,
        floats(b, "stop")?,
        floats(b, "step")?,
        strings(b, "depth_unit")?,
    );
    Ok((0..b.num_rows())
        .map(|i| LogRow {
            well_id: req_str(well, i),
            log_id: req_str(log, i),
            data_set: req_str(data_set, i),
            source_file: req_str(source, i),
            sha256: req_str(sha, i),
            rows: rows.value(i),
            curves: curves.value(i),
            start: opt_f64(start, i),
            stop: opt_f64(stop, i),
            step: opt_f64(step, i),
            depth_unit: opt_str(unit, i),
            bytes: bytes.value(i),
        })
        .collect())
}

fn curves_schema() -> Schema {
    Schema::new(vec![
        text("well_id", false),
        text("log_id", false),
        text("mnemonic", false),
        text("unit", false),
        text("family", false),
        text("description", false),
        float("min"),
        float("max"),
        Field::new("null_count", DataType::UInt64, false),
        Field::new("rows", DataType::UInt64, false),
    ])
}

fn curves_to_batch(rows: &[CurveRow]) -> Result<RecordBatch> {
    let columns: Vec<ArrayRef> = vec![
        str_array(rows.iter().map(|r| Some(r.well_id.as_str()))),
        str_array(rows.iter().map(|r| Some(r.log_id.as_str()))),
        str_array(rows.iter().map(|r| Some(r.mnemonic.as_str()))),
        str_array(rows.iter().map(|r| Some(r.unit.as_str()))),
        str_array(rows.iter().map(|r| Some(r.family.as_str()))),
        str_array(rows.iter().map(|r| Some(r.description.as_str()))),
        f64_array(rows.iter().map(|r| r.min)),
        f64_array(rows.iter().map(|r| r.max)),
        Arc::new(rows.iter().map(|r| r.null_count).collect::<UInt64Array>()),
        Arc::new(rows.iter().map(|r| r.rows).collect::<UInt64Array>()),
    ];
    Ok(RecordBatch::try_new(Arc::new(curves_schema()), columns)?)
}

fn curves_from_batch(b: &RecordBatch) -> Result<Vec<CurveRow>> {
    let (well, log, mnemonic) = (
        strings(b, "well_id")?,
        strings(b, "log_id")?,
        strings(b, "mnemonic")?,
    );
    let (unit, family, description) = (
        strings(b, "unit")?,
        strings(b, "family")?,
        strings(b, "description")?,
    );
    let (min, max) = (floats(b, "min")?, floats(b, "max")?);
    let (nulls, rows) = (u64s(b, "null_count")?, u64s(b, "rows")?);
    Ok((0..b.num_rows())
        .map(|i| CurveRow {
            well_id: req_str(well, i),
            log_id: req_str(log, i),
            mnemonic: req_str(mnemonic, i),
            unit: req_str(unit, i),
            family: req_str(family, i),
            description: req_str(description, i),
            min: opt_f64(min, i),
            max: opt_f64(max, i),
            null_count: nulls.value(i),
            rows: rows.value(i),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn well(id: &str, name: Option<&str>) -> WellRow {
        WellRow {
            well_id: id.to_owned(),
            name: name.map(str::to_owned),
            uwi: Some("0512345678".to_owned()),
            api: None,
            company: None,
            field: Some("F".to_owned()),
            country: None,
            lat: Some(40.5),
            lon: Some(-104.25),
            location_confidence: Some("high".to_owned()),
            start: Some(100.0),
            stop: Some(200.0),
            step: Some(0.5),
            depth_unit: Some("F".to_owned()),
            n_logs: 0,
            source_files: Vec::new(),
        }
    }

    fn entry(well_id: &str, log_id: &str, file: &str, start: f64, stop: f64) -> LogEntry {
        LogEntry {
            well: WellRow {
                start: Some(start),
                stop: Some(stop),
                ..well(well_id, Some("W"))
            },
            log: LogRow {
                well_id: well_id.to_owned(),
                log_id: log_id.to_owned(),
                data_set: "Log".to_owned(),
                source_file: file.to_owned(),
                sha256: format!("sha-{log_id}"),
                rows: 201,
                curves: 2,
                start: Some(start),
                stop: Some(stop),
                step: Some(0.5),
                depth_unit: Some("F".to_owned()),
                bytes: 1000,
            },
            curves: vec![
                CurveRow {
                    well_id: well_id.to_owned(),
                    log_id: log_id.to_owned(),
                    mnemonic: "DEPT".to_owned(),
                    unit: "F".to_owned(),
                    family: "Index".to_owned(),
                    description: String::new(),
                    min: Some(start),
                    max: Some(stop),
                    null_count: 0,
                    rows: 201,
                },
                CurveRow {
                    well_id: well_id.to_owned(),
                    log_id: log_id.to_owned(),
                    mnemonic: "GR".to_owned(),
                    unit: "GAPI".to_owned(),
                    family: "GammaRay".to_owned(),
                    description: "GAMMA".to_owned(),
                    min: None,
                    max: None,
                    null_count: 201,
                    rows: 201,
                },
            ],
        }
    }

    #[test]
    fn upsert_is_idempotent_and_aggregates_logs() {
        let mut c = Catalog::default();
        c.upsert(entry("w1", "log-a", "a.las", 100.0, 200.0));
        let once = c.clone();
        c.upsert(entry("w1", "log-a", "a.las", 100.0, 200.0));
        assert_eq!(c, once);
        c.upsert(entry("w1", "log-b", "b.las", 50.0, 150.0));
        c.upsert(entry("w0", "log-c", "c.las", 1.0, 2.0));
        assert_eq!(c.wells.len(), 2);
        assert_eq!(c.wells[0].well_id, "w0");
        let w1 = &c.wells[1];
        assert_eq!(w1.n_logs, 2);
        assert_eq!(w1.source_files, vec!["a.las", "b.las"]);
        assert_eq!((w1.start, w1.stop), (Some(50.0), Some(200.0)));
        assert_eq!(c.curves.len(), 6);
        assert_eq!(
            c.curves[2].mnemonic, "DEPT",
            "curves keep file order within a log"
        );
        assert!(c.log_by_sha256("sha-log-b").is_some());
    }

    mod any_rows {
        use proptest::prelude::*;

        use super::super::*;

        fn text() -> impl Strategy<Value = String> {
            // Any Unicode, empty included, and the characters a CSV or a path would choke on.
            prop_oneof!["\\PC{0,12}", "[,;\"'\\\\/ .~#-]{0,6}", Just(String::new())]
        }

        fn number() -> impl Strategy<Value = Option<f64>> {
            proptest::option::of(prop_oneof![
                proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO,
                Just(f64::MAX),
                Just(f64::MIN_POSITIVE),
                Just(-0.0),
            ])
        }

        prop_compose! {
            fn well_row()(
                well_id in text(), name in proptest::option::of(text()), uwi in proptest::option::of(text()),
                api in proptest::option::of(text()), company in proptest::option::of(text()),
                country in proptest::option::of(text()), lat in number(), lon in number(),
                start in number(), stop in number(), step in number(),
                depth_unit in proptest::option::of(text()), n_logs in any::<u32>(),
                source_files in proptest::collection::vec(text(), 0..3),
            ) -> WellRow {
                WellRow {
                    well_id, name, uwi, api, company, field: None, country, lat, lon,
                    location_confidence: None, start, stop, step, depth_unit, n_logs, source_files,
                }
            }
        }

        prop_compose! {
            fn log_row()(
                well_id in text(), log_id in text(), data_set in text(), source_file in text(),
                sha256 in text(), rows in any::<u64>(), curves in any::<u32>(), start in number(),
                stop in number(), step in number(), depth_unit in proptest::option::of(text()),
                bytes in any::<u64>(),
            ) -> LogRow {
                LogRow {
                    well_id, log_id, data_set, source_file, sha256, rows, curves, start, stop, step,
                    depth_unit, bytes,
                }
            }
        }

        prop_compose! {
            fn curve_row()(
                well_id in text(), log_id in text(), mnemonic in text(), unit in text(), family in text(),
                description in text(), min in number(), max in number(), null_count in any::<u64>(),
                rows in any::<u64>(),
            ) -> CurveRow {
                CurveRow { well_id, log_id, mnemonic, unit, family, description, min, max, null_count, rows }
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]

            /// Whatever the rows hold, a catalog written as Parquet reads back equal.
            #[test]
            fn any_catalog_reads_back_equal(
                wells in proptest::collection::vec(well_row(), 0..6),
                logs in proptest::collection::vec(log_row(), 0..6),
                curves in proptest::collection::vec(curve_row(), 0..6),
            ) {
                let back = decode(encode(&wells_to_batch(&wells).unwrap(), &[]).unwrap()).unwrap();
                let read: Vec<WellRow> = back.iter().flat_map(|b| wells_from_batch(b).unwrap()).collect();
                prop_assert_eq!(read, wells);
                let back = decode(encode(&logs_to_batch(&logs).unwrap(), &[]).unwrap()).unwrap();
                let read: Vec<LogRow> = back.iter().flat_map(|b| logs_from_batch(b).unwrap()).collect();
                prop_assert_eq!(read, logs);
                let back = decode(encode(&curves_to_batch(&curves).unwrap(), &[]).unwrap()).unwrap();
                let read: Vec<CurveRow> = back.iter().flat_map(|b| curves_from_batch(b).unwrap()).collect();
                prop_assert_eq!(read, curves);
            }
        }
    }

    #[test]
    fn catalogs_round_trip_through_parquet() {
        let mut c = Catalog::default();
        c.upsert(entry("w1", "log-a", "a.las", 100.0, 200.0));
        let mut no_name = entry("w2", "log-b", "b.las", 1.0, 2.0);
        no_name.well.name = None;
        no_name.well.lat = None;
        c.upsert(no_name);
        let wells =
            wells_from_batch(&decode(encode(&wells_to_batch(&c.wells).unwrap(), &[]).unwrap()).unwrap()[0]);
        assert_eq!(wells.unwrap(), c.wells);
        let logs =
            logs_from_batch(&decode(encode(&logs_to_batch(&c.logs).unwrap(), &[]).unwrap()).unwrap()[0]);
        assert_eq!(logs.unwrap(), c.logs);
        let curves = curves_from_batch(
            &decode(encode(&curves_to_batch(&c.curves).unwrap(), &[]).unwrap()).unwrap()[0],
        );
        assert_eq!(curves.unwrap(), c.curves);
        // Same catalog, same bytes.
        let a = encode(&wells_to_batch(&c.wells).unwrap(), &[]).unwrap();
        let b = encode(&wells_to_batch(&c.wells).unwrap(), &[]).unwrap();
        assert_eq!(a, b);
        // What a view says it shows travels in each object's key-value metadata.
        let named = [("mudrock.view.logs-snapshot".to_owned(), "42".to_owned())];
        let [(_, first), ..] = c.encode_objects_with(&named).unwrap();
        let metadata = object_metadata(first).unwrap();
        assert_eq!(metadata["mudrock.view.logs-snapshot"], "42");
        assert!(
            !object_metadata(a)
                .unwrap()
                .contains_key("mudrock.view.logs-snapshot")
        );
    }

    /// The objects the native store writes are what the edge worker decodes, kind by kind; a wrong kind
    /// or broken bytes are errors, not empty catalogs.
    #[test]
    fn stored_objects_decode_back_by_kind() {
        let mut c = Catalog::default();
        c.upsert(entry("w1", "log-a", "a.las", 100.0, 200.0));
        c.upsert(entry("w2", "log-b", "b.las", 1.0, 2.0));
        let objects = c.encode_objects().unwrap();
        let order: Vec<CatalogType> = objects.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            order,
            [CatalogType::Curves, CatalogType::Logs, CatalogType::Wells],
            "wells last"
        );
        let mut back = Catalog::default();
        for (kind, bytes) in objects.clone() {
            back.decode_object(kind, bytes).unwrap();
        }
        assert_eq!(back, c);
        let wells_bytes = objects[2].1.clone();
        assert!(
            back.decode_object(CatalogType::Logs, wells_bytes).is_err(),
            "wells bytes as logs"
        );
        assert!(
            back.decode_object(CatalogType::Wells, Bytes::from_static(b"not parquet"))
                .is_err()
        );
    }

    #[test]
    fn empty_catalogs_encode() {
        let batch = wells_to_batch(&[]).unwrap();
        let decoded = decode(encode(&batch, &[]).unwrap()).unwrap();
        assert!(decoded.iter().all(|b| wells_from_batch(b).unwrap().is_empty()));
    }
}
