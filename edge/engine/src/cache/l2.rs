//! L2 on disk: fixed-size, aligned blocks of objects, one file per block, evicted least recently used
//! to stay within a byte budget.
//!
//! This file is the disk side only (files, index, budget); [`super::l2_store::CachedObjectStore`] decides
//! which blocks a read needs and fetches the missing ones.
//!
//! - A block is named by a [`CacheKey`] of the object's [`Version`] (path, size, ETag, modification time),
//!   the block size and the block's index: a changed object has other names, so its old blocks are never
//!   read again (they age out of the LRU).
//! - A block file is `MAGIC | blake3(name ‖ payload) | payload`, written to `tmp/` and renamed into
//!   `blocks/xx/{name}.blk`, so a reader sees a whole block or none. A file that is short, long, foreign
//!   or fails its checksum is deleted and reported missing, and the caller re-reads the object.
//! - The index (name → size, recency) lives in memory. On open it is rebuilt from the files (oldest
//!   modification first), leftovers in `tmp/` and malformed files are deleted, and the budget is enforced.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use mudrock_core::cache::{CacheKey, Version, VersionSet};

use super::config::L2Config;
use super::stats::{Tier, TierCounters, TierGauges, TierSnapshot};
use mudrock_common::error::{Error, ErrorKind, Result};

const MAGIC: &[u8; 8] = b"MRL2BLK1";
const HEADER_LEN: usize = MAGIC.len() + blake3::OUT_LEN;
const BLOCKS_DIR: &str = "blocks";
const TMP_DIR: &str = "tmp";
const BLOCK_EXT: &str = "blk";
/// The key domain of block names (see [`CacheKey::new`]).
const BLOCK_DOMAIN: &str = "l2_block";

/// Unique temporary file names within this process (the pid separates processes).
static TMP_SEQ: AtomicU64 = AtomicU64::new(0);

/// The blocks on disk, their index and their counters. Shared (`Arc`) by every store it caches.
#[derive(Debug)]
pub struct BlockCache {
    dir: PathBuf,
    max_bytes: u64,
    block_bytes: u64,
    index: Mutex<Index>,
    counters: TierCounters,
}

/// Blocks and their payload bytes: what a directory holds, or what `clear` removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BlockUsage {
    pub blocks: u64,
    pub bytes: u64,
}

impl BlockCache {
    /// Opens (creating it if needed) the block directory and rebuilds the index from it. Blocking file
    /// I/O: call it at start-up or inside `spawn_blocking`.
    pub fn open(config: &L2Config) -> Result<BlockCache> {
        let cache = BlockCache {
            dir: config.dir.clone(),
            max_bytes: config.max_bytes,
            block_bytes: config.block_bytes.max(1),
            index: Mutex::new(Index::default()),
            counters: TierCounters::new(),
        };
        for sub in [BLOCKS_DIR, TMP_DIR] {
            let path = cache.dir.join(sub);
            fs::create_dir_all(&path).map_err(|e| dir_error(e, &path))?;
        }
        cache.rebuild_index()?;
        Ok(cache)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn block_bytes(&self) -> u64 {
        self.block_bytes
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    pub(crate) fn counters(&self) -> &TierCounters {
        &self.counters
    }

    /// The name of block `index` of `version`.
    pub fn block_id(&self, version: &Version, index: u64) -> CacheKey {
        let mut request = [0u8; 16];
        request[..8].copy_from_slice(&self.block_bytes.to_le_bytes());
        request[8..].copy_from_slice(&index.to_le_bytes());
        let versions: VersionSet = std::iter::once(version.clone()).collect();
        CacheKey::new(BLOCK_DOMAIN, &request, &versions)
    }

    /// (blocks, payload bytes) indexed now.
    pub fn usage(&self) -> (u64, u64) {
        let index = self.lock();
        (index.entries.len() as u64, index.bytes)
    }

    pub fn snapshot(&self) -> TierSnapshot {
        let (blocks, bytes) = self.usage();
        self.counters.snapshot(
            Tier::L2,
            TierGauges {
                bytes: Some(bytes),
                capacity_bytes: Some(self.max_bytes),
                entries: Some(blocks),
            },
        )
    }

    /// Reads the blocks named `wanted` (name, expected length). `None` for a block that is not cached
    /// or whose file turned out unusable (then deleted and counted as discarded). Does not count hits or
    /// misses: the caller knows what a lookup was.
    pub async fn read_blocks(self: &Arc<Self>, wanted: Vec<(CacheKey, u64)>) -> Vec<Option<Bytes>> {
        let present: Vec<bool> = {
            let mut index = self.lock();
            wanted.iter().map(|(id, _)| index.touch(id)).collect()
        };
        if !present.iter().any(|&p| p) {
            return vec![None; wanted.len()];
        }
        let this = Arc::clone(self);
        let read = tokio::task::spawn_blocking(move || {
            wanted
                .iter()
                .zip(present)
                .map(|((id, len), present)| if present { this.read_one(id, *len) } else { None })
                .collect::<Vec<_>>()
        })
        .await;
        // A panicked or cancelled reader thread: treat every block as missing, the caller re-reads.
        read.unwrap_or_default()
    }

    fn read_one(&self, id: &CacheKey, expected_len: u64) -> Option<Bytes> {
        let path = self.block_path(id);
        let raw = match fs::read(&path) {
            Ok(raw) => raw,
            Err(_) => {
                // Deleted behind our back (`mudrock cache clear`, a concurrent eviction): forget it.
                self.counters.discard();
                self.lock().remove(id);
                return None;
            }
        };
        let valid = raw.len() as u64 == HEADER_LEN as u64 + expected_len
            && raw.starts_with(MAGIC)
            && raw[MAGIC.len()..HEADER_LEN] == *checksum(id, &raw[HEADER_LEN..]).as_bytes();
        if !valid {
            // Corrupt, truncated or of another length than the object says: never serve it.
            self.counters.discard();
            self.lock().remove(id);
            let _ = fs::remove_file(&path);
            return None;
        }
        Some(Bytes::from(raw).slice(HEADER_LEN..))
    }

    /// Stores blocks (atomically each), then evicts least recently used blocks until the budget holds.
    /// A block that cannot be written is counted as a write error and skipped: the caller already has
    /// its bytes.
    pub async fn write_blocks(self: &Arc<Self>, blocks: Vec<(CacheKey, Bytes)>) {
        if blocks.is_empty() {
            return;
        }
        let this = Arc::clone(self);
        let done = tokio::task::spawn_blocking(move || {
            for (id, payload) in blocks {
                // A block larger than the whole budget would evict everything and then itself.
                if payload.len() as u64 > this.max_bytes {
                    continue;
                }
                match this.write_one(&id, &payload) {
                    Ok(()) => {
                        let victims = {
                            let mut index = this.lock();
                            index.insert(id, payload.len() as u64);
                            index.evict_to(this.max_bytes)
                        };
                        for victim in victims {
                            this.counters.eviction();
                            let _ = fs::remove_file(this.block_path(&victim));
                        }
                    }
                    Err(_) => this.counters.write_error(),
                }
            }
        })
        .await;
        if done.is_err() {
            self.counters.write_error();
        }
    }

    fn write_one(&self, id: &CacheKey, payload: &[u8]) -> io::Result<()> {
        let hex = id.to_hex();
        let final_path = self.block_path(id);
        if let Some(parent) = final_path.parent() {
            fs::create_dir_all(parent)?;
        }
        let seq = TMP_SEQ.fetch_add(1, Ordering::Relaxed);
        let tmp = self
            .dir
            .join(TMP_DIR)
            .join(format!("{hex}.{}.{seq}.tmp", std::process::id()));
        let written = (|| {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(MAGIC)?;
            f.write_all(checksum(id, payload).as_bytes())?;
            f.write_all(payload)?;
            // No fsync: a block lost in a crash is a cache miss, and a torn one fails its checksum.
            drop(f);
            fs::rename(&tmp, &final_path)
        })();
        if written.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        written
    }

    /// Deletes every block (and temporary file). Blocking file I/O, run on the blocking pool.
    pub async fn clear(self: &Arc<Self>) -> Result<BlockUsage> {
        let this = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let cleared = clear_dir(&this.dir);
            *this.lock() = Index::default();
            cleared
        })
        .await
        .map_err(mudrock_store::storage::task_failed)?
    }

    fn rebuild_index(&self) -> Result<()> {
        self.clear_tmp();
        let mut found: Vec<(std::time::SystemTime, CacheKey, u64)> = Vec::new();
        for (path, len) in block_files(&self.dir)? {
            let id = path
                .file_stem()
                .and_then(|s| s.to_str())
                .and_then(|s| s.parse::<CacheKey>().ok());
            match id {
                Some(id)
                    if len >= HEADER_LEN as u64
                        && path.extension().and_then(|e| e.to_str()) == Some(BLOCK_EXT) =>
                {
                    let modified = fs::metadata(&path)
                        .and_then(|m| m.modified())
                        .unwrap_or(std::time::UNIX_EPOCH);
                    found.push((modified, id, len - HEADER_LEN as u64));
                }
                // Not a block file of ours (or a truncated one): it would only take space.
                _ => {
                    let _ = fs::remove_file(&path);
                }
            }
        }
        found.sort_by_key(|(modified, _, _)| *modified);
        let victims = {
            let mut index = self.lock();
            for (_, id, len) in found {
                index.insert(id, len);
            }
            index.evict_to(self.max_bytes)
        };
        for victim in victims {
            let _ = fs::remove_file(self.block_path(&victim));
        }
        Ok(())
    }

    fn clear_tmp(&self) {
        clear_tmp(&self.dir);
    }

    fn block_path(&self, id: &CacheKey) -> PathBuf {
        let hex = id.to_hex();
        self.dir
            .join(BLOCKS_DIR)
            .join(&hex[..2])
            .join(format!("{hex}.{BLOCK_EXT}"))
    }

    fn lock(&self) -> MutexGuard<'_, Index> {
        // The index is plain data updated in short critical sections that cannot leave it half-changed;
        // a panic elsewhere while holding the lock does not make it wrong.
        self.index.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The blocks in an L2 directory, counted without opening it (`mudrock cache stats` beside a running
/// server: no index rebuild, no clean-up).
pub fn disk_usage(dir: &Path) -> Result<BlockUsage> {
    let mut usage = BlockUsage::default();
    for (_, len) in block_files(dir)? {
        usage.blocks += 1;
        usage.bytes += len.saturating_sub(HEADER_LEN as u64);
    }
    Ok(usage)
}

/// Deletes every block file (and temporary file) of an L2 directory. A server using it meanwhile finds
/// its blocks missing and re-reads them.
pub fn clear_dir(dir: &Path) -> Result<BlockUsage> {
    let mut cleared = BlockUsage::default();
    for (path, len) in block_files(dir)? {
        match fs::remove_file(&path) {
            Ok(()) => {
                cleared.blocks += 1;
                cleared.bytes += len.saturating_sub(HEADER_LEN as u64);
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(dir_error(e, &path)),
        }
    }
    clear_tmp(dir);
    Ok(cleared)
}

/// Every file under `{dir}/blocks/` with its size (none if the directory does not exist).
fn block_files(dir: &Path) -> Result<Vec<(PathBuf, u64)>> {
    let root = dir.join(BLOCKS_DIR);
    let mut out = Vec::new();
    let shards = match fs::read_dir(&root) {
        Ok(shards) => shards,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(dir_error(e, &root)),
    };
    for shard in shards.flatten() {
        let Ok(files) = fs::read_dir(shard.path()) else {
            // A file where a shard folder belongs: listed so that opening the cache deletes it.
            if let Ok(meta) = shard.metadata()
                && meta.is_file()
            {
                out.push((shard.path(), meta.len()));
            }
            continue;
        };
        for file in files.flatten() {
            if let Ok(meta) = file.metadata()
                && meta.is_file()
            {
                out.push((file.path(), meta.len()));
            }
        }
    }
    Ok(out)
}

fn clear_tmp(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir.join(TMP_DIR)) {
        for entry in entries.flatten() {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn checksum(id: &CacheKey, payload: &[u8]) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    h.update(id.as_bytes());
    h.update(payload);
    h.finalize()
}

fn dir_error(e: io::Error, path: &Path) -> Error {
    let kind = match e.kind() {
        io::ErrorKind::PermissionDenied => ErrorKind::PermissionDenied,
        _ => ErrorKind::Unexpected,
    };
    Error::new(
        kind,
        format!(
            "cannot use the L2 cache directory {}: choose another with MUDROCK_L2_DIR, or set MUDROCK_L2_MAX_BYTES=0 to turn L2 off",
            path.display()
        ),
    )
    .with_source(e)
}

/// Block name → (payload length, recency tick), and the recency order.
#[derive(Debug, Default)]
struct Index {
    entries: HashMap<CacheKey, (u64, u64)>,
    by_recency: BTreeMap<u64, CacheKey>,
    next_tick: u64,
    bytes: u64,
}

impl Index {
    /// Marks a block most recently used; `false` if it is not indexed.
    fn touch(&mut self, id: &CacheKey) -> bool {
        let tick = self.next_tick;
        match self.entries.get_mut(id) {
            Some((_, old)) => {
                self.by_recency.remove(old);
                *old = tick;
                self.by_recency.insert(tick, *id);
                self.next_tick += 1;
                true
            }
            None => false,
        }
    }

    fn insert(&mut self, id: CacheKey, len: u64) {
        self.remove(&id);
        let tick = self.next_tick;
        self.next_tick += 1;
        self.entries.insert(id, (len, tick));
        self.by_recency.insert(tick, id);
        self.bytes += len;
    }

    fn remove(&mut self, id: &CacheKey) -> Option<u64> {
        let (len, tick) = self.entries.remove(id)?;
        self.by_recency.remove(&tick);
        self.bytes -= len;
        Some(len)
    }

    /// Removes least recently used blocks until at most `max_bytes` remain; returns their names.
    fn evict_to(&mut self, max_bytes: u64) -> Vec<CacheKey> {
        let mut victims = Vec::new();
        while self.bytes > max_bytes {
            let Some((_, id)) = self.by_recency.pop_first() else {
                break;
            };
            if let Some((len, _)) = self.entries.remove(&id) {
                self.bytes -= len;
            }
            victims.push(id);
        }
        victims
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> CacheKey {
        CacheKey::from_bytes([n; 32])
    }

    #[test]
    fn index_evicts_least_recently_used_first() {
        let mut index = Index::default();
        index.insert(key(1), 10);
        index.insert(key(2), 10);
        index.insert(key(3), 10);
        assert!(index.touch(&key(1)));
        assert_eq!(index.evict_to(20), vec![key(2)]);
        assert_eq!(index.evict_to(0), vec![key(3), key(1)]);
        assert_eq!(index.bytes, 0);
        assert!(!index.touch(&key(1)));
    }

    #[test]
    fn reinserting_a_block_counts_its_bytes_once() {
        let mut index = Index::default();
        index.insert(key(1), 10);
        index.insert(key(1), 12);
        assert_eq!(index.bytes, 12);
        assert_eq!(index.entries.len(), 1);
        assert_eq!(index.by_recency.len(), 1);
    }
}
