//! glibc's heap, where the C libraries inside the engine allocate (zstd above all: parquet-rs makes a zstd
//! compressor and decompressor context for every column chunk it opens, and frees them when the chunk is
//! read): keep what they free for the next query instead of handing it back to the kernel.
//!
//! glibc returns the top of its heap to the kernel whenever more than `M_TRIM_THRESHOLD` is free there
//! (128 KiB by default). A query frees its codec contexts as it ends, so every query faulted the same pages
//! in again, each zeroed by the kernel: ~220 page faults and ~20% of the CPU time of a one-well depth window
//! over zstd Parquet (benches/RESULTS.md). With a 32 MiB threshold those pages stay mapped; the memory kept
//! is what the C code used at its peak, and never more than the threshold above what is in use.
//!
//! Setting the trim threshold also freezes glibc's mmap threshold at its 128 KiB default (glibc stops
//! raising it as large blocks are freed), and a zstd compression context's workspace is larger than
//! that: every column chunk an ingest encoded was then an `mmap` of fresh pages and a `munmap` (3,124
//! of each for the 110 MB file), the kernel zeroing every page — half a second of system time, a third of
//! the ingest's wall time. Blocks up to [`MMAP_THRESHOLD_BYTES`] therefore come from the heap too (and
//! stay there for the next chunk, within the trim threshold).
//!
//! Transparent huge pages are the other setting here, for `mudrock ingest` only ([`no_huge_pages`]): a
//! batch command touches most of its memory once, and the kernel zeroes a whole 2 MiB page for the first
//! byte of each. On a VM that hands freed memory back to its host (this bench machine's balloon reports
//! free pages), each fresh page also costs a host fault, so the zeroing dominates: with huge pages off the
//! 110 MB file went from 1.70 to 1.15 s started cold (medians of 4; the 40-file directory did not move
//! beyond the noise, benches/RESULTS.md). The server keeps them: its memory is reused, query after query.
//!
//! This file holds the workspace's `unsafe` blocks (calls into glibc); `unsafe_code` is denied
//! everywhere else.

/// Free memory glibc may keep at the top of its heap (and of each thread arena) before trimming.
pub const TRIM_THRESHOLD_BYTES: usize = 32 << 20;

/// Blocks below this size come from glibc's heap rather than their own `mmap` (glibc's largest
/// dynamic mmap threshold on 64-bit systems).
pub const MMAP_THRESHOLD_BYTES: usize = 32 << 20;

/// Sets glibc's trim threshold to [`TRIM_THRESHOLD_BYTES`] and its mmap threshold to
/// [`MMAP_THRESHOLD_BYTES`], each unless the environment already set it (`MALLOC_TRIM_THRESHOLD_`,
/// `MALLOC_MMAP_THRESHOLD_` or `GLIBC_TUNABLES=glibc.malloc.…` win). Call it first thing in `main`, before
/// other threads exist. Does nothing off glibc (musl, macOS, wasm32).
pub fn keep_freed_memory() {
    let tunables = std::env::var("GLIBC_TUNABLES").unwrap_or_default();
    if std::env::var_os("MALLOC_TRIM_THRESHOLD_").is_none() && !tunables.contains("trim_threshold") {
        set(Parameter::TrimThreshold, TRIM_THRESHOLD_BYTES);
    }
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() && !tunables.contains("mmap_threshold") {
        set(Parameter::MmapThreshold, MMAP_THRESHOLD_BYTES);
    }
}

/// Stops the kernel from backing this process's memory with transparent huge pages from now on (memory
/// already faulted in keeps its pages). For short batch commands; see the module doc. Does nothing off
/// Linux with glibc.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn no_huge_pages() {
    // SAFETY: `prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0)` sets a flag of this process's memory map that the
    // kernel reads on later page faults; it touches no memory of ours. A refusal (old kernel) leaves huge
    // pages on, which is only slower.
    let _accepted = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn no_huge_pages() {}

enum Parameter {
    TrimThreshold,
    MmapThreshold,
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn set(parameter: Parameter, bytes: usize) {
    let param = match parameter {
        Parameter::TrimThreshold => libc::M_TRIM_THRESHOLD,
        Parameter::MmapThreshold => libc::M_MMAP_THRESHOLD,
    };
    let value = libc::c_int::try_from(bytes).unwrap_or(libc::c_int::MAX);
    // SAFETY: `mallopt` sets one of glibc's allocator parameters; M_TRIM_THRESHOLD takes any non-negative
    // byte count, M_MMAP_THRESHOLD one up to 32 MiB on 64-bit systems. It touches no memory of ours and is
    // called before the program starts other threads. A refusal (return 0) leaves glibc's default, which
    // is only slower.
    let _accepted = unsafe { libc::mallopt(param, value) };
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn set(_parameter: Parameter, _bytes: usize) {}
