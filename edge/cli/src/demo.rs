//! `mudrock demo [--project demo] [--out DIR] [--no-serve]`: the first command a new user runs. Generates
//! the demo wells, ingests them, prints the wells catalog, then serves the HTTP API on the demo project
//! and prints its URL and token (`--no-serve` stops after the catalog, for scripts and CI). Needs no
//! server and no network.

use std::path::Path;
use std::process::ExitCode;

use mudrock_core::layout::{ProjectId, WellId};
use mudrock_shared::tops::{Top, TopList};

use crate::ingest::{exit_code, ingest_with_progress};
use crate::output;
use crate::serve::{self, ServeArgs};
use mudrock_common::error::{Error, Result};
use mudrock_store::demo;
use mudrock_store::ingest::Ingestor;
use mudrock_store::report::IngestReport;

/// Stores each demo well's formation tops (`wells/{well}/markers/tops.parquet`); returns how many.
async fn write_tops(ingestor: &Ingestor, project: &ProjectId, reports: &[IngestReport]) -> Result<usize> {
    let mut written = 0;
    for report in reports {
        let Some(well) = report.well_id.as_deref() else {
            continue;
        };
        let name = Path::new(&report.path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tops = demo::tops(&name);
        if tops.is_empty() {
            continue;
        }
        let well = WellId::new(well)?;
        let list = TopList {
            well_id: well.as_str().to_owned(),
            depth_unit: demo::depth_unit(&name).map(str::to_owned),
            source: Some("demo (synthetic picks)".to_owned()),
            tops: tops
                .iter()
                .map(|t| Top {
                    name: t.name.to_owned(),
                    depth: t.depth,
                })
                .collect(),
        };
        mudrock_store::catalog::tops::write(ingestor.storage(), ingestor.layout(), project, &well, &list)
            .await?;
        if let Some(lakehouse) = ingestor.lakehouse() {
            lakehouse.append_tops(project, &list).await?;
        }
        written += list.tops.len();
    }
    Ok(written)
}

/// What to do once the demo data is in.
pub enum AfterDemo<'a> {
    /// Exit (`--no-serve`).
    Exit,
    /// Serve the API over the data dir until Ctrl-C.
    Serve { data_dir: &'a Path, args: &'a ServeArgs },
}

pub async fn run(
    ingestor: &Ingestor,
    project: &ProjectId,
    out: &Path,
    after: AfterDemo<'_>,
) -> Result<ExitCode> {
    let files = demo::write_to(out).map_err(|e| {
        Error::new(
            mudrock_common::error::ErrorKind::PermissionDenied,
            format!(
                "cannot write the demo files to {}: choose another directory with --out",
                out.display()
            ),
        )
        .with_source(e)
    })?;
    output::print(&format!(
        "wrote {} demo LAS files to {}\n",
        files.len(),
        out.display()
    ))?;
    let reports = ingest_with_progress(ingestor, project, &files).await;
    output::print(&output::ingest_table(&reports))?;
    let tops = write_tops(ingestor, project, &reports).await?;
    output::print(&format!("formation tops: {tops} written\n"))?;
    let catalog = ingestor.catalogs().load(project).await?;
    output::print(&format!(
        "wells catalog of project {project} ({} wells, stored in {}):\n",
        catalog.wells.len(),
        ingestor.storage().location()
    ))?;
    output::print(&output::wells_table(&catalog.wells))?;
    let code = exit_code(&reports);
    match after {
        AfterDemo::Exit => Ok(code),
        AfterDemo::Serve { data_dir, args } => {
            if code != ExitCode::SUCCESS {
                // Serve anyway: the files that went in are there to look at; the errors are printed above.
                eprintln!("some demo files did not go in; serving what did");
            }
            serve::run(ingestor, data_dir, args, Some(project.as_str())).await
        }
    }
}
