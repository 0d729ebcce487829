//! Wells and curves: `GET /v1/projects/{p}/wells`, `GET …/wells/{w}`, `POST …/wells/search`,
//! `GET …/wells/{w}/curves`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One well, as the wells catalog has it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Well {
    pub well_id: String,
    pub name: Option<String>,
    /// UWI and API exactly as in the header (strings: leading zeros are part of the number).
    pub uwi: Option<String>,
    pub api: Option<String>,
    pub company: Option<String>,
    pub field: Option<String>,
    pub country: Option<String>,
    /// Decimal degrees (WGS 84 as read from the header); both `None` when the header gave no usable
    /// location — never guessed.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// `high`, `medium` or `low`: how far the coordinates can be trusted; `None` without coordinates.
    pub location_confidence: Option<String>,
    /// Depth range over the well's logs and the header STEP, in `depth_unit`.
    pub start: Option<f64>,
    pub stop: Option<f64>,
    pub step: Option<f64>,
    pub depth_unit: Option<String>,
    pub n_logs: u32,
    pub source_files: Vec<String>,
}

impl Well {
    pub fn has_location(&self) -> bool {
        self.lat.is_some() && self.lon.is_some()
    }
}

/// A well named without its details (the wells a polygon search could not place).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WellRef {
    pub well_id: String,
    pub name: Option<String>,
}

/// The query string of `GET /v1/projects/{p}/wells`. Filters combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WellListQuery {
    /// Case-insensitive substring of the well name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Substring of the UWI or the API number (digits as written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uwi: Option<String>,
    /// `true`: only wells with a location; `false`: only wells without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_location: Option<bool>,
    /// `min_lon,min_lat,max_lon,max_lat` in decimal degrees: only wells located inside (edges included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bbox: Option<String>,
    /// Rows to skip (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<usize>,
    /// Rows per page (default 100, at most 10,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
}

/// A bounding box in decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl BoundingBox {
    /// Parses `min_lon,min_lat,max_lon,max_lat`; the error says what is wrong with the text.
    pub fn parse(text: &str) -> Result<BoundingBox, String> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 4 {
            return Err(format!(
                "bbox `{text}` has {} values: write min_lon,min_lat,max_lon,max_lat",
                parts.len()
            ));
        }
        let mut v = [0.0; 4];
        for (slot, part) in v.iter_mut().zip(&parts) {
            *slot = part
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("bbox value `{part}` is not a number"))?;
        }
        let [min_lon, min_lat, max_lon, max_lat] = v;
        if min_lon > max_lon || min_lat > max_lat {
            return Err(format!(
                "bbox `{text}`: the minimum is above the maximum; write min_lon,min_lat,max_lon,max_lat"
            ));
        }
        if !(-90.0..=90.0).contains(&min_lat) || !(-90.0..=90.0).contains(&max_lat) {
            return Err(format!("bbox `{text}`: latitudes must be within -90..90"));
        }
        if !(-180.0..=180.0).contains(&min_lon) || !(-180.0..=180.0).contains(&max_lon) {
            return Err(format!("bbox `{text}`: longitudes must be within -180..180"));
        }
        Ok(BoundingBox {
            min_lon,
            min_lat,
            max_lon,
            max_lat,
        })
    }

    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        (self.min_lat..=self.max_lat).contains(&lat) && (self.min_lon..=self.max_lon).contains(&lon)
    }
}

/// One page of the wells list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WellPage {
    pub wells: Vec<Well>,
    /// Wells matching the filters, over all pages.
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    /// The `offset` of the next page; `None` on the last page.
    pub next_offset: Option<usize>,
}

/// A polygon as WKT (`POLYGON((lon lat, …))`) or GeoJSON text, or a GeoJSON object (a `Polygon`, a
/// `MultiPolygon`, or a `Feature` holding one). Holes are allowed. Coordinates are lon, lat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PolygonInput {
    Text(String),
    GeoJson(Value),
}

impl PolygonInput {
    /// The polygon as text (GeoJSON objects serialised), for the parser and the cache key.
    pub fn to_text(&self) -> String {
        match self {
            PolygonInput::Text(text) => text.clone(),
            PolygonInput::GeoJson(value) => value.to_string(),
        }
    }
}

/// `POST /v1/projects/{p}/wells/search`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolygonSearchRequest {
    pub polygon: PolygonInput,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolygonSearchResponse {
    /// Wells whose location is inside the polygon (on the boundary counts as inside).
    pub inside: Vec<Well>,
    /// Wells with no usable location: they may or may not be inside, so they are listed apart.
    pub without_location: Vec<WellRef>,
    /// Wells of the project looked at (inside + outside + without location).
    pub wells_considered: usize,
}

/// One curve of one log of a well.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Curve {
    pub log_id: String,
    pub mnemonic: String,
    pub unit: String,
    pub family: String,
    pub description: String,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub null_count: u64,
    pub rows: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurveList {
    pub well_id: String,
    pub curves: Vec<Curve>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bbox_parses_and_says_what_is_wrong() {
        let b = BoundingBox::parse("-105, 39.5 ,-104,41").unwrap();
        assert!(b.contains(40.0, -104.5));
        assert!(b.contains(39.5, -105.0), "edges are inside");
        assert!(!b.contains(41.5, -104.5));
        assert!(BoundingBox::parse("1,2,3").unwrap_err().contains("3 values"));
        assert!(BoundingBox::parse("a,2,3,4").unwrap_err().contains("`a`"));
        assert!(BoundingBox::parse("5,2,3,4").unwrap_err().contains("minimum"));
        assert!(
            BoundingBox::parse("0,-100,1,1")
                .unwrap_err()
                .contains("latitudes")
        );
        assert!(BoundingBox::parse("NaN,0,1,1").is_err());
    }

    #[test]
    fn polygon_is_text_or_geojson() {
        let wkt: PolygonSearchRequest =
            serde_json::from_str(r#"{"polygon":"POLYGON((0 0,1 0,1 1,0 0))"}"#).unwrap();
        assert_eq!(wkt.polygon.to_text(), "POLYGON((0 0,1 0,1 1,0 0))");
        let geo: PolygonSearchRequest = serde_json::from_str(
            r#"{"polygon":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}"#,
        )
        .unwrap();
        assert!(matches!(geo.polygon, PolygonInput::GeoJson(_)));
        assert!(geo.polygon.to_text().contains("\"Polygon\""));
    }
}
