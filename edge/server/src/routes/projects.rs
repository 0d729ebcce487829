//! `GET /v1/projects`: the projects the caller's token may read that have data (a wells catalog).

use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use mudrock_core::layout::ProjectId;
use mudrock_shared::{Project, ProjectList};

use crate::auth::{Principal, Scope};
use crate::error::ApiResult;
use crate::state::ApiState;

pub async fn list(
    State(state): State<ApiState>,
    Extension(principal): Extension<Principal>,
) -> ApiResult<Response> {
    let mut ids: Vec<ProjectId> = match principal.scope.as_ref() {
        Scope::All => state.service().projects().await?,
        Scope::Projects(names) => {
            let mut ids = Vec::new();
            for name in names {
                if let Ok(id) = ProjectId::new(name)
                    && state.service().project(&id).versions().await?.is_some()
                {
                    ids.push(id);
                }
            }
            ids
        }
    };
    ids.sort();
    ids.dedup();
    let list = ProjectList {
        projects: ids
            .into_iter()
            .map(|id| Project {
                project_id: id.to_string(),
            })
            .collect(),
    };
    super::json(&list, None)
}
