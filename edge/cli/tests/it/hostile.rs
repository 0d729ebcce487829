//! What an attacker found against the running server, each reproduced through the real `mudrock` binary:
//! one request must never take the server down, starve the other tenants or hold its memory.
//!
//! Every test starts its own `mudrock serve` on 127.0.0.1 (an ephemeral port) over a data dir with two
//! projects (`heavy` and `light`, one real LAS file each), and every loop in it is bounded.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use mudrock_engine::query::MAX_SQL_OPERATORS;
use serde_json::{Value, json};

use crate::support::{Running, mudrock_command, run_command, run_command_with_stderr, shared_las};

const ADMIN: &str = "admin-token-0123456789abcdef";

/// A data dir with projects `heavy` and `light`, one real log each.
fn data_dir(dir: &Path) -> PathBuf {
    let data = dir.join("data");
    for (project, file) in [
        ("heavy", "liblas/las_files/00-01-01-073-05W5-0.las"),
        ("light", "lasio/standards/examples/2.0/sample_2.0.las"),
    ] {
        let las = shared_las(file);
        let out = mudrock_command(
            &data,
            &["ingest", "--project", project, las.to_str().unwrap()],
            &[],
        )
        .output()
        .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    data
}

/// `mudrock serve` on `data` with the admin token and `args`.
fn serve(data: &Path, args: &[&str]) -> Running {
    let mut all = vec!["serve", "--addr", "127.0.0.1:0"];
    all.extend_from_slice(args);
    run_command(mudrock_command(
        data,
        &all,
        &[("MUDROCK_TOKENS", &format!("{ADMIN}=*"))],
    ))
}

fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// `POST /v1/projects/{project}/sql`: the status and the JSON body.
fn sql(server: &Running, project: &str, text: &str) -> (u16, Value) {
    let r = http()
        .post(format!("{}/v1/projects/{project}/sql", server.url))
        .bearer_auth(ADMIN)
        .json(&json!({ "sql": text }))
        .send()
        .unwrap();
    let status = r.status().as_u16();
    let body = r.text().unwrap();
    let value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON ({status}): {body}"));
    (status, value)
}

fn healthz(server: &Running) -> u16 {
    http()
        .get(format!("{}/healthz", server.url))
        .timeout(Duration::from_secs(5))
        .send()
        .map_or(0, |r| r.status().as_u16())
}

fn alive(server: &mut Running) -> bool {
    matches!(server.child.try_wait(), Ok(None))
}

/// `/proc/{pid}/status` field in KiB (VmRSS, VmHWM).
fn proc_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"))
}

/// CPU seconds (user + system) the process has used.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

/// A raw HTTP answer read until its JSON envelope closes (`}}`), the connection ends or the socket's
/// read timeout passes.
fn read_answer(socket: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&answer).contains("}}") {
        match socket.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&answer).into_owned()
}

fn chain(term: &str, op: &str, terms: usize) -> String {
    vec![term; terms].join(op)
}

#[test]
fn a_deep_expression_is_refused_and_the_server_keeps_answering() {
    let dir = tempfile::tempdir().unwrap();
    let data = data_dir(dir.path());
    let mut server = serve(&data, &[]);
    // What crashed the server: ~2,000 terms in about 4 KB.
    let attacks = [
        format!("SELECT {}", chain("1", "+", 2_000)),
        format!("SELECT {}", chain("true", " AND ", 2_000)),
        format!("SELECT {}", chain("'a'", "||", 2_000)),
        chain("SELECT 1", " UNION ALL ", 2_000),
    ];
    for attack in &attacks {
        let (status, body) = sql(&server, "light", attack);
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["error"]["code"], "invalid_sql");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("operators") && message.contains(&MAX_SQL_OPERATORS.to_string()),
            "{message}"
        );
        assert!(
            alive(&mut server),
            "the server died on {} bytes of SQL",
            attack.len()
        );
    }
    // The deepest allowed chains are planned and run, on the threads the server gives queries.
    let terms = MAX_SQL_OPERATORS + 1;
    let (status, body) = sql(
        &server,
        "light",
        &format!("SELECT {} AS n", chain("1", "+", terms)),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["rows"][0][0], terms);
    let unions = format!(
        "SELECT count(*) AS n FROM ({})",
        chain("SELECT 1 AS x", " UNION ALL ", MAX_SQL_OPERATORS)
    );
    let (status, body) = sql(&server, "light", &unions);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["rows"][0][0], MAX_SQL_OPERATORS);
    assert_eq!(healthz(&server), 200);
    let (status, _) = sql(&server, "heavy", "SELECT 1");
    assert_eq!(status, 200);
    assert!(alive(&mut server));

    // The CLI refuses the same text with the same words (exit 1, no crash).
    let out = mudrock_command(&data, &["sql", "--project", "light", &attacks[0]], &[])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("operators"));
}

#[test]
fn idle_connections_are_closed_and_health_still_answers() {
    // This test holds over a thousand sockets itself.
    mudrock_server::server::raise_open_file_limit();
    let dir = tempfile::tempdir().unwrap();
    let data = data_dir(dir.path());
    // The server starts with the usual soft limit of 1,024 open files and raises it itself.
    let mut command = Command::new("prlimit");
    command.arg("--nofile=1024:").arg(env!("CARGO_BIN_EXE_mudrock"));
    let inner = mudrock_command(
        &data,
        &["serve", "--addr", "127.0.0.1:0", "--header-timeout-seconds", "2"],
        &[("MUDROCK_TOKENS", &format!("{ADMIN}=*"))],
    );
    command.args(inner.get_args());
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => command.env(k, v),
            None => command.env_remove(k),
        };
    }
    let mut server = run_command(command);
    let addr = server.url.trim_start_matches("http://").to_owned();
    let idle: Vec<TcpStream> = (0..1_100).map(|_| TcpStream::connect(&addr).unwrap()).collect();
    // A half-sent request head too (slowloris): it must not hold its socket either.
    let mut trickle = TcpStream::connect(&addr).unwrap();
    trickle
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .unwrap();

    let started = Instant::now();
    assert_eq!(
        healthz(&server),
        200,
        "health answers with 1,100 idle sockets open"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    // Past the header timeout every idle socket has been closed by the server.
    std::thread::sleep(Duration::from_secs(4));
    let mut closed = 0;
    for mut socket in idle.into_iter().chain([trickle]) {
        socket.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        let mut buf = [0u8; 512];
        // End of stream (or a last answer before it); a read that times out means still open.
        if socket.read(&mut buf).is_ok() {
            closed += 1;
        }
    }
    assert_eq!(closed, 1_101, "every idle socket closed by the server");
    assert_eq!(healthz(&server), 200);
    assert!(alive(&mut server));
}

#[test]
fn an_oversized_upload_is_refused_without_being_held_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let data = data_dir(dir.path());
    let limit = 64 << 20;
    let mut server = serve(&data, &["--max-upload-bytes", &limit.to_string()]);
    let addr = server.url.trim_start_matches("http://").to_owned();

    // Declared too large: 413 before a byte of the body is sent.
    let mut socket = TcpStream::connect(&addr).unwrap();
    socket.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        socket,
        "POST /v1/projects/light/ingest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN}\r\n\
         Content-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: 300000000\r\n\r\n"
    )
    .unwrap();
    let answer = read_answer(&mut socket);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains("payload_too_large") && answer.contains("300000000"),
        "{answer}"
    );

    // Not declared (chunked): read as it comes, refused at the limit, never buffered whole.
    let before = proc_kib(server.child.id(), "VmHWM");
    let chunk = vec![b'x'; 1 << 20];
    let chunks = 2 * (limit >> 20);
    let mut body = Vec::new();
    body.extend_from_slice(
        b"--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.las\"\r\n\r\n",
    );
    let head = body.clone();
    let stream = futures::stream::iter(
        std::iter::once(head)
            .chain(std::iter::repeat_n(chunk, chunks))
            .map(Ok::<_, std::io::Error>),
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let status = rt.block_on(async {
        reqwest::Client::new()
            .post(format!("{}/v1/projects/light/ingest", server.url))
            .bearer_auth(ADMIN)
            .header("content-type", "multipart/form-data; boundary=XYZ")
            .body(reqwest::Body::wrap_stream(stream))
            .send()
            .await
            .map(|r| r.status().as_u16())
    });
    // The server may answer 413 and close before the client finished sending.
    if let Ok(status) = status {
        assert_eq!(status, 413);
    }
    let grown = proc_kib(server.child.id(), "VmHWM").saturating_sub(before);
    assert!(
        grown < (limit as u64 >> 11),
        "the server's peak grew by {grown} KiB for a refused upload of twice the {limit}-byte limit"
    );

    // Nothing went in: the project still has its one log.
    let (status, body) = sql(&server, "light", "SELECT count(*) FROM logs");
    assert_eq!(status, 200);
    assert_eq!(body["rows"][0][0], 1);
    assert!(alive(&mut server));
}

#[test]
fn a_query_is_held_to_its_memory_budget() {
    let dir = tempfile::tempdir().unwrap();
    let data = data_dir(dir.path());
    let mut server = serve(
        &data,
        &[
            "--query-memory-bytes",
            &(64u64 << 20).to_string(),
            "--engine-memory-bytes",
            &(128u64 << 20).to_string(),
            "--spill-bytes",
            "0",
        ],
    );
    let hungry = [
        "SELECT count(DISTINCT value) FROM generate_series(1, 50000000)",
        "SELECT value % 10000000 AS k, count(*) FROM generate_series(1, 50000000) GROUP BY k ORDER BY k LIMIT 3",
        "SELECT count(*) FROM (SELECT value FROM generate_series(1, 50000000) ORDER BY value DESC OFFSET 10)",
    ];
    for query in hungry {
        let (status, body) = sql(&server, "heavy", query);
        assert_eq!(status, 400, "{query}: {body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains("memory"), "{message}");
    }
    let peak_mib = proc_kib(server.child.id(), "VmHWM") >> 10;
    assert!(
        peak_mib < 1024,
        "the server peaked at {peak_mib} MiB with 128 MiB for queries"
    );
    let (status, _) = sql(&server, "heavy", "SELECT 1");
    assert_eq!(status, 200);
    assert!(alive(&mut server));
}

#[test]
fn a_query_past_its_time_limit_stops_using_cpu() {
    let dir = tempfile::tempdir().unwrap();
    let data = data_dir(dir.path());
    let mut server = serve(&data, &["--query-timeout-seconds", "1"]);
    let started = Instant::now();
    for query in ["SELECT count(*) FROM generate_series(1, 1000000000000)", HEAVY] {
        let (status, body) = sql(&server, "heavy", query);
        assert_eq!(status, 504, "{body}");
    }
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    std::thread::sleep(Duration::from_millis(500));
    let pid = server.child.id();
    let before = cpu_seconds(pid);
    std::thread::sleep(Duration::from_secs(2));
    let used = cpu_seconds(pid) - before;
    assert!(
        used < 0.3,
        "the server used {used:.2} s of CPU in the 2 s after the query was cancelled"
    );
    assert!(alive(&mut server));
}

/// A query that keeps every core busy far past any timeout: a cross join's output is made from memory,
/// batch after batch, with no scan in between.
const HEAVY: &str =
    "SELECT count(*) FROM generate_series(1, 1000000) a CROSS JOIN generate_series(1, 1000000) b";

#[test]
fn heavy_queries_of_one_project_do_not_starve_another() {
    let dir = tempfile::tempdir().unwrap();
    let data = data_dir(dir.path());
    let mut server = serve(&data, &["--query-timeout-seconds", "20"]);
    let url = server.url.clone();
    let heavy: Vec<_> = (0..3)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || {
                let _ = http()
                    .post(format!("{url}/v1/projects/heavy/sql"))
                    .bearer_auth(ADMIN)
                    .json(&json!({ "sql": HEAVY }))
                    .send();
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let mut latencies = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let (status, body) = sql(&server, "light", "SELECT 1");
        latencies.push(started.elapsed());
        assert_eq!(status, 200, "{body}");
        std::thread::sleep(Duration::from_millis(100));
    }
    latencies.sort();
    let worst = latencies[latencies.len() - 1];
    assert!(
        worst < Duration::from_secs(2),
        "another project's SELECT 1 took up to {worst:?} while heavy queries ran: {latencies:?}"
    );
    assert!(alive(&mut server));
    drop(server);
    for h in heavy {
        let _ = h.join();
    }
}

#[test]
fn ten_processes_opening_a_fresh_data_dir_at_once_all_work() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let las = shared_las("lasio/standards/examples/2.0/sample_2.0.las");
    let children: Vec<_> = (0..10)
        .map(|i| {
            mudrock_command(
                &data,
                &["ingest", "--project", &format!("p{i}"), las.to_str().unwrap()],
                &[],
            )
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

/// A LAS 2.0 file of one well: DEPT and GR, each row's GR written exactly as given.
fn las_with_gr(uwi: &str, gr: &[&str]) -> String {
    let mut text = format!(
        "~VERSION INFORMATION\n VERS. 2.0 :\n WRAP. NO :\n~WELL INFORMATION\n STRT.M 1000 :\n STOP.M {} :\n \
         STEP.M 1 :\n NULL. -999.25 :\n WELL. WELL {uwi} :\n UWI . {uwi} :\n~CURVE INFORMATION\n DEPT.M :\n GR.GAPI :\n~A\n",
        1000 + gr.len() - 1
    );
    for (i, v) in gr.iter().enumerate() {
        text.push_str(&format!("{} {v}\n", 1000 + i));
    }
    text
}

#[test]
fn an_out_of_range_number_is_a_null_and_never_turns_a_curve_into_text() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let huge = "9".repeat(400);
    let first = dir.path().join("first.las");
    std::fs::write(
        &first,
        las_with_gr("OOR-0001", &["45.5", "1e309", "50.25", &huge, "61"]),
    )
    .unwrap();
    let second = dir.path().join("second.las");
    std::fs::write(&second, las_with_gr("OOR-0002", &["30", "31", "32"])).unwrap();
    for file in [&first, &second] {
        let out = mudrock_command(
            &data,
            &["ingest", "--project", "p", "--json", file.to_str().unwrap()],
            &[],
        )
        .output()
        .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        if file == &first {
            let reports: Value = serde_json::from_slice(&out.stdout).unwrap();
            let warnings = reports[0]["warnings"].to_string();
            // The first out-of-range value is on line 16 of the file (the data starts on line 15).
            assert!(warnings.contains("GR") && warnings.contains("16"), "{warnings}");
        }
    }
    let out = mudrock_command(
        &data,
        &[
            "sql",
            "--project",
            "p",
            "--format",
            "json",
            "SELECT arrow_typeof(GR) AS t, count(GR) AS n, count(*) AS rows FROM well_logs GROUP BY 1",
        ],
        &[],
    )
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        rows,
        json!([{ "t": "Float64", "n": 6, "rows": 8 }]),
        "GR stays numeric; two nulls"
    );
}

#[test]
fn a_file_with_twenty_thousand_curves_is_refused_at_once_and_widens_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = data_dir(dir.path());
    let mut server = serve(&data, &[]);
    let columns = |server: &Running| {
        let (status, body) = sql(server, "light", "SELECT * FROM well_logs LIMIT 0");
        assert_eq!(status, 200, "{body}");
        body["columns"].as_array().unwrap().len()
    };
    let before = columns(&server);
    let mut text = String::from(
        "~VERSION INFORMATION\n VERS. 2.0 :\n WRAP. NO :\n~WELL INFORMATION\n STRT.M 1 :\n STOP.M 2 :\n STEP.M 1 :\n \
         NULL. -999.25 :\n WELL. WIDE :\n UWI . WIDE-0001 :\n~CURVE INFORMATION\n DEPT.M :\n",
    );
    for i in 0..20_000 {
        text.push_str(&format!(" C{i}.V :\n"));
    }
    text.push_str("~A\n");
    for depth in [1, 2] {
        text.push_str(&depth.to_string());
        text.push_str(&" 1.5".repeat(20_000));
        text.push('\n');
    }
    let started = Instant::now();
    let form = reqwest::blocking::multipart::Form::new().part(
        "file",
        reqwest::blocking::multipart::Part::bytes(text.into_bytes()).file_name("wide.las"),
    );
    let r = http()
        .post(format!("{}/v1/projects/light/ingest", server.url))
        .bearer_auth(ADMIN)
        .multipart(form)
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().unwrap();
    assert_eq!(body["files"][0]["status"], "rejected", "{body}");
    let reason = body["files"][0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("1000") || reason.contains("1,000"),
        "names the limit: {reason}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    let peak_mib = proc_kib(server.child.id(), "VmHWM") >> 10;
    assert!(
        peak_mib < 512,
        "the server peaked at {peak_mib} MiB for a refused 20,000-curve file"
    );
    assert_eq!(columns(&server), before, "the project's well_logs did not widen");
    assert!(alive(&mut server));
}

#[test]
fn every_refusal_is_the_json_envelope() {
    let dir = tempfile::tempdir().unwrap();
    let data = data_dir(dir.path());
    let server = serve(&data, &[]);
    let addr = server.url.trim_start_matches("http://").to_owned();
    // Encoded and look-alike forms of `..` and `/` in every identifier position: refused, never resolved.
    let mut requests: Vec<String> = [
        "/v1/projects/%2e%2e/wells",
        "/v1/projects/%2E%2E%2Flight/wells",
        "/v1/projects/light%2F..%2Fheavy/wells",
        "/v1/projects/%EF%BC%8E%EF%BC%8E/wells",
        "/v1/projects/light/wells/%2e%2e/curves",
        "/v1/projects/light/wells/..%5c..%5cheavy/tops",
        "/v1/projects/light/wells/%E2%80%A4%E2%80%A4/logs/x.parquet",
        "/v1/projects/light/wells/w/logs/%2e%2e%2f%2e%2e%2fraw.parquet",
    ]
    .iter()
    .map(|path| format!("GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN}\r\n\r\n"))
    .collect();
    requests.extend([
        format!("GET /v1/projects/%ff/wells HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN}\r\n\r\n"),
        format!(
            "GET /v1/projects/light/wells/%ff%fe/curves HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN}\r\n\r\n"
        ),
        format!(
            "GET /v1/projects/light/wells?limit=-1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN}\r\n\r\n"
        ),
        format!("DELETE /v1/projects HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN}\r\n\r\n"),
        "GET /v1/projects HTTP/1.1\r\nHost: x\r\nAuthorization: Basic abc\r\n\r\n".to_owned(),
        format!(
            "POST /v1/projects/light/sql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN}\r\n\
             Content-Type: application/json\r\nContent-Length: 7\r\n\r\n{{\"sql\":"
        ),
        format!(
            "POST /v1/projects/light/ingest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN}\r\n\
             Content-Type: text/plain\r\nContent-Length: 1\r\n\r\nx"
        ),
    ]);
    for request in &requests {
        let mut socket = TcpStream::connect(&addr).unwrap();
        socket.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        socket.write_all(request.as_bytes()).unwrap();
        let answer = read_answer(&mut socket).to_ascii_lowercase();
        let first = request.lines().next().unwrap();
        assert!(answer.starts_with("http/1.1 4"), "{first}: {answer}");
        assert!(
            answer.contains("content-type: application/json"),
            "{first}: {answer}"
        );
        assert!(answer.contains("{\"error\":{\"code\":"), "{first}: {answer}");
    }
}

#[test]
fn integer_overflow_is_an_error_not_a_wrapped_number() {
    let dir = tempfile::tempdir().unwrap();
    let data = data_dir(dir.path());
    let server = serve(&data, &[]);
    for query in [
        "SELECT 9223372036854775807 + 1",
        "SELECT -9223372036854775807 - 2",
        "SELECT 4611686018427387904 * 2",
        "SELECT max(x) FROM (SELECT CAST(value AS BIGINT) * 4611686018427387904 AS x FROM generate_series(1, 3))",
    ] {
        let (status, body) = sql(&server, "light", query);
        assert_eq!(status, 400, "{query}: {body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains("integer overflow"), "{query}: {message}");
    }
    // In range: the same answers and column names as before.
    let (status, body) = sql(
        &server,
        "light",
        "SELECT 2 + 3, 7 * 6 AS p, 9223372036854775806 + 1 AS m",
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["rows"][0], json!([5, 42, 9223372036854775807i64]));
    assert_eq!(body["columns"][0]["name"], "Int64(2) + Int64(3)");
    // Floats keep IEEE arithmetic.
    let (status, body) = sql(&server, "light", "SELECT 1e308 * 10 > 0 AS inf");
    assert_eq!(status, 200, "{body}");
}

/// Who may call what, for every route the OpenAPI document lists: no token and an unknown token get
/// 401 everywhere but `/healthz`; a token for another project gets 403 on every route of this project;
/// this project's token and the admin token get through (whatever the route then answers). A route
/// added to the API without a row here fails the test.
#[test]
fn every_documented_route_checks_its_token() {
    const LIGHT: &str = "light-token-0123456789abcdef";
    const HEAVY: &str = "heavy-token-0123456789abcdef";
    const WRONG: &str = "wrong-token-0123456789abcdef";
    // How a route is guarded: open to anyone, any valid token, or a token of the route's project.
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Guard {
        Open,
        AnyToken,
        Project,
    }
    let guards: std::collections::BTreeMap<(&str, &str), Guard> = [
        (("get", "/healthz"), Guard::Open),
        (("get", "/metrics"), Guard::AnyToken),
        (("get", "/v1/openapi.json"), Guard::AnyToken),
        (("get", "/v1/projects"), Guard::AnyToken),
        (("get", "/v1/projects/{project}/wells"), Guard::Project),
        (("get", "/v1/projects/{project}/wells/{well}"), Guard::Project),
        (("post", "/v1/projects/{project}/wells/search"), Guard::Project),
        (
            ("get", "/v1/projects/{project}/wells/{well}/curves"),
            Guard::Project,
        ),
        (
            ("get", "/v1/projects/{project}/wells/{well}/tops"),
            Guard::Project,
        ),
        (
            ("get", "/v1/projects/{project}/wells/{well}/logs"),
            Guard::Project,
        ),
        (
            ("get", "/v1/projects/{project}/wells/{well}/logs/{log}"),
            Guard::Project,
        ),
        (
            ("head", "/v1/projects/{project}/wells/{well}/logs/{log}"),
            Guard::Project,
        ),
        (("post", "/v1/projects/{project}/sql"), Guard::Project),
        (("post", "/v1/projects/{project}/ingest"), Guard::Project),
    ]
    .into_iter()
    .collect();

    let dir = tempfile::tempdir().unwrap();
    let data = data_dir(dir.path());
    let tokens = format!("{ADMIN}=*;{LIGHT}=light;{HEAVY}=heavy");
    let server = run_command(mudrock_command(
        &data,
        &["serve", "--addr", "127.0.0.1:0"],
        &[("MUDROCK_TOKENS", &tokens)],
    ));
    let client = http();
    let doc: Value = client
        .get(format!("{}/v1/openapi.json", server.url))
        .bearer_auth(ADMIN)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let mut documented = Vec::new();
    for (path, methods) in doc["paths"].as_object().unwrap() {
        for method in methods.as_object().unwrap().keys() {
            documented.push((method.clone(), path.clone()));
        }
    }
    let listed: Vec<(String, String)> = guards
        .keys()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    documented.sort();
    assert_eq!(
        documented, listed,
        "every documented route has a row here, and every row a route"
    );

    let (_, wells) = sql(&server, "light", "SELECT well_id FROM wells LIMIT 1");
    let well = wells["rows"][0][0].as_str().unwrap().to_owned();
    let mut checked = 0;
    for ((method, path), guard) in &guards {
        let url = format!(
            "{}{}",
            server.url,
            path.replace("{project}", "light")
                .replace("{well}", &well)
                .replace("{log}", "x.parquet")
        );
        let call = |token: Option<&str>| {
            let request = client.request(method.to_uppercase().parse().unwrap(), &url);
            let request = match token {
                Some(t) => request.bearer_auth(t),
                None => request,
            };
            request.send().unwrap().status().as_u16()
        };
        let expect_denied = |token: Option<&str>, want: u16| {
            let got = call(token);
            assert_eq!(got, want, "{method} {path} with {token:?}");
        };
        let expect_allowed = |token: &str| {
            let got = call(Some(token));
            assert!(got != 401 && got != 403, "{method} {path} with {token}: {got}");
        };
        match guard {
            Guard::Open => {
                expect_allowed(WRONG);
                assert_eq!(call(None), 200, "{method} {path}");
            }
            Guard::AnyToken => {
                expect_denied(None, 401);
                expect_denied(Some(WRONG), 401);
                expect_allowed(HEAVY);
                expect_allowed(ADMIN);
            }
            Guard::Project => {
                expect_denied(None, 401);
                expect_denied(Some(WRONG), 401);
                expect_denied(Some(HEAVY), 403);
                expect_allowed(LIGHT);
                expect_allowed(ADMIN);
            }
        }
        checked += 1;
    }
    assert_eq!(checked, guards.len());
}

/// Passwords in connection strings never reach what a user or a log sees, whichever store refuses.
#[test]
fn passwords_never_appear_in_errors() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let las = shared_las("lasio/standards/examples/2.0/sample_2.0.las");
    const SECRET: &str = "s3cr3t-Pa55word";
    let unreachable = format!("postgres://mudrock:{SECRET}@127.0.0.1:1/mudrock");
    for (variable, value) in [
        ("MUDROCK_DATABASE_URL", unreachable.as_str()),
        ("MUDROCK_ICEBERG_CATALOG", unreachable.as_str()),
        ("MINIO_SECRET_KEY", SECRET),
    ] {
        let mut args = vec!["ingest", "--project", "p", las.to_str().unwrap()];
        if variable == "MINIO_SECRET_KEY" {
            args.insert(0, "s3");
            args.insert(0, "--storage");
        }
        let out = mudrock_command(
            &data,
            &args,
            &[
                (variable, value),
                ("MINIO_ENDPOINT", "http://127.0.0.1:1"),
                ("MINIO_ACCESS_KEY", "mudrock"),
                ("MINIO_BUCKET", "b"),
            ],
        )
        .output()
        .unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !out.status.success(),
            "{variable}: an unreachable store must fail: {said}"
        );
        assert!(!said.contains(SECRET), "{variable}: the password leaked: {said}");
        assert!(
            said.contains("127.0.0.1") || said.contains(variable),
            "{variable}: the error says which server or setting: {said}"
        );
    }
}

/// Secrets never reach what `mudrock` prints or answers: the configured tokens, a token an attacker
/// tries, and the password in `MUDROCK_DATABASE_URL` appear in no response body, no line of stdout and no
/// line of stderr — while the errors still say what was wrong.
#[test]
fn tokens_and_passwords_never_appear_in_output_or_errors() {
    const ADMIN: &str = "configured-admin-secret-0123456789";
    const READER: &str = "configured-reader-secret-0123456789";
    const GUESS: &str = "attacker-guess-secret-0123456789";
    const PASSWORD: &str = "hunter2-database-secret";
    let dir = tempfile::tempdir().unwrap();
    let stderr_path = dir.path().join("serve.stderr");
    let tokens = format!("{ADMIN}=*;{READER}:read=demo");
    let server = run_command_with_stderr(
        mudrock_command(
            dir.path(),
            &["serve", "--addr", "127.0.0.1:0"],
            &[("MUDROCK_TOKENS", tokens.as_str())],
        ),
        std::fs::File::create(&stderr_path).unwrap().into(),
    );
    let url = server.url.clone();
    let mut printed = server.printed.clone();
    let http = reqwest::blocking::Client::new();
    let mut bodies = Vec::new();
    let mut ask = |request: reqwest::blocking::RequestBuilder, status: u16| {
        let response = request.send().unwrap();
        assert_eq!(response.status().as_u16(), status);
        bodies.push(response.text().unwrap());
    };
    ask(http.get(format!("{url}/v1/projects")).bearer_auth(GUESS), 401);
    ask(
        http.get(format!("{url}/v1/projects"))
            .header("Authorization", format!("Basic {GUESS}")),
        401,
    );
    ask(http.get(format!("{url}/metrics")).bearer_auth(READER), 403);
    ask(
        http.post(format!("{url}/v1/projects/demo/ingest"))
            .bearer_auth(READER),
        403,
    );
    ask(
        http.get(format!("{url}/v1/projects/other/wells"))
            .bearer_auth(READER),
        403,
    );
    ask(
        http.get(format!("{url}/v1/projects/demo/wells"))
            .bearer_auth(ADMIN),
        404,
    );
    let (status, rest) = server.terminate();
    assert!(status.success());
    printed.push(rest);
    let stderr = std::fs::read_to_string(&stderr_path).unwrap();

    // A database URL with a password that cannot be reached: the error names the database, not the secret.
    let database = format!("postgres://mudrock:{PASSWORD}@127.0.0.1:9/mudrock");
    let las = shared_las("lasio/standards/examples/2.0/sample_2.0.las");
    let out = mudrock_command(
        dir.path(),
        &["ingest", "--project", "p", las.to_str().unwrap()],
        &[("MUDROCK_DATABASE_URL", database.as_str())],
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    let failed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        failed.contains("127.0.0.1:9"),
        "the error names the database: {failed}"
    );

    let everything = [printed.join("\n"), stderr, bodies.join("\n"), failed];
    for secret in [ADMIN, READER, GUESS, PASSWORD] {
        for text in &everything {
            assert!(!text.contains(secret), "`{secret}` appeared in:\n{text}");
        }
    }
}
