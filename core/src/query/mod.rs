//! The typed well query and its planner.
//!
//! A [`WellQuery`] (wells, curves, depth window, filters, polygon, decimation, limit) is validated,
//! normalised into one canonical form ([`WellQuery::canonical`], the request half of its
//! [`crate::cache::CacheKey`]) and planned ([`plan`]) into the SQL the engine runs over `well_logs`.
//! Plots are decimated after the SQL with [`decimate_min_max`] (and, with the `arrow` feature,
//! [`decimate_batch`] over the result batches), here in core so the browser does the same.
//!
//! Who answers a query — browser L1, edge cache or the backend's SQL — is [`crate::cache::ApiRoute`]'s
//! light/heavy rule.

mod decimate;
mod error;
mod plan;
mod sql;
mod well_query;

pub use decimate::decimate_min_max;
#[cfg(feature = "arrow")]
pub use decimate::{decimate_batch, decimate_batches};
pub use error::QueryError;
pub use plan::{QueryPlan, plan};
pub use sql::{float_literal, quote_ident, quote_str};
pub use well_query::{
    Cmp, DepthRange, Filter, MAX_CURVE_NAME_LEN, MAX_CURVES, MAX_FILTERS, MAX_POLYGON_LEN, MAX_WELLS,
    WellQuery, min_max_points,
};

/// The table of every log of a project (the engine's name for it).
pub const WELL_LOGS_TABLE: &str = "well_logs";
/// The depth index column of stored logs and query results (`crate::arrow::DEPTH_COLUMN`, repeated here
/// because this module builds without the `arrow` feature).
pub const DEPTH_COLUMN: &str = "depth";
/// The well id column the engine adds to `well_logs`, first in every query result.
pub const WELL_ID_COLUMN: &str = "well_id";
/// The log id column the engine adds to `well_logs`.
pub const LOG_ID_COLUMN: &str = "log_id";

#[cfg(all(test, feature = "arrow"))]
mod tests {
    #[test]
    fn depth_column_is_the_stored_one() {
        assert_eq!(super::DEPTH_COLUMN, crate::arrow::DEPTH_COLUMN);
    }
}
