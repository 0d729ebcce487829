//! Cache keys and the LRU as properties: keys stable under equivalent rewrites and different for any
//! change of request or version; the LRU within its byte budget and equal to a plain reference model.

use mudrock_core::cache::{ApiRoute, CacheKey, Lru, Tier, Version, VersionSet, Weight};
use mudrock_core::query::{QueryPlan, WellQuery, plan};
use proptest::prelude::*;

fn version() -> impl Strategy<Value = Version> {
    prop_oneof![
        (
            "[a-z]{1,3}/wells/[a-z0-9]{1,4}/logs/[a-z0-9]{1,4}\\.parquet",
            0u64..1_000_000,
            prop::option::of("\"[0-9a-f]{1,8}\""),
            prop::option::of(any::<i64>()),
        )
            .prop_map(|(path, size, etag, last_modified_ns)| Version::Object {
                path,
                size,
                etag,
                last_modified_ns,
            }),
        ("[a-z_]{1,8}", any::<i64>()).prop_map(|(t, id)| Version::snapshot(t, id)),
    ]
}

/// A version that differs from `v` in one field.
fn bump(v: &Version, which: u8) -> Version {
    match v.clone() {
        Version::Object {
            path,
            size,
            etag,
            last_modified_ns,
        } => match which % 4 {
            0 => Version::Object {
                path: format!("{path}x"),
                size,
                etag,
                last_modified_ns,
            },
            1 => Version::Object {
                path,
                size: size.wrapping_add(1),
                etag,
                last_modified_ns,
            },
            2 => Version::Object {
                path,
                size,
                etag: Some(format!("{}1", etag.unwrap_or_default())),
                last_modified_ns,
            },
            _ => Version::Object {
                path,
                size,
                etag,
                last_modified_ns: Some(last_modified_ns.map_or(0, |t| t.wrapping_add(1))),
            },
        },
        Version::Snapshot { table, snapshot_id } => {
            if which.is_multiple_of(2) {
                Version::snapshot(format!("{table}x"), snapshot_id)
            } else {
                Version::snapshot(table, snapshot_id.wrapping_add(1))
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// The same reads in any order, with repeats, give the same key.
    #[test]
    fn key_is_stable_under_reordering(
        versions in prop::collection::vec(version(), 0..8),
        request in prop::collection::vec(any::<u8>(), 0..64),
        seed in any::<usize>(),
    ) {
        let forward: VersionSet = versions.iter().cloned().collect();
        let mut shuffled = versions.clone();
        if !shuffled.is_empty() {
            let n = shuffled.len();
            shuffled.rotate_left(seed % n);
            shuffled.reverse();
            shuffled.push(shuffled[seed % n].clone());
        }
        let backward: VersionSet = shuffled.into_iter().collect();
        prop_assert_eq!(
            CacheKey::new("d", &request, &forward),
            CacheKey::new("d", &request, &backward)
        );
        // And it survives JSON (how versions travel between tiers).
        let json = serde_json::to_string(&forward).expect("json");
        let back: VersionSet = serde_json::from_str(&json).expect("json");
        prop_assert_eq!(CacheKey::new("d", &request, &back), CacheKey::new("d", &request, &forward));
    }

    /// A new ingest — any changed, added or removed version — and any change of the request bytes or
    /// the domain give a different key.
    #[test]
    fn key_changes_with_any_change(
        versions in prop::collection::vec(version(), 1..8),
        request in prop::collection::vec(any::<u8>(), 0..64),
        pick in any::<usize>(),
        which in any::<u8>(),
        extra in version(),
    ) {
        let set: VersionSet = versions.iter().cloned().collect();
        let key = CacheKey::new("d", &request, &set);

        let target = &versions[pick % versions.len()];
        let changed: VersionSet = set
            .iter()
            .map(|v| if v == target { bump(v, which) } else { v.clone() })
            .collect();
        if changed != set {
            prop_assert_ne!(key, CacheKey::new("d", &request, &changed));
        }
        let mut added = set.clone();
        if added.insert(extra) {
            prop_assert_ne!(key, CacheKey::new("d", &request, &added));
        }
        let removed: VersionSet = set.iter().filter(|v| *v != target).cloned().collect();
        prop_assert_ne!(key, CacheKey::new("d", &request, &removed));

        let mut other_request = request.clone();
        match other_request.get_mut(pick % request.len().max(1)) {
            Some(b) => *b ^= 1 << (which % 8),
            None => other_request.push(which),
        }
        prop_assert_ne!(key, CacheKey::new("d", &other_request, &set));
        prop_assert_ne!(key, CacheKey::new("e", &request, &set));
        prop_assert!(key.matches_if_none_match(&key.etag()));
    }
}

#[test]
fn a_new_ingest_never_serves_the_old_key() {
    let q = WellQuery {
        wells: vec!["W1".parse().expect("well")],
        curves: vec!["GR".into()],
        ..WellQuery::default()
    };
    let p: QueryPlan = plan(&q).expect("plan");
    let path = "demo/wells/W1/logs/log-1.parquet";
    let before: VersionSet = [
        Version::object(path, 4096, Some("\"v1\"".into()), None),
        Version::snapshot("catalog.wells", 1),
    ]
    .into_iter()
    .collect();
    let after_ingest: VersionSet = [
        Version::object(path, 4096, Some("\"v2\"".into()), None),
        Version::snapshot("catalog.wells", 1),
    ]
    .into_iter()
    .collect();
    let old = p.cache_key("application/json", &before);
    let new = p.cache_key("application/json", &after_ingest);
    assert_ne!(old, new);
    assert!(
        !new.matches_if_none_match(&old.etag()),
        "the old ETag gets a 200, not a 304"
    );
}

#[test]
fn memory_backend_versions_are_not_verifiable() {
    let weak: VersionSet = [Version::object("p/catalog/wells_catalog.parquet", 10, None, None)]
        .into_iter()
        .collect();
    assert!(!weak.is_verifiable());
    let strong: VersionSet = [Version::object(
        "p/catalog/wells_catalog.parquet",
        10,
        None,
        Some(std::time::SystemTime::now()),
    )]
    .into_iter()
    .collect();
    assert!(strong.is_verifiable());
}

#[test]
fn heavy_routes_are_computed_only_by_the_backend() {
    for route in ApiRoute::ALL {
        let computing: Vec<Tier> = Tier::ALL
            .into_iter()
            .filter(|t| t.computes(route.weight()))
            .collect();
        match route.weight() {
            Weight::Light => assert_eq!(computing, Tier::ALL, "{route:?}"),
            Weight::Heavy => assert_eq!(computing, [Tier::Backend], "{route:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// The LRU against a reference model
// ---------------------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Op {
    Get(u8),
    Peek(u8),
    Insert(u8, u16),
    Remove(u8),
    PopLru,
    SetBudget(u16),
    Clear,
}

fn op() -> impl Strategy<Value = Op> {
    // Few keys so that hits, replacements and evictions all happen often.
    prop_oneof![
        4 => (0u8..24).prop_map(Op::Get),
        1 => (0u8..24).prop_map(Op::Peek),
        6 => ((0u8..24), 0u16..300).prop_map(|(k, w)| Op::Insert(k, w)),
        1 => (0u8..24).prop_map(Op::Remove),
        1 => Just(Op::PopLru),
        1 => (0u16..1200).prop_map(Op::SetBudget),
        1 => Just(Op::Clear),
    ]
}

/// The obvious implementation: a list, most recently used first.
struct Model {
    entries: Vec<(u8, u16, u64)>,
    budget: u64,
    hits: u64,
    misses: u64,
    evictions: u64,
    rejected: u64,
}

impl Model {
    fn bytes(&self) -> u64 {
        self.entries.iter().map(|e| e.2).sum()
    }
    fn take(&mut self, k: u8) -> Option<(u8, u16, u64)> {
        let i = self.entries.iter().position(|e| e.0 == k)?;
        Some(self.entries.remove(i))
    }
    fn evict_to(&mut self, target: u64) -> Vec<u8> {
        let mut out = Vec::new();
        while self.bytes() > target {
            let Some(e) = self.entries.pop() else { break };
            out.push(e.0);
            self.evictions += 1;
        }
        out
    }
}

fn weight(_: &u8, v: &u16) -> u64 {
    u64::from(*v)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn lru_matches_the_model_and_keeps_its_budget(
        budget in 0u16..1000,
        ops in prop::collection::vec(op(), 1..300),
    ) {
        let mut lru: Lru<u8, u16> = Lru::new(u64::from(budget), weight);
        let mut m = Model { entries: Vec::new(), budget: u64::from(budget), hits: 0, misses: 0, evictions: 0, rejected: 0 };
        for op in &ops {
            match *op {
                Op::Get(k) => {
                    let got = lru.get(&k).copied();
                    let want = m.take(k).map(|e| { m.entries.insert(0, e); e.1 });
                    if want.is_some() { m.hits += 1 } else { m.misses += 1 }
                    prop_assert_eq!(got, want);
                }
                Op::Peek(k) => {
                    let want = m.entries.iter().find(|e| e.0 == k).map(|e| e.1);
                    prop_assert_eq!(lru.peek(&k).copied(), want);
                }
                Op::Insert(k, v) => {
                    let ins = lru.insert(k, v);
                    let w = weight(&k, &v).max(1);
                    let replaced = m.take(k).map(|e| e.1);
                    prop_assert_eq!(ins.replaced, replaced);
                    if w > m.budget {
                        m.rejected += 1;
                        prop_assert!(!ins.stored);
                        prop_assert!(ins.evicted.is_empty());
                    } else {
                        let evicted = m.evict_to(m.budget - w);
                        m.entries.insert(0, (k, v, w));
                        prop_assert!(ins.stored);
                        prop_assert_eq!(ins.evicted.iter().map(|e| e.0).collect::<Vec<_>>(), evicted);
                    }
                }
                Op::Remove(k) => {
                    prop_assert_eq!(lru.remove(&k), m.take(k).map(|e| e.1));
                }
                Op::PopLru => {
                    prop_assert_eq!(lru.pop_lru(), m.entries.pop().map(|e| (e.0, e.1)));
                }
                Op::SetBudget(b) => {
                    m.budget = u64::from(b);
                    let evicted = m.evict_to(m.budget);
                    let got: Vec<u8> = lru.set_budget(u64::from(b)).into_iter().map(|e| e.0).collect();
                    prop_assert_eq!(got, evicted);
                }
                Op::Clear => {
                    lru.clear();
                    m.entries.clear();
                }
            }
            prop_assert!(lru.bytes() <= lru.budget(), "{} > {}", lru.bytes(), lru.budget());
            prop_assert_eq!(lru.bytes(), m.bytes());
            let order: Vec<(u8, u16)> = lru.iter().map(|(k, v)| (*k, *v)).collect();
            let want: Vec<(u8, u16)> = m.entries.iter().map(|e| (e.0, e.1)).collect();
            prop_assert_eq!(order, want);
            let s = lru.stats();
            prop_assert_eq!(
                (s.hits, s.misses, s.evictions, s.rejected, s.entries, s.bytes),
                (m.hits, m.misses, m.evictions, m.rejected, m.entries.len(), m.bytes())
            );
        }
    }
}
