//! `GET /v1/projects/{project}/wells/{well}/logs?curves=GR,RHOB&depth_min=&depth_max=&max_points=`: a
//! depth window of chosen curves of one well — the plotting path — as JSON, Arrow IPC or Parquet.
//!
//! The request becomes a `mudrock_core::query::WellQuery`, planned by core into SQL and a cache key; the
//! engine runs the SQL; with `max_points` the rows are decimated by core's min/max rule (spikes survive).
//! Curves are checked against the curves catalog first (400 `unknown_curve` naming the missing ones and
//! listing the well's curves). Without `curves`, every curve of the well is returned.
//!
//! Caching: the encoded response is kept in L1 under its key (the planned query, the format and the row
//! limit, with the versions of the catalog objects — which list every log object, content-addressed), one
//! computation per key under concurrent misses; the query result under a format-free key goes to L3 (on
//! the object store), so a restart or another format does not run the SQL again. The ETag is
//! the response key: `If-None-Match` is answered 304 before any of it runs.
//!
//! A window with more rows than the server's row limit is refused (400) rather than cut: a plot of part
//! of a window would be silently wrong. Narrow the depth range or the curves.

use std::sync::Arc;

use arrow_array::RecordBatch;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use mudrock_core::cache::CacheKey;
use mudrock_core::layout::ProjectId;
use mudrock_core::query::{DepthRange, QueryError, WellQuery, plan};
use mudrock_shared::{ErrorCode, LogWindowQuery, media};

use super::extract::{ApiPath, ApiQuery};
use crate::catalogs::{self, ProjectCatalog, no_such_project, project_id, well_id};
use crate::error::{ApiError, ApiResult};
use crate::etag;
use crate::negotiate::{Format, encode_all, negotiate};
use crate::state::ApiState;
use mudrock_engine::cache::{CacheWeight, L1Kind, ResultBatches};
use mudrock_engine::query::SqlOptions;

/// An encoded log window, as kept in L1.
pub struct EncodedWindow {
    pub body: Bytes,
    pub rows: usize,
    pub decimated: bool,
}

impl CacheWeight for EncodedWindow {
    fn cache_weight(&self) -> usize {
        self.body.len()
    }
}

fn query_error(e: QueryError) -> ApiError {
    if !e.is_input_error() {
        return ApiError::from(crate::Error::new(crate::ErrorKind::Unexpected, e.to_string()));
    }
    let code = match e {
        QueryError::UnknownCurves { .. } => ErrorCode::UnknownCurve,
        _ => ErrorCode::BadRequest,
    };
    let field = e.field().to_owned();
    ApiError::new(code, e.to_string()).with_detail("parameter", field)
}

/// The well's curve columns as `well_logs` names them: every log's curves but its index (the first
/// curve of each log, stored as `depth`), in catalog order, each name once.
fn data_curves<'a>(catalog: &'a ProjectCatalog, well: &mudrock_core::layout::WellId) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    let mut log: Option<&str> = None;
    for c in catalog.curves(well) {
        let first_of_log = log != Some(c.log_id.as_str());
        log = Some(c.log_id.as_str());
        if !first_of_log && !out.contains(&c.mnemonic.as_str()) {
            out.push(c.mnemonic.as_str());
        }
    }
    out
}

pub async fn window(
    State(state): State<ApiState>,
    ApiPath((project, well)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<LogWindowQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let project = project_id(&project)?;
    let well = well_id(&well)?;
    let format = negotiate(&headers)?;
    if let Some(n) = q.max_points
        && n > state.config().max_points
    {
        return Err(ApiError::bad_request(format!(
            "max_points is {n}; this server decimates to at most {}",
            state.config().max_points
        ))
        .with_detail("parameter", "max_points"));
    }
    let versions = catalogs::catalog_versions(&state, &project)
        .await?
        .ok_or_else(|| no_such_project(&project))?;
    let catalog = catalogs::load_at(&state, &project, versions.clone()).await?;
    catalog.well(&well)?;
    let known = data_curves(&catalog, &well);
    let asked = q.curve_list();
    let curves = if asked.is_empty() {
        known.iter().map(|c| (*c).to_owned()).collect()
    } else {
        asked
    };
    let query = WellQuery {
        wells: vec![well.clone()],
        curves,
        depth: (q.depth_min.is_some() || q.depth_max.is_some()).then_some(DepthRange {
            min: q.depth_min,
            max: q.depth_max,
        }),
        max_points: q.max_points,
        ..WellQuery::default()
    };
    query.validate().map_err(query_error)?;
    query
        .check_curves(|c| known.contains(&c))
        .map_err(|e| query_error(e).with_detail("available", known.clone()))?;
    let planned = plan(&query).map_err(query_error)?;
    let row_limit = state.config().row_limit;
    let response_key = planned.cache_key(&format!("{};limit={row_limit}", format.name()), &versions);
    // Versions that cannot prove a change (the memory backend): no ETag, nothing cached.
    let cacheable = versions.is_verifiable();
    if cacheable && etag::matches(&headers, &response_key) {
        state.counters().count_not_modified();
        return Ok(etag::not_modified(&response_key));
    }

    let load = async {
        let compute = run_window(&state, &project, &planned.sql);
        // The rows go to L3 (kept across restarts, shared by the formats), not to L1: L1 holds the
        // encoded responses, so its budget is not spent twice on every window.
        let result = match state.caches().l3().filter(|_| cacheable) {
            Some(l3) => {
                let result_key = planned.cache_key(&format!("batches;limit={row_limit}"), &versions);
                l3.get_or_try_load(&project, &result_key, compute).await?
            }
            None => compute.await?,
        };
        encode_window(format, &result, planned.max_points)
    };
    let encoded = if cacheable {
        state
            .caches()
            .l1()
            .get_or_try_load(L1Kind::Response, &response_key, load)
            .await
    } else {
        load.await.map(Arc::new)
    }
    .map_err(ApiError::from)?;
    respond(format, &encoded, cacheable.then_some(&response_key), row_limit)
}

/// Runs a window's SQL on the engine (the query runtime), within the query timeout and the row limit.
async fn run_window(state: &ApiState, project: &ProjectId, sql: &str) -> crate::Result<ResultBatches> {
    state.counters().count_query();
    let timeout = state.config().query_timeout;
    let row_limit = state.config().row_limit;
    let options = SqlOptions {
        row_limit: Some(usize::try_from(row_limit).unwrap_or(usize::MAX)),
        timeout: Some(timeout),
        as_of: None,
    };
    let collect = super::sql::collect(state, project.clone(), sql.to_owned(), options);
    let result = tokio::time::timeout(timeout, collect).await.map_err(|_| {
        let message = super::sql::timed_out(timeout).message().to_owned();
        crate::Error::new(crate::ErrorKind::Timeout, message).with_context("timeout_ms", timeout.as_millis())
    })??;
    if result.truncated {
        let message = format!(
            "the window holds more than {row_limit} rows, this server's row limit: narrow the depth range"
        );
        return Err(crate::Error::new(crate::ErrorKind::InvalidInput, message));
    }
    Ok(ResultBatches::new(result.schema, result.batches))
}

fn encode_window(
    format: Format,
    result: &ResultBatches,
    max_points: Option<usize>,
) -> crate::Result<EncodedWindow> {
    let (batches, decimated): (Vec<RecordBatch>, bool) = match max_points {
        Some(n) if result.num_rows() > n => {
            let batch = mudrock_core::query::decimate_batches(&result.schema, &result.batches, n)
                .map_err(|e| crate::Error::new(crate::ErrorKind::Unexpected, e.to_string()))?;
            (vec![batch], true)
        }
        _ => (result.batches.clone(), false),
    };
    let rows = batches.iter().map(RecordBatch::num_rows).sum();
    let body = encode_all(format, &result.schema, &batches, false)?;
    Ok(EncodedWindow {
        body,
        rows,
        decimated,
    })
}

fn respond(
    format: Format,
    window: &Arc<EncodedWindow>,
    key: Option<&CacheKey>,
    row_limit: u64,
) -> ApiResult<Response> {
    let mut response = window.body.clone().into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.media_type()),
    );
    h.insert(media::HEADER_ROW_LIMIT, HeaderValue::from(row_limit));
    h.insert(
        media::HEADER_DECIMATED,
        HeaderValue::from_static(if window.decimated { "true" } else { "false" }),
    );
    if let Some(key) = key {
        etag::set(h, key);
    }
    Ok(response)
}
