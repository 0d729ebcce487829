//! A failed request as the API answers it: one JSON envelope (`mudrock_shared::ErrorEnvelope`) whose code
//! decides the HTTP status (`ErrorCode::http_status`), built here from the backend's `Error` kinds. The
//! native server (`mudrock_server::error`, axum) and the edge worker (`worker::respond`) turn it into a response; both
//! send the same bytes and status for the same failure.

use mudrock_shared::{ErrorCode, ErrorEnvelope};
use serde_json::Value;

use crate::error::{Error, ErrorKind};

/// A failed request: the envelope to send, plus what the log needs. Boxed: handlers return it in
/// `Result`s on every path, and the success path should not pay for its size.
#[derive(Debug)]
pub struct ApiError(Box<Failure>);

#[derive(Debug)]
struct Failure {
    envelope: ErrorEnvelope,
    /// The underlying backend error, logged for 5xx answers (whose message stays generic).
    source: Option<Error>,
    /// `Content-Range: bytes */{size}` on 416 answers.
    object_size: Option<u64>,
}

/// What every handler returns.
pub type ApiResult<T> = std::result::Result<T, ApiError>;

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError(Box::new(Failure {
            envelope: ErrorEnvelope::new(code, message),
            source: None,
            object_size: None,
        }))
    }

    pub fn with_detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.0.envelope.error.details.insert(key.to_owned(), value.into());
        self
    }

    pub fn envelope(&self) -> &ErrorEnvelope {
        &self.0.envelope
    }

    /// The underlying backend error, for the log of a 5xx answer.
    pub fn source_error(&self) -> Option<&Error> {
        self.0.source.as_ref()
    }

    /// `Content-Range: bytes */{size}` belongs on the answer (416).
    pub fn object_size(&self) -> Option<u64> {
        self.0.object_size
    }

    /// The HTTP status of this answer.
    pub fn status(&self) -> u16 {
        self.code().http_status()
    }

    /// The envelope as JSON bytes (never fails: a fixed body if encoding should).
    pub fn body(&self) -> Vec<u8> {
        serde_json::to_vec(&self.0.envelope).unwrap_or_else(|_| {
            br#"{"error":{"code":"internal","message":"cannot encode the error","details":{}}}"#.to_vec()
        })
    }

    pub fn code(&self) -> ErrorCode {
        self.0.envelope.error.code
    }

    pub fn message(&self) -> &str {
        &self.0.envelope.error.message
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        ApiError::new(ErrorCode::Unauthorized, message)
    }

    pub fn forbidden(project: &str) -> Self {
        ApiError::new(
            ErrorCode::Forbidden,
            format!("this token does not give access to project `{project}`"),
        )
        .with_detail("project", project)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(ErrorCode::BadRequest, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(ErrorCode::NotFound, message)
    }

    /// 416 for a range outside an object of `size` bytes (or several ranges at once).
    pub fn range_not_satisfiable(message: impl Into<String>, size: u64) -> Self {
        let mut e = ApiError::new(ErrorCode::RangeNotSatisfiable, message).with_detail("size", size);
        e.0.object_size = Some(size);
        e
    }

    /// The backend's error under a code chosen by the caller, keeping its message (for 4xx codes) and
    /// its context as details.
    pub fn from_error_as(code: ErrorCode, err: Error) -> Self {
        let mut api = ApiError::new(code, err.message().to_owned());
        // A timeout's context (`timeout_ms`) is the caller's business too: it says what limit was hit.
        if code.http_status() < 500 || code == ErrorCode::QueryTimeout {
            for (k, v) in err.context_pairs() {
                // Storage internals (where the data dir is) are not the caller's business.
                if !matches!(*k, "backend" | "root") {
                    api = api.with_detail(k, v.as_str());
                }
            }
        } else {
            api.0.envelope.error.message = match code {
                // The engine's timeout message says what to do; it names no server internals.
                ErrorCode::QueryTimeout => err.message().to_owned(),
                ErrorCode::Unavailable => format!(
                    "the server could not reach its storage; try again shortly ({})",
                    err.message()
                ),
                _ => "the server failed to answer this request; the server log has the details".to_owned(),
            };
        }
        api.0.source = Some(err);
        api
    }
}

/// The backend's error kinds and the code each becomes.
impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        let code = match err.kind() {
            ErrorKind::NotFound => ErrorCode::NotFound,
            ErrorKind::InvalidInput | ErrorKind::Unsupported => ErrorCode::BadRequest,
            ErrorKind::Conflict => ErrorCode::Conflict,
            ErrorKind::Unavailable => ErrorCode::Unavailable,
            ErrorKind::Timeout => ErrorCode::QueryTimeout,
            // Storage refusing the server, a bad server configuration, a bug: not the caller's doing.
            _ => ErrorCode::Internal,
        };
        ApiError::from_error_as(code, err)
    }
}
