//! Tables and JSON for people and scripts, written so that a closed pipe (`mudrock wells | head`) ends
//! the output quietly instead of panicking.

use std::io::Write;

use comfy_table::{CellAlignment, Table, presets};
use serde::Serialize;

use mudrock_common::error::{Error, ErrorKind, Result};
use mudrock_store::catalog::WellRow;
use mudrock_store::report::{IngestReport, IngestStatus};
use mudrock_store::validation::num;

/// Writes `text` to stdout; a reader that went away is not an error.
pub fn print(text: &str) -> Result<()> {
    print_bytes(text.as_bytes())
}

/// Writes `bytes` to stdout; a reader that went away is not an error.
pub fn print_bytes(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::from(e)),
        _ => Ok(()),
    }
}

pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| Error::new(ErrorKind::Unexpected, "cannot encode JSON").with_source(e))?;
    text.push('\n');
    Ok(text)
}

fn table(header: &[&str], right_aligned: &[usize]) -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_header(header.to_vec());
    for &i in right_aligned {
        if let Some(column) = table.column_mut(i) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    table
}

/// One line per file: file, well, rows, curves, warnings, status.
pub fn ingest_table(reports: &[IngestReport]) -> String {
    let mut t = table(
        &["file", "well", "rows", "curves", "warnings", "status"],
        &[2, 3, 4],
    );
    for r in reports {
        let well = match (&r.well_name, &r.well_id) {
            (Some(name), Some(id)) if name != id => format!("{name} ({id})"),
            (_, Some(id)) => id.clone(),
            _ => "-".to_owned(),
        };
        t.add_row(vec![
            r.path.clone(),
            well,
            r.rows.to_string(),
            r.curves.to_string(),
            r.warnings.len().to_string(),
            r.status.as_str().to_owned(),
        ]);
    }
    format!("{t}\n")
}

/// A closing summary, the reasons of the files that did not go in, and the first warnings of each.
pub fn ingest_details(reports: &[IngestReport]) -> String {
    const SHOWN: usize = 5;
    let count = |s: IngestStatus| reports.iter().filter(|r| r.status == s).count();
    let mut text = format!(
        "{} files: {} ingested, {} unchanged, {} rejected, {} failed\n",
        reports.len(),
        count(IngestStatus::Ok),
        count(IngestStatus::Unchanged),
        count(IngestStatus::Rejected),
        count(IngestStatus::Failed),
    );
    // Rejected files too: what the reader repaired or doubted before the refusal often says why.
    for r in reports.iter().filter(|r| !r.warnings.is_empty()) {
        text.push_str(&format!("warnings in {}:\n", r.path));
        for w in r.warnings.iter().take(SHOWN) {
            text.push_str(&format!("  {w}\n"));
        }
        if r.warnings.len() > SHOWN {
            text.push_str(&format!(
                "  … and {} more (--json lists them all)\n",
                r.warnings.len() - SHOWN
            ));
        }
    }
    text
}

fn number(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("{v:.decimals$}"))
}

/// The wells catalog, one line per well.
pub fn wells_table(wells: &[WellRow]) -> String {
    let mut t = table(
        &[
            "well_id", "name", "uwi", "api", "lat", "lon", "location", "depth", "logs",
        ],
        &[4, 5, 8],
    );
    for w in wells {
        let depth = match (w.start, w.stop) {
            (Some(a), Some(b)) => format!("{}–{} {}", num(a), num(b), w.depth_unit.as_deref().unwrap_or("")),
            _ => "-".to_owned(),
        };
        t.add_row(vec![
            w.well_id.clone(),
            w.name.clone().unwrap_or_else(|| "-".to_owned()),
            w.uwi.clone().unwrap_or_else(|| "-".to_owned()),
            w.api.clone().unwrap_or_else(|| "-".to_owned()),
            number(w.lat, 5),
            number(w.lon, 5),
            w.location_confidence.clone().unwrap_or_else(|| "none".to_owned()),
            depth.trim_end().to_owned(),
            w.n_logs.to_string(),
        ]);
    }
    format!("{t}\n")
}
