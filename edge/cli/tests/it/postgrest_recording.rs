//! The `mudrock` binary's PostgREST path, against a **recording endpoint** — not a real PostgREST, which
//! cannot be installed from the registries this project's machines reach (README, "Metadata"). The endpoint
//! answers as PostgREST's documentation says (a `GET` on a table: `200` with a JSON array of rows; an upsert
//! with `Prefer: return=minimal`: `201` and no body; an RPC returning void: `204`) and records every request,
//! so the test asserts what the real process sends: which tables, the upsert headers, the project in each
//! body, and a token signed with the configured secret that names the project. The behaviour suite runs the
//! same store against a real PostgREST whenever `POSTGREST_URL` is set (tests/it/metadata.rs).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use mudrock_store::demo::generate;

/// One request as the endpoint saw it.
#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Recorded {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Serves PostgREST's answers on 127.0.0.1 until the test ends; one connection at a time is enough for
/// one ingest (each answer closes its connection).
fn recording_endpoint() -> (String, Arc<Mutex<Vec<Recorded>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&log);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() || line.is_empty() {
                continue;
            }
            let mut parts = line.split_whitespace();
            let method = parts.next().unwrap_or_default().to_owned();
            let path = parts.next().unwrap_or_default().to_owned();
            let mut headers = Vec::new();
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                    break;
                }
                if let Some((k, v)) = h.trim_end().split_once(':') {
                    headers.push((k.trim().to_owned(), v.trim().to_owned()));
                }
            }
            let length: usize = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let (status, answer) = match (method.as_str(), path.starts_with("/rpc/")) {
                ("GET", _) => ("200 OK", "[]"),
                (_, true) => ("204 No Content", ""),
                _ => ("201 Created", ""),
            };
            seen.lock().unwrap().push(Recorded {
                method,
                path,
                headers,
                body: String::from_utf8_lossy(&body).into_owned(),
            });
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    (url, log)
}

/// HMAC-SHA256 (RFC 2104), to check the token's signature with the configured secret.
fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut block = [0u8; 64];
    block[..key.len()].copy_from_slice(key);
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .to_vec()
}

#[test]
fn an_ingest_keeps_its_metadata_through_postgrest_with_a_token_for_its_project() {
    let (url, log) = recording_endpoint();
    let dir = tempfile::tempdir().unwrap();
    let las = dir.path().join("well.las");
    std::fs::write(&las, &generate()[2].bytes).unwrap();
    let secret = "a-secret-of-at-least-32-characters!!";
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mudrock"))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args([
            "ingest",
            las.to_str().unwrap(),
            "--project",
            "north-sea",
            "--json",
        ])
        .env_remove("MUDROCK_DATABASE_URL")
        .env_remove("SUPABASE_URL")
        .env_remove("SUPABASE_JWT_SECRET")
        .env("POSTGREST_URL", &url)
        .env("POSTGREST_JWT_SECRET", secret)
        .env("SUPABASE_ANON_KEY", "anon-key")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The ingest went in with nothing to say about its metadata record.
    assert!(!stdout.contains("not recorded"), "{stdout}");

    let requests = log.lock().unwrap().clone();
    let first = requests.first().expect("the binary sent nothing to PostgREST");
    // The store is checked before anything is written: a read of `projects`.
    assert_eq!(
        (first.method.as_str(), first.path.starts_with("/projects?")),
        ("GET", true),
        "{first:?}"
    );
    let sent = |method: &str, prefix: &str| {
        requests
            .iter()
            .filter(|r| r.method == method && r.path.starts_with(prefix))
            .collect::<Vec<_>>()
    };
    let upsert = "resolution=merge-duplicates,return=minimal";
    // Upserts on each table's key, every row in this project; one well for the one file.
    for table in ["/projects", "/wells", "/ingests"] {
        let posts = sent("POST", table);
        assert!(!posts.is_empty(), "no POST {table}: {requests:#?}");
        let post = posts[0];
        assert_eq!(post.header("Prefer"), Some(upsert), "{post:?}");
        assert!(post.path.contains("on_conflict=project_id"), "{post:?}");
        assert!(post.body.contains(r#""project_id":"north-sea""#), "{post:?}");
    }
    assert_eq!(sent("POST", "/wells").len(), 1, "{requests:#?}");
    let logs = sent("POST", "/rpc/mudrock_put_log");
    assert_eq!(logs.len(), 1, "{requests:#?}");
    assert!(
        logs[0].body.contains(r#""curves":["#) && logs[0].body.contains("\"mnemonic\""),
        "{:?}",
        logs[0]
    );

    // Every request carries Supabase's key and a token that PostgREST would accept: HS256 over the
    // configured secret, for the `mudrock_app` role, naming this project, not yet expired.
    for r in &requests {
        assert_eq!(r.header("apikey"), Some("anon-key"), "{r:?}");
        let token = r
            .header("Authorization")
            .and_then(|a| a.strip_prefix("Bearer "))
            .expect("a bearer token");
        let (signed, signature) = token.rsplit_once('.').unwrap();
        let expected = URL_SAFE_NO_PAD.encode(hmac_sha256(secret.as_bytes(), signed.as_bytes()));
        assert_eq!(
            signature, expected,
            "the token is not signed with POSTGREST_JWT_SECRET"
        );
        let claims = signed.split('.').nth(1).unwrap();
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).unwrap()).unwrap();
        assert_eq!(claims["role"], "mudrock_app", "{claims}");
        assert!(claims["exp"].as_u64() > claims["iat"].as_u64(), "{claims}");
        let project = claims["mudrock_project"].as_str().unwrap();
        // The start-up check reads under a project of its own; everything else under the ingest's.
        assert!(
            project == "north-sea" || r.path.starts_with("/projects?"),
            "{r:?} under {project}"
        );
    }
}
