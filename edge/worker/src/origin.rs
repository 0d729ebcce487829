//! Heavy routes go to the origin (`mudrock serve`): the request as the caller sent it (method, path,
//! query, headers including the token, body streamed), plus the request id; the origin's answer streamed
//! back as it comes, not buffered. No answer within `ORIGIN_TIMEOUT_MS` is a 504 and an unreachable
//! origin a 503, each with the usual envelope — the caller never hangs on the edge.

use std::pin::pin;

use futures::future::{Either, select};
use mudrock_shared::ErrorCode;
use worker::{AbortController, Delay, Fetch, Headers, Method, Request, RequestInit, Response};

use super::config::EdgeConfig;
use super::{REQUEST_ID, SERVED_BY, admin};
use mudrock_common::http::error::ApiError;

/// Headers that describe the hop to the edge, not the request: never passed on.
const HOP_HEADERS: [&str; 6] = [
    "host",
    "connection",
    "keep-alive",
    "transfer-encoding",
    "upgrade",
    "te",
];

pub async fn forward(request: Request, config: &EdgeConfig, request_id: &str) -> Result<Response, ApiError> {
    let Some(origin) = &config.origin else {
        admin::count(|c| c.origin_unavailable += 1);
        return Err(ApiError::new(
            ErrorCode::Unavailable,
            "this request needs the origin server and the edge has none configured (set ORIGIN_URL)",
        ));
    };
    let url = request
        .url()
        .map_err(|e| ApiError::bad_request(format!("cannot read the request URL: {e}")))?;
    let target = match url.query() {
        Some(q) => format!("{origin}{}?{q}", url.path()),
        None => format!("{origin}{}", url.path()),
    };
    let headers = Headers::new();
    for (name, value) in request.headers().entries() {
        if !HOP_HEADERS.contains(&name.as_str()) && !name.starts_with("cf-") {
            let _ = headers.append(&name, &value);
        }
    }
    let _ = headers.set(REQUEST_ID, request_id);
    let method = request.method();
    let mut init = RequestInit::new();
    init.with_method(method.clone()).with_headers(headers);
    if !matches!(method, Method::Get | Method::Head)
        && let Some(body) = request.inner().body()
    {
        init.with_body(Some(body.into()));
    }
    let outgoing = Request::new_with_init(&target, &init)
        .map_err(|e| ApiError::bad_request(format!("cannot forward this request: {e}")))?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Request(outgoing);
    let send = pin!(fetch.send_with_signal(&signal));
    let timeout = pin!(Delay::from(config.origin_timeout));
    match select(send, timeout).await {
        Either::Left((Ok(answer), _)) => {
            admin::count(|c| c.forwarded += 1);
            Ok(relay(answer))
        }
        Either::Left((Err(e), _)) => {
            admin::count(|c| c.origin_unavailable += 1);
            Err(ApiError::new(
                ErrorCode::Unavailable,
                "the origin server cannot be reached from the edge; try again shortly",
            )
            .with_detail("cause", e.to_string()))
        }
        Either::Right(((), _)) => {
            controller.abort();
            admin::count(|c| c.origin_timeouts += 1);
            Err(ApiError::new(
                ErrorCode::OriginTimeout,
                format!(
                    "the origin server did not answer within {} ms; try again, or ask for less data",
                    config.origin_timeout.as_millis()
                ),
            )
            .with_detail("timeout_ms", config.origin_timeout.as_millis() as u64))
        }
    }
}

/// The origin's answer with the edge's marker; the body stays a stream.
fn relay(answer: Response) -> Response {
    let status = answer.status_code();
    // A fetched answer's headers are immutable: copy them.
    let headers = Headers::new();
    for (name, value) in answer.headers().entries() {
        let _ = headers.append(&name, &value);
    }
    let _ = headers.set(SERVED_BY, "origin");
    let (_, body) = answer.into_parts();
    Response::builder()
        .with_status(status)
        .with_headers(headers)
        .body(body)
}
