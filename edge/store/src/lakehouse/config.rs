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

/// As [`LakehouseConfig::catalog_from_env`], reading variables through `lookup`.
pub fn catalog_from_lookup(
    data_dir: &Path,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<Option<IcebergCatalog>> {
    let value = lookup(CATALOG_ENV)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty());
    let Some(value) = value else {
        return Ok(Some(IcebergCatalog::sqlite_file(&data_dir.join("iceberg.db"))));
    };
    if value.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    if value.starts_with("http://") || value.starts_with("https://") {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        return Ok(Some(IcebergCatalog::Rest {
            uri: value,
            credential: get(REST_CREDENTIAL_ENV),
            warehouse: get(REST_WAREHOUSE_ENV),
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
