//! The in-memory shape of a LAS file, as the reader returns it and the writer takes it.

use serde::{Deserialize, Serialize};

/// LAS version as declared in `~V VERS` (or inferred, with a warning, when missing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LasVersion {
    V1_2,
    V2_0,
    V3_0,
}

/// One `MNEM.UNIT  VALUE : DESCRIPTION` line of a header section.
///
/// All four parts are kept exactly as found (trimmed of surrounding blanks): identity fields such as
/// UWI/API keep their leading zeros. For LAS 1.2 `~W`, where value and description are swapped on
/// many lines, the reader puts the value back into `value` and records a warning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeaderItem {
    pub mnemonic: String,
    pub unit: String,
    pub value: String,
    pub description: String,
    /// 1-based line number in the source file (0 for items made by a program, e.g. the writer).
    pub line: usize,
}

/// What a header section is for. LAS 3.0 names sections freely (`~Tops_Parameter`); the kind is
/// derived from the name's first letter / suffix as the spec says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SectionKind {
    Version,
    Well,
    /// `~C` (2.0) or `~X_Definition` (3.0).
    Curve,
    /// `~P` (2.0) or `~X_Parameter` (3.0).
    Parameter,
    /// `~O`: free text.
    Other,
    /// Any section this reader does not know; kept verbatim as items or text.
    Unknown,
}

/// A header section other than the curve definitions of a data set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// The title as written after `~`, trimmed (e.g. `VERSION INFORMATION`, `Well`, `Tops_Parameter`).
    pub title: String,
    pub kind: SectionKind,
    pub items: Vec<HeaderItem>,
    /// Free text lines (for `~O` and unknown sections whose lines are not `MNEM.UNIT VALUE : DESC`).
    pub text: Vec<String>,
    pub line: usize,
}

/// One curve (column) of a data set, from `~C` / `~X_Definition`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurveInfo {
    /// Unique within its data set: duplicates are renamed `GR`, `GR:2`, `GR:3` … with a warning.
    pub mnemonic: String,
    /// The mnemonic exactly as in the file.
    pub original_mnemonic: String,
    pub unit: String,
    /// The value field of the definition line (API code in 2.0; format/type hints in 3.0).
    pub value: String,
    pub description: String,
    pub line: usize,
}

/// The values of one curve. Numeric nulls (header NULL, -999.25, -9999, text nulls such as `NaN`,
/// `-`, `null`, numbers beyond `f64`) are stored as `f64::NAN`. A column is text when LAS 3.0 declares
/// it a string or when most of its values are not numbers; a few odd values in a numeric column are
/// nulls instead, each kind with a warning.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Column {
    Numeric(Vec<f64>),
    Text(Vec<Option<String>>),
}

impl Column {
    pub fn len(&self) -> usize {
        match self {
            Column::Numeric(v) => v.len(),
            Column::Text(v) => v.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn as_numeric(&self) -> Option<&[f64]> {
        match self {
            Column::Numeric(v) => Some(v),
            Column::Text(_) => None,
        }
    }
}

/// Curve definitions and their values: the `~A` log data of LAS 1.2/2.0, or one LAS 3.0 data section
/// (`Log`, `Tops`, `Test`, `Core`, …) with its parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataSet {
    /// `Log` for the main log data; the LAS 3.0 section prefix otherwise (`Tops`, `Test`, …).
    pub name: String,
    pub curves: Vec<CurveInfo>,
    /// One column per curve, all of the same length.
    pub columns: Vec<Column>,
    /// `~X_Parameter` items of a LAS 3.0 data set (empty for 1.2/2.0, whose `~P` is in `LasFile::sections`).
    pub parameters: Vec<HeaderItem>,
}

impl DataSet {
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, Column::len)
    }
    /// Keeps row `i` of every column where `keep[i]` is true (rows past `keep` are kept).
    pub fn retain_rows(&mut self, keep: &[bool]) {
        for column in &mut self.columns {
            let mut row = 0;
            let mut kept = || {
                row += 1;
                keep.get(row - 1).copied().unwrap_or(true)
            };
            match column {
                Column::Numeric(v) => v.retain(|_| kept()),
                Column::Text(v) => v.retain(|_| kept()),
            }
        }
    }

    pub fn column(&self, mnemonic: &str) -> Option<&Column> {
        let i = self
            .curves
            .iter()
            .position(|c| c.mnemonic.eq_ignore_ascii_case(mnemonic))?;
        self.columns.get(i)
    }
}

/// What a repair was about. The message says exactly what was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum WarningKind {
    Encoding,
    Null,
    DuplicateMnemonic,
    CommaDecimal,
    RunOnNumber,
    MissingSection,
    MisplacedSection,
    HeaderMismatch,
    IrregularStep,
    /// A curve holds values that are not numbers in too many rows to be numeric: it is kept as text.
    TextColumn,
    /// A value in a numeric curve that is not a number (a word among numbers): read as null.
    NotANumber,
    /// A number beyond the range of a 64-bit float (`1e309`, hundreds of digits): read as null.
    OutOfRange,
    SwappedValue,
    MalformedLine,
    ShortRow,
    /// The data ends in part of a row (fewer values than the rows before it, or an incomplete wrapped
    /// record), as a file cut off mid-row does: the fragment is dropped, the rows before it are kept.
    TruncatedRow,
    /// A line among numeric data that is not data (control bytes, or words where the row's numbers
    /// should be): skipped, and no other row moves.
    NotData,
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    /// 1-based line number; 0 when the warning is about the file as a whole.
    pub line: usize,
    pub kind: WarningKind,
    pub message: String,
}

/// What made a file unreadable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LasErrorKind {
    /// Not a LAS file at all (no `~` section, binary content, …).
    NotLas,
    /// A header line or section that cannot be interpreted.
    Header,
    /// The data section cannot be turned into a consistent table.
    Data,
    /// No curve definitions for a data section.
    NoCurves,
    /// The file is past one of the reader's [`ReadLimits`](super::ReadLimits) (too many curves, a
    /// line or header too long); the message names the limit to raise.
    Limit,
    Io,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize)]
#[error("line {line}{}: {message}", column.map(|c| format!(", column {c}")).unwrap_or_default())]
pub struct LasError {
    pub kind: LasErrorKind,
    /// 1-based line number (0 when not tied to a line, e.g. an I/O error).
    pub line: usize,
    /// 1-based column (character position) where that helps.
    pub column: Option<usize>,
    pub message: String,
}

/// A whole LAS file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LasFile {
    pub version: LasVersion,
    pub wrap: bool,
    /// LAS 3.0 `DLM` (space, comma or tab); `None` means whitespace.
    pub delimiter: Option<char>,
    /// The header NULL value, if any (values equal to it read as NaN).
    pub null_value: Option<f64>,
    /// Header sections in file order except curve definitions (`~V`, `~W`, `~P`, `~O`, unknown ones).
    pub sections: Vec<Section>,
    /// The main log data (`~C` + `~A`, or `~Log_Definition` + `~Log_Data`). Its first curve is the index.
    pub log: DataSet,
    /// Further LAS 3.0 data sets (Tops, Test, Core, …), in file order.
    pub other_data: Vec<DataSet>,
    /// Every repair made while reading, in line order.
    pub warnings: Vec<Warning>,
    /// The encoding the text was decoded from (`UTF-8`, `windows-1252`, …).
    pub encoding: &'static str,
}

impl LasFile {
    /// The first section of a kind (e.g. `SectionKind::Well`).
    pub fn section(&self, kind: SectionKind) -> Option<&Section> {
        self.sections.iter().find(|s| s.kind == kind)
    }
    /// A `~W` item by mnemonic (case-insensitive).
    pub fn well_item(&self, mnemonic: &str) -> Option<&HeaderItem> {
        self.section(SectionKind::Well)?
            .items
            .iter()
            .find(|i| i.mnemonic.eq_ignore_ascii_case(mnemonic))
    }
    /// A `~W` value by mnemonic, `None` when absent or blank.
    pub fn well_value(&self, mnemonic: &str) -> Option<&str> {
        self.well_item(mnemonic)
            .map(|i| i.value.as_str())
            .filter(|v| !v.is_empty())
    }
}
