//! What each cache tier counts: lock-free counters updated on the request path, and the snapshot that
//! `/metrics` and `mudrock cache stats` render.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Serialize;

/// The three tiers, in the order a request meets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// In memory (moka): query results, encoded responses, metadata.
    L1,
    /// Byte-range blocks of object reads on local disk.
    L2,
    /// Content-addressed results on the object store, kept across restarts.
    L3,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::L1, Tier::L2, Tier::L3];

    /// The value of the `tier` label (`l1`, `l2`, `l3`).
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::L1 => "l1",
            Tier::L2 => "l2",
            Tier::L3 => "l3",
        }
    }

    pub fn parse(s: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Upper bounds (seconds) of the load-time histogram buckets: 100 µs to 10 s, a decade apart with a
/// midpoint, which separates a disk read, an object-store round trip and a heavy query.
pub const LOAD_BUCKETS: [f64; 11] = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0];

/// The counters of one tier. Every field is an atomic updated with `Relaxed` ordering: the numbers are
/// for monitoring, not for synchronisation, and must never slow the path they count.
#[derive(Debug, Default)]
pub struct TierCounters {
    hits: AtomicU64,
    misses: AtomicU64,
    evictions: AtomicU64,
    expirations: AtomicU64,
    discarded: AtomicU64,
    load_errors: AtomicU64,
    write_errors: AtomicU64,
    /// Non-cumulative bucket counts; the last one is the `+Inf` overflow.
    load_buckets: [AtomicU64; LOAD_BUCKETS.len() + 1],
    load_nanos: AtomicU64,
}

impl TierCounters {
    pub fn new() -> TierCounters {
        TierCounters::default()
    }

    /// A lookup answered by this tier.
    pub fn hit(&self) {
        self.hits.fetch_add(1, Ordering::Relaxed);
    }

    pub fn hits_add(&self, n: u64) {
        self.hits.fetch_add(n, Ordering::Relaxed);
    }

    /// A lookup this tier could not answer.
    pub fn miss(&self) {
        self.misses.fetch_add(1, Ordering::Relaxed);
    }

    pub fn misses_add(&self, n: u64) {
        self.misses.fetch_add(n, Ordering::Relaxed);
    }

    /// An entry removed to stay within the size budget.
    pub fn eviction(&self) {
        self.evictions.fetch_add(1, Ordering::Relaxed);
    }

    /// An entry removed because its time to live or idle time ran out.
    pub fn expiration(&self) {
        self.expirations.fetch_add(1, Ordering::Relaxed);
    }

    /// An entry found unusable (corrupt, truncated or vanished) and dropped; the caller re-read it.
    pub fn discard(&self) {
        self.discarded.fetch_add(1, Ordering::Relaxed);
    }

    /// A completed load (a computation or a fetch that filled the tier) and how long it took.
    pub fn load(&self, took: Duration) {
        let secs = took.as_secs_f64();
        let bucket = LOAD_BUCKETS
            .iter()
            .position(|&le| secs <= le)
            .unwrap_or(LOAD_BUCKETS.len());
        self.load_buckets[bucket].fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
        self.load_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    /// A load that failed (its error went to the caller; nothing was cached).
    pub fn load_error(&self) {
        self.load_errors.fetch_add(1, Ordering::Relaxed);
    }

    /// A value that could not be stored in the tier (disk full, store unreachable); the caller was still
    /// answered, the next lookup misses again.
    pub fn write_error(&self) {
        self.write_errors.fetch_add(1, Ordering::Relaxed);
    }

    /// The counters now, with the gauges the tier knows (`None` where a tier has no such number).
    pub fn snapshot(&self, tier: Tier, gauges: TierGauges) -> TierSnapshot {
        let mut cumulative = 0;
        let mut load_buckets = Vec::with_capacity(LOAD_BUCKETS.len());
        for (i, &le) in LOAD_BUCKETS.iter().enumerate() {
            cumulative += self.load_buckets[i].load(Ordering::Relaxed);
            load_buckets.push((le, cumulative));
        }
        let loads = cumulative + self.load_buckets[LOAD_BUCKETS.len()].load(Ordering::Relaxed);
        TierSnapshot {
            tier,
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            evictions: self.evictions.load(Ordering::Relaxed),
            expirations: self.expirations.load(Ordering::Relaxed),
            discarded: self.discarded.load(Ordering::Relaxed),
            loads,
            load_errors: self.load_errors.load(Ordering::Relaxed),
            write_errors: self.write_errors.load(Ordering::Relaxed),
            load_seconds: Duration::from_nanos(self.load_nanos.load(Ordering::Relaxed)).as_secs_f64(),
            load_buckets,
            bytes: gauges.bytes,
            capacity_bytes: gauges.capacity_bytes,
            entries: gauges.entries,
        }
    }
}

/// The current size of a tier, where it is known cheaply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TierGauges {
    pub bytes: Option<u64>,
    pub capacity_bytes: Option<u64>,
    pub entries: Option<u64>,
}

/// One tier's numbers at one moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierSnapshot {
    pub tier: Tier,
    /// Lookups answered by the tier.
    pub hits: u64,
    /// Lookups the tier could not answer (including callers that waited for another caller's load).
    pub misses: u64,
    /// Entries removed to stay within the size budget.
    pub evictions: u64,
    /// Entries removed by time to live or idle time.
    pub expirations: u64,
    /// Entries found corrupt or missing and dropped.
    pub discarded: u64,
    /// Loads that filled the tier (computations, fetches from the tier below).
    pub loads: u64,
    pub load_errors: u64,
    /// Values that could not be stored in the tier (the caller was answered all the same).
    pub write_errors: u64,
    /// Total time spent in loads.
    pub load_seconds: f64,
    /// Cumulative load-time histogram: (upper bound in seconds, loads at most that long).
    pub load_buckets: Vec<(f64, u64)>,
    pub bytes: Option<u64>,
    pub capacity_bytes: Option<u64>,
    pub entries: Option<u64>,
}

impl TierSnapshot {
    /// hits / (hits + misses), `None` before the first lookup.
    pub fn hit_ratio(&self) -> Option<f64> {
        let total = self.hits + self.misses;
        (total > 0).then(|| self.hits as f64 / total as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_times_land_in_cumulative_buckets() {
        let c = TierCounters::new();
        c.load(Duration::from_micros(50)); // ≤ 100 µs
        c.load(Duration::from_millis(3)); // ≤ 5 ms
        c.load(Duration::from_secs(60)); // +Inf only
        c.hit();
        c.miss();
        c.miss();
        let s = c.snapshot(Tier::L1, TierGauges::default());
        assert_eq!(s.loads, 3);
        assert_eq!(s.load_buckets[0], (0.0001, 1));
        assert_eq!(s.load_buckets[3], (0.005, 2));
        assert_eq!(s.load_buckets.last().map(|b| b.1), Some(2));
        assert!((s.load_seconds - 60.00305).abs() < 1e-6, "{}", s.load_seconds);
        assert_eq!(s.hit_ratio(), Some(1.0 / 3.0));
    }

    #[test]
    fn tiers_parse_from_their_labels() {
        for t in Tier::ALL {
            assert_eq!(Tier::parse(t.as_str()), Some(t));
        }
        assert_eq!(Tier::parse("L2"), Some(Tier::L2));
        assert_eq!(Tier::parse("l4"), None);
    }
}
