//! Operators that make many batches out of few give the scheduler a turn between their batches.
//!
//! A query's tasks share the query runtime's worker threads with every other query, and tokio switches
//! tasks only when one returns `Pending`. DataFusion's own rule (`EnsureCooperative`) spends the task's
//! cooperative budget at the data sources, which is enough while every output batch costs some input.
//! A join does not: `generate_series(1, 1e6) CROSS JOIN generate_series(1, 1e6)` reads two small inputs
//! once, then makes 10^12 rows batch after batch without asking a source for anything, so its task
//! never yielded — it held a worker thread for good, another project's `SELECT 1` waited past its
//! timeout behind it, and the query could not even be cancelled (a task is dropped only when it yields).
//!
//! [`YieldBetweenBatches`] runs after DataFusion's physical optimiser rules and puts a `CooperativeExec`
//! (a budget check per batch) above every operator with more than one input (joins, unions) and above
//! `UnnestExec`, the operators whose output is not bounded by their input.

use std::sync::Arc;

use datafusion::common::Result as DfResult;
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::physical_optimizer::PhysicalOptimizerRule;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::coop::CooperativeExec;

#[derive(Debug, Default)]
pub(crate) struct YieldBetweenBatches;

impl PhysicalOptimizerRule for YieldBetweenBatches {
    fn optimize(
        &self,
        plan: Arc<dyn ExecutionPlan>,
        _config: &ConfigOptions,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        plan.transform_up(|node| {
            if amplifies(node.as_ref()) {
                Ok(Transformed::yes(
                    Arc::new(CooperativeExec::new(node)) as Arc<dyn ExecutionPlan>
                ))
            } else {
                Ok(Transformed::no(node))
            }
        })
        .map(|t| t.data)
    }

    fn name(&self) -> &str {
        "YieldBetweenBatches"
    }

    fn schema_check(&self) -> bool {
        // A CooperativeExec passes its input's batches through unchanged.
        true
    }
}

/// Whether an operator's output can be far larger than its input.
fn amplifies(node: &dyn ExecutionPlan) -> bool {
    node.children().len() >= 2 || node.name() == "UnnestExec"
}
