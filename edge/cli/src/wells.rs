//! `mudrock wells --project P [--json]`.

use std::process::ExitCode;

use mudrock_core::layout::ProjectId;

use crate::output;
use mudrock_common::error::Result;
use mudrock_store::ingest::Ingestor;

pub async fn run(ingestor: &Ingestor, project: &ProjectId, json: bool) -> Result<ExitCode> {
    let catalog = ingestor.catalogs().load(project).await?;
    if json {
        output::print(&output::json(&catalog.wells)?)?;
    } else if catalog.wells.is_empty() {
        output::print(&format!(
            "project {project} has no wells yet: add some with `mudrock ingest <files> --project {project}`\n"
        ))?;
    } else {
        output::print(&output::wells_table(&catalog.wells))?;
    }
    Ok(ExitCode::SUCCESS)
}
