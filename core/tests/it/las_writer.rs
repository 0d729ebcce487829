//! The LAS 2.0 writer: what it writes, and that awkward values read back unchanged.

use mudrock_core::las::{
    self, Column, CurveInfo, DataSet, HeaderItem, LasFile, LasVersion, Section, SectionKind,
};

use super::las_conformance::round_trip_differences;

fn item(mnemonic: &str, unit: &str, value: &str, description: &str) -> HeaderItem {
    HeaderItem {
        mnemonic: mnemonic.into(),
        unit: unit.into(),
        value: value.into(),
        description: description.into(),
        line: 0,
    }
}

fn curve(mnemonic: &str, unit: &str) -> CurveInfo {
    CurveInfo {
        mnemonic: mnemonic.into(),
        original_mnemonic: mnemonic.into(),
        unit: unit.into(),
        value: String::new(),
        description: format!("{mnemonic} curve"),
        line: 0,
    }
}

fn section(kind: SectionKind, title: &str, items: Vec<HeaderItem>) -> Section {
    Section {
        title: title.into(),
        kind,
        items,
        text: Vec::new(),
        line: 0,
    }
}

pub(crate) fn las_with(curves: Vec<CurveInfo>, columns: Vec<Column>, null: Option<f64>) -> LasFile {
    let mut well = vec![
        item("STRT", "M", "1", "START"),
        item("WELL", "", "A-1 : west", "WELL"),
    ];
    if let Some(n) = null {
        well.push(item("NULL", "", &n.to_string(), "NULL VALUE"));
    }
    LasFile {
        version: LasVersion::V2_0,
        wrap: false,
        delimiter: None,
        null_value: null,
        sections: vec![
            section(
                SectionKind::Version,
                "VERSION",
                vec![item("VERS", "", "2.0", ""), item("PROG", "", "mudrock", "writer")],
            ),
            section(SectionKind::Well, "WELL", well),
            section(
                SectionKind::Parameter,
                "PARAMETER",
                vec![item("TIML", "hh:mm", "23:15 23-JAN-2001", "Time Logger")],
            ),
            Section {
                title: "OTHER".into(),
                kind: SectionKind::Other,
                items: Vec::new(),
                text: vec!["free text: kept".into()],
                line: 0,
            },
        ],
        log: DataSet {
            name: "Log".into(),
            curves,
            columns,
            parameters: Vec::new(),
        },
        other_data: Vec::new(),
        warnings: Vec::new(),
        encoding: "UTF-8",
    }
}

fn write(las: &LasFile) -> String {
    let mut out = Vec::new();
    las::write_las2(las, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn writes_las2_sections_and_null_for_nan() {
    let las = las_with(
        vec![curve("DEPT", "M"), curve("GR", "GAPI")],
        vec![
            Column::Numeric(vec![1.0, 1.5]),
            Column::Numeric(vec![f64::NAN, 42.25]),
        ],
        Some(-9999.0),
    );
    let text = write(&las);
    let titles: Vec<&str> = text.lines().filter(|l| l.starts_with('~')).collect();
    assert_eq!(
        titles,
        vec![
            "~VERSION INFORMATION",
            "~WELL INFORMATION",
            "~CURVE INFORMATION",
            "~PARAMETER INFORMATION",
            "~OTHER",
            "~A"
        ]
    );
    assert!(text.contains(" VERS.   2.0 :"));
    assert!(text.contains(" WRAP.   NO :"));
    assert!(text.ends_with("1 -9999\n1.5 42.25\n"), "{text}");
    assert!(
        round_trip_differences(&las).is_empty(),
        "{:?}",
        round_trip_differences(&las)
    );
}

#[test]
fn adds_a_null_item_when_there_is_none() {
    let las = las_with(
        vec![curve("DEPT", "M")],
        vec![Column::Numeric(vec![f64::NAN, 2.0])],
        None,
    );
    let text = write(&las);
    assert!(text.contains(" NULL.   -999.25 : NULL VALUE"), "{text}");
    let back = las::read_bytes(text.as_bytes()).unwrap();
    assert_eq!(back.null_value, Some(-999.25));
    assert!(back.log.columns[0].as_numeric().unwrap()[0].is_nan());
}

#[test]
fn awkward_numbers_round_trip_exactly() {
    let values = vec![
        0.1 + 0.2,
        1e-300,
        -1.7976931348623157e308,
        5e-324,
        123456789012345680.0,
        -0.0,
        1.45e12,
        f64::NAN,
        2.5e-6,
    ];
    let depth: Vec<f64> = (0..values.len()).map(|i| i as f64 * 0.1524).collect();
    let las = las_with(
        vec![curve("DEPT", "M"), curve("X", "")],
        vec![Column::Numeric(depth), Column::Numeric(values)],
        Some(-999.25),
    );
    assert!(
        round_trip_differences(&las).is_empty(),
        "{:?}",
        round_trip_differences(&las)
    );
}

#[test]
fn awkward_text_and_curves_round_trip() {
    let text = vec![
        Some("plain".to_string()),
        Some("two words".into()),
        Some("123".into()),
        Some("-999.25".into()),
        Some("NaN".into()),
        Some("-".into()),
        Some(String::new()),
        None,
        Some("it's \"quoted\"".into()),
        Some("\"lead".into()),
        Some("#hash".into()),
        Some("~tilde".into()),
        Some("  padded  ".into()),
        Some("0,0".into()),
        Some("1.5-2.5".into()),
    ];
    let n = text.len();
    let mut dup = curve("GR", "GAPI");
    dup.mnemonic = "GR:2".into();
    dup.original_mnemonic = "GR".into();
    let las = las_with(
        vec![
            curve("DEPT", ".1IN"),
            curve("Cond.", "MS/M"),
            curve("GR", "GAPI"),
            dup,
            curve("ZONE", ""),
        ],
        vec![
            Column::Numeric((0..n).map(|i| i as f64).collect()),
            Column::Numeric(vec![1.0; n]),
            Column::Numeric(vec![2.0; n]),
            Column::Numeric(vec![3.0; n]),
            Column::Text(text),
        ],
        Some(-999.25),
    );
    assert!(
        round_trip_differences(&las).is_empty(),
        "{:?}",
        round_trip_differences(&las)
    );
}

#[test]
fn las3_data_sets_other_than_the_log_are_not_written() {
    let mut las = las_with(
        vec![curve("DEPT", "M")],
        vec![Column::Numeric(vec![1.0])],
        Some(-999.25),
    );
    las.other_data.push(DataSet {
        name: "Tops".into(),
        curves: vec![curve("TOPT", "M")],
        columns: vec![Column::Numeric(vec![545.5])],
        parameters: Vec::new(),
    });
    let back = las::read_bytes(write(&las).as_bytes()).unwrap();
    assert!(back.other_data.is_empty());
    assert_eq!(back.log.rows(), 1);
}
