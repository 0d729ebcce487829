//! LAS conformance over the shared data set: every file under `$MUDROCK_SHARED/data/las` is read and its
//! outcome compared with `core/tests/las_expectations.csv` (shape of the log and of other LAS 3.0 data
//! sets, or the error kind and line), then written as LAS 2.0 and read back.
//!
//! `MUDROCK_LAS_ACTUAL=<path>` writes the outcomes actually observed, in the expectations' format, and
//! `MUDROCK_LAS_WARNINGS=<path>` every warning and error, for reviewing a change of behaviour.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use mudrock_core::las::{self, Column, LasError, LasFile, SectionKind};

fn shared_dir() -> PathBuf {
    std::env::var_os("MUDROCK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared")))
}

pub(crate) fn las_dir() -> PathBuf {
    let dir = shared_dir().join("data/las");
    assert!(
        dir.is_dir(),
        "the LAS data set is missing: {} (set MUDROCK_SHARED to the folder holding data/las)",
        dir.display()
    );
    dir
}

/// A file of the data set by its path relative to `data/las`.
pub(crate) fn las_file(rel: &str) -> Vec<u8> {
    let path = las_dir().join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn rel_path(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// The observable outcome of reading one file, in the expectations' terms.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    outcome: String,
    rows: String,
    curves: String,
    other: String,
    error: String,
}

fn outcome_of(result: &Result<LasFile, LasError>) -> Outcome {
    match result {
        Ok(f) => Outcome {
            outcome: "ok".into(),
            rows: f.log.rows().to_string(),
            curves: f.log.curves.len().to_string(),
            other: f
                .other_data
                .iter()
                .map(|d| format!("{}={}x{}", d.name, d.rows(), d.curves.len()))
                .collect::<Vec<_>>()
                .join(";"),
            error: String::new(),
        },
        Err(e) => Outcome {
            outcome: "error".into(),
            rows: String::new(),
            curves: String::new(),
            other: String::new(),
            error: format!("{:?}@{}", e.kind, e.line),
        },
    }
}

/// Minimal CSV: comma-separated, double-quoted fields with `""` for a quote.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                ('"', _) => quoted = !quoted,
                (',', false) => fields.push(std::mem::take(&mut field)),
                (c, _) => field.push(c),
            }
        }
        fields.push(field);
        rows.push(fields);
    }
    rows
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

const HEADER: &str = "path,outcome,rows,curves,other_data,error,reason";

struct Expectation {
    outcome: Outcome,
    reason: String,
}

fn expectations() -> BTreeMap<String, Expectation> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/las_expectations.csv");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let rows = parse_csv(&text);
    assert_eq!(
        rows.first().map(|r| r.join(",")),
        Some(HEADER.to_string()),
        "{path}: header"
    );
    rows.into_iter()
        .skip(1)
        .map(|r| {
            let get = |i: usize| r.get(i).cloned().unwrap_or_default();
            let outcome = Outcome {
                outcome: get(1),
                rows: get(2),
                curves: get(3),
                other: get(4),
                error: get(5),
            };
            (
                get(0),
                Expectation {
                    outcome,
                    reason: get(6),
                },
            )
        })
        .collect()
}

fn read_guarded(bytes: &[u8]) -> Result<Result<LasFile, LasError>, String> {
    catch_unwind(AssertUnwindSafe(|| las::read_bytes(bytes))).map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "panic".to_string())
    })
}

#[test]
fn every_file_matches_its_expectation() {
    let dir = las_dir();
    let expected = expectations();
    let files = all_files(&dir);
    assert!(
        files.len() > 100,
        "only {} files under {}",
        files.len(),
        dir.display()
    );
    let mut mismatches = Vec::new();
    let mut actual_csv = vec![HEADER.to_string()];
    let mut seen = Vec::new();
    let mut report = Vec::new();
    for path in &files {
        let rel = rel_path(&dir, path);
        seen.push(rel.clone());
        let bytes = std::fs::read(path).unwrap();
        let result = match read_guarded(&bytes) {
            Ok(r) => r,
            Err(panic) => {
                mismatches.push(format!("{rel}: PANIC {panic}"));
                continue;
            }
        };
        let got = outcome_of(&result);
        match &result {
            Ok(f) => report.extend(
                f.warnings
                    .iter()
                    .map(|w| format!("{rel}:{}: {:?}: {}", w.line, w.kind, w.message)),
            ),
            Err(e) => report.push(format!("{rel}: ERROR {:?}: {e}", e.kind)),
        }
        let exp = expected.get(&rel);
        let reason = exp.map(|e| e.reason.clone()).unwrap_or_default();
        actual_csv.push(
            [
                &rel,
                &got.outcome,
                &got.rows,
                &got.curves,
                &got.other,
                &got.error,
                &reason,
            ]
            .iter()
            .map(|s| csv_field(s))
            .collect::<Vec<_>>()
            .join(","),
        );
        match exp {
            None => mismatches.push(format!("{rel}: no expectation (got {got:?})")),
            // Documentation beside the data (PDF, text, CSV): any outcome but a panic.
            Some(e) if e.outcome.outcome == "any" => {}
            Some(e) if e.outcome != got => {
                let err = result
                    .as_ref()
                    .err()
                    .map(|e| format!(" [{e}]"))
                    .unwrap_or_default();
                mismatches.push(format!(
                    "{rel}:\n    expected {:?}\n    got      {got:?}{err}",
                    e.outcome
                ))
            }
            Some(_) => {}
        }
    }
    for rel in expected.keys() {
        if !seen.contains(rel) {
            mismatches.push(format!("{rel}: in the expectations but not in the data set"));
        }
    }
    if let Some(out) = std::env::var_os("MUDROCK_LAS_ACTUAL") {
        std::fs::write(&out, actual_csv.join("\n") + "\n").unwrap();
    }
    if let Some(out) = std::env::var_os("MUDROCK_LAS_WARNINGS") {
        std::fs::write(&out, report.join("\n") + "\n").unwrap();
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} files differ:\n{}",
        mismatches.len(),
        files.len(),
        mismatches.join("\n")
    );
}

/// `a` and `b` hold the same values, NaN matching NaN. A text column of nulls only reads back as a
/// numeric column of NaN: no value is left to say it was text, and both say "no values".
fn same_column(a: &Column, b: &Column) -> bool {
    match (a, b) {
        (Column::Numeric(x), Column::Numeric(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| p == q || (p.is_nan() && q.is_nan()))
        }
        (Column::Text(x), Column::Text(y)) => x == y,
        (Column::Text(t), Column::Numeric(n)) | (Column::Numeric(n), Column::Text(t)) => {
            t.len() == n.len() && t.iter().all(Option::is_none) && n.iter().all(|v| v.is_nan())
        }
    }
}

/// Header items that must survive a LAS 2.0 round trip: `~V` less the items the writer sets (VERS,
/// WRAP, DLM), all of `~W` (a NULL item is added when missing), all of `~P` plus the log's parameters.
fn kept_items(f: &LasFile, kind: SectionKind) -> Vec<(String, String, String, String)> {
    let mut items: Vec<_> = f
        .sections
        .iter()
        .filter(|s| s.kind == kind)
        .flat_map(|s| &s.items)
        .collect();
    if kind == SectionKind::Parameter {
        items.extend(&f.log.parameters);
    }
    items
        .into_iter()
        .filter(|i| {
            kind != SectionKind::Version
                || !["VERS", "WRAP", "DLM"]
                    .iter()
                    .any(|m| i.mnemonic.eq_ignore_ascii_case(m))
        })
        .map(|i| {
            (
                i.mnemonic.clone(),
                i.unit.clone(),
                i.value.clone(),
                i.description.clone(),
            )
        })
        .collect()
}

/// What differs between a file and its LAS 2.0 round trip (empty when nothing does).
pub(crate) fn round_trip_differences(first: &LasFile) -> Vec<String> {
    let mut out = Vec::new();
    las::write_las2(first, &mut out).unwrap();
    let second = match las::read_bytes(&out) {
        Ok(f) => f,
        Err(e) => return vec![format!("written file does not read back: {e}")],
    };
    let mut diffs = Vec::new();
    let curves = |f: &LasFile| -> Vec<(String, String, String)> {
        f.log
            .curves
            .iter()
            .map(|c| (c.mnemonic.clone(), c.unit.clone(), c.description.clone()))
            .collect()
    };
    if curves(first) != curves(&second) {
        diffs.push(format!("curves {:?} became {:?}", curves(first), curves(&second)));
    }
    if first.log.rows() != second.log.rows() || first.log.columns.len() != second.log.columns.len() {
        diffs.push(format!(
            "shape {}x{} became {}x{}",
            first.log.rows(),
            first.log.columns.len(),
            second.log.rows(),
            second.log.columns.len()
        ));
    } else {
        for (c, (a, b)) in first.log.columns.iter().zip(&second.log.columns).enumerate() {
            if !same_column(a, b) {
                diffs.push(format!("column {c} differs: {a:?} vs {b:?}"));
            }
        }
    }
    for kind in [SectionKind::Version, SectionKind::Well, SectionKind::Parameter] {
        let (a, mut b) = (kept_items(first, kind), kept_items(&second, kind));
        if kind == SectionKind::Well && !a.iter().any(|i| i.0.eq_ignore_ascii_case("NULL")) {
            b.retain(|i| !i.0.eq_ignore_ascii_case("NULL"));
        }
        if a != b {
            diffs.push(format!("{kind:?} items {a:?} became {b:?}"));
        }
    }
    diffs
}

/// What differs between a file and the LAS file made from its stored log (see `record_batch_to_las`):
/// nothing but the rows' order where the file's depths go up and down (a stored log is sorted).
fn exported_differences(first: &LasFile) -> Vec<String> {
    use mudrock_core::arrow::{DepthOrder, depth_order, las_to_record_batch, record_batch_to_las};
    let well = mudrock_core::layout::WellId::new("w").unwrap();
    // A log that cannot be stored (text index, nulls in it) is refused at ingest: nothing to export.
    let Ok(batch) = las_to_record_batch(first, &well) else {
        return Vec::new();
    };
    if depth_order(first) == DepthOrder::Unordered {
        return Vec::new();
    }
    let exported = match record_batch_to_las(&batch) {
        Ok(f) => f,
        Err(e) => return vec![format!("the stored log does not export: {e}")],
    };
    let mut diffs = Vec::new();
    let curves = |f: &LasFile| -> Vec<(String, String, String, String)> {
        f.log
            .curves
            .iter()
            .map(|c| {
                (
                    c.mnemonic.clone(),
                    c.unit.clone(),
                    c.value.clone(),
                    c.description.clone(),
                )
            })
            .collect()
    };
    if curves(first) != curves(&exported) {
        diffs.push(format!(
            "curves {:?} became {:?}",
            curves(first),
            curves(&exported)
        ));
    }
    if first.log.columns.len() != exported.log.columns.len() {
        diffs.push(format!(
            "{} columns became {}",
            first.log.columns.len(),
            exported.log.columns.len()
        ));
    }
    for (c, (a, b)) in first.log.columns.iter().zip(&exported.log.columns).enumerate() {
        if !same_column(a, b) {
            diffs.push(format!("column {c} differs"));
        }
    }
    for kind in [SectionKind::Version, SectionKind::Well, SectionKind::Parameter] {
        let (a, b) = (kept_items(first, kind), kept_items(&exported, kind));
        if a != b {
            diffs.push(format!("{kind:?} items {a:?} became {b:?}"));
        }
    }
    if first.null_value != exported.null_value {
        diffs.push(format!(
            "NULL {:?} became {:?}",
            first.null_value, exported.null_value
        ));
    }
    diffs.extend(round_trip_differences(&exported));
    diffs
}

/// Every file of `files` that reads, and what `differences` finds in it; fails listing the files where it
/// finds something (`what` says what that means), and when fewer than 100 files were read.
fn assert_no_differences(files: Vec<PathBuf>, what: &str, differences: impl Fn(LasFile) -> Vec<String>) {
    let dir = las_dir();
    let (mut failures, mut checked) = (Vec::new(), 0);
    for path in files {
        let Ok(first) = las::read_bytes(&std::fs::read(&path).unwrap()) else {
            continue;
        };
        checked += 1;
        let diffs = differences(first);
        if !diffs.is_empty() {
            failures.push(format!(
                "{}:\n    {}",
                rel_path(&dir, &path),
                diffs.join("\n    ")
            ));
        }
    }
    assert!(checked > 100, "only {checked} files were readable");
    assert!(
        failures.is_empty(),
        "{} files {what}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `mudrock export --format las` on every real file: the stored log back as the file it came from.
#[test]
fn every_stored_log_exports_as_the_file_it_came_from() {
    assert_no_differences(all_files(&las_dir()), "differ", |first| {
        exported_differences(&first)
    });
}

#[test]
fn every_readable_file_survives_a_las2_round_trip() {
    let files = all_files(&las_dir())
        .into_iter()
        .filter(|path| {
            let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
            ext.as_deref() == Some("las")
        })
        .collect();
    assert_no_differences(files, "changed in a round trip", |first| {
        round_trip_differences(&first)
    });
}

// ---- specifics of real files ----

fn read_real(rel: &str) -> LasFile {
    las::read_bytes(&las_file(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn numeric<'a>(d: &'a las::DataSet, m: &str) -> &'a [f64] {
    d.column(m)
        .and_then(Column::as_numeric)
        .unwrap_or_else(|| panic!("no numeric {m}"))
}

#[test]
fn identifiers_keep_their_leading_zeros() {
    let f = read_real("lasio/tests/examples/UWI_API_leading_zero.las");
    assert_eq!(f.well_value("UWI"), Some("05123370660000"));
    let f = read_real("lasio/tests/examples/1.2/sample_inf_api_leading_zero.las");
    assert_eq!(f.well_value("API"), Some("05001095820000"));
    let f = read_real("lasio/tests/examples/2.0/sample_2.0_inf_uwi_leading_zero.las");
    assert!(
        f.well_value("UWI").is_some_and(|v| v.starts_with('0')),
        "{:?}",
        f.well_value("UWI")
    );
}

#[test]
fn cp1252_file() {
    let f = read_real("lasio/tests/examples/encodings_cp1252.las");
    assert_eq!(f.encoding, "windows-1252");
    let other = f.section(SectionKind::Other).unwrap();
    assert!(
        other.text.iter().any(|l| l.contains("Note: ºThe logging tools")),
        "{:?}",
        other.text
    );
    let w: Vec<_> = f
        .warnings
        .iter()
        .filter(|w| w.kind == las::WarningKind::Encoding)
        .collect();
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].line, 41);
    assert_eq!(f.log.rows(), 3);
}

#[test]
fn wrapped_file_values() {
    let f = read_real("lasio/standards/examples/1.2/sample_wrapped.las");
    assert!(f.wrap);
    assert_eq!(numeric(&f.log, "DEPT"), &[910.0, 909.875, 909.75, 909.625, 909.5]);
    // Row 1: the depth line, then 35 values over 5 lines; -999.25 is the NULL.
    assert!(numeric(&f.log, "DT")[0].is_nan());
    assert_eq!(numeric(&f.log, "RHOB")[0], 2692.7075);
    assert_eq!(numeric(&f.log, "RHOB")[1], 2712.6460);
    let last = f.log.columns.last().and_then(Column::as_numeric).unwrap();
    assert_eq!(last[0], 0.0);
    // The header STOP says 901, the data ends at 909.5.
    let w: Vec<_> = f
        .warnings
        .iter()
        .filter(|w| w.kind == las::WarningKind::HeaderMismatch)
        .collect();
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].line, 8);
}

#[test]
fn las3_file_with_tops() {
    let f = read_real("lasio/tests/examples/3.0/sample_3.0.las");
    assert_eq!(f.version, las::LasVersion::V3_0);
    assert_eq!(f.delimiter, Some(','));
    assert_eq!((f.log.rows(), f.log.curves.len()), (3, 15));
    let tops = f.other_data.iter().find(|d| d.name == "TOPS").unwrap();
    assert_eq!(numeric(tops, "TOPT"), &[545.5, 602.0, 615.0]);
    match tops.column("TOPN") {
        Some(Column::Text(t)) => {
            assert_eq!(
                t,
                &vec![
                    Some("Viking".into()),
                    Some("Colony".into()),
                    Some("Basal Quartz".into())
                ]
            )
        }
        other => panic!("{other:?}"),
    }
    match f.log.column("CDES") {
        Some(Column::Text(t)) => assert_eq!(t[0].as_deref(), Some("DOLOMITE WI/VUGS")),
        other => panic!("{other:?}"),
    }
    assert_eq!(numeric(&f.log, "YME")[2], 2.85e12);
    let core: Vec<&str> = f
        .other_data
        .iter()
        .map(|d| d.name.as_str())
        .filter(|n| n.starts_with("Core"))
        .collect();
    assert_eq!(core, vec!["Core[1]", "Core[2]"]);
    assert_eq!(
        f.log.parameters.iter().filter(|p| p.mnemonic == "MATR").count(),
        2
    );
}

#[test]
fn las12_swapped_well_section() {
    let f = read_real("lasio/standards/examples/1.2/sample.las");
    assert_eq!(f.version, las::LasVersion::V1_2);
    assert_eq!(f.well_value("WELL"), Some("ANY ET AL OIL WELL #12"));
    assert_eq!(f.well_item("WELL").unwrap().description, "WELL");
    assert_eq!(f.well_value("COMP"), Some("# ANY OIL COMPANY LTD."));
    assert_eq!(f.well_value("UWI"), Some("100091604920W300"));
    assert_eq!(f.well_value("NULL"), Some("-999.2500"));
    assert_eq!(f.null_value, Some(-999.25));
}

#[test]
fn duplicate_mnemonics_in_a_real_file() {
    let f = read_real("lasio/tests/examples/mnemonic_duplicate.las");
    let names: Vec<&str> = f.log.curves.iter().map(|c| c.mnemonic.as_str()).collect();
    assert_eq!(
        names,
        vec!["DEPT", "DT", "RHOB", "NPHI", "SFLU", "SFLU:2", "ILM", "ILD"]
    );
    assert_eq!(f.log.curves[5].description, "6  SHALLOW RESISTIVITY");
}

#[test]
fn comma_decimal_in_a_real_file() {
    let f = read_real("lasio/tests/examples/comma_decimal_mark.las");
    assert_eq!(numeric(&f.log, "SFLU"), &[123.45, 123.42, 123.45]);
    assert!(
        f.warnings
            .iter()
            .any(|w| w.kind == las::WarningKind::CommaDecimal && w.line == 45)
    );
}

#[test]
fn utf16_files_read_like_their_utf8_original() {
    let original = read_real("lasio/tests/examples/encodings_utf8.las");
    for rel in [
        "encodings_utf16le.las",
        "encodings_utf16lebom.las",
        "encodings_utf16be.las",
        "encodings_utf16bebom.las",
    ] {
        let f = read_real(&format!("lasio/tests/examples/{rel}"));
        assert!(f.encoding.starts_with("UTF-16"), "{rel}: {}", f.encoding);
        assert_eq!(f.log, original.log, "{rel}");
        assert_eq!(f.sections, original.sections, "{rel}");
    }
}

#[test]
fn las3_numbered_data_sets_get_their_numbered_parameters() {
    let f = read_real("welly/tutorial/data/Wellington_KGS-1-32-wDST2_LASv3.las");
    let names: Vec<&str> = f.other_data.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "IQ_Brine",
            "Tops",
            "Test[1]",
            "Test[2]",
            "Test[3]",
            "Test[4]",
            "IQ_Control",
            "IQ_Geo_Report"
        ]
    );
    assert!(
        f.other_data.iter().all(|d| !d.parameters.is_empty()),
        "every set has a ~X_Parameter section"
    );
    // `~IQ_Las_Parameter` has no data set: it stays a parameter section.
    let titles: Vec<&str> = f
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Parameter)
        .map(|s| s.title.as_str())
        .collect();
    assert_eq!(titles, vec!["Parameter", "IQ_Las_Parameter"]);
}

/// The curve-list check (`index_column`) refuses a file only when another column runs from STRT to
/// STOP while the first does not; no real file of the data set is like that, so none is refused by it.
#[test]
fn no_real_file_is_refused_for_its_curve_list() {
    use mudrock_core::validation::{Registry, check_file};
    assert_no_differences(
        all_files(&las_dir()),
        "are refused for their curve list",
        |mut las| {
            let verdict = check_file(&mut las, &Registry::standard(), "0123456789abcdef", &[]);
            verdict
                .rejection
                .filter(|r| r.contains("[index_column]"))
                .into_iter()
                .collect()
        },
    );
}
