//! The engine's SQL surface as sqllogictest files (`edge/cli/tests/slt/*.slt`), the way DataFusion and
//! iceberg-rust test theirs: tables and their columns, the petrophysics and spatial functions, read-only
//! refusals, query bounds, time travel. Each file runs against the six demo wells ingested into project
//! `demo` on a file-system store with Iceberg tables (SQLite catalog), through `QueryEngine::sql` — the
//! path the API and the CLI call.
//!
//! Conventions of the files: values print as Arrow prints them (`NULL` for null); column types are `I`
//! (integers), `R` (floats), `T` (anything else); a query whose first line is `-- as_of: SPEC` runs as
//! of `SPEC` (a snapshot id, a time, or `now`), and `$first_snapshot` is the first `well_logs` commit.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use mudrock_core::layout::ProjectId;
use mudrock_engine::query::{QueryEngine, SqlOptions};
use mudrock_store::lakehouse::{AsOf, IcebergCatalog, LakeTable, Lakehouse, LakehouseConfig};
use mudrock_store::{Error, Ingestor, StorageConfig, StorageManager};
use sqllogictest::{DBOutput, DefaultColumnType};

use crate::support::{layout, project};

/// One "connection": the engine and the project every statement runs on.
#[derive(Clone)]
struct MudrockDb {
    engine: QueryEngine,
    project: ProjectId,
}

#[async_trait]
impl sqllogictest::AsyncDB for MudrockDb {
    type Error = Error;
    type ColumnType = DefaultColumnType;

    async fn run(&mut self, sql: &str) -> Result<DBOutput<DefaultColumnType>, Error> {
        let mut options = SqlOptions::default();
        if let Some(spec) = sql
            .lines()
            .next()
            .and_then(|l| l.trim().strip_prefix("-- as_of:"))
        {
            options = options.with_as_of(AsOf::parse(spec.trim())?);
        }
        // The engine's futures are not `Send` (see `mudrock_engine::service::QueryRuntime`), and this trait's must be: run the
        // query to completion on a blocking thread of the same runtime, as the server does.
        let (engine, project, sql) = (self.engine.clone(), self.project.clone(), sql.to_owned());
        let handle = tokio::runtime::Handle::current();
        let result = tokio::task::spawn_blocking(move || {
            handle.block_on(async move { engine.sql_collect(&project, &sql, options).await })
        })
        .await
        .map_err(|e| Error::new(mudrock_store::ErrorKind::Unexpected, e.to_string()))??;
        let types = result
            .schema
            .fields()
            .iter()
            .map(|f| column_type(f.data_type()))
            .collect();
        let format = FormatOptions::default().with_null("NULL");
        let mut rows = Vec::new();
        for batch in &result.batches {
            let formatters = batch
                .columns()
                .iter()
                .map(|c| ArrayFormatter::try_new(c.as_ref(), &format))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| Error::new(mudrock_store::ErrorKind::Unexpected, e.to_string()))?;
            for row in 0..batch.num_rows() {
                rows.push(formatters.iter().map(|f| f.value(row).to_string()).collect());
            }
        }
        Ok(DBOutput::Rows { types, rows })
    }

    async fn shutdown(&mut self) {}

    fn engine_name(&self) -> &str {
        "mudrock"
    }

    async fn sleep(dur: std::time::Duration) {
        tokio::time::sleep(dur).await;
    }
}

fn column_type(t: &DataType) -> DefaultColumnType {
    if t.is_integer() {
        DefaultColumnType::Integer
    } else if t.is_floating() {
        DefaultColumnType::FloatingPoint
    } else {
        DefaultColumnType::Text
    }
}

fn slt_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/slt");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "slt"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 4,
        "expected the SQL behaviour files in {}",
        dir.display()
    );
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_behaviour_files() {
    let dir = tempfile::tempdir().unwrap();
    let storage_config = StorageConfig::fs(dir.path().join("objects"));
    let storage = StorageManager::new(&storage_config).unwrap();
    let catalog = IcebergCatalog::sqlite_file(&dir.path().join("iceberg.db"));
    let lakehouse = Lakehouse::open(
        LakehouseConfig::for_storage(&storage_config, catalog)
            .unwrap()
            .unwrap(),
    )
    .await
    .unwrap();
    let ingestor = Ingestor::new(storage.clone(), layout()).with_lakehouse(lakehouse.clone());
    let demo = project("demo");
    let files = mudrock_store::demo::write_to(&dir.path().join("demo-las")).unwrap();
    let reports = ingestor.ingest_files(&demo, &files, |_| {}).await;
    assert!(reports.iter().all(|r| r.status.is_success()), "{reports:?}");
    let first = lakehouse.snapshots(&demo, LakeTable::WellLogs).await.unwrap()[0].snapshot_id;
    let engine = QueryEngine::new(storage, layout()).with_lakehouse(lakehouse);

    let mut failures = Vec::new();
    for file in slt_files() {
        let db = MudrockDb {
            engine: engine.clone(),
            project: demo.clone(),
        };
        let mut runner = sqllogictest::Runner::new(move || {
            let db = db.clone();
            async move { Ok::<_, Error>(db) }
        });
        runner.set_var("first_snapshot".to_owned(), first.to_string());
        if let Err(e) = runner.run_file_async(&file).await {
            failures.push(format!("{}:\n{e}", file.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
