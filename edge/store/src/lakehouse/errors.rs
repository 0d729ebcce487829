//! iceberg-rust's errors as the backend's: each names the catalog it came from and says what to do.

use crate::error::{Error, ErrorKind};

/// Maps an Iceberg error met while doing `operation` against the catalog described by `catalog`.
pub(crate) fn from_iceberg(err: iceberg::Error, catalog: &str, operation: &'static str) -> Error {
    use iceberg::ErrorKind as K;
    let text = err.to_string();
    let (kind, hint) = match err.kind() {
        K::CatalogCommitConflicts => (
            ErrorKind::Conflict,
            "another writer committed to the same table first and the retries ran out; run the same \
             command again (nothing of this attempt is visible)",
        ),
        K::NamespaceNotFound | K::TableNotFound => {
            (ErrorKind::NotFound, "ingest a file into the project first")
        }
        K::NamespaceAlreadyExists | K::TableAlreadyExists => (ErrorKind::Conflict, ""),
        K::DataInvalid | K::PreconditionFailed => (ErrorKind::InvalidInput, ""),
        K::FeatureUnsupported => (ErrorKind::Unsupported, ""),
        _ => classify_unexpected(&text),
    };
    let message = match hint {
        "" => format!("the {catalog} refused {operation}"),
        hint => format!("the {catalog} refused {operation}: {hint}"),
    };
    let retryable = err.retryable() || kind == ErrorKind::Unavailable;
    Error::new(kind, message)
        .with_operation(operation)
        .with_context("service", catalog)
        .with_retryable(retryable)
        .with_source(err)
}

/// An "unexpected" Iceberg error is mostly a transport or storage failure underneath; its text says
/// which. Connection failures are worth retrying, wrong keys are not.
fn classify_unexpected(text: &str) -> (ErrorKind, &'static str) {
    let lower = text.to_ascii_lowercase();
    let any = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if any(&[
        "connection refused",
        "error trying to connect",
        "error sending request",
        "timed out",
        "connect error",
        "dns error",
        "pool timed out",
    ]) {
        (
            ErrorKind::Unavailable,
            "the service cannot be reached; check that it runs and the URL in MUDROCK_ICEBERG_CATALOG (or \
             MINIO_ENDPOINT for the tables' files)",
        )
    } else if any(&[
        "accessdenied",
        "access denied",
        "signaturedoesnotmatch",
        "invalidaccesskeyid",
        "forbidden",
        "unauthorized",
        "401",
        "403",
        "password authentication failed",
    ]) {
        (
            ErrorKind::PermissionDenied,
            "the credentials were refused; check MINIO_ACCESS_KEY / MINIO_SECRET_KEY, the catalog's \
             credentials (MUDROCK_ICEBERG_REST_CREDENTIAL) or the database user",
        )
    } else if any(&["nosuchbucket", "bucket does not exist", "does not exist"]) {
        (
            ErrorKind::ConfigInvalid,
            "a bucket or database it names does not exist; create it or fix the name",
        )
    } else {
        (ErrorKind::Unexpected, "")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflicts_and_unreachable_services_are_named_and_classified() {
        let conflict = iceberg::Error::new(iceberg::ErrorKind::CatalogCommitConflicts, "Commit conflicted")
            .with_retryable(true);
        let err = from_iceberg(conflict, "SQL catalog (sqlite)", "commit");
        assert_eq!(err.kind(), ErrorKind::Conflict);
        assert!(err.is_retryable());
        assert!(err.to_string().contains("SQL catalog (sqlite)"), "{err}");
        assert!(err.to_string().contains("run the same command again"), "{err}");

        let down = iceberg::Error::new(
            iceberg::ErrorKind::Unexpected,
            "error trying to connect: Connection refused",
        );
        let err = from_iceberg(down, "REST catalog at http://127.0.0.1:1", "load table");
        assert_eq!(err.kind(), ErrorKind::Unavailable);
        assert!(err.is_retryable());
        assert!(err.to_string().contains("cannot be reached"), "{err}");
    }
}
