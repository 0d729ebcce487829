//! Petrophysics: gamma-ray index and shale volume, porosity, and water saturation.
//!
//! Each quantity is written once, as a scalar function `fn(f64, …) -> Option<f64>` (`None` is null), and
//! the same function is evaluated over Arrow arrays by one generic kernel
//! ([`PetroFunction::evaluate`], feature `arrow`). The [`functions`] registry lists every function under
//! its SQL name with its argument names and its [`Method`] description, so a query engine can register
//! them all as UDFs without knowing any formula.
//!
//! Formulas, citations and test vectors: `../shared/data/petro/TEST_VECTORS.md`.
//!
//! Rules every function keeps:
//! - **Null in, null out.** A missing input — NaN, ±inf, or a customary LAS null (−999.25, −9999,
//!   −9999.25) — gives `None`; it is never used as a number. In the Arrow kernels a null in any input
//!   row gives a null in that output row.
//! - **Out of domain gives `None`, never NaN or inf.** Each function documents its domain; parameters
//!   that make a formula divide by zero or take the root of a negative are out of it.
//! - **Fractions stay in [0, 1].** IGR is clipped to [0, 1] before any shale model (Clavier is NaN above
//!   IGR 1.13848 otherwise); water saturation above 1 is clamped to 1. Such a value is marked
//!   [`Computed::clamped`], counted by the Arrow kernel and written into the output field's metadata
//!   (`mudrock.clamped`), so a curve says how many of its samples were limited.
//! - **Porosities are not limited.** A negative density porosity means heavy minerals or the wrong
//!   matrix, one above 1 a washed-out hole: clipping would hide both. The saturation functions refuse
//!   porosity outside (0, 1] instead.

mod method;
mod porosity;
mod registry;
mod saturation;
mod shale;

#[cfg(feature = "arrow")]
mod kernel;

pub use method::{Method, Quantity};
pub use porosity::{
    DT_FLUID, DT_MA_DOLOMITE, DT_MA_LIMESTONE, DT_MA_SANDSTONE, RHO_F_FRESH, RHO_F_SALT, RHO_MA_DOLOMITE,
    RHO_MA_LIMESTONE, RHO_MA_SANDSTONE, phi_density, phi_neutron_density_mean, phi_neutron_density_rms,
    phi_sonic_rhg, phi_sonic_wyllie,
};
pub use registry::{Binding, PetroError, PetroFunction, function, functions};
pub use saturation::{sw_archie, sw_indonesia, sw_modified_simandoux, sw_simandoux};
pub use shale::{
    ShaleModel, igr, igr_unclipped, vsh_clavier, vsh_larionov_older, vsh_larionov_tertiary, vsh_linear,
    vsh_steiber,
};

#[cfg(feature = "arrow")]
pub use kernel::{Arg, Evaluated, FIELD_CLAMPED, FIELD_METHOD, FIELD_PARAMETERS};

/// A result with the fact of whether it had to be limited to its range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Computed {
    pub value: f64,
    /// The formula gave a value outside the quantity's range (IGR outside [0, 1], Sw above 1) and it
    /// was limited to the nearest bound.
    pub clamped: bool,
}

impl Computed {
    fn exact(value: f64) -> Computed {
        Computed {
            value,
            clamped: false,
        }
    }

    /// `x` limited to [0, 1], marked when that changed it.
    fn unit_fraction(x: f64) -> Computed {
        let value = x.clamp(0.0, 1.0);
        Computed {
            value,
            clamped: value != x,
        }
    }
}

/// `x` when it is a usable number: finite and not one of the customary LAS nulls (the values the LAS
/// reader also takes as nulls when a file declares none).
fn present(x: f64) -> Option<f64> {
    (x.is_finite() && x != -999.25 && x != -9999.0 && x != -9999.25).then_some(x)
}

/// `x` when finite: the last guard before a value leaves a function.
fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}
