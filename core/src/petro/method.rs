//! What a computed curve was computed with: the method, its variant and the parameters it was given.
//! Several variants of the same name are in use (TEST_VECTORS.md lists three "Simandoux"), so every
//! computed curve records exactly which one, in its field metadata.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::CurveFamily;

/// The quantity a function computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    GammaRayIndex,
    ShaleVolume,
    Porosity,
    WaterSaturation,
}

impl Quantity {
    pub fn as_str(self) -> &'static str {
        match self {
            Quantity::GammaRayIndex => "gamma_ray_index",
            Quantity::ShaleVolume => "shale_volume",
            Quantity::Porosity => "porosity",
            Quantity::WaterSaturation => "water_saturation",
        }
    }

    /// The curve family a result belongs to; the gamma-ray index is an intermediate with none.
    pub fn family(self) -> Option<CurveFamily> {
        match self {
            Quantity::GammaRayIndex => None,
            Quantity::ShaleVolume => Some(CurveFamily::ComputedVsh),
            Quantity::Porosity => Some(CurveFamily::ComputedPorosity),
            Quantity::WaterSaturation => Some(CurveFamily::ComputedSw),
        }
    }
}

/// One use of a petrophysical function: which function, which variant of which method, and the
/// constant parameters it was given. Arguments that varied row by row (curves) are listed by name in
/// `inputs`; constants are in `parameters` (`None` for a null constant, which nulls every row).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Method {
    /// The SQL-facing function name (`sw_simandoux`).
    pub function: &'static str,
    pub quantity: Quantity,
    /// The method as the literature names it (`Simandoux`).
    pub name: &'static str,
    /// Which variant (`total shale, Sw^n`).
    pub variant: &'static str,
    /// The equation solved, in the notation of TEST_VECTORS.md.
    pub equation: &'static str,
    pub reference: &'static str,
    pub inputs: Vec<&'static str>,
    pub parameters: BTreeMap<&'static str, Option<f64>>,
}

#[cfg(feature = "arrow")]
impl Method {
    /// The metadata a computed field carries: [`super::FIELD_METHOD`] (`mudrock.method`, JSON of
    /// everything but the parameters), [`super::FIELD_PARAMETERS`] (`mudrock.parameters`, a JSON object
    /// of the constants) and, when the quantity has one, the curve family under `mudrock.family`.
    pub fn to_field_metadata(&self) -> std::collections::HashMap<String, String> {
        let method = serde_json::json!({
            "function": self.function,
            "quantity": self.quantity.as_str(),
            "name": self.name,
            "variant": self.variant,
            "equation": self.equation,
            "reference": self.reference,
            "inputs": self.inputs,
        });
        let parameters = serde_json::Value::Object(
            self.parameters
                .iter()
                .map(|(k, v)| ((*k).to_owned(), serde_json::json!(v)))
                .collect(),
        );
        let mut metadata = std::collections::HashMap::from([
            (super::FIELD_METHOD.to_owned(), method.to_string()),
            (super::FIELD_PARAMETERS.to_owned(), parameters.to_string()),
        ]);
        if let Some(family) = self.quantity.family() {
            metadata.insert(crate::arrow::FIELD_FAMILY.to_owned(), family.as_str().to_owned());
        }
        metadata
    }
}
