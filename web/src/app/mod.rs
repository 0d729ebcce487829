//! The Leptos app: projects → wells (searchable list, SVG map with polygon search) → the log display of
//! one well (canvas tracks, headers, readout, zoom/pan), pinning for offline, LAS import.

mod draw;
mod import;
mod net;

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use mudrock_shared::SqlRequest;
use mudrock_shared::projects::ProjectList;
use mudrock_shared::table::Table;
use mudrock_shared::tops::{Top, TopList};
use mudrock_shared::wells::{CurveList, PolygonSearchResponse, Well, WellPage};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use crate::calc::{self, CalcKind};
use crate::data::{BlockCache, CurveInfo, LogFile, ReadStats, Window, open_log, read_window};
use crate::map::{MapProjection, polygon_wkt};
use crate::view::{CurveStyle, Track, default_tracks, pan, row_at, y_to_depth, zoom};
use net::Source;

/// The L1 budget: decoded blocks kept in memory.
const L1_BYTES: u64 = 64 << 20;
const TRACK_HEIGHT: u32 = 560;
const TRACK_WIDTH: u32 = 150;
const DEPTH_WIDTH: u32 = 60;

/// What the app holds outside the reactive graph (not `Send`): the open log, its source, the cache.
struct Loaded {
    file: Rc<LogFile>,
    source: Rc<Source>,
    /// Which well it belongs to (a late answer for another well is dropped).
    well: String,
}

struct Store {
    cache: Option<BlockCache>,
    loaded: Option<Loaded>,
    window: Option<Rc<Window>>,
    /// Computed curves of the open log, whole (depth and one column per computed curve).
    computed: Option<Rc<Window>>,
    loading: bool,
    pending: bool,
}

thread_local! {
    static STORE: RefCell<Store> = RefCell::new(Store {
        cache: Some(BlockCache::new(L1_BYTES)),
        loaded: None,
        window: None,
        computed: None,
        loading: false,
        pending: false,
    });
}

fn api(path: &str) -> String {
    format!("/v1{path}")
}

fn log_url(project: &str, well: &str, log: &str) -> String {
    api(&format!("/projects/{project}/wells/{well}/logs/{log}.parquet"))
}

fn curves_url(project: &str, well: &str) -> String {
    api(&format!("/projects/{project}/wells/{well}/curves"))
}

fn tops_url(project: &str, well: &str) -> String {
    api(&format!("/projects/{project}/wells/{well}/tops"))
}

/// The depth under the cursor and each curve's value there.
type Readout = (f64, Vec<(String, String)>);

#[derive(Clone, Copy)]
struct Ui {
    token: RwSignal<String>,
    project: RwSignal<Option<String>>,
    projects: RwSignal<Vec<String>>,
    wells: RwSignal<Vec<Well>>,
    filter: RwSignal<String>,
    polygon: RwSignal<Vec<(f64, f64)>>,
    drawing: RwSignal<bool>,
    inside: RwSignal<Option<Vec<String>>>,
    selected: RwSignal<Option<String>>,
    tracks: RwSignal<Vec<Track>>,
    hidden: RwSignal<Vec<String>>,
    view: RwSignal<Option<(f64, f64)>>,
    limits: RwSignal<(f64, f64)>,
    depth_unit: RwSignal<String>,
    data_version: RwSignal<u64>,
    status: RwSignal<String>,
    offline: RwSignal<bool>,
    readout: RwSignal<Option<Readout>>,
    pinned: RwSignal<Vec<String>>,
    /// The well whose first paint is still to be timed.
    first_paint: RwSignal<Option<String>>,
    /// Formation tops of the open well.
    tops: RwSignal<Vec<Top>>,
    /// The well's logs (id, number of curves) and the one shown.
    logs: RwSignal<Vec<(String, usize)>>,
    log: RwSignal<Option<String>>,
    /// The shown log's curves, and those chosen for display.
    log_curves: RwSignal<Vec<CurveInfo>>,
    chosen: RwSignal<Vec<String>>,
    /// Computed curves added as a track.
    computed: RwSignal<Vec<CurveStyle>>,
}

/// Starts the app in `<body>`. Called from index.html after the module loads.
#[wasm_bindgen]
pub fn run() {
    console_error();
    leptos::mount::mount_to_body(App);
}

fn console_error() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&info.to_string().into());
    }));
}

#[component]
fn App() -> impl IntoView {
    let fragment = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    let token = crate::token_from_fragment(&fragment)
        .inspect(|t| net::local_set("mudrock.token", t))
        .or_else(|| net::local_get("mudrock.token"))
        .unwrap_or_default();
    let ui = Ui {
        token: RwSignal::new(token),
        project: RwSignal::new(None),
        projects: RwSignal::new(vec![]),
        wells: RwSignal::new(vec![]),
        filter: RwSignal::new(String::new()),
        polygon: RwSignal::new(vec![]),
        drawing: RwSignal::new(false),
        inside: RwSignal::new(None),
        selected: RwSignal::new(None),
        tracks: RwSignal::new(vec![]),
        hidden: RwSignal::new(vec![]),
        view: RwSignal::new(None),
        limits: RwSignal::new((0.0, 1.0)),
        depth_unit: RwSignal::new(String::new()),
        data_version: RwSignal::new(0),
        status: RwSignal::new(String::from("starting")),
        offline: RwSignal::new(false),
        readout: RwSignal::new(None),
        pinned: RwSignal::new(
            net::local_get("mudrock.pinned")
                .map(|s| {
                    s.split(',')
                        .filter(|x| !x.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
        ),
        first_paint: RwSignal::new(None),
        tops: RwSignal::new(vec![]),
        logs: RwSignal::new(vec![]),
        log: RwSignal::new(None),
        log_curves: RwSignal::new(vec![]),
        chosen: RwSignal::new(vec![]),
        computed: RwSignal::new(vec![]),
    };
    provide_context(ui);
    spawn_local(load_projects(ui));
    import::watch_online(ui);
    // Redraw whenever data, view, tracks or hidden curves change.
    Effect::new(move |_| {
        let _ = ui.data_version.get();
        let view = ui.view.get();
        let tracks = ui.tracks.get();
        let hidden = ui.hidden.get();
        let _ = ui.tops.get();
        let Some(view) = view else { return };
        redraw(ui, &tracks, &hidden, view);
    });
    view! {
        <header>
            <h1>"MudRock"</h1>
            <select data-testid="project" on:change=move |ev| {
                ui.project.set(Some(event_target_value(&ev)));
                spawn_local(load_wells(ui));
            }>
                <For each=move || ui.projects.get() key=|p| p.clone() let:p>
                    <option value=p.clone() selected=move || ui.project.get().as_deref() == Some(p.as_str())>{p.clone()}</option>
                </For>
            </select>
            <span class="status" data-testid="status">{move || ui.status.get()}</span>
            <span class="offline" data-testid="offline" class:shown=move || ui.offline.get()>"offline: showing pinned data"</span>
            <TokenBox/>
        </header>
        <main>
            <aside>
                <input data-testid="search" type="search" placeholder="search wells (name, UWI)"
                    on:input=move |ev| ui.filter.set(event_target_value(&ev)) prop:value=move || ui.filter.get()/>
                <WellMap/>
                <WellList/>
                <import::Import/>
            </aside>
            <section class="viewer">
                <Viewer/>
            </section>
        </main>
    }
}

#[component]
fn TokenBox() -> impl IntoView {
    let ui = expect_context::<Ui>();
    view! {
        <input class="token" data-testid="token" type="password" placeholder="bearer token"
            prop:value=move || ui.token.get()
            on:change=move |ev| {
                let t = event_target_value(&ev);
                net::local_set("mudrock.token", &t);
                ui.token.set(t);
                spawn_local(load_projects(ui));
            }/>
    }
}

fn visible_wells(ui: Ui) -> Vec<Well> {
    let filter = ui.filter.get().to_lowercase();
    let inside = ui.inside.get();
    ui.wells
        .get()
        .into_iter()
        .filter(|w| {
            filter.is_empty()
                || w.name.as_deref().unwrap_or("").to_lowercase().contains(&filter)
                || w.uwi.as_deref().unwrap_or("").contains(&filter)
                || w.well_id.to_lowercase().contains(&filter)
        })
        .filter(|w| inside.as_ref().is_none_or(|ids| ids.contains(&w.well_id)))
        .collect()
}

#[component]
fn WellList() -> impl IntoView {
    let ui = expect_context::<Ui>();
    view! {
        <ul class="wells" data-testid="wells">
            <For each=move || visible_wells(ui) key=|w| w.well_id.clone() let:w>
                {
                    let id = w.well_id.clone();
                    let id2 = id.clone();
                    let id3 = id.clone();
                    let id4 = id.clone();
                    let name = w.name.clone().unwrap_or_else(|| id.clone());
                    let detail = format!(
                        "{} · {}–{} {}",
                        w.uwi.clone().unwrap_or_default(),
                        w.start.map(|v| format!("{v:.0}")).unwrap_or_default(),
                        w.stop.map(|v| format!("{v:.0}")).unwrap_or_default(),
                        w.depth_unit.clone().unwrap_or_default()
                    );
                    view! {
                        <li data-well=id4
                            class:selected=move || ui.selected.get().as_deref() == Some(id2.as_str())
                            on:click=move |_| select_well(ui, id3.clone())>
                            <b>{name}</b>
                            <span class="pin-mark" class:shown=move || ui.pinned.get().contains(&id)>" (pinned)"</span>
                            <small>{detail}</small>
                        </li>
                    }
                }
            </For>
        </ul>
    }
}

const MAP_W: f64 = 320.0;
const MAP_H: f64 = 220.0;

#[component]
fn WellMap() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let projection = Memo::new(move |_| {
        let pts: Vec<(f64, f64)> = ui
            .wells
            .get()
            .iter()
            .filter_map(|w| Some((w.lon?, w.lat?)))
            .collect();
        MapProjection::fit(&pts, MAP_W, MAP_H, 14.0)
    });
    let on_click = move |ev: web_sys::MouseEvent| {
        if !ui.drawing.get_untracked() {
            return;
        }
        let Some(p) = projection.get_untracked() else {
            return;
        };
        let Some(target) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let rect = target.get_bounding_client_rect();
        let x = (f64::from(ev.client_x()) - rect.left()) * MAP_W / rect.width();
        let y = (f64::from(ev.client_y()) - rect.top()) * MAP_H / rect.height();
        ui.polygon.update(|v| v.push(p.to_lon_lat(x, y)));
    };
    let polygon_points = move || {
        let Some(p) = projection.get() else {
            return String::new();
        };
        ui.polygon
            .get()
            .iter()
            .map(|&(lon, lat)| {
                let (x, y) = p.to_svg(lon, lat);
                format!("{x:.1},{y:.1}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let located = move || {
        ui.wells
            .get()
            .into_iter()
            .filter(Well::has_location)
            .collect::<Vec<_>>()
    };
    view! {
        <div class="map">
            <svg data-testid="map" viewBox=format!("0 0 {MAP_W} {MAP_H}") on:click=on_click
                class:drawing=move || ui.drawing.get()>
                <rect x="0" y="0" width=MAP_W height=MAP_H fill="#eef3f6"/>
                <polygon data-testid="map-polygon" points=polygon_points fill="rgba(31,79,209,0.15)" stroke="#1f4fd1"/>
                <For each=located key=|w| w.well_id.clone() let:w>
                    {
                        let id = w.well_id.clone();
                        let id2 = id.clone();
                        let (lon, lat) = (w.lon.unwrap_or_default(), w.lat.unwrap_or_default());
                        let pos = move || projection.get().map_or((0.0, 0.0), |p| p.to_svg(lon, lat));
                        let name = w.name.clone().unwrap_or_default();
                        view! {
                            <circle class="well" data-well=id.clone()
                                cx=move || pos().0 cy=move || pos().1 r="5"
                                class:inside=move || ui.inside.get().is_some_and(|v| v.contains(&id2))
                                on:click=move |ev: web_sys::MouseEvent| {
                                    if !ui.drawing.get_untracked() {
                                        ev.stop_propagation();
                                        select_well(ui, id.clone());
                                    }
                                }>
                                <title>{name}</title>
                            </circle>
                        }
                    }
                </For>
            </svg>
            <div class="map-tools">
                <button data-testid="draw" on:click=move |_| {
                    ui.polygon.set(vec![]);
                    ui.drawing.set(true);
                }>"Draw polygon"</button>
                <button data-testid="apply-polygon" disabled=move || ui.polygon.get().len() < 3 on:click=move |_| {
                    ui.drawing.set(false);
                    spawn_local(search_polygon(ui));
                }>"Filter by polygon"</button>
                <button data-testid="clear-polygon" on:click=move |_| {
                    ui.drawing.set(false);
                    ui.polygon.set(vec![]);
                    ui.inside.set(None);
                }>"Clear"</button>
                <span data-testid="map-count">{move || match ui.inside.get() {
                    Some(v) => format!("{} wells inside", v.len()),
                    None => format!("{} wells", ui.wells.get().len()),
                }}</span>
            </div>
        </div>
    }
}

#[component]
fn Viewer() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let drag: StoredValue<Option<(f64, (f64, f64))>> = StoredValue::new(None);
    let depth_at = move |ev: &web_sys::MouseEvent| -> Option<f64> {
        let (top, bottom) = ui.view.get_untracked()?;
        // Over a track's canvas only (not its header).
        let target = ev.target()?.dyn_into::<HtmlCanvasElement>().ok()?;
        let rect = target.get_bounding_client_rect();
        let y = f64::from(ev.client_y()) - rect.top();
        Some(y_to_depth(y, top, bottom, rect.height()))
    };
    let on_move = move |ev: web_sys::MouseEvent| {
        let Some(d) = depth_at(&ev) else { return };
        if let Some((start_y, start_view)) = drag.get_value() {
            let target = ev.target().and_then(|t| t.dyn_into::<HtmlCanvasElement>().ok());
            if let Some(t) = target {
                let h = t.get_bounding_client_rect().height();
                let dy = f64::from(ev.client_y()) - start_y;
                let delta = -dy / h * (start_view.1 - start_view.0);
                set_view(ui, pan(start_view, delta, ui.limits.get_untracked()));
            }
            return;
        }
        ui.readout.set(readout_at(ui, d));
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        let (Some(d), Some(v)) = (depth_at(&ev), ui.view.get_untracked()) else {
            return;
        };
        let factor = if ev.delta_y() < 0.0 { 0.8 } else { 1.25 };
        set_view(ui, zoom(v, d, factor, ui.limits.get_untracked()));
    };
    let zoom_by = move |factor: f64| {
        if let Some(v) = ui.view.get_untracked() {
            set_view(ui, zoom(v, (v.0 + v.1) / 2.0, factor, ui.limits.get_untracked()));
        }
    };
    view! {
        <Show when=move || ui.selected.get().is_some() fallback=|| view! { <p class="hint">"Choose a well in the list or on the map."</p> }>
            <div class="toolbar">
                <button data-testid="zoom-in" on:click=move |_| zoom_by(0.5)>"Zoom in"</button>
                <button data-testid="zoom-out" on:click=move |_| zoom_by(2.0)>"Zoom out"</button>
                <button data-testid="zoom-all" on:click=move |_| set_view(ui, ui.limits.get_untracked())>"Whole log"</button>
                <button data-testid="pin" on:click=move |_| spawn_local(toggle_pin(ui))>
                    {move || if ui.selected.get().is_some_and(|w| ui.pinned.get().contains(&w)) { "Unpin" } else { "Pin for offline" }}
                </button>
                <span data-testid="view">{move || ui.view.get().map(|(a, b)| format!("{a:.1} – {b:.1} {}", ui.depth_unit.get())).unwrap_or_default()}</span>
                <label>" Log "
                    <select data-testid="log" on:change=move |ev| {
                        let log = event_target_value(&ev);
                        if let Some(well) = ui.selected.get_untracked() {
                            select_log(ui, well, log);
                        }
                    }>
                        <For each=move || ui.logs.get() key=|l| l.clone() let:l>
                            <option value=l.0.clone() selected=move || ui.log.get().as_deref() == Some(l.0.as_str())>{format!("{} ({} curves)", l.0, l.1)}</option>
                        </For>
                    </select>
                </label>
            </div>
            <CurvePicker/>
            <Computed/>
            <div class="tops-list" data-testid="tops">{move || {
                let tops = ui.tops.get();
                if tops.is_empty() {
                    String::from("no formation tops")
                } else {
                    let unit = ui.depth_unit.get();
                    let list: Vec<String> = tops.iter().map(|t| format!("{} {:.1}", t.name, t.depth)).collect();
                    format!("Tops ({unit}): {}", list.join(" · "))
                }
            }}</div>
            <div class="readout" data-testid="readout">{move || match ui.readout.get() {
                Some((d, values)) => {
                    let mut s = format!("{d:.2} {}", ui.depth_unit.get());
                    for (k, v) in values {
                        s.push_str(&format!("   {k} {v}"));
                    }
                    s
                }
                None => String::from("move over the tracks for values"),
            }}</div>
            <div class="tracks" on:mousemove=on_move on:wheel=on_wheel
                on:mousedown=move |ev: web_sys::MouseEvent| {
                    if let Some(v) = ui.view.get_untracked() {
                        drag.set_value(Some((f64::from(ev.client_y()), v)));
                    }
                }
                on:mouseup=move |_| drag.set_value(None)
                on:mouseleave=move |_| { drag.set_value(None); ui.readout.set(None); }>
                <div class="track depth">
                    <div class="track-header"><b>"Depth"</b><small>{move || ui.depth_unit.get()}</small></div>
                    <canvas data-track="depth" width=DEPTH_WIDTH height=TRACK_HEIGHT></canvas>
                </div>
                <For each=move || ui.tracks.get() key=track_key let:t>
                    <div class="track">
                        <div class="track-header">
                            {t.curves.iter().map(|c| {
                                let name = c.name.clone();
                                let name2 = name.clone();
                                let (l, r) = c.scale.label();
                                let style = format!("border-top: 2px {} {}", if c.dashed { "dashed" } else { "solid" }, c.color);
                                view! {
                                    <div class="curve" data-curve=name.clone() style=style
                                        class:hidden=move || ui.hidden.get().contains(&name)
                                        on:click=move |_| ui.hidden.update(|h| {
                                            if let Some(i) = h.iter().position(|x| *x == name2) { h.remove(i); } else { h.push(name2.clone()); }
                                        })>
                                        <span class="l">{l}</span>
                                        <span class="m">{format!("{} ({}){}", c.name, c.unit, if c.scale.log { " log" } else { "" })}</span>
                                        <span class="r">{r}</span>
                                    </div>
                                }
                            }).collect_view()}
                        </div>
                        <canvas data-track=t.id width=TRACK_WIDTH height=TRACK_HEIGHT></canvas>
                    </div>
                </For>
            </div>
        </Show>
    }
}

fn track_key(t: &Track) -> (&'static str, Vec<String>) {
    (t.id, t.curves.iter().map(|c| c.name.clone()).collect())
}

fn readout_at(ui: Ui, d: f64) -> Option<Readout> {
    let window = STORE.with(|s| s.borrow().window.clone())?;
    let row = row_at(&window.depth, d)?;
    let values = window
        .curves
        .iter()
        .map(|(name, v)| {
            let x = v[row];
            (
                name.clone(),
                if x.is_nan() {
                    "—".to_owned()
                } else {
                    format!("{x:.3}")
                },
            )
        })
        .collect();
    let mut values: Vec<(String, String)> = values;
    if let Some(c) = STORE.with(|s| s.borrow().computed.clone())
        && let Some(r) = row_at(&c.depth, d)
    {
        for (name, v) in &c.curves {
            if ui.computed.get_untracked().iter().any(|s| &s.name == name) {
                let x = v[r];
                values.push((
                    name.clone(),
                    if x.is_nan() {
                        "—".to_owned()
                    } else {
                        format!("{x:.3}")
                    },
                ));
            }
        }
    }
    Some((window.depth[row], values))
}

fn redraw(ui: Ui, tracks: &[Track], hidden: &[String], view: (f64, f64)) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let window = STORE.with(|s| s.borrow().window.clone());
    let canvas = |id: &str| -> Option<HtmlCanvasElement> {
        doc.query_selector(&format!("canvas[data-track=\"{id}\"]"))
            .ok()??
            .dyn_into()
            .ok()
    };
    let tops = ui.tops.get_untracked();
    if let Some(c) = canvas("depth") {
        draw::draw_depth(&c, view, &ui.depth_unit.get_untracked(), &tops);
    }
    let Some(window) = window else { return };
    let computed = STORE
        .with(|s| s.borrow().computed.clone())
        .map(|c| slice_window(&c, view));
    let mut painted = false;
    for (i, t) in tracks.iter().enumerate() {
        let data = match (&computed, t.id) {
            (Some(c), "computed") => c,
            _ => &*window,
        };
        if let Some(c) = canvas(t.id) {
            // Every track draws the tops; the first names them.
            let drawn = draw::draw_track(&c, t, data, view, hidden, &tops, i == 0);
            painted |= drawn > 0 && t.id != "computed";
        }
    }
    if painted && let Some(well) = ui.first_paint.get_untracked() {
        ui.first_paint.set(None);
        net::mark("mudrock:first-track");
        net::measure(
            &format!("mudrock:first-track:{well}"),
            "mudrock:well-chosen",
            "mudrock:first-track",
        );
        ui.status.set(format!("{well}: drawn"));
    }
}

/// The rows of a whole-log window within `view` (and a tenth of it either side).
fn slice_window(w: &Window, view: (f64, f64)) -> Window {
    let margin = (view.1 - view.0) * 0.1;
    let a = w.depth.partition_point(|d| *d < view.0 - margin);
    let b = w.depth.partition_point(|d| *d <= view.1 + margin);
    Window {
        depth: w.depth[a..b].to_vec(),
        curves: w
            .curves
            .iter()
            .map(|(n, v)| (n.clone(), v[a..b].to_vec()))
            .collect(),
        stats: ReadStats::default(),
    }
}

/// The tracks for the chosen curves of the open log, plus the computed track.
fn rebuild_tracks(ui: Ui) {
    let chosen = ui.chosen.get_untracked();
    let curves: Vec<CurveInfo> = ui
        .log_curves
        .get_untracked()
        .into_iter()
        .filter(|c| chosen.contains(&c.name))
        .collect();
    let mut tracks = default_tracks(&curves);
    let computed = ui.computed.get_untracked();
    if !computed.is_empty() {
        tracks.push(Track {
            id: "computed",
            title: "Computed",
            curves: computed,
            fills: vec![],
        });
    }
    ui.tracks.set(tracks);
}

#[component]
fn CurvePicker() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let numeric = move || {
        ui.log_curves
            .get()
            .into_iter()
            .filter(|c| c.numeric)
            .collect::<Vec<_>>()
    };
    view! {
        <div class="picker" data-testid="curve-picker">
            <b>"Curves: "</b>
            <For each=numeric key=|c| c.name.clone() let:c>
                {
                    let name = c.name.clone();
                    let name2 = name.clone();
                    view! {
                        <label title=c.description.clone()>
                            <input type="checkbox" data-pick=name.clone()
                                prop:checked=move || ui.chosen.get().contains(&name)
                                on:change=move |_| {
                                    ui.chosen.update(|ch| {
                                        if let Some(i) = ch.iter().position(|x| *x == name2) { ch.remove(i); } else { ch.push(name2.clone()); }
                                    });
                                    rebuild_tracks(ui);
                                    if let Some(v) = ui.view.get_untracked() { set_view(ui, v); }
                                }/>
                            {c.name.clone()}
                        </label>
                    }
                }
            </For>
        </div>
    }
}

#[component]
fn Computed() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let kind = RwSignal::new(CalcKind::Vsh);
    let params: RwSignal<Vec<(&'static str, String)>> = RwSignal::new(vec![]);
    let result = RwSignal::new(String::new());
    // Defaults for the kind and the log's curves (densities in the curve's unit).
    Effect::new(move |_| {
        let k = kind.get();
        let curves = ui.log_curves.get();
        let inputs = calc::find_inputs(k, &curves).unwrap_or_default();
        params.set(
            calc::default_params(k, &inputs)
                .into_iter()
                .map(|(n, v)| (n, format!("{v}")))
                .collect(),
        );
    });
    let add = move |_| {
        let k = kind.get_untracked();
        let values: Result<Vec<f64>, String> = params
            .get_untracked()
            .iter()
            .map(|(n, v)| {
                v.trim()
                    .parse::<f64>()
                    .map_err(|_| format!("{n}: `{v}` is not a number"))
            })
            .collect();
        match values {
            Ok(v) => spawn_local(add_computed(ui, k, v, result)),
            Err(e) => result.set(e),
        }
    };
    let indexed = move || params.get().into_iter().enumerate().collect::<Vec<_>>();
    view! {
        <div class="calc" data-testid="calc">
            <b>"Computed curve: "</b>
            <select data-testid="calc-kind" on:change=move |ev| {
                if let Some(k) = CalcKind::from_id(&event_target_value(&ev)) { kind.set(k); }
            }>
                {CalcKind::ALL.iter().map(|k| view! { <option value=k.id()>{k.label()}</option> }).collect_view()}
            </select>
            <For each=indexed key=|(i, p)| (*i, p.0) let:p>
                {
                    let (i, (name, value)) = p;
                    view! {
                        <label>{format!(" {name} ")}
                            <input class="param" data-param=name size="6" prop:value=value
                                on:change=move |ev| { let v = event_target_value(&ev); params.update(|ps| ps[i].1 = v); }/>
                        </label>
                    }
                }
            </For>
            <button data-testid="calc-add" on:click=add>"Add to the Computed track"</button>
            <span data-testid="calc-result">{move || result.get()}</span>
        </div>
    }
}

/// Computes `kind` over the open log through the server's SQL petrophysics functions and adds it to
/// the Computed track.
async fn add_computed(ui: Ui, kind: CalcKind, params: Vec<f64>, result: RwSignal<String>) {
    let (Some(project), Some(well), Some(log)) = (
        ui.project.get_untracked(),
        ui.selected.get_untracked(),
        ui.log.get_untracked(),
    ) else {
        return;
    };
    let curves = ui.log_curves.get_untracked();
    let query =
        calc::find_inputs(kind, &curves).and_then(|inputs| calc::sql(kind, &well, &log, &inputs, &params));
    let query = match query {
        Ok(q) => q,
        Err(e) => return result.set(format!("{}: {e}", kind.curve_name())),
    };
    result.set(format!("{}: computing…", kind.curve_name()));
    let body = serde_json::to_string(&SqlRequest {
        sql: query.clone(),
        limit: None,
    })
    .unwrap_or_default();
    let token = ui.token.get_untracked();
    let answer = net::fetch(
        &api(&format!("/projects/{project}/sql")),
        "POST",
        &token,
        &[
            ("Content-Type", "application/json"),
            ("Accept", "application/json"),
        ],
        Some(&body.into()),
    )
    .await;
    let table: Table = match answer {
        Ok(resp) => match net::json(&resp).await {
            Ok(t) => t,
            Err(e) => return result.set(format!("{}: {e}", kind.curve_name())),
        },
        Err(e) => return result.set(format!("{}: {e}", kind.curve_name())),
    };
    let col = |name: &str| -> Vec<f64> {
        table
            .column(name)
            .unwrap_or_default()
            .iter()
            .map(|v| v.as_f64().unwrap_or(f64::NAN))
            .collect()
    };
    let depth = col("depth");
    let values = col(kind.curve_name());
    if depth.is_empty() || values.len() != depth.len() || table.truncated {
        return result.set(format!(
            "{}: unexpected answer ({} rows)",
            kind.curve_name(),
            depth.len()
        ));
    }
    if ui.log.get_untracked().as_deref() != Some(log.as_str()) {
        return;
    }
    let name = kind.curve_name().to_owned();
    let rows = depth.len();
    STORE.with(|s| {
        let mut s = s.borrow_mut();
        let mut w = match s.computed.take() {
            Some(c) if c.depth == depth => Rc::unwrap_or_clone(c),
            _ => Window {
                depth,
                curves: vec![],
                stats: ReadStats::default(),
            },
        };
        w.curves.retain(|(n, _)| *n != name);
        w.curves.push((name.clone(), values));
        // A new depth column drops curves computed over another one.
        s.computed = Some(Rc::new(w));
    });
    let kept: Vec<String> = STORE.with(|s| {
        s.borrow()
            .computed
            .as_ref()
            .map(|c| c.curves.iter().map(|(n, _)| n.clone()).collect())
            .unwrap_or_default()
    });
    ui.computed.update(|c| {
        c.retain(|s| kept.contains(&s.name) && s.name != name);
        c.push(CurveStyle {
            name: name.clone(),
            unit: "V/V".into(),
            family: "computed".into(),
            scale: kind.scale(),
            color: kind.color(),
            dashed: false,
        });
    });
    rebuild_tracks(ui);
    ui.data_version.update(|v| *v += 1);
    result.set(format!("{name}: {rows} rows by SQL: {query}"));
}

fn set_view(ui: Ui, view: (f64, f64)) {
    ui.view.set(Some(view));
    spawn_local(load_view(ui));
}

async fn load_projects(ui: Ui) {
    let token = ui.token.get_untracked();
    match net::get_json::<ProjectList>(&api("/projects"), &token).await {
        Ok((list, from_pin)) => {
            ui.offline.set(from_pin);
            let names: Vec<String> = list.projects.into_iter().map(|p| p.project_id).collect();
            let first = names.first().cloned();
            ui.projects.set(names);
            if ui.project.get_untracked().is_none() {
                ui.project.set(first);
            }
            load_wells(ui).await;
        }
        Err(e) => ui
            .status
            .set(format!("projects: {e} (give a token: #token=… in the URL)")),
    }
}

async fn load_wells(ui: Ui) {
    let Some(project) = ui.project.get_untracked() else {
        ui.status.set("no project".into());
        return;
    };
    let token = ui.token.get_untracked();
    let url = api(&format!("/projects/{project}/wells?limit=1000"));
    match net::get_json::<WellPage>(&url, &token).await {
        Ok((page, from_pin)) => {
            ui.offline.set(from_pin);
            ui.status.set(format!("{} wells in {project}", page.wells.len()));
            ui.wells.set(page.wells);
            ui.inside.set(None);
            // Kept for offline use whatever is pinned.
            if !from_pin && let Ok(resp) = net::fetch(&url, "GET", &token, &[], None).await {
                let _ = net::pin(&url, &resp).await;
            }
        }
        Err(e) => ui.status.set(format!("wells: {e}")),
    }
}

async fn search_polygon(ui: Ui) {
    let (Some(project), Some(wkt)) = (
        ui.project.get_untracked(),
        polygon_wkt(&ui.polygon.get_untracked()),
    ) else {
        return;
    };
    let body = serde_json::json!({ "polygon": wkt }).to_string();
    let url = api(&format!("/projects/{project}/wells/search"));
    let token = ui.token.get_untracked();
    match net::fetch(
        &url,
        "POST",
        &token,
        &[("Content-Type", "application/json")],
        Some(&body.into()),
    )
    .await
    {
        Ok(resp) => match net::json::<PolygonSearchResponse>(&resp).await {
            Ok(r) => {
                ui.status.set(format!(
                    "{} of {} wells inside the polygon",
                    r.inside.len(),
                    r.wells_considered
                ));
                ui.inside
                    .set(Some(r.inside.into_iter().map(|w| w.well_id).collect()));
            }
            Err(e) => ui.status.set(format!("search: {e}")),
        },
        Err(e) => ui.status.set(format!("search: {e}")),
    }
}

/// Forgets the shown data, so that nothing of the previous well or log counts as this one's first paint.
fn forget_window() {
    STORE.with(|s| {
        let mut s = s.borrow_mut();
        s.window = None;
        s.computed = None;
    });
}

fn select_well(ui: Ui, well: String) {
    forget_window();
    net::mark("mudrock:well-chosen");
    ui.selected.set(Some(well.clone()));
    ui.first_paint.set(Some(well.clone()));
    ui.readout.set(None);
    spawn_local(open_well(ui, well, None));
}

/// Shows another log of the open well.
fn select_log(ui: Ui, well: String, log: String) {
    forget_window();
    net::mark("mudrock:well-chosen");
    ui.first_paint.set(Some(well.clone()));
    spawn_local(open_well(ui, well, Some(log)));
}

/// The well's logs with their number of curves, in the curve list's order.
fn logs_of(curves: &CurveList) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = vec![];
    for c in &curves.curves {
        match counts.iter_mut().find(|(l, _)| *l == c.log_id) {
            Some(e) => e.1 += 1,
            None => counts.push((c.log_id.clone(), 1)),
        }
    }
    counts
}

/// The tops of the well (network, else the pinned copy; none when neither answers).
async fn load_tops(ui: Ui, project: String, well: String) {
    let token = ui.token.get_untracked();
    let tops = match net::get_json::<TopList>(&tops_url(&project, &well), &token).await {
        Ok((list, _)) => list.tops,
        Err(_) => vec![],
    };
    if ui.selected.get_untracked().as_deref() == Some(well.as_str()) {
        ui.tops.set(tops);
    }
}

async fn open_well(ui: Ui, well: String, want_log: Option<String>) {
    let Some(project) = ui.project.get_untracked() else {
        return;
    };
    let token = ui.token.get_untracked();
    ui.status.set(format!("{well}: opening"));
    if want_log.is_none() {
        ui.tops.set(vec![]);
        spawn_local(load_tops(ui, project.clone(), well.clone()));
    }
    let curves_url = curves_url(&project, &well);
    let (curves, curves_from_pin, curves_etag) =
        match net::get_json_etag::<CurveList>(&curves_url, &token).await {
            Ok(c) => c,
            Err(e) => {
                ui.status.set(format!("{well}: {e}"));
                return;
            }
        };
    let logs = logs_of(&curves);
    // The log asked for, else the one with the most curves (the latest of equals).
    let chosen = want_log
        .filter(|l| logs.iter().any(|(x, _)| x == l))
        .or_else(|| logs.iter().max_by_key(|(_, n)| *n).map(|(l, _)| l.clone()));
    let Some(log) = chosen else {
        ui.status.set(format!("{well}: no logs"));
        return;
    };
    let url = log_url(&project, &well, &log);
    let pinned = ui.pinned.get_untracked().contains(&well);
    let online = Source::Http(net::HttpSource {
        url: url.clone(),
        token: token.clone(),
    });
    let opened = if curves_from_pin {
        Err(String::from("offline"))
    } else {
        open_log(&online, &url).await
    };
    let (file, source, offline) = match opened {
        Ok(file) => {
            // A pinned well that changed on the server (a new or re-ingested log changes the curve
            // list's ETag; a replaced object changes its own): the stored copy is replaced now.
            if pinned {
                let stored_list = net::pinned(&curves_url)
                    .await
                    .and_then(|r| r.headers().get("etag").ok().flatten());
                let stored_log = net::pinned(&url)
                    .await
                    .and_then(|r| r.headers().get("etag").ok().flatten());
                if stored_list != curves_etag || stored_log != file.etag {
                    let all: Vec<String> = logs.iter().map(|(l, _)| l.clone()).collect();
                    match pin_well(&project, &well, &all, &token).await {
                        Ok(()) => ui.status.set(format!("{well}: pinned copy updated")),
                        Err(e) => ui.status.set(format!("{well}: pinned copy not updated: {e}")),
                    }
                }
            }
            (file, online, false)
        }
        Err(e) => match net::pinned(&url).await {
            Some(resp) => {
                let etag = resp.headers().get("etag").ok().flatten();
                let Ok(bytes) = net::bytes(&resp).await else {
                    return;
                };
                let src = Source::Pinned((bytes, etag));
                match open_log(&src, &url).await {
                    Ok(f) => (f, src, true),
                    Err(e) => {
                        ui.status.set(format!("{well}: pinned copy unreadable: {e}"));
                        return;
                    }
                }
            }
            None => {
                ui.status.set(format!("{well}: {e}"));
                return;
            }
        },
    };
    if ui.selected.get_untracked().as_deref() != Some(well.as_str()) {
        return;
    }
    ui.offline.set(offline);
    let Some(limits) = file.depth_range() else {
        ui.status.set(format!("{well}: empty log"));
        return;
    };
    ui.depth_unit.set(file.depth_unit.clone());
    ui.logs.set(logs);
    ui.log.set(Some(log));
    ui.chosen.set(
        file.curves
            .iter()
            .filter(|c| c.numeric)
            .map(|c| c.name.clone())
            .collect(),
    );
    ui.log_curves.set(file.curves.clone());
    // Computed curves belong to the log they were computed over.
    ui.computed.set(vec![]);
    STORE.with(|s| {
        let mut s = s.borrow_mut();
        s.loaded = Some(Loaded {
            file: Rc::new(file),
            source: Rc::new(source),
            well: well.clone(),
        });
        s.window = None;
        s.computed = None;
    });
    ui.hidden.set(vec![]);
    ui.limits.set(limits);
    rebuild_tracks(ui);
    set_view(ui, limits);
}

/// Reads the current view (from L1 where it can); one read at a time, the latest view wins.
async fn load_view(ui: Ui) {
    let busy = STORE.with(|s| {
        let mut s = s.borrow_mut();
        if s.loading {
            s.pending = true;
            true
        } else {
            s.loading = true;
            false
        }
    });
    if busy {
        return;
    }
    while let Some((top, bottom)) = ui.view.get_untracked() {
        let loaded = STORE.with(|s| {
            let s = s.borrow();
            s.loaded
                .as_ref()
                .map(|l| (l.file.clone(), l.source.clone(), l.well.clone()))
        });
        let Some((file, source, well)) = loaded else { break };
        // The log's own curves (computed ones come from SQL, not from the object).
        let curves: Vec<String> = ui
            .tracks
            .get_untracked()
            .iter()
            .flat_map(|t| t.curves.iter().map(|c| c.name.clone()))
            .filter(|n| file.curves.iter().any(|c| c.name == *n))
            .collect();
        let mut cache = STORE
            .with(|s| s.borrow_mut().cache.take())
            .unwrap_or_else(|| BlockCache::new(L1_BYTES));
        let margin = (bottom - top) * 0.1;
        let t0 = net::now_ms();
        let result = read_window(
            &file,
            &*source,
            &mut cache,
            &curves,
            top - margin,
            bottom + margin,
        )
        .await;
        STORE.with(|s| s.borrow_mut().cache = Some(cache));
        match result {
            Ok(w) => {
                // Still the open log (not one left while this read was under way).
                let current = STORE.with(|s| {
                    s.borrow()
                        .loaded
                        .as_ref()
                        .is_some_and(|l| Rc::ptr_eq(&l.file, &file))
                });
                if current && ui.selected.get_untracked().as_deref() == Some(well.as_str()) {
                    ui.status.set(format!(
                        "{well}: {} rows, {} blocks read ({} requests, {} KB), {} from cache, {:.0} ms",
                        w.depth.len(),
                        w.stats.blocks_read,
                        w.stats.requests,
                        w.stats.bytes / 1024,
                        w.stats.blocks_cached,
                        net::now_ms() - t0
                    ));
                    STORE.with(|s| s.borrow_mut().window = Some(Rc::new(w)));
                    ui.data_version.update(|v| *v += 1);
                }
            }
            Err(e) => {
                let offline = e.contains("unreachable");
                ui.offline.set(ui.offline.get_untracked() || offline);
                ui.status.set(format!("{well}: {e}"));
            }
        }
        let again = STORE.with(|s| {
            let mut s = s.borrow_mut();
            std::mem::take(&mut s.pending)
        });
        if !again {
            break;
        }
    }
    STORE.with(|s| s.borrow_mut().loading = false);
}

/// Stores the well for offline use in Cache Storage: every log's Parquet object, the curve list (its
/// ETag is the well's pinned version), the tops, the projects and the wells list.
async fn pin_well(project: &str, well: &str, logs: &[String], token: &str) -> Result<(), String> {
    for log in logs {
        let url = log_url(project, well, log);
        let resp = net::fetch(&url, "GET", token, &[], None)
            .await
            .map_err(|e| e.to_string())?;
        net::pin(&url, &resp).await?;
    }
    // Last: the curve list marks the pinned copy complete at its version.
    for u in [
        tops_url(project, well),
        api("/projects"),
        api(&format!("/projects/{project}/wells?limit=1000")),
        curves_url(project, well),
    ] {
        let resp = net::fetch(&u, "GET", token, &[], None)
            .await
            .map_err(|e| e.to_string())?;
        net::pin(&u, &resp).await?;
    }
    Ok(())
}

async fn toggle_pin(ui: Ui) {
    let (Some(project), Some(well)) = (ui.project.get_untracked(), ui.selected.get_untracked()) else {
        return;
    };
    let token = ui.token.get_untracked();
    let logs: Vec<String> = ui.logs.get_untracked().into_iter().map(|(l, _)| l).collect();
    if logs.is_empty() {
        return;
    }
    if ui.pinned.get_untracked().contains(&well) {
        for log in &logs {
            let _ = net::unpin(&log_url(&project, &well, log)).await;
        }
        let _ = net::unpin(&curves_url(&project, &well)).await;
        let _ = net::unpin(&tops_url(&project, &well)).await;
        ui.pinned.update(|p| p.retain(|w| *w != well));
        ui.status.set(format!("{well}: unpinned"));
    } else {
        match pin_well(&project, &well, &logs, &token).await {
            Ok(()) => {
                ui.pinned.update(|p| p.push(well.clone()));
                ui.status.set(format!("{well}: pinned for offline"));
            }
            Err(e) => ui.status.set(format!("{well}: pin failed: {e}")),
        }
    }
    net::local_set("mudrock.pinned", &ui.pinned.get_untracked().join(","));
}
