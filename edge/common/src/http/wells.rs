//! The wells routes' answers computed from a project's catalogs — the same code on the native server and
//! the edge worker, so both give the same bodies: the list (filters, pages), one well, the curves of a
//! well, a polygon search. Input is checked before any catalog is read.

use mudrock_core::layout::WellId;
use mudrock_core::spatial::MultiPolygon;
use mudrock_shared::{
    BoundingBox, Curve, CurveList, ErrorCode, PolygonSearchRequest, PolygonSearchResponse, Well,
    WellListQuery, WellPage, WellRef,
};

use super::error::{ApiError, ApiResult};
use super::project_catalog::ProjectCatalog;
use crate::catalog::{CurveRow, WellRow};

pub const DEFAULT_PAGE: usize = 100;
pub const MAX_PAGE: usize = 10_000;

pub fn well(row: &WellRow) -> Well {
    Well {
        well_id: row.well_id.clone(),
        name: row.name.clone(),
        uwi: row.uwi.clone(),
        api: row.api.clone(),
        company: row.company.clone(),
        field: row.field.clone(),
        country: row.country.clone(),
        lat: row.lat,
        lon: row.lon,
        location_confidence: row.location_confidence.clone(),
        start: row.start,
        stop: row.stop,
        step: row.step,
        depth_unit: row.depth_unit.clone(),
        n_logs: row.n_logs,
        source_files: row.source_files.clone(),
    }
}

pub fn well_ref(row: &WellRow) -> WellRef {
    WellRef {
        well_id: row.well_id.clone(),
        name: row.name.clone(),
    }
}

pub fn curve(row: &CurveRow) -> Curve {
    Curve {
        log_id: row.log_id.clone(),
        mnemonic: row.mnemonic.clone(),
        unit: row.unit.clone(),
        family: row.family.clone(),
        description: row.description.clone(),
        min: row.min,
        max: row.max,
        null_count: row.null_count,
        rows: row.rows,
    }
}

/// Filters parsed once.
pub struct WellFilter {
    name: Option<String>,
    uwi: Option<String>,
    has_location: Option<bool>,
    bbox: Option<BoundingBox>,
}

impl WellFilter {
    fn new(q: &WellListQuery) -> ApiResult<Self> {
        let bbox = q
            .bbox
            .as_deref()
            .map(BoundingBox::parse)
            .transpose()
            .map_err(|e| ApiError::bad_request(e).with_detail("parameter", "bbox"))?;
        Ok(WellFilter {
            name: q.name.as_deref().map(str::to_lowercase),
            uwi: q.uwi.clone(),
            has_location: q.has_location,
            bbox,
        })
    }

    fn keeps(&self, w: &WellRow) -> bool {
        if let Some(name) = &self.name
            && !w.name.as_deref().is_some_and(|n| n.to_lowercase().contains(name))
        {
            return false;
        }
        if let Some(uwi) = &self.uwi
            && !(w.uwi.as_deref().is_some_and(|u| u.contains(uwi.as_str()))
                || w.api.as_deref().is_some_and(|a| a.contains(uwi.as_str())))
        {
            return false;
        }
        let location = w.lat.zip(w.lon);
        if let Some(has) = self.has_location
            && has != location.is_some()
        {
            return false;
        }
        if let Some(bbox) = &self.bbox
            && !location.is_some_and(|(lat, lon)| bbox.contains(lat, lon))
        {
            return false;
        }
        true
    }
}

/// A checked `GET /v1/projects/{project}/wells` request.
pub struct WellList {
    filter: WellFilter,
    offset: usize,
    limit: usize,
}

impl WellList {
    pub fn new(q: &WellListQuery) -> ApiResult<Self> {
        let filter = WellFilter::new(q)?;
        let limit = q.limit.unwrap_or(DEFAULT_PAGE);
        if limit == 0 || limit > MAX_PAGE {
            return Err(ApiError::bad_request(format!(
                "limit must be between 1 and {MAX_PAGE} (got {limit})"
            ))
            .with_detail("parameter", "limit"));
        }
        Ok(WellList {
            filter,
            offset: q.offset.unwrap_or(0),
            limit,
        })
    }

    /// The page of matching wells.
    pub fn page(&self, catalog: &ProjectCatalog) -> WellPage {
        let matching: Vec<&WellRow> = catalog
            .catalog
            .wells
            .iter()
            .filter(|w| self.filter.keeps(w))
            .collect();
        let total = matching.len();
        let (offset, limit) = (self.offset, self.limit);
        let wells: Vec<Well> = matching
            .iter()
            .skip(offset)
            .take(limit)
            .map(|w| well(w))
            .collect();
        let next_offset = (offset.saturating_add(limit) < total).then(|| offset + limit);
        WellPage {
            wells,
            total,
            offset,
            limit,
            next_offset,
        }
    }
}

/// One well (404 naming it when the project has no such well).
pub fn get(catalog: &ProjectCatalog, id: &WellId) -> ApiResult<Well> {
    Ok(well(catalog.well(id)?))
}

/// The well's curves (404 when the project has no such well).
pub fn curves(catalog: &ProjectCatalog, id: &WellId) -> ApiResult<CurveList> {
    catalog.well(id)?;
    Ok(CurveList {
        well_id: id.to_string(),
        curves: catalog.curves(id).map(curve).collect(),
    })
}

/// Largest polygon text accepted (a detailed outline has thousands of vertices; this is far above).
pub const MAX_POLYGON_BYTES: usize = 1 << 20;

/// A checked polygon search: the polygon's text (part of the cache key) and the area it encloses.
pub struct PolygonSearch {
    pub text: String,
    area: MultiPolygon,
}

impl PolygonSearch {
    pub fn new(request: &PolygonSearchRequest) -> ApiResult<Self> {
        let text = request.polygon.to_text();
        if text.len() > MAX_POLYGON_BYTES {
            return Err(ApiError::new(
                ErrorCode::InvalidPolygon,
                format!(
                    "the polygon is {} bytes; at most {MAX_POLYGON_BYTES} are accepted: simplify it",
                    text.len()
                ),
            ));
        }
        let area = mudrock_core::spatial::parse_area(&text).map_err(|e| {
            ApiError::new(
                ErrorCode::InvalidPolygon,
                format!(
                    "not a usable polygon: {e} (give WKT `POLYGON((lon lat, …))` or GeoJSON, longitude first)"
                ),
            )
            .with_detail("at", e.at.as_str())
        })?;
        Ok(PolygonSearch { text, area })
    }

    /// The wells inside the polygon (the boundary inside), and apart the wells with no location — which
    /// may or may not be inside, and are never guessed. The grid index tests only the wells in cells
    /// under the polygon.
    pub fn run(&self, catalog: &ProjectCatalog) -> ApiResult<PolygonSearchResponse> {
        let wells = &catalog.catalog.wells;
        let grid = catalog.grid()?;
        let mut inside_ids: Vec<usize> = grid.query(&self.area).into_iter().copied().collect();
        inside_ids.sort_unstable();
        let mut without: Vec<usize> = grid.unplaced().to_vec();
        without.sort_unstable();
        Ok(PolygonSearchResponse {
            inside: inside_ids
                .iter()
                .filter_map(|&i| wells.get(i))
                .map(well)
                .collect(),
            without_location: without
                .iter()
                .filter_map(|&i| wells.get(i))
                .map(well_ref)
                .collect(),
            wells_considered: wells.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use mudrock_core::cache::VersionSet;
    use mudrock_core::layout::ProjectId;

    use super::*;
    use crate::catalog::Catalog;

    fn row(id: &str, name: &str, location: Option<(f64, f64)>) -> WellRow {
        WellRow {
            name: Some(name.to_owned()),
            lat: location.map(|l| l.0),
            lon: location.map(|l| l.1),
            n_logs: 1,
            ..WellRow::bare(id)
        }
    }

    fn catalog() -> ProjectCatalog {
        let wells = vec![
            row("A", "Alpha 1", Some((40.0, -104.0))),
            row("B", "Beta 2", Some((58.0, 1.9))),
            row("C", "Alpha 3", None),
        ];
        let catalog = Catalog {
            wells,
            ..Catalog::default()
        };
        ProjectCatalog::new(ProjectId::new("p").unwrap(), Arc::new(catalog), VersionSet::new())
    }

    #[test]
    fn lists_filter_and_page() {
        let c = catalog();
        let q = |name: Option<&str>, limit: Option<usize>, offset: Option<usize>| WellListQuery {
            name: name.map(str::to_owned),
            limit,
            offset,
            ..WellListQuery::default()
        };
        let page = WellList::new(&q(Some("alpha"), None, None)).unwrap().page(&c);
        let ids: Vec<&str> = page.wells.iter().map(|w| w.well_id.as_str()).collect();
        assert_eq!((ids, page.total, page.next_offset), (vec!["A", "C"], 2, None));
        let page = WellList::new(&q(None, Some(2), Some(0))).unwrap().page(&c);
        assert_eq!((page.wells.len(), page.next_offset), (2, Some(2)));
        for bad in [Some(0), Some(MAX_PAGE + 1)] {
            let e = WellList::new(&q(None, bad, None)).err().unwrap();
            assert_eq!(e.code(), ErrorCode::BadRequest, "{bad:?}");
        }
    }

    #[test]
    fn polygon_search_keeps_unlocated_wells_apart() {
        let c = catalog();
        let request = PolygonSearchRequest {
            polygon: mudrock_shared::PolygonInput::Text(
                "POLYGON((-105 39, -103 39, -103 41, -105 41, -105 39))".into(),
            ),
        };
        let found = PolygonSearch::new(&request).unwrap().run(&c).unwrap();
        let inside: Vec<&str> = found.inside.iter().map(|w| w.well_id.as_str()).collect();
        let without: Vec<&str> = found
            .without_location
            .iter()
            .map(|w| w.well_id.as_str())
            .collect();
        assert_eq!(
            (inside, without, found.wells_considered),
            (vec!["A"], vec!["C"], 3)
        );
        let bad = PolygonSearchRequest {
            polygon: mudrock_shared::PolygonInput::Text("POLYGON((0 0, 1 1))".into()),
        };
        assert_eq!(
            PolygonSearch::new(&bad).err().unwrap().code(),
            ErrorCode::InvalidPolygon
        );
        assert_eq!(
            curves(&c, &WellId::new("Z").unwrap()).err().unwrap().code(),
            ErrorCode::NotFound
        );
    }
}
