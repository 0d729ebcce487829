//! Read-only SQL: a statement is checked before it is planned, and only queries pass.
//!
//! Allowed: a query (`SELECT`, `WITH`, `VALUES`, set operations), `EXPLAIN [ANALYZE] <query>` (ANALYZE
//! runs the query, which reads and nothing else), `DESCRIBE <table>`, `SHOW TABLES` and `SHOW COLUMNS`
//! (both are queries of `information_schema`). Refused: everything else — DDL (`CREATE`, `DROP`,
//! `CREATE EXTERNAL TABLE`, which could name any file), DML (`INSERT`, `UPDATE`, `DELETE`), `COPY … TO`
//! (writes files), `SET`/`RESET` (change the shared session), transactions. The planned query is checked
//! once more with DataFusion's own `SQLOptions` (no DDL, no DML, no statements), so a statement this
//! list lets through by mistake still cannot change anything.

use datafusion::sql::parser::Statement as DfStatement;
use datafusion::sql::sqlparser::ast::Statement as SqlStatement;

use mudrock_common::error::{Error, ErrorKind, Result};

/// `Ok` for a statement that only reads; an [`ErrorKind::InvalidInput`] naming the statement otherwise.
pub(crate) fn check(statement: &DfStatement) -> Result<()> {
    match statement {
        DfStatement::Statement(sql) => check_sql(sql),
        DfStatement::Explain(explain) => check(&explain.statement),
        DfStatement::CreateExternalTable(_) => Err(refused("CREATE EXTERNAL TABLE")),
        DfStatement::CopyTo(_) => Err(refused("COPY")),
        DfStatement::Reset(_) => Err(refused("RESET")),
    }
}

fn check_sql(statement: &SqlStatement) -> Result<()> {
    match statement {
        SqlStatement::Query(_)
        | SqlStatement::ExplainTable { .. }
        | SqlStatement::ShowTables { .. }
        | SqlStatement::ShowColumns { .. } => Ok(()),
        SqlStatement::Explain { statement, .. } => check_sql(statement),
        other => Err(refused(&leading_keywords(other))),
    }
}

/// `CREATE TABLE`, `INSERT`, `DROP` …: the first one or two words of the statement, upper case.
fn leading_keywords(statement: &SqlStatement) -> String {
    let text = statement.to_string();
    let mut words = text.split_whitespace().map(str::to_ascii_uppercase);
    match (words.next(), words.next()) {
        (Some(first), Some(second)) if matches!(first.as_str(), "CREATE" | "DROP" | "ALTER" | "TRUNCATE") => {
            format!("{first} {second}")
        }
        (Some(first), _) => first,
        (None, _) => "this statement".to_owned(),
    }
}

/// The context key a refusal carries (the refused statement's leading words): how callers tell "not
/// allowed here" from "not valid SQL" without reading the message.
const REFUSED_STATEMENT: &str = "refused_statement";

/// Whether `err` is this module's refusal of a statement that would change something.
pub fn is_refusal(err: &Error) -> bool {
    err.kind() == ErrorKind::InvalidInput && err.context(REFUSED_STATEMENT).is_some()
}

fn refused(what: &str) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        format!(
            "{what} is not allowed: SQL here is read-only, only queries run (SELECT, WITH, EXPLAIN, DESCRIBE, \
             SHOW TABLES); data changes only through ingest"
        ),
    )
    .with_context(REFUSED_STATEMENT, what)
}

#[cfg(test)]
mod tests {
    use datafusion::sql::parser::DFParser;

    use super::*;

    fn parse(sql: &str) -> DfStatement {
        let mut statements = DFParser::parse_sql(sql).unwrap();
        assert_eq!(statements.len(), 1, "{sql}");
        statements.pop_front().unwrap()
    }

    #[test]
    fn queries_pass() {
        for sql in [
            "SELECT 1",
            "WITH a AS (SELECT 1 AS x) SELECT x FROM a",
            "SELECT * FROM well_logs UNION ALL SELECT * FROM well_logs",
            "VALUES (1), (2)",
            "EXPLAIN SELECT GR FROM well_logs",
            "EXPLAIN ANALYZE SELECT count(*) FROM wells",
            "DESCRIBE well_logs",
            "SHOW TABLES",
            "SHOW COLUMNS FROM wells",
        ] {
            check(&parse(sql)).unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
    }

    #[test]
    fn everything_else_is_refused_by_name() {
        for (sql, name) in [
            ("CREATE TABLE t (a INT)", "CREATE TABLE"),
            ("CREATE TABLE t AS SELECT 1", "CREATE TABLE"),
            ("CREATE VIEW v AS SELECT 1", "CREATE VIEW"),
            (
                "CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION '/etc/x'",
                "CREATE EXTERNAL TABLE",
            ),
            ("DROP TABLE wells", "DROP TABLE"),
            ("INSERT INTO wells VALUES (1)", "INSERT"),
            ("UPDATE wells SET name = 'x'", "UPDATE"),
            ("DELETE FROM wells", "DELETE"),
            ("COPY wells TO '/tmp/x.csv'", "COPY"),
            ("SET datafusion.execution.batch_size = 1", "SET"),
            ("EXPLAIN INSERT INTO wells VALUES (1)", "INSERT"),
            ("EXPLAIN COPY wells TO '/tmp/x'", "COPY"),
        ] {
            let err = check(&parse(sql)).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{sql}");
            assert_eq!(err.context(REFUSED_STATEMENT), Some(name), "{sql}: {err}");
            assert!(is_refusal(&err), "{sql}: {err}");
            assert!(err.message().contains("read-only"), "{sql}: {err}");
        }
    }
}
