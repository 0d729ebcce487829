//! [`MetadataStore`] over PostgREST (Supabase's REST face): for deployments that expose only
//! `SUPABASE_URL` + a key, not the database. The database has MudRock's migrations (the PostgreSQL set:
//! tables, row-level security, the `/rpc` functions for writes that must be one transaction).
//!
//! Every request carries a JWT for the scope's project (`role: mudrock_app`, `mudrock_project: <id>`),
//! minted here from the server's JWT secret (HS256, as PostgREST and Supabase verify them), so the
//! database's row-level security confines it to that project; plus the `apikey` header Supabase's gateway
//! wants. Upserts are `POST` with `Prefer: resolution=merge-duplicates` and `on_conflict`; filters are
//! `column=eq.value`; errors are PostgREST's JSON (`code`, `message`, `details`, `hint`) with the HTTP
//! status PostgREST documents for each SQLSTATE.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use sha2::Sha256;

use super::{
    CurveRecord, IngestRecord, LogRecord, MetadataStore, PipelineExecution, ProjectRecord, ProjectScope,
    TopRecord, WellRecord, WellboreRecord,
};
use crate::error::{Error, ErrorKind, Result};

/// Where PostgREST is and how to sign for it.
#[derive(Clone)]
pub struct PostgrestConfig {
    /// The REST root: `http://127.0.0.1:3000`, or a Supabase project's `https://<ref>.supabase.co/rest/v1`.
    pub url: String,
    /// Supabase's `apikey` header (the anon or service key); `None` for a bare PostgREST.
    pub api_key: Option<String>,
    /// PostgREST's `jwt-secret` (Supabase: the project's JWT secret).
    pub jwt_secret: String,
    /// How long a minted token lives.
    pub token_ttl: Duration,
}

impl std::fmt::Debug for PostgrestConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgrestConfig")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl PostgrestConfig {
    /// `POSTGREST_URL` (or `SUPABASE_URL` + `/rest/v1`), `POSTGREST_JWT_SECRET` (or `SUPABASE_JWT_SECRET`),
    /// `SUPABASE_ANON_KEY` as the `apikey`. `None` when no URL is set.
    pub fn from_env() -> Result<Option<PostgrestConfig>> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let url = match (var("POSTGREST_URL"), var("SUPABASE_URL")) {
            (Some(url), _) => url,
            (None, Some(base)) => format!("{}/rest/v1", base.trim_end_matches('/')),
            (None, None) => return Ok(None),
        };
        let jwt_secret = var("POSTGREST_JWT_SECRET")
            .or_else(|| var("SUPABASE_JWT_SECRET"))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::ConfigInvalid,
                    "PostgREST needs POSTGREST_JWT_SECRET (Supabase: SUPABASE_JWT_SECRET) to sign per-project tokens",
                )
            })?;
        Ok(Some(PostgrestConfig {
            url: url.trim_end_matches('/').to_owned(),
            api_key: var("SUPABASE_ANON_KEY"),
            jwt_secret,
            token_ttl: Duration::from_secs(300),
        }))
    }
}

pub struct PostgrestStore {
    config: PostgrestConfig,
    http: reqwest::Client,
}

/// What a request does, before it is sent: enough to test how requests are built without a server.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRequest {
    pub method: Method,
    /// Path and query, after the REST root (`/wells?project_id=eq.demo&order=well_id.asc`).
    pub path_and_query: String,
    pub prefer: Option<&'static str>,
    pub body: Option<Value>,
}

/// PostgREST's error body.
#[derive(Debug, Deserialize, PartialEq)]
pub struct PostgrestError {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub details: Option<String>,
    #[serde(default)]
    pub hint: Option<String>,
}

const UPSERT: &str = "resolution=merge-duplicates,return=minimal";

fn query(table: &str, pairs: &[(&str, String)]) -> String {
    let mut url = url::Url::parse("http://x/").expect("a constant URL parses");
    url.set_path(table);
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
    }
    match url.query() {
        Some(q) if !q.is_empty() => format!("{}?{q}", url.path()),
        _ => url.path().to_owned(),
    }
}

fn eq(v: &str) -> String {
    format!("eq.{v}")
}

fn with_project(scope: &ProjectScope, record: &impl serde::Serialize) -> Result<Value> {
    let mut value = serde_json::to_value(record).map_err(|e| {
        Error::new(
            ErrorKind::Unexpected,
            format!("cannot encode a metadata record: {e}"),
        )
    })?;
    if let Value::Object(map) = &mut value {
        map.insert("project_id".into(), Value::String(scope.as_str().to_owned()));
    }
    Ok(value)
}

impl PostgrestStore {
    pub fn new(config: PostgrestConfig) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| Error::new(ErrorKind::Unexpected, format!("cannot start an HTTP client: {e}")))?;
        Ok(PostgrestStore { config, http })
    }

    /// Checks that PostgREST answers and takes this store's tokens — so a wrong URL, key or JWT secret
    /// fails when the store is opened, not as a warning on every ingest: one read of `projects` under a
    /// token for a project that need not exist.
    pub async fn check(&self) -> Result<()> {
        let project = mudrock_core::layout::ProjectId::new("mudrock-check")
            .map_err(|e| Error::new(ErrorKind::Unexpected, format!("the check's project id: {e}")))?;
        let scope = ProjectScope::new(project);
        let filters = [("project_id", eq(scope.as_str()))];
        self.send(&scope, Self::plan_select("/projects", "project_id", &filters, ""))
            .await
            .map(drop)
    }

    /// An HS256 JWT for the project: `role` picks the database role PostgREST switches to, the
    /// `mudrock_project` claim is what the row-level security policies compare with.
    pub fn token(&self, scope: &ProjectScope) -> Result<String> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let claims = json!({
            "role": "mudrock_app",
            "mudrock_project": scope.as_str(),
            "iat": now,
            "exp": now + self.config.token_ttl.as_secs(),
        });
        let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signing_input = format!("{header}.{claims}");
        let mut mac = Hmac::<Sha256>::new_from_slice(self.config.jwt_secret.as_bytes())
            .map_err(|e| Error::new(ErrorKind::ConfigInvalid, format!("the JWT secret: {e}")))?;
        mac.update(signing_input.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        Ok(format!("{signing_input}.{signature}"))
    }

    /// The request as it will be sent (method, URL, headers, body).
    pub fn build(&self, scope: &ProjectScope, planned: &PlannedRequest) -> Result<reqwest::Request> {
        let url = format!("{}{}", self.config.url, planned.path_and_query);
        let mut request = self
            .http
            .request(planned.method.clone(), &url)
            .bearer_auth(self.token(scope)?)
            .header("Accept", "application/json");
        if let Some(key) = &self.config.api_key {
            request = request.header("apikey", key);
        }
        if let Some(prefer) = planned.prefer {
            request = request.header("Prefer", prefer);
        }
        if let Some(body) = &planned.body {
            request = request
                .header("Content-Type", "application/json")
                .body(body.to_string());
        }
        request
            .build()
            .map_err(|e| Error::new(ErrorKind::ConfigInvalid, format!("PostgREST URL `{url}`: {e}")))
    }

    async fn send(&self, scope: &ProjectScope, planned: PlannedRequest) -> Result<String> {
        let request = self.build(scope, &planned)?;
        let response = self.http.execute(request).await.map_err(|e| {
            Error::new(
                ErrorKind::Unavailable,
                format!(
                    "cannot reach PostgREST at {}: {e}; is it running, and is POSTGREST_URL right?",
                    self.config.url
                ),
            )
            .with_retryable(true)
        })?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        if status.is_success() {
            Ok(text)
        } else {
            Err(error_from_response(status, &text, &self.config.url))
        }
    }

    async fn rows<T: DeserializeOwned>(
        &self,
        scope: &ProjectScope,
        planned: PlannedRequest,
    ) -> Result<Vec<T>> {
        let text = self.send(scope, planned).await?;
        serde_json::from_str(&text).map_err(|e| {
            Error::new(
                ErrorKind::Unexpected,
                format!("PostgREST answered rows MudRock cannot read: {e}"),
            )
        })
    }

    pub fn plan_upsert(table: &str, on_conflict: &str, body: Value) -> PlannedRequest {
        PlannedRequest {
            method: Method::POST,
            path_and_query: query(table, &[("on_conflict", on_conflict.to_owned())]),
            prefer: Some(UPSERT),
            body: Some(body),
        }
    }

    pub fn plan_select(
        table: &str,
        columns: &str,
        filters: &[(&str, String)],
        order: &str,
    ) -> PlannedRequest {
        let mut pairs: Vec<(&str, String)> = vec![("select", columns.to_owned())];
        pairs.extend(filters.iter().cloned());
        if !order.is_empty() {
            pairs.push(("order", order.to_owned()));
        }
        PlannedRequest {
            method: Method::GET,
            path_and_query: query(table, &pairs),
            prefer: None,
            body: None,
        }
    }

    pub fn plan_rpc(function: &str, args: Value) -> PlannedRequest {
        PlannedRequest {
            method: Method::POST,
            path_and_query: format!("/rpc/{function}"),
            prefer: None,
            body: Some(args),
        }
    }
}

/// A PostgREST error answer as a MudRock error: by SQLSTATE where PostgREST passes one, else by status.
pub fn error_from_response(status: StatusCode, body: &str, url: &str) -> Error {
    let parsed: PostgrestError = serde_json::from_str(body).unwrap_or(PostgrestError {
        code: None,
        message: Some(body.chars().take(300).collect()),
        details: None,
        hint: None,
    });
    let code = parsed.code.clone().unwrap_or_default();
    let message = parsed.message.clone().unwrap_or_default();
    let found = super::sqlstate_error(&code, &message);
    let (kind, retryable, what) = found.unwrap_or_else(|| match (code.as_str(), status.as_u16()) {
        (_, 403) => (
            ErrorKind::PermissionDenied,
            false,
            format!("the database refused the row for this project: {message}"),
        ),
        (c, _) if c.starts_with("PGRST3") => (
            ErrorKind::PermissionDenied,
            false,
            format!("PostgREST refused the token ({message}); check POSTGREST_JWT_SECRET"),
        ),
        (_, 401) => (
            ErrorKind::PermissionDenied,
            false,
            format!("PostgREST refused the request ({message}); check the key and POSTGREST_JWT_SECRET"),
        ),
        ("42P01", _) | ("PGRST205", _) | ("42883", _) | ("PGRST202", _) => (
            ErrorKind::ConfigInvalid,
            false,
            format!("the database behind PostgREST lacks MudRock's schema ({message}); apply the migrations"),
        ),
        (_, 503) | (_, 502) | (_, 504) => (
            ErrorKind::Unavailable,
            true,
            format!("PostgREST or its database is unavailable ({message}); try again shortly"),
        ),
        (_, s) if s >= 500 => (
            ErrorKind::Unexpected,
            false,
            format!("PostgREST failed: {message}"),
        ),
        _ => (
            ErrorKind::InvalidInput,
            false,
            format!("PostgREST refused the request: {message}"),
        ),
    });
    let mut err = Error::new(kind, what)
        .with_retryable(retryable)
        .with_context("service", "postgrest")
        .with_context("url", url)
        .with_context("status", status.as_u16());
    if !code.is_empty() {
        err = err.with_context("code", code);
    }
    if let Some(hint) = parsed.hint.filter(|h| !h.is_empty()) {
        err = err.with_context("hint", hint);
    }
    err
}

const WELL_COLUMNS: &str = "well_id,name,uwi,api,lat,lon,depth_unit";

#[async_trait]
impl MetadataStore for PostgrestStore {
    fn kind(&self) -> &'static str {
        "postgrest"
    }

    async fn put_project(&self, scope: &ProjectScope, name: &str) -> Result<()> {
        let body = json!([{"project_id": scope.as_str(), "name": name}]);
        self.send(scope, Self::plan_upsert("/projects", "project_id", body))
            .await
            .map(drop)
    }

    async fn project(&self, scope: &ProjectScope) -> Result<Option<ProjectRecord>> {
        let filters = [("project_id", eq(scope.as_str()))];
        let rows = self
            .rows(
                scope,
                Self::plan_select("/projects", "project_id,name", &filters, ""),
            )
            .await?;
        Ok(rows.into_iter().next())
    }

    async fn put_well(&self, scope: &ProjectScope, well: &WellRecord) -> Result<()> {
        let body = Value::Array(vec![with_project(scope, well)?]);
        self.send(scope, Self::plan_upsert("/wells", "project_id,well_id", body))
            .await
            .map(drop)
    }

    async fn wells(&self, scope: &ProjectScope) -> Result<Vec<WellRecord>> {
        let filters = [("project_id", eq(scope.as_str()))];
        self.rows(
            scope,
            Self::plan_select("/wells", WELL_COLUMNS, &filters, "well_id.asc"),
        )
        .await
    }

    async fn well(&self, scope: &ProjectScope, well_id: &str) -> Result<Option<WellRecord>> {
        let filters = [("project_id", eq(scope.as_str())), ("well_id", eq(well_id))];
        let rows: Vec<WellRecord> = self
            .rows(scope, Self::plan_select("/wells", WELL_COLUMNS, &filters, ""))
            .await?;
        Ok(rows.into_iter().next())
    }

    async fn put_wellbore(&self, scope: &ProjectScope, wellbore: &WellboreRecord) -> Result<()> {
        let body = Value::Array(vec![with_project(scope, wellbore)?]);
        let plan = Self::plan_upsert("/wellbores", "project_id,well_id,wellbore_id", body);
        self.send(scope, plan).await.map(drop)
    }

    async fn wellbores(&self, scope: &ProjectScope, well_id: &str) -> Result<Vec<WellboreRecord>> {
        let filters = [("project_id", eq(scope.as_str())), ("well_id", eq(well_id))];
        let plan = Self::plan_select(
            "/wellbores",
            "well_id,wellbore_id,name",
            &filters,
            "wellbore_id.asc",
        );
        self.rows(scope, plan).await
    }

    async fn put_log(&self, scope: &ProjectScope, log: &LogRecord, curves: &[CurveRecord]) -> Result<()> {
        if let Some(c) = curves
            .iter()
            .find(|c| c.well_id != log.well_id || c.log_id != log.log_id)
        {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("curve `{}` does not belong to the log being written", c.mnemonic),
            ));
        }
        let args = json!({"log": log, "curves": curves});
        self.send(scope, Self::plan_rpc("mudrock_put_log", args))
            .await
            .map(drop)
    }

    async fn logs(&self, scope: &ProjectScope, well_id: &str) -> Result<Vec<LogRecord>> {
        let filters = [("project_id", eq(scope.as_str())), ("well_id", eq(well_id))];
        let plan = Self::plan_select(
            "/logs",
            "well_id,log_id,sha256,source_file,rows",
            &filters,
            "log_id.asc",
        );
        self.rows(scope, plan).await
    }

    async fn curves(&self, scope: &ProjectScope, well_id: &str) -> Result<Vec<CurveRecord>> {
        let filters = [("project_id", eq(scope.as_str())), ("well_id", eq(well_id))];
        let plan = Self::plan_select(
            "/curves",
            "well_id,log_id,mnemonic,unit,family,min,max",
            &filters,
            "log_id.asc,mnemonic.asc",
        );
        self.rows(scope, plan).await
    }

    async fn replace_tops(
        &self,
        scope: &ProjectScope,
        well_id: &str,
        source: &str,
        tops: &[TopRecord],
    ) -> Result<()> {
        if let Some(top) = tops
            .iter()
            .find(|t| t.well_id != well_id || t.source != source || !t.md.is_finite())
        {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "top `{}` must be of well `{well_id}` from `{source}` with a finite depth",
                    top.name
                ),
            ));
        }
        let picks: Vec<Value> = tops.iter().map(|t| json!({"name": t.name, "md": t.md})).collect();
        let args = json!({"well_id": well_id, "source": source, "tops": picks});
        self.send(scope, Self::plan_rpc("mudrock_replace_tops", args))
            .await
            .map(drop)
    }

    async fn tops(&self, scope: &ProjectScope, well_id: &str) -> Result<Vec<TopRecord>> {
        let filters = [("project_id", eq(scope.as_str())), ("well_id", eq(well_id))];
        let plan = Self::plan_select("/tops", "well_id,name,md,source", &filters, "md.asc,name.asc");
        self.rows(scope, plan).await
    }

    async fn put_ingest(&self, scope: &ProjectScope, ingest: &IngestRecord) -> Result<()> {
        let body = Value::Array(vec![with_project(scope, ingest)?]);
        self.send(scope, Self::plan_upsert("/ingests", "project_id,ingest_id", body))
            .await
            .map(drop)
    }

    async fn ingests(&self, scope: &ProjectScope) -> Result<Vec<IngestRecord>> {
        let filters = [("project_id", eq(scope.as_str()))];
        let plan = Self::plan_select(
            "/ingests",
            "ingest_id,file_name,sha256,status,message,started_at_ms,finished_at_ms",
            &filters,
            "started_at_ms.asc,ingest_id.asc",
        );
        self.rows(scope, plan).await
    }

    async fn put_pipeline_execution(
        &self,
        scope: &ProjectScope,
        execution: &PipelineExecution,
    ) -> Result<()> {
        let body = Value::Array(vec![with_project(scope, execution)?]);
        let plan = Self::plan_upsert("/pipeline_executions", "project_id,content_hash", body);
        self.send(scope, plan).await.map(drop)
    }

    async fn pipeline_execution(
        &self,
        scope: &ProjectScope,
        content_hash: &str,
    ) -> Result<Option<PipelineExecution>> {
        let filters = [
            ("project_id", eq(scope.as_str())),
            ("content_hash", eq(content_hash)),
        ];
        let plan = Self::plan_select(
            "/pipeline_executions",
            "content_hash,pipeline,status,logs_uri,started_at_ms,finished_at_ms",
            &filters,
            "",
        );
        let rows: Vec<PipelineExecution> = self.rows(scope, plan).await?;
        Ok(rows.into_iter().next())
    }
}
