//! L1: values in memory (moka), bounded by bytes, with time to live and idle time, and one load per key
//! under concurrent misses.
//!
//! One cache for every kind of value rather than one cache per kind: a single byte budget goes where
//! the traffic is (a workload of SQL results is not starved by an idle metadata partition). A slot is
//! `(kind, Rust type, CacheKey)`: the kind keeps namespaces apart for people (a response and the result
//! it was encoded from have different kinds under the same key), and the type makes a typed read
//! always find a value of its own type, so a lookup can never fail to downcast.

use std::any::{Any, TypeId};
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use arrow_array::RecordBatch;
use bytes::Bytes;
use moka::future::Cache;
use moka::notification::RemovalCause;
use mudrock_core::cache::CacheKey;
use parquet::file::metadata::ParquetMetaData;

use super::config::L1Config;
use super::stats::{Tier, TierCounters, TierGauges, TierSnapshot};
use mudrock_common::error::{Error, ErrorKind, Result};

/// What an L1 entry is; part of its slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum L1Kind {
    /// The batches of a query (SQL or a typed well query).
    QueryResult,
    /// An encoded HTTP response body (JSON, Arrow IPC, Parquet), ready to send.
    Response,
    /// Catalog rows and other small metadata.
    Metadata,
    /// A Parquet footer with its page indexes.
    ParquetMetadata,
}

/// The bytes a value holds in memory, for the byte budget. Estimates are fine; they must not be zero
/// for values that hold memory, and must be cheap (called once per insert).
pub trait CacheWeight {
    fn cache_weight(&self) -> usize;
}

impl CacheWeight for Bytes {
    fn cache_weight(&self) -> usize {
        self.len()
    }
}

impl CacheWeight for Vec<u8> {
    fn cache_weight(&self) -> usize {
        self.capacity()
    }
}

impl CacheWeight for String {
    fn cache_weight(&self) -> usize {
        self.capacity()
    }
}

impl CacheWeight for RecordBatch {
    fn cache_weight(&self) -> usize {
        self.get_array_memory_size()
    }
}

impl<T: CacheWeight> CacheWeight for Vec<T> {
    fn cache_weight(&self) -> usize {
        self.iter().map(CacheWeight::cache_weight).sum::<usize>() + self.capacity() * size_of::<T>()
    }
}

impl CacheWeight for ParquetMetaData {
    fn cache_weight(&self) -> usize {
        self.memory_size()
    }
}

/// Added to every entry's weight: moka's own bookkeeping plus our slot and `Arc`, so that a budget
/// also bounds the number of tiny entries.
pub const ENTRY_OVERHEAD: usize = 160;

#[derive(Clone, PartialEq, Eq, Hash)]
struct Slot {
    kind: L1Kind,
    type_id: TypeId,
    key: CacheKey,
}

impl Slot {
    fn of<T: 'static>(kind: L1Kind, key: &CacheKey) -> Slot {
        Slot {
            kind,
            type_id: TypeId::of::<T>(),
            key: *key,
        }
    }
}

#[derive(Clone)]
struct Entry {
    value: Arc<dyn Any + Send + Sync>,
    weight: u32,
}

impl Entry {
    fn new<T: CacheWeight + Send + Sync + 'static>(value: Arc<T>) -> Entry {
        let weight = value.cache_weight().saturating_add(ENTRY_OVERHEAD);
        Entry {
            value,
            weight: u32::try_from(weight).unwrap_or(u32::MAX),
        }
    }

    fn downcast<T: Send + Sync + 'static>(self) -> Result<Arc<T>> {
        self.value.downcast::<T>().map_err(|_| {
            // Unreachable by construction (the slot holds the type id); an error, not a panic, all the same.
            Error::new(ErrorKind::Unexpected, "L1 cache entry has an unexpected type")
        })
    }
}

/// The in-memory tier. Cheap to clone (clones share the cache and its counters).
#[derive(Clone)]
pub struct L1Cache {
    cache: Cache<Slot, Entry>,
    counters: Arc<TierCounters>,
    max_bytes: u64,
}

impl fmt::Debug for L1Cache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("L1Cache")
            .field("max_bytes", &self.max_bytes)
            .field("entries", &self.cache.entry_count())
            .field("bytes", &self.cache.weighted_size())
            .finish()
    }
}

impl L1Cache {
    pub fn new(config: &L1Config) -> L1Cache {
        let counters = Arc::new(TierCounters::new());
        let on_removal = Arc::clone(&counters);
        let mut builder = Cache::builder()
            .name("mudrock-l1")
            .max_capacity(config.max_bytes)
            .weigher(|_slot: &Slot, entry: &Entry| entry.weight)
            .eviction_listener(move |_slot, _entry, cause| match cause {
                RemovalCause::Size => on_removal.eviction(),
                RemovalCause::Expired => on_removal.expiration(),
                RemovalCause::Explicit | RemovalCause::Replaced => {}
            });
        if let Some(ttl) = config.time_to_live {
            builder = builder.time_to_live(ttl);
        }
        if let Some(idle) = config.time_to_idle {
            builder = builder.time_to_idle(idle);
        }
        L1Cache {
            cache: builder.build(),
            counters,
            max_bytes: config.max_bytes,
        }
    }

    /// The cached value, counting a hit or a miss.
    pub async fn get<T: Send + Sync + 'static>(&self, kind: L1Kind, key: &CacheKey) -> Option<Arc<T>> {
        match self.cache.get(&Slot::of::<T>(kind, key)).await {
            Some(entry) => {
                self.counters.hit();
                entry.downcast::<T>().ok()
            }
            None => {
                self.counters.miss();
                None
            }
        }
    }

    /// Caches `value` (replacing what the slot held) and returns it shared.
    pub async fn insert<T: CacheWeight + Send + Sync + 'static>(
        &self,
        kind: L1Kind,
        key: &CacheKey,
        value: impl Into<Arc<T>>,
    ) -> Arc<T> {
        let value = value.into();
        self.cache
            .insert(Slot::of::<T>(kind, key), Entry::new(Arc::clone(&value)))
            .await;
        value
    }

    /// The cached value, or the value `load` produces, cached. Concurrent callers that miss the same
    /// slot share ONE run of `load` (the first caller's; the others wait for it). A failed load caches
    /// nothing and every waiting caller gets its error.
    ///
    /// Counting: a caller answered at once is a hit; every other caller is a miss; each run of `load`
    /// is one load in the histogram, so `misses - loads` is the number of callers single flight saved.
    pub async fn get_or_try_load<T, F>(&self, kind: L1Kind, key: &CacheKey, load: F) -> Result<Arc<T>>
    where
        T: CacheWeight + Send + Sync + 'static,
        F: Future<Output = Result<T>>,
    {
        let slot = Slot::of::<T>(kind, key);
        if let Some(entry) = self.cache.get(&slot).await {
            self.counters.hit();
            return entry.downcast::<T>();
        }
        self.counters.miss();
        let counters = &self.counters;
        let init = async move {
            let started = Instant::now();
            match load.await {
                Ok(value) => {
                    counters.load(started.elapsed());
                    Ok(Entry::new(Arc::new(value)))
                }
                Err(e) => {
                    counters.load_error();
                    Err(e)
                }
            }
        };
        let entry = self
            .cache
            .entry(slot)
            .or_try_insert_with(init)
            .await
            .map_err(unshare)?;
        entry.into_value().downcast::<T>()
    }

    /// Drops one slot.
    pub async fn invalidate<T: Send + Sync + 'static>(&self, kind: L1Kind, key: &CacheKey) {
        self.cache.invalidate(&Slot::of::<T>(kind, key)).await;
    }

    /// Drops everything (not counted as evictions).
    pub fn clear(&self) {
        self.cache.invalidate_all();
    }

    /// Runs moka's deferred bookkeeping now (evictions, expirations, sizes). moka does it on its own as
    /// the cache is used; tests and `/metrics` call this to see exact numbers.
    pub async fn run_pending_tasks(&self) {
        self.cache.run_pending_tasks().await;
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// The sum of entry weights now (after [`L1Cache::run_pending_tasks`], exact).
    pub fn weighted_bytes(&self) -> u64 {
        self.cache.weighted_size()
    }

    pub fn snapshot(&self) -> TierSnapshot {
        self.counters.snapshot(
            Tier::L1,
            TierGauges {
                bytes: Some(self.cache.weighted_size()),
                capacity_bytes: Some(self.max_bytes),
                entries: Some(self.cache.entry_count()),
            },
        )
    }
}

/// moka hands every waiter of a failed load the same `Arc<Error>`. The caller that ran the load gets
/// the error itself back; the others get a copy with the same kind, message, context and retryable flag,
/// and the original's cause.
fn unshare(shared: Arc<Error>) -> Error {
    match Arc::try_unwrap(shared) {
        Ok(err) => err,
        Err(shared) => {
            let mut err = Error::new(shared.kind(), shared.message()).with_retryable(shared.is_retryable());
            for (k, v) in shared.context_pairs() {
                err = err.with_context(k, v);
            }
            if std::error::Error::source(&*shared).is_some() {
                err = err.with_source(SharedCause(shared));
            }
            err
        }
    }
}

/// The cause of an error shared by several callers: shows (and chains to) the original's cause.
struct SharedCause(Arc<Error>);

impl SharedCause {
    fn cause(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&*self.0)
    }
}

impl fmt::Display for SharedCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.cause() {
            Some(cause) => fmt::Display::fmt(cause, f),
            None => Ok(()),
        }
    }
}

impl fmt::Debug for SharedCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for SharedCause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause().and_then(std::error::Error::source)
    }
}
