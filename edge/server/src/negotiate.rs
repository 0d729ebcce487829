//! Content negotiation by `Accept`: which of the answer formats (`mudrock_engine::encode`) a response
//! is written in.

use axum::http::{HeaderMap, header};
use mudrock_shared::{ErrorCode, media};

use crate::error::ApiError;
pub use mudrock_engine::encode::Format;

/// The format for a table response: the supported media type with the highest `q` in `Accept`
/// (ties: the one listed first); JSON when `Accept` is missing or only says `*/*`/`application/*`;
/// 406 when the client accepts none of them.
pub fn negotiate(headers: &HeaderMap) -> std::result::Result<Format, ApiError> {
    let values: Vec<&str> = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if values.is_empty() {
        return Ok(Format::Json);
    }
    let mut best: Option<(f32, Format)> = None;
    for range in values.iter().flat_map(|v| v.split(',')) {
        let mut parts = range.split(';');
        let media_range = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if q <= 0.0 || media_range.is_empty() {
            continue;
        }
        let format = match media_range.as_str() {
            "*/*" | "application/*" | media::JSON => Some(Format::Json),
            media::ARROW_STREAM => Some(Format::ArrowStream),
            media::PARQUET | "application/x-parquet" => Some(Format::Parquet),
            _ => None,
        };
        if let Some(format) = format
            && best.is_none_or(|(best_q, _)| q > best_q)
        {
            best = Some((q, format));
        }
    }
    best.map(|(_, f)| f).ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotAcceptable,
            format!(
                "this route answers {}, {} or {}; the Accept header asked for none of them",
                media::JSON,
                media::ARROW_STREAM,
                media::PARQUET
            ),
        )
        .with_detail("accept", values.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn accept(v: &str) -> std::result::Result<Format, ApiError> {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
        negotiate(&h)
    }

    #[test]
    fn accept_picks_the_best_supported_type() {
        assert_eq!(negotiate(&HeaderMap::new()).unwrap(), Format::Json);
        assert_eq!(accept("*/*").unwrap(), Format::Json);
        assert_eq!(accept(media::ARROW_STREAM).unwrap(), Format::ArrowStream);
        assert_eq!(accept("application/vnd.apache.parquet").unwrap(), Format::Parquet);
        assert_eq!(
            accept("application/json;q=0.5, application/vnd.apache.arrow.stream").unwrap(),
            Format::ArrowStream
        );
        assert_eq!(
            accept("text/html, application/vnd.apache.parquet;q=0.9, */*;q=0.1").unwrap(),
            Format::Parquet
        );
        assert_eq!(
            accept("application/vnd.apache.arrow.stream;q=0, */*").unwrap(),
            Format::Json
        );
        let e = accept("text/html, text/csv").unwrap_err();
        assert_eq!(e.code(), ErrorCode::NotAcceptable);
    }
}
