//! Writing SQL text that no input can break out of: quoted identifiers, quoted string literals and
//! float literals that read back as the same `f64`.

use std::fmt::Write;

/// `"name"` with every `"` doubled: an identifier that stays one identifier whatever it holds. (The
/// engine turns identifier normalisation off, so the case is kept as well.)
pub fn quote_ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for ch in name.chars() {
        if ch == '"' {
            out.push('"');
        }
        out.push(ch);
    }
    out.push('"');
    out
}

/// `'text'` with every `'` doubled. Backslash is not an escape in DataFusion's (generic) dialect, so
/// it needs nothing.
pub fn quote_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for ch in text.chars() {
        if ch == '\'' {
            out.push('\'');
        }
        out.push(ch);
    }
    out.push('\'');
    out
}

/// A float literal that parses back to exactly `v`: the shortest round-trip decimal digits, never an
/// exponent, always a decimal point (so SQL reads a float, never an integer that might overflow).
/// `None` for NaN and infinities, which SQL has no literal for.
pub fn float_literal(v: f64) -> Option<String> {
    if !v.is_finite() {
        return None;
    }
    // `-0.0` means `0.0` in every comparison; write it plainly.
    let v = if v == 0.0 { 0.0 } else { v };
    let mut s = String::new();
    // Display for f64 is the shortest representation that round-trips, in positional notation.
    let _ = write!(s, "{v}");
    if !s.contains('.') {
        s.push_str(".0");
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote_ident("GR"), "\"GR\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_str("it's"), "'it''s'");
        assert_eq!(quote_str("a\\'"), "'a\\'''");
    }

    #[test]
    fn floats_round_trip_without_exponent() {
        for v in [
            0.0,
            -0.0,
            1.0,
            -5.5,
            0.1,
            1e20,
            1e-7,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            2.0f64.powi(60) + 0.0,
        ] {
            let s = float_literal(v).expect("finite");
            assert!(s.contains('.') && !s.contains(['e', 'E']), "{s}");
            assert_eq!(s.parse::<f64>().expect("parses"), v, "{s}");
        }
        assert_eq!(float_literal(-0.0).as_deref(), Some("0.0"));
        assert_eq!(float_literal(1500.25).as_deref(), Some("1500.25"));
        assert_eq!(float_literal(f64::NAN), None);
        assert_eq!(float_literal(f64::NEG_INFINITY), None);
    }
}
