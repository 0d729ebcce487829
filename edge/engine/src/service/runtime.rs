//! The query runtime: SQL runs on its own tokio runtime, apart from the one serving HTTP.
//!
//! DataFusion's operators are CPU work that yields to the scheduler only between batches; a heavy query
//! on the serving runtime's worker threads would hold back every other request — cached answers,
//! health checks — and even the timer that should cancel it. On a runtime of its own a query competes
//! for cores through the operating system, while the serving runtime keeps answering and its deadlines
//! fire on time (the query is then dropped and stops at its next yield).

use std::future::Future;

use tokio::runtime::{Handle, Runtime};
use tokio::task::JoinHandle;

use mudrock_common::error::{Error, ErrorKind, Result};

pub struct QueryRuntime {
    /// `None` only while dropping.
    runtime: Option<Runtime>,
}

impl QueryRuntime {
    /// A multi-threaded runtime with `threads` workers (at least 1).
    pub fn new(threads: usize) -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads.max(1))
            .thread_name("mudrock-query")
            // Workers and blocking threads alike: planning runs on the latter (`run`), operators on both.
            .thread_stack_size(crate::query::QUERY_THREAD_STACK_BYTES)
            .enable_all()
            .build()
            .map_err(|e| {
                Error::new(ErrorKind::Unexpected, "cannot start the query runtime").with_source(e)
            })?;
        Ok(QueryRuntime {
            runtime: Some(runtime),
        })
    }

    fn handle(&self) -> Result<&Handle> {
        self.runtime
            .as_ref()
            .map(Runtime::handle)
            .ok_or_else(|| Error::new(ErrorKind::Unavailable, "the query runtime is shutting down"))
    }

    /// Runs `make()` to completion on this runtime and returns its result.
    ///
    /// The future is driven by `Handle::block_on` on one of this runtime's blocking threads, so it need
    /// not be `Send`: the engine's futures are not provably `Send` for every lifetime (rustc's
    /// higher-ranked lifetime limitation: `query/well_logs.rs` maps borrowed `(well, log)` pairs into
    /// futures and buffers them as a stream), which an axum handler's future must be. Tasks the future
    /// spawns (DataFusion's partitions) run on this runtime too.
    pub async fn run<T, F, Fut>(&self, make: F) -> Result<T>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<T>>,
        T: Send + 'static,
    {
        let handle = self.handle()?.clone();
        let inner = handle.clone();
        handle
            .spawn_blocking(move || inner.block_on(make()))
            .await
            .map_err(mudrock_store::storage::task_failed)?
    }

    /// Spawns a `Send` future on this runtime.
    pub fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Ok(self.handle()?.spawn(future))
    }
}

impl Drop for QueryRuntime {
    fn drop(&mut self) {
        // Dropping a runtime blocks until its tasks end, which panics inside another runtime; queries
        // still running are abandoned instead (their results have no one to go to).
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
