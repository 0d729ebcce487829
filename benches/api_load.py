#!/usr/bin/env python3
"""The cached HTTP API under load: `mudrock serve` on 127.0.0.1 against a mix of one-well depth windows.

Run through benches/api_load.sh (it builds the `dist` binary and checks for oha). Phases, each on a fresh
server process over the same data (the six demo wells, ingested once):

1. uncached: distinct windows asked once each, one client, L3 off — the engine's latency (p50, p90);
   then the same windows again — the L1 hit latency for one client.
2. fixed rate: a set of windows is warmed, then oha sends a fixed rate (default 20,000 req/s) for a bounded
   time (default 60 s) with latency correction (coordinated omission), a mix of those windows chosen at
   random per request. Latency is measured at a fixed rate, not at saturation (../shared/bench/PEERS.md).
   Then the same rate against /healthz: what this machine allows with oha and the server sharing it.
3. Zipf: a trace drawn from Zipf(1.1) over 1,000 distinct windows, with the L1 budget set to 20% of what
   all 1,000 take (measured in a first pass), L3 off: the hit ratio is 1 - queries run / requests. The
   best any cache holding 20% of the keys can do on this trace is the probability mass of its 200 most
   frequent keys, which is printed next to it. Then the same trace with L3 on (results kept on the object
   store): the share of requests answered without running the query.
The server's peak RSS (VmHWM) is reported against its L1 budget after each phase.
4. ROAPI (with --roapi BIN; PyPI `roapi` ships the binary): the demo wells' well_logs exported as one
   Parquet file through MudRock's SQL route, served by `roapi -t well_logs=FILE`, and the same windows as
   phase 1 sent as SQL to its `POST /api/sql`, one client — beside MudRock's uncached and cached figures.

    python3 benches/api_load.py --bin target/dist/mudrock [--duration 60] [--rate 20000]
"""
import argparse, bisect, http.client, json, os, pathlib, platform, random, re, shutil, signal, statistics
import subprocess, sys, tempfile, time, urllib.parse

root = pathlib.Path(__file__).resolve().parent.parent
target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", root / "target"))
TOKEN = "bench-token-0123456789abcdef"
PROJECT = "demo"


def log(msg):
    print(f"api_load: {msg}", file=sys.stderr, flush=True)


class Server:
    """`mudrock serve` on an ephemeral port, stopped with SIGTERM."""

    def __init__(self, binary, data_dir, env_extra, cpus=None):
        env = dict(os.environ)
        env.update({"MUDROCK_TOKENS": f"{TOKEN}=*", **env_extra})
        env.pop("MUDROCK_AUTH_CONFIG", None)
        self.proc = subprocess.Popen(
            pinned(cpus, [binary, "--data-dir", str(data_dir), "serve", "--addr", "127.0.0.1:0"]),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        line = ""
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            m = re.search(r"listening on http://([0-9.]+):(\d+)", line)
            if m:
                self.host, self.port = m.group(1), int(m.group(2))
                break
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited: {self.proc.stderr.read()}")
        else:
            raise SystemExit(f"server did not start: {line}")
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    @property
    def base(self):
        return f"http://{self.host}:{self.port}"

    def get(self, path, headers=None):
        h = {"Authorization": f"Bearer {TOKEN}", **(headers or {})}
        self.conn.request("GET", path, headers=h)
        r = self.conn.getresponse()
        body = r.read()
        if r.status != 200:
            raise SystemExit(f"GET {path}: {r.status} {body[:300]!r}")
        return body

    def metrics(self):
        out = {}
        for line in self.get("/metrics").decode().splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                out[name] = float(value)
        return out

    def rss_mb(self):
        status = pathlib.Path(f"/proc/{self.proc.pid}/status").read_text()
        vals = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.M))
        return int(vals["VmRSS"]) / 1024, int(vals["VmHWM"]) / 1024

    def stop(self):
        self.conn.close()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def pinned(cpus, cmd):
    """`cmd` run on the CPUs `cpus` (taskset -c), or as it is when `cpus` is None."""
    return ["taskset", "-c", cpus, *cmd] if cpus else cmd


def universe(wells, n, seed):
    """n distinct one-well windows: a 100-unit depth window, one to three curves."""
    rng = random.Random(seed)
    curve_sets = ["GR", "GR,RHOB", "GR,RHOB,NPHI", "RHOB,NPHI", "DT", "ILD,ILM"]
    out = set()
    while len(out) < n:
        w = rng.choice(wells)
        lo = w["start"] + 10 * rng.randrange(int((w["stop"] - w["start"] - 100) // 10))
        curves = rng.choice(curve_sets)
        q = urllib.parse.urlencode({"curves": curves, "depth_min": lo, "depth_max": lo + 100})
        out.add(f"/v1/projects/{PROJECT}/wells/{urllib.parse.quote(w['well_id'], safe='')}/logs?{q}")
    out = sorted(out)
    rng.shuffle(out)
    return out


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def timed(server, paths):
    ms = []
    for p in paths:
        t = time.perf_counter()
        server.get(p)
        ms.append((time.perf_counter() - t) * 1000)
    return ms


def zipf_trace(n_keys, length, s, seed):
    rng = random.Random(seed)
    weights = [1 / (i ** s) for i in range(1, n_keys + 1)]
    total = sum(weights)
    cdf, acc = [], 0.0
    for w in weights:
        acc += w / total
        cdf.append(acc)
    ranks = list(range(n_keys))
    rng.shuffle(ranks)  # popularity is not the order of the universe
    trace = [ranks[min(bisect.bisect_left(cdf, rng.random()), n_keys - 1)] for _ in range(length)]
    top = sum(weights[: n_keys // 5]) / total
    return trace, top


def window_sql(path):
    """The SQL MudRock's planner writes for a window URL (identifiers quoted: ROAPI folds case)."""
    parsed = urllib.parse.urlparse(path)
    well = urllib.parse.unquote(parsed.path.split("/wells/")[1].split("/")[0])
    q = dict(urllib.parse.parse_qsl(parsed.query))
    cols = ", ".join(f'"{c}"' for c in ["well_id", "depth", *q["curves"].split(",")])
    return (f"SELECT {cols} FROM well_logs WHERE \"well_id\" = '{well}' AND \"depth\" BETWEEN "
            f"{q['depth_min']} AND {q['depth_max']} ORDER BY \"well_id\", \"depth\"")


def roapi_phase(binary, parquet, paths):
    with socket_port() as port:
        pass
    proc = subprocess.Popen([binary, "-a", f"127.0.0.1:{port}", "-t", f"well_logs={parquet}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        conn = None
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request("POST", "/api/sql", body="SELECT 1")
                conn.getresponse().read()
                break
            except OSError:
                conn = None
                time.sleep(0.2)
        if conn is None:
            raise SystemExit("roapi did not start")
        ms, rows = [], 0
        for p in paths:
            sql = window_sql(p)
            t = time.perf_counter()
            conn.request("POST", "/api/sql", body=sql)
            r = conn.getresponse()
            body = r.read()
            ms.append((time.perf_counter() - t) * 1000)
            if r.status != 200:
                raise SystemExit(f"roapi: {r.status} {body[:300]!r} for {sql}")
            rows += len(json.loads(body))
        return {"n": len(ms), "p50_ms": statistics.median(ms), "p90_ms": pct(ms, 90), "rows": rows,
                "version": subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()}
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


class socket_port:
    """A free TCP port on 127.0.0.1 (bound, then released for the child to take)."""

    def __enter__(self):
        import socket
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return self.sock.getsockname()[1]

    def __exit__(self, *exc):
        self.sock.close()


def fixed_rate(args, oha, binary, data_dir, work, paths, server_cpus, oha_cpus):
    """Phase 2 for one binary: a fixed rate over warmed windows, then the same rate on /healthz."""
    log(f"phase 2: {args.rate} req/s for {args.duration} s over {args.hot} windows ({binary}; server on "
        f"CPU {server_cpus or 'any'}, oha on CPU {oha_cpus or 'any'})")
    budget = 256 << 20
    srv = Server(binary, data_dir, {"CACHE_MAX_CAPACITY": str(budget)}, server_cpus)
    hot = paths[: args.hot]
    for p in hot:
        srv.get(p)
    urls = work / "urls.txt"
    urls.write_text("".join(f"{srv.base}{p}\n" for p in hot))
    before = srv.metrics()
    cmd = pinned(oha_cpus, [oha, "--no-tui", "--output-format", "json", "-z", f"{args.duration}s", "-q",
                            str(args.rate), "-c", str(args.connections), "--latency-correction", "-H",
                            f"Authorization: Bearer {TOKEN}", "--urls-from-file", str(urls)])
    report = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    after = srv.metrics()
    rss, hwm = srv.rss_mb()
    # What the machine allows: the same rate against /healthz (a constant answer, no token, no cache).
    log(f"phase 2: baseline, {args.rate} req/s on /healthz")
    base_cmd = pinned(oha_cpus, [oha, "--no-tui", "--output-format", "json", "-z", f"{args.duration}s",
                                 "-q", str(args.rate), "-c", str(args.connections), "--latency-correction",
                                 f"{srv.base}/healthz"])
    baseline = json.loads(subprocess.run(base_cmd, check=True, capture_output=True, text=True).stdout)
    srv.stop()
    summary, lat = report["summary"], report["latencyPercentiles"]
    base_lat = baseline["latencyPercentiles"]
    return {
        "bin": binary,
        "requests_per_s": summary["requestsPerSec"],
        "success_rate": summary["successRate"],
        "p50_ms": lat["p50"] * 1000, "p90_ms": lat["p90"] * 1000, "p99_ms": lat["p99"] * 1000,
        "p99_9_ms": lat.get("p99.9", 0) * 1000, "statuses": report.get("statusCodeDistribution", {}),
        "healthz_baseline_requests_per_s": baseline["summary"]["requestsPerSec"],
        "healthz_baseline_p50_ms": base_lat["p50"] * 1000, "healthz_baseline_p99_ms": base_lat["p99"] * 1000,
        "healthz_baseline_p99_9_ms": base_lat.get("p99.9", 0) * 1000,
        "queries_during_run": after["mudrock_api_queries_total"] - before["mudrock_api_queries_total"],
        "rss_mb": rss, "peak_rss_mb": hwm, "l1_budget_mb": budget / 2**20,
        "l1_bytes_mb": after.get('mudrock_cache_bytes{tier="l1"}', 0) / 2**20,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--duration", type=int, default=60, help="seconds of fixed-rate load")
    ap.add_argument("--rate", type=int, default=20000, help="requests per second (fixed)")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--hot", type=int, default=200, help="distinct windows in the fixed-rate mix")
    ap.add_argument("--uncached", type=int, default=200)
    ap.add_argument("--distinct", type=int, default=1000)
    ap.add_argument("--trace", type=int, default=20000)
    ap.add_argument("--roapi", help="the roapi binary, to compare on the same windows")
    ap.add_argument("--pin", default="auto", choices=["auto", "off"],
                    help="phase 2: auto = the server on CPU 0 and oha on CPU 1 (taskset), so that the load "
                         "generator does not preempt the server; off = both float over every core")
    ap.add_argument("--compare-bin", help="another build of mudrock (e.g. on the system allocator): its "
                                          "phase 2 runs right after the first binary's, in the same run")
    ap.add_argument("--phases", default="1,2,3", help="phases to run, of 1,2,3 (4 runs with --roapi and 1)")
    ap.add_argument("--out", default=str(target / "bench-data" / "api_load.json"))
    args = ap.parse_args()
    oha = shutil.which("oha")
    if not oha:
        raise SystemExit("oha not found: cargo install oha --locked")
    phases = {int(p) for p in args.phases.split(",")}
    server_cpus, oha_cpus = ("0", "1") if args.pin == "auto" and (os.cpu_count() or 1) >= 2 else (None, None)

    work = pathlib.Path(tempfile.mkdtemp(prefix="mudrock-api-load-"))
    data_dir = work / "data"
    subprocess.run([args.bin, "--data-dir", str(data_dir), "demo", "--no-serve"], check=True,
                   stdout=subprocess.DEVNULL)
    wells = json.loads(subprocess.run([args.bin, "--data-dir", str(data_dir), "wells", "--project", PROJECT,
                                       "--json"], check=True, capture_output=True, text=True).stdout)
    paths = universe(wells, args.distinct, seed=7)
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores",
               "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "load_average_at_start": os.getloadavg()[0], "rate": args.rate, "duration_s": args.duration,
               "pinning": {"server_cpus": server_cpus, "oha_cpus": oha_cpus}}

    export = work / "well_logs.parquet"
    if 1 in phases:
        # 1. Uncached latency, one client, L3 off (every first request runs the query).
        log("phase 1: uncached windows")
        srv = Server(args.bin, data_dir, {"MUDROCK_L3": "off"})
        srv.get(paths[0])  # the engine's session for the project is built once per process
        first = timed(srv, paths[1 : 1 + args.uncached])
        again = timed(srv, paths[1 : 1 + args.uncached])
        m = srv.metrics()
        results["uncached"] = {"n": len(first), "p50_ms": statistics.median(first), "p90_ms": pct(first, 90),
                               "queries": m["mudrock_api_queries_total"]}
        results["cached_one_client"] = {"p50_ms": statistics.median(again), "p99_ms": pct(again, 99)}
        if args.roapi:
            body = json.dumps({"sql": "SELECT * FROM well_logs ORDER BY well_id, depth"})
            srv.conn.request("POST", f"/v1/projects/{PROJECT}/sql", body=body, headers={
                "Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json",
                "Accept": "application/vnd.apache.parquet"})
            r = srv.conn.getresponse()
            export.write_bytes(r.read())
            if r.status != 200:
                raise SystemExit(f"export: {r.status}")
        srv.stop()

    if 2 in phases:
        # 2. Fixed rate against warmed windows, and the /healthz baseline; for each binary.
        results["fixed_rate"] = fixed_rate(args, oha, args.bin, data_dir, work, paths, server_cpus, oha_cpus)
        if args.compare_bin:
            results["fixed_rate_compare"] = fixed_rate(args, oha, args.compare_bin, data_dir, work, paths,
                                                       server_cpus, oha_cpus)

    if 3 in phases:
        # 3. Zipf(1.1): size the budget from a first pass over all distinct windows.
        log("phase 3: sizing L1 for 20% of the distinct windows")
        srv = Server(args.bin, data_dir, {"MUDROCK_L3": "off", "CACHE_MAX_CAPACITY": str(1 << 30)})
        for p in paths:
            srv.get(p)
        m = srv.metrics()
        all_bytes = m['mudrock_cache_bytes{tier="l1"}']
        srv.stop()
        zipf_budget = int(all_bytes * 0.2)
        trace, best = zipf_trace(len(paths), args.trace, 1.1, seed=11)
        for l3 in ("off", "on"):
            log(f"phase 3: Zipf(1.1) trace of {len(trace)} requests, L1 {zipf_budget} bytes, L3 {l3}")
            shutil.rmtree(data_dir / "objects" / PROJECT / "cache", ignore_errors=True)
            srv = Server(args.bin, data_dir, {"MUDROCK_L3": l3, "CACHE_MAX_CAPACITY": str(zipf_budget)})
            before = srv.metrics()
            for i in trace:
                srv.get(paths[i])
            after = srv.metrics()
            rss, hwm = srv.rss_mb()
            srv.stop()
            queries = after["mudrock_api_queries_total"] - before["mudrock_api_queries_total"]
            results[f"zipf_l3_{l3}"] = {
                "requests": len(trace), "distinct_in_trace": len(set(trace)), "queries_run": queries,
                "hit_ratio": 1 - queries / len(trace), "best_possible_for_20pct": best,
                "l1_budget_mb": zipf_budget / 2**20, "all_windows_mb": all_bytes / 2**20,
                "l1_evictions": after['mudrock_cache_evictions_total{tier="l1"}'],
                "rss_mb": rss, "peak_rss_mb": hwm,
            }
    if args.roapi and 1 in phases:
        log("phase 4: ROAPI on the same windows")
        results["roapi"] = roapi_phase(args.roapi, export, paths[1 : 1 + args.uncached])
    shutil.rmtree(work, ignore_errors=True)

    pathlib.Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    pathlib.Path(args.out).write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
