//! What queries may use of the machine: memory (per query and for all queries together) and spill space.
//!
//! DataFusion's operators that hold data (sorts, aggregates, joins, repartitions) reserve it from the
//! `MemoryPool` of their task's runtime. Every query gets its own [`QueryPool`]: a budget of its own
//! ([`QueryConfig::query_memory_limit`]) in front of the engine's pool shared by all queries
//! ([`QueryConfig::memory_limit`]). A sort or aggregate that cannot grow spills to disk (at most
//! [`QueryConfig::spill_limit`] bytes of temporary files for the whole engine); an operator that cannot
//! spill fails the query with `ResourcesExhausted`, which the engine reports as "the query needs more
//! memory than it may use" — the server and the other queries carry on.

use std::sync::Arc;

use datafusion::common::Result as DfResult;
use datafusion::execution::disk_manager::{DiskManager, DiskManagerMode};
use datafusion::execution::memory_pool::{
    GreedyMemoryPool, MemoryConsumer, MemoryLimit, MemoryPool, MemoryReservation, UnboundedMemoryPool,
};
use datafusion::execution::runtime_env::{RuntimeEnv, RuntimeEnvBuilder};

use super::engine::QueryConfig;
use super::errors::{Hints, from_datafusion};
use mudrock_common::error::Result;

/// The engine-wide pool and spill space, from which each query's own budget is cut.
#[derive(Debug)]
pub(crate) struct QueryResources {
    shared: Arc<dyn MemoryPool>,
    disk: Arc<DiskManager>,
    per_query: Option<usize>,
}

impl QueryResources {
    pub(crate) fn new(config: &QueryConfig) -> Self {
        let shared: Arc<dyn MemoryPool> = match config.memory_limit {
            Some(bytes) => Arc::new(GreedyMemoryPool::new(bytes)),
            None => Arc::new(UnboundedMemoryPool::default()),
        };
        let mut disk = DiskManager::builder();
        match config.spill_limit {
            Some(0) => disk.set_mode(DiskManagerMode::Disabled),
            Some(bytes) => disk.set_max_temp_directory_size(bytes),
            None => {}
        }
        // Only a list of directories can fail to build (they are created at once); the OS temp directory
        // is used lazily, and "disabled" has none.
        let disk = Arc::new(
            disk.build()
                .expect("a disk manager over the OS temp directory, or disabled, builds"),
        );
        QueryResources {
            shared,
            disk,
            per_query: config.query_memory_limit,
        }
    }

    /// Memory reserved by all running queries now.
    #[cfg(test)]
    pub(crate) fn reserved(&self) -> usize {
        self.shared.reserved()
    }

    /// A runtime built by `builder` with this engine's memory pool and spill space (a project's runtime).
    pub(crate) fn runtime(&self, builder: RuntimeEnvBuilder) -> Result<Arc<RuntimeEnv>> {
        let mut env = builder
            .with_memory_pool(Arc::clone(&self.shared))
            .build()
            .map_err(|e| from_datafusion(e, &Hints::default()))?;
        env.disk_manager = Arc::clone(&self.disk);
        Ok(Arc::new(env))
    }

    /// The runtime of one query: `base`'s object stores, caches and spill space, and a budget of its own
    /// in front of the shared pool.
    pub(crate) fn for_query(&self, base: &RuntimeEnv) -> Result<Arc<RuntimeEnv>> {
        let Some(limit) = self.per_query else {
            return Ok(Arc::new(
                RuntimeEnvBuilder::from_runtime_env(base)
                    .build()
                    .map_err(|e| from_datafusion(e, &Hints::default()))?,
            ));
        };
        let pool: Arc<dyn MemoryPool> = Arc::new(QueryPool {
            own: GreedyMemoryPool::new(limit),
            shared: Arc::clone(&base.memory_pool),
        });
        RuntimeEnvBuilder::from_runtime_env(base)
            .with_memory_pool(pool)
            .build_arc()
            .map_err(|e| from_datafusion(e, &Hints::default()))
    }
}

/// One query's budget: a reservation must fit both its own limit and the shared pool.
#[derive(Debug)]
struct QueryPool {
    own: GreedyMemoryPool,
    shared: Arc<dyn MemoryPool>,
}

impl MemoryPool for QueryPool {
    fn register(&self, consumer: &MemoryConsumer) {
        self.shared.register(consumer);
    }

    fn unregister(&self, consumer: &MemoryConsumer) {
        self.shared.unregister(consumer);
    }

    fn grow(&self, reservation: &MemoryReservation, additional: usize) {
        self.own.grow(reservation, additional);
        self.shared.grow(reservation, additional);
    }

    fn shrink(&self, reservation: &MemoryReservation, shrink: usize) {
        self.own.shrink(reservation, shrink);
        self.shared.shrink(reservation, shrink);
    }

    fn try_grow(&self, reservation: &MemoryReservation, additional: usize) -> DfResult<()> {
        self.own.try_grow(reservation, additional)?;
        if let Err(e) = self.shared.try_grow(reservation, additional) {
            self.own.shrink(reservation, additional);
            return Err(e);
        }
        Ok(())
    }

    fn reserved(&self) -> usize {
        self.own.reserved()
    }

    fn memory_limit(&self) -> MemoryLimit {
        self.own.memory_limit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_held_to_its_own_budget_and_to_what_the_others_left() {
        let config = QueryConfig {
            memory_limit: Some(1000),
            query_memory_limit: Some(600),
            ..QueryConfig::default()
        };
        let resources = QueryResources::new(&config);
        let base = resources.runtime(RuntimeEnvBuilder::new()).unwrap();
        let a = resources.for_query(&base).unwrap();
        let b = resources.for_query(&base).unwrap();
        let ra = MemoryConsumer::new("a").register(&a.memory_pool);
        let rb = MemoryConsumer::new("b").register(&b.memory_pool);
        ra.try_grow(600).unwrap();
        assert!(ra.try_grow(1).is_err(), "over its own 600");
        // 400 left in the shared pool: b may take that, not its whole 600.
        assert!(rb.try_grow(500).is_err());
        assert_eq!(rb.size(), 0, "a refused reservation takes nothing");
        rb.try_grow(400).unwrap();
        assert_eq!(resources.reserved(), 1000);
        drop(ra);
        assert_eq!(
            resources.reserved(),
            400,
            "a query's memory returns to the shared pool"
        );
    }
}
