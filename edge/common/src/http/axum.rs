//! The axum server's side of the error envelope (feature `axum`): an [`ApiError`] is a response, and
//! axum's own rejections (bad JSON, bad query string, a path that does not decode, a bad multipart
//! upload, a body over the limit) are `ApiError`s. Here, beside the type, because Rust lets only the
//! crate that defines a type implement another crate's traits for it.

use axum::extract::multipart::MultipartError;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mudrock_shared::ErrorCode;

use super::error::ApiError;

fn rejection(status: StatusCode, what: &str, text: String) -> ApiError {
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        s if s.is_server_error() => ErrorCode::Internal,
        _ => ErrorCode::BadRequest,
    };
    let message = match code {
        ErrorCode::PayloadTooLarge => "the request body is larger than this server accepts".to_owned(),
        ErrorCode::UnsupportedMediaType => {
            format!("the {what} must be sent with the right Content-Type: {text}")
        }
        _ => format!("invalid {what}: {text}"),
    };
    ApiError::new(code, message)
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        rejection(r.status(), "JSON body", r.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        rejection(r.status(), "query string", r.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        rejection(r.status(), "path", r.body_text())
    }
}

impl From<axum::extract::rejection::RawPathParamsRejection> for ApiError {
    fn from(r: axum::extract::rejection::RawPathParamsRejection) -> Self {
        rejection(r.status(), "path", r.body_text())
    }
}

impl From<MultipartError> for ApiError {
    fn from(r: MultipartError) -> Self {
        rejection(r.status(), "multipart upload", r.body_text())
    }
}

impl From<axum::extract::multipart::MultipartRejection> for ApiError {
    fn from(r: axum::extract::multipart::MultipartRejection) -> Self {
        rejection(r.status(), "multipart upload", r.body_text())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = self.code();
        let status = StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            match self.source_error() {
                Some(source) => eprintln!("error: {code}: {source:?}"),
                None => eprintln!("error: {code}: {}", self.message()),
            }
        }
        let body = self.body();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(mudrock_shared::media::JSON),
        );
        if code == ErrorCode::Unauthorized {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"mudrock\""),
            );
        }
        if let Some(size) = self.object_size()
            && let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}"))
        {
            headers.insert(header::CONTENT_RANGE, v);
        }
        response
    }
}
