//! The `Range` header of byte-range reads (RFC 9110 §14), for one object of known size.
//!
//! Decisions: one range per request — a multi-range request (`bytes=0-9,20-29`) is refused with 416 and
//! a message saying to ask for the ranges one by one (Parquet readers ask for one range at a time, and a
//! `multipart/byteranges` body would need parsing on the client); a syntactically broken `bytes=` range
//! is 400 (a client bug, better reported than hidden by a full 200); a range in another unit (`items=`)
//! is ignored and the whole object is sent, as the RFC says.

use std::ops::Range;

use super::error::ApiError;

/// What to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wanted {
    /// The whole object (200).
    Full,
    /// These bytes (206), `end` exclusive and within the object.
    Part(Range<u64>),
}

pub fn parse(header: Option<&str>, size: u64) -> Result<Wanted, ApiError> {
    let Some(header) = header.map(str::trim) else {
        return Ok(Wanted::Full);
    };
    let Some((unit, spec)) = header.split_once('=') else {
        return Err(malformed(header));
    };
    if !unit.trim().eq_ignore_ascii_case("bytes") {
        return Ok(Wanted::Full);
    }
    let spec = spec.trim();
    if spec.contains(',') {
        return Err(ApiError::range_not_satisfiable(
            format!("`{header}` asks for several ranges; this server sends one range per request: ask for them one by one"),
            size,
        )
        .with_detail("range", header));
    }
    let (first, last) = spec.split_once('-').ok_or_else(|| malformed(header))?;
    let (first, last) = (first.trim(), last.trim());
    let number = |s: &str| {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            Err(malformed(header))
        } else {
            s.parse::<u64>().map_err(|_| malformed(header))
        }
    };
    let range = if first.is_empty() {
        // `bytes=-N`: the last N bytes.
        let n = number(last)?;
        if n == 0 || size == 0 {
            return Err(unsatisfiable(header, size));
        }
        size.saturating_sub(n)..size
    } else {
        let start = number(first)?;
        let end = if last.is_empty() {
            size
        } else {
            let last = number(last)?;
            if last < start {
                return Err(malformed(header));
            }
            last.saturating_add(1).min(size)
        };
        if start >= size {
            return Err(unsatisfiable(header, size));
        }
        start..end
    };
    Ok(Wanted::Part(range))
}

fn malformed(header: &str) -> ApiError {
    ApiError::bad_request(format!(
        "malformed Range header `{header}`: write `bytes=first-last`, `bytes=first-` or `bytes=-suffix_length`"
    ))
    .with_detail("range", header)
}

fn unsatisfiable(header: &str, size: u64) -> ApiError {
    ApiError::range_not_satisfiable(
        format!("range `{header}` is outside the object, which has {size} bytes"),
        size,
    )
    .with_detail("range", header)
}

#[cfg(test)]
mod tests {
    use mudrock_shared::ErrorCode;

    use super::*;

    fn part(h: &str, size: u64) -> Range<u64> {
        match parse(Some(h), size).unwrap() {
            Wanted::Part(r) => r,
            Wanted::Full => panic!("{h}: full"),
        }
    }

    fn code(h: &str, size: u64) -> ErrorCode {
        parse(Some(h), size).unwrap_err().code()
    }

    #[test]
    fn single_ranges() {
        assert_eq!(parse(None, 10).unwrap(), Wanted::Full);
        assert_eq!(part("bytes=0-0", 10), 0..1);
        assert_eq!(part("bytes=2-5", 10), 2..6);
        assert_eq!(part("bytes=2-", 10), 2..10);
        assert_eq!(part("bytes=8-100", 10), 8..10, "clipped at the end");
        assert_eq!(part("bytes=-3", 10), 7..10);
        assert_eq!(
            part("bytes=-30", 10),
            0..10,
            "a suffix longer than the object is all of it"
        );
        assert_eq!(part("Bytes = 1-2", 10), 1..3);
        assert_eq!(
            parse(Some("items=0-1"), 10).unwrap(),
            Wanted::Full,
            "other units ignored"
        );
    }

    #[test]
    fn refusals() {
        assert_eq!(code("bytes=10-", 10), ErrorCode::RangeNotSatisfiable);
        assert_eq!(code("bytes=10-20", 10), ErrorCode::RangeNotSatisfiable);
        assert_eq!(code("bytes=-0", 10), ErrorCode::RangeNotSatisfiable);
        assert_eq!(code("bytes=0-0", 0), ErrorCode::RangeNotSatisfiable);
        assert_eq!(code("bytes=0-1,4-5", 10), ErrorCode::RangeNotSatisfiable);
        for bad in [
            "bytes=abc",
            "bytes=5-2",
            "bytes=-",
            "bytes=1",
            "bytes=+1-2",
            "nonsense",
        ] {
            assert_eq!(code(bad, 10), ErrorCode::BadRequest, "{bad}");
        }
    }
}
