//! `GET /v1/projects/{project}/wells/{well}/tops`: the well's formation tops, from
//! `wells/{well}/markers/tops.parquet` (see `catalog::tops`). A known well with no tops object answers an
//! empty list; an unknown well is 404 as for its curves. The ETag is keyed on the catalog versions (the
//! well exists) and the tops object's version, so new picks or a re-ingest change it and
//! `If-None-Match` is answered 304 before anything is decoded.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use mudrock_core::cache::CacheKey;
use mudrock_shared::tops::TopList;

use super::extract::ApiPath;
use crate::error::ApiResult;
use crate::etag;
use crate::state::ApiState;
use mudrock_common::error::ErrorKind;
use mudrock_common::http::project_catalog::{project_id, well_id};
use mudrock_engine::service::{no_such_project, object_version};
use mudrock_store::catalog::tops;

pub async fn list(
    State(state): State<ApiState>,
    ApiPath((project, well_text)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let project = project_id(&project)?;
    let id = well_id(&well_text)?;
    let path = tops::tops_path(state.service().layout(), &project, &id)?;
    let facade = state.service().project(&project);
    let catalog_versions = facade
        .versions()
        .await?
        .ok_or_else(|| no_such_project(&project))?;
    let meta = match state.service().storage().stat(&path).await {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        Err(e) => return Err(e.into()),
    };
    let mut versions = catalog_versions.clone();
    if let Some(meta) = &meta {
        versions.insert(object_version(meta));
    }
    let key = versions.is_verifiable().then(|| {
        CacheKey::new(
            "wells.tops",
            &super::canonical(&(project.as_str(), id.as_str())),
            &versions,
        )
    });
    if let Some(key) = &key
        && etag::matches(&headers, key)
    {
        state.counters().count_not_modified();
        return Ok(etag::not_modified(key));
    }
    // 404 for a well the project does not have.
    facade.catalog_at(catalog_versions).await?.well(&id)?;
    let list = match meta {
        Some(_) => tops::decode(&id, state.service().storage().download(&path).await?)?,
        None => TopList::empty(id.as_str()),
    };
    super::json(&list, key.as_ref())
}
