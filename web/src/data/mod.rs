//! The browser's data path for one log, without I/O of its own (so it is tested natively and in wasm):
//!
//! 1. **Footer first.** One suffix request (`bytes=-65536`) brings the footer, the metadata and, for
//!    MudRock's files, the page index that sits just before it; [`open_log`] pushes it into parquet's
//!    sans-IO metadata decoder and fetches only what that still asks for.
//! 2. **Blocks.** The depth column's page index cuts the file into blocks (one data page of rows, 1,024
//!    for MudRock's files) with their depth range; without a page index a block is a row group with the
//!    row group's statistics ([`LogFile::blocks`]).
//! 3. **Plan.** A depth window needs the blocks whose depth range overlaps it ([`LogFile::blocks_for`]);
//!    blocks whose curves are all in the L1 cache are not read again ([`missing`]).
//! 4. **Read.** The missing blocks become a row selection over their row groups and a column projection;
//!    parquet's push decoder then asks for the byte ranges of just those pages, which are coalesced
//!    ([`coalesce`]) and fetched concurrently, decoded, split back into blocks and cached
//!    ([`BlockCache`], core's byte-bounded [`mudrock_core::cache::Lru`] keyed by core's
//!    [`mudrock_core::cache::CacheKey`] over the object's version, so a new ETag never hits an old entry).

mod cache;
mod plan;
mod read;

pub use cache::{BlockCache, BlockValues, block_key};
pub use plan::{Block, CurveInfo, LogFile, coalesce, missing};
pub use read::{Fetched, RangeSource, ReadStats, Window, open_log, read_window};

/// How many bytes the first (suffix) request asks for: MudRock's footers with their page index are
/// a few KB to a few tens of KB.
pub const FOOTER_GUESS: u64 = 64 * 1024;

/// Ranges closer than this are fetched as one request (the server answers one range per request).
pub const COALESCE_GAP: u64 = 16 * 1024;
