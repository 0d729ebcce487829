//! What MudRock knows about one curve: the LAS definition as found plus the resolved family and the
//! canonical unit. This is the row of the curves catalog and the source of Arrow field metadata.

use serde::Serialize;

use super::family::{CurveFamily, ResolvedBy, resolve_family_with_basis};
use super::units::{Unit, canonical_unit};
use crate::las::CurveInfo;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurveMeta {
    /// Unique within the data set (the reader renames duplicates `GR:2`).
    pub mnemonic: String,
    /// As in the file.
    pub original_mnemonic: String,
    /// As in the file.
    pub unit: String,
    pub canonical_unit: Option<Unit>,
    pub description: String,
    /// The value field of the definition line: the API log code in LAS 2.0, format hints in 3.0.
    pub api_code: String,
    pub family: CurveFamily,
    pub resolved_by: ResolvedBy,
}

impl CurveMeta {
    pub fn from_info(info: &CurveInfo) -> CurveMeta {
        let (family, resolved_by) =
            resolve_family_with_basis(&info.original_mnemonic, &info.unit, &info.description);
        CurveMeta {
            mnemonic: info.mnemonic.clone(),
            original_mnemonic: info.original_mnemonic.clone(),
            unit: info.unit.clone(),
            canonical_unit: canonical_unit(&info.unit),
            description: info.description.clone(),
            api_code: info.value.clone(),
            family,
            resolved_by,
        }
    }

    /// The first curve of a log data set is its index whatever its name.
    pub fn from_index_info(info: &CurveInfo) -> CurveMeta {
        CurveMeta {
            family: CurveFamily::Index,
            resolved_by: ResolvedBy::Alias,
            ..CurveMeta::from_info(info)
        }
    }
}
