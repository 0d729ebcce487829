#!/usr/bin/env bash
# The crate graph against the layering README.md's architecture section allows: each MudRock crate
# depends only on the MudRock crates listed for it, and the crates that run in the browser or at the edge
# (web, the worker and what it shares with the server) have none of the heavy backend crates in their
# dependency trees. Reads `cargo metadata` and `cargo tree`; run by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

fail=0
# crate → the MudRock crates it may depend on (normal dependencies).
declare -A allowed=(
  [mudrock-core]=""
  [mudrock-shared]=""
  [mudrock-common]="mudrock-core mudrock-shared"
  [mudrock-web]="mudrock-core mudrock-shared"
  [mudrock-edge-worker]="mudrock-common mudrock-core mudrock-shared"
  [mudrock-store]="mudrock-common mudrock-core mudrock-shared"
  [mudrock-engine]="mudrock-store mudrock-common mudrock-core mudrock-shared"
  [mudrock-server]="mudrock-engine mudrock-store mudrock-common mudrock-core mudrock-shared"
  [mudrock-cli]="mudrock-server mudrock-engine mudrock-store mudrock-common mudrock-core mudrock-shared"
)
meta=$(cargo metadata --format-version 1 --no-deps)
for crate in "${!allowed[@]}"; do
  deps=$(printf '%s' "$meta" | python3 -c '
import json, sys
crate = sys.argv[1]
meta = json.load(sys.stdin)
pkg = next(p for p in meta["packages"] if p["name"] == crate)
print(" ".join(sorted({d["name"] for d in pkg["dependencies"] if d["name"].startswith("mudrock-") and d["kind"] is None})))
' "$crate")
  for dep in $deps; do
    if [[ " ${allowed[$crate]} " != *" $dep "* ]]; then
      echo "layering: $crate depends on $dep, which README.md's architecture section does not allow" >&2
      fail=1
    fi
  done
done

# Heavy backend crates that must stay out of what runs in the browser and at the edge (on wasm32, the
# target those crates are built for there). tokio is not among them: workers-rs uses its sync parts.
heavy='^(datafusion|iceberg|sqlx|opendal|object_store|moka|mimalloc|axum|reqwest)( |$)'
for crate in mudrock-common mudrock-edge-worker mudrock-web; do
  found=$(cargo tree -p "$crate" -e normal --target wasm32-unknown-unknown --prefix none --format '{p}' 2>/dev/null \
    | awk '{print $1}' | sort -u | grep -E "$heavy" || true)
  if [ -n "$found" ]; then
    echo "layering: $crate's wasm32 dependency tree holds $(echo "$found" | tr '\n' ' ')" >&2
    fail=1
  fi
done

# The backend's layers: the store knows no SQL engine and no HTTP server, the engine no HTTP server.
declare -A banned=(
  [mudrock-store]='^(datafusion|iceberg-datafusion|axum)( |$)'
  [mudrock-engine]='^(axum)( |$)'
)
for crate in "${!banned[@]}"; do
  found=$(cargo tree -p "$crate" -e normal --prefix none --format '{p}' 2>/dev/null \
    | awk '{print $1}' | sort -u | grep -E "${banned[$crate]}" || true)
  if [ -n "$found" ]; then
    echo "layering: $crate's dependency tree holds $(echo "$found" | tr '\n' ' ')" >&2
    fail=1
  fi
done

[ "$fail" = 0 ] && echo "layering: the crate graph follows README.md's architecture section"
exit "$fail"
