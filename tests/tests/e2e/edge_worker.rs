//! The edge worker end to end, all real processes on 127.0.0.1: `mudrock serve` (the origin), the worker
//! built by worker-build and served by `wrangler dev --local` (scripts/worker.sh), the demo project put
//! into the worker's local bucket by `mudrock publish`, and a small TCP relay between edge and origin that
//! can be told to hang (an origin too slow). The worker must answer like the origin, from the bucket and
//! its cache for light routes, forwarding heavy ones, with the same 401 / 403, and never serve stale data.
//!
//! Needs scripts/setup.sh's tools (worker-build, wasm-bindgen, npm's wrangler/esbuild/binaryen); it fails,
//! not skips, without them: CI always has them.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use mudrock_e2e::mudrock_bin;
use reqwest::blocking::{Client, Response};
use serde_json::Value;

const ADMIN: &str = "edge-admin-token-000000000000";
const TOKEN_A: &str = "edge-demo-token-0000000000000";
const TOKEN_B: &str = "edge-other-token-000000000000";
/// The worker's wait for the origin (ORIGIN_TIMEOUT_MS).
const ORIGIN_TIMEOUT: Duration = Duration::from_millis(2000);

fn tokens() -> String {
    format!("{ADMIN}=*;{TOKEN_A}=demo;{TOKEN_B}=other")
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process (and its process group: wrangler starts workerd) killed when dropped.
struct Proc {
    child: Child,
    name: &'static str,
    log: PathBuf,
}

impl Proc {
    fn spawn(name: &'static str, mut cmd: Command, log: PathBuf) -> Proc {
        use std::os::unix::process::CommandExt;
        let file = std::fs::File::create(&log).unwrap();
        let child = cmd
            .stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Proc { child, name, log }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.child.id())])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            thread::sleep(Duration::from_millis(100));
        }
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.wait();
    }

    /// Waits until `url` answers (any status), at most `within`; panics with the process's log if not.
    fn wait_ready(&mut self, client: &Client, url: &str, within: Duration) {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "{} exited ({status}) before answering:\n{}",
                    self.name,
                    self.log()
                );
            }
            if client.get(url).send().is_ok() {
                return;
            }
            thread::sleep(Duration::from_millis(250));
        }
        panic!(
            "{} did not answer {url} within {within:?}:\n{}",
            self.name,
            self.log()
        );
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A TCP relay from a port to the origin; `hang` makes it accept connections and never answer.
struct Relay {
    port: u16,
    hang: Arc<AtomicBool>,
}

impl Relay {
    fn start(origin_port: u16) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let hang = Arc::new(AtomicBool::new(false));
        let hanging = hang.clone();
        thread::spawn(move || {
            for incoming in listener.incoming() {
                let Ok(client) = incoming else { continue };
                if hanging.load(Ordering::SeqCst) {
                    // Hold the connection open, read nothing, answer nothing (for longer than the test).
                    thread::spawn(move || {
                        thread::sleep(Duration::from_secs(60));
                        drop(client);
                    });
                    continue;
                }
                let Ok(upstream) = TcpStream::connect(("127.0.0.1", origin_port)) else {
                    // The origin is down: so is the relay (the edge sees a refused/reset connection).
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                };
                pipe(
                    client.try_clone().unwrap(),
                    upstream.try_clone().unwrap(),
                    Some(hanging.clone()),
                );
                pipe(upstream, client, None);
            }
        });
        Relay { port, hang }
    }
}

/// Copies bytes one way; while `hang` is set, requests on connections already open are swallowed too
/// (the edge keeps connections to the origin alive between requests).
fn pipe(mut from: TcpStream, mut to: TcpStream, hang: Option<Arc<AtomicBool>>) {
    thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        loop {
            match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) if hang.as_ref().is_some_and(|h| h.load(Ordering::SeqCst)) => {}
                Ok(n) => {
                    if to.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
}

fn get(client: &Client, url: &str, token: Option<&str>, headers: &[(&str, &str)]) -> Response {
    let mut request = client.get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    request.send().unwrap_or_else(|e| panic!("GET {url}: {e}"))
}

fn json(response: Response) -> Value {
    let status = response.status();
    let text = response.text().unwrap();
    assert!(status.is_success(), "{status}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn header(response: &Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

fn error_code(response: Response) -> String {
    let body: Value = serde_json::from_str(&response.text().unwrap()).unwrap();
    body["error"]["code"].as_str().unwrap_or_default().to_owned()
}

fn metric(client: &Client, edge: &str, name: &str) -> u64 {
    let text = get(client, &format!("{edge}/metrics"), Some(ADMIN), &[])
        .text()
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in\n{text}"))
}

fn publish(data: &Path, edge: &str) {
    let out = Command::new(mudrock_bin())
        .args(["publish", "--project", "demo", "--edge", edge, "--token", ADMIN])
        .env("MUDROCK_DATA_DIR", data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "publish: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn edge_worker_answers_like_the_origin() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let client = Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();

    // The demo project on disk, then the origin on it.
    let demo = Command::new(mudrock_bin())
        .args(["demo", "--no-serve"])
        .env("MUDROCK_DATA_DIR", &data)
        .output()
        .unwrap();
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let origin_port = free_port();
    let origin_url = format!("http://127.0.0.1:{origin_port}");
    let mut serve = Command::new(mudrock_bin());
    serve
        .args([
            "serve",
            "--addr",
            &format!("127.0.0.1:{origin_port}"),
            "--revalidate-ms",
            "0",
        ])
        .env("MUDROCK_DATA_DIR", &data)
        .env("MUDROCK_TOKENS", tokens());
    let mut origin = Proc::spawn("mudrock serve", serve, home.path().join("origin.log"));
    origin.wait_ready(&client, &format!("{origin_url}/healthz"), Duration::from_secs(60));

    // The edge, reaching the origin through the relay.
    let relay = Relay::start(origin_port);
    let edge_port = free_port();
    let edge = format!("http://127.0.0.1:{edge_port}");
    let mut dev = Command::new("bash");
    dev.current_dir(workspace())
        .arg("scripts/worker.sh")
        .arg("dev")
        .args(["--port", &edge_port.to_string()])
        .args(["--inspector-port", &free_port().to_string()])
        .args([
            "--persist-to",
            &home.path().join("wrangler").display().to_string(),
        ])
        .args(["--var", &format!("MUDROCK_TOKENS:{}", tokens())])
        .args(["--var", &format!("ORIGIN_URL:http://127.0.0.1:{}", relay.port)])
        .args([
            "--var",
            &format!("ORIGIN_TIMEOUT_MS:{}", ORIGIN_TIMEOUT.as_millis()),
        ]);
    let mut worker = Proc::spawn("wrangler dev", dev, home.path().join("wrangler.log"));
    // A stale worker build is rebuilt first (cargo + wasm-opt): minutes on a cold machine.
    worker.wait_ready(&client, &format!("{edge}/healthz"), Duration::from_secs(900));

    // Nothing published yet: the project does not exist at the edge.
    let r = get(
        &client,
        &format!("{edge}/v1/projects/demo/wells"),
        Some(TOKEN_A),
        &[],
    );
    assert_eq!(r.status(), 404, "{}", r.text().unwrap());
    publish(&data, &edge);

    // Light routes: the same bodies as the origin's, computed at the edge.
    let projects = json(get(&client, &format!("{edge}/v1/projects"), Some(TOKEN_A), &[]));
    assert_eq!(
        projects,
        json(get(
            &client,
            &format!("{origin_url}/v1/projects"),
            Some(TOKEN_A),
            &[]
        ))
    );
    assert_eq!(projects["projects"][0]["project_id"], "demo");
    for path in [
        "/v1/projects/demo/wells",
        "/v1/projects/demo/wells?limit=2&offset=1",
        "/v1/projects/demo/wells?has_location=true&bbox=-110,30,-100,45",
    ] {
        let at_edge = get(&client, &format!("{edge}{path}"), Some(TOKEN_A), &[]);
        assert_eq!(header(&at_edge, "x-mudrock-served-by"), "edge", "{path}");
        let at_edge = json(at_edge);
        let at_origin = json(get(&client, &format!("{origin_url}{path}"), Some(TOKEN_A), &[]));
        assert_eq!(at_edge, at_origin, "{path}");
    }
    let wells = json(get(
        &client,
        &format!("{edge}/v1/projects/demo/wells"),
        Some(TOKEN_A),
        &[],
    ));
    let well = wells["wells"][0]["well_id"].as_str().unwrap().to_owned();
    for path in [
        format!("/v1/projects/demo/wells/{well}"),
        format!("/v1/projects/demo/wells/{well}/curves"),
        format!("/v1/projects/demo/wells/{well}/tops"),
    ] {
        let at_edge = json(get(&client, &format!("{edge}{path}"), Some(TOKEN_A), &[]));
        let at_origin = json(get(&client, &format!("{origin_url}{path}"), Some(TOKEN_A), &[]));
        assert_eq!(at_edge, at_origin, "{path}");
    }
    let polygon = serde_json::json!({"polygon": "POLYGON((-110 30, -95 30, -95 45, -110 45, -110 30))"});
    let search = |base: &str| {
        json(
            client
                .post(format!("{base}/v1/projects/demo/wells/search"))
                .bearer_auth(TOKEN_A)
                .json(&polygon)
                .send()
                .unwrap(),
        )
    };
    let found = search(&edge);
    assert_eq!(found, search(&origin_url));
    assert!(!found["inside"].as_array().unwrap().is_empty(), "{found}");

    // A log's Parquet by byte range: the origin's bytes; the second read is an edge-cache hit.
    let curves = json(get(
        &client,
        &format!("{edge}/v1/projects/demo/wells/{well}/curves"),
        Some(TOKEN_A),
        &[],
    ));
    let log = curves["curves"][0]["log_id"].as_str().unwrap().to_owned();
    let object = format!("/v1/projects/demo/wells/{well}/logs/{log}.parquet");
    let hits_before = metric(&client, &edge, "mudrock_edge_cache_hits_total");
    let first = get(
        &client,
        &format!("{edge}{object}"),
        Some(TOKEN_A),
        &[("range", "bytes=-8")],
    );
    assert_eq!(first.status(), 206);
    let content_range = header(&first, "content-range");
    let etag = header(&first, "etag");
    assert_eq!(header(&first, "x-mudrock-served-by"), "edge");
    let first = first.bytes().unwrap();
    assert_eq!(&first[4..], b"PAR1", "a Parquet footer");
    let from_origin = get(
        &client,
        &format!("{origin_url}{object}"),
        Some(TOKEN_A),
        &[("range", "bytes=-8")],
    );
    assert_eq!(header(&from_origin, "content-range"), content_range);
    assert_eq!(from_origin.bytes().unwrap(), first);
    let again = get(
        &client,
        &format!("{edge}{object}"),
        Some(TOKEN_A),
        &[("range", "bytes=-8")],
    );
    assert_eq!(again.status(), 206);
    assert_eq!(header(&again, "x-mudrock-served-by"), "edge-cache");
    assert_eq!(again.bytes().unwrap(), first);
    assert!(metric(&client, &edge, "mudrock_edge_cache_hits_total") > hits_before);
    // 304 for the current ETag; several ranges at once are refused cleanly.
    let not_modified = get(
        &client,
        &format!("{edge}{object}"),
        Some(TOKEN_A),
        &[("if-none-match", &etag)],
    );
    assert_eq!(not_modified.status(), 304);
    let multi = get(
        &client,
        &format!("{edge}{object}"),
        Some(TOKEN_A),
        &[("range", "bytes=0-1,4-5")],
    );
    assert_eq!(multi.status(), 416);
    assert_eq!(error_code(multi), "range_not_satisfiable");

    // Auth: 401 without a token, 403 with another project's token — metadata, byte range and SQL alike.
    for path in ["/v1/projects/demo/wells", object.as_str()] {
        let r = get(&client, &format!("{edge}{path}"), None, &[("range", "bytes=0-3")]);
        assert_eq!(r.status(), 401, "{path}");
        assert!(header(&r, "www-authenticate").starts_with("Bearer"), "{path}");
        assert_eq!(error_code(r), "unauthorized");
        let r = get(
            &client,
            &format!("{edge}{path}"),
            Some(TOKEN_B),
            &[("range", "bytes=0-3")],
        );
        assert_eq!(r.status(), 403, "{path}");
        assert_eq!(error_code(r), "forbidden");
    }
    let sql = serde_json::json!({"sql": "SELECT well_id, count(*) AS n FROM well_logs GROUP BY well_id ORDER BY well_id"});
    let run_sql = |base: &str, token: &str| {
        client
            .post(format!("{base}/v1/projects/demo/sql"))
            .bearer_auth(token)
            .header("x-request-id", "e2e-sql-1")
            .json(&sql)
            .send()
            .unwrap()
    };
    let forwarded_before = metric(&client, &edge, "mudrock_edge_forwarded_total");
    let denied = run_sql(&edge, TOKEN_B);
    assert_eq!(denied.status(), 403);
    assert_eq!(
        metric(&client, &edge, "mudrock_edge_forwarded_total"),
        forwarded_before,
        "refused at the edge"
    );

    // Heavy: SQL forwarded to the origin, same rows, request id carried through.
    let at_edge = run_sql(&edge, TOKEN_A);
    assert_eq!(header(&at_edge, "x-mudrock-served-by"), "origin");
    assert_eq!(header(&at_edge, "x-request-id"), "e2e-sql-1");
    let at_edge = json(at_edge);
    assert_eq!(at_edge["rows"], json(run_sql(&origin_url, TOKEN_A))["rows"]);
    assert_eq!(at_edge["row_count"], 6);
    assert!(metric(&client, &edge, "mudrock_edge_forwarded_total") > forwarded_before);

    // A re-ingest of changed data (an upload forwarded to the origin), published: the edge answers the
    // new data at once — its cached answers were keyed by the old versions.
    let curves_url = format!("{edge}/v1/projects/demo/wells/{well}/curves");
    let before = get(&client, &curves_url, Some(TOKEN_A), &[]);
    let etag_before = header(&before, "etag");
    let before = json(before);
    let changed = changed_las(&mudrock_store::demo::generate()[0].bytes, 100);
    let form = reqwest::blocking::multipart::Form::new().part(
        "file",
        reqwest::blocking::multipart::Part::bytes(changed).file_name("resurvey.las"),
    );
    let ingest = client
        .post(format!("{edge}/v1/projects/demo/ingest"))
        .bearer_auth(TOKEN_A)
        .multipart(form)
        .send()
        .unwrap();
    assert_eq!(header(&ingest, "x-mudrock-served-by"), "origin");
    let report = json(ingest);
    assert_eq!(report["files"][0]["status"], "ok", "{report}");
    publish(&data, &edge);
    let after = get(
        &client,
        &curves_url,
        Some(TOKEN_A),
        &[("if-none-match", &etag_before)],
    );
    assert_eq!(after.status(), 200, "the old ETag no longer matches");
    assert_ne!(header(&after, "etag"), etag_before);
    assert_eq!(
        header(&after, "x-mudrock-served-by"),
        "edge",
        "computed anew, not replayed"
    );
    let after = json(after);
    assert_ne!(after, before);
    let rows: Vec<u64> = after["curves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["rows"].as_u64().unwrap())
        .collect();
    assert!(rows.contains(&100), "the new 100-row log is listed: {rows:?}");
    assert_eq!(
        after,
        json(get(
            &client,
            &format!("{origin_url}/v1/projects/demo/wells/{well}/curves"),
            Some(TOKEN_A),
            &[]
        ))
    );

    // An origin too slow: 504 with the envelope, within the timeout (not a hang).
    relay.hang.store(true, Ordering::SeqCst);
    let started = Instant::now();
    let slow = run_sql(&edge, TOKEN_A);
    assert_eq!(slow.status(), 504);
    assert_eq!(error_code(slow), "origin_timeout");
    assert!(
        started.elapsed() < ORIGIN_TIMEOUT + Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    relay.hang.store(false, Ordering::SeqCst);

    // The origin stopped: heavy routes are 503 within the timeout, light ones still answer.
    origin.stop();
    let started = Instant::now();
    let down = run_sql(&edge, TOKEN_A);
    assert_eq!(down.status(), 503);
    assert_eq!(error_code(down), "unavailable");
    assert!(
        started.elapsed() < ORIGIN_TIMEOUT + Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // The light route answers from the edge's own bucket. On a loaded machine workerd may still be
    // tearing down the subrequests to the stopped origin: a refused connection is asked again, a few
    // times, and a final failure shows the worker's log.
    let url = format!("{edge}/v1/projects/demo/wells");
    let mut attempt = 0;
    let still = loop {
        attempt += 1;
        match client.get(&url).bearer_auth(TOKEN_A).send() {
            Ok(response) => break response,
            Err(e) if attempt < 4 => {
                eprintln!("GET {url} (attempt {attempt}): {e}");
                thread::sleep(Duration::from_secs(2));
            }
            Err(e) => panic!("GET {url}: {e}\nwrangler log:\n{}", worker.log()),
        }
    };
    assert_eq!(still.status(), 200);
    assert!(metric(&client, &edge, "mudrock_edge_origin_unavailable_total") >= 1);
    assert!(metric(&client, &edge, "mudrock_edge_origin_timeouts_total") >= 1);
    // Counters are an admin's: a project token is refused.
    assert_eq!(
        get(&client, &format!("{edge}/metrics"), Some(TOKEN_A), &[]).status(),
        403
    );
    drop(worker);
}

/// The LAS file with only its first `rows` data lines: other bytes, so a new log of the same well.
fn changed_las(bytes: &[u8], rows: usize) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::new();
    let mut data_lines = None;
    for line in text.lines() {
        match data_lines {
            Some(n) if n >= rows => break,
            Some(n) => data_lines = Some(n + 1),
            None if line.trim_start().starts_with("~A") => data_lines = Some(0),
            None => {}
        }
        out.push_str(line);
        out.push('\n');
    }
    out.into_bytes()
}
