//! LAS 2.0 output: `~V`, `~W`, `~C`, `~P`, `~O`, custom sections, `~A`, unwrapped.
//!
//! What is written reads back to the same log data, curves and header items: numbers use the shortest
//! text that parses back to the same `f64`, NaN is written as the file's NULL value, and text values are
//! quoted whenever the reader would otherwise split them, drop them or take them for a number or a null.

use std::io::{self, BufWriter, Write};

use super::data::format_f64;
use super::tokens::{comma_decimal, is_null_token, number, out_of_range, run_on};
use super::types::{Column, HeaderItem, LasFile, SectionKind};

/// The NULL value written when the file has no numeric one.
const DEFAULT_NULL: f64 = -999.25;

/// Write `las` as LAS 2.0. VERS, WRAP and DLM are rewritten (2.0, NO, none); other `~V` items are kept.
/// A `NULL` item is added to `~W` when there is none, since NaN needs a spelling. `~X_Parameter` items
/// of the log go to `~P`; other LAS 3.0 data sets have no place in LAS 2.0 and are not written.
pub fn write_las2<W: Write>(las: &LasFile, out: W) -> io::Result<()> {
    let mut w = BufWriter::with_capacity(256 * 1024, out);
    let null = las.null_value.filter(|v| v.is_finite()).unwrap_or(DEFAULT_NULL);
    let null_text = format_f64(null);

    writeln!(w, "~VERSION INFORMATION")?;
    writeln!(w, " VERS.   2.0 : CWLS LOG ASCII STANDARD - VERSION 2.0")?;
    writeln!(w, " WRAP.   NO : ONE LINE PER DEPTH STEP")?;
    for item in items(las, SectionKind::Version) {
        if !["VERS", "WRAP", "DLM"]
            .iter()
            .any(|m| item.mnemonic.eq_ignore_ascii_case(m))
        {
            write_item(&mut w, item, false)?;
        }
    }

    writeln!(w, "~WELL INFORMATION")?;
    let mut has_null = false;
    for item in items(las, SectionKind::Well) {
        if item.mnemonic.eq_ignore_ascii_case("NULL") && !has_null {
            has_null = true;
            if las.null_value.is_some_and(f64::is_finite) {
                write_item(&mut w, item, false)?;
            } else {
                // The item's own value is not a number: NaN must still have a spelling.
                let fixed = HeaderItem {
                    value: null_text.clone(),
                    ..item.clone()
                };
                write_item(&mut w, &fixed, false)?;
            }
        } else {
            write_item(&mut w, item, false)?;
        }
    }
    if !has_null {
        writeln!(w, " NULL.   {null_text} : NULL VALUE")?;
    }

    writeln!(w, "~CURVE INFORMATION")?;
    for c in &las.log.curves {
        // The original mnemonic: duplicates are renamed again, identically, when read back.
        let item = HeaderItem {
            mnemonic: c.original_mnemonic.clone(),
            unit: c.unit.clone(),
            value: c.value.clone(),
            description: c.description.clone(),
            line: 0,
        };
        write_item(&mut w, &item, true)?;
    }

    writeln!(w, "~PARAMETER INFORMATION")?;
    for item in items(las, SectionKind::Parameter).chain(&las.log.parameters) {
        write_item(&mut w, item, false)?;
    }

    let other: Vec<&String> = las
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Other)
        .flat_map(|s| &s.text)
        .collect();
    if !other.is_empty() {
        writeln!(w, "~OTHER")?;
        for line in other {
            writeln!(w, "{line}")?;
        }
    }

    // Custom sections keep their titles (a title the reader classed as unknown reads back as unknown).
    for s in las.sections.iter().filter(|s| s.kind == SectionKind::Unknown) {
        writeln!(w, "~{}", s.title)?;
        for item in &s.items {
            write_item(&mut w, item, false)?;
        }
        for line in &s.text {
            writeln!(w, "{line}")?;
        }
    }

    writeln!(w, "~A")?;
    write_rows(&mut w, las, &null_text)?;
    w.flush()
}

fn items(las: &LasFile, kind: SectionKind) -> impl Iterator<Item = &HeaderItem> {
    las.sections
        .iter()
        .filter(move |s| s.kind == kind)
        .flat_map(|s| &s.items)
}

/// `MNEM.UNIT  VALUE : DESCRIPTION`, laid out so that the reader's rules give the same four fields back.
fn write_item<W: Write>(w: &mut W, item: &HeaderItem, curve: bool) -> io::Result<()> {
    let mnemonic = item.mnemonic.as_str();
    // In curve lines a mnemonic ending in `.` is glued to the delimiting period (`Cond..MS/M`); any other
    // mnemonic gets a blank first, so that a unit starting with `.` (`.1IN`) is not taken for that case.
    let gap = if curve && mnemonic.ends_with('.') { "" } else { " " };
    writeln!(
        w,
        " {mnemonic}{gap}.{}  {} : {}",
        item.unit, item.value, item.description
    )
}

fn write_rows<W: Write>(w: &mut W, las: &LasFile, null_text: &str) -> io::Result<()> {
    let columns = &las.log.columns;
    let rows = las.log.rows();
    let mut line = String::with_capacity(32 * columns.len());
    for r in 0..rows {
        line.clear();
        for (c, column) in columns.iter().enumerate() {
            if c > 0 {
                line.push(' ');
            }
            match column {
                Column::Numeric(v) => match v.get(r) {
                    Some(x) if x.is_finite() => line.push_str(&format_f64(*x)),
                    _ => line.push_str(null_text),
                },
                Column::Text(v) => match v.get(r) {
                    Some(Some(s)) => push_text(&mut line, s),
                    _ => line.push_str(null_text),
                },
            }
        }
        line.push('\n');
        w.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// A text value as the reader will read it back: quoted unless it is a plain word that cannot be taken
/// for a number, a null, or a number to repair.
fn push_text(line: &mut String, s: &str) {
    let needs_quotes = s.is_empty()
        || s.contains(char::is_whitespace)
        || s.starts_with(['"', '\''])
        || number(s.as_bytes()).is_some()
        || out_of_range(s.as_bytes())
        || is_null_token(s)
        || comma_decimal(s).is_some()
        || run_on(s).is_some()
        || s.starts_with('#')
        || s.starts_with('~');
    if !needs_quotes {
        line.push_str(s);
        return;
    }
    // Values cannot span lines in LAS 2.0 data: a line break becomes a blank.
    let clean: String = s
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    // A quote ends a value where a blank or the line's end follows it; pick a quote character that does
    // not occur that way inside the value. (A value holding both `" ` and `' ` cannot be written so
    // that it reads back; its `"` become `'`.)
    let ends_inside = |q: u8| {
        let b = clean.as_bytes();
        (0..b.len()).any(|k| b.get(k) == Some(&q) && b.get(k + 1).is_none_or(|&a| a == b' ' || a == b'\t'))
    };
    let (quote, clean) = if !ends_inside(b'"') {
        ('"', clean)
    } else if !ends_inside(b'\'') {
        ('\'', clean)
    } else {
        ('"', clean.replace('"', "'"))
    };
    line.push(quote);
    line.push_str(&clean);
    line.push(quote);
}
