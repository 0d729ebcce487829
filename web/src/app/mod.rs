//! The Leptos app: projects → wells (searchable list, SVG map with polygon search) → the log display of
//! one well (canvas tracks, headers, readout, zoom/pan), pinning for offline, LAS import.

mod computed;
mod draw;
mod import;
mod net;
mod offline;
mod viewer;
mod wells;

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
use computed::*;
use net::Source;
use offline::*;
use viewer::*;
use wells::*;
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
