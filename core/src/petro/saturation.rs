//! Water saturation: Archie for clean sands, Simandoux, modified Simandoux and Indonesia for shaly ones.
//!
//! Common domain (every function): Rt > 0, Rw > 0, 0 < φ ≤ 1, a > 0, m > 0, n > 0; for the shaly-sand
//! models also 0 ≤ Vsh ≤ 1 and Rsh > 0. φ = 0 has no pore space to saturate (Archie divides by zero
//! there), so it gives `None` rather than a clamped 1. A saturation above 1 is clamped to 1 and marked.
//!
//! Regression traps from public code that these forms avoid (TEST_VECTORS.md): the Archie exponent is
//! 1/n (not a/n), and the Simandoux solution takes a square root (not a fifth root).

use super::{Computed, finite, present};

/// Inputs common to every saturation model, checked against the common domain.
struct Rock {
    rt: f64,
    rw: f64,
    phi: f64,
    a: f64,
    m: f64,
    n: f64,
}

impl Rock {
    fn new(rt: f64, rw: f64, phi: f64, a: f64, m: f64, n: f64) -> Option<Rock> {
        let rock = Rock {
            rt: present(rt)?,
            rw: present(rw)?,
            phi: present(phi)?,
            a: present(a)?,
            m: present(m)?,
            n: present(n)?,
        };
        let positive = rock.rt > 0.0 && rock.rw > 0.0 && rock.a > 0.0 && rock.m > 0.0 && rock.n > 0.0;
        (positive && rock.phi > 0.0 && rock.phi <= 1.0).then_some(rock)
    }

    /// The clean-sand conductance coefficient φ^m/(a·Rw): Archie's 1/Rt = coefficient · Sw^n.
    fn archie_coefficient(&self) -> f64 {
        self.phi.powf(self.m) / (self.a * self.rw)
    }
}

/// Vsh and Rsh, checked: 0 ≤ Vsh ≤ 1, Rsh > 0.
fn shale(vsh: f64, rsh: f64) -> Option<(f64, f64)> {
    let (vsh, rsh) = (present(vsh)?, present(rsh)?);
    ((0.0..=1.0).contains(&vsh) && rsh > 0.0).then_some((vsh, rsh))
}

/// The Sw ≥ 0 that solves A·Sw^n + B·Sw = C (A, B ≥ 0, C > 0), limited to 1.
///
/// The left side grows with Sw from 0, so there is one root; when the left side at Sw = 1 is still
/// ≤ C the root is ≥ 1 and the answer is 1 (clamped unless exact). Otherwise the root lies in (0, 1):
/// closed forms for B = 0 (Archie) and n = 2 (the quadratic, in the form that does not cancel when B
/// dominates), safeguarded Newton for other n.
fn solve_saturation(a: f64, b: f64, c: f64, n: f64) -> Option<Computed> {
    // Inputs at the edge of f64 (Rt of 1e-320, φ^m underflowing) can overflow a coefficient: no
    // answer rather than a guess.
    let (a, b, c) = (finite(a)?, finite(b)?, finite(c)?);
    let at_one = a + b - c;
    if at_one <= 0.0 {
        return Some(Computed {
            value: 1.0,
            clamped: at_one != 0.0,
        });
    }
    let sw = if b == 0.0 {
        (c / a).powf(1.0 / n)
    } else if n == 2.0 {
        2.0 * c / (b + (b * b + 4.0 * a * c).sqrt())
    } else {
        newton_bracketed(a, b, c, n)
    };
    Some(Computed::exact(finite(sw)?.clamp(0.0, 1.0)))
}

/// Root of f(s) = A·s^n + B·s − C on (0, 1), where f(0) < 0 < f(1) and f increases (B > 0): Newton
/// steps kept inside the shrinking bracket, bisection when a step would leave it.
fn newton_bracketed(a: f64, b: f64, c: f64, n: f64) -> f64 {
    let f = |s: f64| a * s.powf(n) + b * s - c;
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    // The linear term alone puts the root at C/B, the power term alone at (C/A)^(1/n): the root is
    // below both, so the smaller is a start inside the bracket.
    let mut s = (c / b).min((c / a).powf(1.0 / n)).clamp(f64::MIN_POSITIVE, 1.0);
    for _ in 0..200 {
        let fs = f(s);
        if fs == 0.0 {
            return s;
        }
        if fs < 0.0 {
            lo = s;
        } else {
            hi = s;
        }
        let slope = n * a * s.powf(n - 1.0) + b;
        let mut next = s - fs / slope;
        if !(next > lo && next < hi) {
            next = 0.5 * (lo + hi);
        }
        if (next - s).abs() <= f64::EPSILON * s || hi - lo <= f64::EPSILON * hi {
            return next;
        }
        s = next;
    }
    s
}

/// Archie (1942): Sw = (a·Rw/(φ^m·Rt))^(1/n).
pub fn sw_archie(rt: f64, rw: f64, phi: f64, a: f64, m: f64, n: f64) -> Option<f64> {
    archie(rt, rw, phi, a, m, n).map(|c| c.value)
}

pub(super) fn archie(rt: f64, rw: f64, phi: f64, a: f64, m: f64, n: f64) -> Option<Computed> {
    let rock = Rock::new(rt, rw, phi, a, m, n)?;
    solve_saturation(rock.archie_coefficient(), 0.0, 1.0 / rock.rt, rock.n)
}

/// Simandoux (1963), total-shale form, solved for Sw from
/// 1/Rt = φ^m·Sw^n/(a·Rw) + Vsh·Sw/Rsh.
///
/// For n = 2 this is TEST_VECTORS.md's closed form
/// Sw = (a·Rw/(2φ^m))·[√((Vsh/Rsh)² + 4φ^m/(a·Rw·Rt)) − Vsh/Rsh]; other n are solved numerically.
/// Vsh = 0 is Archie.
#[allow(clippy::too_many_arguments)] // the model's eight inputs, in the order the SQL function takes
pub fn sw_simandoux(rt: f64, rw: f64, phi: f64, vsh: f64, rsh: f64, a: f64, m: f64, n: f64) -> Option<f64> {
    simandoux(rt, rw, phi, vsh, rsh, a, m, n).map(|c| c.value)
}

#[allow(clippy::too_many_arguments)] // the model's eight inputs, in the order the SQL function takes
pub(super) fn simandoux(
    rt: f64,
    rw: f64,
    phi: f64,
    vsh: f64,
    rsh: f64,
    a: f64,
    m: f64,
    n: f64,
) -> Option<Computed> {
    let rock = Rock::new(rt, rw, phi, a, m, n)?;
    let (vsh, rsh) = shale(vsh, rsh)?;
    solve_saturation(rock.archie_coefficient(), vsh / rsh, 1.0 / rock.rt, rock.n)
}

/// Modified Simandoux (Bardon & Pied 1969), solved for Sw from
/// 1/Rt = φ^m·Sw^n/(a·Rw·(1 − Vsh)) + Vsh·Sw/Rsh.
///
/// Domain adds Vsh < 1 (the clean-sand term divides by 1 − Vsh). Vsh = 0 is Archie.
#[allow(clippy::too_many_arguments)] // the model's eight inputs, in the order the SQL function takes
pub fn sw_modified_simandoux(
    rt: f64,
    rw: f64,
    phi: f64,
    vsh: f64,
    rsh: f64,
    a: f64,
    m: f64,
    n: f64,
) -> Option<f64> {
    modified_simandoux(rt, rw, phi, vsh, rsh, a, m, n).map(|c| c.value)
}

#[allow(clippy::too_many_arguments)] // the model's eight inputs, in the order the SQL function takes
pub(super) fn modified_simandoux(
    rt: f64,
    rw: f64,
    phi: f64,
    vsh: f64,
    rsh: f64,
    a: f64,
    m: f64,
    n: f64,
) -> Option<Computed> {
    let rock = Rock::new(rt, rw, phi, a, m, n)?;
    let (vsh, rsh) = shale(vsh, rsh)?;
    if vsh >= 1.0 {
        return None;
    }
    let clean = rock.archie_coefficient() / (1.0 - vsh);
    solve_saturation(clean, vsh / rsh, 1.0 / rock.rt, rock.n)
}

/// Indonesia (Poupon & Leveaux 1971): from
/// 1/√Rt = [Vsh^(1 − Vsh/2)/√Rsh + √(φ^m/(a·Rw))]·Sw^(n/2),
/// Sw = (1/(√Rt·[…]))^(2/n). Vsh = 0 is Archie.
#[allow(clippy::too_many_arguments)] // the model's eight inputs, in the order the SQL function takes
pub fn sw_indonesia(rt: f64, rw: f64, phi: f64, vsh: f64, rsh: f64, a: f64, m: f64, n: f64) -> Option<f64> {
    indonesia(rt, rw, phi, vsh, rsh, a, m, n).map(|c| c.value)
}

#[allow(clippy::too_many_arguments)] // the model's eight inputs, in the order the SQL function takes
pub(super) fn indonesia(
    rt: f64,
    rw: f64,
    phi: f64,
    vsh: f64,
    rsh: f64,
    a: f64,
    m: f64,
    n: f64,
) -> Option<Computed> {
    let rock = Rock::new(rt, rw, phi, a, m, n)?;
    let (vsh, rsh) = shale(vsh, rsh)?;
    let bracket = vsh.powf(1.0 - vsh / 2.0) / rsh.sqrt() + rock.archie_coefficient().sqrt();
    // Sw^(n/2) = base: Sw ≥ 1 exactly when base ≥ 1, whatever n.
    let base = 1.0 / (rock.rt.sqrt() * bracket);
    if base >= 1.0 || base.is_nan() {
        return Some(Computed {
            value: 1.0,
            clamped: base != 1.0,
        });
    }
    Some(Computed::exact(finite(base.powf(2.0 / rock.n))?.clamp(0.0, 1.0)))
}
