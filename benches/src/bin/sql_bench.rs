//! DataFusion with MudRock's engine settings on one Parquet file: the four queries of
//! ../shared/bench/time_duckdb.py, CPU and wall time per query, and each query's result (for the
//! equality check against DuckDB). Run by benches/sql_compare.py, which runs DuckDB in the same run.
//!
//!   sql_bench --file F --well W --lo LO --hi HI [--threads 1,2] [--reps 7] [--out results.json]
//!             [--pushdown true|false] [--batch-size N] [--only Q2] [--modes warm,replan,cold]
//!             [--explain true]
//!
//! The bracketed knobs are for tuning: override the engine's filter pushdown or batch size, run only some
//! queries, or print `EXPLAIN ANALYZE` (row groups and pages pruned, time per operator) instead of timing.
//!
//! CPU time is the process's (every thread, user + system) from `CLOCK_PROCESS_CPUTIME_ID`, the clock
//! sql_compare.py reads for DuckDB too. Every query runs through the engine's own path
//! (`mudrock_engine::query::SqlSession`: parse, read-only check, plan cache, plan, stream — the code
//! `QueryEngine::sql` runs for the CLI and the API once it has the project's session), over the file
//! registered as a table with the engine's session settings. Modes: "warm" = one session per thread count
//! (footers and statistics cached, and the plan of a repeated SQL text kept, as in a running server);
//! "replan" = the same session with the plan cache off (`plan_cache_entries = 0`: every run parses and
//! plans); "cold" = the table registered in a new session before every run.

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::prelude::{ParquetReadOptions, SessionContext};
use mudrock_benches::median;
use mudrock_engine::query::{QueryConfig, SqlOptions, SqlSession};
use serde_json::{Value, json};

// The `mudrock` binary's allocator (edge/cli/src/main.rs); `cargo rustc --profile dist -p mudrock-benches --bin
// sql_bench -- --cfg mudrock_system_alloc` builds this bench on the system allocator instead.
#[cfg(not(mudrock_system_alloc))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
const ALLOCATOR: &str = if cfg!(mudrock_system_alloc) {
    "system"
} else {
    "mimalloc"
};

const CURVES: [&str; 10] = [
    "gr", "rhob", "nphi", "dt", "rt", "cali", "sp", "pef", "rxo", "drho",
];
const TABLE: &str = "welllogs";

/// The queries of time_duckdb.py, over a registered table instead of `read_parquet(...)`.
fn queries(well: &str, lo: f64, hi: f64) -> Vec<(&'static str, String)> {
    let aggs = CURVES
        .iter()
        .map(|c| format!("avg({c}) AS avg_{c}, min({c}) AS min_{c}, max({c}) AS max_{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    vec![
        (
            "Q1_full_scan_agg",
            format!("SELECT count(*) AS n, min(depth), max(depth), {aggs} FROM {TABLE}"),
        ),
        (
            "Q2_range_one_well",
            format!(
                "SELECT * FROM {TABLE} WHERE well_id = '{well}' AND depth BETWEEN {lo} AND {hi} ORDER BY depth"
            ),
        ),
        (
            "Q2b_range_agg",
            format!(
                "SELECT count(*), avg(gr), avg(rhob), avg(nphi) FROM {TABLE} \
                 WHERE well_id = '{well}' AND depth BETWEEN {lo} AND {hi}"
            ),
        ),
        (
            "Q3_groupby_well",
            format!(
                "SELECT well_id, count(*) AS n, min(depth) AS top, max(depth) AS bottom, avg(gr), \
                 stddev_samp(gr), avg(rhob), avg(rt), max(rt) FROM {TABLE} GROUP BY well_id ORDER BY well_id"
            ),
        ),
    ]
}

/// CPU seconds used by this process so far, all threads.
fn cpu_seconds() -> f64 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

struct Args {
    file: String,
    well: String,
    lo: f64,
    hi: f64,
    threads: Vec<usize>,
    reps: usize,
    out: Option<String>,
    pushdown: Option<bool>,
    /// Print `EXPLAIN ANALYZE` of each query (pruning and time metrics) instead of timing.
    explain: bool,
    /// Tuning experiments: another batch size; only the queries whose name contains this.
    batch_size: Option<usize>,
    only: Option<String>,
    /// Only these modes (default: warm,replan,cold).
    modes: Vec<String>,
}

fn parse_args() -> Result<Args> {
    let mut map: BTreeMap<String, String> = BTreeMap::new();
    let mut it = std::env::args().skip(1);
    while let Some(key) = it.next() {
        let Some(name) = key.strip_prefix("--") else {
            bail!("unexpected argument {key:?}")
        };
        let value = it.next().with_context(|| format!("--{name} needs a value"))?;
        map.insert(name.to_owned(), value);
    }
    let get = |k: &str| map.get(k).cloned().with_context(|| format!("--{k} is required"));
    Ok(Args {
        file: get("file")?,
        well: get("well")?,
        lo: get("lo")?.parse()?,
        hi: get("hi")?.parse()?,
        threads: map
            .get("threads")
            .map_or("1,2", String::as_str)
            .split(',')
            .map(str::parse)
            .collect::<Result<_, _>>()?,
        reps: map.get("reps").map_or(Ok(7), |r| r.parse())?,
        out: map.get("out").cloned(),
        pushdown: map.get("pushdown").map(|p| p.parse()).transpose()?,
        explain: map.get("explain").is_some_and(|e| e == "true"),
        batch_size: map.get("batch-size").map(|b| b.parse()).transpose()?,
        only: map.get("only").cloned(),
        modes: map
            .get("modes")
            .map_or("warm,replan,cold", String::as_str)
            .split(',')
            .map(str::to_owned)
            .collect(),
    })
}

/// The engine's SQL path over the file registered as a table with the engine's session settings.
async fn session(config: &QueryConfig, file: &str) -> Result<SqlSession> {
    let ctx = SessionContext::new_with_config(config.session_config());
    ctx.register_parquet(TABLE, file, ParquetReadOptions::default())
        .await?;
    Ok(SqlSession::from_context(ctx, config))
}

async fn run(session: &SqlSession, sql: &str) -> Result<Vec<RecordBatch>> {
    Ok(session
        .sql(sql, SqlOptions::default())
        .await?
        .collect()
        .await?
        .batches)
}

/// Parsing, planning and optimising only (DataFusion's own API): the fixed cost a query pays before
/// reading data when its plan is not kept.
async fn plan_only(session: &SqlSession, sql: &str) -> Result<()> {
    session.context().sql(sql).await?.create_physical_plan().await?;
    Ok(())
}

/// Rows as JSON arrays: strings, numbers (f64; f32 widened exactly) and nulls.
fn rows_json(batches: &[RecordBatch]) -> Result<Vec<Value>> {
    let mut rows = Vec::new();
    for batch in batches {
        let columns: Vec<_> = batch
            .columns()
            .iter()
            .map(|c| {
                if matches!(
                    c.data_type(),
                    DataType::Dictionary(..) | DataType::Utf8View | DataType::LargeUtf8
                ) {
                    cast(c, &DataType::Utf8)
                } else if c.data_type().is_numeric() {
                    cast(c, &DataType::Float64)
                } else {
                    Ok(c.clone())
                }
            })
            .collect::<Result<_, _>>()?;
        for i in 0..batch.num_rows() {
            let row: Vec<Value> = columns
                .iter()
                .map(|c| {
                    if c.is_null(i) {
                        Value::Null
                    } else if let Some(s) = c.as_string_opt::<i32>() {
                        json!(s.value(i))
                    } else {
                        json!(
                            c.as_primitive::<datafusion::arrow::datatypes::Float64Type>()
                                .value(i)
                        )
                    }
                })
                .collect();
            rows.push(Value::Array(row));
        }
    }
    Ok(rows)
}

fn main() -> Result<()> {
    // As the `mudrock` binary does (edge/cli/src/main.rs).
    mudrock_cli::c_heap::keep_freed_memory();
    let args = parse_args()?;
    let mut results = Vec::new();
    for &threads in &args.threads {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()?;
        let mut config = QueryConfig {
            target_partitions: threads,
            ..QueryConfig::default()
        };
        if let Some(pushdown) = args.pushdown {
            config.pushdown_filters = pushdown;
        }
        if let Some(batch_size) = args.batch_size {
            config.batch_size = batch_size;
        }
        let selected = |name: &str| args.only.as_deref().is_none_or(|o| name.contains(o));
        runtime.block_on(async {
            let warm = session(&config, &args.file).await?;
            let replan = session(
                &QueryConfig {
                    plan_cache_entries: 0,
                    ..config.clone()
                },
                &args.file,
            )
            .await?;
            if args.explain {
                for (name, sql) in queries(&args.well, args.lo, args.hi) {
                    run(&warm, &sql).await?;
                    let plan = run(&warm, &format!("EXPLAIN ANALYZE {sql}")).await?;
                    let text = datafusion::arrow::util::pretty::pretty_format_batches(&plan)?;
                    eprintln!("threads={threads} {name}\n{text}");
                }
                return anyhow::Ok(());
            }
            for (name, sql) in queries(&args.well, args.lo, args.hi) {
                if !selected(name) {
                    continue;
                }
                for mode in ["warm", "replan", "cold"] {
                    if !args.modes.iter().any(|m| m == mode) {
                        continue;
                    }
                    // One untimed run first (as time_duckdb.py does); its result is the one checked.
                    let batches = run(if mode == "replan" { &replan } else { &warm }, &sql).await?;
                    let rows = batches.iter().map(RecordBatch::num_rows).sum::<usize>();
                    let (mut walls, mut cpus) = (Vec::new(), Vec::new());
                    for _ in 0..args.reps {
                        let (c0, t0) = (cpu_seconds(), Instant::now());
                        match mode {
                            "cold" => {
                                let fresh = session(&config, &args.file).await?;
                                run(&fresh, &sql).await?;
                            }
                            "replan" => {
                                run(&replan, &sql).await?;
                            }
                            _ => {
                                run(&warm, &sql).await?;
                            }
                        }
                        walls.push(t0.elapsed().as_secs_f64() * 1000.0);
                        cpus.push((cpu_seconds() - c0) * 1000.0);
                    }
                    let mut plans = Vec::new();
                    if mode == "warm" {
                        for _ in 0..args.reps {
                            let c0 = cpu_seconds();
                            plan_only(&warm, &sql).await?;
                            plans.push((cpu_seconds() - c0) * 1000.0);
                        }
                    }
                    eprintln!(
                        "datafusion threads={threads} {name:20} {mode} rows={rows:6} plan_cpu_med={:6.2} ms wall_med={:8.2} ms cpu_med={:8.2} ms",
                        median(&mut plans.clone()),
                        median(&mut walls.clone()),
                        median(&mut cpus.clone())
                    );
                    results.push(json!({
                        "engine": "datafusion", "threads": threads, "query": name, "mode": mode,
                        "rows": rows, "sql": sql,
                        "wall_median_ms": median(&mut walls.clone()),
                        "wall_min_ms": walls.iter().copied().fold(f64::INFINITY, f64::min),
                        "cpu_median_ms": median(&mut cpus.clone()),
                        "plan_cpu_median_ms": median(&mut plans.clone()),
                        "result": if mode == "cold" { Value::Null } else { Value::Array(rows_json(&batches)?) },
                    }));
                }
            }
            anyhow::Ok(())
        })?;
    }
    let text = serde_json::to_string(&json!({
        "allocator": ALLOCATOR,
        "datafusion": datafusion::DATAFUSION_VERSION,
        "config": format!("{:?}", QueryConfig::default()),
        "results": results,
    }))?;
    match &args.out {
        Some(path) => std::fs::write(path, text)?,
        None => println!("{text}"),
    }
    Ok(())
}
