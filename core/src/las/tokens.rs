//! The tolerant (slow) side of data parsing: splitting a line into values with quotes and delimiters,
//! and deciding what each value is — a number, a null in disguise, a repairable number, or text.

/// How values are separated on a data line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delim {
    /// One or more blanks (LAS 1.2/2.0, LAS 3.0 `DLM SPACE`).
    Whitespace,
    /// LAS 3.0 `DLM COMMA`: blanks around values are ignored.
    Comma,
    /// LAS 3.0 `DLM TAB`: blanks around values are ignored, so `a b` stays one value.
    Tab,
}

impl Delim {
    pub(crate) fn byte(self) -> Option<u8> {
        match self {
            Delim::Whitespace => None,
            Delim::Comma => Some(b','),
            Delim::Tab => Some(b'\t'),
        }
    }
    pub(crate) fn as_char(self) -> Option<char> {
        self.byte().map(char::from)
    }
}

/// One value of a data line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub text: &'a str,
    /// Written in quotes: always text, never a number or a null.
    pub quoted: bool,
    /// Byte offset of the value in the line (for error columns).
    pub offset: usize,
}

/// A quoted value that does not close on its line (it may continue on the next one, LAS 3.0 only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unterminated;

/// Split a line into values. Whitespace mode: quotes (`"a b"` or `'a b'`) group a value only when the
/// closing quote ends a value; otherwise the quote is an ordinary character. Delimited modes: a field
/// starting with `"` runs to the closing `"` even across delimiters, and an unclosed one is reported so
/// the caller can join the next line.
pub(crate) fn split(line: &str, delim: Delim) -> Result<Vec<Token<'_>>, Unterminated> {
    match delim.as_char() {
        None => Ok(split_whitespace(line)),
        Some(d) => split_delimited(line, d),
    }
}

fn split_whitespace(line: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    let bytes = line.as_bytes();
    while i < bytes.len() {
        let b = bytes[i];
        if b == b' ' || b == b'\t' {
            i += 1;
            continue;
        }
        if (b == b'"' || b == b'\'')
            && let Some(end) = closing_quote(bytes, i)
        {
            out.push(Token {
                text: line.get(i + 1..end).unwrap_or(""),
                quoted: true,
                offset: i,
            });
            i = end + 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i] != b' ' && bytes[i] != b'\t' {
            i += 1;
        }
        out.push(Token {
            text: line.get(start..i).unwrap_or(""),
            quoted: false,
            offset: start,
        });
    }
    out
}

/// The quote closing the one at `open`: the first same quote that ends a value (followed by a blank or
/// the end of the line), so `'it's here'` is one value.
fn closing_quote(bytes: &[u8], open: usize) -> Option<usize> {
    let q = *bytes.get(open)?;
    (open + 1..bytes.len())
        .find(|&k| bytes.get(k) == Some(&q) && bytes.get(k + 1).is_none_or(|&a| a == b' ' || a == b'\t'))
}

fn split_delimited(line: &str, d: char) -> Result<Vec<Token<'_>>, Unterminated> {
    // Blanks around values are padding, except the delimiter itself (a tab in TAB mode).
    let is_blank = |c: char| c == ' ' || (c == '\t' && d != '\t');
    let mut out = Vec::new();
    let mut pos = 0;
    loop {
        let rest = line.get(pos..).unwrap_or("");
        let lead = rest.len() - rest.trim_start_matches(is_blank).len();
        let start = pos + lead;
        if line.get(start..).is_some_and(|s| s.starts_with('"')) {
            let inner_start = start + 1;
            let close = line
                .get(inner_start..)
                .and_then(|s| s.find('"'))
                .ok_or(Unterminated)?;
            let inner_end = inner_start + close;
            out.push(Token {
                text: line.get(inner_start..inner_end).unwrap_or(""),
                quoted: true,
                offset: start,
            });
            // Skip to the next delimiter; anything between the closing quote and it is dropped.
            let after = inner_end + 1;
            match line.get(after..).and_then(|s| s.find(d)) {
                Some(k) => pos = after + k + d.len_utf8(),
                None => return Ok(out),
            }
            continue;
        }
        match rest.find(d) {
            Some(k) => {
                let field = line.get(pos..pos + k).unwrap_or("");
                out.push(Token {
                    text: field.trim_matches(is_blank),
                    quoted: false,
                    offset: start,
                });
                pos += k + d.len_utf8();
            }
            None => {
                out.push(Token {
                    text: rest.trim_matches(is_blank),
                    quoted: false,
                    offset: start,
                });
                return Ok(out);
            }
        }
    }
}

/// Parse a plain number; `None` for anything else, including `nan`/`inf` spellings (those are nulls).
#[inline]
pub(crate) fn number(bytes: &[u8]) -> Option<f64> {
    match fast_float2::parse::<f64, _>(bytes) {
        Ok(v) if v.is_finite() => Some(v),
        _ => None,
    }
}

/// A number too large for `f64` (`1e309`, `-1e400`, an integer of hundreds of digits): it parses, but
/// only to an infinity. The digit test keeps `inf`/`infinity` spellings out (those are nulls anyway).
pub(crate) fn out_of_range(bytes: &[u8]) -> bool {
    bytes.iter().any(u8::is_ascii_digit)
        && matches!(fast_float2::parse::<f64, _>(bytes), Ok(v) if v.is_infinite())
}

/// Spellings that mean "no value": text nulls from many writers, Windows/C runtime NaN and infinity
/// spellings (`-1.#IND0000`, `1.#INF`), runs of dashes, and Fortran overflow (`*****`).
pub(crate) fn is_null_token(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    if s.bytes().all(|b| b == b'-') || s.bytes().all(|b| b == b'*') {
        return true;
    }
    const WORDS: &[&str] = &[
        "nan",
        "-nan",
        "+nan",
        "null",
        "(null)",
        "<null>",
        "none",
        "n/a",
        "#n/a",
        "na",
        "nil",
        "err",
        "error",
        "#value!",
        "inf",
        "-inf",
        "+inf",
        "infinity",
        "-infinity",
        "+infinity",
        "missing",
    ];
    if s.len() <= 10 {
        let lower = s.to_ascii_lowercase();
        if WORDS.contains(&lower.as_str()) {
            return true;
        }
    }
    let upper = s.to_ascii_uppercase();
    ["#IND", "#INF", "#QNAN", "#SNAN"]
        .iter()
        .any(|p| upper.contains(p))
}

/// What a value of a numeric column reads as, repairs included (before the data's null values apply).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Reading {
    /// A number, a decimal comma (blank-separated lines only), or run-on numbers (the first of them).
    Number(f64),
    /// A null spelling, a number beyond `f64`, or run-on numbers with no clear boundary.
    Null,
    /// Anything else, a quoted value included.
    Word,
}

/// How a numeric column would read a value, told apart without reading it into the column.
pub(crate) fn reading(t: &Token<'_>, delim: Delim) -> Reading {
    let s = t.text;
    if t.quoted {
        return Reading::Word;
    }
    if let Some(v) = number(s.as_bytes()) {
        return Reading::Number(v);
    }
    if is_null_token(s) || out_of_range(s.as_bytes()) {
        return Reading::Null;
    }
    if delim == Delim::Whitespace
        && let Some(v) = comma_decimal(s)
    {
        return Reading::Number(v);
    }
    match run_on(s) {
        Some(RunOn::Split(values)) => values.first().map_or(Reading::Null, |&v| Reading::Number(v)),
        Some(RunOn::Unknown(_)) => Reading::Null,
        None => Reading::Word,
    }
}

/// Control characters (but tab, a delimiter): no LAS value holds one; on a data line they are binary
/// bytes, such as a DOS end-of-file mark or the NULs of an interrupted write.
pub(crate) fn has_control(line: &str) -> bool {
    line.chars().any(|c| c.is_control() && c != '\t')
}

/// `123,45` in a blank-separated line: a decimal comma. Only digits around exactly one comma qualify
/// (so `1,2,3` is left alone).
pub(crate) fn comma_decimal(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = body.split_once(',')?;
    if int.is_empty() || frac.is_empty() || frac.contains(',') {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    number(s.replace(',', ".").as_bytes())
}

/// A run-on value: numbers written without a blank between them because the column was too narrow.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RunOn {
    /// Split at signs: every piece is a number with a decimal point (`-999.25-999.25`, `7.330-19508.961`).
    Split(Vec<f64>),
    /// Several decimal points but no sign to split at (`7.020101130.188`): the number of values is clear
    /// but not where one ends, so they are nulls.
    Unknown(usize),
}

/// Recognise a run-on value. The decimal-point requirement keeps dates (`2020-01-01`) and identifiers
/// (`12-34`) out.
pub(crate) fn run_on(s: &str) -> Option<RunOn> {
    let bytes = s.as_bytes();
    if !bytes
        .iter()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
    {
        return None;
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    for i in 1..bytes.len() {
        let prev = bytes[i - 1];
        if matches!(bytes[i], b'-' | b'+') && prev != b'e' && prev != b'E' {
            pieces.push(s.get(start..i)?);
            start = i;
        }
    }
    pieces.push(s.get(start..)?);
    if pieces.len() >= 2 {
        let values: Option<Vec<f64>> = pieces
            .iter()
            .map(|p| {
                if p.contains('.') {
                    number(p.as_bytes())
                } else {
                    None
                }
            })
            .collect();
        if let Some(values) = values {
            return Some(RunOn::Split(values));
        }
    }
    let dots = bytes.iter().filter(|&&b| b == b'.').count();
    let plain = bytes
        .iter()
        .enumerate()
        .all(|(i, b)| b.is_ascii_digit() || *b == b'.' || (i == 0 && *b == b'-'));
    if dots >= 2 && plain {
        Some(RunOn::Unknown(dots))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str, d: Delim) -> Vec<(String, bool)> {
        split(line, d)
            .unwrap()
            .into_iter()
            .map(|t| (t.text.to_string(), t.quoted))
            .collect()
    }

    #[test]
    fn whitespace_with_quotes() {
        assert_eq!(
            texts(
                r#"1953.5  200  "pick gamma"  'pick delta'  it's"#,
                Delim::Whitespace
            ),
            vec![
                ("1953.5".into(), false),
                ("200".into(), false),
                ("pick gamma".into(), true),
                ("pick delta".into(), true),
                ("it's".into(), false)
            ]
        );
        assert_eq!(
            texts("'it's here' 5", Delim::Whitespace)[0],
            ("it's here".into(), true)
        );
        assert_eq!(texts("\"open 5", Delim::Whitespace)[0], ("\"open".into(), false));
    }

    #[test]
    fn delimited() {
        assert_eq!(
            texts(" 545.50,550.60,Long cylindrical hunk , 179, 879", Delim::Comma),
            vec![
                ("545.50".into(), false),
                ("550.60".into(), false),
                ("Long cylindrical hunk".into(), false),
                ("179".into(), false),
                ("879".into(), false)
            ]
        );
        assert_eq!(texts("1,\"a, b\",2", Delim::Comma)[1], ("a, b".into(), true));
        assert_eq!(texts("1,,2", Delim::Comma)[1], (String::new(), false));
        assert_eq!(
            texts("18400.0\t03/29/2021 13:00:31\t100.0", Delim::Tab)[1].0,
            "03/29/2021 13:00:31"
        );
        assert_eq!(split("1,\"open", Delim::Comma), Err(Unterminated));
    }

    #[test]
    fn nulls() {
        for s in [
            "NaN",
            "nan",
            "NULL",
            "(null)",
            "-",
            "--",
            "N/A",
            "ERR",
            "-1.#IND0000",
            "1.#INF",
            "****",
            "INF",
        ] {
            assert!(is_null_token(s), "{s}");
        }
        for s in ["-999.25", "DOLOMITE", "1.5", "-2550.000"] {
            assert!(!is_null_token(s), "{s}");
        }
    }

    #[test]
    fn repairs() {
        assert_eq!(comma_decimal("123,420"), Some(123.42));
        assert_eq!(comma_decimal("1,2,3"), None);
        assert_eq!(
            run_on("-999.25-999.25"),
            Some(RunOn::Split(vec![-999.25, -999.25]))
        );
        assert_eq!(
            run_on("7.330-19508.961"),
            Some(RunOn::Split(vec![7.33, -19508.961]))
        );
        assert_eq!(run_on("7.020101130.188"), Some(RunOn::Unknown(2)));
        assert_eq!(run_on("1.5e-3"), None);
        assert_eq!(run_on("2020-01-01"), None);
        assert_eq!(run_on("12-34"), None);
    }

    #[test]
    fn words_and_control_characters() {
        let read = |s: &str, quoted: bool, d: Delim| {
            reading(
                &Token {
                    text: s,
                    quoted,
                    offset: 0,
                },
                d,
            )
        };
        for (s, v) in [
            ("1.5", 1.5),
            ("-999.25", -999.25),
            ("123,45", 123.45),
            ("7.330-19508.961", 7.33),
        ] {
            assert_eq!(read(s, false, Delim::Whitespace), Reading::Number(v), "{s}");
        }
        for s in ["NaN", "-", "ERROR", "1e309", "7.020101130.188"] {
            assert_eq!(read(s, false, Delim::Whitespace), Reading::Null, "{s}");
        }
        for s in ["garbage", "\u{1a}\0garbage", "DOLOMITE", "12abc"] {
            assert_eq!(read(s, false, Delim::Whitespace), Reading::Word, "{s}");
        }
        assert_eq!(read("123,45", false, Delim::Comma), Reading::Word);
        assert_eq!(read("12", true, Delim::Comma), Reading::Word);
        assert!(has_control("\u{1a}\0garbage here"));
        assert!(has_control("1 2\u{7f}"));
        assert!(!has_control("1.0\t2.0  \"a b\"  é"));
    }

    #[test]
    fn out_of_range_numbers() {
        let digits = "9".repeat(400);
        for s in ["1e309", "-1e309", "1.5E+400", digits.as_str()] {
            assert!(out_of_range(s.as_bytes()), "{s}");
            assert_eq!(number(s.as_bytes()), None, "{s}");
        }
        for s in ["1e308", "1e-400", "inf", "-Infinity", "NaN", "12abc", "", "1.0"] {
            assert!(!out_of_range(s.as_bytes()), "{s}");
        }
    }
}
