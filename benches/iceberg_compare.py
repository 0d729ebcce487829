#!/usr/bin/env python3
"""Iceberg appends and time travel: MudRock vs PyIceberg, side by side in one run.

  python3 benches/iceberg_compare.py [--files 40] [--rows 20000] [--repeats 3]

What is timed (same files, same machine, same run):
- ingest: `mudrock ingest` of N synthetic LAS files (every 5th adds a curve: schema evolution) with the
  Iceberg tables off (`MUDROCK_ICEBERG_CATALOG=off`: Parquet layout only) and on (SQL catalog on SQLite,
  one well_logs commit per file plus the curves and wells commits). The difference is what the tables cost.
- PyIceberg 0.12 (SqlCatalog on SQLite) appending the same samples (read from the Parquet logs MudRock
  wrote, well_id/log_id added), one `append` per file, the schema widened by `union_by_name` first: the
  same work as MudRock's well_logs commits, without the LAS parsing.
- time travel: `SELECT count(*), avg(GR) FROM well_logs` as of the first snapshot and as of now, through a
  running `mudrock serve` (`POST /v1/projects/p/sql?as_of=…`, in-process, warm) vs PyIceberg
  `scan(snapshot_id=…).to_arrow()` then the same aggregate in pyarrow (in-process, warm). Median of repeats.

Results go to stdout as a Markdown table (benches/RESULTS.md keeps them with the machine and date).
"""
import argparse
import json
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "dist" / "mudrock"


def write_las(path: Path, well: int, rows: int, extra_curves: int) -> None:
    import numpy as np

    rng = np.random.default_rng(well)
    depth = 1000.0 + 0.5 * np.arange(rows)
    curves = {
        "GR": 40 + 60 * rng.random(rows),
        "RHOB": 2.1 + 0.5 * rng.random(rows),
        "NPHI": 0.05 + 0.35 * rng.random(rows),
        "DT": 60 + 60 * rng.random(rows),
        "ILD": np.exp(rng.normal(1.5, 1.0, rows)),
    }
    for k in range(extra_curves):
        curves[f"X{k}"] = rng.random(rows)
    lines = [
        "~VERSION INFORMATION",
        " VERS. 2.0 : CWLS LOG ASCII STANDARD - VERSION 2.0",
        " WRAP. NO :",
        "~WELL INFORMATION",
        f" STRT.M {depth[0]} :",
        f" STOP.M {depth[-1]} :",
        " STEP.M 0.5 :",
        " NULL. -999.25 :",
        f" WELL. Bench {well} :",
        f" UWI. BENCH-{well:05d} :",
        "~CURVE INFORMATION",
        " DEPT.M : DEPTH",
    ]
    lines += [f" {name}.U : {name}" for name in curves]
    lines.append("~A")
    table = np.column_stack([depth] + list(curves.values()))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
        np.savetxt(f, table, fmt="%.4f")


def timed(cmd, env):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed:\n{out.stdout}\n{out.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out.stdout


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=40)
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    if not BIN.exists():
        subprocess.run(["cargo", "build", "--profile", "dist", "-p", "mudrock-cli", "--bin", "mudrock"], cwd=ROOT, check=True)
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    try:
        import pyiceberg  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "pyiceberg[sql-sqlite]==0.12.*"], check=True)
    from pyiceberg.catalog.sql import SqlCatalog

    work = Path(tempfile.mkdtemp(prefix="mudrock-iceberg-bench-"))
    files = work / "las"
    files.mkdir()
    for i in range(args.files):
        write_las(files / f"w{i:03d}.las", i, args.rows, i // 5)
    las_mb = sum(p.stat().st_size for p in files.iterdir()) / 1e6
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("MUDROCK_")}

    rows = []
    ingest = {}
    for label, catalog in [("mudrock ingest, Iceberg off", "off"), ("mudrock ingest + Iceberg (SQLite catalog)", None)]:
        walls, cpus = [], []
        for r in range(args.repeats):
            data = work / f"data-{catalog or 'sqlite'}-{r}"
            env = dict(base_env)
            if catalog:
                env["MUDROCK_ICEBERG_CATALOG"] = catalog
            wall, cpu, _ = timed([BIN, "--data-dir", data, "ingest", "--project", "p", "--json", files], env)
            walls.append(wall)
            cpus.append(cpu)
        ingest[label] = (median(walls), median(cpus))
        rows.append((label, median(walls), median(cpus)))

    # PyIceberg: the same samples, appended one file per commit.
    logs = sorted((work / "data-off-0" / "objects" / "p" / "wells").glob("*/logs/*.parquet"))
    tables = []
    for path in logs:
        t = pq.read_table(path)
        well = path.parent.parent.name
        t = t.append_column("well_id", pa.array([well] * t.num_rows, pa.string()))
        t = t.append_column("log_id", pa.array([path.stem] * t.num_rows, pa.string()))
        tables.append(t.replace_schema_metadata(None))
    walls, cpus = [], []
    for r in range(args.repeats):
        wh = work / f"pyiceberg-{r}"
        wh.mkdir()
        catalog = SqlCatalog("bench", uri=f"sqlite:///{wh}/catalog.db", warehouse=f"file://{wh}")
        catalog.create_namespace("p")
        t0, c0 = time.perf_counter(), time.process_time()
        table = catalog.create_table("p.well_logs", schema=tables[0].schema)
        for t in tables:
            with table.update_schema() as update:
                update.union_by_name(t.schema)
            table.append(t)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    rows.append((f"PyIceberg 0.12: {len(tables)} appends of the same samples (no LAS parsing)", median(walls), median(cpus)))
    py_table = table

    # Time travel, warm, in-process on both sides.
    data = work / "data-sqlite-0"
    port = free_port()
    token = "bench-token-0123456789abcdef"
    env = dict(base_env, MUDROCK_TOKENS=f"{token}=*")
    server = subprocess.Popen([BIN, "--data-dir", data, "serve", "--addr", f"127.0.0.1:{port}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        snaps = json.loads(subprocess.run([BIN, "--data-dir", data, "snapshots", "--project", "p", "--json"],
                                          env=base_env, capture_output=True, text=True, check=True).stdout)
        first = snaps[0]["snapshot_id"]
        sql = "SELECT count(*), avg(GR) FROM well_logs"

        def ask(as_of):
            q = f"?as_of={as_of}" if as_of else ""
            req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/projects/p/sql{q}",
                                         data=json.dumps({"sql": sql}).encode(),
                                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            t0 = time.perf_counter()
            body = urllib.request.urlopen(req, timeout=60).read()
            return time.perf_counter() - t0, json.loads(body)["rows"][0]

        results = {}
        for label, as_of in [("mudrock API, as of the first snapshot", first), ("mudrock API, as of now (Iceberg)", "now"),
                             ("mudrock API, now (Parquet layout, no time travel)", None)]:
            ask(as_of)
            times = []
            for _ in range(max(5, args.repeats)):
                dt, row = ask(as_of)
                times.append(dt)
            results[label] = row
            rows.append((label, median(times), None))
        py_first = py_table.metadata.snapshots[0].snapshot_id if py_table.metadata.snapshots else None
        for label, snap in [("PyIceberg scan().to_arrow() + aggregate, first snapshot", py_first),
                            ("PyIceberg scan().to_arrow() + aggregate, now", None)]:
            times = []
            for _ in range(max(5, args.repeats)):
                t0 = time.perf_counter()
                arrow = py_table.scan(snapshot_id=snap, selected_fields=("GR",)).to_arrow()
                _ = (arrow.num_rows, pc.mean(arrow["GR"]).as_py())
                times.append(time.perf_counter() - t0)
            rows.append((label, median(times), None))
        check = results["mudrock API, as of now (Iceberg)"]
        assert check[0] == args.files * args.rows, check
    finally:
        server.terminate()
        server.wait()

    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}; "
          f"{args.files} LAS files × {args.rows} rows ({las_mb:.0f} MB), repeats {args.repeats} (median)\n")
    print("| what | median wall s | median CPU s |\n|---|---:|---:|")
    for label, wall, cpu in rows:
        print(f"| {label} | {wall:.3f} | {'' if cpu is None else f'{cpu:.2f}'} |")
    off, on = ingest["mudrock ingest, Iceberg off"], ingest["mudrock ingest + Iceberg (SQLite catalog)"]
    print(f"\nIceberg cost per file (wall): {(on[0] - off[0]) / args.files * 1000:.1f} ms")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
