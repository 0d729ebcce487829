//! Porosity from density, neutron-density and sonic logs. Results are fractions and are not limited to
//! [0, 1] (see the module rules in `petro`).

use super::{finite, present};

/// Matrix densities in g/cm³ (Asquith & Krygowski 2004).
pub const RHO_MA_SANDSTONE: f64 = 2.65;
pub const RHO_MA_LIMESTONE: f64 = 2.71;
pub const RHO_MA_DOLOMITE: f64 = 2.87;
/// Fluid densities in g/cm³: fresh and salt mud filtrate.
pub const RHO_F_FRESH: f64 = 1.0;
pub const RHO_F_SALT: f64 = 1.1;
/// Matrix transit times in µs/ft (Wyllie et al. 1956).
pub const DT_MA_SANDSTONE: f64 = 55.5;
pub const DT_MA_LIMESTONE: f64 = 47.6;
pub const DT_MA_DOLOMITE: f64 = 43.5;
/// Fluid transit time in µs/ft.
pub const DT_FLUID: f64 = 189.0;

/// Density porosity φD = (ρma − ρb)/(ρma − ρf).
///
/// Domain: ρb > 0, ρf > 0 and ρma > ρf (equal densities divide by zero; a matrix lighter than its fluid
/// is a swapped pair). Gives values below 0 where ρb > ρma.
pub fn phi_density(rhob: f64, rho_ma: f64, rho_f: f64) -> Option<f64> {
    let (rhob, rho_ma, rho_f) = (present(rhob)?, present(rho_ma)?, present(rho_f)?);
    if rhob <= 0.0 || rho_f <= 0.0 || rho_ma <= rho_f {
        return None;
    }
    finite((rho_ma - rhob) / (rho_ma - rho_f))
}

/// Neutron-density porosity, root mean square: φND = √((φN² + φD²)/2), for gas-bearing rock.
///
/// Domain: φN ≥ 0 and φD ≥ 0. Squaring would turn a negative porosity positive, so one is refused
/// rather than reported as porosity.
pub fn phi_neutron_density_rms(phin: f64, phid: f64) -> Option<f64> {
    let (phin, phid) = (present(phin)?, present(phid)?);
    if phin < 0.0 || phid < 0.0 {
        return None;
    }
    finite(((phin * phin + phid * phid) / 2.0).sqrt())
}

/// Neutron-density porosity, arithmetic mean: φND = (φN + φD)/2, for liquid-filled rock. Any present
/// inputs.
pub fn phi_neutron_density_mean(phin: f64, phid: f64) -> Option<f64> {
    finite((present(phin)? + present(phid)?) / 2.0)
}

/// Sonic porosity, Wyllie time-average: φS = (Δt − Δtma)/(Δtf − Δtma).
///
/// Domain: Δt > 0, Δtma > 0 and Δtf > Δtma (equal transit times divide by zero).
pub fn phi_sonic_wyllie(dt: f64, dt_ma: f64, dt_f: f64) -> Option<f64> {
    let (dt, dt_ma, dt_f) = (present(dt)?, present(dt_ma)?, present(dt_f)?);
    if dt <= 0.0 || dt_ma <= 0.0 || dt_f <= dt_ma {
        return None;
    }
    finite((dt - dt_ma) / (dt_f - dt_ma))
}

/// Sonic porosity, Raymer-Hunt-Gardner approximation: φ = 0.625·(Δt − Δtma)/Δt.
///
/// Domain: Δt > 0 and Δtma > 0.
pub fn phi_sonic_rhg(dt: f64, dt_ma: f64) -> Option<f64> {
    let (dt, dt_ma) = (present(dt)?, present(dt_ma)?);
    if dt <= 0.0 || dt_ma <= 0.0 {
        return None;
    }
    finite(0.625 * (dt - dt_ma) / dt)
}
