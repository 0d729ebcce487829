//! What every handler shares: the application ([`Service`]), tokens, the HTTP limits, the counters.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use mudrock_engine::Service;

use crate::auth::Tokens;

/// Limits of the HTTP side. `mudrock serve` fills them from flags and environment variables; what one
/// request may cost the application (rows, time, points) is the [`Service`]'s limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiConfig {
    /// Largest accepted ingest upload (the whole multipart body), in bytes.
    pub max_upload_bytes: usize,
    /// Connections open at once; more wait in the kernel's backlog (`crate::server`).
    pub max_connections: usize,
    /// A connection that has not sent a whole request head this long after it opened (or after its
    /// last response) is closed: idle and trickling clients cannot hold sockets.
    pub header_read_timeout: Duration,
}

pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_MAX_UPLOAD_BYTES: usize = 256 << 20;

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
        }
    }
}

/// Counters of what the API answered (beyond the caches' and the application's own), at `/metrics`.
#[derive(Debug, Default)]
pub struct ApiCounters {
    /// Answers of 304 Not Modified (nothing computed).
    pub not_modified: AtomicU64,
}

impl ApiCounters {
    pub fn count_not_modified(&self) {
        self.not_modified.fetch_add(1, Ordering::Relaxed);
    }

    /// Prometheus text lines for these counters and the application's query count.
    pub fn render(&self, queries: u64) -> String {
        format!(
            "# HELP mudrock_api_queries_total Queries the API ran on the engine (SQL and log windows not served from cache).\n\
             # TYPE mudrock_api_queries_total counter\n\
             mudrock_api_queries_total {queries}\n\
             # HELP mudrock_api_not_modified_total Requests answered 304 Not Modified without computing.\n\
             # TYPE mudrock_api_not_modified_total counter\n\
             mudrock_api_not_modified_total {}\n",
            self.not_modified.load(Ordering::Relaxed),
        )
    }
}

/// Shared by all handlers; cheap to clone.
#[derive(Clone)]
pub struct ApiState {
    inner: Arc<Inner>,
}

struct Inner {
    service: Service,
    tokens: Arc<Tokens>,
    config: ApiConfig,
    counters: ApiCounters,
}

impl ApiState {
    /// The state of a server over `service`.
    pub fn new(service: Service, tokens: Tokens, config: ApiConfig) -> Self {
        ApiState {
            inner: Arc::new(Inner {
                service,
                tokens: Arc::new(tokens),
                config,
                counters: ApiCounters::default(),
            }),
        }
    }

    /// The application: every route's work.
    pub fn service(&self) -> &Service {
        &self.inner.service
    }

    pub fn tokens(&self) -> &Arc<Tokens> {
        &self.inner.tokens
    }

    pub fn config(&self) -> &ApiConfig {
        &self.inner.config
    }

    pub fn counters(&self) -> &ApiCounters {
        &self.inner.counters
    }
}
