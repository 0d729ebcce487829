//! The columns of one data set, built line by line: a byte-level fast path for clean numeric lines, and
//! a tolerant path for everything else that repairs (with a warning) or refuses (with an error naming
//! line and column). Values go straight into per-column vectors; no copy of the text is kept.

use std::collections::HashMap;

use super::input::TextDecoder;
use super::limits;
use super::tokens::{
    Delim, Reading, RunOn, Token, Unterminated, comma_decimal, has_control, is_null_token, number,
    out_of_range, reading, run_on, split,
};
use super::types::{Column, CurveInfo, DataSet, LasError, LasErrorKind, Warning, WarningKind};

/// A quoted LAS 3.0 value may run over several lines; past this size it is taken as an unclosed quote.
const MAX_QUOTED: usize = 1 << 20;

/// Which numbers mean "no value".
#[derive(Debug, Clone, Copy)]
pub(crate) struct NullPolicy {
    /// The header `NULL` (NaN when there is none, so that nothing compares equal to it).
    pub header: f64,
    /// Without a header `NULL`, the values the spec calls common (-999.25, -9999, -9999.25) are nulls
    /// too, each with a warning. With a header `NULL` they are data: a real value is never nulled on a guess.
    pub standard: bool,
}

impl NullPolicy {
    pub(crate) fn new(header: Option<f64>) -> Self {
        Self {
            header: header.unwrap_or(f64::NAN),
            standard: header.is_none(),
        }
    }
    #[inline]
    fn is_standard(&self, v: f64) -> bool {
        self.standard && (v == -999.25 || v == -9999.0 || v == -9999.25)
    }
}

/// How to read the data lines of one data set.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DataConfig {
    pub delim: Delim,
    pub wrap: bool,
    pub nulls: NullPolicy,
    /// Rows expected from STRT/STOP/STEP, used only to reserve memory.
    pub expected_rows: Option<usize>,
    /// The most rows the rest of the input can hold, when its length is known: a header that claims more
    /// is lying, and the reservation is cut to this.
    pub rows_bound: Option<usize>,
    /// Check that the index (first column) advances by a constant step.
    pub check_step: bool,
    /// The most curves this data set may have, extra values on its first row included: what is left of
    /// the file's `ReadLimits::max_curves` (`limit` is that limit, for the error message).
    pub max_curves: usize,
    pub limit: usize,
}

/// One value of a row on the tolerant path.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Num(f64),
    /// A number read in a column that is text for now: its spelling is what a text column keeps
    /// (`007`), its value what the column gets if it turns out numeric after all.
    Spelled(f64, String),
    Null,
    /// Not a number: a word, a date, a quoted value.
    Text(String),
}

/// What a column not declared as text has held, to decide from the whole column, not from its first
/// odd value, whether it is numeric or text: text when its words (values that are neither numbers nor
/// nulls) outnumber its numbers. One stray word, or an attacker's, then costs a null, not the curve's type.
#[derive(Debug, Default)]
struct Tally {
    /// LAS 3.0 declares the column a string (`{S}`): text whatever it holds.
    declared_text: bool,
    /// Numbers seen. While the column is numeric they are counted lazily, from `nums`, only when a word
    /// needs the comparison: the fast path does not count.
    numbers: usize,
    /// Rows of a numeric column already counted into `numbers`.
    counted: usize,
    words: usize,
    /// The first word and its line, for the warning about the column.
    first_word: Option<(usize, String)>,
    /// While the column is numeric: its words by row (their cells are NaN), for the text column it
    /// becomes if words come to outnumber numbers. Never longer than the column's numbers plus one.
    pending: Vec<(usize, String)>,
    /// While the column is text: the rows of quoted numbers (`"12"`), words whose text would read back
    /// as a number if the column turns out numeric. Quoted values are never numbers.
    quoted_numbers: Vec<usize>,
}

/// Warnings about data repeat per value; one warning per kind and column keeps them readable, with the
/// first line and a count.
#[derive(Default)]
struct Coalesced {
    list: Vec<(Warning, usize)>,
    index: HashMap<(usize, usize), usize>,
}

/// Keys for warnings that are not about one column: whole rows, the index step, and renamed added
/// curves (each rename its own key, counting down from `ADDED`).
const ROW: usize = usize::MAX;
const STEP: usize = usize::MAX - 1;
const ADDED: usize = usize::MAX - 2;

impl Coalesced {
    fn add(&mut self, column: usize, line: usize, kind: WarningKind, message: impl FnOnce() -> String) {
        self.add_n(column, line, kind, 1, message);
    }

    /// `count` repeats at once (the first on `line`).
    fn add_n(
        &mut self,
        column: usize,
        line: usize,
        kind: WarningKind,
        count: usize,
        message: impl FnOnce() -> String,
    ) {
        let key = (kind as usize, column);
        match self.index.get(&key) {
            Some(&i) => {
                if let Some(entry) = self.list.get_mut(i) {
                    entry.1 += count;
                    // Lines held back (`DataBuilder::unplaced`) are warned about after later ones: the
                    // warning still names the first.
                    if line < entry.0.line {
                        entry.0 = Warning {
                            line,
                            kind,
                            message: message(),
                        };
                    }
                }
            }
            None => {
                self.index.insert(key, self.list.len());
                self.list.push((
                    Warning {
                        line,
                        kind,
                        message: message(),
                    },
                    count,
                ));
            }
        }
    }

    fn finish(self) -> Vec<Warning> {
        self.list
            .into_iter()
            .map(|(mut w, n)| {
                if n > 1 {
                    w.message
                        .push_str(&format!(" ({n} times; the first is on this line)"));
                }
                w
            })
            .collect()
    }
}

/// Tracks the index column to report irregular steps as they are read (the line is known then).
struct StepCheck {
    enabled: bool,
    prev: f64,
    step: f64,
}

impl StepCheck {
    /// The index value of the next row: `Some((step here, step of the first two rows))` when it breaks the
    /// step. The first two rows with values set the step.
    #[inline]
    fn next(&mut self, v: f64) -> Option<(f64, f64)> {
        let prev = self.prev;
        self.prev = v;
        if v.is_nan() || prev.is_nan() {
            return None;
        }
        let d = v - prev;
        if self.step.is_nan() {
            self.step = d;
            return None;
        }
        let step = self.step;
        ((d - step).abs() > step.abs() * 0.05 + 1e-9).then_some((d, step))
    }
}

fn step_message(mnemonic: &str, d: f64, step: f64) -> String {
    format!("{mnemonic} steps by {d} here, but by {step} between the first two rows")
}

/// Rows of a data set read apart from its [`DataBuilder`] (on another thread, from a later stretch of
/// the text), by the fast path only, to be appended to it in order ([`DataBuilder::absorb`]).
pub(crate) struct FastRows {
    cols: Vec<Vec<f64>>,
    nulls: NullPolicy,
    delim: Option<u8>,
    /// The step of the data set, checked between these rows; the seam to the rows before is checked
    /// when they are appended.
    step: StepCheck,
    /// Line (numbered from the start of the stretch) of the first row.
    first_line: usize,
    /// Rows that broke the step: the first one's line and step, and how many.
    irregular: Option<(usize, usize, f64)>,
}

impl FastRows {
    /// Room for `rows` more rows in every column.
    pub(crate) fn reserve(&mut self, rows: usize) {
        for col in &mut self.cols {
            col.reserve(rows);
        }
    }

    /// One line of the stretch that is neither blank nor a comment: true when it is a clean numeric row
    /// and has been taken, false (nothing taken) when it needs the tolerant path.
    #[inline]
    pub(crate) fn line(&mut self, no: usize, bytes: &[u8]) -> bool {
        if !fast_row(&mut self.cols, self.nulls, self.delim, bytes) {
            return false;
        }
        if self.first_line == 0 {
            self.first_line = no;
        }
        if self.step.enabled
            && let Some(&v) = self.cols.first().and_then(|c| c.last())
            && let Some((d, _)) = self.step.next(v)
        {
            match &mut self.irregular {
                Some((_, count, _)) => *count += 1,
                None => self.irregular = Some((no, 1, d)),
            }
        }
        true
    }
}

/// A short row waiting for the next data line (see `DataBuilder::row_tokens`).
struct HeldRow {
    line: usize,
    text: String,
    values: usize,
}

/// Builds the columns of one data set.
pub(crate) struct DataBuilder {
    pub name: String,
    pub curves: Vec<CurveInfo>,
    /// Line of the section title.
    pub line: usize,
    nums: Vec<Vec<f64>>,
    /// `Some` for columns kept as text (declared so, or, for now, holding more words than numbers).
    texts: Vec<Option<Vec<Option<String>>>>,
    tallies: Vec<Tally>,
    any_text: bool,
    /// See `DataConfig::max_curves`.
    max_curves: usize,
    /// Curves defined before the data (the rest were added for extra values on the first row).
    defined: usize,
    limit: usize,
    delim: Delim,
    wrap: bool,
    nulls: NullPolicy,
    /// The first data line takes the tolerant path, which checks the delimiter and the wrap mode.
    seen_line: bool,
    /// Wrapped mode: the values of the row being assembled, and the line it started on.
    row: Vec<Cell>,
    row_line: usize,
    /// A quoted value still open: the line it started on and the text so far.
    carry: Option<(usize, String)>,
    step: StepCheck,
    warnings: Coalesced,
    /// Curve names on the data section's title line (`~A  DEPTH  GR`), for columns `~C` does not define.
    title_names: Vec<String>,
    /// Unwrapped data: a short row after whole rows, held back until the next data line shows that it is
    /// not the data's last line (a last one is a fragment and is dropped).
    held: Option<HeldRow>,
    /// Rows padded with nulls so far: data with short rows of its own may end in one.
    short_rows: usize,
    /// Lines of words skipped as not data before any data line (line number, end in `unplaced_text`),
    /// their warnings held back: when no line of the data set turns out to be data, the words were its
    /// data after all and are read as rows. One buffer for their text, as `Pending` keeps its lines.
    unplaced: Vec<(usize, usize)>,
    unplaced_text: String,
    /// The skipped lines of words are being read back as rows (see `unplaced`).
    words_are_data: bool,
}

fn data_error(line: usize, column: Option<usize>, message: String) -> LasError {
    LasError {
        kind: LasErrorKind::Data,
        line,
        column,
        message,
    }
}

/// 1-based character column of a byte offset.
fn char_column(line: &str, offset: usize) -> usize {
    line.get(..offset).map_or(offset, |s| s.chars().count()) + 1
}

/// A value quoted in a message: whole when short, else its start and its length (a 400-digit number
/// or a long word would drown the message).
fn excerpt(s: &str) -> String {
    const KEEP: usize = 24;
    match s.char_indices().nth(KEEP) {
        None => s.to_string(),
        Some((end, _)) => format!(
            "{}… ({} characters)",
            s.get(..end).unwrap_or(""),
            s.chars().count()
        ),
    }
}

/// A line quoted in a message: shortened as `excerpt` does, its control characters escaped (`\u{1a}`).
fn shown(line: &str) -> String {
    let mut out = String::new();
    for c in excerpt(line).chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

/// `1 value`, `2 values`.
fn values(n: usize) -> String {
    if n == 1 {
        "1 value".to_string()
    } else {
        format!("{n} values")
    }
}

/// The shortest text that reads back as the same `f64` (plain decimal, or exponent form for very large
/// or small magnitudes where plain decimal would be long).
pub(crate) fn format_f64(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && !(1e-5..1e16).contains(&a) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

impl DataBuilder {
    pub(crate) fn new(
        name: String,
        curves: Vec<CurveInfo>,
        line: usize,
        title_names: Vec<String>,
        cfg: DataConfig,
    ) -> Self {
        let n = curves.len();
        // The header's row count is a hint, not a promise. Bounded by what the input can hold, it is
        // reserved whole: growing a column by doubling would copy it into fresh memory each time (on a
        // VM that hands freed memory back to its host, fresh pages cost more than the parse). Reserved
        // but unused capacity is never touched, so it costs address space, not memory. With no bound
        // (a stream of unknown length) at most 4 Mi values (32 MiB) in all, so a lying header cannot
        // make a tablet allocate gigabytes; the vectors grow past it as needed.
        let expected = cfg.expected_rows.unwrap_or(0);
        let reserve = match cfg.rows_bound {
            Some(bound) => expected.min(bound),
            None => expected.min((1 << 22) / n.max(1)),
        };
        let texts: Vec<Option<Vec<Option<String>>>> = curves
            .iter()
            .map(|c| super::header::is_string_hint(&c.description).then(Vec::new))
            .collect();
        let any_text = texts.iter().any(Option::is_some);
        let tallies = texts
            .iter()
            .map(|t| Tally {
                declared_text: t.is_some(),
                ..Tally::default()
            })
            .collect();
        let nums = texts
            .iter()
            .map(|t| {
                if t.is_none() {
                    Vec::with_capacity(reserve)
                } else {
                    Vec::new()
                }
            })
            .collect();
        Self {
            name,
            curves,
            line,
            nums,
            texts,
            tallies,
            any_text,
            max_curves: cfg.max_curves,
            defined: n,
            limit: cfg.limit,
            delim: cfg.delim,
            wrap: cfg.wrap,
            nulls: cfg.nulls,
            seen_line: false,
            row: Vec::with_capacity(n),
            row_line: 0,
            carry: None,
            step: StepCheck {
                enabled: cfg.check_step && n > 0,
                prev: f64::NAN,
                step: f64::NAN,
            },
            warnings: Coalesced::default(),
            title_names,
            held: None,
            short_rows: 0,
            unplaced: Vec::new(),
            unplaced_text: String::new(),
            words_are_data: false,
        }
    }

    /// Curves added for extra values on the first data row.
    pub(crate) fn added_curves(&self) -> usize {
        self.curves.len().saturating_sub(self.defined)
    }

    pub(crate) fn delim(&self) -> Delim {
        self.delim
    }
    pub(crate) fn wrap(&self) -> bool {
        self.wrap
    }

    fn ncols(&self) -> usize {
        self.curves.len()
    }

    fn mnemonic(&self, c: usize) -> &str {
        self.curves.get(c).map_or("?", |ci| ci.mnemonic.as_str())
    }

    /// Rows read so far.
    fn rows(&self) -> usize {
        match self.texts.first() {
            Some(Some(text)) => text.len(),
            _ => self.nums.first().map_or(0, Vec::len),
        }
    }

    /// One non-blank, non-comment line of the data section.
    pub(crate) fn line(&mut self, no: usize, bytes: &[u8], dec: &mut TextDecoder) -> Result<(), LasError> {
        if self.seen_line
            && !self.wrap
            && !self.any_text
            && self.carry.is_none()
            && self.held.is_none()
            && fast_row(&mut self.nums, self.nulls, self.delim.byte(), bytes)
        {
            self.after_row(no);
            return Ok(());
        }
        let text = dec.decode(no, bytes);
        self.slow_line(no, &text)
    }

    fn slow_line(&mut self, no: usize, text: &str) -> Result<(), LasError> {
        if self.carry.is_none() && has_control(text) {
            // Never data (see `has_control`), whatever else the line holds: one value of it could be
            // wrong without showing it.
            self.warnings.add(ROW, no, WarningKind::NotData, || {
                format!(
                    "`{}` holds control characters (binary bytes), not data; the line is skipped",
                    shown(text)
                )
            });
            return Ok(());
        }
        let joined;
        let (start_no, line): (usize, &str) = match self.carry.take() {
            Some((start, mut acc)) => {
                acc.push('\n');
                acc.push_str(text);
                joined = acc;
                (start, joined.as_str())
            }
            None => (no, text),
        };
        let mut tokens = match split(line, self.delim) {
            Ok(t) => t,
            Err(Unterminated) => {
                if line.len() > MAX_QUOTED {
                    return Err(data_error(
                        start_no,
                        None,
                        "a quoted value opened on this line is not closed within 1 MiB".to_string(),
                    ));
                }
                self.carry = Some((start_no, line.to_string()));
                return Ok(());
            }
        };
        let by_comma = if self.seen_line {
            None
        } else {
            self.undeclared_commas(line, &tokens)
        };
        let commas = by_comma.is_some();
        if let Some(by_comma) = by_comma {
            tokens = by_comma;
        }
        let delim = if commas { Delim::Comma } else { self.delim };
        if self.is_not_data(&tokens, delim) {
            if self.seen_line {
                self.warn_not_data(start_no, line);
            } else {
                self.unplaced_text.push_str(line);
                self.unplaced.push((start_no, self.unplaced_text.len()));
            }
            return Ok(());
        }
        if !self.seen_line {
            self.seen_line = true;
            // A data line: the lines skipped before it were not the data.
            let text = std::mem::take(&mut self.unplaced_text);
            let mut start = 0;
            for (skipped, end) in std::mem::take(&mut self.unplaced) {
                self.warn_not_data(skipped, text.get(start..end).unwrap_or(""));
                start = end;
            }
            tokens = self.first_line_checks(start_no, tokens, commas)?;
        }
        self.release_held()?;
        if self.wrap {
            self.wrapped_tokens(start_no, tokens)
        } else {
            self.row_tokens(start_no, line, tokens, true)
        }
    }

    /// Whether a line is not data: its index value is not a number, and its words outnumber its numbers.
    ///
    /// The rule follows how the reader decides a column's type (see `Tally`): a numeric column takes a
    /// stray word as a null, and is text only when its words outnumber its numbers (nulls count for
    /// neither). So a row with a typo costs a value, not the row. But a row is placed by its index, and
    /// a line with no index number whose words outnumber its numbers (`ERROR tool stopped at 1001.25`)
    /// is not a row with a typo: it is a message, a footer or binary junk. Read as a row it put words
    /// into the index and into every curve, turning them into text or, with more words than curves,
    /// adding curves or refusing the file; skipped, it costs that line. A line with an index number is
    /// always a row, and so is one of nulls (`-999.25 NaN null`: null spellings are not words). Values
    /// in text columns (declared `{S}`, or text already) count for nothing, and in wrapped data only a
    /// line that starts a row is judged.
    fn is_not_data(&self, tokens: &[Token<'_>], delim: Delim) -> bool {
        let n = self.ncols();
        if self.words_are_data || n == 0 || (self.wrap && !self.row.is_empty()) {
            return false;
        }
        // Values past the curves are numeric, as the curves the first row would add for them.
        let numeric = |i: usize| {
            let c = if self.wrap { i % n } else { i };
            self.texts.get(c).is_none_or(Option::is_none)
        };
        let Some(index) = tokens.first() else {
            return false;
        };
        // The data's null values (the header NULL, the common ones without it) are nulls, not numbers.
        let read = |t: &Token<'_>| match reading(t, delim) {
            Reading::Number(v) if v == self.nulls.header || self.nulls.is_standard(v) => Reading::Null,
            other => other,
        };
        if !numeric(0) || matches!(read(index), Reading::Number(_)) {
            return false;
        }
        let (mut words, mut numbers) = (0usize, 0usize);
        for t in tokens
            .iter()
            .enumerate()
            .filter(|&(i, _)| numeric(i))
            .map(|(_, t)| t)
        {
            match read(t) {
                Reading::Number(_) => numbers += 1,
                Reading::Word => words += 1,
                Reading::Null => {}
            }
        }
        words > numbers
    }

    fn warn_not_data(&mut self, no: usize, line: &str) {
        self.warnings.add(ROW, no, WarningKind::NotData, || {
            format!(
                "`{}` is not a data line (no index number, and more words than numbers); the line is skipped",
                shown(line.trim())
            )
        });
    }

    /// The held short row is not the data's last line: a row like any other.
    fn release_held(&mut self) -> Result<(), LasError> {
        let Some(held) = self.held.take() else {
            return Ok(());
        };
        let tokens = split(&held.text, self.delim).unwrap_or_default();
        self.row_tokens(held.line, &held.text, tokens, false)
    }

    /// The values of the first data line split at commas, when the header declares no delimiter but
    /// that is what separates them (one value per curve).
    fn undeclared_commas<'a>(&self, line: &'a str, tokens: &[Token<'a>]) -> Option<Vec<Token<'a>>> {
        let n = self.ncols();
        if self.delim == Delim::Whitespace
            && n > 1
            && tokens.len() != n
            && line.contains(',')
            && let Ok(by_comma) = split(line, Delim::Comma)
            && by_comma.len() == n
        {
            return Some(by_comma);
        }
        None
    }

    /// The first data line says how the data is laid out when the header does not: commas between
    /// values without a `DLM` (`commas`: its `tokens` are split at them), or wrapped rows under `WRAP NO`.
    fn first_line_checks<'a>(
        &mut self,
        no: usize,
        tokens: Vec<Token<'a>>,
        commas: bool,
    ) -> Result<Vec<Token<'a>>, LasError> {
        let n = self.ncols();
        if commas {
            self.delim = Delim::Comma;
            self.warnings.add(ROW, no, WarningKind::Other, || {
                format!("values are separated by commas though no DLM says so; the {} data is read as comma-delimited", self.name)
            });
        }
        if !self.wrap && tokens.len() > n {
            self.add_curves(no, tokens.len())?;
        }
        if !self.wrap && n > 1 && tokens.len() == 1 {
            self.wrap = true;
            self.warnings.add(ROW, no, WarningKind::HeaderMismatch, || {
                format!("WRAP is not YES, but the first {} data line holds one value of {n}; the data is read as wrapped", self.name)
            });
        }
        Ok(tokens)
    }

    /// The first row has more values than there are curves: the data has columns the definitions
    /// forgot. They become curves of their own, named by the title line when it names every column,
    /// so no value moves to another column. (A later row with extra values is an error instead.) Only
    /// as many as the file's curve limit allows: a row of 100,000 values is refused, not 100,000 curves.
    fn add_curves(&mut self, no: usize, count: usize) -> Result<(), LasError> {
        let n = self.ncols();
        if count > self.max_curves {
            return Err(limits::exceeded(
                no,
                &format!(
                    "the first {} data row has {count} values but {n} curves are defined; a curve for each \
                     extra value would pass the curves a file may have",
                    self.name
                ),
                self.limit,
                "max_curves",
            ));
        }
        let named = self.title_names.len() == count;
        for k in n..count {
            let name = if named {
                self.title_names.get(k).cloned().unwrap_or_default()
            } else {
                String::new()
            };
            self.curves.push(CurveInfo {
                mnemonic: name.clone(),
                original_mnemonic: name,
                unit: String::new(),
                value: String::new(),
                description: String::new(),
                line: no,
            });
            self.nums.push(Vec::new());
            self.texts.push(None);
            self.tallies.push(Tally::default());
        }
        let mut renames = Vec::new();
        make_unique(&mut self.curves, &mut renames);
        for (i, w) in renames.into_iter().enumerate() {
            self.warnings.add(ADDED - i, w.line, w.kind, || w.message);
        }
        let source = if named {
            "named by the data section's title line"
        } else {
            "named UNKNOWN"
        };
        self.warnings.add(ROW, no, WarningKind::HeaderMismatch, || {
            format!("the data has {count} columns but {n} curves are defined; curves {} to {count} were added, {source}", n + 1)
        });
        Ok(())
    }

    /// One line is one row (unwrapped data). `may_hold`: a short row may be held back (it is not yet
    /// known to be followed by another data line).
    fn row_tokens(
        &mut self,
        no: usize,
        line: &str,
        mut tokens: Vec<Token<'_>>,
        may_hold: bool,
    ) -> Result<(), LasError> {
        let n = self.ncols();
        if self.delim != Delim::Whitespace
            && tokens.len() == n + 1
            && tokens.last().is_some_and(|t| t.text.is_empty() && !t.quoted)
        {
            // `1,2,3,`: a delimiter closing the line, not an empty last value.
            tokens.pop();
        }
        let mut cells: Vec<Option<Cell>> = Vec::with_capacity(n);
        let mut toks: Vec<Option<&Token<'_>>> = tokens.iter().map(Some).collect();
        if tokens.len() < n {
            // Run-on numbers (`7.330-19508.961`): only when splitting them makes the row exactly right.
            let mut expanded: Vec<(Option<&Token<'_>>, Option<Cell>)> = Vec::with_capacity(n);
            let mut repaired = Vec::new();
            for t in &tokens {
                match (!t.quoted && number(t.text.as_bytes()).is_none() && !is_null_token(t.text))
                    .then(|| run_on(t.text))
                    .flatten()
                {
                    Some(RunOn::Split(values)) => {
                        repaired.push((t.text, values.len(), true));
                        expanded.extend(values.into_iter().map(|v| (None, Some(Cell::Num(v)))));
                    }
                    Some(RunOn::Unknown(k)) => {
                        repaired.push((t.text, k, false));
                        expanded.extend((0..k).map(|_| (None, Some(Cell::Null))));
                    }
                    None => expanded.push((Some(t), None)),
                }
            }
            if !repaired.is_empty() && expanded.len() == n {
                for (text, k, split) in repaired {
                    self.warnings.add(ROW, no, WarningKind::RunOnNumber, || {
                        if split {
                            format!("run-on value `{text}` split into {k} values")
                        } else {
                            format!("run-on value `{text}` holds {k} values with no clear boundary; read as {k} nulls")
                        }
                    });
                }
                toks = expanded.iter().map(|(t, _)| *t).collect();
                cells = expanded.into_iter().map(|(_, c)| c).collect();
            }
        }
        if may_hold && toks.len() < n && self.short_rows == 0 && self.rows() > 0 {
            // Short after whole rows: a row whose last values are missing, or, on the data's last line,
            // a fragment of one (a file cut off mid-row), whose first value is a piece of some number,
            // not the row's index, and whose last may be cut short. Which it is shows only when another
            // data line comes or the data ends, so it waits, unread (its values warn when it is read).
            self.held = Some(HeldRow {
                line: no,
                text: line.to_string(),
                values: toks.len(),
            });
            return Ok(());
        }
        if toks.len() > n {
            let extra = tokens.get(n).or(tokens.last());
            let (column, text) = extra.map_or((None, ""), |t| (Some(char_column(line, t.offset)), t.text));
            return Err(data_error(
                no,
                column,
                format!(
                    "{} values on a row but {n} curves are defined; `{text}` has no curve",
                    toks.len()
                ),
            ));
        }
        let mut row = Vec::with_capacity(n);
        for (c, tok) in toks.iter().enumerate() {
            let ready = cells.get_mut(c).and_then(Option::take);
            let cell = match (ready, tok) {
                (Some(cell), _) => self.checked_cell(cell, c, no),
                (None, Some(t)) => self.interpret(t, c, no),
                (None, None) => Cell::Null,
            };
            row.push(cell);
        }
        if row.len() < n {
            let have = row.len();
            self.short_rows += 1;
            self.warnings.add(ROW, no, WarningKind::ShortRow, || {
                format!("row has {have} values but {n} curves are defined; the missing last values are null")
            });
            row.resize(n, Cell::Null);
        }
        self.push_row(row, no);
        Ok(())
    }

    /// Wrapped data: values are counted across lines, a row is complete at one value per curve.
    fn wrapped_tokens(&mut self, no: usize, tokens: Vec<Token<'_>>) -> Result<(), LasError> {
        let n = self.ncols();
        if n == 0 {
            return Err(LasError {
                kind: LasErrorKind::NoCurves,
                line: no,
                column: None,
                message: format!("the {} data has values but no curves are defined", self.name),
            });
        }
        for (i, t) in tokens.iter().enumerate() {
            if self.row.is_empty() {
                self.row_line = no;
                if i > 0 {
                    self.warnings.add(ROW, no, WarningKind::MalformedLine, || {
                        "a wrapped row starts in the middle of a line; values are counted across lines"
                            .to_string()
                    });
                }
            }
            let c = self.row.len();
            let numeric_col = self.texts.get(c).is_some_and(Option::is_none);
            let split = if numeric_col
                && !t.quoted
                && number(t.text.as_bytes()).is_none()
                && !is_null_token(t.text)
            {
                run_on(t.text)
            } else {
                None
            };
            let cells: Vec<Cell> = match split {
                Some(RunOn::Split(values)) => {
                    self.warnings.add(ROW, no, WarningKind::RunOnNumber, || {
                        format!("run-on value `{}` split into {} values", t.text, values.len())
                    });
                    values.into_iter().map(Cell::Num).collect()
                }
                Some(RunOn::Unknown(k)) => {
                    self.warnings.add(ROW, no, WarningKind::RunOnNumber, || {
                        format!(
                            "run-on value `{}` holds {k} values with no clear boundary; read as {k} nulls",
                            t.text
                        )
                    });
                    vec![Cell::Null; k]
                }
                None => vec![self.interpret(t, c, no)],
            };
            for cell in cells {
                let c = self.row.len();
                let cell = self.checked_cell(cell, c, no);
                self.row.push(cell);
                if self.row.len() == n {
                    let row = std::mem::take(&mut self.row);
                    let line = self.row_line;
                    self.push_row(row, line);
                }
            }
        }
        Ok(())
    }

    /// Cells made by a repair still go through the null rules of their column.
    fn checked_cell(&mut self, cell: Cell, c: usize, no: usize) -> Cell {
        match cell {
            Cell::Num(v) => self.num_cell(v, c, no),
            other => other,
        }
    }

    fn num_cell(&mut self, v: f64, c: usize, no: usize) -> Cell {
        if v == self.nulls.header {
            return Cell::Null;
        }
        if self.nulls.is_standard(v) {
            let m = self.mnemonic(c).to_string();
            self.warnings.add(c, no, WarningKind::Null, || {
                format!("{m}: {v} read as null (no NULL value in ~W, and {v} is a common null value)")
            });
            return Cell::Null;
        }
        Cell::Num(v)
    }

    /// What one value means in column `c`.
    fn interpret(&mut self, t: &Token<'_>, c: usize, no: usize) -> Cell {
        if t.quoted {
            return Cell::Text(t.text.to_string());
        }
        let s = t.text;
        let is_text_col = self.texts.get(c).is_some_and(Option::is_some);
        if let Some(v) = number(s.as_bytes()) {
            return match self.num_cell(v, c, no) {
                Cell::Num(v) if is_text_col => Cell::Spelled(v, s.to_string()),
                other => other,
            };
        }
        if is_null_token(s) {
            let m = self.mnemonic(c).to_string();
            self.warnings.add(c, no, WarningKind::Null, || {
                if s.is_empty() {
                    format!("{m}: empty value read as null")
                } else {
                    format!("{m}: `{s}` read as null")
                }
            });
            return Cell::Null;
        }
        if self.tallies.get(c).is_some_and(|t| t.declared_text) {
            return Cell::Text(s.to_string());
        }
        if out_of_range(s.as_bytes()) {
            // Number-shaped, so never a word that could make the column text: f64 cannot hold it.
            let m = self.mnemonic(c).to_string();
            self.warnings.add(c, no, WarningKind::OutOfRange, || {
                format!(
                    "{m}: `{}` is beyond the range of a 64-bit float; read as null",
                    excerpt(s)
                )
            });
            return Cell::Null;
        }
        if self.delim == Delim::Whitespace
            && let Some(v) = comma_decimal(s)
        {
            let m = self.mnemonic(c).to_string();
            self.warnings.add(c, no, WarningKind::CommaDecimal, || {
                format!("{m}: `{s}` has a decimal comma; read as {v}")
            });
            return self.num_cell(v, c, no);
        }
        Cell::Text(s.to_string())
    }

    fn push_row(&mut self, row: Vec<Cell>, no: usize) {
        for (c, cell) in row.into_iter().enumerate() {
            let Some(tally) = self.tallies.get_mut(c) else {
                continue;
            };
            match (self.texts.get_mut(c), self.nums.get_mut(c)) {
                (Some(Some(text)), _) => text.push(match cell {
                    Cell::Num(v) => {
                        tally.numbers += 1;
                        Some(format_f64(v))
                    }
                    Cell::Spelled(_, s) => {
                        tally.numbers += 1;
                        Some(s)
                    }
                    Cell::Null => None,
                    Cell::Text(s) => {
                        tally.words += 1;
                        tally.first_word.get_or_insert_with(|| (no, s.clone()));
                        if !tally.declared_text && number(s.as_bytes()).is_some() {
                            tally.quoted_numbers.push(text.len());
                        }
                        Some(s)
                    }
                }),
                (_, Some(num)) => match cell {
                    Cell::Num(v) | Cell::Spelled(v, _) => num.push(v),
                    Cell::Null => num.push(f64::NAN),
                    Cell::Text(s) => {
                        tally.words += 1;
                        tally.first_word.get_or_insert_with(|| (no, s.clone()));
                        tally.pending.push((num.len(), s));
                        num.push(f64::NAN);
                        // Count the numbers read since the last word (the fast path does not count).
                        tally.numbers += num
                            .get(tally.counted..)
                            .map_or(0, |new| new.iter().filter(|v| !v.is_nan()).count());
                        tally.counted = num.len();
                        if tally.words > tally.numbers {
                            self.make_text_column(c);
                        }
                    }
                },
                _ => {}
            }
        }
        self.after_row(no);
    }

    /// A numeric column now holds more words than numbers: keep it as text from here on, which keeps
    /// each later value as written. `finish` still decides from the whole column.
    fn make_text_column(&mut self, c: usize) {
        let old = self.nums.get_mut(c).map(std::mem::take).unwrap_or_default();
        let Some(tally) = self.tallies.get_mut(c) else {
            return;
        };
        let mut text: Vec<Option<String>> = old
            .into_iter()
            .map(|v| if v.is_nan() { None } else { Some(format_f64(v)) })
            .collect();
        for (row, word) in std::mem::take(&mut tally.pending) {
            if number(word.as_bytes()).is_some() {
                tally.quoted_numbers.push(row);
            }
            if let Some(slot) = text.get_mut(row) {
                *slot = Some(word);
            }
        }
        if let Some(slot) = self.texts.get_mut(c) {
            *slot = Some(text);
        }
        self.any_text = true;
    }

    /// The column's type from all its values, and the warning that says what was made of its words.
    fn settle_column(&mut self, c: usize, text: Option<Vec<Option<String>>>, nums: Vec<f64>) -> Column {
        let tally = self.tallies.get_mut(c).map(std::mem::take).unwrap_or_default();
        let (Some((line, word)), false) = (tally.first_word, tally.declared_text) else {
            return match text {
                Some(t) => Column::Text(t),
                None => Column::Numeric(nums),
            };
        };
        let m = self.mnemonic(c).to_string();
        let word = excerpt(&word);
        // A numeric column's numbers are counted up to its last word only.
        let uncounted = match text {
            None => nums
                .get(tally.counted..)
                .map_or(0, |rest| rest.iter().filter(|v| !v.is_nan()).count()),
            Some(_) => 0,
        };
        let (words, numbers) = (tally.words, tally.numbers + uncounted);
        match text {
            Some(t) if words > numbers => {
                self.warnings.add(c, line, WarningKind::TextColumn, || {
                    let not = if words == 1 {
                        "1 value is not a number".to_string()
                    } else {
                        format!("{words} values are not numbers")
                    };
                    format!(
                        "{m}: {not} (the first, `{word}`, is on this line) and {numbers} are; the curve is \
                         kept as text"
                    )
                });
                Column::Text(t)
            }
            text => {
                // Numbers won: every word is a null. A column that was text for a while (its first
                // values were words) is read back: its numbers were kept as written or formatted, and
                // its words do not read as numbers, except quoted ones, which are known by row.
                let nums = match text {
                    Some(t) => {
                        let mut quoted = tally.quoted_numbers.iter().copied().peekable();
                        t.into_iter()
                            .enumerate()
                            .map(|(row, v)| {
                                if quoted.next_if_eq(&row).is_some() {
                                    return f64::NAN;
                                }
                                v.and_then(|s| number(s.as_bytes())).unwrap_or(f64::NAN)
                            })
                            .collect()
                    }
                    None => nums,
                };
                self.warnings.add_n(c, line, WarningKind::NotANumber, words, || {
                    format!(
                        "{m}: `{word}` is not a number; read as null (the curve is numeric: {numbers} of its \
                         values are numbers)"
                    )
                });
                Column::Numeric(nums)
            }
        }
    }

    fn after_row(&mut self, no: usize) {
        if !self.step.enabled {
            return;
        }
        let Some(&v) = self.nums.first().and_then(|c| c.last()) else {
            return;
        };
        if let Some((d, step)) = self.step.next(v) {
            let m = self.mnemonic(0).to_string();
            self.warnings
                .add(STEP, no, WarningKind::IrregularStep, || step_message(&m, d, step));
        }
    }

    /// See [`DataBuilder::fast_rows`].
    pub(crate) fn takes_fast_rows(&self) -> bool {
        self.seen_line
            && !self.wrap
            && !self.any_text
            && self.carry.is_none()
            && self.held.is_none()
            && self.unplaced.is_empty()
            && !self.words_are_data
            && (!self.step.enabled || !self.step.step.is_nan())
    }

    /// Further rows of this data set can be read apart from it, by the fast path only, and appended
    /// later ([`DataBuilder::absorb`]) with the same result as reading them here: `None` unless every
    /// line so far has settled what such rows would change (the delimiter and wrap mode, no text column,
    /// nothing held or open, the index step known when it is checked). `reserve`: rows to make room for.
    pub(crate) fn fast_rows(&self, reserve: usize) -> Option<FastRows> {
        self.takes_fast_rows().then(|| FastRows {
            cols: (0..self.ncols()).map(|_| Vec::with_capacity(reserve)).collect(),
            nulls: self.nulls,
            delim: self.delim.byte(),
            step: StepCheck {
                enabled: self.step.enabled,
                prev: f64::NAN,
                step: self.step.step,
            },
            first_line: 0,
            irregular: None,
        })
    }

    /// Appends rows read apart (see [`DataBuilder::fast_rows`]), whose line numbers start after
    /// `line_offset`: the columns, then the index step across the seam and the rows' own step warnings,
    /// as if every line had been read here. `false` (nothing changed) when this data set no longer takes
    /// fast rows or the rows do not fit its columns.
    pub(crate) fn absorb(&mut self, rows: FastRows, line_offset: usize) -> bool {
        if rows.cols.len() != self.ncols() || !self.takes_fast_rows() {
            return false;
        }
        let Some(first) = rows.cols.first().and_then(|c| c.first()).copied() else {
            return true;
        };
        for (col, part) in self.nums.iter_mut().zip(&rows.cols) {
            col.extend_from_slice(part);
        }
        if !self.step.enabled {
            return true;
        }
        let m = self.mnemonic(0).to_string();
        if let Some((d, step)) = self.step.next(first) {
            let line = line_offset + rows.first_line;
            self.warnings.add(STEP, line, WarningKind::IrregularStep, || {
                step_message(&m, d, step)
            });
        }
        if let Some((line, count, d)) = rows.irregular {
            let step = self.step.step;
            self.warnings.add_n(
                STEP,
                line_offset + line,
                WarningKind::IrregularStep,
                count,
                || step_message(&m, d, step),
            );
        }
        self.step.prev = rows.step.prev;
        true
    }

    /// The finished data set and the warnings about it.
    pub(crate) fn finish(mut self) -> Result<(DataSet, Vec<Warning>), LasError> {
        if let Some((start, _)) = &self.carry {
            return Err(data_error(
                *start,
                None,
                "a quoted value opened on this line is never closed".to_string(),
            ));
        }
        if !self.unplaced.is_empty() {
            // No line of the data set was data by the rule of `is_not_data`: its lines of words are its
            // rows (text columns, as before), not junk among numbers.
            self.words_are_data = true;
            let text = std::mem::take(&mut self.unplaced_text);
            let mut start = 0;
            for (no, end) in std::mem::take(&mut self.unplaced) {
                self.slow_line(no, text.get(start..end).unwrap_or(""))?;
                start = end;
            }
        }
        let n = self.ncols();
        if let Some(held) = self.held.take() {
            let have = values(held.values);
            self.warnings.add(ROW, held.line, WarningKind::TruncatedRow, || {
                format!(
                    "the data ends in a line of {have}, where the rows before it have one for each of the \
                     {n} curves: a fragment of a row, as a file cut off mid-row ends; the line is dropped"
                )
            });
        }
        if !self.row.is_empty() {
            let have = self.row.len();
            let line = self.row_line;
            let row = std::mem::take(&mut self.row);
            if self.rows() > 0 {
                // As for unwrapped data: after whole rows, an incomplete last one is what is left of a
                // row cut off, and its last value may be cut too.
                self.warnings.add(ROW, line, WarningKind::TruncatedRow, || {
                    format!(
                        "the last wrapped row has {} but {n} curves are defined: a fragment of a row, as a \
                         file cut off mid-row ends; it is dropped",
                        values(have)
                    )
                });
            } else {
                self.warnings.add(ROW, line, WarningKind::ShortRow, || {
                    format!("the only wrapped row has {have} values but {n} curves are defined; the missing values are null")
                });
                let mut row = row;
                row.resize(n, Cell::Null);
                self.push_row(row, line);
            }
        }
        let texts = std::mem::take(&mut self.texts);
        let nums = std::mem::take(&mut self.nums);
        let columns = texts
            .into_iter()
            .zip(nums)
            .enumerate()
            .map(|(c, (t, n))| self.settle_column(c, t, n))
            .collect();
        let set = DataSet {
            name: self.name,
            curves: self.curves,
            columns,
            parameters: Vec::new(),
        };
        Ok((set, self.warnings.finish()))
    }
}

/// Undo the values a failed fast-path attempt pushed.
#[cold]
fn rollback(cols: &mut [Vec<f64>], pushed: usize) {
    for col in cols.iter_mut().take(pushed) {
        col.pop();
    }
}

/// The fast path: a line of exactly one plain number per column, none of them a disguised null, pushed
/// onto `cols`. Anything else (words, a wrong count, a standard null without a header `NULL`) returns
/// false with nothing pushed, for the tolerant path to read.
#[inline]
fn fast_row(cols: &mut [Vec<f64>], nulls: NullPolicy, delim: Option<u8>, line: &[u8]) -> bool {
    match delim {
        None => fast_whitespace(cols, nulls, line),
        Some(d) => fast_delimited(cols, nulls, line, d),
    }
}

/// Blank-separated numbers, exactly one per curve.
#[inline]
fn fast_whitespace(cols: &mut [Vec<f64>], nulls: NullPolicy, line: &[u8]) -> bool {
    let n = cols.len();
    let null = nulls.header;
    let mut c = 0;
    let mut i = 0;
    let len = line.len();
    while i < len {
        let b = line[i];
        if b == b' ' || b == b'\t' {
            i += 1;
            continue;
        }
        let start = i;
        while i < len && line[i] != b' ' && line[i] != b'\t' {
            i += 1;
        }
        let Some(v) = (if c < n { number(&line[start..i]) } else { None }) else {
            rollback(cols, c);
            return false;
        };
        if nulls.is_standard(v) {
            rollback(cols, c);
            return false;
        }
        cols[c].push(if v == null { f64::NAN } else { v });
        c += 1;
    }
    if c != n {
        rollback(cols, c);
        return false;
    }
    true
}

/// LAS 3.0 comma- or tab-delimited numbers, blanks around them allowed.
#[inline]
fn fast_delimited(cols: &mut [Vec<f64>], nulls: NullPolicy, line: &[u8], d: u8) -> bool {
    let n = cols.len();
    let null = nulls.header;
    let mut c = 0;
    let mut ok = true;
    for field in line.split(|&b| b == d) {
        let field = field.trim_ascii();
        let v = if c < n { number(field) } else { None };
        match v {
            Some(v) if !nulls.is_standard(v) => {
                cols[c].push(if v == null { f64::NAN } else { v });
                c += 1;
            }
            _ => {
                ok = false;
                break;
            }
        }
    }
    if !ok || c != n {
        rollback(cols, c);
        return false;
    }
    true
}

/// Unique mnemonics within a data set: an empty one becomes `UNKNOWN`, repeats become `GR:2`, `GR:3` …
/// (case-insensitively, as `DataSet::column` looks them up).
pub(crate) fn make_unique(curves: &mut [CurveInfo], warnings: &mut Vec<Warning>) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for c in curves.iter_mut() {
        if c.mnemonic.is_empty() {
            c.mnemonic = "UNKNOWN".to_string();
            warnings.push(Warning {
                line: c.line,
                kind: WarningKind::MalformedLine,
                message: "curve without a mnemonic; named UNKNOWN".to_string(),
            });
        }
        let key = c.mnemonic.to_lowercase();
        let count = seen.entry(key.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            let mut k = *count;
            let renamed = loop {
                let candidate = format!("{}:{k}", c.mnemonic);
                if !seen.contains_key(&candidate.to_lowercase()) {
                    break candidate;
                }
                k += 1;
            };
            warnings.push(Warning {
                line: c.line,
                kind: WarningKind::DuplicateMnemonic,
                message: format!("duplicate mnemonic {} renamed {renamed}", c.mnemonic),
            });
            seen.insert(renamed.to_lowercase(), 1);
            c.mnemonic = renamed;
        }
    }
}
