//! The browser well viewer's static files (built by `scripts/web.sh`), served without a token: `/` and
//! `/index.html` (the page), `/sw.js` (the service worker, scope `/`), `/app/{file}` (script, wasm,
//! style). The API calls the page makes carry the bearer token like any other client's.
//!
//! The folder is `MUDROCK_WEB_DIR`, else `web-dist` in the workspace's target directory (found next to
//! the running binary, `target/<profile>/mudrock` → `target/web-dist`, or under the current directory).
//! Without a built viewer `/` answers 404 with a plain sentence saying how to build it.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::extract::Path as UrlPath;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The routes, for `Router::merge` (no state needed).
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(index))
        .route("/index.html", get(index))
        .route("/sw.js", get(service_worker))
        .route("/app/{*file}", get(asset))
}

/// Where the built viewer is, if anywhere.
pub fn web_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("MUDROCK_WEB_DIR") {
        return Some(PathBuf::from(dir));
    }
    let mut candidates = Vec::new();
    if let Ok(exe) = std::env::current_exe()
        && let Some(target) = exe.parent().and_then(Path::parent)
    {
        candidates.push(target.join("web-dist"));
    }
    if let Ok(cwd) = std::env::current_dir() {
        candidates.push(cwd.join("target/web-dist"));
    }
    candidates.into_iter().find(|d| d.join("index.html").is_file())
}

const NOT_BUILT: &str = "The MudRock well viewer is not built. In the MudRock checkout run `scripts/web.sh` \
(it writes target/web-dist), or set MUDROCK_WEB_DIR to a folder holding a built viewer, then reload this page. \
The HTTP API is at /v1 (see /v1/openapi.json).\n";

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// A relative path of plain names (no `..`, no absolute parts, no hidden files).
fn safe(rel: &str) -> bool {
    !rel.is_empty()
        && rel.split('/').all(|part| {
            !part.is_empty()
                && !part.starts_with('.')
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        })
}

async fn file(rel: &str) -> Response {
    let Some(dir) = web_dir() else {
        return (StatusCode::NOT_FOUND, NOT_BUILT).into_response();
    };
    if !safe(rel) {
        return (StatusCode::NOT_FOUND, "no such file\n").into_response();
    }
    match tokio::fs::read(dir.join(rel)).await {
        Ok(bytes) => {
            let mut response = bytes.into_response();
            let h = response.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(rel)));
            // Revalidate every time: a rebuilt viewer is picked up at once (the service worker keeps
            // the offline copy).
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            response
        }
        Err(_) if rel == "index.html" => (StatusCode::NOT_FOUND, NOT_BUILT).into_response(),
        Err(_) => (StatusCode::NOT_FOUND, "no such file\n").into_response(),
    }
}

async fn index() -> Response {
    file("index.html").await
}

async fn service_worker() -> Response {
    file("sw.js").await
}

async fn asset(UrlPath(rest): UrlPath<String>) -> Response {
    file(&format!("app/{rest}")).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_names_are_served() {
        assert!(safe("app/mudrock_web_bg.wasm"));
        assert!(safe("index.html"));
        for bad in [
            "",
            "../etc/passwd",
            "app/../../x",
            "/etc/passwd",
            "app/.hidden",
            "app//x",
            "a b",
        ] {
            assert!(!safe(bad), "{bad}");
        }
        assert_eq!(content_type("app/x.wasm"), "application/wasm");
    }
}
