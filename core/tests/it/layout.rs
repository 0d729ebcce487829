//! Property tests for the object layout: no input escapes its project, every rendered path parses back,
//! derived ids are always valid, and nothing panics.
#![cfg(not(target_arch = "wasm32"))]

use mudrock_core::layout::{CatalogType, Layout, LogId, ObjectPath, ProjectId, WellDataType, WellId};
use proptest::prelude::*;

/// Strings that are often almost valid: the allowed alphabet plus the characters that could escape.
fn near_id() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9._-]{1,12}",
        "[A-Za-z0-9._/\\\\ -]{0,16}",
        "(\\.|\\.\\.|/|[a-z]){0,8}",
        any::<String>(),
        "[a-z]{120,140}",
        // What a URL or a keyboard may turn into a dot or a slash: percent-encodings, and Unicode look-alikes
        // that NFKC normalisation maps to `.` and `/` (fullwidth, ideographic, one-dot leader, small full stop).
        "(%2e|%2E|%2f|%2F|%5c|%00|\u{FF0E}|\u{3002}|\u{FF0F}|\u{FF3C}|\u{2024}|\u{FE52}|\\.|[a-z]){1,10}",
    ]
}

fn layout() -> impl Strategy<Value = Layout> {
    prop_oneof![
        Just(Layout::new("").unwrap()),
        Just(Layout::new("mudrock").unwrap()),
        Just(Layout::new("/a/b-c/").unwrap()),
    ]
}

/// Every segment of a rendered path is safe: no empty (except the trailing one of a prefix), `.` or `..`.
fn assert_safe_segments(path: &str) {
    let body = path.strip_suffix('/').unwrap_or(path);
    assert!(!path.starts_with('/'), "{path}");
    for seg in body.split('/') {
        assert!(
            !seg.is_empty() && seg != "." && seg != "..",
            "unsafe segment in {path}"
        );
        assert!(
            !seg.chars()
                .any(|c| c.is_control() || c.is_whitespace() || c == '\\'),
            "{path}"
        );
    }
}

fn project_root_of(l: &Layout, p: &ProjectId) -> String {
    if l.prefix().is_empty() {
        format!("{p}/")
    } else {
        format!("{}/{p}/", l.prefix())
    }
}

fn check_roundtrip(l: &Layout, project: &ProjectId, path: &str) {
    assert_safe_segments(path);
    let root = project_root_of(l, project);
    assert!(path.starts_with(&root), "{path} escapes {root}");
    let parsed = l.parse(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(parsed.project(), project);
    assert_eq!(l.path(&parsed), path);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_id_is_rejected_or_stays_in_its_project(
        l in layout(),
        project in near_id(),
        well in near_id(),
        log in near_id(),
        name in near_id(),
        hash in prop_oneof!["[0-9a-fA-F]{64}", "[0-9a-f]{16,130}", near_id()],
        kind in prop::sample::select(WellDataType::ALL.to_vec()),
        catalog in prop::sample::select(CatalogType::ALL.to_vec()),
    ) {
        let Ok(project) = ProjectId::new(&project) else { return Ok(()) };
        check_roundtrip(&l, &project, &l.project_root(&project));
        check_roundtrip(&l, &project, &l.catalog(&project, catalog));
        check_roundtrip(&l, &project, &l.wells_prefix(&project));
        check_roundtrip(&l, &project, &l.iceberg_warehouse(&project));
        if let Ok(p) = l.raw_las(&project, &hash) {
            check_roundtrip(&l, &project, &p);
        }
        if let Ok(p) = l.dag_cache(&project, &hash) {
            check_roundtrip(&l, &project, &p);
        }
        if let Ok(well) = WellId::new(&well) {
            check_roundtrip(&l, &project, &l.well_root(&project, &well));
            check_roundtrip(&l, &project, &l.well_data_prefix(&project, &well, kind));
            if let Ok(log) = LogId::new(&log) {
                let path = l.well_log(&project, &well, &log);
                check_roundtrip(&l, &project, &path);
                prop_assert_eq!(
                    l.parse(&path).unwrap(),
                    ObjectPath::WellLog { project: project.clone(), well: well.clone(), log }
                );
            }
            if let Ok(p) = l.well_data(&project, &well, kind, &name) {
                check_roundtrip(&l, &project, &p);
            }
        }
    }

    #[test]
    fn rejected_ids_contain_what_the_rule_forbids(s in near_id()) {
        let ok = ProjectId::new(&s).is_ok();
        let safe = !s.is_empty()
            && s.len() <= 128
            && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            && !s.starts_with('.')
            && !s.contains("..");
        prop_assert_eq!(ok, safe, "{:?}", s);
    }

    #[test]
    fn derived_ids_are_always_valid(
        uwi in proptest::option::of(near_id()),
        name in proptest::option::of(near_id()),
        hash in near_id(),
        data_set in proptest::option::of(near_id()),
    ) {
        let w = WellId::derive(uwi.as_deref(), None, name.as_deref(), &hash);
        prop_assert!(WellId::new(w.as_str()).is_ok(), "{:?}", w);
        prop_assert_eq!(&w, &WellId::derive(uwi.as_deref(), None, name.as_deref(), &hash));
        let log = LogId::derive(&hash, data_set.as_deref());
        prop_assert!(LogId::new(log.as_str()).is_ok(), "{:?}", log);
        prop_assert_eq!(&log, &LogId::derive(&hash, data_set.as_deref()));
    }

    #[test]
    fn parse_never_panics_and_accepts_only_canonical_paths(
        l in layout(),
        path in prop_oneof![
            any::<String>(),
            "(mudrock/|a/b-c/)?[a-z.]{1,3}/(wells/|catalog/|raw/|iceberg|cache/dag/)?[a-z0-9./_-]{0,30}",
        ],
    ) {
        if let Ok(parsed) = l.parse(&path) {
            prop_assert_eq!(l.path(&parsed), path.clone());
            assert_safe_segments(&path);
        }
    }

    #[test]
    fn prefix_is_rejected_or_normalised(prefix in near_id()) {
        if let Ok(l) = Layout::new(&prefix) {
            prop_assert!(!l.prefix().starts_with('/') && !l.prefix().ends_with('/'));
            if !l.prefix().is_empty() {
                assert_safe_segments(l.prefix());
            }
        }
    }
}
