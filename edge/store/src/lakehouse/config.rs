//! Which Iceberg catalog a deployment uses and where the tables' files live.
//!
//! The catalog is chosen by `MUDROCK_ICEBERG_CATALOG`:
//!
//! | value | catalog |
//! |---|---|
//! | unset | SQL catalog on the embedded SQLite file `{data dir}/iceberg.db` (no server) |
//! | `off` | no Iceberg tables (ingest writes the Parquet layout only) |
//! | `sqlite:…`, `postgres://…` | SQL catalog on that database (a Supabase project's database works) |
//! | `http://…`, `https://…` | REST catalog at that URL (SeaweedFS serves one; `MUDROCK_ICEBERG_REST_CREDENTIAL` = `KEY:SECRET` for OAuth2 client credentials, `MUDROCK_ICEBERG_REST_WAREHOUSE` its warehouse) |
//!
//! The seed's names work beside these: `ICEBERG_CATALOG_TYPE` (`sql`, `jdbc` → the SQL catalog, on the URL
//! above or the embedded file; `rest` → the REST catalog at the URL above; `none`/`off`; the kinds this build
//! has no client for — `glue`, `hive`, `hadoop`, `s3tables`, `nessie`, … — are refused, saying what to use
//! instead) and `ICEBERG_WAREHOUSE_PATH` (a REST catalog's warehouse; for a SQL catalog it must name the
//! storage's root, where the tables' files are, since each log's Parquet is registered where it sits). Two
//! settings that disagree are an error, never a silent choice.
//!
//! With a SQL catalog the warehouse is the storage manager's own: `file://{objects dir}` on the file
//! system, the bucket (`s3://{bucket}/{root}`) on S3, so a project's tables sit under `{project}/iceberg/`
//! beside its other objects (the layout's Iceberg folder). A REST catalog places tables itself (SeaweedFS
//! in its table bucket); the tables' files are read and written with the same S3 endpoint and keys.

use std::collections::HashMap;
use std::path::Path;

use crate::error::{Error, ErrorKind, Result};
use crate::storage::{Backend, StorageConfig};

/// The environment variable that picks the catalog.
pub const CATALOG_ENV: &str = "MUDROCK_ICEBERG_CATALOG";
/// `KEY:SECRET` for a REST catalog that asks for OAuth2 client credentials.
pub const REST_CREDENTIAL_ENV: &str = "MUDROCK_ICEBERG_REST_CREDENTIAL";
/// The REST catalog's warehouse (SeaweedFS: the table bucket; its default is `warehouse`).
pub const REST_WAREHOUSE_ENV: &str = "MUDROCK_ICEBERG_REST_WAREHOUSE";
/// The seed's name for the catalog's kind (see the module doc).
pub const CATALOG_TYPE_ENV: &str = "ICEBERG_CATALOG_TYPE";
/// The seed's name for where the tables' files live (see the module doc).
pub const WAREHOUSE_PATH_ENV: &str = "ICEBERG_WAREHOUSE_PATH";

/// Which Iceberg catalog records the tables' current metadata (Iceberg's own sense of "catalog": not the
/// Parquet catalogs of wells, logs and curves, which are views of the tables).
#[derive(Clone, PartialEq, Eq)]
pub enum IcebergCatalog {
    /// iceberg-catalog-sql over a SQLite file or a PostgreSQL database (`uri` as sqlx takes it).
    Sql { uri: String },
    /// An Iceberg REST catalog. It decides where tables live; `warehouse` names the catalog's warehouse
    /// where a server hosts several (SeaweedFS: its table bucket).
    Rest {
        uri: String,
        credential: Option<String>,
        warehouse: Option<String>,
    },
}

impl std::fmt::Debug for IcebergCatalog {
    // Connection strings and credentials may hold passwords: only the kind and host reach a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl IcebergCatalog {
    /// What an error message names: `SQL catalog (sqlite)`, `SQL catalog (postgres)`, `REST catalog at …`.
    pub fn describe(&self) -> String {
        match self {
            IcebergCatalog::Sql { uri } if uri.starts_with("sqlite:") => "SQL catalog (sqlite)".to_owned(),
            IcebergCatalog::Sql { .. } => "SQL catalog (postgres)".to_owned(),
            IcebergCatalog::Rest { uri, .. } => format!("REST catalog at {uri}"),
        }
    }

    /// The SQL catalog on a SQLite file, created when missing.
    pub fn sqlite_file(path: &Path) -> IcebergCatalog {
        IcebergCatalog::Sql {
            uri: format!("sqlite://{}?mode=rwc", path.display()),
        }
    }
}

/// Everything needed to open the catalog and read and write the tables' files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LakehouseConfig {
    pub catalog: IcebergCatalog,
    /// `file:///abs/objects` or `s3://bucket/root`: projects' tables go under `{warehouse}/{project}/iceberg/`.
    pub warehouse: String,
    /// The S3 endpoint and keys for the tables' files (empty on the file system).
    pub file_io: FileIoProps,
    /// How often a commit that lost a race is replayed on the new table state (Iceberg's
    /// `commit.retry.num-retries`, set on the tables MudRock creates).
    pub commit_retries: u32,
    /// Most columns `well_logs` may reach: a file whose new curves would widen it further is refused
    /// before anything is written (`MUDROCK_MAX_TABLE_COLUMNS`). Every later ingest and query of the
    /// project pays for every column, so one file with 20,000 curves must not widen it for good.
    pub max_columns: usize,
}

/// FileIO properties; a newtype so that the secret key never reaches a log.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FileIoProps(pub HashMap<String, String>);

impl std::fmt::Debug for FileIoProps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut keys: Vec<&String> = self.0.keys().collect();
        keys.sort();
        f.debug_tuple("FileIoProps").field(&keys).finish()
    }
}

/// The default number of commit retries: enough for a handful of ingests racing on one table.
pub const DEFAULT_COMMIT_RETRIES: u32 = 10;

/// Default of [`LakehouseConfig::max_columns`].
pub const DEFAULT_MAX_COLUMNS: usize = 4_096;

/// The variable that sets [`LakehouseConfig::max_columns`].
pub const ENV_MAX_COLUMNS: &str = "MUDROCK_MAX_TABLE_COLUMNS";

/// `MUDROCK_MAX_TABLE_COLUMNS`, else the default; a value that is not a positive number is an error.
fn max_columns_from_env() -> Result<usize> {
    match std::env::var(ENV_MAX_COLUMNS) {
        Err(_) => Ok(DEFAULT_MAX_COLUMNS),
        Ok(text) => match text.trim().parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(Error::new(
                ErrorKind::ConfigInvalid,
                format!("{ENV_MAX_COLUMNS} must be a positive number of columns (got `{text}`)"),
            )),
        },
    }
}

impl LakehouseConfig {
    /// The tables over `storage` with `catalog`. Memory storage has no Iceberg tables (`None`): its
    /// objects vanish with the process, and a catalog outliving them would point at nothing.
    pub fn for_storage(storage: &StorageConfig, catalog: IcebergCatalog) -> Result<Option<LakehouseConfig>> {
        let (warehouse, file_io) = match &storage.backend {
            Backend::Memory => return Ok(None),
            Backend::Fs { root } => {
                std::fs::create_dir_all(root)?;
                let abs = std::fs::canonicalize(root)?;
                let abs = abs.to_str().ok_or_else(|| {
                    Error::new(
                        ErrorKind::ConfigInvalid,
                        "the data directory's path is not UTF-8; Iceberg locations are URLs",
                    )
                    .with_context("path", abs.display())
                })?;
                (format!("file://{abs}"), FileIoProps::default())
            }
            Backend::S3(s3) => {
                let root = s3.root.trim_matches('/');
                let warehouse = match root {
                    "" => format!("s3://{}", s3.bucket),
                    root => format!("s3://{}/{root}", s3.bucket),
                };
                // Path-style and an explicit region: any S3 server, not only AWS (see docs/toolchain.md
                // in ../shared: without them the client tries `bucket.host` and asks for a region).
                let props = HashMap::from([
                    ("s3.endpoint".to_owned(), s3.endpoint.clone()),
                    ("s3.region".to_owned(), s3.region.clone()),
                    ("s3.path-style-access".to_owned(), "true".to_owned()),
                    ("s3.access-key-id".to_owned(), s3.access_key_id.clone()),
                    ("s3.secret-access-key".to_owned(), s3.secret_access_key.clone()),
                ]);
                (warehouse, FileIoProps(props))
            }
        };
        if matches!(catalog, IcebergCatalog::Sql { .. })
            && let Some(declared) = std::env::var(WAREHOUSE_PATH_ENV)
                .ok()
                .filter(|v| !v.trim().is_empty())
        {
            check_warehouse_path(&warehouse, &declared)?;
        }
        Ok(Some(LakehouseConfig {
            catalog,
            warehouse,
            file_io,
            commit_retries: DEFAULT_COMMIT_RETRIES,
            max_columns: max_columns_from_env()?,
        }))
    }

    /// The catalog `MUDROCK_ICEBERG_CATALOG` names (see the module doc), `None` for `off`.
    pub fn catalog_from_env(data_dir: &Path) -> Result<Option<IcebergCatalog>> {
        catalog_from_lookup(data_dir, |name| std::env::var(name).ok())
    }
}

/// The catalog kinds `ICEBERG_CATALOG_TYPE` can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CatalogKind {
    Sql,
    Rest,
    Off,
}

impl CatalogKind {
    fn of(catalog: Option<&IcebergCatalog>) -> CatalogKind {
        match catalog {
            Some(IcebergCatalog::Sql { .. }) => CatalogKind::Sql,
            Some(IcebergCatalog::Rest { .. }) => CatalogKind::Rest,
            None => CatalogKind::Off,
        }
    }

    fn name(self) -> &'static str {
        match self {
            CatalogKind::Sql => "sql",
            CatalogKind::Rest => "rest",
            CatalogKind::Off => "none",
        }
    }
}

/// `ICEBERG_CATALOG_TYPE`, mapped to a kind MudRock has, or refused with what to use instead.
fn catalog_kind(value: &str) -> Result<CatalogKind> {
    let refuse = |why: &str| {
        Err(Error::new(
            ErrorKind::ConfigInvalid,
            format!("{CATALOG_TYPE_ENV}={value} is not supported: {why}"),
        ))
    };
    match value.to_ascii_lowercase().as_str() {
        "sql" | "jdbc" | "sqlite" | "postgres" | "postgresql" => Ok(CatalogKind::Sql),
        "rest" => Ok(CatalogKind::Rest),
        "none" | "off" => Ok(CatalogKind::Off),
        "hadoop" | "s3" | "filesystem" | "file" => refuse(
            "a catalog kept as files beside the tables has no atomic commit on object storage, so two \
             ingests at once could lose one; use `sql` (SQLite or PostgreSQL) or `rest` (SeaweedFS serves one)",
        ),
        "glue" | "hive" | "s3tables" | "nessie" | "polaris" | "unity" | "dynamodb" | "bigquery"
        | "snowflake" => refuse(
            "this build speaks only the SQL and REST catalog protocols; Nessie, Polaris, Unity and AWS S3 \
                 Tables serve the Iceberg REST protocol: use `rest` with that endpoint in MUDROCK_ICEBERG_CATALOG",
        ),
        _ => refuse("use `sql`, `rest` or `none`"),
    }
}

/// As [`LakehouseConfig::catalog_from_env`], reading variables through `lookup`.
pub fn catalog_from_lookup(
    data_dir: &Path,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<Option<IcebergCatalog>> {
    let get = |name: &str| {
        lookup(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let kind = get(CATALOG_TYPE_ENV).map(|v| catalog_kind(&v)).transpose()?;
    let catalog = match (get(CATALOG_ENV), kind) {
        (Some(value), _) => catalog_from_url(value, &get)?,
        (None, Some(CatalogKind::Off)) => None,
        (None, Some(CatalogKind::Rest)) => {
            return Err(Error::new(
                ErrorKind::ConfigInvalid,
                format!(
                    "{CATALOG_TYPE_ENV}=rest needs the catalog's address: set {CATALOG_ENV}=http(s)://… (SeaweedFS: \
                     its Iceberg port)"
                ),
            ));
        }
        (None, Some(CatalogKind::Sql) | None) => {
            Some(IcebergCatalog::sqlite_file(&data_dir.join("iceberg.db")))
        }
    };
    if let Some(kind) = kind
        && kind != CatalogKind::of(catalog.as_ref())
    {
        return Err(Error::new(
            ErrorKind::ConfigInvalid,
            format!(
                "{CATALOG_TYPE_ENV}={} but {CATALOG_ENV} names a {} catalog: unset the one you do not mean",
                kind.name(),
                CatalogKind::of(catalog.as_ref()).name()
            ),
        ));
    }
    Ok(catalog)
}

/// The catalog `MUDROCK_ICEBERG_CATALOG`'s value names.
fn catalog_from_url(value: String, get: &dyn Fn(&str) -> Option<String>) -> Result<Option<IcebergCatalog>> {
    if value.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    if value.starts_with("http://") || value.starts_with("https://") {
        return Ok(Some(IcebergCatalog::Rest {
            uri: value,
            credential: get(REST_CREDENTIAL_ENV),
            warehouse: rest_warehouse(get)?,
        }));
    }
    if value.starts_with("sqlite:") || value.starts_with("postgres://") || value.starts_with("postgresql://")
    {
        return Ok(Some(IcebergCatalog::Sql { uri: value }));
    }
    Err(Error::new(
        ErrorKind::ConfigInvalid,
        format!(
            "{CATALOG_ENV} must be `off`, a sqlite:… or postgres://… URL (SQL catalog) or an http(s):// URL \
             (REST catalog); got `{value}`"
        ),
    ))
}

/// A REST catalog's warehouse, under MudRock's name or the seed's; two that differ are refused.
fn rest_warehouse(get: &dyn Fn(&str) -> Option<String>) -> Result<Option<String>> {
    match (get(REST_WAREHOUSE_ENV), get(WAREHOUSE_PATH_ENV)) {
        (Some(ours), Some(seed)) if ours != seed => Err(Error::new(
            ErrorKind::ConfigInvalid,
            format!(
                "{REST_WAREHOUSE_ENV} ({ours}) and {WAREHOUSE_PATH_ENV} ({seed}) name different warehouses of the \
                 REST catalog: set one"
            ),
        )),
        (ours, seed) => Ok(ours.or(seed)),
    }
}

/// `ICEBERG_WAREHOUSE_PATH` against the warehouse a SQL catalog gets from the storage: the tables register
/// each log's Parquet file where the storage wrote it, so the warehouse is the storage's root and cannot be
/// moved elsewhere by a setting. A path that names the same place (`file://` or a plain absolute path for
/// the file system, `s3://` or `s3a://` for a bucket) is accepted.
pub fn check_warehouse_path(warehouse: &str, declared: &str) -> Result<()> {
    let normal = |s: &str| -> String {
        let s = s.trim().trim_end_matches('/');
        if let Some(rest) = s.strip_prefix("s3a://") {
            return format!("s3://{rest}");
        }
        if s.starts_with('/') {
            let path = std::fs::canonicalize(s).unwrap_or_else(|_| std::path::PathBuf::from(s));
            return format!("file://{}", path.display());
        }
        s.to_owned()
    };
    if normal(declared) == normal(warehouse) {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::ConfigInvalid,
        format!(
            "{WAREHOUSE_PATH_ENV} is `{declared}`, but this storage keeps the tables' files at `{warehouse}`: a SQL \
             catalog's tables register each log's Parquet file where the storage wrote it, so the warehouse is the \
             storage's root. Unset {WAREHOUSE_PATH_ENV}, or point --data-dir (or MINIO_BUCKET and MINIO_ROOT) there"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::S3Config;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn the_embedded_default_is_a_sqlite_file_in_the_data_dir() {
        let kind = catalog_from_lookup(Path::new("/data"), lookup(&[])).unwrap();
        assert_eq!(
            kind,
            Some(IcebergCatalog::Sql {
                uri: "sqlite:///data/iceberg.db?mode=rwc".into()
            })
        );
        assert_eq!(
            catalog_from_lookup(Path::new("/d"), lookup(&[(CATALOG_ENV, "off")])).unwrap(),
            None
        );
    }

    #[test]
    fn urls_pick_the_catalog_and_nonsense_is_refused() {
        let pg =
            catalog_from_lookup(Path::new("/d"), lookup(&[(CATALOG_ENV, "postgres://u:p@h/db")])).unwrap();
        assert_eq!(
            pg.as_ref().map(IcebergCatalog::describe).as_deref(),
            Some("SQL catalog (postgres)")
        );
        // The password never shows in Debug.
        assert!(!format!("{pg:?}").contains("u:p"));
        let rest = catalog_from_lookup(
            Path::new("/d"),
            lookup(&[
                (CATALOG_ENV, "http://127.0.0.1:8181"),
                (REST_CREDENTIAL_ENV, "k:s"),
            ]),
        )
        .unwrap();
        assert_eq!(
            rest,
            Some(IcebergCatalog::Rest {
                uri: "http://127.0.0.1:8181".into(),
                credential: Some("k:s".into()),
                warehouse: None,
            })
        );
        let err = catalog_from_lookup(Path::new("/d"), lookup(&[(CATALOG_ENV, "mysql://x")])).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConfigInvalid);
        assert!(err.to_string().contains(CATALOG_ENV), "{err}");
    }

    #[test]
    fn the_seeds_catalog_type_maps_onto_ours_or_is_refused_saying_why() {
        let d = Path::new("/data");
        // `sql` alone is the embedded default; `none` turns the tables off; `rest` needs its address.
        assert_eq!(
            catalog_from_lookup(d, lookup(&[(CATALOG_TYPE_ENV, "sql")])).unwrap(),
            catalog_from_lookup(d, lookup(&[])).unwrap()
        );
        assert_eq!(
            catalog_from_lookup(d, lookup(&[(CATALOG_TYPE_ENV, "NONE")])).unwrap(),
            None
        );
        let err = catalog_from_lookup(d, lookup(&[(CATALOG_TYPE_ENV, "rest")])).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConfigInvalid);
        assert!(err.to_string().contains(CATALOG_ENV), "{err}");
        // With the address, the seed's warehouse name is the REST catalog's warehouse.
        let rest = catalog_from_lookup(
            d,
            lookup(&[
                (CATALOG_TYPE_ENV, "rest"),
                (CATALOG_ENV, "http://127.0.0.1:8181"),
                (WAREHOUSE_PATH_ENV, "s3://tables"),
            ]),
        )
        .unwrap();
        assert_eq!(
            rest,
            Some(IcebergCatalog::Rest {
                uri: "http://127.0.0.1:8181".into(),
                credential: None,
                warehouse: Some("s3://tables".into()),
            })
        );
        // Settings that disagree are refused, never one silently picked.
        for pairs in [
            vec![(CATALOG_TYPE_ENV, "sql"), (CATALOG_ENV, "http://127.0.0.1:8181")],
            vec![(CATALOG_TYPE_ENV, "rest"), (CATALOG_ENV, "off")],
            vec![
                (CATALOG_ENV, "http://127.0.0.1:8181"),
                (REST_WAREHOUSE_ENV, "a"),
                (WAREHOUSE_PATH_ENV, "b"),
            ],
        ] {
            let err = catalog_from_lookup(d, lookup(&pairs)).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::ConfigInvalid, "{pairs:?}");
        }
        // Kinds this build has no client for name what to use instead.
        for (kind, hint) in [
            ("glue", "rest"),
            ("hadoop", "atomic commit"),
            ("mystery", "`sql`, `rest` or `none`"),
        ] {
            let err = catalog_from_lookup(d, lookup(&[(CATALOG_TYPE_ENV, kind)])).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::ConfigInvalid);
            let text = err.to_string();
            assert!(
                text.contains(CATALOG_TYPE_ENV) && text.contains(hint),
                "{kind}: {text}"
            );
        }
    }

    #[test]
    fn a_sql_catalogs_warehouse_path_must_be_where_the_storage_keeps_the_files() {
        let dir = tempfile::tempdir().unwrap();
        let abs = std::fs::canonicalize(dir.path()).unwrap();
        let warehouse = format!("file://{}", abs.display());
        check_warehouse_path(&warehouse, &warehouse).unwrap();
        check_warehouse_path(&warehouse, &format!("{}/", abs.display())).unwrap();
        check_warehouse_path("s3://wells/team", "s3a://wells/team/").unwrap();
        let err = check_warehouse_path(&warehouse, "s3://elsewhere").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConfigInvalid);
        assert!(err.to_string().contains(WAREHOUSE_PATH_ENV), "{err}");
        assert!(err.to_string().contains("s3://elsewhere"), "{err}");
    }

    #[test]
    fn s3_storage_gives_an_s3_warehouse_with_path_style_keys() {
        let storage = StorageConfig::s3(S3Config {
            endpoint: "http://127.0.0.1:8333".into(),
            region: "us-east-1".into(),
            bucket: "wells".into(),
            root: "/team/".into(),
            access_key_id: "key".into(),
            secret_access_key: "hush-hush-value".into(),
        });
        let config = LakehouseConfig::for_storage(&storage, IcebergCatalog::sqlite_file(Path::new("/x.db")))
            .unwrap()
            .unwrap();
        assert_eq!(config.warehouse, "s3://wells/team");
        assert_eq!(config.file_io.0["s3.path-style-access"], "true");
        assert!(!format!("{config:?}").contains("hush-hush"));
        assert!(
            LakehouseConfig::for_storage(
                &StorageConfig::memory(),
                IcebergCatalog::sqlite_file(Path::new("/x"))
            )
            .unwrap()
            .is_none()
        );
    }
}
