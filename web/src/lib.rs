//! MudRock in the browser. For now the first step of LAS import: a file dropped in the page is parsed in
//! wasm by core's reader and summarised for a preview (header, curves, warnings) before any upload.
//! The viewer, offline store and sync queue arrive with their own issue.

mod preview;

pub use preview::{CurvePreview, LasPreview, las_preview};

use wasm_bindgen::prelude::*;

/// JavaScript entry: the preview of a LAS file's bytes as JSON, or an error message naming the line.
#[wasm_bindgen(js_name = lasPreview)]
pub fn las_preview_js(bytes: &[u8]) -> Result<String, JsError> {
    let preview = las_preview(bytes).map_err(|e| JsError::new(&e))?;
    serde_json::to_string(&preview).map_err(|e| JsError::new(&e.to_string()))
}
