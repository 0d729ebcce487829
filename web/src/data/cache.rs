//! L1 in the browser: decoded column blocks in core's byte-bounded LRU, keyed by core's cache keys over
//! the log object's version (path, size, ETag), so a replaced object never answers from an old entry.

use std::sync::Arc;

use mudrock_core::cache::{CacheKey, Lru, LruStats, Version, VersionSet};

use super::plan::LogFile;

/// One column's values over one block, nulls as `NaN`.
pub type BlockValues = Arc<Vec<f64>>;

/// The key of one column of one block of one version of a log object.
pub fn block_key(file: &LogFile, column: &str, block: usize) -> CacheKey {
    let versions: VersionSet = [Version::Object {
        path: file.path.clone(),
        size: file.size,
        etag: file.etag.clone(),
        last_modified_ns: None,
    }]
    .into_iter()
    .collect();
    let b = &file.blocks[block];
    let mut request = Vec::with_capacity(column.len() + 40);
    request.extend_from_slice(&(column.len() as u64).to_le_bytes());
    request.extend_from_slice(column.as_bytes());
    for n in [b.row_group, b.rows.start, b.rows.end] {
        request.extend_from_slice(&(n as u64).to_le_bytes());
    }
    CacheKey::new("web_block", &request, &versions)
}

fn weigh(_: &CacheKey, v: &BlockValues) -> u64 {
    // The values plus the key and bookkeeping.
    (v.len() * std::mem::size_of::<f64>() + 64) as u64
}

/// Decoded blocks within a byte budget.
pub struct BlockCache {
    lru: Lru<CacheKey, BlockValues>,
}

impl BlockCache {
    pub fn new(budget_bytes: u64) -> BlockCache {
        BlockCache {
            lru: Lru::new(budget_bytes, weigh),
        }
    }

    pub fn get(&mut self, file: &LogFile, column: &str, block: usize) -> Option<BlockValues> {
        self.lru.get(&block_key(file, column, block)).cloned()
    }

    /// Whether it is there, without counting a hit or a miss or touching the order.
    pub fn contains(&self, file: &LogFile, column: &str, block: usize) -> bool {
        self.lru.contains_key(&block_key(file, column, block))
    }

    pub fn insert(&mut self, file: &LogFile, column: &str, block: usize, values: BlockValues) {
        let _ = self.lru.insert(block_key(file, column, block), values);
    }

    pub fn stats(&self) -> LruStats {
        self.lru.stats()
    }

    pub fn clear(&mut self) {
        self.lru.clear();
    }
}
