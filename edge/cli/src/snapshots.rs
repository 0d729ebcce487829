//! `mudrock snapshots --project P [--table well_logs|wells|curves|tops] [--json]`: a table's commits,
//! oldest first, with the file each one added: the ids and times `mudrock sql --as-of` takes.

use std::process::ExitCode;

use comfy_table::{Table, presets};
use mudrock_core::layout::ProjectId;

use crate::output;
use mudrock_common::error::Result;
use mudrock_store::ingest::Ingestor;
use mudrock_store::lakehouse::time_travel::format_ms;
use mudrock_store::lakehouse::{LakeTable, no_tables};

pub async fn run(ingestor: &Ingestor, project: &ProjectId, table: LakeTable, json: bool) -> Result<ExitCode> {
    let lakehouse = ingestor
        .lakehouse()
        .ok_or_else(|| no_tables("listing snapshots"))?;
    let snapshots = lakehouse.snapshots(project, table).await?;
    if json {
        output::print(&output::json(&snapshots)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = Table::new();
    out.load_preset(presets::UTF8_FULL_CONDENSED).set_header([
        "snapshot",
        "committed (UTC)",
        "operation",
        "rows added",
        "file",
        "",
    ]);
    for s in &snapshots {
        out.add_row([
            s.snapshot_id.to_string(),
            format_ms(s.timestamp_ms),
            s.operation.clone(),
            s.added_rows.map_or_else(String::new, |n| n.to_string()),
            s.source_file.clone().unwrap_or_default(),
            if s.current {
                "current".to_owned()
            } else {
                String::new()
            },
        ]);
    }
    let n = snapshots.len();
    output::print(&format!(
        "{table} of {project} ({}):\n{out}\n{n} snapshot{}\n",
        lakehouse.describe(),
        if n == 1 { "" } else { "s" },
        table = table.name()
    ))?;
    Ok(ExitCode::SUCCESS)
}
