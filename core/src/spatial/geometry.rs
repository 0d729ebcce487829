//! Points, bounding boxes and polygons with holes in longitude/latitude, and the point-in-polygon test.
//!
//! Edges are straight lines in longitude/latitude (plate carrée), not great circles: for lease- and
//! field-sized polygons the difference is far below the accuracy of a well's surface location.
//!
//! Point in polygon: a point is inside when it is inside or on the exterior ring and not strictly inside
//! any hole. **Boundaries belong to the polygon** — a well exactly on an edge or a vertex, of the
//! exterior or of a hole, is selected. A well on a lease line is then found by the search for either
//! lease rather than lost to both. "On" means on in the f64 arithmetic: decimal coordinates that binary
//! floating point cannot hold exactly (0.1) are ~1e-15° (nanometres) off, which matters only there.
//! Interiors follow the crossing-number (even-odd) rule, so a self-intersecting ring is taken as
//! drawn; rings are not checked for self-intersection, nor holes for lying inside their exterior (a
//! hole outside it cuts nothing away).

use std::fmt;

use super::error::Problem;

/// A position in decimal degrees on WGS 84: longitude first, as in GeoJSON and WKT.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub lon: f64,
    pub lat: f64,
}

impl Point {
    /// A checked point: finite, longitude within [−180, 180], latitude within [−90, 90].
    pub fn new(lon: f64, lat: f64) -> Result<Point, Problem> {
        if !lon.is_finite() || !lat.is_finite() {
            return Err(Problem::NotFinite);
        }
        if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
            return Err(Problem::OutOfRange { lon, lat });
        }
        Ok(Point { lon, lat })
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({} {})", self.lon, self.lat)
    }
}

/// A longitude/latitude rectangle, bounds included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl BoundingBox {
    /// The smallest box holding every point; `None` for none.
    pub fn of_points<'a>(points: impl IntoIterator<Item = &'a Point>) -> Option<BoundingBox> {
        let mut points = points.into_iter();
        let first = points.next()?;
        let mut b = BoundingBox {
            min_lon: first.lon,
            min_lat: first.lat,
            max_lon: first.lon,
            max_lat: first.lat,
        };
        for p in points {
            b.min_lon = b.min_lon.min(p.lon);
            b.min_lat = b.min_lat.min(p.lat);
            b.max_lon = b.max_lon.max(p.lon);
            b.max_lat = b.max_lat.max(p.lat);
        }
        Some(b)
    }

    pub fn contains(&self, p: Point) -> bool {
        p.lon >= self.min_lon && p.lon <= self.max_lon && p.lat >= self.min_lat && p.lat <= self.max_lat
    }

    pub fn intersects(&self, other: &BoundingBox) -> bool {
        self.min_lon <= other.max_lon
            && other.min_lon <= self.max_lon
            && self.min_lat <= other.max_lat
            && other.min_lat <= self.max_lat
    }

    /// The smallest box holding both.
    pub fn union(&self, other: &BoundingBox) -> BoundingBox {
        BoundingBox {
            min_lon: self.min_lon.min(other.min_lon),
            min_lat: self.min_lat.min(other.min_lat),
            max_lon: self.max_lon.max(other.max_lon),
            max_lat: self.max_lat.max(other.max_lat),
        }
    }
}

/// Where a point lies relative to a ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Inside,
    Boundary,
    Outside,
}

/// A closed ring: at least four positions, the last equal to the first, enclosing some area, with no
/// edge spanning more than 180° of longitude.
#[derive(Debug, Clone, PartialEq)]
pub struct Ring {
    points: Vec<Point>,
    bbox: BoundingBox,
    slabs: Slabs,
}

impl Ring {
    /// Checks a ring of already checked points (see [`Point::new`]).
    pub fn new(points: Vec<Point>) -> Result<Ring, Problem> {
        if points.len() < 4 {
            return Err(Problem::TooFewPositions(points.len()));
        }
        let (first, last) = (points[0], points[points.len() - 1]);
        if first != last {
            return Err(Problem::RingNotClosed { first, last });
        }
        for edge in points.windows(2) {
            if (edge[1].lon - edge[0].lon).abs() > 180.0 {
                return Err(Problem::CrossesAntimeridian {
                    from: edge[0],
                    to: edge[1],
                });
            }
        }
        let twice_area: f64 = points
            .windows(2)
            .map(|e| e[0].lon * e[1].lat - e[1].lon * e[0].lat)
            .sum();
        if twice_area == 0.0 {
            return Err(Problem::ZeroArea);
        }
        let Some(bbox) = BoundingBox::of_points(&points) else {
            return Err(Problem::TooFewPositions(0));
        };
        let slabs = Slabs::build(&points, &bbox);
        Ok(Ring { points, bbox, slabs })
    }

    /// The positions, closed (the last is the first).
    pub fn points(&self) -> &[Point] {
        &self.points
    }

    pub fn bbox(&self) -> BoundingBox {
        self.bbox
    }

    /// Inside, on the boundary of, or outside this ring (crossing-number rule with a half-open
    /// treatment of vertices, so a ray through a vertex counts once).
    pub fn locate(&self, p: Point) -> Side {
        if !self.bbox.contains(p) {
            return Side::Outside;
        }
        let mut inside = false;
        for &e in self.slabs.edges_near(p.lat) {
            let (a, b) = (self.points[e as usize], self.points[e as usize + 1]);
            let orientation = (b.lon - a.lon) * (p.lat - a.lat) - (b.lat - a.lat) * (p.lon - a.lon);
            if orientation == 0.0 && between(p.lon, a.lon, b.lon) && between(p.lat, a.lat, b.lat) {
                return Side::Boundary;
            }
            if (a.lat > p.lat) != (b.lat > p.lat) {
                // The edge spans the point's latitude; it crosses the eastward ray when the point is
                // left of an upward edge or right of a downward one.
                let upward = b.lat > a.lat;
                if (orientation > 0.0) == upward {
                    inside = !inside;
                }
            }
        }
        if inside { Side::Inside } else { Side::Outside }
    }
}

fn between(x: f64, a: f64, b: f64) -> bool {
    x >= a.min(b) && x <= a.max(b)
}

/// Edges bucketed by latitude band, so a point is tested only against the edges that reach its
/// latitude. Exact: an edge containing the point, or crossing its latitude, reaches its band, because
/// bands are assigned to points and to edge ends by the same monotone formula.
#[derive(Debug, Clone, PartialEq)]
struct Slabs {
    min_lat: f64,
    height: f64,
    /// Edges of band `i` are `edges[offsets[i]..offsets[i + 1]]`.
    offsets: Vec<u32>,
    edges: Vec<u32>,
}

/// Rings up to this many edges are tested edge by edge; beyond, about this many edges per band.
const EDGES_PER_SLAB: usize = 8;
const MAX_SLABS: usize = 4096;

impl Slabs {
    fn build(points: &[Point], bbox: &BoundingBox) -> Slabs {
        let edge_count = points.len() - 1;
        let count = (edge_count / EDGES_PER_SLAB).clamp(1, MAX_SLABS);
        let mut slabs = Slabs {
            min_lat: bbox.min_lat,
            height: (bbox.max_lat - bbox.min_lat) / count as f64,
            offsets: vec![0; count + 1],
            edges: Vec::new(),
        };
        let span = |s: &Slabs, e: usize| {
            let (a, b) = (points[e].lat, points[e + 1].lat);
            (s.band(a.min(b)), s.band(a.max(b)))
        };
        // Two passes (count, then fill) keep the buckets in one allocation.
        for e in 0..edge_count {
            let (lo, hi) = span(&slabs, e);
            for band in lo..=hi {
                slabs.offsets[band + 1] += 1;
            }
        }
        for i in 0..count {
            slabs.offsets[i + 1] += slabs.offsets[i];
        }
        let mut next: Vec<u32> = slabs.offsets[..count].to_vec();
        slabs.edges = vec![0; slabs.offsets[count] as usize];
        for e in 0..edge_count {
            let (lo, hi) = span(&slabs, e);
            for slot in &mut next[lo..=hi] {
                slabs.edges[*slot as usize] = e as u32;
                *slot += 1;
            }
        }
        slabs
    }

    fn band(&self, lat: f64) -> usize {
        let last = self.offsets.len() - 2;
        if last == 0 {
            return 0;
        }
        let band = ((lat - self.min_lat) / self.height).floor();
        if band <= 0.0 { 0 } else { (band as usize).min(last) }
    }

    fn edges_near(&self, lat: f64) -> &[u32] {
        let band = self.band(lat);
        &self.edges[self.offsets[band] as usize..self.offsets[band + 1] as usize]
    }
}

/// An exterior ring and its holes.
#[derive(Debug, Clone, PartialEq)]
pub struct Polygon {
    exterior: Ring,
    holes: Vec<Ring>,
}

impl Polygon {
    pub fn new(exterior: Ring, holes: Vec<Ring>) -> Polygon {
        Polygon { exterior, holes }
    }

    pub fn exterior(&self) -> &Ring {
        &self.exterior
    }

    pub fn holes(&self) -> &[Ring] {
        &self.holes
    }

    pub fn bbox(&self) -> BoundingBox {
        self.exterior.bbox
    }

    /// Inside or on the exterior ring and not strictly inside any hole: edges and vertices, of the
    /// exterior and of the holes, belong to the polygon (see the module doc for why).
    pub fn contains(&self, p: Point) -> bool {
        match self.exterior.locate(p) {
            Side::Outside => false,
            Side::Boundary => true,
            Side::Inside => self.holes.iter().all(|h| h.locate(p) != Side::Inside),
        }
    }
}

/// One or more polygons: the area a search selects, as parsed from GeoJSON or WKT. Never empty.
#[derive(Debug, Clone, PartialEq)]
pub struct MultiPolygon {
    polygons: Vec<Polygon>,
    bbox: BoundingBox,
}

impl MultiPolygon {
    /// `None` for no polygons: an empty search area is refused where it is parsed.
    pub fn new(polygons: Vec<Polygon>) -> Option<MultiPolygon> {
        let bbox = polygons.iter().map(Polygon::bbox).reduce(|a, b| a.union(&b))?;
        Some(MultiPolygon { polygons, bbox })
    }

    pub fn polygons(&self) -> &[Polygon] {
        &self.polygons
    }

    pub fn bbox(&self) -> BoundingBox {
        self.bbox
    }

    /// Inside or on the boundary of any of the polygons.
    pub fn contains(&self, p: Point) -> bool {
        self.bbox.contains(p) && self.polygons.iter().any(|poly| poly.contains(p))
    }
}

impl From<Polygon> for MultiPolygon {
    fn from(polygon: Polygon) -> MultiPolygon {
        let bbox = polygon.bbox();
        MultiPolygon {
            polygons: vec![polygon],
            bbox,
        }
    }
}
