#!/usr/bin/env bash
# Builds the crates that run in the browser for wasm32 and runs their wasm-bindgen tests under Node.
#   scripts/wasm.sh          build core + web for wasm32, run their wasm tests
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=env.sh
source scripts/env.sh
echo "wasm32 with $("$WASM_RUSTC" --version) → $WASM_TARGET_DIR" >&2
wasm_cargo build --target wasm32-unknown-unknown -p mudrock-core -p mudrock-web
wasm_cargo test --target wasm32-unknown-unknown -p mudrock-core -p mudrock-web
