#!/usr/bin/env bash
# The cached HTTP API under load (issue #3): `mudrock serve` on 127.0.0.1, one-well depth windows of the
# demo wells — uncached latency, a fixed request rate with oha (latency at a fixed rate, not saturation),
# the hit ratio of a Zipf(1.1) trace with L1 sized for 20% of the keys, and the server's RSS against its
# cache budget. Bounded: every phase ends on its own (the fixed-rate phase after --duration seconds).
#
#   benches/api_load.sh [--duration 60] [--rate 20000] [--connections 32] [--trace 20000] [--pin auto|off]
#
# In the fixed-rate phase the server runs on CPU 0 and oha on CPU 1 (taskset; `--pin off` lets both float),
# and the phase runs twice: the `mudrock` binary (mimalloc) and the same build on the system allocator.
#
# Needs oha (`cargo install oha --locked`) and python3. Run it on a quiet machine (uptime load < 1): the
# load generator and the server share the cores. Results: stdout and target/bench-data/api_load.json; the
# table in benches/RESULTS.md is written from them by hand, with the machine and the date.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# oha is the load generator (wrk has no fixed-rate mode); a bench-only tool, so installed here on first use
# (~8 min from crates.io) rather than by scripts/setup.sh for every test run.
if ! command -v oha >/dev/null 2>&1; then
  echo "api_load: installing oha (first run only, ~8 min)" >&2
  cargo install -q --locked oha
fi
load=$(cut -d' ' -f1 /proc/loadavg)
if awk "BEGIN { exit !($load >= 1.0) }"; then
  echo "api_load: warning: load average is $load; results on a busy machine are not comparable" >&2
fi
target_dir=${CARGO_TARGET_DIR:-$root/target}
mkdir -p "$target_dir/bench-data"
# The same binary on the system allocator (edge/cli/src/main.rs: `--cfg mudrock_system_alloc`), whose fixed-rate
# phase runs right after the mimalloc one; then the plain build, so target/dist/mudrock stays the default.
# Profile `dist` (Cargo.toml): what MudRock ships.
cargo rustc --profile dist -q -p mudrock-cli --bin mudrock -- --cfg mudrock_system_alloc
cp "$target_dir/dist/mudrock" "$target_dir/bench-data/mudrock_system_alloc"
cargo build --profile dist -q -p mudrock-cli --bin mudrock
exec python3 benches/api_load.py --bin "$target_dir/dist/mudrock" \
  --compare-bin "$target_dir/bench-data/mudrock_system_alloc" "$@"
