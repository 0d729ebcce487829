//! SQL over a project's data: one DataFusion `SessionContext` per project, over the storage manager's
//! own OpenDAL operator (through `object_store_opendal`), with these tables:
//!
//! | table | what | read from |
//! |---|---|---|
//! | `well_logs` | every sample of every log of the project: `well_id`, `log_id`, `depth` (or `time`) and the union of all curves (a curve a log lacks reads as null) | the logs' Parquet objects, listed by the logs catalog |
//! | `wells` | one row per well: identity, location (decimal degrees), depth range | `catalog/wells_catalog.parquet` |
//! | `logs` | one row per log | `catalog/logs_catalog.parquet` |
//! | `curves` | one row per curve of each log: mnemonic, unit, family, min/max | `catalog/curves_catalog.parquet` |
//!
//! Petrophysics (`vsh_linear`, `phi_density`, `sw_archie` …, from `mudrock_core::petro`) are SQL
//! functions.
//!
//! **Names are case-sensitive.** Identifier normalisation is off
//! (`datafusion.sql_parser.enable_ident_normalization = false`), so `SELECT GR, RHOB FROM well_logs`
//! reads the curves `GR` and `RHOB` as the LAS file named them, without quoting; `gr` is another name.
//! Function names and keywords are not affected (`COUNT(*)`, `VSH_LINEAR(…)` work).
//!
//! **Read-only.** Only queries (`SELECT`, `WITH`, `VALUES`, `EXPLAIN [ANALYZE] <query>`) run; DDL, DML,
//! `COPY`, `SET` and every other statement are refused before planning. A query sees only its project's
//! tables: the session knows no other catalog, schema or object store, and URL tables
//! (`SELECT * FROM 'file.parquet'`) are off.
//!
//! **Fresh.** Before each query the catalog objects are `stat`ed (three small requests); when any of them
//! changed since the tables were built, the tables are rebuilt, so a new ingest is visible to the next
//! query. Log objects are content-addressed (a log id is derived from the source file's hash), so a
//! log's path is its version and its Parquet footer is read once per process.
//!
//! **Planned once.** A session keeps the optimised plans of the queries it ran (by SQL text and row
//! limit); the same SQL again starts at the physical plan. The cache lives and dies with the session, so a
//! new ingest (new catalog versions, new session) never reuses a plan (`query/session.rs`).

mod bounds;
mod catalogs;
mod engine;
mod errors;
mod memory;
mod overflow;
mod readonly;
mod registry;
mod session;
mod stream;
mod udf;
mod well_logs;
mod yielding;

pub use bounds::{MAX_SQL_OPERATORS, QUERY_THREAD_STACK_BYTES};
pub use engine::{
    DEFAULT_MEMORY_LIMIT, DEFAULT_QUERY_MEMORY_LIMIT, DEFAULT_SPILL_LIMIT, QueryConfig, QueryEngine,
    TableInfo, default_project_queries,
};
pub use readonly::is_refusal as is_read_only_refusal;
pub use session::{PlanCacheStats, SqlSession};
pub use stream::{SqlOptions, SqlResult, SqlStream, timeout_error};
pub use udf::registered_functions;
