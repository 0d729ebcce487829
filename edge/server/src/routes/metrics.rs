//! `GET /metrics`: every cache tier's counters (hits, misses, evictions, bytes, load times) and the API's
//! own, in the Prometheus text format. Any valid token (see `auth.rs`).

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::state::ApiState;

pub async fn metrics(State(state): State<ApiState>) -> Response {
    let mut text = state.service().caches().prometheus_text().await;
    text.push_str(&state.counters().render(state.service().queries_run()));
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(mudrock_shared::media::PROMETHEUS_TEXT),
    );
    response
}
