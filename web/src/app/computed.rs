//! The computed track: Vsh, density porosity or Sw from the petrophysics SQL functions, with the
//! parameters shown and the SQL run printed.

use super::*;

#[component]
pub(super) fn Computed() -> impl IntoView {
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
pub(super) async fn add_computed(ui: Ui, kind: CalcKind, params: Vec<f64>, result: RwSignal<String>) {
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
