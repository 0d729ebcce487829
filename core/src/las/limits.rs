//! How much one file may make the reader hold. A LAS file is small text, but its header is kept whole
//! and every curve costs memory here and far more downstream (an Arrow column, a Parquet column chunk,
//! catalog rows): a 389 KB file with 20,000 curve lines once cost 2.1 GB to ingest. The limits are
//! checked while reading, before the memory they guard is taken, and each refusal names the line and
//! the limit to raise.

use super::types::{LasError, LasErrorKind};

/// Bounds on what one file may make the reader hold. The defaults leave wide headroom over real files
/// (the widest of the shared data set has 57 curves, its longest line is 1.3 KB and its largest header
/// 52 KB); pass larger ones to [`read_with_limits`](super::read_with_limits) for unusual files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Curves in the whole file, all data sets together: curve definition lines (a LAS 3.0 array
    /// counts one per element), curves named by a data section's title line, curves added for extra
    /// values on a first data row, and again the curves of a definition that serves a second data set.
    pub max_curves: usize,
    /// Bytes in one line, header or data (the terminator not counted). It also bounds the line buffer
    /// and the values split from one line.
    pub max_line_bytes: usize,
    /// Items (or free text lines) in one header section.
    pub max_section_items: usize,
    /// Bytes of all header lines together: section titles, items, text and comments outside data
    /// sections. The header is kept whole in memory, unlike the data, which becomes columns.
    pub max_header_bytes: usize,
}

impl ReadLimits {
    pub const DEFAULT: ReadLimits = ReadLimits {
        max_curves: 1_000,
        max_line_bytes: 256 * 1024,
        max_section_items: 10_000,
        max_header_bytes: 1024 * 1024,
    };
}

impl Default for ReadLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The error for a file past a limit: what was too much (`what`, e.g. `1001 curves in the file`),
/// where, and which field of [`ReadLimits`] to raise (named in the message).
pub(crate) fn exceeded(line: usize, what: &str, limit: usize, field: &str) -> LasError {
    LasError {
        kind: LasErrorKind::Limit,
        line,
        column: None,
        // The field's name is what a caller's setting is named after (the server's `MUDROCK_MAX_CURVES` …).
        message: format!("{what}: more than the reader accepts ({field} = {limit})"),
    }
}
