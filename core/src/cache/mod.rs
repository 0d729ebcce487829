//! Cache keys, a small LRU and the tier policy — the parts of caching every tier shares.
//!
//! - [`Version`] / [`VersionSet`]: what a response read (object ETags, Iceberg snapshot ids).
//! - [`CacheKey`]: blake3 of a domain tag, the canonical request and the canonical versions; its
//!   [`CacheKey::etag`] is the HTTP ETag, so a new ingest (new ETag or snapshot) never serves stale data.
//! - [`Lru`]: a weight-bounded LRU map with counters, for wasm (no threads, no clock).
//! - [`ApiRoute`] → [`Weight`] and [`Tier`]: which tier may compute which request.

mod canon;
mod key;
mod lru;
mod tier;
mod version;

pub(crate) use canon::Canon;
pub use key::{CacheKey, ParseCacheKeyError};
pub use lru::{Insert, Lru, LruStats, Weigher};
pub use tier::{ApiRoute, RouteMatch, Tier, Weight};
pub use version::{Version, VersionSet, unix_nanos};
