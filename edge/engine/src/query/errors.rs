//! DataFusion's errors as the backend's [`Error`]: a kind to branch on (bad SQL and unknown names are
//! [`ErrorKind::InvalidInput`]) and a message a petrophysicist can act on.

use datafusion::arrow::error::ArrowError;
use datafusion::common::{DataFusionError, SchemaError};

use mudrock_common::error::{Error, ErrorKind};

/// What the engine knows about a project's tables that makes a message better.
#[derive(Debug, Clone, Default)]
pub(crate) struct Hints {
    /// The tables a query may name.
    pub tables: Vec<String>,
    /// Columns of `well_logs` left out because their type differs between logs, with the explanation.
    pub conflicts: Vec<(String, String)>,
}

/// Maps a DataFusion error to the backend's error.
pub(crate) fn from_datafusion(err: DataFusionError, hints: &Hints) -> Error {
    let root = err.find_root();
    // A storage failure reaches here wrapped in Parquet or Arrow errors; find it by its type.
    if let Some(store) = find_source::<object_store::Error>(&err) {
        return object_store_error(store);
    }
    let mapped = match root {
        DataFusionError::SchemaError(schema, _) => schema_error(schema, hints),
        DataFusionError::SQL(parser, _) => Error::new(
            ErrorKind::InvalidInput,
            format!(
                "the SQL does not parse: {}",
                strip_prefix(&parser.to_string(), "sql parser error: ")
            ),
        ),
        DataFusionError::Plan(message) => plan_error(message, hints),
        DataFusionError::NotImplemented(message) => Error::new(
            ErrorKind::Unsupported,
            format!("this SQL is not supported: {message}"),
        ),
        DataFusionError::ResourcesExhausted(message) => Error::new(
            ErrorKind::InvalidInput,
            format!(
                "the query needs more memory than the engine may use ({message}): narrow it to fewer wells, \
                 a depth range or fewer columns"
            ),
        ),
        DataFusionError::Execution(message) => Error::new(
            ErrorKind::InvalidInput,
            format!("the query failed while running: {message}"),
        ),
        DataFusionError::ArrowError(arrow, _) => arrow_error(arrow),
        DataFusionError::External(inner) => match inner.downcast_ref::<Error>() {
            Some(ours) => {
                let mut copy = Error::new(ours.kind(), ours.message()).with_retryable(ours.is_retryable());
                for (key, value) in ours.context_pairs() {
                    copy = copy.with_context(key, value);
                }
                copy
            }
            None => Error::new(ErrorKind::Unexpected, format!("the query failed: {inner}")),
        },
        DataFusionError::Configuration(message) => Error::new(
            ErrorKind::ConfigInvalid,
            format!("query engine configuration: {message}"),
        ),
        DataFusionError::IoError(io) => Error::new(
            ErrorKind::Unexpected,
            format!("I/O error while running the query: {io}"),
        ),
        _ => Error::new(
            ErrorKind::Unexpected,
            format!("the query engine failed: {}", root.message()),
        ),
    };
    // Unexpected failures keep DataFusion's whole chain for the logs; user errors already say it all.
    if mapped.kind() == ErrorKind::Unexpected {
        mapped.with_source(err)
    } else {
        mapped
    }
}

/// The first error of type `T` in the chain of sources, starting with `err` itself.
fn find_source<T: std::error::Error + 'static>(err: &DataFusionError) -> Option<&T> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        current = e.source();
    }
    None
}

fn strip_prefix<'a>(text: &'a str, prefix: &str) -> &'a str {
    text.strip_prefix(prefix).unwrap_or(text)
}

fn schema_error(err: &SchemaError, hints: &Hints) -> Error {
    match err {
        SchemaError::FieldNotFound { field, valid_fields } => {
            let name = field.name.as_str();
            let mut message = format!("unknown column `{name}`");
            if let Some((_, why)) = hints.conflicts.iter().find(|(column, _)| column == name) {
                message.push_str(&format!(": {why}"));
                return Error::new(ErrorKind::InvalidInput, message);
            }
            let mut names: Vec<&str> = valid_fields.iter().map(|c| c.name.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            if let Some(same) = names.iter().find(|n| n.eq_ignore_ascii_case(name)) {
                message.push_str(&format!(
                    ": did you mean `{same}`? Column names are case-sensitive (write them as the LAS file does)"
                ));
            } else if names.is_empty() {
                message.push_str(" (the query's tables have no columns of that name)");
            } else {
                const SHOWN: usize = 30;
                let listed = names.iter().take(SHOWN).copied().collect::<Vec<_>>().join(", ");
                let more = names.len().saturating_sub(SHOWN);
                message.push_str(&format!(": the columns here are {listed}"));
                if more > 0 {
                    message.push_str(&format!(" and {more} more"));
                }
            }
            Error::new(ErrorKind::InvalidInput, message)
        }
        SchemaError::AmbiguousReference { field } => Error::new(
            ErrorKind::InvalidInput,
            format!(
                "column `{}` is ambiguous: more than one table in the query has it; qualify it (`well_logs.{}`)",
                field.name, field.name
            ),
        ),
        other => Error::new(ErrorKind::InvalidInput, format!("invalid query: {other}")),
    }
}

fn plan_error(message: &str, hints: &Hints) -> Error {
    // DataFusion says "table 'datafusion.public.x' not found".
    if let Some(name) = message
        .strip_prefix("table '")
        .and_then(|rest| rest.strip_suffix("' not found"))
    {
        let short = name.strip_prefix("datafusion.public.").unwrap_or(name);
        let mut text = format!("unknown table `{short}`");
        if let Some(same) = hints.tables.iter().find(|t| t.eq_ignore_ascii_case(short)) {
            text.push_str(&format!(
                ": did you mean `{same}`? Table names are case-sensitive"
            ));
        } else if short.contains('.') {
            text.push_str(&format!(
                ": a query reads only its own project's tables ({})",
                hints.tables.join(", ")
            ));
        } else {
            text.push_str(&format!(
                ": this project's tables are {}",
                hints.tables.join(", ")
            ));
        }
        return Error::new(ErrorKind::InvalidInput, text);
    }
    if message.starts_with("Invalid function") {
        return Error::new(ErrorKind::InvalidInput, format!("unknown function: {message}"));
    }
    Error::new(ErrorKind::InvalidInput, format!("invalid query: {message}"))
}

fn arrow_error(err: &ArrowError) -> Error {
    match err {
        ArrowError::DivideByZero => Error::new(ErrorKind::InvalidInput, "the query divides by zero"),
        ArrowError::CastError(m) | ArrowError::ParseError(m) => Error::new(
            ErrorKind::InvalidInput,
            format!("a value cannot be converted: {m}"),
        ),
        ArrowError::ComputeError(m)
        | ArrowError::InvalidArgumentError(m)
        | ArrowError::ArithmeticOverflow(m) => Error::new(
            ErrorKind::InvalidInput,
            format!("the query failed while running: {m}"),
        ),
        ArrowError::MemoryError(m) => Error::new(
            ErrorKind::InvalidInput,
            format!("the query needs more memory than the engine may use: {m}"),
        ),
        other => Error::new(
            ErrorKind::Unexpected,
            format!("Arrow failed while running the query: {other}"),
        ),
    }
}

fn object_store_error(err: &object_store::Error) -> Error {
    match err {
        object_store::Error::NotFound { path, .. } => Error::new(
            ErrorKind::NotFound,
            format!(
                "object `{path}` is listed in the project's catalog but missing from storage: re-ingest the \
                 well's LAS file"
            ),
        )
        .with_context("path", path),
        object_store::Error::PermissionDenied { path, .. }
        | object_store::Error::Unauthenticated { path, .. } => Error::new(
            ErrorKind::PermissionDenied,
            format!("storage refused to read `{path}`"),
        )
        .with_context("path", path),
        other => Error::new(
            ErrorKind::Unavailable,
            format!("storage failed during the query: {other}"),
        )
        .with_retryable(true),
    }
}

#[cfg(test)]
mod tests {
    use datafusion::common::Column;

    use super::*;

    fn hints() -> Hints {
        Hints {
            tables: vec!["well_logs".into(), "wells".into()],
            conflicts: vec![("TENS".into(), "TENS is Float64 in W1 but Utf8 in W2".into())],
        }
    }

    fn field_not_found(name: &str) -> DataFusionError {
        DataFusionError::SchemaError(
            Box::new(SchemaError::FieldNotFound {
                field: Box::new(Column::new_unqualified(name)),
                valid_fields: vec![Column::new_unqualified("GR"), Column::new_unqualified("depth")],
            }),
            Box::new(None),
        )
    }

    #[test]
    fn unknown_columns_suggest_the_case_that_exists() {
        let err = from_datafusion(field_not_found("gr"), &hints());
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.message().contains("did you mean `GR`"), "{err}");
        let err = from_datafusion(field_not_found("NPHI"), &hints());
        assert!(err.message().contains("the columns here are GR, depth"), "{err}");
        let err = from_datafusion(field_not_found("TENS"), &hints());
        assert!(err.message().contains("Float64 in W1"), "{err}");
    }

    #[test]
    fn unknown_tables_are_named_and_wrapped_errors_unwrapped() {
        let plan = DataFusionError::Plan("table 'datafusion.public.WELLS' not found".into());
        let err = from_datafusion(plan.context("while planning"), &hints());
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.message().contains("did you mean `wells`"), "{err}");
        let other = DataFusionError::Plan("table 'other.public.well_logs' not found".into());
        assert!(
            from_datafusion(other, &hints())
                .message()
                .contains("only its own project's")
        );
    }
}
