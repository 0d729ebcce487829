//! What the import screen shows before a LAS file is uploaded.

use mudrock_core::las::{self, Column};
use mudrock_core::validation::{Note, Registry, check_file};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurvePreview {
    pub mnemonic: String,
    pub unit: String,
    pub description: String,
    /// Values that are not null.
    pub present: usize,
    pub numeric: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LasPreview {
    pub version: String,
    pub well: Option<String>,
    pub uwi: Option<String>,
    pub rows: usize,
    pub curves: Vec<CurvePreview>,
    /// What the server will say of the file: reader warnings, repairs, header and validation warnings
    /// (core's `validation::check_file`, the function the server's ingest calls).
    pub warnings: Vec<Note>,
    /// Why the server will refuse the file, if it will (a broken depth order, no data …).
    pub rejection: Option<String>,
    pub encoding: String,
}

/// Parses the bytes with core's reader, checks them as the server will, and summarises them. The error
/// names the line that failed. The browser does not know the project's other logs, so the one verdict
/// it cannot give is the server's duplicate-well warning.
pub fn las_preview(bytes: &[u8]) -> Result<LasPreview, String> {
    let mut las = las::read_bytes(bytes).map_err(|e| e.to_string())?;
    let verdict = check_file(&mut las, &Registry::standard(), "", &[]);
    let curves = las
        .log
        .curves
        .iter()
        .zip(&las.log.columns)
        .map(|(c, col)| CurvePreview {
            mnemonic: c.mnemonic.clone(),
            unit: c.unit.clone(),
            description: c.description.clone(),
            present: match col {
                Column::Numeric(v) => v.iter().filter(|x| !x.is_nan()).count(),
                Column::Text(v) => v.iter().filter(|x| x.is_some()).count(),
            },
            numeric: matches!(col, Column::Numeric(_)),
        })
        .collect();
    Ok(LasPreview {
        version: format!("{:?}", las.version),
        well: las.well_value("WELL").map(str::to_owned),
        uwi: las.well_value("UWI").map(str::to_owned),
        rows: las.log.rows(),
        curves,
        warnings: verdict.notes,
        rejection: verdict.rejection,
        encoding: las.encoding.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &[u8] = b"~VERSION INFORMATION\n VERS. 2.0 : CWLS\n WRAP. NO : one line\n~WELL INFORMATION\n STRT.M 100.0 :\n STOP.M 100.5 :\n STEP.M 0.5 :\n NULL. -999.25 :\n WELL. TEST-1 : WELL\n UWI . 0012345 : UWI\n~CURVE INFORMATION\n DEPT.M : depth\n GR.GAPI : gamma\n~A\n100.0 50.0\n100.5 -999.25\n";

    #[test]
    fn preview_counts_present_values_and_keeps_identity_strings() {
        let p = las_preview(SMALL).unwrap();
        assert_eq!(p.rows, 2);
        assert_eq!(p.well.as_deref(), Some("TEST-1"));
        assert_eq!(p.uwi.as_deref(), Some("0012345"));
        assert_eq!(p.curves[1].mnemonic, "GR");
        assert_eq!(p.curves[1].present, 1);
    }

    #[test]
    fn preview_gives_the_servers_verdict() {
        // Depth goes back once: the server keeps every sample in depth order and names the row that went
        // back (depth_order), so the preview says so.
        let spliced = b"~VERSION INFORMATION\n VERS. 2.0 :\n WRAP. NO :\n~WELL INFORMATION\n STRT.M 100 :\n STOP.M 101 :\n STEP.M 0 :\n NULL. -999.25 :\n WELL. W :\n~CURVE INFORMATION\n DEPT.M :\n GR.GAPI :\n~A\n100 1\n101 2\n100.5 3\n101.5 4\n";
        let p = las_preview(spliced).unwrap();
        assert_eq!(p.rejection, None);
        let said: Vec<_> = p.warnings.iter().filter(|n| n.source == "depth_order").collect();
        assert!(
            said.first().is_some_and(|n| n.message.contains("data row 3")),
            "{:?}",
            p.warnings
        );
        // A curve list in another order than the data: refused, naming the column that looks like the index.
        let swapped = b"~VERSION INFORMATION\n VERS. 2.0 :\n WRAP. NO :\n~WELL INFORMATION\n STRT.M 100 :\n STOP.M 101 :\n STEP.M 0.5 :\n NULL. -999.25 :\n WELL. W :\n~CURVE INFORMATION\n DEPT.M :\n GR.GAPI :\n~A\n45 100\n50 100.5\n55 101\n";
        let rejection = las_preview(swapped).unwrap().rejection.expect("refused");
        assert!(rejection.contains("data column 2 (named GR"), "{rejection}");
        // A row repeated exactly is repaired, and the repair is said.
        let repeated = b"~VERSION INFORMATION\n VERS. 2.0 :\n WRAP. NO :\n~WELL INFORMATION\n STRT.M 100 :\n STOP.M 101 :\n STEP.M 0.5 :\n NULL. -999.25 :\n WELL. W :\n~CURVE INFORMATION\n DEPT.M :\n GR.GAPI :\n~A\n100 1\n100.5 2\n100.5 2\n101 3\n";
        let p = las_preview(repeated).unwrap();
        assert_eq!(p.rejection, None);
        assert!(
            p.warnings.iter().any(|n| n.source == "repair"),
            "{:?}",
            p.warnings
        );
        assert_eq!(p.rows, 3);
    }

    #[test]
    fn preview_of_garbage_is_an_error_with_a_line() {
        let err = las_preview(b"\x00\x01\x02").unwrap_err();
        assert!(err.contains("line"), "{err}");
    }
}
