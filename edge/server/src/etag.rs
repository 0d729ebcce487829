//! Validators: the ETag of a response is its `CacheKey` (the canonical request plus the versions it read),
//! so it can be computed — and `If-None-Match` answered with 304 — before the response is.
//!
//! Responses are `Cache-Control: private, no-cache`: they depend on the caller's token (private) and a
//! client must revalidate each time (no-cache), which costs one 304 when nothing changed.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mudrock_core::cache::CacheKey;

pub const CACHE_CONTROL: &str = "private, no-cache";

/// Whether the request's `If-None-Match` names this key (or is `*`).
pub fn matches(request: &HeaderMap, key: &CacheKey) -> bool {
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| key.matches_if_none_match(v))
}

/// Whether an `If-Range` precondition holds for this key: absent, or naming exactly this (strong) tag.
/// A date or a weak tag never matches (RFC 9110 §13.1.5), so the full object is sent instead of a range.
pub fn if_range_holds(request: &HeaderMap, key: &CacheKey) -> bool {
    match request.get(header::IF_RANGE) {
        None => true,
        Some(v) => v.to_str().is_ok_and(|v| v.trim() == key.etag()),
    }
}

/// Adds `ETag` and `Cache-Control`.
pub fn set(headers: &mut HeaderMap, key: &CacheKey) {
    if let Ok(v) = HeaderValue::from_str(&key.etag()) {
        headers.insert(header::ETAG, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
}

/// 304 Not Modified with the validators.
pub fn not_modified(key: &CacheKey) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    set(response.headers_mut(), key);
    response
}

#[cfg(test)]
mod tests {
    use mudrock_core::cache::VersionSet;

    use super::*;

    #[test]
    fn if_none_match_and_if_range() {
        let key = CacheKey::new("t", b"r", &VersionSet::new());
        let other = CacheKey::new("t", b"s", &VersionSet::new());
        let mut h = HeaderMap::new();
        assert!(!matches(&h, &key));
        assert!(if_range_holds(&h, &key));
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(&other.etag()).unwrap(),
        );
        h.append(header::IF_NONE_MATCH, HeaderValue::from_str(&key.etag()).unwrap());
        assert!(matches(&h, &key));
        h.insert(header::IF_RANGE, HeaderValue::from_str(&key.etag()).unwrap());
        assert!(if_range_holds(&h, &key));
        h.insert(
            header::IF_RANGE,
            HeaderValue::from_str(&format!("W/{}", key.etag())).unwrap(),
        );
        assert!(!if_range_holds(&h, &key));
        let r = not_modified(&key);
        assert_eq!(r.status(), 304);
        assert_eq!(r.headers()[header::ETAG], key.etag().as_str());
    }
}
