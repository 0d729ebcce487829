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

/// A 4,000-row log written by core (in wasm) with 256-row pages, read back through the browser's data
/// path: footer first, only the pages of a 100 m window, then the same window from the L1 cache.
#[wasm_bindgen_test]
async fn range_planning_and_l1_cache_in_wasm() {
    use std::cell::Cell;
    use std::fmt::Write as _;
    use std::ops::Range;

    use bytes::Bytes;
    use mudrock_core::arrow::{ParquetOptions, las_to_record_batch, write_parquet};
    use mudrock_core::layout::WellId;
    use mudrock_web::data::{BlockCache, Fetched, RangeSource, open_log, read_window};

    struct Counting {
        inner: (Bytes, Option<String>),
        requests: Cell<usize>,
        bytes: Cell<u64>,
    }
    impl RangeSource for Counting {
        async fn suffix(&self, n: u64) -> Result<Fetched, String> {
            let f = self.inner.suffix(n).await?;
            self.requests.set(self.requests.get() + 1);
            self.bytes.set(self.bytes.get() + f.bytes.len() as u64);
            Ok(f)
        }
        async fn range(&self, r: Range<u64>) -> Result<Fetched, String> {
            let f = self.inner.range(r).await?;
            self.requests.set(self.requests.get() + 1);
            self.bytes.set(self.bytes.get() + f.bytes.len() as u64);
            Ok(f)
        }
    }

    let rows = 4000;
    let mut las = String::from(
        "~VERSION\n VERS. 2.0 :\n WRAP. NO :\n~WELL\n STRT.M 1000.0 :\n STOP.M 2999.5 :\n STEP.M 0.5 :\n NULL. -999.25 :\n WELL. W : WELL\n~CURVE\n DEPT.M : d\n GR.GAPI : g\n~A\n",
    );
    let mut x: u64 = 7;
    for i in 0..rows {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let gr = if (1000..1010).contains(&i) {
            -999.25
        } else {
            (x >> 40) as f64 / 1000.0
        };
        let _ = writeln!(las, "{:.1} {gr:.3}", 1000.0 + 0.5 * i as f64);
    }
    let parsed = mudrock_core::las::read_bytes(las.as_bytes()).unwrap();
    let batch = las_to_record_batch(&parsed, &WellId::new("w").unwrap()).unwrap();
    let opts = ParquetOptions {
        row_group_rows: 2048,
        page_rows: 256,
        ..ParquetOptions::default()
    };
    let file_bytes = write_parquet(&batch, &opts).unwrap();
    let total = file_bytes.len() as u64;
    let src = Counting {
        inner: (file_bytes, Some("\"e1\"".into())),
        requests: Cell::new(0),
        bytes: Cell::new(0),
    };
    let file = open_log(&src, "/w.parquet").await.unwrap();
    assert_eq!(
        src.requests.get(),
        1,
        "footer and page index in one suffix request"
    );
    assert_eq!(file.rows(), rows);
    assert_eq!(file.blocks.len(), rows.div_ceil(256));
    let opened = src.bytes.get();
    let mut cache = BlockCache::new(1 << 20);
    let curves = vec!["GR".to_owned()];
    let w = read_window(&file, &src, &mut cache, &curves, 1500.0, 1600.0)
        .await
        .unwrap();
    assert!(
        w.stats.blocks_read <= 2 && w.stats.blocks_read >= 1,
        "{:?}",
        w.stats
    );
    let window_bytes = src.bytes.get() - opened;
    assert!(
        window_bytes * 3 < total,
        "read {window_bytes} of {total} bytes for the window"
    );
    assert!(w.depth.first().unwrap() <= &1500.0 && w.depth.last().unwrap() >= &1600.0);
    // Rows 1000..1010 (1500.0..1504.5 m) are nulls: still there, as NaN.
    let gr = w.curve("GR").unwrap();
    let at = w.depth.iter().position(|d| *d == 1502.0).unwrap();
    assert!(gr[at].is_nan());
    let before = src.requests.get();
    let again = read_window(&file, &src, &mut cache, &curves, 1500.0, 1600.0)
        .await
        .unwrap();
    assert_eq!(src.requests.get(), before, "second read of the window from L1");
    assert_eq!(again.stats.blocks_cached, w.stats.blocks_read);
}
