//! `mudrock export` and `GET …/logs/{log}.las|.csv` through the real binary, on real files: the LAS out is
//! read by lasio (the Python reader most users have) with the same curves, units, header and values as
//! lasio reads from the file that went in.

use std::path::Path;
use std::process::{Command, Output};

use crate::support::{run_mudrock, shared_las};

fn mudrock(data_dir: &Path, args: &[&str]) -> Output {
    crate::support::mudrock_command(data_dir, args, &[])
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Ingests `file` and returns its (well id, log id).
fn ingest(data: &Path, file: &Path) -> (String, String) {
    let out = ok(&mudrock(
        data,
        &["ingest", "--project", "p", "--json", file.to_str().unwrap()],
    ));
    let reports: serde_json::Value = serde_json::from_str(&out).unwrap();
    let report = reports
        .as_array()
        .and_then(|a| a.first())
        .cloned()
        .unwrap_or(reports);
    assert_eq!(report["status"], "ok", "{report}");
    (
        report["well_id"].as_str().unwrap().to_owned(),
        report["log_id"].as_str().unwrap().to_owned(),
    )
}

/// lasio reads both files; what it sees in each, and whether the values are equal.
const LASIO_COMPARE: &str = r#"
import json, sys, warnings, logging
logging.disable(logging.CRITICAL)
warnings.filterwarnings("ignore")
import lasio, numpy as np
a, b = lasio.read(sys.argv[1]), lasio.read(sys.argv[2])
def curves(f):
    return [[c.mnemonic, c.unit, c.descr] for c in f.curves]
def well(f):
    return {i.mnemonic: str(i.value) for i in f.well if i.mnemonic not in ("NULL",)}
equal = len(a.curves) == len(b.curves) and all(
    np.array_equal(np.asarray(x.data), np.asarray(y.data), equal_nan=True) for x, y in zip(a.curves, b.curves))
print(json.dumps({"curves": [curves(a), curves(b)], "well": [well(a), well(b)],
                  "rows": [len(a.index), len(b.index)], "equal": bool(equal)}))
"#;

fn lasio_compare(original: &Path, exported: &Path) -> serde_json::Value {
    let out = Command::new("python3")
        .args(["-c", LASIO_COMPARE])
        .arg(original)
        .arg(exported)
        .output()
        .expect("python3 runs (scripts/setup.sh installs it with lasio and numpy)");
    assert!(
        out.status.success(),
        "lasio failed (scripts/setup.sh installs lasio): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn an_exported_log_reads_in_lasio_as_the_file_that_went_in() {
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("odd.las");
    // Mnemonics a table cannot take as they are (`Cond.` is column `Cond`): they come back as ingested.
    std::fs::write(
        &odd,
        "~V\n VERS. 2.0 :\n WRAP. NO :\n~W\n STRT.M 1000 :\n STOP.M 1001 :\n STEP.M 0.5 :\n NULL. -999.25 :\n \
         WELL. ODD-1 :\n UWI. ODD0000001 :\n~C\n DEPT.M : depth\n Cond..MS/M : Cond.\n I. Res..OHM-M : I. Res.\n\
         ~A\n1000 10 -999.25\n1000.5 11 1.6\n1001 12 1.7\n",
    )
    .unwrap();
    let files = [
        // Depth decreasing (STEP -0.125): it comes back in the file's order.
        shared_las("lasio/standards/examples/2.0/sample_2.0.las"),
        // A real well, LAS 2.0, 1.5 MB.
        shared_las("welly/tutorial/data/P-135_out.LAS"),
        // A real well, LAS 1.2.
        shared_las("lasio/tests/examples/6038187_v1.2.las"),
        odd,
    ];
    for (k, file) in files.iter().enumerate() {
        let data = dir.path().join(format!("data{k}"));
        let (well, log) = ingest(&data, file);
        let out = dir.path().join(format!("out{k}.las"));
        ok(&mudrock(
            &data,
            &[
                "export",
                "--project",
                "p",
                "--well",
                &well,
                "--format",
                "las",
                "--output",
                out.to_str().unwrap(),
            ],
        ));
        let seen = lasio_compare(file, &out);
        let name = file.display();
        assert_eq!(seen["curves"][0], seen["curves"][1], "{name}: curves and units");
        assert_eq!(seen["rows"][0], seen["rows"][1], "{name}: rows");
        assert_eq!(seen["equal"], true, "{name}: values");
        assert_eq!(seen["well"][0], seen["well"][1], "{name}: ~Well items");
        // The same log named, to stdout.
        let piped = ok(&mudrock(
            &data,
            &["export", "--project", "p", "--well", &well, "--log", &log],
        ));
        assert_eq!(
            piped.as_bytes(),
            std::fs::read(&out).unwrap(),
            "{name}: stdout and --output"
        );
    }
}

#[test]
fn csv_export_and_the_refusals_say_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = shared_las("lasio/standards/examples/2.0/sample_2.0.las");
    let (well, _) = ingest(&data, &file);
    let csv = ok(&mudrock(
        &data,
        &["export", "--project", "p", "--well", &well, "--format", "csv"],
    ));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "DEPT,DT,RHOB,NPHI,SFLU,SFLA,ILM,ILD", "{csv}");
    assert_eq!(lines.len(), 4, "{csv}");
    // The file's first row (its depth decreases), numbers as short as they read back.
    assert_eq!(
        lines[1], "1670,123.45,2550,0.45,123.45,123.45,110.2,105.6",
        "{csv}"
    );

    let refused = mudrock(&data, &["export", "--project", "p", "--well", "NOPE"]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("no well NOPE"), "{said}");
    let refused = mudrock(
        &data,
        &["export", "--project", "p", "--well", &well, "--log", "log-0000"],
    );
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("has no log log-0000; its logs: log-"), "{said}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_api_gives_a_log_back_as_las_or_csv() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = shared_las("welly/tutorial/data/P-135_out.LAS");
    let (well, log) = ingest(&data, &file);
    let cli_las = ok(&mudrock(&data, &["export", "--project", "p", "--well", &well]));
    let cli_csv = ok(&mudrock(
        &data,
        &["export", "--project", "p", "--well", &well, "--format", "csv"],
    ));
    let served = data.clone();
    let running = tokio::task::spawn_blocking(move || {
        run_mudrock(
            &served,
            &["serve", "--addr", "127.0.0.1:0"],
            &[("MUDROCK_TOKENS", "0123456789abcdef0123=*")],
        )
    })
    .await
    .unwrap();
    let http = reqwest::Client::new();
    let base = format!("{}/v1/projects/p/wells/{well}/logs", running.url);
    let get = |path: String| http.get(path).bearer_auth("0123456789abcdef0123").send();

    let las = get(format!("{base}/{log}.las")).await.unwrap();
    assert_eq!(las.status(), 200);
    assert_eq!(las.headers()["content-type"], "text/plain; charset=utf-8");
    let disposition = las.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert_eq!(disposition, format!("attachment; filename=\"{well}_{log}.las\""));
    assert_eq!(las.text().await.unwrap(), cli_las);

    let csv = get(format!("{base}/{log}?format=csv")).await.unwrap();
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.text().await.unwrap(), cli_csv);
    // The Parquet object is still the object.
    let parquet = get(format!("{base}/{log}.parquet")).await.unwrap();
    assert_eq!(
        parquet.headers()["content-type"],
        "application/vnd.apache.parquet"
    );

    let bad = get(format!("{base}/{log}?format=xls")).await.unwrap();
    assert_eq!(bad.status(), 400);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains("format `xls` is not one of las, csv, parquet")
    );
    let missing = get(format!("{base}/log-0000.las")).await.unwrap();
    assert_eq!(missing.status(), 404);
    let (status, _) = tokio::task::spawn_blocking(move || running.terminate())
        .await
        .unwrap();
    assert!(status.success());
}
