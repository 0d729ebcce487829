//! The one Arrow kernel: any registered function over `Float64Array`s and scalar constants.
//!
//! Every function is evaluated row by row through its scalar form, so the array result is the scalar
//! result by construction (nothing to keep in step). A null in any input row, or a scalar form's `None`,
//! is a null output row.

use std::collections::HashMap;

use arrow_array::{Array, Float64Array};
use arrow_buffer::{BooleanBufferBuilder, NullBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field};

use super::method::Method;
use super::registry::{Binding, MAX_ARITY, PetroError, PetroFunction};

/// Field metadata key: JSON of the method (function, quantity, name, variant, equation, reference,
/// inputs).
pub const FIELD_METHOD: &str = "mudrock.method";
/// Field metadata key: JSON object of the constant parameters (`{"a":1.0,"m":2.0,…}`).
pub const FIELD_PARAMETERS: &str = "mudrock.parameters";
/// Field metadata key: how many samples were limited to the quantity's range (decimal integer).
pub const FIELD_CLAMPED: &str = "mudrock.clamped";

/// One argument of a kernel call.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    /// A curve: one value per row.
    Array(&'a Float64Array),
    /// A constant for every row; `None` is a null constant.
    Scalar(Option<f64>),
}

/// A computed curve: its values, how many were clamped, and the method to record with it.
#[derive(Debug, Clone)]
pub struct Evaluated {
    pub values: Float64Array,
    /// Rows whose value was limited to the quantity's range (IGR clipped, Sw clamped to 1).
    pub clamped: usize,
    pub method: Method,
}

impl Evaluated {
    /// The method's metadata plus [`FIELD_CLAMPED`].
    pub fn field_metadata(&self) -> HashMap<String, String> {
        let mut metadata = self.method.to_field_metadata();
        metadata.insert(FIELD_CLAMPED.to_owned(), self.clamped.to_string());
        metadata
    }

    /// A nullable `Float64` field named `name` carrying [`Evaluated::field_metadata`].
    pub fn field(&self, name: &str) -> Field {
        Field::new(name, DataType::Float64, true).with_metadata(self.field_metadata())
    }
}

impl PetroFunction {
    /// Evaluates the function over arrays and constants, in [`PetroFunction::args`] order.
    ///
    /// Arrays must all have the same length, which is the result's; with constants only the result has
    /// one row. Errors only for a wrong argument count or unequal array lengths — bad data gives nulls.
    pub fn evaluate(&self, args: &[Arg<'_>]) -> Result<Evaluated, PetroError> {
        self.check_arity(args.len())?;
        let mut rows = None;
        for (name, arg) in self.args.iter().zip(args) {
            if let Arg::Array(array) = arg {
                match rows {
                    None => rows = Some(array.len()),
                    Some(expected) if expected != array.len() => {
                        return Err(PetroError::LengthMismatch {
                            function: self.name,
                            argument: name,
                            len: array.len(),
                            expected,
                        });
                    }
                    Some(_) => {}
                }
            }
        }
        let rows = rows.unwrap_or(1);
        let bindings: Vec<Binding> = args
            .iter()
            .map(|arg| match arg {
                Arg::Array(_) => Binding::Curve,
                Arg::Scalar(value) => Binding::Constant(*value),
            })
            .collect();
        let method = self.method(&bindings)?;

        let mut values = Vec::with_capacity(rows);
        let mut valid = BooleanBufferBuilder::new(rows);
        let mut clamped = 0usize;
        let mut row = [0.0f64; MAX_ARITY];
        let arity = args.len();
        for i in 0..rows {
            let mut present = true;
            for (slot, arg) in row.iter_mut().zip(args) {
                let value = match arg {
                    Arg::Array(array) if array.is_valid(i) => Some(array.value(i)),
                    Arg::Array(_) => None,
                    Arg::Scalar(value) => *value,
                };
                match value {
                    Some(v) => *slot = v,
                    None => {
                        present = false;
                        break;
                    }
                }
            }
            match present.then(|| (self.row)(&row[..arity])).flatten() {
                Some(computed) => {
                    values.push(computed.value);
                    valid.append(true);
                    clamped += usize::from(computed.clamped);
                }
                None => {
                    values.push(0.0);
                    valid.append(false);
                }
            }
        }
        let nulls = NullBuffer::new(valid.finish());
        let nulls = (nulls.null_count() > 0).then_some(nulls);
        Ok(Evaluated {
            values: Float64Array::new(ScalarBuffer::from(values), nulls),
            clamped,
            method,
        })
    }
}
