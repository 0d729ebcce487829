//! A project's catalogs (wells, logs, curves) as the routes see them: the rows, and the versions of the
//! three catalog objects they were read at — which go into the ETag of every response built from them.
//!
//! Each request stats the three objects (cheap: metadata, no bytes) and reuses the rows decoded for the
//! same versions; a changed object (a new ingest, through this server or any other writer) has a new
//! version, so the rows are read again. A project exists when its wells catalog does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use mudrock_core::cache::{Version, VersionSet};
use mudrock_core::layout::{CatalogType, ProjectId};

use crate::error::ApiResult;
use crate::state::ApiState;
use mudrock_common::error::ErrorKind;
pub use mudrock_common::http::project_catalog::{
    LazyGrid, ProjectCatalog, no_such_project, project_id, well_id,
};
use mudrock_store::catalog::Catalog;
use mudrock_store::storage::ObjectMeta;

/// Decoded catalogs by project, each with the versions it was read at.
#[derive(Default)]
pub struct CatalogCache {
    by_project: Mutex<HashMap<ProjectId, Memo>>,
    /// The versions last seen per project and when (`None`: no wells catalog), reused for
    /// `ApiConfig::revalidate_after`.
    seen: Mutex<HashMap<ProjectId, (Option<VersionSet>, Instant)>>,
}

struct Memo {
    versions: VersionSet,
    catalog: Arc<Catalog>,
    sorted: bool,
    grid: LazyGrid,
}

impl CatalogCache {
    fn recent(&self, project: &ProjectId, within: Duration) -> Option<Option<VersionSet>> {
        if within.is_zero() {
            return None;
        }
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.get(project)
            .filter(|(_, at)| at.elapsed() < within)
            .map(|(v, _)| v.clone())
    }

    fn saw(&self, project: &ProjectId, versions: &Option<VersionSet>) {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.insert(project.clone(), (versions.clone(), Instant::now()));
    }

    /// Forgets the versions seen of a project, so the next request asks the store (after a write
    /// through this server).
    pub fn forget_versions(&self, project: &ProjectId) {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.remove(project);
    }

    fn get(&self, project: &ProjectId, versions: &VersionSet) -> Option<(Arc<Catalog>, bool, LazyGrid)> {
        let memo = self.by_project.lock().unwrap_or_else(|e| e.into_inner());
        memo.get(project)
            .filter(|m| &m.versions == versions)
            .map(|m| (m.catalog.clone(), m.sorted, m.grid.clone()))
    }

    fn put(
        &self,
        project: &ProjectId,
        versions: VersionSet,
        catalog: Arc<Catalog>,
        sorted: bool,
    ) -> LazyGrid {
        let grid = Arc::new(OnceLock::new());
        let mut memo = self.by_project.lock().unwrap_or_else(|e| e.into_inner());
        memo.insert(
            project.clone(),
            Memo {
                versions,
                catalog,
                sorted,
                grid: grid.clone(),
            },
        );
        grid
    }
}

/// The version of an object as `stat` reported it.
pub fn object_version(meta: &ObjectMeta) -> Version {
    Version::object(&meta.path, meta.size, meta.etag.clone(), meta.last_modified)
}

/// Versions of the three catalog objects; `None` when the project has no wells catalog (no project).
///
/// With `ApiConfig::revalidate_after` above zero, versions seen that recently are reused without asking
/// the store; an ingest through this server forgets them at once.
pub async fn catalog_versions(state: &ApiState, project: &ProjectId) -> ApiResult<Option<VersionSet>> {
    let within = state.config().revalidate_after;
    if let Some(recent) = state.catalogs().recent(project, within) {
        return Ok(recent);
    }
    let versions = stat_catalogs(state, project).await?;
    if !within.is_zero() {
        state.catalogs().saw(project, &versions);
    }
    Ok(versions)
}

async fn stat_catalogs(state: &ApiState, project: &ProjectId) -> ApiResult<Option<VersionSet>> {
    let storage = state.storage();
    let paths = [CatalogType::Wells, CatalogType::Logs, CatalogType::Curves]
        .map(|kind| state.layout().catalog(project, kind));
    let stats = futures::future::join_all(paths.iter().map(|p| storage.stat(p))).await;
    let mut versions = VersionSet::new();
    for (i, stat) in stats.into_iter().enumerate() {
        match stat {
            Ok(meta) => {
                versions.insert(object_version(&meta));
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {
                if i == 0 {
                    return Ok(None);
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Some(versions))
}

/// The project's catalogs (404 when it has none).
pub async fn load(state: &ApiState, project: &ProjectId) -> ApiResult<ProjectCatalog> {
    let versions = catalog_versions(state, project)
        .await?
        .ok_or_else(|| no_such_project(project))?;
    load_at(state, project, versions).await
}

/// The project's catalogs, whose objects were just seen at `versions`. Should a writer replace them
/// between that `stat` and this read, the rows are newer than the versions say; the next request sees
/// the new versions and reads again, so nothing stale outlives one response.
pub async fn load_at(
    state: &ApiState,
    project: &ProjectId,
    versions: VersionSet,
) -> ApiResult<ProjectCatalog> {
    // Versions that cannot prove a change (the memory backend) are never a reason to reuse rows.
    let memo = versions
        .is_verifiable()
        .then(|| state.catalogs().get(project, &versions))
        .flatten();
    let (catalog, sorted, grid) = match memo {
        Some(found) => found,
        None => {
            let catalog = Arc::new(state.ingestor().catalogs().load(project).await?);
            let sorted = ProjectCatalog::is_sorted(&catalog);
            let grid = state
                .catalogs()
                .put(project, versions.clone(), catalog.clone(), sorted);
            (catalog, sorted, grid)
        }
    };
    Ok(ProjectCatalog::with_grid(
        project.clone(),
        catalog,
        versions,
        sorted,
        grid,
    ))
}
