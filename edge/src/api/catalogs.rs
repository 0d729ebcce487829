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
use mudrock_core::layout::{CatalogType, ProjectId, WellId};
use mudrock_core::spatial::{CellGrid, DEFAULT_CELL_KM, WellGrid};
use mudrock_shared::ErrorCode;

use super::error::{ApiError, ApiResult};
use super::state::ApiState;
use crate::catalog::{Catalog, CurveRow, WellRow};
use crate::error::ErrorKind;
use crate::storage::ObjectMeta;

/// A project's catalogs at known versions.
#[derive(Debug, Clone)]
pub struct ProjectCatalog {
    pub project: ProjectId,
    pub catalog: Arc<Catalog>,
    pub versions: VersionSet,
    /// Wells sorted by id and curves by well, as the catalog module writes them: lookups by well are
    /// binary searches. (A catalog written otherwise is searched row by row.)
    sorted: bool,
    /// The wells by grid cell (indexes into `catalog.wells`), built on the first polygon search.
    grid: LazyGrid,
}

impl ProjectCatalog {
    /// The well, or 404 naming it.
    pub fn well(&self, well: &WellId) -> ApiResult<&WellRow> {
        let wells = &self.catalog.wells;
        let id = well.as_str();
        let found = if self.sorted {
            let i = wells.partition_point(|w| w.well_id.as_str() < id);
            wells.get(i).filter(|w| w.well_id == id)
        } else {
            wells.iter().find(|w| w.well_id == id)
        };
        found.ok_or_else(|| {
            ApiError::not_found(format!(
                "no well `{well}` in project `{}`: list the wells with GET /v1/projects/{}/wells",
                self.project, self.project
            ))
            .with_detail("well", well.as_str())
        })
    }

    /// The wells' grid index (1 km cells), built once per catalog version: a polygon search then tests
    /// only the wells in the cells under the polygon.
    pub fn grid(&self) -> ApiResult<&WellGrid<usize>> {
        if let Some(grid) = self.grid.get() {
            return Ok(grid);
        }
        let cells = CellGrid::new(DEFAULT_CELL_KM).map_err(|e| {
            ApiError::from(crate::Error::new(
                ErrorKind::Unexpected,
                format!("grid cells: {e}"),
            ))
        })?;
        // Wells without a location are not placed (NaN is refused by the grid, never guessed).
        let wells = self.catalog.wells.iter().enumerate();
        let placed = wells.map(|(i, w)| (i, w.lat.unwrap_or(f64::NAN), w.lon.unwrap_or(f64::NAN)));
        // Two searches racing both build; the first one stored wins, both are equal.
        let _ = self.grid.set(WellGrid::build(cells, placed));
        Ok(self
            .grid
            .get_or_init(|| WellGrid::build(cells, std::iter::empty())))
    }

    /// The well's curves in catalog order (every log, file order within a log).
    pub fn curves(&self, well: &WellId) -> impl Iterator<Item = &CurveRow> {
        let curves = &self.catalog.curves;
        let id = well.as_str();
        // Sorted by well: the well's rows are one run, found by two binary searches.
        let (start, end) = if self.sorted {
            let start = curves.partition_point(|c| c.well_id.as_str() < id);
            (
                start,
                start + curves[start..].partition_point(|c| c.well_id == id),
            )
        } else {
            (0, curves.len())
        };
        curves[start..end].iter().filter(move |c| c.well_id == id)
    }
}

/// Decoded catalogs by project, each with the versions it was read at.
#[derive(Default)]
pub struct CatalogCache {
    by_project: Mutex<HashMap<ProjectId, Memo>>,
    /// The versions last seen per project and when (`None`: no wells catalog), reused for
    /// `ApiConfig::revalidate_after`.
    seen: Mutex<HashMap<ProjectId, (Option<VersionSet>, Instant)>>,
}

/// The wells' grid index of one catalog version, built on first use.
type LazyGrid = Arc<OnceLock<WellGrid<usize>>>;

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

/// Parses a `{project}` path segment.
pub fn project_id(text: &str) -> ApiResult<ProjectId> {
    ProjectId::new(text).map_err(|e| {
        ApiError::bad_request(format!("invalid project id `{text}`: {e}")).with_detail("project", text)
    })
}

/// Parses a `{well}` path segment.
pub fn well_id(text: &str) -> ApiResult<WellId> {
    WellId::new(text).map_err(|e| {
        ApiError::bad_request(format!("invalid well id `{text}`: {e}")).with_detail("well", text)
    })
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

/// 404 for a project with no catalogs.
pub fn no_such_project(project: &ProjectId) -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        format!(
            "project `{project}` has no wells: ingest LAS files first (POST /v1/projects/{project}/ingest or `mudrock ingest`)"
        ),
    )
    .with_detail("project", project.as_str())
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
            let sorted = catalog.wells.is_sorted_by(|a, b| a.well_id <= b.well_id)
                && catalog.curves.is_sorted_by(|a, b| a.well_id <= b.well_id);
            let grid = state
                .catalogs()
                .put(project, versions.clone(), catalog.clone(), sorted);
            (catalog, sorted, grid)
        }
    };
    Ok(ProjectCatalog {
        project: project.clone(),
        catalog,
        versions,
        sorted,
        grid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::WellRow;

    fn well(id: &str) -> WellRow {
        WellRow {
            well_id: id.to_owned(),
            name: None,
            uwi: None,
            api: None,
            company: None,
            field: None,
            country: None,
            lat: None,
            lon: None,
            location_confidence: None,
            start: None,
            stop: None,
            step: None,
            depth_unit: None,
            n_logs: 1,
            source_files: Vec::new(),
        }
    }

    fn curve(well: &str, mnemonic: &str) -> CurveRow {
        CurveRow {
            well_id: well.to_owned(),
            log_id: "log-1".to_owned(),
            mnemonic: mnemonic.to_owned(),
            unit: String::new(),
            family: String::new(),
            description: String::new(),
            min: None,
            max: None,
            null_count: 0,
            rows: 1,
        }
    }

    fn view(catalog: Catalog, sorted: bool) -> ProjectCatalog {
        ProjectCatalog {
            project: ProjectId::new("p").unwrap(),
            catalog: Arc::new(catalog),
            versions: VersionSet::new(),
            sorted,
            grid: Arc::new(OnceLock::new()),
        }
    }

    #[test]
    fn lookups_by_well_agree_whether_searched_or_scanned() {
        let catalog = Catalog {
            wells: ["A", "B", "C"].map(well).to_vec(),
            logs: Vec::new(),
            curves: vec![
                curve("A", "DEPT"),
                curve("B", "DEPT"),
                curve("B", "GR"),
                curve("B", "RHOB"),
                curve("C", "DEPT"),
            ],
        };
        let sorted = view(catalog.clone(), true);
        let scanned = view(catalog, false);
        for id in ["A", "B", "C", "D", "0", "BB"] {
            let id = WellId::new(id).unwrap();
            let a = sorted.well(&id).ok().map(|w| w.well_id.clone());
            let b = scanned.well(&id).ok().map(|w| w.well_id.clone());
            assert_eq!(a, b, "{id}");
            let a: Vec<&str> = sorted.curves(&id).map(|c| c.mnemonic.as_str()).collect();
            let b: Vec<&str> = scanned.curves(&id).map(|c| c.mnemonic.as_str()).collect();
            assert_eq!(a, b, "{id}");
        }
        let b = WellId::new("B").unwrap();
        assert_eq!(sorted.curves(&b).count(), 3);
        let missing = sorted.well(&WellId::new("D").unwrap()).unwrap_err();
        assert_eq!(missing.code(), ErrorCode::NotFound);
    }
}
