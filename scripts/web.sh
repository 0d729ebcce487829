#!/usr/bin/env bash
# Builds the browser well viewer (web/, Leptos client-side, wasm32) into static files that `mudrock serve`
# serves at `/`. Offline: only the tools scripts/setup.sh installs (the wasm32 toolchain, wasm-bindgen-cli
# at the Cargo.lock version, npm binaryen's wasm-opt in ./node_modules/.bin).
#
#   scripts/web.sh            build into target/web-dist (or $MUDROCK_WEB_OUT)
#
# Layout of the output: index.html and sw.js (the service worker, scope /) at the top, the rest under app/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=env.sh
source scripts/env.sh
out="${MUDROCK_WEB_OUT:-${CARGO_TARGET_DIR:-$root/target}/web-dist}"
wasm_cargo build -q --target wasm32-unknown-unknown -p mudrock-web --profile wasm-release
wasm="$WASM_TARGET_DIR/wasm32-unknown-unknown/wasm-release/mudrock_web.wasm"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
mkdir -p "$tmp/app"
PATH="$HOME/.cargo/bin:$PATH" wasm-bindgen --target web --no-typescript --out-dir "$tmp/app" "$wasm"
wasm_opt="$root/node_modules/.bin/wasm-opt"
if [ -x "$wasm_opt" ]; then
  "$wasm_opt" -Oz --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$tmp/app/mudrock_web_bg.wasm" "$tmp/app/mudrock_web_bg.wasm"
else
  echo "web.sh: $wasm_opt missing (run scripts/setup.sh); the wasm stays unoptimised" >&2
fi
cp web/static/index.html web/static/sw.js "$tmp/"
cp web/static/style.css "$tmp/app/"
rm -rf "$out.new"
mv "$tmp" "$out.new"
trap - EXIT
rm -rf "$out"
mv "$out.new" "$out"
size=$(stat -c %s "$out/app/mudrock_web_bg.wasm")
gz=$(gzip -9 -c "$out/app/mudrock_web_bg.wasm" | wc -c)
echo "web: $out (wasm $((size / 1024)) KiB, $((gz / 1024)) KiB gzipped)" >&2
