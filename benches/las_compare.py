#!/usr/bin/env python3
"""LAS parse and ingest, side by side in one run: MudRock vs las_rs (in-process, Rust) vs lasio (Python).

Every engine runs in its own process pinned to one core (taskset -c 0), on the same files, in one run,
so the ratios hold even on a noisy shared machine. Files: a ~100 MB synthetic LAS 2.0 made by
../shared/bench/gen_synthetic_las.py (cached under target/bench-data) and the largest real files under
../shared/data/las. Prints a Markdown table (for benches/RESULTS.md) and writes the raw JSON lines.

    python3 benches/las_compare.py [--repeats 5] [--out target/bench-data/las_compare.jsonl]
"""
import argparse, json, os, pathlib, platform, subprocess, sys, time

root = pathlib.Path(__file__).resolve().parent.parent
shared = pathlib.Path(os.environ.get("MUDROCK_SHARED", root.parent / "shared"))
target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", root / "target"))
data = target / "bench-data"


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw).stdout


def pinned(cmd):
    return ["taskset", "-c", "0", *cmd] if shutil_which("taskset") else cmd


def shutil_which(name):
    from shutil import which
    return which(name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--out", default=str(data / "las_compare.jsonl"))
    ap.add_argument("--real", type=int, default=3, help="how many of the largest real files")
    args = ap.parse_args()
    data.mkdir(parents=True, exist_ok=True)

    synth = data / "synthetic_100MB.las"
    if not synth.exists():
        print(f"generating {synth}", file=sys.stderr)
        sh([sys.executable, str(shared / "bench" / "gen_synthetic_las.py"), str(synth)])
    real = sorted((p for p in (shared / "data" / "las").rglob("*") if p.suffix.lower() == ".las"),
                  key=lambda p: p.stat().st_size, reverse=True)[: args.real]
    files = [synth, *real]

    print("building las_bench (profile dist)", file=sys.stderr)
    subprocess.run(["cargo", "build", "--profile", "dist", "-q", "-p", "mudrock-benches", "--bin", "las_bench"],
                   check=True, cwd=root)
    las_bench = str(target / "dist" / "las_bench")

    rows = []
    for f in files:
        for engine in ["mudrock", "mudrock-bytes", "mudrock-ingest", "las_rs"]:
            out = sh(pinned([las_bench, engine, str(f), str(args.repeats)]))
            rows.append(json.loads(out))
            print(out.strip(), file=sys.stderr)
        out = sh(pinned([sys.executable, str(shared / "bench" / "bench_lasio.py"), str(f), str(args.repeats)]))
        r = json.loads(out)
        r["engine"] = "lasio"
        if "error" not in r:
            # bench_lasio reports best and median wall and best CPU; keep the same names as las_bench.
            r["median_wall_s"] = r["median_s"]
            r["median_cpu_s"] = r["cpu_best_s"]
            r["peak_rss_MB"] = r["maxrss_MB"] * 1.048576
        rows.append(r)
        print(out.strip(), file=sys.stderr)

    with open(args.out, "w") as fh:
        for r in rows:
            fh.write(json.dumps(r) + "\n")

    print(f"\nMachine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
          f"{time.strftime('%Y-%m-%d')}, repeats {args.repeats}, one core (taskset -c 0)\n")
    print("| file | MB | engine | rows × curves | median wall s | median CPU s | MB/s (wall) | peak RSS MB | RSS / decoded |")
    print("|---|---:|---|---|---:|---:|---:|---:|---:|")
    for r in rows:
        name = pathlib.Path(r["file"]).name
        if "error" in r:
            print(f"| {name} | | {r['engine']} | error: {r['error'][:60]} | | | | | |")
            continue
        mb = r["bytes"] / 1e6
        decoded = r["rows"] * r["curves"] * 8 / 1e6
        ratio = r["peak_rss_MB"] / decoded if decoded else float("nan")
        print(f"| {name} | {mb:.1f} | {r['engine']} | {r['rows']} × {r['curves']} | {r['median_wall_s']:.3f} | "
              f"{r['median_cpu_s']:.3f} | {mb / r['median_wall_s']:.0f} | {r['peak_rss_MB']:.0f} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
