//! A table as JSON: what SQL results and log windows look like when `Accept` is JSON.
//!
//! Row-major (`rows[i][j]` is row `i`, column `j`), values as JSON scalars: numbers, strings, booleans,
//! `null` for SQL NULL and for floats that are not finite (JSON has no NaN). Dates, decimals and nested
//! values are rendered as strings. The same tables come as Arrow IPC or Parquet by `Accept`, with their
//! Arrow types intact.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableColumn {
    pub name: String,
    /// The Arrow data type as Arrow prints it (`Float64`, `Utf8` …).
    pub data_type: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub columns: Vec<TableColumn>,
    pub rows: Vec<Vec<Value>>,
    pub row_count: u64,
    /// True when the row limit cut the result: more rows exist than were sent.
    pub truncated: bool,
}

impl Table {
    /// The values of one column by name, in row order.
    pub fn column(&self, name: &str) -> Option<Vec<&Value>> {
        let i = self.columns.iter().position(|c| c.name == name)?;
        Some(self.rows.iter().filter_map(|r| r.get(i)).collect())
    }
}
