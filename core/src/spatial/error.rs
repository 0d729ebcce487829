//! What was wrong with a polygon or a grid setting, and where in the input it was.

use std::fmt;

use super::geometry::Point;

/// A refused input: `at` says where (a GeoJSON path such as `$.features[1].geometry.coordinates[0][3]`,
/// a WKT character position, or `cell size`), `problem` what.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{at}: {problem}")]
pub struct SpatialError {
    pub at: String,
    pub problem: Problem,
}

impl SpatialError {
    pub(super) fn new(at: impl Into<String>, problem: Problem) -> SpatialError {
        SpatialError {
            at: at.into(),
            problem,
        }
    }
}

/// What was wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// Not JSON at all; the message is the JSON parser's, with line and column.
    Json(String),
    /// WKT that does not follow the grammar.
    Syntax {
        expected: &'static str,
        found: String,
    },
    /// A geometry or member of another type than the one required here.
    WrongType {
        expected: &'static str,
        found: String,
    },
    MissingMember(&'static str),
    /// A GeoJSON Feature whose geometry is null.
    NoGeometry,
    /// Nothing to search in: no polygon at all (`POLYGON EMPTY`, an empty FeatureCollection).
    Empty,
    /// Coordinates in a reference system other than longitude/latitude on WGS 84.
    UnsupportedCrs(String),
    /// A position with fewer than two or more than four numbers.
    PositionSize(usize),
    /// A coordinate that is NaN or infinite.
    NotFinite,
    OutOfRange {
        lon: f64,
        lat: f64,
    },
    /// A ring needs four positions: three corners and the first again.
    TooFewPositions(usize),
    RingNotClosed {
        first: Point,
        last: Point,
    },
    /// All positions on one line (or one point): the ring encloses nothing.
    ZeroArea,
    /// An edge more than 180° of longitude long: it crosses the antimeridian the short way.
    CrossesAntimeridian {
        from: Point,
        to: Point,
    },
    /// A grid cell size outside what the grid supports.
    CellSize(f64),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Json(message) => write!(f, "not valid JSON: {message}"),
            Problem::Syntax { expected, found } => write!(f, "expected {expected}, found {found}"),
            Problem::WrongType { expected, found } => write!(f, "expected {expected}, found {found}"),
            Problem::MissingMember(member) => write!(f, "the member \"{member}\" is missing"),
            Problem::NoGeometry => f.write_str("the feature has no geometry (null)"),
            Problem::Empty => f.write_str("contains no polygon, so it selects nothing"),
            Problem::UnsupportedCrs(crs) => write!(
                f,
                "coordinate reference system {crs} is not supported: give longitude/latitude in \
                 decimal degrees on WGS 84 (EPSG:4326, OGC CRS84)"
            ),
            Problem::PositionSize(n) => write!(
                f,
                "a position has {n} numbers; expected longitude and latitude (optionally a third and \
                 fourth for elevation and measure)"
            ),
            Problem::NotFinite => f.write_str("a coordinate is not a finite number"),
            Problem::OutOfRange { lon, lat } => write!(
                f,
                "({lon}, {lat}) is not a longitude/latitude pair: longitude must be within \
                 [-180, 180] and latitude within [-90, 90] (positions are longitude first)"
            ),
            Problem::TooFewPositions(n) => write!(
                f,
                "a ring needs at least 4 positions (3 corners and the first repeated to close it), \
                 this one has {n}"
            ),
            Problem::RingNotClosed { first, last } => write!(
                f,
                "the ring is not closed: it starts at {first} and ends at {last}; repeat the first \
                 position at the end (an unclosed ring is refused, not closed for you, because it is \
                 most often a truncated list)"
            ),
            Problem::ZeroArea => f.write_str("the ring encloses no area (all its positions lie on one line)"),
            Problem::CrossesAntimeridian { from, to } => write!(
                f,
                "the edge from {from} to {to} spans more than 180 degrees of longitude, i.e. it \
                 crosses the antimeridian; split the polygon at +/-180 (RFC 7946 section 3.1.9)"
            ),
            Problem::CellSize(km) => write!(
                f,
                "{km} km is not a usable cell size (between {} and {} km)",
                super::grid::MIN_CELL_KM,
                super::grid::MAX_CELL_KM
            ),
        }
    }
}
