//! The real `mudrock` binary, run as a user would.

use std::path::Path;
use std::process::{Command, Output};

use mudrock_store::demo::generate;

fn mudrock(data_dir: &Path, args: &[&str]) -> Output {
    mudrock_with(data_dir, args, &[])
}

/// `mudrock` with `env` set, and no metadata store named by this process's environment.
fn mudrock_with(data_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mudrock"));
    command
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("MUDROCK_DATA_DIR");
    for name in METADATA_SETTINGS {
        command.env_remove(name);
    }
    command.envs(env.iter().copied()).output().unwrap()
}

/// What names the metadata store (`open_metadata` in the CLI).
const METADATA_SETTINGS: [&str; 5] = [
    "MUDROCK_DATABASE_URL",
    "POSTGREST_URL",
    "SUPABASE_URL",
    "POSTGREST_JWT_SECRET",
    "SUPABASE_JWT_SECRET",
];

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn demo_prints_the_wells_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let out = mudrock(dir.path(), &["demo", "--no-serve"]);
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("wells catalog of project demo (6 wells"), "{text}");
    for file in generate() {
        assert!(
            text.contains(&file.well_name),
            "{} missing from\n{text}",
            file.well_name
        );
    }
    assert!(text.contains("05123456780000"), "UWI with its leading zero");
    assert!(
        dir.path()
            .join("objects/demo/catalog/wells_catalog.parquet")
            .is_file()
    );
    assert_eq!(std::fs::read_dir(dir.path().join("demo-las")).unwrap().count(), 6);

    // Again: the same files, nothing new.
    let again = mudrock(dir.path(), &["demo", "--no-serve"]);
    assert!(again.status.success());
    assert_eq!(
        stdout(&again).matches("unchanged").count(),
        6,
        "{}",
        stdout(&again)
    );
}

#[test]
fn demo_runs_on_memory_storage() {
    let dir = tempfile::tempdir().unwrap();
    let out = mudrock(
        dir.path(),
        &["--storage", "memory", "demo", "--no-serve", "--project", "mem"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("(6 wells, stored in memory)"),
        "{}",
        stdout(&out)
    );
    assert!(
        !dir.path().join("objects").exists(),
        "nothing on disk but the demo LAS files"
    );
}

#[test]
fn ingest_of_a_bad_file_names_the_file_and_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken_well.las");
    std::fs::write(
        &bad,
        "~V\n VERS. 2.0 :\n~C\n DEPT.M :\n GR.GAPI :\n~A\n1 2\n2 x y z\n",
    )
    .unwrap();
    let good = dir.path().join("good.LAS");
    std::fs::write(&good, &generate()[3].bytes).unwrap();
    let out = mudrock(
        dir.path(),
        &["ingest", dir.path().to_str().unwrap(), "--project", "p"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("broken_well.las"), "{err}");
    assert!(err.contains("line 8"), "{err}");
    let text = stdout(&out);
    assert!(text.contains("rejected") && text.contains("ok"), "{text}");
    assert!(text.contains("1 ingested, 0 unchanged, 1 rejected"), "{text}");

    // A file refused by validation: the summary shows its warnings too (here the unknown unit, with
    // its line in the JSON report), not only --json.
    let refused = dir.path().join("refused.las");
    std::fs::write(
        &refused,
        "~V\n VERS. 2.0 :\n WRAP. NO :\n~W\n NULL. -999.25 :\n~C\n DEPT.M :\n GR.FURLONG :\n~A\n1 -999.25\n2 -999.25\n",
    )
    .unwrap();
    let out = mudrock(
        dir.path(),
        &["ingest", refused.to_str().unwrap(), "--project", "p"],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("warnings in"), "{text}");
    assert!(text.contains("line 8") && text.contains("FURLONG"), "{text}");
    let out = mudrock(
        dir.path(),
        &["ingest", "--json", refused.to_str().unwrap(), "--project", "p"],
    );
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let unit = reports[0]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["source"] == "units")
        .cloned()
        .unwrap_or_else(|| panic!("{reports}"));
    assert_eq!(unit["line"], 8, "{unit}");
}

#[test]
fn ingest_json_lists_every_report() {
    let dir = tempfile::tempdir().unwrap();
    let las_dir = dir.path().join("las");
    mudrock_store::demo::write_to(&las_dir).unwrap();
    let out = mudrock(
        dir.path(),
        &["ingest", las_dir.to_str().unwrap(), "--project", "j", "--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let reports = reports.as_array().unwrap();
    assert_eq!(reports.len(), 6);
    for r in reports {
        assert_eq!(r["status"], "ok");
        assert_eq!(r["sha256"].as_str().unwrap().len(), 64);
        assert!(r["seconds"].as_f64().unwrap() >= 0.0);
    }
}

#[test]
fn wells_json_parses() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        mudrock(dir.path(), &["demo", "--no-serve", "--project", "field-a"])
            .status
            .success()
    );
    let out = mudrock(dir.path(), &["wells", "--project", "field-a", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let wells: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let wells = wells.as_array().unwrap();
    assert_eq!(wells.len(), 6);
    let colorado = wells.iter().find(|w| w["uwi"] == "05123456780000").unwrap();
    assert_eq!(colorado["api"], "0512345678");
    assert_eq!(colorado["n_logs"], 1);
    assert!(colorado["lat"].as_f64().is_some());
    let no_location = wells.iter().filter(|w| w["lat"].is_null()).count();
    assert_eq!(no_location, 1);

    let table = mudrock(dir.path(), &["wells", "--project", "field-a"]);
    assert!(stdout(&table).contains("PRAIRIE CREEK 7-22"));
}

#[test]
fn wells_of_an_empty_project_says_how_to_fill_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = mudrock(dir.path(), &["wells", "--project", "empty"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("mudrock ingest"), "{}", stdout(&out));
}

#[test]
fn usage_errors_say_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let out = mudrock(dir.path(), &["wells", "--project", "../escape"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("project id"), "{}", stderr(&out));

    let out = mudrock(dir.path(), &["ingest", "/no/such/dir", "--project", "p"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("/no/such/dir"), "{}", stderr(&out));

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = mudrock(dir.path(), &["ingest", empty.to_str().unwrap(), "--project", "p"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no .las files"), "{}", stderr(&out));
}

#[test]
fn data_dir_comes_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mudrock"))
        .args(["demo", "--no-serve", "--project", "env"])
        .env("MUDROCK_DATA_DIR", dir.path())
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        dir.path()
            .join("objects/env/catalog/wells_catalog.parquet")
            .is_file()
    );
}

/// `mudrock publish` (its success path runs against a real worker in the end-to-end tests): a project that
/// is not there, a URL that is not HTTP, and an edge that does not answer each fail with a clear message
/// and a non-zero exit, after bounded retries.
#[test]
fn publish_failures_say_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let token = ["--token", "admin-token-0000000000000000"];
    let nothing = mudrock(
        dir.path(),
        &[
            &["publish", "--project", "empty", "--edge", "http://127.0.0.1:9"],
            &token[..],
        ]
        .concat(),
    );
    assert!(!nothing.status.success());
    assert!(
        stderr(&nothing).contains("project `empty` has no wells"),
        "{}",
        stderr(&nothing)
    );

    assert!(mudrock(dir.path(), &["demo", "--no-serve"]).status.success());
    let ftp = mudrock(
        dir.path(),
        &[
            &["publish", "--project", "demo", "--edge", "ftp://example.org"],
            &token[..],
        ]
        .concat(),
    );
    assert!(!ftp.status.success());
    assert!(
        stderr(&ftp).contains("must be an http:// URL"),
        "{}",
        stderr(&ftp)
    );

    // A port nobody listens on: refused connections, retried, then reported.
    let port = crate::support::free_port();
    let edge = format!("http://127.0.0.1:{port}");
    let down = mudrock(
        dir.path(),
        &[
            &["publish", "--project", "demo", "--edge", edge.as_str()],
            &token[..],
        ]
        .concat(),
    );
    assert!(!down.status.success());
    assert!(stderr(&down).contains("did not take"), "{}", stderr(&down));
}

/// `--storage s3`: the same commands on a bucket of a real S3 server (SeaweedFS), settings from the
/// MINIO_* variables; wrong keys stop the command before any work, saying what to check.
#[test]
fn commands_run_on_an_s3_bucket() {
    let server = std::thread::spawn(crate::seaweedfs::server).join().unwrap();
    let config = server.fresh_config();
    let dir = tempfile::tempdir().unwrap();
    let las = mudrock_store::demo::write_to(&dir.path().join("las")).unwrap();
    let run = |args: &[&str], secret: &str| {
        Command::new(env!("CARGO_BIN_EXE_mudrock"))
            .args(["--storage", "s3"])
            .args(args)
            .env("MINIO_ENDPOINT", &config.endpoint)
            .env("MINIO_BUCKET", &config.bucket)
            .env("MINIO_ROOT", &config.root)
            .env("MINIO_ACCESS_KEY", &config.access_key_id)
            .env("MINIO_SECRET_KEY", secret)
            .env("MUDROCK_DATA_DIR", dir.path())
            .output()
            .unwrap()
    };
    let first = las[0].display().to_string();
    let ingest = run(
        &["ingest", &first, "--project", "s3proj"],
        &config.secret_access_key,
    );
    assert!(ingest.status.success(), "{}", stderr(&ingest));
    let wells = run(
        &["wells", "--project", "s3proj", "--json"],
        &config.secret_access_key,
    );
    assert!(wells.status.success(), "{}", stderr(&wells));
    let rows: serde_json::Value = serde_json::from_slice(&wells.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");
    let denied = run(&["wells", "--project", "s3proj"], "wrong-secret-000000");
    assert!(!denied.status.success());
    assert!(
        stderr(&denied).contains("MINIO_SECRET_KEY"),
        "{}",
        stderr(&denied)
    );
}

#[test]
fn sql_writes_a_table_to_the_output_file_and_query_limits_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let out = mudrock(dir.path(), &["demo", "--no-serve"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let file = dir.path().join("wells.txt");
    let query = "SELECT count(*) AS wells FROM wells";
    let out = mudrock(
        dir.path(),
        &[
            "sql",
            "--project",
            "demo",
            "--output",
            file.to_str().unwrap(),
            query,
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "", "the table goes to the file, not stdout");
    let table = std::fs::read_to_string(&file).unwrap();
    assert!(
        table.contains("wells") && table.contains('6') && table.contains("1 row"),
        "{table}"
    );

    // A limit that cannot work is said, not ignored.
    let out = mudrock(
        dir.path(),
        &[
            "sql",
            "--project",
            "demo",
            "--query-memory-bytes",
            "2000",
            "--engine-memory-bytes",
            "1000",
            query,
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--query-memory-bytes"), "{}", stderr(&out));
}

/// The metadata store named by PostgREST's settings is the one used: checked when the command starts, so a
/// server that is not there (or a setting missing) stops the command before it writes anything, and two
/// stores named at once are refused rather than one picked silently.
#[test]
fn postgrest_settings_are_used_and_checked_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let las = dir.path().join("well.las");
    std::fs::write(&las, &generate()[3].bytes).unwrap();
    let data = dir.path().join("data");
    let ingest = ["ingest", las.to_str().unwrap(), "--project", "p"];
    let closed = crate::support::free_port();
    let url = format!("http://127.0.0.1:{closed}");
    let secret = ("POSTGREST_JWT_SECRET", "a-secret-of-at-least-32-characters!!");

    let out = mudrock_with(&data, &ingest, &[("POSTGREST_URL", &url), secret]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains(&format!("cannot reach PostgREST at {url}")), "{err}");
    assert!(err.contains("POSTGREST_URL"), "{err}");
    // Supabase's URL names the same store, at its REST root.
    let out = mudrock_with(&data, &ingest, &[("SUPABASE_URL", &url), secret]);
    let err = stderr(&out);
    assert!(
        err.contains(&format!("cannot reach PostgREST at {url}/rest/v1")),
        "{err}"
    );

    let out = mudrock_with(&data, &ingest, &[("POSTGREST_URL", &url)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("POSTGREST_JWT_SECRET"), "{}", stderr(&out));

    let out = mudrock_with(
        &data,
        &ingest,
        &[
            ("POSTGREST_URL", &url),
            secret,
            ("MUDROCK_DATABASE_URL", "postgres://127.0.0.1:1/x"),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("MUDROCK_DATABASE_URL") && err.contains("POSTGREST_URL"),
        "{err}"
    );

    // None of the refused commands wrote anything, nor made the embedded store they were not asked for.
    let written: Vec<_> = walk(&data);
    assert!(written.is_empty(), "{written:?}");
    // Without the settings the same command runs on the embedded store.
    let out = mudrock(&data, &ingest);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(data.join("metadata.db").is_file());
}

/// Every file under `dir` (none when it does not exist).
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|e| {
            let path = e.path();
            if path.is_dir() { walk(&path) } else { vec![path] }
        })
        .collect()
}

/// A metadata database that is not there stops the command at once (not after the pool's ten-second
/// acquire timeout), says what to check, and does not print the URL's password.
#[test]
fn an_unreachable_metadata_database_fails_at_once_with_what_to_check() {
    let dir = tempfile::tempdir().unwrap();
    let las = dir.path().join("well.las");
    std::fs::write(&las, &generate()[3].bytes).unwrap();
    let closed = crate::support::free_port();
    let url = format!("postgres://mudrock:hunter2-secret@127.0.0.1:{closed}/mudrock");
    let started = std::time::Instant::now();
    let out = mudrock_with(
        &dir.path().join("data"),
        &["ingest", las.to_str().unwrap(), "--project", "p"],
        &[("MUDROCK_DATABASE_URL", &url)],
    );
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("cannot reach the metadata database"), "{err}");
    assert!(err.contains("is the server running"), "{err}");
    assert!(!err.contains("hunter2-secret"), "{err}");
    assert!(took < std::time::Duration::from_secs(5), "took {took:?}");
}

#[test]
fn doctor_names_each_part_checks_it_and_shows_the_settings_in_effect() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let plain: [(&str, &str); 2] = [("ICEBERG_CATALOG_TYPE", ""), ("MUDROCK_ICEBERG_CATALOG", "")];

    // The embedded defaults: every part named, opened and answering.
    let out = mudrock_with(&data, &["doctor"], &plain);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    for expected in [
        "file system at",
        "embedded SQLite at",
        "SQL catalog (sqlite)",
        "L1 256 MiB in memory",
        "MUDROCK_ADDR",
        "127.0.0.1:8080",
    ] {
        assert!(text.contains(expected), "`{expected}` missing:\n{text}");
    }
    assert!(!text.contains("FAILED"), "{text}");

    // A catalog that is not there fails its own part, with the others still checked; a secret's value is
    // never printed.
    let closed = format!("http://127.0.0.1:{}", crate::support::free_port());
    let out = mudrock_with(
        &data,
        &["doctor", "--json"],
        &[
            ("MUDROCK_ICEBERG_CATALOG", closed.as_str()),
            ("MINIO_SECRET_KEY", "do-not-print-me"),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(!text.contains("do-not-print-me"), "{text}");
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let parts = doc["parts"].as_array().unwrap();
    let part = |name: &str| parts.iter().find(|p| p["part"] == name).unwrap().clone();
    assert_eq!(part("tables")["ok"], false, "{text}");
    assert!(
        part("tables")["what"].as_str().unwrap().contains(&closed),
        "{text}"
    );
    for ok in ["storage", "metadata", "caches"] {
        assert_eq!(part(ok)["ok"], true, "{ok}: {text}");
    }
    let setting = |name: &str| {
        doc["settings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(setting("MUDROCK_ICEBERG_CATALOG")["from"], "environment");
    assert_eq!(setting("CACHE_TTL_SECONDS")["from"], "default");

    // The seed's catalog names are taken or refused by name.
    let out = mudrock_with(&data, &["doctor"], &[("ICEBERG_CATALOG_TYPE", "glue"), plain[1]]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("ICEBERG_CATALOG_TYPE=glue is not supported"),
        "{}",
        stdout(&out)
    );
    let out = mudrock_with(&data, &["doctor"], &[("ICEBERG_CATALOG_TYPE", "none"), plain[1]]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("off (the Parquet layout is the record)"),
        "{}",
        stdout(&out)
    );
}
