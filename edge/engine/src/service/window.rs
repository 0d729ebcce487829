//! The log window — the plotting path: a depth window of chosen curves of one well, in one answer format.
//!
//! The request becomes a `mudrock_core::query::WellQuery`, planned by core into SQL and a cache key; the
//! engine runs the SQL; with `max_points` the rows are decimated by core's min/max rule (spikes survive).
//! Curves are checked against the curves catalog first (an unknown one is refused naming it and listing
//! the well's curves). Without curves, every curve of the well is returned.
//!
//! Planning ([`Project::plan_window`]) reads only the catalogs, so the key of the answer — the planned
//! query, the format and the row limit, with the versions of the catalog objects, which list every log
//! object, content-addressed — is known before anything runs (the server answers `If-None-Match` with
//! it). Running ([`PlannedWindow::run`]) keeps the encoded answer in L1 under that key, one computation
//! per key under concurrent misses, and the query result under a format-free key in L3 (on the object
//! store), so a restart or another format does not run the SQL again.
//!
//! A window with more rows than the row limit is refused rather than cut: a plot of part of a window
//! would be silently wrong. Narrow the depth range or the curves.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::RecordBatch;
use bytes::Bytes;
use mudrock_core::arrow::{FIELD_DESCRIPTION, FIELD_UNIT, index_column_name};
use mudrock_core::cache::{CacheKey, VersionSet};
use mudrock_core::layout::WellId;
use mudrock_core::query::{DepthRange, QueryError, QueryPlan, WellQuery, plan};

use super::{Project, ProjectCatalog};
use crate::cache::{CacheWeight, L1Kind, ResultBatches};
use crate::encode::{Format, encode_all};
use crate::query::SqlOptions;
use mudrock_common::catalog::CurveRow;
use mudrock_common::error::{Error, ErrorKind, Result};

/// A log window as a client asks for it.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowRequest {
    pub well: WellId,
    /// The curves to return; empty: every curve of the well.
    pub curves: Vec<String>,
    pub depth_min: Option<f64>,
    pub depth_max: Option<f64>,
    /// Decimate to at most this many rows (min/max per bucket).
    pub max_points: Option<usize>,
    pub format: Format,
}

/// Why a window cannot be planned: the request itself ([`WindowError::Invalid`], with the well's
/// curves when one asked for is unknown), or anything else.
#[derive(Debug)]
pub enum WindowError {
    Invalid {
        error: QueryError,
        /// The well's curves, when the error is an unknown curve.
        available: Option<Vec<String>>,
    },
    Failed(Error),
}

impl From<Error> for WindowError {
    fn from(err: Error) -> Self {
        WindowError::Failed(err)
    }
}

impl From<QueryError> for WindowError {
    fn from(error: QueryError) -> Self {
        if error.is_input_error() {
            WindowError::Invalid {
                error,
                available: None,
            }
        } else {
            WindowError::Failed(Error::from(error))
        }
    }
}

/// An encoded log window, as kept in L1.
pub struct EncodedWindow {
    pub body: Bytes,
    pub rows: usize,
    pub decimated: bool,
}

impl CacheWeight for EncodedWindow {
    fn cache_weight(&self) -> usize {
        self.body.len()
    }
}

/// A window planned against the catalogs' current versions, not run yet.
pub struct PlannedWindow {
    project: Project,
    planned: QueryPlan,
    format: Format,
    versions: VersionSet,
    key: CacheKey,
    /// Each column's unit and description, from the well's curves catalog: the answer's Arrow fields
    /// carry them (`mudrock.unit`, `mudrock.description`) for clients that read Arrow or Parquet.
    described: Arc<HashMap<String, (String, String)>>,
}

impl PlannedWindow {
    /// The answer's key (the server's ETag); `None` when the versions cannot prove a change (the
    /// memory backend): then nothing is cached.
    pub fn key(&self) -> Option<&CacheKey> {
        self.cacheable().then_some(&self.key)
    }

    fn cacheable(&self) -> bool {
        self.versions.is_verifiable()
    }

    /// Runs the window (or finds it in L1, or its rows in L3) and encodes it.
    pub async fn run(self) -> Result<Arc<EncodedWindow>> {
        let service = self.project.service().clone();
        let cacheable = self.cacheable();
        let row_limit = service.limits().row_limit;
        let load = async {
            let compute = self.compute();
            // The rows go to L3 (kept across restarts, shared by the formats), not to L1: L1 holds the
            // encoded answers, so its budget is not spent twice on every window.
            let result = match service.caches().l3().filter(|_| cacheable) {
                Some(l3) => {
                    let result_key = self
                        .planned
                        .cache_key(&format!("batches;limit={row_limit}"), &self.versions);
                    l3.get_or_try_load(self.project.id(), &result_key, compute)
                        .await?
                }
                None => compute.await?,
            };
            encode_window(
                self.format,
                &with_descriptions(&result, &self.described)?,
                self.planned.max_points,
            )
        };
        if cacheable {
            service
                .caches()
                .l1()
                .get_or_try_load(L1Kind::Response, &self.key, load)
                .await
        } else {
            load.await.map(Arc::new)
        }
    }

    /// Runs the window's SQL within the time limit and the row limit.
    async fn compute(&self) -> Result<ResultBatches> {
        let row_limit = self.project.service().limits().row_limit;
        let options = SqlOptions {
            row_limit: Some(usize::try_from(row_limit).unwrap_or(usize::MAX)),
            timeout: Some(self.project.service().limits().query_timeout),
            as_of: None,
        };
        let result = self
            .project
            .sql_collect(self.planned.sql.clone(), options)
            .await?;
        if result.truncated {
            let message = format!(
                "the window holds more than {row_limit} rows, this server's row limit: narrow the depth range"
            );
            return Err(Error::new(ErrorKind::InvalidInput, message));
        }
        Ok(ResultBatches::new(result.schema, result.batches))
    }
}

impl Project {
    /// Checks `request` against the project's catalogs and plans it; nothing runs yet.
    pub async fn plan_window(
        &self,
        request: WindowRequest,
    ) -> std::result::Result<PlannedWindow, WindowError> {
        let limits = self.service().limits();
        if let Some(n) = request.max_points
            && n > limits.max_points
        {
            return Err(WindowError::Invalid {
                error: QueryError::Param {
                    param: "max_points".to_owned(),
                    message: format!(
                        "{n} asked; this server decimates to at most {}",
                        limits.max_points
                    ),
                },
                available: None,
            });
        }
        let versions = self.existing_versions().await?;
        let catalog = self.catalog_at(versions.clone()).await?;
        catalog.well(&request.well)?;
        let known = data_curves(&catalog, &request.well);
        let curves = if request.curves.is_empty() {
            known.iter().map(|c| (*c).to_owned()).collect()
        } else {
            request.curves
        };
        let query = WellQuery {
            wells: vec![request.well.clone()],
            curves,
            depth: (request.depth_min.is_some() || request.depth_max.is_some()).then_some(DepthRange {
                min: request.depth_min,
                max: request.depth_max,
            }),
            max_points: request.max_points,
            ..WellQuery::default()
        };
        query.validate()?;
        query
            .check_curves(|c| known.contains(&c))
            .map_err(|error| WindowError::Invalid {
                error,
                available: Some(known.iter().map(|c| (*c).to_owned()).collect()),
            })?;
        let planned = plan(&query)?;
        let row_limit = limits.row_limit;
        let key = planned.cache_key(&format!("{};limit={row_limit}", request.format.name()), &versions);
        let described = Arc::new(curve_descriptions(&catalog, &request.well));
        Ok(PlannedWindow {
            project: self.clone(),
            planned,
            format: request.format,
            versions,
            key,
            described,
        })
    }
}

/// The well's curves in catalog order, each with its column in `well_logs`: every log's first curve is its
/// index, stored as `depth` (or `time`); the others keep their names.
fn well_columns<'a>(catalog: &'a ProjectCatalog, well: &WellId) -> Vec<(&'a str, &'a CurveRow, bool)> {
    let mut log: Option<&str> = None;
    catalog
        .curves(well)
        .map(|c| {
            let index = log != Some(c.log_id.as_str());
            log = Some(c.log_id.as_str());
            let column = if index {
                index_column_name(&c.mnemonic)
            } else {
                c.mnemonic.as_str()
            };
            (column, c, index)
        })
        .collect()
}

/// The well's curve columns as `well_logs` names them: every log's curves but its index, in catalog
/// order, each name once.
fn data_curves<'a>(catalog: &'a ProjectCatalog, well: &WellId) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for (column, _, index) in well_columns(catalog, well) {
        if !index && !out.contains(&column) {
            out.push(column);
        }
    }
    out
}

/// Unit and description of each column of the well, index columns included (the first log's, where logs
/// differ).
fn curve_descriptions(catalog: &ProjectCatalog, well: &WellId) -> HashMap<String, (String, String)> {
    let mut out = HashMap::new();
    for (column, c, _) in well_columns(catalog, well) {
        out.entry(column.to_owned())
            .or_insert_with(|| (c.unit.trim().to_owned(), c.description.trim().to_owned()));
    }
    out
}

/// `result` with each field's unit and description in its Arrow metadata.
fn with_descriptions(
    result: &ResultBatches,
    curves: &HashMap<String, (String, String)>,
) -> Result<ResultBatches> {
    let fields: Vec<arrow_schema::Field> = result
        .schema
        .fields()
        .iter()
        .map(|f| {
            let mut field = f.as_ref().clone();
            if let Some((unit, description)) = curves.get(f.name()) {
                let mut metadata = f.metadata().clone();
                metadata.insert(FIELD_UNIT.to_owned(), unit.clone());
                metadata.insert(FIELD_DESCRIPTION.to_owned(), description.clone());
                field = field.with_metadata(metadata);
            }
            field
        })
        .collect();
    let schema = Arc::new(arrow_schema::Schema::new_with_metadata(
        fields,
        result.schema.metadata().clone(),
    ));
    let batches = result
        .batches
        .iter()
        .map(|b| RecordBatch::try_new(schema.clone(), b.columns().to_vec()))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| {
            Error::new(ErrorKind::Unexpected, "cannot describe the window's columns").with_source(e)
        })?;
    Ok(ResultBatches::new(schema, batches))
}

fn encode_window(format: Format, result: &ResultBatches, max_points: Option<usize>) -> Result<EncodedWindow> {
    let (batches, decimated): (Vec<RecordBatch>, bool) = match max_points {
        Some(n) if result.num_rows() > n => {
            let batch =
                mudrock_core::query::decimate_batches(&result.schema, &result.batches, n).map_err(|e| {
                    Error::new(ErrorKind::Unexpected, "cannot decimate the window").with_source(e)
                })?;
            (vec![batch], true)
        }
        _ => (result.batches.clone(), false),
    };
    let rows = batches.iter().map(RecordBatch::num_rows).sum();
    let body = encode_all(format, &result.schema, &batches, false)?;
    Ok(EncodedWindow {
        body,
        rows,
        decimated,
    })
}
