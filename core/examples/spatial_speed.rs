//! "Wells inside this polygon" over 100,000 wells:
//! `cargo run -p mudrock-core --release --example spatial_speed [WELLS] [RUNS]`.
//!
//! Wells are spread over the North Sea (0–10°E, 53–62°N) by a fixed-seed generator. Each search area is
//! queried through the 1 km grid index and by brute force (every well tested); the results must be
//! equal, so a fast wrong answer cannot pass for a fast one. Reports the best of RUNS per query. A
//! sanity check, not a benchmark with a threshold.

use std::time::Instant;

use mudrock_core::spatial::{CellGrid, MultiPolygon, Point, WellGrid, parse_wkt};

/// SplitMix64: a reproducible stream without a dependency.
struct Rng(u64);

impl Rng {
    fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn rectangle(lon: f64, lat: f64, width: f64, height: f64) -> String {
    let (e, n) = (lon + width, lat + height);
    format!("POLYGON (({lon} {lat}, {e} {lat}, {e} {n}, {lon} {n}, {lon} {lat}))")
}

/// A wiggly ring of `vertices` around a centre: a detailed outline such as a licence boundary.
fn outline(lon: f64, lat: f64, radius: f64, vertices: usize) -> String {
    let ring: Vec<String> = (0..=vertices)
        .map(|i| {
            let angle = std::f64::consts::TAU * (i % vertices) as f64 / vertices as f64;
            let r = radius * (1.0 + 0.3 * (7.0 * angle).sin());
            format!("{} {}", lon + r * angle.cos(), lat + 0.6 * r * angle.sin())
        })
        .collect();
    format!("POLYGON (({}))", ring.join(", "))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let wells: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);

    let mut rng = Rng(42);
    let locations: Vec<(usize, f64, f64)> = (0..wells)
        .map(|i| (i, 53.0 + 9.0 * rng.next_f64(), 10.0 * rng.next_f64()))
        .collect();
    let t = Instant::now();
    let index = WellGrid::build(CellGrid::default(), locations.iter().copied());
    println!(
        "{wells} wells, 1 km cells: index built in {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );

    let areas: Vec<(&str, String)> = vec![
        ("licence block 5 km", rectangle(2.0, 58.0, 0.08, 0.045)),
        ("quadrant 1x1 deg", rectangle(2.0, 57.0, 1.0, 1.0)),
        (
            "block with a hole",
            "POLYGON ((3 55, 5 55, 5 57, 3 57, 3 55), (3.5 55.5, 4.5 55.5, 4.5 56.5, 3.5 56.5, 3.5 55.5))"
                .to_owned(),
        ),
        ("outline 1,000 vertices", outline(5.0, 57.5, 1.5, 1_000)),
        ("outline 10,000 vertices", outline(5.0, 57.5, 3.0, 10_000)),
        ("the whole basin", rectangle(-1.0, 52.0, 12.0, 11.0)),
    ];
    println!(
        "{:<26} {:>8} {:>9} {:>11} {:>13}",
        "area", "wells", "tested", "grid ms", "brute ms"
    );
    for (name, wkt) in &areas {
        let area: MultiPolygon = match parse_wkt(wkt) {
            Ok(area) => area,
            Err(e) => {
                eprintln!("{name}: {e}");
                std::process::exit(1);
            }
        };
        let mut best_grid = f64::INFINITY;
        let mut best_brute = f64::INFINITY;
        let mut found = 0;
        let mut tested = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let (hits, n) = index.query_counted(&area);
            best_grid = best_grid.min(t.elapsed().as_secs_f64());
            let mut hits: Vec<usize> = hits.into_iter().copied().collect();
            (found, tested) = (hits.len(), n);

            let t = Instant::now();
            let brute: Vec<usize> = locations
                .iter()
                .filter(|(_, lat, lon)| area.contains(Point { lon: *lon, lat: *lat }))
                .map(|(i, _, _)| *i)
                .collect();
            best_brute = best_brute.min(t.elapsed().as_secs_f64());
            hits.sort_unstable();
            assert_eq!(hits, brute, "{name}: the index and brute force disagree");
        }
        println!(
            "{name:<26} {found:>8} {tested:>9} {:>11.3} {:>13.3}",
            best_grid * 1e3,
            best_brute * 1e3
        );
    }
}
