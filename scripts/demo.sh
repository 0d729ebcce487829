#!/usr/bin/env bash
# README command (1): the demo project, served with the well viewer on http://127.0.0.1:8080.
#
#   scripts/demo.sh [demo options…]      e.g. --addr 127.0.0.1:9000, --no-serve, --data-dir DIR
#
# 1. Builds the browser viewer (scripts/web.sh → target/web-dist) when it is missing or older than its
#    sources (web/, core/, shared/, Cargo.lock); the wasm tools come from scripts/setup.sh, run first if
#    they are missing (it is idempotent).
# 2. `cargo run --release -p mudrock-cli --bin mudrock -- demo`: generates and ingests the 6 demo wells
#    (with their formation tops), prints the catalog, then serves the API and the viewer and prints the
#    viewer's URL with the session token (`http://127.0.0.1:8080/#token=…`): open it in a browser.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dist="${CARGO_TARGET_DIR:-$root/target}/web-dist"
wasm="$dist/app/mudrock_web_bg.wasm"
stale=1
if [ -f "$wasm" ] && [ -f "$dist/index.html" ]; then
  newer=$(find web core/src shared/src Cargo.lock Cargo.toml -newer "$wasm" -type f -print -quit 2>/dev/null || true)
  [ -z "$newer" ] && stale=0
fi
if [ "$stale" = 1 ]; then
  if ! PATH="$HOME/.cargo/bin:$PATH" command -v wasm-bindgen >/dev/null 2>&1; then
    echo "demo: the viewer's build tools are missing: running scripts/setup.sh" >&2
    scripts/setup.sh
  fi
  echo "demo: building the well viewer (scripts/web.sh)" >&2
  scripts/web.sh
fi
exec cargo run --release -p mudrock-cli --bin mudrock -- demo "$@"
