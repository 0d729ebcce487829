#!/usr/bin/env bash
# The whole test suite, from a fresh machine: set-up (idempotent), formatting, lints, native tests of every
# crate, then the wasm32 builds and their tests under Node. README.md's second command; .ci/run calls it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
# Every test runner's output also goes to this log, to print one total at the end.
results=$(mktemp)
trap 'rm -f "$results"' EXIT
counted() { "$@" 2>&1 | tee -a "$results"; }

step "set-up"
scripts/setup.sh
export MUDROCK_SHARED="${MUDROCK_SHARED:-$root/../shared}"
[ -d "$MUDROCK_SHARED/data/las" ] || { echo "missing $MUDROCK_SHARED/data/las (../shared beside the checkout)" >&2; exit 1; }

step "cargo fmt --check"
cargo fmt --all --check
step "crate layering (scripts/check-layers.sh)"
scripts/check-layers.sh
step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings
step "edge worker (wasm32): clippy, worker-build"
(source scripts/env.sh && wasm_cargo clippy -p mudrock-common -p mudrock-edge-worker --lib \
  --target wasm32-unknown-unknown -- -D warnings)
# Built here, before the tests: the end-to-end test serves it with wrangler dev.
scripts/worker.sh build
step "web viewer (wasm32): clippy, build into target/web-dist (served by mudrock serve; the viewer e2e test needs it)"
(source scripts/env.sh && wasm_cargo clippy -p mudrock-web --all-targets --target wasm32-unknown-unknown -- -D warnings)
scripts/web.sh
step "native tests"
counted cargo test --workspace
step "wasm32 build and tests (Node)"
counted scripts/wasm.sh
# One closing line for the whole suite (native + wasm), summed over every `test result:` line.
awk '/test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "mudrock: %d passed, %d failed\n", p, f }' "$results"
