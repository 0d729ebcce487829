//! Helpers for end-to-end tests: finding the real binaries and the shared test data.

use std::path::PathBuf;

/// The `mudrock` binary of the current build profile, found the way `assert_cmd` finds binaries: next
/// to the directory of the running test executable (`target/<profile>/deps/e2e-…` →
/// `target/<profile>/mudrock`).
///
/// Cargo builds a package's binaries only for that package's own integration tests, so this crate
/// cannot build `mudrock` on demand. `cargo test --workspace` (and `cargo test -p mudrock-cli -p
/// mudrock-e2e`) builds it first, because `mudrock-cli`'s integration tests need it; running this
/// crate's tests alone needs a `cargo build -p mudrock-cli` (same profile) before.
pub fn mudrock_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable's path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| {
            if deps.ends_with("deps") {
                deps.parent()
            } else {
                Some(deps)
            }
        })
        .expect("the test executable lives in target/<profile>/deps");
    let bin = profile_dir.join(format!("mudrock{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "{} not found: build it first with `cargo build -p mudrock-cli` (in the same profile), or run \
         `cargo test --workspace`, which builds it for mudrock-cli's own tests",
        bin.display()
    );
    bin
}
