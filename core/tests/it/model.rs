//! Well model over hand-built LAS files whose `~Well` lines are copied from files under
//! ../shared/data/las (the file each comes from is named beside it).

use mudrock_core::las::{Column, CurveInfo, DataSet, HeaderItem, LasFile, LasVersion, Section, SectionKind};
use mudrock_core::model::{
    CurveFamily, CurveMeta, LocationConfidence, Unit, WellHeader, canonical_unit, resolve_family,
};

/// Splits one header line `MNEM.UNIT  VALUE : DESCRIPTION` the way LAS 2.0 defines it: the first `.`
/// ends the mnemonic, the unit runs to the first blank, the last `:` starts the description.
pub fn item(line: &str) -> HeaderItem {
    let line = line.trim();
    let (mnemonic, rest) = line.split_once('.').unwrap();
    let (unit, rest) = if rest.starts_with(char::is_whitespace) {
        ("", rest)
    } else {
        rest.split_once(char::is_whitespace).unwrap_or((rest, ""))
    };
    let (value, description) = rest.rsplit_once(':').unwrap_or((rest, ""));
    HeaderItem {
        mnemonic: mnemonic.trim().to_owned(),
        unit: unit.trim().to_owned(),
        value: value.trim().to_owned(),
        description: description.trim().to_owned(),
        line: 0,
    }
}

pub fn curve(mnemonic: &str, unit: &str, api: &str, description: &str) -> CurveInfo {
    CurveInfo {
        mnemonic: mnemonic.to_owned(),
        original_mnemonic: mnemonic.to_owned(),
        unit: unit.to_owned(),
        value: api.to_owned(),
        description: description.to_owned(),
        line: 0,
    }
}

/// A LAS 2.0 file with the given `~Well` lines and log data.
pub fn las(well_lines: &[&str], curves: Vec<CurveInfo>, columns: Vec<Column>) -> LasFile {
    LasFile {
        version: LasVersion::V2_0,
        wrap: false,
        delimiter: None,
        null_value: Some(-999.25),
        sections: vec![
            Section {
                title: "VERSION INFORMATION".to_owned(),
                kind: SectionKind::Version,
                items: vec![
                    item("VERS.   2.0 : CWLS LOG ASCII STANDARD - VERSION 2.0"),
                    item("WRAP.   NO : ONE LINE PER DEPTH STEP"),
                ],
                text: vec![],
                line: 1,
            },
            Section {
                title: "WELL INFORMATION".to_owned(),
                kind: SectionKind::Well,
                items: well_lines.iter().map(|l| item(l)).collect(),
                text: vec![],
                line: 4,
            },
        ],
        log: DataSet {
            name: "Log".to_owned(),
            curves,
            columns,
            parameters: vec![],
        },
        other_data: vec![],
        warnings: vec![],
        encoding: "UTF-8",
    }
}

fn header(lines: &[&str]) -> WellHeader {
    WellHeader::from_las(&las(
        lines,
        vec![curve("DEPT", "M", "", "DEPTH")],
        vec![Column::Numeric(vec![])],
    ))
}

#[test]
fn wellington_decimal_degrees() {
    // welly/tutorial/data/Wellington_feet.las
    let h = header(&[
        " STRT  .F                                       580.0  : START DEPTH",
        " STOP  .F                                      5252.0  : END DEPTH",
        " STEP  .F                                         0.5  : STEP LENGTH",
        " NULL  .                                      -999.25  : NULL VALUE ",
        " COMP  .                                  BEREXCO LLC  : Company",
        " WELL  .                          Wellington KGS 1-32  : Well Name",
        " FLD   .                                   WELLINGTON  : Field  ",
        " LOC   .                            T31S R1W, Sec. 32  : Location (Sec Town Range)",
        " LATI  .DEG                                   37.3153  : Latitude ",
        " LONG  .DEG                                  -97.4424  : Longitude",
    ]);
    assert_eq!(h.name.as_deref(), Some("Wellington KGS 1-32"));
    assert_eq!(h.company.as_deref(), Some("BEREXCO LLC"));
    assert_eq!(h.location_text.as_deref(), Some("T31S R1W, Sec. 32"));
    let loc = h.location.unwrap();
    assert_eq!((loc.latitude, loc.longitude), (37.3153, -97.4424));
    assert_eq!(loc.raw_lat, "37.3153");
    assert_eq!(loc.confidence, LocationConfidence::High);
    assert_eq!(h.index.start, Some(580.0));
    assert_eq!(h.index.stop, Some(5252.0));
    assert_eq!(h.index.step, Some(0.5));
    assert_eq!(h.index.unit_raw, "F");
    assert_eq!(h.index.unit, Some(Unit::Foot));
    assert_eq!(h.null_value, Some(-999.25));
}

#[test]
fn mojibake_dms_and_elevations() {
    // welly/tutorial/data/P-135_out.LAS (the degree sign is the MacRoman one re-encoded: `∞`)
    let h = header(&[
        "STRT .m      197.51040000 :",
        "STOP .m      951.89040000 :",
        "STEP .m     0.15240000 :",
        "NULL .        -999.250000 :",
        "WELL            .                Eastrock Lauren #1        :WELL NAME",
        "CTRY            .                        Canada            :COUNTRY",
        "API             .                        435655            :API NUMBER",
        "UWI             .                       -999.25            :UNIQUE WELL ID",
        "LATI            .deg             45∞ 39' 26.518\" N         :LATITUDE",
        "LONG            .deg             64∞ 0' 51.347\" W          :LONGITUDE",
        "PDAT            .                            GL            :Local Permanent Datum",
        "LMF             .                            KB            :Logging Measured From",
        "EKB             .m                    123.00000            :Elevation of Kelly Bushing Above Permanent Datum",
        "ECF             .m                      -999.25            :Elevation of Casing Flange above Permanent Datum",
    ]);
    let loc = h.location.clone().unwrap();
    assert!((loc.latitude - (45.0 + 39.0 / 60.0 + 26.518 / 3600.0)).abs() < 1e-9);
    assert!((loc.longitude + (64.0 + 51.347 / 3600.0)).abs() < 1e-9);
    assert_eq!(loc.raw_lat, "45∞ 39' 26.518\" N");
    assert_eq!(loc.confidence, LocationConfidence::Medium);
    assert_eq!(h.country.as_deref(), Some("Canada"));
    // Identifiers are kept exactly as found, but the NULL value in the UWI's place is none.
    assert_eq!(h.uwi, None);
    assert_eq!(h.api.as_deref(), Some("435655"));
    assert_eq!(h.elevations.kelly_bushing.as_ref().unwrap().value, 123.0);
    assert_eq!(
        h.elevations.kelly_bushing.as_ref().unwrap().unit,
        Some(Unit::Meter)
    );
    assert_eq!(h.elevations.permanent_datum.as_deref(), Some("GL"));
    assert_eq!(h.elevations.log_measured_from.as_deref(), Some("KB"));
    assert_eq!(h.index.unit, Some(Unit::Meter));
    let json = serde_json::to_value(&h).unwrap();
    assert_eq!(json["location"]["confidence"], "Medium");
    assert_eq!(json["index"]["unit"], "m");
}

#[test]
fn cp1252_degree_sign_and_placeholders() {
    // lasio/tests/examples/3.0/Curve-Param Error #6 (SS).LAS, byte 0xB0 decoded as cp1252.
    let h = header(&[
        "LATI.            0° 00' 4.000\" S           :Well Latitude",
        "LONG.            10° 00' 10.00\" E          :Longitude",
    ]);
    let loc = h.location.unwrap();
    assert!((loc.latitude + 4.0 / 3600.0).abs() < 1e-12);
    assert!((loc.longitude - (10.0 + 10.0 / 3600.0)).abs() < 1e-12);

    // lasio/tests/examples/3.0/Curve-Param Unknown #1(SS).las: 96 minutes.
    let h = header(&[
        "LATI                    .deg               00° 40' 24.000\" N    :Latitude",
        "LONG                    .deg               00° 96' 01.000\" W    :Local Permanent Datum",
    ]);
    assert!(h.location.is_none());
    assert!(h.location_issue.unwrap().contains("longitude"));
    assert_eq!(h.raw_longitude.as_deref(), Some("00° 96' 01.000\" W"));

    // lasio/tests/examples/3.0/Good File (SS).las: zeros everywhere, UWI of nines.
    let h = header(&[
        "LONG               .         -00.000000                    : ",
        "UWI                .         99999999999999                : ",
        "LATI               .         00.000000                     : ",
    ]);
    assert!(h.location.is_none());
    assert!(h.location_issue.unwrap().contains("placeholder"));
    assert_eq!(h.uwi.as_deref(), Some("99999999999999"));

    // lasio/tests/examples/issue79.las: blank.
    let h = header(&[
        " LATI .                                  : Latitude",
        " LONG .                                  : Longitude",
    ]);
    assert_eq!((h.location, h.location_issue), (None, None));

    let h = header(&[
        "LATI .DEG 999999999999 : Latitude",
        "LONG .DEG 999999999999 : Longitude",
    ]);
    assert!(h.location.is_none());
    assert!(h.location_issue.unwrap().contains("out of range"));
}

#[test]
fn las3_lat_lon_and_kansas_identity() {
    // lasio/standards/examples/3.0/sample_3.0.las
    let h = header(&[
        " LAT .DEG                             34.56789 : Latitude  {DEG}",
        " LONG.DEG                           -102.34567 : Longitude  {DEG}",
    ]);
    let loc = h.location.unwrap();
    assert_eq!((loc.latitude, loc.longitude), (34.56789, -102.34567));

    // lasio/tests/examples/1001178549.las: Kansas, API with leading digits kept as text.
    let h = header(&[
        " UWI  .              15-187-20743: Unique Well Id",
        " STAT .                    Kansas: State",
        " COUN .                   STANTON: County Name",
        " LOC  .       C,NW,NE, 28-30S-39W: WELL LOCATION",
        " API  .              151872074300: API NUMBER",
        " LIC  .                   2074300: ERCB LICENSE NUMBER",
        " LAT  .                  37.41565: Latitude",
        " LONG .                -101.58701: Longitude",
    ]);
    assert_eq!(h.uwi.as_deref(), Some("15-187-20743"));
    assert_eq!(h.api.as_deref(), Some("151872074300"));
    assert_eq!(h.state.as_deref(), Some("Kansas"));
    assert_eq!(h.county.as_deref(), Some("STANTON"));
    assert_eq!(h.licence.as_deref(), Some("2074300"));
    assert_eq!(h.location.unwrap().latitude, 37.41565);
}

#[test]
fn leading_zero_identifiers_stay_strings() {
    // lasio/tests/examples/UWI_API_leading_zero.las (` UWI .      UNIQUE WELL ID:   05123370660000`,
    // LAS 1.2 swapped; the reader puts the value back) and an API of the same shape.
    let h = header(&[
        "UWI .      05123370660000 : UNIQUE WELL ID",
        "API .      05123370660000 : API NUMBER",
    ]);
    assert_eq!(h.uwi.as_deref(), Some("05123370660000"));
    assert_eq!(h.api.as_deref(), Some("05123370660000"));
}

#[test]
fn projected_coordinates_are_kept_raw() {
    // lasio/tests/examples/3.0 files: `X .FEET 2464256.21`, `HZCS . UTM 16`
    let h = header(&[
        "X                  .FEET     2464256.21                    : ",
        "Y                  .FEET     3744325.38                    : ",
        "HZCS               .         UTM 16                        : ",
        " GDAT .       NAD83                            : Geodetic Datum",
    ]);
    let p = h.projected.unwrap();
    assert_eq!((p.x, p.y), (2464256.21, 3744325.38));
    assert_eq!(p.unit, "FEET");
    assert_eq!(p.canonical_unit, Some(Unit::Foot));
    assert_eq!(h.horizontal_crs.as_deref(), Some("UTM 16"));
    assert_eq!(h.datum.as_deref(), Some("NAD83"));
    assert!(h.location.is_none());

    let h = header(&[
        "X                  .ft       0000000.00 : ",
        "Y                  .ft       00000000.00 : ",
    ]);
    assert!(h.projected.is_none());
}

#[test]
fn swapped_las12_layout_reads_the_description() {
    let h = header(&[
        "LATI .DEG  LATITUDE: 37° 48' 2.2\" N",
        "LONG .DEG  LONGITUDE: 97° 12' 1.5\" W",
    ]);
    let loc = h.location.unwrap();
    assert!((loc.latitude - (37.0 + 48.0 / 60.0 + 2.2 / 3600.0)).abs() < 1e-9);
    assert_eq!(loc.confidence, LocationConfidence::Medium);
}

#[test]
fn curve_metadata_from_sample_las() {
    // lasio/tests/examples/sample.las ~C section
    let defs = [
        ("DEPT", "M", "", "1  DEPTH"),
        ("DT", "US/M", "60 520 32 00", "2  SONIC TRANSIT TIME"),
        ("RHOB", "K/M3", "45 350 01 00", "3  BULK DENSITY"),
        ("NPHI", "V/V", "42 890 00 00", "4   NEUTRON POROSITY"),
        ("SFLU", "OHMM", "07 220 04 00", "5  RESISTIVITY"),
        ("SFLA", "OHMM", "07 222 01 00", "6  RESISTIVITY"),
        ("ILM", "OHMM", "07 120 44 00", "7  RESISTIVITY"),
        ("ILD", "OHMM", "07 120 46 00", "8  RESISTIVITY"),
    ];
    let fams: Vec<CurveFamily> = defs
        .iter()
        .map(|(m, u, a, d)| CurveMeta::from_info(&curve(m, u, a, d)).family)
        .collect();
    assert_eq!(
        fams,
        [
            CurveFamily::Index,
            CurveFamily::Sonic,
            CurveFamily::Density,
            CurveFamily::NeutronPorosity,
            CurveFamily::ShallowResistivity,
            CurveFamily::ShallowResistivity,
            CurveFamily::MediumResistivity,
            CurveFamily::DeepResistivity,
        ]
    );
    let rhob = CurveMeta::from_info(&curve("RHOB", "K/M3", "45 350 01 00", "3  BULK DENSITY"));
    assert_eq!(rhob.canonical_unit, Some(Unit::KilogramPerCubicMeter));
    assert_eq!(rhob.api_code, "45 350 01 00");
    assert_eq!(
        canonical_unit("K/M3")
            .unwrap()
            .convert(2650.0, Unit::GramPerCubicCentimeter),
        Some(2.65)
    );
    assert_eq!(resolve_family("GRD", "GAPI", ""), CurveFamily::GammaRay);
}

mod never_panics {
    use mudrock_core::model::{
        Axis, WellHeader, canonical_unit, convert, fraction_scale, parse_angle, resolve_family,
    };
    use proptest::prelude::*;

    fn angle_text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[-+]?[0-9]{1,3}(\\.[0-9]{0,6})?([°∞� ]+[0-9]{1,2}'? ?[0-9.]{0,6}\"?)? ?[NSEWnsew]?",
        ]
    }

    proptest! {
        #[test]
        fn angles_are_refused_or_in_range(text in angle_text()) {
            for axis in [Axis::Latitude, Axis::Longitude] {
                if let Ok(a) = parse_angle(&text, axis) {
                    let limit = if axis == Axis::Latitude { 90.0 } else { 180.0 };
                    prop_assert!(a.degrees.is_finite() && a.degrees.abs() <= limit, "{text:?} → {}", a.degrees);
                }
            }
        }

        #[test]
        fn registry_and_families_take_anything(a in any::<String>(), b in any::<String>(), c in any::<String>(), v in any::<f64>()) {
            let _ = canonical_unit(&a);
            let _ = convert(v, &a, &b);
            let _ = resolve_family(&a, &b, &c);
            let _ = fraction_scale(&a, &[v]);
        }

        #[test]
        fn headers_take_any_item_values(values in proptest::collection::vec(angle_text(), 12)) {
            let names = ["LATI", "LONG", "X", "Y", "STRT", "STOP", "STEP", "NULL", "UWI", "EKB", "LAT", "LON"];
            let lines: Vec<String> = names.iter().zip(&values).map(|(n, v)| format!("{n}.DEG {} : d", v.replace(':', " "))).collect();
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            let las = super::las(&refs, vec![super::curve("DEPT", "M", "", "")], vec![mudrock_core::las::Column::Numeric(vec![])]);
            let h = WellHeader::from_las(&las);
            if let Some(loc) = h.location {
                prop_assert!(loc.latitude.abs() <= 90.0 && loc.longitude.abs() <= 180.0);
            }
        }
    }
}

/// The same headers read from the real files by the LAS reader.
mod real_files {
    use mudrock_core::las::read_bytes;
    use mudrock_core::layout::WellId;
    use mudrock_core::model::{LocationConfidence, Unit, WellHeader};

    const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/las/");

    fn header(rel: &str) -> WellHeader {
        let bytes = std::fs::read(format!("{DATA}{rel}")).unwrap();
        WellHeader::from_las(&read_bytes(&bytes).unwrap())
    }

    #[test]
    fn wellington() {
        let h = header("welly/tutorial/data/Wellington_feet.las");
        let loc = h.location.unwrap();
        assert_eq!(
            (loc.latitude, loc.longitude, loc.confidence),
            (37.3153, -97.4424, LocationConfidence::High)
        );
        assert_eq!(h.index.unit, Some(Unit::Foot));
        assert_eq!(h.name.as_deref(), Some("Wellington KGS 1-32"));
    }

    #[test]
    fn p135_mojibake_degree_sign() {
        let h = header("welly/tutorial/data/P-135_out.LAS");
        let loc = h.location.unwrap();
        assert!((loc.latitude - (45.0 + 39.0 / 60.0 + 26.518 / 3600.0)).abs() < 1e-9);
        assert!((loc.longitude + (64.0 + 51.347 / 3600.0)).abs() < 1e-9);
        // `UWI . -999.25` (the file's NULL) is no identifier: the API number identifies the well.
        assert_eq!(h.uwi, None);
        let id = WellId::derive(h.uwi.as_deref(), h.api.as_deref(), h.name.as_deref(), "");
        assert_eq!(id.as_str(), "435655");
    }

    #[test]
    fn cp1252_degree_sign() {
        let h = header("lasio/tests/examples/3.0/Curve-Param Error #6 (SS).LAS");
        let loc = h.location.unwrap();
        assert!((loc.latitude + 4.0 / 3600.0).abs() < 1e-12);
        assert!((loc.longitude - (10.0 + 10.0 / 3600.0)).abs() < 1e-12);
    }

    #[test]
    fn kansas_and_leading_zeros() {
        let h = header("lasio/tests/examples/1001178549.las");
        assert_eq!(h.api.as_deref(), Some("151872074300"));
        assert_eq!(h.location.unwrap().latitude, 37.41565);
        let h = header("lasio/tests/examples/UWI_API_leading_zero.las");
        assert_eq!(h.uwi.as_deref(), Some("05123370660000"));
    }
}
