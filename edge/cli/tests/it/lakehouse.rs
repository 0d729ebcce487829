//! Iceberg tables: one behaviour suite run on every catalog MudRock supports — the SQL catalog on
//! SQLite (the embedded default) and on a real PostgreSQL server, and SeaweedFS's REST catalog (with the
//! tables' files on SeaweedFS's S3) — then the crash and parallel-process cases through the real binary.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use bytes::Bytes;
use mudrock_core::layout::{Layout, ProjectId};
use mudrock_engine::query::{QueryEngine, SqlOptions};
use mudrock_store::catalog::CatalogStore;
use mudrock_store::lakehouse::{AsOf, IcebergCatalog, LakeTable, Lakehouse, LakehouseConfig, ViewVersion};
use mudrock_store::{ErrorKind, IngestStatus, Ingestor, StorageConfig, StorageManager};

use crate::support::{las, las_form};
use crate::{postgres, seaweedfs};

/// An ingestor writing to one catalog, and an engine reading it.
struct Setup {
    ingestor: Ingestor,
    lakehouse: Lakehouse,
    engine: QueryEngine,
    project: ProjectId,
    _dir: tempfile::TempDir,
}

fn unique_project(tag: &str) -> ProjectId {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    ProjectId::new(&format!("{tag}-{}-{n}", std::process::id())).unwrap()
}

async fn setup(storage: StorageConfig, catalog: IcebergCatalog, dir: tempfile::TempDir) -> Setup {
    let config = LakehouseConfig::for_storage(&storage, catalog).unwrap().unwrap();
    let lakehouse = Lakehouse::open(config).await.unwrap();
    let manager = StorageManager::new(&storage).unwrap();
    let layout = Layout::new("").unwrap();
    let ingestor = Ingestor::new(manager.clone(), layout.clone()).with_lakehouse(lakehouse.clone());
    let engine = QueryEngine::new(manager, layout).with_lakehouse(lakehouse.clone());
    Setup {
        ingestor,
        lakehouse,
        engine,
        project: unique_project("lake"),
        _dir: dir,
    }
}

async fn sqlite() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let storage = StorageConfig::fs(dir.path().join("objects"));
    let catalog = IcebergCatalog::sqlite_file(&dir.path().join("iceberg.db"));
    setup(storage, catalog, dir).await
}

async fn postgres() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let storage = StorageConfig::fs(dir.path().join("objects"));
    let uri = postgres::server().fresh_database().await;
    setup(storage, IcebergCatalog::Sql { uri }, dir).await
}

async fn rest() -> Setup {
    let server = seaweed().await;
    let storage = StorageConfig::s3(server.fresh_config());
    let catalog = IcebergCatalog::Rest {
        uri: server.iceberg_url.clone(),
        credential: Some(format!("{}:{}", seaweedfs::ACCESS_KEY, seaweedfs::SECRET_KEY)),
        warehouse: Some(seaweedfs::TABLE_BUCKET.to_owned()),
    };
    let setup = setup(storage, catalog, tempfile::tempdir().unwrap()).await;
    // The REST port may open a moment after S3's: bounded wait for the catalog's first answer.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match setup.lakehouse.catalog().list_namespaces(None).await {
            Ok(_) => break,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            Err(e) => panic!("SeaweedFS's REST catalog did not answer within 60 s: {e}"),
        }
    }
    setup
}

/// The test binary's SeaweedFS (its start blocks: off the async workers).
async fn seaweed() -> &'static seaweedfs::SeaweedFs {
    tokio::task::spawn_blocking(seaweedfs::server).await.unwrap()
}

/// Runs each behaviour on each catalog: `{behaviour}_{catalog}` tests.
macro_rules! on_every_catalog {
    ($($behaviour:ident),* $(,)?) => {
        mod sqlite_catalog {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $behaviour() { super::$behaviour(super::sqlite().await).await } )*
        }
        mod postgres_catalog {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $behaviour() { super::$behaviour(super::postgres().await).await } )*
        }
        mod rest_catalog {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $behaviour() { super::$behaviour(super::rest().await).await } )*
        }
    };
}

on_every_catalog!(
    each_file_is_one_commit_and_reingest_adds_nothing,
    new_curves_add_columns_and_old_snapshots_keep_their_schema,
    time_travel_by_snapshot_id_and_by_time,
    a_type_conflict_is_refused_before_anything_is_written,
    concurrent_ingests_into_one_table_both_land,
    time_travel_reads_logs_copied_into_the_table_by_older_versions,
    now_asked_again_sees_every_new_commit,
);

fn depths(n: usize, start: f64) -> Vec<f64> {
    (0..n).map(|i| start + 0.5 * i as f64).collect()
}

/// A log of `n` rows from `start` with GR and one more curve.
fn two_curves(uwi: &str, well: &str, n: usize, start: f64, other: (&str, &str, f64)) -> Bytes {
    let (name, unit, base) = other;
    las(
        uwi,
        well,
        0.5,
        &depths(n, start),
        &[
            ("GR", "GAPI", (0..n).map(|i| 40.0 + i as f64).collect()),
            (name, unit, (0..n).map(|i| base + 0.001 * i as f64).collect()),
        ],
    )
}

/// A log of `n` rows with GR and RHOB.
fn gr_rhob(uwi: &str, well: &str, n: usize) -> Bytes {
    two_curves(uwi, well, n, 1000.0, ("RHOB", "G/C3", 2.2))
}

/// A log of `n` rows with GR and a curve the table has not seen (NPHI).
fn gr_nphi(uwi: &str, well: &str, n: usize) -> Bytes {
    two_curves(uwi, well, n, 2000.0, ("NPHI", "V/V", 0.2))
}

async fn count(setup: &Setup, sql: &str, as_of: Option<AsOf>) -> i64 {
    let options = SqlOptions {
        as_of,
        ..SqlOptions::default()
    };
    let result = setup
        .engine
        .sql_collect(&setup.project, sql, options)
        .await
        .unwrap_or_else(|e| panic!("{sql} as of {as_of:?}: {e}"));
    result.batches[0].column(0).as_primitive::<Int64Type>().value(0)
}

async fn ingest(setup: &Setup, name: &str, bytes: Bytes) -> mudrock_store::IngestReport {
    setup.ingestor.ingest_bytes(&setup.project, name, bytes).await
}

/// A log committed before one-encode ingest kept a copy of its samples under the table's own folder
/// (all columns inside, one commit naming its source). Time travel reads the log's layout file for it,
/// found through that commit's source: same rows, same ids.
async fn time_travel_reads_logs_copied_into_the_table_by_older_versions(s: Setup) {
    use iceberg::spec::{DataFileFormat, Literal, PartitionKey, Struct};
    use iceberg::transaction::{ApplyTransactionAction, Transaction};
    use iceberg::writer::base_writer::data_file_writer::DataFileWriterBuilder;
    use iceberg::writer::file_writer::ParquetWriterBuilder;
    use iceberg::writer::file_writer::location_generator::{
        DefaultFileNameGenerator, DefaultLocationGenerator,
    };
    use iceberg::writer::file_writer::rolling_writer::RollingFileWriterBuilder;
    use iceberg::writer::{IcebergWriter, IcebergWriterBuilder};
    use mudrock_core::layout::{LogId, WellId};
    use sha2::Digest as _;

    // Today's ingest first: the tables exist, with GR and RHOB.
    let a = s
        .ingestor
        .ingest_bytes(&s.project, "a.las", gr_rhob("UWI-NEW", "New 1", 20))
        .await;
    assert_eq!(a.status, IngestStatus::Ok, "{a:?}");

    // The older way, for another file: its layout file (no key columns) and a copy in the table.
    let bytes = gr_rhob("UWI-OLD", "Old 1", 15);
    let sha = hex::encode(sha2::Sha256::digest(&bytes));
    let well = WellId::new("old-1").unwrap();
    let log = LogId::derive(&sha, None);
    let las = mudrock_core::las::read_bytes(&bytes).unwrap();
    let samples = mudrock_core::arrow::las_to_record_batch(&las, &well).unwrap();
    let parquet = mudrock_core::arrow::write_parquet(&samples, &Default::default()).unwrap();
    let path = s.ingestor.layout().well_log(&s.project, &well, &log);
    s.ingestor.storage().upload(&path, parquet).await.unwrap();

    let table = s.lakehouse.table(&s.project, LakeTable::WellLogs).await.unwrap();
    let metadata = table.metadata();
    let schema = metadata.current_schema().clone();
    // A curve's column says what it is for readers of the table's schema alone.
    let rhob = schema.field_by_name("RHOB").unwrap();
    assert_eq!(
        rhob.doc.as_deref(),
        Some("RHOB [G/C3]: RHOB (as in the first log that had this curve)")
    );
    let arrow = Arc::new(iceberg::arrow::schema_to_arrow_schema(&schema).unwrap());
    let rows = samples.num_rows();
    let columns: Vec<ArrayRef> = arrow
        .fields()
        .iter()
        .map(|f| match f.name().as_str() {
            "well_id" => Arc::new(StringArray::from(vec![well.as_str(); rows])) as ArrayRef,
            "log_id" => Arc::new(StringArray::from(vec![log.as_str(); rows])) as ArrayRef,
            name => match samples.column_by_name(name) {
                Some(c) => Arc::clone(c),
                None => arrow_array::new_null_array(f.data_type(), rows),
            },
        })
        .collect();
    let copy = RecordBatch::try_new(Arc::clone(&arrow), columns).unwrap();
    let partition = PartitionKey::new(
        metadata.default_partition_spec().as_ref().clone(),
        schema.clone(),
        Struct::from_iter([None, Some(Literal::string(well.as_str()))]),
    );
    let rolling = RollingFileWriterBuilder::new_with_default_file_size(
        ParquetWriterBuilder::new(Default::default(), schema),
        table.file_io().clone(),
        DefaultLocationGenerator::new(metadata).unwrap(),
        DefaultFileNameGenerator::new("older".to_owned(), None, DataFileFormat::Parquet),
    );
    let mut writer = DataFileWriterBuilder::new(rolling)
        .build(Some(partition))
        .await
        .unwrap();
    writer.write(copy).await.unwrap();
    let files = writer.close().await.unwrap();
    let tx = Transaction::new(&table);
    let action = tx
        .fast_append()
        .add_data_files(files)
        .set_snapshot_properties([(mudrock_store::lakehouse::SOURCE_KEY.to_owned(), sha.clone())].into());
    action
        .apply(tx)
        .unwrap()
        .commit(s.lakehouse.catalog().as_ref())
        .await
        .unwrap();

    let now = Some(AsOf::Latest);
    assert_eq!(count(&s, "SELECT count(*) FROM well_logs", now).await, 35);
    let sql = format!(
        "SELECT count(*) FROM well_logs WHERE well_id = 'old-1' AND log_id = '{}' AND RHOB IS NOT NULL",
        log.as_str()
    );
    assert_eq!(count(&s, &sql, now).await, 15);
}

async fn each_file_is_one_commit_and_reingest_adds_nothing(s: Setup) {
    let report = ingest(&s, "a.las", gr_rhob("UWI-A", "Alpha 1", 40)).await;
    assert_eq!(report.status, IngestStatus::Ok, "{report:?}");
    let snapshot = report.snapshot_id.expect("the well_logs snapshot of the ingest");
    let commits = s
        .lakehouse
        .snapshots(&s.project, LakeTable::WellLogs)
        .await
        .unwrap();
    assert_eq!(commits.len(), 1, "{commits:?}");
    assert_eq!(commits[0].snapshot_id, snapshot);
    assert_eq!(commits[0].added_rows, Some(40));
    assert_eq!(commits[0].source_sha256, report.sha256);
    assert_eq!(commits[0].source_file.as_deref(), Some("a.las"));
    for table in [LakeTable::Wells, LakeTable::Curves] {
        let commits = s.lakehouse.snapshots(&s.project, table).await.unwrap();
        assert_eq!(commits.len(), 1, "{}: {commits:?}", table.name());
    }
    // The same bytes again: nothing new anywhere.
    let again = ingest(&s, "a-copy.las", gr_rhob("UWI-A", "Alpha 1", 40)).await;
    assert_eq!(again.status, IngestStatus::Unchanged, "{again:?}");
    assert_eq!(
        s.lakehouse
            .snapshots(&s.project, LakeTable::WellLogs)
            .await
            .unwrap()
            .len(),
        1
    );
    let now = Some(AsOf::Snapshot(snapshot));
    assert_eq!(count(&s, "SELECT count(*) FROM well_logs", now).await, 40);
    assert_eq!(
        count(&s, "SELECT count(*) FROM curves", now).await,
        3,
        "DEPT, GR, RHOB"
    );
    assert_eq!(
        count(&s, "SELECT count(*) FROM wells WHERE name = 'Alpha 1'", now).await,
        1
    );
    // A second log of the same well adds samples and curves, not a second well row.
    let second = ingest(&s, "a2.las", gr_nphi("UWI-A", "Alpha 1", 10)).await;
    assert_eq!(second.status, IngestStatus::Ok, "{second:?}");
    let latest = Some(AsOf::Snapshot(second.snapshot_id.unwrap()));
    assert_eq!(count(&s, "SELECT count(*) FROM well_logs", latest).await, 50);
    assert_eq!(
        count(&s, "SELECT count(DISTINCT log_id) FROM well_logs", latest).await,
        2
    );
    assert_eq!(count(&s, "SELECT count(*) FROM wells", latest).await, 1);
}

async fn new_curves_add_columns_and_old_snapshots_keep_their_schema(s: Setup) {
    let first = ingest(&s, "a.las", gr_rhob("UWI-A", "Alpha 1", 30)).await;
    let second = ingest(&s, "b.las", gr_nphi("UWI-B", "Bravo 2", 20)).await;
    assert_eq!(second.status, IngestStatus::Ok, "{second:?}");
    let (old, new) = (
        Some(AsOf::Snapshot(first.snapshot_id.unwrap())),
        Some(AsOf::Snapshot(second.snapshot_id.unwrap())),
    );
    // Now: NPHI is a column; the first log's rows read it as null.
    assert_eq!(count(&s, "SELECT count(NPHI) FROM well_logs", new).await, 20);
    assert_eq!(
        count(&s, "SELECT count(*) FROM well_logs WHERE NPHI IS NULL", new).await,
        30
    );
    assert_eq!(count(&s, "SELECT count(RHOB) FROM well_logs", new).await, 30);
    // The first snapshot reads with its own schema: no NPHI column at all.
    let err = s
        .engine
        .sql_collect(
            &s.project,
            "SELECT NPHI FROM well_logs",
            SqlOptions {
                as_of: old,
                ..SqlOptions::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert!(err.to_string().contains("NPHI"), "{err}");
    assert_eq!(count(&s, "SELECT count(*) FROM well_logs", old).await, 30);
}

/// `as_of=now` keeps its session by the snapshots it showed: asked again after a commit, it shows the
/// new state — samples and catalog tables alike — and asked again without one, the same.
async fn now_asked_again_sees_every_new_commit(s: Setup) {
    let now = Some(AsOf::Latest);
    let samples = "SELECT count(*) FROM well_logs";
    let wells = "SELECT count(*) FROM wells";
    ingest(&s, "a.las", gr_rhob("UWI-N1", "November 1", 10)).await;
    assert_eq!(count(&s, samples, now).await, 10);
    assert_eq!(count(&s, wells, now).await, 1);
    assert_eq!(count(&s, samples, now).await, 10);
    ingest(&s, "b.las", gr_rhob("UWI-N2", "November 2", 7)).await;
    assert_eq!(count(&s, samples, now).await, 17);
    assert_eq!(count(&s, wells, now).await, 2);
    let both = "SELECT count(*) FROM well_logs JOIN wells USING (well_id)";
    assert_eq!(count(&s, both, now).await, 17);
    ingest(&s, "c.las", gr_rhob("UWI-N3", "November 3", 5)).await;
    assert_eq!(count(&s, both, now).await, 22);
    assert_eq!(count(&s, wells, now).await, 3);
}

async fn time_travel_by_snapshot_id_and_by_time(s: Setup) {
    // Before any ingest there is no past to read.
    let before = chrono_now_ms() - 1000;
    let first = ingest(&s, "a.las", gr_rhob("UWI-A", "Alpha 1", 25)).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let between = chrono_now_ms();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let second = ingest(&s, "b.las", gr_rhob("UWI-B", "Bravo 2", 15)).await;
    assert_eq!(second.status, IngestStatus::Ok, "{second:?}");

    let sql = "SELECT count(*) FROM well_logs";
    assert_eq!(
        count(&s, sql, Some(AsOf::Snapshot(first.snapshot_id.unwrap()))).await,
        25
    );
    assert_eq!(
        count(&s, sql, Some(AsOf::Snapshot(second.snapshot_id.unwrap()))).await,
        40
    );
    assert_eq!(count(&s, sql, Some(AsOf::Timestamp(between))).await, 25);
    assert_eq!(
        count(&s, sql, Some(AsOf::Timestamp(chrono_now_ms() + 60_000))).await,
        40
    );
    assert_eq!(count(&s, sql, Some(AsOf::Latest)).await, 40);
    // A settled snapshot's session is kept: asked again, the same answer (from the kept session).
    for _ in 0..2 {
        assert_eq!(
            count(&s, sql, Some(AsOf::Snapshot(first.snapshot_id.unwrap()))).await,
            25
        );
    }
    // The catalogs travel with the samples: one well then, two now.
    assert_eq!(
        count(&s, "SELECT count(*) FROM wells", Some(AsOf::Timestamp(between))).await,
        1
    );
    assert_eq!(
        count(&s, "SELECT count(*) FROM wells", None).await,
        2,
        "the current catalogs"
    );

    let options = |as_of| SqlOptions {
        as_of: Some(as_of),
        ..SqlOptions::default()
    };
    let err = s
        .engine
        .sql_collect(&s.project, sql, options(AsOf::Timestamp(before)))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(err.to_string().contains("first ingest was committed at"), "{err}");
    let err = s
        .engine
        .sql_collect(&s.project, sql, options(AsOf::Snapshot(42)))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(err.to_string().contains("mudrock snapshots"), "{err}");
    // Time travel is read-only like every query.
    let err = s
        .engine
        .sql_collect(
            &s.project,
            "DROP TABLE well_logs",
            options(AsOf::Timestamp(between)),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("read-only"), "{err}");
}

fn chrono_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

async fn a_type_conflict_is_refused_before_anything_is_written(s: Setup) {
    ingest(&s, "a.las", gr_rhob("UWI-A", "Alpha 1", 10)).await;
    let objects_before = crate::support::snapshot(s.ingestor.storage()).await;
    // GR as text: the table stores GR as numbers.
    let samples = RecordBatch::try_new(
        std::sync::Arc::new(Schema::new(vec![
            Field::new("depth", DataType::Float64, false),
            Field::new("GR", DataType::Utf8, true),
        ])),
        vec![
            std::sync::Arc::new(Float64Array::from(vec![1.0, 2.0])) as ArrayRef,
            std::sync::Arc::new(StringArray::from(vec!["sand", "shale"])) as ArrayRef,
        ],
    )
    .unwrap();
    let err = s.lakehouse.check_log(&s.project, &samples).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert!(
        err.to_string().contains("curve `GR` is text in this file"),
        "{err}"
    );

    // Through an ingest of a real file whose GR column holds words.
    let text_gr = "~VERSION INFORMATION\n VERS. 2.0 :\n WRAP. NO :\n~WELL INFORMATION\n STRT.M 1 :\n STOP.M 2 :\n \
                   STEP.M 1 :\n NULL. -999.25 :\n WELL. Charlie 3 :\n UWI. UWI-C :\n~CURVE INFORMATION\n DEPT.M :\n \
                   GR.GAPI :\n~A\n1 sand\n2 shale\n";
    let report = ingest(&s, "c.las", Bytes::from(text_gr)).await;
    assert_eq!(report.status, IngestStatus::Rejected, "{report:?}");
    assert!(
        report
            .reason
            .as_deref()
            .unwrap_or("")
            .contains("curve `GR` is text in this file"),
        "{report:?}"
    );
    assert_eq!(
        crate::support::snapshot(s.ingestor.storage()).await,
        objects_before,
        "a refused file writes nothing"
    );
    assert_eq!(
        s.lakehouse
            .snapshots(&s.project, LakeTable::WellLogs)
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn concurrent_ingests_into_one_table_both_land(s: Setup) {
    // Two handles on the same catalog, as two processes would have; both commit at about the same time.
    let other = Ingestor::new(s.ingestor.storage().clone(), s.ingestor.layout().clone())
        .with_lakehouse(s.lakehouse.clone());
    let (a, b) = tokio::join!(
        s.ingestor
            .ingest_bytes(&s.project, "a.las", gr_rhob("UWI-A", "Alpha 1", 20)),
        other.ingest_bytes(&s.project, "b.las", gr_nphi("UWI-B", "Bravo 2", 30)),
    );
    assert_eq!(a.status, IngestStatus::Ok, "{a:?}");
    assert_eq!(b.status, IngestStatus::Ok, "{b:?}");
    let commits = s
        .lakehouse
        .snapshots(&s.project, LakeTable::WellLogs)
        .await
        .unwrap();
    assert_eq!(commits.len(), 2, "{commits:?}");
    let latest = commits.iter().find(|c| c.current).unwrap().snapshot_id;
    assert_eq!(
        count(&s, "SELECT count(*) FROM well_logs", Some(AsOf::Snapshot(latest))).await,
        50
    );
    // The catalogs, rebuilt by each ingest from the tables, list both files whichever wrote last,
    // and name the table state they show.
    let fresh = CatalogStore::new(s.ingestor.storage().clone(), s.ingestor.layout().clone());
    let catalog = fresh.load(&s.project).await.unwrap();
    let mut files: Vec<&str> = catalog.logs.iter().map(|l| l.source_file.as_str()).collect();
    files.sort();
    assert_eq!(files, ["a.las", "b.las"]);
    assert_eq!(catalog.wells.len(), 2);
    assert_eq!(catalog.curves.len(), 6, "depth, GR and RHOB or NPHI per log");
    let shown = ViewVersion::from_metadata(&fresh.logs_metadata(&s.project).await.unwrap());
    assert_eq!(shown, Some(s.lakehouse.view_version(&s.project).await.unwrap()));
    assert_eq!(
        count(
            &s,
            "SELECT count(NPHI) FROM well_logs",
            Some(AsOf::Snapshot(latest))
        )
        .await,
        30
    );
}

// ---- The real binary: a crash in the middle of an ingest, and two processes at once ----------------

/// `mudrock --data-dir DIR`, on the embedded default — or on the services, when the data dir was made
/// by [`services_data_dir`] (its `services.env` holds what each command of it runs with).
fn mudrock(data_dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mudrock"));
    cmd.arg("--data-dir")
        .arg(data_dir)
        .env_remove("MUDROCK_DATA_DIR")
        .env_remove("MUDROCK_ICEBERG_CATALOG")
        .env_remove("MUDROCK_DATABASE_URL")
        .stdin(Stdio::null());
    if let Ok(services) = std::fs::read_to_string(data_dir.join(SERVICES_ENV)) {
        cmd.args(["--storage", "s3"]);
        for line in services.lines() {
            if let Some((key, value)) = line.split_once('=') {
                cmd.env(key, value);
            }
        }
    }
    cmd
}

const SERVICES_ENV: &str = "services.env";

/// A data dir whose commands keep the project on the services, as an operator deploys it: objects in
/// SeaweedFS's S3 (a folder of the bucket no other test uses), the metadata store and the Iceberg SQL
/// catalog in PostgreSQL (a fresh database each).
fn services_data_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let s3 = seaweedfs::server().fresh_config();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let pg = postgres::server();
    let (metadata, catalog) =
        runtime.block_on(async { (pg.fresh_database().await, pg.fresh_database().await) });
    let env = [
        ("MINIO_ENDPOINT", s3.endpoint.as_str()),
        ("MINIO_REGION", s3.region.as_str()),
        ("MINIO_BUCKET", s3.bucket.as_str()),
        ("MINIO_ROOT", s3.root.as_str()),
        ("MINIO_ACCESS_KEY", s3.access_key_id.as_str()),
        ("MINIO_SECRET_KEY", s3.secret_access_key.as_str()),
        ("MUDROCK_DATABASE_URL", metadata.as_str()),
        ("MUDROCK_ICEBERG_CATALOG", catalog.as_str()),
    ];
    let text: String = env.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
    std::fs::write(dir.path().join(SERVICES_ENV), text).unwrap();
    dir
}

fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

fn sql_count(data_dir: &Path, sql: &str, as_of: &str) -> i64 {
    let text =
        run_ok(mudrock(data_dir).args(["sql", "--project", "p", "--format", "csv", "--as-of", as_of, sql]));
    text.lines()
        .nth(1)
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("{text}"))
}

#[test]
fn an_ingest_killed_before_its_commit_leaves_nothing_visible_and_the_rerun_completes_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("alpha.las");
    std::fs::write(&file, gr_rhob("UWI-K", "Kilo 1", 60)).unwrap();
    // kill -9 at the commit: no chance to clean up.
    ingest_killed_at(
        dir.path(),
        &file,
        mudrock_store::lakehouse::PAUSE_BEFORE_COMMIT_ENV,
    );
    // The log's file was written at its layout path, the one file the commit registers (one encode:
    // no copy of the samples under the table's own folder) ...
    let logs: Vec<_> = walk(&dir.path().join("objects/p/wells"))
        .into_iter()
        .filter(|f| f.to_string_lossy().contains("/logs/"))
        .collect();
    assert_eq!(logs.len(), 1, "the killed ingest had written its log: {logs:?}");
    let copies = walk(&dir.path().join("objects/p/iceberg/well_logs/data"));
    assert!(copies.is_empty(), "a second encode of the samples: {copies:?}");
    // ... but no snapshot shows it.
    let listed = run_ok(mudrock(dir.path()).args(["snapshots", "--project", "p", "--json"]));
    assert_eq!(listed.trim(), "[]", "{listed}");

    // The rerun completes the ingest, once.
    run_ok(mudrock(dir.path()).args(["ingest", "--project", "p"]).arg(&file));
    let now = "now";
    assert_eq!(sql_count(dir.path(), "SELECT count(*) FROM well_logs", now), 60);
    run_ok(mudrock(dir.path()).args(["ingest", "--project", "p"]).arg(&file));
    assert_eq!(sql_count(dir.path(), "SELECT count(*) FROM well_logs", now), 60);
    let listed = run_ok(mudrock(dir.path()).args(["snapshots", "--project", "p"]));
    assert!(listed.contains("1 snapshot\n"), "{listed}");
    assert!(listed.contains("alpha.las"), "{listed}");
    // Time travel read those 60 rows from the log's own file: the table holds no other copy.
    assert!(walk(&dir.path().join("objects/p/iceberg/well_logs/data")).is_empty());
}

#[test]
fn two_processes_ingesting_into_one_table_at_once_both_land() {
    two_processes_ingesting_at_once_both_land_in(tempfile::tempdir().unwrap().path());
}

#[test]
fn two_processes_ingesting_into_one_table_at_once_both_land_on_postgres_and_seaweedfs() {
    let dir = services_data_dir();
    two_processes_ingesting_at_once_both_land_in(dir.path());
    assert_nothing_embedded(dir.path());
}

fn two_processes_ingesting_at_once_both_land_in(dir: &Path) {
    let mut files = Vec::new();
    for (i, name) in ["Lima 1", "Mike 2", "November 3"].iter().enumerate() {
        let path = dir.join(format!("w{i}.las"));
        std::fs::write(&path, gr_rhob(&format!("UWI-{i}"), name, 100 + i)).unwrap();
        files.push(path);
    }
    // Project tables first, so that the processes race on commits rather than on creating tables.
    run_ok(mudrock(dir).args(["ingest", "--project", "p"]).arg(&files[0]));
    let children: Vec<_> = files[1..]
        .iter()
        .map(|f| {
            mudrock(dir)
                .args(["ingest", "--project", "p"])
                .arg(f)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let total = sql_count(dir, "SELECT count(*) FROM well_logs", "2100-01-01");
    assert_eq!(total, 100 + 101 + 102);
    let wells = sql_count(dir, "SELECT count(DISTINCT well_id) FROM well_logs", "2100-01-01");
    assert_eq!(wells, 3);
    // Every file in every view: current-state SQL reads the Parquet catalogs and the logs they list.
    assert_every_file_in_the_views(dir, &["w0.las", "w1.las", "w2.las"], 303);
}

/// The catalogs (what the browser, the worker and current-state SQL read) list exactly `files`, with
/// `rows` samples in all, as the tables do.
fn assert_every_file_in_the_views(data_dir: &Path, files: &[&str], rows: i64) {
    let listed = run_ok(mudrock(data_dir).args([
        "sql",
        "--project",
        "p",
        "--format",
        "csv",
        "SELECT source_file FROM logs ORDER BY source_file",
    ]));
    let listed: Vec<&str> = listed.lines().skip(1).map(str::trim).collect();
    assert_eq!(listed, files);
    let wells = run_ok(mudrock(data_dir).args([
        "sql",
        "--project",
        "p",
        "--format",
        "csv",
        "SELECT count(*) FROM wells",
    ]));
    assert_eq!(
        wells.lines().nth(1).map(str::trim),
        Some(files.len().to_string().as_str())
    );
    let current = run_ok(mudrock(data_dir).args([
        "sql",
        "--project",
        "p",
        "--format",
        "csv",
        "SELECT count(*) FROM well_logs",
    ]));
    assert_eq!(
        current.lines().nth(1).map(str::trim),
        Some(rows.to_string().as_str())
    );
}

#[test]
fn a_process_killed_between_its_commits_and_its_views_is_made_up_for_by_the_next_ingest() {
    killed_between_commits_and_views_in(tempfile::tempdir().unwrap().path());
}

#[test]
fn a_process_killed_between_its_commits_and_its_views_is_made_up_for_on_postgres_and_seaweedfs() {
    let dir = services_data_dir();
    killed_between_commits_and_views_in(dir.path());
    assert_nothing_embedded(dir.path());
}

/// The services held the project: no objects, Iceberg catalog or metadata database under the data dir.
fn assert_nothing_embedded(data_dir: &Path) {
    for embedded in ["objects", "iceberg.db", "metadata.db"] {
        assert!(
            !data_dir.join(embedded).exists(),
            "{embedded} under the data dir: the command did not run on the services"
        );
    }
}

fn killed_between_commits_and_views_in(dir: &Path) {
    let first = dir.join("first.las");
    let second = dir.join("second.las");
    std::fs::write(&first, gr_rhob("UWI-V1", "Victor 1", 40)).unwrap();
    std::fs::write(&second, gr_rhob("UWI-V2", "Victor 2", 50)).unwrap();
    ingest_killed_at(dir, &first, mudrock_store::lakehouse::PAUSE_BEFORE_VIEW_ENV);
    // Committed: the tables hold the file ...
    assert_eq!(sql_count(dir, "SELECT count(*) FROM logs", "now"), 1);
    // ... `mudrock refresh` rebuilds the views from them ...
    run_ok(mudrock(dir).args(["refresh", "--project", "p"]));
    assert_every_file_in_the_views(dir, &["first.las"], 40);
    // ... and so does the next ingest, of another file: both files are listed.
    run_ok(mudrock(dir).args(["ingest", "--project", "p"]).arg(&second));
    assert_every_file_in_the_views(dir, &["first.las", "second.las"], 90);
}

/// `mudrock ingest FILE` killed with -9 where the fault hook `pause_env` makes it wait.
fn ingest_killed_at(data_dir: &Path, file: &Path, pause_env: &str) {
    let marker = data_dir.join("paused");
    let mut child = mudrock(data_dir)
        .args(["ingest", "--project", "p"])
        .arg(file)
        .env(pause_env, &marker)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !marker.exists() {
        assert!(Instant::now() < deadline, "the ingest never reached {pause_env}");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the ingest ended before {pause_env}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

// ---- The HTTP API: `POST /v1/projects/{p}/sql?as_of=` ----------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sql_route_travels_in_time_with_as_of() {
    use mudrock_engine::Service;
    use mudrock_engine::cache::{CacheConfig, Caches};
    use mudrock_engine::service::Limits;
    use mudrock_server::{ApiConfig, ApiState, Scope, Server, Tokens};

    let s = sqlite().await;
    let first = ingest(&s, "a.las", gr_rhob("UWI-A", "Alpha 1", 12)).await;
    ingest(&s, "b.las", gr_nphi("UWI-B", "Bravo 2", 8)).await;
    const TOKEN: &str = "time-travel-token-0123456789";
    let tokens = Tokens::new().with(TOKEN, Scope::All).unwrap();
    let caches = std::sync::Arc::new(
        Caches::open(
            &CacheConfig::defaults(s._dir.path()),
            s.ingestor.storage(),
            s.ingestor.layout(),
        )
        .unwrap(),
    );
    let service = Service::new(s.ingestor.clone(), s.engine.clone(), caches, Limits::default()).unwrap();
    let state = ApiState::new(service, tokens, ApiConfig::default());
    let server = Server::start("127.0.0.1:0".parse().unwrap(), state)
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let post = |query: String| {
        http.post(format!("{}/v1/projects/{}/sql{query}", server.url(), s.project))
            .bearer_auth(TOKEN)
            .json(&serde_json::json!({ "sql": "SELECT count(*) AS n FROM well_logs" }))
            .send()
    };
    let rows = |v: serde_json::Value| v["rows"][0]["n"].as_i64().or_else(|| v["rows"][0][0].as_i64());
    let now: serde_json::Value = post(String::new()).await.unwrap().json().await.unwrap();
    assert_eq!(rows(now.clone()), Some(20), "{now}");
    let then = post(format!("?as_of={}", first.snapshot_id.unwrap()))
        .await
        .unwrap();
    assert_eq!(then.status(), 200);
    let then: serde_json::Value = then.json().await.unwrap();
    assert_eq!(rows(then.clone()), Some(12), "{then}");
    // A bad as_of is a 400 naming the parameter; the server keeps serving.
    let bad = post("?as_of=yesterday".to_owned()).await.unwrap();
    assert_eq!(bad.status(), 400);
    let body: serde_json::Value = bad.json().await.unwrap();
    assert!(body.to_string().contains("as_of"), "{body}");
    let unknown = post("?as_of=42".to_owned()).await.unwrap();
    assert_eq!(unknown.status(), 404);
    assert_eq!(post(String::new()).await.unwrap().status(), 200);

    // An upload says which snapshot holds it; reading as of that snapshot sees the upload.
    let up = http
        .post(format!("{}/v1/projects/{}/ingest", server.url(), s.project))
        .bearer_auth(TOKEN)
        .multipart(las_form("u.las", gr_rhob("UWI-U", "Uniform 1", 5)))
        .send()
        .await
        .unwrap();
    assert_eq!(up.status(), 200);
    let up: mudrock_shared::IngestResponse = up.json().await.unwrap();
    let snapshot = up.files[0].snapshot_id.expect("the upload's snapshot");
    let then: serde_json::Value = post(format!("?as_of={snapshot}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rows(then.clone()), Some(25), "{then}");
}

// ---- Faults: each names the catalog and says what to do; nothing half-committed ---------------------

fn expect_err<T>(result: mudrock_store::Result<T>, what: &str) -> mudrock_store::Error {
    match result {
        Ok(_) => panic!("{what}: expected an error"),
        Err(e) => e,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_catalog_is_named_and_retryable() {
    let dir = tempfile::tempdir().unwrap();
    let storage = StorageConfig::fs(dir.path().join("objects"));
    let project = unique_project("down");
    // A REST catalog on a port nobody listens on.
    let closed = crate::support::free_port();
    let rest = IcebergCatalog::Rest {
        uri: format!("http://127.0.0.1:{closed}"),
        credential: None,
        warehouse: None,
    };
    let config = LakehouseConfig::for_storage(&storage, rest).unwrap().unwrap();
    let started = Instant::now();
    let err = match Lakehouse::open(config).await {
        Ok(lakehouse) => expect_err(lakehouse.ensure_project(&project).await, "REST catalog down"),
        Err(e) => e,
    };
    assert!(started.elapsed() < Duration::from_secs(60), "bounded");
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err:?}");
    assert!(err.is_retryable());
    assert!(
        err.to_string()
            .contains(&format!("REST catalog at http://127.0.0.1:{closed}")),
        "{err}"
    );
    // PostgreSQL that is not there.
    let pg = IcebergCatalog::Sql {
        uri: format!("postgres://mudrock:x@127.0.0.1:{closed}/nowhere"),
    };
    let config = LakehouseConfig::for_storage(&storage, pg).unwrap().unwrap();
    let err = expect_err(Lakehouse::open(config).await, "postgres down");
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err:?}");
    assert!(err.to_string().contains("SQL catalog (postgres)"), "{err}");
    assert!(
        !err.to_string().contains("mudrock:x"),
        "no password in messages: {err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_credentials_are_refused_with_what_to_check() {
    let dir = tempfile::tempdir().unwrap();
    let storage = StorageConfig::fs(dir.path().join("objects"));
    let server = postgres::server();
    let uri = server
        .fresh_database()
        .await
        .replace(postgres::PASSWORD, "not-the-password");
    let config = LakehouseConfig::for_storage(&storage, IcebergCatalog::Sql { uri })
        .unwrap()
        .unwrap();
    let err = expect_err(Lakehouse::open(config).await, "wrong password");
    assert_eq!(err.kind(), ErrorKind::PermissionDenied, "{err:?}");
    assert!(!err.is_retryable());
    assert!(err.to_string().contains("credentials were refused"), "{err}");

    // SeaweedFS's REST catalog with a key it does not know.
    let seaweed = seaweed().await;
    let rest = IcebergCatalog::Rest {
        uri: seaweed.iceberg_url.clone(),
        credential: Some("nobody:wrong-secret".to_owned()),
        warehouse: Some(seaweedfs::TABLE_BUCKET.to_owned()),
    };
    let config = LakehouseConfig::for_storage(&StorageConfig::s3(seaweed.fresh_config()), rest)
        .unwrap()
        .unwrap();
    let err = match Lakehouse::open(config).await {
        Ok(lakehouse) => expect_err(
            lakehouse.ensure_project(&unique_project("creds")).await,
            "wrong key",
        ),
        Err(e) => e,
    };
    assert_eq!(err.kind(), ErrorKind::PermissionDenied, "{err:?}");
    assert!(err.to_string().contains("REST catalog at"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_commit_race_without_retries_is_a_conflict_and_commits_nothing_half() {
    let dir = tempfile::tempdir().unwrap();
    let storage = StorageConfig::fs(dir.path().join("objects"));
    let mut config =
        LakehouseConfig::for_storage(&storage, IcebergCatalog::sqlite_file(&dir.path().join("i.db")))
            .unwrap()
            .unwrap();
    config.commit_retries = 0;
    // Four handles on one catalog, as four processes have (one handle groups its own files into one
    // commit, so it never races itself).
    let mut handles = Vec::new();
    for _ in 0..4 {
        handles.push(Lakehouse::open(config.clone()).await.unwrap());
    }
    let lakehouse = handles[0].clone();
    let manager = StorageManager::new(&storage).unwrap();
    let project = unique_project("race");
    let mut conflicts = Vec::new();
    let mut landed = 0usize;
    for round in 0..10 {
        let jobs: Vec<_> = (0..4)
            .map(|i| {
                let ingestor = Ingestor::new(manager.clone(), Layout::new("").unwrap())
                    .with_lakehouse(handles[i].clone());
                let project = project.clone();
                tokio::spawn(async move {
                    let bytes = gr_rhob(&format!("UWI-{round}-{i}"), &format!("Well {round} {i}"), 10 + i);
                    ingestor
                        .ingest_bytes(&project, &format!("{round}-{i}.las"), bytes)
                        .await
                })
            })
            .collect();
        for job in jobs {
            let report = job.await.unwrap();
            match report.status {
                IngestStatus::Ok => landed += 1,
                _ => conflicts.push(report.reason.unwrap_or_default()),
            }
        }
        if !conflicts.is_empty() {
            break;
        }
    }
    assert!(
        !conflicts.is_empty(),
        "four writers at once never raced in ten rounds"
    );
    for reason in &conflicts {
        assert!(reason.contains("SQL catalog (sqlite)"), "{reason}");
        assert!(reason.contains("run the same command again"), "{reason}");
    }
    // Only whole commits: every file that landed has its one snapshot with all its rows (a file that
    // failed later, on the curves or wells table, may have landed in well_logs too: its rerun skips it).
    let commits = lakehouse.snapshots(&project, LakeTable::WellLogs).await.unwrap();
    assert!(commits.len() >= landed, "{commits:?}");
    let mut sources: Vec<_> = commits.iter().map(|c| c.source_sha256.clone().unwrap()).collect();
    sources.sort();
    sources.dedup();
    assert_eq!(sources.len(), commits.len(), "one commit per file: {commits:?}");
    for c in &commits {
        assert!(matches!(c.added_rows, Some(10..=13)), "{c:?}");
    }
}

#[test]
fn catalogs_from_before_the_tables_were_the_record_are_taken_in_by_the_next_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.las");
    let new = dir.path().join("new.las");
    std::fs::write(&old, gr_rhob("UWI-OLD", "Oscar 1", 20)).unwrap();
    std::fs::write(&new, gr_nphi("UWI-NEW", "November 9", 25)).unwrap();
    // A project whose catalogs are the record (the tables off, as in a data dir from before #15).
    run_ok(
        mudrock(dir.path())
            .env("MUDROCK_ICEBERG_CATALOG", "off")
            .args(["ingest", "--project", "p"])
            .arg(&old),
    );
    // The next ingest with the tables on: the catalogs become views of the tables, and the log that
    // only the old catalogs listed is still listed (its samples stay readable from its file).
    run_ok(mudrock(dir.path()).args(["ingest", "--project", "p"]).arg(&new));
    assert_every_file_in_the_views(dir.path(), &["new.las", "old.las"], 45);
    assert_eq!(sql_count(dir.path(), "SELECT count(*) FROM logs", "now"), 2);
    // Once: a third ingest adds its own log, nothing twice.
    let third = dir.path().join("third.las");
    std::fs::write(&third, gr_rhob("UWI-3", "Third 3", 5)).unwrap();
    run_ok(mudrock(dir.path()).args(["ingest", "--project", "p"]).arg(&third));
    assert_every_file_in_the_views(dir.path(), &["new.las", "old.las", "third.las"], 50);
    assert_eq!(sql_count(dir.path(), "SELECT count(*) FROM logs", "now"), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrected_header_lives_in_the_metadata_store_and_the_tables_keep_its_history() {
    use mudrock_store::metadata::{MetadataStore, ProjectScope, SqlStore};
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.las");
    let second = dir.path().join("second.las");
    std::fs::write(&first, gr_rhob("UWI-P", "Papa 1", 20)).unwrap();
    std::fs::write(&second, gr_nphi("UWI-P", "Papa 1", 25)).unwrap();
    run_ok(mudrock(dir.path()).args(["ingest", "--project", "p"]).arg(&first));
    // The header's one mutable home: a user corrects the well's name there (PostgREST exposes the same
    // row in a Supabase deployment).
    let scope = ProjectScope::new(ProjectId::new("p").unwrap());
    let store = SqlStore::open_file(&dir.path().join("metadata.db"))
        .await
        .unwrap();
    let mut well = store.wells(&scope).await.unwrap().remove(0);
    assert_eq!(well.name.as_deref(), Some("Papa 1"));
    well.name = Some("Papa 1 (renamed)".to_owned());
    store.put_well(&scope, &well).await.unwrap();
    // `mudrock refresh` shows it at once, without waiting for the next ingest.
    let said = run_ok(mudrock(dir.path()).args(["refresh", "--project", "p"]));
    assert!(said.contains("1 wells, 1 logs"), "{said}");
    let wells = run_ok(mudrock(dir.path()).args([
        "sql",
        "--project",
        "p",
        "--format",
        "csv",
        "SELECT name FROM wells",
    ]));
    assert_eq!(wells.lines().nth(1), Some("Papa 1 (renamed)"), "{wells}");
    // The next log of the well neither undoes the correction nor hides it.
    run_ok(
        mudrock(dir.path())
            .args(["ingest", "--project", "p"])
            .arg(&second),
    );
    assert_eq!(
        store
            .well(&scope, &well.well_id)
            .await
            .unwrap()
            .unwrap()
            .name
            .as_deref(),
        Some("Papa 1 (renamed)")
    );
    let sql = |args: &[&str]| {
        let mut cmd = mudrock(dir.path());
        cmd.args(["sql", "--project", "p", "--format", "csv"]).args(args);
        run_ok(&mut cmd)
    };
    let now = sql(&["SELECT name, n_logs FROM wells"]);
    assert_eq!(now.lines().nth(1), Some("Papa 1 (renamed),2"), "{now}");
    // The tables keep the header as the logs gave it.
    let history = sql(&["--as-of", "now", "SELECT name FROM wells"]);
    assert_eq!(history.lines().nth(1), Some("Papa 1"), "{history}");
}

#[test]
fn backfill_puts_logs_ingested_without_tables_into_them_once() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<_> = (0..3)
        .map(|i| {
            let path = dir.path().join(format!("b{i}.las"));
            std::fs::write(
                &path,
                gr_rhob(&format!("UWI-BF-{i}"), &format!("Backfill {i}"), 30 + i),
            )
            .unwrap();
            path
        })
        .collect();
    // Ingested with the tables off: the Parquet layout only.
    run_ok(
        mudrock(dir.path())
            .env("MUDROCK_ICEBERG_CATALOG", "off")
            .args(["ingest", "--project", "p"])
            .args(&files),
    );
    let out = mudrock(dir.path())
        .args(["sql", "--project", "p", "--as-of", "now", "SELECT 1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no well log data in its Iceberg tables yet"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Backfill from the kept raw bytes: every row, once.
    let text = run_ok(mudrock(dir.path()).args(["backfill", "--project", "p"]));
    assert!(text.contains("3 ingested"), "{text}");
    assert_eq!(
        sql_count(dir.path(), "SELECT count(*) FROM well_logs", "now"),
        30 + 31 + 32
    );
    let text = run_ok(mudrock(dir.path()).args(["backfill", "--project", "p"]));
    assert!(text.contains("in its Iceberg tables already"), "{text}");
    assert_eq!(
        sql_count(dir.path(), "SELECT count(*) FROM well_logs", "now"),
        30 + 31 + 32
    );
}

#[tokio::test]
async fn time_travel_without_tables_says_why() {
    let storage = StorageManager::memory().unwrap();
    let engine = QueryEngine::new(storage, Layout::new("").unwrap());
    let options = SqlOptions {
        as_of: Some(AsOf::Latest),
        ..SqlOptions::default()
    };
    let err = engine
        .sql_collect(&unique_project("none"), "SELECT 1", options)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
    assert!(
        err.to_string().contains("time travel needs the Iceberg tables"),
        "{err}"
    );
    assert!(err.to_string().contains("MUDROCK_ICEBERG_CATALOG=off"), "{err}");
}
