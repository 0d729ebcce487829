//! Helpers shared by the integration tests: where the shared test data is, small LAS files made to
//! order, and stores to ingest into.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use mudrock_core::layout::{Layout, ProjectId};
use mudrock_store::{Ingestor, ObjectMeta, StorageConfig, StorageManager};

/// `$MUDROCK_SHARED`, else `../shared` beside the checkout. Tests that need it fail when it is missing.
pub fn shared_dir() -> PathBuf {
    let dir = std::env::var_os("MUDROCK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")));
    assert!(
        dir.join("data/las").is_dir(),
        "shared test data not found at {}: put the shared folder beside the checkout or set MUDROCK_SHARED",
        dir.display()
    );
    dir
}

pub fn shared_las(relative: &str) -> PathBuf {
    let path = shared_dir().join("data/las").join(relative);
    assert!(path.is_file(), "missing test file {}", path.display());
    path
}

/// Every `*.las` under the shared data, sorted.
pub fn all_shared_las() -> Vec<PathBuf> {
    let files = mudrock_store::discover::las_files(&[shared_dir().join("data/las")]).unwrap();
    assert!(
        files.len() > 100,
        "expected the whole LAS corpus, found {} files",
        files.len()
    );
    files
}

pub fn project(name: &str) -> ProjectId {
    ProjectId::new(name).unwrap()
}

pub fn layout() -> Layout {
    Layout::new("").unwrap()
}

pub fn memory_ingestor() -> Ingestor {
    Ingestor::new(StorageManager::memory().unwrap(), layout())
}

pub fn fs_ingestor(root: &Path) -> Ingestor {
    Ingestor::new(StorageManager::new(&StorageConfig::fs(root)).unwrap(), layout())
}

/// Every object in the store with its size, for before/after comparisons.
pub async fn snapshot(storage: &StorageManager) -> Vec<(String, u64)> {
    storage
        .list("")
        .await
        .unwrap()
        .into_iter()
        .map(|ObjectMeta { path, size, .. }| (path, size))
        .collect()
}

/// A small LAS 2.0 file: `DEPT` plus the given curves, one row per depth. `NaN` is written as the
/// NULL value.
pub fn las(uwi: &str, well: &str, step: f64, depths: &[f64], curves: &[(&str, &str, Vec<f64>)]) -> Bytes {
    let start = depths.first().copied().unwrap_or(0.0);
    let stop = depths.last().copied().unwrap_or(0.0);
    let mut text = String::new();
    text.push_str(
        "~VERSION INFORMATION\n VERS.   2.0 : CWLS LOG ASCII STANDARD -VERSION 2.0\n WRAP.   NO  :\n",
    );
    text.push_str("~WELL INFORMATION\n");
    text.push_str(&format!(
        " STRT.M  {start} : START\n STOP.M  {stop} : STOP\n STEP.M  {step} : STEP\n"
    ));
    text.push_str(" NULL.   -999.25 : NULL\n");
    text.push_str(&format!(" WELL.   {well} : WELL\n UWI .   {uwi} : UWI\n"));
    text.push_str("~CURVE INFORMATION\n DEPT.M : DEPTH\n");
    for (mnemonic, unit, _) in curves {
        text.push_str(&format!(" {mnemonic}.{unit} : {mnemonic}\n"));
    }
    text.push_str("~A\n");
    for (i, d) in depths.iter().enumerate() {
        text.push_str(&format!("{d}"));
        for (_, _, values) in curves {
            let v = values[i];
            text.push_str(&if v.is_nan() {
                " -999.25".to_owned()
            } else {
                format!(" {v}")
            });
        }
        text.push('\n');
    }
    Bytes::from(text)
}

/// The multipart form of an ingest upload: one LAS file in the `file` field.
pub fn las_form(file_name: &str, las: Bytes) -> reqwest::multipart::Form {
    let part = reqwest::multipart::Part::bytes(las.to_vec()).file_name(file_name.to_owned());
    reqwest::multipart::Form::new().part("file", part)
}

/// A plain valid file: 50 rows, GR and RHOB.
pub fn simple_las(uwi: &str, well: &str) -> Bytes {
    let depths: Vec<f64> = (0..50).map(|i| 1000.0 + 0.5 * i as f64).collect();
    let gr: Vec<f64> = (0..50).map(|i| 40.0 + i as f64).collect();
    let rhob: Vec<f64> = (0..50).map(|i| 2.2 + 0.005 * i as f64).collect();
    las(
        uwi,
        well,
        0.5,
        &depths,
        &[("GR", "GAPI", gr), ("RHOB", "G/CC", rhob)],
    )
}

/// `mudrock` started as a user would, until it prints where it listens (and, with no tokens configured,
/// the token it made up).
pub struct Running {
    pub child: std::process::Child,
    lines: std::io::Lines<std::io::BufReader<std::process::ChildStdout>>,
    pub url: String,
    pub token: Option<String>,
    /// What it printed up to there.
    pub printed: Vec<String>,
}

/// A port of 127.0.0.1 that nothing listens on (bound, then let go): for a server a test starts on it,
/// or to see a client meet refused connections.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn run_mudrock(data_dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Running {
    run_command(mudrock_command(data_dir, args, env))
}

/// `mudrock --data-dir DATA ARGS…` with no tokens from this process's environment.
pub fn mudrock_command(
    data_dir: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_mudrock"));
    command
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("MUDROCK_TOKENS")
        .env_remove("MUDROCK_AUTH_CONFIG")
        .env_remove("MUDROCK_ADDR")
        // A PostgREST named for the metadata suite is not the binary tests' store.
        .env_remove("POSTGREST_URL")
        .env_remove("SUPABASE_URL");
    for (k, v) in env {
        command.env(k, v);
    }
    command
}

/// Starts `command` (a `mudrock serve` or `demo`) and reads its stdout until it says where it listens;
/// its stderr is dropped.
pub fn run_command(command: std::process::Command) -> Running {
    run_command_with_stderr(command, std::process::Stdio::null())
}

/// [`run_command`], its stderr going to `stderr`.
pub fn run_command_with_stderr(mut command: std::process::Command, stderr: std::process::Stdio) -> Running {
    use std::io::BufRead;
    command.stdout(std::process::Stdio::piped()).stderr(stderr);
    let mut child = command.spawn().unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut url = None;
    let mut token = None;
    let mut printed = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        printed.push(line.clone());
        if let Some(rest) = line.split("listening on ").nth(1) {
            url = Some(rest.split_whitespace().next().unwrap().to_owned());
        } else if url.is_some() && line.starts_with("tokens:") {
            break;
        } else if url.is_some() && line.starts_with("token") {
            token = lines.next().map(|l| l.unwrap().trim().to_owned());
            printed.extend(token.clone());
            break;
        }
    }
    Running {
        child,
        lines,
        url: url.expect("the server printed its address"),
        token,
        printed,
    }
}

impl Drop for Running {
    /// A test that fails before `terminate` must not leave a server behind.
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Running {
    /// SIGTERM, then the exit status and the rest of stdout.
    pub fn terminate(mut self) -> (std::process::ExitStatus, String) {
        let pid = self.child.id().to_string();
        let killed = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        assert!(killed.success());
        let rest: Vec<String> = self.lines.by_ref().map(|l| l.unwrap()).collect();
        (self.child.wait().unwrap(), rest.join("\n"))
    }
}
