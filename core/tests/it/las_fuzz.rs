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
}
