//! The one error type of the backend, shaped like OpenDAL's: a kind to branch on, a message a person can
//! act on, key/value context (operation, path, backend …), a retryable flag and the underlying cause.

use std::fmt;

/// What went wrong, coarse enough to branch on (HTTP status, exit code, retry or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The object, file, project or well does not exist.
    NotFound,
    /// The input is malformed or fails validation (a bad LAS file, a bad identifier, a bad range).
    InvalidInput,
    /// The backend or this build cannot do what was asked.
    Unsupported,
    /// The storage or file system refused access.
    PermissionDenied,
    /// The object changed or exists when it should not (a lost race, a failed precondition).
    Conflict,
    /// A service is temporarily unreachable or rate limited; trying again later may work.
    Unavailable,
    /// The work ran longer than its time limit and was cancelled (a query past the query timeout).
    /// Not retryable as it is: the same work would take as long again; it has to be made smaller.
    Timeout,
    /// Configuration is missing or inconsistent.
    ConfigInvalid,
    /// Anything else: a bug or an unclassified failure of a dependency.
    Unexpected,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "NotFound",
            ErrorKind::InvalidInput => "InvalidInput",
            ErrorKind::Unsupported => "Unsupported",
            ErrorKind::PermissionDenied => "PermissionDenied",
            ErrorKind::Conflict => "Conflict",
            ErrorKind::Unavailable => "Unavailable",
            ErrorKind::Timeout => "Timeout",
            ErrorKind::ConfigInvalid => "ConfigInvalid",
            ErrorKind::Unexpected => "Unexpected",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The backend's error. Build it with [`Error::new`] and the `with_*` methods.
pub struct Error {
    kind: ErrorKind,
    message: String,
    context: Vec<(&'static str, String)>,
    retryable: bool,
    source: Option<Source>,
}

/// `Result` with the backend's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            context: Vec::new(),
            retryable: false,
            source: None,
        }
    }

    /// Adds a context pair (`operation`, `path`, `backend`, `file` …). Later pairs are printed after
    /// earlier ones; a repeated key is kept twice, as it happened.
    pub fn with_context(mut self, key: &'static str, value: impl fmt::Display) -> Self {
        self.context.push((key, value.to_string()));
        self
    }

    pub fn with_operation(self, operation: &'static str) -> Self {
        self.with_context("operation", operation)
    }

    pub fn with_source(mut self, source: impl Into<Source>) -> Self {
        self.source = Some(source.into());
        self
    }

    pub fn with_retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the same call may succeed if tried again (a timeout, a rate limit, a dropped connection).
    pub fn is_retryable(&self) -> bool {
        self.retryable
    }

    /// The value of the first context pair with this key.
    pub fn context(&self, key: &str) -> Option<&str> {
        self.context
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn context_pairs(&self) -> &[(&'static str, String)] {
        &self.context
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if !self.context.is_empty() {
            f.write_str(" (")?;
            for (i, (k, v)) in self.context.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{k}: {v}")?;
            }
            f.write_str(")")?;
        }
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `{:?}` is what `main` returning an error prints: keep it readable, not a struct dump.
        write!(f, "{} ({}", self.message, self.kind)?;
        if self.retryable {
            f.write_str(", retryable")?;
        }
        f.write_str(")")?;
        for (k, v) in &self.context {
            write!(f, "\n    {k}: {v}")?;
        }
        if let Some(source) = &self.source {
            write!(f, "\n    source: {source}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        use std::io::ErrorKind as K;
        let kind = match err.kind() {
            K::NotFound => ErrorKind::NotFound,
            K::PermissionDenied => ErrorKind::PermissionDenied,
            K::AlreadyExists => ErrorKind::Conflict,
            K::InvalidInput | K::InvalidData => ErrorKind::InvalidInput,
            K::Interrupted | K::TimedOut | K::WouldBlock => ErrorKind::Unavailable,
            _ => ErrorKind::Unexpected,
        };
        let retryable = matches!(kind, ErrorKind::Unavailable);
        Error::new(kind, "I/O error")
            .with_retryable(retryable)
            .with_source(err)
    }
}

// Core's errors, converted once here (the source kept, the message core's own): each is about input —
// an identifier, a file, a polygon, a query — so each is `InvalidInput`.
macro_rules! invalid_input_from {
    ($($core:ty),* $(,)?) => {$(
        impl From<$core> for Error {
            fn from(err: $core) -> Self {
                Error::new(ErrorKind::InvalidInput, err.to_string()).with_source(err)
            }
        }
    )*};
}

invalid_input_from!(
    mudrock_core::layout::LayoutError,
    mudrock_core::las::LasError,
    mudrock_core::spatial::SpatialError,
    mudrock_core::query::QueryError,
    mudrock_core::petro::PetroError,
    mudrock_core::arrow::ConvertError,
);

impl From<parquet::errors::ParquetError> for Error {
    fn from(err: parquet::errors::ParquetError) -> Self {
        Error::new(ErrorKind::Unexpected, "Parquet encoding or decoding failed").with_source(err)
    }
}

impl From<arrow_schema::ArrowError> for Error {
    fn from(err: arrow_schema::ArrowError) -> Self {
        Error::new(ErrorKind::Unexpected, "Arrow conversion failed").with_source(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_message_context_and_source() {
        let err = Error::new(ErrorKind::NotFound, "well `W1` not found")
            .with_operation("stat")
            .with_context("path", "p/wells/W1")
            .with_source(std::io::Error::other("disk"));
        assert_eq!(
            err.to_string(),
            "well `W1` not found (operation: stat, path: p/wells/W1): disk"
        );
        assert_eq!(err.context("path"), Some("p/wells/W1"));
        assert!(std::error::Error::source(&err).is_some());
    }

    #[test]
    fn core_errors_convert_once_keeping_their_source() {
        let layout = mudrock_core::layout::ProjectId::new("..").unwrap_err();
        let err = Error::from(layout.clone());
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert_eq!(err.message(), layout.to_string());
        let source = std::error::Error::source(&err).expect("the core error is kept as the source");
        assert!(
            source
                .downcast_ref::<mudrock_core::layout::LayoutError>()
                .is_some()
        );

        let las = mudrock_core::las::read_bytes(b"\x00\x01").unwrap_err();
        let err = Error::from(las);
        assert!(err.message().contains("line"), "{err}");
        assert!(std::error::Error::source(&err).is_some());
    }
}
