//! The planner: a [`WellQuery`] becomes the SQL the engine runs and the bytes its cache key hashes.

use super::error::QueryError;
use super::sql::{float_literal, quote_ident, quote_str};
use super::well_query::WellQuery;
use super::{DEPTH_COLUMN, WELL_ID_COLUMN, WELL_LOGS_TABLE};
use crate::cache::{CacheKey, Canon, VersionSet};

/// What a well query becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryPlan {
    /// `SELECT "well_id", "depth", <curves> FROM "well_logs" [WHERE …] ORDER BY "well_id", "depth"
    /// [LIMIT n]`.
    pub sql: String,
    /// [`WellQuery::canonical`] of the planned query.
    pub key_material: Vec<u8>,
    /// The curve columns of the result after `well_id` and `depth`, in order.
    pub curves: Vec<String>,
    /// Decimate the SQL result to this many rows per well ([`super::decimate_batch`]).
    pub max_points: Option<usize>,
}

impl QueryPlan {
    /// The [`CacheKey`] domain of well query responses.
    pub const KEY_DOMAIN: &'static str = "well_query";

    /// The key of one representation of the result (`representation` names everything besides the
    /// query that shapes the response bytes — the media type from `Accept`, at least) given the
    /// versions the query read.
    pub fn cache_key(&self, representation: &str, versions: &VersionSet) -> CacheKey {
        let mut request = Canon::new();
        request.bytes(&self.key_material).str(representation);
        CacheKey::new(Self::KEY_DOMAIN, &request.into_bytes(), versions)
    }
}

/// Plans a query: validates it, normalises it ([`WellQuery::normalized`]) and writes its SQL.
///
/// Every value from the request reaches the SQL only through [`quote_ident`] (curve names),
/// [`quote_str`] (well ids) or [`float_literal`] (numbers), so no input can change the statement's
/// shape. Conditions, in this order: `"well_id" IN (…)` when wells are named, the depth window
/// (`BETWEEN` when both bounds are given, else `>=` or `<=`), then each filter.
pub fn plan(query: &WellQuery) -> Result<QueryPlan, QueryError> {
    query.validate()?;
    if query.polygon.is_some() {
        return Err(QueryError::PolygonNotResolved);
    }
    let q = query.normalized();
    let float =
        |field: &'static str, v: f64| float_literal(v).ok_or(QueryError::NotFinite { field, value: v });

    let mut columns = vec![quote_ident(WELL_ID_COLUMN), quote_ident(DEPTH_COLUMN)];
    columns.extend(q.curves.iter().map(|c| quote_ident(c)));
    let mut sql = format!(
        "SELECT {} FROM {}",
        columns.join(", "),
        quote_ident(WELL_LOGS_TABLE)
    );

    let mut conditions: Vec<String> = Vec::new();
    if !q.wells.is_empty() {
        let ids: Vec<String> = q.wells.iter().map(|w| quote_str(w.as_str())).collect();
        conditions.push(format!("{} IN ({})", quote_ident(WELL_ID_COLUMN), ids.join(", ")));
    }
    if let Some(d) = q.depth {
        let depth = quote_ident(DEPTH_COLUMN);
        match (d.min, d.max) {
            (Some(min), Some(max)) => conditions.push(format!(
                "{depth} BETWEEN {} AND {}",
                float("depth", min)?,
                float("depth", max)?
            )),
            (Some(min), None) => conditions.push(format!("{depth} >= {}", float("depth", min)?)),
            (None, Some(max)) => conditions.push(format!("{depth} <= {}", float("depth", max)?)),
            (None, None) => {}
        }
    }
    for f in &q.filters {
        conditions.push(format!(
            "{} {} {}",
            quote_ident(&f.curve),
            f.op.sql(),
            float("filters", f.value)?
        ));
    }
    if !conditions.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conditions.join(" AND "));
    }
    sql.push_str(&format!(
        " ORDER BY {}, {}",
        quote_ident(WELL_ID_COLUMN),
        quote_ident(DEPTH_COLUMN)
    ));
    if let Some(limit) = q.limit {
        sql.push_str(&format!(" LIMIT {limit}"));
    }

    Ok(QueryPlan {
        sql,
        key_material: q.canonical(),
        curves: q.curves,
        max_points: q.max_points,
    })
}
