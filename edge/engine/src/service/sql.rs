//! SQL for a client: the text checked, the answer's key known before anything runs, the query on the
//! query runtime within the time limit, its batches handed over as they come.
//!
//! [`Project::plan_sql`] checks the text and the limit and reads the catalogs' versions (the key: the
//! project, the text, the limit, the format and the time travelled to, with those versions);
//! [`PlannedSql::run`] starts the query and waits for its first batch, so that a query that fails or
//! times out before producing anything is an error, not a broken answer. The rest arrive through a
//! [`BatchReceiver`]; dropping it stops the query.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use futures::StreamExt;
use mudrock_core::cache::CacheKey;
use tokio::time::Instant;

use super::Project;
use crate::encode::Format;
use crate::query::{SqlOptions, SqlResult, SqlStream, timeout_error};
use mudrock_common::error::{Error, ErrorKind, Result};
use mudrock_store::lakehouse::AsOf;

/// Longest SQL text accepted, in bytes.
pub const MAX_SQL_BYTES: usize = 256 << 10;

/// A SQL query as a client asks for it.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlRequest {
    pub sql: String,
    /// At most this many rows (capped by the service's row limit; at least 1).
    pub limit: Option<u64>,
    pub as_of: Option<AsOf>,
    pub format: Format,
}

/// A query checked and keyed, not run yet.
pub struct PlannedSql {
    project: Project,
    sql: String,
    limit: u64,
    as_of: Option<AsOf>,
    key: Option<CacheKey>,
}

/// A query's answer as it streams: the schema, the first batch, then the rest.
pub struct SqlAnswer {
    pub schema: SchemaRef,
    pub first: Option<RecordBatch>,
    pub rest: BatchReceiver,
    /// The row limit the query ran with.
    pub limit: u64,
    truncated: Arc<AtomicBool>,
}

impl SqlAnswer {
    /// Whether the answer was cut at the row limit (known once [`BatchReceiver::next`] returned `None`).
    pub fn truncation(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.truncated)
    }
}

/// The batches after the first, produced on the query runtime; dropping this stops the query.
pub struct BatchReceiver {
    rx: tokio::sync::mpsc::Receiver<Result<RecordBatch>>,
    producer: tokio::task::AbortHandle,
}

impl BatchReceiver {
    pub async fn next(&mut self) -> Option<Result<RecordBatch>> {
        self.rx.recv().await
    }
}

impl Drop for BatchReceiver {
    fn drop(&mut self) {
        self.producer.abort();
    }
}

impl PlannedSql {
    /// The answer's key (the server's ETag); `None` when the versions cannot prove a change.
    pub fn key(&self) -> Option<&CacheKey> {
        self.key.as_ref()
    }

    /// Starts the query and waits for its first batch, all within the time limit.
    pub async fn run(self) -> Result<SqlAnswer> {
        let service = self.project.service().clone();
        service.count_query();
        let timeout = service.limits().query_timeout;
        let deadline = Instant::now() + timeout;
        let options = SqlOptions {
            row_limit: Some(usize::try_from(self.limit).unwrap_or(usize::MAX)),
            timeout: Some(timeout),
            as_of: self.as_of,
        };
        let started = self.project.sql(self.sql, options);
        let stream = tokio::time::timeout_at(deadline, started)
            .await
            .map_err(|_| timeout_error(Some(timeout)))??;
        let schema = stream.schema();
        let truncated = stream.truncation_flag();
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<RecordBatch>>(2);
        let producer = service
            .runtime()
            .spawn(async move {
                let mut stream = stream;
                while let Some(item) = stream.next().await {
                    let failed = item.is_err();
                    match tokio::time::timeout_at(deadline, tx.send(item)).await {
                        Ok(Ok(())) if !failed => {}
                        _ => break,
                    }
                }
            })?
            .abort_handle();
        let mut rest = BatchReceiver { rx, producer };
        let first = match tokio::time::timeout_at(deadline, rest.next()).await {
            Err(_) => return Err(timeout_error(Some(timeout))),
            Ok(Some(Ok(batch))) => Some(batch),
            Ok(Some(Err(e))) => return Err(e),
            Ok(None) => None,
        };
        Ok(SqlAnswer {
            schema,
            first,
            rest,
            limit: self.limit,
            truncated,
        })
    }
}

impl Project {
    /// Checks `request` (the text not empty nor longer than [`MAX_SQL_BYTES`], the limit at least 1)
    /// and keys it with the catalogs' versions; nothing runs yet. A project without catalogs is
    /// `NotFound`.
    pub async fn plan_sql(&self, request: SqlRequest) -> Result<PlannedSql> {
        let sql = request.sql.trim();
        if sql.is_empty() {
            return Err(Error::new(ErrorKind::InvalidInput, "the SQL text is empty"));
        }
        if sql.len() > MAX_SQL_BYTES {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "the SQL text is {} bytes; at most {MAX_SQL_BYTES} are accepted",
                    sql.len()
                ),
            ));
        }
        let service_limit = self.service().limits().row_limit;
        let limit = match request.limit {
            Some(0) => {
                return Err(Error::new(ErrorKind::InvalidInput, "limit must be at least 1")
                    .with_context("parameter", "limit"));
            }
            Some(n) => n.min(service_limit),
            None => service_limit,
        };
        let versions = self.existing_versions().await?;
        let asked = (
            sql,
            limit,
            request.format.name(),
            request.as_of.map(|a| a.to_string()),
        );
        let key = self.answer_key("sql", &asked, &versions);
        Ok(PlannedSql {
            project: self.clone(),
            sql: sql.to_owned(),
            limit,
            as_of: request.as_of,
            key,
        })
    }

    /// Starts `sql` on the query runtime and returns its stream (no time limit of its own: the
    /// options' timeout applies to the stream, the caller bounds the start).
    pub async fn sql(&self, sql: String, options: SqlOptions) -> Result<SqlStream> {
        let engine = self.service().engine().clone();
        let project = self.id().clone();
        self.service()
            .runtime()
            .run(move || async move { engine.sql(&project, &sql, options).await })
            .await
    }

    /// Runs `sql` on the query runtime to the end, within the options' timeout (`Timeout` past it).
    pub async fn sql_collect(&self, sql: String, options: SqlOptions) -> Result<SqlResult> {
        self.service().count_query();
        let engine = self.service().engine().clone();
        let project = self.id().clone();
        let timeout = options.timeout;
        let run = self
            .service()
            .runtime()
            .run(move || async move { engine.sql_collect(&project, &sql, options).await });
        match timeout {
            Some(timeout) => tokio::time::timeout(timeout, run)
                .await
                .map_err(|_| timeout_error(Some(timeout)))?,
            None => run.await,
        }
    }
}
