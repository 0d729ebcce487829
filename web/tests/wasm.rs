//! The browser entry point running in wasm32 under Node (scripts/wasm.sh).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn las_preview_js_returns_json_in_wasm() {
    let bytes = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/data/las/lasio/tests/examples/1.2/sample.las"
    ));
    let json = mudrock_web::las_preview_js(bytes).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["rows"], 3);
    assert_eq!(v["curves"].as_array().unwrap().len(), 8);
}
