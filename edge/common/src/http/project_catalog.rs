//! A project's catalogs (wells, logs, curves) at known versions, as the light routes read them: lookups
//! by well, the curves of a well, the wells' grid index for polygon searches. The native server caches one
//! per catalog version (`mudrock_engine::service::CatalogMemo`); the edge worker builds one from its bucket.

use std::sync::{Arc, OnceLock};

use mudrock_core::cache::VersionSet;
use mudrock_core::layout::{ProjectId, WellId};
use mudrock_core::spatial::{CellGrid, DEFAULT_CELL_KM, WellGrid};

use super::error::{ApiError, ApiResult};
use crate::catalog::{Catalog, CurveRow, WellRow};
use crate::error::ErrorKind;

/// The wells' grid index of one catalog version, built on first use.
pub type LazyGrid = Arc<OnceLock<WellGrid<usize>>>;

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
    /// The catalogs read at `versions`.
    pub fn new(project: ProjectId, catalog: Arc<Catalog>, versions: VersionSet) -> Self {
        let sorted = ProjectCatalog::is_sorted(&catalog);
        ProjectCatalog::with_grid(project, catalog, versions, sorted, LazyGrid::default())
    }

    /// With a grid shared by every view of the same catalog version (built once, by the first search).
    pub fn with_grid(
        project: ProjectId,
        catalog: Arc<Catalog>,
        versions: VersionSet,
        sorted: bool,
        grid: LazyGrid,
    ) -> Self {
        ProjectCatalog {
            project,
            catalog,
            versions,
            sorted,
            grid,
        }
    }

    /// Whether wells and curves are sorted by well id (as the catalog module writes them).
    pub fn is_sorted(catalog: &Catalog) -> bool {
        catalog.wells.is_sorted_by(|a, b| a.well_id <= b.well_id)
            && catalog.curves.is_sorted_by(|a, b| a.well_id <= b.well_id)
    }

    /// The well, or `NotFound` naming it.
    pub fn well(&self, well: &WellId) -> crate::Result<&WellRow> {
        let wells = &self.catalog.wells;
        let id = well.as_str();
        let found = if self.sorted {
            let i = wells.partition_point(|w| w.well_id.as_str() < id);
            wells.get(i).filter(|w| w.well_id == id)
        } else {
            wells.iter().find(|w| w.well_id == id)
        };
        found.ok_or_else(|| {
            crate::Error::new(
                ErrorKind::NotFound,
                format!(
                    "no well `{well}` in project `{}`: list the wells with GET /v1/projects/{}/wells",
                    self.project, self.project
                ),
            )
            .with_context("well", well.as_str())
        })
    }

    /// The wells' grid index (1 km cells), built once per catalog version: a polygon search then tests
    /// only the wells in the cells under the polygon.
    pub fn grid(&self) -> crate::Result<&WellGrid<usize>> {
        if let Some(grid) = self.grid.get() {
            return Ok(grid);
        }
        let cells = CellGrid::new(DEFAULT_CELL_KM)
            .map_err(|e| crate::Error::new(ErrorKind::Unexpected, "grid cells").with_source(e))?;
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

/// 404 for a project with no catalogs.
pub fn no_such_project(project: &ProjectId) -> crate::Error {
    crate::Error::new(
        ErrorKind::NotFound,
        format!(
            "project `{project}` has no wells: ingest LAS files first (POST /v1/projects/{project}/ingest or `mudrock ingest`)"
        ),
    )
    .with_context("project", project.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::WellRow;

    fn well(id: &str) -> WellRow {
        WellRow {
            n_logs: 1,
            ..WellRow::bare(id)
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
        assert_eq!(missing.kind(), ErrorKind::NotFound);
    }
}
