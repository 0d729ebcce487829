//! Petrophysics against `$MUDROCK_SHARED/data/petro/test_vectors.json` (every vector, read at test time),
//! the edge cases of TEST_VECTORS.md, the Arrow kernel, and properties over random inputs.
#![cfg(feature = "arrow")]

use std::path::PathBuf;

use arrow_array::{Array, Float64Array};
use mudrock_core::petro::{
    self, Arg, Binding, FIELD_CLAMPED, FIELD_METHOD, FIELD_PARAMETERS, PetroError, Quantity, ShaleModel,
};
use proptest::prelude::*;
use serde_json::Value;

fn vectors() -> Value {
    let shared = std::env::var_os("MUDROCK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared")));
    let path = shared.join("data/petro/test_vectors.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "petro test vectors missing: {} ({e}); set MUDROCK_SHARED to the folder holding data/petro",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The rows of one section; a section that vanished or emptied fails rather than testing nothing.
fn section(v: &Value, name: &str) -> Vec<Value> {
    let rows = v[name]
        .as_array()
        .unwrap_or_else(|| panic!("section {name} missing from test_vectors.json"));
    assert!(!rows.is_empty(), "section {name} is empty");
    rows.clone()
}

fn num(row: &Value, key: &str) -> f64 {
    row[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing or not a number in {row}"))
}

/// Within 1e-5 relative of a 6-significant-figure expectation (absolute 1e-12 at 0).
fn close(got: f64, expected: f64) -> bool {
    (got - expected).abs() <= (1e-5 * expected.abs()).max(1e-12)
}

#[track_caller]
fn check(what: &str, got: Option<f64>, expected: f64) {
    match got {
        Some(g) => assert!(close(g, expected), "{what}: got {g}, expected {expected}"),
        None => panic!("{what}: got null, expected {expected}"),
    }
}

/// Calls a registered function by SQL name, as a query engine would.
fn call(name: &str, args: &[f64]) -> Option<f64> {
    let f = petro::function(name).unwrap_or_else(|| panic!("{name} not registered"));
    f.eval(args).unwrap().map(|c| c.value)
}

#[test]
fn every_section_of_the_vectors_is_tested() {
    let v = vectors();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    // A new section in the shared file must get a test here before this passes again.
    assert_eq!(
        keys,
        [
            "edge_cases",
            "igr",
            "phi_density",
            "phi_neutron_density",
            "phi_sonic",
            "pipeline_sample",
            "sw_archie",
            "sw_indonesia",
            "sw_mod_simandoux",
            "sw_simandoux",
            "vsh_from_igr",
        ]
    );
}

#[test]
fn igr_vectors() {
    let v = vectors();
    for (i, r) in section(&v, "igr").iter().enumerate() {
        let (gr, clean, shale, expected) = (
            num(r, "gr"),
            num(r, "gr_clean"),
            num(r, "gr_shale"),
            num(r, "igr"),
        );
        check(
            &format!("igr[{i}] unclipped"),
            petro::igr_unclipped(gr, clean, shale),
            expected,
        );
        let clipped = expected.clamp(0.0, 1.0);
        check(&format!("igr[{i}]"), petro::igr(gr, clean, shale), clipped);
        check(
            &format!("igr[{i}] via SQL name"),
            call("igr", &[gr, clean, shale]),
            clipped,
        );
        let computed = petro::function("igr").unwrap().eval(&[gr, clean, shale]).unwrap();
        assert_eq!(
            computed.map(|c| c.clamped),
            Some(!(0.0..=1.0).contains(&expected)),
            "igr[{i}] clamp flag"
        );
    }
}

#[test]
fn vsh_from_igr_vectors() {
    let v = vectors();
    let models = [
        ("linear", ShaleModel::Linear, "vsh_linear"),
        (
            "larionov_tertiary",
            ShaleModel::LarionovTertiary,
            "vsh_larionov_tertiary",
        ),
        ("larionov_older", ShaleModel::LarionovOlder, "vsh_larionov_older"),
        ("clavier", ShaleModel::Clavier, "vsh_clavier"),
        ("steiber", ShaleModel::Steiber, "vsh_steiber"),
    ];
    for (i, r) in section(&v, "vsh_from_igr").iter().enumerate() {
        let igr = num(r, "igr");
        for (key, model, sql) in models {
            let expected = num(r, key);
            let what = format!("vsh_from_igr[{i}].{key}");
            check(&what, model.vsh_from_igr(igr).map(|c| c.value), expected);
            // The same through the GR form: GR on the 20/120 lines that gives this IGR.
            let gr = 20.0 + 100.0 * igr;
            check(
                &format!("{what} via {sql}"),
                call(sql, &[gr, 20.0, 120.0]),
                expected,
            );
        }
    }
}

#[test]
fn porosity_vectors() {
    let v = vectors();
    for (i, r) in section(&v, "phi_density").iter().enumerate() {
        let args = [num(r, "rhob"), num(r, "rho_ma"), num(r, "rho_f")];
        let expected = num(r, "phid");
        check(
            &format!("phi_density[{i}]"),
            petro::phi_density(args[0], args[1], args[2]),
            expected,
        );
        check(
            &format!("phi_density[{i}] via SQL"),
            call("phi_density", &args),
            expected,
        );
    }
    for (i, r) in section(&v, "phi_neutron_density").iter().enumerate() {
        let (phin, phid) = (num(r, "phin"), num(r, "phid"));
        check(
            &format!("phi_neutron_density[{i}].rms"),
            petro::phi_neutron_density_rms(phin, phid),
            num(r, "rms"),
        );
        check(
            &format!("phi_neutron_density[{i}].mean"),
            petro::phi_neutron_density_mean(phin, phid),
            num(r, "mean"),
        );
        check(
            &format!("phi_neutron_density[{i}] via SQL"),
            call("phi_neutron_density_rms", &[phin, phid]),
            num(r, "rms"),
        );
    }
    for (i, r) in section(&v, "phi_sonic").iter().enumerate() {
        let (dt, dt_ma, dt_f) = (num(r, "dt"), num(r, "dt_ma"), num(r, "dt_f"));
        check(
            &format!("phi_sonic[{i}].wyllie"),
            petro::phi_sonic_wyllie(dt, dt_ma, dt_f),
            num(r, "wyllie"),
        );
        check(
            &format!("phi_sonic[{i}].rhg"),
            petro::phi_sonic_rhg(dt, dt_ma),
            num(r, "rhg"),
        );
        check(
            &format!("phi_sonic[{i}] via SQL"),
            call("phi_sonic_rhg", &[dt, dt_ma]),
            num(r, "rhg"),
        );
    }
}

#[test]
fn archie_vectors() {
    let v = vectors();
    for (i, r) in section(&v, "sw_archie").iter().enumerate() {
        let args = ["rt", "rw", "phi", "a", "m", "n"].map(|k| num(r, k));
        let expected = num(r, "sw");
        check(
            &format!("sw_archie[{i}]"),
            petro::sw_archie(args[0], args[1], args[2], args[3], args[4], args[5]),
            expected,
        );
        check(
            &format!("sw_archie[{i}] via SQL"),
            call("sw_archie", &args),
            expected,
        );
    }
}

/// The forward equations, written here independently of the library: the conductance 1/Rt (or
/// 1/√Rt for Indonesia) that a saturation implies.
fn forward(model: &str, sw: f64, x: &[f64; 8]) -> (f64, f64) {
    let [rt, rw, phi, vsh, rsh, a, m, n] = *x;
    match model {
        "sw_simandoux" => (phi.powf(m) * sw.powf(n) / (a * rw) + vsh * sw / rsh, 1.0 / rt),
        "sw_modified_simandoux" => (
            phi.powf(m) * sw.powf(n) / (a * rw * (1.0 - vsh)) + vsh * sw / rsh,
            1.0 / rt,
        ),
        "sw_indonesia" => (
            (vsh.powf(1.0 - vsh / 2.0) / rsh.sqrt() + (phi.powf(m) / (a * rw)).sqrt()) * sw.powf(n / 2.0),
            1.0 / rt.sqrt(),
        ),
        other => panic!("no forward equation for {other}"),
    }
}

#[track_caller]
fn assert_substitutes(model: &str, sw: f64, x: &[f64; 8]) {
    let (lhs, rhs) = forward(model, sw, x);
    assert!(
        (lhs - rhs).abs() <= 1e-12 * rhs.abs(),
        "{model}{x:?}: Sw {sw} gives {lhs} where the forward equation needs {rhs}"
    );
}

#[test]
fn shaly_sand_vectors_and_substitution() {
    let v = vectors();
    for (sec, sql) in [
        ("sw_simandoux", "sw_simandoux"),
        ("sw_mod_simandoux", "sw_modified_simandoux"),
        ("sw_indonesia", "sw_indonesia"),
    ] {
        for (i, r) in section(&v, sec).iter().enumerate() {
            let x = ["rt", "rw", "phi", "vsh", "rsh", "a", "m", "n"].map(|k| num(r, k));
            let what = format!("{sec}[{i}]");
            let sw = call(sql, &x);
            check(&what, sw, num(r, "sw"));
            let sw = sw.unwrap();
            assert!(sw < 1.0, "{what} is not clamped, so it must solve the equation");
            assert_substitutes(sql, sw, &x);
        }
    }
    // The scalar entry points are the registered ones.
    let x = [20.0, 0.05, 0.2, 0.25, 4.0, 1.0, 2.0, 2.0];
    assert_eq!(
        petro::sw_simandoux(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]),
        call("sw_simandoux", &x)
    );
    assert_eq!(
        petro::sw_modified_simandoux(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]),
        call("sw_modified_simandoux", &x)
    );
    assert_eq!(
        petro::sw_indonesia(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]),
        call("sw_indonesia", &x)
    );
}

#[test]
fn pipeline_sample_end_to_end() {
    let v = vectors();
    let p = &v["pipeline_sample"];
    let i = &p["inputs"];
    let igr = petro::igr(num(i, "GR"), num(i, "GR_clean"), num(i, "GR_shale"));
    check("IGR", igr, num(p, "IGR"));
    let vsh = call(
        "vsh_larionov_tertiary",
        &[num(i, "GR"), num(i, "GR_clean"), num(i, "GR_shale")],
    );
    check("VSH_larionov_tertiary", vsh, num(p, "VSH_larionov_tertiary"));
    let phid = petro::phi_density(num(i, "RHOB"), num(i, "rho_ma"), num(i, "rho_f"));
    check("PHID", phid, num(p, "PHID"));
    let phi = petro::phi_neutron_density_rms(num(i, "NPHI"), phid.unwrap());
    check("PHI_ND_rms", phi, num(p, "PHI_ND_rms"));
    check(
        "PHIS_wyllie",
        petro::phi_sonic_wyllie(num(i, "DT"), petro::DT_MA_SANDSTONE, petro::DT_FLUID),
        num(p, "PHIS_wyllie"),
    );
    let (phi, vsh) = (phi.unwrap(), vsh.unwrap());
    let (rt, rw, rsh) = (num(i, "RT"), num(i, "RW"), num(i, "RSH"));
    let (a, m, n) = (num(i, "a"), num(i, "m"), num(i, "n"));
    check(
        "SW_archie",
        petro::sw_archie(rt, rw, phi, a, m, n),
        num(p, "SW_archie"),
    );
    check(
        "SW_simandoux",
        petro::sw_simandoux(rt, rw, phi, vsh, rsh, a, m, n),
        num(p, "SW_simandoux"),
    );
    check(
        "SW_indonesia",
        petro::sw_indonesia(rt, rw, phi, vsh, rsh, a, m, n),
        num(p, "SW_indonesia"),
    );
}

#[test]
fn edge_cases_from_the_vectors() {
    let v = vectors();
    let e = &v["edge_cases"];
    // Clavier's formula itself goes NaN just above this IGR; the clipped model never does.
    let threshold = num(e, "clavier_nan_above_igr");
    let raw_clavier = |igr: f64| 1.7 - (3.38 - (igr + 0.7f64).powi(2)).sqrt();
    assert!(raw_clavier(threshold + 1e-4).is_nan());
    for igr in [threshold + 1e-4, 1.2, 5.0, 1e300] {
        let c = ShaleModel::Clavier.vsh_from_igr(igr).unwrap();
        assert!(close(c.value, 1.0) && c.clamped, "clavier at IGR {igr}: {c:?}");
    }
    // GR of 250 on 20/120 lines is IGR 2.3: clipped, not NaN.
    check("clavier at GR 250", petro::vsh_clavier(250.0, 20.0, 120.0), 1.0);
    // Larionov does not reach 1 at IGR 1.
    check(
        "larionov tertiary at 1",
        petro::vsh_larionov_tertiary(120.0, 20.0, 120.0),
        num(e, "larionov_tertiary_at_1"),
    );
    check(
        "larionov older at 1",
        petro::vsh_larionov_older(120.0, 20.0, 120.0),
        num(e, "larionov_older_at_1"),
    );
}

#[test]
fn regression_traps() {
    // petrolib's Archie exponent a/n gives 0.393 here.
    let sw = petro::sw_archie(20.0, 0.05, 0.2, 0.62, 2.15, 2.0).unwrap();
    assert!(close(sw, 0.222105) && (sw - 0.393).abs() > 0.1, "{sw}");
    // petropy's modified Simandoux with a fifth root gives 0.515.
    let sw = petro::sw_modified_simandoux(20.0, 0.05, 0.2, 0.25, 4.0, 1.0, 2.0, 2.0).unwrap();
    assert!(close(sw, 0.189183) && (sw - 0.515).abs() > 0.1, "{sw}");
}

#[test]
fn null_in_any_argument_gives_null() {
    let good: &[(&str, &[f64])] = &[
        ("igr", &[75.0, 20.0, 120.0]),
        ("vsh_linear", &[75.0, 20.0, 120.0]),
        ("vsh_larionov_tertiary", &[75.0, 20.0, 120.0]),
        ("vsh_larionov_older", &[75.0, 20.0, 120.0]),
        ("vsh_clavier", &[75.0, 20.0, 120.0]),
        ("vsh_steiber", &[75.0, 20.0, 120.0]),
        ("phi_density", &[2.4, 2.65, 1.0]),
        ("phi_neutron_density_rms", &[0.2, 0.15]),
        ("phi_neutron_density_mean", &[0.2, 0.15]),
        ("phi_sonic_wyllie", &[85.0, 55.5, 189.0]),
        ("phi_sonic_rhg", &[85.0, 55.5]),
        ("sw_archie", &[20.0, 0.05, 0.2, 1.0, 2.0, 2.0]),
        ("sw_simandoux", &[20.0, 0.05, 0.2, 0.25, 4.0, 1.0, 2.0, 2.0]),
        (
            "sw_modified_simandoux",
            &[20.0, 0.05, 0.2, 0.25, 4.0, 1.0, 2.0, 2.0],
        ),
        ("sw_indonesia", &[20.0, 0.05, 0.2, 0.25, 4.0, 1.0, 2.0, 2.0]),
    ];
    assert_eq!(good.len(), petro::functions().len(), "every function is covered");
    for (name, args) in good {
        assert!(call(name, args).is_some(), "{name}{args:?} should have a value");
        for pos in 0..args.len() {
            for null in [f64::NAN, -999.25, -9999.0, f64::INFINITY, f64::NEG_INFINITY] {
                let mut a = args.to_vec();
                a[pos] = null;
                assert_eq!(call(name, &a), None, "{name} with {null} at argument {pos}");
            }
        }
    }
}

#[test]
fn domain_rules() {
    // GRshale == GRclean divides by zero; swapped lines would invert the index.
    assert_eq!(petro::igr(50.0, 80.0, 80.0), None);
    assert_eq!(petro::vsh_steiber(50.0, 120.0, 20.0), None);
    // φ = 0 has no pore space: null, not a clamped 1 or inf.
    for name in [
        "sw_archie",
        "sw_simandoux",
        "sw_modified_simandoux",
        "sw_indonesia",
    ] {
        let f = petro::function(name).unwrap();
        let mut args: Vec<f64> = f
            .args
            .iter()
            .map(|a| match *a {
                "rt" => 20.0,
                "rw" => 0.05,
                "phi" => 0.0,
                "vsh" => 0.25,
                "rsh" => 4.0,
                "a" => 1.0,
                _ => 2.0,
            })
            .collect();
        assert_eq!(call(name, &args), None, "{name} at phi = 0");
        let phi = f.args.iter().position(|a| *a == "phi").unwrap();
        for bad in [-0.1, 1.5] {
            args[phi] = bad;
            assert_eq!(call(name, &args), None, "{name} at phi = {bad}");
        }
        args[phi] = 0.2;
        let rt = f.args.iter().position(|a| *a == "rt").unwrap();
        for bad in [0.0, -5.0] {
            args[rt] = bad;
            assert_eq!(call(name, &args), None, "{name} at rt = {bad}");
        }
    }
    // Modified Simandoux divides by 1 − Vsh.
    assert_eq!(
        petro::sw_modified_simandoux(20.0, 0.05, 0.2, 1.0, 4.0, 1.0, 2.0, 2.0),
        None
    );
    assert_eq!(
        petro::sw_simandoux(20.0, 0.05, 0.2, 1.2, 4.0, 1.0, 2.0, 2.0),
        None
    );
    // Equal matrix and fluid parameters divide by zero.
    assert_eq!(petro::phi_density(2.4, 1.0, 1.0), None);
    assert_eq!(petro::phi_sonic_wyllie(85.0, 189.0, 189.0), None);
    // RMS would turn a negative porosity positive.
    assert_eq!(petro::phi_neutron_density_rms(0.2, -0.05), None);
    assert!(close(petro::phi_neutron_density_mean(0.2, -0.05).unwrap(), 0.075));
    // Porosities are not limited: heavy minerals give a negative density porosity.
    assert!(petro::phi_density(2.9, 2.65, 1.0).unwrap() < 0.0);
}

#[test]
fn wet_rock_clamps_to_one_and_says_so() {
    let archie = petro::function("sw_archie").unwrap();
    // Rt below Ro = Rw/φ² (1.25 ohm·m here) means Sw above 1.
    let c = archie.eval(&[0.5, 0.05, 0.2, 1.0, 2.0, 2.0]).unwrap().unwrap();
    assert_eq!((c.value, c.clamped), (1.0, true));
    // Exactly Ro is Sw = 1 within rounding.
    let c = archie.eval(&[1.25, 0.05, 0.2, 1.0, 2.0, 2.0]).unwrap().unwrap();
    assert!(close(c.value, 1.0));
    for name in ["sw_simandoux", "sw_modified_simandoux", "sw_indonesia"] {
        let c = petro::function(name)
            .unwrap()
            .eval(&[0.2, 0.05, 0.2, 0.25, 4.0, 1.0, 2.0, 2.0])
            .unwrap()
            .unwrap();
        assert_eq!((c.value, c.clamped), (1.0, true), "{name}");
    }
}

#[test]
fn simandoux_for_other_saturation_exponents_solves_its_equation() {
    for name in ["sw_simandoux", "sw_modified_simandoux", "sw_indonesia"] {
        for n in [1.5, 1.8, 2.2, 2.5, 3.0] {
            let x = [20.0, 0.05, 0.2, 0.25, 4.0, 1.0, 2.0, n];
            let sw = call(name, &x).unwrap();
            assert!(sw > 0.0 && sw < 1.0, "{name} n={n}: {sw}");
            assert_substitutes(name, sw, &x);
        }
    }
    // Vsh = 0 reduces every shaly-sand model to Archie, for any n.
    for n in [1.7, 2.0, 2.6] {
        let archie = petro::sw_archie(20.0, 0.05, 0.2, 1.0, 2.0, n).unwrap();
        for name in ["sw_simandoux", "sw_modified_simandoux", "sw_indonesia"] {
            let sw = call(name, &[20.0, 0.05, 0.2, 0.0, 4.0, 1.0, 2.0, n]).unwrap();
            assert!((sw - archie).abs() < 1e-12, "{name} n={n}: {sw} vs {archie}");
        }
    }
}

#[test]
fn kernel_broadcasts_constants_and_propagates_nulls() {
    let gr = Float64Array::from(vec![Some(45.0), None, Some(130.0), Some(f64::NAN), Some(-999.25)]);
    let f = petro::function("vsh_larionov_tertiary").unwrap();
    let out = f
        .evaluate(&[Arg::Array(&gr), Arg::Scalar(Some(20.0)), Arg::Scalar(Some(120.0))])
        .unwrap();
    assert_eq!(out.values.len(), 5);
    assert!(close(out.values.value(0), 0.0745908));
    assert!(out.values.is_null(1) && out.values.is_null(3) && out.values.is_null(4));
    assert!(close(out.values.value(2), 0.995671));
    assert_eq!(out.clamped, 1, "GR 130 clipped to the shale line");

    // A null constant nulls every row; no row is computed from it.
    let out = f
        .evaluate(&[Arg::Array(&gr), Arg::Scalar(None), Arg::Scalar(Some(120.0))])
        .unwrap();
    assert_eq!(out.values.null_count(), 5);

    // Curves in every position, nulls in different rows of different inputs.
    let rt = Float64Array::from(vec![Some(20.0), Some(5.0), None, Some(0.5)]);
    let phi = Float64Array::from(vec![Some(0.2), None, Some(0.2), Some(0.2)]);
    let archie = petro::function("sw_archie").unwrap();
    let out = archie
        .evaluate(&[
            Arg::Array(&rt),
            Arg::Scalar(Some(0.05)),
            Arg::Array(&phi),
            Arg::Scalar(Some(1.0)),
            Arg::Scalar(Some(2.0)),
            Arg::Scalar(Some(2.0)),
        ])
        .unwrap();
    let got: Vec<Option<f64>> = out.values.iter().collect();
    assert_eq!(got, vec![Some(0.25), None, None, Some(1.0)]);
    assert_eq!(out.clamped, 1);

    // Constants only: one row.
    let out = archie
        .evaluate(&[20.0, 0.05, 0.2, 1.0, 2.0, 2.0].map(|v| Arg::Scalar(Some(v))))
        .unwrap();
    assert_eq!(out.values.len(), 1);
    assert_eq!(out.values.value(0), 0.25);
}

#[test]
fn kernel_refuses_mismatched_arrays_and_arity() {
    let a = Float64Array::from(vec![1.0, 2.0]);
    let b = Float64Array::from(vec![1.0, 2.0, 3.0]);
    let f = petro::function("phi_neutron_density_mean").unwrap();
    let err = f.evaluate(&[Arg::Array(&a), Arg::Array(&b)]).unwrap_err();
    assert_eq!(
        err,
        PetroError::LengthMismatch {
            function: "phi_neutron_density_mean",
            argument: "phid",
            len: 3,
            expected: 2
        }
    );
    assert!(matches!(
        f.evaluate(&[Arg::Array(&a)]),
        Err(PetroError::WrongArity {
            expected: 2,
            got: 1,
            ..
        })
    ));
}

#[test]
fn computed_fields_record_method_parameters_and_clamps() {
    let rt = Float64Array::from(vec![20.0, 0.2]);
    let vsh = Float64Array::from(vec![0.25, 0.25]);
    let f = petro::function("sw_simandoux").unwrap();
    let out = f
        .evaluate(&[
            Arg::Array(&rt),
            Arg::Scalar(Some(0.05)),
            Arg::Scalar(Some(0.2)),
            Arg::Array(&vsh),
            Arg::Scalar(Some(4.0)),
            Arg::Scalar(Some(1.0)),
            Arg::Scalar(Some(2.0)),
            Arg::Scalar(Some(2.0)),
        ])
        .unwrap();
    let field = out.field("SW_SIM");
    let md = field.metadata();
    let method: Value = serde_json::from_str(&md[FIELD_METHOD]).unwrap();
    assert_eq!(method["function"], "sw_simandoux");
    assert_eq!(method["name"], "Simandoux");
    assert_eq!(method["quantity"], "water_saturation");
    assert_eq!(method["inputs"], serde_json::json!(["rt", "vsh"]));
    assert!(method["variant"].as_str().unwrap().contains("total shale"));
    let params: Value = serde_json::from_str(&md[FIELD_PARAMETERS]).unwrap();
    assert_eq!(
        params,
        serde_json::json!({"rw": 0.05, "phi": 0.2, "rsh": 4.0, "a": 1.0, "m": 2.0, "n": 2.0})
    );
    assert_eq!(md[FIELD_CLAMPED], "1");
    assert_eq!(md["mudrock.family"], "computed_sw");

    // The description at planning time (constants known, no data) is the same.
    let planned = f
        .method(&[
            Binding::Curve,
            Binding::Constant(Some(0.05)),
            Binding::Constant(Some(0.2)),
            Binding::Curve,
            Binding::Constant(Some(4.0)),
            Binding::Constant(Some(1.0)),
            Binding::Constant(Some(2.0)),
            Binding::Constant(Some(2.0)),
        ])
        .unwrap();
    assert_eq!(planned, out.method);
    assert_eq!(planned.quantity, Quantity::WaterSaturation);
}

/// Any f64 a log or a careless parameter could hold: ordinary values, zeros, negatives, nulls, extremes.
fn any_input() -> impl Strategy<Value = f64> {
    prop_oneof![
        6 => -10.0..300.0f64,
        2 => 0.0..1.0f64,
        1 => Just(0.0),
        1 => Just(-999.25),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => prop::num::f64::ANY,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn outputs_are_finite_and_fractions_stay_in_unit_range(
        which in 0..15usize,
        args in prop::collection::vec(any_input(), 8),
    ) {
        let f = &petro::functions()[which];
        if let Some(c) = f.eval(&args[..f.args.len()]).unwrap() {
            prop_assert!(c.value.is_finite(), "{}{:?} gave {}", f.name, args, c.value);
            if f.quantity != Quantity::Porosity {
                prop_assert!((0.0..=1.0).contains(&c.value), "{}{:?} gave {}", f.name, args, c.value);
            }
        }
    }

    #[test]
    fn shaly_sand_solutions_solve_their_equations(
        rt in 0.2..2000.0f64,
        rw in 0.01..1.0f64,
        phi in 0.02..0.4f64,
        vsh in 0.0..0.95f64,
        rsh in 0.5..20.0f64,
        a in 0.5..1.5f64,
        m in 1.5..2.8f64,
        n in 1.2..3.0f64,
        which in 0..3usize,
    ) {
        let name = ["sw_simandoux", "sw_modified_simandoux", "sw_indonesia"][which];
        let x = [rt, rw, phi, vsh, rsh, a, m, n];
        let c = petro::function(name).unwrap().eval(&x).unwrap().unwrap();
        if !c.clamped && c.value < 1.0 {
            let (lhs, rhs) = forward(name, c.value, &x);
            prop_assert!((lhs - rhs).abs() <= 1e-10 * rhs, "{name}{x:?}: Sw {} gives {lhs}, needs {rhs}", c.value);
        } else {
            // Clamped: even full saturation conducts less than the rock does.
            let (lhs, rhs) = forward(name, 1.0, &x);
            prop_assert!(lhs <= rhs * (1.0 + 1e-12), "{name}{x:?}: clamped although Sw = 1 gives {lhs} > {rhs}");
        }
    }

}

proptest! {
    // Fewer cases: each is a whole table of random rows (nested strategies are slow to generate).
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn kernel_equals_the_scalar_function(
        which in 0..15usize,
        rows in prop::collection::vec(prop::collection::vec(prop::option::weighted(0.9, any_input()), 8), 1..24),
    ) {
        let f = &petro::functions()[which];
        let arity = f.args.len();
        let columns: Vec<Float64Array> = (0..arity)
            .map(|j| Float64Array::from(rows.iter().map(|r| r[j]).collect::<Vec<_>>()))
            .collect();
        let args: Vec<Arg<'_>> = columns.iter().map(Arg::Array).collect();
        let out = f.evaluate(&args).unwrap();
        prop_assert_eq!(out.values.len(), rows.len());
        let mut clamped = 0;
        for (i, r) in rows.iter().enumerate() {
            let expected = r[..arity]
                .iter()
                .copied()
                .collect::<Option<Vec<f64>>>()
                .and_then(|vals| f.eval(&vals).unwrap());
            clamped += usize::from(expected.is_some_and(|c| c.clamped));
            let got = out.values.is_valid(i).then(|| out.values.value(i));
            prop_assert_eq!(got.map(f64::to_bits), expected.map(|c| c.value.to_bits()), "{} row {}", f.name, i);
        }
        prop_assert_eq!(out.clamped, clamped);
    }
}
