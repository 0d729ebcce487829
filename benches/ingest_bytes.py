#!/usr/bin/env python3
"""Bytes MudRock writes per ingested LAS byte, by kind of object, through the `mudrock` binary.

The #15 measure ("the bytes written per ingested LAS byte go down"): a directory of generated LAS files
(../shared/bench/gen_synthetic_las.py, distinct wells), ingested with the Iceberg tables on (the embedded
default), then every object under the data dir's `objects/` counted by kind: the raw bytes kept, the
logs' Parquet, the Iceberg data and metadata files, the Parquet catalogs, the rest.

  python3 benches/ingest_bytes.py [--files 40] [--rows 25000] [--bin target/dist/mudrock]
"""
import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("MUDROCK_SHARED", ROOT.parent / "shared"))


def kind(rel: str) -> str:
    parts = rel.split("/")
    if "iceberg" in parts:
        return "iceberg data" if "data" in parts else "iceberg metadata"
    if "raw" in parts:
        return "raw LAS"
    if "logs" in parts and rel.endswith(".parquet"):
        return "log Parquet"
    if "catalog" in parts:
        return "catalogs"
    return "other"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=40)
    ap.add_argument("--rows", type=int, default=25_000)
    ap.add_argument("--bin", default=str(ROOT / "target/release/mudrock"))
    args = ap.parse_args()
    gen = SHARED / "bench/gen_synthetic_las.py"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        las_dir = tmp / "las"
        las_dir.mkdir()
        template = tmp / "template.las"
        subprocess.run([sys.executable, str(gen), str(template), str(args.rows)], check=True)
        text = template.read_text()
        for i in range(args.files):
            well = f"{i + 1:04d}"
            (las_dir / f"well_{well}.las").write_text(
                text.replace("SYNTH-1 :", f"SYNTH-{well} :").replace("SYNTH0000000001", f"SYNTH000000{well}")
            )
        las_bytes = sum(p.stat().st_size for p in las_dir.iterdir())
        data = tmp / "data"
        env = {k: v for k, v in os.environ.items() if not k.startswith("MUDROCK_")}
        subprocess.run(
            [args.bin, "--data-dir", str(data), "ingest", "--project", "bytes", "--json", str(las_dir)],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        totals: dict[str, int] = {}
        objects = data / "objects"
        for path in objects.rglob("*"):
            if path.is_file():
                k = kind(str(path.relative_to(objects)))
                totals[k] = totals.get(k, 0) + path.stat().st_size
        written = sum(totals.values())
        print(f"{args.files} files, {las_bytes / 1e6:.1f} MB of LAS; objects written: {written / 1e6:.1f} MB "
              f"= {written / las_bytes:.3f} bytes per LAS byte")
        for k in sorted(totals, key=totals.get, reverse=True):
            print(f"  {k:17s} {totals[k] / 1e6:9.2f} MB  {totals[k] / las_bytes:.3f} per LAS byte")
    return 0


if __name__ == "__main__":
    sys.exit(main())
