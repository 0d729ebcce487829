//! The catalog tables (`wells`, `logs`, `curves`) of a project session, and the catalog versions that
//! decide when a session is stale.
//!
//! Catalogs are small and replaced whole by each ingest, so a session holds them in memory (a
//! `MemTable` decoded from the bytes it downloaded): what a query reads is exactly the catalog whose
//! version the session recorded, even while an ingest replaces the object.

use std::sync::Arc;

use datafusion::arrow::array::{AsArray, RecordBatch};
use datafusion::datasource::MemTable;
use mudrock_core::cache::{Version, VersionSet};
use mudrock_core::layout::{CatalogType, Layout, ProjectId};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use mudrock_common::error::{Error, ErrorKind, Result};
use mudrock_store::storage::StorageManager;

/// The catalogs a session reads, with the SQL table name of each.
pub(crate) const CATALOG_TABLES: [(&str, CatalogType); 3] = [
    ("wells", CatalogType::Wells),
    ("logs", CatalogType::Logs),
    ("curves", CatalogType::Curves),
];

/// The versions of a project's catalog objects now (one `stat` each, concurrently).
///
/// A project without a wells catalog has never been ingested into: [`ErrorKind::NotFound`].
pub(crate) async fn catalog_versions(
    storage: &StorageManager,
    layout: &Layout,
    project: &ProjectId,
) -> Result<VersionSet> {
    let stats = CATALOG_TABLES.map(|(_, kind)| {
        let path = layout.catalog(project, kind);
        async move { (storage.stat(&path).await, path) }
    });
    let stats = futures::future::join_all(stats).await;
    let mut versions = VersionSet::new();
    for ((name, _), (stat, path)) in CATALOG_TABLES.iter().zip(stats) {
        let meta = stat.map_err(|e| missing_catalog(e, project, name, &path))?;
        versions.insert(Version::object(path, meta.size, meta.etag, meta.last_modified));
    }
    Ok(versions)
}

fn missing_catalog(err: Error, project: &ProjectId, table: &str, path: &str) -> Error {
    if err.kind() != ErrorKind::NotFound {
        return err;
    }
    let message = if table == "wells" {
        format!("project `{project}` has no data yet: ingest LAS files into it first")
    } else {
        format!(
            "project `{project}` has a wells catalog but no {table} catalog (`{path}`): the project was written \
             by an interrupted ingest; ingest its files again"
        )
    };
    Error::new(ErrorKind::NotFound, message).with_context("project", project)
}

/// The catalogs as read now: one in-memory table each, and the (well id, log id) of every log.
pub(crate) struct LoadedCatalogs {
    pub tables: Vec<(&'static str, Arc<MemTable>)>,
    pub logs: Vec<(String, String)>,
}

pub(crate) async fn load(
    storage: &StorageManager,
    layout: &Layout,
    project: &ProjectId,
) -> Result<LoadedCatalogs> {
    let downloads = CATALOG_TABLES.map(|(name, kind)| {
        let path = layout.catalog(project, kind);
        async move { (name, storage.download(&path).await, path) }
    });
    let mut tables = Vec::new();
    let mut logs = Vec::new();
    for (name, bytes, path) in futures::future::join_all(downloads).await {
        let bytes = bytes.map_err(|e| missing_catalog(e, project, name, &path))?;
        let builder =
            ParquetRecordBatchReaderBuilder::try_new(bytes).map_err(|e| corrupt(&path, e.to_string()))?;
        let schema = Arc::clone(builder.schema());
        let batches = builder
            .build()
            .map_err(|e| corrupt(&path, e.to_string()))?
            .collect::<std::result::Result<Vec<RecordBatch>, _>>()
            .map_err(|e| corrupt(&path, e.to_string()))?;
        if name == "logs" {
            logs = log_ids(&batches)
                .ok_or_else(|| corrupt(&path, "it has no text columns well_id and log_id".into()))?;
        }
        let table = MemTable::try_new(schema, vec![batches]).map_err(|e| corrupt(&path, e.to_string()))?;
        tables.push((name, Arc::new(table)));
    }
    Ok(LoadedCatalogs { tables, logs })
}

fn log_ids(batches: &[RecordBatch]) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for batch in batches {
        let wells = batch.column_by_name("well_id")?.as_string_opt::<i32>()?;
        let logs = batch.column_by_name("log_id")?.as_string_opt::<i32>()?;
        for (well, log) in wells.iter().zip(logs.iter()) {
            if let (Some(well), Some(log)) = (well, log) {
                out.push((well.to_owned(), log.to_owned()));
            }
        }
    }
    Some(out)
}

fn corrupt(path: &str, why: String) -> Error {
    Error::new(
        ErrorKind::Unexpected,
        format!("catalog `{path}` cannot be read ({why}): ingest the project's files into a new project"),
    )
    .with_context("path", path)
}
