//! The reader's limits (`ReadLimits`): files built to cost memory are refused early, at the line that
//! passes a limit, with an error that names the limit; files within the limits read as before.

use std::time::{Duration, Instant};

use mudrock_core::las::{self, LasError, LasErrorKind, LasFile, ReadLimits, WarningKind};

const HEAD: &str = "~V\n VERS. 2.0 :\n WRAP. NO :\n~W\n NULL. -999.25 :\n";

/// `HEAD` (5 lines), `~C` (line 6) with `curves` curves, `~A` and the data lines.
fn las_with_curves(curves: usize, data: &[&str]) -> String {
    let mut text = String::from(HEAD);
    text.push_str("~C\n");
    for i in 0..curves {
        text.push_str(&format!(" C{i}.M : curve {i}\n"));
    }
    text.push_str("~A\n");
    for d in data {
        text.push_str(d);
        text.push('\n');
    }
    text
}

fn limit_error(result: Result<LasFile, LasError>, field: &str) -> LasError {
    let e = result.expect_err("past a limit");
    assert_eq!(e.kind, LasErrorKind::Limit, "{e}");
    assert!(
        e.message.contains(&format!("{field} = ")),
        "the error names the limit: {e}"
    );
    e
}

#[test]
fn twenty_thousand_curves_are_refused_at_the_first_curve_past_the_limit() {
    let text = las_with_curves(20_000, &[]);
    let started = Instant::now();
    let e = limit_error(las::read_bytes(text.as_bytes()), "max_curves");
    // Curve 1001 is on line 6 + 1001.
    assert_eq!(e.line, 6 + ReadLimits::DEFAULT.max_curves + 1, "{e}");
    assert!(e.to_string().contains("1001 curves in the file"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(5), "refused early");

    // Raised, the same file reads (its ~C is a long header section too).
    let limits = ReadLimits {
        max_curves: 20_000,
        max_section_items: 20_000,
        ..ReadLimits::default()
    };
    let f = las::read_bytes_with_limits(text.as_bytes(), limits).unwrap();
    assert_eq!(f.log.curves.len(), 20_000);
}

#[test]
fn extra_values_on_the_first_row_make_curves_only_within_the_limit() {
    // Within the limit, the extra values still become curves (the reader's repair for a `~C` that
    // forgot columns).
    let f = las::read_bytes(las_with_curves(2, &["1 2 3 4", "2 3 4 5"]).as_bytes()).unwrap();
    assert_eq!(f.log.curves.len(), 4);
    assert!(f.warnings.iter().any(|w| w.kind == WarningKind::HeaderMismatch));

    // 40,000 values on the first row: refused at that row, not 40,000 curves.
    let row = (0..40_000).map(|i| i.to_string()).collect::<Vec<_>>().join(" ");
    let text = las_with_curves(2, &[&row, "1 2"]);
    let e = limit_error(las::read_bytes(text.as_bytes()), "max_curves");
    assert_eq!(e.line, 6 + 2 + 2, "the first data line: {e}");

    // The limit is for the whole file: 998 defined leave room for 2 more.
    let limits = ReadLimits {
        max_curves: 1_000,
        ..ReadLimits::default()
    };
    let row: String = (0..1_000).map(|i| format!("{i} ")).collect();
    let f = las::read_bytes_with_limits(las_with_curves(998, &[&row]).as_bytes(), limits).unwrap();
    assert_eq!(f.log.curves.len(), 1_000);
    let row: String = (0..1_001).map(|i| format!("{i} ")).collect();
    limit_error(
        las::read_bytes_with_limits(las_with_curves(998, &[&row]).as_bytes(), limits),
        "max_curves",
    );
}

#[test]
fn curves_named_by_a_data_title_line_count_against_the_limit() {
    let names: String = (0..1_001).map(|i| format!(" C{i}")).collect();
    let text = format!("~A{names}\n1\n");
    let e = limit_error(las::read_bytes(text.as_bytes()), "max_curves");
    assert_eq!(e.line, 1);
}

#[test]
fn a_definition_serving_many_data_sets_counts_for_each() {
    // One 600-curve definition, data sets `Core[1]` and `Core[2]`: 1,200 curves are made.
    let mut text = String::from("~Version\n VERS. 3.0 :\n~Core_Definition\n");
    for i in 0..600 {
        text.push_str(&format!(" C{i}.M :\n"));
    }
    let second = 4 + 600 + 2;
    text.push_str("~Core[1]_Data | Core_Definition\n1\n~Core[2]_Data | Core_Definition\n1\n");
    let e = limit_error(las::read_bytes(text.as_bytes()), "max_curves");
    assert_eq!(e.line, second, "{e}");
}

#[test]
fn a_line_past_the_limit_is_refused_naming_its_line() {
    let long = format!(" WELL. {} : name", "x".repeat(300 * 1024));
    let text = format!("~V\n VERS. 2.0 :\n~W\n{long}\n~C\n D.M :\n~A\n1\n");
    let e = limit_error(las::read_bytes(text.as_bytes()), "max_line_bytes");
    assert_eq!(e.line, 4);

    let limits = ReadLimits {
        max_line_bytes: 100,
        ..ReadLimits::default()
    };
    let text = format!("~V\n VERS. 2.0 :\n~W\n WELL. {} : name\n", "x".repeat(100));
    let e = limit_error(
        las::read_bytes_with_limits(text.as_bytes(), limits),
        "max_line_bytes",
    );
    assert_eq!(e.line, 4);
    // A data line too.
    let text = las_with_curves(1, &["1", &"2".repeat(101)]);
    let e = limit_error(
        las::read_bytes_with_limits(text.as_bytes(), limits),
        "max_line_bytes",
    );
    assert_eq!(e.line, 6 + 1 + 1 + 2);
}

#[test]
fn header_sections_and_the_whole_header_are_bounded() {
    let limits = ReadLimits {
        max_section_items: 10,
        max_header_bytes: 2_000,
        ..ReadLimits::default()
    };
    let items: String = (0..11).map(|i| format!(" P{i}. {i} : p\n")).collect();
    let text = format!("{HEAD}~P\n{items}");
    let e = limit_error(
        las::read_bytes_with_limits(text.as_bytes(), limits),
        "max_section_items",
    );
    assert_eq!(e.line, 6 + 11, "the 11th item: {e}");
    // ~O free text lines count as items.
    let text = format!("{HEAD}~O\n{}", "some text\n".repeat(11));
    limit_error(
        las::read_bytes_with_limits(text.as_bytes(), limits),
        "max_section_items",
    );
    // Many sections of few items each still meet the header bound.
    let text = format!("{HEAD}{}", "~P\n X. 1 : x\n".repeat(200));
    let e = limit_error(
        las::read_bytes_with_limits(text.as_bytes(), limits),
        "max_header_bytes",
    );
    assert!(e.line > 6 && e.line < 400, "{e}");
    // Data lines do not count as header.
    let rows: Vec<String> = (0..1_000).map(|i| i.to_string()).collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let f = las::read_bytes_with_limits(las_with_curves(1, &rows).as_bytes(), limits).unwrap();
    assert_eq!(f.log.rows(), 1_000);
}

#[test]
fn the_defaults_hold_every_real_file() {
    // The widest real file has 57 curves; the defaults must leave it far behind.
    let d = ReadLimits::default();
    assert_eq!(d, ReadLimits::DEFAULT);
    assert!(d.max_curves >= 1_000 && d.max_line_bytes >= 64 * 1024 && d.max_header_bytes >= 1 << 20);
}
