#!/usr/bin/env python3
"""Ingest speed as a user sees it: the whole `mudrock ingest` process, side by side with lasio in one run.

The #15 measure: a directory of 40 generated LAS files of ~5.5 MB (../shared/bench/gen_synthetic_las.py,
25,000 rows, distinct wells) and one ~110 MB file (500,000 rows), each ingested into a fresh data dir with
the Iceberg tables on (the embedded default) and with them off (`MUDROCK_ICEBERG_CATALOG=off`); lasio reading
the same files (reading only, no writing) in its own process is the peer. Wall seconds, CPU seconds and
peak RSS of each whole process (os.wait4); the median of --repeats runs, interleaved so that drift on a
shared machine hits every engine alike. Prints a Markdown table for benches/RESULTS.md.

Each engine is timed twice per repeat, because the machine's state decides a third of the time:
- **cold**: after --idle seconds with nothing running — what one command typed by a user meets. On a VM
  whose balloon reports free pages to its host (this machine's), memory freed a few seconds ago has gone
  back to the host, and every fresh page the process touches costs a host fault: ~2 ms per MB here.
- **warm**: right after the same command — what the second of several ingests in a row meets.
A figure quoted without saying which was measured in whichever state the run before left: the cause of
the "dist is slower than release" puzzle of 2026-12-07 (it was the order of the runs, not the build).

  python3 benches/ingest_speed.py [--repeats 3] [--bin target/dist/mudrock] [--files 40] [--before OLD_BINARY]
                                  [--idle 5]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("MUDROCK_SHARED", ROOT.parent / "shared"))
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))

LASIO = """
import sys, logging, warnings
logging.disable(logging.CRITICAL)
warnings.filterwarnings("ignore")
import lasio
for path in sys.argv[1:]:
    lasio.read(path)
"""


def run(cmd, env=None):
    """(wall s, CPU s, peak RSS MB) of one whole process; fails loudly when it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{cmd[0]} failed: {err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def generate(tmp: Path, files: int):
    gen = SHARED / "bench/gen_synthetic_las.py"
    if not gen.is_file():
        sys.exit(f"{gen} is missing: ../shared (or MUDROCK_SHARED) holds the generators")
    las_dir = tmp / "dir"
    las_dir.mkdir()
    template = tmp / "template.las"
    subprocess.run([sys.executable, str(gen), str(template), "25000"], check=True)
    text = template.read_text()
    for i in range(files):
        well = f"{i + 1:04d}"
        (las_dir / f"well_{well}.las").write_text(
            text.replace("SYNTH-1 :", f"SYNTH-{well} :").replace("SYNTH0000000001", f"SYNTH000000{well}")
        )
    big = TARGET / "bench-data/synthetic_110MB.las"
    if not big.is_file():
        big.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(gen), str(big), "500000"], check=True)
    return las_dir, big


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--files", type=int, default=40)
    ap.add_argument("--bin", default=str(TARGET / "dist/mudrock"))
    ap.add_argument("--before", help="another mudrock binary (an earlier commit) timed in the same run, tables on")
    ap.add_argument("--idle", type=float, default=5.0, help="seconds of idle before each cold run")
    args = ap.parse_args()
    binary = Path(args.bin)
    if not binary.is_file():
        sys.exit(f"{binary} is missing: cargo build --profile dist -p mudrock-cli --bin mudrock")
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("MUDROCK_")}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        las_dir, big = generate(tmp, args.files)
        inputs = {
            f"{args.files} files": (las_dir, sorted(str(p) for p in las_dir.iterdir())),
            "110 MB file": (big, [str(big)]),
        }
        results = {}
        for _ in range(args.repeats):
            for label, (target, files) in inputs.items():
                mb = sum(os.path.getsize(f) for f in files) / 1e6
                engines = ["mudrock, tables on", "mudrock, tables off", "lasio 0.32 (read only)"]
                if args.before:
                    engines.insert(0, "mudrock before, tables on")
                for engine in engines:
                    env = dict(base_env)
                    if engine.startswith("mudrock"):
                        if "off" in engine:
                            env["MUDROCK_ICEBERG_CATALOG"] = "off"
                        exe = args.before if engine.startswith("mudrock before") else str(binary)
                        cmd = [exe, "--data-dir", str(tmp / "data"), "ingest", "--project", "bench", str(target)]
                    else:
                        cmd = [sys.executable, "-c", LASIO, *files]
                    for state in ("cold", "warm"):
                        subprocess.run(["rm", "-rf", str(tmp / "data")], check=True)
                        if state == "cold":
                            time.sleep(args.idle)
                        results.setdefault((label, engine, mb, state), []).append(run(cmd, env))
        print(f"machine: {os.cpu_count()} cores; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
        print("| input | MB | engine | state | wall s | CPU s | MB/s (wall) | peak RSS MB |")
        print("|---|---:|---|---|---:|---:|---:|---:|")
        for (label, engine, mb, state), runs in results.items():
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            rss = max(r[2] for r in runs)
            print(f"| {label} | {mb:.1f} | {engine} | {state} | {wall:.2f} | {cpu:.2f} | {mb / wall:.0f} | {rss:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
