//! Search areas: parsing GeoJSON and WKT (and refusing bad input with the right error and place),
//! point-in-polygon with holes and boundaries, grid cells, and the well index against brute force.

use mudrock_core::spatial::{
    BoundingBox, CellGrid, CellId, MultiPolygon, Point, Problem, Side, SpatialError, WellGrid,
    cells_covering, parse_area, parse_geojson, parse_wkt,
};
use proptest::prelude::*;

fn p(lon: f64, lat: f64) -> Point {
    Point::new(lon, lat).unwrap()
}

/// 10×10 degrees with a 3..6 hole.
const SQUARE_WITH_HOLE: &str = "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (3 3, 6 3, 6 6, 3 6, 3 3))";

#[test]
fn holes_are_cut_out_and_boundaries_belong_to_the_polygon() {
    let area = parse_wkt(SQUARE_WITH_HOLE).unwrap();
    let cases = [
        ((1.0, 1.0), true, "interior"),
        ((4.5, 4.5), false, "inside the hole"),
        ((3.0, 4.0), true, "on a hole edge"),
        ((3.0, 3.0), true, "on a hole vertex"),
        ((6.0, 6.0), true, "on a hole vertex"),
        ((0.0, 5.0), true, "on an exterior edge"),
        ((10.0, 10.0), true, "on an exterior vertex"),
        ((0.0, 0.0), true, "on the first vertex"),
        ((5.0, 0.0), true, "on the bottom edge"),
        ((11.0, 5.0), false, "east of it"),
        ((-0.000001, 5.0), false, "just west"),
        ((5.0, 10.000001), false, "just north"),
        ((2.999999, 4.0), true, "just outside the hole"),
        ((3.000001, 4.0), false, "just inside the hole"),
    ];
    for ((lon, lat), inside, what) in cases {
        assert_eq!(area.contains(p(lon, lat)), inside, "({lon} {lat}) {what}");
    }
    let polygon = &area.polygons()[0];
    assert_eq!(polygon.exterior().locate(p(0.0, 5.0)), Side::Boundary);
    assert_eq!(polygon.holes()[0].locate(p(4.0, 4.0)), Side::Inside);
    assert_eq!(
        area.bbox(),
        BoundingBox {
            min_lon: 0.0,
            min_lat: 0.0,
            max_lon: 10.0,
            max_lat: 10.0
        }
    );
}

#[test]
fn concave_polygons_and_rays_through_vertices() {
    // A "U": the notch between the arms (x 2..4, y 2..6) is outside.
    let u = parse_wkt("POLYGON ((0 0, 6 0, 6 6, 4 6, 4 2, 2 2, 2 6, 0 6, 0 0))").unwrap();
    assert!(u.contains(p(1.0, 4.0)), "left arm");
    assert!(u.contains(p(5.0, 4.0)), "right arm");
    assert!(!u.contains(p(3.0, 4.0)), "the notch");
    assert!(u.contains(p(3.0, 1.0)), "the base");
    assert!(u.contains(p(3.0, 2.0)), "the notch's floor is boundary");
    assert!(u.contains(p(4.0, 4.0)), "the notch's wall is boundary");
    // Eastward rays through vertices at y = 2 and y = 6 (both notch corners) count once each.
    assert!(u.contains(p(1.0, 2.0)));
    assert!(!u.contains(p(-1.0, 2.0)));
    assert!(!u.contains(p(-1.0, 6.0)));
    assert!(!u.contains(p(3.0, 6.0)), "between the arms' tops");
    assert!(u.contains(p(1.0, 6.0)), "top edge of the left arm");

    // A diamond: the ray from the west passes exactly through the east and west vertices.
    let diamond = parse_wkt("POLYGON ((0 -1, 1 0, 0 1, -1 0, 0 -1))").unwrap();
    assert!(diamond.contains(p(0.0, 0.0)));
    assert!(!diamond.contains(p(-2.0, 0.0)));
    assert!(!diamond.contains(p(1.5, 0.0)));
    assert!(diamond.contains(p(0.5, 0.5)), "on an edge");
    assert!(!diamond.contains(p(0.5, 0.51)));

    // Winding order does not matter.
    let clockwise = parse_wkt("POLYGON ((0 0, 0 6, 6 6, 6 0, 0 0))").unwrap();
    assert!(clockwise.contains(p(3.0, 3.0)) && !clockwise.contains(p(7.0, 3.0)));
}

#[test]
fn multipolygons_cover_each_part_and_not_between() {
    let area = parse_wkt("MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)), ((10 10, 11 10, 11 11, 10 11, 10 10)))")
        .unwrap();
    assert_eq!(area.polygons().len(), 2);
    assert!(area.contains(p(0.5, 0.5)));
    assert!(area.contains(p(10.5, 10.5)));
    assert!(!area.contains(p(5.0, 5.0)));
    assert_eq!(area.contains_lat_lon(10.5, 10.5), Some(true));
    assert_eq!(
        area.contains_lat_lon(f64::NAN, 10.5),
        None,
        "no location: null, not false"
    );
    assert_eq!(area.contains_lat_lon(95.0, 10.5), None);
}

#[test]
fn geojson_forms_and_wkt_agree() {
    let wkt = parse_wkt(SQUARE_WITH_HOLE).unwrap();
    let coords = "[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[3,3],[6,3],[6,6],[3,6],[3,3]]]";
    let polygon = format!(r#"{{"type":"Polygon","coordinates":{coords}}}"#);
    let forms = [
        polygon.clone(),
        format!(r#"{{"type":"MultiPolygon","coordinates":[{coords}]}}"#),
        format!(r#"{{"type":"Feature","properties":{{"name":"lease"}},"geometry":{polygon}}}"#),
        format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":null,"geometry":{polygon}}}]}}"#
        ),
        format!(r#"{{"type":"GeometryCollection","geometries":[{polygon}]}}"#),
        // Elevations are read and ignored; a CRS naming WGS 84 is accepted.
        r#"{"type":"Polygon","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},
           "coordinates":[[[0,0,5],[10,0,5],[10,10,5],[0,10,5],[0,0,5]],[[3,3],[6,3],[6,6],[3,6],[3,3]]]}"#
            .to_owned(),
    ];
    for form in &forms {
        assert_eq!(parse_geojson(form).unwrap(), wkt, "{form}");
        assert_eq!(parse_area(form).unwrap(), wkt, "{form}");
    }
    assert_eq!(parse_area(SQUARE_WITH_HOLE).unwrap(), wkt);
    // WKT variants: case, Z ordinates, EWKT SRID, exponents, spacing.
    for text in [
        "polygon((0 0,10 0,10 10,0 10,0 0),(3 3,6 3,6 6,3 6,3 3))",
        "POLYGON Z ((0 0 1, 10 0 1, 10 10 1, 0 10 1, 0 0 1), (3 3 0, 6 3 0, 6 6 0, 3 6 0, 3 3 0))",
        "SRID=4326;POLYGON ((0 0, 1e1 0, 1E+1 10, 0 10, 0 0), (3 3, 6 3, 6 6, 3 6, 3 3))",
        "  MULTIPOLYGON (((0 0, 10 0, 10 10, 0 10, 0 0), (3 3, 6 3, 6 6, 3 6, 3 3)))  ",
    ] {
        assert_eq!(parse_wkt(text).unwrap(), wkt, "{text}");
    }
    // A FeatureCollection of several polygons is their union.
    let two = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
        {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[5,5],[6,5],[6,6],[5,6],[5,5]]]}}]}"#;
    let area = parse_geojson(two).unwrap();
    assert_eq!(area.polygons().len(), 2);
    assert!(area.contains(p(5.5, 5.5)) && area.contains(p(0.5, 0.5)) && !area.contains(p(3.0, 3.0)));
}

#[track_caller]
fn refused(result: Result<MultiPolygon, SpatialError>) -> SpatialError {
    match result {
        Ok(area) => panic!("accepted: {area:?}"),
        Err(e) => e,
    }
}

#[test]
fn bad_geojson_is_refused_with_what_and_where() {
    let ring = |r: &str| format!(r#"{{"type":"Polygon","coordinates":[{r}]}}"#);
    let cases: Vec<(String, &str, Problem)> = vec![
        (
            ring("[[0,0],[1,0],[1,1],[0,1]]"),
            "$.coordinates[0] (exterior ring)",
            Problem::RingNotClosed {
                first: p(0.0, 0.0),
                last: p(0.0, 1.0),
            },
        ),
        (
            ring("[[0,0],[1,0],[0,0]]"),
            "$.coordinates[0] (exterior ring)",
            Problem::TooFewPositions(3),
        ),
        (
            ring("[[0,0],[1,0],[200,1],[0,0]]"),
            "$.coordinates[0][2]",
            Problem::OutOfRange {
                lon: 200.0,
                lat: 1.0,
            },
        ),
        (
            ring("[[0,0],[1,0],[1,\"1\"],[0,0]]"),
            "$.coordinates[0][2]",
            Problem::WrongType {
                expected: "a number",
                found: "the string \"1\"".to_owned(),
            },
        ),
        (
            ring("[[0,0],[1,0],[1],[0,0]]"),
            "$.coordinates[0][2]",
            Problem::PositionSize(1),
        ),
        (
            ring("[[0,0],[1,1],[2,2],[0,0]]"),
            "$.coordinates[0] (exterior ring)",
            Problem::ZeroArea,
        ),
        (
            ring("[[179,0],[-179,0],[-179,1],[179,0]]"),
            "$.coordinates[0] (exterior ring)",
            Problem::CrossesAntimeridian {
                from: p(179.0, 0.0),
                to: p(-179.0, 0.0),
            },
        ),
        (
            ring("[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[2,1],[2,2],[1,2]]"),
            "$.coordinates[1] (hole 1)",
            Problem::RingNotClosed {
                first: p(1.0, 1.0),
                last: p(1.0, 2.0),
            },
        ),
        (
            r#"{"type":"Point","coordinates":[1,2]}"#.to_owned(),
            "$.type",
            Problem::WrongType {
                expected: "a Polygon, MultiPolygon, Feature, FeatureCollection or GeometryCollection",
                found: "\"Point\"".to_owned(),
            },
        ),
        (
            r#"{"type":"Polygon"}"#.to_owned(),
            "$",
            Problem::MissingMember("coordinates"),
        ),
        (
            r#"{"coordinates":[]}"#.to_owned(),
            "$",
            Problem::MissingMember("type"),
        ),
        (
            r#"{"type":"Polygon","coordinates":[]}"#.to_owned(),
            "$.coordinates",
            Problem::Empty,
        ),
        (
            r#"{"type":"Feature","properties":{},"geometry":null}"#.to_owned(),
            "$.geometry",
            Problem::NoGeometry,
        ),
        (
            r#"{"type":"FeatureCollection","features":[]}"#.to_owned(),
            "$",
            Problem::Empty,
        ),
        (
            r#"{"type":"FeatureCollection","features":[
                {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
                {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,95],[0,0]]]}}]}"#
                .to_owned(),
            "$.features[1].geometry.coordinates[0][2]",
            Problem::OutOfRange {
                lon: 1.0,
                lat: 95.0,
            },
        ),
        (
            r#"{"type":"Polygon","crs":{"type":"name","properties":{"name":"EPSG:27700"}},"coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#
                .to_owned(),
            "$.crs",
            Problem::UnsupportedCrs("EPSG:27700".to_owned()),
        ),
        (
            "[1, 2]".to_owned(),
            "$",
            Problem::WrongType {
                expected: "a Polygon, MultiPolygon, Feature, FeatureCollection or GeometryCollection",
                found: "an array of 2".to_owned(),
            },
        ),
    ];
    for (text, at, problem) in cases {
        let err = refused(parse_geojson(&text));
        assert_eq!((err.at.as_str(), &err.problem), (at, &problem), "{text}");
    }
    // Not JSON: the JSON parser's message, with its line and column.
    let err = refused(parse_geojson(
        "{\"type\": \"Polygon\",\n \"coordinates\": [[[0,0],]]}",
    ));
    assert!(
        matches!(&err.problem, Problem::Json(m) if m.contains("line 2")),
        "{err}"
    );
}

#[test]
fn bad_wkt_is_refused_with_what_and_where() {
    let cases: Vec<(&str, &str, Problem)> = vec![
        (
            "POINT (1 2)",
            "WKT character 1",
            Problem::WrongType {
                expected: "POLYGON or MULTIPOLYGON",
                found: "the word \"POINT\"".to_owned(),
            },
        ),
        ("POLYGON EMPTY", "WKT character 9", Problem::Empty),
        ("POLYGON Z EMPTY", "WKT character 11", Problem::Empty),
        (
            "POLYGON ((0 0, 1 0, 1 1, 0 0)",
            "WKT character 30",
            Problem::Syntax {
                expected: "',' or ')' after a ring",
                found: "the end of the text".to_owned(),
            },
        ),
        (
            "POLYGON ((0 0, 1 0, 1 1, 0 0)) extra",
            "WKT character 32",
            Problem::Syntax {
                expected: "the end of the text",
                found: "the word \"EXTRA\"".to_owned(),
            },
        ),
        (
            "POLYGON ((0 0, 1 0, 1 x, 0 0))",
            "WKT character 23",
            Problem::Syntax {
                expected: "a number",
                found: "the word \"X\"".to_owned(),
            },
        ),
        (
            "POLYGON ((0 0, 1 0, 1 NaN, 0 0))",
            "WKT character 23",
            Problem::Syntax {
                expected: "a number",
                found: "the word \"NAN\"".to_owned(),
            },
        ),
        (
            "POLYGON ((0 0, 1 0, 1 1, 0 1))",
            "WKT character 10 (polygon 1, exterior ring)",
            Problem::RingNotClosed {
                first: p(0.0, 0.0),
                last: p(0.0, 1.0),
            },
        ),
        (
            "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((0 0, 4 0, 4 4, 0 0), (1 1, 2 1, 1 1)))",
            "WKT character 62 (polygon 2, hole 1)",
            Problem::TooFewPositions(3),
        ),
        (
            "POLYGON ((0 0, 1 0, 1 91, 0 0))",
            "WKT character 21",
            Problem::OutOfRange { lon: 1.0, lat: 91.0 },
        ),
        (
            "POLYGON ((0 0, 1, 1 1, 0 0))",
            "WKT character 16",
            Problem::PositionSize(1),
        ),
        (
            "POLYGON ((0 0, , 1 1, 0 0))",
            "WKT character 16",
            Problem::Syntax {
                expected: "a position (longitude latitude)",
                found: "\",\"".to_owned(),
            },
        ),
        (
            "POLYGON Z ((0 0, 1 0, 1 1, 0 0))",
            "WKT character 13",
            Problem::PositionSize(2),
        ),
        (
            "SRID=27700;POLYGON ((0 0, 1 0, 1 1, 0 0))",
            "WKT character 6",
            Problem::UnsupportedCrs("SRID=27700".to_owned()),
        ),
        (
            "",
            "WKT character 1",
            Problem::Syntax {
                expected: "POLYGON or MULTIPOLYGON",
                found: "the end of the text".to_owned(),
            },
        ),
    ];
    for (text, at, problem) in cases {
        let err = refused(parse_wkt(text));
        assert_eq!((err.at.as_str(), &err.problem), (at, &problem), "{text}");
    }
}

#[test]
fn error_messages_read_as_sentences() {
    let err = refused(parse_wkt("POLYGON ((0 0, 1 0, 1 1, 0 1))"));
    assert_eq!(
        err.to_string(),
        "WKT character 10 (polygon 1, exterior ring): the ring is not closed: it starts at (0 0) \
         and ends at (0 1); repeat the first position at the end (an unclosed ring is refused, not \
         closed for you, because it is most often a truncated list)"
    );
    let err = refused(parse_area(
        r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,100],[0,0]]]}"#,
    ));
    assert_eq!(
        err.to_string(),
        "$.coordinates[0][2]: (1, 100) is not a longitude/latitude pair: longitude must be within \
         [-180, 180] and latitude within [-90, 90] (positions are longitude first)"
    );
}

#[test]
fn grid_cells_are_stable_and_cover_boxes() {
    let grid = CellGrid::default();
    assert_eq!(grid.cell_km(), 1.0);
    let step = 1.0 / 111.195;
    assert_eq!(grid.step_degrees(), step);
    // The cell of a point: floors of its offsets from (-180, -90) in steps — computed independently.
    for (lon, lat) in [
        (0.0, 0.0),
        (2.2, 58.4),
        (-97.4424, 37.3153),
        (180.0, 90.0),
        (-180.0, -90.0),
    ] {
        let cell = grid.cell_of(p(lon, lat));
        let rows = (180.0 / step).ceil() as u32;
        let cols = (360.0 / step).ceil() as u32;
        let row = (((lat + 90.0) / step).floor() as u32).min(rows - 1);
        let col = (((lon + 180.0) / step).floor() as u32).min(cols - 1);
        assert_eq!(cell, CellId { row, col }, "({lon} {lat})");
        assert_eq!(CellId::from_u64(cell.as_u64()), cell);
        assert!(grid.cell_bounds(cell).contains(p(lon, lat)), "({lon} {lat})");
    }
    // Known values, so that a change of scheme (which would orphan stored cell ids) fails here.
    assert_eq!(
        grid.cell_of(p(0.0, 0.0)),
        CellId {
            row: 10007,
            col: 20015
        }
    );
    assert_eq!(
        grid.cell_of(p(2.2, 58.4)),
        CellId {
            row: 16501,
            col: 20259
        }
    );
    assert_eq!(grid.cell_of(p(0.0, 0.0)).as_u64(), (10007u64 << 32) | 20015);

    // A 0.1° box at 1 km: 12 rows of 12 columns.
    let bbox = BoundingBox {
        min_lon: 2.0,
        min_lat: 58.0,
        max_lon: 2.1,
        max_lat: 58.1,
    };
    let ranges = cells_covering(&bbox, 1.0).unwrap();
    assert_eq!(ranges.len(), 12);
    assert!(ranges.iter().all(|r| r.len() == 12));
    assert!(ranges.windows(2).all(|w| w[1].row == w[0].row + 1));
    let cells: Vec<CellId> = ranges
        .iter()
        .flat_map(|r| r.cells().collect::<Vec<_>>())
        .collect();
    assert_eq!(cells.len(), 144);
    for corner in [p(2.0, 58.0), p(2.1, 58.1), p(2.05, 58.05)] {
        assert!(cells.contains(&grid.cell_of(corner)));
    }
    // Coarser cells, fewer of them.
    assert_eq!(cells_covering(&bbox, 10.0).unwrap().len(), 2);
    // Cell sizes outside the grid's range are refused by name.
    for bad in [0.0, -1.0, f64::NAN, 1e9, 0.0001] {
        let err = CellGrid::new(bad).unwrap_err();
        assert_eq!(err.at, "cell size");
        assert!(
            matches!(err.problem, Problem::CellSize(km) if km.to_bits() == bad.to_bits()),
            "{bad}: {err}"
        );
    }
}

#[test]
fn well_grid_finds_wells_and_reports_unplaced_ones() {
    let area = parse_wkt(SQUARE_WITH_HOLE).unwrap();
    let wells = [
        ("inside", 1.0, 1.0),
        ("in-hole", 4.5, 4.5),
        ("on-edge", 5.0, 0.0),
        ("outside", 20.0, 20.0),
        ("no-lat", f64::NAN, 3.0),
        ("bad-lat", 95.0, 3.0),
        ("swapped", 5.0, 200.0),
    ];
    let index = WellGrid::build(
        CellGrid::new(5.0).unwrap(),
        wells.iter().map(|(id, lat, lon)| (*id, *lat, *lon)),
    );
    assert_eq!(index.len(), 4);
    assert_eq!(index.unplaced(), &["no-lat", "bad-lat", "swapped"]);
    let mut found: Vec<&str> = index.query(&area).into_iter().copied().collect();
    found.sort_unstable();
    assert_eq!(found, ["inside", "on-edge"]);

    // Overlapping parts of a multipolygon return each well once.
    let overlapping =
        parse_wkt("MULTIPOLYGON (((0 0, 2 0, 2 2, 0 2, 0 0)), ((0.5 0.5, 3 0.5, 3 3, 0.5 3, 0.5 0.5)))")
            .unwrap();
    assert_eq!(index.query(&overlapping), vec![&"inside"]);
}

/// A star-shaped (so simple) polygon of `radii.len()` vertices around a centre, with an optional hole
/// of the same shape at `hole` of the smallest radius.
fn star(cx: f64, cy: f64, radii: &[f64], hole: Option<f64>) -> String {
    let ring = |scale: f64| {
        let n = radii.len();
        let mut pts: Vec<String> = (0..=n)
            .map(|i| {
                let angle = std::f64::consts::TAU * (i % n) as f64 / n as f64;
                let r = radii[i % n] * scale;
                format!("{} {}", cx + r * angle.cos(), cy + r * angle.sin())
            })
            .collect();
        // The closing position must equal the first exactly.
        pts[n] = pts[0].clone();
        format!("({})", pts.join(", "))
    };
    match hole {
        Some(f) => {
            let min = radii.iter().copied().fold(f64::INFINITY, f64::min);
            let max = radii.iter().copied().fold(0.0, f64::max);
            format!("POLYGON ({}, {})", ring(1.0), ring(f * min / max))
        }
        None => format!("POLYGON ({})", ring(1.0)),
    }
}

/// The crossing-number rule over every edge of every ring, written independently of the library's
/// banded version: inside = inside or on the exterior and not strictly inside a hole.
fn reference_contains(area: &MultiPolygon, q: Point) -> bool {
    fn locate(points: &[Point], q: Point) -> Side {
        let mut inside = false;
        for e in points.windows(2) {
            let (a, b) = (e[0], e[1]);
            let cross = (b.lon - a.lon) * (q.lat - a.lat) - (b.lat - a.lat) * (q.lon - a.lon);
            let within = q.lon >= a.lon.min(b.lon)
                && q.lon <= a.lon.max(b.lon)
                && q.lat >= a.lat.min(b.lat)
                && q.lat <= a.lat.max(b.lat);
            if cross == 0.0 && within {
                return Side::Boundary;
            }
            if (a.lat > q.lat) != (b.lat > q.lat) {
                let x = a.lon + (q.lat - a.lat) * (b.lon - a.lon) / (b.lat - a.lat);
                if x > q.lon {
                    inside = !inside;
                }
            }
        }
        if inside { Side::Inside } else { Side::Outside }
    }
    area.polygons()
        .iter()
        .any(|poly| match locate(poly.exterior().points(), q) {
            Side::Outside => false,
            Side::Boundary => true,
            Side::Inside => poly.holes().iter().all(|h| locate(h.points(), q) != Side::Inside),
        })
}

fn star_strategy() -> impl Strategy<Value = (f64, f64, Vec<f64>, Option<f64>)> {
    (
        -170.0..170.0f64,
        -80.0..80.0f64,
        prop::collection::vec(0.05..2.0f64, 3..300),
        prop::option::of(0.2..0.9f64),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn well_grid_equals_brute_force(
        (cx, cy, radii, hole) in star_strategy(),
        cell_km in 0.5..80.0f64,
        offsets in prop::collection::vec((-2.5..2.5f64, -2.5..2.5f64), 1..400),
    ) {
        let area = parse_wkt(&star(cx, cy, &radii, hole)).unwrap();
        // Random points around the polygon, plus its vertices (boundary cases).
        let mut wells: Vec<(usize, f64, f64)> = offsets
            .iter()
            .enumerate()
            .map(|(i, (dx, dy))| (i, cy + dy, cx + dx))
            .collect();
        for v in area.polygons()[0].exterior().points() {
            wells.push((wells.len(), v.lat, v.lon));
        }
        let index = WellGrid::build(CellGrid::new(cell_km).unwrap(), wells.iter().copied());
        let mut got: Vec<usize> = index.query(&area).into_iter().copied().collect();
        got.sort_unstable();
        let expected: Vec<usize> = wells
            .iter()
            .filter(|(_, lat, lon)| area.contains(p(*lon, *lat)))
            .map(|(i, _, _)| *i)
            .collect();
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn banded_point_in_polygon_equals_the_plain_rule(
        (cx, cy, radii, hole) in star_strategy(),
        offsets in prop::collection::vec((-2.5..2.5f64, -2.5..2.5f64), 1..200),
    ) {
        let area = parse_wkt(&star(cx, cy, &radii, hole)).unwrap();
        let vertices: Vec<Point> = area.polygons()[0].exterior().points().to_vec();
        let points = offsets
            .iter()
            .map(|(dx, dy)| p(cx + dx, cy + dy))
            .chain(vertices)
            // Points on the latitude of a vertex exercise the ray-through-vertex rule.
            .chain(area.polygons()[0].exterior().points().iter().map(|v| p(cx, v.lat)));
        for q in points {
            prop_assert_eq!(area.contains(q), reference_contains(&area, q), "{}", q);
        }
    }
}
