//! `mudrock demo [--project demo] [--out DIR]`: the first command a new user runs. Generates the demo
//! wells, ingests them, and prints the wells catalog. Needs no server and no network.

use std::path::Path;
use std::process::ExitCode;

use mudrock_core::layout::ProjectId;

use super::ingest::{exit_code, ingest_with_progress};
use super::output;
use crate::demo;
use crate::error::{Error, Result};
use crate::ingest::Ingestor;

pub async fn run(ingestor: &Ingestor, project: &ProjectId, out: &Path) -> Result<ExitCode> {
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
    Ok(exit_code(&reports))
}
