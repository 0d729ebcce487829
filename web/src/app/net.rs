//! fetch with the bearer token, range requests, and the pins in Cache Storage.

use std::ops::Range;

use bytes::Bytes;
use js_sys::Uint8Array;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Cache, Headers, RequestInit, Response};

use crate::data::{Fetched, RangeSource};

/// The Cache Storage cache holding pinned wells.
pub const PIN_CACHE: &str = "mudrock-pins-v1";

fn js_err(e: JsValue) -> String {
    e.as_string()
        .or_else(|| e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())))
        .unwrap_or_else(|| format!("{e:?}"))
}

/// A failure to reach the server at all (as opposed to an HTTP error answer).
#[derive(Debug, Clone)]
pub enum NetError {
    Unreachable(String),
    Http(u16, String),
    Other(String),
}

impl std::fmt::Display for NetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NetError::Unreachable(m) => write!(f, "server unreachable: {m}"),
            NetError::Http(s, m) => write!(f, "HTTP {s}: {m}"),
            NetError::Other(m) => f.write_str(m),
        }
    }
}

pub async fn fetch(
    url: &str,
    method: &str,
    token: &str,
    extra: &[(&str, &str)],
    body: Option<&JsValue>,
) -> Result<Response, NetError> {
    let window = web_sys::window().ok_or(NetError::Other("no window".into()))?;
    let headers = Headers::new().map_err(|e| NetError::Other(js_err(e)))?;
    if !token.is_empty() {
        let _ = headers.set("Authorization", &format!("Bearer {token}"));
    }
    for (k, v) in extra {
        let _ = headers.set(k, v);
    }
    let init = RequestInit::new();
    init.set_method(method);
    init.set_headers(&headers);
    if let Some(b) = body {
        init.set_body(b);
    }
    let resp = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|e| NetError::Unreachable(js_err(e)))?;
    let resp: Response = resp.dyn_into().map_err(|e| NetError::Other(js_err(e)))?;
    if !resp.ok() && resp.status() != 304 {
        let status = resp.status();
        let text = text(&resp).await.unwrap_or_default();
        return Err(NetError::Http(status, text));
    }
    Ok(resp)
}

pub async fn text(resp: &Response) -> Result<String, String> {
    let t = JsFuture::from(resp.text().map_err(js_err)?)
        .await
        .map_err(js_err)?;
    Ok(t.as_string().unwrap_or_default())
}

pub async fn bytes(resp: &Response) -> Result<Bytes, String> {
    let buf = JsFuture::from(resp.array_buffer().map_err(js_err)?)
        .await
        .map_err(js_err)?;
    Ok(Bytes::from(Uint8Array::new(&buf).to_vec()))
}

pub async fn json<T: DeserializeOwned>(resp: &Response) -> Result<T, String> {
    let t = text(resp).await?;
    serde_json::from_str(&t).map_err(|e| format!("unexpected answer: {e}"))
}

async fn pin_cache() -> Result<Cache, String> {
    let caches = web_sys::window().ok_or("no window")?.caches().map_err(js_err)?;
    let c = JsFuture::from(caches.open(PIN_CACHE)).await.map_err(js_err)?;
    c.dyn_into().map_err(js_err)
}

/// The pinned copy of `url`, if any.
pub async fn pinned(url: &str) -> Option<Response> {
    let cache = pin_cache().await.ok()?;
    let hit = JsFuture::from(cache.match_with_str(url)).await.ok()?;
    hit.dyn_into::<Response>().ok()
}

/// Stores a response under `url` in the pin cache.
pub async fn pin(url: &str, resp: &Response) -> Result<(), String> {
    let cache = pin_cache().await?;
    JsFuture::from(cache.put_with_str(url, resp))
        .await
        .map_err(js_err)?;
    Ok(())
}

pub async fn unpin(url: &str) -> Result<(), String> {
    let cache = pin_cache().await?;
    JsFuture::from(cache.delete_with_str(url)).await.map_err(js_err)?;
    Ok(())
}

/// GET JSON: from the network, else (server unreachable) from the pin cache. The flag says whether it
/// came from the pin.
pub async fn get_json<T: DeserializeOwned>(url: &str, token: &str) -> Result<(T, bool), String> {
    match fetch(url, "GET", token, &[], None).await {
        Ok(resp) => Ok((json(&resp).await?, false)),
        Err(NetError::Unreachable(m)) => match pinned(url).await {
            Some(resp) => Ok((json(&resp).await?, true)),
            None => Err(format!("offline and not pinned ({m})")),
        },
        Err(e) => Err(e.to_string()),
    }
}

/// GET JSON with its ETag: from the network, else (server unreachable) from the pin cache. The flag
/// says whether it came from the pin.
pub async fn get_json_etag<T: DeserializeOwned>(
    url: &str,
    token: &str,
) -> Result<(T, bool, Option<String>), String> {
    let etag = |r: &Response| r.headers().get("etag").ok().flatten();
    match fetch(url, "GET", token, &[], None).await {
        Ok(resp) => Ok((json(&resp).await?, false, etag(&resp))),
        Err(NetError::Unreachable(m)) => match pinned(url).await {
            Some(resp) => Ok((json(&resp).await?, true, etag(&resp))),
            None => Err(format!("offline and not pinned ({m})")),
        },
        Err(e) => Err(e.to_string()),
    }
}

/// A log object read by HTTP range requests.
pub struct HttpSource {
    pub url: String,
    pub token: String,
}

fn content_range(resp: &Response) -> Option<(u64, u64)> {
    // bytes a-b/size
    let v = resp.headers().get("content-range").ok()??;
    let rest = v.strip_prefix("bytes ")?;
    let (span, size) = rest.split_once('/')?;
    let (a, _) = span.split_once('-')?;
    Some((a.parse().ok()?, size.parse().ok()?))
}

impl HttpSource {
    async fn get(&self, range_header: String) -> Result<Fetched, String> {
        let resp = fetch(&self.url, "GET", &self.token, &[("Range", &range_header)], None)
            .await
            .map_err(|e| e.to_string())?;
        let etag = resp.headers().get("etag").ok().flatten();
        let partial = resp.status() == 206;
        let cr = content_range(&resp);
        let body = bytes(&resp).await?;
        let (start, size) = match (partial, cr) {
            (true, Some(c)) => c,
            _ => (0, body.len() as u64),
        };
        Ok(Fetched {
            bytes: body,
            start,
            size,
            etag,
        })
    }
}

impl RangeSource for HttpSource {
    async fn suffix(&self, n: u64) -> Result<Fetched, String> {
        self.get(format!("bytes=-{n}")).await
    }

    async fn range(&self, range: Range<u64>) -> Result<Fetched, String> {
        let got = self
            .get(format!("bytes={}-{}", range.start, range.end - 1))
            .await?;
        if got.start == 0 && got.bytes.len() as u64 == got.size && range != (0..got.size) {
            // A 200 with the whole object (the server ignored the range): cut it here.
            let end = range.end.min(got.size);
            return Ok(Fetched {
                bytes: got.bytes.slice(range.start as usize..end as usize),
                start: range.start,
                ..got
            });
        }
        Ok(got)
    }
}

/// Where a log's bytes come from: the network, or a pinned copy held in memory.
pub enum Source {
    Http(HttpSource),
    Pinned((Bytes, Option<String>)),
}

impl RangeSource for Source {
    async fn suffix(&self, n: u64) -> Result<Fetched, String> {
        match self {
            Source::Http(s) => s.suffix(n).await,
            Source::Pinned(s) => s.suffix(n).await,
        }
    }

    async fn range(&self, range: Range<u64>) -> Result<Fetched, String> {
        match self {
            Source::Http(s) => s.range(range).await,
            Source::Pinned(s) => s.range(range).await,
        }
    }
}

/// Milliseconds since the page's time origin.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

pub fn measure(name: &str, from: &str, to: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.measure_with_start_mark_and_end_mark(name, from, to);
    }
}

pub fn local_get(key: &str) -> Option<String> {
    web_sys::window()?.local_storage().ok()??.get_item(key).ok()?
}

pub fn local_set(key: &str, value: &str) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(key, value);
    }
}
