//! Wells and curves from the catalogs: the list (filters, pages), one well, a polygon search, the curves
//! of a well (answers computed in `http::wells`, shared with the edge worker). Every answer carries the
//! ETag of the catalog versions it read, and `If-None-Match` is answered before the catalogs are decoded.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use mudrock_core::cache::CacheKey;
use mudrock_core::layout::ProjectId;
use mudrock_shared::{PolygonSearchRequest, WellListQuery};
use serde::Serialize;

use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::error::ApiResult;
use crate::state::ApiState;
use mudrock_common::http::project_catalog::{project_id, well_id};
use mudrock_common::http::wells::{self as views, PolygonSearch, WellList};
use mudrock_engine::service::ProjectCatalog;

/// The catalog versions, the key of this request over them, and either a 304 or the catalogs.
pub enum Checked {
    NotModified(Response),
    /// The key is `None` when the storage cannot prove a change (see `Version::is_verifiable`): no ETag.
    Fresh(ProjectCatalog, Option<CacheKey>),
}

/// Stats the catalogs, keys the request, answers `If-None-Match`, else loads the catalogs.
pub async fn check_then_load<R: Serialize>(
    state: &ApiState,
    project: &ProjectId,
    domain: &str,
    request: &R,
    headers: &HeaderMap,
) -> ApiResult<Checked> {
    let facade = state.service().project(project);
    let versions = facade.existing_versions().await?;
    let key = facade.answer_key(domain, request, &versions);
    if let Some(unchanged) = super::not_modified(state, headers, key.as_ref()) {
        return Ok(Checked::NotModified(unchanged));
    }
    let catalog = facade.catalog_at(versions).await?;
    Ok(Checked::Fresh(catalog, key))
}

/// `GET /v1/projects/{project}/wells`
pub async fn list(
    State(state): State<ApiState>,
    ApiPath(project): ApiPath<String>,
    ApiQuery(q): ApiQuery<WellListQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let project = project_id(&project)?;
    let list = WellList::new(&q)?;
    let (catalog, key) = match check_then_load(&state, &project, "wells.list", &q, &headers).await? {
        Checked::NotModified(r) => return Ok(r),
        Checked::Fresh(c, k) => (c, k),
    };
    super::json(&list.page(&catalog), key.as_ref())
}

/// `GET /v1/projects/{project}/wells/{well}`
pub async fn get(
    State(state): State<ApiState>,
    ApiPath((project, well_text)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let project = project_id(&project)?;
    let id = well_id(&well_text)?;
    let (catalog, key) = match check_then_load(&state, &project, "wells.get", &id.as_str(), &headers).await? {
        Checked::NotModified(r) => return Ok(r),
        Checked::Fresh(c, k) => (c, k),
    };
    super::json(&views::get(&catalog, &id)?, key.as_ref())
}

/// `GET /v1/projects/{project}/wells/{well}/curves`
pub async fn curves(
    State(state): State<ApiState>,
    ApiPath((project, well_text)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let project = project_id(&project)?;
    let id = well_id(&well_text)?;
    let (catalog, key) =
        match check_then_load(&state, &project, "wells.curves", &id.as_str(), &headers).await? {
            Checked::NotModified(r) => return Ok(r),
            Checked::Fresh(c, k) => (c, k),
        };
    super::json(&views::curves(&catalog, &id)?, key.as_ref())
}

/// `GET /v1/projects/{project}/wells/search`: the well whose id is `search` (the path is also the
/// polygon search's, which is POST).
pub async fn get_well_named_search(
    state: State<ApiState>,
    ApiPath(project): ApiPath<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    get(state, ApiPath((project, "search".to_owned())), headers).await
}

/// `POST /v1/projects/{project}/wells/search`: the wells inside a polygon (GeoJSON or WKT, holes
/// allowed), and apart the wells with no location.
pub async fn search(
    State(state): State<ApiState>,
    ApiPath(project): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<PolygonSearchRequest>,
) -> ApiResult<Response> {
    let project = project_id(&project)?;
    let search = PolygonSearch::new(&request)?;
    let (catalog, key) =
        match check_then_load(&state, &project, "wells.search", &search.text, &headers).await? {
            Checked::NotModified(r) => return Ok(r),
            Checked::Fresh(c, k) => (c, k),
        };
    super::json(&search.run(&catalog)?, key.as_ref())
}
