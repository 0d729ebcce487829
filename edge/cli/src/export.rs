//! `mudrock export --project P --well W [--log L] [--format las|csv|parquet] [--output FILE]`: a stored
//! log given back as a file (see the engine's `Project::export_log`).

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use clap::ValueEnum;
use mudrock_common::error::{Error, ErrorKind, Result};
use mudrock_core::layout::{LogId, WellId};
use mudrock_engine::service::{ExportFormat, Project};

use crate::output;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportKind {
    /// LAS 2.0: the header sections, curves and units as ingested, depth in the file's unit and order.
    Las,
    /// CSV: a header row of mnemonics, one row per depth, a null as an empty field.
    Csv,
    /// The stored Parquet file as it is (the table's data file, key columns included).
    Parquet,
}

impl From<ExportKind> for ExportFormat {
    fn from(kind: ExportKind) -> Self {
        match kind {
            ExportKind::Las => ExportFormat::Las,
            ExportKind::Csv => ExportFormat::Csv,
            ExportKind::Parquet => ExportFormat::Parquet,
        }
    }
}

pub async fn run(
    project: &Project,
    well: &WellId,
    log: Option<&LogId>,
    kind: ExportKind,
    out: Option<&Path>,
) -> Result<ExitCode> {
    if kind == ExportKind::Parquet && out.is_none() && std::io::stdout().is_terminal() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "Parquet is binary: write it to a file with --output FILE, or redirect stdout",
        ));
    }
    let exported = project.export_log(well, log, kind.into()).await?;
    match out {
        Some(path) => {
            std::fs::write(path, &exported.body)
                .map_err(|e| Error::from(e).with_context("output", path.display()))?;
            eprintln!(
                "log {} of well {well}: {} bytes of {} written to {}",
                exported.log,
                exported.body.len(),
                exported.format.extension(),
                path.display()
            );
        }
        None => output::print_bytes(&exported.body)?,
    }
    Ok(ExitCode::SUCCESS)
}
