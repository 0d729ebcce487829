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
//! This file holds the workspace's one `unsafe` block (a call into glibc); `unsafe_code` is denied
//! everywhere else.

/// Free memory glibc may keep at the top of its heap (and of each thread arena) before trimming.
pub const TRIM_THRESHOLD_BYTES: usize = 32 << 20;

/// Sets glibc's trim threshold to [`TRIM_THRESHOLD_BYTES`], unless the environment already set one
/// (`MALLOC_TRIM_THRESHOLD_` or `GLIBC_TUNABLES=glibc.malloc.trim_threshold=…` win). Call it first thing in
/// `main`, before other threads exist. Does nothing off glibc (musl, macOS, wasm32).
pub fn keep_freed_memory() {
    let set_by_environment = std::env::var_os("MALLOC_TRIM_THRESHOLD_").is_some()
        || std::env::var("GLIBC_TUNABLES").is_ok_and(|t| t.contains("trim_threshold"));
    if !set_by_environment {
        set_trim_threshold(TRIM_THRESHOLD_BYTES);
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn set_trim_threshold(bytes: usize) {
    let value = libc::c_int::try_from(bytes).unwrap_or(libc::c_int::MAX);
    // SAFETY: `mallopt` sets one of glibc's allocator parameters; M_TRIM_THRESHOLD takes any non-negative
    // byte count. It touches no memory of ours and is called before the program starts other threads. A
    // refusal (return 0) leaves glibc's default, which is only slower.
    let _accepted = unsafe { libc::mallopt(libc::M_TRIM_THRESHOLD, value) };
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn set_trim_threshold(_bytes: usize) {}
