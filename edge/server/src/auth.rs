//! The server's side of the bearer tokens (`http::tokens`): checked on every route but `/healthz`.
//!
//! Where tokens come from (the first that is given wins):
//! 1. a JSON file, path from `--auth-config` or `MUDROCK_AUTH_CONFIG`:
//!    `{"tokens": [{"token": "s3cret", "projects": ["north-sea", "demo"], "access": "read"}, {"token": "ops", "projects": ["*"]}]}`
//!    (`access`: `read`, `write` or `admin`, the default);
//! 2. `MUDROCK_TOKENS="s3cret:read=north-sea,demo;ops=*"` — `;` between tokens, `=` before the projects,
//!    `,` between projects, `*` for every project, `:read` / `:write` / `:admin` after a token for its access;
//! 3. neither: `mudrock serve` makes one random token for all projects and prints it, so a server is
//!    never left without a way in.
//!
//! A request without `Authorization: Bearer <token>`, or with a token the server does not know, is 401
//! (with `WWW-Authenticate: Bearer`). A known token used on a project outside its scope, or on a route
//! that needs more access than it has (`read` < `write` < `admin`: ingest needs `write`, `/metrics`
//! `admin`), is 403: both checks run before any handler, on the matched route, so no route can forget
//! them. `/v1/openapi.json` needs a valid token of any scope; `/v1/projects` lists only the projects a
//! token may read.
//! Tokens are held as SHA-256 digests, so a lookup's timing says nothing about a token's characters.

use std::sync::Arc;

use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{RawPathParams, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

use crate::error::ApiError;
use mudrock_common::error::{Error, ErrorKind, Result};
use mudrock_core::cache::ApiRoute;

pub use mudrock_common::http::tokens::{Access, Principal, Scope, Tokens, required_access};

/// A fresh random token (256 bits, hex) for every project, for a server started without tokens.
pub fn random_admin() -> Result<(Tokens, String)> {
    let token = random_token()?;
    let tokens = Tokens::new().with(&token, Scope::All)?;
    Ok((tokens, token))
}

/// 64 hex digits from the operating system's random source.
pub fn random_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| {
        Error::new(
            ErrorKind::Unexpected,
            format!("cannot get random bytes from the operating system for a token: {e}"),
        )
    })?;
    Ok(hex::encode(bytes))
}

/// Middleware on every authenticated route: 401 without a known token, 403 when the matched route's
/// `{project}` is outside the token's scope. Puts the [`Principal`] in the request's extensions.
pub async fn require_token(
    State(tokens): State<Arc<Tokens>>,
    params: std::result::Result<RawPathParams, RawPathParamsRejection>,
    mut request: Request,
    next: Next,
) -> std::result::Result<Response, ApiError> {
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let principal = tokens.authenticate(authorization, now_ms)?;
    // A path whose parameters do not decode (invalid UTF-8) is the envelope's 400 like any bad input.
    let params = params?;
    if let Some((_, project)) = params.iter().find(|(name, _)| *name == "project") {
        principal.check(project)?;
    }
    // The access the route needs, from core's route table (the one the worker and the browser use); a
    // route missing from it needs the most.
    let method = request.method().as_str();
    let needed =
        ApiRoute::classify(method, request.uri().path()).map_or(Access::Admin, |m| required_access(m.route));
    principal.require(needed, &format!("{method} {}", request.uri().path()))?;
    request.extensions_mut().insert(principal);
    Ok(next.run(request).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_tokens_differ_and_work() {
        let (t, token) = random_admin().unwrap();
        assert_eq!(token.len(), 64);
        assert!(t.authenticate(Some(&format!("Bearer {token}")), 0).is_ok());
        assert_ne!(random_token().unwrap(), random_token().unwrap());
    }
}
