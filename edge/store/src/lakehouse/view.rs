//! The Parquet catalogs (wells, logs, curves) as a view of the tables.
//!
//! With the tables on, what a project holds is what the `logs` and `curves` tables say: a log is in
//! the project once its `logs` row is committed, which an ingest does last (after `well_logs`,
//! `curves` and `wells`). The Parquet catalogs that the browser, the worker and current-state SQL
//! read are derived from those two tables ([`Lakehouse::catalog_view`]) and name the snapshots they
//! show ([`ViewVersion`], in each object's key-value metadata). Any process can rebuild them; an ingest
//! rebuilds them after its commits until the tables did not move while it wrote (see
//! `Ingestor::refresh_views`), so of two processes ingesting at once the last view written shows
//! both, and a process killed between its commit and its view is made up for by the next writer.
//!
//! The wells catalog is merged from the logs' rows: each log records its well as its header described
//! it, and the first ingested log's values win field by field (later logs fill blanks), as before.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, ArrayRef, Float64Array, Int64Array, RecordBatch};
use futures::TryStreamExt;
use iceberg::table::Table;
use mudrock_core::layout::ProjectId;

use super::tables::{LOG_ID, LakeTable, WELL_ID};
use super::{Lakehouse, strings};
use crate::catalog::{Catalog, CurveRow, LogEntry, LogRow, WellRow};
use crate::error::{Error, ErrorKind, Result};

/// The key-value metadata key of a catalog object naming the `logs` snapshot it shows.
pub const VIEW_LOGS_KEY: &str = "mudrock.view.logs-snapshot";
/// … and the `curves` snapshot.
pub const VIEW_CURVES_KEY: &str = "mudrock.view.curves-snapshot";
/// The source a snapshot summary names for the commits that took a project's old catalogs in.
pub const ADOPTED_SOURCE: &str = "adopted-parquet-catalogs";

/// The table state a catalog view shows: the current snapshots of `logs` and `curves` (`None`: the
/// table had no commit yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ViewVersion {
    pub logs: Option<i64>,
    pub curves: Option<i64>,
}

impl ViewVersion {
    /// As key-value metadata of a catalog object.
    pub fn to_metadata(self) -> Vec<(String, String)> {
        let text = |v: Option<i64>| v.map_or_else(|| "none".to_owned(), |id| id.to_string());
        vec![
            (VIEW_LOGS_KEY.to_owned(), text(self.logs)),
            (VIEW_CURVES_KEY.to_owned(), text(self.curves)),
        ]
    }

    /// From a catalog object's key-value metadata; `None` for a catalog that is not a view (written
    /// before the tables were the record, or with the tables off).
    pub fn from_metadata(metadata: &HashMap<String, String>) -> Option<ViewVersion> {
        let id = |key: &str| -> Option<Option<i64>> {
            let text = metadata.get(key)?;
            if text == "none" {
                Some(None)
            } else {
                text.parse().ok().map(Some)
            }
        };
        Some(ViewVersion {
            logs: id(VIEW_LOGS_KEY)?,
            curves: id(VIEW_CURVES_KEY)?,
        })
    }
}

impl Lakehouse {
    /// The snapshots a view built now would show.
    pub async fn view_version(&self, project: &ProjectId) -> Result<ViewVersion> {
        let logs = self.table(project, LakeTable::Logs).await?;
        let curves = self.table(project, LakeTable::Curves).await?;
        Ok(ViewVersion {
            logs: logs.metadata().current_snapshot_id(),
            curves: curves.metadata().current_snapshot_id(),
        })
    }

    /// The catalogs as the tables hold them now, and the snapshots they show.
    pub async fn catalog_view(&self, project: &ProjectId) -> Result<(Catalog, ViewVersion)> {
        let logs_table = self.table(project, LakeTable::Logs).await?;
        let curves_table = self.table(project, LakeTable::Curves).await?;
        let version = ViewVersion {
            logs: logs_table.metadata().current_snapshot_id(),
            curves: curves_table.metadata().current_snapshot_id(),
        };
        let mut entries = log_entries(&self.scan(&logs_table, version.logs).await?)?;
        // Ingest order: the first log of a well gives its header (ties, as two processes committing
        // in one millisecond, by log id so that every rebuild agrees).
        entries.sort_by(|a, b| (a.0, &a.1.log.log_id).cmp(&(b.0, &b.1.log.log_id)));
        let listed: HashSet<String> = entries.iter().map(|(_, e)| e.log.log_id.clone()).collect();
        let mut curves: HashMap<String, Vec<CurveRow>> = HashMap::new();
        let mut seen: HashSet<(String, String)> = HashSet::new();
        for row in curve_rows(&self.scan(&curves_table, version.curves).await?)? {
            // Only the curves of listed logs (a log whose `logs` row is not committed is not in the
            // project yet), each once (two processes ingesting one file both commit its curves).
            if listed.contains(&row.log_id) && seen.insert((row.log_id.clone(), row.mnemonic.clone())) {
                curves.entry(row.log_id.clone()).or_default().push(row);
            }
        }
        let mut catalog = Catalog::default();
        let mut done: HashSet<String> = HashSet::new();
        for (_, mut entry) in entries {
            if !done.insert(entry.log.log_id.clone()) {
                continue;
            }
            entry.curves = curves.remove(&entry.log.log_id).unwrap_or_default();
            catalog.upsert(entry);
        }
        Ok((catalog, version))
    }

    /// The columns of `logs` rows for `entries` (their curves are not used), each with the time it was
    /// ingested.
    pub(super) fn log_row_columns(entries: &[(&LogEntry, i64)]) -> HashMap<String, ArrayRef> {
        let text = |f: &dyn Fn(&LogEntry) -> Option<&str>| strings(entries.iter().map(|(e, _)| f(e)));
        let number = |f: &dyn Fn(&LogEntry) -> Option<f64>| {
            Arc::new(Float64Array::from_iter(entries.iter().map(|(e, _)| f(e)))) as ArrayRef
        };
        let long = |f: &dyn Fn(&LogEntry) -> Option<i64>| {
            Arc::new(Int64Array::from_iter(entries.iter().map(|(e, _)| f(e)))) as ArrayRef
        };
        HashMap::from([
            (WELL_ID.to_owned(), text(&|e| Some(&e.log.well_id))),
            (LOG_ID.to_owned(), text(&|e| Some(&e.log.log_id))),
            ("data_set".to_owned(), text(&|e| Some(&e.log.data_set))),
            ("source_file".to_owned(), text(&|e| Some(&e.log.source_file))),
            ("sha256".to_owned(), text(&|e| Some(&e.log.sha256))),
            ("rows".to_owned(), long(&|e| i64::try_from(e.log.rows).ok())),
            ("curves".to_owned(), long(&|e| Some(i64::from(e.log.curves)))),
            ("start".to_owned(), number(&|e| e.log.start)),
            ("stop".to_owned(), number(&|e| e.log.stop)),
            ("step".to_owned(), number(&|e| e.log.step)),
            ("depth_unit".to_owned(), text(&|e| e.log.depth_unit.as_deref())),
            ("bytes".to_owned(), long(&|e| i64::try_from(e.log.bytes).ok())),
            (
                "ingested_at_ms".to_owned(),
                Arc::new(Int64Array::from_iter_values(entries.iter().map(|(_, at)| *at))) as ArrayRef,
            ),
            ("name".to_owned(), text(&|e| e.well.name.as_deref())),
            ("uwi".to_owned(), text(&|e| e.well.uwi.as_deref())),
            ("api".to_owned(), text(&|e| e.well.api.as_deref())),
            ("company".to_owned(), text(&|e| e.well.company.as_deref())),
            ("field".to_owned(), text(&|e| e.well.field.as_deref())),
            ("country".to_owned(), text(&|e| e.well.country.as_deref())),
            ("lat".to_owned(), number(&|e| e.well.lat)),
            ("lon".to_owned(), number(&|e| e.well.lon)),
            (
                "location_confidence".to_owned(),
                text(&|e| e.well.location_confidence.as_deref()),
            ),
        ])
    }

    /// Takes a project's catalogs from before the tables were the record into the tables, once (the
    /// commit that does it is marked [`ADOPTED_SOURCE`]): every log of `legacy` that `logs` lacks goes
    /// into `logs` (with its well as the catalog had it), and its curves into `curves` where that table
    /// lacks them. Logs that were only in the catalogs (ingested with the tables off) are kept that
    /// way. Returns how many logs were taken.
    pub async fn adopt_catalog(&self, project: &ProjectId, legacy: &Catalog) -> Result<usize> {
        let logs_table = self.table(project, LakeTable::Logs).await?;
        let adopted = logs_table
            .metadata()
            .snapshots()
            .any(|s| super::sources_of(s).any(|x| x == ADOPTED_SOURCE));
        if adopted || legacy.logs.is_empty() {
            return Ok(0);
        }
        let present: HashSet<String> = log_entries(
            &self
                .scan(&logs_table, logs_table.metadata().current_snapshot_id())
                .await?,
        )?
        .into_iter()
        .map(|(_, e)| e.log.log_id)
        .collect();
        let legacy_logs: Vec<&LogRow> = legacy
            .logs
            .iter()
            .filter(|l| !present.contains(&l.log_id))
            .collect();
        if legacy_logs.is_empty() {
            return Ok(0);
        }
        let curves_table = self.table(project, LakeTable::Curves).await?;
        let version = curves_table.metadata().current_snapshot_id();
        let in_curves: HashSet<String> = curve_rows(&self.scan(&curves_table, version).await?)?
            .into_iter()
            .map(|c| c.log_id)
            .collect();
        let missing: Vec<&CurveRow> = legacy
            .curves
            .iter()
            .filter(|c| !in_curves.contains(&c.log_id))
            .collect();
        let summary = super::summary(ADOPTED_SOURCE, "the Parquet catalogs");
        if !missing.is_empty() {
            let columns = super::curve_columns(&missing);
            let files = self
                .write(&curves_table, &columns, missing.len(), ADOPTED_SOURCE)
                .await?;
            self.commit(&curves_table, files, summary.clone(), false).await?;
        }
        let entries: Vec<LogEntry> = legacy_logs
            .iter()
            .map(|&log| LogEntry {
                well: legacy
                    .wells
                    .iter()
                    .find(|w| w.well_id == log.well_id)
                    .cloned()
                    .unwrap_or_else(|| WellRow::bare(&log.well_id)),
                log: log.clone(),
                curves: Vec::new(),
            })
            .collect();
        // The catalogs kept no ingest times: catalog order stands in for them.
        let rows: Vec<(&LogEntry, i64)> = entries.iter().zip(0..).collect();
        let columns = Self::log_row_columns(&rows);
        let files = self
            .write(&logs_table, &columns, rows.len(), ADOPTED_SOURCE)
            .await?;
        self.commit(&logs_table, files, summary, false).await?;
        Ok(rows.len())
    }

    /// Every row of `table` at `snapshot` (none before its first commit).
    async fn scan(&self, table: &Table, snapshot: Option<i64>) -> Result<Vec<RecordBatch>> {
        let Some(snapshot) = snapshot else {
            return Ok(Vec::new());
        };
        let scan = table
            .scan()
            .snapshot_id(snapshot)
            .build()
            .map_err(self.err("scan a table"))?;
        scan.to_arrow()
            .await
            .map_err(self.err("scan a table"))?
            .try_collect()
            .await
            .map_err(self.err("scan a table"))
    }
}

/// (ingested at, the entry without curves) for every `logs` row.
fn log_entries(batches: &[RecordBatch]) -> Result<Vec<(i64, LogEntry)>> {
    let mut out = Vec::new();
    for batch in batches {
        let c = Columns(batch);
        for i in 0..batch.num_rows() {
            let log = LogRow {
                well_id: c.text(WELL_ID, i)?.unwrap_or_default(),
                log_id: c.text(LOG_ID, i)?.unwrap_or_default(),
                data_set: c.text("data_set", i)?.unwrap_or_default(),
                source_file: c.text("source_file", i)?.unwrap_or_default(),
                sha256: c.text("sha256", i)?.unwrap_or_default(),
                rows: c
                    .long("rows", i)?
                    .and_then(|v| u64::try_from(v).ok())
                    .unwrap_or(0),
                curves: c
                    .long("curves", i)?
                    .and_then(|v| u32::try_from(v).ok())
                    .unwrap_or(0),
                start: c.number("start", i)?,
                stop: c.number("stop", i)?,
                step: c.number("step", i)?,
                depth_unit: c.text("depth_unit", i)?,
                bytes: c
                    .long("bytes", i)?
                    .and_then(|v| u64::try_from(v).ok())
                    .unwrap_or(0),
            };
            let well = WellRow {
                well_id: log.well_id.clone(),
                name: c.text("name", i)?,
                uwi: c.text("uwi", i)?,
                api: c.text("api", i)?,
                company: c.text("company", i)?,
                field: c.text("field", i)?,
                country: c.text("country", i)?,
                lat: c.number("lat", i)?,
                lon: c.number("lon", i)?,
                location_confidence: c.text("location_confidence", i)?,
                start: log.start,
                stop: log.stop,
                step: log.step,
                depth_unit: log.depth_unit.clone(),
                n_logs: 0,
                source_files: Vec::new(),
            };
            let at = c.long("ingested_at_ms", i)?.unwrap_or(0);
            out.push((
                at,
                LogEntry {
                    well,
                    log,
                    curves: Vec::new(),
                },
            ));
        }
    }
    Ok(out)
}

fn curve_rows(batches: &[RecordBatch]) -> Result<Vec<CurveRow>> {
    let mut out = Vec::new();
    for batch in batches {
        let c = Columns(batch);
        for i in 0..batch.num_rows() {
            out.push(CurveRow {
                well_id: c.text(WELL_ID, i)?.unwrap_or_default(),
                log_id: c.text(LOG_ID, i)?.unwrap_or_default(),
                mnemonic: c.text("mnemonic", i)?.unwrap_or_default(),
                unit: c.text("unit", i)?.unwrap_or_default(),
                family: c.text("family", i)?.unwrap_or_default(),
                description: c.text("description", i)?.unwrap_or_default(),
                min: c.number("min", i)?,
                max: c.number("max", i)?,
                null_count: c
                    .long("null_count", i)?
                    .and_then(|v| u64::try_from(v).ok())
                    .unwrap_or(0),
                rows: c
                    .long("rows", i)?
                    .and_then(|v| u64::try_from(v).ok())
                    .unwrap_or(0),
            });
        }
    }
    Ok(out)
}

/// A table's batch read by column name.
struct Columns<'a>(&'a RecordBatch);

impl Columns<'_> {
    fn column(&self, name: &str) -> Result<&ArrayRef> {
        self.0.column_by_name(name).ok_or_else(|| {
            Error::new(
                ErrorKind::Unexpected,
                format!("the table has no column `{name}`: it was made by another version of MudRock"),
            )
        })
    }

    fn text(&self, name: &str, row: usize) -> Result<Option<String>> {
        let column = self.column(name)?;
        let values = column
            .as_string_opt::<i32>()
            .ok_or_else(|| wrong_type(name, "text"))?;
        Ok(values.is_valid(row).then(|| values.value(row).to_owned()))
    }

    fn number(&self, name: &str, row: usize) -> Result<Option<f64>> {
        let column = self.column(name)?;
        let values = column
            .as_primitive_opt::<Float64Type>()
            .ok_or_else(|| wrong_type(name, "double"))?;
        Ok(values.is_valid(row).then(|| values.value(row)))
    }

    fn long(&self, name: &str, row: usize) -> Result<Option<i64>> {
        let column = self.column(name)?;
        let values = column
            .as_primitive_opt::<Int64Type>()
            .ok_or_else(|| wrong_type(name, "long"))?;
        Ok(values.is_valid(row).then(|| values.value(row)))
    }
}

fn wrong_type(name: &str, wanted: &str) -> Error {
    Error::new(
        ErrorKind::Unexpected,
        format!("the table's column `{name}` is not {wanted}: it was made by another version of MudRock"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_version_round_trips_through_metadata_and_a_plain_catalog_has_none() {
        for version in [
            ViewVersion::default(),
            ViewVersion {
                logs: Some(7),
                curves: Some(-3),
            },
        ] {
            let metadata: HashMap<String, String> = version.to_metadata().into_iter().collect();
            assert_eq!(ViewVersion::from_metadata(&metadata), Some(version));
        }
        assert_eq!(ViewVersion::from_metadata(&HashMap::new()), None);
    }
}
