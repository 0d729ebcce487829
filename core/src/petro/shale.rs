//! Gamma-ray index and shale volume.
//!
//! IGR = (GR − GRclean)/(GRshale − GRclean), clipped to [0, 1]; each shale model maps IGR in [0, 1] onto
//! Vsh in [0, 1] (Larionov tertiary reaches 0.995671 at IGR 1, Larionov older 0.99 — the formulas, not
//! an error).
//!
//! Domain: GR, GRclean and GRshale present, and GRshale > GRclean (equal values divide by zero; a
//! "shale" less radioactive than the clean sand means the parameters are swapped, and an inverted
//! index would be silently wrong). GR itself may lie anywhere: outside the two lines it is clipped.

use serde::Serialize;

use super::{Computed, finite, present};

/// A transform from gamma-ray index to shale volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ShaleModel {
    /// Vsh = IGR.
    Linear,
    /// Larionov (1969), tertiary (young) rocks: Vsh = 0.083·(2^(3.7·IGR) − 1).
    LarionovTertiary,
    /// Larionov (1969), older rocks: Vsh = 0.33·(2^(2·IGR) − 1).
    LarionovOlder,
    /// Clavier, Hoyle & Meunier (1971): Vsh = 1.7 − √(3.38 − (IGR + 0.7)²).
    Clavier,
    /// Steiber (1970): Vsh = IGR/(3 − 2·IGR).
    Steiber,
}

impl ShaleModel {
    pub const ALL: [ShaleModel; 5] = [
        ShaleModel::Linear,
        ShaleModel::LarionovTertiary,
        ShaleModel::LarionovOlder,
        ShaleModel::Clavier,
        ShaleModel::Steiber,
    ];

    /// Vsh for an IGR in [0, 1]. The result is limited to [0, 1] against rounding only (Clavier's
    /// `1.7 − √2.89` is not exactly 0 in floating point): the formulas themselves stay in range there.
    fn apply(self, igr: f64) -> f64 {
        let vsh = match self {
            ShaleModel::Linear => igr,
            ShaleModel::LarionovTertiary => 0.083 * ((3.7 * igr).exp2() - 1.0),
            ShaleModel::LarionovOlder => 0.33 * ((2.0 * igr).exp2() - 1.0),
            ShaleModel::Clavier => 1.7 - (3.38 - (igr + 0.7).powi(2)).sqrt(),
            ShaleModel::Steiber => igr / (3.0 - 2.0 * igr),
        };
        vsh.clamp(0.0, 1.0)
    }

    /// Vsh from an IGR. The IGR is clipped to [0, 1] first (marked clamped when that changed it), so
    /// Clavier never meets the NaN it has above 1.13848. `None` for a missing IGR.
    pub fn vsh_from_igr(self, igr: f64) -> Option<Computed> {
        let igr = Computed::unit_fraction(present(igr)?);
        Some(Computed {
            value: finite(self.apply(igr.value))?,
            clamped: igr.clamped,
        })
    }

    /// Vsh from a gamma-ray reading and the clean and shale lines.
    pub fn vsh(self, gr: f64, gr_clean: f64, gr_shale: f64) -> Option<Computed> {
        self.vsh_from_igr(igr_unclipped(gr, gr_clean, gr_shale)?)
    }
}

/// IGR before clipping: below 0 for GR under the clean line, above 1 over the shale line.
pub fn igr_unclipped(gr: f64, gr_clean: f64, gr_shale: f64) -> Option<f64> {
    let (gr, clean, shale) = (present(gr)?, present(gr_clean)?, present(gr_shale)?);
    if shale <= clean {
        return None;
    }
    finite((gr - clean) / (shale - clean))
}

/// The gamma-ray index, clipped to [0, 1].
pub fn igr(gr: f64, gr_clean: f64, gr_shale: f64) -> Option<f64> {
    igr_computed(gr, gr_clean, gr_shale).map(|c| c.value)
}

pub(super) fn igr_computed(gr: f64, gr_clean: f64, gr_shale: f64) -> Option<Computed> {
    igr_unclipped(gr, gr_clean, gr_shale).map(Computed::unit_fraction)
}

/// Linear shale volume: Vsh = IGR.
pub fn vsh_linear(gr: f64, gr_clean: f64, gr_shale: f64) -> Option<f64> {
    ShaleModel::Linear.vsh(gr, gr_clean, gr_shale).map(|c| c.value)
}

/// Larionov shale volume for tertiary (young) rocks.
pub fn vsh_larionov_tertiary(gr: f64, gr_clean: f64, gr_shale: f64) -> Option<f64> {
    ShaleModel::LarionovTertiary
        .vsh(gr, gr_clean, gr_shale)
        .map(|c| c.value)
}

/// Larionov shale volume for older rocks.
pub fn vsh_larionov_older(gr: f64, gr_clean: f64, gr_shale: f64) -> Option<f64> {
    ShaleModel::LarionovOlder
        .vsh(gr, gr_clean, gr_shale)
        .map(|c| c.value)
}

/// Clavier shale volume.
pub fn vsh_clavier(gr: f64, gr_clean: f64, gr_shale: f64) -> Option<f64> {
    ShaleModel::Clavier.vsh(gr, gr_clean, gr_shale).map(|c| c.value)
}

/// Steiber shale volume.
pub fn vsh_steiber(gr: f64, gr_clean: f64, gr_shale: f64) -> Option<f64> {
    ShaleModel::Steiber.vsh(gr, gr_clean, gr_shale).map(|c| c.value)
}
