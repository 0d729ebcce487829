//! `mudrock serve [--addr 127.0.0.1:8080] [--data-dir DIR]`: the HTTP API on embedded defaults (objects on
//! the file system under the data dir, caches from `CACHE_*`/`MUDROCK_L2_*`), until Ctrl-C or SIGTERM;
//! requests in flight finish first.
//!
//! Tokens: `--auth-config FILE` / `MUDROCK_AUTH_CONFIG`, else `MUDROCK_TOKENS`, else one random token for
//! every project, printed at start (see `mudrock_server::auth`). Tokens are never taken as command-line flags: the
//! process list would show them.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use crate::output;
use mudrock_common::error::{Error, ErrorKind, Result};
use mudrock_engine::Service;
use mudrock_engine::cache::{CacheConfig, Caches};
use mudrock_engine::service::{DEFAULT_MAX_POINTS, DEFAULT_ROW_LIMIT, Limits};
use mudrock_server::server::raise_open_file_limit;
use mudrock_server::server::{bind, serve, shutdown_signal};
use mudrock_server::state::{DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_UPLOAD_BYTES};
use mudrock_server::{ApiConfig, ApiState, Tokens};
use mudrock_store::ingest::Ingestor;

/// The longest timeout or revalidation window accepted: a day.
const MAX_SECONDS: u64 = 24 * 3600;

/// Open files kept for everything but connections (data files, caches, stores, logs).
const RESERVED_FILES: u64 = 256;

/// The environment variable holding `token=project,project;token=*`.
pub const ENV_TOKENS: &str = "MUDROCK_TOKENS";

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0: any free port).
    #[arg(long, env = "MUDROCK_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// JSON file of tokens and their projects: {"tokens": [{"token": "…", "projects": ["p1"]}]}.
    #[arg(long, env = "MUDROCK_AUTH_CONFIG")]
    pub auth_config: Option<PathBuf>,
    /// Largest ingest upload, in bytes.
    #[arg(long, env = "MUDROCK_MAX_UPLOAD_BYTES", default_value_t = DEFAULT_MAX_UPLOAD_BYTES)]
    pub max_upload_bytes: usize,
    /// Most rows a SQL query or log window returns.
    #[arg(long, env = "MUDROCK_ROW_LIMIT", default_value_t = DEFAULT_ROW_LIMIT)]
    pub row_limit: u64,
    /// Seconds a query may run before it is cancelled.
    #[arg(long, env = "MUDROCK_QUERY_TIMEOUT_SECONDS", default_value_t = 30)]
    pub query_timeout_seconds: u64,
    /// Milliseconds the versions of a project's catalogs are trusted before the store is asked again:
    /// how late a write by another process is seen (0: every request asks; ingests through this server
    /// are seen at once either way).
    #[arg(long, env = "MUDROCK_REVALIDATE_MS", default_value_t = 1000)]
    pub revalidate_ms: u64,
    /// Connections open at once (default: 10,000, or fewer when the open-file limit is lower).
    #[arg(long, env = "MUDROCK_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Seconds a connection may take to send a request's head (and stay idle between requests).
    #[arg(long, env = "MUDROCK_HEADER_TIMEOUT_SECONDS", default_value_t = DEFAULT_HEADER_READ_TIMEOUT.as_secs())]
    pub header_timeout_seconds: u64,
    #[command(flatten)]
    pub limits: crate::limits::QueryLimitArgs,
}

impl ServeArgs {
    /// The API's limits and the application's; `open_files` is the process's open-file limit (after
    /// raising it), which the connection limit must leave room under.
    fn config(&self, open_files: Option<u64>) -> Result<(ApiConfig, Limits)> {
        if self.row_limit == 0
            || self.query_timeout_seconds == 0
            || self.max_upload_bytes == 0
            || self.header_timeout_seconds == 0
            || self.max_connections == Some(0)
        {
            return Err(Error::new(
                ErrorKind::ConfigInvalid,
                "--row-limit, --query-timeout-seconds, --max-upload-bytes, --header-timeout-seconds and \
                 --max-connections must be above 0",
            ));
        }
        // Deadlines are instants: a timeout past a day is a typo (and would overflow an instant).
        if self.query_timeout_seconds > MAX_SECONDS
            || self.header_timeout_seconds > MAX_SECONDS
            || self.revalidate_ms / 1000 > MAX_SECONDS
        {
            return Err(Error::new(
                ErrorKind::ConfigInvalid,
                format!(
                    "--query-timeout-seconds, --header-timeout-seconds and --revalidate-ms must be at most a day \
                     ({MAX_SECONDS} s)"
                ),
            ));
        }
        // Files, the caches and the stores need descriptors besides the connections.
        let room =
            open_files.map(|n| usize::try_from(n.saturating_sub(RESERVED_FILES)).unwrap_or(usize::MAX));
        let max_connections = match (self.max_connections, room) {
            (Some(asked), Some(room)) if asked > room => {
                return Err(Error::new(
                    ErrorKind::ConfigInvalid,
                    format!(
                        "--max-connections {asked} needs more open files than this process may have ({} in \
                         all, {RESERVED_FILES} kept for files): lower it or raise the hard limit (ulimit -Hn)",
                        open_files.unwrap_or_default()
                    ),
                ));
            }
            (Some(asked), _) => asked,
            (None, Some(room)) => DEFAULT_MAX_CONNECTIONS.min(room).max(1),
            (None, None) => DEFAULT_MAX_CONNECTIONS,
        };
        let api = ApiConfig {
            max_connections,
            header_read_timeout: Duration::from_secs(self.header_timeout_seconds),
            max_upload_bytes: self.max_upload_bytes,
        };
        let limits = Limits {
            row_limit: self.row_limit,
            query_timeout: Duration::from_secs(self.query_timeout_seconds),
            max_points: DEFAULT_MAX_POINTS,
            revalidate_after: Duration::from_millis(self.revalidate_ms),
        };
        Ok((api, limits))
    }
}

/// The tokens to accept, and the one to print when the server made it up.
pub fn tokens(auth_config: Option<&Path>) -> Result<(Tokens, Option<String>)> {
    if let Some(path) = auth_config {
        let tokens = Tokens::load_config(path)?;
        if tokens.is_empty() {
            return Err(Error::new(
                ErrorKind::ConfigInvalid,
                format!("the auth config {} lists no tokens", path.display()),
            ));
        }
        return Ok((tokens, None));
    }
    if let Some(text) = std::env::var(ENV_TOKENS).ok().filter(|t| !t.trim().is_empty()) {
        let tokens = Tokens::parse_env(&text).map_err(|e| e.with_context("variable", ENV_TOKENS))?;
        return Ok((tokens, None));
    }
    let (tokens, token) = mudrock_server::auth::random_admin()?;
    Ok((tokens, Some(token)))
}

/// Where to open the well viewer: the page with the session token in the URL fragment (never sent to
/// the server), or how to build the viewer when it is not built.
pub fn viewer_line(url: &str, token: Option<&str>, built: bool) -> String {
    match (built, token) {
        (true, Some(token)) => format!("well viewer (open in a browser):\n  {url}/#token={token}\n"),
        (true, None) => {
            format!("well viewer (open in a browser, with one of your tokens):\n  {url}/#token=<token>\n")
        }
        (false, _) => {
            "well viewer: not built (run scripts/web.sh, or start with scripts/demo.sh, which builds it)\n"
                .to_owned()
        }
    }
}

/// Serves until Ctrl-C / SIGTERM. `project` is the one to show in the printed example.
pub async fn run(
    ingestor: &Ingestor,
    data_dir: &Path,
    args: &ServeArgs,
    project: Option<&str>,
) -> Result<ExitCode> {
    let (config, limits) = args.config(raise_open_file_limit())?;
    let (tokens, made_up) = tokens(args.auth_config.as_deref())?;
    let cache_config = CacheConfig::from_env(data_dir)?;
    let caches = Arc::new(Caches::open(
        &cache_config,
        ingestor.storage(),
        ingestor.layout(),
    )?);
    let engine = crate::query_engine(ingestor, &args.limits)?;
    let service = Service::new(ingestor.clone(), engine, caches, limits)?;
    let state = ApiState::new(service, tokens, config);
    let listener = bind(args.addr).await?;
    let addr = listener.local_addr()?;
    let url = format!("http://{addr}");
    let token_line = match &made_up {
        Some(token) => format!(
            "token (all projects, this session only; set {ENV_TOKENS} or --auth-config to choose your own):\n  {token}\n"
        ),
        None => "tokens: as configured\n".to_owned(),
    };
    let shown_token = made_up.as_deref().unwrap_or("<token>");
    let example = match project {
        Some(p) => format!("curl -H 'Authorization: Bearer {shown_token}' {url}/v1/projects/{p}/wells"),
        None => format!("curl -H 'Authorization: Bearer {shown_token}' {url}/v1/projects"),
    };
    let viewer = viewer_line(
        &url,
        made_up.as_deref(),
        mudrock_server::routes::app::web_dir().is_some(),
    );
    output::print(&format!(
        "MudRock API listening on {url} (storage: {}; Ctrl-C stops)\n{token_line}try:\n  {example}\n{viewer}",
        ingestor.storage().location()
    ))?;
    serve(listener, state, shutdown_signal()).await?;
    output::print("stopped\n")?;
    Ok(ExitCode::SUCCESS)
}
