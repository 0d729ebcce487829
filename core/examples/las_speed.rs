//! LAS read throughput on one core: `cargo run -p mudrock-core --release --example las_speed -- FILE [RUNS]`.
//!
//! Generate a 100 MB LAS 2.0 test file with `python3 ../shared/bench/gen_synthetic_las.py /tmp/synth.las`.
//! Reads from memory (so disk speed is not measured) and from the file (the streaming path), reports the
//! best of RUNS runs for each, and checks the shape so a fast wrong answer cannot pass for a fast one.

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: las_speed FILE [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1);
    });
    let mb = bytes.len() as f64 / 1e6;

    let mut best_mem = f64::INFINITY;
    let mut best_file = f64::INFINITY;
    let mut shape = (0, 0, 0);
    for _ in 0..runs {
        let t = Instant::now();
        let las = mudrock_core::las::read_bytes(&bytes).expect("read from memory");
        best_mem = best_mem.min(t.elapsed().as_secs_f64());
        shape = (las.log.rows(), las.log.curves.len(), las.warnings.len());

        let t = Instant::now();
        let file = std::fs::File::open(&path).expect("open");
        let las = mudrock_core::las::read(file).expect("read from file");
        best_file = best_file.min(t.elapsed().as_secs_f64());
        assert_eq!((las.log.rows(), las.log.curves.len()), (shape.0, shape.1));
    }
    println!(
        "{path}: {mb:.1} MB, {} rows x {} curves, {} warnings",
        shape.0, shape.1, shape.2
    );
    println!(
        "from memory: {:.3} s, {:.0} MB/s (best of {runs})",
        best_mem,
        mb / best_mem
    );
    println!(
        "from file:   {:.3} s, {:.0} MB/s (best of {runs})",
        best_file,
        mb / best_file
    );
}
