//! A streaming, tolerant LAS reader (1.2, 2.0 incl. WRAP YES, 3.0) and a LAS 2.0 writer.
//!
//! Every real-world breakage the reader meets is either repaired, with a [`Warning`] that names the line,
//! or refused with a [`LasError`] that names the line (and column where it helps). It never panics on
//! input and never returns silently wrong rows.

mod types;
pub use types::*;
