//! The demo data set: six synthetic but plausible wells written as LAS 2.0, the same bytes on every run.
//!
//! Each well is a stack of layers (shale, water/oil/gas sand, limestone, the odd coal) drawn from a
//! seeded PRNG. Every log is computed from the same layer properties with textbook relations (Wyllie
//! sonic, Archie resistivity, linear density and neutron mixing), so GR, RHOB, NPHI, DT and the
//! resistivities agree with each other, gas sands show the NPHI–RHOB crossover, and boundaries are
//! smoothed by each tool's vertical resolution. Headers exercise what real files do: a UWI/API with a
//! leading zero, decimal and degree-minute-second coordinates, a well with no location at all, feet and
//! metres, a bit-size change, and null gaps.
//!
//! Only arithmetic and `exp`/`ln`/`powf` are used, and values are printed at fixed precision, so the
//! output is byte-identical across runs on one platform (and in practice across platforms).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The curves every demo file has, in file order.
pub const CURVES: [&str; 13] = [
    "DEPT", "GR", "CALI", "BS", "SP", "RHOB", "DRHO", "NPHI", "PEF", "DT", "ILD", "ILM", "SFLU",
];

const NULL: f64 = -999.25;

/// One generated LAS file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoFile {
    pub file_name: String,
    pub well_name: String,
    pub rows: usize,
    pub bytes: Vec<u8>,
}

/// The whole demo data set, in a fixed order.
pub fn generate() -> Vec<DemoFile> {
    WELLS.iter().map(render).collect()
}

/// Writes the demo files into `dir` (created if needed) and returns their paths.
pub fn write_to(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut paths = Vec::new();
    for file in generate() {
        let path = dir.join(&file.file_name);
        std::fs::write(&path, &file.bytes)?;
        paths.push(path);
    }
    Ok(paths)
}

// -------------------------------------------------------------------------------------------------------
// The six wells
// -------------------------------------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Coordinates {
    Decimal {
        lat: f64,
        lon: f64,
    },
    /// Degrees, minutes, seconds as a field crew writes them, with the degree sign.
    Dms {
        lat: &'static str,
        lon: &'static str,
    },
    None,
}

#[derive(Clone, Copy, PartialEq)]
enum DepthUnit {
    Feet,
    Metres,
}

impl DepthUnit {
    fn mnemonic(self) -> &'static str {
        match self {
            DepthUnit::Feet => "F",
            DepthUnit::Metres => "M",
        }
    }
    /// Feet per unit: layer thicknesses are drawn in feet and converted.
    fn feet(self) -> f64 {
        match self {
            DepthUnit::Feet => 1.0,
            DepthUnit::Metres => 1.0 / 0.3048,
        }
    }
}

struct WellSpec {
    file_name: &'static str,
    seed: u64,
    well: &'static str,
    company: &'static str,
    field: &'static str,
    location: &'static str,
    country: &'static str,
    state: &'static str,
    county: &'static str,
    uwi: &'static str,
    api: &'static str,
    coordinates: Coordinates,
    date: &'static str,
    unit: DepthUnit,
    start: f64,
    step: f64,
    rows: usize,
    /// `(from depth, bit size in inches)`, shallowest first.
    bit_sizes: &'static [(f64, f64)],
    /// Where (as a fraction of the interval) a gas sand over a water leg is placed, if any.
    gas_at: Option<f64>,
    /// Chance that a non-shale layer is limestone rather than sand.
    carbonate: f64,
    /// Chance that a non-shale layer is a coal seam.
    coal: f64,
    /// `(curve, from fraction, to fraction)`: values written as NULL.
    gaps: &'static [(&'static str, f64, f64)],
}

const WELLS: [WellSpec; 6] = [
    WellSpec {
        file_name: "demo_01_federal_1-16.las",
        seed: 0x5EED_0001,
        well: "MUDROCK FEDERAL 1-16",
        company: "MUDROCK DEMO ENERGY",
        field: "WATTENBERG DEMO",
        location: "SE NW 16-2N-65W",
        country: "US",
        state: "COLORADO",
        county: "WELD",
        // Colorado's state code is 05: the leading zero must survive.
        uwi: "05123456780000",
        api: "0512345678",
        coordinates: Coordinates::Decimal {
            lat: 40.143_512,
            lon: -104.671_203,
        },
        date: "2019-06-14",
        unit: DepthUnit::Feet,
        start: 4000.0,
        step: 0.5,
        rows: 12_000,
        bit_sizes: &[(0.0, 7.875)],
        gas_at: Some(0.38),
        carbonate: 0.15,
        coal: 0.0,
        gaps: &[("DT", 0.71, 0.73), ("SFLU", 0.05, 0.07)],
    },
    WellSpec {
        file_name: "demo_02_prairie_creek_7-22.las",
        seed: 0x5EED_0002,
        well: "PRAIRIE CREEK 7-22",
        company: "FLINT HILLS DEMO OIL",
        field: "PRAIRIE CREEK",
        location: "NE SW 22-31S-14W",
        country: "US",
        state: "KANSAS",
        county: "BARBER",
        uwi: "15-007-23991-0000",
        api: "15-007-23991",
        coordinates: Coordinates::Dms {
            lat: "37° 18' 44.20\" N",
            lon: "98° 52' 3.75\" W",
        },
        date: "2016-02-03",
        unit: DepthUnit::Feet,
        start: 2000.0,
        step: 0.5,
        rows: 8_000,
        bit_sizes: &[(0.0, 7.875)],
        gas_at: None,
        carbonate: 0.45,
        coal: 0.0,
        gaps: &[("NPHI", 0.0, 0.02), ("RHOB", 0.0, 0.02), ("DRHO", 0.0, 0.02)],
    },
    WellSpec {
        file_name: "demo_03_norne_15_9-x-1_a.las",
        seed: 0x5EED_0003,
        well: "15/9-X-1 A",
        company: "NORDSJO DEMO AS",
        field: "SLEIPNER DEMO",
        location: "BLOCK 15/9",
        country: "NO",
        state: "",
        county: "",
        uwi: "NO 15/9-X-1 A",
        api: "",
        coordinates: Coordinates::Decimal {
            lat: 58.441_100,
            lon: 1.887_300,
        },
        date: "2021-11-30",
        unit: DepthUnit::Metres,
        start: 1800.0,
        step: 0.1524,
        rows: 20_000,
        // 12 1/4" hole to the casing point at 2350 m, then 8 1/2".
        bit_sizes: &[(0.0, 12.25), (2350.0, 8.5)],
        gas_at: Some(0.55),
        carbonate: 0.05,
        coal: 0.0,
        // Density/neutron were run only in the 8 1/2" section.
        gaps: &[
            ("RHOB", 0.0, 0.18),
            ("DRHO", 0.0, 0.18),
            ("NPHI", 0.0, 0.18),
            ("PEF", 0.0, 0.18),
            ("DT", 0.62, 0.625),
        ],
    },
    WellSpec {
        file_name: "demo_04_leduc_10-16.las",
        seed: 0x5EED_0004,
        well: "DEMO LEDUC 10-16-39-3",
        company: "ASPEN PARKLAND DEMO LTD",
        field: "LEDUC DEMO",
        // Only the legal land location: no latitude/longitude in the header.
        location: "10-16-039-03W5",
        country: "CA",
        state: "ALBERTA",
        county: "",
        uwi: "100/10-16-039-03W5/00",
        api: "",
        coordinates: Coordinates::None,
        date: "2012-08-21",
        unit: DepthUnit::Metres,
        start: 1200.0,
        step: 0.1,
        rows: 6_000,
        bit_sizes: &[(0.0, 8.75)],
        gas_at: None,
        carbonate: 0.55,
        coal: 0.06,
        gaps: &[("ILM", 0.40, 0.43)],
    },
    WellSpec {
        file_name: "demo_05_spraberry_unit_4h.las",
        seed: 0x5EED_0005,
        well: "SPRABERRY DEMO UNIT 4",
        company: "PERMIAN DEMO PARTNERS",
        field: "SPRABERRY TREND",
        location: "SEC 12 BLK 38 T1S",
        country: "US",
        state: "TEXAS",
        county: "REAGAN",
        uwi: "42383347740000",
        api: "4238334774",
        coordinates: Coordinates::Decimal {
            lat: 31.210_455,
            lon: -101.467_832,
        },
        date: "2018-03-09",
        unit: DepthUnit::Feet,
        start: 5000.0,
        step: 0.5,
        rows: 15_000,
        bit_sizes: &[(0.0, 8.75)],
        gas_at: None,
        carbonate: 0.35,
        coal: 0.0,
        gaps: &[("SFLU", 0.88, 0.90), ("PEF", 0.30, 0.31)],
    },
    WellSpec {
        file_name: "demo_06_ship_shoal_ocs_2.las",
        seed: 0x5EED_0006,
        well: "SHIP SHOAL OCS-G 1234 #2",
        company: "GULF DEMO OFFSHORE",
        field: "SHIP SHOAL 208",
        location: "OCS-G 1234",
        country: "US",
        state: "LOUISIANA OFFSHORE",
        county: "",
        uwi: "177154012300",
        api: "177154012300",
        coordinates: Coordinates::Decimal {
            lat: 28.702_210,
            lon: -91.155_930,
        },
        date: "2014-05-17",
        unit: DepthUnit::Feet,
        start: 8000.0,
        step: 0.5,
        rows: 9_000,
        bit_sizes: &[(0.0, 9.875)],
        gas_at: Some(0.47),
        carbonate: 0.0,
        coal: 0.0,
        gaps: &[("GR", 0.20, 0.205)],
    },
];

// -------------------------------------------------------------------------------------------------------
// Formation tops
// -------------------------------------------------------------------------------------------------------

/// One formation top of a demo well: a stratigraphic name and its measured depth in the file's unit.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoTop {
    pub name: &'static str,
    pub depth: f64,
}

/// The tops of each demo well, top down, as `(name, fraction of the logged interval)`: formations of
/// each well's basin in their real order (Wattenberg: the Denver Basin's Niobrara–Codell; Kansas:
/// Pennsylvanian to Arbuckle; Sleipner: the North Sea's Hordaland to Skagerrak; Leduc: Viking to
/// Cooking Lake; Spraberry: the Permian Basin's Clear Fork to Strawn; Ship Shoal: Gulf Coast Miocene
/// biostratigraphic markers). Each is snapped to the nearest layer boundary of the synthetic log, so
/// a top sits on a change in the curves as a picked top does.
const TOPS: [(&str, &[(&str, f64)]); 6] = [
    (
        "demo_01_federal_1-16.las",
        &[
            ("Sussex", 0.08),
            ("Shannon", 0.22),
            ("Niobrara", 0.45),
            ("Codell", 0.62),
            ("Greenhorn", 0.72),
            ("J Sand", 0.88),
        ],
    ),
    (
        "demo_02_prairie_creek_7-22.las",
        &[
            ("Heebner Shale", 0.10),
            ("Lansing", 0.25),
            ("Kansas City", 0.42),
            ("Cherokee", 0.60),
            ("Mississippian", 0.75),
            ("Arbuckle", 0.90),
        ],
    ),
    (
        "demo_03_norne_15_9-x-1_a.las",
        &[
            ("Hordaland Gp", 0.05),
            ("Balder Fm", 0.20),
            ("Lista Fm", 0.30),
            ("Shetland Gp", 0.42),
            ("Draupne Fm", 0.60),
            ("Hugin Fm", 0.68),
            ("Sleipner Fm", 0.80),
            ("Skagerrak Fm", 0.90),
        ],
    ),
    (
        "demo_04_leduc_10-16.las",
        &[
            ("Viking", 0.05),
            ("Mannville", 0.20),
            ("Wabamun", 0.38),
            ("Nisku", 0.50),
            ("Ireton", 0.62),
            ("Leduc", 0.78),
            ("Cooking Lake", 0.94),
        ],
    ),
    (
        "demo_05_spraberry_unit_4h.las",
        &[
            ("San Andres", 0.03),
            ("Clear Fork", 0.12),
            ("Upper Spraberry", 0.30),
            ("Lower Spraberry", 0.45),
            ("Dean", 0.55),
            ("Wolfcamp", 0.65),
            ("Strawn", 0.88),
        ],
    ),
    (
        "demo_06_ship_shoal_ocs_2.las",
        &[
            ("Big A Sand", 0.10),
            ("Bigenerina humblei", 0.25),
            ("Cristellaria K", 0.45),
            ("Textularia L", 0.62),
            ("Robulus 43", 0.78),
            ("Cibicides opima", 0.90),
        ],
    ),
];

/// The depth unit (`F` or `M`, as in the file's header) of the demo file named `file_name`.
pub fn depth_unit(file_name: &str) -> Option<&'static str> {
    WELLS
        .iter()
        .find(|s| s.file_name == file_name)
        .map(|s| s.unit.mnemonic())
}

/// The formation tops of the demo file named `file_name` (empty for any other name), shallowest first,
/// every one strictly inside the logged interval.
pub fn tops(file_name: &str) -> Vec<DemoTop> {
    let (Some(spec), Some((_, picks))) = (
        WELLS.iter().find(|s| s.file_name == file_name),
        TOPS.iter().find(|(f, _)| *f == file_name),
    ) else {
        return vec![];
    };
    let stop = spec.start + spec.step * (spec.rows as f64 - 1.0);
    let span = stop - spec.start;
    // The same layers the file was drawn from (the layer model takes the PRNG first).
    let boundaries: Vec<f64> = layers(spec, &mut SplitMix64(spec.seed))
        .iter()
        .map(|l| l.base)
        .filter(|b| *b > spec.start && *b < stop)
        .collect();
    let mut out: Vec<DemoTop> = Vec::new();
    for &(name, fraction) in *picks {
        let guess = spec.start + fraction * span;
        let snapped = boundaries
            .iter()
            .copied()
            .filter(|b| (b - guess).abs() <= 0.03 * span)
            .min_by(|a, b| (a - guess).abs().total_cmp(&(b - guess).abs()))
            .unwrap_or(guess);
        // On the sampling grid, and below the previous top.
        let depth = spec.start + ((snapped - spec.start) / spec.step).round() * spec.step;
        let depth = (depth * 10_000.0).round() / 10_000.0;
        if out.last().is_none_or(|p| depth > p.depth) {
            out.push(DemoTop { name, depth });
        }
    }
    out
}

// -------------------------------------------------------------------------------------------------------
// Randomness
// -------------------------------------------------------------------------------------------------------

/// SplitMix64: tiny, fast, and good enough for synthetic logs; no dependency.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Approximately standard normal (Irwin–Hall with 12 terms): plain arithmetic, so bit-exact.
    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.unit()).sum::<f64>() - 6.0
    }
}

// -------------------------------------------------------------------------------------------------------
// Geology
// -------------------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum Fluid {
    Water,
    Oil,
    Gas,
}

#[derive(Clone, Copy, PartialEq)]
enum Lithology {
    Shale,
    Sand(Fluid),
    Limestone,
    Coal,
}

#[derive(Clone, Copy)]
struct Layer {
    base: f64,
    lith: Lithology,
    porosity: f64,
    shale_volume: f64,
    /// Borehole enlargement in inches (washout in shale, mud cake in sand is negative).
    washout: f64,
}

/// Formation water and mud filtrate resistivities (ohm·m) used by Archie's law.
const RW: f64 = 0.06;
const RMF: f64 = 0.35;

fn layers(spec: &WellSpec, rng: &mut SplitMix64) -> Vec<Layer> {
    let stop = spec.start + spec.step * (spec.rows as f64 - 1.0);
    let span = stop - spec.start;
    let ft = spec.unit.feet();
    let mut out = Vec::new();
    let mut top = spec.start;
    let mut gas_placed = spec.gas_at.is_none();
    let mut previous_shale = false;
    while top < stop + spec.step {
        if !gas_placed && spec.gas_at.is_some_and(|f| top >= spec.start + f * span) {
            // A gas cap over a water leg in one sand body, under a sealing shale.
            let porosity = rng.between(0.22, 0.29);
            let shale_volume = rng.between(0.03, 0.10);
            let seal = top + rng.between(15.0, 25.0) / ft;
            out.push(shale(seal, rng));
            let contact = seal + rng.between(30.0, 45.0) / ft;
            let sand = |base, fluid| Layer {
                base,
                lith: Lithology::Sand(fluid),
                porosity,
                shale_volume,
                washout: -0.15,
            };
            out.push(sand(contact, Fluid::Gas));
            let base = contact + rng.between(15.0, 25.0) / ft;
            out.push(sand(base, Fluid::Water));
            top = base;
            gas_placed = true;
            previous_shale = false;
            continue;
        }
        let layer = if !previous_shale || rng.unit() < 0.45 {
            let base = top + rng.between(8.0, 90.0) / ft;
            shale(base, rng)
        } else {
            let base = top + rng.between(4.0, 45.0) / ft;
            let roll = rng.unit();
            if roll < spec.coal {
                Layer {
                    base: top + rng.between(2.0, 8.0) / ft,
                    lith: Lithology::Coal,
                    porosity: 0.05,
                    shale_volume: 0.05,
                    washout: rng.between(0.2, 0.8),
                }
            } else if roll < spec.coal + spec.carbonate {
                Layer {
                    base,
                    lith: Lithology::Limestone,
                    porosity: rng.between(0.02, 0.16),
                    shale_volume: rng.between(0.0, 0.12),
                    washout: rng.between(-0.05, 0.1),
                }
            } else {
                let fluid = match rng.unit() {
                    x if x < 0.22 => Fluid::Oil,
                    x if x < 0.27 && spec.gas_at.is_some() => Fluid::Gas,
                    _ => Fluid::Water,
                };
                Layer {
                    base,
                    lith: Lithology::Sand(fluid),
                    porosity: rng.between(0.12, 0.30),
                    shale_volume: rng.between(0.0, 0.35),
                    washout: -0.15,
                }
            }
        };
        previous_shale = layer.lith == Lithology::Shale;
        top = layer.base;
        out.push(layer);
    }
    out
}

fn shale(base: f64, rng: &mut SplitMix64) -> Layer {
    Layer {
        base,
        lith: Lithology::Shale,
        porosity: rng.between(0.06, 0.12),
        shale_volume: rng.between(0.8, 1.0),
        washout: rng.between(0.1, 1.4),
    }
}

/// The noise-free response of each tool to one layer; `depth_fraction` (0 at the top, 1 at the bottom)
/// carries compaction trends.
#[derive(Clone, Copy, Default)]
struct Response {
    gr: f64,
    sp: f64,
    rhob: f64,
    nphi: f64,
    pef: f64,
    dt: f64,
    /// Resistivities as natural logarithms, so that smoothing averages them the way tools do.
    ln_rt: f64,
    ln_rm: f64,
    ln_rxo: f64,
    washout: f64,
}

fn response(layer: &Layer, depth_fraction: f64) -> Response {
    let vsh = layer.shale_volume;
    let phi = layer.porosity;
    let compaction = depth_fraction;
    // Shale end points drift with burial: denser, faster, more resistive.
    let sh_rho = 2.45 + 0.15 * compaction;
    let sh_nphi = 0.40 - 0.06 * compaction;
    let sh_dt = 112.0 - 22.0 * compaction;
    let sh_rt: f64 = 1.4 + 2.6 * compaction;
    let gr_clean = 22.0;
    let gr_shale = 125.0;
    let gr = gr_clean + vsh * (gr_shale - gr_clean);
    let (matrix_rho, matrix_dt, matrix_pef, matrix_nphi) = match layer.lith {
        Lithology::Limestone => (2.71, 47.5, 5.08, 0.0),
        _ => (2.65, 55.5, 1.81, -0.035),
    };
    let (rhob, nphi, pef, dt, sw, sxo, sp_scale) = match layer.lith {
        Lithology::Shale => (sh_rho, sh_nphi, 3.3, sh_dt, 1.0, 1.0, 0.0),
        Lithology::Coal => (1.38, 0.58, 0.25, 128.0, 1.0, 1.0, 0.2),
        Lithology::Sand(_) | Lithology::Limestone => {
            let (fluid_rho, hydrogen_index, sw, sxo, dt_extra) = match layer.lith {
                Lithology::Sand(Fluid::Gas) => (0.35, 0.30, 0.18, 0.65, 12.0),
                Lithology::Sand(Fluid::Oil) => (0.88, 0.95, 0.25, 0.80, 2.0),
                _ => (1.05, 1.0, 1.0, 1.0, 0.0),
            };
            let clean = 1.0 - vsh;
            let rhob = matrix_rho * (clean - phi).max(0.0) + fluid_rho * phi + sh_rho * vsh;
            let nphi = matrix_nphi * clean + phi * hydrogen_index + sh_nphi * vsh;
            let pef = matrix_pef * clean + 3.3 * vsh;
            let dt = (matrix_dt * (1.0 - phi) + 189.0 * phi) * clean + sh_dt * vsh + dt_extra;
            (
                rhob,
                nphi,
                pef,
                dt,
                sw,
                sxo,
                if layer.lith == Lithology::Limestone {
                    0.5
                } else {
                    1.0
                },
            )
        }
    };
    let (ln_rt, ln_rxo) = match layer.lith {
        Lithology::Shale => (sh_rt.ln(), (sh_rt * 1.15).ln()),
        Lithology::Coal => (900.0f64.ln(), 600.0f64.ln()),
        _ => {
            // Archie (a = 1, m = 2, n = 2) for the clean part, in parallel with the shale.
            let m = if layer.lith == Lithology::Limestone {
                2.2
            } else {
                2.0
            };
            let rt_clean = RW / (phi.powf(m) * sw * sw);
            let rxo_clean = RMF / (phi.powf(m) * sxo * sxo);
            let parallel = |clean: f64| 1.0 / ((1.0 - vsh) / clean + vsh / sh_rt);
            (
                parallel(rt_clean).min(2000.0).ln(),
                parallel(rxo_clean).min(2000.0).ln(),
            )
        }
    };
    Response {
        gr,
        sp: -72.0 * (1.0 - vsh) * sp_scale,
        rhob,
        nphi,
        pef,
        dt,
        ln_rt,
        ln_rm: 0.65 * ln_rt + 0.35 * ln_rxo,
        ln_rxo,
        washout: layer.washout,
    }
}

/// Centred moving average over `window` samples (a tool's vertical resolution), O(n).
fn smooth(values: &[f64], window: usize) -> Vec<f64> {
    let half = window / 2;
    let n = values.len();
    let mut prefix = Vec::with_capacity(n + 1);
    prefix.push(0.0);
    for v in values {
        prefix.push(prefix[prefix.len() - 1] + v);
    }
    (0..n)
        .map(|i| {
            let lo = i.saturating_sub(half);
            let hi = (i + half + 1).min(n);
            (prefix[hi] - prefix[lo]) / (hi - lo) as f64
        })
        .collect()
}

// -------------------------------------------------------------------------------------------------------
// Rendering
// -------------------------------------------------------------------------------------------------------

/// Per curve: (mnemonic, unit, API code, description, decimals).
const CURVE_DEFS: [(&str, &str, &str, &str, usize); 13] = [
    ("DEPT", "", "", "MEASURED DEPTH", 4),
    ("GR", "GAPI", "30 310 01 00", "GAMMA RAY", 2),
    ("CALI", "IN", "70 280 01 00", "CALIPER", 3),
    ("BS", "IN", "70 282 01 00", "BIT SIZE", 3),
    ("SP", "MV", "07 010 01 00", "SPONTANEOUS POTENTIAL", 2),
    ("RHOB", "G/CC", "45 350 01 00", "BULK DENSITY", 4),
    ("DRHO", "G/CC", "45 356 01 00", "DENSITY CORRECTION", 4),
    (
        "NPHI",
        "V/V",
        "42 890 00 00",
        "NEUTRON POROSITY (LIMESTONE MATRIX)",
        4,
    ),
    ("PEF", "B/E", "45 358 01 00", "PHOTOELECTRIC FACTOR", 3),
    ("DT", "US/F", "60 520 32 00", "SONIC TRANSIT TIME", 2),
    ("ILD", "OHMM", "07 120 46 00", "DEEP INDUCTION RESISTIVITY", 4),
    ("ILM", "OHMM", "07 120 44 00", "MEDIUM INDUCTION RESISTIVITY", 4),
    (
        "SFLU",
        "OHMM",
        "07 220 04 00",
        "SPHERICALLY FOCUSED RESISTIVITY",
        4,
    ),
];

fn render(spec: &WellSpec) -> DemoFile {
    let mut rng = SplitMix64(spec.seed);
    let model = layers(spec, &mut rng);
    let n = spec.rows;
    let depth: Vec<f64> = (0..n).map(|i| spec.start + spec.step * i as f64).collect();
    let stop = depth[n - 1];

    // Noise-free responses per sample, from the layer each sample sits in.
    let mut raw = Vec::with_capacity(n);
    let mut layer_index = 0;
    for &d in &depth {
        while layer_index + 1 < model.len() && d >= model[layer_index].base {
            layer_index += 1;
        }
        raw.push(response(
            &model[layer_index],
            (d - spec.start) / (stop - spec.start),
        ));
    }
    let field = |f: fn(&Response) -> f64| raw.iter().map(f).collect::<Vec<f64>>();
    // Windows in samples: roughly each tool's vertical resolution at a half-foot step.
    let gr = smooth(&field(|r| r.gr), 5);
    let sp = smooth(&field(|r| r.sp), 31);
    let rhob = smooth(&field(|r| r.rhob), 5);
    let nphi = smooth(&field(|r| r.nphi), 5);
    let pef = smooth(&field(|r| r.pef), 3);
    let dt = smooth(&field(|r| r.dt), 7);
    let ln_rt = smooth(&field(|r| r.ln_rt), 15);
    let ln_rm = smooth(&field(|r| r.ln_rm), 9);
    let ln_rxo = smooth(&field(|r| r.ln_rxo), 3);
    let washout = smooth(&field(|r| r.washout), 3);

    let mut columns: Vec<Vec<f64>> = vec![Vec::with_capacity(n); CURVES.len()];
    for i in 0..n {
        let d = depth[i];
        let bs = spec
            .bit_sizes
            .iter()
            .rev()
            .find(|(from, _)| d >= *from)
            .map_or(spec.bit_sizes[0].1, |(_, bs)| *bs);
        let cali = bs + washout[i] + 0.03 * rng.normal();
        let enlargement = (cali - bs - 0.3).max(0.0);
        // A washout puts mud between the density pad and the rock: the correction grows and RHOB still
        // reads low.
        let drho = 0.012 * rng.normal() + 0.05 * enlargement;
        let sp_drift = -6.0 * (d - spec.start) / (stop - spec.start);
        let row = [
            d,
            (gr[i] + 3.0 * rng.normal()).max(0.0),
            cali,
            bs,
            sp[i] + sp_drift + 0.4 * rng.normal(),
            rhob[i] - 0.04 * enlargement + 0.01 * rng.normal(),
            drho,
            nphi[i] + 0.008 * rng.normal(),
            (pef[i] + 0.08 * rng.normal()).max(0.05),
            dt[i] + 1.0 * rng.normal(),
            (ln_rt[i] + 0.03 * rng.normal()).exp(),
            (ln_rm[i] + 0.03 * rng.normal()).exp(),
            (ln_rxo[i] + 0.05 * rng.normal()).exp(),
        ];
        for (column, value) in columns.iter_mut().zip(row) {
            column.push(value);
        }
    }
    for (curve, from, to) in spec.gaps {
        if let Some(c) = CURVES.iter().position(|m| m == curve) {
            let lo = (from * n as f64) as usize;
            let hi = ((to * n as f64) as usize).min(n);
            for v in &mut columns[c][lo..hi] {
                *v = NULL;
            }
        }
    }

    let mut text = header(spec, stop);
    text.push_str("~A ");
    for (i, (mnemonic, ..)) in CURVE_DEFS.iter().enumerate() {
        let width = if i == 0 { 10 } else { 11 };
        let _ = write!(text, "{mnemonic:>width$}");
    }
    text.push('\n');
    for row in 0..n {
        for (c, (column, (.., decimals))) in columns.iter().zip(&CURVE_DEFS).enumerate() {
            let v = column[row];
            let _ = if v == NULL {
                write!(text, "{v:>11.2}")
            } else {
                write!(text, "{v:>11.decimals$}")
            };
            text.push(if c + 1 == CURVE_DEFS.len() { '\n' } else { ' ' });
        }
    }
    DemoFile {
        file_name: spec.file_name.to_owned(),
        well_name: spec.well.to_owned(),
        rows: n,
        bytes: text.into_bytes(),
    }
}

/// One `MNEM.UNIT  VALUE : DESCRIPTION` header line, aligned the way logging software writes them.
fn item(out: &mut String, mnemonic: &str, unit: &str, value: &str, description: &str) {
    let key = format!("{mnemonic}.{unit}");
    let _ = writeln!(out, " {key:<10} {value:<34} : {description}");
}

fn header(spec: &WellSpec, stop: f64) -> String {
    let unit = spec.unit.mnemonic();
    let mut h = String::new();
    h.push_str("~Version Information\n");
    item(&mut h, "VERS", "", "2.0", "CWLS LOG ASCII STANDARD - VERSION 2.0");
    item(&mut h, "WRAP", "", "NO", "ONE LINE PER DEPTH STEP");

    h.push_str("~Well Information\n");
    h.push_str("#MNEM.UNIT  DATA                               : DESCRIPTION\n");
    item(&mut h, "STRT", unit, &format!("{:.4}", spec.start), "START DEPTH");
    item(&mut h, "STOP", unit, &format!("{stop:.4}"), "STOP DEPTH");
    item(&mut h, "STEP", unit, &format!("{:.4}", spec.step), "STEP");
    item(&mut h, "NULL", "", "-999.25", "NULL VALUE");
    item(&mut h, "COMP", "", spec.company, "COMPANY");
    item(&mut h, "WELL", "", spec.well, "WELL");
    item(&mut h, "FLD", "", spec.field, "FIELD");
    item(&mut h, "LOC", "", spec.location, "LOCATION");
    item(&mut h, "CTRY", "", spec.country, "COUNTRY");
    if !spec.state.is_empty() {
        item(&mut h, "STAT", "", spec.state, "STATE / PROVINCE");
    }
    if !spec.county.is_empty() {
        item(&mut h, "CNTY", "", spec.county, "COUNTY");
    }
    item(&mut h, "SRVC", "", "MUDROCK SYNTHETIC LOGGING", "SERVICE COMPANY");
    item(&mut h, "DATE", "", spec.date, "LOG DATE");
    item(&mut h, "UWI", "", spec.uwi, "UNIQUE WELL ID");
    if !spec.api.is_empty() {
        item(&mut h, "API", "", spec.api, "API NUMBER");
    }
    match spec.coordinates {
        Coordinates::Decimal { lat, lon } => {
            item(&mut h, "LATI", "DEG", &format!("{lat:.6}"), "LATITUDE");
            item(&mut h, "LONG", "DEG", &format!("{lon:.6}"), "LONGITUDE");
            item(&mut h, "GDAT", "", "NAD83", "GEODETIC DATUM");
        }
        Coordinates::Dms { lat, lon } => {
            item(&mut h, "LATI", "", lat, "LATITUDE");
            item(&mut h, "LONG", "", lon, "LONGITUDE");
            item(&mut h, "GDAT", "", "NAD27", "GEODETIC DATUM");
        }
        Coordinates::None => {}
    }

    h.push_str("~Curve Information\n");
    for (mnemonic, curve_unit, api, description, _) in CURVE_DEFS {
        let curve_unit = if mnemonic == "DEPT" { unit } else { curve_unit };
        item(&mut h, mnemonic, curve_unit, api, description);
    }

    h.push_str("~Parameter Information\n");
    let bs = spec.bit_sizes.last().map_or(8.5, |(_, bs)| *bs);
    item(&mut h, "BS", "IN", &format!("{bs:.3}"), "BIT SIZE AT TD");
    item(
        &mut h,
        "RMF",
        "OHMM",
        &format!("{RMF:.3}"),
        "MUD FILTRATE RESISTIVITY",
    );
    item(
        &mut h,
        "RW",
        "OHMM",
        &format!("{RW:.3}"),
        "FORMATION WATER RESISTIVITY",
    );
    item(&mut h, "MATR", "", "LIME", "NEUTRON MATRIX");

    h.push_str("~Other\n");
    h.push_str(" Synthetic demo data generated by MudRock. Not from a real well; any likeness is chance.\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_well_has_ordered_tops_inside_its_log() {
        for file in generate() {
            let tops = tops(&file.file_name);
            assert!(tops.len() >= 6, "{}: {tops:?}", file.file_name);
            let spec = WELLS.iter().find(|s| s.file_name == file.file_name).unwrap();
            let stop = spec.start + spec.step * (spec.rows as f64 - 1.0);
            for pair in tops.windows(2) {
                assert!(pair[0].depth < pair[1].depth, "{}: {tops:?}", file.file_name);
            }
            for t in &tops {
                assert!(
                    t.depth > spec.start && t.depth < stop,
                    "{}: {t:?}",
                    file.file_name
                );
            }
        }
        assert!(tops("other.las").is_empty());
        assert_eq!(tops("demo_01_federal_1-16.las"), tops("demo_01_federal_1-16.las"));
    }

    #[test]
    fn splitmix_is_the_reference_sequence() {
        // First outputs of SplitMix64 seeded with 0 (Vigna's reference implementation).
        let mut rng = SplitMix64(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn smoothing_keeps_constants_and_length() {
        let v = vec![2.0; 10];
        assert_eq!(smooth(&v, 5), v);
        assert_eq!(smooth(&[1.0, 3.0], 3), vec![2.0, 2.0]);
    }

    #[test]
    fn gas_sand_shows_the_neutron_density_crossover() {
        let gas = Layer {
            base: 0.0,
            lith: Lithology::Sand(Fluid::Gas),
            porosity: 0.25,
            shale_volume: 0.05,
            washout: 0.0,
        };
        let water = Layer {
            lith: Lithology::Sand(Fluid::Water),
            ..gas
        };
        let g = response(&gas, 0.5);
        let w = response(&water, 0.5);
        // Density porosity (sandstone matrix) well above neutron porosity in gas only.
        let dphi = |r: &Response| (2.65 - r.rhob) / (2.65 - 1.0);
        assert!(dphi(&g) - g.nphi > 0.1, "gas: dphi {} nphi {}", dphi(&g), g.nphi);
        assert!(
            (dphi(&w) - w.nphi).abs() < 0.08,
            "water: dphi {} nphi {}",
            dphi(&w),
            w.nphi
        );
        assert!(g.ln_rt > w.ln_rt + 2.0);
    }

    #[test]
    fn six_wells_with_plausible_sizes() {
        let files = generate();
        assert_eq!(files.len(), 6);
        for f in &files {
            assert!((5_000..=30_000).contains(&f.rows), "{} rows", f.rows);
            let text = std::str::from_utf8(&f.bytes).unwrap();
            assert!(text.starts_with("~Version Information\n"));
            assert_eq!(
                text.lines().skip_while(|l| !l.starts_with("~A")).count(),
                f.rows + 1
            );
        }
    }
}
