//! `GET /v1/projects`: the projects the caller's token may read that have data.

use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use mudrock_core::layout::{CatalogType, ObjectPath, ProjectId};
use mudrock_shared::{Project, ProjectList};

use crate::api::auth::{Principal, Scope};
use crate::api::catalogs::catalog_versions;
use crate::api::error::ApiResult;
use crate::api::state::ApiState;

pub async fn list(
    State(state): State<ApiState>,
    Extension(principal): Extension<Principal>,
) -> ApiResult<Response> {
    let mut ids: Vec<ProjectId> = match principal.scope.as_ref() {
        Scope::All => {
            // A project is a folder with a wells catalog; list the store and keep those paths.
            let prefix = match state.layout().prefix() {
                "" => String::new(),
                p => format!("{p}/"),
            };
            let objects = state.storage().list(&prefix).await?;
            objects
                .iter()
                .filter_map(|o| match state.layout().parse(&o.path) {
                    Ok(ObjectPath::Catalog {
                        project,
                        catalog: CatalogType::Wells,
                    }) => Some(project),
                    _ => None,
                })
                .collect()
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
