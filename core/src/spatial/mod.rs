//! Well locations and search areas: polygons with holes from GeoJSON or WKT, point-in-polygon, bounding
//! boxes, and grid cells that prune "which wells are inside this polygon" to the wells near it.
//!
//! - Parsing ([`parse_area`], [`parse_geojson`], [`parse_wkt`]) validates as it reads and says what is
//!   wrong and where: rings must be closed (an unclosed ring is refused, not closed silently — it is
//!   usually a truncated list, and closing it would search a different area), have four positions,
//!   enclose some area and not cross the antimeridian; coordinates must be finite longitude/latitude
//!   in range, longitude first.
//! - Containment ([`MultiPolygon::contains`]): boundaries count as inside, holes are cut out (rules at
//!   [`Polygon::contains`]).
//! - Pruning ([`CellGrid`], [`WellGrid`]): an equal-angle grid of 1 km cells by default, with stable
//!   cell ids; the index tests exactly only the wells in the cells under each polygon's bounding box.
//!
//! Wells without a location never enter the index; ones given with impossible coordinates are kept
//! apart in [`WellGrid::unplaced`]. Nothing is guessed.
//!
//! Why not the `geo` crate: it brings i_overlay, rstar, spade, rand and geographiclib for algorithms
//! this module does not need, and point-in-polygon with a stated boundary rule is a few dozen lines.
//! GeoJSON is read with `serde_json` (present whenever the `arrow` feature is, or alone with the
//! `geojson` feature) so errors can carry the JSON path; WKT with a small parser here (see [`parse_wkt`]).

mod error;
mod geometry;
mod grid;
mod wkt;

#[cfg(any(feature = "geojson", feature = "arrow"))]
mod geojson;

pub use error::{Problem, SpatialError};
pub use geometry::{BoundingBox, MultiPolygon, Point, Polygon, Ring, Side};
pub use grid::{
    CellGrid, CellId, CellRange, DEFAULT_CELL_KM, KM_PER_DEGREE, MAX_CELL_KM, MIN_CELL_KM, WellGrid,
    cells_covering,
};
pub use wkt::parse_wkt;

#[cfg(any(feature = "geojson", feature = "arrow"))]
pub use geojson::parse_geojson;

/// Parses a search area given as GeoJSON (text starting with `{`) or WKT (anything else).
pub fn parse_area(text: &str) -> Result<MultiPolygon, SpatialError> {
    if text.trim_start().starts_with('{') {
        #[cfg(any(feature = "geojson", feature = "arrow"))]
        return parse_geojson(text);
        #[cfg(not(any(feature = "geojson", feature = "arrow")))]
        return Err(SpatialError::new(
            "GeoJSON",
            Problem::WrongType {
                expected: "WKT (this build of mudrock-core reads no GeoJSON: enable feature geojson)",
                found: "a JSON object".to_owned(),
            },
        ));
    }
    parse_wkt(text)
}

impl MultiPolygon {
    /// Containment for a well's latitude and longitude as stored (note the order: latitude first, as
    /// in the catalogs). `None` when they are not a position — a null, never a guess.
    pub fn contains_lat_lon(&self, lat: f64, lon: f64) -> Option<bool> {
        Point::new(lon, lat).ok().map(|p| self.contains(p))
    }
}
