#!/usr/bin/env bash
# The edge worker: `scripts/worker.sh build` packs edge/worker for wrangler with worker-build (skipped when
# the build is newer than every source it comes from); `scripts/worker.sh dev [wrangler dev args…]` serves it
# with `wrangler dev --local` on 127.0.0.1. Tools come from scripts/setup.sh: worker-build and
# wasm-bindgen-cli (cargo install), wrangler, esbuild and binaryen's wasm-opt (npm, ./node_modules).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
source scripts/env.sh

export WASM_BINDGEN_BIN="$HOME/.cargo/bin/wasm-bindgen"
export ESBUILD_BIN="$root/node_modules/.bin/esbuild"
export WASM_OPT_BIN="$root/node_modules/.bin/wasm-opt"
# wrangler: no telemetry, no banner, no request to Cloudflare for `request.cf` (offline machines).
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false WRANGLER_HIDE_BANNER=true

out=edge/worker/build/index_bg.wasm

up_to_date() {
  [ -f "$out" ] || return 1
  [ -z "$(find core/src shared/src edge/common/src edge/common/Cargo.toml edge/worker/src edge/worker/Cargo.toml \
    core/Cargo.toml shared/Cargo.toml Cargo.toml Cargo.lock -newer "$out" -print -quit)" ]
}

case "${1:-build}" in
  build)
    if up_to_date; then
      echo "worker: $out is up to date"
      exit 0
    fi
    # worker-build runs cargo for wasm32 (the toolchain scripts/env.sh chose) in the workspace's target dir.
    PATH="$(dirname "$WASM_CARGO"):$HOME/.cargo/bin:$PATH" RUSTC="$WASM_RUSTC" CARGO_TARGET_DIR="$WASM_TARGET_DIR" \
      worker-build --release edge/worker
    ;;
  dev)
    shift
    "$0" build
    exec node_modules/.bin/wrangler dev --local --ip 127.0.0.1 "$@"
    ;;
  *)
    echo "usage: scripts/worker.sh build | dev [wrangler dev args…]" >&2
    exit 2
    ;;
esac
