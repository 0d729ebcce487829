//! The `mudrock` binary; everything it does is in the `mudrock_cli` library.
//!
//! Its allocator is mimalloc: measured faster than glibc's malloc for the query engine and the cached
//! HTTP API (benches/RESULTS.md). `cargo rustc --profile dist -p mudrock-cli --bin mudrock -- --cfg
//! mudrock_system_alloc` builds the same binary on the system allocator, for that side-by-side.

#[cfg(not(any(target_arch = "wasm32", mudrock_system_alloc)))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    mudrock_cli::c_heap::keep_freed_memory();
    mudrock_cli::main()
}
