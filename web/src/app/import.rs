//! LAS import in the browser: a file chosen or dropped is parsed in wasm by core's reader and previewed
//! (header, curves, warnings); "Upload" posts it to `POST /v1/projects/{p}/ingest` (multipart). With the
//! server unreachable the file is queued in IndexedDB and uploaded when the browser is back online
//! (the `online` event, or the next start). Sending a file twice changes nothing: the server keeps
//! originals by content hash and answers `unchanged`.
//!
//! Why IndexedDB for the queue (the pins stay in Cache Storage, which is made for HTTP responses): the
//! queue is application data, not responses — records of project, file name and bytes, which
//! IndexedDB stores as they are (a `Uint8Array` is structured-cloned) under a real key, with a
//! transaction whose `complete` event says the record is on disk before the page reports "queued".
//! Cache Storage would need a made-up URL per file and gives no commit signal. Upload then delete is not
//! atomic: a tab closed between the two re-sends the file on the next start, which the server answers
//! `unchanged` (idempotent by content hash), so no well or log is duplicated.

use js_sys::{Array, Uint8Array};
use leptos::prelude::*;
use leptos::task::spawn_local;
use mudrock_shared::ingest::IngestResponse;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, FormData, IdbDatabase, IdbObjectStore, IdbOpenDbRequest, IdbRequest, IdbTransaction,
    IdbTransactionMode,
};

use super::net::{self, NetError};
use super::{Ui, load_wells};
use crate::{LasPreview, las_preview};

/// The IndexedDB database and object store of the import queue (records keyed `{project}/{file name}`).
pub const QUEUE_DB: &str = "mudrock";
pub const QUEUE_STORE: &str = "import-queue";
const QUEUE_DB_VERSION: u32 = 1;

#[derive(Clone)]
struct Chosen {
    name: String,
    bytes: Vec<u8>,
    preview: Result<LasPreview, String>,
}

fn js_err(e: JsValue) -> String {
    e.as_string()
        .or_else(|| e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())))
        .unwrap_or_else(|| format!("{e:?}"))
}

/// A request's result as a promise (resolved on `success`, rejected on `error`).
fn request_done(req: &IdbRequest) -> js_sys::Promise {
    let req = req.clone();
    js_sys::Promise::new(&mut |resolve, reject| {
        let done = req.clone();
        let ok = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call1(&JsValue::NULL, &done.result().unwrap_or(JsValue::UNDEFINED));
        });
        let failed = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("IndexedDB request failed"));
        });
        req.set_onsuccess(Some(ok.unchecked_ref()));
        req.set_onerror(Some(failed.unchecked_ref()));
    })
}

/// Resolves when the transaction has committed (`complete`), rejects on `error` or `abort`.
fn transaction_done(tx: &IdbTransaction) -> js_sys::Promise {
    let tx = tx.clone();
    js_sys::Promise::new(&mut |resolve, reject| {
        let ok = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let failed = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("IndexedDB transaction failed"));
        });
        tx.set_oncomplete(Some(ok.unchecked_ref()));
        tx.set_onerror(Some(failed.unchecked_ref()));
        tx.set_onabort(Some(failed.unchecked_ref()));
    })
}

async fn open_db() -> Result<IdbDatabase, String> {
    let factory = web_sys::window()
        .ok_or("no window")?
        .indexed_db()
        .map_err(js_err)?
        .ok_or("IndexedDB is not available")?;
    let req: IdbOpenDbRequest = factory
        .open_with_u32(QUEUE_DB, QUEUE_DB_VERSION)
        .map_err(js_err)?;
    let upgrade = Closure::once_into_js(move |e: web_sys::Event| {
        let db = e
            .target()
            .and_then(|t| t.dyn_into::<IdbOpenDbRequest>().ok())
            .and_then(|r| r.result().ok())
            .map(|d| d.unchecked_into::<IdbDatabase>());
        if let Some(db) = db
            && !db.object_store_names().contains(QUEUE_STORE)
        {
            let _ = db.create_object_store(QUEUE_STORE);
        }
    });
    req.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    let db = JsFuture::from(request_done(&req)).await.map_err(js_err)?;
    Ok(db.unchecked_into())
}

fn queue_store(
    db: &IdbDatabase,
    mode: IdbTransactionMode,
) -> Result<(IdbTransaction, IdbObjectStore), String> {
    let tx = db
        .transaction_with_str_and_mode(QUEUE_STORE, mode)
        .map_err(js_err)?;
    let store = tx.object_store(QUEUE_STORE).map_err(js_err)?;
    Ok((tx, store))
}

/// Posts one file; `Ok(status)` is the server's status for it (`ok`, `unchanged`, `rejected`, …).
async fn upload(project: &str, token: &str, name: &str, bytes: &[u8]) -> Result<String, NetError> {
    let parts = Array::new();
    parts.push(&Uint8Array::from(bytes));
    let blob = Blob::new_with_u8_array_sequence(&parts).map_err(|e| NetError::Other(format!("{e:?}")))?;
    let form = FormData::new().map_err(|e| NetError::Other(format!("{e:?}")))?;
    form.append_with_blob_and_filename("file", &blob, name)
        .map_err(|e| NetError::Other(format!("{e:?}")))?;
    let url = format!("/v1/projects/{project}/ingest");
    let resp = net::fetch(&url, "POST", token, &[], Some(&form.into())).await?;
    let r: IngestResponse = net::json(&resp).await.map_err(NetError::Other)?;
    Ok(r.files
        .first()
        .map(|f| {
            let s = f.status.as_str().to_owned();
            match &f.reason {
                Some(reason) => format!("{s}: {reason}"),
                None => s,
            }
        })
        .unwrap_or_else(|| "no file in the answer".into()))
}

/// Queues a file: resolves once the record is committed.
async fn enqueue(project: &str, name: &str, bytes: &[u8]) -> Result<(), String> {
    let db = open_db().await?;
    let (tx, store) = queue_store(&db, IdbTransactionMode::Readwrite)?;
    let key = format!("{project}/{name}");
    let record = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| {
        js_sys::Reflect::set(&record, &k.into(), v)
            .map(|_| ())
            .map_err(js_err)
    };
    set("key", &key.as_str().into())?;
    set("project", &project.into())?;
    set("name", &name.into())?;
    set("bytes", &Uint8Array::from(bytes).into())?;
    set("queued_at", &js_sys::Date::now().into())?;
    store
        .put_with_key(&record, &key.as_str().into())
        .map_err(js_err)?;
    JsFuture::from(transaction_done(&tx)).await.map_err(js_err)?;
    Ok(())
}

/// Uploads every queued file; returns (uploaded, still queued).
pub async fn flush_queue(ui: Ui) -> (usize, usize) {
    let Ok(db) = open_db().await else {
        return (0, 0);
    };
    let records = match queue_store(&db, IdbTransactionMode::Readonly)
        .and_then(|(_, store)| store.get_all().map_err(js_err))
    {
        Ok(req) => JsFuture::from(request_done(&req)).await,
        Err(_) => return (0, 0),
    };
    let Ok(records) = records else {
        return (0, 0);
    };
    let records: Array = records.unchecked_into();
    let token = ui.token.get_untracked();
    let (mut sent, mut left) = (0, 0);
    for record in records.iter() {
        let field = |k: &str| js_sys::Reflect::get(&record, &k.into()).ok();
        let (Some(key), Some(project), Some(name)) = (
            field("key").and_then(|v| v.as_string()),
            field("project").and_then(|v| v.as_string()),
            field("name").and_then(|v| v.as_string()),
        ) else {
            continue;
        };
        let Some(bytes) = field("bytes").and_then(|v| v.dyn_into::<Uint8Array>().ok()) else {
            continue;
        };
        match upload(&project, &token, &name, &bytes.to_vec()).await {
            Ok(status) => {
                if let Ok((tx, store)) = queue_store(&db, IdbTransactionMode::Readwrite)
                    && store.delete(&key.as_str().into()).is_ok()
                {
                    let _ = JsFuture::from(transaction_done(&tx)).await;
                }
                sent += 1;
                ui.status.set(format!("queued import {name}: {status}"));
            }
            Err(_) => left += 1,
        }
    }
    if sent > 0 {
        ui.status
            .set(format!("uploaded {sent} queued import(s), {left} still queued"));
        load_wells(ui).await;
    }
    (sent, left)
}

/// Flushes the queue now and whenever the browser comes back online.
pub fn watch_online(ui: Ui) {
    spawn_local(async move {
        flush_queue(ui).await;
    });
    let cb = Closure::<dyn FnMut()>::new(move || {
        ui.offline.set(false);
        spawn_local(async move {
            flush_queue(ui).await;
        });
    });
    if let Some(w) = web_sys::window() {
        let _ = w.add_event_listener_with_callback("online", cb.as_ref().unchecked_ref());
    }
    cb.forget();
}

async fn read_file(file: web_sys::File) -> Option<Chosen> {
    let buf = JsFuture::from(file.array_buffer()).await.ok()?;
    let bytes = Uint8Array::new(&buf).to_vec();
    let preview = las_preview(&bytes);
    Some(Chosen {
        name: file.name(),
        bytes,
        preview,
    })
}

#[component]
pub fn Import() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let chosen: RwSignal<Option<Chosen>, LocalStorage> = RwSignal::new_local(None);
    let result = RwSignal::new(String::new());
    let take = move |file: Option<web_sys::File>| {
        let Some(file) = file else { return };
        spawn_local(async move {
            result.set(String::new());
            chosen.set(read_file(file).await);
        });
    };
    let on_upload = move |_| {
        let Some(c) = chosen.get_untracked() else { return };
        let Some(project) = ui.project.get_untracked() else {
            return;
        };
        let token = ui.token.get_untracked();
        spawn_local(async move {
            match upload(&project, &token, &c.name, &c.bytes).await {
                Ok(status) => {
                    result.set(format!("{}: {status}", c.name));
                    load_wells(ui).await;
                }
                Err(NetError::Unreachable(_)) => match enqueue(&project, &c.name, &c.bytes).await {
                    Ok(()) => {
                        ui.offline.set(true);
                        result.set(format!("{}: queued (offline), uploads when back online", c.name));
                    }
                    Err(e) => result.set(format!("{}: cannot queue: {e}", c.name)),
                },
                Err(e) => result.set(format!("{}: {e}", c.name)),
            }
        });
    };
    let preview_view = move || {
        chosen.get().map(|c| match c.preview {
            Ok(p) => {
                let curves = p
                    .curves
                    .iter()
                    .map(|c| format!("{} ({}) {}", c.mnemonic, c.unit, c.present))
                    .collect::<Vec<_>>()
                    .join(", ");
                let warnings: Vec<String> = p
                    .warnings
                    .iter()
                    .take(5)
                    .map(|w| serde_json::to_string(w).unwrap_or_default())
                    .collect();
                view! {
                    <div class="preview" data-testid="import-preview">
                        <div><b>{p.well.clone().unwrap_or_else(|| c.name.clone())}</b>" · UWI "{p.uwi.clone().unwrap_or_default()}
                            " · LAS "{p.version.clone()}" · "{p.rows}" rows · "{p.encoding.clone()}</div>
                        <div class="curves">{curves}</div>
                        {p.rejection.clone().map(|r| view! { <div class="error" data-testid="import-refusal">{format!("the server will refuse this file: {r}")}</div> })}
                        <div class="warnings" data-testid="import-warnings">{format!("{} warnings", p.warnings.len())}
                            <ul>{warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
                        </div>
                    </div>
                }
                .into_any()
            }
            Err(e) => view! { <div class="preview error" data-testid="import-preview">{format!("{}: {e}", c.name)}</div> }.into_any(),
        })
    };
    view! {
        <div class="import" data-testid="import"
            on:dragover=move |ev: web_sys::DragEvent| ev.prevent_default()
            on:drop=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                take(ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)));
            }>
            <b>"Import LAS"</b>" (drop a file here or choose one) "
            <input type="file" accept=".las,.LAS" data-testid="las-file"
                on:change=move |ev| {
                    let input: web_sys::HtmlInputElement = event_target(&ev);
                    take(input.files().and_then(|f| f.get(0)));
                }/>
            {preview_view}
            <button data-testid="upload" disabled=move || chosen.get().is_none_or(|c| c.preview.is_err())
                on:click=on_upload>"Upload"</button>
            <span data-testid="import-result">{move || result.get()}</span>
        </div>
    }
}
