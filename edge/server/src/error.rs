//! Every failure of the native API becomes one JSON envelope (`mudrock_shared::ErrorEnvelope`), built by
//! `mudrock_common::http` (whose `axum` feature makes it a response and axum's rejections `ApiError`s): axum's own rejections (bad JSON, bad query string, a missing multipart part, a body over the
//! limit), unknown routes and wrong methods become an `ApiError` (`http::error`, which also maps the
//! backend's `Error` kinds and is shared with the edge worker), and an `ApiError` becomes a response. The
//! HTTP status comes from the envelope's code (`ErrorCode::http_status`), so code and status never disagree.

use mudrock_common::error::{Error, ErrorKind};
use mudrock_core::query::QueryError;
use mudrock_engine::service::WindowError;
use mudrock_shared::ErrorCode;

pub use mudrock_common::http::error::{ApiError, ApiResult};

/// A log window that could not be planned: the request's fault (400, `unknown_curve` listing the
/// well's curves when one asked for is missing), or the backend's.
pub fn window_error(err: WindowError) -> ApiError {
    match err {
        WindowError::Invalid { error, available } => {
            let code = match error {
                QueryError::UnknownCurves { .. } => ErrorCode::UnknownCurve,
                _ => ErrorCode::BadRequest,
            };
            let api = ApiError::new(code, error.to_string()).with_detail("parameter", error.field());
            match available {
                Some(curves) => api.with_detail("available", curves),
                None => api,
            }
        }
        WindowError::Failed(err) => ApiError::from(err),
    }
}

/// A SQL query the backend refused: the statement is not a read (`read_only`), the text is not valid
/// SQL or asks for what the engine does not do (`invalid_sql`); anything else by its kind.
pub fn sql_error(err: Error) -> ApiError {
    let code = match err.kind() {
        _ if mudrock_engine::query::is_read_only_refusal(&err) => ErrorCode::ReadOnly,
        ErrorKind::InvalidInput if err.context("parameter").is_some() => ErrorCode::BadRequest,
        ErrorKind::InvalidInput | ErrorKind::Unsupported => ErrorCode::InvalidSql,
        _ => return ApiError::from(err),
    };
    ApiError::from_error_as(code, err)
}

/// The router's fallback: no route has this path.
pub async fn route_not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        ErrorCode::RouteNotFound,
        format!(
            "no route `{}`: the API lives under /v1 (the routes are listed at /v1/openapi.json)",
            uri.path()
        ),
    )
    .with_detail("path", uri.path())
}

/// The router's fallback for a path that exists with other methods.
pub async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!("{method} is not allowed on `{}`", uri.path()),
    )
    .with_detail("method", method.as_str())
    .with_detail("path", uri.path())
}

#[cfg(test)]
mod tests {
    use axum::http::header;
    use axum::response::IntoResponse;

    use super::*;

    #[test]
    fn backend_kinds_map_to_codes_and_statuses() {
        let cases = [
            (ErrorKind::NotFound, ErrorCode::NotFound, 404),
            (ErrorKind::InvalidInput, ErrorCode::BadRequest, 400),
            (ErrorKind::Conflict, ErrorCode::Conflict, 409),
            (ErrorKind::Unavailable, ErrorCode::Unavailable, 503),
            (ErrorKind::Timeout, ErrorCode::QueryTimeout, 504),
            (ErrorKind::Unexpected, ErrorCode::Internal, 500),
        ];
        for (kind, code, status) in cases {
            let api = ApiError::from(Error::new(kind, "m").with_context("path", "p/x"));
            assert_eq!(api.code(), code);
            assert_eq!(api.into_response().status().as_u16(), status);
        }
    }

    #[test]
    fn client_errors_keep_message_and_context_server_errors_do_not_leak() {
        let e = ApiError::from(
            Error::new(ErrorKind::InvalidInput, "depth_min is above depth_max")
                .with_context("root", "/secret/dir")
                .with_context("well", "W1"),
        );
        assert_eq!(e.message(), "depth_min is above depth_max");
        assert_eq!(e.envelope().error.details["well"], "W1");
        assert!(!e.envelope().error.details.contains_key("root"));

        let e = ApiError::from(Error::new(ErrorKind::Unexpected, "parquet at /secret/dir broke"));
        assert!(!e.message().contains("/secret"), "{}", e.message());
    }

    #[test]
    fn unauthorized_and_range_answers_carry_their_headers() {
        let r = ApiError::unauthorized("no token").into_response();
        assert_eq!(r.status(), 401);
        assert!(r.headers().get(header::WWW_AUTHENTICATE).is_some());
        let r = ApiError::range_not_satisfiable("past the end", 1234).into_response();
        assert_eq!(r.status(), 416);
        assert_eq!(r.headers()[header::CONTENT_RANGE], "bytes */1234");
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/json");
    }
}
