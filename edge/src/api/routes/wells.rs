//! Wells and curves from the catalogs: the list (filters, pages), one well, a polygon search, the curves
//! of a well. Every answer carries the ETag of the catalog versions it read, and `If-None-Match` is
//! answered before the catalogs are decoded.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use mudrock_core::cache::CacheKey;
use mudrock_core::layout::ProjectId;
use mudrock_shared::{
    BoundingBox, Curve, CurveList, ErrorCode, PolygonSearchRequest, PolygonSearchResponse, Well,
    WellListQuery, WellPage, WellRef,
};
use serde::Serialize;

use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::api::catalogs::{self, ProjectCatalog, no_such_project, project_id, well_id};
use crate::api::error::{ApiError, ApiResult};
use crate::api::etag;
use crate::api::state::ApiState;
use crate::catalog::{CurveRow, WellRow};

pub const DEFAULT_PAGE: usize = 100;
pub const MAX_PAGE: usize = 10_000;

pub fn well(row: &WellRow) -> Well {
    Well {
        well_id: row.well_id.clone(),
        name: row.name.clone(),
        uwi: row.uwi.clone(),
        api: row.api.clone(),
        company: row.company.clone(),
        field: row.field.clone(),
        country: row.country.clone(),
        lat: row.lat,
        lon: row.lon,
        location_confidence: row.location_confidence.clone(),
        start: row.start,
        stop: row.stop,
        step: row.step,
        depth_unit: row.depth_unit.clone(),
        n_logs: row.n_logs,
        source_files: row.source_files.clone(),
    }
}

pub fn well_ref(row: &WellRow) -> WellRef {
    WellRef {
        well_id: row.well_id.clone(),
        name: row.name.clone(),
    }
}

fn curve(row: &CurveRow) -> Curve {
    Curve {
        log_id: row.log_id.clone(),
        mnemonic: row.mnemonic.clone(),
        unit: row.unit.clone(),
        family: row.family.clone(),
        description: row.description.clone(),
        min: row.min,
        max: row.max,
        null_count: row.null_count,
        rows: row.rows,
    }
}

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
    let versions = catalogs::catalog_versions(state, project)
        .await?
        .ok_or_else(|| no_such_project(project))?;
    let key = versions
        .is_verifiable()
        .then(|| CacheKey::new(domain, &super::canonical(&(project.as_str(), request)), &versions));
    if let Some(key) = &key
        && etag::matches(headers, key)
    {
        state.counters().count_not_modified();
        return Ok(Checked::NotModified(etag::not_modified(key)));
    }
    let catalog = catalogs::load_at(state, project, versions).await?;
    Ok(Checked::Fresh(catalog, key))
}

/// Filters parsed once.
struct WellFilter {
    name: Option<String>,
    uwi: Option<String>,
    has_location: Option<bool>,
    bbox: Option<BoundingBox>,
}

impl WellFilter {
    fn new(q: &WellListQuery) -> ApiResult<Self> {
        let bbox = q
            .bbox
            .as_deref()
            .map(BoundingBox::parse)
            .transpose()
            .map_err(|e| ApiError::bad_request(e).with_detail("parameter", "bbox"))?;
        Ok(WellFilter {
            name: q.name.as_deref().map(str::to_lowercase),
            uwi: q.uwi.clone(),
            has_location: q.has_location,
            bbox,
        })
    }

    fn keeps(&self, w: &WellRow) -> bool {
        if let Some(name) = &self.name
            && !w.name.as_deref().is_some_and(|n| n.to_lowercase().contains(name))
        {
            return false;
        }
        if let Some(uwi) = &self.uwi
            && !(w.uwi.as_deref().is_some_and(|u| u.contains(uwi.as_str()))
                || w.api.as_deref().is_some_and(|a| a.contains(uwi.as_str())))
        {
            return false;
        }
        let location = w.lat.zip(w.lon);
        if let Some(has) = self.has_location
            && has != location.is_some()
        {
            return false;
        }
        if let Some(bbox) = &self.bbox
            && !location.is_some_and(|(lat, lon)| bbox.contains(lat, lon))
        {
            return false;
        }
        true
    }
}

/// `GET /v1/projects/{project}/wells`
pub async fn list(
    State(state): State<ApiState>,
    ApiPath(project): ApiPath<String>,
    ApiQuery(q): ApiQuery<WellListQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let project = project_id(&project)?;
    let filter = WellFilter::new(&q)?;
    let limit = q.limit.unwrap_or(DEFAULT_PAGE);
    if limit == 0 || limit > MAX_PAGE {
        return Err(
            ApiError::bad_request(format!("limit must be between 1 and {MAX_PAGE} (got {limit})"))
                .with_detail("parameter", "limit"),
        );
    }
    let offset = q.offset.unwrap_or(0);
    let (catalog, key) = match check_then_load(&state, &project, "wells.list", &q, &headers).await? {
        Checked::NotModified(r) => return Ok(r),
        Checked::Fresh(c, k) => (c, k),
    };
    let matching: Vec<&WellRow> = catalog.catalog.wells.iter().filter(|w| filter.keeps(w)).collect();
    let total = matching.len();
    let wells: Vec<Well> = matching
        .iter()
        .skip(offset)
        .take(limit)
        .map(|w| well(w))
        .collect();
    let next_offset = (offset.saturating_add(limit) < total).then(|| offset + limit);
    let page = WellPage {
        wells,
        total,
        offset,
        limit,
        next_offset,
    };
    super::json(&page, key.as_ref())
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
    super::json(&well(catalog.well(&id)?), key.as_ref())
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
    catalog.well(&id)?;
    let list = CurveList {
        well_id: id.to_string(),
        curves: catalog.curves(&id).map(curve).collect(),
    };
    super::json(&list, key.as_ref())
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

/// Largest polygon text accepted (a detailed outline has thousands of vertices; this is far above).
pub const MAX_POLYGON_BYTES: usize = 1 << 20;

/// `POST /v1/projects/{project}/wells/search`: the wells inside a polygon (GeoJSON or WKT, holes
/// allowed, the boundary inside), and apart the wells with no location — which may or may not be
/// inside, and are never guessed. The grid index tests only the wells in cells under the polygon.
pub async fn search(
    State(state): State<ApiState>,
    ApiPath(project): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<PolygonSearchRequest>,
) -> ApiResult<Response> {
    let project = project_id(&project)?;
    let text = request.polygon.to_text();
    if text.len() > MAX_POLYGON_BYTES {
        return Err(ApiError::new(
            ErrorCode::InvalidPolygon,
            format!(
                "the polygon is {} bytes; at most {MAX_POLYGON_BYTES} are accepted: simplify it",
                text.len()
            ),
        ));
    }
    let area = mudrock_core::spatial::parse_area(&text).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidPolygon,
            format!(
                "not a usable polygon: {e} (give WKT `POLYGON((lon lat, …))` or GeoJSON, longitude first)"
            ),
        )
        .with_detail("at", e.at.as_str())
    })?;
    let (catalog, key) = match check_then_load(&state, &project, "wells.search", &text, &headers).await? {
        Checked::NotModified(r) => return Ok(r),
        Checked::Fresh(c, k) => (c, k),
    };
    let wells = &catalog.catalog.wells;
    let grid = catalog.grid()?;
    let mut inside_ids: Vec<usize> = grid.query(&area).into_iter().copied().collect();
    inside_ids.sort_unstable();
    let mut without: Vec<usize> = grid.unplaced().to_vec();
    without.sort_unstable();
    let response = PolygonSearchResponse {
        inside: inside_ids
            .iter()
            .filter_map(|&i| wells.get(i))
            .map(well)
            .collect(),
        without_location: without
            .iter()
            .filter_map(|&i| wells.get(i))
            .map(well_ref)
            .collect(),
        wells_considered: wells.len(),
    };
    super::json(&response, key.as_ref())
}
