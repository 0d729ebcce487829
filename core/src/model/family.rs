//! Curve families: what a curve measures, resolved from its mnemonic, unit and description, and how a
//! well viewer draws each family by default.
//!
//! Resolution is a rule set in a fixed order (field conventions, rule 2 — as the OSDU log-recognition
//! endpoint does it):
//! 1. the alias table, on the mnemonic (case-insensitive; the reader's `:2` duplicate suffix dropped),
//!    then on the mnemonic without a trailing `_…`/`-…`/`.…` qualifier (`RHOB_1`, `NPHI_LS`);
//! 2. the unit: a known unit narrows the candidates (g/cm3 → density or its correction) and may give a
//!    default (gAPI → gamma ray); ratio units (v/v, %) give candidates but no default;
//! 3. the description: the first keyword rule whose family is among the unit's candidates (or any rule
//!    when the unit says nothing) decides;
//! 4. else the unit's default, else `Unknown`.

use serde::Serialize;

use super::units::{Unit, canonical_unit};

/// What a curve measures. Serialized as [`CurveFamily::as_str`] (`gamma_ray`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CurveFamily {
    Index,
    GammaRay,
    Sp,
    Caliper,
    BitSize,
    Density,
    DensityCorrection,
    NeutronPorosity,
    Sonic,
    ShearSonic,
    DeepResistivity,
    MediumResistivity,
    ShallowResistivity,
    Pef,
    ComputedVsh,
    ComputedPorosity,
    ComputedSw,
    Unknown,
}

impl CurveFamily {
    pub const ALL: [CurveFamily; 18] = [
        CurveFamily::Index,
        CurveFamily::GammaRay,
        CurveFamily::Sp,
        CurveFamily::Caliper,
        CurveFamily::BitSize,
        CurveFamily::Density,
        CurveFamily::DensityCorrection,
        CurveFamily::NeutronPorosity,
        CurveFamily::Sonic,
        CurveFamily::ShearSonic,
        CurveFamily::DeepResistivity,
        CurveFamily::MediumResistivity,
        CurveFamily::ShallowResistivity,
        CurveFamily::Pef,
        CurveFamily::ComputedVsh,
        CurveFamily::ComputedPorosity,
        CurveFamily::ComputedSw,
        CurveFamily::Unknown,
    ];

    /// A stable machine name (`gamma_ray`), used in metadata and catalogs.
    pub fn as_str(self) -> &'static str {
        match self {
            CurveFamily::Index => "index",
            CurveFamily::GammaRay => "gamma_ray",
            CurveFamily::Sp => "sp",
            CurveFamily::Caliper => "caliper",
            CurveFamily::BitSize => "bit_size",
            CurveFamily::Density => "density",
            CurveFamily::DensityCorrection => "density_correction",
            CurveFamily::NeutronPorosity => "neutron_porosity",
            CurveFamily::Sonic => "sonic",
            CurveFamily::ShearSonic => "shear_sonic",
            CurveFamily::DeepResistivity => "deep_resistivity",
            CurveFamily::MediumResistivity => "medium_resistivity",
            CurveFamily::ShallowResistivity => "shallow_resistivity",
            CurveFamily::Pef => "pef",
            CurveFamily::ComputedVsh => "computed_vsh",
            CurveFamily::ComputedPorosity => "computed_porosity",
            CurveFamily::ComputedSw => "computed_sw",
            CurveFamily::Unknown => "unknown",
        }
    }

    /// The inverse of [`CurveFamily::as_str`].
    pub fn from_name(name: &str) -> Option<CurveFamily> {
        CurveFamily::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// The default track display (field conventions, "Usual display"); `None` for the index and for
    /// unknown curves, which the viewer scales from their data.
    pub fn display(self) -> Option<CurveDisplay> {
        use CurveFamily::*;
        let lin = |min, max, unit| CurveDisplay {
            min,
            max,
            scale: Scale::Linear,
            reversed: false,
            unit,
        };
        let rev = |min, max, unit| CurveDisplay {
            reversed: true,
            ..lin(min, max, unit)
        };
        let log = |unit| CurveDisplay {
            min: 0.2,
            max: 2000.0,
            scale: Scale::Logarithmic,
            reversed: false,
            unit,
        };
        Some(match self {
            Index | Unknown => return None,
            GammaRay => lin(0.0, 150.0, Unit::Gapi),
            Sp => lin(-100.0, 20.0, Unit::Millivolt),
            Caliper | BitSize => lin(6.0, 16.0, Unit::Inch),
            Density => lin(1.95, 2.95, Unit::GramPerCubicCentimeter),
            DensityCorrection => lin(-0.25, 0.25, Unit::GramPerCubicCentimeter),
            // Drawn 0.45 on the left to -0.15 on the right, paired with RHOB.
            NeutronPorosity => rev(-0.15, 0.45, Unit::VolumeFraction),
            Sonic => rev(40.0, 140.0, Unit::MicrosecondPerFoot),
            ShearSonic => rev(40.0, 340.0, Unit::MicrosecondPerFoot),
            DeepResistivity | MediumResistivity | ShallowResistivity => log(Unit::OhmMeter),
            Pef => lin(0.0, 10.0, Unit::BarnsPerElectron),
            ComputedVsh | ComputedPorosity | ComputedSw => lin(0.0, 1.0, Unit::VolumeFraction),
        })
    }
}

impl std::fmt::Display for CurveFamily {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Scale {
    Linear,
    Logarithmic,
}

/// A default track scale. `min < max` always; `reversed` draws `max` on the left. The limits are in
/// `unit`: convert them (see [`Unit::convert`]) for a curve stored in another unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CurveDisplay {
    pub min: f64,
    pub max: f64,
    pub scale: Scale,
    pub reversed: bool,
    pub unit: Unit,
}

/// Which rule decided a family: lets a catalog show how sure it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ResolvedBy {
    Alias,
    Unit,
    Description,
    Nothing,
}

/// Mnemonic aliases (field conventions table; petropy's curve_alias families; LAS 2.0 example).
const ALIASES: &[(CurveFamily, &[&str])] = &[
    (
        CurveFamily::Index,
        &["DEPT", "DEPTH", "MD", "TDEP", "TIME", "INDEX"],
    ),
    (
        CurveFamily::GammaRay,
        &[
            "GR", "SGR", "CGR", "ECGR", "EHGR", "HGR", "GRD", "GRS", "GAM", "GRC", "GR_EDTC", "GAPI", "HSGR",
            "HCGR",
        ],
    ),
    (CurveFamily::Sp, &["SP", "SPBR", "SPC", "SPD"]),
    (
        CurveFamily::Caliper,
        &[
            "CALI", "CAL", "HCAL", "C1", "C13", "C24", "DCAL", "LCAL", "CALX", "CALY",
        ],
    ),
    (CurveFamily::BitSize, &["BS", "BIT", "BITSIZE"]),
    (
        CurveFamily::Density,
        &["RHOB", "RHOZ", "DEN", "ZDEN", "HDEN", "RHO8", "HRHO"],
    ),
    (CurveFamily::DensityCorrection, &["DRHO", "HDRA", "ZCOR", "DCOR"]),
    (
        CurveFamily::NeutronPorosity,
        &[
            "NPHI", "TNPH", "NPOR", "CN", "CNC", "NPHS", "NPHL", "NPHD", "HNPO", "ENPH", "NPSS",
        ],
    ),
    (
        CurveFamily::Sonic,
        &["DT", "DTC", "DTCO", "AC", "DT24", "DTLN", "DT4P"],
    ),
    (CurveFamily::ShearSonic, &["DTS", "DTSM", "DTSH"]),
    (
        CurveFamily::DeepResistivity,
        &[
            "ILD", "RT", "RD", "RDEP", "LLD", "AT90", "AHT90", "AHF90", "RT90", "HDRS", "RILD", "IDPH",
        ],
    ),
    (
        CurveFamily::MediumResistivity,
        &["ILM", "RMED", "AT30", "RT30", "AHT30", "HMRS", "RILM", "IMPH"],
    ),
    (
        CurveFamily::ShallowResistivity,
        &[
            "LLS", "SFLU", "SFL", "SFLA", "MSFL", "RXO", "RXOZ", "AT10", "RT10", "AHT10",
        ],
    ),
    (CurveFamily::Pef, &["PEF", "PE", "PEFZ", "PEF8", "PEDN"]),
    (CurveFamily::ComputedVsh, &["VSH", "VCL", "VSHALE", "VCLAY"]),
    (
        CurveFamily::ComputedPorosity,
        &["PHIT", "PHIE", "PHID", "PHIN", "SPHI", "DPHI", "PHI"],
    ),
    (CurveFamily::ComputedSw, &["SW", "SWT", "SWE", "BVW"]),
];

/// Candidate families by unit, and the family the unit alone implies (if any).
fn unit_rule(unit: Unit) -> Option<(&'static [CurveFamily], Option<CurveFamily>)> {
    use CurveFamily::*;
    const RATIO: &[CurveFamily] = &[NeutronPorosity, ComputedPorosity, ComputedVsh, ComputedSw];
    Some(match unit {
        Unit::Gapi => (&[GammaRay], Some(GammaRay)),
        Unit::Millivolt => (&[Sp], Some(Sp)),
        Unit::Inch | Unit::Millimeter => (&[Caliper, BitSize], Some(Caliper)),
        Unit::GramPerCubicCentimeter | Unit::KilogramPerCubicMeter => {
            (&[Density, DensityCorrection], Some(Density))
        }
        Unit::MicrosecondPerFoot | Unit::MicrosecondPerMeter => (&[Sonic, ShearSonic], Some(Sonic)),
        // A resistivity of unknown depth of investigation is drawn like the deep one (log scale); its
        // basis `Unit` tells a catalog that the depth of investigation was not stated.
        Unit::OhmMeter => (
            &[DeepResistivity, MediumResistivity, ShallowResistivity],
            Some(DeepResistivity),
        ),
        Unit::BarnsPerElectron => (&[Pef], Some(Pef)),
        Unit::VolumeFraction | Unit::Percent => (RATIO, None),
        _ => return None,
    })
}

/// Description keyword rules, in priority order: each is (all of these words, family). More specific
/// rules come first ("density porosity" is a porosity, "density correction" is not a density).
const DESCRIPTION_RULES: &[(&[&str], CurveFamily)] = &[
    (&["gamma"], CurveFamily::GammaRay),
    (&["spontaneous"], CurveFamily::Sp),
    (&["self", "potential"], CurveFamily::Sp),
    (&["bit", "size"], CurveFamily::BitSize),
    (&["bitsize"], CurveFamily::BitSize),
    (&["caliper"], CurveFamily::Caliper),
    (&["hole", "diameter"], CurveFamily::Caliper),
    (&["density", "correction"], CurveFamily::DensityCorrection),
    (&["delta", "rho"], CurveFamily::DensityCorrection),
    (&["neutron"], CurveFamily::NeutronPorosity),
    (&["shale", "volume"], CurveFamily::ComputedVsh),
    (&["clay", "volume"], CurveFamily::ComputedVsh),
    (&["volume", "shale"], CurveFamily::ComputedVsh),
    (&["volume", "clay"], CurveFamily::ComputedVsh),
    (&["water", "saturation"], CurveFamily::ComputedSw),
    (&["porosity"], CurveFamily::ComputedPorosity),
    (&["density"], CurveFamily::Density),
    (&["photoelectric"], CurveFamily::Pef),
    (&["photo", "electric"], CurveFamily::Pef),
    (&["shear"], CurveFamily::ShearSonic),
    (&["sonic"], CurveFamily::Sonic),
    (&["transit", "time"], CurveFamily::Sonic),
    (&["slowness"], CurveFamily::Sonic),
    (&["compressional"], CurveFamily::Sonic),
    (&["deep"], CurveFamily::DeepResistivity),
    (&["medium"], CurveFamily::MediumResistivity),
    (&["shallow"], CurveFamily::ShallowResistivity),
    (&["flushed"], CurveFamily::ShallowResistivity),
    (&["micro"], CurveFamily::ShallowResistivity),
    (&["resistivity"], CurveFamily::DeepResistivity),
];

fn alias_family(mnemonic: &str) -> Option<CurveFamily> {
    let upper = mnemonic.trim().to_uppercase();
    // The reader renames duplicates `GR:2`; the alias is the part before.
    let base = upper.split(':').next().unwrap_or(&upper);
    let lookup = |m: &str| {
        ALIASES
            .iter()
            .find(|(_, names)| names.contains(&m))
            .map(|(f, _)| *f)
    };
    lookup(base).or_else(|| {
        let stem = base.split(['_', '-', '.']).next().unwrap_or(base);
        if stem.is_empty() || stem == base {
            None
        } else {
            lookup(stem)
        }
    })
}

/// Lower-case words of a description (letters only), for whole-word keyword matching.
fn words(description: &str) -> Vec<String> {
    description
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn description_family(description: &str, candidates: Option<&[CurveFamily]>) -> Option<CurveFamily> {
    let words = words(description);
    DESCRIPTION_RULES
        .iter()
        .filter(|(_, f)| candidates.is_none_or(|c| c.contains(f)))
        .find(|(keys, _)| keys.iter().all(|k| words.iter().any(|w| w == k)))
        .map(|(_, f)| *f)
}

/// The family of a curve and the rule that decided it (see the module doc for the order).
pub fn resolve_family_with_basis(mnemonic: &str, unit: &str, description: &str) -> (CurveFamily, ResolvedBy) {
    if let Some(f) = alias_family(mnemonic) {
        return (f, ResolvedBy::Alias);
    }
    let rule = canonical_unit(unit).and_then(unit_rule);
    if let Some(f) = description_family(description, rule.map(|(c, _)| c)) {
        return (f, ResolvedBy::Description);
    }
    match rule.and_then(|(_, default)| default) {
        Some(f) => (f, ResolvedBy::Unit),
        None => (CurveFamily::Unknown, ResolvedBy::Nothing),
    }
}

/// The family of a curve: alias table, then unit, then description text.
pub fn resolve_family(mnemonic: &str, unit: &str, description: &str) -> CurveFamily {
    resolve_family_with_basis(mnemonic, unit, description).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_first() {
        assert_eq!(resolve_family("GR", "", ""), CurveFamily::GammaRay);
        assert_eq!(resolve_family("gr:2", "", ""), CurveFamily::GammaRay);
        assert_eq!(resolve_family("RHOB_1", "K/M3", ""), CurveFamily::Density);
        assert_eq!(resolve_family("NPHI_LS", "V/V", ""), CurveFamily::NeutronPorosity);
        assert_eq!(resolve_family("DT", "US/M", "DELTA-T"), CurveFamily::Sonic);
        assert_eq!(resolve_family("DTS", "US/F", ""), CurveFamily::ShearSonic);
        assert_eq!(
            resolve_family("ILD", "OHMM", "DEEP RESISTIVITY"),
            CurveFamily::DeepResistivity
        );
        assert_eq!(resolve_family("ILM", "OHMM", ""), CurveFamily::MediumResistivity);
        assert_eq!(
            resolve_family("SFLU", "OHMM", ""),
            CurveFamily::ShallowResistivity
        );
        assert_eq!(resolve_family("DEPT", "M", ""), CurveFamily::Index);
        assert_eq!(resolve_family("BS", "IN", ""), CurveFamily::BitSize);
        assert_eq!(resolve_family("DRHO", "G/CC", ""), CurveFamily::DensityCorrection);
    }

    #[test]
    fn then_unit_then_description() {
        assert_eq!(
            resolve_family_with_basis("XYZ", "GAPI", ""),
            (CurveFamily::GammaRay, ResolvedBy::Unit)
        );
        assert_eq!(
            resolve_family_with_basis("XYZ", "G/CC", "Bulk density correction"),
            (CurveFamily::DensityCorrection, ResolvedBy::Description)
        );
        assert_eq!(
            resolve_family("XYZ", "OHMM", "Medium induction"),
            CurveFamily::MediumResistivity
        );
        assert_eq!(
            resolve_family("A1", "V/V", "Density porosity"),
            CurveFamily::ComputedPorosity
        );
        assert_eq!(
            resolve_family("A1", "%", "Thermal neutron porosity"),
            CurveFamily::NeutronPorosity
        );
        assert_eq!(resolve_family("A1", "V/V", "something"), CurveFamily::Unknown);
        assert_eq!(resolve_family("A1", "", "Bulk Density"), CurveFamily::Density);
        // A description naming a family the unit excludes does not override the unit.
        assert_eq!(resolve_family("A1", "GAPI", "neutron"), CurveFamily::GammaRay);
        assert_eq!(resolve_family("A1", "", ""), CurveFamily::Unknown);
        assert_eq!(resolve_family("", "", "gammaray"), CurveFamily::Unknown);
    }

    #[test]
    fn displays() {
        let n = CurveFamily::NeutronPorosity.display().unwrap();
        assert!(n.reversed && n.min < n.max);
        assert_eq!(
            CurveFamily::DeepResistivity.display().unwrap().scale,
            Scale::Logarithmic
        );
        assert_eq!(CurveFamily::Unknown.display(), None);
        for f in CurveFamily::ALL {
            assert_eq!(CurveFamily::from_name(f.as_str()), Some(f));
            if let Some(d) = f.display() {
                assert!(d.min < d.max, "{f}");
            }
        }
    }
}
