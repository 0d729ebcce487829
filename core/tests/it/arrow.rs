//! LAS → Arrow → Parquet → Arrow round trips: values, nulls, order, metadata, and the Parquet layout that
//! depth pruning relies on (row groups, page index, statistics, sorting columns).
#![cfg(feature = "parquet")]

use bytes::Bytes;
use mudrock_core::arrow::{
    BatchOptions, ConvertError, DepthOrder, ParquetOptions, depth_order, las_into_record_batch_with,
    las_to_record_batch, las_to_record_batch_with, read_parquet, write_parquet,
};
use mudrock_core::las::{Column, LasFile};
use mudrock_core::layout::{LogId, WellId};
use parquet::file::metadata::{PageIndexPolicy, ParquetMetaData, ParquetMetaDataReader};
use parquet::file::page_index::column_index::ColumnIndexMetaData;
use parquet::file::statistics::Statistics;

use arrow_array::{Array, Float64Array, RecordBatch, StringArray};

use crate::model::{curve, las};

fn well() -> WellId {
    WellId::new("15_9-F-11_A").unwrap()
}

/// Header lines from lasio/tests/examples/sample.las, data decreasing in depth with nulls and a text
/// curve.
fn small_las() -> LasFile {
    las(
        &[
            " STRT.M        1670.0000                :START DEPTH",
            " STOP.M        1669.7500                :STOP DEPTH",
            " STEP.M            -0.1250              :STEP",
            " NULL.           -999.25                :NULL VALUE",
            " WELL.       ANY ET AL OIL WELL #12     :WELL",
            " UWI .      100/10-16-039-03W5/00       :UNIQUE WELL ID",
        ],
        vec![
            curve("DEPT", "M", "", "1  DEPTH"),
            curve("DT", "US/M", "60 520 32 00", "2  SONIC TRANSIT TIME"),
            curve("RHOB", "K/M3", "45 350 01 00", "3  BULK DENSITY"),
            curve("LITH", "", "", "Lithology code"),
        ],
        vec![
            Column::Numeric(vec![1670.0, 1669.875, 1669.75]),
            Column::Numeric(vec![123.45, f64::NAN, 123.45]),
            Column::Numeric(vec![2550.0, 2550.0, f64::NAN]),
            Column::Text(vec![Some("SS".to_owned()), None, Some("SH".to_owned())]),
        ],
    )
}

fn f64s(batch: &RecordBatch, name: &str) -> Vec<Option<f64>> {
    let a = batch
        .column_by_name(name)
        .unwrap()
        .as_any()
        .downcast_ref::<Float64Array>()
        .unwrap();
    (0..a.len()).map(|i| a.is_valid(i).then(|| a.value(i))).collect()
}

/// Concatenates batches column by column (enough for Float64/Utf8 test data; avoids a dependency on
/// arrow-select just for tests).
fn concat(batches: &[RecordBatch]) -> RecordBatch {
    let schema = batches[0].schema();
    let columns = (0..schema.fields().len())
        .map(|c| -> arrow_array::ArrayRef {
            match schema.field(c).data_type() {
                arrow_schema::DataType::Float64 => std::sync::Arc::new(
                    batches
                        .iter()
                        .flat_map(|b| {
                            let a = b
                                .column(c)
                                .as_any()
                                .downcast_ref::<Float64Array>()
                                .unwrap()
                                .clone();
                            (0..a.len()).map(move |i| a.is_valid(i).then(|| a.value(i)))
                        })
                        .collect::<Float64Array>(),
                ),
                _ => std::sync::Arc::new(
                    batches
                        .iter()
                        .flat_map(|b| {
                            let a = b
                                .column(c)
                                .as_any()
                                .downcast_ref::<StringArray>()
                                .unwrap()
                                .clone();
                            (0..a.len())
                                .map(move |i| a.is_valid(i).then(|| a.value(i).to_owned()))
                                .collect::<Vec<_>>()
                        })
                        .collect::<StringArray>(),
                ),
            }
        })
        .collect();
    RecordBatch::try_new(schema, columns).unwrap()
}

fn metadata(bytes: &Bytes) -> ParquetMetaData {
    ParquetMetaDataReader::new()
        .with_page_index_policy(PageIndexPolicy::Required)
        .parse_and_finish(bytes)
        .unwrap()
}

#[test]
fn small_file_to_batch() {
    let las = small_las();
    assert_eq!(depth_order(&las), DepthOrder::Decreasing);
    let opts = BatchOptions {
        log_id: Some(LogId::derive("ab12", None)),
        source_sha256: Some("ab".repeat(32)),
    };
    let batch = las_to_record_batch_with(&las, &well(), &opts).unwrap();
    assert_eq!(batch.num_rows(), 3);
    assert_eq!(
        f64s(&batch, "depth"),
        [Some(1669.75), Some(1669.875), Some(1670.0)]
    );
    assert_eq!(f64s(&batch, "DT"), [Some(123.45), None, Some(123.45)]);
    assert_eq!(f64s(&batch, "RHOB"), [None, Some(2550.0), Some(2550.0)]);
    let lith = batch
        .column_by_name("LITH")
        .unwrap()
        .as_any()
        .downcast_ref::<StringArray>()
        .unwrap();
    assert_eq!(lith.iter().collect::<Vec<_>>(), [Some("SH"), None, Some("SS")]);

    let schema = batch.schema();
    assert!(!schema.field(0).is_nullable());
    let rhob = schema.field_with_name("RHOB").unwrap().metadata();
    assert_eq!(rhob["mudrock.unit"], "K/M3");
    assert_eq!(rhob["mudrock.canonical_unit"], "kg/m3");
    assert_eq!(rhob["mudrock.family"], "density");
    assert_eq!(rhob["mudrock.api_code"], "45 350 01 00");
    assert_eq!(rhob["mudrock.description"], "3  BULK DENSITY");
    assert_eq!(rhob["mudrock.original_mnemonic"], "RHOB");
    assert_eq!(schema.field(0).metadata()["mudrock.family"], "index");
    let m = schema.metadata();
    assert_eq!(m["mudrock.well_id"], "15_9-F-11_A");
    assert_eq!(m["mudrock.log_id"], "log-ab12");
    assert_eq!(m["mudrock.source_sha256"], "ab".repeat(32));
    assert_eq!(m["mudrock.las_version"], "2.0");
    assert_eq!(m["mudrock.index_column"], "depth");
    assert_eq!(m["mudrock.index_unit"], "M");
    assert_eq!(m["mudrock.source_depth_order"], "decreasing");
    assert_eq!(m["mudrock.format"], "1");
    let header: serde_json::Value = serde_json::from_str(&m["mudrock.header"]).unwrap();
    assert_eq!(header[1]["items"][5]["value"], "100/10-16-039-03W5/00");
    let well_header: serde_json::Value = serde_json::from_str(&m["mudrock.well_header"]).unwrap();
    assert_eq!(well_header["uwi"], "100/10-16-039-03W5/00");
}

#[test]
fn byte_stream_split_round_trips() {
    let batch = las_to_record_batch(&big_las(), &well()).unwrap();
    let opts = ParquetOptions {
        byte_stream_split: true,
        ..ParquetOptions::default()
    };
    let bytes = write_parquet(&batch, &opts).unwrap();
    check_layout(&bytes, &batch, "depth");
}

#[test]
fn small_file_parquet_round_trip() {
    let batch = las_to_record_batch(&small_las(), &well()).unwrap();
    let bytes = write_parquet(&batch, &ParquetOptions::default()).unwrap();
    let (schema, batches) = read_parquet(bytes.clone()).unwrap();
    let back = concat(&batches);
    assert_eq!(back.columns(), batch.columns());
    assert_eq!(schema.metadata(), batch.schema().metadata());
    for (a, b) in schema.fields().iter().zip(batch.schema().fields()) {
        assert_eq!(a.metadata(), b.metadata());
        assert_eq!(a.data_type(), b.data_type());
        assert_eq!(a.is_nullable(), b.is_nullable());
    }

    let meta = metadata(&bytes);
    let file = meta.file_metadata();
    assert!(file.created_by().unwrap().starts_with("MudRock"));
    let kv = file.key_value_metadata().unwrap();
    assert!(
        kv.iter()
            .any(|k| k.key == "mudrock.well_id" && k.value.as_deref() == Some("15_9-F-11_A"))
    );
    // Units and descriptions as a plain key/value too, for readers without Arrow's schema.
    let curves = kv
        .iter()
        .find(|k| k.key == "mudrock.curves")
        .and_then(|k| k.value.clone());
    let curves: serde_json::Value = serde_json::from_str(&curves.expect("mudrock.curves")).unwrap();
    let rhob = curves
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["column"] == "RHOB")
        .cloned()
        .unwrap_or_else(|| panic!("{curves}"));
    assert_eq!(rhob["unit"], "K/M3");
    assert_eq!(rhob["description"], "3  BULK DENSITY");
    assert_eq!(curves[0]["column"], "depth");
    let rg = meta.row_group(0);
    let sorting = rg.sorting_columns().unwrap();
    assert_eq!((sorting[0].column_idx, sorting[0].descending), (0, false));
}

/// A synthetic log of 20,001 rows at 0.1524 m, decreasing in the file, with null runs.
fn big_las() -> LasFile {
    let n = 20_001;
    let depth: Vec<f64> = (0..n).rev().map(|i| 500.0 + i as f64 * 0.1524).collect();
    let gr: Vec<f64> = (0..n)
        .map(|i| {
            if i % 97 < 5 {
                f64::NAN
            } else {
                60.0 + 40.0 * ((i as f64) / 50.0).sin()
            }
        })
        .collect();
    las(
        &["NULL.   -999.25 : NULL VALUE"],
        vec![
            curve("DEPT", "M", "", "DEPTH"),
            curve("GR", "GAPI", "", "GAMMA RAY"),
        ],
        vec![Column::Numeric(depth), Column::Numeric(gr)],
    )
}

/// The checks every big file must pass: several row groups, a page index with ~1,024-row pages,
/// chunk and page statistics, depth sorted across the whole file.
fn check_layout(bytes: &Bytes, batch: &RecordBatch, index: &str) {
    let meta = metadata(bytes);
    let rows = batch.num_rows();
    assert!(meta.num_row_groups() > 1, "{} row groups", meta.num_row_groups());
    let column_index = meta.column_index().expect("column index present");
    let offset_index = meta.offset_index().expect("offset index present");
    let mut prev_max = f64::NEG_INFINITY;
    for (g, rg) in meta.row_groups().iter().enumerate() {
        assert!(rg.num_rows() <= 8192);
        let Some(Statistics::Double(stats)) = rg.column(0).statistics() else {
            panic!("no depth stats")
        };
        let (min, max) = (*stats.min_opt().unwrap(), *stats.max_opt().unwrap());
        assert!(min >= prev_max && min <= max, "row groups overlap in depth");
        prev_max = max;
        let pages = offset_index[g][0].page_locations();
        assert!(
            pages.len() >= rg.num_rows() as usize / 1024,
            "{} pages",
            pages.len()
        );
        let ColumnIndexMetaData::DOUBLE(idx) = &column_index[g][0] else {
            panic!("no depth page index")
        };
        assert_eq!(idx.min_values().len(), pages.len());
        assert!(idx.min_values().windows(2).all(|w| w[0] <= w[1]), "pages sorted");
        for col in 1..rg.num_columns() {
            assert!(
                rg.column(col)
                    .statistics()
                    .is_some_and(|s| s.null_count_opt().is_some())
            );
        }
    }
    let (_, batches) = read_parquet(bytes.clone()).unwrap();
    let back = concat(&batches);
    assert_eq!(back.num_rows(), rows);
    assert_eq!(back.columns(), batch.columns());
    let depth = f64s(&back, index);
    assert!(depth.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn big_file_has_row_groups_and_page_index() {
    let las = big_las();
    let batch = las_to_record_batch(&las, &well()).unwrap();
    let bytes = write_parquet(&batch, &ParquetOptions::default()).unwrap();
    check_layout(&bytes, &batch, "depth");
    let nulls = f64s(&batch, "GR").iter().filter(|v| v.is_none()).count();
    assert_eq!(nulls, (0..20_001).filter(|i| i % 97 < 5).count());
}

#[test]
fn unordered_depths_sort_stably() {
    let las = las(
        &[],
        vec![curve("DEPT", "FT", "", ""), curve("X", "", "", "")],
        vec![
            Column::Numeric(vec![3.0, 1.0, 2.0, 1.0]),
            Column::Numeric(vec![30.0, 10.0, 20.0, 11.0]),
        ],
    );
    assert_eq!(depth_order(&las), DepthOrder::Unordered);
    let batch = las_to_record_batch(&las, &well()).unwrap();
    assert_eq!(
        f64s(&batch, "depth"),
        [Some(1.0), Some(1.0), Some(2.0), Some(3.0)]
    );
    assert_eq!(
        f64s(&batch, "X"),
        [Some(10.0), Some(11.0), Some(20.0), Some(30.0)]
    );
    assert_eq!(
        batch.schema().metadata()["mudrock.source_depth_order"],
        "unordered"
    );
}

#[test]
fn refuses_what_cannot_be_a_depth_table() {
    let bad = |curves, columns| las_to_record_batch(&las(&[], curves, columns), &well()).unwrap_err();
    assert!(matches!(bad(vec![], vec![]), ConvertError::NoCurves));
    assert!(matches!(
        bad(
            vec![curve("DEPT", "M", "", "")],
            vec![Column::Numeric(vec![1.0, f64::NAN])]
        ),
        ConvertError::NullIndex { row: 1, .. }
    ));
    assert!(matches!(
        bad(
            vec![curve("TIME", "", "", "")],
            vec![Column::Text(vec![Some("12:00".to_owned())])]
        ),
        ConvertError::TextIndex(_)
    ));
    assert!(matches!(
        bad(
            vec![curve("DEPT", "M", "", ""), curve("GR", "", "", "")],
            vec![Column::Numeric(vec![1.0, 2.0]), Column::Numeric(vec![1.0])]
        ),
        ConvertError::RaggedColumn { .. }
    ));
    assert!(matches!(
        bad(
            vec![
                curve("DEPT", "M", "", ""),
                curve("GR", "", "", ""),
                curve("GR", "", "", "")
            ],
            vec![
                Column::Numeric(vec![1.0]),
                Column::Numeric(vec![1.0]),
                Column::Numeric(vec![1.0])
            ]
        ),
        ConvertError::DuplicateName(_)
    ));
    assert!(matches!(
        bad(vec![curve("DEPT", "M", "", "")], vec![]),
        ConvertError::ColumnCount { .. }
    ));
    let batch = las_to_record_batch(&small_las(), &well()).unwrap();
    let zero = ParquetOptions {
        page_rows: 0,
        ..ParquetOptions::default()
    };
    assert!(matches!(
        write_parquet(&batch, &zero),
        Err(ConvertError::Options(_))
    ));
    assert!(read_parquet(Bytes::from_static(b"not parquet")).is_err());
}

#[test]
fn empty_log_round_trips() {
    let las = las(
        &[],
        vec![curve("DEPT", "M", "", "")],
        vec![Column::Numeric(vec![])],
    );
    assert_eq!(depth_order(&las), DepthOrder::Empty);
    let batch = las_to_record_batch(&las, &well()).unwrap();
    let bytes = write_parquet(&batch, &ParquetOptions::default()).unwrap();
    let (schema, batches) = read_parquet(bytes).unwrap();
    assert_eq!(schema.field(0).name(), "depth");
    assert_eq!(batches.iter().map(RecordBatch::num_rows).sum::<usize>(), 0);
}

/// The real files, through the LAS reader.
mod real_files {
    use super::*;
    use mudrock_core::las::read_bytes;

    const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/las/");

    fn read(rel: &str) -> LasFile {
        let bytes = std::fs::read(format!("{DATA}{rel}")).unwrap();
        read_bytes(&bytes).unwrap()
    }

    #[test]
    fn sample_big_round_trips_with_row_groups_and_page_index() {
        // sample.las's three rows (1670.0, 1669.875, 1669.75) repeated ~10,000 times: not monotonic.
        let las = read("lasio/tests/examples/1.2/sample_big.las");
        assert_eq!(depth_order(&las), DepthOrder::Unordered);
        let batch = las_to_record_batch(&las, &well()).unwrap();
        assert_eq!(batch.num_rows(), las.log.rows());
        assert!(batch.num_rows() > 8192, "{} rows", batch.num_rows());
        let bytes = write_parquet(&batch, &ParquetOptions::default()).unwrap();
        check_layout(&bytes, &batch, "depth");
        let (schema, _) = read_parquet(bytes).unwrap();
        assert_eq!(schema.metadata()["mudrock.las_version"], "1.2");
        assert_eq!(schema.metadata()["mudrock.source_depth_order"], "unordered");
        assert_eq!(
            schema.field_with_name("NPHI").unwrap().metadata()["mudrock.family"],
            "neutron_porosity"
        );
        assert_eq!(
            schema.field_with_name("DT").unwrap().metadata()["mudrock.canonical_unit"],
            "us/m"
        );
        // Every value lands where a stable sort by depth puts its row.
        let depth = las.log.columns[0].as_numeric().unwrap();
        let mut perm: Vec<usize> = (0..depth.len()).collect();
        perm.sort_by(|&a, &b| depth[a].total_cmp(&depth[b]));
        for (pos, (info, col)) in las.log.curves.iter().zip(&las.log.columns).enumerate() {
            let src = col.as_numeric().unwrap();
            let expected: Vec<Option<f64>> = perm
                .iter()
                .map(|&i| Some(src[i]).filter(|v| !v.is_nan()))
                .collect();
            // The index is stored as `depth`; every other curve under its mnemonic.
            let name = if pos == 0 { "depth" } else { info.mnemonic.as_str() };
            assert_eq!(f64s(&batch, name), expected, "{}", info.mnemonic);
        }
    }

    fn las_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                las_files(&path, out);
            } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("las")) {
                out.push(path);
            }
        }
    }

    /// Every collected file the reader accepts converts (or is refused with a reason) and round-trips.
    #[test]
    fn every_readable_file_converts_and_round_trips() {
        let mut files = Vec::new();
        las_files(std::path::Path::new(DATA), &mut files);
        files.sort();
        let (mut converted, mut refused) = (0, Vec::new());
        for path in &files {
            let Ok(las) = read_bytes(&std::fs::read(path).unwrap()) else {
                continue;
            };
            let well = mudrock_core::layout::WellId::derive(
                las.well_value("UWI"),
                las.well_value("API"),
                las.well_value("WELL"),
                "0123456789abcdef",
            );
            let _ = mudrock_core::model::WellHeader::from_las(&las);
            match las_to_record_batch(&las, &well) {
                Ok(batch) => {
                    let bytes = write_parquet(&batch, &ParquetOptions::default()).unwrap();
                    let (_, batches) = read_parquet(bytes).unwrap();
                    if batch.num_rows() > 0 {
                        assert_eq!(concat(&batches).columns(), batch.columns(), "{}", path.display());
                    }
                    converted += 1;
                }
                Err(e) => refused.push(format!("{}: {e}", path.display())),
            }
        }
        eprintln!("{converted} converted; refused: {refused:#?}");
        assert!(converted > 100, "{converted} converted");
    }
}

#[test]
fn index_is_stored_as_depth_or_time_and_keeps_its_mnemonic() {
    let md = las(
        &[],
        vec![
            curve("MD", "M", "", ""),
            curve("depth", "M", "", ""),
            curve("GR", "GAPI", "", ""),
        ],
        vec![
            Column::Numeric(vec![1.0, 2.0]),
            Column::Numeric(vec![5.0, 6.0]),
            Column::Numeric(vec![50.0, f64::NAN]),
        ],
    );
    let batch = las_to_record_batch(&md, &well()).unwrap();
    let schema = batch.schema();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    // A curve that happens to be called `depth` makes way for the index, like a duplicate mnemonic.
    assert_eq!(names, ["depth", "depth:2", "GR"]);
    assert_eq!(schema.field(0).metadata()["mudrock.mnemonic"], "MD");
    assert_eq!(schema.metadata()["mudrock.index_column"], "depth");
    assert_eq!(f64s(&batch, "depth:2"), [Some(5.0), Some(6.0)]);

    let time = las(
        &[],
        vec![curve("TIME", "S", "", ""), curve("ROP", "M/H", "", "")],
        vec![Column::Numeric(vec![0.0, 1.0]), Column::Numeric(vec![10.0, 11.0])],
    );
    let batch = las_to_record_batch(&time, &well()).unwrap();
    assert_eq!(batch.schema().field(0).name(), "time");
}

#[test]
fn moving_conversion_equals_borrowing_one() {
    for las in [small_las(), big_las()] {
        let borrowed = las_to_record_batch(&las, &well()).unwrap();
        let moved = las_into_record_batch_with(las, &well(), &Default::default()).unwrap();
        assert_eq!(borrowed, moved);
    }
}

#[test]
fn key_columns_are_appended_encoded_small_and_never_taken_by_a_curve() {
    use mudrock_core::arrow::{KEY_COLUMNS, append_key_columns, is_key_column};
    let mut file = small_las();
    // A curve named like a key column keeps its values under `well_id:2`.
    file.log.curves[1].mnemonic = "well_id".to_owned();
    let batch = las_to_record_batch(&file, &well()).unwrap();
    assert!(batch.column_by_name("well_id:2").is_some());
    let log = LogId::new("log-1").unwrap();
    let keyed = append_key_columns(&batch, &well(), &log, Some(42)).unwrap();
    let keyed_schema = keyed.schema();
    let names: Vec<&str> = keyed_schema.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(&names[names.len() - 3..], KEY_COLUMNS);
    assert!(names.iter().filter(|n| is_key_column(n)).count() == 3);
    let wells = keyed.column_by_name("well_id").unwrap();
    let wells = wells.as_any().downcast_ref::<StringArray>().unwrap();
    assert!(wells.iter().all(|w| w == Some("15_9-F-11_A")));
    assert_eq!(keyed.schema().metadata(), batch.schema().metadata());

    // Constant columns add little to a big file: about 60 bytes per page (header, statistics, index
    // entries), never a value per row.
    let big = las_to_record_batch(&big_las(), &well()).unwrap();
    let plain = write_parquet(&big, &ParquetOptions::default()).unwrap();
    let keyed_big = append_key_columns(&big, &well(), &log, None).unwrap();
    let with_keys = write_parquet(&keyed_big, &ParquetOptions::default()).unwrap();
    let groups = metadata(&with_keys).num_row_groups();
    let extra = with_keys.len() - plain.len();
    let pages = big.num_rows().div_ceil(1024);
    assert!(
        extra < 3 * 80 * pages + 200 * groups,
        "{extra} bytes for {pages} pages in {groups} row groups ({} bytes without keys)",
        plain.len()
    );
    let (_, back) = read_parquet(with_keys).unwrap();
    let logs: usize = back
        .iter()
        .map(|b| {
            let ids = b.column_by_name("log_id").unwrap();
            let ids = ids.as_any().downcast_ref::<StringArray>().unwrap();
            ids.iter().filter(|id| *id == Some("log-1")).count()
        })
        .sum();
    assert_eq!(logs, big.num_rows());
}
