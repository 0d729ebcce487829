//! The log display's model, without drawing (tested natively): tracks and their curves with
//! family-based default scales (field conventions, "Usual display"), linear and logarithmic scales,
//! reversed scales, fills, depth ↔ pixel mapping, per-track min/max decimation (core's) and the depth
//! readout.

use mudrock_core::model::{CurveFamily, Scale, canonical_unit};
use mudrock_core::query::decimate_min_max;
use serde::Serialize;

use crate::data::CurveInfo;

/// How values map to a track's width.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AxisScale {
    pub min: f64,
    pub max: f64,
    pub log: bool,
    /// `max` drawn on the left.
    pub reversed: bool,
}

impl AxisScale {
    pub fn linear(min: f64, max: f64) -> AxisScale {
        AxisScale {
            min,
            max,
            log: false,
            reversed: false,
        }
    }

    /// The fraction of the width (0 left, 1 right) of `v`; `None` for a null or, on a log scale, a value
    /// ≤ 0. Values outside the scale give fractions outside 0..1 (the track clips them).
    pub fn frac(&self, v: f64) -> Option<f64> {
        if !v.is_finite() {
            return None;
        }
        let f = if self.log {
            if v <= 0.0 || self.min <= 0.0 {
                return None;
            }
            (v.ln() - self.min.ln()) / (self.max.ln() - self.min.ln())
        } else {
            (v - self.min) / (self.max - self.min)
        };
        Some(if self.reversed { 1.0 - f } else { f })
    }

    /// Left and right labels of the header.
    pub fn label(&self) -> (String, String) {
        let fmt = |v: f64| {
            if v.abs() >= 100.0 || v == v.trunc() {
                format!("{v}")
            } else {
                format!("{v:.2}")
            }
        };
        if self.reversed {
            (fmt(self.max), fmt(self.min))
        } else {
            (fmt(self.min), fmt(self.max))
        }
    }
}

/// A fill under or between curves.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Fill {
    /// Between the curve and a vertical cutoff: `low` colour where the value is below it (sand for GR),
    /// `high` above (shale).
    Cutoff {
        curve: String,
        cutoff: f64,
        low: &'static str,
        high: &'static str,
    },
    /// Between two curves where `left` plots left of `right` (NPHI–RHOB crossover: gas), and where a
    /// caliper reads larger than the bit size (washout).
    Between {
        left: String,
        right: String,
        color: &'static str,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurveStyle {
    pub name: String,
    pub unit: String,
    pub family: String,
    pub scale: AxisScale,
    pub color: &'static str,
    pub dashed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Track {
    pub id: &'static str,
    pub title: &'static str,
    pub curves: Vec<CurveStyle>,
    pub fills: Vec<Fill>,
}

/// The GR cutoff between sand and shale (gAPI) drawn by default.
pub const GR_CUTOFF: f64 = 75.0;

fn family_of(c: &CurveInfo) -> CurveFamily {
    CurveFamily::from_name(&c.family).unwrap_or(CurveFamily::Unknown)
}

/// The family's default scale converted to the curve's own unit (K/M3 density, percent porosity,
/// µs/m sonic), or one from the data range when the family has none.
pub fn default_scale(c: &CurveInfo, data_range: Option<(f64, f64)>) -> AxisScale {
    let family = family_of(c);
    if let Some(d) = family.display() {
        let (mut min, mut max) = (d.min, d.max);
        if let Some(u) = canonical_unit(&c.unit)
            && u != d.unit
            && let (Some(a), Some(b)) = (d.unit.convert(min, u), d.unit.convert(max, u))
        {
            (min, max) = (a.min(b), a.max(b));
        }
        return AxisScale {
            min,
            max,
            log: d.scale == Scale::Logarithmic,
            reversed: d.reversed,
        };
    }
    match data_range {
        Some((lo, hi)) if hi > lo => AxisScale::linear(lo, hi),
        Some((lo, _)) => AxisScale::linear(lo - 1.0, lo + 1.0),
        None => AxisScale::linear(0.0, 1.0),
    }
}

/// The default tracks for a log's curves: GR (sand/shale fill), CALI with BS (washout fill),
/// resistivities (log 0.2–2000), NPHI reversed over RHOB (crossover fill), DT reversed, then the rest.
/// Tracks with no curve are left out. Only numeric curves are placed.
pub fn default_tracks(curves: &[CurveInfo]) -> Vec<Track> {
    use CurveFamily::*;
    let mut tracks = vec![
        Track {
            id: "gr",
            title: "Gamma ray",
            curves: vec![],
            fills: vec![],
        },
        Track {
            id: "cali",
            title: "Caliper / bit size",
            curves: vec![],
            fills: vec![],
        },
        Track {
            id: "res",
            title: "Resistivity",
            curves: vec![],
            fills: vec![],
        },
        Track {
            id: "porosity",
            title: "Neutron / density",
            curves: vec![],
            fills: vec![],
        },
        Track {
            id: "sonic",
            title: "Sonic",
            curves: vec![],
            fills: vec![],
        },
        Track {
            id: "other",
            title: "Other",
            curves: vec![],
            fills: vec![],
        },
    ];
    for c in curves.iter().filter(|c| c.numeric) {
        let family = family_of(c);
        let (track, color, dashed) = match family {
            GammaRay => (0, "#1b7f1b", false),
            Sp => (0, "#7a3db8", true),
            Caliper => (1, "#222222", false),
            BitSize => (1, "#888888", true),
            DeepResistivity => (2, "#c01818", false),
            MediumResistivity => (2, "#1f4fd1", true),
            ShallowResistivity => (2, "#e08a00", true),
            NeutronPorosity => (3, "#1f4fd1", true),
            Density => (3, "#c01818", false),
            Sonic | ShearSonic => (4, "#7a3db8", false),
            _ => (5, "#444444", false),
        };
        tracks[track].curves.push(CurveStyle {
            name: c.name.clone(),
            unit: c.unit.clone(),
            family: c.family.clone(),
            scale: default_scale(c, None),
            color,
            dashed,
        });
    }
    let first = |t: &Track, f: CurveFamily| {
        t.curves
            .iter()
            .find(|s| s.family == f.as_str())
            .map(|s| s.name.clone())
    };
    if let Some(gr) = first(&tracks[0], GammaRay) {
        tracks[0].fills.push(Fill::Cutoff {
            curve: gr,
            cutoff: GR_CUTOFF,
            low: "#f2d64b",
            high: "#8c8f7a",
        });
    }
    if let (Some(bs), Some(cali)) = (first(&tracks[1], BitSize), first(&tracks[1], Caliper)) {
        tracks[1].fills.push(Fill::Between {
            left: bs,
            right: cali,
            color: "#e8a0a0",
        });
    }
    if let (Some(rhob), Some(nphi)) = (first(&tracks[3], Density), first(&tracks[3], NeutronPorosity)) {
        // Gas: density porosity reads more than neutron, so RHOB swings left of NPHI.
        tracks[3].fills.push(Fill::Between {
            left: rhob,
            right: nphi,
            color: "#f7c948",
        });
    }
    tracks.retain(|t| !t.curves.is_empty());
    tracks
}

/// The pixel row of `depth` in a view of `top..bottom` drawn over `height` pixels (depth increases
/// downward).
pub fn depth_to_y(depth: f64, top: f64, bottom: f64, height: f64) -> f64 {
    (depth - top) / (bottom - top) * height
}

pub fn y_to_depth(y: f64, top: f64, bottom: f64, height: f64) -> f64 {
    top + y / height * (bottom - top)
}

/// Rows to draw for one track: min/max per depth bucket (core's decimation, every spike and gap kept),
/// about two points per curve per pixel row.
pub fn decimate_for_track(depth: &[f64], columns: &[&[f64]], height_px: usize) -> Vec<usize> {
    let per_bucket = (2 * columns.len()).max(1);
    let max_points = (height_px.max(1) * per_bucket).max(per_bucket);
    decimate_min_max(depth, columns, max_points).unwrap_or_else(|_| (0..depth.len()).collect())
}

/// The row nearest to `d` in a sorted depth column, if `d` is within half a step of the data.
pub fn row_at(depth: &[f64], d: f64) -> Option<usize> {
    if depth.is_empty() || !d.is_finite() {
        return None;
    }
    let i = depth.partition_point(|x| *x < d);
    let cand = [i.checked_sub(1), (i < depth.len()).then_some(i)];
    let best = cand
        .into_iter()
        .flatten()
        .min_by(|&a, &b| (depth[a] - d).abs().total_cmp(&(depth[b] - d).abs()))?;
    let step = if depth.len() > 1 {
        (depth[depth.len() - 1] - depth[0]).abs() / (depth.len() - 1) as f64
    } else {
        0.0
    };
    ((depth[best] - d).abs() <= step.max(1e-9)).then_some(best)
}

/// A new view after zooming by `factor` (< 1 zooms in) around `at`, kept within `limits`.
pub fn zoom(view: (f64, f64), at: f64, factor: f64, limits: (f64, f64)) -> (f64, f64) {
    let (top, bottom) = view;
    let span = ((bottom - top) * factor).clamp(1.0, (limits.1 - limits.0).max(1.0));
    let frac = if bottom > top {
        ((at - top) / (bottom - top)).clamp(0.0, 1.0)
    } else {
        0.5
    };
    let new_top = at - frac * span;
    clamp_view((new_top, new_top + span), limits)
}

/// A view moved by `delta` depth units, kept within `limits`.
pub fn pan(view: (f64, f64), delta: f64, limits: (f64, f64)) -> (f64, f64) {
    clamp_view((view.0 + delta, view.1 + delta), limits)
}

fn clamp_view(view: (f64, f64), limits: (f64, f64)) -> (f64, f64) {
    let span = (view.1 - view.0).min(limits.1 - limits.0);
    let top = view.0.clamp(limits.0, (limits.1 - span).max(limits.0));
    (top, top + span)
}

/// A well's logs with their number of curves, in the curve list's order (the log chooser's entries).
pub fn logs_of(curves: &mudrock_shared::wells::CurveList) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = vec![];
    for c in &curves.curves {
        match counts.iter_mut().find(|(l, _)| *l == c.log_id) {
            Some(e) => e.1 += 1,
            None => counts.push((c.log_id.clone(), 1)),
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_are_counted_in_the_curve_lists_order() {
        let curve = |log: &str, mnemonic: &str| mudrock_shared::wells::Curve {
            log_id: log.into(),
            mnemonic: mnemonic.into(),
            unit: String::new(),
            family: String::new(),
            description: String::new(),
            min: None,
            max: None,
            null_count: 0,
            rows: 0,
        };
        let list = mudrock_shared::wells::CurveList {
            well_id: "w".into(),
            curves: vec![curve("b", "GR"), curve("a", "GR"), curve("b", "RHOB")],
        };
        assert_eq!(logs_of(&list), vec![("b".to_owned(), 2), ("a".to_owned(), 1)]);
    }

    fn curve(name: &str, unit: &str, family: &str) -> CurveInfo {
        CurveInfo {
            name: name.into(),
            unit: unit.into(),
            family: family.into(),
            description: String::new(),
            numeric: true,
        }
    }

    #[test]
    fn family_scales_follow_the_field_conventions() {
        let gr = default_scale(&curve("GR", "GAPI", "gamma_ray"), None);
        assert_eq!((gr.min, gr.max, gr.log, gr.reversed), (0.0, 150.0, false, false));
        let ild = default_scale(&curve("ILD", "OHMM", "deep_resistivity"), None);
        assert!(ild.log && ild.min == 0.2 && ild.max == 2000.0);
        // 4 decades: 2 ohm.m sits a quarter of the way.
        assert!((ild.frac(2.0).unwrap() - 0.25).abs() < 1e-12);
        assert_eq!(ild.frac(0.0), None, "no log of zero");
        let nphi = default_scale(&curve("NPHI", "V/V", "neutron_porosity"), None);
        assert!(nphi.reversed);
        assert_eq!(nphi.label(), ("0.45".to_owned(), "-0.15".to_owned()));
        assert!((nphi.frac(0.45).unwrap()).abs() < 1e-12, "0.45 on the left");
        let dt = default_scale(&curve("DT", "US/F", "sonic"), None);
        assert!(dt.reversed && dt.frac(140.0).unwrap().abs() < 1e-12);
        // RHOB in kg/m3: the limits follow the unit.
        let rhob = default_scale(&curve("RHOB", "K/M3", "density"), None);
        assert!(
            (rhob.min - 1950.0).abs() < 1e-6 && (rhob.max - 2950.0).abs() < 1e-6,
            "{rhob:?}"
        );
        // Unknown family: from the data.
        let x = default_scale(&curve("X", "", "unknown"), Some((3.0, 9.0)));
        assert_eq!((x.min, x.max), (3.0, 9.0));
        assert_eq!(x.frac(f64::NAN), None, "null is no point");
    }

    #[test]
    fn tracks_group_curves_with_their_fills() {
        let curves: Vec<CurveInfo> = [
            ("GR", "GAPI", "gamma_ray"),
            ("CALI", "IN", "caliper"),
            ("BS", "IN", "bit_size"),
            ("RHOB", "G/CC", "density"),
            ("NPHI", "V/V", "neutron_porosity"),
            ("DT", "US/F", "sonic"),
            ("ILD", "OHMM", "deep_resistivity"),
            ("ILM", "OHMM", "medium_resistivity"),
            ("PEF", "B/E", "pef"),
        ]
        .iter()
        .map(|(n, u, f)| curve(n, u, f))
        .collect();
        let t = default_tracks(&curves);
        let ids: Vec<&str> = t.iter().map(|t| t.id).collect();
        assert_eq!(ids, ["gr", "cali", "res", "porosity", "sonic", "other"]);
        assert!(
            matches!(&t[0].fills[0], Fill::Cutoff { curve, cutoff, .. } if curve == "GR" && *cutoff == GR_CUTOFF)
        );
        assert!(
            matches!(&t[1].fills[0], Fill::Between { left, right, .. } if left == "BS" && right == "CALI")
        );
        assert!(
            matches!(&t[3].fills[0], Fill::Between { left, right, .. } if left == "RHOB" && right == "NPHI")
        );
        assert_eq!(t[2].curves.len(), 2);
        assert_eq!(t[5].curves[0].name, "PEF");
        // No sonic curve: no sonic track.
        assert!(!default_tracks(&curves[..5]).iter().any(|t| t.id == "sonic"));
    }

    #[test]
    fn decimation_keeps_spikes_and_gaps_within_the_pixel_budget() {
        let n = 30_000;
        let depth: Vec<f64> = (0..n).map(|i| i as f64 * 0.1).collect();
        let mut gr: Vec<f64> = (0..n).map(|i| 50.0 + (i % 10) as f64).collect();
        gr[12_345] = 500.0;
        for v in &mut gr[20_000..20_500] {
            *v = f64::NAN;
        }
        let rows = decimate_for_track(&depth, &[&gr], 600);
        assert!(rows.len() <= 1200, "{} rows for 600 px", rows.len());
        assert!(rows.contains(&12_345), "the spike survives");
        assert!(
            rows.iter()
                .any(|&r| (20_000..20_500).contains(&r) && gr[r].is_nan()),
            "the gap survives"
        );
    }

    #[test]
    fn readout_zoom_and_pan() {
        let depth: Vec<f64> = (0..100).map(|i| 1000.0 + i as f64 * 0.5).collect();
        assert_eq!(row_at(&depth, 1010.2), Some(20));
        assert_eq!(row_at(&depth, 1010.3), Some(21));
        assert_eq!(row_at(&depth, 900.0), None, "outside the data");
        assert_eq!(depth_to_y(1025.0, 1000.0, 1050.0, 500.0), 250.0);
        assert_eq!(y_to_depth(250.0, 1000.0, 1050.0, 500.0), 1025.0);
        let limits = (1000.0, 2000.0);
        let z = zoom((1000.0, 2000.0), 1500.0, 0.5, limits);
        assert_eq!(z, (1250.0, 1750.0), "zoom around the cursor");
        assert_eq!(zoom(z, 1500.0, 10.0, limits), limits, "never past the log");
        assert_eq!(
            pan((1250.0, 1750.0), 400.0, limits),
            (1500.0, 2000.0),
            "stops at the bottom"
        );
    }
}
