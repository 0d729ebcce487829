//! Every repair the LAS reader makes, on tiny inline files: the warning's kind and line, and the values
//! after the repair. And the inputs it refuses, with the line (and column) the error names.

use mudrock_core::las::{self, Column, LasErrorKind, LasFile, LasVersion, SectionKind, Warning, WarningKind};

/// Lines joined with `\n`: line N of the file is `lines[N - 1]`.
fn file(lines: &[&str]) -> String {
    lines.join("\n") + "\n"
}

fn read(lines: &[&str]) -> LasFile {
    las::read_bytes(file(lines).as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

fn warnings(f: &LasFile, kind: WarningKind) -> Vec<&Warning> {
    f.warnings.iter().filter(|w| w.kind == kind).collect()
}

/// The only warning of a kind, asserted to be on `line`.
fn one(f: &LasFile, kind: WarningKind, line: usize) -> &Warning {
    let ws = warnings(f, kind);
    assert_eq!(
        ws.len(),
        1,
        "expected one {kind:?} warning, got {:#?}",
        f.warnings
    );
    assert_eq!(
        ws[0].line, line,
        "{kind:?} warning on the wrong line: {:?}",
        ws[0]
    );
    ws[0]
}

/// No warning of a kind.
fn no_warning(f: &LasFile, kind: WarningKind) {
    assert!(
        warnings(f, kind).is_empty(),
        "expected no {kind:?} warning, got {:#?}",
        f.warnings
    );
}

fn num<'a>(f: &'a LasFile, mnemonic: &str) -> &'a [f64] {
    f.log
        .column(mnemonic)
        .and_then(Column::as_numeric)
        .unwrap_or_else(|| panic!("no numeric {mnemonic}"))
}

fn text<'a>(f: &'a LasFile, mnemonic: &str) -> &'a [Option<String>] {
    match f.log.column(mnemonic) {
        Some(Column::Text(t)) => t,
        other => panic!("{mnemonic} is not text: {other:?}"),
    }
}

/// NaN-aware equality of a numeric column with expected values (`None` = null).
fn assert_values(got: &[f64], want: &[Option<f64>]) {
    let got: Vec<Option<f64>> = got.iter().map(|v| (!v.is_nan()).then_some(*v)).collect();
    assert_eq!(got, want);
}

const V2: &str =
    "~V\n VERS. 2.0 : CWLS LOG ASCII STANDARD - VERSION 2.0\n WRAP. NO : ONE LINE PER DEPTH STEP";

/// A LAS 2.0 file: `~V` (3 lines), `~W` with NULL -999.25 (lines 4-5), `~C` (line 6) with the given curves,
/// then `~A` and the data lines. Returns the text and the line number of the first data line.
fn las2(curves: &[&str], data: &[&str]) -> (String, usize) {
    let mut lines: Vec<String> = V2.lines().map(str::to_string).collect();
    lines.push("~W".into());
    lines.push(" NULL.  -999.25 : NULL VALUE".into());
    lines.push("~C".into());
    lines.extend(curves.iter().map(|c| c.to_string()));
    lines.push("~A".into());
    let first = lines.len() + 1;
    lines.extend(data.iter().map(|d| d.to_string()));
    (lines.join("\n") + "\n", first)
}

fn read_text(text: &str) -> LasFile {
    las::read_bytes(text.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

// ---- header lines ----

#[test]
fn header_fields_follow_the_spec() {
    let f = read(&[
        "~VERSION INFORMATION",
        " VERS.  2.0 : CWLS LOG ASCII STANDARD",
        " WRAP.  NO  : ONE LINE PER DEPTH STEP",
        "~WELL INFORMATION",
        "# a comment line",
        " STRT.M     1670.0 : START",
        " NULL.      -999.25 : NULL VALUE",
        " DATE.      13/12/1986 12:30:45 : LOG DATE",
        " UWI .      05001095820000 : UNIQUE WELL ID",
        "   # another comment, indented",
        " LOC .      : LOCATION",
        "~PARAMETER INFORMATION",
        " TCS .hh:mm 21:30 23-JAN-2001:   Time Circ. Stopped",
        " DEPT.м      100 : Cyrillic unit",
        "~C",
        " DEPT.M : DEPTH",
        "~A",
        "1670.0",
    ]);
    let date = f.well_item("DATE").unwrap();
    assert_eq!(
        (date.value.as_str(), date.description.as_str(), date.line),
        ("13/12/1986 12:30:45", "LOG DATE", 8)
    );
    assert_eq!(f.well_value("UWI"), Some("05001095820000"));
    assert_eq!(f.well_value("LOC"), None);
    assert_eq!(f.well_item("STRT").unwrap().unit, "M");
    let p = &f.section(SectionKind::Parameter).unwrap().items;
    assert_eq!(
        (p[0].unit.as_str(), p[0].value.as_str()),
        ("hh:mm", "21:30 23-JAN-2001")
    );
    assert_eq!((p[1].mnemonic.as_str(), p[1].unit.as_str()), ("DEPT", "м"));
    assert!(f.warnings.is_empty(), "{:#?}", f.warnings);
}

#[test]
fn header_lines_without_period_or_colon() {
    let f = read(&[
        V2,
        "~W",
        " NULL.  -999.25 : NULL VALUE",
        "   HOLE NUMBER :hole",
        " SRVC.  ACME",
        "~P",
        "  DEPTH     DT       RHOB",
        "~C",
        " DEPT.M : DEPTH",
        "~A",
        "1.0",
    ]);
    let hole = f.well_item("HOLE NUMBER").unwrap();
    assert_eq!((hole.value.as_str(), hole.unit.as_str()), ("hole", ""));
    assert_eq!(f.well_value("SRVC"), Some("ACME"));
    let bad: Vec<usize> = warnings(&f, WarningKind::MalformedLine)
        .iter()
        .map(|w| w.line)
        .collect();
    assert_eq!(bad, vec![6, 7, 9], "{:#?}", f.warnings);
    assert_eq!(
        f.section(SectionKind::Parameter).unwrap().text,
        vec!["DEPTH     DT       RHOB"]
    );
}

#[test]
fn las12_well_values_are_taken_from_after_the_colon() {
    let f = read(&[
        "~VERSION INFORMATION",
        " VERS.                  1.2:   CWLS LOG ASCII STANDARD -VERSION 1.2",
        " WRAP.                  NO:   ONE LINE PER DEPTH STEP",
        "~WELL INFORMATION BLOCK",
        " STRT.M        1670.000000:",
        " NULL.           -999.2500:",
        " WELL.  WELL NAME:  ANY ET AL 12-34",
        " DATE.  LOG DATE:  25-DEC-1988 12:30",
        " UWI .      UNIQUE WELL ID:",
        "~C",
        " DEPT.M : DEPTH",
        "~A",
        "1670.0",
    ]);
    assert_eq!(f.version, LasVersion::V1_2);
    let well = f.well_item("WELL").unwrap();
    assert_eq!(
        (well.value.as_str(), well.description.as_str()),
        ("ANY ET AL 12-34", "WELL NAME")
    );
    assert_eq!(f.well_value("DATE"), Some("25-DEC-1988 12:30"));
    assert_eq!(f.well_item("UWI").unwrap().description, "UNIQUE WELL ID");
    assert_eq!(f.well_value("UWI"), None);
    assert_eq!(f.well_value("STRT"), Some("1670.000000"));
    let lines: Vec<usize> = warnings(&f, WarningKind::SwappedValue)
        .iter()
        .map(|w| w.line)
        .collect();
    assert_eq!(lines, vec![7, 8, 9]);
}

// ---- encodings ----

#[test]
fn utf8_bom_is_skipped() {
    let (text, _) = las2(&[" DEPT.M : DEPTH"], &["1.5"]);
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(text.as_bytes());
    let f = las::read_bytes(&bytes).unwrap();
    assert_eq!((f.encoding, f.version), ("UTF-8", LasVersion::V2_0));
    assert!(f.warnings.is_empty(), "{:#?}", f.warnings);
}

#[test]
fn non_utf8_lines_are_windows_1252() {
    let mut bytes = file(&[V2, "~W", " NULL.  -999.25 : NULL VALUE"]).into_bytes();
    bytes.extend_from_slice(b" LATI.DEG  45\xB0 39' 26\" N : LATITUDE\n~C\n DEPT.M : DEPTH\n~A\n1.0\n");
    let f = las::read_bytes(&bytes).unwrap();
    assert_eq!(f.encoding, "windows-1252");
    assert_eq!(f.well_value("LATI"), Some("45° 39' 26\" N"));
    one(&f, WarningKind::Encoding, 6);
}

#[test]
fn utf16_with_and_without_bom() {
    let (text, _) = las2(&[" DEPT.M : DEPTH", " GR.GAPI : GAMMA"], &["1.0 50", "2.0 60"]);
    for (bom, name) in [(true, "UTF-16LE"), (false, "UTF-16LE")] {
        let mut bytes = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let f = las::read_bytes(&bytes).unwrap();
        assert_eq!(f.encoding, name);
        assert_eq!(num(&f, "GR"), &[50.0, 60.0]);
        assert_eq!(warnings(&f, WarningKind::Encoding).len(), usize::from(!bom));
    }
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    let f = las::read_bytes(&be).unwrap();
    assert_eq!((f.encoding, f.log.rows()), ("UTF-16BE", 2));
}

// ---- nulls ----

#[test]
fn header_null_is_nan_without_warning_and_other_standard_values_stay() {
    let (text, first) = las2(
        &[" DEPT.M : DEPTH", " GR.GAPI : GAMMA"],
        &["1.0 -999.25", "2.0 -9999", "3.0 -999.2500"],
    );
    let f = read_text(&text);
    assert_values(num(&f, "GR"), &[None, Some(-9999.0), None]);
    no_warning(&f, WarningKind::Null);
    let _ = first;
}

#[test]
fn without_a_header_null_the_common_null_values_are_nulled_with_a_warning() {
    let f = read(&[
        V2,
        "~W",
        " STRT.M 1 : START",
        "~C",
        " DEPT.M : DEPTH",
        " GR.GAPI : GAMMA",
        "~A",
        "1 -999.25",
        "2 7",
        "3 -9999",
    ]);
    assert_values(num(&f, "GR"), &[None, Some(7.0), None]);
    let w = one(&f, WarningKind::Null, 10);
    assert!(w.message.contains("2 times"), "{w:?}");
    assert_eq!(f.null_value, None);
}

#[test]
fn text_nulls_are_nan_with_a_warning() {
    let (text, first) = las2(
        &[" DEPT.M : DEPTH", " A. : a", " B. : b", " C. : c"],
        &["1 NaN 5 -1.#IND0000", "2 - N/A 7", "3 null ****** INF"],
    );
    let f = read_text(&text);
    assert_values(num(&f, "A"), &[None, None, None]);
    assert_values(num(&f, "B"), &[Some(5.0), None, None]);
    assert_values(num(&f, "C"), &[None, Some(7.0), None]);
    let lines: Vec<usize> = warnings(&f, WarningKind::Null).iter().map(|w| w.line).collect();
    // One warning per column, at its first null.
    assert_eq!(lines, vec![first, first, first + 1]);
}

// ---- curves ----

#[test]
fn duplicate_mnemonics_are_made_unique() {
    let (text, _) = las2(
        &[
            " DEPT.M : DEPTH",
            " GR.GAPI : GAMMA 1",
            " gr.GAPI : GAMMA 2",
            " GR.GAPI : GAMMA 3",
        ],
        &["1 10 20 30"],
    );
    let f = read_text(&text);
    let names: Vec<&str> = f.log.curves.iter().map(|c| c.mnemonic.as_str()).collect();
    assert_eq!(names, vec!["DEPT", "GR", "gr:2", "GR:3"]);
    assert_eq!(f.log.curves[2].original_mnemonic, "gr");
    assert_eq!(num(&f, "GR:3"), &[30.0]);
    let lines: Vec<usize> = warnings(&f, WarningKind::DuplicateMnemonic)
        .iter()
        .map(|w| w.line)
        .collect();
    assert_eq!(lines, vec![9, 10]);
}

#[test]
fn curve_lines_with_odd_periods() {
    let (text, _) = las2(
        &[
            " DEPT  ..1IN : DEPTH",
            "Cond..MS/M : Cond.",
            " .ILM .OHMM : MEDIUM",
            " .OHMM : RXO",
            "-----------",
        ],
        &["1 2 3 4"],
    );
    let f = read_text(&text);
    let got: Vec<(&str, &str)> = f
        .log
        .curves
        .iter()
        .map(|c| (c.mnemonic.as_str(), c.unit.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("DEPT", ".1IN"),
            ("Cond.", "MS/M"),
            ("ILM", "OHMM"),
            ("UNKNOWN", "OHMM")
        ]
    );
    let lines: Vec<usize> = warnings(&f, WarningKind::MalformedLine)
        .iter()
        .map(|w| w.line)
        .collect();
    assert_eq!(lines, vec![9, 10, 11]);
}

// ---- data repairs ----

#[test]
fn comma_decimals_are_repaired() {
    let (text, first) = las2(
        &[" DEPT.M : DEPTH", " SFLU.OHMM : SFLU"],
        &["1670.0 123.45", "1669.875 123,420"],
    );
    let f = read_text(&text);
    assert_eq!(num(&f, "SFLU"), &[123.45, 123.42]);
    let w = one(&f, WarningKind::CommaDecimal, first + 1);
    assert!(w.message.contains("123,420"), "{w:?}");
}

#[test]
fn run_on_numbers_are_split_or_nulled() {
    let (text, first) = las2(
        &[" DEPT.FT : D", " A. : a", " B. : b", " C. : c"],
        &[
            "7686.0 9.207 4648.011 10.609",
            "7685.5 7.330-19508.961 10.424",
            "7685.0 7.020101130.188 10.560",
            "7684.5 -999.25-999.25 1.5",
        ],
    );
    let f = read_text(&text);
    assert_values(num(&f, "A"), &[Some(9.207), Some(7.33), None, None]);
    assert_values(num(&f, "B"), &[Some(4648.011), Some(-19508.961), None, None]);
    assert_values(
        num(&f, "C"),
        &[Some(10.609), Some(10.424), Some(10.56), Some(1.5)],
    );
    let w = one(&f, WarningKind::RunOnNumber, first + 1);
    assert!(w.message.contains("3 times"), "{w:?}");
}

#[test]
fn short_rows_are_padded_with_nulls_and_overflow_is_null() {
    let (text, first) = las2(
        &[" DEPT.M : D", " A. : a", " B. : b", " C. : c"],
        &["1 2 3 4", "2 5 ****************", "3 6 7 8"],
    );
    let f = read_text(&text);
    assert_values(num(&f, "B"), &[Some(3.0), None, Some(7.0)]);
    assert_values(num(&f, "C"), &[Some(4.0), None, Some(8.0)]);
    one(&f, WarningKind::ShortRow, first + 1);
    one(&f, WarningKind::Null, first + 1);
}

#[test]
fn extra_columns_in_the_first_row_become_curves() {
    let mut lines: Vec<&str> = V2.lines().collect();
    lines.extend([
        "~W",
        " NULL. -999.25 :",
        "~C",
        " D.M : depth",
        "A.US/M : a",
        "~A  DEPTH DT RHOB NPHI",
        "1 2 3 4",
        "2 3 4 5",
    ]);
    let f = read(&lines);
    let names: Vec<&str> = f.log.curves.iter().map(|c| c.mnemonic.as_str()).collect();
    assert_eq!(names, vec!["D", "A", "RHOB", "NPHI"]);
    assert_eq!(num(&f, "NPHI"), &[4.0, 5.0]);
    one(&f, WarningKind::HeaderMismatch, 10);
}

#[test]
fn non_numeric_columns_are_kept_as_text() {
    let (text, first) = las2(
        &[" DEPT.M : D", " ZONE. : zone", " GR.GAPI : gr"],
        &[
            "1 10 50",
            "2 pick_alpha 60",
            "3 \"pick gamma\" 70",
            "4 -999.25 80",
        ],
    );
    let f = read_text(&text);
    assert_eq!(
        text_values(&f, "ZONE"),
        vec![Some("10"), Some("pick_alpha"), Some("pick gamma"), None]
    );
    assert_eq!(num(&f, "GR"), &[50.0, 60.0, 70.0, 80.0]);
    one(&f, WarningKind::TextColumn, first + 1);
}

#[test]
fn numbers_beyond_f64_are_nulls_and_the_curve_stays_numeric() {
    // The reported attack: one `1e309` in a data row turned the whole curve into text, and a project
    // then refused every later file with that curve as numeric.
    let huge = "9".repeat(400);
    let (text, first) = las2(
        &[" DEPT.M : D", " GR.GAPI : gr", " RHOB.G/C3 : rhob"],
        &[
            "1 1e309 2.5",
            "2 60 2.6",
            &format!("3 {huge} 2.7"),
            "4 -1E+400 2.8",
            "5 80 2.9",
        ],
    );
    let f = read_text(&text);
    assert_values(num(&f, "GR"), &[None, Some(60.0), None, None, Some(80.0)]);
    assert_eq!(num(&f, "RHOB"), &[2.5, 2.6, 2.7, 2.8, 2.9]);
    let w = one(&f, WarningKind::OutOfRange, first);
    assert!(
        w.message.starts_with("GR: `1e309`") && w.message.contains("(3 times"),
        "{w:?}"
    );
    no_warning(&f, WarningKind::TextColumn);

    // Alone on its row too, and in a file where it is the only value of its curve.
    let (text, first) = las2(&[" DEPT.M : D", " GR.GAPI : gr"], &[&format!("1 {huge}")]);
    let f = read_text(&text);
    assert_values(num(&f, "GR"), &[None]);
    let w = one(&f, WarningKind::OutOfRange, first);
    assert!(
        w.message.contains("(400 characters)"),
        "a 400-digit value is shortened: {w:?}"
    );
}

#[test]
fn a_few_words_in_a_numeric_curve_are_nulls() {
    let (text, first) = las2(
        &[" DEPT.M : D", " GR.GAPI : gr"],
        &["1 50", "2 oops", "3 70", "4 \"quoted\"", "5 90", "6 100"],
    );
    let f = read_text(&text);
    assert_values(
        num(&f, "GR"),
        &[Some(50.0), None, Some(70.0), None, Some(90.0), Some(100.0)],
    );
    let w = one(&f, WarningKind::NotANumber, first + 1);
    assert!(
        w.message.starts_with("GR: `oops` is not a number; read as null")
            && w.message.contains("4 of its values are numbers")
            && w.message.contains("(2 times"),
        "{w:?}"
    );
    no_warning(&f, WarningKind::TextColumn);
}

#[test]
fn a_numeric_curve_whose_first_values_are_words_is_numeric_when_numbers_win() {
    // The column is text for a while (more words than numbers so far), then numbers take over: it is
    // read back as numbers, its words (a quoted number among them) as nulls.
    let (text, first) = las2(
        &[" DEPT.M : D", " GR.GAPI : gr"],
        &["1 bad", "2 \"12\"", "3 1.50", "4 -999.25", "5 007", "6 8", "7 9"],
    );
    let f = read_text(&text);
    assert_values(
        num(&f, "GR"),
        &[None, None, Some(1.5), None, Some(7.0), Some(8.0), Some(9.0)],
    );
    let w = one(&f, WarningKind::NotANumber, first);
    assert!(w.message.contains("(2 times"), "{w:?}");
    no_warning(&f, WarningKind::TextColumn);
}

#[test]
fn a_curve_of_mostly_words_is_text_whatever_its_first_value() {
    // Numbers first: those read before the words are formatted back, the later ones kept as written.
    let (text, first) = las2(
        &[" DEPT.M : D", " LITH. : lithology"],
        &["1 10", "2 SS", "3 SH", "4 1.50", "5 LS", "6 -999.25"],
    );
    let f = read_text(&text);
    assert_eq!(
        text_values(&f, "LITH"),
        vec![Some("10"), Some("SS"), Some("SH"), Some("1.50"), Some("LS"), None]
    );
    let w = one(&f, WarningKind::TextColumn, first + 1);
    assert!(
        w.message
            .starts_with("LITH: 3 values are not numbers (the first, `SS`"),
        "{w:?}"
    );
    no_warning(&f, WarningKind::NotANumber);
}

fn text_values<'a>(f: &'a LasFile, m: &str) -> Vec<Option<&'a str>> {
    text(f, m).iter().map(Option::as_deref).collect()
}

#[test]
fn header_strt_stop_step_against_the_data() {
    let f = read(&[
        V2,
        "~W",
        " STRT.M  100 : START",
        " STOP.M  110 : STOP",
        " STEP.M  0.5 : STEP",
        " NULL.  -999.25 :",
        "~C",
        " DEPT.M : DEPTH",
        "~A",
        "101",
        "102",
        "103",
    ]);
    let lines: Vec<usize> = warnings(&f, WarningKind::HeaderMismatch)
        .iter()
        .map(|w| w.line)
        .collect();
    assert_eq!(lines, vec![5, 6, 7]);
    assert_eq!(num(&f, "DEPT"), &[101.0, 102.0, 103.0]);
}

#[test]
fn irregular_steps_are_reported_at_their_line() {
    let (text, first) = las2(&[" DEPT.M : DEPTH"], &["1.0", "1.5", "2.0", "3.0", "3.5"]);
    let f = read_text(&text);
    one(&f, WarningKind::IrregularStep, first + 3);
}

#[test]
fn wrapped_rows_are_assembled_by_counting_values() {
    let f = read(&[
        "~V",
        " VERS. 2.0 :",
        " WRAP. YES :",
        "~W",
        " NULL. -999.25 :",
        "~C",
        " DEPT.M :",
        " A. :",
        " B. :",
        " C. :",
        " D. :",
        "~A",
        " 910.0",
        "  1.0  2.0",
        "  3.0  -999.25",
        " 909.5",
        "  5.0  6.0  7.0",
        "  8.0",
    ]);
    assert!(f.wrap);
    assert_eq!(num(&f, "DEPT"), &[910.0, 909.5]);
    assert_values(num(&f, "D"), &[None, Some(8.0)]);
    assert_values(num(&f, "C"), &[Some(3.0), Some(7.0)]);
    assert!(f.warnings.is_empty(), "{:#?}", f.warnings);
}

#[test]
fn wrapped_data_under_wrap_no_is_detected() {
    let (text, first) = las2(&[" DEPT.M :", " A. :", " B. :"], &["10", "1 2", "11", "3 4"]);
    let f = read_text(&text);
    assert_eq!(num(&f, "B"), &[2.0, 4.0]);
    one(&f, WarningKind::HeaderMismatch, first);
    assert!(f.wrap);
}

#[test]
fn commas_between_values_without_dlm_are_detected() {
    let (text, first) = las2(
        &[" DEPT.M :", " A. :", " B. :"],
        &["1.0,2.5,3", "2.0,3.5,-999.25"],
    );
    let f = read_text(&text);
    assert_values(num(&f, "B"), &[Some(3.0), None]);
    one(&f, WarningKind::Other, first);
    assert_eq!(f.delimiter, Some(','));
}

// ---- damaged data lines: one bad line costs that line, never the file ----

#[test]
fn a_fragment_ending_the_data_is_dropped() {
    // A file cut off mid-row: its last line holds one value of four. Read as a row it put depth 0.5
    // after 1001.5, and the log was refused as out of depth order.
    let (text, first) = las2(
        &[
            " DEPT.M : D",
            " GR.GAPI : gr",
            " RHOB.G/C3 : rhob",
            " NPHI.V/V : nphi",
        ],
        &[
            "1000.0 50 2.50 0.30",
            "1000.5 51 2.51 0.31",
            "1001.0 52 2.52 0.32",
            "1001.5 53 2.53 0.33",
            "0.5",
        ],
    );
    let f = read_text(&text);
    assert_eq!(num(&f, "DEPT"), &[1000.0, 1000.5, 1001.0, 1001.5]);
    assert_eq!(num(&f, "GR"), &[50.0, 51.0, 52.0, 53.0]);
    assert_eq!(num(&f, "NPHI"), &[0.30, 0.31, 0.32, 0.33]);
    let w = one(&f, WarningKind::TruncatedRow, first + 4);
    assert!(
        w.message.contains("1 value") && w.message.contains("4 curves"),
        "{w:?}"
    );
    no_warning(&f, WarningKind::ShortRow);

    // Two values of four, and comments and blank lines after it: still the last data line.
    let (text, first) = las2(
        &[" DEPT.M : D", " A. : a", " B. : b", " C. : c"],
        &["1 10 20 30", "2 11 21 31", "3 12", "", "# end of the log"],
    );
    let f = read_text(&text);
    assert_eq!(num(&f, "DEPT"), &[1.0, 2.0]);
    assert_eq!(num(&f, "C"), &[30.0, 31.0]);
    one(&f, WarningKind::TruncatedRow, first + 2);
}

#[test]
fn a_short_row_is_a_fragment_only_when_it_ends_data_of_whole_rows() {
    // Short in the middle: a row with its last values missing, padded as before (the next line shows
    // the data went on).
    let (text, first) = las2(
        &[" DEPT.M : D", " A. : a", " B. : b"],
        &["1 10 20", "2 11", "3 12 22"],
    );
    let f = read_text(&text);
    assert_values(num(&f, "B"), &[Some(20.0), None, Some(22.0)]);
    one(&f, WarningKind::ShortRow, first + 1);
    no_warning(&f, WarningKind::TruncatedRow);

    // Rows that are short throughout (the writer leaves trailing nulls out): the last is one of them.
    let (text, first) = las2(
        &[" DEPT.M : D", " A. : a", " B. : b"],
        &["1 10 20", "2 11", "3 12"],
    );
    let f = read_text(&text);
    assert_eq!(num(&f, "DEPT"), &[1.0, 2.0, 3.0]);
    assert_values(num(&f, "A"), &[Some(10.0), Some(11.0), Some(12.0)]);
    let w = one(&f, WarningKind::ShortRow, first + 1);
    assert!(w.message.contains("2 times"), "{w:?}");
    no_warning(&f, WarningKind::TruncatedRow);
}

#[test]
fn an_incomplete_last_wrapped_record_is_dropped() {
    let f = read(&[
        "~V",
        " VERS. 2.0 :",
        " WRAP. YES :",
        "~W",
        " NULL. -999.25 :",
        "~C",
        " DEPT.M :",
        " A. :",
        " B. :",
        " C. :",
        "~A",
        " 910.0",
        "  1.0  2.0  3.0",
        " 909.5",
        "  4.0  5.0  6.0",
        " 909.0",
        "  7.0",
    ]);
    assert_eq!(num(&f, "DEPT"), &[910.0, 909.5]);
    assert_eq!(num(&f, "A"), &[1.0, 4.0]);
    assert_eq!(num(&f, "C"), &[3.0, 6.0]);
    let w = one(&f, WarningKind::TruncatedRow, 16);
    assert!(
        w.message.contains("2 values") && w.message.contains("4 curves"),
        "{w:?}"
    );
    no_warning(&f, WarningKind::ShortRow);
}

#[test]
fn a_junk_line_right_after_the_data_title_is_skipped() {
    // Control bytes (an old DOS end-of-file mark and a NUL) and words where the first row should be.
    let (text, first) = las2(
        &[
            " DEPT.M : D",
            " GR.GAPI : gr",
            " RHOB.G/C3 : rhob",
            " NPHI.V/V : nphi",
        ],
        &[
            "\x1a\x00garbage here",
            "1000.0 50 2.50 0.30",
            "1000.5 51 2.51 0.31",
            "1001.0 52 2.52 0.32",
        ],
    );
    let f = read_text(&text);
    assert_eq!(num(&f, "DEPT"), &[1000.0, 1000.5, 1001.0]);
    assert_eq!(num(&f, "GR"), &[50.0, 51.0, 52.0]);
    assert_eq!(num(&f, "NPHI"), &[0.30, 0.31, 0.32]);
    let w = one(&f, WarningKind::NotData, first);
    assert!(w.message.contains("\\u{1a}\\0garbage here"), "{w:?}");
    assert!(!f.wrap);
    assert_eq!(f.warnings.len(), 1, "{:#?}", f.warnings);

    // Words alone, as many as to pass for extra columns on the first row: no curve is added for them,
    // and one word alone does not make the data wrapped.
    for junk in ["this is not data at all", "garbage"] {
        let (text, first) = las2(
            &[" DEPT.M : D", " GR.GAPI : gr"],
            &[junk, "1000.0 50", "1000.5 51"],
        );
        let f = read_text(&text);
        assert_eq!(f.log.curves.len(), 2);
        assert_eq!(num(&f, "DEPT"), &[1000.0, 1000.5]);
        assert_eq!(num(&f, "GR"), &[50.0, 51.0]);
        one(&f, WarningKind::NotData, first);
        assert!(!f.wrap);
    }

    // Two junk lines, words then control bytes: one warning, naming the first of them.
    let (text, first) = las2(
        &[" DEPT.M : D", " GR.GAPI : gr"],
        &["garbage here", "\x00\x00\x00", "1000.0 50", "1000.5 51"],
    );
    let f = read_text(&text);
    assert_eq!(num(&f, "GR"), &[50.0, 51.0]);
    let w = one(&f, WarningKind::NotData, first);
    assert!(
        w.message.starts_with("`garbage here` is not a data line") && w.message.contains("2 times"),
        "{w:?}"
    );
}

#[test]
fn a_junk_line_among_the_data_is_skipped_and_no_row_moves() {
    let (text, first) = las2(
        &[
            " DEPT.M : D",
            " GR.GAPI : gr",
            " RHOB.G/C3 : rhob",
            " NPHI.V/V : nphi",
        ],
        &[
            "1000.0 50 2.50 0.30",
            "1000.5 51 2.51 0.31",
            "\x1a\x00garbage here",
            "1001.0 52 2.52 0.32",
            "ERROR tool stopped at 1001.25",
            "1001.5 53 2.53 0.33",
            // Kept: the index is a number, the words are nulls in a numeric curve, as before.
            "1002.0 oops 2.54 0.34",
            // Kept: null spellings are values, not words.
            "1002.5 NaN null -",
            "1003.0 55 2.55 0.35",
        ],
    );
    let f = read_text(&text);
    assert_eq!(
        num(&f, "DEPT"),
        &[1000.0, 1000.5, 1001.0, 1001.5, 1002.0, 1002.5, 1003.0]
    );
    assert_values(
        num(&f, "GR"),
        &[
            Some(50.0),
            Some(51.0),
            Some(52.0),
            Some(53.0),
            None,
            None,
            Some(55.0),
        ],
    );
    assert_values(
        num(&f, "NPHI"),
        &[
            Some(0.30),
            Some(0.31),
            Some(0.32),
            Some(0.33),
            Some(0.34),
            None,
            Some(0.35),
        ],
    );
    let w = one(&f, WarningKind::NotData, first + 2);
    assert!(w.message.contains("2 times"), "{w:?}");
    one(&f, WarningKind::NotANumber, first + 6);
    no_warning(&f, WarningKind::TextColumn);

    // Wrapped: a junk line inside a record or where one starts adds no value to any record.
    let f = read(&[
        "~V",
        " VERS. 2.0 :",
        " WRAP. YES :",
        "~W",
        " NULL. -999.25 :",
        "~C",
        " DEPT.M :",
        " A. :",
        " B. :",
        "~A",
        " 910.0",
        "\x1a\x1a",
        "  1.0  2.0",
        "continued on the next page",
        " 909.5",
        "  3.0  4.0",
    ]);
    assert_eq!(num(&f, "DEPT"), &[910.0, 909.5]);
    assert_eq!(num(&f, "A"), &[1.0, 3.0]);
    assert_eq!(num(&f, "B"), &[2.0, 4.0]);
    let w = one(&f, WarningKind::NotData, 12);
    assert!(w.message.contains("2 times"), "{w:?}");
}

#[test]
fn text_data_is_not_junk() {
    // LAS 3.0 with a declared text curve: a row of words is data.
    let f = read(&[
        "~Version",
        " VERS. 3.0 :",
        " DLM . COMMA :",
        "~Tops_Definition",
        " TOPN. : name {S}",
        " TOPT.M : top {F}",
        "~Tops_Data | Tops_Definition",
        "\"Viking sand\", 545.5",
        "Colony, NaN",
        "Basal Quartz, 615.0",
    ]);
    let tops = &f.other_data[0];
    assert_eq!(tops.rows(), 3);
    no_warning(&f, WarningKind::NotData);

    // LAS 2.0 data of nothing but words, undeclared: no line of it is a row of numbers, so the words
    // are the data (kept as text, as before), not junk among numbers.
    let (text, first) = las2(
        &[" ZONE. : zone", " LITH. : lithology"],
        &["Viking sandstone", "Colony shale", "Basal quartzite"],
    );
    let f = read_text(&text);
    assert_eq!(
        text_values(&f, "LITH"),
        vec![Some("sandstone"), Some("shale"), Some("quartzite")]
    );
    assert_eq!(text_values(&f, "ZONE")[0], Some("Viking"));
    no_warning(&f, WarningKind::NotData);
    let text_columns: Vec<usize> = warnings(&f, WarningKind::TextColumn)
        .iter()
        .map(|w| w.line)
        .collect();
    assert_eq!(text_columns, vec![first, first]);
}

// ---- sections ----

#[test]
fn missing_and_misplaced_sections() {
    // No ~V; ~W after ~C; ~A before ~P (a section after ~A).
    let f = read(&[
        "~C",
        " DEPT.M : DEPTH",
        "~W",
        " NULL. -999.25 :",
        "~A",
        "1",
        "2",
        "~P",
        " X. 1 : x",
    ]);
    assert_eq!(f.version, LasVersion::V2_0);
    one(&f, WarningKind::MissingSection, 0);
    let lines: Vec<usize> = warnings(&f, WarningKind::MisplacedSection)
        .iter()
        .map(|w| w.line)
        .collect();
    assert_eq!(lines, vec![3, 8]);
    assert_eq!(num(&f, "DEPT"), &[1.0, 2.0]);
    assert_eq!(f.section(SectionKind::Parameter).unwrap().items[0].value, "1");
}

#[test]
fn data_before_its_curve_definitions() {
    let f = read(&[
        V2,
        "~W",
        " NULL. -999.25 :",
        "~A",
        "1 10",
        "2 -999.25",
        "~C",
        " DEPT.M :",
        " GR.GAPI :",
    ]);
    assert_values(num(&f, "GR"), &[Some(10.0), None]);
    let w: Vec<usize> = warnings(&f, WarningKind::MisplacedSection)
        .iter()
        .map(|w| w.line)
        .collect();
    assert!(w.contains(&6), "{:#?}", f.warnings);
}

#[test]
fn data_before_its_curve_definitions_keeps_its_line_numbers() {
    // The waiting lines are kept as one text, blank and comment lines included, so that warnings and
    // errors still name the right line.
    let f = read(&[
        V2,
        "~W",
        " NULL. -999.25 :",
        "~A",
        "",
        "# a comment",
        "1 10",
        "   ",
        "2 oops",
        "3 30",
        "~C",
        " DEPT.M :",
        " GR.GAPI :",
    ]);
    assert_values(num(&f, "GR"), &[Some(10.0), None, Some(30.0)]);
    one(&f, WarningKind::NotANumber, 11);
    let e = las::read_bytes(file(&[V2, "~A", "1 2", "", "2 3 4", "~C", " D.M :", " A. :"]).as_bytes())
        .unwrap_err();
    assert_eq!((e.kind, e.line), (LasErrorKind::Data, 7));
}

#[test]
fn curves_named_by_the_data_title_line_when_there_is_no_curve_section() {
    let f = read(&["~A  DEPTH  GR", "1 10", "2 20"]);
    assert_eq!(num(&f, "GR"), &[10.0, 20.0]);
    let m: Vec<usize> = warnings(&f, WarningKind::MissingSection)
        .iter()
        .map(|w| w.line)
        .collect();
    assert_eq!(m, vec![0, 0, 1]);
}

#[test]
fn header_only_file_has_curves_and_no_rows() {
    let f = read(&[V2, "~W", " NULL. -999.25 :", "~C", " DEPT.M :", " GR.GAPI :"]);
    assert_eq!((f.log.rows(), f.log.curves.len()), (0, 2));
    one(&f, WarningKind::MissingSection, 0);
}

#[test]
fn comments_anywhere() {
    let (text, first) = las2(
        &["# curves", " DEPT.M :", "  # indented comment", " GR.GAPI :"],
        &["# data comment", "1 10", "  # another", "2 20"],
    );
    let f = read_text(&text);
    assert_eq!(num(&f, "GR"), &[10.0, 20.0]);
    assert!(f.warnings.is_empty(), "{:#?}", f.warnings);
    assert_eq!(f.log.curves[1].line, first - 2);
}

// ---- LAS 3.0 ----

#[test]
fn las3_delimiters_quotes_and_data_sets() {
    let f = read(&[
        "~Version",
        " VERS. 3.0 :",
        " WRAP. NO :",
        " DLM . COMMA :",
        "~Well",
        " NULL. -999.25 :",
        "~Log_Parameter",
        " RUNS. 2 : runs",
        "~Log_Definition",
        " DEPT.M : depth {F}",
        " CDES. : core description {S}",
        " GR.GAPI : gamma {F}",
        "~Log_Data | Log_Definition",
        "1670.0,\"DOLOMITE, VUGGY\",12",
        "1669.5,123,-999.25",
        "~Tops_Definition",
        " TOPT.M : top {F}",
        " TOPN. : name {S}",
        "~Tops_Parameter",
        " SRC. picks : source",
        "~Tops_Data | Tops_Definition",
        " 545.50, Viking",
        " 602.00, \"Colony",
        "sand\"",
    ]);
    assert_eq!((f.version, f.delimiter), (LasVersion::V3_0, Some(',')));
    assert_eq!(
        text_values(&f, "CDES"),
        vec![Some("DOLOMITE, VUGGY"), Some("123")]
    );
    assert_values(num(&f, "GR"), &[Some(12.0), None]);
    assert_eq!(f.log.parameters[0].mnemonic, "RUNS");
    let tops = &f.other_data[0];
    assert_eq!((tops.name.as_str(), tops.rows()), ("Tops", 2));
    assert_eq!(tops.parameters[0].value, "picks");
    match tops.column("TOPN") {
        Some(Column::Text(t)) => assert_eq!(
            t,
            &vec![Some("Viking".to_string()), Some("Colony\nsand".to_string())]
        ),
        other => panic!("{other:?}"),
    }
    assert!(
        f.section(SectionKind::Parameter).is_none(),
        "set parameters are not sections"
    );
    assert!(f.warnings.is_empty(), "{:#?}", f.warnings);
}

#[test]
fn las3_tab_delimiter_keeps_blanks_inside_values() {
    let f = read(&[
        "~Version",
        " VERS. 3.0 :",
        " DLM . TAB :",
        "~Drilling_Definition",
        " Depth.ft :",
        " Recording_date. : {MM/dd/yyyy HH:mm:ss}",
        "~Drilling_Data | Drilling_Definition",
        "  18400.0\t03/29/2021 13:00:31",
        "  18401.0\t03/29/2021 13:01:20",
    ]);
    let d = &f.other_data[0];
    assert_eq!((d.name.as_str(), d.rows()), ("Drilling", 2));
    match d.column("Recording_date") {
        Some(Column::Text(t)) => assert_eq!(t[1].as_deref(), Some("03/29/2021 13:01:20")),
        other => panic!("{other:?}"),
    }
    one(&f, WarningKind::TextColumn, 8);
    assert_eq!(f.log.rows(), 0);
}

// ---- errors ----

#[test]
fn not_a_las_file() {
    let e = las::read_bytes(b"just some text\nno sections\n").unwrap_err();
    assert_eq!((e.kind, e.line), (LasErrorKind::NotLas, 1));
    let e = las::read_bytes(b"").unwrap_err();
    assert_eq!(e.kind, LasErrorKind::NotLas);
    let e = las::read_bytes(b"%PDF-1.4\n\x00\x01\x02binary\n").unwrap_err();
    assert_eq!((e.kind, e.line, e.column), (LasErrorKind::NotLas, 2, Some(1)));
}

#[test]
fn a_row_with_too_many_values_is_an_error_naming_line_and_column() {
    let (text, first) = las2(&[" DEPT.M :", " A. :"], &["1 2", "2 3 99.5"]);
    let e = las::read_bytes(text.as_bytes()).unwrap_err();
    assert_eq!(
        (e.kind, e.line, e.column),
        (LasErrorKind::Data, first + 1, Some(5))
    );
    assert!(e.message.contains("99.5"), "{e}");
    assert!(
        e.to_string()
            .starts_with(&format!("line {}, column 5:", first + 1)),
        "{e}"
    );
}

#[test]
fn data_without_curve_definitions_is_an_error() {
    let e = las::read_bytes(file(&[V2, "~W", " NULL. -999.25 :", "~A", "1 2 3"]).as_bytes()).unwrap_err();
    assert_eq!((e.kind, e.line), (LasErrorKind::NoCurves, 6));
}

#[test]
fn an_unclosed_quote_is_an_error_at_its_line() {
    let e = las::read_bytes(
        file(&[
            "~Version",
            " VERS. 3.0 :",
            " DLM. COMMA :",
            "~Log_Definition",
            " D.M :",
            " T. :",
            "~Log_Data",
            "1,ok",
            "2,\"open",
            "3,x",
        ])
        .as_bytes(),
    )
    .unwrap_err();
    assert_eq!((e.kind, e.line), (LasErrorKind::Data, 9));
}
