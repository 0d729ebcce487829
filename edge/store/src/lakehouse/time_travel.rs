//! "As of": a snapshot id or a point in time, and how a table's history answers it.
//!
//! Iceberg keeps a snapshot per commit and a log of which snapshot was current when. A snapshot id
//! names one table's state; a time names every table's state at that time (the last snapshot made at
//! or before it). A query "as of snapshot S" of `well_logs` therefore reads `well_logs` at S and the
//! other tables as of S's commit time, so that catalogs and samples agree.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use iceberg::spec::TableMetadata;

use crate::error::{Error, ErrorKind, Result};

/// A past state of a project's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AsOf {
    /// A snapshot id of the `well_logs` table (as `mudrock snapshots` lists them).
    Snapshot(i64),
    /// Milliseconds since the Unix epoch (UTC).
    Timestamp(i64),
    /// The tables' current snapshots: the same SQL over the Iceberg tables as they are now.
    Latest,
}

impl AsOf {
    /// Parses what a user types: `now` (or `latest`: the current snapshots), a snapshot id (digits), or
    /// a time as RFC 3339
    /// (`2026-12-04T20:15:00Z`, `…+01:00`), `2026-12-04T20:15:00` / `2026-12-04 20:15:00` (UTC), or a
    /// date `2026-12-04` (its start, UTC).
    pub fn parse(text: &str) -> Result<AsOf> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("now") || text.eq_ignore_ascii_case("latest") {
            return Ok(AsOf::Latest);
        }
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            return text.parse::<i64>().map(AsOf::Snapshot).map_err(|_| bad(text));
        }
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Ok(AsOf::Timestamp(t.timestamp_millis()));
        }
        for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
            if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
                return Ok(AsOf::Timestamp(t.and_utc().timestamp_millis()));
            }
        }
        if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d")
            && let Some(t) = d.and_hms_opt(0, 0, 0)
        {
            return Ok(AsOf::Timestamp(t.and_utc().timestamp_millis()));
        }
        Err(bad(text))
    }
}

fn bad(text: &str) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        format!(
            "as-of `{text}` is neither a snapshot id (digits, see `mudrock snapshots`), a time \
             (2026-12-04T20:15:00Z, 2026-12-04 20:15:00 in UTC, or a date 2026-12-04) nor `now`"
        ),
    )
}

impl fmt::Display for AsOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AsOf::Snapshot(id) => write!(f, "snapshot {id}"),
            AsOf::Timestamp(ms) => f.write_str(&format_ms(*ms)),
            AsOf::Latest => f.write_str("now"),
        }
    }
}

/// `2026-12-04T20:15:00.123Z`.
pub fn format_ms(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms).map_or_else(
        || format!("{ms} ms"),
        |t| t.to_rfc3339_opts(SecondsFormat::Millis, true),
    )
}

/// The snapshot that was current at `ms`: the last entry of the table's snapshot log made at or before
/// it (`None`: the table had no data yet).
pub fn snapshot_at(metadata: &TableMetadata, ms: i64) -> Option<i64> {
    metadata
        .history()
        .iter()
        .filter(|entry| entry.timestamp_ms <= ms)
        .max_by_key(|entry| entry.timestamp_ms)
        .map(|entry| entry.snapshot_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_ids_and_times_parse() {
        assert_eq!(AsOf::parse("8751394561").unwrap(), AsOf::Snapshot(8_751_394_561));
        let t = AsOf::parse("2026-12-04T20:15:00Z").unwrap();
        assert_eq!(t, AsOf::Timestamp(1_796_415_300_000));
        assert_eq!(AsOf::parse("2026-12-04T21:15:00+01:00").unwrap(), t);
        assert_eq!(AsOf::parse("2026-12-04 20:15:00").unwrap(), t);
        assert_eq!(
            AsOf::parse("2026-12-04T20:15:00.250").unwrap(),
            AsOf::Timestamp(1_796_415_300_250)
        );
        assert_eq!(
            AsOf::parse("2026-12-04").unwrap(),
            AsOf::Timestamp(1_796_342_400_000)
        );
        assert_eq!(t.to_string(), "2026-12-04T20:15:00.000Z");
        assert_eq!(AsOf::parse(" NOW ").unwrap(), AsOf::Latest);
        assert_eq!(AsOf::parse("latest").unwrap(), AsOf::Latest);
    }

    #[test]
    fn nonsense_is_a_clear_error() {
        for text in ["", "yesterday", "2026-13-01", "-5", "99999999999999999999999"] {
            let err = AsOf::parse(text).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{text}");
            assert!(err.to_string().contains("snapshot id"), "{err}");
        }
    }
}
