//! The project's wells: the searchable list, the SVG map with polygon search, and loading them.

use super::*;

pub(super) fn visible_wells(ui: Ui) -> Vec<Well> {
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
pub(super) fn WellList() -> impl IntoView {
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

pub(super) const MAP_W: f64 = 320.0;
pub(super) const MAP_H: f64 = 220.0;

#[component]
pub(super) fn WellMap() -> impl IntoView {
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

pub(super) async fn load_projects(ui: Ui) {
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

pub(super) async fn load_wells(ui: Ui) {
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

pub(super) async fn search_polygon(ui: Ui) {
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
