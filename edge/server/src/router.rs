//! The route table. Every route but `/healthz` sits behind the token check (`auth::require_token`),
//! which also refuses a `{project}` outside the token's scope before any handler runs; unknown paths
//! and wrong methods get the error envelope too.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};

use crate::auth::require_token;
use crate::error::{method_not_allowed, route_not_found};
use crate::openapi;
use crate::request_id;
use crate::routes::{health, ingest, logs, metrics, objects, projects, sql, tops, wells};
use crate::state::ApiState;

/// Every path the router serves, in the route syntax axum and OpenAPI share (`{name}` parameters).
pub mod paths {
    pub const HEALTH: &str = "/healthz";
    pub const METRICS: &str = "/metrics";
    pub const OPENAPI: &str = "/v1/openapi.json";
    pub const PROJECTS: &str = "/v1/projects";
    pub const WELLS: &str = "/v1/projects/{project}/wells";
    pub const WELL: &str = "/v1/projects/{project}/wells/{well}";
    pub const WELL_SEARCH: &str = "/v1/projects/{project}/wells/search";
    pub const CURVES: &str = "/v1/projects/{project}/wells/{well}/curves";
    pub const TOPS: &str = "/v1/projects/{project}/wells/{well}/tops";
    pub const LOG_WINDOW: &str = "/v1/projects/{project}/wells/{well}/logs";
    /// `{log}` is `{log_id}.parquet`: axum cannot match a suffix, the handler strips it.
    pub const LOG_OBJECT: &str = "/v1/projects/{project}/wells/{well}/logs/{log}";
    pub const SQL: &str = "/v1/projects/{project}/sql";
    pub const INGEST: &str = "/v1/projects/{project}/ingest";

    /// (method, path) of every route, for the OpenAPI check.
    pub const ALL: [(&str, &str); 14] = [
        ("get", HEALTH),
        ("get", METRICS),
        ("get", OPENAPI),
        ("get", PROJECTS),
        ("get", WELLS),
        ("get", WELL),
        ("post", WELL_SEARCH),
        ("get", CURVES),
        ("get", TOPS),
        ("get", LOG_WINDOW),
        ("get", LOG_OBJECT),
        ("head", LOG_OBJECT),
        ("post", SQL),
        ("post", INGEST),
    ];
}

pub fn router(state: ApiState) -> Router {
    let max_upload = state.config().max_upload_bytes;
    let authenticated = Router::new()
        .route(paths::METRICS, get(metrics::metrics))
        .route(paths::OPENAPI, get(openapi::document))
        .route(paths::PROJECTS, get(projects::list))
        .route(paths::WELLS, get(wells::list))
        // A well may be called `search`: GET on this path is that well.
        .route(
            paths::WELL_SEARCH,
            post(wells::search).get(wells::get_well_named_search),
        )
        .route(paths::WELL, get(wells::get))
        .route(paths::CURVES, get(wells::curves))
        .route(paths::TOPS, get(tops::list))
        .route(paths::LOG_WINDOW, get(logs::window))
        .route(paths::LOG_OBJECT, get(objects::get).head(objects::get))
        .route(paths::SQL, post(sql::query))
        .route(
            paths::INGEST,
            post(ingest::upload).layer(DefaultBodyLimit::max(max_upload)),
        )
        .route_layer(from_fn_with_state(state.tokens().clone(), require_token));
    Router::new()
        .merge(authenticated)
        .route(paths::HEALTH, get(health::healthz))
        .merge(crate::routes::app::router())
        .fallback(route_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(from_fn(request_id::echo))
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use mudrock_core::cache::ApiRoute;

    use super::paths;

    /// The server's routes are core's route table (which the edge worker and the browser classify
    /// requests with): the same paths and methods, none missing on either side.
    #[test]
    fn the_router_serves_cores_route_table() {
        let mut served: Vec<(String, &str)> = paths::ALL
            .iter()
            .filter(|(method, _)| *method != "head")
            .map(|(method, path)| (method.to_uppercase(), *path))
            .collect();
        served.sort();
        let mut core: Vec<(String, &str)> = ApiRoute::ALL
            .iter()
            .map(|r| (r.method().to_owned(), r.path()))
            .collect();
        core.sort();
        assert_eq!(served, core);
    }
}
