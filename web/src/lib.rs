//! MudRock in the browser: the well viewer (a Leptos client-side app, [`app`], wasm32 only) and the
//! target-independent parts it is built on, tested natively and under Node:
//!
//! - [`data`]: a log's Parquet object read by HTTP ranges (footer first, then only the pages of the
//!   depth window), decoded in wasm, kept in an L1 LRU of decoded blocks bounded in bytes;
//! - [`view`]: tracks, family default scales, fills, decimation, the depth readout, zoom and pan;
//! - [`map`]: the well map's projection and the polygon drawn on it, as WKT for the polygon search;
//! - [`calc`]: computed curves (Vsh, porosity, Sw) as SQL over the server's petrophysics functions;
//! - [`preview`]: the LAS import preview (header, curves, warnings), parsed in wasm by core's reader.

pub mod calc;
pub mod data;
pub mod map;
mod preview;
pub mod view;

#[cfg(target_arch = "wasm32")]
mod app;

pub use preview::{CurvePreview, LasPreview, las_preview};

use wasm_bindgen::prelude::*;

/// JavaScript entry: the preview of a LAS file's bytes as JSON, or an error message naming the line.
#[wasm_bindgen(js_name = lasPreview)]
pub fn las_preview_js(bytes: &[u8]) -> Result<String, JsError> {
    let preview = las_preview(bytes).map_err(|e| JsError::new(&e))?;
    serde_json::to_string(&preview).map_err(|e| JsError::new(&e.to_string()))
}

/// The bearer token in a URL fragment (`#token=…`, possibly among other `&`-separated pairs).
pub fn token_from_fragment(fragment: &str) -> Option<String> {
    fragment
        .trim_start_matches('#')
        .split('&')
        .find_map(|kv| kv.strip_prefix("token="))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    #[test]
    fn token_from_fragment_finds_the_pair() {
        use super::token_from_fragment as t;
        assert_eq!(t("#token=abc"), Some("abc".into()));
        assert_eq!(t("#well=x&token=abc"), Some("abc".into()));
        assert_eq!(t("#token="), None);
        assert_eq!(t(""), None);
    }
}
