//! Every petrophysical function under its SQL name, with its argument names and method description:
//! the one list a query engine registers as UDFs, and the scalar evaluation they all share.

use std::collections::BTreeMap;

use super::method::{Method, Quantity};
use super::{Computed, porosity, saturation, shale};
use shale::ShaleModel;

/// Why a function could not be evaluated at all (as opposed to a null row, which is data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PetroError {
    #[error("{function} takes {expected} arguments ({signature}), got {got}")]
    WrongArity {
        function: &'static str,
        signature: String,
        expected: usize,
        got: usize,
    },
    #[error("{function}: argument {argument} has {len} rows where the other arrays have {expected}")]
    LengthMismatch {
        function: &'static str,
        argument: &'static str,
        len: usize,
        expected: usize,
    },
}

/// How one argument is supplied: a curve that varies row by row, or one constant for every row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Binding {
    Curve,
    /// `None` is a null constant: every row of the result is null.
    Constant(Option<f64>),
}

/// The most arguments any function takes (the shaly-sand saturations): the Arrow kernel's row buffer.
#[cfg(any(feature = "arrow", test))]
pub(super) const MAX_ARITY: usize = 8;

/// One petrophysical function: its SQL name, argument names in order, and what it computes.
#[derive(Debug)]
pub struct PetroFunction {
    /// The SQL name, lower case (`sw_archie`).
    pub name: &'static str,
    /// Argument names in call order (`["rt", "rw", "phi", "a", "m", "n"]`).
    pub args: &'static [&'static str],
    pub quantity: Quantity,
    /// The method as the literature names it.
    pub method: &'static str,
    pub variant: &'static str,
    pub equation: &'static str,
    pub reference: &'static str,
    /// The inputs the function accepts; outside them a row is null.
    pub domain: &'static str,
    /// The computation on one row of present values, `args.len()` of them.
    pub(super) row: fn(&[f64]) -> Option<Computed>,
}

impl PetroFunction {
    /// `name(arg, …)`, for messages and documentation.
    pub fn signature(&self) -> String {
        format!("{}({})", self.name, self.args.join(", "))
    }

    pub(super) fn check_arity(&self, got: usize) -> Result<(), PetroError> {
        if got == self.args.len() {
            Ok(())
        } else {
            Err(PetroError::WrongArity {
                function: self.name,
                signature: self.signature(),
                expected: self.args.len(),
                got,
            })
        }
    }

    /// Evaluates one row. `Ok(None)` is a null result (a missing input or one outside the domain).
    pub fn eval(&self, args: &[f64]) -> Result<Option<Computed>, PetroError> {
        self.check_arity(args.len())?;
        Ok((self.row)(args))
    }

    /// The description to record on a result computed with these arguments.
    pub fn method(&self, bindings: &[Binding]) -> Result<Method, PetroError> {
        self.check_arity(bindings.len())?;
        let mut inputs = Vec::new();
        let mut parameters = BTreeMap::new();
        for (name, binding) in self.args.iter().zip(bindings) {
            match binding {
                Binding::Curve => inputs.push(*name),
                Binding::Constant(value) => {
                    parameters.insert(*name, *value);
                }
            }
        }
        Ok(Method {
            function: self.name,
            quantity: self.quantity,
            name: self.method,
            variant: self.variant,
            equation: self.equation,
            reference: self.reference,
            inputs,
            parameters,
        })
    }
}

/// Every function, in a stable order.
pub fn functions() -> &'static [PetroFunction] {
    &FUNCTIONS
}

/// The function with this SQL name (ASCII case-insensitive, as SQL identifiers are).
pub fn function(name: &str) -> Option<&'static PetroFunction> {
    FUNCTIONS.iter().find(|f| f.name.eq_ignore_ascii_case(name))
}

const GR_ARGS: &[&str] = &["gr", "gr_clean", "gr_shale"];
const GR_DOMAIN: &str = "gr, gr_clean, gr_shale present; gr_shale > gr_clean; IGR clipped to [0, 1]";
const ASQUITH: &str =
    "Asquith & Krygowski (2004), Basic Well Log Analysis, 2nd ed., AAPG Methods in Exploration 16";
const LARIONOV: &str = "Larionov (1969), Borehole Radiometry, Nedra, Moscow (via Asquith & Krygowski 2004)";
const SHALY_ARGS: &[&str] = &["rt", "rw", "phi", "vsh", "rsh", "a", "m", "n"];
const SW_DOMAIN: &str = "rt > 0, rw > 0, 0 < phi <= 1, a > 0, m > 0, n > 0; Sw clamped to [0, 1]";
const SHALY_DOMAIN: &str =
    "rt > 0, rw > 0, 0 < phi <= 1, 0 <= vsh <= 1, rsh > 0, a > 0, m > 0, n > 0; Sw clamped to [0, 1]";

fn vsh_row(model: ShaleModel, x: &[f64]) -> Option<Computed> {
    model.vsh(x[0], x[1], x[2])
}

fn exact(value: Option<f64>) -> Option<Computed> {
    value.map(Computed::exact)
}

static FUNCTIONS: [PetroFunction; 15] = [
    PetroFunction {
        name: "igr",
        args: GR_ARGS,
        quantity: Quantity::GammaRayIndex,
        method: "gamma-ray index",
        variant: "linear, clipped to [0, 1]",
        equation: "IGR = (GR - GRclean)/(GRshale - GRclean)",
        reference: ASQUITH,
        domain: GR_DOMAIN,
        row: |x| shale::igr_computed(x[0], x[1], x[2]),
    },
    PetroFunction {
        name: "vsh_linear",
        args: GR_ARGS,
        quantity: Quantity::ShaleVolume,
        method: "linear",
        variant: "Vsh = IGR",
        equation: "Vsh = IGR",
        reference: ASQUITH,
        domain: GR_DOMAIN,
        row: |x| vsh_row(ShaleModel::Linear, x),
    },
    PetroFunction {
        name: "vsh_larionov_tertiary",
        args: GR_ARGS,
        quantity: Quantity::ShaleVolume,
        method: "Larionov",
        variant: "tertiary (young) rocks",
        equation: "Vsh = 0.083*(2^(3.7*IGR) - 1)",
        reference: LARIONOV,
        domain: GR_DOMAIN,
        row: |x| vsh_row(ShaleModel::LarionovTertiary, x),
    },
    PetroFunction {
        name: "vsh_larionov_older",
        args: GR_ARGS,
        quantity: Quantity::ShaleVolume,
        method: "Larionov",
        variant: "older rocks",
        equation: "Vsh = 0.33*(2^(2*IGR) - 1)",
        reference: LARIONOV,
        domain: GR_DOMAIN,
        row: |x| vsh_row(ShaleModel::LarionovOlder, x),
    },
    PetroFunction {
        name: "vsh_clavier",
        args: GR_ARGS,
        quantity: Quantity::ShaleVolume,
        method: "Clavier",
        variant: "Clavier, Hoyle & Meunier",
        equation: "Vsh = 1.7 - sqrt(3.38 - (IGR + 0.7)^2)",
        reference: "Clavier, Hoyle & Meunier (1971), JPT 23(6)",
        domain: GR_DOMAIN,
        row: |x| vsh_row(ShaleModel::Clavier, x),
    },
    PetroFunction {
        name: "vsh_steiber",
        args: GR_ARGS,
        quantity: Quantity::ShaleVolume,
        method: "Steiber",
        variant: "Steiber",
        equation: "Vsh = IGR/(3 - 2*IGR)",
        reference: "Steiber (1970), SPE 2961",
        domain: GR_DOMAIN,
        row: |x| vsh_row(ShaleModel::Steiber, x),
    },
    PetroFunction {
        name: "phi_density",
        args: &["rhob", "rho_ma", "rho_f"],
        quantity: Quantity::Porosity,
        method: "density porosity",
        variant: "matrix/fluid densities",
        equation: "phiD = (rho_ma - rhob)/(rho_ma - rho_f)",
        reference: ASQUITH,
        domain: "rhob > 0, rho_f > 0, rho_ma > rho_f; not limited to [0, 1]",
        row: |x| exact(porosity::phi_density(x[0], x[1], x[2])),
    },
    PetroFunction {
        name: "phi_neutron_density_rms",
        args: &["phin", "phid"],
        quantity: Quantity::Porosity,
        method: "neutron-density porosity",
        variant: "root mean square (gas zones)",
        equation: "phiND = sqrt((phiN^2 + phiD^2)/2)",
        reference: ASQUITH,
        domain: "phin >= 0, phid >= 0",
        row: |x| exact(porosity::phi_neutron_density_rms(x[0], x[1])),
    },
    PetroFunction {
        name: "phi_neutron_density_mean",
        args: &["phin", "phid"],
        quantity: Quantity::Porosity,
        method: "neutron-density porosity",
        variant: "arithmetic mean (liquid-filled rock)",
        equation: "phiND = (phiN + phiD)/2",
        reference: ASQUITH,
        domain: "phin, phid present",
        row: |x| exact(porosity::phi_neutron_density_mean(x[0], x[1])),
    },
    PetroFunction {
        name: "phi_sonic_wyllie",
        args: &["dt", "dt_ma", "dt_f"],
        quantity: Quantity::Porosity,
        method: "sonic porosity",
        variant: "Wyllie time-average",
        equation: "phiS = (dt - dt_ma)/(dt_f - dt_ma)",
        reference: "Wyllie, Gregory & Gardner (1956), Geophysics 21(1)",
        domain: "dt > 0, dt_ma > 0, dt_f > dt_ma; not limited to [0, 1]",
        row: |x| exact(porosity::phi_sonic_wyllie(x[0], x[1], x[2])),
    },
    PetroFunction {
        name: "phi_sonic_rhg",
        args: &["dt", "dt_ma"],
        quantity: Quantity::Porosity,
        method: "sonic porosity",
        variant: "Raymer-Hunt-Gardner approximation",
        equation: "phi = 0.625*(dt - dt_ma)/dt",
        reference: "Raymer, Hunt & Gardner (1980), SPWLA",
        domain: "dt > 0, dt_ma > 0; not limited to [0, 1]",
        row: |x| exact(porosity::phi_sonic_rhg(x[0], x[1])),
    },
    PetroFunction {
        name: "sw_archie",
        args: &["rt", "rw", "phi", "a", "m", "n"],
        quantity: Quantity::WaterSaturation,
        method: "Archie",
        variant: "Archie with a, m, n",
        equation: "Sw = (a*Rw/(phi^m*Rt))^(1/n)",
        reference: "Archie (1942), Trans. AIME 146",
        domain: SW_DOMAIN,
        row: |x| saturation::archie(x[0], x[1], x[2], x[3], x[4], x[5]),
    },
    PetroFunction {
        name: "sw_simandoux",
        args: SHALY_ARGS,
        quantity: Quantity::WaterSaturation,
        method: "Simandoux",
        variant: "total shale, Vsh/Rsh term, Sw^n (closed form for n = 2)",
        equation: "1/Rt = phi^m*Sw^n/(a*Rw) + Vsh*Sw/Rsh",
        reference: "Simandoux (1963), Revue de l'IFP, supplementary issue",
        domain: SHALY_DOMAIN,
        row: |x| saturation::simandoux(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]),
    },
    PetroFunction {
        name: "sw_modified_simandoux",
        args: SHALY_ARGS,
        quantity: Quantity::WaterSaturation,
        method: "modified Simandoux",
        variant: "Bardon & Pied, (1 - Vsh) on the clean term, Sw^n",
        equation: "1/Rt = phi^m*Sw^n/(a*Rw*(1 - Vsh)) + Vsh*Sw/Rsh",
        reference: "Bardon & Pied (1969), SPWLA",
        domain: "as sw_simandoux, and vsh < 1",
        row: |x| saturation::modified_simandoux(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]),
    },
    PetroFunction {
        name: "sw_indonesia",
        args: SHALY_ARGS,
        quantity: Quantity::WaterSaturation,
        method: "Indonesia",
        variant: "Poupon-Leveaux",
        equation: "1/sqrt(Rt) = (Vsh^(1 - Vsh/2)/sqrt(Rsh) + sqrt(phi^m/(a*Rw)))*Sw^(n/2)",
        reference: "Poupon & Leveaux (1971), SPWLA 12th Symposium",
        domain: SHALY_DOMAIN,
        row: |x| saturation::indonesia(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_lower_case_and_within_the_kernel_arity() {
        let mut names: Vec<_> = functions().iter().map(|f| f.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), functions().len());
        for f in functions() {
            assert_eq!(f.name, f.name.to_ascii_lowercase());
            assert!(!f.args.is_empty() && f.args.len() <= MAX_ARITY, "{}", f.name);
        }
        assert_eq!(function("SW_ARCHIE").map(|f| f.name), Some("sw_archie"));
        assert!(function("sw_unknown").is_none());
    }

    #[test]
    fn arity_is_checked() {
        let archie = function("sw_archie").unwrap();
        let err = archie.eval(&[20.0, 0.05]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "sw_archie takes 6 arguments (sw_archie(rt, rw, phi, a, m, n)), got 2"
        );
        assert!(archie.method(&[Binding::Curve]).is_err());
    }
}
