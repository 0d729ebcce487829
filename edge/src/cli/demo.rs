//! `mudrock demo [--project demo] [--out DIR] [--no-serve]`: the first command a new user runs. Generates
//! the demo wells, ingests them, prints the wells catalog, then serves the HTTP API on the demo project
//! and prints its URL and token (`--no-serve` stops after the catalog, for scripts and CI). Needs no
//! server and no network.

use std::path::Path;
use std::process::ExitCode;

use mudrock_core::layout::ProjectId;

use super::ingest::{exit_code, ingest_with_progress};
use super::output;
use super::serve::{self, ServeArgs};
use crate::demo;
use crate::error::{Error, Result};
use crate::ingest::Ingestor;

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
            crate::error::ErrorKind::PermissionDenied,
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
