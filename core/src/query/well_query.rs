//! The typed well query: what a log window, a plot or an API client asks for.

use serde::{Deserialize, Serialize};

use super::error::QueryError;
use super::{DEPTH_COLUMN as DEPTH, LOG_ID_COLUMN, WELL_ID_COLUMN};
use crate::cache::Canon;
use crate::layout::WellId;

/// At most this many wells in one query (an `IN` list; a polygon resolving to more must be narrowed).
pub const MAX_WELLS: usize = 10_000;
/// At most this many curves in one query.
pub const MAX_CURVES: usize = 256;
/// At most this many filters in one query.
pub const MAX_FILTERS: usize = 64;
/// The longest curve name accepted, in bytes (LAS mnemonics are a few characters).
pub const MAX_CURVE_NAME_LEN: usize = 256;
/// The longest polygon text accepted, in bytes.
pub const MAX_POLYGON_LEN: usize = 1 << 20;

/// A request for well log data.
///
/// - `wells`: the wells to read; **empty means every well of the project**.
/// - `curves`: the curve columns to return, by exact name as stored (LAS mnemonic, case kept: `GR`,
///   `RHOB`, `GR:2`), in the order given. Every result also has `well_id` and `depth` first.
/// - `depth`: an inclusive depth window in the well's depth unit (as in the file; see the wells
///   catalog's `depth_unit`); either bound may be open.
/// - `filters`: row conditions on curves (or on `depth`), all of which must hold; a null value never
///   satisfies a condition, so a filter also drops the rows where its curve is null.
/// - `polygon`: GeoJSON or WKT text; the caller resolves it to well ids
///   ([`WellQuery::with_polygon_wells`]) before planning.
/// - `max_points`: decimate for plotting to at most this many rows per well
///   ([`super::decimate_min_max`]); the SQL still reads the whole window.
/// - `limit`: at most this many rows from the SQL (before decimation).
///
/// JSON: `{"wells": ["W1"], "curves": ["GR"], "depth": {"min": 1000, "max": 1100},
/// "filters": [{"curve": "GR", "op": "gt", "value": 50}], "max_points": 2000}`; every field may be left
/// out and unknown fields are refused. Query strings: [`WellQuery::from_query_pairs`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WellQuery {
    pub wells: Vec<WellId>,
    pub curves: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depth: Option<DepthRange>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<Filter>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub polygon: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_points: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
}

/// An inclusive depth window; `None` leaves that side open.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DepthRange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

/// `curve op value`, e.g. `GR > 50`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    pub curve: String,
    pub op: Cmp,
    pub value: f64,
}

/// A comparison. JSON names `lt le gt ge eq ne`; the symbols `< <= > >= = !=` are accepted too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cmp {
    #[serde(alias = "<")]
    Lt,
    #[serde(alias = "<=")]
    Le,
    #[serde(alias = ">")]
    Gt,
    #[serde(alias = ">=")]
    Ge,
    #[serde(alias = "=", alias = "==")]
    Eq,
    #[serde(alias = "!=", alias = "<>")]
    Ne,
}

impl Cmp {
    pub const ALL: [Cmp; 6] = [Cmp::Lt, Cmp::Le, Cmp::Gt, Cmp::Ge, Cmp::Eq, Cmp::Ne];

    /// The SQL operator.
    pub fn sql(self) -> &'static str {
        match self {
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
            Cmp::Eq => "=",
            Cmp::Ne => "<>",
        }
    }

    /// The JSON name.
    pub fn name(self) -> &'static str {
        match self {
            Cmp::Lt => "lt",
            Cmp::Le => "le",
            Cmp::Gt => "gt",
            Cmp::Ge => "ge",
            Cmp::Eq => "eq",
            Cmp::Ne => "ne",
        }
    }

    /// From a symbol (`<`, `<=`, `>`, `>=`, `=`, `==`, `!=`, `<>`) or a name (`lt` …).
    pub fn parse(s: &str) -> Option<Cmp> {
        Some(match s {
            "<" | "lt" => Cmp::Lt,
            "<=" | "le" => Cmp::Le,
            ">" | "gt" => Cmp::Gt,
            ">=" | "ge" => Cmp::Ge,
            "=" | "==" | "eq" => Cmp::Eq,
            "!=" | "<>" | "ne" => Cmp::Ne,
            _ => return None,
        })
    }
}

impl WellQuery {
    /// Checks everything that can be checked without the data: curve names (non-empty, at most
    /// [`MAX_CURVE_NAME_LEN`] bytes, no control characters, not `well_id`/`depth`, which every result
    /// has), counts ([`MAX_WELLS`], [`MAX_CURVES`], [`MAX_FILTERS`]), finite numbers, `min <= max`,
    /// `max_points` large enough to keep each curve's minimum and maximum ([`min_max_points`]),
    /// `1 <= limit <= i64::MAX`, a non-empty polygon of at most [`MAX_POLYGON_LEN`] bytes.
    pub fn validate(&self) -> Result<(), QueryError> {
        too_many("wells", self.wells.len(), MAX_WELLS)?;
        too_many("curves", self.curves.len(), MAX_CURVES)?;
        too_many("filters", self.filters.len(), MAX_FILTERS)?;
        for (index, name) in self.curves.iter().enumerate() {
            check_curve_name(index, name)?;
            if name == DEPTH || name == WELL_ID_COLUMN {
                return Err(QueryError::ReservedCurve { name: name.clone() });
            }
        }
        for (index, f) in self.filters.iter().enumerate() {
            check_curve_name(index, &f.curve)?;
            if f.curve == WELL_ID_COLUMN || f.curve == LOG_ID_COLUMN {
                return Err(QueryError::Param {
                    param: "filters".into(),
                    message: format!("{:?} is text; filters compare numeric curves (or depth)", f.curve),
                });
            }
            finite("filters", f.value)?;
        }
        if let Some(d) = self.depth {
            if let Some(min) = d.min {
                finite("depth", min)?;
            }
            if let Some(max) = d.max {
                finite("depth", max)?;
            }
            if let (Some(min), Some(max)) = (d.min, d.max)
                && min > max
            {
                return Err(QueryError::DepthRangeInverted { min, max });
            }
        }
        if let Some(max_points) = self.max_points {
            let curves = self.distinct_curves().len();
            let min = min_max_points(curves);
            if max_points < min {
                return Err(QueryError::MaxPointsTooSmall {
                    max_points,
                    curves,
                    min,
                });
            }
        }
        match self.limit {
            Some(0) => return Err(QueryError::LimitZero),
            // SQL engines read LIMIT as a signed 64-bit integer.
            Some(n) if u64::try_from(n).map_or(true, |n| n > i64::MAX as u64) => {
                return Err(QueryError::TooMany {
                    field: "limit",
                    count: n,
                    max: i64::MAX as usize,
                });
            }
            _ => {}
        }
        if let Some(p) = &self.polygon {
            if p.trim().is_empty() {
                return Err(QueryError::PolygonEmpty);
            }
            if p.len() > MAX_POLYGON_LEN {
                return Err(QueryError::PolygonTooLarge {
                    len: p.len(),
                    max: MAX_POLYGON_LEN,
                });
            }
        }
        Ok(())
    }

    /// The same request in one canonical form: wells sorted and de-duplicated (the result is ordered
    /// by well anyway); curves de-duplicated keeping the first occurrence, **order kept** (it is the
    /// column order of the result, e.g. a plot's track order — two orders are two different
    /// responses); filters sorted and de-duplicated (they are a conjunction); an all-open depth range
    /// dropped; `-0.0` written as `0.0`.
    pub fn normalized(&self) -> WellQuery {
        let mut wells = self.wells.clone();
        wells.sort();
        wells.dedup();
        let mut filters: Vec<Filter> = self
            .filters
            .iter()
            .map(|f| Filter {
                curve: f.curve.clone(),
                op: f.op,
                value: zero(f.value),
            })
            .collect();
        filters.sort_by(|a, b| {
            (&a.curve, a.op)
                .cmp(&(&b.curve, b.op))
                .then(a.value.total_cmp(&b.value))
        });
        filters.dedup();
        let depth = self
            .depth
            .filter(|d| d.min.is_some() || d.max.is_some())
            .map(|d| DepthRange {
                min: d.min.map(zero),
                max: d.max.map(zero),
            });
        WellQuery {
            wells,
            curves: self.distinct_curves(),
            depth,
            filters,
            polygon: self.polygon.clone(),
            max_points: self.max_points,
            limit: self.limit,
        }
    }

    /// The canonical bytes of [`WellQuery::normalized`]: requests that mean the same give the same
    /// bytes, any difference in meaning gives different bytes. This is the request part of the cache key.
    pub fn canonical(&self) -> Vec<u8> {
        let q = self.normalized();
        let mut c = Canon::new();
        c.tag("wells").u64(q.wells.len() as u64);
        for w in &q.wells {
            c.str(w.as_str());
        }
        c.tag("curves").u64(q.curves.len() as u64);
        for name in &q.curves {
            c.str(name);
        }
        c.tag("depth").opt(q.depth, |c, d| {
            c.opt(d.min, |c, v| {
                c.f64(v);
            })
            .opt(d.max, |c, v| {
                c.f64(v);
            });
        });
        c.tag("filters").u64(q.filters.len() as u64);
        for f in &q.filters {
            c.str(&f.curve).tag(f.op.name()).f64(f.value);
        }
        c.tag("polygon").opt(q.polygon.as_deref(), |c, p| {
            c.str(p);
        });
        c.tag("max_points").opt(q.max_points, |c, n| {
            c.u64(n as u64);
        });
        c.tag("limit").opt(q.limit, |c, n| {
            c.u64(n as u64);
        });
        c.into_bytes()
    }

    /// The query with its polygon replaced by the wells found inside it: those wells if the query named
    /// none, else the named wells that are inside. `None` when no well can match (answer with an empty
    /// result, do not plan: an empty `wells` would mean every well).
    pub fn with_polygon_wells(mut self, inside: impl IntoIterator<Item = WellId>) -> Option<WellQuery> {
        let mut inside: Vec<WellId> = inside.into_iter().collect();
        inside.sort();
        inside.dedup();
        if !self.wells.is_empty() {
            inside.retain(|w| self.wells.contains(w));
        }
        if inside.is_empty() {
            return None;
        }
        self.wells = inside;
        self.polygon = None;
        Some(self)
    }

    /// Refuses curves (asked for or filtered on) that `known` does not know, naming all of them;
    /// `depth` is always known. Use the project's curves catalog: the SQL engine would otherwise fail
    /// with a less readable message.
    pub fn check_curves(&self, known: impl Fn(&str) -> bool) -> Result<(), QueryError> {
        let mut names: Vec<String> = Vec::new();
        let asked = self.curves.iter().chain(self.filters.iter().map(|f| &f.curve));
        for name in asked {
            if name != DEPTH && !known(name) && !names.contains(name) {
                names.push(name.clone());
            }
        }
        if names.is_empty() {
            Ok(())
        } else {
            Err(QueryError::UnknownCurves { names })
        }
    }

    /// Parses a query string's decoded `(key, value)` pairs (axum's `Query<Vec<(String, String)>>`):
    ///
    /// - `wells` / `well`, `curves` / `curve`: comma-separated lists, and the key may repeat
    ///   (`curves=GR,RHOB&curves=NPHI`); a curve name containing a comma must go in a JSON body;
    /// - `depth_min`, `depth_max`: numbers;
    /// - `filter`: `CURVE OP VALUE` without spaces, e.g. `GR>50`, `RHOB<=2.3`, `NPHI!=0`; may repeat;
    /// - `polygon`: GeoJSON or WKT text;
    /// - `max_points`, `limit`: non-negative integers.
    ///
    /// Unknown keys are refused (a misspelt parameter would otherwise be silently ignored). The result
    /// is not validated: call [`WellQuery::validate`].
    pub fn from_query_pairs<'a, I>(pairs: I) -> Result<WellQuery, QueryError>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let mut q = WellQuery::default();
        let mut depth = DepthRange::default();
        for (key, value) in pairs {
            let param = |message: String| QueryError::Param {
                param: key.to_owned(),
                message,
            };
            match key {
                "wells" | "well" => {
                    for w in value.split(',').filter(|s| !s.is_empty()) {
                        q.wells.push(WellId::new(w).map_err(|e| param(e.to_string()))?);
                    }
                }
                "curves" | "curve" => q
                    .curves
                    .extend(value.split(',').filter(|s| !s.is_empty()).map(str::to_owned)),
                "depth_min" => depth.min = Some(parse_f64(value).map_err(param)?),
                "depth_max" => depth.max = Some(parse_f64(value).map_err(param)?),
                "filter" => q.filters.push(parse_filter(value).map_err(param)?),
                "polygon" => q.polygon = Some(value.to_owned()),
                "max_points" => q.max_points = Some(parse_usize(value).map_err(param)?),
                "limit" => q.limit = Some(parse_usize(value).map_err(param)?),
                _ => {
                    return Err(param(
                        "unknown parameter (known: wells, curves, depth_min, depth_max, filter, \
                         polygon, max_points, limit)"
                            .into(),
                    ));
                }
            }
        }
        if depth.min.is_some() || depth.max.is_some() {
            q.depth = Some(depth);
        }
        Ok(q)
    }

    /// The curves in request order without repeats.
    fn distinct_curves(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::with_capacity(self.curves.len());
        for c in &self.curves {
            if !out.contains(c) {
                out.push(c.clone());
            }
        }
        out
    }
}

/// The smallest `max_points` that decimation accepts for `curves` curves: two rows (minimum and maximum)
/// per curve per bucket, and one bucket at least; 1 with no curves.
pub fn min_max_points(curves: usize) -> usize {
    (2 * curves).max(1)
}

fn too_many(field: &'static str, count: usize, max: usize) -> Result<(), QueryError> {
    if count > max {
        Err(QueryError::TooMany { field, count, max })
    } else {
        Ok(())
    }
}

fn finite(field: &'static str, value: f64) -> Result<(), QueryError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(QueryError::NotFinite { field, value })
    }
}

fn check_curve_name(index: usize, name: &str) -> Result<(), QueryError> {
    if name.trim().is_empty() {
        return Err(QueryError::EmptyCurveName { index });
    }
    if name.len() > MAX_CURVE_NAME_LEN {
        return Err(QueryError::CurveNameTooLong {
            name: name.chars().take(40).collect::<String>() + "…",
            len: name.len(),
            max: MAX_CURVE_NAME_LEN,
        });
    }
    if let Some((position, _)) = name.char_indices().find(|(_, c)| c.is_control()) {
        return Err(QueryError::CurveNameControlChar {
            name: name.to_owned(),
            position,
        });
    }
    Ok(())
}

/// `0.0` for `-0.0`, anything else unchanged.
fn zero(v: f64) -> f64 {
    if v == 0.0 { 0.0 } else { v }
}

fn parse_f64(s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .map_err(|_| format!("{s:?} is not a number"))
}

fn parse_usize(s: &str) -> Result<usize, String> {
    s.trim()
        .parse::<usize>()
        .map_err(|_| format!("{s:?} is not a non-negative integer"))
}

/// `GR>50`: the operator is the last run of `<>=!` characters (a number has none of them), so a curve
/// name may itself contain them.
fn parse_filter(s: &str) -> Result<Filter, String> {
    let is_op = |c: char| matches!(c, '<' | '>' | '=' | '!');
    let shape = || format!("{s:?} is not CURVE OP VALUE (e.g. GR>50; OP one of < <= > >= = !=)");
    let end = s.rfind(is_op).ok_or_else(shape)? + 1;
    let start = s[..end]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_op(*c))
        .last()
        .map_or(end, |(i, _)| i);
    let (curve, op, value) = (&s[..start], &s[start..end], &s[end..]);
    let op = Cmp::parse(op).ok_or_else(shape)?;
    if curve.is_empty() {
        return Err(shape());
    }
    Ok(Filter {
        curve: curve.to_owned(),
        op,
        value: parse_f64(value)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> WellId {
        WellId::new(s).expect("well id")
    }

    #[test]
    fn filters_parse_from_the_right() {
        let f = parse_filter("GR>50").expect("filter");
        assert_eq!((f.curve.as_str(), f.op, f.value), ("GR", Cmp::Gt, 50.0));
        let f = parse_filter("A<B<=-1e-3").expect("filter");
        assert_eq!((f.curve.as_str(), f.op, f.value), ("A<B", Cmp::Le, -1e-3));
        let f = parse_filter("NPHI!=0").expect("filter");
        assert_eq!(f.op, Cmp::Ne);
        for bad in ["GR", ">5", "GR=>5", "GR>", "GR>x", "GR<<5"] {
            assert!(parse_filter(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn query_pairs() {
        let q = WellQuery::from_query_pairs([
            ("wells", "B,A"),
            ("well", "C"),
            ("curves", "GR,RHOB"),
            ("curve", "NPHI"),
            ("depth_min", "1000"),
            ("filter", "GR>=20"),
            ("max_points", "500"),
            ("limit", "10"),
        ])
        .expect("parse");
        assert_eq!(q.wells, [w("B"), w("A"), w("C")]);
        assert_eq!(q.curves, ["GR", "RHOB", "NPHI"]);
        assert_eq!(
            q.depth,
            Some(DepthRange {
                min: Some(1000.0),
                max: None
            })
        );
        assert_eq!((q.max_points, q.limit), (Some(500), Some(10)));
        let e = WellQuery::from_query_pairs([("curvs", "GR")]).expect_err("unknown key");
        assert_eq!(e.field(), "curvs");
        let e = WellQuery::from_query_pairs([("wells", "../x")]).expect_err("bad well");
        assert_eq!(e.field(), "wells");
        assert!(WellQuery::from_query_pairs([("limit", "-1")]).is_err());
    }

    #[test]
    fn with_polygon_wells() {
        let q = WellQuery {
            polygon: Some("POLYGON((0 0,1 0,1 1,0 0))".into()),
            ..WellQuery::default()
        };
        let r = q
            .clone()
            .with_polygon_wells([w("B"), w("A"), w("B")])
            .expect("wells");
        assert_eq!((r.wells, r.polygon), (vec![w("A"), w("B")], None));
        let named = WellQuery {
            wells: vec![w("A"), w("C")],
            ..q
        };
        let r = named.clone().with_polygon_wells([w("A"), w("B")]).expect("wells");
        assert_eq!(r.wells, [w("A")]);
        assert_eq!(named.with_polygon_wells([w("B")]), None);
    }
}
