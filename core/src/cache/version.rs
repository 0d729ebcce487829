//! What a response read: the versions that go into its cache key and its ETag.

use std::collections::BTreeSet;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::canon::Canon;

/// One thing a response read, at the version it read it.
///
/// Ordered (derive) so that a [`VersionSet`] has one canonical order whatever order the reads happened in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Version {
    /// An object in the store, identified by what its `stat` returned. The ETag is opaque and kept as the
    /// backend gave it (quotes included); `last_modified_ns` is nanoseconds since the Unix epoch.
    Object {
        path: String,
        size: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        etag: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_modified_ns: Option<i64>,
    },
    /// An Iceberg table at a snapshot (a snapshot id is never reused within a table).
    Snapshot { table: String, snapshot_id: i64 },
}

impl Version {
    pub fn object(
        path: impl Into<String>,
        size: u64,
        etag: Option<String>,
        last_modified: Option<SystemTime>,
    ) -> Version {
        Version::Object {
            path: path.into(),
            size,
            etag,
            last_modified_ns: last_modified.and_then(unix_nanos),
        }
    }

    pub fn snapshot(table: impl Into<String>, snapshot_id: i64) -> Version {
        Version::Snapshot {
            table: table.into(),
            snapshot_id,
        }
    }

    /// The object path or the table name.
    pub fn name(&self) -> &str {
        match self {
            Version::Object { path, .. } => path,
            Version::Snapshot { table, .. } => table,
        }
    }

    /// Whether a change of the thing is guaranteed to change this version.
    ///
    /// An object with neither ETag nor modification time (OpenDAL's `memory` backend) is identified by its
    /// size only: rewriting it with other bytes of the same size would keep the version, so responses
    /// that read it must not be cached (nor given an ETag). A modification time without an ETag (the
    /// `fs` backend) is accepted, but it is only as fine as the file system's clock: two rewrites of
    /// an object with the same size within one clock tick (a few milliseconds on Linux) look the same.
    /// Prefer backends with ETags, or name objects by content, where that matters.
    pub fn is_verifiable(&self) -> bool {
        match self {
            Version::Object {
                etag,
                last_modified_ns,
                ..
            } => etag.is_some() || last_modified_ns.is_some(),
            Version::Snapshot { .. } => true,
        }
    }

    pub(crate) fn write_canonical(&self, out: &mut Canon) {
        match self {
            Version::Object {
                path,
                size,
                etag,
                last_modified_ns,
            } => {
                out.tag("object").str(path).u64(*size);
                out.opt(etag.as_deref(), |c, e| {
                    c.str(e);
                });
                out.opt(*last_modified_ns, |c, t| {
                    c.i64(t);
                });
            }
            Version::Snapshot { table, snapshot_id } => {
                out.tag("snapshot").str(table).i64(*snapshot_id);
            }
        }
    }
}

/// Nanoseconds since the Unix epoch, `None` outside the `i64` range (before 1678 or after 2262).
pub fn unix_nanos(t: SystemTime) -> Option<i64> {
    match t.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_nanos()).ok(),
        Err(before) => i64::try_from(before.duration().as_nanos()).ok().map(|n| -n),
    }
}

/// The versions a response read: sorted and de-duplicated, so the same reads in any order give the
/// same set, the same canonical bytes and the same [`super::CacheKey`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "Vec<Version>", into = "Vec<Version>")]
pub struct VersionSet(BTreeSet<Version>);

impl VersionSet {
    pub fn new() -> VersionSet {
        VersionSet::default()
    }

    /// Adds a version; `false` when it was already there.
    pub fn insert(&mut self, version: Version) -> bool {
        self.0.insert(version)
    }

    /// Adds every version of `other`.
    pub fn merge(&mut self, other: &VersionSet) {
        self.0.extend(other.0.iter().cloned());
    }

    pub fn iter(&self) -> impl Iterator<Item = &Version> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every version is verifiable ([`Version::is_verifiable`]); an empty set is too (it read nothing
    /// that can change).
    pub fn is_verifiable(&self) -> bool {
        self.0.iter().all(Version::is_verifiable)
    }

    /// The canonical bytes: the count, then each version in order, every field length-prefixed.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut out = Canon::new();
        self.write_canonical(&mut out);
        out.into_bytes()
    }

    pub(crate) fn write_canonical(&self, out: &mut Canon) {
        out.u64(self.0.len() as u64);
        for v in &self.0 {
            v.write_canonical(out);
        }
    }
}

impl From<Vec<Version>> for VersionSet {
    fn from(v: Vec<Version>) -> VersionSet {
        VersionSet(v.into_iter().collect())
    }
}

impl From<VersionSet> for Vec<Version> {
    fn from(s: VersionSet) -> Vec<Version> {
        s.0.into_iter().collect()
    }
}

impl FromIterator<Version> for VersionSet {
    fn from_iter<I: IntoIterator<Item = Version>>(iter: I) -> VersionSet {
        VersionSet(iter.into_iter().collect())
    }
}

impl Extend<Version> for VersionSet {
    fn extend<I: IntoIterator<Item = Version>>(&mut self, iter: I) {
        self.0.extend(iter);
    }
}

impl IntoIterator for VersionSet {
    type Item = Version;
    type IntoIter = std::collections::btree_set::IntoIter<Version>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a VersionSet {
    type Item = &'a Version;
    type IntoIter = std::collections::btree_set::Iter<'a, Version>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(path: &str, etag: &str) -> Version {
        Version::Object {
            path: path.into(),
            size: 10,
            etag: Some(etag.into()),
            last_modified_ns: None,
        }
    }

    #[test]
    fn set_is_sorted_and_deduplicated() {
        let a: VersionSet = [obj("b", "1"), obj("a", "1"), obj("b", "1")]
            .into_iter()
            .collect();
        let b: VersionSet = [obj("a", "1"), obj("b", "1")].into_iter().collect();
        assert_eq!(a, b);
        assert_eq!(a.len(), 2);
        assert_eq!(a.canonical_bytes(), b.canonical_bytes());
        let names: Vec<&str> = a.iter().map(Version::name).collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn a_new_etag_or_snapshot_changes_the_bytes() {
        let one: VersionSet = [obj("a", "1")].into_iter().collect();
        let two: VersionSet = [obj("a", "2")].into_iter().collect();
        assert_ne!(one.canonical_bytes(), two.canonical_bytes());
        let s1: VersionSet = [Version::snapshot("well_logs", 1)].into_iter().collect();
        let s2: VersionSet = [Version::snapshot("well_logs", 2)].into_iter().collect();
        assert_ne!(s1.canonical_bytes(), s2.canonical_bytes());
    }

    #[test]
    fn an_etag_is_not_confused_with_a_missing_one() {
        let with = Version::Object {
            path: "a".into(),
            size: 1,
            etag: Some(String::new()),
            last_modified_ns: None,
        };
        let without = Version::Object {
            path: "a".into(),
            size: 1,
            etag: None,
            last_modified_ns: None,
        };
        let (mut c1, mut c2) = (Canon::new(), Canon::new());
        with.write_canonical(&mut c1);
        without.write_canonical(&mut c2);
        assert_ne!(c1.into_bytes(), c2.into_bytes());
        assert!(with.is_verifiable());
        assert!(!without.is_verifiable());
    }

    #[test]
    fn json_round_trip_is_canonical() {
        let set: VersionSet = [
            Version::snapshot("t", 7),
            obj("p", "\"e\""),
            Version::object(
                "q",
                3,
                None,
                Some(UNIX_EPOCH + std::time::Duration::from_nanos(5)),
            ),
        ]
        .into_iter()
        .collect();
        let json = serde_json::to_string(&set).expect("serialize");
        let back: VersionSet = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, set);
        assert!(json.starts_with(r#"[{"kind":"object","path":"p""#), "{json}");
    }

    #[test]
    fn unix_nanos_both_sides_of_the_epoch() {
        let d = std::time::Duration::from_nanos(1_500);
        assert_eq!(unix_nanos(UNIX_EPOCH + d), Some(1_500));
        assert_eq!(unix_nanos(UNIX_EPOCH - d), Some(-1_500));
    }
}
