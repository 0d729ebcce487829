//! SQL functions: every petrophysical function of `mudrock_core::petro` under its SQL name, and
//! `within_polygon(lat, lon, area)` from `mudrock_core::spatial`.
//!
//! One generic UDF wraps any [`PetroFunction`]: arguments are coerced to `Float64` (so `vsh_linear(GR,
//! 20, 120)` with integer literals works, and `Float32` curves too), a column is a curve and a literal
//! is a constant, and core's Arrow kernel does the work — the SQL result is core's result by
//! construction. Nulls stay null and out-of-domain rows are null (core's rules). The output field
//! carries core's method description (`mudrock.method`, `mudrock.parameters`) as metadata.

use std::any::Any;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Float64Array};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Float64Type};
use datafusion::common::{DataFusionError, Result as DfResult, ScalarValue};
use datafusion::logical_expr::{
    ColumnarValue, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, TypeSignature,
    Volatility,
};
use mudrock_core::petro::{Arg, Binding, PetroFunction};
use mudrock_core::spatial::{MultiPolygon, parse_area};

use mudrock_common::error::{Error, ErrorKind};

/// Every SQL function MudRock adds, as `name(arg, …)`.
pub fn registered_functions() -> Vec<String> {
    let mut names: Vec<String> = mudrock_core::petro::functions()
        .iter()
        .map(PetroFunction::signature)
        .collect();
    names.push(format!("{WITHIN_POLYGON}(lat, lon, area)"));
    names
}

/// The UDFs to register in every project session.
pub(crate) fn udfs() -> Vec<ScalarUDF> {
    let mut udfs: Vec<ScalarUDF> = mudrock_core::petro::functions()
        .iter()
        .map(|f| ScalarUDF::new_from_impl(PetroUdf::new(f)))
        .collect();
    udfs.push(ScalarUDF::new_from_impl(WithinPolygon::new()));
    udfs
}

/// A petrophysical function as a DataFusion scalar UDF.
#[derive(Debug)]
struct PetroUdf {
    function: &'static PetroFunction,
    signature: Signature,
}

impl PetroUdf {
    fn new(function: &'static PetroFunction) -> Self {
        PetroUdf {
            function,
            signature: Signature::uniform(
                function.args.len(),
                vec![DataType::Float64],
                Volatility::Immutable,
            ),
        }
    }

    fn bindings(&self, scalars: &[Option<&ScalarValue>]) -> Vec<Binding> {
        scalars
            .iter()
            .map(|s| match s {
                None => Binding::Curve,
                Some(value) => Binding::Constant(scalar_f64(value)),
            })
            .collect()
    }
}

// Functions are identified by their SQL name (the registry holds one of each).
impl PartialEq for PetroUdf {
    fn eq(&self, other: &Self) -> bool {
        self.function.name == other.function.name
    }
}

impl Eq for PetroUdf {}

impl Hash for PetroUdf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.function.name.hash(state);
    }
}

/// A constant argument as `f64`; a null, or a value of a type the signature did not coerce, is `None`.
fn scalar_f64(value: &ScalarValue) -> Option<f64> {
    match value {
        ScalarValue::Float64(v) => *v,
        ScalarValue::Float32(v) => v.map(f64::from),
        ScalarValue::Int64(v) => v.map(|x| x as f64),
        ScalarValue::Int32(v) => v.map(f64::from),
        other => other.cast_to(&DataType::Float64).ok().and_then(|c| match c {
            ScalarValue::Float64(v) => v,
            _ => None,
        }),
    }
}

impl ScalarUDFImpl for PetroUdf {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn name(&self) -> &str {
        self.function.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Float64)
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> DfResult<FieldRef> {
        let field = Field::new(self.name(), DataType::Float64, true);
        // The method is known at planning time when the constants are literals; record it.
        let field = match self.function.method(&self.bindings(args.scalar_arguments)) {
            Ok(method) => field.with_metadata(method.to_field_metadata()),
            Err(_) => field,
        };
        Ok(Arc::new(field))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let rows = args.number_rows;
        let all_scalar = args.args.iter().all(|a| matches!(a, ColumnarValue::Scalar(_)));
        // Arrays are kept alive here while the kernel borrows them.
        let mut arrays: Vec<Option<ArrayRef>> = Vec::with_capacity(args.args.len());
        let mut constants: Vec<Option<f64>> = Vec::with_capacity(args.args.len());
        for value in &args.args {
            match value {
                ColumnarValue::Array(array) => {
                    let array = if array.data_type() == &DataType::Float64 {
                        Arc::clone(array)
                    } else {
                        cast(array, &DataType::Float64)?
                    };
                    arrays.push(Some(array));
                    constants.push(None);
                }
                ColumnarValue::Scalar(scalar) => {
                    arrays.push(None);
                    constants.push(scalar_f64(scalar));
                }
            }
        }
        let mut kernel_args = Vec::with_capacity(arrays.len());
        for (array, constant) in arrays.iter().zip(&constants) {
            match array {
                Some(array) => {
                    let floats = array.as_any().downcast_ref::<Float64Array>().ok_or_else(|| {
                        DataFusionError::Internal(format!(
                            "{}: an argument is {} after coercion to Float64",
                            self.name(),
                            array.data_type()
                        ))
                    })?;
                    kernel_args.push(Arg::Array(floats));
                }
                None => kernel_args.push(Arg::Scalar(*constant)),
            }
        }
        let evaluated = self
            .function
            .evaluate(&kernel_args)
            .map_err(|e| DataFusionError::Execution(e.to_string()))?;
        let values = evaluated.values;
        if all_scalar {
            let value = (values.len() == 1 && values.is_valid(0)).then(|| values.value(0));
            return Ok(ColumnarValue::Scalar(ScalarValue::Float64(value)));
        }
        if values.len() != rows {
            return Err(DataFusionError::Internal(format!(
                "{} returned {} rows for {rows}",
                self.name(),
                values.len()
            )));
        }
        Ok(ColumnarValue::Array(Arc::new(values)))
    }
}

// ---------------------------------------------------------------------------------------------------------
// within_polygon
// ---------------------------------------------------------------------------------------------------------

const WITHIN_POLYGON: &str = "within_polygon";

/// `within_polygon(lat, lon, area)`: whether a location (decimal degrees, latitude first as in the wells
/// catalog) is inside the area, given as WKT (`POLYGON((lon lat, …))`, holes allowed) or GeoJSON text.
/// Boundaries count as inside. A missing or impossible location is null (a well without a location is
/// not guessed in or out: `WHERE within_polygon(…)` leaves it out, `… IS NULL` finds it). An area that
/// does not parse fails the query with the parser's message (where and what).
#[derive(Debug, PartialEq, Eq, Hash)]
struct WithinPolygon {
    signature: Signature,
}

impl WithinPolygon {
    fn new() -> Self {
        let variants = [DataType::Utf8, DataType::Utf8View, DataType::LargeUtf8]
            .into_iter()
            .map(|text| TypeSignature::Exact(vec![DataType::Float64, DataType::Float64, text]))
            .collect();
        WithinPolygon {
            signature: Signature::one_of(variants, Volatility::Immutable),
        }
    }
}

fn bad_area(err: mudrock_core::spatial::SpatialError) -> DataFusionError {
    let err = Error::new(
        ErrorKind::InvalidInput,
        format!("{WITHIN_POLYGON}: the area is not a valid polygon: {err}"),
    );
    DataFusionError::External(Box::new(err))
}

impl ScalarUDFImpl for WithinPolygon {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn name(&self) -> &str {
        WITHIN_POLYGON
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Boolean)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let rows = args.number_rows;
        let [lat, lon, area] = args.args.as_slice() else {
            return Err(DataFusionError::Plan(format!(
                "{WITHIN_POLYGON} takes 3 arguments (lat, lon, area), got {}",
                args.args.len()
            )));
        };
        let lat = lat.to_array(rows)?;
        let lon = lon.to_array(rows)?;
        let lat = cast(&lat, &DataType::Float64)?;
        let lon = cast(&lon, &DataType::Float64)?;
        let (lat, lon) = (
            lat.as_primitive::<Float64Type>(),
            lon.as_primitive::<Float64Type>(),
        );
        let result: BooleanArray = match area {
            // The usual case: one area for every row, parsed once.
            ColumnarValue::Scalar(scalar) => {
                let Some(text) = scalar_text(scalar) else {
                    return Ok(ColumnarValue::Scalar(ScalarValue::Boolean(None)));
                };
                let area = parse_area(&text).map_err(bad_area)?;
                (0..rows).map(|i| inside(&area, lat, lon, i)).collect()
            }
            ColumnarValue::Array(array) => {
                let texts = cast(array, &DataType::Utf8)?;
                let texts = texts.as_string::<i32>();
                let mut last: Option<(String, MultiPolygon)> = None;
                let mut out = Vec::with_capacity(rows);
                for i in 0..rows {
                    if texts.is_null(i) {
                        out.push(None);
                        continue;
                    }
                    let text = texts.value(i);
                    if last.as_ref().is_none_or(|(t, _)| t != text) {
                        last = Some((text.to_owned(), parse_area(text).map_err(bad_area)?));
                    }
                    out.push(last.as_ref().and_then(|(_, area)| inside(area, lat, lon, i)));
                }
                out.into_iter().collect()
            }
        };
        Ok(ColumnarValue::Array(Arc::new(result)))
    }
}

fn scalar_text(value: &ScalarValue) -> Option<String> {
    match value {
        ScalarValue::Utf8(v) | ScalarValue::Utf8View(v) | ScalarValue::LargeUtf8(v) => v.clone(),
        _ => None,
    }
}

fn inside(area: &MultiPolygon, lat: &Float64Array, lon: &Float64Array, i: usize) -> Option<bool> {
    if lat.is_null(i) || lon.is_null(i) {
        return None;
    }
    area.contains_lat_lon(lat.value(i), lon.value(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_function_is_a_udf_under_its_name() {
        let udfs = udfs();
        let petro = mudrock_core::petro::functions();
        // Every petro function under its own name, plus the spatial `within_polygon`.
        assert_eq!(udfs.len(), petro.len() + 1);
        for f in petro {
            assert!(udfs.iter().any(|u| u.name() == f.name), "{} is not a UDF", f.name);
        }
        assert!(udfs.iter().any(|u| u.name() == WITHIN_POLYGON));
        assert!(registered_functions().iter().any(|s| s.starts_with("sw_archie(")));
    }
}
