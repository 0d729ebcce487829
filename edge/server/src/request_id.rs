//! `x-request-id`: a caller's (or the edge worker's) request id is echoed on the answer, so one id follows
//! a request from the browser through the edge to this server and back; a request without one gets one.
//! 5xx answers are logged with it.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

pub const HEADER: &str = "x-request-id";

/// Longest id taken from a caller (longer ones are replaced, not truncated).
const MAX_LEN: usize = 128;

static NEXT: AtomicU64 = AtomicU64::new(1);

pub async fn echo(request: Request, next: Next) -> Response {
    let given = request
        .headers()
        .get(HEADER)
        .filter(|v| !v.is_empty() && v.len() <= MAX_LEN)
        .cloned();
    let id = given.unwrap_or_else(|| {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("origin-{}-{n}", std::process::id()))
            .unwrap_or(HeaderValue::from_static("origin"))
    });
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    if response.status().is_server_error() {
        eprintln!(
            "request {}: {method} {path} -> {}",
            id.to_str().unwrap_or("?"),
            response.status()
        );
    }
    response.headers_mut().insert(HEADER, id);
    response
}
