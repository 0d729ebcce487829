#!/usr/bin/env bash
# The whole test suite, from a fresh machine: set-up (idempotent), formatting, lints, native tests of every
# crate, then the wasm32 builds and their tests under Node. README.md's second command; .ci/run calls it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

step "set-up"
scripts/setup.sh
export MUDROCK_SHARED="${MUDROCK_SHARED:-$root/../shared}"
[ -d "$MUDROCK_SHARED/data/las" ] || { echo "missing $MUDROCK_SHARED/data/las (../shared beside the checkout)" >&2; exit 1; }

step "cargo fmt --check"
cargo fmt --all --check
step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings
step "native tests"
cargo test --workspace
step "wasm32 build and tests (Node)"
scripts/wasm.sh
step "all tests passed"
