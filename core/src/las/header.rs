//! Header lines (`MNEM.UNIT  VALUE : DESCRIPTION`) and section titles, read by the rules of the LAS
//! specifications: the mnemonic runs to the first period, the unit from that period to the first blank,
//! the value to the last colon, the description after it.

/// The four fields of a header line, trimmed, plus what had to be assumed to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fields {
    pub mnemonic: String,
    pub unit: String,
    pub value: String,
    pub description: String,
    /// Set when the line breaks the spec and was read by a fallback rule; the text says which.
    pub issue: Option<&'static str>,
    /// True when the line has no period before its last colon (read as `NAME : VALUE`).
    pub no_period: bool,
    /// True when the line has a colon delimiting the description.
    pub has_colon: bool,
}

/// What a non-blank, non-comment header line turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HeaderLine {
    Item(Fields),
    /// Not an item at all (e.g. a row of dashes or column titles); the reason is given.
    Text(&'static str),
}

/// Parse one header line (already trimmed). `curve_section` enables the `..` rule of curve lines, where
/// a mnemonic that ends in a period (`Cond..MS/M`) is followed by the delimiting period.
pub(crate) fn parse_line(line: &str, curve_section: bool) -> HeaderLine {
    let line = line.trim();
    let colon = line.rfind(':');
    let limit = colon.unwrap_or(line.len());
    let mut issue = None;

    // `.ILM .OHMM : ...`: a stray period before a mnemonic-like token that is itself followed by the
    // real delimiting period.
    let mut body = 0;
    if line.starts_with('.')
        && let Some(p) = line.get(1..limit).and_then(|s| s.find('.'))
    {
        let between = line.get(1..1 + p).unwrap_or("").trim();
        if !between.is_empty() && !between.contains(char::is_whitespace) {
            body = 1;
            issue = Some("a period before the mnemonic was ignored");
        }
    }
    let search = line.get(body..limit).unwrap_or("");

    let dot = if curve_section {
        curve_dot(search)
    } else {
        search.find('.').map(|d| (d, d))
    };
    let Some((mnem_end, dot)) = dot.map(|(m, d)| (body + m, body + d)) else {
        // No period before the last colon.
        if let Some(c) = colon {
            return HeaderLine::Item(Fields {
                mnemonic: line.get(body..c).unwrap_or("").trim().to_string(),
                unit: String::new(),
                value: line.get(c + 1..).unwrap_or("").trim().to_string(),
                description: String::new(),
                issue: Some("no period after the mnemonic; read as `NAME : VALUE`"),
                no_period: true,
                has_colon: true,
            });
        }
        if !line.contains(char::is_whitespace) && line.chars().any(char::is_alphanumeric) {
            return HeaderLine::Item(Fields {
                mnemonic: line.to_string(),
                unit: String::new(),
                value: String::new(),
                description: String::new(),
                issue: Some("no period and no colon; read as a bare mnemonic"),
                no_period: true,
                has_colon: false,
            });
        }
        return HeaderLine::Text("neither `MNEM.UNIT VALUE : DESCRIPTION` nor a bare mnemonic");
    };

    let mnemonic = line
        .get(..mnem_end)
        .unwrap_or("")
        .get(body..)
        .unwrap_or("")
        .trim();
    let rest = line.get(dot + 1..limit).unwrap_or("");
    let unit_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let unit = rest.get(..unit_end).unwrap_or("");
    let value = rest.get(unit_end..).unwrap_or("").trim();
    let description = match colon {
        Some(c) => line.get(c + 1..).unwrap_or("").trim(),
        None => {
            issue = issue.or(Some("no colon; the description is empty"));
            ""
        }
    };
    HeaderLine::Item(Fields {
        mnemonic: mnemonic.to_string(),
        unit: unit.to_string(),
        value: value.to_string(),
        description: description.to_string(),
        issue,
        no_period: false,
        has_colon: colon.is_some(),
    })
}

/// Where the mnemonic ends and the delimiting period is, for a curve line. Normally both are the first
/// period. With `..` glued to the mnemonic (`Cond..MS/M`, `I. Res..OHM-M`), the first period of the pair
/// belongs to the mnemonic — but `DEPT  ..1IN` (blank before the pair) is a unit `.1IN`.
fn curve_dot(search: &str) -> Option<(usize, usize)> {
    let first = search.find('.')?;
    let Some(dd) = search.find("..") else {
        return Some((first, first));
    };
    let glued = dd > 0
        && search
            .as_bytes()
            .get(dd - 1)
            .is_some_and(|b| !b.is_ascii_whitespace());
    if !glued {
        return Some((first, first));
    }
    let after_first = search.get(first + 1..).unwrap_or("");
    let unit_len = after_first.find(char::is_whitespace).unwrap_or(after_first.len());
    let normal_unit_end = first + 1 + unit_len;
    let in_unit = dd < normal_unit_end;
    // Empty normal unit: is the pair inside the first token of what would be the value?
    let in_first_value_token = unit_len == 0 && {
        let value = after_first.trim_start();
        let value_start = search.len() - value.len();
        let token_end = value_start + value.find(char::is_whitespace).unwrap_or(value.len());
        dd >= value_start && dd < token_end
    };
    if in_unit || in_first_value_token {
        Some((dd + 1, dd + 1))
    } else {
        Some((first, first))
    }
}

/// What a section is for, from its title (the text after `~`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Role {
    Version,
    Well,
    /// `~P` (no data set) or `~X_Parameter` (data set `X`).
    Parameter(Option<String>),
    Other,
    /// Curve definitions of data set `X` (`~C` is `Log`).
    Definition(String),
    /// Data of data set `set`, defined by the definition section named in `assoc` (`~X_Data | X_Definition`)
    /// or, without association, by `set`'s own definition.
    Data {
        set: String,
        assoc: Option<String>,
    },
    Unknown,
}

/// The data set name every LAS 1.2/2.0 file has and LAS 3.0 calls `Log`.
pub(crate) const LOG: &str = "Log";

/// Classify a section title. LAS 3.0 names (`Log_Definition`, `Tops_Data | Tops_Definition`,
/// `Phase_Definition_RMDATA`, `Core[1] | Core_Definition`) are checked before the LAS 2.0 rule that only
/// the first letter counts (`~A`, `~ASCII`, `~Curve Information`).
pub(crate) fn classify(title: &str) -> Role {
    let (name, assoc) = match title.split_once('|') {
        Some((n, a)) => (n.trim(), Some(a.trim()).filter(|a| !a.is_empty())),
        None => (title.trim(), None),
    };
    if let Some(set) = strip_word(name, "_definition") {
        return Role::Definition(set);
    }
    if let Some(set) = strip_word(name, "_parameter") {
        return Role::Parameter(Some(set));
    }
    if let Some(set) = strip_word(name, "_data") {
        return Role::Data {
            set,
            assoc: assoc.map(str::to_string),
        };
    }
    let first = name.chars().next().map(|c| c.to_ascii_uppercase());
    if let Some(assoc) = assoc {
        // `~ASCII | CURVE` is the log; `~Drilling | Drilling_Definition` a named data set.
        let set = if first == Some('A') {
            LOG.to_string()
        } else {
            name.to_string()
        };
        return Role::Data {
            set,
            assoc: Some(assoc.to_string()),
        };
    }
    match first {
        Some('V') => Role::Version,
        Some('W') => Role::Well,
        Some('C') => Role::Definition(LOG.to_string()),
        Some('P') => Role::Parameter(None),
        Some('O') => Role::Other,
        Some('A') => Role::Data {
            set: LOG.to_string(),
            assoc: None,
        },
        _ => Role::Unknown,
    }
}

/// `Phase_Definition_RMDATA` without `_definition` (any case) is `Phase_RMDATA`. Only the first word of
/// the title counts (`~Log_Data  some comment`).
fn strip_word(name: &str, word: &str) -> Option<String> {
    let first_word = name.split_whitespace().next().unwrap_or("");
    let lower = first_word.to_ascii_lowercase();
    let at = lower.find(word)?;
    // The byte offsets of an ASCII-lowercased string equal the original's.
    let before = first_word.get(..at)?;
    let after = first_word.get(at + word.len()..)?;
    if before.is_empty() {
        return None;
    }
    Some(format!("{before}{after}"))
}

/// The definition a data section uses: its association's data set name, or its own name (looked up
/// as is, then without an index suffix: `Core[1]` uses `Core_Definition` unless `Core_Definition[1]`
/// exists).
pub(crate) fn definition_key(set: &str, assoc: Option<&str>) -> String {
    if let Some(assoc) = assoc
        && let Role::Definition(def) = classify(assoc)
    {
        return def;
    }
    assoc.unwrap_or(set).to_string()
}

/// `Core[2]` → `Core`.
pub(crate) fn strip_index(name: &str) -> &str {
    match name.find('[') {
        Some(i) if name.ends_with(']') => name.get(..i).unwrap_or(name),
        _ => name,
    }
}

/// The LAS 3.0 format hint at the end of a description (`{F}`, `{S}`, `{E0.00E+00}`), if any.
pub(crate) fn format_hint(description: &str) -> Option<&str> {
    let d = description.trim_end();
    let d = d.strip_suffix('}')?;
    let open = d.rfind('{')?;
    d.get(open + 1..)
}

/// True when a curve's format hint says its values are strings.
pub(crate) fn is_string_hint(description: &str) -> bool {
    format_hint(description).is_some_and(|h| {
        let h = h.trim();
        h.eq_ignore_ascii_case("S")
            || (h.len() > 1 && h.starts_with(['S', 's']) && h[1..].bytes().all(|b| b.is_ascii_digit()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(line: &str, curve: bool) -> (String, String, String, String) {
        match parse_line(line, curve) {
            HeaderLine::Item(f) => (f.mnemonic, f.unit, f.value, f.description),
            HeaderLine::Text(r) => panic!("not an item: {r}"),
        }
    }

    fn t(a: &str, b: &str, c: &str, d: &str) -> (String, String, String, String) {
        (a.into(), b.into(), c.into(), d.into())
    }

    #[test]
    fn spec_fields() {
        assert_eq!(
            item(" STRT.M        1670.000000:", false),
            t("STRT", "M", "1670.000000", "")
        );
        assert_eq!(
            item("DT  .US/M  \t\t  :  2  SONIC", true),
            t("DT", "US/M", "", "2  SONIC")
        );
        assert_eq!(
            item("NULL .   -999.25 : NULL VALUE", false),
            t("NULL", "", "-999.25", "NULL VALUE")
        );
        assert_eq!(
            item("DEPT.метер   :  1  DEPTH", true),
            t("DEPT", "метер", "", "1  DEPTH")
        );
    }

    #[test]
    fn colons_in_values_go_to_the_last_colon() {
        assert_eq!(
            item("TCS .hh:mm 21:30 23-JAN-2001:   Time Circ. Stopped", false),
            t("TCS", "hh:mm", "21:30 23-JAN-2001", "Time Circ. Stopped")
        );
        assert_eq!(
            item("TIME.HH.MM.SS  23:28:54:  Test time {S}", false),
            t("TIME", "HH.MM.SS", "23:28:54", "Test time {S}")
        );
    }

    #[test]
    fn fallbacks() {
        assert_eq!(item("TEST               .cps", false), t("TEST", "cps", "", ""));
        assert_eq!(item("Logging engineer: J. Smith", false).0, "Logging engineer");
        assert_eq!(
            item(" .ILM .OHMM   :  7  MEDIUM", true),
            t("ILM", "OHMM", "", "7  MEDIUM")
        );
        assert_eq!(item(" .OHMM   :  5  RXO", true), t("", "OHMM", "", "5  RXO"));
        assert!(matches!(
            parse_line("-----------------", false),
            HeaderLine::Text(_)
        ));
        assert!(matches!(
            parse_line("DEPTH  DT  RHOB", false),
            HeaderLine::Text(_)
        ));
    }

    #[test]
    fn double_dot_curve_mnemonics() {
        assert_eq!(
            item("Cond..MS/M    : Cond.", true),
            t("Cond.", "MS/M", "", "Cond.")
        );
        assert_eq!(
            item("I. Res..OHM-M   : I. Res.", true),
            t("I. Res.", "OHM-M", "", "I. Res.")
        );
        assert_eq!(item(" DEPT  ..1IN    : ", true), t("DEPT", ".1IN", "", ""));
        assert_eq!(item("DT .US/M  a..b : x", true), t("DT", "US/M", "a..b", "x"));
        assert_eq!(item("X.. : d", true), t("X.", "", "", "d"));
    }

    #[test]
    fn titles() {
        assert_eq!(classify("VERSION INFORMATION"), Role::Version);
        assert_eq!(
            classify("A  DEPTH  GR"),
            Role::Data {
                set: LOG.into(),
                assoc: None
            }
        );
        assert_eq!(classify("Curve Information"), Role::Definition(LOG.into()));
        assert_eq!(classify("Log_Definition"), Role::Definition(LOG.into()));
        assert_eq!(classify("Core_Definition"), Role::Definition("Core".into()));
        assert_eq!(
            classify("Perforations_Data | Perforations_Definition"),
            Role::Data {
                set: "Perforations".into(),
                assoc: Some("Perforations_Definition".into())
            }
        );
        assert_eq!(
            classify("Core[1] | Core_Definition"),
            Role::Data {
                set: "Core[1]".into(),
                assoc: Some("Core_Definition".into())
            }
        );
        assert_eq!(
            classify("ASCII | CURVE"),
            Role::Data {
                set: LOG.into(),
                assoc: Some("CURVE".into())
            }
        );
        assert_eq!(
            classify("Phase_Definition_RMDATA"),
            Role::Definition("Phase_RMDATA".into())
        );
        assert_eq!(classify("Tops_Parameter"), Role::Parameter(Some("Tops".into())));
        assert_eq!(classify("Parameter Information Block"), Role::Parameter(None));
        assert_eq!(classify("SECTION"), Role::Unknown);
        assert_eq!(definition_key("Log", Some("CURVE")), LOG);
        assert_eq!(definition_key("Core[2]", None), "Core[2]");
        assert_eq!(definition_key("Test[1]", Some("Test_Definition[1]")), "Test[1]");
        assert_eq!(definition_key("TEST", Some("TEST_Definition")), "TEST");
    }

    #[test]
    fn hints() {
        assert!(is_string_hint("CORE DESCRIPTION    {S}"));
        assert!(!is_string_hint("DEPTH {F}"));
        assert!(!is_string_hint("time {AS}"));
        assert_eq!(format_hint("x {E0.00E+00}"), Some("E0.00E+00"));
    }
}
