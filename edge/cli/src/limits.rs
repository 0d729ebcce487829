//! The query engine's limits from flags and environment variables (`mudrock serve`, `mudrock sql`, the
//! demo): memory per query and for all queries, spill space, queries running at once per project.

use clap::Args;

use mudrock_common::error::{Error, ErrorKind, Result};
use mudrock_engine::query::{
    DEFAULT_MEMORY_LIMIT, DEFAULT_QUERY_MEMORY_LIMIT, DEFAULT_SPILL_LIMIT, QueryConfig,
    default_project_queries,
};

#[derive(Debug, Clone, Args)]
pub struct QueryLimitArgs {
    /// Memory one query may hold, in bytes (sorts and aggregates spill past it; other operators fail
    /// the query with a clear error).
    #[arg(long, env = "MUDROCK_QUERY_MEMORY_BYTES", default_value_t = DEFAULT_QUERY_MEMORY_LIMIT)]
    pub query_memory_bytes: usize,
    /// Memory all running queries together may hold, in bytes.
    #[arg(long, env = "MUDROCK_ENGINE_MEMORY_BYTES", default_value_t = DEFAULT_MEMORY_LIMIT)]
    pub engine_memory_bytes: usize,
    /// Bytes of temporary files all queries together may spill to disk (0: never spill).
    #[arg(long, env = "MUDROCK_SPILL_BYTES", default_value_t = DEFAULT_SPILL_LIMIT)]
    pub spill_bytes: u64,
    /// Queries of one project that run at once; more wait their turn (within the query timeout), so one
    /// project's queries cannot take the whole machine (default: the cores, at least 2).
    // No clap default: it depends on the machine, and the settings table (README) is the same everywhere.
    #[arg(long, env = "MUDROCK_PROJECT_QUERIES")]
    pub project_queries: Option<usize>,
}

impl QueryLimitArgs {
    /// The defaults, for a command that runs no query of the user's.
    pub fn defaults() -> Self {
        Self {
            query_memory_bytes: DEFAULT_QUERY_MEMORY_LIMIT,
            engine_memory_bytes: DEFAULT_MEMORY_LIMIT,
            spill_bytes: DEFAULT_SPILL_LIMIT,
            project_queries: None,
        }
    }

    /// The engine's configuration with these limits; a limit that cannot work is an error, not ignored.
    pub fn config(&self) -> Result<QueryConfig> {
        let project_queries = self.project_queries.unwrap_or_else(default_project_queries);
        if self.query_memory_bytes == 0 || self.engine_memory_bytes == 0 || project_queries == 0 {
            return Err(Error::new(
                ErrorKind::ConfigInvalid,
                "--query-memory-bytes, --engine-memory-bytes and --project-queries must be above 0",
            ));
        }
        if self.query_memory_bytes > self.engine_memory_bytes {
            return Err(Error::new(
                ErrorKind::ConfigInvalid,
                format!(
                    "--query-memory-bytes ({}) is more than --engine-memory-bytes ({}), the memory of all \
                     queries together: lower the first or raise the second",
                    self.query_memory_bytes, self.engine_memory_bytes
                ),
            ));
        }
        Ok(QueryConfig {
            memory_limit: Some(self.engine_memory_bytes),
            query_memory_limit: Some(self.query_memory_bytes),
            spill_limit: Some(self.spill_bytes),
            project_queries,
            ..QueryConfig::default()
        })
    }
}
