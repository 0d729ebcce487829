//! A stored log given back as a file: LAS 2.0 (the header sections, curves and units as ingested, depth in
//! the file's own unit and order), CSV (one header row of mnemonics, a null as an empty field), or the
//! stored Parquet as it is (the table's data file, with its key columns). `mudrock export` and
//! `GET /v1/projects/{p}/wells/{w}/logs/{log}.las|.csv` call it.

use bytes::Bytes;
use mudrock_common::error::{Error, ErrorKind, Result};
use mudrock_core::arrow::{read_parquet, record_batch_to_las};
use mudrock_core::las::{Column, LasFile, write_las2};
use mudrock_core::layout::{LogId, WellId};

use super::Project;

/// The file formats a log is given back in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Las,
    Csv,
    Parquet,
}

impl ExportFormat {
    /// From a file extension or a `format=` value (`las`, `csv`, `parquet`).
    pub fn parse(text: &str) -> Option<ExportFormat> {
        match text.to_ascii_lowercase().as_str() {
            "las" => Some(ExportFormat::Las),
            "csv" => Some(ExportFormat::Csv),
            "parquet" => Some(ExportFormat::Parquet),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Las => "las",
            ExportFormat::Csv => "csv",
            ExportFormat::Parquet => "parquet",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Las => "text/plain; charset=utf-8",
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Parquet => "application/vnd.apache.parquet",
        }
    }
}

/// One exported log.
#[derive(Debug, Clone)]
pub struct ExportedLog {
    pub log: LogId,
    pub format: ExportFormat,
    pub body: Bytes,
    /// A file name for it: `{well}_{log}.{ext}`.
    pub file_name: String,
}

impl Project {
    /// The well's log `log`, or its only log when `log` is `None` (a well with several logs is an
    /// error that lists them), as a file in `format`.
    pub async fn export_log(
        &self,
        well: &WellId,
        log: Option<&LogId>,
        format: ExportFormat,
    ) -> Result<ExportedLog> {
        let ingestor = self.service.ingestor();
        let catalog = ingestor.catalogs().load(&self.id).await?;
        let logs: Vec<&str> = catalog
            .logs
            .iter()
            .filter(|l| l.well_id == well.as_str())
            .map(|l| l.log_id.as_str())
            .collect();
        let project = &self.id;
        let log = match (log, logs.as_slice()) {
            (_, []) => {
                return Err(Error::new(
                    ErrorKind::NotFound,
                    format!("project {project} has no well {well} (see `mudrock wells --project {project}`)"),
                ));
            }
            (Some(log), _) if logs.contains(&log.as_str()) => log.clone(),
            (Some(log), _) => {
                return Err(Error::new(
                    ErrorKind::NotFound,
                    format!("well {well} has no log {log}; its logs: {}", logs.join(", ")),
                ));
            }
            (None, [only]) => LogId::new(only)?,
            (None, several) => {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "well {well} has {} logs: name one with --log ({})",
                        several.len(),
                        several.join(", ")
                    ),
                ));
            }
        };
        let path = ingestor.layout().well_log(&self.id, well, &log);
        let stored = ingestor.storage().download(&path).await?;
        let body = match format {
            ExportFormat::Parquet => stored,
            ExportFormat::Las | ExportFormat::Csv => {
                let las = tokio::task::spawn_blocking(move || stored_log(stored))
                    .await
                    .map_err(|e| {
                        Error::new(ErrorKind::Unexpected, "the export task failed").with_source(e)
                    })??;
                Bytes::from(match format {
                    ExportFormat::Las => {
                        let mut out = Vec::new();
                        write_las2(&las, &mut out).map_err(|e| {
                            Error::new(ErrorKind::Unexpected, "cannot write the log as LAS").with_source(e)
                        })?;
                        out
                    }
                    _ => csv(&las).into_bytes(),
                })
            }
        };
        Ok(ExportedLog {
            file_name: format!("{well}_{log}.{}", format.extension()),
            log,
            format,
            body,
        })
    }
}

/// The stored Parquet of one log as a LAS file.
fn stored_log(bytes: Bytes) -> Result<LasFile> {
    let unreadable = |e: mudrock_core::arrow::ConvertError| {
        Error::new(
            ErrorKind::Unexpected,
            format!("the stored log cannot be read back: {e}"),
        )
        .with_source(e)
    };
    let (schema, batches) = read_parquet(bytes).map_err(unreadable)?;
    let batch = datafusion::arrow::compute::concat_batches(&schema, &batches).map_err(|e| {
        Error::new(ErrorKind::Unexpected, "the stored log cannot be read back").with_source(e)
    })?;
    record_batch_to_las(&batch).map_err(unreadable)
}

/// RFC 4180 CSV: a header row of mnemonics, then one row per depth; a null is an empty field, a number
/// the shortest text that reads back as the same value.
fn csv(las: &LasFile) -> String {
    let log = &las.log;
    let mut out = String::new();
    let header: Vec<String> = log.curves.iter().map(|c| csv_field(&c.mnemonic)).collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for row in 0..log.rows() {
        for (i, column) in log.columns.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            match column {
                Column::Numeric(v) => {
                    if let Some(x) = v.get(row).filter(|x| x.is_finite()) {
                        out.push_str(&x.to_string());
                    }
                }
                Column::Text(v) => {
                    if let Some(Some(t)) = v.get(row) {
                        out.push_str(&csv_field(t));
                    }
                }
            }
        }
        out.push_str("\r\n");
    }
    out
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\r', '\n']) || text.starts_with(' ') || text.ends_with(' ') {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_when_they_must_be() {
        assert_eq!(csv_field("GR"), "GR");
        assert_eq!(csv_field("A,B"), "\"A,B\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(csv_field(" pad"), "\" pad\"");
    }
}
