#!/usr/bin/env python3
"""Current-state SQL and time travel, before and after they share one path, in one run (issue #15).

One data dir: 40 generated LAS files (../shared/bench/gen_synthetic_las.py, 25,000 rows, distinct wells)
ingested by the OLD binary (an earlier commit: its time travel reads Iceberg's own copies through
iceberg-datafusion) — so both binaries answer over the very same objects. Each binary then serves it
(`mudrock serve`, warm), and the same two queries are asked current-state and `as_of=now`:
- window: one well, 100 m of depth, three columns (the viewer's query);
- full scan: `count(*), avg(GR)` over every sample.
Median milliseconds of --repeats requests over HTTP (whole request as a client sees it).

  python3 benches/sql_paths.py --old /tmp/mudrock-before [--bin target/release/mudrock] [--repeats 21]
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("MUDROCK_SHARED", ROOT.parent / "shared"))
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
TOKEN = "bench-token-0123456789abcdef"
QUERIES = {
    "window (1 well, 100 m)": "SELECT depth, GR, RHOB FROM well_logs WHERE well_id = 'SYNTH0000000007' "
    "AND depth BETWEEN 1000 AND 1100 ORDER BY depth",
    "full scan (count, avg GR)": "SELECT count(*), avg(GR) FROM well_logs",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(binary, data, env):
    port = free_port()
    proc = subprocess.Popen([binary, "--data-dir", str(data), "serve", "--addr", f"127.0.0.1:{port}"],
                            env=dict(env, MUDROCK_TOKENS=f"{TOKEN}=*"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc, port
        except Exception:
            time.sleep(0.1)
    proc.kill()
    sys.exit(f"{binary} serve did not answer within 30 s")


def ask(port, sql, as_of):
    q = f"?as_of={as_of}" if as_of else ""
    req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/projects/p/sql{q}",
                                 data=json.dumps({"sql": sql}).encode(),
                                 headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    t0 = time.perf_counter()
    body = json.loads(urllib.request.urlopen(req, timeout=120).read())
    return time.perf_counter() - t0, body["rows"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--old", required=True, help="the mudrock binary of an earlier commit")
    ap.add_argument("--bin", default=str(TARGET / "dist/mudrock"))
    ap.add_argument("--repeats", type=int, default=21)
    ap.add_argument("--files", type=int, default=40)
    args = ap.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUDROCK_")}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        las = tmp / "las"
        las.mkdir()
        subprocess.run([sys.executable, str(SHARED / "bench/gen_synthetic_las.py"), str(tmp / "t.las"), "25000"],
                       check=True, capture_output=True)
        text = (tmp / "t.las").read_text()
        for i in range(args.files):
            well = f"{i + 1:04d}"
            (las / f"well_{well}.las").write_text(
                text.replace("SYNTH-1 :", f"SYNTH-{well} :").replace("SYNTH0000000001", f"SYNTH000000{well}"))
        data = tmp / "data"
        subprocess.run([args.old, "--data-dir", str(data), "ingest", "--project", "p", str(las)],
                       env=env, check=True, capture_output=True)
        results = []
        answers = {}
        for label, binary in [("before (old binary)", args.old), ("after", args.bin)]:
            proc, port = serve(binary, data, env)
            try:
                for qname, sql in QUERIES.items():
                    for path, as_of in [("current", None), ("as of now", "now")]:
                        _, rows = ask(port, sql, as_of)  # warm
                        answers.setdefault((qname, path), []).append(rows)
                        times = [ask(port, sql, as_of)[0] for _ in range(args.repeats)]
                        results.append((qname, path, label, statistics.median(times) * 1000))
            finally:
                proc.kill()
                proc.wait()
        print(f"machine: {os.cpu_count()} cores; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
              f"median of {args.repeats} warm requests")
        print("| query | path | binary | median ms |")
        print("|---|---|---|---:|")
        for qname, path, label, ms in results:
            print(f"| {qname} | {path} | {label} | {ms:.1f} |")
        def rounded(v):
            # Sums of a million doubles in another order differ in the last digits.
            if isinstance(v, float):
                return float(f"{v:.12g}")
            return [rounded(x) for x in v] if isinstance(v, list) else v

        for key, rows in answers.items():
            same = all(rounded(r) == rounded(rows[0]) for r in rows)
            print(f"{key[0]}, {key[1]}: {'same answer (12 digits) from both binaries' if same else 'answers differ: '}"
                  f"{'' if same else [json.dumps(r)[:200] for r in rows]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
