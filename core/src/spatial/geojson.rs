//! Search areas from GeoJSON (RFC 7946): a Polygon or MultiPolygon, bare or inside a Feature, a
//! FeatureCollection or a GeometryCollection (all their polygons together). Errors name the JSON path
//! of the offending value (`$.features[1].geometry.coordinates[0][3]`).
//!
//! Positions are `[longitude, latitude]`, optionally with elevation (ignored). The 2008 GeoJSON `crs`
//! member is accepted only when it names WGS 84 longitude/latitude; other members are ignored.

use serde_json::{Map, Value};

use super::error::{Problem, SpatialError};
use super::geometry::{MultiPolygon, Point, Polygon, Ring};

/// Parses a GeoJSON text into the area it covers.
pub fn parse_geojson(text: &str) -> Result<MultiPolygon, SpatialError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| SpatialError::new("GeoJSON", Problem::Json(e.to_string())))?;
    let mut polygons = Vec::new();
    collect(&value, "$", &mut polygons)?;
    MultiPolygon::new(polygons).ok_or_else(|| SpatialError::new("$", Problem::Empty))
}

const AREA_TYPES: &str = "a Polygon, MultiPolygon, Feature, FeatureCollection or GeometryCollection";

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(a) => format!("an array of {}", a.len()),
        Value::Object(_) => "an object".to_owned(),
    }
}

fn wrong(at: &str, expected: &'static str, found: &Value) -> SpatialError {
    SpatialError::new(
        at,
        Problem::WrongType {
            expected,
            found: describe(found),
        },
    )
}

fn member<'a>(obj: &'a Map<String, Value>, name: &'static str, at: &str) -> Result<&'a Value, SpatialError> {
    obj.get(name)
        .ok_or_else(|| SpatialError::new(at, Problem::MissingMember(name)))
}

fn array<'a>(v: &'a Value, at: &str, expected: &'static str) -> Result<&'a [Value], SpatialError> {
    v.as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| wrong(at, expected, v))
}

/// Refuses a `crs` naming anything but WGS 84 longitude/latitude.
fn check_crs(obj: &Map<String, Value>, at: &str) -> Result<(), SpatialError> {
    let Some(crs) = obj.get("crs") else {
        return Ok(());
    };
    let name = crs["properties"]["name"].as_str().unwrap_or_default();
    let wgs84 = ["CRS84", "EPSG::4326", "EPSG:4326"]
        .iter()
        .any(|known| name.ends_with(known));
    if wgs84 {
        Ok(())
    } else {
        let shown = if name.is_empty() {
            crs.to_string()
        } else {
            name.to_owned()
        };
        Err(SpatialError::new(
            format!("{at}.crs"),
            Problem::UnsupportedCrs(shown),
        ))
    }
}

fn collect(v: &Value, at: &str, out: &mut Vec<Polygon>) -> Result<(), SpatialError> {
    let obj = v.as_object().ok_or_else(|| wrong(at, AREA_TYPES, v))?;
    check_crs(obj, at)?;
    let kind = member(obj, "type", at)?;
    let kind = kind
        .as_str()
        .ok_or_else(|| wrong(&format!("{at}.type"), "a string", kind))?;
    match kind {
        "Polygon" => {
            let path = format!("{at}.coordinates");
            out.push(polygon(member(obj, "coordinates", at)?, &path)?);
        }
        "MultiPolygon" => {
            let path = format!("{at}.coordinates");
            let parts = array(member(obj, "coordinates", at)?, &path, "an array of polygons")?;
            for (i, part) in parts.iter().enumerate() {
                out.push(polygon(part, &format!("{path}[{i}]"))?);
            }
        }
        "Feature" => match member(obj, "geometry", at)? {
            Value::Null => return Err(SpatialError::new(format!("{at}.geometry"), Problem::NoGeometry)),
            geometry => collect(geometry, &format!("{at}.geometry"), out)?,
        },
        "FeatureCollection" => {
            let path = format!("{at}.features");
            let features = array(member(obj, "features", at)?, &path, "an array of features")?;
            for (i, feature) in features.iter().enumerate() {
                let here = format!("{path}[{i}]");
                if feature["type"] != "Feature" {
                    return Err(wrong(&here, "a Feature", feature));
                }
                collect(feature, &here, out)?;
            }
        }
        "GeometryCollection" => {
            let path = format!("{at}.geometries");
            let geometries = array(member(obj, "geometries", at)?, &path, "an array of geometries")?;
            for (i, geometry) in geometries.iter().enumerate() {
                collect(geometry, &format!("{path}[{i}]"), out)?;
            }
        }
        other => {
            return Err(SpatialError::new(
                format!("{at}.type"),
                Problem::WrongType {
                    expected: AREA_TYPES,
                    found: format!("{other:?}"),
                },
            ));
        }
    }
    Ok(())
}

fn polygon(v: &Value, at: &str) -> Result<Polygon, SpatialError> {
    let rings = array(v, at, "an array of rings")?;
    let Some((exterior, holes)) = rings.split_first() else {
        return Err(SpatialError::new(at, Problem::Empty));
    };
    let exterior = ring(exterior, &format!("{at}[0] (exterior ring)"))?;
    let holes = holes
        .iter()
        .enumerate()
        .map(|(i, h)| ring(h, &format!("{at}[{}] (hole {})", i + 1, i + 1)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon::new(exterior, holes))
}

fn ring(v: &Value, at: &str) -> Result<Ring, SpatialError> {
    let positions = array(v, at, "an array of positions")?;
    // The ring's path without the gloss, for its positions' paths.
    let base = at.split(' ').next().unwrap_or(at);
    let points = positions
        .iter()
        .enumerate()
        .map(|(i, p)| position(p, &format!("{base}[{i}]")))
        .collect::<Result<Vec<_>, _>>()?;
    Ring::new(points).map_err(|problem| SpatialError::new(at, problem))
}

fn position(v: &Value, at: &str) -> Result<Point, SpatialError> {
    let numbers = array(v, at, "a position [longitude, latitude]")?;
    if !(2..=4).contains(&numbers.len()) {
        return Err(SpatialError::new(at, Problem::PositionSize(numbers.len())));
    }
    let mut xy = [0.0; 2];
    for (i, n) in numbers.iter().enumerate() {
        let x = n.as_f64().ok_or_else(|| wrong(at, "a number", n))?;
        if let Some(slot) = xy.get_mut(i) {
            *slot = x;
        }
    }
    Point::new(xy[0], xy[1]).map_err(|problem| SpatialError::new(at, problem))
}
