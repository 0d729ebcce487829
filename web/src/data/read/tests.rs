//! The data path against a real MudRock Parquet file written by core, read through an in-memory source
//! that records every request.

use std::cell::RefCell;
use std::fmt::Write as _;

use mudrock_core::arrow::{
    ParquetOptions, append_key_columns, las_to_record_batch, read_parquet, write_parquet,
};
use mudrock_core::las;
use mudrock_core::layout::{LogId, WellId};

use super::*;
use crate::data::{BlockCache, coalesce};

/// A LAS file of `rows` rows at 0.5 m from 1000 m: GR with a null gap at rows 300..340, RHOB, ILD.
pub(crate) fn synthetic_las(rows: usize) -> String {
    let mut s = String::from("~VERSION\n VERS. 2.0 :\n WRAP. NO :\n~WELL\n");
    let stop = 1000.0 + 0.5 * (rows - 1) as f64;
    let _ = write!(
        s,
        " STRT.M 1000.0 :\n STOP.M {stop:.1} :\n STEP.M 0.5 :\n NULL. -999.25 :\n WELL. SYN-1 : WELL\n~CURVE\n DEPT.M : depth\n GR.GAPI : gamma\n RHOB.G/CC : density\n ILD.OHMM : deep res\n~A\n"
    );
    // Pseudo-random values (an LCG), so pages do not compress to nothing and byte counts mean something.
    let mut x: u64 = 12345;
    let mut noise = move || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) as f64 / (1u64 << 31) as f64
    };
    for i in 0..rows {
        let d = 1000.0 + 0.5 * i as f64;
        let gr = if (300..340).contains(&i) {
            -999.25
        } else {
            20.0 + 100.0 * noise()
        };
        let _ = writeln!(
            s,
            "{d:.1} {gr:.4} {:.4} {:.4}",
            2.0 + 0.6 * noise(),
            0.5 + 50.0 * noise()
        );
    }
    s
}

pub(crate) fn parquet_of(rows: usize, opts: &ParquetOptions) -> Bytes {
    let las = las::read_bytes(synthetic_las(rows).as_bytes()).unwrap();
    let well = WellId::new("syn-1").unwrap();
    let batch = las_to_record_batch(&las, &well).unwrap();
    // As the server stores a log: with its key columns.
    let batch = append_key_columns(&batch, &well, &LogId::new("log-1").unwrap(), Some(7)).unwrap();
    write_parquet(&batch, opts).unwrap()
}

fn small_pages() -> ParquetOptions {
    ParquetOptions {
        row_group_rows: 2048,
        page_rows: 256,
        ..ParquetOptions::default()
    }
}

/// An in-memory object that logs the ranges asked for.
struct Logged {
    inner: (Bytes, Option<String>),
    log: RefCell<Vec<Range<u64>>>,
}

impl Logged {
    fn new(bytes: Bytes, etag: &str) -> Logged {
        Logged {
            inner: (bytes, Some(etag.to_owned())),
            log: RefCell::new(Vec::new()),
        }
    }
    fn take(&self) -> Vec<Range<u64>> {
        std::mem::take(&mut self.log.borrow_mut())
    }
}

impl RangeSource for Logged {
    async fn suffix(&self, n: u64) -> Result<Fetched, String> {
        let got = self.inner.suffix(n).await?;
        self.log.borrow_mut().push(got.start..got.size);
        Ok(got)
    }
    async fn range(&self, range: Range<u64>) -> Result<Fetched, String> {
        self.log.borrow_mut().push(range.clone());
        self.inner.range(range).await
    }
}

fn run<T>(f: impl Future<Output = T>) -> T {
    futures::executor::block_on(f)
}

fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x.is_nan() && y.is_nan()) || x == y)
}

/// Reference values of a column over the whole file, by the plain reader.
fn full_column(bytes: &Bytes, name: &str) -> Vec<f64> {
    let (_, batches) = read_parquet(bytes.clone()).unwrap();
    batches
        .iter()
        .flat_map(|b| to_f64(b.column_by_name(name).unwrap()).unwrap())
        .collect()
}

#[test]
fn footer_first_then_only_the_pages_of_the_window() {
    let bytes = parquet_of(6000, &small_pages());
    let src = Logged::new(bytes.clone(), "\"v1\"");
    let file = run(open_log(&src, "/p/w/l.parquet")).unwrap();
    let opened = src.take();
    assert_eq!(
        opened.len(),
        1,
        "one suffix request holds footer and page index: {opened:?}"
    );
    assert_eq!(opened[0].end, bytes.len() as u64);
    assert_eq!(file.rows(), 6000);
    assert_eq!(
        file.blocks.len(),
        6000usize.div_ceil(256),
        "one block per 256-row page"
    );
    assert_eq!(file.depth_range(), Some((1000.0, 1000.0 + 0.5 * 5999.0)));
    assert!(
        file.curve("GR")
            .is_some_and(|c| c.family == "gamma_ray" && c.unit == "GAPI")
    );
    // The key columns are not offered as curves.
    for key in ["well_id", "log_id", "grid_cell"] {
        assert!(file.curve(key).is_none(), "{key} listed as a curve");
    }

    // 100 m in the middle: 200 rows, one or two pages per column.
    let mut cache = BlockCache::new(8 << 20);
    let curves = vec!["GR".to_owned(), "ILD".to_owned()];
    let w = run(read_window(&file, &src, &mut cache, &curves, 2000.0, 2100.0)).unwrap();
    let reqs = src.take();
    let fetched: u64 = reqs.iter().map(|r| r.end - r.start).sum();
    assert!(
        fetched * 4 < bytes.len() as u64,
        "read {fetched} of {} bytes",
        bytes.len()
    );
    assert!(w.stats.blocks_read <= 2, "{:?}", w.stats);
    // The window's rows, one of margin each side, equal to the plain reader's.
    let depth = full_column(&bytes, &file.depth_column);
    let first = depth.iter().position(|d| *d >= 2000.0).unwrap() - 1;
    let last = depth.iter().position(|d| *d > 2100.0).unwrap() + 1;
    assert!(same(&w.depth, &depth[first..last]));
    assert!(same(
        w.curve("ILD").unwrap(),
        &full_column(&bytes, "ILD")[first..last]
    ));

    // The same window again: all from L1, no request.
    let again = run(read_window(&file, &src, &mut cache, &curves, 2000.0, 2100.0)).unwrap();
    assert!(src.take().is_empty());
    assert_eq!(again.stats.blocks_read, 0);
    assert_eq!(again.stats.blocks_cached, w.stats.blocks_read);
    assert!(cache.stats().hits > 0);
}

#[test]
fn null_gaps_stay_nan_and_the_whole_log_reads_back_exactly() {
    let bytes = parquet_of(3000, &small_pages());
    let src = Logged::new(bytes.clone(), "\"v1\"");
    let file = run(open_log(&src, "/p/w/l.parquet")).unwrap();
    let mut cache = BlockCache::new(8 << 20);
    let curves = vec!["GR".to_owned(), "RHOB".to_owned()];
    let w = run(read_window(&file, &src, &mut cache, &curves, 0.0, 1e9)).unwrap();
    let gr = w.curve("GR").unwrap();
    assert_eq!(gr.len(), 3000);
    assert!(gr[300..340].iter().all(|v| v.is_nan()));
    assert!(!gr[299].is_nan() && !gr[340].is_nan());
    assert!(same(gr, &full_column(&bytes, "GR")));
    assert!(same(w.curve("RHOB").unwrap(), &full_column(&bytes, "RHOB")));
}

#[test]
fn a_new_etag_misses_the_cache_and_a_change_mid_read_is_an_error() {
    let bytes = parquet_of(3000, &small_pages());
    let v1 = Logged::new(bytes.clone(), "\"v1\"");
    let file1 = run(open_log(&v1, "/p/w/l.parquet")).unwrap();
    let mut cache = BlockCache::new(8 << 20);
    let curves = vec!["GR".to_owned()];
    run(read_window(&file1, &v1, &mut cache, &curves, 1100.0, 1200.0)).unwrap();
    let v2 = Logged::new(bytes.clone(), "\"v2\"");
    let file2 = run(open_log(&v2, "/p/w/l.parquet")).unwrap();
    v2.take();
    let w = run(read_window(&file2, &v2, &mut cache, &curves, 1100.0, 1200.0)).unwrap();
    assert!(
        w.stats.blocks_read > 0,
        "a new version is read, not served from the old one's entries"
    );
    assert!(!v2.take().is_empty());
    // The file says v1 but the server now answers v2.
    let err = run(read_window(
        &file1,
        &v2,
        &mut BlockCache::new(8 << 20),
        &curves,
        1100.0,
        1200.0,
    ))
    .unwrap_err();
    assert!(err.contains("changed"), "{err}");
}

#[test]
fn a_tiny_cache_still_reads_correctly_and_evicts() {
    let bytes = parquet_of(3000, &small_pages());
    let src = Logged::new(bytes.clone(), "\"v1\"");
    let file = run(open_log(&src, "/p/w/l.parquet")).unwrap();
    let mut cache = BlockCache::new(4096);
    let curves = vec!["GR".to_owned()];
    let w = run(read_window(&file, &src, &mut cache, &curves, 0.0, 1e9)).unwrap();
    assert!(same(w.curve("GR").unwrap(), &full_column(&bytes, "GR")));
    let s = cache.stats();
    assert!(s.bytes <= 4096 && s.evictions > 0, "{s:?}");
}

#[test]
fn without_page_index_blocks_are_row_groups() {
    // Default options have a page index too; a one-row-group file with 8,192-row pages gives one block.
    let bytes = parquet_of(1000, &ParquetOptions::default());
    let src = Logged::new(bytes.clone(), "\"v1\"");
    let file = run(open_log(&src, "/p/w/l.parquet")).unwrap();
    assert_eq!(file.blocks.len(), 1);
    assert_eq!(file.blocks[0].rows, 0..1000);
    assert_eq!(
        file.blocks_for(5000.0, 6000.0),
        Vec::<usize>::new(),
        "outside the log: nothing to read"
    );
}

#[test]
fn coalesce_merges_near_ranges_and_keeps_far_ones_apart() {
    let r = coalesce(&[100..200, 0..50, 250..300, 10_000..10_100, 60..70], 50);
    assert_eq!(r.len(), 2);
    assert_eq!(r[0].0, 0..300);
    assert_eq!(r[0].1, vec![1, 4, 0, 2]);
    assert_eq!(r[1], (10_000..10_100, vec![3]));
    let empty = [5..5, 9..9];
    assert!(coalesce(&empty, 10).is_empty(), "empty ranges need no request");
    // Overlapping ranges are served by one request.
    assert_eq!(coalesce(&[0..100, 50..80], 0), vec![(0..100, vec![0, 1])]);
}

#[test]
fn a_window_around_a_view_keeps_a_tenth_either_side() {
    let depth: Vec<f64> = (0..=100).map(f64::from).collect();
    let gr: Vec<f64> = depth.iter().map(|d| d * 2.0).collect();
    let w = Window {
        depth,
        curves: vec![("GR".to_owned(), gr)],
        stats: ReadStats::default(),
    };
    let around = w.around((40.0, 60.0));
    assert_eq!(around.depth.first(), Some(&38.0));
    assert_eq!(around.depth.last(), Some(&62.0));
    assert_eq!(around.curve("GR").map(|v| v[0]), Some(76.0));
    assert_eq!(
        w.around((500.0, 600.0)).depth.len(),
        0,
        "a view past the log holds nothing"
    );
}
