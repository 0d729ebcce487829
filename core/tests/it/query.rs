//! The typed well query and its planner: golden SQL, validation, canonical form, and — with the tokenizer
//! and parser DataFusion uses (sqlparser, generic dialect) — proof that no curve name, well id or number
//! can leave its quotes. Decimation on real logs from `$MUDROCK_SHARED/data/las`.

use std::path::PathBuf;

use mudrock_core::cache::VersionSet;
use mudrock_core::layout::WellId;
use mudrock_core::query::{
    Cmp, DepthRange, Filter, MAX_CURVES, MAX_WELLS, QueryError, WellQuery, decimate_min_max, float_literal,
    plan,
};
use proptest::prelude::*;
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

fn w(s: &str) -> WellId {
    WellId::new(s).expect("well id")
}

fn curves(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

fn filter(curve: &str, op: Cmp, value: f64) -> Filter {
    Filter {
        curve: curve.to_owned(),
        op,
        value,
    }
}

// ---------------------------------------------------------------------------------------------------------
// Golden SQL
// ---------------------------------------------------------------------------------------------------------

#[test]
fn golden_sql() {
    let one_well_window = WellQuery {
        wells: vec![w("15_9-F-11_A")],
        curves: curves(&["GR", "RHOB"]),
        depth: Some(DepthRange {
            min: Some(1000.0),
            max: Some(1100.5),
        }),
        ..WellQuery::default()
    };
    assert_eq!(
        plan(&one_well_window).expect("plan").sql,
        r#"SELECT "well_id", "depth", "GR", "RHOB" FROM "well_logs" WHERE "well_id" IN ('15_9-F-11_A') AND "depth" BETWEEN 1000.0 AND 1100.5 ORDER BY "well_id", "depth""#
    );

    let filtered = WellQuery {
        wells: vec![w("B"), w("A"), w("B")],
        curves: curves(&["NPHI", "GR:2", "NPHI"]),
        depth: Some(DepthRange {
            min: None,
            max: Some(-12.0),
        }),
        filters: vec![filter("GR:2", Cmp::Gt, 50.0), filter("depth", Cmp::Ne, -0.0)],
        limit: Some(500),
        ..WellQuery::default()
    };
    assert_eq!(
        plan(&filtered).expect("plan").sql,
        r#"SELECT "well_id", "depth", "NPHI", "GR:2" FROM "well_logs" WHERE "well_id" IN ('A', 'B') AND "depth" <= -12.0 AND "GR:2" > 50.0 AND "depth" <> 0.0 ORDER BY "well_id", "depth" LIMIT 500"#
    );

    let everything = WellQuery {
        curves: curves(&["a\"b"]),
        depth: Some(DepthRange {
            min: Some(1e-7),
            max: None,
        }),
        ..WellQuery::default()
    };
    assert_eq!(
        plan(&everything).expect("plan").sql,
        r#"SELECT "well_id", "depth", "a""b" FROM "well_logs" WHERE "depth" >= 0.0000001 ORDER BY "well_id", "depth""#
    );

    assert_eq!(
        plan(&WellQuery::default()).expect("plan").sql,
        r#"SELECT "well_id", "depth" FROM "well_logs" ORDER BY "well_id", "depth""#
    );
}

#[test]
fn plan_carries_curves_decimation_and_key_material() {
    let q = WellQuery {
        wells: vec![w("A")],
        curves: curves(&["GR", "RHOB", "GR"]),
        max_points: Some(1000),
        ..WellQuery::default()
    };
    let p = plan(&q).expect("plan");
    assert_eq!(p.curves, ["GR", "RHOB"]);
    assert_eq!(p.max_points, Some(1000));
    assert_eq!(p.key_material, q.canonical());
    // The representation is part of the key: JSON and Arrow of one query are different responses.
    let v = VersionSet::new();
    assert_ne!(
        p.cache_key("application/json", &v),
        p.cache_key("application/vnd.apache.arrow.stream", &v)
    );
    assert_eq!(
        p.cache_key("application/json", &v),
        plan(&q).expect("plan").cache_key("application/json", &v)
    );
}

#[test]
fn polygon_must_be_resolved_first() {
    let q = WellQuery {
        polygon: Some("POLYGON((0 0, 1 0, 1 1, 0 0))".into()),
        ..WellQuery::default()
    };
    assert_eq!(plan(&q), Err(QueryError::PolygonNotResolved));
    let resolved = q.with_polygon_wells([w("X")]).expect("one well inside");
    assert!(plan(&resolved).expect("plan").sql.contains("IN ('X')"));
}

// ---------------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------------

#[test]
fn validation_errors_name_the_problem() {
    let base = WellQuery {
        curves: curves(&["GR"]),
        ..WellQuery::default()
    };
    let check = |q: WellQuery, field: &str, words: &str| {
        let e = plan(&q).expect_err("refused");
        assert_eq!(e.field(), field, "{e}");
        assert!(e.to_string().contains(words), "{e:?} → {e}");
        assert!(e.is_input_error());
    };
    check(
        WellQuery {
            curves: curves(&["GR", " "]),
            ..base.clone()
        },
        "curves",
        "curve name 1 is empty",
    );
    check(
        WellQuery {
            curves: curves(&["GR\nDROP"]),
            ..base.clone()
        },
        "curves",
        "control character at byte 2",
    );
    check(
        WellQuery {
            curves: vec!["X".repeat(300)],
            ..base.clone()
        },
        "curves",
        "300 bytes long",
    );
    check(
        WellQuery {
            curves: curves(&["depth"]),
            ..base.clone()
        },
        "curves",
        "always part of the result",
    );
    check(
        WellQuery {
            depth: Some(DepthRange {
                min: Some(2.0),
                max: Some(1.0),
            }),
            ..base.clone()
        },
        "depth",
        "inverted",
    );
    check(
        WellQuery {
            depth: Some(DepthRange {
                min: Some(f64::NAN),
                max: None,
            }),
            ..base.clone()
        },
        "depth",
        "finite",
    );
    check(
        WellQuery {
            filters: vec![filter("GR", Cmp::Lt, f64::INFINITY)],
            ..base.clone()
        },
        "filters",
        "finite",
    );
    check(
        WellQuery {
            filters: vec![filter("well_id", Cmp::Eq, 1.0)],
            ..base.clone()
        },
        "filters",
        "is text",
    );
    check(
        WellQuery {
            wells: (0..=MAX_WELLS).map(|i| w(&format!("W{i}"))).collect(),
            ..base.clone()
        },
        "wells",
        "at most 10000",
    );
    check(
        WellQuery {
            curves: (0..=MAX_CURVES).map(|i| format!("C{i}")).collect(),
            ..base.clone()
        },
        "curves",
        "at most 256",
    );
    check(
        WellQuery {
            curves: curves(&["GR", "RHOB", "GR"]),
            max_points: Some(3),
            ..base.clone()
        },
        "max_points",
        "at least 4",
    );
    check(
        WellQuery {
            limit: Some(0),
            ..base.clone()
        },
        "limit",
        "at least 1",
    );
    check(
        WellQuery {
            polygon: Some("  ".into()),
            ..base.clone()
        },
        "polygon",
        "empty",
    );
    // Duplicates count once for max_points: GR, GR needs 2 points.
    let ok = WellQuery {
        curves: curves(&["GR", "GR"]),
        max_points: Some(2),
        ..base
    };
    assert!(ok.validate().is_ok());
}

#[test]
fn check_curves_names_every_unknown_one() {
    let q = WellQuery {
        curves: curves(&["GR", "XX", "depth_not"]),
        filters: vec![filter("YY", Cmp::Gt, 1.0), filter("depth", Cmp::Gt, 1.0)],
        ..WellQuery::default()
    };
    let known = |c: &str| c == "GR";
    let e = q.check_curves(known).expect_err("unknown");
    assert_eq!(e.to_string(), "unknown curve(s): XX, depth_not, YY");
    let fine = WellQuery {
        curves: curves(&["GR"]),
        ..WellQuery::default()
    };
    assert!(fine.check_curves(known).is_ok());
}

// ---------------------------------------------------------------------------------------------------------
// JSON and query strings
// ---------------------------------------------------------------------------------------------------------

#[test]
fn json_body() {
    let q: WellQuery = serde_json::from_str(
        r#"{"wells": ["W1"], "curves": ["GR"], "depth": {"min": 1000, "max": 1100},
            "filters": [{"curve": "GR", "op": ">=", "value": 50}, {"curve": "GR", "op": "lt", "value": 150}],
            "max_points": 2000}"#,
    )
    .expect("parse");
    assert_eq!(q.wells, [w("W1")]);
    assert_eq!(q.filters[0].op, Cmp::Ge);
    assert_eq!(q.filters[1].op, Cmp::Lt);
    assert_eq!(
        q.depth,
        Some(DepthRange {
            min: Some(1000.0),
            max: Some(1100.0)
        })
    );
    let back: WellQuery = serde_json::from_str(&serde_json::to_string(&q).expect("json")).expect("parse");
    assert_eq!(back, q);
    assert_eq!(
        serde_json::from_str::<WellQuery>("{}").expect("empty"),
        WellQuery::default()
    );
    for bad in [
        r#"{"curvs": ["GR"]}"#,
        r#"{"wells": ["../etc"]}"#,
        r#"{"filters": [{"curve": "GR", "op": "~", "value": 1}]}"#,
        r#"{"depth": {"min": 1, "mx": 2}}"#,
    ] {
        assert!(serde_json::from_str::<WellQuery>(bad).is_err(), "{bad}");
    }
}

#[test]
fn query_string_pairs_plan_like_json() {
    let from_pairs = WellQuery::from_query_pairs([
        ("wells", "W2,W1"),
        ("curves", "GR,RHOB"),
        ("depth_min", "1000"),
        ("depth_max", "1100"),
        ("filter", "GR>=50"),
        ("max_points", "400"),
    ])
    .expect("pairs");
    let from_json: WellQuery = serde_json::from_str(
        r#"{"wells": ["W1", "W2"], "curves": ["GR", "RHOB"], "depth": {"min": 1000, "max": 1100},
            "filters": [{"curve": "GR", "op": "ge", "value": 50}], "max_points": 400}"#,
    )
    .expect("json");
    assert_eq!(from_pairs.canonical(), from_json.canonical());
    assert_eq!(plan(&from_pairs).expect("plan"), plan(&from_json).expect("plan"));
    let e = WellQuery::from_query_pairs([("depth_min", "deep")]).expect_err("not a number");
    assert_eq!(
        e.to_string(),
        r#"query parameter "depth_min": "deep" is not a number"#
    );
    // "NaN" parses as a float, validation refuses it.
    let q = WellQuery::from_query_pairs([("depth_min", "NaN")]).expect("parses");
    assert!(matches!(q.validate(), Err(QueryError::NotFinite { .. })));
}

// ---------------------------------------------------------------------------------------------------------
// Canonical form
// ---------------------------------------------------------------------------------------------------------

#[test]
fn canonical_is_order_insensitive_where_order_means_nothing() {
    let a = WellQuery {
        wells: vec![w("B"), w("A")],
        curves: curves(&["GR", "RHOB"]),
        filters: vec![filter("GR", Cmp::Gt, 1.0), filter("RHOB", Cmp::Lt, 3.0)],
        depth: Some(DepthRange {
            min: Some(-0.0),
            max: None,
        }),
        ..WellQuery::default()
    };
    let b = WellQuery {
        wells: vec![w("A"), w("B"), w("A")],
        curves: curves(&["GR", "RHOB", "GR"]),
        filters: vec![
            filter("RHOB", Cmp::Lt, 3.0),
            filter("GR", Cmp::Gt, 1.0),
            filter("RHOB", Cmp::Lt, 3.0),
        ],
        depth: Some(DepthRange {
            min: Some(0.0),
            max: None,
        }),
        ..WellQuery::default()
    };
    assert_eq!(a.canonical(), b.canonical());
    // Curve order is the column order of the result: it matters.
    let swapped = WellQuery {
        curves: curves(&["RHOB", "GR"]),
        ..a.clone()
    };
    assert_ne!(a.canonical(), swapped.canonical());
    // An all-open depth range is no range.
    let open = WellQuery {
        depth: Some(DepthRange::default()),
        ..WellQuery::default()
    };
    assert_eq!(open.canonical(), WellQuery::default().canonical());
}

/// One small change of a query, for the property below.
#[derive(Debug, Clone)]
enum Change {
    AddWell,
    AddCurve,
    DropCurve,
    SwapCurves,
    DepthMin(f64),
    FilterValue(f64),
    FilterOp,
    MaxPoints,
    Limit,
    Polygon,
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        Just(Change::AddWell),
        Just(Change::AddCurve),
        Just(Change::DropCurve),
        Just(Change::SwapCurves),
        (-1e6..1e6f64).prop_map(Change::DepthMin),
        (-1e3..1e3f64).prop_map(Change::FilterValue),
        Just(Change::FilterOp),
        Just(Change::MaxPoints),
        Just(Change::Limit),
        Just(Change::Polygon),
    ]
}

/// Applies a change; `false` when it would not change the meaning (then the test skips the case).
fn apply(q: &mut WellQuery, c: &Change) -> bool {
    match c {
        Change::AddWell => {
            q.wells.push(w("ZZ-new-well"));
            true
        }
        Change::AddCurve => {
            q.curves.push("NEWCURVE".into());
            true
        }
        Change::DropCurve => {
            q.curves = q.normalized().curves;
            q.curves.pop().is_some()
        }
        Change::SwapCurves => {
            let n = q.normalized().curves;
            if n.len() < 2 {
                return false;
            }
            q.curves = n;
            q.curves.swap(0, 1);
            true
        }
        Change::DepthMin(v) => {
            let old = q.depth.and_then(|d| d.min);
            q.depth = Some(DepthRange {
                min: Some(*v),
                max: q.depth.and_then(|d| d.max),
            });
            old != Some(*v)
        }
        Change::FilterValue(v) => {
            if q.filters.iter().any(|f| f.curve == "FVAL") {
                return false;
            }
            q.filters.push(filter("FVAL", Cmp::Gt, *v));
            true
        }
        Change::FilterOp => match q.filters.first().cloned() {
            Some(f) => {
                let op = if f.op == Cmp::Lt { Cmp::Ge } else { Cmp::Lt };
                q.filters = q
                    .filters
                    .iter()
                    .map(|g| {
                        if g == &f {
                            Filter { op, ..g.clone() }
                        } else {
                            g.clone()
                        }
                    })
                    .collect();
                true
            }
            None => false,
        },
        Change::MaxPoints => {
            q.max_points = Some(q.max_points.map_or(10_000, |n| n + 1));
            true
        }
        Change::Limit => {
            q.limit = Some(q.limit.map_or(7, |n| n + 1));
            true
        }
        Change::Polygon => {
            q.polygon = Some(format!("{}x", q.polygon.clone().unwrap_or_default()));
            true
        }
    }
}

fn well_id() -> impl Strategy<Value = WellId> {
    "[A-Za-z0-9][A-Za-z0-9_-]{0,11}".prop_map(|s| w(&s))
}

/// Curve names of any Unicode except control characters, including quotes, `--`, `;` and `/*`.
fn curve_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Z]{1,4}(:[0-9])?",
        "[^\\p{Cc}]{1,24}",
        Just("\"; DROP TABLE wells; --".to_owned()),
        Just("x\" FROM other_project.well_logs --".to_owned()),
        Just("'".to_owned()),
        Just("\"\"".to_owned()),
        Just("/*".to_owned()),
    ]
    .prop_filter("not blank or reserved", |s| {
        !s.trim().is_empty() && s != "depth" && s != "well_id" && s != "log_id"
    })
}

fn finite() -> impl Strategy<Value = f64> {
    prop_oneof![
        -1e4..1e4f64,
        any::<f64>().prop_filter("finite", |v| v.is_finite()),
        Just(0.0),
        Just(-0.0),
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
    ]
}

fn cmp() -> impl Strategy<Value = Cmp> {
    prop::sample::select(Cmp::ALL.to_vec())
}

fn well_query() -> impl Strategy<Value = WellQuery> {
    (
        prop::collection::vec(well_id(), 0..5),
        prop::collection::vec(curve_name(), 0..6),
        prop::option::of((prop::option::of(finite()), prop::option::of(finite()))),
        prop::collection::vec((curve_name(), cmp(), finite()), 0..4),
        prop::option::of(prop_oneof![Just(None), (1usize..1_000_000).prop_map(Some)]),
    )
        .prop_map(|(wells, curves, depth, filters, limit)| {
            let depth = depth.map(|(a, b)| match (a, b) {
                (Some(a), Some(b)) if a > b => DepthRange {
                    min: Some(b),
                    max: Some(a),
                },
                (min, max) => DepthRange { min, max },
            });
            WellQuery {
                wells,
                curves,
                depth,
                filters: filters
                    .into_iter()
                    .map(|(curve, op, value)| Filter { curve, op, value })
                    .collect(),
                polygon: None,
                max_points: None,
                limit: limit.flatten(),
            }
        })
}

/// The tokens a planned query must consist of, built independently of the planner from the normalised
/// query: every curve one quoted identifier, every well one string, every number one (signed) number.
fn expected_tokens(q: &WellQuery) -> Vec<Token> {
    let n = q.normalized();
    let kw = Token::make_keyword;
    let ident = |s: &str| Token::make_word(s, Some('"'));
    let number = |v: f64| {
        let s = float_literal(v).expect("finite");
        match s.strip_prefix('-') {
            Some(abs) => vec![Token::Minus, Token::Number(abs.to_owned(), false)],
            None => vec![Token::Number(s, false)],
        }
    };
    let mut t = vec![kw("SELECT"), ident("well_id"), Token::Comma, ident("depth")];
    for c in &n.curves {
        t.extend([Token::Comma, ident(c)]);
    }
    t.extend([kw("FROM"), ident("well_logs")]);
    let mut first = true;
    let mut and = |t: &mut Vec<Token>| {
        t.push(kw(if first { "WHERE" } else { "AND" }));
        first = false;
    };
    if !n.wells.is_empty() {
        and(&mut t);
        t.extend([ident("well_id"), kw("IN"), Token::LParen]);
        for (i, well) in n.wells.iter().enumerate() {
            if i > 0 {
                t.push(Token::Comma);
            }
            t.push(Token::SingleQuotedString(well.as_str().to_owned()));
        }
        t.push(Token::RParen);
    }
    if let Some(d) = n.depth {
        match (d.min, d.max) {
            (Some(a), Some(b)) => {
                and(&mut t);
                t.extend([ident("depth"), kw("BETWEEN")]);
                t.extend(number(a));
                t.push(kw("AND"));
                t.extend(number(b));
            }
            (Some(a), None) => {
                and(&mut t);
                t.extend([ident("depth"), Token::GtEq]);
                t.extend(number(a));
            }
            (None, Some(b)) => {
                and(&mut t);
                t.extend([ident("depth"), Token::LtEq]);
                t.extend(number(b));
            }
            (None, None) => {}
        }
    }
    for f in &n.filters {
        and(&mut t);
        t.push(ident(&f.curve));
        t.push(match f.op {
            Cmp::Lt => Token::Lt,
            Cmp::Le => Token::LtEq,
            Cmp::Gt => Token::Gt,
            Cmp::Ge => Token::GtEq,
            Cmp::Eq => Token::Eq,
            Cmp::Ne => Token::Neq,
        });
        t.extend(number(f.value));
    }
    t.extend([
        kw("ORDER"),
        kw("BY"),
        ident("well_id"),
        Token::Comma,
        ident("depth"),
    ]);
    if let Some(limit) = n.limit {
        t.extend([kw("LIMIT"), Token::Number(limit.to_string(), false)]);
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Nothing in a query can leave its quotes: the SQL tokenizes (with DataFusion's tokenizer) into
    /// exactly the expected tokens, and parses as one SELECT.
    #[test]
    fn no_input_breaks_out_of_its_quotes(q in well_query()) {
        let p = plan(&q).expect("valid by construction");
        let dialect = GenericDialect {};
        let tokens: Vec<Token> = Tokenizer::new(&dialect, &p.sql)
            .tokenize()
            .expect("tokenizes")
            .into_iter()
            .filter(|t| !matches!(t, Token::Whitespace(_)))
            .collect();
        prop_assert_eq!(tokens, expected_tokens(&q), "{}", p.sql);
        let statements = Parser::parse_sql(&dialect, &p.sql).expect("parses");
        prop_assert_eq!(statements.len(), 1);
        prop_assert!(matches!(statements[0], sqlparser::ast::Statement::Query(_)));
    }

    /// Reordering and repeating wells and filters, repeating curves, and writing -0 for 0 keep the
    /// canonical bytes (and so the SQL and the cache key).
    #[test]
    fn canonical_is_stable_under_equivalent_rewrites(q in well_query(), seed in any::<u64>()) {
        let mut r = q.clone();
        let k = seed as usize;
        if !r.wells.is_empty() {
            let n = r.wells.len();
            r.wells.rotate_left(k % n);
            r.wells.push(r.wells[k % r.wells.len()].clone());
        }
        if !r.filters.is_empty() {
            r.filters.reverse();
            r.filters.push(r.filters[k % r.filters.len()].clone());
        }
        if !r.curves.is_empty() {
            r.curves.push(r.curves[k % r.curves.len()].clone());
        }
        prop_assert_eq!(q.canonical(), r.canonical());
        prop_assert_eq!(plan(&q).expect("plan").sql, plan(&r).expect("plan").sql);
    }

    /// Any change of meaning changes the canonical bytes.
    #[test]
    fn canonical_changes_with_any_change(q in well_query(), c in change()) {
        let mut changed = q.clone();
        prop_assume!(apply(&mut changed, &c));
        prop_assert_ne!(q.canonical(), changed.canonical(), "{:?}", c);
    }

    /// Decimation never exceeds max_points, keeps rows sorted and unique, and keeps each curve's
    /// overall minimum and maximum (the spikes).
    #[test]
    fn decimation_bound_and_extremes(
        rows in prop::collection::vec(
            (prop::option::of(-1e3..1e3f64), prop::option::of(0.0..200.0f64)), 0..600),
        max_points in 4usize..300,
    ) {
        let depth: Vec<f64> = (0..rows.len()).map(|i| 500.0 + i as f64 * 0.1524).collect();
        let a: Vec<f64> = rows.iter().map(|r| r.0.unwrap_or(f64::NAN)).collect();
        let b: Vec<f64> = rows.iter().map(|r| r.1.unwrap_or(f64::NAN)).collect();
        let keep = decimate_min_max(&depth, &[&a, &b], max_points).expect("decimate");
        prop_assert!(keep.len() <= max_points.min(rows.len()));
        prop_assert!(keep.windows(2).all(|p| p[0] < p[1]));
        for col in [&a, &b] {
            let valid = col.iter().enumerate().filter(|(_, v)| !v.is_nan());
            let lo = valid.clone().min_by(|x, y| x.1.total_cmp(y.1)).map(|(i, _)| i);
            let hi = valid.max_by(|x, y| x.1.total_cmp(y.1)).map(|(i, _)| i);
            for extreme in [lo, hi].into_iter().flatten() {
                let v = col[extreme];
                prop_assert!(keep.iter().any(|&i| col[i] == v), "extreme {} lost", v);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Decimation on real logs, through Arrow
// ---------------------------------------------------------------------------------------------------------

fn shared_las(rel: &str) -> PathBuf {
    let shared = std::env::var_os("MUDROCK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared")));
    let path = shared.join("data/las").join(rel);
    assert!(
        path.is_file(),
        "test data is missing: {} (set MUDROCK_SHARED to the folder holding data/las)",
        path.display()
    );
    path
}

#[cfg(feature = "arrow")]
mod arrow_batches {
    use std::sync::Arc;

    use arrow_array::cast::AsArray;
    use arrow_array::types::Float64Type;
    use arrow_array::{Array, ArrayRef, Float64Array, RecordBatch, StringArray};
    use arrow_schema::{DataType, Field, Schema};
    use mudrock_core::arrow::las_to_record_batch;
    use mudrock_core::las;
    use mudrock_core::query::{decimate_batch, decimate_batches, decimate_min_max};

    use super::{shared_las, w};

    /// A real log as a well query result: `well_id`, `depth`, then its Float64 curves.
    fn result_batch(rel: &str, well: &str) -> RecordBatch {
        let bytes = std::fs::read(shared_las(rel)).expect("read LAS");
        let file = las::read_bytes(&bytes).expect("parse LAS");
        let batch = las_to_record_batch(&file, &w(well)).expect("to Arrow");
        let mut fields = vec![Field::new("well_id", DataType::Utf8, false)];
        let mut columns: Vec<ArrayRef> = vec![Arc::new(StringArray::from(vec![well; batch.num_rows()]))];
        for (f, c) in batch.schema().fields().iter().zip(batch.columns()) {
            if f.data_type() == &DataType::Float64 {
                fields.push(f.as_ref().clone());
                columns.push(c.clone());
            }
        }
        RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).expect("batch")
    }

    fn floats(batch: &RecordBatch, name: &str) -> Vec<f64> {
        let col = batch
            .column_by_name(name)
            .expect("column")
            .as_primitive::<Float64Type>();
        (0..col.len())
            .map(|i| if col.is_valid(i) { col.value(i) } else { f64::NAN })
            .collect()
    }

    #[test]
    fn a_real_log_decimates_like_the_slice_version() {
        let batch = result_batch("lasio/standards/examples/1.2/sample_big.las", "big");
        let n = batch.num_rows();
        assert!(n > 5_000, "{n} rows");
        let curve_names: Vec<String> = batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .filter(|n| n != "well_id" && n != "depth")
            .collect();
        let max_points = 4 * curve_names.len() * 25;
        let out = decimate_batch(&batch, max_points).expect("decimate");
        assert!(out.num_rows() <= max_points, "{}", out.num_rows());
        assert_eq!(out.schema(), batch.schema());

        let depth = floats(&batch, "depth");
        let cols: Vec<Vec<f64>> = curve_names.iter().map(|c| floats(&batch, c)).collect();
        let refs: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
        let keep = decimate_min_max(&depth, &refs, max_points).expect("slices");
        let expected_depths: Vec<f64> = keep.iter().map(|&i| depth[i]).collect();
        assert_eq!(floats(&out, "depth"), expected_depths);
        let out_depth = floats(&out, "depth");
        assert!(out_depth.windows(2).all(|p| p[0] <= p[1]), "sorted by depth");
        for (name, col) in curve_names.iter().zip(&cols) {
            let got = floats(&out, name);
            let max = col
                .iter()
                .copied()
                .filter(|v| !v.is_nan())
                .fold(f64::MIN, f64::max);
            let min = col
                .iter()
                .copied()
                .filter(|v| !v.is_nan())
                .fold(f64::MAX, f64::min);
            assert!(got.contains(&max) && got.contains(&min), "{name} keeps its range");
        }
    }

    #[test]
    fn each_well_is_decimated_on_its_own_across_batches() {
        let a = result_batch("lasio/standards/examples/1.2/sample_big.las", "A");
        let b = result_batch("lasio/standards/examples/1.2/sample_big.las", "B");
        // Split well B over two batches, as a streamed result would.
        let (b1, b2) = (b.slice(0, 1_000), b.slice(1_000, b.num_rows() - 1_000));
        let schema = a.schema();
        let curves = schema.fields().len() - 2;
        let max_points = 2 * curves * 10;
        let out = decimate_batches(&schema, &[a.clone(), b1, b2], max_points).expect("decimate");
        let wells = out.column_by_name("well_id").expect("well_id").as_string::<i32>();
        let per_well = |id: &str| (0..wells.len()).filter(|&i| wells.value(i) == id).count();
        let (na, nb) = (per_well("A"), per_well("B"));
        assert!(
            na > 0 && na <= max_points && nb > 0 && nb <= max_points,
            "{na} {nb}"
        );
        // Same data, same picture: each well decimates exactly as it would alone.
        let alone = decimate_batch(&a, max_points).expect("alone");
        assert_eq!(na, alone.num_rows());
        assert_eq!(floats(&out.slice(0, na), "depth"), floats(&alone, "depth"));
    }

    #[test]
    fn nulls_stay_gaps_and_bad_batches_are_errors() {
        // 100 rows; curve X null in rows 40..60 → the buckets there keep a null row.
        let depth: Vec<f64> = (0..100).map(f64::from).collect();
        let x: Vec<Option<f64>> = (0..100)
            .map(|i| (!(40..60).contains(&i)).then_some(f64::from(i % 9)))
            .collect();
        let schema = Arc::new(Schema::new(vec![
            Field::new("depth", DataType::Float64, false),
            Field::new("X", DataType::Float64, true),
        ]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Float64Array::from(depth)),
                Arc::new(Float64Array::from(x)),
            ],
        )
        .expect("batch");
        let out = decimate_batch(&batch, 20).expect("decimate");
        assert!(out.num_rows() <= 20);
        let x = out.column_by_name("X").expect("X");
        assert_eq!(x.null_count(), 2, "buckets 40..50 and 50..60 are gaps");

        let no_depth = RecordBatch::try_new(
            Arc::new(Schema::new(vec![Field::new("X", DataType::Float64, true)])),
            vec![Arc::new(Float64Array::from(vec![1.0]))],
        )
        .expect("batch");
        let e = decimate_batch(&no_depth, 10).expect_err("no depth");
        assert!(!e.is_input_error());
        assert!(e.to_string().contains("no \"depth\" column"), "{e}");
    }
}
