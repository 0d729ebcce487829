//! The query engine against real ingested data: the demo wells and the shared LAS corpus, stored on the
//! file system, queried through `QueryEngine` exactly as the CLI and the HTTP API do.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use datafusion::arrow::array::{Array, AsArray, Float64Array, RecordBatch};
use datafusion::arrow::compute::{cast, concat_batches};
use datafusion::arrow::datatypes::{DataType, Float64Type};
use mudrock_core::layout::{LogId, ProjectId, WellId};
use mudrock_core::petro::Arg;
use mudrock_engine::query::{QueryEngine, SqlOptions, SqlResult};
use mudrock_store::{ErrorKind, IngestStatus, Ingestor};

use crate::support::*;

fn engine(ingestor: &Ingestor) -> QueryEngine {
    QueryEngine::new(ingestor.storage().clone(), ingestor.layout().clone())
}

async fn ingest_demo(ingestor: &Ingestor, p: &ProjectId) -> Vec<(String, String)> {
    let mut ids = Vec::new();
    for file in mudrock_store::demo::generate() {
        let report = ingestor
            .ingest_bytes(p, &file.file_name, Bytes::from(file.bytes))
            .await;
        assert_eq!(
            report.status,
            IngestStatus::Ok,
            "{}: {:?}",
            file.file_name,
            report.reason
        );
        ids.push((report.well_id.unwrap(), report.log_id.unwrap()));
    }
    ids
}

async fn query(engine: &QueryEngine, p: &ProjectId, sql: &str) -> SqlResult {
    engine
        .sql_collect(p, sql, SqlOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn one_batch(result: &SqlResult) -> RecordBatch {
    concat_batches(&result.schema, &result.batches).unwrap()
}

fn floats(batch: &RecordBatch, column: usize) -> Float64Array {
    let array = cast(batch.column(column), &DataType::Float64).unwrap();
    array.as_primitive::<Float64Type>().clone()
}

fn texts(batch: &RecordBatch, column: usize) -> Vec<Option<String>> {
    let array = cast(batch.column(column), &DataType::Utf8).unwrap();
    array
        .as_string::<i32>()
        .iter()
        .map(|v| v.map(str::to_owned))
        .collect()
}

fn ints(batch: &RecordBatch, column: usize) -> Vec<i64> {
    let array = cast(batch.column(column), &DataType::Int64).unwrap();
    array
        .as_primitive::<datafusion::arrow::datatypes::Int64Type>()
        .values()
        .to_vec()
}

/// The stored Parquet of one log, read directly (not through the engine).
async fn stored(ingestor: &Ingestor, p: &ProjectId, well: &str, log: &str) -> RecordBatch {
    let path = ingestor
        .layout()
        .well_log(p, &WellId::new(well).unwrap(), &LogId::new(log).unwrap());
    let bytes = ingestor.storage().download(&path).await.unwrap();
    let (schema, batches) = mudrock_core::arrow::read_parquet(bytes).unwrap();
    concat_batches(&schema, &batches).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn well_logs_spans_the_real_corpus_with_nulls_where_a_log_lacks_a_curve() {
    let dir = tempfile::tempdir().unwrap();
    let ingestor = fs_ingestor(dir.path());
    let p = project("corpus");
    let reports = ingestor.ingest_files(&p, &all_shared_las(), |_| {}).await;
    let ok = reports.iter().filter(|r| r.status == IngestStatus::Ok).count();
    assert!(ok > 100, "most of the corpus ingests ({ok})");
    let engine = engine(&ingestor);

    // Every row of every log, once: the table's rows per log equal the logs catalog's.
    let per_log = one_batch(
        &query(
            &engine,
            &p,
            "SELECT l.log_id, l.rows, count(w.log_id) AS n FROM logs l LEFT JOIN well_logs w \
             ON w.log_id = l.log_id AND w.well_id = l.well_id GROUP BY l.log_id, l.rows",
        )
        .await,
    );
    assert_eq!(per_log.num_rows(), engine.log_count(&p).await.unwrap());
    assert_eq!(ints(&per_log, 1), ints(&per_log, 2), "rows per log as catalogued");

    // The schema is the union: a curve only some logs have is null in the others, and the logs that
    // have it return exactly their non-null values.
    let curves = one_batch(
        &query(
            &engine,
            &p,
            "SELECT well_id, log_id, rows - null_count AS present FROM curves WHERE mnemonic = 'RHOB'",
        )
        .await,
    );
    let with_rhob: Vec<(String, String, i64)> = texts(&curves, 0)
        .into_iter()
        .zip(texts(&curves, 1))
        .zip(ints(&curves, 2))
        .map(|((w, l), n)| (w.unwrap(), l.unwrap(), n))
        .collect();
    assert!(!with_rhob.is_empty() && with_rhob.len() < per_log.num_rows());
    let counted = one_batch(
        &query(
            &engine,
            &p,
            "SELECT well_id, log_id, count(RHOB) AS n, count(*) AS all_rows FROM well_logs GROUP BY well_id, log_id",
        )
        .await,
    );
    let (wells, logs, n) = (texts(&counted, 0), texts(&counted, 1), ints(&counted, 2));
    let mut nulls_seen = 0;
    for i in 0..counted.num_rows() {
        let key = (wells[i].clone().unwrap(), logs[i].clone().unwrap());
        match with_rhob.iter().find(|(w, l, _)| (w, l) == (&key.0, &key.1)) {
            Some((_, _, present)) => assert_eq!(n[i], *present, "{key:?}: RHOB values"),
            None => {
                assert_eq!(n[i], 0, "{key:?} has no RHOB: all null");
                nulls_seen += 1;
            }
        }
    }
    assert!(nulls_seen > 0);

    // Text curves of LAS 3.0 files keep their type next to numeric curves of other logs.
    let tables = engine.tables(&p).await.unwrap();
    let well_logs = tables.iter().find(|t| t.name == "well_logs").unwrap();
    assert_eq!(well_logs.schema.field(0).name(), "well_id");
    assert_eq!(well_logs.schema.field(1).name(), "log_id");
    assert_eq!(well_logs.schema.field(2).name(), "depth");
    assert!(
        well_logs.schema.fields().len() > 100,
        "the union of the corpus' curves"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_well_filter_opens_only_that_wells_objects() {
    let dir = tempfile::tempdir().unwrap();
    let ingestor = fs_ingestor(dir.path());
    let p = project("demo");
    let ids = ingest_demo(&ingestor, &p).await;
    let engine = engine(&ingestor);
    let (well, log) = &ids[0];
    let (other_well, other_log) = &ids[1];

    // The plan lists one file: the well's own.
    let plan = one_batch(
        &query(
            &engine,
            &p,
            &format!("EXPLAIN SELECT depth, GR FROM well_logs WHERE well_id = '{well}' AND depth > 0"),
        )
        .await,
    );
    let physical = texts(&plan, 1)
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        physical.contains(&format!("wells/{well}/logs/{log}.parquet")),
        "{physical}"
    );
    assert!(physical.contains("1 group"), "{physical}");
    assert!(!physical.contains(&format!("wells/{other_well}/")), "{physical}");

    // Proof by removal: with another well's object gone, this well still answers…
    let before = query(
        &engine,
        &p,
        &format!("SELECT count(*) FROM well_logs WHERE well_id = '{well}'"),
    )
    .await;
    let other_path = ingestor.layout().well_log(
        &p,
        &WellId::new(other_well).unwrap(),
        &LogId::new(other_log).unwrap(),
    );
    ingestor.storage().delete(&other_path).await.unwrap();
    let after = query(
        &engine,
        &p,
        &format!("SELECT count(*) FROM well_logs WHERE well_id = '{well}'"),
    )
    .await;
    assert_eq!(ints(&one_batch(&before), 0), ints(&one_batch(&after), 0));
    let by_log = query(
        &engine,
        &p,
        &format!("SELECT count(*) FROM well_logs WHERE log_id IN ('{log}')"),
    )
    .await;
    assert_eq!(ints(&one_batch(&by_log), 0), ints(&one_batch(&after), 0));

    // …and a query that needs the missing object's data says which one. (A bare `count(*)` would still
    // answer: the footer, cached when the tables were built, holds the row counts.)
    let err = engine
        .sql_collect(
            &p,
            &format!("SELECT sum(GR) FROM well_logs WHERE well_id = '{other_well}'"),
            SqlOptions::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(err.to_string().contains(other_log.as_str()), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_depth_window_equals_reading_the_parquet_directly() {
    let dir = tempfile::tempdir().unwrap();
    let ingestor = fs_ingestor(dir.path());
    let p = project("demo");
    let ids = ingest_demo(&ingestor, &p).await;
    let engine = engine(&ingestor);
    for (well, log) in &ids {
        let direct = stored(&ingestor, &p, well, log).await;
        let depth = floats(&direct, 0);
        let (lo, hi) = (depth.value(depth.len() / 3), depth.value(depth.len() / 3 + 700));
        let expected: Vec<usize> = (0..depth.len())
            .filter(|&i| depth.value(i) >= lo && depth.value(i) <= hi)
            .collect();
        let result = one_batch(
            &query(
                &engine,
                &p,
                &format!(
                    "SELECT depth, GR, RHOB, NPHI FROM well_logs WHERE well_id = '{well}' \
                     AND depth BETWEEN {lo} AND {hi} ORDER BY depth"
                ),
            )
            .await,
        );
        assert_eq!(result.num_rows(), expected.len(), "{well}");
        for (column, name) in [(0, "depth"), (1, "GR"), (2, "RHOB"), (3, "NPHI")] {
            let stored_column = floats(&direct, direct.schema().index_of(name).unwrap());
            let got = floats(&result, column);
            for (row, &i) in expected.iter().enumerate() {
                assert_eq!(
                    got.is_valid(row),
                    stored_column.is_valid(i),
                    "{well} {name} null at {i}"
                );
                if got.is_valid(row) {
                    assert_eq!(
                        got.value(row).to_bits(),
                        stored_column.value(i).to_bits(),
                        "{well} {name}"
                    );
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalogs_are_tables_and_a_new_ingest_is_visible_to_the_next_query() {
    let dir = tempfile::tempdir().unwrap();
    let ingestor = fs_ingestor(dir.path());
    let p = project("growing");
    let engine = engine(&ingestor);

    let err = engine
        .sql_collect(&p, "SELECT 1", SqlOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "no data yet: {err}");

    let first = ingestor
        .ingest_bytes(&p, "a.las", simple_las("UWI-A", "ALPHA 1"))
        .await;
    assert_eq!(first.status, IngestStatus::Ok, "{:?}", first.reason);
    let count = |sql: &'static str| {
        let engine = engine.clone();
        let p = p.clone();
        async move { ints(&one_batch(&query(&engine, &p, sql).await), 0)[0] }
    };
    assert_eq!(count("SELECT count(*) FROM wells").await, 1);
    assert_eq!(count("SELECT count(*) FROM well_logs").await, 50);
    let versions_before = engine.versions(&p).await.unwrap();

    let second = ingestor
        .ingest_bytes(&p, "b.las", simple_las("UWI-B", "BRAVO 2"))
        .await;
    assert_eq!(second.status, IngestStatus::Ok, "{:?}", second.reason);
    assert_eq!(count("SELECT count(*) FROM wells").await, 2);
    assert_eq!(count("SELECT count(*) FROM logs").await, 2);
    assert_eq!(count("SELECT count(*) FROM well_logs").await, 100);
    assert_eq!(
        count("SELECT count(*) FROM curves WHERE mnemonic = 'GR'").await,
        2
    );
    let versions_after = engine.versions(&p).await.unwrap();
    assert_ne!(
        versions_before, versions_after,
        "a new ingest changes what a query reads"
    );
    assert!(versions_after.is_verifiable());

    // Catalog and data join: names from the wells catalog beside the samples.
    let joined = one_batch(
        &query(
            &engine,
            &p,
            "SELECT w.name, count(*) FROM well_logs l JOIN wells w ON l.well_id = w.well_id \
             GROUP BY w.name ORDER BY w.name",
        )
        .await,
    );
    assert_eq!(
        texts(&joined, 0),
        [Some("ALPHA 1".to_owned()), Some("BRAVO 2".to_owned())]
    );
    assert_eq!(ints(&joined, 1), [50, 50]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_queries_run_and_nothing_changes() {
    let ingestor = memory_ingestor();
    let p = project("ro");
    ingest_demo(&ingestor, &p).await;
    let engine = engine(&ingestor);
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("x.csv");
    for sql in [
        "CREATE TABLE t (a INT)".to_owned(),
        "CREATE TABLE t AS SELECT * FROM wells".to_owned(),
        "CREATE VIEW v AS SELECT 1".to_owned(),
        "DROP TABLE wells".to_owned(),
        "INSERT INTO wells SELECT * FROM wells".to_owned(),
        "DELETE FROM wells".to_owned(),
        "UPDATE wells SET name = 'x'".to_owned(),
        format!("COPY wells TO '{}'", outside.display()),
        format!(
            "CREATE EXTERNAL TABLE t STORED AS CSV LOCATION '{}'",
            outside.display()
        ),
        "SET datafusion.execution.target_partitions = 1".to_owned(),
        "SELECT 1; DROP TABLE wells".to_owned(),
    ] {
        let err = engine
            .sql_collect(&p, &sql, SqlOptions::default())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{sql}: {err}");
    }
    assert!(!outside.exists(), "COPY wrote nothing");
    let wells = query(&engine, &p, "SELECT count(*) FROM wells").await;
    assert_eq!(ints(&one_batch(&wells), 0), [6]);
    // EXPLAIN ANALYZE runs a query, which only reads: allowed.
    query(&engine, &p, "EXPLAIN ANALYZE SELECT count(*) FROM well_logs").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_reaches_only_its_own_project() {
    let dir = tempfile::tempdir().unwrap();
    let ingestor = fs_ingestor(dir.path());
    let (mine, theirs) = (project("mine"), project("theirs"));
    ingestor
        .ingest_bytes(&mine, "a.las", simple_las("UWI-MINE", "MINE 1"))
        .await;
    let report = ingestor
        .ingest_bytes(&theirs, "b.las", simple_las("UWI-THEIRS", "THEIRS 1"))
        .await;
    let engine = engine(&ingestor);
    let their_object = dir.path().join(ingestor.layout().well_log(
        &theirs,
        &WellId::new(report.well_id.as_deref().unwrap()).unwrap(),
        &LogId::new(report.log_id.as_deref().unwrap()).unwrap(),
    ));
    assert!(their_object.is_file());
    let their_url = format!("mudrock://theirs/{}", report.well_id.as_deref().unwrap());
    for sql in [
        "SELECT * FROM theirs.public.well_logs".to_owned(),
        "SELECT * FROM theirs.well_logs".to_owned(),
        "SELECT * FROM datafusion.theirs.wells".to_owned(),
        format!("SELECT * FROM '{}'", their_object.display()),
        format!("SELECT * FROM 'file://{}'", their_object.display()),
        format!("SELECT * FROM '{their_url}'"),
        format!("SELECT * FROM read_parquet('{}')", their_object.display()),
        format!("SELECT * FROM parquet_scan('{}')", their_object.display()),
    ] {
        let err = engine
            .sql_collect(&mine, &sql, SqlOptions::default())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{sql}: {err}");
    }
    // What the session lists is this project's and nothing else.
    let tables = one_batch(
        &query(
            &engine,
            &mine,
            "SELECT DISTINCT table_catalog, table_schema, table_name FROM information_schema.tables \
             WHERE table_schema <> 'information_schema' ORDER BY table_name",
        )
        .await,
    );
    assert_eq!(
        texts(&tables, 2).into_iter().flatten().collect::<Vec<_>>(),
        ["curves", "logs", "well_logs", "wells"]
    );
    let names = one_batch(&query(&engine, &mine, "SELECT DISTINCT name FROM wells").await);
    assert_eq!(texts(&names, 0), [Some("MINE 1".to_owned())]);
    let ids = one_batch(&query(&engine, &mine, "SELECT DISTINCT well_id FROM well_logs").await);
    assert_eq!(texts(&ids, 0), [Some(report_well(&ingestor, &mine).await)]);
}

async fn report_well(ingestor: &Ingestor, p: &ProjectId) -> String {
    ingestor.catalogs().load(p).await.unwrap().wells[0]
        .well_id
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn row_limits_are_reported_and_timeouts_cancel() {
    let ingestor = memory_ingestor();
    let p = project("limits");
    ingestor
        .ingest_bytes(&p, "a.las", simple_las("UWI-A", "ALPHA 1"))
        .await;
    let engine = engine(&ingestor);

    let cut = engine
        .sql_collect(
            &p,
            "SELECT * FROM well_logs",
            SqlOptions::default().with_row_limit(10),
        )
        .await
        .unwrap();
    assert_eq!((cut.rows, cut.truncated), (10, true));
    assert_eq!(cut.batches.iter().map(RecordBatch::num_rows).sum::<usize>(), 10);
    let exact = engine
        .sql_collect(
            &p,
            "SELECT * FROM well_logs",
            SqlOptions::default().with_row_limit(50),
        )
        .await
        .unwrap();
    assert_eq!(
        (exact.rows, exact.truncated),
        (50, false),
        "exactly the limit is not truncated"
    );
    let explain = engine
        .sql_collect(
            &p,
            "EXPLAIN SELECT * FROM well_logs",
            SqlOptions::default().with_row_limit(1),
        )
        .await
        .unwrap();
    assert_eq!((explain.rows, explain.truncated), (1, true));

    // A query that would run for minutes is cancelled at its deadline.
    let started = Instant::now();
    let err = engine
        .sql_collect(
            &p,
            "SELECT sum(value) FROM generate_series(1, 20000000000)",
            SqlOptions::default().with_timeout(Duration::from_millis(300)),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(err.context("timeout_ms"), Some("300"));
    assert!(err.message().contains("cancelled"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // The engine keeps serving.
    let after = query(&engine, &p, "SELECT count(*) FROM well_logs").await;
    assert_eq!(ints(&one_batch(&after), 0), [50]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mistakes_are_invalid_input_with_a_readable_message() {
    let ingestor = memory_ingestor();
    let p = project("typos");
    ingestor
        .ingest_bytes(&p, "a.las", simple_las("UWI-A", "ALPHA 1"))
        .await;
    let engine = engine(&ingestor);
    for (sql, expected) in [
        (
            "SELECT gr FROM well_logs",
            "unknown column `gr`: did you mean `GR`?",
        ),
        (
            "SELECT NPHI FROM well_logs",
            "unknown column `NPHI`: the columns here are GR, RHOB, depth, grid_cell, log_id, well_id",
        ),
        ("SELECT * FROM well_log", "unknown table `well_log`"),
        ("SELECT * FROM WELLS", "did you mean `wells`?"),
        ("SELEC depth FROM well_logs", "the SQL does not parse"),
        ("SELECT vsh_linear(GR) FROM well_logs", "vsh_linear"),
        ("SELECT no_such_function(GR) FROM well_logs", "no_such_function"),
        ("", "no SQL statement"),
    ] {
        let err = engine
            .sql_collect(&p, sql, SqlOptions::default())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{sql}: {err}");
        assert!(err.message().contains(expected), "{sql}: {}", err.message());
        assert!(!err.message().contains("DataFusion"), "{sql}: {}", err.message());
    }
    // Upper-case keywords and functions still work with case-sensitive names.
    let ok = query(&engine, &p, "SELECT COUNT(*), AVG(GR), MAX(RHOB) FROM well_logs").await;
    assert_eq!(ok.rows, 1);
}

/// The arguments of each petrophysical function in the test: a column of the demo well (or a curve
/// computed from one) for an input curve, a customary value for a parameter.
fn petro_argument(name: &str) -> &'static str {
    match name {
        "gr" => "GR",
        "rhob" => "RHOB",
        "phin" => "NPHI",
        "phid" | "phi" => "PHID",
        "vsh" => "VSH",
        "dt" => "DT",
        "rt" => "ILD",
        "gr_clean" => "20",
        "gr_shale" => "150",
        "rho_ma" => "2.65",
        "rho_f" => "1.0",
        "dt_ma" => "55.5",
        "dt_f" => "189",
        "rw" => "0.05",
        "rsh" => "2",
        "a" => "1",
        "m" => "2",
        "n" => "2",
        other => panic!("no test value for petrophysical argument `{other}`: add one"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_petro_function_in_sql_equals_core_on_a_real_curve() {
    let ingestor = memory_ingestor();
    let p = project("petro");
    let ids = ingest_demo(&ingestor, &p).await;
    let engine = engine(&ingestor);
    let (well, log) = &ids[0];
    let direct = stored(&ingestor, &p, well, log).await;
    let column = |name: &str| floats(&direct, direct.schema().index_of(name).unwrap());
    let phid = mudrock_core::petro::function("phi_density")
        .unwrap()
        .evaluate(&[
            Arg::Array(&column("RHOB")),
            Arg::Scalar(Some(2.65)),
            Arg::Scalar(Some(1.0)),
        ])
        .unwrap()
        .values;
    let vsh = mudrock_core::petro::function("vsh_linear")
        .unwrap()
        .evaluate(&[
            Arg::Array(&column("GR")),
            Arg::Scalar(Some(20.0)),
            Arg::Scalar(Some(150.0)),
        ])
        .unwrap()
        .values;
    let curve = |name: &str| -> Option<Float64Array> {
        match name {
            "PHID" => Some(phid.clone()),
            "VSH" => Some(vsh.clone()),
            n if n.parse::<f64>().is_ok() => None,
            n => Some(column(n)),
        }
    };

    let functions = mudrock_core::petro::functions();
    assert!(
        functions.len() >= 15,
        "shale volume, porosity and saturation functions"
    );
    for function in functions {
        let args: Vec<&str> = function.args.iter().map(|a| petro_argument(a)).collect();
        let sql = format!(
            "WITH t AS (SELECT depth, GR, RHOB, NPHI, DT, ILD, phi_density(RHOB, 2.65, 1.0) AS PHID, \
             vsh_linear(GR, 20, 150) AS VSH FROM well_logs WHERE well_id = '{well}') \
             SELECT {}({}) FROM t ORDER BY depth",
            function.name,
            args.join(", ")
        );
        let result = one_batch(&query(&engine, &p, &sql).await);
        let got = floats(&result, 0);

        let arrays: Vec<Option<Float64Array>> = args.iter().map(|a| curve(a)).collect();
        let kernel_args: Vec<Arg<'_>> = args
            .iter()
            .zip(&arrays)
            .map(|(a, array)| match array {
                Some(values) => Arg::Array(values),
                None => Arg::Scalar(Some(a.parse().unwrap())),
            })
            .collect();
        let expected = function.evaluate(&kernel_args).unwrap().values;
        assert_eq!(got.len(), expected.len(), "{}", function.name);
        let mut valid = 0;
        for i in 0..got.len() {
            assert_eq!(
                got.is_valid(i),
                expected.is_valid(i),
                "{} row {i}: null",
                function.name
            );
            if got.is_valid(i) {
                valid += 1;
                assert_eq!(
                    got.value(i).to_bits(),
                    expected.value(i).to_bits(),
                    "{} row {i}",
                    function.name
                );
                assert!(
                    got.value(i).is_finite(),
                    "{} row {i}: never NaN or inf",
                    function.name
                );
            }
        }
        assert!(valid > 0, "{}: some rows computed", function.name);
    }

    // Nulls stay null; a null parameter nulls every row.
    let nulls = one_batch(
        &query(
            &engine,
            &p,
            "SELECT vsh_linear(NULL, 20, 150), vsh_linear(GR, NULL, 150), sw_archie(-1, 0.05, 0.2, 1, 2, 2) \
             FROM well_logs LIMIT 5",
        )
        .await,
    );
    for c in 0..3 {
        assert_eq!(nulls.column(c).null_count(), nulls.num_rows(), "column {c}");
    }
    let metadata = Arc::clone(
        &query(
            &engine,
            &p,
            "SELECT sw_archie(ILD, 0.05, 0.2, 1, 2, 2) AS sw FROM well_logs",
        )
        .await
        .schema,
    );
    assert!(
        metadata
            .field(0)
            .metadata()
            .contains_key(mudrock_core::petro::FIELD_METHOD),
        "the output records its method: {:?}",
        metadata.field(0).metadata()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wells_inside_a_polygon_with_holes_and_unlocated_wells_as_null() {
    let ingestor = memory_ingestor();
    let p = project("spatial");
    ingest_demo(&ingestor, &p).await;
    let engine = engine(&ingestor);
    // The demo's Colorado well is at 40.14351 N, 104.67120 W; one demo well has no location.
    let square = "POLYGON((-105 40, -104 40, -104 41, -105 41, -105 40))";
    let with_hole = "POLYGON((-105 40, -104 40, -104 41, -105 41, -105 40), \
                     (-104.8 40.1, -104.5 40.1, -104.5 40.2, -104.8 40.2, -104.8 40.1))";
    let geojson = r#"{"type":"Polygon","coordinates":[[[-105,40],[-104,40],[-104,41],[-105,41],[-105,40]]]}"#;
    let result = one_batch(
        &query(
            &engine,
            &p,
            &format!(
                "SELECT name, within_polygon(lat, lon, '{square}'), within_polygon(lat, lon, '{with_hole}'), \
                 within_polygon(lat, lon, '{geojson}') FROM wells ORDER BY name"
            ),
        )
        .await,
    );
    let names = texts(&result, 0);
    let flags = |c: usize| -> Vec<Option<bool>> { result.column(c).as_boolean().iter().collect() };
    for (i, name) in names.iter().enumerate() {
        let name = name.as_deref().unwrap();
        let expected = match name {
            "MUDROCK FEDERAL 1-16" => (Some(true), Some(false)),
            "DEMO LEDUC 10-16-39-3" => (None, None),
            _ => (Some(false), Some(false)),
        };
        assert_eq!((flags(1)[i], flags(2)[i]), expected, "{name}");
        assert_eq!(flags(3)[i], flags(1)[i], "{name}: GeoJSON and WKT agree");
    }
    let located = one_batch(
        &query(
            &engine,
            &p,
            &format!("SELECT count(*) FROM wells WHERE within_polygon(lat, lon, '{square}')"),
        )
        .await,
    );
    assert_eq!(ints(&located, 0), [1]);

    let err = engine
        .sql_collect(
            &p,
            "SELECT within_polygon(lat, lon, 'POLYGON((0 0, 1 0, 1 1))') FROM wells",
            SqlOptions::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert!(err.message().contains("not a valid polygon"), "{err}");
}

/// The real `mudrock` binary: `mudrock sql` in every output format.
#[test]
fn mudrock_sql_prints_tables_and_writes_csv_json_and_parquet() {
    use std::process::Command;

    let dir = tempfile::tempdir().unwrap();
    let mudrock = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_mudrock"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .env_remove("MUDROCK_DATA_DIR")
            .output()
            .unwrap();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (out.status.success(), text(&out.stdout), text(&out.stderr))
    };
    let las = dir.path().join("las");
    mudrock_store::demo::write_to(&las).unwrap();
    let (ok, _, err) = mudrock(&["ingest", las.to_str().unwrap(), "--project", "demo"]);
    assert!(ok, "{err}");

    let one_well = "SELECT well_id, depth, GR FROM well_logs WHERE well_id = '177154012300' ORDER BY depth";
    let (ok, table, err) = mudrock(&["sql", "--project", "demo", one_well, "--limit", "5"]);
    assert!(ok, "{err}");
    assert!(
        table.contains("well_id") && table.contains("GR") && table.contains("8000.5"),
        "{table}"
    );
    assert!(table.trim_end().ends_with("5 rows"), "{table}");
    assert!(err.contains("more than 5 rows"), "truncation is said: {err}");

    let (ok, csv, err) = mudrock(&["sql", "--project", "demo", one_well, "--format", "csv"]);
    assert!(ok, "{err}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "well_id,depth,GR");
    assert_eq!(lines.len(), 1 + 9000, "header and every row of the well");
    assert!(err.is_empty(), "no truncation note without a limit: {err}");

    let (ok, json, err) = mudrock(&[
        "sql",
        "--project",
        "demo",
        "SELECT name, lat FROM wells ORDER BY name",
        "--format",
        "json",
    ]);
    assert!(ok, "{err}");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(rows.len(), 6);
    assert!(
        rows.iter().any(|r| r["lat"].is_null()),
        "nulls are written: {json}"
    );

    let file = dir.path().join("window.parquet");
    let (ok, _, err) = mudrock(&[
        "sql",
        "--project",
        "demo",
        one_well,
        "--format",
        "parquet",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let (schema, batches) =
        mudrock_core::arrow::read_parquet(Bytes::from(std::fs::read(&file).unwrap())).unwrap();
    assert_eq!(schema.fields().len(), 3);
    assert_eq!(batches.iter().map(RecordBatch::num_rows).sum::<usize>(), 9000);

    let (ok, _, err) = mudrock(&["sql", "--project", "demo", "DELETE FROM wells"]);
    assert!(!ok && err.contains("read-only"), "{err}");
    let (ok, _, err) = mudrock(&["sql", "--project", "nowhere", "SELECT 1"]);
    assert!(!ok && err.contains("has no data yet"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_query_reuses_its_plan_until_a_new_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let ingestor = fs_ingestor(dir.path());
    let p = project("planned");
    let engine = engine(&ingestor);
    let first = ingestor
        .ingest_bytes(&p, "a.las", simple_las("UWI-A", "ALPHA 1"))
        .await;
    assert_eq!(first.status, IngestStatus::Ok, "{:?}", first.reason);

    let sql = "SELECT count(*), sum(GR) FROM well_logs WHERE depth BETWEEN 1000 AND 1010";
    let run = |options: SqlOptions| {
        let engine = engine.clone();
        let p = p.clone();
        async move {
            let result = engine.sql_collect(&p, sql, options).await.unwrap();
            let batch = one_batch(&result);
            (ints(&batch, 0)[0], floats(&batch, 1).value(0))
        }
    };
    let before = engine.plan_cache_stats();
    assert_eq!(run(SqlOptions::default()).await, (21, 1050.0));
    let after_first = engine.plan_cache_stats();
    assert_eq!(after_first.misses, before.misses + 1, "{after_first:?}");
    assert_eq!(after_first.hits, before.hits);

    // The same text again: the kept plan, the same answer.
    assert_eq!(run(SqlOptions::default()).await, (21, 1050.0));
    let after_second = engine.plan_cache_stats();
    assert_eq!(after_second.hits, after_first.hits + 1, "{after_second:?}");
    assert_eq!(after_second.misses, after_first.misses);
    // Another row limit is another plan (the limit is part of it).
    assert_eq!(run(SqlOptions::default().with_row_limit(5)).await, (21, 1050.0));
    assert_eq!(engine.plan_cache_stats().misses, after_second.misses + 1);

    // A new ingest: new catalog versions, a new session, and the plan is made again over the new data.
    let second = ingestor
        .ingest_bytes(&p, "b.las", simple_las("UWI-B", "BRAVO 2"))
        .await;
    assert_eq!(second.status, IngestStatus::Ok, "{:?}", second.reason);
    let before_new = engine.plan_cache_stats();
    assert_eq!(run(SqlOptions::default()).await, (42, 2100.0), "no stale plan");
    let after_new = engine.plan_cache_stats();
    assert_eq!(after_new.misses, before_new.misses + 1, "{after_new:?}");
    assert_eq!(after_new.hits, before_new.hits);
    assert_eq!(run(SqlOptions::default()).await, (42, 2100.0));
    assert_eq!(engine.plan_cache_stats().hits, after_new.hits + 1);

    // A query whose answer depends on when it runs is planned every time (now() is folded into a
    // constant when the plan is optimised).
    let clock = "SELECT now() AS t, count(*) FROM wells";
    let before_clock = engine.plan_cache_stats();
    for _ in 0..2 {
        engine
            .sql_collect(&p, clock, SqlOptions::default())
            .await
            .unwrap();
    }
    let after_clock = engine.plan_cache_stats();
    assert_eq!(after_clock.uncacheable, before_clock.uncacheable + 2);
    assert_eq!(after_clock.hits, before_clock.hits);
}
