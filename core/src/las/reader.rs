//! The reader's state machine: which section each line belongs to, header items, curve definitions,
//! data sets, and the checks that need the whole file (header against data, missing sections).

use std::io::Read;

use super::data::{DataBuilder, DataConfig, NullPolicy, make_unique};
use super::header::{self, HeaderLine, LOG, Role};
use super::input::{self, SliceLines, TextDecoder};
use super::limits::{self, ReadLimits};
use super::split::{self, Split};
use super::tokens::{Delim, comma_decimal, number};
use super::types::{
    Column, CurveInfo, DataSet, HeaderItem, LasError, LasErrorKind, LasFile, LasVersion, Section,
    SectionKind, Warning, WarningKind,
};

/// Read a LAS file from a stream, within the default [`ReadLimits`]. Memory is bounded by the output
/// columns: the text is read in chunks and never held whole.
pub fn read<R: Read>(reader: R) -> Result<LasFile, LasError> {
    read_with_limits(reader, ReadLimits::DEFAULT)
}

/// Read a LAS file held in memory, within the default [`ReadLimits`].
pub fn read_bytes(bytes: &[u8]) -> Result<LasFile, LasError> {
    read(bytes)
}

/// Read a LAS file from a stream; a file past `limits` is refused with a [`LasErrorKind::Limit`] error
/// naming the line and the limit.
pub fn read_with_limits<R: Read>(reader: R, limits: ReadLimits) -> Result<LasFile, LasError> {
    read_sized(reader, None, limits)
}

/// Read a LAS file held in memory; see [`read_with_limits`]. A long data section is read on every core
/// (see `split`), with the same result.
pub fn read_bytes_with_limits(bytes: &[u8], limits: ReadLimits) -> Result<LasFile, LasError> {
    read_slice(bytes, limits, Split::for_this_machine())
}

/// UTF-8 text held in memory, line by line from the slice, long data sections cut into stretches for
/// other threads; UTF-16 goes through the streaming reader's transcoder.
pub(crate) fn read_slice(bytes: &[u8], limits: ReadLimits, split: Split) -> Result<LasFile, LasError> {
    let head = bytes.get(..input::SNIFF).unwrap_or(bytes);
    let input::StreamEncoding::Utf8 { bom } = input::sniff(head) else {
        return read_sized(bytes, Some(bytes.len()), limits);
    };
    let text = if bom { bytes.get(3..).unwrap_or(&[]) } else { bytes };
    let mut parser = Parser::new(limits);
    parser.input_bytes = Some(bytes.len());
    let mut lines = SliceLines::new(text, limits.max_line_bytes);
    while let Some((no, raw)) = lines.next_line()? {
        parser.line(no, raw)?;
        if split.worth_cutting(lines.rest().len()) && parser.may_read_ahead() {
            parser.read_ahead(&mut lines, split)?;
        }
    }
    parser.finish("UTF-8", None)
}

/// `input_bytes`: the input's length when known, which bounds how many rows its data can hold.
pub(crate) fn read_sized<R: Read>(
    reader: R,
    input_bytes: Option<usize>,
    limits: ReadLimits,
) -> Result<LasFile, LasError> {
    let mut parser = Parser::new(limits);
    parser.input_bytes = input_bytes;
    let (stream_encoding, stream_warning) =
        input::for_each_line(reader, limits.max_line_bytes, |no, line| parser.line(no, line))?;
    parser.finish(stream_encoding, stream_warning)
}

fn warning(line: usize, kind: WarningKind, message: impl Into<String>) -> Warning {
    Warning {
        line,
        kind,
        message: message.into(),
    }
}

/// A curve definition section (`~C`, `~X_Definition`).
struct Definition {
    set: String,
    curves: Vec<CurveInfo>,
    line: usize,
    used: bool,
}

/// A data section met before its definition: its lines wait (raw) until the file has been read.
struct Pending {
    title_names: Vec<String>,
    name: String,
    key: String,
    title: String,
    line: usize,
    is_log: bool,
    /// Every line after the title, blank and comment lines too, each ended by `\n` (a line never holds
    /// one): line `line + 1 + k` is the k-th. One buffer, as long as the section's text, where a `Vec`
    /// per line would cost several times the bytes of a short data line.
    text: Vec<u8>,
    /// Some line holds a value (not only blanks and comments).
    has_values: bool,
}

impl Pending {
    fn push(&mut self, raw: &[u8]) {
        self.has_values |= raw
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b != b'#');
        self.text.extend_from_slice(raw);
        self.text.push(b'\n');
    }

    /// The lines that hold values, with their line numbers.
    fn data_lines(&self) -> impl Iterator<Item = (usize, &[u8])> {
        self.text
            .split(|&b| b == b'\n')
            .enumerate()
            .map(|(k, raw)| (self.line + 1 + k, raw))
            .filter(|(_, raw)| {
                raw.iter()
                    .find(|b| !b.is_ascii_whitespace())
                    .is_some_and(|&b| b != b'#')
            })
    }
}

enum Current {
    /// Before the first section.
    Start,
    /// A header section holding items (`~V`, `~W`, `~P`, unknown ones), by index in `sections`.
    Items(usize),
    /// `~O`: free text.
    Other(usize),
    /// A curve definition section, by index in `definitions`.
    Definition(usize),
    Data(Box<DataBuilder>),
    Pending(Pending),
}

struct Parser {
    dec: TextDecoder,
    sections: Vec<Section>,
    /// `~X_Parameter` sections: index in `sections` and data set name.
    set_parameters: Vec<(usize, String)>,
    definitions: Vec<Definition>,
    current: Current,
    /// Finished data sets with their section line and whether each is the log.
    finished: Vec<(usize, DataSet, bool)>,
    pending: Vec<Pending>,
    warnings: Vec<Warning>,
    version: Option<LasVersion>,
    /// `~W` items read before the version was known (section index, item index): if the file turns out
    /// to be LAS 1.2, their values are put back from the swapped layout at the end.
    well_items_unversioned: Vec<(usize, usize)>,
    wrap: Option<bool>,
    delim: Option<Delim>,
    null: Option<f64>,
    null_seen: bool,
    section_count: usize,
    seen_version: bool,
    seen_well: bool,
    seen_log_definition: bool,
    seen_log_data: bool,
    log_data_sections: usize,
    looks_las3: bool,
    /// What the log's data showed (a delimiter or wrap mode the header did not declare).
    log_delim: Option<Delim>,
    log_wrap: Option<bool>,
    first_content: Option<usize>,
    warned_preamble: bool,
    limits: ReadLimits,
    /// Curves made so far, counted against `limits.max_curves` (see there for what counts).
    curves: usize,
    /// Bytes of header lines so far (each line's terminator counted as one byte).
    header_bytes: usize,
    /// Non-blank lines of the current header section.
    section_lines: usize,
    /// The whole input's length, when known (see `DataConfig::rows_bound`).
    input_bytes: Option<usize>,
    /// The data section (its title's line) already cut into stretches (see `read_ahead`).
    read_ahead_section: Option<usize>,
}

impl Parser {
    fn new(limits: ReadLimits) -> Self {
        Self {
            dec: TextDecoder::new("UTF-8"),
            sections: Vec::new(),
            set_parameters: Vec::new(),
            definitions: Vec::new(),
            current: Current::Start,
            finished: Vec::new(),
            pending: Vec::new(),
            warnings: Vec::new(),
            version: None,
            well_items_unversioned: Vec::new(),
            wrap: None,
            delim: None,
            null: None,
            null_seen: false,
            section_count: 0,
            seen_version: false,
            seen_well: false,
            seen_log_definition: false,
            seen_log_data: false,
            log_data_sections: 0,
            looks_las3: false,
            log_delim: None,
            log_wrap: None,
            first_content: None,
            warned_preamble: false,
            limits,
            curves: 0,
            header_bytes: 0,
            input_bytes: None,
            read_ahead_section: None,
            section_lines: 0,
        }
    }

    /// Count `added` more curves, refusing the file past the limit.
    fn count_curves(&mut self, line: usize, added: usize) -> Result<(), LasError> {
        self.curves = self.curves.saturating_add(added);
        let max = self.limits.max_curves;
        if self.curves > max {
            return Err(limits::exceeded(
                line,
                &format!("{} curves in the file", self.curves),
                max,
                "max_curves",
            ));
        }
        Ok(())
    }

    /// A header line (title, item, text or comment outside data sections) counts against the header
    /// limits before it is kept.
    fn count_header_line(&mut self, no: usize, raw: &[u8], title: bool) -> Result<(), LasError> {
        self.header_bytes = self.header_bytes.saturating_add(raw.len() + 1);
        let max = self.limits.max_header_bytes;
        if self.header_bytes > max {
            return Err(limits::exceeded(
                no,
                &format!("more than {max} bytes of header lines"),
                max,
                "max_header_bytes",
            ));
        }
        if title {
            self.section_lines = 0;
        } else {
            self.section_lines += 1;
            let max = self.limits.max_section_items;
            if self.section_lines > max && !matches!(self.current, Current::Start) {
                return Err(limits::exceeded(
                    no,
                    &format!("more than {max} lines in one header section"),
                    max,
                    "max_section_items",
                ));
            }
        }
        Ok(())
    }

    fn warn(&mut self, line: usize, kind: WarningKind, message: impl Into<String>) {
        self.warnings.push(warning(line, kind, message));
    }

    fn line(&mut self, no: usize, raw: &[u8]) -> Result<(), LasError> {
        let lead = raw.iter().find(|b| !b.is_ascii_whitespace()).copied();
        if lead == Some(b'~') {
            self.count_header_line(no, raw, true)?;
            return self.section(no, raw);
        }
        if let Current::Pending(p) = &mut self.current {
            p.push(raw);
            return Ok(());
        }
        let Some(lead) = lead else {
            return Ok(());
        };
        // The hot path: a data line.
        if let Current::Data(builder) = &mut self.current {
            if lead == b'#' {
                return Ok(());
            }
            return builder.line(no, raw, &mut self.dec);
        }
        self.count_header_line(no, raw, false)?;
        let text = self.dec.decode(no, raw).into_owned();
        if lead == b'#' {
            if let Current::Other(i) = self.current
                && let Some(s) = self.sections.get_mut(i)
            {
                s.text.push(text.trim_end().to_string());
            }
            return Ok(());
        }
        match self.current {
            Current::Start => self.preamble(no, raw),
            Current::Items(i) => {
                self.item_line(no, i, text.trim());
                Ok(())
            }
            Current::Other(i) => {
                if let Some(s) = self.sections.get_mut(i) {
                    s.text.push(text.trim_end().to_string());
                }
                Ok(())
            }
            Current::Definition(i) => self.curve_line(no, i, text.trim()),
            Current::Data(_) | Current::Pending(_) => Ok(()),
        }
    }

    /// The data section being read takes rows read apart (see `DataBuilder::fast_rows`) and has not been
    /// cut yet.
    fn may_read_ahead(&self) -> bool {
        match &self.current {
            Current::Data(builder) => {
                self.read_ahead_section != Some(builder.line) && builder.takes_fast_rows()
            }
            _ => false,
        }
    }

    /// The data section being read, from `lines` on, in stretches read on other threads (see `split`);
    /// this thread reads the first through `line`, then appends each of the others or reads it again.
    fn read_ahead(&mut self, lines: &mut SliceLines<'_>, split: Split) -> Result<(), LasError> {
        let Current::Data(builder) = &self.current else {
            return Ok(());
        };
        let section = builder.line;
        // Once per section: a stretch that stopped early is read on here, not cut again (a file whose
        // every hundredth row needs the tolerant path would otherwise be cut at every one of them).
        self.read_ahead_section = Some(section);
        let rest = lines.rest();
        let base = lines.pos();
        let cuts = split::cut(rest, split.parts(rest.len()));
        let mut stretches = Vec::with_capacity(cuts.len());
        for pair in cuts.windows(2) {
            let (Some(text), Some(rows)) = (rest.get(pair[0]..pair[1]), builder.fast_rows(0)) else {
                return Ok(());
            };
            stretches.push((text, rows));
        }
        if stretches.is_empty() {
            return Ok(());
        }
        let max_line = self.limits.max_line_bytes;
        std::thread::scope(|scope| {
            let handles: Vec<_> = stretches
                .into_iter()
                .map(|(text, rows)| {
                    // A thread that cannot start (wasm32) leaves its stretch to this one.
                    std::thread::Builder::new()
                        .name("las-stretch".to_string())
                        .spawn_scoped(scope, move || split::read_stretch(rows, text, max_line))
                        .ok()
                })
                .collect();
            for (handle, &start) in handles.into_iter().zip(&cuts) {
                let start = base + start;
                while lines.pos() < start {
                    let Some((no, raw)) = lines.next_line()? else {
                        break;
                    };
                    self.line(no, raw)?;
                }
                let Some(stretch) = handle.and_then(|h| h.join().ok()) else {
                    continue;
                };
                let offset = lines.line_no();
                if lines.pos() == start
                    && let Current::Data(builder) = &mut self.current
                    && builder.line == section
                    && builder.absorb(stretch.rows, offset)
                {
                    lines.skip_to(start + stretch.consumed, stretch.lines);
                    #[cfg(test)]
                    split::APPENDED.with(|n| n.set(n.get() + 1));
                }
            }
            Ok(())
        })
    }

    /// Text before the first `~` section.
    fn preamble(&mut self, no: usize, raw: &[u8]) -> Result<(), LasError> {
        self.first_content.get_or_insert(no);
        if let Some(col) = raw.iter().position(|&b| b == 0) {
            return Err(LasError {
                kind: LasErrorKind::NotLas,
                line: no,
                column: Some(col + 1),
                message: "binary content (a NUL byte) before any ~ section: not a LAS file".to_string(),
            });
        }
        if !self.warned_preamble {
            self.warned_preamble = true;
            self.warn(
                no,
                WarningKind::MalformedLine,
                "text before the first ~ section is ignored",
            );
        }
        Ok(())
    }

    fn section(&mut self, no: usize, raw: &[u8]) -> Result<(), LasError> {
        self.end_section()?;
        self.first_content.get_or_insert(no);
        let text = self.dec.decode(no, raw).into_owned();
        let title = text
            .trim_start()
            .strip_prefix('~')
            .unwrap_or("")
            .trim()
            .to_string();
        let role = header::classify(&title);
        self.placement_checks(no, &role);
        self.section_count += 1;
        let kind = match &role {
            Role::Version => SectionKind::Version,
            Role::Well => SectionKind::Well,
            Role::Parameter(_) => SectionKind::Parameter,
            Role::Other => SectionKind::Other,
            Role::Unknown => SectionKind::Unknown,
            Role::Definition(set) => {
                let is_log = set.eq_ignore_ascii_case(LOG);
                self.looks_las3 |= !is_log || title.contains('_');
                self.seen_log_definition |= is_log;
                self.definitions.push(Definition {
                    set: set.clone(),
                    curves: Vec::new(),
                    line: no,
                    used: false,
                });
                self.current = Current::Definition(self.definitions.len() - 1);
                return Ok(());
            }
            Role::Data { set, assoc } => {
                self.looks_las3 |= assoc.is_some() || title.contains('_');
                return self.start_data(no, &title, set, assoc.as_deref());
            }
        };
        match &role {
            Role::Version => self.seen_version = true,
            Role::Well => self.seen_well = true,
            Role::Parameter(Some(set)) => {
                self.looks_las3 = true;
                self.set_parameters.push((self.sections.len(), set.clone()));
            }
            _ => {}
        }
        self.sections.push(Section {
            title,
            kind,
            items: Vec::new(),
            text: Vec::new(),
            line: no,
        });
        let i = self.sections.len() - 1;
        self.current = if kind == SectionKind::Other {
            Current::Other(i)
        } else {
            Current::Items(i)
        };
        Ok(())
    }

    /// Sections in an order the spec does not allow are read anyway; the warning says what was odd.
    fn placement_checks(&mut self, no: usize, role: &Role) {
        let las3 = self.version == Some(LasVersion::V3_0);
        match role {
            Role::Version if self.seen_version => self.warn(
                no,
                WarningKind::MisplacedSection,
                "a second ~V section; its items are read too",
            ),
            Role::Version if self.section_count > 0 => {
                self.warn(no, WarningKind::MisplacedSection, "~V is not the first section")
            }
            Role::Well if self.seen_well => self.warn(
                no,
                WarningKind::MisplacedSection,
                "a second ~W section; its items are kept as a separate section",
            ),
            Role::Well if self.seen_log_definition && !las3 => {
                self.warn(no, WarningKind::MisplacedSection, "~W comes after ~C")
            }
            _ => {}
        }
        if self.seen_log_data && !las3 && !matches!(role, Role::Data { .. }) {
            self.warn(
                no,
                WarningKind::MisplacedSection,
                "a section after ~A, which should be the last section",
            );
        }
    }

    fn start_data(&mut self, no: usize, title: &str, set: &str, assoc: Option<&str>) -> Result<(), LasError> {
        let key = header::definition_key(set, assoc);
        let is_log = header::strip_index(set).eq_ignore_ascii_case(LOG);
        let name = if is_log {
            self.seen_log_data = true;
            self.log_data_sections += 1;
            if self.log_data_sections == 1 {
                LOG.to_string()
            } else {
                let name = format!("{LOG}[{}]", self.log_data_sections);
                self.warn(
                    no,
                    WarningKind::MisplacedSection,
                    format!("another log data section; kept as the data set {name}"),
                );
                name
            }
        } else {
            set.to_string()
        };
        // LAS 2.0 `~A  DEPTH  GR …`: the title line may name the columns.
        let title_names: Vec<String> = if is_log && assoc.is_none() {
            title.split_whitespace().skip(1).map(str::to_string).collect()
        } else {
            Vec::new()
        };
        let curves = match self.take_definition(&key, no)? {
            Some(curves) => Some(curves),
            // LAS 2.0 without ~C: the ~A title line may name the curves (`~A  DEPTH  GR`).
            None if !title_names.is_empty()
                && !self.definitions.iter().any(|d| d.set.eq_ignore_ascii_case(LOG)) =>
            {
                Some({
                    self.count_curves(no, title_names.len())?;
                    self.warn(
                        no,
                        WarningKind::MissingSection,
                        "no ~C section; the curves are named by the ~A line",
                    );
                    let mut curves: Vec<CurveInfo> = title_names
                        .iter()
                        .map(|n| CurveInfo {
                            mnemonic: n.clone(),
                            original_mnemonic: n.clone(),
                            unit: String::new(),
                            value: String::new(),
                            description: String::new(),
                            line: no,
                        })
                        .collect();
                    make_unique(&mut curves, &mut self.warnings);
                    curves
                })
            }
            None => None,
        };
        self.current = match curves {
            Some(curves) => Current::Data(Box::new(self.builder(name, curves, no, is_log, title_names))),
            None => Current::Pending(Pending {
                title_names,
                name,
                key,
                title: title.to_string(),
                line: no,
                is_log,
                text: Vec::new(),
                has_values: false,
            }),
        };
        Ok(())
    }

    /// The latest definition of a data set (by its exact name, else without an index suffix), marked used.
    /// A definition serving a second data set (`Core[1]`, `Core[2]`) makes its curves again: they count
    /// again against the curve limit, at the data section's `line`.
    fn take_definition(&mut self, key: &str, line: usize) -> Result<Option<Vec<CurveInfo>>, LasError> {
        let exact = self
            .definitions
            .iter()
            .rposition(|d| d.set.eq_ignore_ascii_case(key));
        let stripped = header::strip_index(key);
        let Some(i) = exact.or_else(|| {
            self.definitions
                .iter()
                .rposition(|d| d.set.eq_ignore_ascii_case(stripped))
        }) else {
            return Ok(None);
        };
        let Some(def) = self.definitions.get_mut(i) else {
            return Ok(None);
        };
        let reused = std::mem::replace(&mut def.used, true).then_some(def.curves.len());
        let curves = def.curves.clone();
        if let Some(count) = reused {
            self.count_curves(line, count)?;
        }
        Ok(Some(curves))
    }

    fn builder(
        &self,
        name: String,
        curves: Vec<CurveInfo>,
        line: usize,
        is_log: bool,
        title_names: Vec<String>,
    ) -> DataBuilder {
        let step = self.well_number("STEP");
        let expected_rows = if is_log {
            match (self.well_number("STRT"), self.well_number("STOP"), step) {
                (Some(a), Some(b), Some(s)) if s != 0.0 => {
                    let n = ((b - a) / s).round() + 1.0;
                    (n.is_finite() && n >= 1.0).then_some(n as usize)
                }
                _ => None,
            }
        } else {
            None
        };
        let cfg = DataConfig {
            delim: self.delim.unwrap_or(Delim::Whitespace),
            wrap: self.wrap.unwrap_or(false),
            nulls: NullPolicy::new(self.null),
            expected_rows,
            // Each row of `n` values takes at least `2n` bytes (a character and a separator per value).
            rows_bound: self
                .input_bytes
                .map(|total| total.saturating_sub(self.header_bytes) / (2 * curves.len().max(1))),
            // STEP 0 declares an irregular index.
            check_step: is_log && step != Some(0.0),
            max_curves: curves
                .len()
                .saturating_add(self.limits.max_curves.saturating_sub(self.curves)),
            limit: self.limits.max_curves,
        };
        DataBuilder::new(name, curves, line, title_names, cfg)
    }

    /// A numeric `~W` value by mnemonic.
    fn well_number(&self, mnemonic: &str) -> Option<f64> {
        let item = self.well_item(mnemonic)?;
        parse_number(&item.value)
    }

    fn well_item(&self, mnemonic: &str) -> Option<&HeaderItem> {
        self.sections
            .iter()
            .filter(|s| s.kind == SectionKind::Well)
            .flat_map(|s| &s.items)
            .find(|i| i.mnemonic.eq_ignore_ascii_case(mnemonic))
    }

    fn end_section(&mut self) -> Result<(), LasError> {
        match std::mem::replace(&mut self.current, Current::Start) {
            Current::Definition(i) => {
                if let Some(def) = self.definitions.get_mut(i) {
                    make_unique(&mut def.curves, &mut self.warnings);
                }
            }
            Current::Data(builder) => self.finish_builder(*builder)?,
            Current::Pending(p) => self.pending.push(p),
            Current::Items(_) | Current::Other(_) | Current::Start => {}
        }
        Ok(())
    }

    fn finish_builder(&mut self, builder: DataBuilder) -> Result<(), LasError> {
        // Curves added for extra values on the first row (the builder kept within what was left).
        self.curves = self.curves.saturating_add(builder.added_curves());
        let is_log = builder.name == LOG;
        if is_log {
            self.log_delim = Some(builder.delim());
            self.log_wrap = Some(builder.wrap());
        }
        let line = builder.line;
        let (set, warnings) = builder.finish()?;
        self.warnings.extend(warnings);
        self.finished.push((line, set, is_log));
        Ok(())
    }

    fn item_line(&mut self, no: usize, section: usize, text: &str) {
        let Some(kind) = self.sections.get(section).map(|s| s.kind) else {
            return;
        };
        let parsed = header::parse_line(text, false);
        let fields = match parsed {
            HeaderLine::Item(f) if !(kind == SectionKind::Unknown && f.no_period) => f,
            HeaderLine::Item(_) | HeaderLine::Text(_) => {
                if kind != SectionKind::Unknown {
                    self.warn(
                        no,
                        WarningKind::MalformedLine,
                        "not a `MNEM.UNIT VALUE : DESCRIPTION` line; kept as text",
                    );
                }
                if let Some(s) = self.sections.get_mut(section) {
                    s.text.push(text.to_string());
                }
                return;
            }
        };
        if let Some(issue) = fields.issue {
            self.warn(no, WarningKind::MalformedLine, issue);
        }
        let mut item = HeaderItem {
            mnemonic: fields.mnemonic,
            unit: fields.unit,
            value: fields.value,
            description: fields.description,
            line: no,
        };
        match kind {
            SectionKind::Version => self.version_item(&item),
            SectionKind::Well => {
                if self.version == Some(LasVersion::V1_2) && fields.has_colon && !fields.no_period {
                    unswap_12(&mut item, &mut self.warnings);
                }
                if item.mnemonic.eq_ignore_ascii_case("NULL") && !self.null_seen {
                    self.null_seen = true;
                    self.null = parse_number(&item.value);
                    if self.null.is_none() {
                        self.warn(
                            no,
                            WarningKind::Null,
                            format!(
                                "NULL value `{}` is not a number; -999.25, -9999 and -9999.25 are taken as nulls",
                                item.value
                            ),
                        );
                    }
                }
            }
            _ => {}
        }
        if let Some(s) = self.sections.get_mut(section) {
            if kind == SectionKind::Well && self.version.is_none() && fields.has_colon && !fields.no_period {
                self.well_items_unversioned.push((section, s.items.len()));
            }
            s.items.push(item);
        }
    }

    fn version_item(&mut self, item: &HeaderItem) {
        let value = item.value.trim();
        if item.mnemonic.eq_ignore_ascii_case("VERS") {
            let v = parse_number(value);
            let version = match v {
                Some(v) if (1.0..2.0).contains(&v) => Some(LasVersion::V1_2),
                Some(v) if (2.0..3.0).contains(&v) => Some(LasVersion::V2_0),
                Some(v) if (3.0..4.0).contains(&v) => Some(LasVersion::V3_0),
                _ => None,
            };
            match (version, v) {
                (Some(ver), Some(v)) if v != 1.2 && v != 2.0 && v != 3.0 => self.warn(
                    item.line,
                    WarningKind::Other,
                    format!(
                        "VERS {value} is not a published LAS version; read as {}",
                        version_name(ver)
                    ),
                ),
                (None, _) => self.warn(
                    item.line,
                    WarningKind::MalformedLine,
                    format!("VERS `{value}` is not a known LAS version; the version is inferred"),
                ),
                _ => {}
            }
            if self.version.is_none() {
                self.version = version;
            }
        } else if item.mnemonic.eq_ignore_ascii_case("WRAP") {
            match value.to_ascii_uppercase().as_str() {
                "YES" | "Y" => self.wrap = Some(true),
                "NO" | "N" => self.wrap = Some(false),
                _ => self.warn(
                    item.line,
                    WarningKind::MalformedLine,
                    format!("WRAP `{value}` is neither YES nor NO; NO assumed"),
                ),
            }
        } else if item.mnemonic.eq_ignore_ascii_case("DLM") {
            match value.to_ascii_uppercase().as_str() {
                "SPACE" | "" => self.delim = Some(Delim::Whitespace),
                "COMMA" | "," => self.delim = Some(Delim::Comma),
                "TAB" => self.delim = Some(Delim::Tab),
                _ => self.warn(
                    item.line,
                    WarningKind::MalformedLine,
                    format!("DLM `{value}` is not SPACE, COMMA or TAB; SPACE assumed"),
                ),
            }
        }
    }

    fn curve_line(&mut self, no: usize, def: usize, text: &str) -> Result<(), LasError> {
        match header::parse_line(text, true) {
            HeaderLine::Item(f) => {
                self.count_curves(no, 1)?;
                if let Some(issue) = f.issue {
                    self.warn(no, WarningKind::MalformedLine, issue);
                }
                if let Some(d) = self.definitions.get_mut(def) {
                    d.curves.push(CurveInfo {
                        original_mnemonic: f.mnemonic.clone(),
                        mnemonic: f.mnemonic,
                        unit: f.unit,
                        value: f.value,
                        description: f.description,
                        line: no,
                    });
                }
            }
            HeaderLine::Text(reason) => self.warn(
                no,
                WarningKind::MalformedLine,
                format!("line in a curve section ignored: {reason}"),
            ),
        }
        Ok(())
    }

    fn finish(
        mut self,
        stream_encoding: &'static str,
        stream_warning: Option<Warning>,
    ) -> Result<LasFile, LasError> {
        self.end_section()?;
        if self.section_count == 0 {
            return Err(LasError {
                kind: LasErrorKind::NotLas,
                line: self.first_content.unwrap_or(1),
                column: None,
                message: "no ~ section found: not a LAS file".to_string(),
            });
        }
        self.resolve_pending()?;
        let version = self.settle_version();
        if version == LasVersion::V1_2 {
            // ~W came before ~V said 1.2: put its values back now.
            for (s, i) in std::mem::take(&mut self.well_items_unversioned) {
                if let Some(item) = self.sections.get_mut(s).and_then(|s| s.items.get_mut(i)) {
                    unswap_12(item, &mut self.warnings);
                }
            }
        }

        let (log, other_data) = self.assemble_data_sets();
        let mut file = LasFile {
            version,
            wrap: self.wrap.unwrap_or(false) || self.log_wrap == Some(true),
            delimiter: match self.log_delim.or(self.delim) {
                Some(Delim::Whitespace) | None => None,
                Some(d) => d.as_char(),
            },
            null_value: self.null,
            sections: std::mem::take(&mut self.sections),
            log,
            other_data,
            warnings: Vec::new(),
            encoding: if self.dec.fallback_warning.is_some() {
                self.dec.encoding
            } else {
                stream_encoding
            },
        };
        self.attach_parameters(&mut file);
        self.header_checks(&file);
        self.missing_sections(&file);

        let mut warnings = std::mem::take(&mut self.warnings);
        warnings.extend(stream_warning);
        warnings.extend(self.dec.fallback_warning.take());
        warnings.sort_by_key(|w| w.line);
        file.warnings = warnings;
        Ok(file)
    }

    /// Data sections that came before their definitions are read now.
    fn resolve_pending(&mut self) -> Result<(), LasError> {
        for mut p in std::mem::take(&mut self.pending) {
            let Some(curves) = self.take_definition(&p.key, p.line)? else {
                if !p.has_values {
                    continue;
                }
                return Err(LasError {
                    kind: LasErrorKind::NoCurves,
                    line: p.line,
                    column: None,
                    message: format!("data section ~{} has values but no curve definitions", p.title),
                });
            };
            self.warn(
                p.line,
                WarningKind::MisplacedSection,
                format!("data section ~{} comes before its curve definitions", p.title),
            );
            let (name, title_names) = (std::mem::take(&mut p.name), std::mem::take(&mut p.title_names));
            let mut builder = self.builder(name, curves, p.line, p.is_log, title_names);
            for (no, raw) in p.data_lines() {
                builder.line(no, raw, &mut self.dec)?;
            }
            self.finish_builder(builder)?;
        }
        Ok(())
    }

    fn settle_version(&mut self) -> LasVersion {
        if let Some(v) = self.version {
            return v;
        }
        let v = if self.looks_las3 {
            LasVersion::V3_0
        } else {
            LasVersion::V2_0
        };
        let why = if self.seen_version {
            "~V has no usable VERS"
        } else {
            "no ~V section"
        };
        self.warn(
            0,
            WarningKind::MissingSection,
            format!("{why}; read as LAS {}", version_name(v)),
        );
        v
    }

    /// The log and the other data sets, in file order; definitions without data become empty data sets.
    fn assemble_data_sets(&mut self) -> (DataSet, Vec<DataSet>) {
        let mut sets: Vec<(usize, DataSet, bool)> = std::mem::take(&mut self.finished);
        for def in self.definitions.iter().filter(|d| !d.used) {
            let is_log = def.set.eq_ignore_ascii_case(LOG);
            if is_log && sets.iter().any(|(_, _, l)| *l) {
                continue;
            }
            let columns = def
                .curves
                .iter()
                .map(|c| {
                    if header::is_string_hint(&c.description) {
                        Column::Text(Vec::new())
                    } else {
                        Column::Numeric(Vec::new())
                    }
                })
                .collect();
            let name = if is_log { LOG.to_string() } else { def.set.clone() };
            sets.push((
                def.line,
                DataSet {
                    name,
                    curves: def.curves.clone(),
                    columns,
                    parameters: Vec::new(),
                },
                is_log,
            ));
        }
        sets.sort_by_key(|(line, _, _)| *line);
        let mut log = None;
        let mut others = Vec::new();
        for (_, set, is_log) in sets {
            if is_log && log.is_none() {
                log = Some(set);
            } else {
                others.push(set);
            }
        }
        let log = log.unwrap_or_else(|| DataSet {
            name: LOG.to_string(),
            curves: Vec::new(),
            columns: Vec::new(),
            parameters: Vec::new(),
        });
        (log, others)
    }

    /// `~X_Parameter` items belong to data set X; without such a data set they stay a section.
    fn attach_parameters(&mut self, file: &mut LasFile) {
        let mut moved = Vec::new();
        for (index, set) in &self.set_parameters {
            let Some(section) = file.sections.get(*index) else {
                continue;
            };
            let items = section.items.clone();
            if set.eq_ignore_ascii_case(LOG) {
                file.log.parameters.extend(items);
                moved.push(*index);
                continue;
            }
            let mut attached = false;
            for ds in &mut file.other_data {
                // `Core_Parameter` serves `Core[1]` and `Core[2]`; `Test_Parameter[1]` serves `Test[1]`.
                if ds.name.eq_ignore_ascii_case(set)
                    || header::strip_index(&ds.name).eq_ignore_ascii_case(set)
                {
                    ds.parameters.extend(items.iter().cloned());
                    attached = true;
                }
            }
            if attached {
                moved.push(*index);
            }
        }
        moved.sort_unstable();
        for index in moved.into_iter().rev() {
            if index < file.sections.len() {
                file.sections.remove(index);
            }
        }
    }

    /// STRT, STOP and STEP against the log's index. The data wins; a mismatch is a warning.
    fn header_checks(&mut self, file: &LasFile) {
        let Some(index) = file.log.columns.first().and_then(Column::as_numeric) else {
            return;
        };
        let finite: Vec<f64> = index.iter().copied().filter(|v| v.is_finite()).take(2).collect();
        let (Some(&first), Some(&last)) = (finite.first(), index.iter().rev().find(|v| v.is_finite())) else {
            return;
        };
        let mut checks = vec![
            ("STRT", first, "the first index value"),
            ("STOP", last, "the last index value"),
        ];
        if let (Some(&a), Some(&b)) = (index.first(), index.get(1))
            && a.is_finite()
            && b.is_finite()
        {
            checks.push(("STEP", b - a, "the step between the first two rows"));
        }
        for (mnemonic, actual, what) in checks {
            let Some(item) = file.well_item(mnemonic) else {
                continue;
            };
            let Some(declared) = parse_number(&item.value) else {
                if !item.value.is_empty() {
                    self.warn(
                        item.line,
                        WarningKind::HeaderMismatch,
                        format!("{mnemonic} `{}` is not a number", item.value),
                    );
                }
                continue;
            };
            if mnemonic == "STEP" && declared == 0.0 {
                continue;
            }
            let tolerance = if mnemonic == "STEP" { 1e-5 } else { 1e-7 };
            if (declared - actual).abs() > tolerance * declared.abs().max(actual.abs()).max(1e-12) {
                self.warn(
                    item.line,
                    WarningKind::HeaderMismatch,
                    format!("{mnemonic} is {declared} but {what} is {actual}; the data is used"),
                );
            }
        }
    }

    fn missing_sections(&mut self, file: &LasFile) {
        if !self.seen_well {
            self.warn(0, WarningKind::MissingSection, "no ~W section");
        }
        let has_log_definition = self.definitions.iter().any(|d| d.set.eq_ignore_ascii_case(LOG));
        if !has_log_definition && file.log.curves.is_empty() {
            let msg = if file.other_data.is_empty() {
                "no ~C section: the log has no curves"
            } else {
                "no log data set"
            };
            self.warn(0, WarningKind::MissingSection, msg);
        } else if !self.seen_log_data {
            self.warn(
                0,
                WarningKind::MissingSection,
                "no ~A section: the log has no rows",
            );
        }
    }
}

fn version_name(v: LasVersion) -> &'static str {
    match v {
        LasVersion::V1_2 => "1.2",
        LasVersion::V2_0 => "2.0",
        LasVersion::V3_0 => "3.0",
    }
}

/// A number in a header value: plain, or with a decimal comma.
fn parse_number(value: &str) -> Option<f64> {
    let v = value.trim();
    number(v.as_bytes()).or_else(|| comma_decimal(v))
}

/// In LAS 1.2 `~W` these items keep the value before the colon; all others have it after.
fn is_ordered_12(mnemonic: &str) -> bool {
    ["STRT", "STOP", "STEP", "NULL"]
        .iter()
        .any(|m| mnemonic.eq_ignore_ascii_case(m))
}

fn swap_warning(item: &HeaderItem) -> Warning {
    warning(
        item.line,
        WarningKind::SwappedValue,
        format!(
            "LAS 1.2 ~W layout: {} value `{}` read from after the colon (description `{}`)",
            item.mnemonic, item.value, item.description
        ),
    )
}

/// LAS 1.2 `~W` lines read `MNEM.UNIT  DESCRIPTION: VALUE` (the spec's own example:
/// `WELL.  WELL:  ANY ET AL A9-16-49-20`). The split is at the first colon here: the description is a
/// label, the value may be a time (`DATE.  LOG DATE: 12:30`).
fn unswap_12(item: &mut HeaderItem, warnings: &mut Vec<Warning>) {
    if is_ordered_12(&item.mnemonic) {
        return;
    }
    let joined = format!("{}:{}", item.value, item.description);
    let Some((description, value)) = joined.split_once(':') else {
        return;
    };
    let (value, description) = (value.trim().to_string(), description.trim().to_string());
    if value == item.value && description == item.description {
        return;
    }
    item.value = value;
    item.description = description;
    warnings.push(swap_warning(item));
}
