//! A streaming, tolerant LAS reader (1.2, 2.0 incl. WRAP YES, 3.0) and a LAS 2.0 writer.
//!
//! Every real-world breakage the reader meets is either repaired, with a [`Warning`] that names the line,
//! or refused with a [`LasError`] that names the line (and column where it helps). It never panics on
//! input and never returns silently wrong rows. What one file may make it hold is bounded by
//! [`ReadLimits`].
//!
//! Layout: `input` turns bytes into lines (encodings, chunked reading), `header` reads header lines and
//! section titles, `tokens` and `data` turn data lines into columns, `reader` drives the sections (and
//! `split` reads one long data section on several cores),
//! `limits` bounds what one file may cost, and `writer` writes LAS 2.0.

mod data;
mod header;
mod input;
mod limits;
mod reader;
mod split;
mod tokens;
mod types;
mod writer;

pub use limits::ReadLimits;
pub use reader::{read, read_bytes, read_bytes_with_limits, read_with_limits};
pub use types::*;
pub use writer::write_las2;
