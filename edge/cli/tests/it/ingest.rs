//! The ingest pipeline end to end against real files and made-to-order ones: what is written, what the
//! catalogs say, idempotence, rejection, concurrency.

use std::collections::{BTreeSet, HashMap};

use bytes::Bytes;
use mudrock_core::layout::{CatalogType, LogId, WellId};
use mudrock_store::catalog::Catalog;
use mudrock_store::validation::order::DepthOrderPolicy;
use mudrock_store::validation::{Registry, ValidationConfig};
use mudrock_store::{IngestReport, IngestStatus, Ingestor};

use crate::support::*;

/// Reads a stored log's Parquet back: (rows, columns other than the key columns, index values).
async fn stored_log(ingestor: &Ingestor, project: &str, report: &IngestReport) -> (usize, usize, Vec<f64>) {
    let well = WellId::new(report.well_id.as_deref().unwrap()).unwrap();
    let log = LogId::new(report.log_id.as_deref().unwrap()).unwrap();
    let path = ingestor
        .layout()
        .well_log(&crate::support::project(project), &well, &log);
    let bytes = ingestor.storage().download(&path).await.unwrap();
    let (schema, batches) = mudrock_core::arrow::read_parquet(bytes).unwrap();
    let rows = batches.iter().map(|b| b.num_rows()).sum();
    let mut index = Vec::new();
    for b in &batches {
        let col = b
            .column(0)
            .as_any()
            .downcast_ref::<arrow_array::Float64Array>()
            .unwrap();
        index.extend(col.values().iter().copied());
    }
    let keys = mudrock_core::arrow::KEY_COLUMNS;
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(
        &names[names.len() - keys.len()..],
        keys,
        "a stored log ends with its key columns"
    );
    (rows, names.len() - keys.len(), index)
}

async fn catalog(ingestor: &Ingestor, project: &str) -> Catalog {
    ingestor
        .catalogs()
        .load(&crate::support::project(project))
        .await
        .unwrap()
}

/// `EXPECTED.csv`: file (relative to data/las) → (agree, lasio rows, lasio columns).
fn expected_shapes() -> HashMap<String, (bool, Option<u64>, Option<u32>)> {
    let text = std::fs::read_to_string(shared_dir().join("data/las/EXPECTED.csv")).unwrap();
    let mut lines = text.lines();
    let header = split_csv(lines.next().unwrap());
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (file, agree, rows, cols) = (col("file"), col("agree"), col("lasio_rows"), col("lasio_cols"));
    lines
        .map(split_csv)
        .map(|f| {
            let key = f[file].trim_start_matches("data/las/").to_owned();
            (
                key,
                (f[agree] == "True", f[rows].parse().ok(), f[cols].parse().ok()),
            )
        })
        .collect()
}

/// Splits one CSV line, honouring double quotes.
fn split_csv(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            _ => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_files_are_stored_with_their_rows_and_curves() {
    let ingestor = memory_ingestor();
    let p = project("real");
    let expected = expected_shapes();
    for relative in [
        "lasio/tests/examples/2.0/sample_2.0.las",
        "lasio/tests/examples/6038187_v1.2.las",
        "lasio/tests/examples/3.0/Good File (SS).las",
        "lasio/tests/examples/2.0/sample_2.0_based.las",
        "lasio/tests/examples/encodings_cp1252.las",
        "lasio/tests/examples/UWI_API_leading_zero.las",
    ] {
        let (agree, rows, cols) = expected[relative];
        assert!(agree, "{relative} is a file both reference readers agree on");
        let (rows, cols) = (rows.unwrap(), cols.unwrap());
        let report = ingestor.ingest_file(&p, &shared_las(relative)).await;
        assert_eq!(report.status, IngestStatus::Ok, "{relative}: {:?}", report.reason);
        assert_eq!((report.rows, report.curves), (rows, cols), "{relative}: report");

        let (stored_rows, stored_cols, index) = stored_log(&ingestor, "real", &report).await;
        assert_eq!(
            (stored_rows as u64, stored_cols as u32),
            (rows, cols),
            "{relative}: Parquet"
        );
        assert!(
            index.windows(2).all(|w| w[0] < w[1]),
            "{relative}: stored by increasing depth"
        );

        let c = catalog(&ingestor, "real").await;
        let log = c.log_by_sha256(report.sha256.as_deref().unwrap()).unwrap();
        assert_eq!((log.rows, log.curves), (rows, cols), "{relative}: logs catalog");
        let curves: Vec<_> = c.curves.iter().filter(|r| r.log_id == log.log_id).collect();
        assert_eq!(curves.len() as u32, cols, "{relative}: curves catalog");
        assert!(curves.iter().all(|r| r.rows == rows));
        assert_eq!(curves[0].family, "index");
        assert!(
            c.wells.iter().any(|w| w.well_id == log.well_id),
            "{relative}: wells catalog"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leading_zeros_of_identifiers_are_kept() {
    let ingestor = memory_ingestor();
    let report = ingestor
        .ingest_file(
            &project("p"),
            &shared_las("lasio/tests/examples/UWI_API_leading_zero.las"),
        )
        .await;
    assert_eq!(report.status, IngestStatus::Ok, "{:?}", report.reason);
    let c = catalog(&ingestor, "p").await;
    let well = &c.wells[0];
    let uwi = well.uwi.as_deref().unwrap();
    assert!(
        uwi.starts_with('0'),
        "UWI kept as text with its leading zero: {uwi}"
    );
    assert_eq!(report.well_id.as_deref(), Some(well.well_id.as_str()));
    assert!(well.well_id.starts_with('0'));
}

/// Every file of the shared corpus: nothing fails, nothing panics, every file either goes in with the
/// shape both reference readers agree on or is rejected by a named reason, rejected files leave no
/// object, and every catalogued log has its objects.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_corpus_ingests_consistently() {
    let dir = tempfile::tempdir().unwrap();
    let ingestor = fs_ingestor(dir.path());
    let p = project("corpus");
    let files = all_shared_las();
    let reports = ingestor.ingest_files(&p, &files, |_| {}).await;
    let expected = expected_shapes();
    let data = shared_dir().join("data/las");

    let mut stored = BTreeSet::new();
    for (file, r) in files.iter().zip(&reports) {
        let relative = file
            .strip_prefix(&data)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        assert_ne!(r.status, IngestStatus::Failed, "{relative}: {:?}", r.reason);
        match r.status {
            IngestStatus::Ok | IngestStatus::Unchanged => {
                stored.insert(r.sha256.clone().unwrap());
                if let Some((true, Some(rows), Some(cols))) = expected.get(&relative).copied() {
                    let repaired = r.warnings.iter().any(|w| w.source == "repair");
                    if !repaired {
                        assert_eq!(
                            (r.rows, r.curves),
                            (rows, cols),
                            "{relative}: shape differs from EXPECTED.csv"
                        );
                    }
                }
            }
            IngestStatus::Rejected => {
                let reason = r.reason.as_deref().unwrap();
                assert!(!reason.is_empty(), "{relative}");
                if let Some(sha) = &r.sha256 {
                    let raw = ingestor.layout().raw_las(&p, sha).unwrap();
                    assert!(
                        !ingestor.storage().exists(&raw).await.unwrap(),
                        "{relative}: rejected but stored"
                    );
                }
            }
            IngestStatus::Failed => unreachable!(),
        }
    }
    // Repeated blocks of depths: sample_big.las repeats the same three depths ~10,000 times. By default
    // (`--on-depth-order sort`) every sample goes in, in depth order, and the report names the rows.
    let big = files
        .iter()
        .position(|f| f.ends_with("lasio/tests/examples/1.2/sample_big.las"))
        .unwrap();
    // The corpus holds the same bytes twice: the first copy goes in, the second is unchanged.
    let sha = reports[big].sha256.clone();
    let first = reports
        .iter()
        .find(|r| r.sha256 == sha && r.status == IngestStatus::Ok)
        .unwrap_or_else(|| panic!("{:?}", reports[big]));
    assert!(
        first
            .warnings
            .iter()
            .any(|w| w.source == "depth_order" && w.message.contains("goes back at data row 4")),
        "{:?}",
        first.warnings
    );

    let c = catalog(&ingestor, "corpus").await;
    let catalogued: BTreeSet<String> = c.logs.iter().map(|l| l.sha256.clone()).collect();
    assert_eq!(
        catalogued, stored,
        "the logs catalog lists exactly the files that went in"
    );
    for log in &c.logs {
        let well = WellId::new(&log.well_id).unwrap();
        let log_id = LogId::new(&log.log_id).unwrap();
        let storage = ingestor.storage();
        assert!(
            storage
                .exists(&ingestor.layout().well_log(&p, &well, &log_id))
                .await
                .unwrap()
        );
        assert!(
            storage
                .exists(&ingestor.layout().raw_las(&p, &log.sha256).unwrap())
                .await
                .unwrap()
        );
        assert!(c.wells.iter().any(|w| w.well_id == log.well_id));
    }
    let curve_rows: u32 = c.logs.iter().map(|l| l.curves).sum();
    assert_eq!(c.curves.len() as u32, curve_rows);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reingesting_the_same_files_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ingestor = fs_ingestor(dir.path());
    let p = project("again");
    let files = vec![
        shared_las("lasio/tests/examples/2.0/sample_2.0.las"),
        shared_las("lasio/tests/examples/6038187_v1.2.las"),
        shared_las("welly/tutorial/data/Wellington_feet.las"),
    ];
    let first = ingestor.ingest_files(&p, &files, |_| {}).await;
    assert!(first.iter().all(|r| r.status == IngestStatus::Ok), "{first:#?}");
    let before = snapshot(ingestor.storage()).await;
    let catalogs = |ingestor: Ingestor| async move {
        let mut bytes = Vec::new();
        for kind in [CatalogType::Wells, CatalogType::Logs, CatalogType::Curves] {
            let path = ingestor.layout().catalog(&project("again"), kind);
            bytes.push(ingestor.storage().download(&path).await.unwrap());
        }
        bytes
    };
    let catalogs_before = catalogs(ingestor.clone()).await;

    let second = ingestor.ingest_files(&p, &files, |_| {}).await;
    // The same bytes under another name are the same file.
    let copy = ingestor
        .ingest_bytes(&p, "renamed.las", Bytes::from(std::fs::read(&files[0]).unwrap()))
        .await;
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(b.status, IngestStatus::Unchanged, "{}", b.path);
        assert!(b.objects.is_empty());
        assert_eq!(
            (&a.well_id, &a.log_id, a.rows, a.curves),
            (&b.well_id, &b.log_id, b.rows, b.curves)
        );
    }
    assert_eq!(copy.status, IngestStatus::Unchanged);
    assert_eq!(
        snapshot(ingestor.storage()).await,
        before,
        "no new or changed objects"
    );
    assert_eq!(
        catalogs(ingestor.clone()).await,
        catalogs_before,
        "catalog bytes identical"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejected_files_leave_nothing_behind() {
    // Rows out of depth order are refused when the user asks for it (`--on-depth-order reject`).
    let ingestor = memory_ingestor().with_validation(Registry::with_config(ValidationConfig {
        depth_order: DepthOrderPolicy::Reject,
        ..ValidationConfig::default()
    }));
    let p = project("reject");
    let depths = [1.0, 2.0, 3.0, 4.0];
    let cases: Vec<(&str, Bytes, &str)> = vec![
        (
            "unreadable.las",
            Bytes::from_static(b"~V\n VERS. 2.0 :\n~C\n DEPT.M :\n GR.GAPI :\n~A\n1 2\n2 x y z\n"),
            "line 8",
        ),
        ("not-las.las", Bytes::from_static(b"just some text\n"), "line 1"),
        (
            "same-depth.las",
            las(
                "U1",
                "W",
                1.0,
                &[1.0, 2.0, 2.0, 3.0],
                &[("GR", "GAPI", vec![1.0, 2.0, 5.0, 3.0])],
            ),
            "[depth_order]",
        ),
        (
            "spliced.las",
            las(
                "U2",
                "W",
                1.0,
                &[1.0, 2.0, 3.0, 2.5],
                &[("GR", "GAPI", vec![1.0, 2.0, 3.0, 4.0])],
            ),
            "data row 4",
        ),
        (
            "all-null.las",
            las(
                "U3",
                "W",
                1.0,
                &depths,
                &[
                    ("GR", "GAPI", vec![f64::NAN; 4]),
                    ("RHOB", "G/CC", vec![f64::NAN; 4]),
                ],
            ),
            "[all_null]",
        ),
        (
            "index-only.las",
            las("U4", "W", 1.0, &depths, &[]),
            "[empty_data]",
        ),
        (
            "no-rows.las",
            las("U5", "W", 1.0, &[], &[("GR", "GAPI", vec![])]),
            "[empty_data]",
        ),
    ];
    for (name, bytes, says) in cases {
        let report = ingestor.ingest_bytes(&p, name, bytes).await;
        assert_eq!(report.status, IngestStatus::Rejected, "{name}: {report:#?}");
        let reason = report.reason.as_deref().unwrap();
        assert!(
            reason.contains(says),
            "{name}: reason {reason:?} should mention {says:?}"
        );
        assert!(report.objects.is_empty());
    }
    assert!(
        ingestor.storage().list("").await.unwrap().is_empty(),
        "nothing written"
    );

    // Rejections after a success leave the store exactly as it was.
    let ok = ingestor
        .ingest_bytes(&p, "good.las", simple_las("GOOD-1", "GOOD"))
        .await;
    assert_eq!(ok.status, IngestStatus::Ok);
    let before = snapshot(ingestor.storage()).await;
    let bad = ingestor
        .ingest_bytes(
            &p,
            "bad.las",
            las(
                "GOOD-1",
                "GOOD",
                1.0,
                &[2.0, 1.0, 3.0],
                &[("GR", "GAPI", vec![1.0; 3])],
            ),
        )
        .await;
    assert_eq!(bad.status, IngestStatus::Rejected);
    assert_eq!(snapshot(ingestor.storage()).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_file_is_reported_not_fatal() {
    let ingestor = memory_ingestor();
    let report = ingestor
        .ingest_file(&project("p"), std::path::Path::new("/no/such/file.las"))
        .await;
    assert_eq!(report.status, IngestStatus::Failed);
    assert!(report.reason.unwrap().contains("cannot read the file"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_ingests_keep_every_well() {
    let ingestor = memory_ingestor().with_concurrency(8);
    let p = project("busy");
    let mut tasks = Vec::new();
    for i in 0..24 {
        let ingestor = ingestor.clone();
        let p = p.clone();
        tasks.push(tokio::spawn(async move {
            let name = format!("well-{i:02}.las");
            ingestor
                .ingest_bytes(
                    &p,
                    &name,
                    simple_las(&format!("UWI-{i:02}"), &format!("WELL {i}")),
                )
                .await
        }));
    }
    for task in tasks {
        let report = task.await.unwrap();
        assert_eq!(report.status, IngestStatus::Ok, "{:?}", report.reason);
    }
    let c = catalog(&ingestor, "busy").await;
    assert_eq!(c.wells.len(), 24, "every well is in the catalog");
    assert_eq!(c.logs.len(), 24);
    assert_eq!(c.curves.len(), 24 * 3);
    let ids: BTreeSet<&str> = c.wells.iter().map(|w| w.well_id.as_str()).collect();
    assert!(ids.contains("UWI-00") && ids.contains("UWI-23"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_file_of_the_same_well_is_kept_beside_the_first() {
    let ingestor = memory_ingestor();
    let p = project("dup");
    let first = ingestor
        .ingest_bytes(&p, "run1.las", simple_las("05-123-00001", "TWIN 1"))
        .await;
    let depths: Vec<f64> = (0..10).map(|i| 2000.0 + i as f64).collect();
    let second_file = las(
        "05-123-00001",
        "TWIN 1",
        1.0,
        &depths,
        &[("GR", "GAPI", vec![77.0; 10])],
    );
    let second = ingestor.ingest_bytes(&p, "run2.las", second_file).await;
    assert_eq!(
        (first.status, second.status),
        (IngestStatus::Ok, IngestStatus::Ok)
    );
    assert_eq!(first.well_id, second.well_id);
    assert_ne!(first.log_id, second.log_id);
    let warning = second
        .warnings
        .iter()
        .find(|w| w.source == "duplicate_well")
        .expect("a duplicate_well warning");
    assert!(warning.message.contains("run1.las"), "{}", warning.message);
    assert!(first.warnings.iter().all(|w| w.source != "duplicate_well"));

    let c = catalog(&ingestor, "dup").await;
    assert_eq!(c.wells.len(), 1);
    assert_eq!(c.wells[0].n_logs, 2);
    assert_eq!(c.wells[0].source_files, vec!["run1.las", "run2.las"]);
    assert_eq!((c.wells[0].start, c.wells[0].stop), (Some(1000.0), Some(2009.0)));
    assert_eq!(c.logs.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decreasing_depths_are_stored_increasing() {
    let ingestor = memory_ingestor();
    let depths = [1003.0, 1002.0, 1001.0, 1000.0];
    let file = las(
        "UP-1",
        "UPWARD",
        -1.0,
        &depths,
        &[("GR", "GAPI", vec![30.0, 20.0, 10.0, 0.0])],
    );
    let report = ingestor.ingest_bytes(&project("p"), "up.las", file).await;
    assert_eq!(report.status, IngestStatus::Ok, "{:?}", report.reason);
    assert!(
        report
            .warnings
            .iter()
            .all(|w| w.source != "depth_order" && w.source != "step"),
        "{:?}",
        report.warnings
    );
    let (rows, _, index) = stored_log(&ingestor, "p", &report).await;
    assert_eq!(rows, 4);
    assert_eq!(index, vec![1000.0, 1001.0, 1002.0, 1003.0]);
    let c = catalog(&ingestor, "p").await;
    assert_eq!((c.logs[0].start, c.logs[0].stop), (Some(1000.0), Some(1003.0)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exact_repeated_rows_are_dropped_with_a_warning() {
    let ingestor = memory_ingestor();
    let file = las(
        "REP-1",
        "REPEAT",
        1.0,
        &[1.0, 2.0, 2.0, 3.0],
        &[("GR", "GAPI", vec![5.0, 6.0, 6.0, 7.0])],
    );
    let report = ingestor.ingest_bytes(&project("p"), "rep.las", file).await;
    assert_eq!(report.status, IngestStatus::Ok, "{:?}", report.reason);
    assert_eq!(report.rows, 3);
    let repair = report.warnings.iter().find(|w| w.source == "repair").unwrap();
    assert!(
        repair.message.contains("row 3 repeats row 2"),
        "{}",
        repair.message
    );
    assert_eq!(stored_log(&ingestor, "p", &report).await.0, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warnings_keep_the_readers_line_numbers() {
    let ingestor = memory_ingestor();
    let report = ingestor
        .ingest_file(
            &project("p"),
            &shared_las("lasio/tests/examples/comma_decimal_mark.las"),
        )
        .await;
    assert_eq!(report.status, IngestStatus::Ok, "{:?}", report.reason);
    let reader: Vec<_> = report.warnings.iter().filter(|w| w.source == "reader").collect();
    assert!(!reader.is_empty());
    assert!(reader.iter().all(|w| w.line.is_some_and(|l| l > 0)), "{reader:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_catalogued_file_whose_objects_vanished_is_stored_again() {
    let ingestor = memory_ingestor();
    let p = project("heal");
    let first = ingestor
        .ingest_bytes(&p, "a.las", simple_las("HEAL-1", "HEAL"))
        .await;
    let log_path = first.objects[0].clone();
    ingestor.storage().delete(&log_path).await.unwrap();
    let second = ingestor
        .ingest_bytes(&p, "a.las", simple_las("HEAL-1", "HEAL"))
        .await;
    assert_eq!(
        second.status,
        IngestStatus::Ok,
        "the catalog lists it, so its objects are put back"
    );
    assert_eq!(
        second.objects.len(),
        2,
        "log and raw, no catalog change: {:?}",
        second.objects
    );
    assert!(ingestor.storage().exists(&log_path).await.unwrap());
    assert_eq!(catalog(&ingestor, "heal").await.logs.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalog_readers_never_see_a_partial_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let ingestor = fs_ingestor(dir.path());
    let p = project("live");
    let writer = {
        let (ingestor, p) = (ingestor.clone(), p.clone());
        tokio::spawn(async move {
            for i in 0..30 {
                let file = simple_las(&format!("LIVE-{i:02}"), &format!("LIVE {i}"));
                let report = ingestor.ingest_bytes(&p, &format!("live-{i}.las"), file).await;
                assert_eq!(report.status, IngestStatus::Ok);
            }
        })
    };
    let mut seen = 0;
    while !writer.is_finished() {
        // Every read decodes, and the wells catalog only grows.
        let c = ingestor.catalogs().load(&p).await.unwrap();
        assert!(c.wells.len() >= seen);
        seen = c.wells.len();
    }
    writer.await.unwrap();
    assert_eq!(catalog(&ingestor, "live").await.wells.len(), 30);
}

/// With a metadata store, every ingest is recorded — the well, its log and curves for a file that added
/// one, and the ingest itself with its outcome — and a store that fails loses no data: the file is stored
/// and catalogued, and the report says what was not recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ingests_are_recorded_in_the_metadata_store() {
    use std::sync::Arc;

    use mudrock_store::metadata::{MetadataStore, ProjectScope, SqlStore};

    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn MetadataStore> = Arc::new(
        SqlStore::open_file(&dir.path().join("metadata.db"))
            .await
            .unwrap(),
    );
    let storage = mudrock_store::StorageManager::memory().unwrap();
    let ingestor = Ingestor::new(storage, layout()).with_metadata(store.clone());
    let demo = mudrock_store::demo::generate();
    let project = project("recorded");
    let scope = ProjectScope::new(project.clone());
    let first = ingestor
        .ingest_bytes(&project, &demo[0].file_name, Bytes::from(demo[0].bytes.clone()))
        .await;
    assert_eq!(first.status, IngestStatus::Ok, "{first:?}");
    assert!(
        first.warnings.iter().all(|w| w.source != "metadata"),
        "{:?}",
        first.warnings
    );
    let well_id = first.well_id.clone().unwrap();
    let wells = store.wells(&scope).await.unwrap();
    assert_eq!(wells.len(), 1);
    assert_eq!(wells[0].well_id, well_id);
    let logs = store.logs(&scope, &well_id).await.unwrap();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].rows, demo[0].rows as i64);
    assert_eq!(
        store.curves(&scope, &well_id).await.unwrap().len(),
        first.curves as usize,
        "every curve of the log"
    );
    // The same bytes again: an `unchanged` ingest, no second log.
    let again = ingestor
        .ingest_bytes(&project, &demo[0].file_name, Bytes::from(demo[0].bytes.clone()))
        .await;
    assert_eq!(again.status, IngestStatus::Unchanged);
    // A broken file: a `rejected` ingest with its reason.
    let bad = ingestor
        .ingest_bytes(&project, "broken.las", Bytes::from_static(b"not a las file"))
        .await;
    assert_eq!(bad.status, IngestStatus::Rejected);
    let ingests = store.ingests(&scope).await.unwrap();
    let statuses: Vec<&str> = ingests.iter().map(|i| i.status.as_str()).collect();
    assert_eq!(statuses, ["ok", "unchanged", "rejected"]);
    assert!(ingests[2].message.as_deref().is_some_and(|m| !m.is_empty()));
    assert_eq!(store.logs(&scope, &well_id).await.unwrap().len(), 1);

    // A metadata store that is gone: the ingest still lands, with a warning saying what is missing.
    let failing: Arc<dyn MetadataStore> = Arc::new(FailingStore);
    let storage = mudrock_store::StorageManager::memory().unwrap();
    let ingestor = Ingestor::new(storage, layout()).with_metadata(failing);
    let report = ingestor
        .ingest_bytes(&project, &demo[1].file_name, Bytes::from(demo[1].bytes.clone()))
        .await;
    assert_eq!(report.status, IngestStatus::Ok, "{report:?}");
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.source == "metadata" && w.message.contains("not recorded")),
        "{:?}",
        report.warnings
    );
    let stored = ingestor.catalogs().load(&project).await.unwrap();
    assert_eq!(stored.wells.len(), 1, "the data is catalogued");
}

/// A metadata store whose database is unreachable (every call fails as an unreachable server does).
struct FailingStore;

fn unreachable_db() -> mudrock_store::Error {
    mudrock_store::Error::new(
        mudrock_store::ErrorKind::Unavailable,
        "cannot reach the metadata database",
    )
}

#[async_trait::async_trait]
impl mudrock_store::metadata::MetadataStore for FailingStore {
    fn kind(&self) -> &'static str {
        "unreachable"
    }
    async fn put_project(
        &self,
        _: &mudrock_store::metadata::ProjectScope,
        _: &str,
    ) -> mudrock_store::Result<()> {
        Err(unreachable_db())
    }
    async fn project(
        &self,
        _: &mudrock_store::metadata::ProjectScope,
    ) -> mudrock_store::Result<Option<mudrock_store::metadata::ProjectRecord>> {
        Err(unreachable_db())
    }
    async fn put_well(
        &self,
        _: &mudrock_store::metadata::ProjectScope,
        _: &mudrock_store::metadata::WellRecord,
    ) -> mudrock_store::Result<()> {
        Err(unreachable_db())
    }
    async fn wells(
        &self,
        _: &mudrock_store::metadata::ProjectScope,
    ) -> mudrock_store::Result<Vec<mudrock_store::metadata::WellRecord>> {
        Err(unreachable_db())
    }
    async fn well(
        &self,
        _: &mudrock_store::metadata::ProjectScope,
        _: &str,
    ) -> mudrock_store::Result<Option<mudrock_store::metadata::WellRecord>> {
        Err(unreachable_db())
    }
    async fn put_wellbore(
        &self,
        _: &mudrock_store::metadata::ProjectScope,
        _: &mudrock_store::metadata::WellboreRecord,
    ) -> mudrock_store::Result<()> {
        Err(unreachable_db())
    }
    async fn wellbores(
        &self,
        _: &mudrock_store::metadata::ProjectScope,
        _: &str,
    ) -> mudrock_store::Result<Vec<mudrock_store::metadata::WellboreRecord>> {
        Err(unreachable_db())
    }
    async fn put_log(
        &self,
        _: &mudrock_store::metadata::ProjectScope,
        _: &mudrock_store::metadata::LogRecord,
        _: &[mudrock_store::metadata::CurveRecord],
    ) -> mudrock_store::Result<()> {
        Err(unreachable_db())
    }
    async fn logs(
        &self,
        _: &mudrock_store::metadata::ProjectScope,
        _: &str,
    ) -> mudrock_store::Result<Vec<mudrock_store::metadata::LogRecord>> {
        Err(unreachable_db())
    }
    async fn curves(
        &self,
        _: &mudrock_store::metadata::ProjectScope,
        _: &str,
    ) -> mudrock_store::Result<Vec<mudrock_store::metadata::CurveRecord>> {
        Err(unreachable_db())
    }
    async fn replace_tops(
        &self,
        _: &mudrock_store::metadata::ProjectScope,
        _: &str,
        _: &str,
        _: &[mudrock_store::metadata::TopRecord],
    ) -> mudrock_store::Result<()> {
        Err(unreachable_db())
    }
    async fn tops(
        &self,
        _: &mudrock_store::metadata::ProjectScope,
        _: &str,
    ) -> mudrock_store::Result<Vec<mudrock_store::metadata::TopRecord>> {
        Err(unreachable_db())
    }
    async fn put_ingest(
        &self,
        _: &mudrock_store::metadata::ProjectScope,
        _: &mudrock_store::metadata::IngestRecord,
    ) -> mudrock_store::Result<()> {
        Err(unreachable_db())
    }
    async fn ingests(
        &self,
        _: &mudrock_store::metadata::ProjectScope,
    ) -> mudrock_store::Result<Vec<mudrock_store::metadata::IngestRecord>> {
        Err(unreachable_db())
    }
    async fn put_pipeline_execution(
        &self,
        _: &mudrock_store::metadata::ProjectScope,
        _: &mudrock_store::metadata::PipelineExecution,
    ) -> mudrock_store::Result<()> {
        Err(unreachable_db())
    }
    async fn pipeline_execution(
        &self,
        _: &mudrock_store::metadata::ProjectScope,
        _: &str,
    ) -> mudrock_store::Result<Option<mudrock_store::metadata::PipelineExecution>> {
        Err(unreachable_db())
    }
}
