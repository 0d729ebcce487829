//! The `well_logs` table: every log object of a project as one table.
//!
//! The objects are not laid out hive-style (`wells/{well}/logs/{log}.parquet`), so the file list comes
//! from the logs catalog, and `well_id` / `log_id` are attached to each file as partition values. The
//! table's columns are `well_id`, `log_id`, then the union of the logs' columns (`depth` first): a curve a
//! log does not have reads as null there (DataFusion's schema adaptation fills it).
//!
//! Filters on `well_id` / `log_id` are evaluated here, against the partition values, before any object is
//! opened (they are `Exact`: DataFusion does not filter again). Every other filter goes to the Parquet
//! reader, which prunes row groups by statistics and pages by the page index (`depth` ranges).
//!
//! A column with different types in different logs (a curve that is text in one file and numbers in
//! another) is left out of the table and reported when a query names it; the rest of the table works.

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, RecordBatch, StringArray};
use datafusion::arrow::compute::and_kleene;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Schema, SchemaRef};
use datafusion::catalog::Session;
use datafusion::common::tree_node::{Transformed, TransformedResult, TreeNode};
use datafusion::common::{Column, DFSchema, DataFusionError, Result as DfResult, ScalarValue};
use datafusion::datasource::file_format::FileFormat;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::PartitionedFile;
use datafusion::datasource::listing::helpers::expr_applicable_for_cols;
use datafusion::datasource::physical_plan::parquet::metadata::DFParquetMetadata;
use datafusion::datasource::physical_plan::{FileGroup, FileScanConfigBuilder};
use datafusion::datasource::table_schema::TableSchema;
use datafusion::datasource::{TableProvider, TableType};
use datafusion::execution::cache::cache_manager::FileMetadataCache;
use datafusion::execution::object_store::ObjectStoreUrl;
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::empty::EmptyExec;
use futures::StreamExt;
use mudrock_core::arrow::{DEPTH_COLUMN, TIME_COLUMN};
use mudrock_core::layout::{Layout, LogId, ProjectId, WellId};
use object_store::path::Path as StorePath;
use object_store::{ObjectMeta, ObjectStore, ObjectStoreExt};

use mudrock_common::error::{Error, ErrorKind};

pub(crate) const WELL_ID: &str = "well_id";
pub(crate) const LOG_ID: &str = "log_id";
const PARTITION_COLUMNS: [&str; 2] = [WELL_ID, LOG_ID];

/// A log object whose footer has been read: where it is, its size and time (for the footer cache),
/// and its Arrow schema.
#[derive(Debug)]
pub(crate) struct LogObject {
    pub meta: ObjectMeta,
    pub schema: SchemaRef,
}

/// One entry of the table: a log that can be read, or one that cannot (and why), so that a query that
/// needs it fails clearly while queries on other wells still work.
#[derive(Debug, Clone)]
enum Entry {
    Ready(Arc<LogObject>),
    Broken { path: String, why: String },
}

/// Log objects already read, by path. Log paths are content-addressed (the log id is derived from the
/// source file's hash), so an entry never goes stale; it is dropped when its log leaves the catalog.
pub(crate) type LogObjectCache = HashMap<String, Arc<LogObject>>;

#[derive(Debug)]
pub(crate) struct WellLogsTable {
    url: ObjectStoreUrl,
    /// `well_id`, `log_id`, then the file columns.
    schema: SchemaRef,
    /// The union of the logs' columns, as the Parquet reader sees the table.
    file_schema: SchemaRef,
    entries: Vec<Entry>,
    /// `well_id` and `log_id` of every entry, in entry order: what partition filters are evaluated on.
    partitions: RecordBatch,
    /// Columns left out, with the explanation a query naming them gets.
    conflicts: Vec<(String, String)>,
}

/// Reads the footers it does not know yet and builds the table.
pub(crate) struct WellLogsBuilder<'a> {
    pub project: &'a ProjectId,
    pub layout: &'a Layout,
    pub store: Arc<dyn ObjectStore>,
    pub url: ObjectStoreUrl,
    pub metadata_cache: Arc<dyn FileMetadataCache>,
    pub concurrency: usize,
}

impl WellLogsBuilder<'_> {
    /// `logs` are the (well id, log id) pairs of the logs catalog; `known` the objects read before.
    /// Returns the table and the objects it now knows (the next `known`).
    pub(crate) async fn build(
        &self,
        logs: &[(String, String)],
        known: &LogObjectCache,
    ) -> DfResult<(WellLogsTable, LogObjectCache)> {
        // Collected first: a stream over a borrowing closure's futures is not provably `Send` to callers
        // that box this future (the compiler's higher-ranked lifetime check).
        let mut lookups = Vec::with_capacity(logs.len());
        for (well, log) in logs {
            lookups.push(self.entry(well, log, known));
        }
        let entries: Vec<Entry> = futures::stream::iter(lookups)
            .buffered(self.concurrency.max(1))
            .collect()
            .await;

        let mut next_known = LogObjectCache::new();
        let mut files = Vec::new();
        for ((well, _), entry) in logs.iter().zip(&entries) {
            if let Entry::Ready(object) = entry {
                next_known.insert(object.meta.location.to_string(), Arc::clone(object));
                files.push((well.as_str(), object.schema.as_ref()));
            }
        }
        let (file_schema, conflicts) = merge_schemas(&files);

        let mut fields: Vec<FieldRef> = partition_fields();
        fields.extend(file_schema.fields().iter().cloned());
        let schema = Arc::new(Schema::new(fields));

        let wells: StringArray = logs.iter().map(|(w, _)| Some(w.as_str())).collect();
        let log_ids: StringArray = logs.iter().map(|(_, l)| Some(l.as_str())).collect();
        let partitions = RecordBatch::try_new(
            partition_schema(),
            vec![Arc::new(wells) as ArrayRef, Arc::new(log_ids) as ArrayRef],
        )?;
        let table = WellLogsTable {
            url: self.url.clone(),
            schema,
            file_schema,
            entries,
            partitions,
            conflicts,
        };
        Ok((table, next_known))
    }

    async fn entry(&self, well: &str, log: &str, known: &LogObjectCache) -> Entry {
        let path = match (WellId::new(well), LogId::new(log)) {
            (Ok(w), Ok(l)) => self.layout.well_log(self.project, &w, &l),
            (Err(e), _) | (_, Err(e)) => {
                return Entry::Broken {
                    path: format!("wells/{well}/logs/{log}.parquet"),
                    why: format!("the logs catalog names an invalid id ({e})"),
                };
            }
        };
        if let Some(object) = known.get(&path) {
            return Entry::Ready(Arc::clone(object));
        }
        match self.read_object(&path).await {
            Ok(object) => Entry::Ready(Arc::new(object)),
            Err(e) => Entry::Broken {
                why: match e {
                    DataFusionError::ObjectStore(ref inner)
                        if matches!(**inner, object_store::Error::NotFound { .. }) =>
                    {
                        "the object is missing from storage".to_owned()
                    }
                    other => format!("its Parquet footer cannot be read: {}", other.message()),
                },
                path,
            },
        }
    }

    async fn read_object(&self, path: &str) -> DfResult<LogObject> {
        let meta = self.store.head(&StorePath::from(path)).await?;
        // Through the session's footer cache: the first scan of this object finds its footer there.
        let schema = DFParquetMetadata::new(self.store.as_ref(), &meta)
            .with_file_metadata_cache(Some(Arc::clone(&self.metadata_cache)))
            .fetch_schema()
            .await?;
        Ok(LogObject {
            meta,
            schema: Arc::new(schema),
        })
    }
}

fn partition_fields() -> Vec<FieldRef> {
    PARTITION_COLUMNS
        .iter()
        .map(|name| Arc::new(Field::new(*name, DataType::Utf8, false)))
        .collect()
}

fn partition_schema() -> SchemaRef {
    Arc::new(Schema::new(partition_fields()))
}

/// The union of the files' columns: the index columns first (`depth`, `time`), the rest in the order
/// they first appear; every column nullable (a log without the curve reads null), field metadata dropped
/// (units and descriptions differ per log; the curves catalog has them). Columns named like a partition
/// column are left out (the partition value wins). A column whose type differs between files is left
/// out and explained.
fn merge_schemas(files: &[(&str, &Schema)]) -> (SchemaRef, Vec<(String, String)>) {
    // name → (type, first well that had it)
    let mut seen: HashMap<&str, (&DataType, &str)> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    let mut conflicts: Vec<(String, String)> = Vec::new();
    for (well, schema) in files {
        for field in schema.fields() {
            let name = field.name().as_str();
            if PARTITION_COLUMNS.contains(&name) {
                continue;
            }
            match seen.get(name) {
                None => {
                    seen.insert(name, (field.data_type(), well));
                    order.push(name);
                }
                Some((data_type, first_well)) if *data_type != field.data_type() => {
                    if !conflicts.iter().any(|(c, _)| c == name) {
                        conflicts.push((
                            name.to_owned(),
                            format!(
                                "`{name}` is {data_type} in well `{first_well}` but {} in well `{well}`, so \
                                 well_logs leaves it out; query one of those wells' logs at a time",
                                field.data_type()
                            ),
                        ));
                    }
                }
                Some(_) => {}
            }
        }
    }
    let rank = |name: &str| match name {
        DEPTH_COLUMN => 0,
        TIME_COLUMN => 1,
        _ => 2,
    };
    // Stable: the rest keep first-seen order.
    order.sort_by_key(|name| rank(name));
    let fields: Vec<Field> = order
        .into_iter()
        .filter(|name| !conflicts.iter().any(|(c, _)| c == name))
        .map(|name| Field::new(name, seen[name].0.clone(), true))
        .collect();
    (Arc::new(Schema::new(fields)), conflicts)
}

impl WellLogsTable {
    pub(crate) fn conflicts(&self) -> &[(String, String)] {
        &self.conflicts
    }

    /// Whether every log the table lists could be read (a table with a missing object is not kept:
    /// the object may be put back).
    pub(crate) fn all_readable(&self) -> bool {
        self.entries.iter().all(|e| matches!(e, Entry::Ready(_)))
    }

    /// How many logs the table lists (readable or not).
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The entries whose partition values pass every partition filter.
    fn prune(&self, state: &dyn Session, filters: &[Expr]) -> DfResult<Vec<usize>> {
        let rows = self.partitions.num_rows();
        if filters.is_empty() {
            return Ok((0..rows).collect());
        }
        let df_schema = DFSchema::try_from(self.partitions.schema().as_ref().clone())?;
        let mut keep: Option<BooleanArray> = None;
        for filter in filters {
            // The scan's filters name columns as `well_logs.well_id`; the partition batch has no qualifier.
            let filter = filter
                .clone()
                .transform_up(|e| match e {
                    Expr::Column(c) => Ok(Transformed::yes(Expr::Column(Column::new_unqualified(c.name)))),
                    other => Ok(Transformed::no(other)),
                })
                .data()?;
            let predicate = state.create_physical_expr(filter, &df_schema)?;
            let result = predicate.evaluate(&self.partitions)?.into_array(rows)?;
            let mask = result
                .as_boolean_opt()
                .ok_or_else(|| DataFusionError::Internal("a partition filter is not boolean".into()))?
                .clone();
            keep = Some(match keep {
                None => mask,
                Some(previous) => and_kleene(&previous, &mask)?,
            });
        }
        Ok(match keep {
            None => (0..rows).collect(),
            Some(mask) => (0..rows).filter(|&i| mask.is_valid(i) && mask.value(i)).collect(),
        })
    }

    /// The scan's projection in the Parquet source's column order (file columns, then `well_id`,
    /// `log_id`), from this table's order (`well_id`, `log_id`, then file columns).
    fn source_projection(&self, projection: Option<&Vec<usize>>) -> Vec<usize> {
        let files = self.file_schema.fields().len();
        let to_source = |i: usize| {
            if i < PARTITION_COLUMNS.len() {
                files + i
            } else {
                i - PARTITION_COLUMNS.len()
            }
        };
        match projection {
            Some(p) => p.iter().map(|&i| to_source(i)).collect(),
            None => (0..self.schema.fields().len()).map(to_source).collect(),
        }
    }
}

#[async_trait]
impl TableProvider for WellLogsTable {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    fn supports_filters_pushdown(&self, filters: &[&Expr]) -> DfResult<Vec<TableProviderFilterPushDown>> {
        Ok(filters
            .iter()
            .map(|f| {
                if expr_applicable_for_cols(&PARTITION_COLUMNS, f) {
                    TableProviderFilterPushDown::Exact
                } else {
                    TableProviderFilterPushDown::Inexact
                }
            })
            .collect())
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        let partition_filters: Vec<Expr> = filters
            .iter()
            .filter(|f| expr_applicable_for_cols(&PARTITION_COLUMNS, f))
            .cloned()
            .collect();
        let mut files = Vec::new();
        for i in self.prune(state, &partition_filters)? {
            match &self.entries[i] {
                Entry::Ready(object) => {
                    let well = self.partitions.column(0).as_string::<i32>().value(i);
                    let log = self.partitions.column(1).as_string::<i32>().value(i);
                    files.push(
                        PartitionedFile::new_from_meta(object.meta.clone()).with_partition_values(vec![
                            ScalarValue::Utf8(Some(well.to_owned())),
                            ScalarValue::Utf8(Some(log.to_owned())),
                        ]),
                    );
                }
                Entry::Broken { path, why } => {
                    let err = Error::new(
                        ErrorKind::NotFound,
                        format!(
                            "the log object `{path}` cannot be read: {why}; ingest the well's LAS file again"
                        ),
                    )
                    .with_context("path", path);
                    return Err(DataFusionError::External(Box::new(err)));
                }
            }
        }
        let projection = self.source_projection(projection);
        if files.is_empty() {
            let file_columns = self.file_schema.fields().len();
            let partition = partition_fields();
            let fields: Vec<FieldRef> = projection
                .iter()
                .map(|&i| {
                    if i < file_columns {
                        Arc::clone(&self.file_schema.fields()[i])
                    } else {
                        Arc::clone(&partition[i - file_columns])
                    }
                })
                .collect();
            return Ok(Arc::new(EmptyExec::new(Arc::new(Schema::new(fields)))));
        }

        let groups = state.config().target_partitions().clamp(1, files.len());
        let file_groups = FileGroup::new(files).split_files(groups);
        let format = ParquetFormat::default().with_options(state.table_options().parquet.clone());
        let source = format.file_source(TableSchema::new(
            Arc::clone(&self.file_schema),
            partition_fields(),
        ));
        let config = FileScanConfigBuilder::new(self.url.clone(), source)
            .with_file_groups(file_groups)
            .with_projection_indices(Some(projection))?
            .with_limit(limit)
            .build();
        format.create_physical_plan(state, config).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_merge_by_name_with_the_index_first() {
        let a = Schema::new(vec![
            Field::new("GR", DataType::Float64, true),
            Field::new("depth", DataType::Float64, false),
            Field::new("well_id", DataType::Utf8, true),
        ]);
        let b = Schema::new(vec![
            Field::new("depth", DataType::Float64, false),
            Field::new("RHOB", DataType::Float64, true),
            Field::new("GR", DataType::Float64, true),
        ]);
        let (merged, conflicts) = merge_schemas(&[("W1", &a), ("W2", &b)]);
        let names: Vec<&str> = merged.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, ["depth", "GR", "RHOB"]);
        assert!(merged.fields().iter().all(|f| f.is_nullable()));
        assert!(conflicts.is_empty());
    }

    #[test]
    fn a_type_conflict_leaves_the_column_out_and_says_why() {
        let a = Schema::new(vec![
            Field::new("depth", DataType::Float64, false),
            Field::new("LITH", DataType::Float64, true),
        ]);
        let b = Schema::new(vec![
            Field::new("depth", DataType::Float64, false),
            Field::new("LITH", DataType::Utf8, true),
        ]);
        let (merged, conflicts) = merge_schemas(&[("W1", &a), ("W2", &b)]);
        assert_eq!(merged.fields().len(), 1);
        assert_eq!(conflicts.len(), 1);
        assert!(
            conflicts[0]
                .1
                .contains("Float64 in well `W1` but Utf8 in well `W2`"),
            "{}",
            conflicts[0].1
        );
    }
}
