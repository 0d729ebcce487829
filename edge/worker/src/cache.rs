//! The edge cache: light answers stored in the Cache API under core's cache keys.
//!
//! A key is a hash of the canonical request and of the versions (R2 ETags) of every object the answer
//! read, so an entry can never be stale: a new ingest writes new objects, which have new ETags, which make
//! a new key. Entries are therefore stored as immutable (a year); they leave by the cache's own eviction.
//! The key is a URL on the worker's own host (`/__mudrock_edge_cache/{key}`), never routed: the Cache API
//! keys by URL, and Cloudflare requires the zone's own host.

use mudrock_core::cache::CacheKey;
use worker::{Cache, Headers, Response};

use super::admin;

const PATH: &str = "/__mudrock_edge_cache/";

/// A cached answer: its body and content type.
pub struct Entry {
    pub body: Vec<u8>,
    pub content_type: String,
}

fn url(host: &str, key: &CacheKey) -> String {
    format!("{host}{PATH}{}", key.to_hex())
}

/// The entry under `key`, counting a hit or a miss. A cache that fails is a miss (the answer is computed).
pub async fn get(host: &str, key: &CacheKey) -> Option<Entry> {
    let found = match Cache::default().get(url(host, key), true).await {
        Ok(Some(mut response)) if response.status_code() == 200 => {
            let content_type = response
                .headers()
                .get("content-type")
                .ok()
                .flatten()
                .unwrap_or_default();
            response
                .bytes()
                .await
                .ok()
                .map(|body| Entry { body, content_type })
        }
        Ok(_) => None,
        Err(e) => {
            worker::console_warn!("edge cache read failed (answering without it): {e}");
            None
        }
    };
    admin::count(|c| match found {
        Some(_) => c.cache_hits += 1,
        None => c.cache_misses += 1,
    });
    found
}

/// Stores an answer. Failing to store is logged, never an error for the caller.
pub async fn put(host: &str, key: &CacheKey, body: &[u8], content_type: &str) {
    let headers = Headers::new();
    let _ = headers.set("content-type", content_type);
    let _ = headers.set("cache-control", "public, max-age=31536000, immutable");
    let response = Response::builder()
        .with_status(200)
        .with_headers(headers)
        .fixed(body.to_vec());
    match Cache::default().put(url(host, key), response).await {
        Ok(()) => admin::count(|c| c.cache_stores += 1),
        Err(e) => worker::console_warn!("edge cache write failed: {e}"),
    }
}
