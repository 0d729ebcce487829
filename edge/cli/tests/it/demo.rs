//! The demo data set: the same bytes every run, files the reader takes without a repair, and geology
//! that shows what the viewer is meant to show.

use mudrock_core::las::{Column, read_bytes};
use mudrock_core::model::WellHeader;
use mudrock_store::IngestStatus;
use mudrock_store::demo::{CURVES, generate};
use sha2::{Digest, Sha256};

use crate::support::*;

fn digest() -> String {
    let mut hasher = Sha256::new();
    for file in generate() {
        hasher.update(file.file_name.as_bytes());
        hasher.update(&file.bytes);
    }
    hex::encode(hasher.finalize())
}

/// The demo's fingerprint. A change to the generator changes it on purpose; update it then, and only
/// then.
const DEMO_SHA256: &str = "73554837452c867a5f2930daa9aafea9645365a6314f48a4cb1d884c4054c562";

#[test]
fn the_demo_is_the_same_on_every_run() {
    let first = digest();
    assert_eq!(first, digest());
    assert_eq!(first, DEMO_SHA256, "the demo bytes changed");
    let dir = tempfile::tempdir().unwrap();
    let paths = mudrock_store::demo::write_to(dir.path()).unwrap();
    for (path, file) in paths.iter().zip(generate()) {
        assert_eq!(std::fs::read(path).unwrap(), file.bytes);
    }
}

fn column<'a>(las: &'a mudrock_core::las::LasFile, name: &str) -> &'a [f64] {
    match las.log.column(name) {
        Some(Column::Numeric(v)) => v,
        _ => panic!("no numeric {name}"),
    }
}

#[test]
fn demo_files_read_back_with_the_expected_curves() {
    let files = generate();
    assert_eq!(files.len(), 6);
    let mut gas_wells = 0;
    for file in &files {
        let las = read_bytes(&file.bytes).unwrap();
        let name = &file.file_name;
        assert!(las.warnings.is_empty(), "{name}: {:?}", las.warnings);
        let mnemonics: Vec<&str> = las.log.curves.iter().map(|c| c.mnemonic.as_str()).collect();
        assert_eq!(mnemonics, CURVES, "{name}");
        assert_eq!(las.log.rows(), file.rows, "{name}");
        assert!((5_000..=30_000).contains(&file.rows));
        let header = WellHeader::from_las(&las);
        assert_eq!(header.name.as_deref(), Some(file.well_name.as_str()));

        // Some null gaps, never a null depth.
        let nulls: usize = las.log.columns[1..]
            .iter()
            .map(|c| c.as_numeric().unwrap().iter().filter(|v| v.is_nan()).count())
            .sum();
        assert!(nulls > 0, "{name}: has null gaps");
        assert!(column(&las, "DEPT").iter().all(|d| d.is_finite()));

        // The NPHI–RHOB crossover of a gas sand: density porosity well above neutron porosity.
        let (rhob, nphi) = (column(&las, "RHOB"), column(&las, "NPHI"));
        let crossover = rhob
            .iter()
            .zip(nphi)
            .filter(|(r, n)| r.is_finite() && n.is_finite() && (2.65 - *r) / 1.65 - *n > 0.12)
            .count();
        if crossover >= 20 {
            gas_wells += 1;
        }
        // Shales are hot and sands are clean: GR spans both.
        let gr: Vec<f64> = column(&las, "GR")
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .collect();
        assert!(
            gr.iter().any(|g| *g < 40.0) && gr.iter().any(|g| *g > 100.0),
            "{name}: GR range"
        );
    }
    assert!(
        gas_wells >= 3,
        "at least three wells have a gas sand, found {gas_wells}"
    );
}

#[test]
fn demo_headers_cover_the_identity_and_location_cases() {
    let headers: Vec<WellHeader> = generate()
        .iter()
        .map(|f| WellHeader::from_las(&read_bytes(&f.bytes).unwrap()))
        .collect();
    // A UWI and an API with a leading zero (Colorado, state code 05).
    assert_eq!(headers[0].uwi.as_deref(), Some("05123456780000"));
    assert_eq!(headers[0].api.as_deref(), Some("0512345678"));
    // Degrees-minutes-seconds with a degree sign, read as decimal degrees west of Greenwich.
    let dms = headers[1].location.as_ref().expect("DMS location parsed");
    assert!((dms.latitude - 37.312_278).abs() < 1e-5, "{}", dms.latitude);
    assert!((dms.longitude + 98.867_708).abs() < 1e-5, "{}", dms.longitude);
    // One well without any location.
    assert!(headers[3].location.is_none());
    assert!(headers.iter().filter(|h| h.location.is_some()).count() == 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_ingests_cleanly() {
    let ingestor = memory_ingestor();
    let p = project("demo");
    for file in generate() {
        let report = ingestor
            .ingest_bytes(&p, &file.file_name, bytes::Bytes::from(file.bytes))
            .await;
        assert_eq!(report.status, IngestStatus::Ok, "{:?}", report.reason);
        assert!(
            report.warnings.is_empty(),
            "{}: {:?}",
            file.file_name,
            report.warnings
        );
        assert_eq!(report.curves as usize, CURVES.len());
    }
    let catalog = ingestor.catalogs().load(&p).await.unwrap();
    assert_eq!(catalog.wells.len(), 6);
    let families: Vec<&str> = catalog
        .curves
        .iter()
        .take(CURVES.len())
        .map(|c| c.family.as_str())
        .collect();
    assert!(
        !families.contains(&"unknown"),
        "every demo curve has a family: {families:?}"
    );
}
