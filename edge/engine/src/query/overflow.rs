//! Integer arithmetic that overflows is an error, not a wrapped number.
//!
//! DataFusion evaluates `+`, `-` and `*` on integers with Arrow's wrapping kernels, at run time and when
//! the optimiser folds constants: `SELECT 9223372036854775807 + 1` answered `-9223372036854775808`, and
//! a sum of sample counts could come back negative with nothing said. [`CheckedIntegerArithmetic`] is
//! an analyzer rule that runs after DataFusion's type coercion and replaces every integer `a + b`,
//! `a - b`, `a * b` with `checked_add(a, b)` (…`_sub`, …`_mul`): Arrow's checked kernels, which fail the
//! query with "integer overflow" and say how to get a wider result. Column names stay as written.
//! Floats, decimals, dates and intervals keep DataFusion's own operators.

use std::any::Any;
use std::sync::Arc;

use datafusion::arrow::array::ArrayRef;
use datafusion::arrow::compute::kernels::numeric;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::common::{DFSchema, DataFusionError, ExprSchema, Result as DfResult, ScalarValue};
use datafusion::logical_expr::expr::ScalarFunction;
use datafusion::logical_expr::expr_rewriter::NamePreserver;
use datafusion::logical_expr::utils::merge_schema;
use datafusion::logical_expr::{
    BinaryExpr, ColumnarValue, Expr, ExprSchemable, LogicalPlan, Operator, ScalarFunctionArgs, ScalarUDF,
    ScalarUDFImpl, Signature, Volatility,
};
use datafusion::optimizer::AnalyzerRule;

#[derive(Debug, Default)]
pub(crate) struct CheckedIntegerArithmetic;

impl AnalyzerRule for CheckedIntegerArithmetic {
    fn analyze(&self, plan: LogicalPlan, _config: &ConfigOptions) -> DfResult<LogicalPlan> {
        let functions = Functions::new();
        plan.transform_up_with_subqueries(|node| checked_node(node, &functions))
            .map(|t| t.data)
    }

    fn name(&self) -> &str {
        "checked_integer_arithmetic"
    }
}

/// The three functions, made once per analysis.
struct Functions {
    add: Arc<ScalarUDF>,
    sub: Arc<ScalarUDF>,
    mul: Arc<ScalarUDF>,
}

impl Functions {
    fn new() -> Self {
        let make = |op| Arc::new(ScalarUDF::new_from_impl(CheckedOp::new(op)));
        Functions {
            add: make(Op::Add),
            sub: make(Op::Sub),
            mul: make(Op::Mul),
        }
    }
}

fn checked_node(plan: LogicalPlan, functions: &Functions) -> DfResult<Transformed<LogicalPlan>> {
    // The expressions of a node are typed against its inputs (as DataFusion's type coercion does).
    let schema = merge_schema(&plan.inputs());
    let names = NamePreserver::new(&plan);
    plan.map_expressions(|expr| {
        let name = names.save(&expr);
        expr.transform_up(|e| checked_expr(e, &schema, functions))
            .map(|t| t.update_data(|e| name.restore(e)))
    })
}

fn checked_expr(expr: Expr, schema: &DFSchema, functions: &Functions) -> DfResult<Transformed<Expr>> {
    let Expr::BinaryExpr(BinaryExpr { left, op, right }) = &expr else {
        return Ok(Transformed::no(expr));
    };
    let function = match op {
        Operator::Plus => &functions.add,
        Operator::Minus => &functions.sub,
        Operator::Multiply => &functions.mul,
        _ => return Ok(Transformed::no(expr)),
    };
    // A type that cannot be known here (an outer reference of a correlated subquery) keeps the operator.
    let (Some(l), Some(r)) = (operand_type(left, schema), operand_type(right, schema)) else {
        return Ok(Transformed::no(expr));
    };
    if !(l.is_integer() && l == r) {
        return Ok(Transformed::no(expr));
    }
    let args = vec![left.as_ref().clone(), right.as_ref().clone()];
    Ok(Transformed::yes(Expr::ScalarFunction(ScalarFunction::new_udf(
        Arc::clone(function),
        args,
    ))))
}

/// The type of an operand. `Expr::get_type` types a whole subtree, and a chain `1+1+…+1` is rewritten
/// from the bottom up, so asking it at every level cost time quadratic in the chain (a 1,000-term chain
/// took over 30 s to plan). A checked operation already made has its operands' type: its right operand
/// is a leaf in a left-deep chain, so this is constant time there.
fn operand_type(expr: &Expr, schema: &DFSchema) -> Option<DataType> {
    match expr {
        Expr::Literal(value, _) => Some(value.data_type()),
        Expr::Column(column) => schema
            .field_from_column(column)
            .ok()
            .map(|f| f.data_type().clone()),
        Expr::Cast(cast) => Some(cast.data_type.clone()),
        Expr::TryCast(cast) => Some(cast.data_type.clone()),
        Expr::ScalarFunction(f) if f.func.inner().as_any().is::<CheckedOp>() => {
            f.args.last().and_then(|arg| operand_type(arg, schema))
        }
        other => other.get_type(schema).ok(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Op {
    Add,
    Sub,
    Mul,
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct CheckedOp {
    op: Op,
    signature: Signature,
}

impl CheckedOp {
    fn new(op: Op) -> Self {
        CheckedOp {
            op,
            signature: Signature::any(2, Volatility::Immutable),
        }
    }
}

impl ScalarUDFImpl for CheckedOp {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn name(&self) -> &str {
        match self.op {
            Op::Add => "checked_add",
            Op::Sub => "checked_sub",
            Op::Mul => "checked_mul",
        }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> DfResult<DataType> {
        arg_types
            .first()
            .cloned()
            .ok_or_else(|| DataFusionError::Plan(format!("{} takes two arguments", self.name())))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let all_scalar = args.args.iter().all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let [a, b] = arrays.as_slice() else {
            return Err(DataFusionError::Plan(format!(
                "{} takes two arguments",
                self.name()
            )));
        };
        let kernel = match self.op {
            Op::Add => numeric::add,
            Op::Sub => numeric::sub,
            Op::Mul => numeric::mul,
        };
        let out: ArrayRef = kernel(a, b).map_err(|e| {
            DataFusionError::Execution(format!(
                "integer overflow ({e}): the result does not fit its integer type; cast an operand to DOUBLE \
                 (`x::DOUBLE`) for a wider range"
            ))
        })?;
        if all_scalar {
            Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?))
        } else {
            Ok(ColumnarValue::Array(out))
        }
    }
}
