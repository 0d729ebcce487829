//! `mudrock publish --project P --edge URL --token T`: puts a project's objects into the edge worker's
//! bucket through the worker's `PUT /admin/objects/{key}`, so the edge answers the light routes from the
//! same layout as this backend's storage.
//!
//! What goes: the well data (`wells/...`, the log Parquet objects the browser reads by range), then the
//! catalogs, curves and logs before wells — a reader at the edge never sees a well listed before its logs
//! are there. Raw LAS bytes and caches stay home. Publishing again after an ingest sends the objects
//! again; the edge's answers are keyed by the objects' versions, so none of its cached answers go stale.

use std::process::ExitCode;
use std::time::Duration;

use mudrock_core::layout::{CatalogType, ProjectId};

use crate::progress;
use mudrock_common::error::{Error, ErrorKind, Result};
use mudrock_store::ingest::Ingestor;

/// How many times one object is tried (network errors and 5xx answers are retried).
const ATTEMPTS: u32 = 3;

pub async fn run(ingestor: &Ingestor, project: &ProjectId, edge: &str, token: &str) -> Result<ExitCode> {
    let edge = edge.trim_end_matches('/');
    if !edge.starts_with("http://") {
        return Err(Error::new(
            ErrorKind::ConfigInvalid,
            format!(
                "--edge must be an http:// URL (got `{edge}`): this build has no TLS client yet; publish to \
                 `wrangler dev`, or put the objects of a deployed worker's bucket with `wrangler r2 object put`"
            ),
        ));
    }
    let storage = ingestor.storage();
    let layout = ingestor.layout();
    let catalog_paths: Vec<String> = [CatalogType::Curves, CatalogType::Logs, CatalogType::Wells]
        .iter()
        .map(|kind| layout.catalog(project, *kind))
        .collect();
    if !storage
        .exists(&layout.catalog(project, CatalogType::Wells))
        .await?
    {
        return Err(Error::new(
            ErrorKind::NotFound,
            format!("project `{project}` has no wells here: ingest LAS files into it first"),
        ));
    }
    let mut paths: Vec<String> = storage
        .list(&layout.wells_prefix(project))
        .await?
        .into_iter()
        .map(|m| m.path)
        .collect();
    for path in catalog_paths {
        if storage.exists(&path).await? {
            paths.push(path);
        }
    }
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(300))
        .build()
        .map_err(|e| Error::new(ErrorKind::Unexpected, format!("cannot start an HTTP client: {e}")))?;
    let bar = progress::bar(paths.len());
    let mut bytes_sent = 0u64;
    for path in &paths {
        bar.set_message(path.clone());
        let body = storage.download(path).await?;
        bytes_sent += body.len() as u64;
        put(&client, edge, token, path, body).await?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    eprintln!(
        "published {} objects ({bytes_sent} bytes) of project {project} to {edge}",
        paths.len()
    );
    Ok(ExitCode::SUCCESS)
}

async fn put(
    client: &reqwest::Client,
    edge: &str,
    token: &str,
    path: &str,
    body: bytes::Bytes,
) -> Result<()> {
    let url = format!("{edge}/admin/objects/{path}");
    let mut last = String::new();
    for attempt in 1..=ATTEMPTS {
        let sent = client
            .put(&url)
            .bearer_auth(token)
            .body(body.clone())
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => return Ok(()),
            Ok(r) if r.status().is_server_error() => {
                last = format!("{}: {}", r.status(), r.text().await.unwrap_or_default());
            }
            Ok(r) => {
                let status = r.status();
                let text = r.text().await.unwrap_or_default();
                let kind = match status.as_u16() {
                    401 | 403 => ErrorKind::PermissionDenied,
                    _ => ErrorKind::InvalidInput,
                };
                return Err(Error::new(
                    kind,
                    format!(
                        "the edge refused `{path}` ({status}): {text} — publishing needs a token for every project (`*`)"
                    ),
                ));
            }
            Err(e) => last = e.to_string(),
        }
        if attempt < ATTEMPTS {
            tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
        }
    }
    Err(Error::new(
        ErrorKind::Unavailable,
        format!("the edge at {edge} did not take `{path}` after {ATTEMPTS} attempts: {last}"),
    )
    .with_retryable(true))
}
