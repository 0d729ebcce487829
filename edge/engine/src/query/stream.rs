//! A query's result as a stream of record batches, with the row limit and the deadline applied.
//!
//! The engine runs the query with `LIMIT row_limit + 1`: DataFusion stops reading once it has one row
//! more than allowed, and that extra row is how truncation is known — it is reported, never silent.
//! Dropping the stream (or reaching the limit or the deadline) drops DataFusion's stream, which cancels
//! the query's tasks.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::execution::SendableRecordBatchStream;
use futures::{Stream, StreamExt};
use mudrock_core::cache::VersionSet;

use super::errors::{Hints, from_datafusion};
use mudrock_common::error::{Error, ErrorKind, Result};
use mudrock_store::lakehouse::AsOf;

/// Limits of one SQL request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SqlOptions {
    /// Return at most this many rows; more are cut and [`SqlStream::is_truncated`] says so.
    pub row_limit: Option<usize>,
    /// Cancel the query when planning plus streaming take longer than this.
    pub timeout: Option<Duration>,
    /// Read the project's Iceberg tables as they were then (time travel) instead of now.
    pub as_of: Option<AsOf>,
}

impl SqlOptions {
    pub fn with_row_limit(mut self, rows: usize) -> Self {
        self.row_limit = Some(rows);
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    pub fn with_as_of(mut self, as_of: AsOf) -> Self {
        self.as_of = Some(as_of);
        self
    }
}

/// A running query: its schema, then its batches as they are computed.
///
/// Errors met while streaming (a missing object, the deadline) end the stream with one `Err`.
pub struct SqlStream {
    schema: SchemaRef,
    inner: Option<SendableRecordBatchStream>,
    row_limit: Option<usize>,
    rows: usize,
    truncated: Arc<AtomicBool>,
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
    timeout: Option<Duration>,
    versions: VersionSet,
    hints: Arc<Hints>,
    /// The project's turn this query runs in (`QueryConfig::project_queries`), given back when the
    /// stream ends or is dropped.
    turn: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl SqlStream {
    pub(crate) fn new(
        inner: SendableRecordBatchStream,
        options: SqlOptions,
        deadline: Option<tokio::time::Instant>,
        versions: VersionSet,
        hints: Arc<Hints>,
    ) -> Self {
        SqlStream {
            schema: inner.schema(),
            inner: Some(inner),
            row_limit: options.row_limit,
            rows: 0,
            truncated: Arc::new(AtomicBool::new(false)),
            deadline: deadline.map(|d| Box::pin(tokio::time::sleep_until(d))),
            timeout: options.timeout,
            versions,
            hints,
            turn: None,
        }
    }

    /// This stream holds `turn` until it ends.
    pub(crate) fn holding(mut self, turn: tokio::sync::OwnedSemaphorePermit) -> Self {
        self.turn = Some(turn);
        self
    }

    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// What the query read (the project's catalog versions): the input of cache keys and ETags.
    pub fn versions(&self) -> &VersionSet {
        &self.versions
    }

    /// Rows returned so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Whether the result had more rows than the row limit (known once the stream has ended).
    pub fn is_truncated(&self) -> bool {
        self.truncated.load(Ordering::Relaxed)
    }

    /// A handle on the truncation flag that outlives the stream (for a response body that consumes it).
    pub fn truncation_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.truncated)
    }

    /// Reads the whole result into memory.
    pub async fn collect(mut self) -> Result<SqlResult> {
        let mut batches = Vec::new();
        while let Some(batch) = self.next().await {
            batches.push(batch?);
        }
        Ok(SqlResult {
            schema: self.schema.clone(),
            rows: self.rows,
            truncated: self.is_truncated(),
            batches,
            versions: self.versions,
        })
    }

    fn finish(&mut self) {
        // Dropping DataFusion's stream cancels the query's remaining work.
        self.inner = None;
        self.deadline = None;
        self.turn = None;
    }
}

impl Stream for SqlStream {
    type Item = Result<RecordBatch>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.inner.is_none() {
            return Poll::Ready(None);
        }
        if let Some(deadline) = this.deadline.as_mut()
            && deadline.as_mut().poll(cx).is_ready()
        {
            this.finish();
            return Poll::Ready(Some(Err(timeout_error(this.timeout))));
        }
        let Some(inner) = this.inner.as_mut() else {
            return Poll::Ready(None);
        };
        match inner.poll_next_unpin(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(None) => {
                this.finish();
                Poll::Ready(None)
            }
            Poll::Ready(Some(Err(e))) => {
                this.finish();
                Poll::Ready(Some(Err(from_datafusion(e, &this.hints))))
            }
            Poll::Ready(Some(Ok(batch))) => {
                let Some(limit) = this.row_limit else {
                    this.rows += batch.num_rows();
                    return Poll::Ready(Some(Ok(batch)));
                };
                let room = limit - this.rows;
                if batch.num_rows() <= room {
                    this.rows += batch.num_rows();
                    return Poll::Ready(Some(Ok(batch)));
                }
                // One row more than the limit exists: cut, report, stop.
                this.truncated.store(true, Ordering::Relaxed);
                this.rows += room;
                this.finish();
                if room == 0 {
                    Poll::Ready(None)
                } else {
                    Poll::Ready(Some(Ok(batch.slice(0, room))))
                }
            }
        }
    }
}

pub fn timeout_error(timeout: Option<Duration>) -> Error {
    let limit = timeout
        .map(|t| format!("{:.1} s", t.as_secs_f64()))
        .unwrap_or_else(|| "time".to_owned());
    Error::new(
        ErrorKind::Timeout,
        format!(
            "the query ran longer than its {limit} limit and was cancelled: narrow it (fewer wells, a depth \
             range, fewer columns) or allow more time"
        ),
    )
    .with_context("timeout_ms", timeout.map(|t| t.as_millis()).unwrap_or_default())
}

/// A whole result in memory.
#[derive(Debug, Clone)]
pub struct SqlResult {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
    pub rows: usize,
    /// The query had more rows than the row limit; `rows` of them are here.
    pub truncated: bool,
    /// What the query read (the project's catalog versions).
    pub versions: VersionSet,
}
