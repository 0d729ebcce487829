//! Well model: units, curve families, curve metadata, well identity and coordinates.
//!
//! Rules from `../shared/docs/field-conventions.md`: keep mnemonics and unit strings exactly as found;
//! resolve families by alias, then unit, then description; convert units only at compute time; keep
//! identifiers as strings; parse coordinates strictly and never guess one.

mod curve;
mod family;
mod header;
mod location;
mod units;

pub use curve::CurveMeta;
pub use family::{CurveDisplay, CurveFamily, ResolvedBy, Scale, resolve_family, resolve_family_with_basis};
pub use header::{Elevation, Elevations, IndexRange, ProjectedCoordinates, WellHeader, parse_header_number};
pub use location::{Angle, AngleError, AngleForm, Axis, Location, LocationConfidence, parse_angle};
pub use units::{Dimension, FractionScale, FractionVerdict, Unit, canonical_unit, convert, fraction_scale};
