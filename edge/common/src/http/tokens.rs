//! Bearer tokens scoped to projects, each with an access level: the same tokens, and the same 401 / 403
//! answers, on the native server and the edge worker.
//!
//! Access ([`Access`]): `read` (every route that reads a project), `write` (also ingest, and later deletes
//! and pipeline runs), `admin` (also the operator's routes: `/metrics`). A token without an access level
//! is `admin` — what every token was before levels existed. Which level a route needs: [`required_access`].
//!
//! Formats (see `mudrock_server::auth` for where the server takes them from; the worker reads `MUDROCK_TOKENS`):
//! - a JSON file: `{"tokens": [{"token": "s3cret", "projects": ["north-sea", "demo"], "access": "read",
//!   "expires": "2027-01-31T00:00:00Z"}, {"token": "ops", "projects": ["*"]}]}` (`expires`: optional, RFC 3339;
//!   past it the token is refused with 401)
//! - `MUDROCK_TOKENS="s3cret:read=north-sea,demo;ops=*"` — `;` between tokens, `=` before the projects,
//!   `,` between projects, `*` for every project, `:read` / `:write` / `:admin` after a token for its level.
//!
//! Tokens are held as SHA-256 digests, so a lookup's timing says nothing about a token's characters.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::error::ApiError;
use crate::error::{Error, ErrorKind, Result};

/// Which projects a token opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Projects(BTreeSet<String>),
}

impl Scope {
    pub fn allows(&self, project: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Projects(set) => set.contains(project),
        }
    }

    fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Scope> {
        let mut set = BTreeSet::new();
        for name in names {
            let name = name.trim();
            if name == "*" {
                return Ok(Scope::All);
            }
            mudrock_core::layout::ProjectId::new(name).map_err(|e| {
                Error::new(
                    ErrorKind::ConfigInvalid,
                    format!("token scope names an invalid project `{name}`: {e}"),
                )
            })?;
            set.insert(name.to_owned());
        }
        if set.is_empty() {
            return Err(Error::new(
                ErrorKind::ConfigInvalid,
                "a token has no projects: list project ids, or `*` for all",
            ));
        }
        Ok(Scope::Projects(set))
    }
}

/// What a token may do in the projects of its scope; each level includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Access {
    /// Every route that reads a project (wells, logs, SQL, tops, objects).
    Read,
    /// Also the routes that change a project (ingest).
    Write,
    /// Also the operator's routes (`/metrics`).
    Admin,
}

impl Access {
    pub const ALL: [Access; 3] = [Access::Read, Access::Write, Access::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
            Access::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Result<Access> {
        Access::ALL
            .into_iter()
            .find(|a| a.as_str() == text.trim())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::ConfigInvalid,
                    format!(
                        "a token's access is `read`, `write` or `admin` (got `{}`)",
                        text.trim()
                    ),
                )
            })
    }
}

/// The access a route needs (`/healthz` needs no token at all).
pub fn required_access(route: mudrock_core::cache::ApiRoute) -> Access {
    use mudrock_core::cache::ApiRoute as R;
    match route {
        R::Ingest => Access::Write,
        R::Metrics => Access::Admin,
        R::ListProjects
        | R::ListWells
        | R::GetWell
        | R::PolygonSearch
        | R::ListCurves
        | R::ListTops
        | R::LogWindow
        | R::ParquetObject
        | R::Sql
        | R::OpenApi
        | R::Health => Access::Read,
    }
}

/// The authenticated caller, put in the request's extensions by [`require_token`].
#[derive(Debug, Clone)]
pub struct Principal {
    pub scope: Arc<Scope>,
    pub access: Access,
}

/// One accepted token: what it opens, how far, and until when.
#[derive(Debug, Clone)]
struct Grant {
    scope: Arc<Scope>,
    access: Access,
    /// Unix milliseconds after which the token is refused; `None`: it does not expire.
    expires_ms: Option<i64>,
}

/// The tokens a server accepts.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    by_digest: HashMap<[u8; 32], Grant>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    tokens: Vec<ConfigToken>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigToken {
    token: String,
    projects: Vec<String>,
    /// `read`, `write` or `admin` (the default).
    #[serde(default)]
    access: Option<String>,
    /// When the token stops opening anything: an RFC 3339 time (`2027-01-31T00:00:00Z`).
    #[serde(default)]
    expires: Option<String>,
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Shortest token accepted: a short token can be guessed.
pub const MIN_TOKEN_LEN: usize = 16;

impl Tokens {
    pub fn new() -> Self {
        Tokens::default()
    }

    /// Adds an `admin` token; refuses short or blank ones.
    pub fn add(&mut self, token: &str, scope: Scope) -> Result<()> {
        self.add_with_access(token, scope, Access::Admin)
    }

    /// Adds a token with its access level; refuses short or blank ones.
    pub fn add_with_access(&mut self, token: &str, scope: Scope, access: Access) -> Result<()> {
        self.add_grant(token, scope, access, None)
    }

    /// Adds a token that is refused after `expires_ms` (Unix milliseconds).
    pub fn add_expiring(&mut self, token: &str, scope: Scope, access: Access, expires_ms: i64) -> Result<()> {
        self.add_grant(token, scope, access, Some(expires_ms))
    }

    fn add_grant(
        &mut self,
        token: &str,
        scope: Scope,
        access: Access,
        expires_ms: Option<i64>,
    ) -> Result<()> {
        let token = token.trim();
        if token.len() < MIN_TOKEN_LEN || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::new(
                ErrorKind::ConfigInvalid,
                format!(
                    "a token must be at least {MIN_TOKEN_LEN} characters without spaces (got one of {} characters)",
                    token.len()
                ),
            ));
        }
        self.by_digest.insert(
            digest(token),
            Grant {
                scope: Arc::new(scope),
                access,
                expires_ms,
            },
        );
        Ok(())
    }

    pub fn with(mut self, token: &str, scope: Scope) -> Result<Self> {
        self.add(token, scope)?;
        Ok(self)
    }

    pub fn with_access(mut self, token: &str, scope: Scope, access: Access) -> Result<Self> {
        self.add_with_access(token, scope, access)?;
        Ok(self)
    }

    pub fn is_empty(&self) -> bool {
        self.by_digest.is_empty()
    }

    pub fn len(&self) -> usize {
        self.by_digest.len()
    }

    /// `token1=projA,projB;token2:read=*`.
    pub fn parse_env(text: &str) -> Result<Self> {
        let mut tokens = Tokens::new();
        for entry in text.split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let (token, projects) = entry.split_once('=').ok_or_else(|| {
                Error::new(
                    ErrorKind::ConfigInvalid,
                    "MUDROCK_TOKENS entries are `token=project1,project2` (or `token=*`, or `token:read=…`), \
                     separated by `;`",
                )
            })?;
            // A level after the last `:` of the token side, when it is one (a token may hold `:` itself).
            let (token, access) = token
                .rsplit_once(':')
                .and_then(|(token, level)| Some((token, Access::parse(level).ok()?)))
                .unwrap_or((token, Access::Admin));
            tokens.add_with_access(token, Scope::from_names(projects.split(','))?, access)?;
        }
        Ok(tokens)
    }

    /// The JSON config file (see the module doc).
    pub fn parse_config(text: &str) -> Result<Self> {
        let file: ConfigFile = serde_json::from_str(text).map_err(|e| {
            Error::new(
                ErrorKind::ConfigInvalid,
                format!(
                    "the auth config is not valid: {e}; expected {{\"tokens\": [{{\"token\": \"…\", \"projects\": [\"p1\"]}}]}}"
                ),
            )
        })?;
        let mut tokens = Tokens::new();
        for t in file.tokens {
            let access = match &t.access {
                Some(level) => Access::parse(level)?,
                None => Access::Admin,
            };
            let expires_ms = match &t.expires {
                Some(text) => Some(
                    chrono::DateTime::parse_from_rfc3339(text.trim())
                        .map_err(|e| {
                            Error::new(
                                ErrorKind::ConfigInvalid,
                                format!(
                                    "a token's `expires` is `{text}`, not an RFC 3339 time such as \
                                     2027-01-31T00:00:00Z: {e}"
                                ),
                            )
                        })?
                        .timestamp_millis(),
                ),
                None => None,
            };
            tokens.add_grant(
                &t.token,
                Scope::from_names(t.projects.iter().map(String::as_str))?,
                access,
                expires_ms,
            )?;
        }
        Ok(tokens)
    }

    pub fn load_config(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::new(
                ErrorKind::ConfigInvalid,
                format!("cannot read the auth config {}", path.display()),
            )
            .with_source(e)
        })?;
        Tokens::parse_config(&text).map_err(|e| e.with_context("file", path.display()))
    }

    /// The scope of the token in an `Authorization` header value, at `now_ms` (Unix milliseconds: the
    /// caller's clock, which differs between the server and the worker).
    pub fn authenticate(
        &self,
        authorization: Option<&str>,
        now_ms: i64,
    ) -> std::result::Result<Principal, ApiError> {
        let Some(value) = authorization else {
            return Err(ApiError::unauthorized(
                "this route needs a bearer token: send `Authorization: Bearer <token>`",
            ));
        };
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .map(str::trim)
            .ok_or_else(|| {
                ApiError::unauthorized(
                    "the Authorization header must be `Bearer <token>` (other schemes are not accepted)",
                )
            })?;
        match self.by_digest.get(&digest(token)) {
            Some(grant) if grant.expires_ms.is_some_and(|end| now_ms >= end) => {
                let when = grant
                    .expires_ms
                    .and_then(chrono::DateTime::from_timestamp_millis)
                    .map_or_else(String::new, |t| format!(" at {}", t.format("%Y-%m-%dT%H:%M:%SZ")));
                Err(ApiError::unauthorized(format!(
                    "this token expired{when}: ask the server's operator for a new one"
                )))
            }
            Some(grant) => Ok(Principal {
                scope: grant.scope.clone(),
                access: grant.access,
            }),
            None => Err(ApiError::unauthorized("this token is not valid on this server")),
        }
    }
}

impl Principal {
    /// 403 when this caller's token does not have `needed` access; `what` names the route.
    pub fn require(&self, needed: Access, what: &str) -> std::result::Result<(), ApiError> {
        if self.access >= needed {
            return Ok(());
        }
        Err(ApiError::new(
            mudrock_shared::ErrorCode::Forbidden,
            format!(
                "this token has {} access; {what} needs a token with {} access",
                self.access.as_str(),
                needed.as_str()
            ),
        )
        .with_detail("access", self.access.as_str())
        .with_detail("needed", needed.as_str()))
    }

    /// 403 when `project` is outside this caller's scope.
    pub fn check(&self, project: &str) -> std::result::Result<(), ApiError> {
        if self.scope.allows(project) {
            Ok(())
        } else {
            Err(ApiError::forbidden(project))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "token-aaaaaaaaaaaaaaaa";
    const B: &str = "token-bbbbbbbbbbbbbbbb";

    #[test]
    fn env_format() {
        let t = Tokens::parse_env(&format!(" {A}=north,south ; {B}=* ;")).unwrap();
        assert_eq!(t.len(), 2);
        let a = t.authenticate(Some(&format!("Bearer {A}")), 0).unwrap();
        assert!(a.scope.allows("north") && a.scope.allows("south") && !a.scope.allows("east"));
        let b = t.authenticate(Some(&format!("Bearer {B}")), 0).unwrap();
        assert!(b.scope.allows("anything"));
        for bad in ["notoken", &format!("{A}="), &format!("{A}=../x"), "short=p"] {
            assert_eq!(
                Tokens::parse_env(bad).unwrap_err().kind(),
                ErrorKind::ConfigInvalid,
                "{bad}"
            );
        }
    }

    #[test]
    fn config_file_format() {
        let t = Tokens::parse_config(&format!(
            r#"{{"tokens": [{{"token": "{A}", "projects": ["p1"]}}, {{"token": "{B}", "projects": ["*"]}}]}}"#
        ))
        .unwrap();
        assert!(
            t.authenticate(Some(&format!("Bearer {A}")), 0)
                .unwrap()
                .scope
                .allows("p1")
        );
        let err = Tokens::parse_config(r#"{"tokens": [{"token": "x"}]}"#).unwrap_err();
        assert!(err.message().contains("projects"), "{}", err.message());
    }

    #[test]
    fn access_levels_in_both_formats() {
        let t = Tokens::parse_env(&format!("{A}:read=north;{B}:write=*;token-cccc:cccccccccccc=p")).unwrap();
        let level = |token: &str| {
            t.authenticate(Some(&format!("Bearer {token}")), 0)
                .unwrap()
                .access
        };
        assert_eq!(level(A), Access::Read);
        assert_eq!(level(B), Access::Write);
        // `:cccccccccccc` is no level: part of the token, which is `admin` by default.
        assert_eq!(level("token-cccc:cccccccccccc"), Access::Admin);
        let t = Tokens::parse_config(&format!(
            r#"{{"tokens": [{{"token": "{A}", "projects": ["p"], "access": "read"}}, {{"token": "{B}", "projects": ["*"]}}]}}"#
        ))
        .unwrap();
        let level = |token: &str| {
            t.authenticate(Some(&format!("Bearer {token}")), 0)
                .unwrap()
                .access
        };
        assert_eq!((level(A), level(B)), (Access::Read, Access::Admin));
        let err = Tokens::parse_config(&format!(
            r#"{{"tokens": [{{"token": "{A}", "projects": ["p"], "access": "owner"}}]}}"#
        ))
        .unwrap_err();
        assert!(err.message().contains("`owner`"), "{}", err.message());
    }

    #[test]
    fn a_level_below_the_route_is_403_naming_both() {
        let t = Tokens::new().with_access(A, Scope::All, Access::Read).unwrap();
        let p = t.authenticate(Some(&format!("Bearer {A}")), 0).unwrap();
        assert!(p.require(Access::Read, "this route").is_ok());
        let e = p
            .require(Access::Write, "POST /v1/projects/p/ingest")
            .unwrap_err();
        assert_eq!(e.code(), mudrock_shared::ErrorCode::Forbidden);
        assert!(
            e.message().contains("read access") && e.message().contains("write access"),
            "{}",
            e.message()
        );
        assert_eq!(
            required_access(mudrock_core::cache::ApiRoute::Ingest),
            Access::Write
        );
        assert_eq!(
            required_access(mudrock_core::cache::ApiRoute::Metrics),
            Access::Admin
        );
        assert_eq!(required_access(mudrock_core::cache::ApiRoute::Sql), Access::Read);
    }

    #[test]
    fn unknown_missing_or_malformed_tokens_are_401() {
        let t = Tokens::new().with(A, Scope::All).unwrap();
        for header in [
            None,
            Some("Basic abc"),
            Some("Bearer nope-nope-nope-nope"),
            Some(A),
        ] {
            let e = t.authenticate(header, 0).unwrap_err();
            assert_eq!(e.code(), mudrock_shared::ErrorCode::Unauthorized, "{header:?}");
        }
    }

    #[test]
    fn a_token_past_its_expiry_is_refused_and_says_so() {
        let config = format!(
            r#"{{"tokens": [{{"token": "{A}", "projects": ["north"], "access": "read", "expires": "2027-01-31T00:00:00Z"}},
                            {{"token": "{B}", "projects": ["*"]}}]}}"#
        );
        let t = Tokens::parse_config(&config).unwrap();
        let end = 1_801_353_600_000; // 2027-01-31T00:00:00Z
        let bearer = |token: &str| format!("Bearer {token}");
        assert_eq!(
            t.authenticate(Some(&bearer(A)), end - 1).unwrap().access,
            Access::Read
        );
        let e = t.authenticate(Some(&bearer(A)), end).unwrap_err();
        assert!(
            e.message().contains("expired at 2027-01-31T00:00:00Z"),
            "{}",
            e.message()
        );
        // A token without `expires` never expires.
        assert!(t.authenticate(Some(&bearer(B)), i64::MAX).is_ok());
        let bad = format!(r#"{{"tokens": [{{"token": "{A}", "projects": ["*"], "expires": "next week"}}]}}"#);
        let e = Tokens::parse_config(&bad).unwrap_err();
        assert!(e.to_string().contains("`next week`, not an RFC 3339 time"), "{e}");
    }
}
