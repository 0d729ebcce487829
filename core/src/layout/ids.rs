//! Validated identifiers and the digests and keys that name objects, and the stable derivation of well
//! and log ids from LAS content.
//!
//! The identifier rule: 1..=128 characters of `[A-Za-z0-9._-]`, no leading `.`, no `..` anywhere — so a
//! value can only ever be one path segment inside its parent.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::{InputKind, LayoutError, Problem};

/// The longest identifier or path segment accepted (and the longest a derived id becomes).
pub const MAX_ID_LEN: usize = 128;

/// How many hex digits of the content hash a fallback [`WellId`] carries (`well-<12 hex>`).
const WELL_HASH_DIGITS: usize = 12;
/// How many hex digits of the content hash a [`LogId`] carries (`log-<16 hex>`).
const LOG_HASH_DIGITS: usize = 16;
/// Separators trimmed from the ends of a derived id.
const TRIMMED: [char; 3] = ['_', '-', '.'];

fn allowed_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// The identifier rule: 1..=128 chars of `[A-Za-z0-9._-]`, no leading dot, no `..` anywhere.
/// Refusing `..` even inside (`a..b`) costs nothing and keeps the rule obviously safe.
pub(super) fn check_segment(kind: InputKind, s: &str) -> Result<(), LayoutError> {
    let err = |p| Err(LayoutError::new(kind, s, p));
    if s.is_empty() {
        return err(Problem::Empty);
    }
    if let Some((position, ch)) = s.chars().enumerate().find(|(_, c)| !allowed_char(*c)) {
        return err(Problem::DisallowedChar { ch, position });
    }
    // All chars are ASCII from here on, so byte length == char count.
    if s.len() > MAX_ID_LEN {
        return err(Problem::TooLong {
            len: s.len(),
            max: MAX_ID_LEN,
        });
    }
    if s == "." || s.contains("..") {
        return err(Problem::DotSegment);
    }
    if s.starts_with('.') {
        return err(Problem::LeadingDot);
    }
    Ok(())
}

pub(super) fn is_lower_hex(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

// ---------------------------------------------------------------------------------------------------------
// Identifier newtypes
// ---------------------------------------------------------------------------------------------------------

/// Display, AsRef<str>, FromStr, TryFrom<String> (validating through `new`) and Into<String> for a
/// checked string newtype.
macro_rules! checked_string_impls {
    ($name:ident) => {
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl FromStr for $name {
            type Err = LayoutError;
            fn from_str(s: &str) -> Result<Self, LayoutError> {
                $name::new(s)
            }
        }
        impl TryFrom<String> for $name {
            type Error = LayoutError;
            fn try_from(s: String) -> Result<Self, LayoutError> {
                $name::new(&s)
            }
        }
        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
    };
}
macro_rules! segment_newtype {
    ($(#[$doc:meta])* $name:ident, $kind:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Validates `s` (see the module's identifier rule) and wraps it.
            pub fn new(s: &str) -> Result<Self, LayoutError> {
                check_segment($kind, s)?;
                Ok($name(s.to_owned()))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        checked_string_impls!($name);
    };
}

segment_newtype!(
    /// A project: the top-level tenant folder under the prefix.
    ProjectId,
    InputKind::ProjectId
);
segment_newtype!(
    /// A well (see [`WellId::derive`] for ids made from LAS headers).
    WellId,
    InputKind::WellId
);
segment_newtype!(
    /// One log (one LAS data set, one wellbore run) of a well (see [`LogId::derive`]).
    LogId,
    InputKind::LogId
);
segment_newtype!(
    /// A file name inside a well's markers/trajectory/header folder, e.g. `tops.parquet`.
    FileName,
    InputKind::FileName
);

/// Header values that mean "no identifier" and must not become one.
const PLACEHOLDERS: &[&str] = &[
    "N/A", "NA", "NONE", "NULL", "NIL", "UNKNOWN", "UNK", "-999.25", "-9999",
];

/// Makes an identifier from free text: every disallowed character becomes `_`, runs of `_` collapse to
/// one, `_`/`-`/`.` are trimmed from both ends, `..` runs collapse to `.`, and the result is cut to
/// [`MAX_ID_LEN`]. Case is kept (object keys are case-sensitive; a UWI's letters matter). `None` when
/// nothing usable is left or the text is a placeholder.
fn slug(text: &str) -> Option<String> {
    let text = text.trim();
    if PLACEHOLDERS.iter().any(|p| p.eq_ignore_ascii_case(text)) {
        return None;
    }
    let mut out = String::with_capacity(text.len().min(MAX_ID_LEN));
    for c in text.chars() {
        let c = if allowed_char(c) { c } else { '_' };
        let last = out.chars().last();
        if (c == '_' && last == Some('_')) || (c == '.' && last == Some('.')) {
            continue;
        }
        out.push(c);
    }
    let trimmed = out.trim_matches(TRIMMED);
    // ASCII only, so slicing by bytes is slicing by chars.
    let cut = &trimmed[..trimmed.len().min(MAX_ID_LEN)];
    let cut = cut.trim_end_matches(TRIMMED);
    // An identifier made only of zeros (`0000000000`) is a blank field someone filled in, not an id.
    if cut.is_empty() || cut.bytes().all(|b| b == b'0') {
        return None;
    }
    debug_assert!(check_segment(InputKind::WellId, cut).is_ok());
    Some(cut.to_owned())
}

/// The first `n` hex digits of a content hash (lowercased; non-hex characters skipped), or `unknown`.
fn hash_digits(content_hash: &str, n: usize) -> String {
    let digits: String = content_hash
        .chars()
        .filter(char::is_ascii_hexdigit)
        .map(|c| c.to_ascii_lowercase())
        .take(n)
        .collect();
    if digits.is_empty() {
        "unknown".to_owned()
    } else {
        digits
    }
}

impl WellId {
    /// A stable well id from a LAS header, never failing.
    ///
    /// 1. The UWI if usable, else the API number — as found (leading zeros kept), with every character outside
    ///    `[A-Za-z0-9._-]` mapped to `_` and repeats collapsed: `100/10-16-039-03W5/00` →
    ///    `100_10-16-039-03W5_00`. DLS separators are deliberately *not* stripped the LAS way: mapping is
    ///    one simple rule for every country and keeps the id readable.
    /// 2. Else the well name the same way: `15/9-F-11 A` → `15_9-F-11_A`.
    /// 3. Else `well-<first 12 hex digits of the content hash>`.
    ///
    /// Placeholders (`N/A`, `UNKNOWN`, `NONE`, `-999.25`, all zeros, blank …) count as absent. Since
    /// every input is read from the file's bytes, the same bytes always give the same id.
    pub fn derive(
        uwi: Option<&str>,
        api: Option<&str>,
        well_name: Option<&str>,
        content_hash: &str,
    ) -> WellId {
        let from_header = [uwi, api, well_name]
            .into_iter()
            .find_map(|text| text.and_then(slug));
        WellId(from_header.unwrap_or_else(|| format!("well-{}", hash_digits(content_hash, WELL_HASH_DIGITS))))
    }
}

impl LogId {
    /// A stable log id: `log-<first 16 hex digits of the content hash>`, plus `-<data set>` for a
    /// LAS 3.0 data set other than the main log (`log-3f2a…-Log_2`).
    ///
    /// The file name deliberately does not enter: the same bytes uploaded as `a.las` and `a (1).las`
    /// must land on the same object (re-ingest is idempotent), and the original name belongs in the
    /// logs catalog, not in the key. Pass `None` (or `Log`) for the main log data.
    pub fn derive(content_hash: &str, data_set: Option<&str>) -> LogId {
        let base = format!("log-{}", hash_digits(content_hash, LOG_HASH_DIGITS));
        match data_set
            .filter(|d| !d.trim().eq_ignore_ascii_case("log"))
            .and_then(slug)
        {
            // `base` is at most 20 chars, so the suffix is cut to keep the whole within MAX_ID_LEN.
            Some(ds) => {
                let room = MAX_ID_LEN - base.len() - 1;
                let ds = ds[..ds.len().min(room)].trim_end_matches(TRIMMED);
                if ds.is_empty() {
                    LogId(base)
                } else {
                    LogId(format!("{base}-{ds}"))
                }
            }
            None => LogId(base),
        }
    }
}

/// A SHA-256 digest as 64 lowercase hex digits (the key of a raw LAS file).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sha256Hex(String);

impl Sha256Hex {
    /// Accepts 64 hex digits in either case and stores them lowercased, so one file has one key.
    pub fn new(s: &str) -> Result<Self, LayoutError> {
        if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(LayoutError::new(
                InputKind::Sha256,
                s,
                Problem::NotHex {
                    expected: "64 hexadecimal digits",
                },
            ));
        }
        Ok(Sha256Hex(s.to_ascii_lowercase()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A content hash as hex: 16..=128 digits (64- to 512-bit digests; blake3 and sha256 give 64), accepted
/// in either case and stored lowercased. The length is not pinned so the cache's hash choice stays free.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ContentHash(String);

impl ContentHash {
    pub fn new(s: &str) -> Result<Self, LayoutError> {
        if !(16..=128).contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(LayoutError::new(
                InputKind::ContentHash,
                s,
                Problem::NotHex {
                    expected: "16 to 128 hexadecimal digits",
                },
            ));
        }
        Ok(ContentHash(s.to_ascii_lowercase()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A key inside the Iceberg warehouse (`db/table/metadata/00001-….metadata.json`). Iceberg names its own
/// files, so this is looser than an identifier (`=` of Hive partitions, `%`, `+` are allowed) but it still
/// cannot escape: no empty, `.` or `..` segment, no `\`, no control character or whitespace.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IcebergKey(String);

/// The longest Iceberg key accepted (S3 allows 1024 bytes for a whole key).
const MAX_ICEBERG_KEY: usize = 768;

/// Characters refused in an Iceberg key even though they are printable ASCII.
const ICEBERG_REFUSED: [char; 7] = ['\\', '"', '*', '?', '<', '>', '|'];

impl IcebergKey {
    pub fn new(s: &str) -> Result<Self, LayoutError> {
        let err = |p| Err(LayoutError::new(InputKind::IcebergKey, s, p));
        if s.is_empty() {
            return err(Problem::Empty);
        }
        if let Some((position, ch)) = s
            .chars()
            .enumerate()
            .find(|(_, c)| !c.is_ascii_graphic() || ICEBERG_REFUSED.contains(c))
        {
            return err(Problem::DisallowedChar { ch, position });
        }
        if s.len() > MAX_ICEBERG_KEY {
            return err(Problem::TooLong {
                len: s.len(),
                max: MAX_ICEBERG_KEY,
            });
        }
        for seg in s.split('/') {
            if seg.is_empty() {
                return err(Problem::EmptySegment);
            }
            if seg == "." || seg == ".." {
                return err(Problem::DotSegment);
            }
        }
        Ok(IcebergKey(s.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

checked_string_impls!(Sha256Hex);
checked_string_impls!(ContentHash);
checked_string_impls!(IcebergKey);
