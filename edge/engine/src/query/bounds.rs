//! How large a query may be before it is planned, and the stack it runs on.
//!
//! SQL parsers and DataFusion's planner, optimiser and expression evaluator walk expression trees
//! recursively. The parser bounds *nesting* (parentheses, subqueries, unary operators: DataFusion's
//! `sql_parser.recursion_limit`, 50), but a *chain* of binary operators (`1+1+1+…`, `a AND b AND …`,
//! `x || y || …`, `UNION ALL` branches, casts `::`) parses in a loop into a tree as deep as the chain is
//! long: 2,000 terms in a 4 KB request overflowed a 2 MiB thread stack and aborted the whole server.
//!
//! So a query may hold at most [`MAX_SQL_OPERATORS`] operators, counted on its tokens before it is
//! parsed (a tree can be no deeper than its operators plus its nesting), and queries run on threads with
//! [`QUERY_THREAD_STACK_BYTES`] of stack: measured to plan and run the deepest allowed chain many times
//! over (`edge/cli/tests/it/hostile.rs`). Flat lists (`IN (…)`, select lists, `VALUES` rows) do not count:
//! they do not deepen a tree.

use datafusion::sql::sqlparser::dialect::Dialect;
use datafusion::sql::sqlparser::keywords::Keyword;
use datafusion::sql::sqlparser::tokenizer::{Token, Tokenizer};

use mudrock_common::error::{Error, ErrorKind, Result};

/// Most operators (arithmetic, comparison, `AND`/`OR`/`NOT`, `||`, casts, set operations, joins) one
/// query may hold.
pub const MAX_SQL_OPERATORS: usize = 1_000;

/// The stack of every thread a query is planned or run on (the query runtime's workers and blocking
/// threads, the CLI's runtime). Virtual memory: only the pages a deep query touches are ever committed.
pub const QUERY_THREAD_STACK_BYTES: usize = 64 << 20;

/// `Ok` when `sql` holds at most [`MAX_SQL_OPERATORS`] operators. SQL that does not tokenize passes
/// through: the parser reports it with its position.
pub(crate) fn check(dialect: &dyn Dialect, sql: &str) -> Result<()> {
    let Ok(tokens) = Tokenizer::new(dialect, sql).tokenize() else {
        return Ok(());
    };
    let operators = tokens.iter().filter(|t| is_operator(t)).count();
    if operators <= MAX_SQL_OPERATORS {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::InvalidInput,
        format!(
            "the query holds {operators} operators; at most {MAX_SQL_OPERATORS} are allowed in one query: \
             write long lists as `IN (…)` or a join instead of chains of `OR`, `+` or `UNION`, or split the query"
        ),
    )
    .with_context("operators", operators)
    .with_context("limit", MAX_SQL_OPERATORS))
}

/// Whether a token joins two expressions or relations into a deeper tree.
fn is_operator(token: &Token) -> bool {
    match token {
        Token::Word(word) => matches!(
            word.keyword,
            Keyword::AND
                | Keyword::OR
                | Keyword::NOT
                | Keyword::XOR
                | Keyword::IS
                | Keyword::LIKE
                | Keyword::ILIKE
                | Keyword::SIMILAR
                | Keyword::BETWEEN
                | Keyword::IN
                | Keyword::WHEN
                | Keyword::UNION
                | Keyword::INTERSECT
                | Keyword::EXCEPT
                | Keyword::JOIN
                | Keyword::AT
                | Keyword::COLLATE
        ),
        Token::DoubleEq
        | Token::Eq
        | Token::Neq
        | Token::Lt
        | Token::Gt
        | Token::LtEq
        | Token::GtEq
        | Token::Spaceship
        | Token::Plus
        | Token::Minus
        | Token::Mul
        | Token::Div
        | Token::DuckIntDiv
        | Token::Mod
        | Token::StringConcat
        | Token::DoubleColon
        | Token::Caret
        | Token::Ampersand
        | Token::Pipe
        | Token::Tilde
        | Token::ShiftLeft
        | Token::ShiftRight
        | Token::Arrow
        | Token::LongArrow
        | Token::LBracket => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use datafusion::sql::sqlparser::dialect::GenericDialect;

    use super::*;

    fn chain(term: &str, op: &str, n: usize) -> String {
        format!("SELECT {}", vec![term; n].join(op))
    }

    #[test]
    fn chains_up_to_the_limit_pass_and_longer_ones_are_refused_naming_the_count() {
        let d = GenericDialect {};
        assert!(check(&d, &chain("1", "+", MAX_SQL_OPERATORS + 1)).is_ok());
        for (term, op) in [("1", "+"), ("true", " AND "), ("'a'", " || "), ("1", " - ")] {
            let err = check(&d, &chain(term, op, MAX_SQL_OPERATORS + 2)).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput);
            assert!(
                err.message()
                    .contains(&format!("{} operators", MAX_SQL_OPERATORS + 1)),
                "{err}"
            );
        }
        let unions = vec!["SELECT 1"; MAX_SQL_OPERATORS + 2].join(" UNION ALL ");
        assert!(check(&d, &unions).is_err());
    }

    #[test]
    fn flat_lists_do_not_count() {
        let d = GenericDialect {};
        let ids: Vec<String> = (0..20_000).map(|i| format!("'W{i}'")).collect();
        let sql = format!("SELECT * FROM wells WHERE well_id IN ({})", ids.join(", "));
        assert!(check(&d, &sql).is_ok());
    }
}
