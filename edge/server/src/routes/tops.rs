//! `GET /v1/projects/{project}/wells/{well}/tops`: the well's formation tops (the facade's
//! `Project::plan_tops`), JSON, with the ETag of their key (`If-None-Match` answered 304 before anything
//! is decoded).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

use super::extract::ApiPath;
use crate::error::ApiResult;
use crate::state::ApiState;
use mudrock_common::http::project_catalog::{project_id, well_id};

pub async fn list(
    State(state): State<ApiState>,
    ApiPath((project, well)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let project = state.service().project(&project_id(&project)?);
    let planned = project.plan_tops(well_id(&well)?).await?;
    if let Some(unchanged) = super::not_modified(&state, &headers, planned.key()) {
        return Ok(unchanged);
    }
    let key = planned.key().cloned();
    let list = planned.run().await?;
    super::json(&list, key.as_ref())
}
