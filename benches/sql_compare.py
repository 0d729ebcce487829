#!/usr/bin/env python3
"""SQL on well-log Parquet, side by side in one run: MudRock's engine (DataFusion 53 with the engine's
settings, benches/src/bin/sql_bench.rs) vs DuckDB, on the same 5M-row file, the same four queries as
../shared/bench/time_duckdb.py, at 1 and 2 threads; results checked equal (row counts exact, floats within
1e-6 relative, as ../shared/bench/check_results.py does).

MudRock's side runs the engine's own SQL path (`SqlSession`: parse, read-only check, plan cache, plan,
stream — what `QueryEngine::sql` runs for the CLI and the API) over the file registered as a table. Modes:
"warm" = the same session (Parquet metadata cached on both sides, and MudRock keeps the plan of a repeated
SQL text); "replan" = MudRock's same session with its plan cache off (every run parses and plans, as DuckDB
does; compared with DuckDB's warm runs); "cold" = a new connection/session per run.

Allocators: the bench binary is built twice, on mimalloc (what the `mudrock` binary uses) and on the system
allocator (`--cfg mudrock_system_alloc`), and both run in the same run (`--allocators`).

CPU time is the process's CPU clock (CLOCK_PROCESS_CPUTIME_ID: user + system of every thread, the figure
getrusage reports, at nanosecond resolution) around each query, read the same way in both processes; the
median of --reps runs after one untimed run. DuckDB results are fetched as Arrow (its cheapest result
path), DataFusion's collected as record batches, so neither pays for Python objects. "warm" = same
connection/session (Parquet metadata cached on both sides: DuckDB's
parquet_metadata_cache on, DataFusion's footer cache; as in a server); "cold" = a new connection/session per run.

    python3 benches/sql_compare.py [--reps 7] [--threads 1,2] [--allocators mimalloc,system] [--markdown]

Needs pyarrow and duckdb (pip). The file is generated once under target/bench-data/ by
../shared/bench/gen_welllogs.py (200 wells x 25,000 samples = 5,000,000 rows).
"""
import argparse
import json
import math
import os
import pathlib
import platform
import shutil
import statistics
import subprocess
import sys
import time

root = pathlib.Path(__file__).resolve().parent.parent
shared = pathlib.Path(os.environ.get("MUDROCK_SHARED", root.parent / "shared"))
target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", root / "target"))
data = target / "bench-data"

sys.path.insert(0, str(shared / "bench"))
import time_duckdb  # noqa: E402  (the reference queries)

import duckdb  # noqa: E402


def cpu_s() -> float:
    return time.clock_gettime(time.CLOCK_PROCESS_CPUTIME_ID)


def close(a, b, rel=1e-6) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, (int, float)) or isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=1e-9)
    return a == b


def same_rows(duck, fusion):
    """(equal, why): row by row, column by column."""
    if len(duck) != len(fusion):
        return False, f"{len(duck)} rows vs {len(fusion)}"
    for i, (d, f) in enumerate(zip(duck, fusion)):
        if len(d) != len(f):
            return False, f"row {i}: {len(d)} columns vs {len(f)}"
        for j, (x, y) in enumerate(zip(d, f)):
            if not close(x, y):
                return False, f"row {i} column {j}: duckdb={x!r} datafusion={y!r}"
    return True, ""


def run_duckdb(path, sql, threads, reps, cold):
    def connect():
        c = duckdb.connect()
        c.execute(f"SET threads = {threads}")
        # Warm runs keep Parquet metadata between queries on both sides (DataFusion caches footers).
        c.execute(f"SET parquet_metadata_cache = {'false' if cold else 'true'}")
        return c

    con = connect()
    rows = con.execute(sql).fetchall()  # untimed; the result that is checked
    walls, cpus = [], []
    for _ in range(reps):
        c0, t0 = cpu_s(), time.perf_counter()
        if cold:
            con.close()
            con = connect()
        con.sql(sql).to_arrow_table()
        walls.append((time.perf_counter() - t0) * 1000)
        cpus.append((cpu_s() - c0) * 1000)
    con.close()
    return rows, walls, cpus


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--well", default="P01-W0057")
    ap.add_argument("--markdown", action="store_true", help="print the RESULTS.md table")
    ap.add_argument("--pushdown", choices=["true", "false"], help="override the engine's filter pushdown")
    ap.add_argument("--allocators", default="mimalloc,system",
                    help="bench builds to run: mimalloc (the mudrock binary's) and/or system")
    a = ap.parse_args()

    load_at_start = os.getloadavg()[0]
    data.mkdir(parents=True, exist_ok=True)
    path = data / "welllogs.parquet"
    if not path.exists():
        print(f"generating {path}", file=sys.stderr)
        subprocess.run([sys.executable, str(shared / "bench" / "gen_welllogs.py"), "--out", str(path)],
                       check=True)
    path = str(path.resolve())

    con = duckdb.connect()
    top = con.execute(f"SELECT min(depth) FROM read_parquet('{path}') WHERE well_id = ?",
                      [a.well]).fetchone()[0]
    con.close()
    lo, hi = round(top + 1000.0, 3), round(top + 1500.0, 3)
    duck_queries = time_duckdb.queries(path, a.well, lo, hi)

    allocators = a.allocators.split(",")
    binaries = {}
    # The system-allocator build first: the plain build last leaves target/dist/sql_bench on mimalloc. The
    # `dist` profile (Cargo.toml) is what MudRock ships: whole-program LTO.
    for alloc in sorted(allocators, key=lambda x: x != "system"):
        print(f"building sql_bench on {alloc} (profile dist)", file=sys.stderr)
        build = ["cargo", "build", "--profile", "dist", "-q", "-p", "mudrock-benches", "--bin", "sql_bench"]
        if alloc == "system":
            build = ["cargo", "rustc", "--profile", "dist", "-q", "-p", "mudrock-benches", "--bin", "sql_bench",
                     "--", "--cfg", "mudrock_system_alloc"]
        subprocess.run(build, check=True, cwd=root)
        binaries[alloc] = data / f"sql_bench_{alloc}"
        shutil.copy2(target / "dist" / "sql_bench", binaries[alloc])

    fusion, by_key = {}, {}
    for alloc in allocators:
        out = data / f"sql_bench_{alloc}.json"
        cmd = [str(binaries[alloc]), "--file", path, "--well", a.well, "--lo", str(lo),
               "--hi", str(hi), "--threads", a.threads, "--reps", str(a.reps), "--out", str(out)]
        if a.pushdown:
            cmd += ["--pushdown", a.pushdown]
        subprocess.run(cmd, check=True)
        fusion[alloc] = json.loads(out.read_text())
        if fusion[alloc]["allocator"] != alloc:
            raise SystemExit(f"sql_bench_{alloc} reports allocator {fusion[alloc]['allocator']}")
        for r in fusion[alloc]["results"]:
            by_key[(alloc, r["query"], r["threads"], r["mode"])] = r

    table = []
    failures = 0
    for threads in [int(t) for t in a.threads.split(",")]:
        for name, sql in duck_queries.items():
            duck = {}
            for duck_mode in ("warm", "cold"):
                duck[duck_mode] = run_duckdb(path, sql, threads, a.reps, duck_mode == "cold")
            for mode in ("warm", "replan", "cold"):
                rows, walls, cpus = duck["cold" if mode == "cold" else "warm"]
                d_cpu = statistics.median(cpus)
                row = {"query": name, "threads": threads, "mode": mode, "rows": len(rows), "duckdb_cpu_ms": d_cpu,
                       "duckdb_wall_ms": statistics.median(walls), "equal": True, "why": ""}
                for alloc in allocators:
                    f = by_key[(alloc, name, threads, mode)]
                    if mode == "cold":
                        equal, why = len(rows) == f["rows"], "row count"
                    else:
                        equal, why = same_rows(rows, f["result"])
                    if not equal:
                        row["equal"], row["why"] = False, f"{alloc}: {why}"
                    row[f"{alloc}_cpu_ms"] = f["cpu_median_ms"]
                    row[f"{alloc}_wall_ms"] = f["wall_median_ms"]
                    row[f"{alloc}_cpu_ratio"] = f["cpu_median_ms"] / d_cpu if d_cpu > 0 else float("nan")
                failures += not row["equal"]
                table.append(row)
                ratios = "  ".join(f"{al}={row[al + '_cpu_ms']:8.2f} ms ({row[al + '_cpu_ratio']:4.2f}x)"
                                   for al in allocators)
                print(f"{name:20s} t={threads} {mode:6s} rows={len(rows):6d} cpu duckdb={d_cpu:8.2f} {ratios}  "
                      f"{'equal' if row['equal'] else 'DIFFERENT: ' + row['why']}", file=sys.stderr)

    first = fusion[allocators[0]]
    (data / "sql_compare.json").write_text(json.dumps({
        "duckdb": duckdb.__version__, "datafusion": first["datafusion"], "config": first["config"],
        "allocators": allocators, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_average_at_start": load_at_start,
        "machine": platform.machine(), "cpus": os.cpu_count(), "file": path,
        "file_bytes": os.path.getsize(path), "well": a.well, "window": [lo, hi], "reps": a.reps,
        "rows": table}, indent=2))

    if a.markdown:
        print(f"Machine: {platform.node() or 'vm'} {platform.machine()}, {os.cpu_count()} cores, "
              f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {load_at_start:.2f} at the "
              f"start; DuckDB {duckdb.__version__}, DataFusion {first['datafusion']}; file "
              f"{os.path.getsize(path) / 1e6:.1f} MB, well {a.well}, depth [{lo}, {hi}]; median of {a.reps}\n")
        heads = " | ".join(f"MudRock CPU ms ({al}) | ratio ({al})" for al in allocators)
        print(f"| query | threads | mode | rows | DuckDB CPU ms | {heads} | equal |")
        print("|---|---:|---|---:|---:|" + "---:|---:|" * len(allocators) + "---|")
        for r in table:
            cells = " | ".join(f"{r[al + '_cpu_ms']:.2f} | **{r[al + '_cpu_ratio']:.2f}**" for al in allocators)
            print(f"| {r['query']} | {r['threads']} | {r['mode']} | {r['rows']} | {r['duckdb_cpu_ms']:.2f} | {cells} "
                  f"| {'yes' if r['equal'] else 'NO'} |")
    if failures:
        print(f"{failures} results differ", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
