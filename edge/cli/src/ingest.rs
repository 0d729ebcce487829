//! `mudrock ingest <paths>... --project P [--json] [--on-depth-order sort|keep-first|reject]`.

use std::path::PathBuf;
use std::process::ExitCode;

use indicatif::ProgressBar;
use mudrock_core::layout::ProjectId;

use crate::{output, progress};
use mudrock_common::error::{Error, ErrorKind, Result};
use mudrock_store::discover;
use mudrock_store::ingest::Ingestor;
use mudrock_store::report::IngestReport;
use mudrock_store::validation::order::DepthOrderPolicy;
use mudrock_store::validation::{Registry, ValidationConfig};

/// `--on-depth-order` (see core's `DepthOrderPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnDepthOrder {
    /// Keep every sample, stored in depth order; the report names the rows that went back.
    Sort,
    /// Keep the first pass over each depth; the report names the rows dropped.
    KeepFirst,
    /// Refuse the file, naming the first row out of order.
    Reject,
}

impl OnDepthOrder {
    /// The standard checks, with this choice.
    pub fn registry(self) -> Registry {
        let depth_order = match self {
            OnDepthOrder::Sort => DepthOrderPolicy::Sort,
            OnDepthOrder::KeepFirst => DepthOrderPolicy::KeepFirst,
            OnDepthOrder::Reject => DepthOrderPolicy::Reject,
        };
        Registry::with_config(ValidationConfig {
            depth_order,
            ..ValidationConfig::default()
        })
    }
}

pub async fn run(
    ingestor: &Ingestor,
    project: &ProjectId,
    inputs: &[PathBuf],
    json: bool,
) -> Result<ExitCode> {
    let files = discover::las_files(inputs)?;
    if files.is_empty() {
        return Err(Error::new(
            ErrorKind::NotFound,
            "no .las files found in the given directories: pass LAS files or directories that contain them",
        ));
    }
    let reports = ingest_with_progress(ingestor, project, &files).await;
    print_reports(&reports, json)?;
    Ok(exit_code(&reports))
}

/// `mudrock refresh --project P`: the catalogs rebuilt from the tables (and the metadata store's headers).
pub async fn refresh(ingestor: &Ingestor, project: &ProjectId) -> Result<ExitCode> {
    if ingestor.lakehouse().is_none() {
        return Err(mudrock_store::lakehouse::no_tables("refresh"));
    }
    let refreshed = ingestor.refresh_views(project).await?;
    let catalog = ingestor.catalogs().load(project).await?;
    let id = |v: Option<i64>| v.map_or_else(|| "none".to_owned(), |id| id.to_string());
    output::print(&format!(
        "catalogs of project {project} rebuilt from its tables: {} wells, {} logs, {} curves (logs snapshot {}, \
         curves snapshot {})\n",
        catalog.wells.len(),
        catalog.logs.len(),
        catalog.curves.len(),
        id(refreshed.version.logs),
        id(refreshed.version.curves)
    ))?;
    if let Some(warning) = refreshed.warning {
        eprintln!("warning: {warning}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `mudrock backfill --project P [--json]`: the project's stored logs that its Iceberg tables lack, put in.
pub async fn backfill(ingestor: &Ingestor, project: &ProjectId, json: bool) -> Result<ExitCode> {
    let missing = ingestor.logs_missing_from_tables(project).await?;
    let bar = progress::bar(missing.len());
    let reports = ingestor.backfill_tables(project, missing, advance(&bar)).await;
    bar.finish_and_clear();
    if reports.is_empty() && !json {
        output::print(&format!(
            "every stored log of {project} is in its Iceberg tables already\n"
        ))?;
    } else {
        print_reports(&reports, json)?;
    }
    Ok(exit_code(&reports))
}

/// The reports as JSON, or as the summary table and the per-file details.
fn print_reports(reports: &[IngestReport], json: bool) -> Result<()> {
    if json {
        output::print(&output::json(reports)?)
    } else {
        output::print(&output::ingest_table(reports))?;
        output::print(&output::ingest_details(reports))
    }
}

/// An `on_done` for the ingestor: each finished file moves `bar` on by one and shows its path.
fn advance(bar: &ProgressBar) -> impl Fn(&IngestReport) + '_ {
    move |report| {
        bar.set_message(report.path.clone());
        bar.inc(1);
    }
}

/// Ingests with a progress bar on stderr and reports every file that did not go in on stderr, naming
/// the file and the reason (which names the line when the reader refused the file).
pub async fn ingest_with_progress(
    ingestor: &Ingestor,
    project: &ProjectId,
    files: &[PathBuf],
) -> Vec<IngestReport> {
    let bar = progress::bar(files.len());
    let reports = ingestor.ingest_files(project, files, advance(&bar)).await;
    bar.finish_and_clear();
    for r in reports.iter().filter(|r| !r.status.is_success()) {
        eprintln!(
            "error: {}: {}: {}",
            r.path,
            r.status.as_str(),
            r.reason.as_deref().unwrap_or("no reason given")
        );
    }
    reports
}

pub fn exit_code(reports: &[IngestReport]) -> ExitCode {
    if reports.iter().all(|r| r.status.is_success()) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
