//! [`MetadataStore`] over SQL through sqlx: SQLite (embedded, the default) or PostgreSQL, chosen by the URL
//! (`sqlite://path?mode=rwc`, `postgres://user:pass@host:port/db`). One set of statements serves both:
//! written with `$n` parameters, which SQLite reads as `?n`.
//!
//! Isolation: every statement carries `project_id = <the scope's project>`; on PostgreSQL each transaction
//! also runs as `mudrock_app` with `mudrock.project` set, so the database's row-level security holds even
//! for a statement that forgot its condition (migrations/postgres/0002_row_level_security.sql).

use std::borrow::Cow;
use std::time::Duration;

use async_trait::async_trait;
use futures::future::BoxFuture;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::{Any, AnyConnection, AnyPool, Connection, Row, Transaction};

use super::{
    CurveRecord, IngestRecord, LogRecord, MetadataStore, PipelineExecution, ProjectRecord, ProjectScope,
    TopRecord, WellRecord, WellboreRecord,
};
use crate::error::{Error, ErrorKind, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Sqlite,
    Postgres,
}

/// The migrations of each dialect, compiled in.
const SQLITE_MIGRATIONS: &[(i64, &str, &str)] =
    &[(1, "schema", include_str!("migrations/sqlite/0001_schema.sql"))];
const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "schema", include_str!("migrations/postgres/0001_schema.sql")),
    (
        2,
        "row level security",
        include_str!("migrations/postgres/0002_row_level_security.sql"),
    ),
    (
        3,
        "functions",
        include_str!("migrations/postgres/0003_functions.sql"),
    ),
];

#[derive(Debug)]
struct Embedded(&'static [(i64, &'static str, &'static str)]);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(self) -> BoxFuture<'s, std::result::Result<Vec<Migration>, sqlx::error::BoxDynError>> {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|(version, description, sql)| {
                    Migration::new(
                        *version,
                        Cow::Borrowed(*description),
                        MigrationType::Simple,
                        Cow::Borrowed(*sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

/// The SQL metadata store.
#[derive(Clone)]
pub struct SqlStore {
    pool: AnyPool,
    dialect: Dialect,
    /// The URL without its password, for messages.
    shown: String,
}

impl std::fmt::Debug for SqlStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlStore")
            .field("at", &self.shown)
            .finish_non_exhaustive()
    }
}

/// The URL with any password replaced, safe to print.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Puts a SQLite database in write-ahead-log mode, which the file keeps for every later connection (of
/// this process or another): a commit then syncs one file, the log, instead of a rollback journal and the
/// database (three `fsync`s), and readers (`mudrock serve`) are not blocked by an ingest's writes. Still
/// durable: `synchronous` stays at SQLite's default, FULL. An ingest of 40 files made ~885 `fsync`s before.
pub async fn write_ahead_log(conn: &mut AnyConnection) -> std::result::Result<(), sqlx::Error> {
    sqlx::query("PRAGMA journal_mode=WAL").execute(&mut *conn).await?;
    Ok(())
}

impl SqlStore {
    /// Opens the store at `url` and applies the migrations it lacks.
    pub async fn open(url: &str) -> Result<SqlStore> {
        sqlx::any::install_default_drivers();
        let dialect = if url.starts_with("sqlite:") {
            Dialect::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Dialect::Postgres
        } else {
            return Err(Error::new(
                ErrorKind::ConfigInvalid,
                format!(
                    "the metadata database URL must start with sqlite: or postgres:// (got `{}`)",
                    redact(url)
                ),
            ));
        };
        let shown = redact(url);
        // One connection first, outside the pool: a server that is not there, or that refuses the login,
        // fails now with its own error. The pool would retry it until its acquire timeout (ten seconds)
        // and then say only that it timed out.
        let mut probe = AnyConnection::connect(url)
            .await
            .map_err(|e| db_error(e, &shown, "connect"))?;
        if dialect == Dialect::Sqlite {
            write_ahead_log(&mut probe)
                .await
                .map_err(|e| db_error(e, &shown, "set the journal mode"))?;
        }
        let _ = probe.close().await;
        let pool = AnyPoolOptions::new()
            // SQLite allows one writer; one connection avoids "database is locked" between our own.
            .max_connections(if dialect == Dialect::Sqlite { 1 } else { 8 })
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(|e| db_error(e, &shown, "connect"))?;
        let migrations = match dialect {
            Dialect::Sqlite => SQLITE_MIGRATIONS,
            Dialect::Postgres => POSTGRES_MIGRATIONS,
        };
        let migrator = Migrator::new(Embedded(migrations))
            .await
            .map_err(|e| Error::new(ErrorKind::Unexpected, format!("metadata migrations: {e}")))?;
        migrator.run(&pool).await.map_err(|e| {
            Error::new(
                ErrorKind::Unexpected,
                format!("cannot apply the metadata migrations to {shown}: {e}"),
            )
        })?;
        Ok(SqlStore { pool, dialect, shown })
    }

    /// The embedded default: a SQLite file (created if missing).
    ///
    /// Processes opening the same file at once (two `mudrock ingest` on a fresh data dir) take turns
    /// through an exclusive lock on `{file}.lock` while the file is created and migrated: SQLite has no
    /// lock for sqlx's migrator to take, and two migrators on one fresh file both apply the first
    /// migration (the loser failed with "table already exists").
    pub async fn open_file(path: &std::path::Path) -> Result<SqlStore> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(Error::from)?;
        }
        let lock_path = std::path::PathBuf::from(format!("{}.lock", path.display()));
        let shown = lock_path.display().to_string();
        let lock = tokio::task::spawn_blocking(move || {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&lock_path)?;
            file.lock()?;
            Ok::<_, std::io::Error>(file)
        })
        .await
        .map_err(|e| Error::new(ErrorKind::Unexpected, "the metadata lock task failed").with_source(e))?
        .map_err(|e| Error::from(e).with_context("lock", shown))?;
        let store = SqlStore::open(&format!("sqlite://{}?mode=rwc", path.display())).await;
        // Closing the file releases the lock.
        drop(lock);
        store
    }

    fn sql<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match self.dialect {
            Dialect::Postgres => Cow::Borrowed(text),
            // `$1` → `?1`: SQLite's numbered parameters.
            Dialect::Sqlite => Cow::Owned(text.replace('$', "?")),
        }
    }

    /// A transaction confined to the scope's project.
    async fn begin(&self, scope: &ProjectScope) -> Result<Transaction<'static, Any>> {
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(|e| db_error(e, &self.shown, "begin"))?;
        if self.dialect == Dialect::Postgres {
            sqlx::query("SET LOCAL ROLE mudrock_app")
                .execute(&mut *tx)
                .await
                .map_err(|e| db_error(e, &self.shown, "set role"))?;
            sqlx::query("SELECT set_config('mudrock.project', $1, true)")
                .bind(scope.as_str().to_owned())
                .execute(&mut *tx)
                .await
                .map_err(|e| db_error(e, &self.shown, "set project"))?;
        }
        Ok(tx)
    }

    async fn commit(&self, tx: Transaction<'static, Any>) -> Result<()> {
        tx.commit().await.map_err(|e| db_error(e, &self.shown, "commit"))
    }

    async fn fetch_all(&self, scope: &ProjectScope, text: &str, binds: Vec<Value>) -> Result<Vec<AnyRow>> {
        let mut tx = self.begin(scope).await?;
        let sql = self.sql(text);
        let mut query = sqlx::query(&sql);
        for b in binds {
            query = b.bind(query);
        }
        let rows = query
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| db_error(e, &self.shown, "read"))?;
        self.commit(tx).await?;
        Ok(rows)
    }

    async fn execute(&self, scope: &ProjectScope, statements: Vec<(&str, Vec<Value>)>) -> Result<()> {
        let mut tx = self.begin(scope).await?;
        for (text, binds) in statements {
            let sql = self.sql(text);
            let mut query = sqlx::query(&sql);
            for b in binds {
                query = b.bind(query);
            }
            query
                .execute(&mut *tx)
                .await
                .map_err(|e| db_error(e, &self.shown, "write"))?;
        }
        self.commit(tx).await
    }
}

/// A bound parameter (the types the stores use).
#[derive(Debug, Clone)]
enum Value {
    Text(Option<String>),
    Real(Option<f64>),
    Int(Option<i64>),
}

impl Value {
    fn bind<'q>(
        self,
        query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
        match self {
            Value::Text(v) => query.bind(v),
            Value::Real(v) => query.bind(v),
            Value::Int(v) => query.bind(v),
        }
    }
}

/// The values of a `wells` row, in the order of its INSERT's columns.
fn well_values(scope: &ProjectScope, w: &WellRecord) -> Vec<Value> {
    vec![
        t(scope.as_str()),
        t(&w.well_id),
        ot(&w.name),
        ot(&w.uwi),
        ot(&w.api),
        r(w.lat),
        r(w.lon),
        ot(&w.depth_unit),
    ]
}

fn t(s: &str) -> Value {
    Value::Text(Some(s.to_owned()))
}
fn ot(s: &Option<String>) -> Value {
    Value::Text(s.clone())
}
fn r(v: Option<f64>) -> Value {
    Value::Real(v)
}
fn i(v: Option<i64>) -> Value {
    Value::Int(v)
}

/// A database failure as a MudRock error: the kind by SQLSTATE class or connection trouble, the database
/// named (password hidden), what to do.
fn db_error(e: sqlx::Error, at: &str, operation: &'static str) -> Error {
    let (kind, message, retryable) = match &e {
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            // SQLite's extended codes for the same constraints: foreign key, unique, primary key.
            let sqlstate = match code.as_str() {
                "787" => "23503",
                "2067" | "1555" => "23505",
                c => c,
            };
            match super::sqlstate_error(sqlstate, db.message()) {
                Some((kind, retryable, message)) => (kind, message, retryable),
                // 28xxx: invalid authorization (wrong password, unknown user).
                None if sqlstate.starts_with("28") => (
                    ErrorKind::PermissionDenied,
                    format!(
                        "the database refused the login: {}; check the user and password in the URL",
                        db.message()
                    ),
                    false,
                ),
                None => (ErrorKind::Unexpected, db.message().to_owned(), false),
            }
        }
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => (
            ErrorKind::Unavailable,
            format!("cannot reach the metadata database: {e}; is the server running, and is the URL right?"),
            true,
        ),
        sqlx::Error::Tls(_) => (
            ErrorKind::Unavailable,
            format!("TLS with the metadata database failed: {e}"),
            false,
        ),
        sqlx::Error::Configuration(_) => (
            ErrorKind::ConfigInvalid,
            format!("the metadata database URL: {e}"),
            false,
        ),
        _ => (ErrorKind::Unexpected, e.to_string(), false),
    };
    Error::new(kind, message)
        .with_retryable(retryable)
        .with_operation(operation)
        .with_context("database", at)
}

fn get<T>(row: &AnyRow, column: &str) -> Result<T>
where
    T: for<'r> sqlx::Decode<'r, Any> + sqlx::Type<Any>,
{
    row.try_get(column).map_err(|e| {
        Error::new(
            ErrorKind::Unexpected,
            format!("metadata column `{column}` cannot be read: {e}"),
        )
    })
}

fn well(row: &AnyRow) -> Result<WellRecord> {
    Ok(WellRecord {
        well_id: get(row, "well_id")?,
        name: get(row, "name")?,
        uwi: get(row, "uwi")?,
        api: get(row, "api")?,
        lat: get(row, "lat")?,
        lon: get(row, "lon")?,
        depth_unit: get(row, "depth_unit")?,
    })
}

fn ingest(row: &AnyRow) -> Result<IngestRecord> {
    Ok(IngestRecord {
        ingest_id: get(row, "ingest_id")?,
        file_name: get(row, "file_name")?,
        sha256: get(row, "sha256")?,
        status: get(row, "status")?,
        message: get(row, "message")?,
        started_at_ms: get(row, "started_at_ms")?,
        finished_at_ms: get(row, "finished_at_ms")?,
    })
}

fn execution(row: &AnyRow) -> Result<PipelineExecution> {
    Ok(PipelineExecution {
        content_hash: get(row, "content_hash")?,
        pipeline: get(row, "pipeline")?,
        status: get(row, "status")?,
        logs_uri: get(row, "logs_uri")?,
        started_at_ms: get(row, "started_at_ms")?,
        finished_at_ms: get(row, "finished_at_ms")?,
    })
}

const WELL_COLUMNS: &str = "well_id, name, uwi, api, lat, lon, depth_unit";

#[async_trait]
impl MetadataStore for SqlStore {
    fn kind(&self) -> &'static str {
        match self.dialect {
            Dialect::Sqlite => "embedded",
            Dialect::Postgres => "postgres",
        }
    }

    async fn put_project(&self, scope: &ProjectScope, name: &str) -> Result<()> {
        self.execute(
            scope,
            vec![(
                "INSERT INTO projects (project_id, name) VALUES ($1, $2)
                 ON CONFLICT (project_id) DO UPDATE SET name = excluded.name",
                vec![t(scope.as_str()), t(name)],
            )],
        )
        .await
    }

    async fn project(&self, scope: &ProjectScope) -> Result<Option<ProjectRecord>> {
        let rows = self
            .fetch_all(
                scope,
                "SELECT project_id, name FROM projects WHERE project_id = $1",
                vec![t(scope.as_str())],
            )
            .await?;
        rows.first()
            .map(|row| {
                Ok(ProjectRecord {
                    project_id: get(row, "project_id")?,
                    name: get(row, "name")?,
                })
            })
            .transpose()
    }

    async fn put_well(&self, scope: &ProjectScope, w: &WellRecord) -> Result<()> {
        let statement = "INSERT INTO wells (project_id, well_id, name, uwi, api, lat, lon, depth_unit)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (project_id, well_id) DO UPDATE SET name = excluded.name, uwi = excluded.uwi,
               api = excluded.api, lat = excluded.lat, lon = excluded.lon, depth_unit = excluded.depth_unit";
        self.execute(scope, vec![(statement, well_values(scope, w))])
            .await
    }

    async fn add_well(&self, scope: &ProjectScope, w: &WellRecord) -> Result<()> {
        // One statement: what the row has wins, the new values only fill its blanks.
        let statement = "INSERT INTO wells (project_id, well_id, name, uwi, api, lat, lon, depth_unit)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (project_id, well_id) DO UPDATE SET name = COALESCE(wells.name, excluded.name),
               uwi = COALESCE(wells.uwi, excluded.uwi), api = COALESCE(wells.api, excluded.api),
               lat = COALESCE(wells.lat, excluded.lat), lon = COALESCE(wells.lon, excluded.lon),
               depth_unit = COALESCE(wells.depth_unit, excluded.depth_unit)";
        self.execute(scope, vec![(statement, well_values(scope, w))])
            .await
    }

    async fn wells(&self, scope: &ProjectScope) -> Result<Vec<WellRecord>> {
        let text = format!("SELECT {WELL_COLUMNS} FROM wells WHERE project_id = $1 ORDER BY well_id");
        let rows = self.fetch_all(scope, &text, vec![t(scope.as_str())]).await?;
        rows.iter().map(well).collect()
    }

    async fn well(&self, scope: &ProjectScope, well_id: &str) -> Result<Option<WellRecord>> {
        let text = format!("SELECT {WELL_COLUMNS} FROM wells WHERE project_id = $1 AND well_id = $2");
        let rows = self
            .fetch_all(scope, &text, vec![t(scope.as_str()), t(well_id)])
            .await?;
        rows.first().map(well).transpose()
    }

    async fn put_wellbore(&self, scope: &ProjectScope, b: &WellboreRecord) -> Result<()> {
        self.execute(
            scope,
            vec![(
                "INSERT INTO wellbores (project_id, well_id, wellbore_id, name) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (project_id, well_id, wellbore_id) DO UPDATE SET name = excluded.name",
                vec![t(scope.as_str()), t(&b.well_id), t(&b.wellbore_id), ot(&b.name)],
            )],
        )
        .await
    }

    async fn wellbores(&self, scope: &ProjectScope, well_id: &str) -> Result<Vec<WellboreRecord>> {
        let rows = self
            .fetch_all(
                scope,
                "SELECT well_id, wellbore_id, name FROM wellbores WHERE project_id = $1 AND well_id = $2
                 ORDER BY wellbore_id",
                vec![t(scope.as_str()), t(well_id)],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(WellboreRecord {
                    well_id: get(row, "well_id")?,
                    wellbore_id: get(row, "wellbore_id")?,
                    name: get(row, "name")?,
                })
            })
            .collect()
    }

    async fn put_log(&self, scope: &ProjectScope, log: &LogRecord, curves: &[CurveRecord]) -> Result<()> {
        let mut statements = vec![(
            "INSERT INTO logs (project_id, well_id, log_id, sha256, source_file, rows)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (project_id, well_id, log_id) DO UPDATE SET sha256 = excluded.sha256,
               source_file = excluded.source_file, rows = excluded.rows",
            vec![
                t(scope.as_str()),
                t(&log.well_id),
                t(&log.log_id),
                t(&log.sha256),
                t(&log.source_file),
                i(Some(log.rows)),
            ],
        )];
        for c in curves {
            if c.well_id != log.well_id || c.log_id != log.log_id {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "curve `{}` belongs to log `{}` of well `{}`, not to the log being written",
                        c.mnemonic, c.log_id, c.well_id
                    ),
                ));
            }
            statements.push((
                "INSERT INTO curves (project_id, well_id, log_id, mnemonic, unit, family, min, max)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (project_id, well_id, log_id, mnemonic) DO UPDATE SET unit = excluded.unit,
                   family = excluded.family, min = excluded.min, max = excluded.max",
                vec![
                    t(scope.as_str()),
                    t(&c.well_id),
                    t(&c.log_id),
                    t(&c.mnemonic),
                    t(&c.unit),
                    t(&c.family),
                    r(c.min),
                    r(c.max),
                ],
            ));
        }
        self.execute(scope, statements).await
    }

    async fn logs(&self, scope: &ProjectScope, well_id: &str) -> Result<Vec<LogRecord>> {
        let rows = self
            .fetch_all(
                scope,
                "SELECT well_id, log_id, sha256, source_file, rows FROM logs
                 WHERE project_id = $1 AND well_id = $2 ORDER BY log_id",
                vec![t(scope.as_str()), t(well_id)],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(LogRecord {
                    well_id: get(row, "well_id")?,
                    log_id: get(row, "log_id")?,
                    sha256: get(row, "sha256")?,
                    source_file: get(row, "source_file")?,
                    rows: get(row, "rows")?,
                })
            })
            .collect()
    }

    async fn curves(&self, scope: &ProjectScope, well_id: &str) -> Result<Vec<CurveRecord>> {
        let rows = self
            .fetch_all(
                scope,
                "SELECT well_id, log_id, mnemonic, unit, family, min, max FROM curves
                 WHERE project_id = $1 AND well_id = $2 ORDER BY log_id, mnemonic",
                vec![t(scope.as_str()), t(well_id)],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(CurveRecord {
                    well_id: get(row, "well_id")?,
                    log_id: get(row, "log_id")?,
                    mnemonic: get(row, "mnemonic")?,
                    unit: get(row, "unit")?,
                    family: get(row, "family")?,
                    min: get(row, "min")?,
                    max: get(row, "max")?,
                })
            })
            .collect()
    }

    async fn replace_tops(
        &self,
        scope: &ProjectScope,
        well_id: &str,
        source: &str,
        tops: &[TopRecord],
    ) -> Result<()> {
        let mut statements = vec![(
            "DELETE FROM tops WHERE project_id = $1 AND well_id = $2 AND source = $3",
            vec![t(scope.as_str()), t(well_id), t(source)],
        )];
        for top in tops {
            if top.well_id != well_id || top.source != source || !top.md.is_finite() {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "top `{}` must be of well `{well_id}` from `{source}` with a finite depth",
                        top.name
                    ),
                ));
            }
            statements.push((
                "INSERT INTO tops (project_id, well_id, name, md, source) VALUES ($1, $2, $3, $4, $5)",
                vec![
                    t(scope.as_str()),
                    t(well_id),
                    t(&top.name),
                    r(Some(top.md)),
                    t(source),
                ],
            ));
        }
        self.execute(scope, statements).await
    }

    async fn tops(&self, scope: &ProjectScope, well_id: &str) -> Result<Vec<TopRecord>> {
        let rows = self
            .fetch_all(
                scope,
                "SELECT well_id, name, md, source FROM tops WHERE project_id = $1 AND well_id = $2
                 ORDER BY md, name",
                vec![t(scope.as_str()), t(well_id)],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(TopRecord {
                    well_id: get(row, "well_id")?,
                    name: get(row, "name")?,
                    md: get(row, "md")?,
                    source: get(row, "source")?,
                })
            })
            .collect()
    }

    async fn put_ingest(&self, scope: &ProjectScope, g: &IngestRecord) -> Result<()> {
        self.execute(
            scope,
            vec![(
                "INSERT INTO ingests (project_id, ingest_id, file_name, sha256, status, message, started_at_ms,
                   finished_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (project_id, ingest_id) DO UPDATE SET status = excluded.status,
                   message = excluded.message, finished_at_ms = excluded.finished_at_ms",
                vec![
                    t(scope.as_str()),
                    t(&g.ingest_id),
                    t(&g.file_name),
                    t(&g.sha256),
                    t(&g.status),
                    ot(&g.message),
                    i(Some(g.started_at_ms)),
                    i(g.finished_at_ms),
                ],
            )],
        )
        .await
    }

    async fn ingests(&self, scope: &ProjectScope) -> Result<Vec<IngestRecord>> {
        let rows = self
            .fetch_all(
                scope,
                "SELECT ingest_id, file_name, sha256, status, message, started_at_ms, finished_at_ms
                 FROM ingests WHERE project_id = $1 ORDER BY started_at_ms, ingest_id",
                vec![t(scope.as_str())],
            )
            .await?;
        rows.iter().map(ingest).collect()
    }

    async fn put_pipeline_execution(&self, scope: &ProjectScope, e: &PipelineExecution) -> Result<()> {
        self.execute(
            scope,
            vec![(
                "INSERT INTO pipeline_executions (project_id, content_hash, pipeline, status, logs_uri,
                   started_at_ms, finished_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (project_id, content_hash) DO UPDATE SET status = excluded.status,
                   logs_uri = excluded.logs_uri, finished_at_ms = excluded.finished_at_ms",
                vec![
                    t(scope.as_str()),
                    t(&e.content_hash),
                    t(&e.pipeline),
                    t(&e.status),
                    ot(&e.logs_uri),
                    i(Some(e.started_at_ms)),
                    i(e.finished_at_ms),
                ],
            )],
        )
        .await
    }

    async fn pipeline_execution(
        &self,
        scope: &ProjectScope,
        content_hash: &str,
    ) -> Result<Option<PipelineExecution>> {
        let rows = self
            .fetch_all(
                scope,
                "SELECT content_hash, pipeline, status, logs_uri, started_at_ms, finished_at_ms
                 FROM pipeline_executions WHERE project_id = $1 AND content_hash = $2",
                vec![t(scope.as_str()), t(content_hash)],
            )
            .await?;
        rows.first().map(execution).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://app:s3cret@127.0.0.1:5432/db"),
            "postgres://app:***@127.0.0.1:5432/db"
        );
        assert_eq!(
            redact("sqlite:///tmp/m.db?mode=rwc"),
            "sqlite:///tmp/m.db?mode=rwc"
        );
        assert_eq!(redact("postgres://app@host/db"), "postgres://app@host/db");
    }
}
