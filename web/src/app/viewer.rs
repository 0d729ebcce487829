//! One well's log display: canvas tracks with their headers, the readout, zoom and pan, the curve
//! picker, and opening a well (network first, else its pinned copy).

use super::*;

#[component]
pub(super) fn Viewer() -> impl IntoView {
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

pub(super) fn track_key(t: &Track) -> (&'static str, Vec<String>) {
    (t.id, t.curves.iter().map(|c| c.name.clone()).collect())
}

pub(super) fn readout_at(ui: Ui, d: f64) -> Option<Readout> {
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

pub(super) fn redraw(ui: Ui, tracks: &[Track], hidden: &[String], view: (f64, f64)) {
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
        .map(|c| c.around(view));
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

/// The tracks for the chosen curves of the open log, plus the computed track.
pub(super) fn rebuild_tracks(ui: Ui) {
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
pub(super) fn CurvePicker() -> impl IntoView {
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

pub(super) fn set_view(ui: Ui, view: (f64, f64)) {
    ui.view.set(Some(view));
    spawn_local(load_view(ui));
}

/// Forgets the shown data, so that nothing of the previous well or log counts as this one's first paint.
pub(super) fn forget_window() {
    STORE.with(|s| {
        let mut s = s.borrow_mut();
        s.window = None;
        s.computed = None;
    });
}

pub(super) fn select_well(ui: Ui, well: String) {
    forget_window();
    net::mark("mudrock:well-chosen");
    ui.selected.set(Some(well.clone()));
    ui.first_paint.set(Some(well.clone()));
    ui.readout.set(None);
    spawn_local(open_well(ui, well, None));
}

/// Shows another log of the open well.
pub(super) fn select_log(ui: Ui, well: String, log: String) {
    forget_window();
    net::mark("mudrock:well-chosen");
    ui.first_paint.set(Some(well.clone()));
    spawn_local(open_well(ui, well, Some(log)));
}

/// The tops of the well (network, else the pinned copy; none when neither answers).
pub(super) async fn load_tops(ui: Ui, project: String, well: String) {
    let token = ui.token.get_untracked();
    let tops = match net::get_json::<TopList>(&tops_url(&project, &well), &token).await {
        Ok((list, _)) => list.tops,
        Err(_) => vec![],
    };
    if ui.selected.get_untracked().as_deref() == Some(well.as_str()) {
        ui.tops.set(tops);
    }
}

pub(super) async fn open_well(ui: Ui, well: String, want_log: Option<String>) {
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
    let logs = crate::view::logs_of(&curves);
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
pub(super) async fn load_view(ui: Ui) {
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
