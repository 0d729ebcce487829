//! Well location from LAS header text: latitude/longitude in decimal degrees or degrees-minutes-seconds,
//! parsed strictly. A value that cannot be read with certainty gives no location — it is never guessed.
//!
//! Accepted forms (each seen in the collected files): `-97.4424`; `37.3153` with unit `DEG`;
//! `37° 13' 5.029" N`; the same with the degree sign decoded wrongly (`45∞ 39' 26.518" N`, the
//! replacement character `�`, `Â°`); `00.00000 N`; `-00.000000 degrees`; degrees and decimal minutes
//! (`45 39.44 N`). Refused: blank, placeholders (`999999999999`, `-999.25` are out of range), minutes or
//! seconds ≥ 60, fractional degrees followed by minutes (`45.37° 12'`), a hemisphere of the other axis,
//! a sign *and* a hemisphere, any other text (`UTM`, `N/A`).

use serde::Serialize;

/// Which coordinate an angle is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Axis {
    Latitude,
    Longitude,
}

impl Axis {
    fn limit(self) -> f64 {
        match self {
            Axis::Latitude => 90.0,
            Axis::Longitude => 180.0,
        }
    }
}

/// How the angle was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AngleForm {
    Decimal,
    DegreesMinutes,
    DegreesMinutesSeconds,
}

/// One parsed coordinate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Angle {
    /// Signed decimal degrees (south and west negative).
    pub degrees: f64,
    pub form: AngleForm,
    /// The text had a hemisphere letter or an explicit sign.
    pub explicit_sign: bool,
    /// The degree sign was mis-encoded (`∞`, `�`, `Â°`) and read through.
    pub repaired_encoding: bool,
    /// The smallest step the written value can express, in degrees (0.0001 for `37.3153`, 1/3600000
    /// for `5.029"`): coarse values place a well only roughly.
    pub resolution: f64,
}

/// Why a coordinate text was refused.
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
pub enum AngleError {
    #[error("blank")]
    Blank,
    #[error("cannot read {0:?} as an angle")]
    Unreadable(String),
    #[error("{0} is out of range")]
    OutOfRange(f64),
    #[error("minutes or seconds out of range in {0:?}")]
    BadMinutesOrSeconds(String),
    #[error("hemisphere {0:?} does not belong to this axis")]
    WrongHemisphere(char),
    #[error("both a sign and a hemisphere in {0:?}")]
    SignAndHemisphere(String),
}

/// Characters between the numbers of a DMS value. The odd ones are mis-decoded degree signs.
fn separator(c: char) -> Option<bool> {
    match c {
        ' ' | '\t' | '°' | 'º' | '˚' | '\'' | '’' | '′' | '"' | '”' | '″' | ':' | ';' => {
            Some(false)
        }
        // `∞` is the MacRoman degree re-read as UTF-8, U+FFFD a cp1252 0xB0 read as UTF-8, `Â` the
        // first half of UTF-8 `°` read as cp1252.
        '∞' | '\u{FFFD}' | 'Â' => Some(true),
        _ => None,
    }
}

struct Number {
    value: f64,
    negative: bool,
    has_sign: bool,
    decimals: usize,
}

fn parse_number(token: &str) -> Option<Number> {
    let (has_sign, negative, digits) = match token.as_bytes().first() {
        Some(b'-') => (true, true, &token[1..]),
        Some(b'+') => (true, false, &token[1..]),
        _ => (false, false, token),
    };
    if digits.is_empty() || digits.starts_with(['+', '-']) {
        return None;
    }
    let value: f64 = digits.parse().ok()?;
    if !value.is_finite() {
        return None;
    }
    let decimals = digits.split_once('.').map_or(0, |(_, f)| f.len());
    Some(Number {
        value,
        negative,
        has_sign,
        decimals,
    })
}

/// Parses one coordinate for `axis`. See the module doc for what is accepted.
pub fn parse_angle(text: &str, axis: Axis) -> Result<Angle, AngleError> {
    let s = text.trim();
    if s.is_empty() {
        return Err(AngleError::Blank);
    }
    let unreadable = || AngleError::Unreadable(s.to_owned());
    // A comma is a decimal separator only in a value without a point (`37,3153`).
    let comma_decimal = !s.contains('.');

    let mut numbers: Vec<Number> = Vec::new();
    let mut hemisphere: Option<(char, usize)> = None;
    let mut repaired = false;
    let mut tokens = 0usize;
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let starts_number = c.is_ascii_digit()
            || (matches!(c, '-' | '+' | '.')
                && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit() || *n == '.'));
        if starts_number {
            let start = i;
            i += 1;
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || chars[i] == '.'
                    || (comma_decimal
                        && chars[i] == ','
                        && chars.get(i + 1).is_some_and(char::is_ascii_digit)))
            {
                i += 1;
            }
            let token: String = chars[start..i]
                .iter()
                .map(|&c| if c == ',' { '.' } else { c })
                .collect();
            numbers.push(parse_number(&token).ok_or_else(unreadable)?);
            tokens += 1;
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_alphabetic() {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect::<String>().to_ascii_lowercase();
            let hemi = match word.as_str() {
                "n" | "north" => Some('N'),
                "s" | "south" => Some('S'),
                "e" | "east" => Some('E'),
                "w" | "west" => Some('W'),
                "d" | "deg" | "degs" | "degree" | "degrees" | "min" | "sec" => None,
                _ => return Err(unreadable()),
            };
            if let Some(h) = hemi {
                if hemisphere.is_some() {
                    return Err(unreadable());
                }
                hemisphere = Some((h, tokens));
                tokens += 1;
            }
        } else {
            match separator(c) {
                Some(odd) => repaired |= odd,
                None => return Err(unreadable()),
            }
            i += 1;
        }
    }

    if numbers.is_empty() || numbers.len() > 3 || numbers.iter().skip(1).any(|n| n.has_sign) {
        return Err(unreadable());
    }
    // A hemisphere letter goes first or last, never between the numbers.
    if let Some((_, pos)) = hemisphere
        && pos != 0
        && pos != tokens - 1
    {
        return Err(unreadable());
    }
    let first = &numbers[0];
    let south_west = match hemisphere.map(|(h, _)| h) {
        None => false,
        Some(h @ ('N' | 'S')) if axis == Axis::Longitude => return Err(AngleError::WrongHemisphere(h)),
        Some(h @ ('E' | 'W')) if axis == Axis::Latitude => return Err(AngleError::WrongHemisphere(h)),
        Some(h) => {
            if first.has_sign {
                return Err(AngleError::SignAndHemisphere(s.to_owned()));
            }
            matches!(h, 'S' | 'W')
        }
    };

    let bad_ms = || AngleError::BadMinutesOrSeconds(s.to_owned());
    let whole = |n: &Number| n.value.fract() == 0.0;
    let (magnitude, form, resolution) = match numbers.as_slice() {
        [d] => (d.value, AngleForm::Decimal, 10f64.powi(-(d.decimals as i32))),
        [d, m] => {
            if !whole(d) || m.value >= 60.0 {
                return Err(bad_ms());
            }
            (
                d.value + m.value / 60.0,
                AngleForm::DegreesMinutes,
                10f64.powi(-(m.decimals as i32)) / 60.0,
            )
        }
        [d, m, sec] => {
            if !whole(d) || !whole(m) || m.value >= 60.0 || sec.value >= 60.0 {
                return Err(bad_ms());
            }
            (
                d.value + m.value / 60.0 + sec.value / 3600.0,
                AngleForm::DegreesMinutesSeconds,
                10f64.powi(-(sec.decimals as i32)) / 3600.0,
            )
        }
        _ => return Err(unreadable()),
    };
    let negative = first.negative || south_west;
    let degrees = if negative { -magnitude } else { magnitude };
    if !degrees.is_finite() || magnitude > axis.limit() {
        return Err(AngleError::OutOfRange(degrees));
    }
    Ok(Angle {
        degrees,
        form,
        explicit_sign: first.has_sign || hemisphere.is_some(),
        repaired_encoding: repaired,
        resolution,
    })
}

/// How far a parsed location can be trusted for placing the well on a map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum LocationConfidence {
    /// One axis is exactly 0, or the written values resolve only to 0.01° (~1 km) or worse.
    Low,
    /// Read through a repair (mis-encoded degree sign, value found in the description), or DMS
    /// without a hemisphere letter (north/east assumed).
    Medium,
    /// Read cleanly.
    High,
}

/// A latitude/longitude pair in decimal degrees, with the texts it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Location {
    pub latitude: f64,
    pub longitude: f64,
    pub raw_lat: String,
    pub raw_lon: String,
    pub confidence: LocationConfidence,
    /// Why the confidence is below high (empty when high).
    pub notes: Vec<String>,
}

/// Coarser than this (in degrees, ~1 km) is low confidence.
const COARSE: f64 = 0.01;

impl Location {
    /// Pairs two parsed angles. `None` for (0, 0): a blank filled with zeros, not a well in the Gulf of
    /// Guinea.
    pub fn from_angles(lat: Angle, lon: Angle, raw_lat: &str, raw_lon: &str) -> Option<Location> {
        if lat.degrees == 0.0 && lon.degrees == 0.0 {
            return None;
        }
        let mut notes = Vec::new();
        let mut confidence = LocationConfidence::High;
        let mut lower = |to: LocationConfidence, note: &str| {
            confidence = confidence.min(to);
            notes.push(note.to_owned());
        };
        if lat.repaired_encoding || lon.repaired_encoding {
            lower(LocationConfidence::Medium, "mis-encoded degree sign read through");
        }
        let dms_unsigned = |a: &Angle| a.form != AngleForm::Decimal && !a.explicit_sign;
        if dms_unsigned(&lat) || dms_unsigned(&lon) {
            lower(
                LocationConfidence::Medium,
                "degrees-minutes without hemisphere: north/east assumed",
            );
        }
        if lat.degrees == 0.0 || lon.degrees == 0.0 {
            lower(LocationConfidence::Low, "one coordinate is exactly 0");
        }
        if lat.resolution > COARSE || lon.resolution > COARSE {
            lower(LocationConfidence::Low, "coarser than 0.01 degree");
        }
        Some(Location {
            latitude: lat.degrees,
            longitude: lon.degrees,
            raw_lat: raw_lat.to_owned(),
            raw_lon: raw_lon.to_owned(),
            confidence,
            notes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lat(s: &str) -> Result<f64, AngleError> {
        parse_angle(s, Axis::Latitude).map(|a| a.degrees)
    }
    fn lon(s: &str) -> Result<f64, AngleError> {
        parse_angle(s, Axis::Longitude).map(|a| a.degrees)
    }
    fn near(a: Result<f64, AngleError>, b: f64) -> bool {
        a.as_ref().is_ok_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn decimal_and_dms() {
        assert!(near(lat("37.3153"), 37.3153));
        assert!(near(lon("-97.4424"), -97.4424));
        assert!(near(lon("-102.34567"), -102.34567));
        assert!(near(
            lat("37° 13' 5.029\" N"),
            37.0 + 13.0 / 60.0 + 5.029 / 3600.0
        ));
        assert!(near(
            lat("45∞ 39' 26.518\" N"),
            45.0 + 39.0 / 60.0 + 26.518 / 3600.0
        ));
        assert!(near(lon("64∞ 0' 51.347\" W"), -(64.0 + 51.347 / 3600.0)));
        assert!(near(
            lon("89\u{FFFD} 30' 1.000\" W"),
            -(89.0 + 30.0 / 60.0 + 1.0 / 3600.0)
        ));
        assert!(near(lat("0Â° 00' 4.000\" S"), -4.0 / 3600.0));
        assert!(near(lat("00.00000 N"), 0.0));
        assert!(near(lon("-00.000000 degrees"), 0.0));
        assert!(near(lat("45 39.5 N"), 45.0 + 39.5 / 60.0));
        assert!(near(lat("N 45.5"), 45.5));
        assert!(near(lat("37,3153"), 37.3153));
        let a = parse_angle("45∞ 39' 26.518\" N", Axis::Latitude).unwrap();
        assert!(a.repaired_encoding && a.explicit_sign);
        assert_eq!(a.form, AngleForm::DegreesMinutesSeconds);
    }

    #[test]
    fn refusals() {
        assert_eq!(lat(""), Err(AngleError::Blank));
        assert!(matches!(lat("999999999999"), Err(AngleError::OutOfRange(_))));
        assert!(matches!(lat("-999.25"), Err(AngleError::OutOfRange(_))));
        assert!(matches!(lon("181"), Err(AngleError::OutOfRange(_))));
        assert!(matches!(
            lon("00° 96' 01.000\" W"),
            Err(AngleError::BadMinutesOrSeconds(_))
        ));
        assert!(matches!(
            lat("45.37° 12' 58\""),
            Err(AngleError::BadMinutesOrSeconds(_))
        ));
        assert!(matches!(lat("10 E"), Err(AngleError::WrongHemisphere('E'))));
        assert!(matches!(lon("-97 W"), Err(AngleError::SignAndHemisphere(_))));
        for bad in [
            "N/A", "UTM 16", "unknown", "1 2 3 4", "45 -3 2", "--4", "4 N S", "12 N 4",
        ] {
            assert!(lat(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn confidence() {
        let p = |a: &str, b: &str| {
            Location::from_angles(
                parse_angle(a, Axis::Latitude).unwrap(),
                parse_angle(b, Axis::Longitude).unwrap(),
                a,
                b,
            )
        };
        assert_eq!(
            p("37.3153", "-97.4424").unwrap().confidence,
            LocationConfidence::High
        );
        assert_eq!(
            p("45∞ 39' 26.518\" N", "64∞ 0' 51.347\" W").unwrap().confidence,
            LocationConfidence::Medium
        );
        assert_eq!(p("37", "-97").unwrap().confidence, LocationConfidence::Low);
        assert_eq!(
            p("0° 00' 4.000\" S", "10° 00' 10.00\" E").unwrap().confidence,
            LocationConfidence::High
        );
        assert_eq!(p("0.0", "0.0"), None);
        assert_eq!(p("0.0", "12.345").unwrap().confidence, LocationConfidence::Low);
    }
}
