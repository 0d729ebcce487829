//! Grid cells for pruning spatial searches, and an index of wells by cell.
//!
//! The grid is equal-angle: rows and columns are `cell_km / 111.195` degrees (one degree of latitude on
//! the mean-radius sphere), counted from (−180, −90). A cell is `cell_km` tall everywhere and narrows
//! east-west with cos(latitude) (0.5 km wide at 60° for 1 km cells). Chosen over cells of equal width
//! because a cell id is then one division and one floor of each coordinate — no trigonometry, whose last
//! bit differs between libm builds — so the same well has the same cell id natively, in wasm32 and in
//! any stored catalog.
//!
//! Cells in row-major order (`row << 32 | col`) make every row of a bounding box a contiguous run, which
//! [`WellGrid`] finds by binary search: the cost of a query is two searches per grid row of the
//! polygon's box plus an exact test of the wells in it, however many cells the box covers.

use super::error::{Problem, SpatialError};
use super::geometry::{BoundingBox, MultiPolygon, Point};

/// The seed design's cell size.
pub const DEFAULT_CELL_KM: f64 = 1.0;
/// Smallest and largest cell sizes the grid supports (1 m keeps row and column numbers in `u32`).
pub const MIN_CELL_KM: f64 = 0.001;
pub const MAX_CELL_KM: f64 = 20_000.0;
/// Kilometres in one degree of latitude on the sphere of mean Earth radius (6371.0088 km).
pub const KM_PER_DEGREE: f64 = 111.195;

/// A cell of a [`CellGrid`]: row from the south pole, column from the antimeridian (−180).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellId {
    pub row: u32,
    pub col: u32,
}

impl CellId {
    /// `row << 32 | col`: one integer per cell, ordered row-major, for catalogs and SQL.
    pub fn as_u64(self) -> u64 {
        (u64::from(self.row) << 32) | u64::from(self.col)
    }

    pub fn from_u64(id: u64) -> CellId {
        CellId {
            row: (id >> 32) as u32,
            col: id as u32,
        }
    }
}

/// The cells of one grid row from `first_col` to `last_col`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellRange {
    pub row: u32,
    pub first_col: u32,
    pub last_col: u32,
}

impl CellRange {
    pub fn first(&self) -> CellId {
        CellId {
            row: self.row,
            col: self.first_col,
        }
    }

    pub fn last(&self) -> CellId {
        CellId {
            row: self.row,
            col: self.last_col,
        }
    }

    pub fn len(&self) -> usize {
        (self.last_col - self.first_col) as usize + 1
    }

    /// Never empty: a range always holds its first cell.
    pub fn is_empty(&self) -> bool {
        false
    }

    pub fn cells(&self) -> impl Iterator<Item = CellId> + '_ {
        (self.first_col..=self.last_col).map(|col| CellId { row: self.row, col })
    }
}

/// An equal-angle grid of cells about `cell_km` on a side (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellGrid {
    cell_km: f64,
    step: f64,
    rows: u32,
    cols: u32,
}

impl CellGrid {
    pub fn new(cell_km: f64) -> Result<CellGrid, SpatialError> {
        if !(MIN_CELL_KM..=MAX_CELL_KM).contains(&cell_km) {
            return Err(SpatialError::new("cell size", Problem::CellSize(cell_km)));
        }
        Ok(CellGrid::checked(cell_km))
    }

    /// `cell_km` already within [MIN_CELL_KM, MAX_CELL_KM].
    fn checked(cell_km: f64) -> CellGrid {
        let step = cell_km / KM_PER_DEGREE;
        CellGrid {
            cell_km,
            step,
            rows: (180.0 / step).ceil() as u32,
            cols: (360.0 / step).ceil() as u32,
        }
    }

    pub fn cell_km(&self) -> f64 {
        self.cell_km
    }

    /// Cell size in degrees of latitude and of longitude.
    pub fn step_degrees(&self) -> f64 {
        self.step
    }

    /// The cell holding a point; points on the north pole or on +180 fall in the last row or column.
    pub fn cell_of(&self, p: Point) -> CellId {
        CellId {
            row: Self::index(p.lat + 90.0, self.step, self.rows),
            col: Self::index(p.lon + 180.0, self.step, self.cols),
        }
    }

    fn index(offset: f64, step: f64, count: u32) -> u32 {
        // `as` saturates: a negative offset (not produced by a checked point) would give 0.
        ((offset / step).floor() as u32).min(count - 1)
    }

    /// The cell's bounds in degrees.
    pub fn cell_bounds(&self, cell: CellId) -> BoundingBox {
        let (row, col) = (f64::from(cell.row), f64::from(cell.col));
        BoundingBox {
            min_lon: -180.0 + col * self.step,
            min_lat: -90.0 + row * self.step,
            max_lon: (-180.0 + (col + 1.0) * self.step).min(180.0),
            max_lat: (-90.0 + (row + 1.0) * self.step).min(90.0),
        }
    }

    /// Every cell a bounding box touches, one range per row, south to north. Coordinates beyond the
    /// globe are limited to it.
    pub fn covering(&self, bbox: &BoundingBox) -> Vec<CellRange> {
        let clamp = |lon: f64, lat: f64| Point {
            lon: lon.clamp(-180.0, 180.0),
            lat: lat.clamp(-90.0, 90.0),
        };
        let low = self.cell_of(clamp(bbox.min_lon, bbox.min_lat));
        let high = self.cell_of(clamp(bbox.max_lon, bbox.max_lat));
        (low.row..=high.row)
            .map(|row| CellRange {
                row,
                first_col: low.col,
                last_col: high.col,
            })
            .collect()
    }
}

impl Default for CellGrid {
    /// [`DEFAULT_CELL_KM`] cells.
    fn default() -> CellGrid {
        CellGrid::checked(DEFAULT_CELL_KM)
    }
}

/// The cells covering `bbox` on a grid of `cell_km` cells: `CellGrid::new(cell_km)?.covering(bbox)`.
pub fn cells_covering(bbox: &BoundingBox, cell_km: f64) -> Result<Vec<CellRange>, SpatialError> {
    Ok(CellGrid::new(cell_km)?.covering(bbox))
}

/// Wells indexed by grid cell for "which wells are inside this polygon".
///
/// Built from `(id, latitude, longitude)`; a well whose coordinates are not a valid position (NaN,
/// out of range) is not placed anywhere but kept in [`WellGrid::unplaced`], so the caller can report it
/// with the wells that have no location at all. Nothing is guessed.
#[derive(Debug, Clone)]
pub struct WellGrid<K> {
    grid: CellGrid,
    /// Sorted ascending; `points[i]` and `ids[i]` are the well in cell `cells[i]`.
    cells: Vec<u64>,
    points: Vec<Point>,
    ids: Vec<K>,
    unplaced: Vec<K>,
}

impl<K> WellGrid<K> {
    pub fn build(grid: CellGrid, wells: impl IntoIterator<Item = (K, f64, f64)>) -> WellGrid<K> {
        let mut placed = Vec::new();
        let mut unplaced = Vec::new();
        for (id, lat, lon) in wells {
            match Point::new(lon, lat) {
                Ok(p) => placed.push((grid.cell_of(p).as_u64(), p, id)),
                Err(_) => unplaced.push(id),
            }
        }
        // Stable: wells of one cell keep their input order, so results are deterministic.
        placed.sort_by_key(|(cell, _, _)| *cell);
        let mut cells = Vec::with_capacity(placed.len());
        let mut points = Vec::with_capacity(placed.len());
        let mut ids = Vec::with_capacity(placed.len());
        for (cell, p, id) in placed {
            cells.push(cell);
            points.push(p);
            ids.push(id);
        }
        WellGrid {
            grid,
            cells,
            points,
            ids,
            unplaced,
        }
    }

    pub fn grid(&self) -> &CellGrid {
        &self.grid
    }

    /// Wells placed in the grid.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Wells given with coordinates that are not a position.
    pub fn unplaced(&self) -> &[K] {
        &self.unplaced
    }

    /// The wells inside or on the boundary of `area`, in cell order.
    pub fn query(&self, area: &MultiPolygon) -> Vec<&K> {
        self.query_counted(area).0
    }

    /// [`WellGrid::query`] and the number of wells the exact test was run on (the cells' pruning
    /// left these).
    pub fn query_counted(&self, area: &MultiPolygon) -> (Vec<&K>, usize) {
        // Each polygon's own box: the parts of a multipolygon far apart do not pull in the land
        // between them.
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for polygon in area.polygons() {
            for range in self.grid.covering(&polygon.bbox()) {
                let (first, last) = (range.first().as_u64(), range.last().as_u64());
                let start = self.cells.partition_point(|&c| c < first);
                let end = start + self.cells[start..].partition_point(|&c| c <= last);
                if start < end {
                    runs.push((start, end));
                }
            }
        }
        // Overlapping boxes give overlapping runs: merged, no well is tested or returned twice.
        runs.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(runs.len());
        for (start, end) in runs {
            match merged.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        let mut found = Vec::new();
        let mut tested = 0;
        for (start, end) in merged {
            tested += end - start;
            for i in start..end {
                if area.contains(self.points[i]) {
                    found.push(&self.ids[i]);
                }
            }
        }
        (found, tested)
    }
}
