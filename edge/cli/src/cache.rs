//! `mudrock cache stats | clear`.
//!
//! A CLI process cannot see the memory of a running server, so:
//! - `stats` reports the tiers on disk — L2 (block files under `MUDROCK_L2_DIR`) and L3 (results under
//!   each project's `cache/query/`) — and, with `--url`, fetches a running server's `/metrics` and prints
//!   every tier's counters (L1 included).
//! - `clear` empties L2 and/or L3. L1 lives in a server's memory: restart the server to empty it (its
//!   entries also expire after `CACHE_TTL_SECONDS`). A running server notices cleared L2 blocks and L3
//!   results on its next read of them and re-reads them from the store.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Subcommand, ValueEnum};
use comfy_table::Table;
use mudrock_core::layout::ProjectId;
use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::parse_project;
use mudrock_common::error::{Error, ErrorKind, Result};
use mudrock_engine::cache::l2::{self, BlockUsage};
use mudrock_engine::cache::metrics;
use mudrock_engine::cache::{CacheConfig, ProjectUsage, ResultStore, TierSnapshot};
use mudrock_store::ingest::Ingestor;

#[derive(Debug, Subcommand)]
pub(super) enum CacheAction {
    /// Show the caches: L2 and L3 on disk, and every tier of a running server with --url.
    Stats {
        /// A running server (`http://127.0.0.1:8080`): print its /metrics (L1, L2, L3 counters).
        #[arg(long)]
        url: Option<String>,
        /// Bearer token for --url, if the server asks for one.
        #[arg(long, env = "MUDROCK_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// Only this project's L3 results (default: every project).
        #[arg(long, value_parser = parse_project)]
        project: Option<ProjectId>,
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
    },
    /// Empty the caches on disk (L2 blocks, L3 results).
    Clear {
        /// Which tier to empty.
        #[arg(long, value_enum, default_value_t = ClearTier::All)]
        tier: ClearTier,
        /// Only this project's L3 results (L2 blocks are shared by every project).
        #[arg(long, value_parser = parse_project)]
        project: Option<ProjectId>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum ClearTier {
    L1,
    L2,
    L3,
    All,
}

const L1_IS_IN_MEMORY: &str = "L1 lives in the memory of a running server: restart the server to empty it \
     (entries also expire after CACHE_TTL_SECONDS)";

pub(super) async fn run(ingestor: &Ingestor, data_dir: &Path, action: CacheAction) -> Result<ExitCode> {
    let config = CacheConfig::from_env(data_dir)?;
    let l3 = ResultStore::new(ingestor.storage().clone(), ingestor.layout().clone());
    match action {
        CacheAction::Stats {
            url,
            token,
            project,
            json,
        } => {
            stats(
                &config,
                &l3,
                url.as_deref(),
                token.as_deref(),
                project.as_ref(),
                json,
            )
            .await
        }
        CacheAction::Clear { tier, project } => clear(&config, &l3, tier, project.as_ref()).await,
    }
}

/// What `stats` prints (and `--json` serialises).
#[derive(Debug, Serialize)]
struct StatsReport {
    l2: Option<L2Disk>,
    l3: Vec<ProjectUsage>,
    /// From `--url`: every tier's counters as the server reports them.
    server: Option<Vec<TierSnapshot>>,
}

#[derive(Debug, Serialize)]
struct L2Disk {
    dir: PathBuf,
    blocks: u64,
    bytes: u64,
    capacity_bytes: u64,
    block_bytes: u64,
}

async fn stats(
    config: &CacheConfig,
    l3: &ResultStore,
    url: Option<&str>,
    token: Option<&str>,
    project: Option<&ProjectId>,
    json: bool,
) -> Result<ExitCode> {
    let l2 = match &config.l2 {
        Some(c) => {
            let dir = c.dir.clone();
            let usage = tokio::task::spawn_blocking(move || l2::disk_usage(&dir))
                .await
                .map_err(mudrock_store::storage::task_failed)??;
            Some(L2Disk {
                dir: c.dir.clone(),
                blocks: usage.blocks,
                bytes: usage.bytes,
                capacity_bytes: c.max_bytes,
                block_bytes: c.block_bytes,
            })
        }
        None => None,
    };
    let l3_usage = if config.l3.enabled {
        l3.usage(project).await?
    } else {
        Vec::new()
    };
    let server = match url {
        Some(url) => {
            let text = fetch_metrics(url, token).await?;
            let samples = metrics::parse(&text).map_err(|e| {
                Error::new(
                    ErrorKind::InvalidInput,
                    format!("{url} did not answer with cache metrics"),
                )
                .with_source(e)
            })?;
            Some(metrics::snapshots_from_samples(&samples))
        }
        None => None,
    };
    let report = StatsReport {
        l2,
        l3: l3_usage,
        server,
    };
    if json {
        let text = serde_json::to_string_pretty(&report).map_err(|e| {
            Error::new(ErrorKind::Unexpected, "cannot print the statistics as JSON").with_source(e)
        })?;
        println!("{text}");
    } else {
        print_report(&report, config);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_report(report: &StatsReport, config: &CacheConfig) {
    match &report.l2 {
        Some(l2) => println!(
            "L2 (disk blocks) at {}: {} blocks, {} of {} ({} blocks)",
            l2.dir.display(),
            l2.blocks,
            human_bytes(l2.bytes),
            human_bytes(l2.capacity_bytes),
            human_bytes(l2.block_bytes)
        ),
        None => println!("L2 (disk blocks): off (MUDROCK_L2_MAX_BYTES=0)"),
    }
    if !config.l3.enabled {
        println!("L3 (results on the object store): off (MUDROCK_L3=off)");
    } else if report.l3.is_empty() {
        println!("L3 (results on the object store): empty");
    } else {
        println!("L3 (results on the object store):");
        let mut table = Table::new();
        table.set_header(vec!["project", "results", "bytes"]);
        for u in &report.l3 {
            table.add_row(vec![
                u.project.clone(),
                u.results.to_string(),
                human_bytes(u.bytes),
            ]);
        }
        println!("{table}");
    }
    match &report.server {
        Some(tiers) => {
            println!("Server:");
            let mut table = Table::new();
            table.set_header(vec![
                "tier",
                "hits",
                "misses",
                "hit ratio",
                "loads",
                "mean load",
                "evictions",
                "expirations",
                "discarded",
                "errors (load/write)",
                "bytes",
                "entries",
            ]);
            for t in tiers {
                table.add_row(vec![
                    t.tier.to_string(),
                    t.hits.to_string(),
                    t.misses.to_string(),
                    t.hit_ratio()
                        .map_or_else(|| "-".to_owned(), |r| format!("{:.1}%", r * 100.0)),
                    t.loads.to_string(),
                    if t.loads > 0 {
                        format!("{:.2} ms", t.load_seconds * 1000.0 / t.loads as f64)
                    } else {
                        "-".to_owned()
                    },
                    t.evictions.to_string(),
                    t.expirations.to_string(),
                    t.discarded.to_string(),
                    format!("{}/{}", t.load_errors, t.write_errors),
                    match (t.bytes, t.capacity_bytes) {
                        (Some(b), Some(c)) => format!("{} of {}", human_bytes(b), human_bytes(c)),
                        (Some(b), None) => human_bytes(b),
                        _ => "-".to_owned(),
                    },
                    t.entries.map_or_else(|| "-".to_owned(), |e| e.to_string()),
                ]);
            }
            println!("{table}");
        }
        None => println!("L1 (memory) belongs to a running server: add --url http://HOST:PORT to see it."),
    }
}

async fn clear(
    config: &CacheConfig,
    l3: &ResultStore,
    tier: ClearTier,
    project: Option<&ProjectId>,
) -> Result<ExitCode> {
    if tier == ClearTier::L1 {
        return Err(Error::new(ErrorKind::Unsupported, L1_IS_IN_MEMORY));
    }
    if matches!(tier, ClearTier::L2 | ClearTier::All) {
        match &config.l2 {
            Some(c) => {
                let dir = c.dir.clone();
                let BlockUsage { blocks, bytes } = tokio::task::spawn_blocking(move || l2::clear_dir(&dir))
                    .await
                    .map_err(mudrock_store::storage::task_failed)??;
                println!(
                    "L2: removed {blocks} blocks ({}) from {}",
                    human_bytes(bytes),
                    c.dir.display()
                );
            }
            None => println!("L2: off, nothing to clear"),
        }
    }
    if matches!(tier, ClearTier::L3 | ClearTier::All) {
        let removed = l3.clear(project).await?;
        let results: u64 = removed.iter().map(|u| u.results).sum();
        let bytes: u64 = removed.iter().map(|u| u.bytes).sum();
        let scope = project.map_or_else(|| "every project".to_owned(), |p| format!("project {p}"));
        println!(
            "L3: removed {results} results ({}) of {scope}",
            human_bytes(bytes)
        );
    }
    if tier == ClearTier::All {
        println!("{L1_IS_IN_MEMORY}.");
    }
    Ok(ExitCode::SUCCESS)
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

// ---------------------------------------------------------------------------------------------------------
// Fetching /metrics: plain HTTP/1.1 GET to a server on this machine or the local network. No TLS on
// purpose (a remote server's metrics are scraped by Prometheus, not by this command).
// ---------------------------------------------------------------------------------------------------------

const FETCH_TIMEOUT: Duration = Duration::from_secs(10);
/// The metrics of three tiers are a few KiB; anything far larger is not what we asked for.
const MAX_RESPONSE: usize = 4 << 20;

async fn fetch_metrics(url: &str, token: Option<&str>) -> Result<String> {
    let bad_url = || {
        Error::new(
            ErrorKind::InvalidInput,
            format!("--url {url:?} is not an http:// URL of a server (e.g. http://127.0.0.1:8080)"),
        )
    };
    let rest = url.strip_prefix("http://").ok_or_else(bad_url)?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if authority.is_empty() || authority.contains(['@', ' ']) {
        return Err(bad_url());
    }
    let path = match path.trim_end_matches('/') {
        "" => "/metrics",
        p => p,
    };
    let address = if authority
        .rsplit_once(':')
        .is_some_and(|(_, port)| port.parse::<u16>().is_ok())
    {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    };
    let unreachable = |e: std::io::Error| {
        Error::new(
            ErrorKind::Unavailable,
            format!("cannot reach the server at {url}: is `mudrock serve` running there?"),
        )
        .with_retryable(true)
        .with_source(e)
    };
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(&address)
            .await
            .map_err(unreachable)?;
        let mut request = format!(
            "GET {path} HTTP/1.1\r\nHost: {authority}\r\nAccept: text/plain\r\nConnection: close\r\n"
        );
        if let Some(token) = token {
            request.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).await.map_err(unreachable)?;
        let mut response = Vec::new();
        (&mut stream)
            .take(MAX_RESPONSE as u64 + 1)
            .read_to_end(&mut response)
            .await
            .map_err(unreachable)?;
        Ok::<_, Error>(response)
    };
    let response = tokio::time::timeout(FETCH_TIMEOUT, exchange)
        .await
        .map_err(|_| {
            Error::new(
                ErrorKind::Unavailable,
                format!(
                    "the server at {url} did not answer within {} s",
                    FETCH_TIMEOUT.as_secs()
                ),
            )
            .with_retryable(true)
        })??;
    if response.len() > MAX_RESPONSE {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("{url}{path} answered with more than {MAX_RESPONSE} bytes: not cache metrics"),
        ));
    }
    let (status, body) = parse_response(&response).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidInput,
            format!("{url} did not answer with HTTP/1.1"),
        )
    })?;
    let body = String::from_utf8_lossy(&body).into_owned();
    match status {
        200 => Ok(body),
        401 | 403 => Err(Error::new(
            ErrorKind::PermissionDenied,
            format!("{url}{path} refused the request ({status}): pass a token with --token or MUDROCK_TOKEN"),
        )),
        _ => Err(Error::new(
            ErrorKind::Unavailable,
            format!(
                "{url}{path} answered {status}: {}",
                body.chars().take(300).collect::<String>()
            ),
        )),
    }
}

/// (status, body) of a whole HTTP/1.x response; chunked bodies are decoded.
fn parse_response(raw: &[u8]) -> Option<(u16, Vec<u8>)> {
    let head_end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..head_end]).ok()?;
    let body = &raw[head_end + 4..];
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let mut parts = status_line.split(' ');
    if !parts.next()?.starts_with("HTTP/1.") {
        return None;
    }
    let status: u16 = parts.next()?.parse().ok()?;
    let mut chunked = false;
    let mut length: Option<usize> = None;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("transfer-encoding") && value.eq_ignore_ascii_case("chunked") {
            chunked = true;
        } else if name.eq_ignore_ascii_case("content-length") {
            length = value.parse().ok();
        }
    }
    if chunked {
        return decode_chunked(body).map(|b| (status, b));
    }
    let body = match length {
        Some(n) if n <= body.len() => &body[..n],
        _ => body,
    };
    Some((status, body.to_vec()))
}

fn decode_chunked(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&body[..line_end]).ok()?;
        let size_text = size_text.split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        if body.len() < size + 2 {
            return None;
        }
        out.extend_from_slice(&body[..size]);
        body = &body[size + 2..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_with_length_or_chunks() {
        let plain = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
        assert_eq!(parse_response(plain), Some((200, b"hello".to_vec())));
        let chunked =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2;x=y\r\nlo\r\n0\r\n\r\n";
        assert_eq!(parse_response(chunked), Some((200, b"hello".to_vec())));
        assert_eq!(parse_response(b"garbage"), None);
        assert_eq!(
            parse_response(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
            None
        );
    }

    #[test]
    fn bytes_for_people() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(256 << 20), "256.0 MiB");
    }
}
