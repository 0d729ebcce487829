//! Appending ingested logs to the tables, several files per commit when they arrive together.
//!
//! Each file ingested in this process calls [`Lakehouse::append_log`]. Files that become ready while a
//! commit of their project is under way wait for it and then go in together, in one commit per table
//! (a group commit): a directory of 40 files makes a handful of commits per table instead of 40, while a
//! single file still commits at once. The order of the commits is the same as for one file —
//! `well_logs`, `curves`, `wells`, then `logs` — so a process killed at any point leaves each file either
//! in the project (its `logs` row committed, with everything else) or out of it (the next ingest of it
//! completes what is missing, once: every step skips the files whose source it finds committed).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex as StdMutex};

use arrow_array::RecordBatch;
use futures::TryStreamExt;
use iceberg::spec::{DataFile, Literal, Struct, TableMetadata};
use mudrock_core::layout::ProjectId;
use tokio::sync::oneshot;

use super::tables::{LakeTable, WELL_ID};
use super::{Appended, LakeLog, Lakehouse, committed_by, data_file, grid_cell, lock};
use crate::catalog::{CurveRow, LogEntry};
use crate::error::{Error, ErrorKind, Result};

/// Most files in one commit.
const MAX_GROUP: usize = 64;

/// The files of one project waiting for a commit, and the turn to make one.
#[derive(Default)]
pub(super) struct Group {
    queue: StdMutex<Vec<Pending>>,
    turn: tokio::sync::Mutex<()>,
}

/// A file ready to be committed: its stored file described for `well_logs`, and its rows.
struct Staged {
    sha256: String,
    source_file: String,
    data_file: DataFile,
    entry: LogEntry,
    grid_cell: Option<i64>,
}

struct Pending {
    staged: Staged,
    done: oneshot::Sender<Result<Appended>>,
}

impl Lakehouse {
    /// Appends one ingested log: its stored file to `well_logs` (see [`Lakehouse::prepare_log`]), its
    /// curves to `curves`, its well to `wells` when the well is new, and last its row to `logs` — in
    /// the same commits as other files of the project that are ready at the same time. A step is
    /// skipped for a file whose source the table already has a commit of.
    pub async fn append_log(&self, project: &ProjectId, log: &LakeLog<'_>) -> Result<Appended> {
        self.ensure_project(project).await?;
        let staged = self.stage(project, log).await?;
        let group = {
            let mut groups = lock(&self.inner.groups);
            Arc::clone(groups.entry(project.clone()).or_default())
        };
        let (done, result) = oneshot::channel();
        lock(&group.queue).push(Pending { staged, done });
        {
            // Whoever holds the turn commits everything queued; this file may go in with an earlier
            // holder's group, or lead the next one.
            let _turn = group.turn.lock().await;
            loop {
                let batch: Vec<Pending> = {
                    let mut queue = lock(&group.queue);
                    let n = queue.len().min(MAX_GROUP);
                    queue.drain(..n).collect()
                };
                if batch.is_empty() {
                    break;
                }
                let (staged, senders): (Vec<Staged>, Vec<_>) =
                    batch.into_iter().map(|p| (p.staged, p.done)).unzip();
                let outcome = self.commit_group(project, &staged).await;
                for (i, sender) in senders.into_iter().enumerate() {
                    let _ = sender.send(match &outcome {
                        Ok(appended) => Ok(appended[i]),
                        Err(e) => Err(Error::new(e.kind(), e.message().to_owned())
                            .with_retryable(e.is_retryable())
                            .with_context("files_in_commit", staged.len())),
                    });
                }
            }
        }
        result.await.map_err(|_| {
            Error::new(
                ErrorKind::Unexpected,
                "the commit of this file was dropped before it answered",
            )
        })?
    }

    /// Describes the stored file for `well_logs` (no commit).
    async fn stage(&self, project: &ProjectId, log: &LakeLog<'_>) -> Result<Staged> {
        let well = &log.entry.well;
        let cell = well.lat.zip(well.lon).and_then(|(lat, lon)| grid_cell(lat, lon));
        let cached = lock(&self.inner.spec_ids).get(project).copied();
        let spec_id = match cached {
            Some(id) => id,
            None => {
                let table = self.table(project, LakeTable::WellLogs).await?;
                let id = table.metadata().default_partition_spec_id();
                lock(&self.inner.spec_ids).insert(project.clone(), id);
                id
            }
        };
        let partition = Struct::from_iter([cell.map(Literal::long), Some(Literal::string(&well.well_id))]);
        let location = format!(
            "{}/{}",
            self.inner.config.warehouse.trim_end_matches('/'),
            log.path.trim_start_matches('/')
        );
        let data_file = data_file::describe(log.parquet, location, partition, spec_id)?;
        Ok(Staged {
            sha256: log.sha256.to_owned(),
            source_file: log.source_file.to_owned(),
            data_file,
            entry: log.entry.clone(),
            grid_cell: cell,
        })
    }

    /// One commit per table for `files`, in the order that keeps each file in or out as a whole.
    async fn commit_group(&self, project: &ProjectId, files: &[Staged]) -> Result<Vec<Appended>> {
        // well_logs: the stored files themselves, registered where they are.
        let mut table = self.table(project, LakeTable::WellLogs).await?;
        let todo = not_committed(table.metadata(), files);
        if !todo.is_empty() {
            let data_files = todo.iter().map(|s| s.data_file.clone());
            super::pause_if_asked().await;
            table = match self.commit(&table, data_files, summary(&todo), true).await {
                Ok(committed) => committed,
                Err(e) => {
                    // Another process registering the same files first is success: the append's
                    // duplicate check refuses a second registration of one path.
                    let now = self.table(project, LakeTable::WellLogs).await?;
                    if !not_committed(now.metadata(), files).is_empty() {
                        return Err(e);
                    }
                    now
                }
            };
        }
        // The table as this commit left it (or as it was, when every file was in already).
        let snapshots: Vec<i64> = files
            .iter()
            .map(|s| committed_by(table.metadata(), &s.sha256).unwrap_or_default())
            .collect();

        // curves: one row per curve of each log.
        let table = self.table(project, LakeTable::Curves).await?;
        let todo = not_committed(table.metadata(), files);
        let rows: Vec<&CurveRow> = todo.iter().flat_map(|s| &s.entry.curves).collect();
        if !rows.is_empty() {
            let columns = super::curve_columns(&rows);
            let written = self.write(&table, &columns, rows.len(), &todo[0].sha256).await?;
            self.commit(&table, written, summary(&todo), false).await?;
        }

        // wells: a row when a well first appears (later logs of the same well add none).
        let table = self.table(project, LakeTable::Wells).await?;
        let todo = not_committed(table.metadata(), files);
        if !todo.is_empty() {
            let mut known = self.well_ids(&table).await?;
            let new: Vec<&Staged> = todo
                .iter()
                .copied()
                .filter(|s| known.insert(s.entry.well.well_id.clone()))
                .collect();
            if !new.is_empty() {
                let wells: Vec<(&crate::catalog::WellRow, Option<i64>)> =
                    new.iter().map(|s| (&s.entry.well, s.grid_cell)).collect();
                let columns = super::well_columns(&wells);
                let written = self.write(&table, &columns, wells.len(), &new[0].sha256).await?;
                self.commit(&table, written, summary(&todo), false).await?;
            }
        }

        // logs: last, so that a log listed here is whole in the other tables (the catalogs, a view of
        // `logs` and `curves`, list only what is here).
        let table = self.table(project, LakeTable::Logs).await?;
        let todo = not_committed(table.metadata(), files);
        let added: HashSet<&str> = todo.iter().map(|s| s.sha256.as_str()).collect();
        if !todo.is_empty() {
            let at = super::unix_ms();
            let rows: Vec<(&LogEntry, i64)> = todo.iter().map(|s| (&s.entry, at)).collect();
            let columns = Self::log_row_columns(&rows);
            let written = self.write(&table, &columns, rows.len(), &todo[0].sha256).await?;
            self.commit(&table, written, summary(&todo), false).await?;
        }
        Ok(files
            .iter()
            .zip(snapshots)
            .map(|(s, snapshot_id)| Appended {
                snapshot_id,
                added: added.contains(s.sha256.as_str()),
            })
            .collect())
    }

    /// The well ids `wells` holds now.
    async fn well_ids(&self, wells: &iceberg::table::Table) -> Result<HashSet<String>> {
        if wells.metadata().current_snapshot_id().is_none() {
            return Ok(HashSet::new());
        }
        let scan = wells
            .scan()
            .select([WELL_ID])
            .build()
            .map_err(self.err("scan wells"))?;
        let batches: Vec<RecordBatch> = scan
            .to_arrow()
            .await
            .map_err(self.err("scan wells"))?
            .try_collect()
            .await
            .map_err(self.err("scan wells"))?;
        let mut ids = HashSet::new();
        for batch in &batches {
            if let Some(column) = batch.column_by_name(WELL_ID) {
                let values = arrow_array::cast::AsArray::as_string_opt::<i32>(column.as_ref());
                ids.extend(values.into_iter().flatten().flatten().map(str::to_owned));
            }
        }
        Ok(ids)
    }
}

/// The files (one per source, the first of duplicates) that `metadata` has no commit of.
fn not_committed<'a>(metadata: &TableMetadata, files: &'a [Staged]) -> Vec<&'a Staged> {
    let mut seen = HashSet::new();
    files
        .iter()
        .filter(|s| committed_by(metadata, &s.sha256).is_none() && seen.insert(s.sha256.as_str()))
        .collect()
}

/// The snapshot summary of a commit of `files`: their sources (SHA-256, comma-separated) and names.
fn summary(files: &[&Staged]) -> HashMap<String, String> {
    let join = |f: &dyn Fn(&Staged) -> &str| files.iter().map(|s| f(s)).collect::<Vec<_>>();
    HashMap::from([
        (super::SOURCE_KEY.to_owned(), join(&|s| &s.sha256).join(",")),
        (
            super::SOURCE_FILE_KEY.to_owned(),
            join(&|s| &s.source_file).join(", "),
        ),
    ])
}
