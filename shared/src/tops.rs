//! `GET /v1/projects/{project}/wells/{well}/tops`: a well's formation tops (markers), stored per well
//! under `wells/{well}/markers/tops.parquet`.

use serde::{Deserialize, Serialize};

/// One formation top: a named marker at a measured depth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Top {
    pub name: String,
    /// Measured depth, in [`TopList::depth_unit`] (the unit of the well's logs).
    pub depth: f64,
}

/// The tops of one well, shallowest first. A well with no stored tops has an empty list (not a 404):
/// "no tops picked" is an ordinary state of a well.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopList {
    pub well_id: String,
    /// `M` or `F` as in the logs; `None` when the well has no tops.
    pub depth_unit: Option<String>,
    /// Where the picks come from (`demo (synthetic)`, a file name …).
    pub source: Option<String>,
    pub tops: Vec<Top>,
}

impl TopList {
    /// A well with no tops picked.
    pub fn empty(well_id: &str) -> TopList {
        TopList {
            well_id: well_id.to_owned(),
            depth_unit: None,
            source: None,
            tops: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_as_json() {
        let list = TopList {
            well_id: "w1".into(),
            depth_unit: Some("F".into()),
            source: None,
            tops: vec![Top {
                name: "Niobrara".into(),
                depth: 6705.5,
            }],
        };
        let text = serde_json::to_string(&list).unwrap();
        assert!(text.contains("\"depth\":6705.5"), "{text}");
        assert_eq!(serde_json::from_str::<TopList>(&text).unwrap(), list);
    }
}
