//! What was wrong with an input to the layout, and which input it was.

use std::fmt;

use serde::Serialize;

/// Which input a [`LayoutError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum InputKind {
    Prefix,
    ProjectId,
    WellId,
    LogId,
    FileName,
    Sha256,
    ContentHash,
    IcebergKey,
    Path,
}

impl fmt::Display for InputKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InputKind::Prefix => "layout prefix",
            InputKind::ProjectId => "project id",
            InputKind::WellId => "well id",
            InputKind::LogId => "log id",
            InputKind::FileName => "file name",
            InputKind::Sha256 => "sha256",
            InputKind::ContentHash => "content hash",
            InputKind::IcebergKey => "iceberg key",
            InputKind::Path => "object path",
        })
    }
}

/// What was wrong with an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Problem {
    Empty,
    TooLong {
        len: usize,
        max: usize,
    },
    /// A character outside the allowed set; `position` is the 0-based character index.
    DisallowedChar {
        ch: char,
        position: usize,
    },
    /// `.` or `..` as a whole segment, or `..` anywhere in an identifier.
    DotSegment,
    LeadingDot,
    /// An empty segment (`a//b`) inside a multi-segment value.
    EmptySegment,
    /// Not hexadecimal, or the wrong number of hex digits.
    NotHex {
        expected: &'static str,
    },
    /// The path does not start with the layout's prefix.
    OutsidePrefix {
        prefix: String,
    },
    /// The path is under the prefix but is not one of the layout's shapes.
    UnknownShape {
        detail: String,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Empty => f.write_str("is empty"),
            Problem::TooLong { len, max } => write!(f, "is {len} characters long (at most {max})"),
            Problem::DisallowedChar { ch, position } => write!(
                f,
                "has {ch:?} at character {position} (allowed: ASCII letters, digits, '-', '_', '.')"
            ),
            Problem::DotSegment => f.write_str("is or contains a '.'/'..' segment"),
            Problem::LeadingDot => f.write_str("starts with '.'"),
            Problem::EmptySegment => f.write_str("has an empty segment ('//')"),
            Problem::NotHex { expected } => write!(f, "is not {expected}"),
            Problem::OutsidePrefix { prefix } => write!(f, "is not under the layout prefix {prefix:?}"),
            Problem::UnknownShape { detail } => write!(f, "is not a MudRock object path: {detail}"),
        }
    }
}

/// An input refused by the layout: which kind of input, the input itself, and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("invalid {kind} {}: {problem}", shown(input))]
pub struct LayoutError {
    pub kind: InputKind,
    pub input: String,
    pub problem: Problem,
}

impl LayoutError {
    pub(super) fn new(kind: InputKind, input: &str, problem: Problem) -> Self {
        LayoutError {
            kind,
            input: input.to_owned(),
            problem,
        }
    }
}

/// The input as shown in an error message: quoted, escaped, and cut so a huge input cannot flood logs.
fn shown(input: &str) -> String {
    const SHOW: usize = 200;
    if input.chars().count() <= SHOW {
        format!("{input:?}")
    } else {
        let head: String = input.chars().take(SHOW).collect();
        format!("{head:?}… ({} characters)", input.chars().count())
    }
}
