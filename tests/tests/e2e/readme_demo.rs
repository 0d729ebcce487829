//! README's first command, `mudrock demo`, on a fresh directory with no server and no configuration:
//! the printed catalog, and the objects on disk in the design's layout.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use arrow_array::{Array, StringArray};
use bytes::Bytes;
use mudrock_core::layout::LogId;
use mudrock_e2e::mudrock_bin;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use sha2::{Digest, Sha256};

fn read_parquet(path: &Path) -> Vec<arrow_array::RecordBatch> {
    let bytes = Bytes::from(std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())));
    ParquetRecordBatchReaderBuilder::try_new(bytes)
        .unwrap()
        .build()
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
}

#[test]
fn mudrock_demo_on_a_fresh_machine() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(mudrock_bin())
        .arg("demo")
        // The demo ends by serving the API; the catalog and the objects are what this test checks.
        .arg("--no-serve")
        .current_dir(home.path())
        .env_remove("MUDROCK_DATA_DIR")
        .env_remove("MUDROCK_ICEBERG_CATALOG")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}\n{stdout}\n{stderr}", out.status);

    // The printed catalog: every demo well, by name and id.
    assert!(
        stdout.contains("wells catalog of project demo (6 wells"),
        "{stdout}"
    );
    let demo = mudrock_store::demo::generate();
    for file in &demo {
        assert!(
            stdout.contains(&file.well_name),
            "{} not printed:\n{stdout}",
            file.well_name
        );
    }

    // The default data dir is ./.mudrock; objects live under objects/{project}/ as DESIGN.md lays out.
    let project = home.path().join(".mudrock/objects/demo");
    for catalog in ["wells", "logs", "curves"] {
        assert!(
            project
                .join(format!("catalog/{catalog}_catalog.parquet"))
                .is_file(),
            "{catalog} catalog"
        );
    }
    let wells = read_parquet(&project.join("catalog/wells_catalog.parquet"));
    let ids: BTreeSet<String> = wells
        .iter()
        .flat_map(|b| {
            let col = b
                .column_by_name("well_id")
                .unwrap()
                .as_any()
                .downcast_ref::<StringArray>()
                .unwrap();
            (0..col.len())
                .map(|i| col.value(i).to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(ids.len(), 6);
    for id in &ids {
        assert!(stdout.contains(id.as_str()), "well id {id} printed");
    }

    for file in &demo {
        let sha = hex::encode(Sha256::digest(&file.bytes));
        // The original bytes, kept under their SHA-256.
        let raw = project.join(format!("raw/{sha}.las"));
        assert_eq!(std::fs::read(&raw).unwrap(), file.bytes, "{}", raw.display());
        // The log as Parquet under its well: every row, every curve.
        let log = format!("{}.parquet", LogId::derive(&sha, None));
        let found: Vec<_> = ids
            .iter()
            .map(|id| project.join(format!("wells/{id}/logs/{log}")))
            .filter(|p| p.is_file())
            .collect();
        assert_eq!(
            found.len(),
            1,
            "{}: log {log} under exactly one well",
            file.file_name
        );
        let batches = read_parquet(&found[0]);
        let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
        assert_eq!(rows, file.rows, "{}", file.file_name);
        // The curves, then the key columns (well_id, log_id, grid_cell) that make the file a set of
        // well_logs rows.
        let keys = mudrock_core::arrow::KEY_COLUMNS.len();
        assert_eq!(batches[0].num_columns(), mudrock_store::demo::CURVES.len() + keys);
    }
    let stray: Vec<_> = std::fs::read_dir(&project)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let mut stray: Vec<String> = stray
        .into_iter()
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    stray.sort();
    assert_eq!(
        stray,
        ["catalog", "iceberg", "raw", "wells"],
        "nothing else in the project folder"
    );

    // The same wells in the project's Iceberg tables (SQL catalog on the embedded SQLite file), readable
    // with the same SQL.
    for table in ["well_logs", "wells", "logs", "curves", "tops"] {
        let metadata = project.join(format!("iceberg/{table}/metadata"));
        assert!(metadata.is_dir(), "{}", metadata.display());
    }
    assert!(home.path().join(".mudrock/iceberg.db").is_file());
    let run = |args: &[&str]| {
        let out = Command::new(mudrock_bin())
            .args(args)
            .current_dir(home.path())
            .env_remove("MUDROCK_DATA_DIR")
            .env_remove("MUDROCK_ICEBERG_CATALOG")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{args:?}: {text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        text
    };
    // Files ingested together may share a commit: each demo file is in exactly one snapshot.
    let snapshots = run(&["snapshots", "--project", "demo", "--json"]);
    let listed: Vec<serde_json::Value> = serde_json::from_str(&snapshots).unwrap();
    assert!(!listed.is_empty() && listed.len() <= demo.len(), "{snapshots}");
    for file in &demo {
        let holding = listed
            .iter()
            .filter(|s| {
                s["source_file"]
                    .as_str()
                    .is_some_and(|names| names.split(", ").any(|n| n == file.file_name))
            })
            .count();
        assert_eq!(holding, 1, "{} in one snapshot: {snapshots}", file.file_name);
    }
    let wells = run(&[
        "sql",
        "--project",
        "demo",
        "--as-of",
        "now",
        "--format",
        "csv",
        "SELECT count(DISTINCT well_id) AS n FROM well_logs",
    ]);
    assert_eq!(wells.trim(), format!("n\n{}", demo.len()), "{wells}");
}
