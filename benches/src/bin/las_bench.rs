//! Times one LAS engine on one file and prints one JSON line (run by benches/las_compare.py, one process
//! per engine and file so that peak memory is the engine's own).
//!
//!   las_bench <mudrock|mudrock-bytes|mudrock-ingest|las_rs> FILE [REPEATS]
//!
//! `mudrock` = core's streaming reader from the file; `mudrock-bytes` = the file read into memory, then
//! core's reader of bytes held in memory, which cuts a long data section into stretches read on every
//! core (what an ingest does); `mudrock-ingest` = read + Arrow + Parquet (zstd, page
//! index) in memory, i.e. the CPU work of an ingest; `las_rs` = the las_rs crate's `read_file`.

use std::time::Instant;

use anyhow::{Context, Result, bail};
use mudrock_benches::{median, peak_rss_bytes, process_cpu_time};
use mudrock_core::las;

struct Shape {
    rows: usize,
    curves: usize,
    extra_bytes: usize,
}

fn run_once(engine: &str, path: &str) -> Result<Shape> {
    match engine {
        "mudrock" => {
            let las = las::read(std::fs::File::open(path)?).with_context(|| path.to_owned())?;
            Ok(Shape {
                rows: las.log.rows(),
                curves: las.log.curves.len(),
                extra_bytes: 0,
            })
        }
        "mudrock-bytes" => {
            let bytes = std::fs::read(path)?;
            let las = las::read_bytes(&bytes).with_context(|| path.to_owned())?;
            Ok(Shape {
                rows: las.log.rows(),
                curves: las.log.curves.len(),
                extra_bytes: 0,
            })
        }
        "mudrock-ingest" => {
            let las = las::read(std::fs::File::open(path)?).with_context(|| path.to_owned())?;
            let well = mudrock_core::layout::WellId::new("bench").context("well id")?;
            let (rows, curves) = (las.log.rows(), las.log.curves.len());
            let batch = mudrock_core::arrow::las_into_record_batch_with(las, &well, &Default::default())
                .context("arrow")?;
            let parquet =
                mudrock_core::arrow::write_parquet(&batch, &Default::default()).context("parquet")?;
            Ok(Shape {
                rows,
                curves,
                extra_bytes: parquet.len(),
            })
        }
        "las_rs" => {
            let las = las_rs::read_file(path).map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let rows = las.index().map_or(0, <[f64]>::len);
            Ok(Shape {
                rows,
                curves: las.curve_mnemonics().len(),
                extra_bytes: 0,
            })
        }
        other => bail!("unknown engine {other:?} (mudrock, mudrock-bytes, mudrock-ingest, las_rs)"),
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(engine), Some(path)) = (args.get(1), args.get(2)) else {
        bail!("usage: las_bench <mudrock|mudrock-bytes|mudrock-ingest|las_rs> FILE [REPEATS]");
    };
    let repeats: usize = args.get(3).map(|s| s.parse()).transpose()?.unwrap_or(5).max(1);
    let bytes = std::fs::metadata(path)?.len() as f64;
    let (mut walls, mut cpus) = (Vec::new(), Vec::new());
    let mut shape = None;
    for _ in 0..repeats {
        let (t0, c0) = (Instant::now(), process_cpu_time());
        match run_once(engine, path) {
            Ok(s) => shape = Some(s),
            Err(e) => {
                println!(
                    "{}",
                    serde_json::json!({"engine": engine, "file": path, "error": format!("{e:#}")})
                );
                return Ok(());
            }
        }
        walls.push(t0.elapsed().as_secs_f64());
        cpus.push((process_cpu_time() - c0).as_secs_f64());
    }
    let shape = shape.context("no run")?;
    let wall = median(&mut walls);
    let cpu = median(&mut cpus);
    // What the columns weigh decoded (8 bytes a value): the yardstick for the memory target.
    let decoded = (shape.rows * shape.curves * 8) as f64;
    let rss = peak_rss_bytes() as f64;
    let mb = 1e6;
    println!(
        "{}",
        serde_json::json!({
            "engine": engine, "file": path, "bytes": bytes as u64, "repeats": repeats,
            "rows": shape.rows, "curves": shape.curves,
            "median_wall_s": wall, "median_cpu_s": cpu, "best_wall_s": walls[0],
            "MB_per_s": bytes / mb / wall, "MB_per_cpu_s": bytes / mb / cpu.max(1e-9),
            "peak_rss_MB": rss / mb, "decoded_MB": decoded / mb,
            "rss_over_decoded": if decoded > 0.0 { rss / decoded } else { f64::NAN },
            "parquet_MB": shape.extra_bytes as f64 / mb,
        })
    );
    Ok(())
}
