//! `GET /v1/projects/{project}/wells/{well}/logs`: a depth window of chosen curves of one well.

use serde::{Deserialize, Serialize};

/// The query string of a log window: `?curves=GR,RHOB&depth_min=1000&depth_max=1200&max_points=2000`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogWindowQuery {
    /// Comma-separated curve mnemonics, case as stored (`GR,RHOB`); all curves of the well when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curves: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth_min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth_max: Option<f64>,
    /// Decimate for plotting to at most about this many rows, keeping each curve's minimum and maximum
    /// per depth bucket so spikes survive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_points: Option<usize>,
}

impl LogWindowQuery {
    /// The curves as a list: split on commas, blanks trimmed, empty entries dropped.
    pub fn curve_list(&self) -> Vec<String> {
        self.curves
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curves_split_on_commas() {
        let q = LogWindowQuery {
            curves: Some(" GR, RHOB,,NPHI ".to_owned()),
            ..LogWindowQuery::default()
        };
        assert_eq!(q.curve_list(), ["GR", "RHOB", "NPHI"]);
        assert!(LogWindowQuery::default().curve_list().is_empty());
    }
}
