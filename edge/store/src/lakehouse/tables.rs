//! The tables of a project's namespace and their starting schemas.
//!
//! | table | one row per | partitioned by |
//! |---|---|---|
//! | `well_logs` | sample: `well_id`, `log_id`, `grid_cell`, `depth`, then one column per curve (added as new curves arrive) | `grid_cell` (the well's 1 km cell), `well_id` |
//! | `wells` | well, from the header of its first ingested log | — |
//! | `logs` | ingested log: its source file, size, rows, depth range, and its well as its header describes it (committed last: a log listed here is whole in the other tables) | — |
//! | `curves` | curve of each log | — |
//! | `tops` | formation top of a well (each write of a well's tops appends its picks) | — |

use std::sync::Arc;

use iceberg::NamespaceIdent;
use iceberg::spec::{NestedField, PrimitiveType, Schema, Transform, Type, UnboundPartitionSpec};
use mudrock_core::layout::ProjectId;

use crate::error::{Error, ErrorKind, Result};

/// A table of a project's namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LakeTable {
    WellLogs,
    Wells,
    Logs,
    Curves,
    Tops,
}

impl LakeTable {
    pub const ALL: [LakeTable; 5] = [
        LakeTable::WellLogs,
        LakeTable::Wells,
        LakeTable::Logs,
        LakeTable::Curves,
        LakeTable::Tops,
    ];

    /// The table's name in the namespace and in SQL.
    pub fn name(self) -> &'static str {
        match self {
            LakeTable::WellLogs => "well_logs",
            LakeTable::Wells => "wells",
            LakeTable::Logs => "logs",
            LakeTable::Curves => "curves",
            LakeTable::Tops => "tops",
        }
    }

    pub fn parse(name: &str) -> Option<LakeTable> {
        LakeTable::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The schema a new table starts with (`well_logs` grows a column per new curve).
    pub fn initial_schema(self) -> Result<Schema> {
        let fields = match self {
            LakeTable::WellLogs => vec![
                required(1, WELL_ID, PrimitiveType::String),
                required(2, LOG_ID, PrimitiveType::String),
                optional(3, GRID_CELL, PrimitiveType::Long),
                optional(4, "depth", PrimitiveType::Double),
            ],
            LakeTable::Wells => vec![
                required(1, WELL_ID, PrimitiveType::String),
                optional(2, "name", PrimitiveType::String),
                optional(3, "uwi", PrimitiveType::String),
                optional(4, "api", PrimitiveType::String),
                optional(5, "company", PrimitiveType::String),
                optional(6, "field", PrimitiveType::String),
                optional(7, "country", PrimitiveType::String),
                optional(8, "lat", PrimitiveType::Double),
                optional(9, "lon", PrimitiveType::Double),
                optional(10, "location_confidence", PrimitiveType::String),
                optional(11, GRID_CELL, PrimitiveType::Long),
                optional(12, "start", PrimitiveType::Double),
                optional(13, "stop", PrimitiveType::Double),
                optional(14, "step", PrimitiveType::Double),
                optional(15, "depth_unit", PrimitiveType::String),
            ],
            LakeTable::Logs => vec![
                required(1, WELL_ID, PrimitiveType::String),
                required(2, LOG_ID, PrimitiveType::String),
                optional(3, "data_set", PrimitiveType::String),
                optional(4, "source_file", PrimitiveType::String),
                required(5, "sha256", PrimitiveType::String),
                optional(6, "rows", PrimitiveType::Long),
                optional(7, "curves", PrimitiveType::Long),
                optional(8, "start", PrimitiveType::Double),
                optional(9, "stop", PrimitiveType::Double),
                optional(10, "step", PrimitiveType::Double),
                optional(11, "depth_unit", PrimitiveType::String),
                optional(12, "bytes", PrimitiveType::Long),
                optional(13, "ingested_at_ms", PrimitiveType::Long),
                // The well as this log's header describes it (the wells catalog merges them in
                // ingest order: the first log's values win, later logs fill blanks).
                optional(14, "name", PrimitiveType::String),
                optional(15, "uwi", PrimitiveType::String),
                optional(16, "api", PrimitiveType::String),
                optional(17, "company", PrimitiveType::String),
                optional(18, "field", PrimitiveType::String),
                optional(19, "country", PrimitiveType::String),
                optional(20, "lat", PrimitiveType::Double),
                optional(21, "lon", PrimitiveType::Double),
                optional(22, "location_confidence", PrimitiveType::String),
            ],
            LakeTable::Curves => vec![
                required(1, WELL_ID, PrimitiveType::String),
                required(2, LOG_ID, PrimitiveType::String),
                required(3, "mnemonic", PrimitiveType::String),
                optional(4, "unit", PrimitiveType::String),
                optional(5, "family", PrimitiveType::String),
                optional(6, "description", PrimitiveType::String),
                optional(7, "min", PrimitiveType::Double),
                optional(8, "max", PrimitiveType::Double),
                optional(9, "null_count", PrimitiveType::Long),
                optional(10, "rows", PrimitiveType::Long),
            ],
            LakeTable::Tops => vec![
                required(1, WELL_ID, PrimitiveType::String),
                required(2, "name", PrimitiveType::String),
                required(3, "depth", PrimitiveType::Double),
                optional(4, "depth_unit", PrimitiveType::String),
                optional(5, "source", PrimitiveType::String),
            ],
        };
        Schema::builder()
            .with_schema_id(0)
            .with_fields(fields)
            .build()
            .map_err(|e| Error::new(ErrorKind::Unexpected, format!("the {} schema: {e}", self.name())))
    }

    /// `well_logs` by grid cell then well (a well's samples are one partition: a well query reads one
    /// folder); the small tables are not partitioned.
    pub fn partition_spec(self) -> Option<UnboundPartitionSpec> {
        match self {
            LakeTable::WellLogs => Some(
                UnboundPartitionSpec::builder()
                    .add_partition_fields([
                        iceberg::spec::UnboundPartitionField {
                            source_id: 3,
                            field_id: None,
                            name: GRID_CELL.to_owned(),
                            transform: Transform::Identity,
                        },
                        iceberg::spec::UnboundPartitionField {
                            source_id: 1,
                            field_id: None,
                            name: WELL_ID.to_owned(),
                            transform: Transform::Identity,
                        },
                    ])
                    .ok()?
                    .build(),
            ),
            _ => None,
        }
    }
}

pub const WELL_ID: &str = "well_id";
pub const LOG_ID: &str = "log_id";
pub const GRID_CELL: &str = "grid_cell";

fn required(id: i32, name: &str, t: PrimitiveType) -> Arc<NestedField> {
    Arc::new(NestedField::required(id, name, Type::Primitive(t)))
}

fn optional(id: i32, name: &str, t: PrimitiveType) -> Arc<NestedField> {
    Arc::new(NestedField::optional(id, name, Type::Primitive(t)))
}

/// The project's namespace. Catalogs join nested namespace levels with `.`, so a project id's `.` (legal
/// in MudRock ids) is written `_2e` and `_` as `_5f`; every other character of a project id is already
/// safe. The mapping is one-to-one, so two projects never share a namespace.
pub fn namespace(project: &ProjectId) -> NamespaceIdent {
    let mut name = String::with_capacity(project.as_str().len() + 8);
    name.push_str("mudrock_");
    for c in project.as_str().chars() {
        match c {
            '.' => name.push_str("_2e"),
            '_' => name.push_str("_5f"),
            c => name.push(c),
        }
    }
    NamespaceIdent::new(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_are_one_to_one_and_dot_free() {
        let names: Vec<String> = ["a.b", "a_b", "a_2eb", "ab"]
            .iter()
            .map(|p| namespace(&ProjectId::new(p).unwrap()).to_url_string())
            .collect();
        for (i, n) in names.iter().enumerate() {
            assert!(!n.contains('.'), "{n}");
            for m in &names[i + 1..] {
                assert_ne!(n, m);
            }
        }
    }

    #[test]
    fn every_table_has_a_schema_and_well_logs_a_partition_spec() {
        for table in LakeTable::ALL {
            let schema = table.initial_schema().unwrap();
            assert!(schema.field_by_name(WELL_ID).is_some(), "{}", table.name());
            assert_eq!(LakeTable::parse(table.name()), Some(table));
        }
        let spec = LakeTable::WellLogs.partition_spec().unwrap();
        let bound = spec.bind(LakeTable::WellLogs.initial_schema().unwrap()).unwrap();
        assert_eq!(bound.fields().len(), 2);
    }
}
