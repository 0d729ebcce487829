//! Which logs a `well_logs` snapshot holds, read from its manifests: what time travel reads through
//! the same `well_logs` table provider as current-state SQL (the query engine's `WellLogsTable`), over
//! the same log files.
//!
//! A log registered since the one-encode ingest is its own layout file (`…/wells/{w}/logs/{log}.parquet`):
//! its ids are in its path. A log committed before kept a copy of its samples under the table's own
//! folder; its layout file holds the same samples, and its ids are the partition's well and the log id
//! derived from the source its commit recorded (a log's id is derived from its file's SHA-256).

use std::collections::HashSet;

use iceberg::spec::{Literal, PrimitiveLiteral};
use mudrock_core::layout::{LogId, ProjectId};

use super::tables::LakeTable;
use super::{Lakehouse, sources_of};
use crate::error::{Error, ErrorKind, Result};

impl Lakehouse {
    /// The (well id, log id) of every log in `well_logs` at `snapshot_id`, in manifest order, each once.
    pub async fn logs_at(&self, project: &ProjectId, snapshot_id: i64) -> Result<Vec<(String, String)>> {
        let table = self.table(project, LakeTable::WellLogs).await?;
        let metadata = table.metadata();
        let snapshot = metadata.snapshot_by_id(snapshot_id).ok_or_else(|| {
            Error::new(
                ErrorKind::NotFound,
                format!("well_logs of project {project} has no snapshot {snapshot_id}"),
            )
        })?;
        let list = table
            .manifest_list_reader(snapshot)
            .load()
            .await
            .map_err(self.err("read a manifest list"))?;
        let mut seen = HashSet::new();
        let mut logs = Vec::new();
        for manifest_file in list.entries() {
            let manifest = manifest_file
                .load_manifest(table.file_io())
                .await
                .map_err(self.err("read a manifest"))?;
            for entry in manifest.entries() {
                if !entry.is_alive() {
                    continue;
                }
                let ids = match layout_ids(entry.file_path()) {
                    Some(ids) => Some(ids),
                    None => {
                        // A copy under the table's folder: the partition's well, the commit's source.
                        let well = entry
                            .data_file()
                            .partition()
                            .fields()
                            .get(1)
                            .and_then(|v| match v {
                                Some(Literal::Primitive(PrimitiveLiteral::String(s))) => Some(s.clone()),
                                _ => None,
                            });
                        let source = entry
                            .snapshot_id()
                            .and_then(|id| metadata.snapshot_by_id(id))
                            .and_then(|s| {
                                let mut sources = sources_of(s);
                                let first = sources.next().map(str::to_owned);
                                // Only a commit of one source says which log a copy belongs to.
                                first.filter(|_| sources.next().is_none())
                            });
                        well.zip(source)
                            .map(|(well, sha)| (well, LogId::derive(&sha, None).to_string()))
                    }
                };
                let Some(ids) = ids else {
                    return Err(Error::new(
                        ErrorKind::Unexpected,
                        format!(
                            "well_logs snapshot {snapshot_id} of project {project} holds {} that MudRock did not \
                             register: time travel cannot say which log it is",
                            entry.file_path()
                        ),
                    ));
                };
                if seen.insert(ids.clone()) {
                    logs.push(ids);
                }
            }
        }
        Ok(logs)
    }
}

/// `(well id, log id)` of a log file at its layout path (`…/wells/{w}/logs/{log}.parquet`).
fn layout_ids(path: &str) -> Option<(String, String)> {
    let mut parts = path.rsplit('/');
    let file = parts.next()?;
    let log = file.strip_suffix(".parquet")?;
    (parts.next()? == "logs").then_some(())?;
    let well = parts.next()?;
    (parts.next()? == "wells").then_some(())?;
    Some((well.to_owned(), log.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_layout_paths_only() {
        assert_eq!(
            layout_ids("file:///d/objects/p/wells/w-1/logs/l-2.parquet"),
            Some(("w-1".to_owned(), "l-2".to_owned()))
        );
        assert_eq!(layout_ids("s3://b/p/iceberg/well_logs/data/x.parquet"), None);
        assert_eq!(layout_ids("file:///p/wells/w/markers/tops.parquet"), None);
    }
}
