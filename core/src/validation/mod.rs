//! Named checks that run on a parsed LAS file before anything is written.
//!
//! A check has a name, and each finding it makes has a severity: a warning is reported and the file
//! is stored; an error rejects the file, and nothing of it is written. The decisions, in one place:
//!
//! - **Depth order.** The index (first curve) must be strictly monotonic. Increasing is the norm;
//!   strictly decreasing (logged upward, `STEP < 0`) is just as valid and is stored sorted by
//!   increasing depth, with no warning — it is a LAS convention, not a defect. Rows that repeat the row
//!   before them exactly were already dropped, with a warning, by [`repair`]. What is left and
//!   still not strictly monotonic is an **error**: a null index value, one depth with two different
//!   samples, or a change of direction (spliced passes, a file of repeated blocks). Sorting those would
//!   silently pick an order or interleave two passes; the message names the data row so a person can
//!   split or fix the file.
//! - **Step.** A non-zero header `STEP` that disagrees with the data's typical spacing is a warning
//!   (the data wins; `STEP 0` declares irregular sampling and is not checked).
//! - **Nulls.** A curve with more than [`ValidationConfig::null_ratio_warning`] of its samples null is a
//!   warning; a file in which every curve but the index is entirely null is an error.
//! - **Units.** A unit string the unit registry does not know is a warning. Blank units and words that
//!   say "no unit" (`NONE`, `UNITLESS`, `-`) are not flagged: many files leave GR or PEF blank, and that
//!   means "not stated", not "wrong".
//! - **Empty data.** No rows, or no curve besides the index, is an error.
//! - **Duplicate well.** A different file whose well id matches a well already in the project with a
//!   log of the same data set name is a **warning, and the file is kept as another version**: its log
//!   id comes from its own content hash, so both logs live side by side under the well and both are in
//!   the catalogs. Nothing is overwritten or lost; one warning per file names the earlier files so a
//!   person can delete the one that is wrong.

pub mod order;
pub mod repair;

use crate::las::{Column, LasFile};
use crate::layout::WellId;
use crate::model::{WellHeader, canonical_unit};
use serde::{Deserialize, Serialize};

/// One thing said about a file that is kept: who said it (`reader`, `repair`, `header`, `ingest` or a
/// check's name), the line when it is about one, and what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub source: String,
    pub line: Option<usize>,
    pub message: String,
}

/// The verdict on a parsed file before anything is written: the server's ingest and the browser's
/// import preview both come to it through [`check_file`], so the preview says what the server will say.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The file's well header (identity, location).
    pub header: WellHeader,
    /// The well id the file would be stored under.
    pub well_id: WellId,
    /// Reader warnings, repairs made, header and validation warnings, in that order.
    pub notes: Vec<Note>,
    /// Why the file is refused (every error finding, `message [check]`, joined); `None` when it goes in.
    pub rejection: Option<String>,
}

/// Repairs `las` (rows repeating the one before them are dropped) and checks it with `registry`.
/// `sha256` is the file's content hash (the last resort of its well id); `known_logs` are the project's
/// logs (none in the browser, which cannot know them: the duplicate-well warning is the server's).
pub fn check_file(las: &mut LasFile, registry: &Registry, sha256: &str, known_logs: &[KnownLog]) -> Verdict {
    let mut notes: Vec<Note> = las
        .warnings
        .iter()
        .map(|w| Note {
            source: "reader".to_owned(),
            line: (w.line > 0).then_some(w.line),
            message: w.message.clone(),
        })
        .collect();
    notes.extend(repair::drop_repeated_rows(las).into_iter().map(|message| Note {
        source: "repair".to_owned(),
        line: None,
        message,
    }));
    notes.extend(
        order::apply(las, registry.config().depth_order)
            .into_iter()
            .map(|message| Note {
                source: "depth_order".to_owned(),
                line: None,
                message,
            }),
    );
    let header = WellHeader::from_las(las);
    if let Some(issue) = &header.location_issue {
        notes.push(Note {
            source: "header".to_owned(),
            line: None,
            message: format!("location not used: {issue}"),
        });
    }
    for data_set in &las.other_data {
        notes.push(Note {
            source: "ingest".to_owned(),
            line: None,
            message: format!(
                "data set {} ({} rows) is not ingested yet: only the main log data is stored",
                data_set.name,
                data_set.rows()
            ),
        });
    }
    for (mnemonic, kept) in [("UWI", &header.uwi), ("API", &header.api)] {
        if kept.is_none()
            && let Some(found) = las.well_value(mnemonic).map(str::trim).filter(|v| !v.is_empty())
        {
            notes.push(Note {
                source: "header".to_owned(),
                line: None,
                message: format!(
                    "{mnemonic} {found} is the file's NULL value, not an identifier: the well is not \
                     identified by it"
                ),
            });
        }
    }
    let well_id = WellId::derive(
        header.uwi.as_deref(),
        header.api.as_deref(),
        header.name.as_deref(),
        sha256,
    );
    let outcome = registry.run(&Subject {
        las,
        well_id: well_id.as_str(),
        sha256,
        known_logs,
    });
    notes.extend(outcome.warnings().map(|f| Note {
        source: f.check.clone(),
        line: f.line,
        message: f.message.clone(),
    }));
    let rejection = outcome.is_rejected().then(|| {
        outcome
            .errors()
            .map(|f| format!("{} [{}]", f.message, f.check))
            .collect::<Vec<_>>()
            .join("; ")
    });
    Verdict {
        header,
        well_id,
        notes,
        rejection,
    }
}

/// Whether a finding stops the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// One thing a check found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The check's name (`depth_order`, `null_ratio` …).
    pub check: String,
    pub severity: Severity,
    pub message: String,
    /// The line of the file it is about, when it is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

/// Thresholds of the standard checks.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationConfig {
    /// A curve with a larger share of null samples than this gets a warning.
    pub null_ratio_warning: f64,
    /// Relative difference between header STEP and the data's median step that is still fine.
    pub step_tolerance: f64,
    /// What to do with rows out of depth order ([`order::apply`], before the checks).
    pub depth_order: order::DepthOrderPolicy,
}

impl Default for ValidationConfig {
    fn default() -> Self {
        ValidationConfig {
            null_ratio_warning: 0.5,
            step_tolerance: 0.01,
            depth_order: order::DepthOrderPolicy::default(),
        }
    }
}

/// A log already in the project's catalog, as the duplicate-well check needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownLog {
    pub well_id: String,
    pub log_id: String,
    pub data_set: String,
    pub source_file: String,
    pub sha256: String,
}

/// What a check sees.
pub struct Subject<'a> {
    pub las: &'a LasFile,
    /// The well id this file would be stored under.
    pub well_id: &'a str,
    pub sha256: &'a str,
    /// Logs already in the project (empty when the project is new).
    pub known_logs: &'a [KnownLog],
}

/// A named check with a fixed severity; `run` returns one message per problem found.
pub trait Check: Send + Sync {
    fn name(&self) -> &'static str;
    fn severity(&self) -> Severity;
    fn run(&self, subject: &Subject<'_>, config: &ValidationConfig) -> Vec<String>;
    /// [`Check::run`] with the line each message is about, for a check whose findings are about one
    /// line of the file (a curve's definition): the report's structured `line` field.
    fn run_with_lines(
        &self,
        subject: &Subject<'_>,
        config: &ValidationConfig,
    ) -> Vec<(String, Option<usize>)> {
        self.run(subject, config).into_iter().map(|m| (m, None)).collect()
    }
}

/// The checks to run, in order, with their thresholds.
pub struct Registry {
    checks: Vec<Box<dyn Check>>,
    config: ValidationConfig,
}

/// What validation concluded about a file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
}

impl Outcome {
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.severity == Severity::Error)
    }
    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.severity == Severity::Warning)
    }
    pub fn is_rejected(&self) -> bool {
        self.errors().next().is_some()
    }
}

impl Registry {
    /// Every standard check with the default thresholds.
    pub fn standard() -> Self {
        Registry::with_config(ValidationConfig::default())
    }

    pub fn with_config(config: ValidationConfig) -> Self {
        Registry {
            checks: vec![
                Box::new(EmptyData),
                Box::new(IndexColumn),
                Box::new(DepthOrder),
                Box::new(StepMatchesHeader),
                Box::new(AllNull),
                Box::new(NullRatio),
                Box::new(UnknownUnits),
                Box::new(DuplicateWell),
            ],
            config,
        }
    }

    pub fn config(&self) -> &ValidationConfig {
        &self.config
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.checks.iter().map(|c| c.name()).collect()
    }

    /// Runs every check. A check that finds nothing adds nothing; `EmptyData` failing stops the rest,
    /// which would only repeat it.
    pub fn run(&self, subject: &Subject<'_>) -> Outcome {
        let mut findings = Vec::new();
        for check in &self.checks {
            let messages = check.run_with_lines(subject, &self.config);
            let stop = check.name() == EmptyData.name() && !messages.is_empty();
            findings.extend(messages.into_iter().map(|(message, line)| Finding {
                check: check.name().to_owned(),
                severity: check.severity(),
                message,
                line,
            }));
            if stop {
                break;
            }
        }
        Outcome { findings }
    }
}

/// A depth or step for a message: at most six decimals, no trailing zeros (`0.1`, not
/// `0.09999999999999998`).
pub fn num(v: f64) -> String {
    let text = format!("{v:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

fn index_values(las: &LasFile) -> Option<&[f64]> {
    las.log.columns.first().and_then(Column::as_numeric)
}

fn null_count(column: &Column) -> usize {
    match column {
        Column::Numeric(v) => v.iter().filter(|x| x.is_nan()).count(),
        Column::Text(v) => v.iter().filter(|x| x.is_none()).count(),
    }
}

struct EmptyData;

impl Check for EmptyData {
    fn name(&self) -> &'static str {
        "empty_data"
    }
    fn severity(&self) -> Severity {
        Severity::Error
    }
    fn run(&self, s: &Subject<'_>, _: &ValidationConfig) -> Vec<String> {
        let log = &s.las.log;
        let problem = if log.curves.is_empty() {
            "the file defines no curves: add a ~Curve section".to_owned()
        } else if log.curves.len() < 2 {
            format!(
                "the file has only its index curve {}: there is no log data to store",
                log.curves[0].mnemonic
            )
        } else if log.rows() == 0 {
            "the data section has no rows: the file holds headers only".to_owned()
        } else {
            return Vec::new();
        };
        vec![problem]
    }
}

/// The curve list against the data: when the first column does not run from STRT to STOP but another
/// column does, the `~Curve` section's order (or count) differs from the data's and every column would
/// be stored under another curve's name. Which name belongs to which column is not in the file, so the
/// file is refused, naming the column that looks like the index.
struct IndexColumn;

impl IndexColumn {
    /// The first and last values of a column that has any.
    fn ends(column: &Column) -> Option<(f64, f64)> {
        let values = column.as_numeric()?;
        let first = values.iter().copied().find(|v| v.is_finite())?;
        let last = values.iter().copied().rev().find(|v| v.is_finite())?;
        Some((first, last))
    }
}

impl Check for IndexColumn {
    fn name(&self) -> &'static str {
        "index_column"
    }
    fn severity(&self) -> Severity {
        Severity::Error
    }
    fn run(&self, s: &Subject<'_>, _: &ValidationConfig) -> Vec<String> {
        let log = &s.las.log;
        let header = |m: &str| {
            s.las
                .well_value(m)
                .and_then(crate::model::parse_header_number)
                .filter(|v| s.las.null_value.is_none_or(|n| *v != n) && *v != -999.25)
        };
        let (Some(strt), Some(stop)) = (header("STRT"), header("STOP")) else {
            return Vec::new();
        };
        if strt == stop {
            return Vec::new();
        }
        // Half a step of slack, at least a millionth of the range: headers round.
        let step = header("STEP").map_or(0.0, f64::abs);
        let slack = (step / 2.0).max((stop - strt).abs() * 1e-6);
        let spans = |c: &Column| {
            Self::ends(c).is_some_and(|(a, b)| (a - strt).abs() <= slack && (b - stop).abs() <= slack)
        };
        let Some(index) = log.columns.first() else {
            return Vec::new();
        };
        if spans(index) {
            return Vec::new();
        }
        let matching: Vec<usize> = (1..log.columns.len())
            .filter(|&c| log.columns.get(c).is_some_and(spans))
            .collect();
        let [column] = matching[..] else {
            return Vec::new();
        };
        let (Some(first), Some(named)) = (log.curves.first(), log.curves.get(column)) else {
            return Vec::new();
        };
        let shown = Self::ends(index).map_or("no numbers".to_owned(), |(a, b)| {
            format!("from {} to {}", num(a), num(b))
        });
        vec![format!(
            "the curve list does not match the data: data column {} (named {} by ~Curve) runs from STRT {} \
             to STOP {} and looks like the index, while the first column (named {}) runs {shown}; the \
             ~Curve section lists the curves in another order (or number) than the data holds them: fix \
             the ~Curve section",
            column + 1,
            named.mnemonic,
            num(strt),
            num(stop),
            first.mnemonic,
        )]
    }
}

struct DepthOrder;

impl Check for DepthOrder {
    fn name(&self) -> &'static str {
        "depth_order"
    }
    fn severity(&self) -> Severity {
        Severity::Error
    }
    fn run(&self, s: &Subject<'_>, config: &ValidationConfig) -> Vec<String> {
        let Some(curve) = s.las.log.curves.first() else {
            return Vec::new();
        };
        let name = &curve.mnemonic;
        let Some(depth) = index_values(s.las) else {
            return vec![format!(
                "the index curve {name} is not numeric: the first curve must be depth or time"
            )];
        };
        if let Some(row) = depth.iter().position(|d| !d.is_finite()) {
            return vec![format!(
                "the index curve {name} is null at data row {}: every row needs a depth",
                row + 1
            )];
        }
        // Rows out of order were sorted or dropped as the user chose (`order::apply`), and said so.
        if config.depth_order != order::DepthOrderPolicy::Reject {
            return Vec::new();
        }
        let mut direction = 0.0f64;
        for (i, pair) in depth.windows(2).enumerate() {
            let delta = pair[1] - pair[0];
            if delta == 0.0 {
                return vec![format!(
                    "{name} {} repeats at data rows {} and {} with different values: two samples at one \
                     depth are ambiguous (--on-depth-order sort keeps both, keep-first the first)",
                    num(pair[0]),
                    i + 1,
                    i + 2
                )];
            }
            if direction == 0.0 {
                direction = delta.signum();
            } else if delta.signum() != direction {
                let was = if direction > 0.0 {
                    "increasing"
                } else {
                    "decreasing"
                };
                return vec![format!(
                    "{name} stops {was} at data row {} ({} after {}): the rows are not in depth order \
                     (--on-depth-order sort keeps every sample in depth order, keep-first the first pass)",
                    i + 2,
                    num(pair[1]),
                    num(pair[0])
                )];
            }
        }
        Vec::new()
    }
}

struct StepMatchesHeader;

impl Check for StepMatchesHeader {
    fn name(&self) -> &'static str {
        "step"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn run(&self, s: &Subject<'_>, config: &ValidationConfig) -> Vec<String> {
        let header = s
            .las
            .well_value("STEP")
            .and_then(|v| v.trim().parse::<f64>().ok());
        let (Some(step), Some(depth)) = (header, index_values(s.las)) else {
            return Vec::new();
        };
        if step == 0.0 || !step.is_finite() || depth.len() < 3 {
            return Vec::new();
        }
        let mut deltas: Vec<f64> = depth
            .windows(2)
            .map(|w| w[1] - w[0])
            .filter(|d| d.is_finite())
            .collect();
        if deltas.is_empty() {
            return Vec::new();
        }
        deltas.sort_by(f64::total_cmp);
        let median = deltas[deltas.len() / 2];
        let line = s.las.well_item("STEP").map_or(0, |i| i.line);
        if (median.abs() - step.abs()).abs() > config.step_tolerance * step.abs() {
            vec![format!(
                "header STEP is {} (line {line}) but the data step by {}: the data are used as they are",
                num(step),
                num(median)
            )]
        } else if median.signum() != step.signum() {
            vec![format!(
                "header STEP is {} (line {line}) but depth {} down the file: the data are used as they are",
                num(step),
                if median > 0.0 { "increases" } else { "decreases" }
            )]
        } else {
            Vec::new()
        }
    }
}

struct AllNull;

impl Check for AllNull {
    fn name(&self) -> &'static str {
        "all_null"
    }
    fn severity(&self) -> Severity {
        Severity::Error
    }
    fn run(&self, s: &Subject<'_>, _: &ValidationConfig) -> Vec<String> {
        let log = &s.las.log;
        let rows = log.rows();
        let data = log.columns.iter().skip(1);
        if rows == 0 || log.columns.len() < 2 || data.clone().any(|c| null_count(c) < rows) {
            return Vec::new();
        }
        vec![format!(
            "every curve is null in all {rows} rows: check the NULL value in ~Well (it is {})",
            s.las.null_value.map_or("not set".to_owned(), |v| v.to_string())
        )]
    }
}

struct NullRatio;

impl Check for NullRatio {
    fn name(&self) -> &'static str {
        "null_ratio"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn run(&self, s: &Subject<'_>, config: &ValidationConfig) -> Vec<String> {
        let log = &s.las.log;
        let rows = log.rows();
        if rows == 0 {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (curve, column) in log.curves.iter().zip(&log.columns).skip(1) {
            let nulls = null_count(column);
            let ratio = nulls as f64 / rows as f64;
            if ratio > config.null_ratio_warning {
                out.push(format!(
                    "curve {} is {:.0}% null ({nulls} of {rows} samples)",
                    curve.mnemonic,
                    ratio * 100.0
                ));
            }
        }
        out
    }
}

struct UnknownUnits;

impl Check for UnknownUnits {
    fn name(&self) -> &'static str {
        "units"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn run(&self, s: &Subject<'_>, config: &ValidationConfig) -> Vec<String> {
        self.run_with_lines(s, config)
            .into_iter()
            .map(|(m, _)| m)
            .collect()
    }
    fn run_with_lines(&self, s: &Subject<'_>, _: &ValidationConfig) -> Vec<(String, Option<usize>)> {
        s.las
            .log
            .curves
            .iter()
            .filter(|c| !states_no_unit(&c.unit) && canonical_unit(c.unit.trim()).is_none())
            .map(|c| {
                let message = format!(
                    "curve {} has unit {:?} that MudRock does not know: kept as written, but it cannot be \
                     converted",
                    c.mnemonic,
                    c.unit.trim(),
                );
                (message, (c.line > 0).then_some(c.line))
            })
            .collect()
    }
}

/// Blank, or a word that says "no unit" (`NONE`, `UNITLESS`, `-`): nothing to convert, nothing wrong.
fn states_no_unit(unit: &str) -> bool {
    let unit = unit.trim();
    unit.is_empty()
        || ["NONE", "UNITLESS", "-", "N/A", "NA", "NO UNIT"]
            .iter()
            .any(|w| w.eq_ignore_ascii_case(unit))
}

struct DuplicateWell;

impl Check for DuplicateWell {
    fn name(&self) -> &'static str {
        "duplicate_well"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn run(&self, s: &Subject<'_>, _: &ValidationConfig) -> Vec<String> {
        const NAMED: usize = 3;
        let data_set = &s.las.log.name;
        let earlier: Vec<&KnownLog> = s
            .known_logs
            .iter()
            .filter(|k| k.well_id == s.well_id && k.sha256 != s.sha256)
            .filter(|k| k.data_set.eq_ignore_ascii_case(data_set))
            .collect();
        if earlier.is_empty() {
            return Vec::new();
        }
        let mut files: Vec<&str> = earlier
            .iter()
            .take(NAMED)
            .map(|k| k.source_file.as_str())
            .collect();
        let more = earlier.len().saturating_sub(NAMED);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        files.dedup();
        vec![format!(
            "well {} already has {} {data_set} log{} (from {}{more}): this file is stored beside {} as \
             another log; delete the one that is wrong",
            s.well_id,
            earlier.len(),
            if earlier.len() == 1 { "" } else { "s" },
            files.join(", "),
            if earlier.len() == 1 { "it" } else { "them" },
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::las::read_bytes;

    /// A LAS 2.0 file with `STEP` and the given `~C` lines and data rows.
    fn las(step: &str, curves: &str, data: &str) -> LasFile {
        let text = format!(
            "~V\n VERS. 2.0 :\n WRAP. NO :\n~W\n STEP.M {step} : STEP\n NULL. -999.25 :\n~C\n DEPT.M :\n{curves}~A\n{data}"
        );
        read_bytes(text.as_bytes()).unwrap()
    }

    fn run(las: &LasFile, known: &[KnownLog]) -> Outcome {
        Registry::standard().run(&Subject {
            las,
            well_id: "W1",
            sha256: "new",
            known_logs: known,
        })
    }

    fn checks(outcome: &Outcome) -> Vec<(&str, Severity)> {
        outcome
            .findings
            .iter()
            .map(|f| (f.check.as_str(), f.severity))
            .collect()
    }

    #[test]
    fn every_check_is_registered_by_name() {
        assert_eq!(
            Registry::standard().names(),
            [
                "empty_data",
                "index_column",
                "depth_order",
                "step",
                "all_null",
                "null_ratio",
                "units",
                "duplicate_well"
            ]
        );
    }

    #[test]
    fn an_identifier_written_as_the_null_value_is_none_and_the_api_number_identifies_the_well() {
        let file = |null: &str, uwi: &str, api: &str| {
            let text = format!(
                "~V\n VERS. 2.0 :\n WRAP. NO :\n~W\n NULL. {null} :\n WELL. A-10 :\n UWI. {uwi} :\n \
                 API. {api} :\n~C\n DEPT.M :\n GR.GAPI :\n~A\n1 10\n2 20\n"
            );
            let mut las = read_bytes(text.as_bytes()).unwrap();
            check_file(&mut las, &Registry::standard(), "ab12", &[])
        };
        // Two files of one well: one with no UWI, one with the NULL value in its place.
        let blank = file("-999.25", "", "42-501-20130");
        let null = file("-9999", "-9999", "42-501-20130");
        assert_eq!(blank.well_id.as_str(), "42-501-20130");
        assert_eq!(null.well_id, blank.well_id);
        assert_eq!(null.header.uwi, None);
        let note = null.notes.iter().find(|n| n.message.starts_with("UWI -9999"));
        assert!(note.is_some_and(|n| n.source == "header"), "{:?}", null.notes);
        // A NULL API number is none either: the well name is what is left.
        let neither = file("-9999", "-9999.0", "-9999");
        assert_eq!(neither.well_id.as_str(), "A-10");
        assert_eq!((neither.header.uwi, neither.header.api), (None, None));
        // A real UWI stays first.
        assert_eq!(
            file("-9999", "05-001-31331-0000", "42-501-20130")
                .well_id
                .as_str(),
            "05-001-31331-0000"
        );
    }

    #[test]
    fn a_curve_list_in_another_order_than_the_data_is_refused_naming_the_index_column() {
        let file = |curves: &str, data: &str| {
            let text = format!(
                "~V\n VERS. 2.0 :\n WRAP. NO :\n~W\n STRT.M 1000 :\n STOP.M 1001 :\n STEP.M 0.5 :\n \
                 NULL. -999.25 :\n~C\n{curves}~A\n{data}"
            );
            read_bytes(text.as_bytes()).unwrap()
        };
        // ~Curve says DEPT GR RHOB; the data holds GR RHOB DEPT.
        let swapped = file(
            " DEPT.M :\n GR.GAPI :\n RHOB.G/C3 :\n",
            "45 2.31 1000\n50 2.35 1000.5\n55 2.40 1001\n",
        );
        let outcome = run(&swapped, &[]);
        let found: Vec<_> = outcome
            .findings
            .iter()
            .filter(|f| f.check == "index_column")
            .collect();
        assert_eq!(found.len(), 1, "{outcome:?}");
        let m = &found[0].message;
        assert!(m.contains("data column 3 (named RHOB"), "{m}");
        assert!(m.contains("first column (named DEPT) runs from 45 to 55"), "{m}");
        assert!(outcome.is_rejected());
        // In order: nothing; a header STRT/STOP that no column matches is the reader's warning, not this.
        let fine = file(" DEPT.M :\n GR.GAPI :\n", "1000 45\n1000.5 50\n1001 55\n");
        assert!(run(&fine, &[]).findings.is_empty());
        let off = file(" DEPT.M :\n GR.GAPI :\n", "2000 45\n2000.5 50\n2001 55\n");
        assert!(!checks(&run(&off, &[])).contains(&("index_column", Severity::Error)));
    }

    #[test]
    fn a_clean_file_has_no_findings() {
        let f = las("1", " GR.GAPI :\n", "1 10\n2 20\n3 30\n");
        assert!(run(&f, &[]).findings.is_empty());
    }

    #[test]
    fn mostly_null_curves_warn_and_all_null_files_are_rejected() {
        let f = las(
            "1",
            " GR.GAPI :\n RHOB.G/CC :\n",
            "1 10 -999.25\n2 20 -999.25\n3 30 2.5\n",
        );
        let outcome = run(&f, &[]);
        assert_eq!(checks(&outcome), [("null_ratio", Severity::Warning)]);
        assert!(
            outcome.findings[0].message.contains("RHOB is 67% null"),
            "{:?}",
            outcome.findings
        );
        assert!(!outcome.is_rejected());

        let f = las("1", " GR.GAPI :\n", "1 -999.25\n2 -999.25\n");
        let outcome = run(&f, &[]);
        assert!(outcome.is_rejected());
        assert!(checks(&outcome).contains(&("all_null", Severity::Error)));
    }

    #[test]
    fn unknown_units_warn_but_blank_and_none_do_not() {
        let f = las(
            "1",
            " GR.GAPI :\n A. :\n B.NONE :\n C.FURLONG :\n",
            "1 1 2 3 4\n2 1 2 3 4\n",
        );
        let outcome = run(&f, &[]);
        assert_eq!(checks(&outcome), [("units", Severity::Warning)]);
        assert!(
            outcome.findings[0].message.contains("\"FURLONG\""),
            "{:?}",
            outcome.findings
        );
        // The curve's line is the finding's structured line.
        assert_eq!(outcome.findings[0].line, Some(12));
    }

    #[test]
    fn a_step_that_disagrees_with_the_data_warns_with_its_line() {
        let f = las("0.5", " GR.GAPI :\n", "1 10\n2 20\n3 30\n");
        let outcome = run(&f, &[]);
        assert_eq!(checks(&outcome), [("step", Severity::Warning)]);
        assert!(
            outcome.findings[0]
                .message
                .contains("STEP is 0.5 (line 5) but the data step by 1")
        );
        // STEP 0 declares irregular sampling: nothing to compare.
        assert!(
            run(&las("0", " GR.GAPI :\n", "1 1\n2 2\n4 3\n"), &[])
                .findings
                .is_empty()
        );
        // A negative STEP with decreasing depths is consistent.
        assert!(
            run(&las("-1", " GR.GAPI :\n", "3 1\n2 2\n1 3\n"), &[])
                .findings
                .is_empty()
        );
    }

    #[test]
    fn depth_order_problems_name_the_row() {
        // Refused when the user asks for it; kept in depth order (and said so) by default.
        let reject = Registry::with_config(ValidationConfig {
            depth_order: order::DepthOrderPolicy::Reject,
            ..ValidationConfig::default()
        });
        let run_rejecting = |f: &LasFile| {
            reject.run(&Subject {
                las: f,
                well_id: "W1",
                sha256: "new",
                known_logs: &[],
            })
        };
        let f = las("1", " GR.GAPI :\n", "1 10\n2 20\n2 21\n");
        let outcome = run_rejecting(&f);
        assert_eq!(checks(&outcome), [("depth_order", Severity::Error)]);
        assert!(outcome.findings[0].message.contains("data rows 2 and 3"));
        let f = las("1", " GR.GAPI :\n", "1 10\n3 20\n2 21\n");
        assert!(
            run_rejecting(&f).findings[0]
                .message
                .contains("stops increasing at data row 3 (2 after 3)")
        );
        assert!(run(&f, &[]).findings.iter().all(|f| f.check != "depth_order"));
        let mut f = f;
        let verdict = check_file(&mut f, &Registry::standard(), "ab", &[]);
        assert_eq!(verdict.rejection, None);
        let said: Vec<_> = verdict
            .notes
            .iter()
            .filter(|n| n.source == "depth_order")
            .collect();
        assert!(
            said[0]
                .message
                .contains("goes back at data row 3 (2 M after 3 M)"),
            "{said:?}"
        );
    }

    #[test]
    fn a_known_well_gives_one_warning_naming_the_earlier_files() {
        let known = |n: usize| KnownLog {
            well_id: "W1".to_owned(),
            log_id: format!("log-{n}"),
            data_set: "Log".to_owned(),
            source_file: format!("run{n}.las"),
            sha256: format!("sha{n}"),
        };
        let f = las("1", " GR.GAPI :\n", "1 10\n2 20\n");
        let outcome = run(&f, &[known(1), known(2), known(3), known(4)]);
        assert_eq!(checks(&outcome), [("duplicate_well", Severity::Warning)]);
        let message = &outcome.findings[0].message;
        assert!(
            message.contains("already has 4 Log logs (from run1.las, run2.las, run3.las and 1 more)"),
            "{message}"
        );
        // The same bytes again are not a duplicate of themselves.
        let same = KnownLog {
            sha256: "new".to_owned(),
            ..known(1)
        };
        assert!(run(&f, &[same]).findings.is_empty());
    }

    #[test]
    fn numbers_in_messages_are_short() {
        assert_eq!(num(0.09999999999999998), "0.1");
        assert_eq!(num(1670.0), "1670");
        assert_eq!(num(-0.125), "-0.125");
        assert_eq!(num(-0.0000001), "0");
    }
}
