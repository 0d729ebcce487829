//! Well identity, location and index range from a LAS file's `~Well` section (and `~Parameter`).
//!
//! Identity strings are kept exactly as found (UWI/API keep their leading zeros: they are never read as
//! numbers). Only coordinates, elevations and the index range are parsed, and only when they read
//! cleanly; anything else is left out rather than guessed.

use serde::Serialize;

use super::location::{Axis, Location, parse_angle};
use super::units::{Dimension, Unit, canonical_unit};
use crate::las::{HeaderItem, LasFile, SectionKind};

/// The mnemonics tried for each field, in order (LAS 2.0 names first, then LAS 3.0 and common variants).
const LATITUDE: &[&str] = &["LATI", "LAT", "LATITUDE"];
const LONGITUDE: &[&str] = &["LONG", "LON", "LONGITUDE"];
const X: &[&str] = &["X", "XCOORD", "XWELL"];
const Y: &[&str] = &["Y", "YCOORD", "YWELL"];
const COUNTRY: &[&str] = &["CTRY", "NATI", "COUNTRY"];
const COUNTY: &[&str] = &["CNTY", "COUN", "COUNTY"];

/// Identity, location and index facts of one LAS file, for the wells/logs catalogs.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct WellHeader {
    /// `WELL`.
    pub name: Option<String>,
    /// `UWI`, as found.
    pub uwi: Option<String>,
    /// `API`, as found.
    pub api: Option<String>,
    /// `COMP`.
    pub company: Option<String>,
    /// `FLD`.
    pub field: Option<String>,
    /// `CTRY` (LAS 3.0), else `NATI`/`COUNTRY`.
    pub country: Option<String>,
    /// `PROV`.
    pub province: Option<String>,
    /// `STAT`.
    pub state: Option<String>,
    /// `CNTY` (or `COUN`).
    pub county: Option<String>,
    /// `LOC`: a legal location (DLS, PLSS) or free text.
    pub location_text: Option<String>,
    /// `LIC`.
    pub licence: Option<String>,
    /// `SRVC`.
    pub service_company: Option<String>,
    /// `DATE`, as found.
    pub date: Option<String>,
    /// `LATI`/`LAT` value as found (kept even when it could not be parsed).
    pub raw_latitude: Option<String>,
    /// `LONG`/`LON` value as found.
    pub raw_longitude: Option<String>,
    /// Parsed latitude/longitude; `None` unless both read cleanly and are not (0, 0).
    pub location: Option<Location>,
    /// Why `location` is `None` although a latitude or longitude was present.
    pub location_issue: Option<String>,
    /// `X`/`Y` (projected coordinates), kept raw: no datum transformation is attempted.
    pub projected: Option<ProjectedCoordinates>,
    /// `GDAT` (geodetic datum), as found.
    pub datum: Option<String>,
    /// `HZCS` (horizontal coordinate system), as found.
    pub horizontal_crs: Option<String>,
    pub index: IndexRange,
    /// The NULL value (from the reader, else the `NULL` item).
    pub null_value: Option<f64>,
    pub elevations: Elevations,
}

/// Projected coordinates as found (`X .FEET 2464256.21`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectedCoordinates {
    pub x: f64,
    pub y: f64,
    pub raw_x: String,
    pub raw_y: String,
    /// The unit string of `X` as found (`FEET`, `M`, blank).
    pub unit: String,
    pub canonical_unit: Option<Unit>,
}

/// `STRT`/`STOP`/`STEP` and the index unit.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct IndexRange {
    /// The first curve's mnemonic (`DEPT`, `DEPTH`, `TIME`).
    pub mnemonic: Option<String>,
    pub start: Option<f64>,
    pub stop: Option<f64>,
    /// 0 means irregular sampling (LAS 2.0).
    pub step: Option<f64>,
    /// The unit as found on `STRT` (else on the index curve).
    pub unit_raw: String,
    /// The canonical unit when it is a length or a time (m, ft, 0.1 in, s, ms).
    pub unit: Option<Unit>,
}

/// One elevation item (`EKB .M 123.0`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Elevation {
    pub value: f64,
    pub unit_raw: String,
    pub unit: Option<Unit>,
}

/// Depth references needed for TVDSS (= KB elevation − TVD).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Elevations {
    /// `EKB`: kelly bushing.
    pub kelly_bushing: Option<Elevation>,
    /// `EDF`: drill floor.
    pub drill_floor: Option<Elevation>,
    /// `EGL`: ground level.
    pub ground_level: Option<Elevation>,
    /// `EPD`: permanent datum above mean sea level.
    pub permanent_datum_elevation: Option<Elevation>,
    /// `APD`: depth reference above the permanent datum.
    pub above_permanent_datum: Option<Elevation>,
    /// `EREF`: elevation of the depth reference.
    pub reference: Option<Elevation>,
    /// `PDAT`, as found (`GL`, `MSL`).
    pub permanent_datum: Option<String>,
    /// `LMF`, as found (`KB`, `DF`).
    pub log_measured_from: Option<String>,
    /// `DMF`, as found.
    pub drilling_measured_from: Option<String>,
}

/// Parses a header number: plain decimal (a comma decimal separator is accepted when there is no point),
/// finite only.
pub fn parse_header_number(text: &str) -> Option<f64> {
    let t = text.trim();
    let owned;
    let t = if t.contains(',') && !t.contains('.') {
        owned = t.replacen(',', ".", 1);
        owned.as_str()
    } else {
        t
    };
    // Rust's parser also takes `inf`/`nan`/`infinity`: only digit-led text counts as a number here.
    if !t
        .trim_start_matches(['-', '+'])
        .starts_with(|c: char| c.is_ascii_digit() || c == '.')
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The header items a field is looked up in: `~Well` first, then `~Parameter` — some files keep
/// coordinates or elevations there (lasio's 1001178549.las has LAT/LONG in `~P`).
struct Items<'a> {
    items: Vec<&'a HeaderItem>,
    null: Option<f64>,
}

impl<'a> Items<'a> {
    fn item(&self, names: &[&str]) -> Option<&'a HeaderItem> {
        names.iter().find_map(|n| {
            self.items
                .iter()
                .copied()
                .find(|i| i.mnemonic.eq_ignore_ascii_case(n))
        })
    }
    fn text(&self, names: &[&str]) -> Option<String> {
        self.item(names)
            .map(|i| i.value.trim())
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }
    /// An identifier (UWI, API) as found, unless it is the file's NULL value written in its place: a
    /// `-999.25` UWI would make every well that has none one well.
    fn identifier(&self, name: &str) -> Option<String> {
        self.text(&[name])
            .filter(|v| parse_header_number(v).is_none_or(|n| !self.is_null(n)))
    }
    /// A number that is not the NULL value (nor -999.25, the customary NULL even where `NULL` says
    /// otherwise).
    fn number(&self, names: &[&str]) -> Option<(f64, &'a HeaderItem)> {
        let item = self.item(names)?;
        let v = parse_header_number(&item.value)?;
        if self.is_null(v) { None } else { Some((v, item)) }
    }
    fn is_null(&self, v: f64) -> bool {
        self.null
            .is_some_and(|n| (v - n).abs() <= 1e-9 * n.abs().max(1.0))
            || v == -999.25
    }
    fn elevation(&self, name: &str) -> Option<Elevation> {
        let (value, item) = self.number(&[name])?;
        Some(Elevation {
            value,
            unit_raw: item.unit.clone(),
            unit: canonical_unit(&item.unit),
        })
    }
}

impl WellHeader {
    /// Reads identity, location, index and elevations from the `~Well` section (then `~Parameter` for
    /// what `~Well` lacks). Never fails: what is missing or unreadable is `None` (with `location_issue`
    /// saying why for coordinates).
    pub fn from_las(las: &LasFile) -> WellHeader {
        let section_items = |kind| {
            las.sections
                .iter()
                .filter(move |s| s.kind == kind)
                .flat_map(|s| &s.items)
        };
        let items: Vec<&HeaderItem> = section_items(SectionKind::Well)
            .chain(section_items(SectionKind::Parameter))
            .collect();
        let null_item = items
            .iter()
            .find(|i| i.mnemonic.eq_ignore_ascii_case("NULL"))
            .and_then(|i| parse_header_number(&i.value));
        let null_value = las.null_value.or(null_item);
        let w = Items {
            items,
            null: null_value,
        };

        let (location, location_issue) = location(&w);
        WellHeader {
            name: w.text(&["WELL"]),
            uwi: w.identifier("UWI"),
            api: w.identifier("API"),
            company: w.text(&["COMP"]),
            field: w.text(&["FLD"]),
            country: w.text(COUNTRY),
            province: w.text(&["PROV"]),
            state: w.text(&["STAT"]),
            county: w.text(COUNTY),
            location_text: w.text(&["LOC"]),
            licence: w.text(&["LIC"]),
            service_company: w.text(&["SRVC"]),
            date: w.text(&["DATE"]),
            raw_latitude: w.text(LATITUDE),
            raw_longitude: w.text(LONGITUDE),
            location,
            location_issue,
            projected: projected(&w),
            datum: w.text(&["GDAT"]),
            horizontal_crs: w.text(&["HZCS"]),
            index: index(las, &w),
            null_value,
            elevations: Elevations {
                kelly_bushing: w.elevation("EKB"),
                drill_floor: w.elevation("EDF"),
                ground_level: w.elevation("EGL"),
                permanent_datum_elevation: w.elevation("EPD"),
                above_permanent_datum: w.elevation("APD"),
                reference: w.elevation("EREF"),
                permanent_datum: w.text(&["PDAT"]),
                log_measured_from: w.text(&["LMF"]),
                drilling_measured_from: w.text(&["DMF"]),
            },
        }
    }
}

/// One coordinate: the value field, or — for the LAS 1.2 swapped layout the reader did not repair
/// (`LATI .DEG  LATITUDE: 37° 48' 2.2" N`) — the description. Returns the angle and the text it came from.
fn coordinate(item: &HeaderItem, axis: Axis) -> Result<(super::location::Angle, String, bool), String> {
    let name = match axis {
        Axis::Latitude => "latitude",
        Axis::Longitude => "longitude",
    };
    let unit = item.unit.trim();
    if !unit.is_empty() && canonical_unit(unit) != Some(Unit::Degree) {
        return Err(format!("{name} unit {unit:?} is not degrees"));
    }
    match parse_angle(&item.value, axis) {
        Ok(a) => Ok((a, item.value.trim().to_owned(), false)),
        Err(e) => match parse_angle(&item.description, axis) {
            Ok(a)
                if item
                    .value
                    .trim()
                    .chars()
                    .all(|c| c.is_alphabetic() || c.is_whitespace()) =>
            {
                Ok((a, item.description.trim().to_owned(), true))
            }
            _ => Err(format!("{name} {:?}: {e}", item.value.trim())),
        },
    }
}

fn location(w: &Items<'_>) -> (Option<Location>, Option<String>) {
    let (lat, lon) = (w.item(LATITUDE), w.item(LONGITUDE));
    let blank = |i: Option<&HeaderItem>| {
        i.is_none_or(|i| i.value.trim().is_empty() && i.description.trim().is_empty())
    };
    if blank(lat) && blank(lon) {
        return (None, None);
    }
    let (Some(lat), Some(lon)) = (lat, lon) else {
        return (None, Some("only one of latitude/longitude is present".to_owned()));
    };
    let parsed = coordinate(lat, Axis::Latitude).and_then(|a| Ok((a, coordinate(lon, Axis::Longitude)?)));
    match parsed {
        Err(issue) => {
            // Blank values with ordinary descriptions ("Latitude") are simply absent, not an issue.
            if lat.value.trim().is_empty() && lon.value.trim().is_empty() {
                (None, None)
            } else {
                (None, Some(issue))
            }
        }
        Ok(((la, raw_la, swapped_la), (lo, raw_lo, swapped_lo))) => {
            match Location::from_angles(la, lo, &raw_la, &raw_lo) {
                None => (
                    None,
                    Some("latitude and longitude are both 0 (placeholder)".to_owned()),
                ),
                Some(mut loc) => {
                    if swapped_la || swapped_lo {
                        loc.confidence = loc.confidence.min(super::location::LocationConfidence::Medium);
                        loc.notes
                            .push("value read from the description (LAS 1.2 swapped layout)".to_owned());
                    }
                    (Some(loc), None)
                }
            }
        }
    }
}

fn projected(w: &Items<'_>) -> Option<ProjectedCoordinates> {
    let (x, xi) = w.number(X)?;
    let (y, yi) = w.number(Y)?;
    // Zeros are blanks filled in (`X .ft 0000000.00`).
    if x == 0.0 && y == 0.0 {
        return None;
    }
    Some(ProjectedCoordinates {
        x,
        y,
        raw_x: xi.value.trim().to_owned(),
        raw_y: yi.value.trim().to_owned(),
        unit: xi.unit.clone(),
        canonical_unit: canonical_unit(&xi.unit),
    })
}

fn index(las: &LasFile, w: &Items<'_>) -> IndexRange {
    let first = las.log.curves.first();
    let strt = w.item(&["STRT"]);
    let unit_raw = strt
        .map(|i| i.unit.trim())
        .filter(|u| !u.is_empty())
        .or_else(|| first.map(|c| c.unit.trim()))
        .unwrap_or_default()
        .to_owned();
    let unit =
        canonical_unit(&unit_raw).filter(|u| matches!(u.dimension(), Dimension::Length | Dimension::Time));
    // Kept as written (even when equal to NULL): the caller checks them against the data.
    let num = |n: &str| w.item(&[n]).and_then(|i| parse_header_number(&i.value));
    IndexRange {
        mnemonic: first.map(|c| c.mnemonic.clone()),
        start: num("STRT"),
        stop: num("STOP"),
        step: num("STEP"),
        unit_raw,
        unit,
    }
}
