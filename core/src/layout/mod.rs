//! Typed object paths under a configurable layout.
//!
//! Every object MudRock stores lives under one project root:
//!
//! ```text
//! {prefix}/{project}/catalog/{wells,curves,well_tops,...}_catalog.parquet
//! {prefix}/{project}/wells/{well}/logs/{log}.parquet
//! {prefix}/{project}/wells/{well}/{markers,trajectory,header}/{name}
//! {prefix}/{project}/raw/{sha256}.las
//! {prefix}/{project}/iceberg/...
//! {prefix}/{project}/cache/dag/{content_hash}.parquet
//! ```
//!
//! Paths are built only from validated values ([`ProjectId`], [`WellId`], [`LogId`], [`FileName`],
//! [`Sha256Hex`], [`ContentHash`], [`IcebergKey`]), so no input — a UWI, a file name, a request
//! parameter — can produce `..`, an extra `/` or a control character and escape its project.
//! [`Layout::parse`] is the inverse of [`Layout::path`]: every path this module renders parses back
//! to the same [`ObjectPath`] (see [`Layout::parse`] for the one canonicalisation).
//!
//! Conventions (OpenDAL's): paths are relative (no leading `/`); a path ending in `/` is a directory
//! prefix for listing. The Iceberg warehouse is the exception — it has no trailing `/` because Iceberg
//! joins `{warehouse}/{namespace}/{table}` itself.

mod error;
mod ids;

use serde::{Deserialize, Serialize};

pub use error::{InputKind, LayoutError, Problem};
pub use ids::{ContentHash, FileName, IcebergKey, LogId, MAX_ID_LEN, ProjectId, Sha256Hex, WellId};
use ids::{check_segment, is_lower_hex};

/// The project-wide catalog tables (`catalog/{stem}.parquet`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CatalogType {
    Wells,
    Wellbores,
    Logs,
    Curves,
    WellTops,
    Ingests,
}

impl CatalogType {
    pub const ALL: [CatalogType; 6] = [
        CatalogType::Wells,
        CatalogType::Wellbores,
        CatalogType::Logs,
        CatalogType::Curves,
        CatalogType::WellTops,
        CatalogType::Ingests,
    ];

    /// The file stem (`wells_catalog`), also usable as a table name.
    pub fn stem(self) -> &'static str {
        match self {
            CatalogType::Wells => "wells_catalog",
            CatalogType::Wellbores => "wellbores_catalog",
            CatalogType::Logs => "logs_catalog",
            CatalogType::Curves => "curves_catalog",
            CatalogType::WellTops => "well_tops_catalog",
            CatalogType::Ingests => "ingests_catalog",
        }
    }

    pub fn from_stem(stem: &str) -> Option<CatalogType> {
        CatalogType::ALL.into_iter().find(|c| c.stem() == stem)
    }
}

/// The per-well folders (`wells/{well}/{dir}/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WellDataType {
    Logs,
    Markers,
    Trajectory,
    Header,
}

impl WellDataType {
    pub const ALL: [WellDataType; 4] = [
        WellDataType::Logs,
        WellDataType::Markers,
        WellDataType::Trajectory,
        WellDataType::Header,
    ];

    pub fn dir(self) -> &'static str {
        match self {
            WellDataType::Logs => "logs",
            WellDataType::Markers => "markers",
            WellDataType::Trajectory => "trajectory",
            WellDataType::Header => "header",
        }
    }

    pub fn from_dir(dir: &str) -> Option<WellDataType> {
        WellDataType::ALL.into_iter().find(|d| d.dir() == dir)
    }
}

/// What an object path is: the parsed form of every path [`Layout`] renders.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum ObjectPath {
    /// `{project}/`
    ProjectRoot { project: ProjectId },
    /// `{project}/catalog/{stem}.parquet`
    Catalog {
        project: ProjectId,
        catalog: CatalogType,
    },
    /// `{project}/wells/`
    WellsPrefix { project: ProjectId },
    /// `{project}/wells/{well}/`
    WellRoot { project: ProjectId, well: WellId },
    /// `{project}/wells/{well}/{dir}/`
    WellDataPrefix {
        project: ProjectId,
        well: WellId,
        kind: WellDataType,
    },
    /// `{project}/wells/{well}/logs/{log}.parquet`
    WellLog {
        project: ProjectId,
        well: WellId,
        log: LogId,
    },
    /// `{project}/wells/{well}/{dir}/{name}`
    WellData {
        project: ProjectId,
        well: WellId,
        kind: WellDataType,
        name: FileName,
    },
    /// `{project}/raw/{sha256}.las`
    RawLas { project: ProjectId, sha256: Sha256Hex },
    /// `{project}/iceberg` (no trailing `/`; see the module doc)
    IcebergWarehouse { project: ProjectId },
    /// `{project}/iceberg/{key}`
    IcebergObject { project: ProjectId, key: IcebergKey },
    /// `{project}/cache/dag/{content_hash}.parquet`
    DagCache {
        project: ProjectId,
        content_hash: ContentHash,
    },
}

impl ObjectPath {
    /// The project every object path belongs to.
    pub fn project(&self) -> &ProjectId {
        match self {
            ObjectPath::ProjectRoot { project }
            | ObjectPath::Catalog { project, .. }
            | ObjectPath::WellsPrefix { project }
            | ObjectPath::WellRoot { project, .. }
            | ObjectPath::WellDataPrefix { project, .. }
            | ObjectPath::WellLog { project, .. }
            | ObjectPath::WellData { project, .. }
            | ObjectPath::RawLas { project, .. }
            | ObjectPath::IcebergWarehouse { project }
            | ObjectPath::IcebergObject { project, .. }
            | ObjectPath::DagCache { project, .. } => project,
        }
    }

    /// The path below the layout prefix.
    fn relative(&self) -> String {
        match self {
            ObjectPath::ProjectRoot { project } => format!("{project}/"),
            ObjectPath::Catalog { project, catalog } => {
                format!("{project}/catalog/{}.parquet", catalog.stem())
            }
            ObjectPath::WellsPrefix { project } => format!("{project}/wells/"),
            ObjectPath::WellRoot { project, well } => format!("{project}/wells/{well}/"),
            ObjectPath::WellDataPrefix { project, well, kind } => {
                format!("{project}/wells/{well}/{}/", kind.dir())
            }
            ObjectPath::WellLog { project, well, log } => {
                format!("{project}/wells/{well}/logs/{log}.parquet")
            }
            ObjectPath::WellData {
                project,
                well,
                kind,
                name,
            } => {
                format!("{project}/wells/{well}/{}/{name}", kind.dir())
            }
            ObjectPath::RawLas { project, sha256 } => format!("{project}/raw/{sha256}.las"),
            ObjectPath::IcebergWarehouse { project } => format!("{project}/iceberg"),
            ObjectPath::IcebergObject { project, key } => format!("{project}/iceberg/{key}"),
            ObjectPath::DagCache {
                project,
                content_hash,
            } => {
                format!("{project}/cache/dag/{content_hash}.parquet")
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// The layout
// ---------------------------------------------------------------------------------------------------------

/// A layout: where projects live in a bucket. The prefix is zero or more identifier segments.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Layout {
    /// Normalised: no leading or trailing `/`; empty for the bucket root.
    prefix: String,
}

impl Layout {
    /// `prefix` may be empty or `/`; leading and trailing `/` are dropped; each segment between `/` must
    /// follow the identifier rule (so a configured prefix cannot hold `..` either).
    pub fn new(prefix: &str) -> Result<Layout, LayoutError> {
        let trimmed = prefix.trim_matches('/');
        if trimmed.is_empty() {
            return Ok(Layout::default());
        }
        for seg in trimmed.split('/') {
            if seg.is_empty() {
                return Err(LayoutError::new(InputKind::Prefix, prefix, Problem::EmptySegment));
            }
            check_segment(InputKind::Prefix, seg)
                .map_err(|e| LayoutError::new(InputKind::Prefix, prefix, e.problem))?;
        }
        Ok(Layout {
            prefix: trimmed.to_owned(),
        })
    }

    /// The normalised prefix (no leading/trailing `/`; empty for the bucket root).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Renders any object path under this layout's prefix.
    pub fn path(&self, object: &ObjectPath) -> String {
        let rel = object.relative();
        if self.prefix.is_empty() {
            rel
        } else {
            format!("{}/{rel}", self.prefix)
        }
    }

    pub fn project_root(&self, project: &ProjectId) -> String {
        self.path(&ObjectPath::ProjectRoot {
            project: project.clone(),
        })
    }

    pub fn catalog(&self, project: &ProjectId, catalog: CatalogType) -> String {
        self.path(&ObjectPath::Catalog {
            project: project.clone(),
            catalog,
        })
    }

    pub fn wells_prefix(&self, project: &ProjectId) -> String {
        self.path(&ObjectPath::WellsPrefix {
            project: project.clone(),
        })
    }

    pub fn well_root(&self, project: &ProjectId, well: &WellId) -> String {
        self.path(&ObjectPath::WellRoot {
            project: project.clone(),
            well: well.clone(),
        })
    }

    pub fn well_data_prefix(&self, project: &ProjectId, well: &WellId, kind: WellDataType) -> String {
        self.path(&ObjectPath::WellDataPrefix {
            project: project.clone(),
            well: well.clone(),
            kind,
        })
    }

    pub fn well_log(&self, project: &ProjectId, well: &WellId, log: &LogId) -> String {
        self.path(&ObjectPath::WellLog {
            project: project.clone(),
            well: well.clone(),
            log: log.clone(),
        })
    }

    /// `{project}/wells/{well}/{dir}/{name}`; `name` must follow the identifier rule.
    pub fn well_data(
        &self,
        project: &ProjectId,
        well: &WellId,
        kind: WellDataType,
        name: &str,
    ) -> Result<String, LayoutError> {
        let name = FileName::new(name)?;
        Ok(self.path(&ObjectPath::WellData {
            project: project.clone(),
            well: well.clone(),
            kind,
            name,
        }))
    }

    /// `{project}/raw/{sha256}.las`; the digest must be 64 hex digits (stored lowercased).
    pub fn raw_las(&self, project: &ProjectId, sha256_hex: &str) -> Result<String, LayoutError> {
        let sha256 = Sha256Hex::new(sha256_hex)?;
        Ok(self.path(&ObjectPath::RawLas {
            project: project.clone(),
            sha256,
        }))
    }

    /// The Iceberg warehouse location of a project (no trailing `/`).
    pub fn iceberg_warehouse(&self, project: &ProjectId) -> String {
        self.path(&ObjectPath::IcebergWarehouse {
            project: project.clone(),
        })
    }

    /// `{project}/cache/dag/{content_hash}.parquet`; the hash must be 16..=128 hex digits.
    pub fn dag_cache(&self, project: &ProjectId, content_hash: &str) -> Result<String, LayoutError> {
        let content_hash = ContentHash::new(content_hash)?;
        Ok(self.path(&ObjectPath::DagCache {
            project: project.clone(),
            content_hash,
        }))
    }

    /// Parses a full object path (with this layout's prefix) back into what it is.
    ///
    /// Only the exact shapes [`Layout::path`] renders are accepted (directory prefixes need their
    /// trailing `/`). One canonicalisation: `wells/{w}/logs/{x}.parquet` whose stem is a valid [`LogId`]
    /// is always a [`ObjectPath::WellLog`], even if it was built with [`Layout::well_data`].
    pub fn parse(&self, path: &str) -> Result<ObjectPath, LayoutError> {
        let rel = if self.prefix.is_empty() {
            Some(path)
        } else {
            path.strip_prefix(self.prefix.as_str())
                .and_then(|r| r.strip_prefix('/'))
        };
        let Some(rel) = rel else {
            return Err(LayoutError::new(
                InputKind::Path,
                path,
                Problem::OutsidePrefix {
                    prefix: self.prefix.clone(),
                },
            ));
        };
        parse_relative(rel).map_err(|e| match e {
            // Keep the whole path as the input; the detail names the part that was wrong.
            ParseFail::Shape(detail) => {
                LayoutError::new(InputKind::Path, path, Problem::UnknownShape { detail })
            }
            ParseFail::Part(inner) => LayoutError::new(
                InputKind::Path,
                path,
                Problem::UnknownShape {
                    detail: inner.to_string(),
                },
            ),
        })
    }
}

enum ParseFail {
    Shape(String),
    Part(LayoutError),
}

impl From<LayoutError> for ParseFail {
    fn from(e: LayoutError) -> Self {
        ParseFail::Part(e)
    }
}

fn shape(detail: &str) -> ParseFail {
    ParseFail::Shape(detail.to_owned())
}

fn parse_relative(rel: &str) -> Result<ObjectPath, ParseFail> {
    let (project, rest) = rel.split_once('/').unwrap_or((rel, ""));
    let project = ProjectId::new(project)?;
    if rel.len() == project.as_str().len() {
        return Err(shape("a project root needs a trailing '/'"));
    }
    if rest.is_empty() {
        return Ok(ObjectPath::ProjectRoot { project });
    }
    if rest == "iceberg" {
        return Ok(ObjectPath::IcebergWarehouse { project });
    }
    if let Some(key) = rest.strip_prefix("iceberg/") {
        return Ok(ObjectPath::IcebergObject {
            project,
            key: IcebergKey::new(key)?,
        });
    }
    if let Some(file) = rest.strip_prefix("catalog/") {
        let catalog = file
            .strip_suffix(".parquet")
            .and_then(CatalogType::from_stem)
            .ok_or_else(|| shape("unknown catalog file"))?;
        return Ok(ObjectPath::Catalog { project, catalog });
    }
    if let Some(file) = rest.strip_prefix("raw/") {
        let hex = file
            .strip_suffix(".las")
            .ok_or_else(|| shape("a raw file must end in .las"))?;
        if !is_lower_hex(hex) {
            return Err(shape("a raw file's sha256 must be lowercase hex"));
        }
        return Ok(ObjectPath::RawLas {
            project,
            sha256: Sha256Hex::new(hex)?,
        });
    }
    if let Some(file) = rest.strip_prefix("cache/dag/") {
        let hex = file
            .strip_suffix(".parquet")
            .ok_or_else(|| shape("a DAG result must end in .parquet"))?;
        if !is_lower_hex(hex) {
            return Err(shape("a DAG result's content hash must be lowercase hex"));
        }
        return Ok(ObjectPath::DagCache {
            project,
            content_hash: ContentHash::new(hex)?,
        });
    }
    if rest == "wells/" {
        return Ok(ObjectPath::WellsPrefix { project });
    }
    if let Some(under) = rest.strip_prefix("wells/") {
        return parse_well(project, under);
    }
    Err(shape("unknown folder under the project"))
}

fn parse_well(project: ProjectId, under: &str) -> Result<ObjectPath, ParseFail> {
    let (well, rest) = under
        .split_once('/')
        .ok_or_else(|| shape("a well root needs a trailing '/'"))?;
    let well = WellId::new(well)?;
    if rest.is_empty() {
        return Ok(ObjectPath::WellRoot { project, well });
    }
    let (dir, name) = rest
        .split_once('/')
        .ok_or_else(|| shape("a well folder needs a trailing '/'"))?;
    let kind = WellDataType::from_dir(dir).ok_or_else(|| shape("unknown well folder"))?;
    if name.is_empty() {
        return Ok(ObjectPath::WellDataPrefix { project, well, kind });
    }
    if kind == WellDataType::Logs
        && let Some(log) = name.strip_suffix(".parquet").and_then(|s| LogId::new(s).ok())
    {
        return Ok(ObjectPath::WellLog { project, well, log });
    }
    Ok(ObjectPath::WellData {
        project,
        well,
        kind,
        name: FileName::new(name)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> ProjectId {
        ProjectId::new(s).unwrap()
    }

    #[test]
    fn renders_the_design_layout() {
        let l = Layout::new("/data/mudrock/").unwrap();
        let pr = p("north-sea");
        let w = WellId::derive(None, None, Some("15/9-F-11 A"), "ab");
        assert_eq!(w.as_str(), "15_9-F-11_A");
        let log = LogId::derive(&"ab".repeat(32), None);
        assert_eq!(l.project_root(&pr), "data/mudrock/north-sea/");
        assert_eq!(
            l.catalog(&pr, CatalogType::WellTops),
            "data/mudrock/north-sea/catalog/well_tops_catalog.parquet"
        );
        assert_eq!(
            l.well_log(&pr, &w, &log),
            "data/mudrock/north-sea/wells/15_9-F-11_A/logs/log-abababababababab.parquet"
        );
        assert_eq!(
            l.well_data(&pr, &w, WellDataType::Markers, "tops.parquet")
                .unwrap(),
            "data/mudrock/north-sea/wells/15_9-F-11_A/markers/tops.parquet"
        );
        assert_eq!(l.iceberg_warehouse(&pr), "data/mudrock/north-sea/iceberg");
        let sha = "AB".repeat(32);
        assert_eq!(
            l.raw_las(&pr, &sha).unwrap(),
            format!("data/mudrock/north-sea/raw/{}.las", "ab".repeat(32))
        );
        assert_eq!(
            l.dag_cache(&pr, "0123456789abcdef").unwrap(),
            "data/mudrock/north-sea/cache/dag/0123456789abcdef.parquet"
        );
    }

    #[test]
    fn empty_prefix_has_no_leading_slash() {
        let l = Layout::new("").unwrap();
        assert_eq!(l.wells_prefix(&p("x")), "x/wells/");
        assert_eq!(Layout::new("/").unwrap(), l);
    }

    #[test]
    fn refuses_escapes() {
        for bad in [
            "", ".", "..", "a/b", "a\\b", "..a", ".hidden", "a..b", "a b", "tab\t", "nul\0", "é",
        ] {
            let e = ProjectId::new(bad).unwrap_err();
            assert_eq!(e.kind, InputKind::ProjectId);
            assert_eq!(e.input, bad);
        }
        assert!(ProjectId::new(&"a".repeat(129)).is_err());
        assert!(ProjectId::new(&"a".repeat(128)).is_ok());
        assert!(Layout::new("a//b").is_err());
        assert!(Layout::new("a/../b").is_err());
        assert!(Sha256Hex::new("xyz").is_err());
        assert!(ContentHash::new("abc").is_err());
        assert!(IcebergKey::new("a/../b").is_err());
        assert!(IcebergKey::new("a//b").is_err());
    }

    #[test]
    fn error_names_input_and_problem() {
        let e = WellId::new("a/b").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("well id"), "{msg}");
        assert!(msg.contains("\"a/b\""), "{msg}");
        assert!(msg.contains("'/'"), "{msg}");
    }

    #[test]
    fn derives_well_ids() {
        assert_eq!(
            WellId::derive(Some("100/10-16-039-03W5/00"), None, None, "").as_str(),
            "100_10-16-039-03W5_00"
        );
        assert_eq!(
            WellId::derive(Some("05-001-31331-0000"), None, Some("X"), "").as_str(),
            "05-001-31331-0000"
        );
        assert_eq!(
            WellId::derive(Some("  "), None, Some("A  10"), "").as_str(),
            "A_10"
        );
        assert_eq!(
            WellId::derive(Some("N/A"), None, Some("UNKNOWN"), "DEADbeef0011aa").as_str(),
            "well-deadbeef0011"
        );
        assert_eq!(
            WellId::derive(Some("0000000000"), None, None, "").as_str(),
            "well-unknown"
        );
        assert_eq!(WellId::derive(Some("Ålesund"), None, None, "").as_str(), "lesund");
        assert_eq!(
            WellId::derive(Some("..//.."), None, None, "12").as_str(),
            "well-12"
        );
        // No usable UWI: the API number, before the name.
        assert_eq!(
            WellId::derive(Some("N/A"), Some("42-501-20130"), Some("A 10"), "").as_str(),
            "42-501-20130"
        );
        assert_eq!(WellId::derive(None, Some(" "), Some("A 10"), "").as_str(), "A_10");
    }

    #[test]
    fn derives_log_ids() {
        let h = "0123456789abcdef0123";
        assert_eq!(LogId::derive(h, None).as_str(), "log-0123456789abcdef");
        assert_eq!(LogId::derive(h, Some("Log")).as_str(), "log-0123456789abcdef");
        assert_eq!(
            LogId::derive(h, Some("Log[2]")).as_str(),
            "log-0123456789abcdef-Log_2"
        );
        let long = "x".repeat(500);
        assert!(LogId::new(LogId::derive(h, Some(&long)).as_str()).is_ok());
    }

    #[test]
    fn parses_what_it_renders() {
        let l = Layout::new("pre").unwrap();
        let pr = p("proj");
        let w = WellId::new("w1").unwrap();
        for path in [
            l.project_root(&pr),
            l.catalog(&pr, CatalogType::Ingests),
            l.wells_prefix(&pr),
            l.well_root(&pr, &w),
            l.well_data_prefix(&pr, &w, WellDataType::Trajectory),
            l.well_log(&pr, &w, &LogId::new("log-1").unwrap()),
            l.well_data(&pr, &w, WellDataType::Header, "header.json").unwrap(),
            l.raw_las(&pr, &"0".repeat(64)).unwrap(),
            l.iceberg_warehouse(&pr),
            l.dag_cache(&pr, &"f".repeat(64)).unwrap(),
            "pre/proj/iceberg/db/t/data/depth=1/00000-0-x.parquet".to_owned(),
        ] {
            let parsed = l.parse(&path).unwrap();
            assert_eq!(l.path(&parsed), path);
            assert_eq!(parsed.project(), &pr);
        }
        for bad in [
            "proj/",
            "pre/proj",
            "pre/proj/wells",
            "pre/proj/wells/w1",
            "pre/proj/other/x",
            "pre/proj/raw/ABC.las",
            "pre/proj/catalog/nope.parquet",
            "pre/../x/",
            "pre/proj/wells/w1/logs/../x",
            "prefix/proj/",
        ] {
            assert!(l.parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ids_serialize_as_strings_and_validate_on_deserialize() {
        let w = WellId::new("w-1").unwrap();
        assert_eq!(serde_json::to_string(&w).unwrap(), "\"w-1\"");
        assert!(serde_json::from_str::<WellId>("\"../x\"").is_err());
        assert_eq!(serde_json::from_str::<WellId>("\"w-1\"").unwrap(), w);
    }
}
