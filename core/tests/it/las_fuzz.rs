//! Property tests: the LAS reader never panics, whatever the bytes, and the writer's output reads back
//! to the same values.

use mudrock_core::las::{self, Column, CurveInfo, LasErrorKind, ReadLimits};
use proptest::prelude::*;

use super::las_conformance::{las_file, round_trip_differences};
use super::las_writer::las_with;

/// Small real files of each kind, as seeds for mutation.
const SEEDS: &[&str] = &[
    "lasio/tests/examples/2.0/sample_2.0.las",
    "lasio/tests/examples/1.2/sample_wrapped.las",
    "lasio/tests/examples/3.0/sample_3.0.las",
    "lasio/tests/examples/null_policy_runon.las",
    "lasio/tests/examples/encodings_utf16lebom.las",
    "lasio/tests/examples/lasio_issue_271.las",
    "welly/tutorial/data/P-135_cuttings.las",
];

/// Bytes that matter to a LAS parser.
const SPECIAL: &[u8] = b"~#.:\"',|\t \r\n\x00\xFF\xB0-9eE[]{}";

#[derive(Debug, Clone)]
enum Mutation {
    Set(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Truncate(usize),
    DuplicateLine(usize),
}

fn byte() -> impl Strategy<Value = u8> {
    prop_oneof![any::<u8>(), proptest::sample::select(SPECIAL.to_vec())]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), byte()).prop_map(|(p, b)| Mutation::Set(p, b)),
        (any::<usize>(), proptest::collection::vec(byte(), 1..8)).prop_map(|(p, b)| Mutation::Insert(p, b)),
        (any::<usize>(), 1..64usize).prop_map(|(p, n)| Mutation::Delete(p, n)),
        any::<usize>().prop_map(Mutation::Truncate),
        any::<usize>().prop_map(Mutation::DuplicateLine),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let len = bytes.len().max(1);
    match m {
        Mutation::Set(p, b) => {
            if let Some(slot) = bytes.get_mut(p % len) {
                *slot = *b;
            }
        }
        Mutation::Insert(p, b) => {
            let at = (p % len).min(bytes.len());
            bytes.splice(at..at, b.iter().copied());
        }
        Mutation::Delete(p, n) => {
            let at = (p % len).min(bytes.len());
            let end = (at + n).min(bytes.len());
            bytes.drain(at..end);
        }
        Mutation::Truncate(p) => bytes.truncate(p % len),
        Mutation::DuplicateLine(p) => {
            let at = (p % len).min(bytes.len());
            let start = bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let end = bytes[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |i| at + i + 1);
            let line = bytes[start..end].to_vec();
            bytes.splice(start..start, line);
        }
    }
}

/// Lines a LAS file is made of, for building structurally plausible random files.
const LINES: &[&str] = &[
    "~V",
    "~W",
    "~C",
    "~P",
    "~O",
    "~A",
    "~A DEPT GR",
    "~Log_Definition",
    "~Log_Data | Log_Definition",
    "~Tops_Definition",
    "~Tops_Data | Tops_Definition",
    "~Tops_Parameter",
    "~X | Y_Definition",
    "~",
    " VERS. 1.2 :",
    " VERS. 3.0 :",
    " WRAP. YES :",
    " WRAP. NO :",
    " DLM. COMMA :",
    " DLM. TAB :",
    " NULL. -999.25 :",
    " NULL. x :",
    " STRT.M 1 :",
    " STEP.M 0 :",
    " STOP.M 2 :",
    "DEPT.M : d",
    "GR.GAPI : g {S}",
    " .X .Y : z",
    "a..b : c",
    "no period",
    ":",
    ".",
    "1",
    "1 2",
    "1 2 3",
    "1,2",
    "1,\"a",
    "b\",2",
    "\"q r\" 5",
    "-999.25-999.25 1",
    "NaN - ****",
    "1e309 word",
    "2 99999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999e9",
    "\"12\" SS",
    "1,5 2,5",
    "# c",
    "1\t2",
    "",
    "   ",
    "\u{feff}~V",
    "DEPT.м 1 : Ж",
];

/// Words no writer uses for a number or a null (`ERROR` would be a null).
const JUNK_WORDS: &[&str] = &["garbage", "page", "end", "of", "data", "tool", "stopped", "é"];

/// A line that is not data: control bytes with anything after them, or words (two or more) and at most
/// one number.
fn junk_line() -> impl Strategy<Value = String> {
    let control = proptest::sample::select(vec!['\0', '\u{1a}', '\u{1}', '\u{7f}', '\u{85}']);
    let words = proptest::collection::vec(proptest::sample::select(JUNK_WORDS.to_vec()), 2..6);
    prop_oneof![
        (control, "[ -~]{0,20}").prop_map(|(c, rest)| format!("{c}{rest}")),
        (words, proptest::option::of(0..5000i32)).prop_map(|(words, number)| {
            let mut line = words.join(" ");
            if let Some(n) = number {
                line.push_str(&format!(" {n}.5"));
            }
            line
        }),
    ]
}

/// A LAS 2.0 file of three numeric curves holding `rows`, each row a line; the data's first line is 9.
fn numeric_las(rows: &[[f64; 3]]) -> Vec<String> {
    let mut lines: Vec<String> = [
        "~V",
        " VERS. 2.0 :",
        " WRAP. NO :",
        "~W",
        " NULL. -999.25 :",
        "~C",
        " DEPT.M :",
        " A. :",
        " B. :",
        "~A",
    ]
    .iter()
    .map(|l| l.to_string())
    .collect();
    lines.extend(rows.iter().map(|r| format!("{} {} {}", r[0], r[1], r[2])));
    lines
}

/// Rows of a numeric table: the index increasing, values that are no null value.
fn numeric_rows() -> impl Strategy<Value = Vec<[f64; 3]>> {
    proptest::collection::vec((0..100_000i32, 0..100_000i32), 2..30).prop_map(|values| {
        values
            .iter()
            .enumerate()
            .map(|(i, &(a, b))| [1000.0 + i as f64 * 0.5, f64::from(a) / 4.0, f64::from(b) / 8.0])
            .collect()
    })
}

fn columns_of(f: &las::LasFile) -> Vec<Vec<f64>> {
    f.log
        .columns
        .iter()
        .map(|c| c.as_numeric().map(<[f64]>::to_vec).unwrap_or_default())
        .collect()
}

fn columns_of_rows(rows: &[[f64; 3]]) -> Vec<Vec<f64>> {
    (0..3).map(|c| rows.iter().map(|r| r[c]).collect()).collect()
}

proptest! {
    // 400 cases by default; PROPTEST_CASES sets more for a longer hunt.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(400),
        // Failures are reported in the test output, not saved into the source tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = las::read_bytes(&bytes);
    }

    #[test]
    fn random_las_like_lines_never_panic(
        lines in proptest::collection::vec(proptest::sample::select(LINES.to_vec()), 0..40),
        crlf in any::<bool>(),
    ) {
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        if let Ok(f) = las::read_bytes(text.as_bytes()) {
            // Whatever was read has consistent shapes.
            for set in std::iter::once(&f.log).chain(&f.other_data) {
                prop_assert_eq!(set.columns.len(), set.curves.len());
                prop_assert!(set.columns.iter().all(|c| c.len() == set.rows()));
            }
        }
    }

    #[test]
    fn mutated_files_never_panic(
        seed in 0..SEEDS.len(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let mut bytes = las_file(SEEDS[seed]);
        for m in &mutations {
            apply(&mut bytes, m);
        }
        if let Ok(f) = las::read_bytes(&bytes) {
            prop_assert!(f.log.columns.iter().all(|c| c.len() == f.log.rows()));
        }
    }

    #[test]
    fn mutated_files_within_tiny_limits_never_panic(
        seed in 0..SEEDS.len(),
        mutations in proptest::collection::vec(mutation(), 0..4),
        max_curves in 0..6usize,
        max_line_bytes in 0..120usize,
        max_section_items in 0..8usize,
        max_header_bytes in 0..1500usize,
    ) {
        let mut bytes = las_file(SEEDS[seed]);
        for m in &mutations {
            apply(&mut bytes, m);
        }
        let limits = ReadLimits { max_curves, max_line_bytes, max_section_items, max_header_bytes };
        match las::read_bytes_with_limits(&bytes, limits) {
            Ok(f) => {
                let curves: usize =
                    std::iter::once(&f.log).chain(&f.other_data).map(|s| s.curves.len()).sum();
                prop_assert!(curves <= max_curves, "{} curves past the limit {}", curves, max_curves);
                prop_assert!(f.log.columns.iter().all(|c| c.len() == f.log.rows()));
            }
            Err(e) if e.kind == LasErrorKind::Limit => prop_assert!(e.message.contains("more than the reader accepts (max_")),
            Err(_) => {}
        }
    }

    #[test]
    fn numeric_tables_round_trip(
        rows in proptest::collection::vec(
            proptest::collection::vec(prop_oneof![4 => any::<f64>(), 1 => Just(f64::NAN)], 3),
            0..30,
        ),
    ) {
        // The writer's NULL value is the one number a file cannot hold as data.
        let clean = |v: f64| if v.is_finite() && v != -999.25 { v } else { f64::NAN };
        let columns = (0..3).map(|c| Column::Numeric(rows.iter().map(|r| clean(r[c])).collect())).collect();
        let curves = ["DEPT", "A", "B"].iter().map(|m| CurveInfo {
            mnemonic: m.to_string(),
            original_mnemonic: m.to_string(),
            unit: String::new(),
            value: String::new(),
            description: String::new(),
            line: 0,
        }).collect();
        let las = las_with(curves, columns, Some(-999.25));
        let diffs = round_trip_differences(&las);
        prop_assert!(diffs.is_empty(), "{:?}", diffs);
    }

    #[test]
    fn text_values_round_trip(values in proptest::collection::vec(proptest::option::of("[ a-zA-Z0-9.,:#~'\"*-]{0,12}"), 1..20)) {
        // A value holding both `" ` and `' ` (a quote followed by a blank) cannot be quoted in LAS 2.0;
        // its `'` are dropped here so that every case is a fair one.
        let both = |s: &str| {
            let ends = |q: char| s.match_indices(q).any(|(i, _)| s[i + 1..].starts_with(' ') || i + 1 == s.len());
            ends('"') && ends('\'')
        };
        let values: Vec<Option<String>> =
            values.into_iter().map(|v| v.map(|s| if both(&s) { s.replace('\'', "") } else { s })).collect();
        let n = values.len();
        let curves = ["DEPT", "T"].iter().map(|m| CurveInfo {
            mnemonic: m.to_string(),
            original_mnemonic: m.to_string(),
            unit: String::new(),
            value: String::new(),
            description: String::new(),
            line: 0,
        }).collect();
        let columns = vec![Column::Numeric((0..n).map(|i| i as f64).collect()), Column::Text(values)];
        let las = las_with(curves, columns, Some(-999.25));
        let diffs = round_trip_differences(&las);
        prop_assert!(diffs.is_empty(), "{:?}", diffs);
    }

    #[test]
    fn a_junk_line_costs_only_itself(rows in numeric_rows(), at in any::<usize>(), junk in junk_line()) {
        let mut lines = numeric_las(&rows);
        let first = lines.len() - rows.len();
        let at = first + at % (rows.len() + 1);
        lines.insert(at, junk);
        let f = las::read_bytes((lines.join("\n") + "\n").as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(columns_of(&f), columns_of_rows(&rows));
        let skipped: Vec<usize> =
            f.warnings.iter().filter(|w| w.kind == las::WarningKind::NotData).map(|w| w.line).collect();
        prop_assert_eq!(skipped, vec![at + 1], "{:#?}", f.warnings);
    }

    #[test]
    fn a_fragment_ending_the_data_costs_only_itself(rows in numeric_rows(), kept in 1..3usize, wrapped in any::<bool>()) {
        let mut lines = numeric_las(&rows);
        if wrapped {
            // The same rows wrapped: the index alone on a line, then the other values.
            lines.truncate(lines.len() - rows.len());
            lines[2] = " WRAP. YES :".to_string();
            for r in &rows {
                lines.push(r[0].to_string());
                lines.push(format!("{} {}", r[1], r[2]));
            }
        }
        // A row cut off after `kept` of its values; in a wrapped record that is its first line and a piece of
        // its second.
        let fragment_line = lines.len() + 1;
        let last = rows.last().map_or([0.0; 3], |r| *r);
        let fragment: Vec<String> = last.iter().take(kept).map(f64::to_string).collect();
        if wrapped && kept == 2 {
            lines.push(fragment[0].clone());
            lines.push(fragment[1].clone());
        } else {
            lines.push(fragment.join(" "));
        }
        let f = las::read_bytes((lines.join("\n") + "\n").as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(columns_of(&f), columns_of_rows(&rows));
        let dropped: Vec<usize> =
            f.warnings.iter().filter(|w| w.kind == las::WarningKind::TruncatedRow).map(|w| w.line).collect();
        prop_assert_eq!(dropped, vec![fragment_line], "{:#?}", f.warnings);
    }
}
