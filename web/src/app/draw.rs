//! Canvas drawing of the tracks (one canvas per track) from a decoded window.

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use mudrock_shared::tops::Top;

use crate::data::Window;
use crate::view::{Fill, Track, decimate_for_track, depth_to_y};

/// Formation tops: one colour no curve or fill uses, so they can be told apart (and counted by the
/// end-to-end test).
pub const TOPS_COLOR: &str = "#009688";

/// The tops inside the view as full-width lines, and with `labels` their names above the line.
fn draw_tops(ctx: &CanvasRenderingContext2d, w: f64, h: f64, view: (f64, f64), tops: &[Top], labels: bool) {
    let (top, bottom) = view;
    ctx.set_stroke_style_str(TOPS_COLOR);
    ctx.set_line_width(1.0);
    let _ = ctx.set_line_dash(&js_sys::Array::new());
    ctx.set_font("bold 10px sans-serif");
    for t in tops.iter().filter(|t| t.depth >= top && t.depth <= bottom) {
        let y = depth_to_y(t.depth, top, bottom, h).round() + 0.5;
        ctx.begin_path();
        ctx.move_to(0.0, y);
        ctx.line_to(w, y);
        ctx.stroke();
        if labels {
            let width = ctx.measure_text(&t.name).map_or(60.0, |m| m.width());
            ctx.set_fill_style_str("rgba(255,255,255,0.85)");
            ctx.fill_rect(2.0, y - 12.0, width + 4.0, 11.0);
            ctx.set_fill_style_str(TOPS_COLOR);
            let _ = ctx.fill_text(&t.name, 4.0, y - 3.0);
        }
    }
}

pub fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok()??.dyn_into().ok()
}

/// A "nice" depth interval giving about `n` lines over `span`.
fn nice_step(span: f64, n: f64) -> f64 {
    let raw = (span / n).max(1e-9);
    let mag = 10f64.powf(raw.log10().floor());
    let r = raw / mag;
    mag * if r < 1.5 {
        1.0
    } else if r < 3.5 {
        2.0
    } else if r < 7.5 {
        5.0
    } else {
        10.0
    }
}

fn depth_grid(ctx: &CanvasRenderingContext2d, w: f64, h: f64, top: f64, bottom: f64) {
    let step = nice_step(bottom - top, 10.0);
    ctx.set_stroke_style_str("#e3e3e3");
    ctx.set_line_width(1.0);
    let mut d = (top / step).ceil() * step;
    ctx.begin_path();
    while d <= bottom {
        let y = depth_to_y(d, top, bottom, h).round() + 0.5;
        ctx.move_to(0.0, y);
        ctx.line_to(w, y);
        d += step;
    }
    ctx.stroke();
}

/// The depth track: labels at a nice interval, in the file's unit.
pub fn draw_depth(canvas: &HtmlCanvasElement, view: (f64, f64), unit: &str, tops: &[Top]) {
    let Some(ctx) = context(canvas) else { return };
    let (w, h) = (f64::from(canvas.width()), f64::from(canvas.height()));
    ctx.set_fill_style_str("#fafafa");
    ctx.fill_rect(0.0, 0.0, w, h);
    let (top, bottom) = view;
    let step = nice_step(bottom - top, 10.0);
    ctx.set_fill_style_str("#222");
    ctx.set_font("11px sans-serif");
    ctx.set_stroke_style_str("#999");
    let mut d = (top / step).ceil() * step;
    while d <= bottom {
        let y = depth_to_y(d, top, bottom, h);
        ctx.begin_path();
        ctx.move_to(w - 8.0, y);
        ctx.line_to(w, y);
        ctx.stroke();
        let label = if step >= 1.0 {
            format!("{d:.0}")
        } else {
            format!("{d:.1}")
        };
        let _ = ctx.fill_text(&label, 4.0, y + 4.0);
        d += step;
    }
    let _ = ctx.fill_text(unit, 4.0, 12.0);
    draw_tops(&ctx, w, h, view, tops, false);
}

/// One track: grid, fills, curves, then the formation tops across it (named when `labels`); nulls
/// break the line. Returns the points drawn.
pub fn draw_track(
    canvas: &HtmlCanvasElement,
    track: &Track,
    window: &Window,
    view: (f64, f64),
    hidden: &[String],
    tops: &[Top],
    labels: bool,
) -> usize {
    let Some(ctx) = context(canvas) else { return 0 };
    let (w, h) = (f64::from(canvas.width()), f64::from(canvas.height()));
    let (top, bottom) = view;
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, w, h);
    depth_grid(&ctx, w, h, top, bottom);
    // Vertical grid: decades on a log track, tenths otherwise.
    if let Some(first) = track.curves.first() {
        ctx.set_stroke_style_str("#eeeeee");
        ctx.begin_path();
        if first.scale.log {
            let mut v = first.scale.min;
            while v <= first.scale.max * 1.0001 {
                if let Some(f) = first.scale.frac(v) {
                    let x = (f * w).round() + 0.5;
                    ctx.move_to(x, 0.0);
                    ctx.line_to(x, h);
                }
                v *= 10.0;
            }
        } else {
            for i in 1..10 {
                let x = (f64::from(i) * w / 10.0).round() + 0.5;
                ctx.move_to(x, 0.0);
                ctx.line_to(x, h);
            }
        }
        ctx.stroke();
    }
    let visible: Vec<_> = track
        .curves
        .iter()
        .filter(|c| !hidden.contains(&c.name))
        .collect();
    let cols: Vec<&[f64]> = visible.iter().filter_map(|c| window.curve(&c.name)).collect();
    if cols.is_empty() || window.depth.is_empty() {
        draw_tops(&ctx, w, h, view, tops, labels);
        return 0;
    }
    let rows = decimate_for_track(&window.depth, &cols, canvas.height() as usize);
    let ys: Vec<f64> = rows
        .iter()
        .map(|&r| depth_to_y(window.depth[r], top, bottom, h))
        .collect();
    let xs = |name: &str| -> Option<Vec<Option<f64>>> {
        let style = visible.iter().find(|c| c.name == name)?;
        let values = window.curve(name)?;
        Some(
            rows.iter()
                .map(|&r| style.scale.frac(values[r]).map(|f| f * w))
                .collect(),
        )
    };
    // Fills first, under the curves.
    for fill in &track.fills {
        match fill {
            Fill::Cutoff {
                curve,
                cutoff,
                low,
                high,
            } => {
                let Some(style) = visible.iter().find(|c| &c.name == curve) else {
                    continue;
                };
                let Some(x) = xs(curve) else { continue };
                let Some(xc) = style.scale.frac(*cutoff).map(|f| f * w) else {
                    continue;
                };
                let values = window.curve(curve).unwrap_or_default();
                for i in 0..rows.len().saturating_sub(1) {
                    let (Some(xv), Some(_)) = (x[i], x[i + 1]) else {
                        continue;
                    };
                    let v = values[rows[i]];
                    ctx.set_fill_style_str(if v < *cutoff { low } else { high });
                    let (y0, y1) = (ys[i], ys[i + 1]);
                    ctx.fill_rect(xc.min(xv), y0, (xv - xc).abs(), (y1 - y0).max(0.5));
                }
            }
            Fill::Between { left, right, color } => {
                let (Some(xl), Some(xr)) = (xs(left), xs(right)) else {
                    continue;
                };
                ctx.set_fill_style_str(color);
                for i in 0..rows.len().saturating_sub(1) {
                    if let (Some(a), Some(b)) = (xl[i], xr[i])
                        && a < b
                    {
                        let (y0, y1) = (ys[i], ys[i + 1]);
                        ctx.fill_rect(a, y0, b - a, (y1 - y0).max(0.5));
                    }
                }
            }
        }
    }
    let mut points = 0;
    ctx.save();
    ctx.begin_path();
    ctx.rect(0.0, 0.0, w, h);
    ctx.clip();
    for style in &visible {
        let Some(x) = xs(&style.name) else { continue };
        ctx.set_stroke_style_str(style.color);
        ctx.set_line_width(1.2);
        let dash = js_sys::Array::new();
        if style.dashed {
            dash.push(&4.0.into());
            dash.push(&3.0.into());
        }
        let _ = ctx.set_line_dash(&dash);
        ctx.begin_path();
        let mut pen = false;
        for (i, xi) in x.iter().enumerate() {
            match xi {
                Some(xv) => {
                    if pen {
                        ctx.line_to(*xv, ys[i]);
                    } else {
                        ctx.move_to(*xv, ys[i]);
                    }
                    pen = true;
                    points += 1;
                }
                // A null: the line stops here and starts again after the gap.
                None => pen = false,
            }
        }
        ctx.stroke();
    }
    ctx.restore();
    draw_tops(&ctx, w, h, view, tops, labels);
    points
}
