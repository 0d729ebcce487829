//! One SQL session: the engine's path from SQL text to a result stream, with a cache of planned queries.
//!
//! Path of a query: size bound (`query::bounds`) → parse (one statement, the session's dialect) → read-only check → logical plan →
//! DataFusion's `SQLOptions` check → row limit (`LIMIT n + 1`) → analyse and optimise → physical plan →
//! stream. Everything up to the optimised logical plan depends only on the SQL text, the row limit and the
//! session's tables; a session is built for one set of catalog versions (the engine makes a new session
//! when they change), so the optimised plan is kept per session, keyed by (SQL text, row limit), and the
//! next identical query starts at the physical plan. A new ingest makes a new session with an empty
//! cache: a plan can never outlive the versions it was made from.
//!
//! What is kept is the *logical* plan. A physical plan is made anew for every run: DataFusion 53 does not
//! support executing one `ExecutionPlan` twice in general (operators keep state between runs, and
//! `reset_plan_states` documents that it cannot reset dynamic filters, which a `LIMIT` over `ORDER BY`
//! pushes into the Parquet scan), nor two runs of one at once.
//!
//! Not kept: plans that call a function that is not immutable (`now()`, `current_date`, `random()`:
//! the optimiser folds `now()` into a constant at optimisation time), plans reading session variables,
//! and `EXPLAIN`/`DESCRIBE`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex as StdMutex};

use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
use datafusion::execution::TaskContext;
use datafusion::execution::context::SQLOptions;
use datafusion::execution::session_state::SessionState;
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, Volatility};
use datafusion::physical_plan::execute_stream;
use datafusion::prelude::SessionContext;
use datafusion::sql::parser::{DFParserBuilder, Statement as DfStatement};
use datafusion::sql::sqlparser::dialect::{Dialect, dialect_from_str};
use mudrock_core::cache::{Lru, VersionSet};

use super::bounds;
use super::engine::QueryConfig;
use super::errors::{Hints, from_datafusion};
use super::memory::QueryResources;
use super::readonly;
use super::stream::{SqlOptions, SqlStream, timeout_error};
use super::udf;
use mudrock_common::error::Result;

/// Counters of the plan cache, over every session of an engine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanCacheStats {
    /// Queries that started from a kept plan (no parsing, no logical planning, no optimisation).
    pub hits: u64,
    /// Queries planned from their SQL text (and kept, when they can be).
    pub misses: u64,
    /// Queries planned that could not be kept (a function that is not immutable, `EXPLAIN` …).
    pub uncacheable: u64,
}

/// The counters, shared by the sessions of one engine.
#[derive(Debug, Default)]
pub(crate) struct PlanCounters {
    hits: AtomicU64,
    misses: AtomicU64,
    uncacheable: AtomicU64,
}

impl PlanCounters {
    pub(crate) fn stats(&self) -> PlanCacheStats {
        PlanCacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            uncacheable: self.uncacheable.load(Ordering::Relaxed),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct PlanKey {
    sql: Box<str>,
    row_limit: Option<usize>,
}

/// A DataFusion session with the engine's planning path and its plan cache.
///
/// The engine makes one per project and set of catalog versions. [`SqlSession::from_context`] puts the
/// same path over tables a caller registered itself (the SQL benchmark, which times the engine's real
/// path over a Parquet file outside any project): the caller must then not change those tables, since
/// the kept plans refer to them.
pub struct SqlSession {
    ctx: SessionContext,
    versions: VersionSet,
    pub(crate) hints: Arc<Hints>,
    /// `None` when plans are not kept (`QueryConfig::plan_cache_entries` = 0).
    plans: Option<StdMutex<Lru<PlanKey, Arc<LogicalPlan>>>>,
    counters: Arc<PlanCounters>,
    /// Each query's memory budget and the engine's spill space.
    resources: Arc<QueryResources>,
}

impl SqlSession {
    pub(crate) fn new(
        ctx: SessionContext,
        versions: VersionSet,
        hints: Arc<Hints>,
        plan_cache_entries: usize,
        counters: Arc<PlanCounters>,
        resources: Arc<QueryResources>,
    ) -> Self {
        let plans =
            (plan_cache_entries > 0).then(|| StdMutex::new(Lru::new(plan_cache_entries as u64, |_, _| 1)));
        SqlSession {
            ctx,
            versions,
            hints,
            plans,
            counters,
            resources,
        }
    }

    /// The engine's path over a context the caller built with its own tables (and normally the settings
    /// of [`QueryConfig::session_config`]); the engine's SQL functions are added to it, and
    /// `config.plan_cache_entries` plans are kept. Results carry an empty [`VersionSet`].
    pub fn from_context(ctx: SessionContext, config: &QueryConfig) -> Self {
        SqlSession::from_context_with(ctx, config, Arc::new(QueryResources::new(config)))
    }

    /// [`SqlSession::from_context`] whose queries share an engine's memory and spill space.
    pub(crate) fn from_context_with(
        ctx: SessionContext,
        config: &QueryConfig,
        resources: Arc<QueryResources>,
    ) -> Self {
        for function in udf::udfs() {
            ctx.register_udf(function);
        }
        let mut tables: Vec<String> = ctx
            .catalog("datafusion")
            .and_then(|c| c.schema("public"))
            .map(|s| s.table_names())
            .unwrap_or_default();
        tables.sort();
        let hints = Arc::new(Hints {
            tables,
            conflicts: Vec::new(),
        });
        SqlSession::new(
            ctx,
            VersionSet::default(),
            hints,
            config.plan_cache_entries,
            Arc::new(PlanCounters::default()),
            resources,
        )
    }

    pub fn context(&self) -> &SessionContext {
        &self.ctx
    }

    pub fn versions(&self) -> &VersionSet {
        &self.versions
    }

    /// Counters of this session's plan cache (for a session from [`SqlSession::from_context`]; an
    /// engine's sessions share the engine's, see `QueryEngine::plan_cache_stats`).
    pub fn plan_cache_stats(&self) -> PlanCacheStats {
        self.counters.stats()
    }

    /// Runs one read-only SQL statement and streams the result, within `options.timeout` (planning
    /// included). Errors as `QueryEngine::sql`.
    pub async fn sql(&self, sql: &str, options: SqlOptions) -> Result<SqlStream> {
        let deadline = options.timeout.map(|t| tokio::time::Instant::now() + t);
        let start = self.start(sql, options, deadline);
        match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, start)
                .await
                .map_err(|_| timeout_error(options.timeout))?,
            None => start.await,
        }
    }

    pub(crate) async fn start(
        &self,
        sql: &str,
        options: SqlOptions,
        deadline: Option<tokio::time::Instant>,
    ) -> Result<SqlStream> {
        let map = |e| from_datafusion(e, &self.hints);
        let state = self.ctx.state();
        let key = PlanKey {
            sql: sql.into(),
            row_limit: options.row_limit,
        };
        let kept = self
            .plans
            .as_ref()
            .and_then(|plans| lock(plans).get(&key).cloned());
        let physical = match kept {
            Some(plan) => {
                self.counters.hits.fetch_add(1, Ordering::Relaxed);
                // The kept plan is already analysed and optimised: straight to the physical planner
                // (what `SessionState::create_physical_plan` does after optimising).
                state
                    .query_planner()
                    .create_physical_plan(&plan, &state)
                    .await
                    .map_err(map)?
            }
            None => {
                let (plan, keep) = self.plan(&state, sql, options).await?;
                let optimized = state.optimize(&plan).map_err(map)?;
                if keep {
                    self.counters.misses.fetch_add(1, Ordering::Relaxed);
                    if let Some(plans) = &self.plans {
                        let _ = lock(plans).insert(key, Arc::new(optimized.clone()));
                    }
                } else {
                    self.counters.uncacheable.fetch_add(1, Ordering::Relaxed);
                }
                state
                    .query_planner()
                    .create_physical_plan(&optimized, &state)
                    .await
                    .map_err(map)?
            }
        };
        // The query's own runtime: its memory budget in front of the engine's (`query::memory`).
        let runtime = self.resources.for_query(state.runtime_env())?;
        let task = TaskContext::from(&state).with_runtime(runtime);
        let stream = execute_stream(physical, Arc::new(task)).map_err(map)?;
        Ok(SqlStream::new(
            stream,
            options,
            deadline,
            self.versions.clone(),
            Arc::clone(&self.hints),
        ))
    }

    /// SQL text → checked logical plan with the row limit applied, and whether it may be kept.
    async fn plan(
        &self,
        state: &SessionState,
        sql: &str,
        options: SqlOptions,
    ) -> Result<(LogicalPlan, bool)> {
        let map = |e| from_datafusion(e, &self.hints);
        let dialect = session_dialect(state).map_err(map)?;
        bounds::check(dialect.as_ref(), sql)?;
        let statement = parse_one(state, dialect.as_ref(), sql).map_err(map)?;
        readonly::check(&statement)?;
        let plan = state.statement_to_plan(statement).await.map_err(map)?;
        SQLOptions::new()
            .with_allow_ddl(false)
            .with_allow_dml(false)
            .with_allow_statements(false)
            .verify_plan(&plan)
            .map_err(map)?;
        // EXPLAIN and DESCRIBE must stay at the root of the plan; their few rows are cut by the stream.
        let limitable = !matches!(
            plan,
            LogicalPlan::Explain(_) | LogicalPlan::Analyze(_) | LogicalPlan::DescribeTable(_)
        );
        let keep = limitable && only_immutable(&plan);
        let plan = match options.row_limit.filter(|_| limitable) {
            // One row more than allowed tells a truncated result from one that fits exactly.
            Some(limit) => LogicalPlanBuilder::from(plan)
                .limit(0, Some(limit.saturating_add(1)))
                .and_then(LogicalPlanBuilder::build)
                .map_err(map)?,
            None => plan,
        };
        Ok((plan, keep))
    }
}

/// Whether every expression of the plan (subqueries included) gives the same result at any time: no
/// function that is stable (`now()`, folded to a constant when optimised) or volatile, no session
/// variable.
fn only_immutable(plan: &LogicalPlan) -> bool {
    let mut immutable = true;
    let walked = plan.apply_with_subqueries(|node| {
        node.apply_expressions(|expr| {
            expr.apply(|e| {
                let changing = match e {
                    Expr::ScalarFunction(f) => f.func.signature().volatility != Volatility::Immutable,
                    Expr::ScalarVariable(..) => true,
                    _ => false,
                };
                if changing {
                    immutable = false;
                    Ok(TreeNodeRecursion::Stop)
                } else {
                    Ok(TreeNodeRecursion::Continue)
                }
            })
        })
    });
    walked.is_ok() && immutable
}

/// A poisoned lock only means another thread panicked while holding it; the data is still whole.
fn lock<T>(mutex: &StdMutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// The tables `sql` names (bare names, as DataFusion resolves them before planning), or `None` when it
/// does not get that far (too large, does not parse: the query itself then reports why).
pub(super) fn referenced_tables(state: &SessionState, sql: &str) -> Option<Vec<String>> {
    let dialect = session_dialect(state).ok()?;
    bounds::check(dialect.as_ref(), sql).ok()?;
    let statement = parse_one(state, dialect.as_ref(), sql).ok()?;
    let references = state.resolve_table_references(&statement).ok()?;
    Some(references.iter().map(|r| r.table().to_owned()).collect())
}

/// The session's SQL dialect.
fn session_dialect(state: &SessionState) -> datafusion::common::Result<Box<dyn Dialect>> {
    let name = state.config().options().sql_parser.dialect;
    dialect_from_str(name).ok_or_else(|| {
        datafusion::common::DataFusionError::Configuration(format!("unknown SQL dialect {name}"))
    })
}

/// Parses exactly one statement with the session's dialect and recursion limit.
fn parse_one(
    state: &SessionState,
    dialect: &dyn Dialect,
    sql: &str,
) -> datafusion::common::Result<DfStatement> {
    let options = &state.config().options().sql_parser;
    let mut statements = DFParserBuilder::new(sql)
        .with_dialect(dialect)
        .with_recursion_limit(options.recursion_limit)
        .build()?
        .parse_statements()?;
    match statements.len() {
        1 => statements
            .pop_front()
            .ok_or_else(|| datafusion::common::DataFusionError::Plan("no SQL statement".into())),
        0 => Err(datafusion::common::DataFusionError::Plan(
            "no SQL statement was given: send one query".into(),
        )),
        n => Err(datafusion::common::DataFusionError::Plan(format!(
            "{n} SQL statements were given: send one query at a time"
        ))),
    }
}
