//! The LAS reader, writer and Parquet writer running inside wasm32 (wasm-bindgen-test under Node).
//! Built and run by scripts/wasm.sh: `cargo test --target wasm32-unknown-unknown -p mudrock-core`.
//! The files are embedded at compile time from ../shared (a missing ../shared fails the build, not skips).
#![cfg(target_arch = "wasm32")]

use mudrock_core::las::{self, Column, LasVersion};
use wasm_bindgen_test::wasm_bindgen_test;

macro_rules! shared_las {
    ($rel:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/data/las/",
            $rel
        ))
    };
}

#[wasm_bindgen_test]
fn reads_las_2_in_wasm() {
    let las = las::read_bytes(shared_las!("lasio/tests/examples/2.0/sample_2.0.las")).unwrap();
    assert_eq!(las.version, LasVersion::V2_0);
    assert_eq!(las.log.curves.len(), 8);
    assert_eq!(las.log.rows(), 3);
    let dept = las.log.columns[0].as_numeric().unwrap();
    assert_eq!(dept, &[1670.0, 1669.875, 1669.75]);
}

#[wasm_bindgen_test]
fn reads_wrapped_and_las3_in_wasm() {
    let wrapped = las::read_bytes(shared_las!("lasio/tests/examples/2.0/sample_2.0_wrapped.las")).unwrap();
    assert!(wrapped.wrap);
    assert_eq!(wrapped.log.curves.len(), 36);
    assert!(wrapped.log.rows() > 0);
    let v3 = las::read_bytes(shared_las!("lasio/standards/examples/3.0/sample_3.0.las")).unwrap();
    assert_eq!(v3.version, LasVersion::V3_0);
    assert!(!v3.log.curves.is_empty());
}

#[wasm_bindgen_test]
fn writer_round_trips_in_wasm() {
    let las = las::read_bytes(shared_las!("lasio/tests/examples/1.2/sample_big.las")).unwrap();
    let mut out = Vec::new();
    las::write_las2(&las, &mut out).unwrap();
    let again = las::read_bytes(&out).unwrap();
    assert_eq!(again.log.rows(), las.log.rows());
    for (a, b) in las.log.columns.iter().zip(&again.log.columns) {
        match (a, b) {
            (Column::Numeric(a), Column::Numeric(b)) => {
                assert!(a.iter().zip(b).all(|(x, y)| x == y || (x.is_nan() && y.is_nan())))
            }
            (a, b) => assert_eq!(a, b),
        }
    }
}

#[wasm_bindgen_test]
fn bad_input_is_an_error_not_a_panic_in_wasm() {
    let err = las::read_bytes(b"\x00\x01 not a las file at all").unwrap_err();
    assert!(!err.message.is_empty());
}
