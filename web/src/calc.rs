//! Computed curves (shale volume, porosity, water saturation) added as a track: the SQL that asks the
//! server's petrophysics functions (`POST /v1/projects/{p}/sql`, functions of `mudrock_core::petro`) for
//! one log of one well, with default parameters the user sees and can change. Target-independent: the
//! SQL, the inputs found by curve family, the display scale (tested natively).

use mudrock_core::model::CurveFamily;

use crate::data::CurveInfo;
use crate::view::AxisScale;

/// What can be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalcKind {
    /// `vsh_larionov_tertiary(GR, gr_clean, gr_shale)`
    Vsh,
    /// `phi_density(RHOB, rho_ma, rho_f)`
    PhiD,
    /// `sw_archie(Rt, rw, phi_density(RHOB, rho_ma, rho_f), a, m, n)`
    SwArchie,
}

impl CalcKind {
    pub const ALL: [CalcKind; 3] = [CalcKind::Vsh, CalcKind::PhiD, CalcKind::SwArchie];

    /// The id used in the page (`<option value>`).
    pub fn id(self) -> &'static str {
        match self {
            CalcKind::Vsh => "vsh",
            CalcKind::PhiD => "phid",
            CalcKind::SwArchie => "sw",
        }
    }

    pub fn from_id(id: &str) -> Option<CalcKind> {
        CalcKind::ALL.into_iter().find(|k| k.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            CalcKind::Vsh => "Vsh (Larionov, tertiary) from GR",
            CalcKind::PhiD => "Density porosity from RHOB",
            CalcKind::SwArchie => "Sw (Archie) from Rt and density porosity",
        }
    }

    /// The computed curve's name in the track.
    pub fn curve_name(self) -> &'static str {
        match self {
            CalcKind::Vsh => "VSH",
            CalcKind::PhiD => "PHID",
            CalcKind::SwArchie => "SW",
        }
    }

    pub fn color(self) -> &'static str {
        match self {
            CalcKind::Vsh => "#8c5a2b",
            CalcKind::PhiD => "#1f4fd1",
            CalcKind::SwArchie => "#0a7d3b",
        }
    }

    /// Fractions: Vsh 0–1, porosity 0.45–−0.15 reversed (as NPHI), Sw 1–0 (water to the left).
    pub fn scale(self) -> AxisScale {
        match self {
            CalcKind::Vsh => AxisScale::linear(0.0, 1.0),
            CalcKind::PhiD => AxisScale {
                min: -0.15,
                max: 0.45,
                log: false,
                reversed: true,
            },
            CalcKind::SwArchie => AxisScale {
                min: 0.0,
                max: 1.0,
                log: false,
                reversed: true,
            },
        }
    }

    /// The input curves by family, in argument order.
    pub fn inputs(self) -> &'static [CurveFamily] {
        match self {
            CalcKind::Vsh => &[CurveFamily::GammaRay],
            CalcKind::PhiD => &[CurveFamily::Density],
            CalcKind::SwArchie => &[CurveFamily::DeepResistivity, CurveFamily::Density],
        }
    }

    /// Parameters with their defaults (in g/cc for densities; converted for a K/M3 density curve by
    /// [`default_params`]).
    pub fn params(self) -> &'static [(&'static str, f64)] {
        match self {
            CalcKind::Vsh => &[("gr_clean", 20.0), ("gr_shale", 120.0)],
            CalcKind::PhiD => &[("rho_ma", 2.65), ("rho_f", 1.0)],
            CalcKind::SwArchie => &[
                ("rw", 0.06),
                ("rho_ma", 2.65),
                ("rho_f", 1.0),
                ("a", 1.0),
                ("m", 2.0),
                ("n", 2.0),
            ],
        }
    }
}

/// The log's curves feeding `kind` (first of each family), or the family that is missing.
pub fn find_inputs(kind: CalcKind, curves: &[CurveInfo]) -> Result<Vec<CurveInfo>, String> {
    kind.inputs()
        .iter()
        .map(|f| {
            curves
                .iter()
                .find(|c| c.numeric && CurveFamily::from_name(&c.family) == Some(*f))
                .cloned()
                .ok_or_else(|| format!("this log has no {} curve", f.as_str()))
        })
        .collect()
}

/// The defaults for `kind` given its inputs: densities in kg/m3 when the density curve is.
pub fn default_params(kind: CalcKind, inputs: &[CurveInfo]) -> Vec<(&'static str, f64)> {
    let kgm3 = inputs.iter().any(|c| {
        CurveFamily::from_name(&c.family) == Some(CurveFamily::Density)
            && c.unit.to_uppercase().starts_with('K')
    });
    kind.params()
        .iter()
        .map(|&(name, v)| {
            if kgm3 && name.starts_with("rho") {
                (name, v * 1000.0)
            } else {
                (name, v)
            }
        })
        .collect()
}

/// A SQL identifier, quoted (curve mnemonics keep their case).
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A SQL string literal.
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn num(v: f64) -> Result<String, String> {
    if v.is_finite() {
        Ok(format!("{v:?}"))
    } else {
        Err(format!("{v} is not a number"))
    }
}

/// `SELECT depth, <expr> AS <name> FROM well_logs WHERE well_id = … AND log_id = … ORDER BY depth`.
pub fn sql(
    kind: CalcKind,
    well: &str,
    log: &str,
    inputs: &[CurveInfo],
    params: &[f64],
) -> Result<String, String> {
    if inputs.len() != kind.inputs().len() || params.len() != kind.params().len() {
        return Err("wrong number of inputs or parameters".into());
    }
    let p: Vec<String> = params.iter().map(|v| num(*v)).collect::<Result<_, _>>()?;
    let c: Vec<String> = inputs.iter().map(|c| ident(&c.name)).collect();
    let expr = match kind {
        CalcKind::Vsh => format!("vsh_larionov_tertiary({}, {}, {})", c[0], p[0], p[1]),
        CalcKind::PhiD => format!("phi_density({}, {}, {})", c[0], p[0], p[1]),
        CalcKind::SwArchie => format!(
            "sw_archie({}, {}, phi_density({}, {}, {}), {}, {}, {})",
            c[0], p[0], c[1], p[1], p[2], p[3], p[4], p[5]
        ),
    };
    Ok(format!(
        "SELECT depth, {expr} AS {} FROM well_logs WHERE well_id = {} AND log_id = {} ORDER BY depth",
        ident(kind.curve_name()),
        literal(well),
        literal(log)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve(name: &str, unit: &str, family: &str) -> CurveInfo {
        CurveInfo {
            name: name.into(),
            unit: unit.into(),
            family: family.into(),
            description: String::new(),
            numeric: true,
        }
    }

    #[test]
    fn sql_names_the_inputs_the_parameters_and_the_log() {
        let curves = [
            curve("GR", "GAPI", "gamma_ray"),
            curve("RHOB", "G/CC", "density"),
            curve("ILD", "OHMM", "deep_resistivity"),
        ];
        let inputs = find_inputs(CalcKind::SwArchie, &curves).unwrap();
        assert_eq!(inputs[0].name, "ILD");
        let params: Vec<f64> = default_params(CalcKind::SwArchie, &inputs)
            .iter()
            .map(|p| p.1)
            .collect();
        let q = sql(CalcKind::SwArchie, "NO_15'9", "log-1", &inputs, &params).unwrap();
        assert_eq!(
            q,
            "SELECT depth, sw_archie(\"ILD\", 0.06, phi_density(\"RHOB\", 2.65, 1.0), 1.0, 2.0, 2.0) AS \"SW\" \
             FROM well_logs WHERE well_id = 'NO_15''9' AND log_id = 'log-1' ORDER BY depth"
        );
        let vsh = sql(CalcKind::Vsh, "w", "l", &curves[..1], &[20.0, 120.0]).unwrap();
        assert!(
            vsh.contains("vsh_larionov_tertiary(\"GR\", 20.0, 120.0) AS \"VSH\""),
            "{vsh}"
        );
        assert!(sql(CalcKind::Vsh, "w", "l", &curves[..1], &[f64::NAN, 1.0]).is_err());
        assert!(
            find_inputs(CalcKind::PhiD, &curves[..1])
                .unwrap_err()
                .contains("density")
        );
        // kg/m3 density: the matrix and fluid densities follow.
        let kg = [curve("RHOB", "K/M3", "density")];
        assert_eq!(
            default_params(CalcKind::PhiD, &kg),
            [("rho_ma", 2650.0), ("rho_f", 1000.0)]
        );
        assert_eq!(CalcKind::from_id("sw"), Some(CalcKind::SwArchie));
    }
}
