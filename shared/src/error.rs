//! The one error envelope every failing response carries:
//! `{ "error": { "code": "unknown_curve", "message": "…", "details": { … } } }`.
//!
//! `code` is stable and meant for programs to branch on; `message` is for the person reading it and says
//! what to change; `details` holds the values involved (the curve asked for, the curves there are, the
//! object size for a bad range …) and is an empty object when there is nothing to add.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default)]
    pub details: Map<String, Value>,
}

impl ErrorEnvelope {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ErrorEnvelope {
            error: ErrorBody {
                code,
                message: message.into(),
                details: Map::new(),
            },
        }
    }

    pub fn with_detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.error.details.insert(key.to_owned(), value.into());
        self
    }
}

/// What went wrong, one code per way a request can fail. The HTTP status of each is part of the
/// contract and documented on the variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// 401: no bearer token, or one the server does not know.
    Unauthorized,
    /// 403: the token is valid but not for this project.
    Forbidden,
    /// 404: the project, well, log or object does not exist.
    NotFound,
    /// 404: no route has this path.
    RouteNotFound,
    /// 405: the route exists but not with this method.
    MethodNotAllowed,
    /// 400: a parameter or body is malformed (bad JSON, a missing field, a bad number).
    BadRequest,
    /// 400: the SQL does not parse or does not plan (unknown table or column, type error).
    InvalidSql,
    /// 400: the SQL would change data or schema (DDL, DML, COPY, SET …); the SQL route is read-only.
    ReadOnly,
    /// 400: a curve asked for is not in the well's logs.
    UnknownCurve,
    /// 400: the polygon is not valid GeoJSON or WKT, or not a polygon.
    InvalidPolygon,
    /// 413: the upload is larger than the server accepts.
    PayloadTooLarge,
    /// 415: the request body's content type is not one the route reads.
    UnsupportedMediaType,
    /// 406: none of the media types in `Accept` can be produced by this route.
    NotAcceptable,
    /// 416: the byte range is outside the object, or several ranges were asked for at once.
    RangeNotSatisfiable,
    /// 409: a concurrent change got in the way; trying again may work.
    Conflict,
    /// 504: the query ran longer than the server's query timeout.
    QueryTimeout,
    /// 503: storage or a service is temporarily unavailable; trying again may work.
    Unavailable,
    /// 504: the edge forwarded the request and the origin did not answer within the edge's timeout.
    OriginTimeout,
    /// 500: a bug or an unclassified failure; the message and the server log say more.
    Internal,
    /// A code this client does not know yet (a newer server).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The HTTP status a response with this code carries.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound | ErrorCode::RouteNotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::BadRequest
            | ErrorCode::InvalidSql
            | ErrorCode::ReadOnly
            | ErrorCode::UnknownCurve
            | ErrorCode::InvalidPolygon => 400,
            ErrorCode::NotAcceptable => 406,
            ErrorCode::Conflict => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::RangeNotSatisfiable => 416,
            ErrorCode::Internal | ErrorCode::Unknown => 500,
            ErrorCode::Unavailable => 503,
            ErrorCode::QueryTimeout | ErrorCode::OriginTimeout => 504,
        }
    }

    /// The code as it appears on the wire (`unknown_curve`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::RouteNotFound => "route_not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::InvalidSql => "invalid_sql",
            ErrorCode::ReadOnly => "read_only",
            ErrorCode::UnknownCurve => "unknown_curve",
            ErrorCode::InvalidPolygon => "invalid_polygon",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::NotAcceptable => "not_acceptable",
            ErrorCode::RangeNotSatisfiable => "range_not_satisfiable",
            ErrorCode::Conflict => "conflict",
            ErrorCode::QueryTimeout => "query_timeout",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::OriginTimeout => "origin_timeout",
            ErrorCode::Internal => "internal",
            ErrorCode::Unknown => "unknown",
        }
    }

    /// Every code a server sends (not `Unknown`), for documentation and tests.
    pub const ALL: [ErrorCode; 19] = [
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::RouteNotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::BadRequest,
        ErrorCode::InvalidSql,
        ErrorCode::ReadOnly,
        ErrorCode::UnknownCurve,
        ErrorCode::InvalidPolygon,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::NotAcceptable,
        ErrorCode::RangeNotSatisfiable,
        ErrorCode::Conflict,
        ErrorCode::QueryTimeout,
        ErrorCode::Unavailable,
        ErrorCode::OriginTimeout,
        ErrorCode::Internal,
    ];
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_has_the_documented_shape() {
        let e = ErrorEnvelope::new(ErrorCode::UnknownCurve, "no curve `XX` in well W1")
            .with_detail("curve", "XX");
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["error"]["code"], "unknown_curve");
        assert_eq!(v["error"]["message"], "no curve `XX` in well W1");
        assert_eq!(v["error"]["details"]["curve"], "XX");
        let back: ErrorEnvelope = serde_json::from_value(v).unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn wire_names_match_serde_and_unknown_codes_still_parse() {
        for code in ErrorCode::ALL {
            let v = serde_json::to_value(code).unwrap();
            assert_eq!(v, code.as_str());
            assert!((400..600).contains(&code.http_status()));
        }
        let newer: ErrorBody = serde_json::from_str(r#"{"code":"some_new_code","message":"m"}"#).unwrap();
        assert_eq!(newer.code, ErrorCode::Unknown);
        assert!(newer.details.is_empty());
    }
}
