//! Cache keys: a blake3 hash of a domain tag, the canonical request bytes and the canonical versions it
//! read — and the HTTP ETag derived from it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::canon::Canon;
use super::version::VersionSet;

/// Changes whenever the key derivation changes, so keys from an older build never match.
const KEY_FORMAT: &str = "mudrock.cache-key.v1";

/// A content hash of what was asked and what was read. Two keys are equal only if the domain, the
/// canonical request bytes and the canonical [`VersionSet`] are all equal (up to a blake3 collision):
/// a new ingest changes an ETag or a snapshot id, so it can never produce a key already cached.
///
/// The domain names what kind of response the request bytes describe (`well_query`, `sql`,
/// `parquet_range` …) so equal bytes of different request kinds never share a key. Everything that
/// changes the response bytes — the output format from `Accept`, a row limit — must be part of the
/// request bytes: the ETag built from the key is a strong validator.
///
/// Displays (and serializes) as 64 lowercase hex digits, a valid [`crate::layout::ContentHash`] for L3 paths.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CacheKey([u8; 32]);

impl CacheKey {
    pub fn new(domain: &str, request: &[u8], versions: &VersionSet) -> CacheKey {
        let mut canon = Canon::new();
        canon.tag(KEY_FORMAT).str(domain).bytes(request);
        versions.write_canonical(&mut canon);
        CacheKey(*blake3::hash(&canon.into_bytes()).as_bytes())
    }

    pub fn from_bytes(bytes: [u8; 32]) -> CacheKey {
        CacheKey(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(64);
        for b in self.0 {
            s.push(char::from(DIGITS[usize::from(b >> 4)]));
            s.push(char::from(DIGITS[usize::from(b & 0xf)]));
        }
        s
    }

    /// The strong HTTP entity tag of a response with this key: the hex digits in double quotes.
    pub fn etag(&self) -> String {
        format!("\"{}\"", self.to_hex())
    }

    /// Whether an `If-None-Match` header value names this key's [`CacheKey::etag`], so the server
    /// may answer 304 without computing the response.
    ///
    /// RFC 9110 §13.1.2: `*` matches any current representation; otherwise the value is a
    /// comma-separated list of entity tags compared weakly (a `W/` prefix is ignored). A malformed
    /// list matches nothing (the response is then computed, which is always safe).
    pub fn matches_if_none_match(&self, header: &str) -> bool {
        let header = header.trim();
        if header == "*" {
            return true;
        }
        let hex = self.to_hex();
        let mut rest = header;
        loop {
            rest = rest.trim_start_matches([' ', '\t', ',']);
            if rest.is_empty() {
                return false;
            }
            let tag = rest.strip_prefix("W/").unwrap_or(rest);
            let Some(inner) = tag.strip_prefix('"') else {
                return false;
            };
            let Some(end) = inner.find('"') else {
                return false;
            };
            if inner[..end] == hex {
                return true;
            }
            rest = &inner[end + 1..];
        }
    }
}

impl fmt::Display for CacheKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CacheKey({})", self.to_hex())
    }
}

/// A string that is not 64 hex digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a cache key is 64 hexadecimal digits, got {input:?}")]
pub struct ParseCacheKeyError {
    pub input: String,
}

impl FromStr for CacheKey {
    type Err = ParseCacheKeyError;
    fn from_str(s: &str) -> Result<CacheKey, ParseCacheKeyError> {
        let err = || ParseCacheKeyError {
            input: s.chars().take(80).collect(),
        };
        let digits = s.as_bytes();
        if digits.len() != 64 {
            return Err(err());
        }
        let mut out = [0u8; 32];
        for (i, pair) in digits.chunks_exact(2).enumerate() {
            let hi = hex_value(pair[0]).ok_or_else(err)?;
            let lo = hex_value(pair[1]).ok_or_else(err)?;
            out[i] = (hi << 4) | lo;
        }
        Ok(CacheKey(out))
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

impl Serialize for CacheKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for CacheKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<CacheKey, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::Version;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn versions(etag: &str) -> VersionSet {
        [Version::object(
            "p/wells/w/logs/l.parquet",
            100,
            Some(etag.into()),
            None,
        )]
        .into_iter()
        .collect()
    }

    #[test]
    fn hex_round_trip_and_etag() {
        let k = CacheKey::new("well_query", b"abc", &versions("e1"));
        let hex = k.to_string();
        assert_eq!(hex.len(), 64);
        assert!(
            hex.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_eq!(hex.parse::<CacheKey>(), Ok(k));
        assert_eq!(hex.to_uppercase().parse::<CacheKey>(), Ok(k));
        assert_eq!(k.etag(), format!("\"{hex}\""));
        assert!(crate::layout::ContentHash::new(&hex).is_ok());
        assert!("xyz".parse::<CacheKey>().is_err());
        assert!(format!("{}g", &hex[..63]).parse::<CacheKey>().is_err());
    }

    #[test]
    fn domain_request_and_versions_all_count() {
        let base = CacheKey::new("well_query", b"abc", &versions("e1"));
        assert_eq!(base, CacheKey::new("well_query", b"abc", &versions("e1")));
        assert_ne!(base, CacheKey::new("sql", b"abc", &versions("e1")));
        assert_ne!(base, CacheKey::new("well_query", b"abd", &versions("e1")));
        assert_ne!(base, CacheKey::new("well_query", b"abc", &versions("e2")));
        // The boundary between domain and request is not ambiguous.
        assert_ne!(
            CacheKey::new("ab", b"c", &VersionSet::new()),
            CacheKey::new("a", b"bc", &VersionSet::new())
        );
    }

    #[test]
    fn if_none_match() {
        let k = CacheKey::new("d", b"r", &VersionSet::new());
        let other = CacheKey::new("d", b"s", &VersionSet::new());
        let tag = k.etag();
        assert!(k.matches_if_none_match(&tag));
        assert!(k.matches_if_none_match(&format!("W/{tag}")));
        assert!(k.matches_if_none_match("*"));
        assert!(k.matches_if_none_match(&format!("\"a,b\", {} ,{tag}", other.etag())));
        assert!(!k.matches_if_none_match(&other.etag()));
        assert!(!k.matches_if_none_match(&k.to_hex()), "unquoted is malformed");
        assert!(!k.matches_if_none_match(""));
        assert!(!k.matches_if_none_match("\"unterminated"));
    }

    #[test]
    fn serde_as_hex_string() {
        let k = CacheKey::new("d", b"r", &VersionSet::new());
        let json = serde_json::to_string(&k).expect("serialize");
        assert_eq!(json, format!("\"{k}\""));
        assert_eq!(serde_json::from_str::<CacheKey>(&json).expect("deserialize"), k);
        assert!(serde_json::from_str::<CacheKey>("\"00\"").is_err());
    }
}
