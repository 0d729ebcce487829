//! A project's catalogs (wells, logs, curves) as the application reads them: the rows, and the versions
//! of the three catalog objects they were read at — which go into the key (and the server's ETag) of
//! every answer built from them.
//!
//! Each request stats the three objects (cheap: metadata, no bytes) and reuses the rows decoded for the
//! same versions; a changed object (a new ingest, through this server or any other writer) has a new
//! version, so the rows are read again. A project exists when its wells catalog does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use mudrock_core::cache::{CacheKey, Version, VersionSet};
use mudrock_core::layout::{CatalogType, ProjectId};

use mudrock_common::error::{ErrorKind, Result};
pub use mudrock_common::http::project_catalog::{LazyGrid, ProjectCatalog, no_such_project};
use mudrock_store::catalog::Catalog;
use mudrock_store::storage::ObjectMeta;

use super::Project;

/// Decoded catalogs by project, each with the versions it was read at.
#[derive(Default)]
pub struct CatalogMemo {
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

impl CatalogMemo {
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

impl Project {
    /// Versions of the three catalog objects; `None` when the project has no wells catalog (no project).
    ///
    /// With [`Limits::revalidate_after`](super::Limits::revalidate_after) above zero, versions seen that
    /// recently are reused without asking the store; an ingest through this service forgets them at once.
    pub async fn versions(&self) -> Result<Option<VersionSet>> {
        let (service, project) = (&self.service, &self.id);
        let within = service.limits().revalidate_after;
        if let Some(recent) = service.catalog_memo().recent(project, within) {
            return Ok(recent);
        }
        let versions = self.stat_catalogs().await?;
        if !within.is_zero() {
            service.catalog_memo().saw(project, &versions);
        }
        Ok(versions)
    }

    async fn stat_catalogs(&self) -> Result<Option<VersionSet>> {
        let (service, project) = (&self.service, &self.id);
        let storage = service.storage();
        let paths = [CatalogType::Wells, CatalogType::Logs, CatalogType::Curves]
            .map(|kind| service.layout().catalog(project, kind));
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
                Err(e) => return Err(e),
            }
        }
        Ok(Some(versions))
    }

    /// The catalogs' versions of a project that exists (`NotFound` naming it when it has no catalogs).
    pub async fn existing_versions(&self) -> Result<VersionSet> {
        self.versions().await?.ok_or_else(|| no_such_project(&self.id))
    }

    /// The key of an answer to `request` (in `domain`) on this project read at `versions` — its ETag;
    /// `None` when the versions cannot prove a change (the memory backend): such an answer is never
    /// cached nor revalidated.
    pub fn answer_key<R: serde::Serialize>(
        &self,
        domain: &str,
        request: &R,
        versions: &VersionSet,
    ) -> Option<CacheKey> {
        versions.is_verifiable().then(|| {
            CacheKey::new(
                domain,
                &mudrock_common::http::canonical(&(self.id.as_str(), request)),
                versions,
            )
        })
    }

    /// The project's catalogs, whose objects were just seen at `versions`. Should a writer replace them
    /// between that `stat` and this read, the rows are newer than the versions say; the next request sees
    /// the new versions and reads again, so nothing stale outlives one response.
    pub async fn catalog_at(&self, versions: VersionSet) -> Result<ProjectCatalog> {
        let (service, project) = (&self.service, &self.id);
        // Versions that cannot prove a change (the memory backend) are never a reason to reuse rows.
        let memo = versions
            .is_verifiable()
            .then(|| service.catalog_memo().get(project, &versions))
            .flatten();
        let (catalog, sorted, grid) = match memo {
            Some(found) => found,
            None => {
                let catalog = Arc::new(service.ingestor().catalogs().load(project).await?);
                let sorted = ProjectCatalog::is_sorted(&catalog);
                let grid = service
                    .catalog_memo()
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
}
