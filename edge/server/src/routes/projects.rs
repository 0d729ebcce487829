//! `GET /v1/projects`: the projects the caller's token may read that have data (a wells catalog).

use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use mudrock_core::layout::ProjectId;
use mudrock_shared::{Project, ProjectList};

use crate::auth::{Principal, Scope};
use crate::catalogs::catalog_versions;
use crate::error::ApiResult;
use crate::state::ApiState;

pub async fn list(
    State(state): State<ApiState>,
    Extension(principal): Extension<Principal>,
) -> ApiResult<Response> {
    let mut ids: Vec<ProjectId> = match principal.scope.as_ref() {
        Scope::All => {
            // A project is a folder under the layout's prefix that has a wells catalog: list the folders
            // (one level, not every object of every project), then look for the catalog in each.
            let prefix = match state.layout().prefix() {
                "" => String::new(),
                p => format!("{p}/"),
            };
            let entries = state
                .storage()
                .operator()
                .list(&prefix)
                .await
                .map_err(mudrock_store::storage::from_opendal)?;
            let mut ids = Vec::new();
            for entry in entries.iter().filter(|e| e.metadata().is_dir()) {
                let name = entry.path().trim_end_matches('/');
                let name = name.rsplit('/').next().unwrap_or(name);
                if let Ok(id) = ProjectId::new(name)
                    && catalog_versions(&state, &id).await?.is_some()
                {
                    ids.push(id);
                }
            }
            ids
        }
        Scope::Projects(names) => {
            let mut ids = Vec::new();
            for name in names {
                if let Ok(id) = ProjectId::new(name)
                    && catalog_versions(&state, &id).await?.is_some()
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
