//! The `mudrock` command line: argument parsing and dispatch. Each command lives in its own file; what a
//! command does is the store's (`mudrock-store`), the engine's (`mudrock-engine`) or the server's
//! (`mudrock-server`): this crate parses, reports progress and prints.

pub mod c_heap;
mod cache;
mod demo;
mod doctor;
mod export;
mod ingest;
mod limits;
mod output;
mod progress;
mod publish;
mod serve;
pub mod settings;
mod snapshots;
mod sql;
mod wells;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use mudrock_core::layout::{Layout, LogId, ProjectId, WellId};

use mudrock_common::error::{Error, ErrorKind, Result};
use mudrock_engine::cache::{CacheConfig, Caches};
use mudrock_engine::query::QueryEngine;
use mudrock_engine::service::{Limits, Service};
use mudrock_store::ingest::Ingestor;
use mudrock_store::lakehouse::{AsOf, LakeTable, Lakehouse, LakehouseConfig};
use mudrock_store::metadata::{
    CachedStore, MetadataStore, PostgrestConfig, PostgrestStore, SqlStore, redact,
};
use mudrock_store::storage::{S3Config, StorageConfig, StorageManager};

#[derive(Debug, Parser)]
#[command(
    name = "mudrock",
    version,
    about = "MudRock: well logs in, Parquet and catalogs out."
)]
pub struct Cli {
    /// Where MudRock keeps its data (objects under `objects/`, demo files under `demo-las/`).
    #[arg(long, global = true, env = "MUDROCK_DATA_DIR", default_value = ".mudrock")]
    data_dir: PathBuf,
    /// Object storage: the file system under the data dir, memory (gone when the command ends), or an S3
    /// bucket (MINIO_* variables).
    #[arg(long, global = true, value_enum, default_value_t = StorageKind::Fs)]
    storage: StorageKind,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StorageKind {
    Fs,
    Memory,
    /// An S3 bucket (any S3 server), from MINIO_ENDPOINT, MINIO_ACCESS_KEY, MINIO_SECRET_KEY, MINIO_BUCKET,
    /// MINIO_REGION (default us-east-1), MINIO_ROOT (default /).
    S3,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate the demo wells as LAS files, ingest them, print the wells catalog, then serve the HTTP API.
    Demo {
        /// The project to ingest into.
        #[arg(long, default_value = "demo", value_parser = parse_project)]
        project: ProjectId,
        /// Where to write the demo LAS files (default: `<data-dir>/demo-las`).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Stop after printing the catalog instead of serving the API (scripts, CI).
        #[arg(long)]
        no_serve: bool,
        #[command(flatten)]
        serve: serve::ServeArgs,
    },
    /// Serve the HTTP API (under /v1) on the data dir until Ctrl-C.
    Serve(serve::ServeArgs),
    /// Ingest LAS files (directories are searched recursively for *.las).
    Ingest {
        /// LAS files, or directories to search for them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The project to ingest into (letters, digits, '-', '_', '.'); created on first use.
        #[arg(long, value_parser = parse_project)]
        project: ProjectId,
        /// Print the per-file reports as JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// A log whose depth goes back (a repeated section, a spliced pass) or repeats with other values:
        /// keep every sample in depth order, keep the first pass over each depth, or refuse the file. The
        /// report names the rows either way.
        #[arg(long, value_enum, default_value_t = ingest::OnDepthOrder::Sort)]
        on_depth_order: ingest::OnDepthOrder,
    },
    /// Print a project's wells catalog.
    Wells {
        /// The project whose wells to print.
        #[arg(long, value_parser = parse_project)]
        project: ProjectId,
        /// Print the catalog as JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Run one read-only SQL query over a project (tables well_logs, wells, logs, curves; names are
    /// case-sensitive: `SELECT GR FROM well_logs`).
    Sql {
        /// The query.
        query: String,
        /// The project to query.
        #[arg(long, value_parser = parse_project)]
        project: ProjectId,
        /// How to print the result.
        #[arg(long, value_enum, default_value_t = sql::SqlFormat::Table)]
        format: sql::SqlFormat,
        /// Write the result to this file instead of stdout.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Return at most this many rows (default for --format table: 1000; otherwise no limit).
        #[arg(long)]
        limit: Option<usize>,
        /// Time travel: read the project's Iceberg tables as of a well_logs snapshot id (see `mudrock
        /// snapshots`), a time (2026-12-04T20:15:00Z; `2026-12-04 20:15:00` is UTC), or `now`.
        #[arg(long, value_parser = parse_as_of)]
        as_of: Option<AsOf>,
        #[command(flatten)]
        limits: limits::QueryLimitArgs,
    },
    /// Give a stored log back as a file: LAS 2.0 (headers, curves and units as ingested), CSV or Parquet.
    Export {
        #[arg(long, value_parser = parse_project)]
        project: ProjectId,
        /// The well (its id, as `mudrock wells` lists it).
        #[arg(long, value_parser = parse_well)]
        well: WellId,
        /// The log, when the well has several (`mudrock sql --project P "SELECT log_id, source_file FROM
        /// logs"` lists them).
        #[arg(long, value_parser = parse_log)]
        log: Option<LogId>,
        #[arg(long, value_enum, default_value_t = export::ExportKind::Las)]
        format: export::ExportKind,
        /// Write to this file instead of stdout.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Put every stored log of a project into its Iceberg tables (logs ingested before the tables
    /// existed, or with MUDROCK_ICEBERG_CATALOG=off), from the original bytes kept under raw/.
    Backfill {
        #[arg(long, value_parser = parse_project)]
        project: ProjectId,
        /// Print the per-file reports as JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Rebuild a project's catalogs (wells, logs, curves) from its Iceberg tables and the metadata
    /// store's well headers: after a header was corrected there, or when an ingest was killed before its
    /// catalogs were written. Every ingest does it too.
    Refresh {
        #[arg(long, value_parser = parse_project)]
        project: ProjectId,
    },
    /// List the commits (snapshots) of a project's Iceberg table, oldest first: ids for `sql --as-of`.
    Snapshots {
        #[arg(long, value_parser = parse_project)]
        project: ProjectId,
        /// well_logs, wells, curves or tops.
        #[arg(long, default_value = "well_logs", value_parser = parse_table)]
        table: LakeTable,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show or empty the caches (L2 blocks on disk, L3 results; a running server's tiers with --url).
    Cache {
        #[command(subcommand)]
        action: cache::CacheAction,
    },
    /// Say which metadata store, Iceberg catalog, object storage and caches the commands use with these
    /// settings, check that each answers, and list every setting with the value in effect (exit 1 when a
    /// part cannot be used).
    Doctor {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Put a project's log objects and catalogs into the edge worker's bucket (through the worker).
    Publish {
        #[arg(long, value_parser = parse_project)]
        project: ProjectId,
        /// The edge worker, e.g. http://127.0.0.1:8787.
        #[arg(long, env = "MUDROCK_EDGE_URL")]
        edge: String,
        /// A token of the worker's MUDROCK_TOKENS that opens every project (`*`).
        #[arg(long, env = "MUDROCK_EDGE_TOKEN", hide_env_values = true)]
        token: String,
    },
}

fn parse_as_of(s: &str) -> std::result::Result<AsOf, String> {
    AsOf::parse(s).map_err(|e| e.message().to_owned())
}

fn parse_table(s: &str) -> std::result::Result<LakeTable, String> {
    LakeTable::parse(s).ok_or_else(|| "one of well_logs, wells, logs, curves, tops".to_owned())
}

fn parse_well(s: &str) -> std::result::Result<WellId, String> {
    WellId::new(s).map_err(|e| e.to_string())
}

fn parse_log(s: &str) -> std::result::Result<LogId, String> {
    LogId::new(s).map_err(|e| e.to_string())
}

fn parse_project(s: &str) -> std::result::Result<ProjectId, String> {
    ProjectId::new(s).map_err(|e| format!("{e}; a project id uses letters, digits, '-', '_' and '.'"))
}

/// Parses the command line, runs the command and turns the outcome into an exit code: 0 when
/// everything worked, 1 when a file was rejected or an operation failed, 2 for usage errors (clap).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Queries run on this runtime's threads in the CLI (the server has its own query runtime).
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .thread_stack_size(mudrock_engine::query::QUERY_THREAD_STACK_BYTES)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    // The doctor opens each part itself, so that one that fails is reported beside the others.
    if let Command::Doctor { json } = cli.command {
        return doctor::run(&cli, json).await;
    }
    let ingestor = open(&cli)?;
    // Only the commands that ingest record into the metadata store; the others need not open it (nor
    // create its file, nor run its migrations).
    let ingests = matches!(
        cli.command,
        Command::Demo { .. } | Command::Serve(_) | Command::Ingest { .. } | Command::Refresh { .. }
    );
    let ingestor = match ingests {
        true => match open_metadata(&cli).await? {
            Some(store) => ingestor.with_metadata(store),
            None => ingestor,
        },
        false => ingestor,
    };
    // A remote store is checked before any work: wrong keys, a missing bucket or an unreachable server are
    // said at once, not in the middle of an ingest.
    if cli.storage == StorageKind::S3 {
        ingestor.storage().check().await?;
    }
    // The Iceberg tables: what ingests append to and time travel reads.
    let tables = !matches!(
        cli.command,
        Command::Wells { .. } | Command::Cache { .. } | Command::Publish { .. } | Command::Export { .. }
    );
    let ingestor = match tables {
        true => match open_lakehouse(&cli).await? {
            Some(lakehouse) => ingestor.with_lakehouse(lakehouse),
            None => ingestor,
        },
        false => ingestor,
    };
    match cli.command {
        Command::Demo {
            project,
            out,
            no_serve,
            serve,
        } => {
            let out = out.unwrap_or_else(|| cli.data_dir.join("demo-las"));
            let after = if no_serve {
                demo::AfterDemo::Exit
            } else {
                demo::AfterDemo::Serve {
                    data_dir: &cli.data_dir,
                    args: &serve,
                }
            };
            demo::run(&ingestor, &project, &out, after).await
        }
        Command::Serve(args) => serve::run(&ingestor, &cli.data_dir, &args, None).await,
        Command::Ingest {
            paths,
            project,
            json,
            on_depth_order,
        } => {
            c_heap::no_huge_pages();
            let ingestor = ingestor.with_validation(on_depth_order.registry());
            ingest::run(&ingestor, &project, &paths, json).await
        }
        Command::Wells { project, json } => wells::run(&ingestor, &project, json).await,
        Command::Sql {
            query,
            project,
            format,
            output,
            limit,
            as_of,
            limits,
        } => {
            let service = one_shot_service(&ingestor, &limits)?;
            let project = service.project(&project);
            sql::run(&project, &query, format, output.as_deref(), limit, as_of).await
        }
        Command::Export {
            project,
            well,
            log,
            format,
            output,
        } => {
            let service = one_shot_service(&ingestor, &limits::QueryLimitArgs::defaults())?;
            export::run(
                &service.project(&project),
                &well,
                log.as_ref(),
                format,
                output.as_deref(),
            )
            .await
        }
        Command::Backfill { project, json } => ingest::backfill(&ingestor, &project, json).await,
        Command::Refresh { project } => ingest::refresh(&ingestor, &project).await,
        Command::Snapshots { project, table, json } => snapshots::run(&ingestor, &project, table, json).await,
        Command::Cache { action } => cache::run(&ingestor, &cli.data_dir, action).await,
        Command::Publish { project, edge, token } => publish::run(&ingestor, &project, &edge, &token).await,
        Command::Doctor { json } => doctor::run(&cli, json).await,
    }
}

/// Which metadata store the settings name: PostgreSQL when `MUDROCK_DATABASE_URL` names one (a Supabase
/// project's connection string works); PostgREST when `POSTGREST_URL` or `SUPABASE_URL` does (Supabase's
/// REST face: see `PostgrestConfig::from_env` for the key and secret); else the embedded SQLite file
/// `{data dir}/metadata.db`; none with `--storage memory` (nothing of such a run outlives it). Two named at
/// once is an error, never a silent choice.
enum MetadataChoice {
    Database(String),
    Postgrest(PostgrestConfig),
    Embedded(PathBuf),
    None,
}

impl MetadataChoice {
    fn from_env(cli: &Cli) -> Result<MetadataChoice> {
        let database = std::env::var("MUDROCK_DATABASE_URL")
            .ok()
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty());
        Ok(match (database, PostgrestConfig::from_env()?) {
            (Some(_), Some(_)) => {
                return Err(Error::new(
                    ErrorKind::ConfigInvalid,
                    "both MUDROCK_DATABASE_URL and POSTGREST_URL (or SUPABASE_URL) are set: the metadata has one \
                     home, so unset the one you do not mean",
                ));
            }
            (Some(url), None) => MetadataChoice::Database(url),
            (None, Some(config)) => MetadataChoice::Postgrest(config),
            (None, None) if cli.storage == StorageKind::Memory => MetadataChoice::None,
            (None, None) => MetadataChoice::Embedded(cli.data_dir.join("metadata.db")),
        })
    }

    /// What it is and where, without secrets.
    fn describe(&self) -> String {
        match self {
            MetadataChoice::Database(url) => format!("PostgreSQL at {}", redact(url)),
            MetadataChoice::Postgrest(config) => format!("PostgREST at {}", config.url),
            MetadataChoice::Embedded(path) => format!("embedded SQLite at {}", path.display()),
            MetadataChoice::None => "none (--storage memory keeps nothing)".to_owned(),
        }
    }

    /// Opens it, its migrations applied, a remote one checked at once; reads go through the L1 cache.
    async fn open(self) -> Result<Option<Arc<dyn MetadataStore>>> {
        let store: Arc<dyn MetadataStore> = match self {
            MetadataChoice::Database(url) => Arc::new(cached(SqlStore::open(&url).await?)),
            MetadataChoice::Postgrest(config) => {
                let store = PostgrestStore::new(config)?;
                store.check().await?;
                Arc::new(cached(store))
            }
            MetadataChoice::Embedded(path) => Arc::new(cached(SqlStore::open_file(&path).await?)),
            MetadataChoice::None => return Ok(None),
        };
        Ok(Some(store))
    }
}

/// The metadata store the settings name (see [`MetadataChoice`]).
async fn open_metadata(cli: &Cli) -> Result<Option<Arc<dyn MetadataStore>>> {
    MetadataChoice::from_env(cli)?.open().await
}

/// The metadata store behind the L1 cache every command reads it through.
fn cached<S: MetadataStore>(store: S) -> CachedStore<S> {
    CachedStore::new(store, 100_000, Duration::from_secs(300))
}

/// The Iceberg catalog `MUDROCK_ICEBERG_CATALOG` names (default: SQLite beside the data), over the
/// command's storage; none with `--storage memory` or `MUDROCK_ICEBERG_CATALOG=off`.
async fn open_lakehouse(cli: &Cli) -> Result<Option<Lakehouse>> {
    let Some(catalog) = LakehouseConfig::catalog_from_env(&cli.data_dir)? else {
        return Ok(None);
    };
    match LakehouseConfig::for_storage(&storage_config(cli)?, catalog)? {
        Some(config) => Ok(Some(Lakehouse::open(config).await?)),
        None => Ok(None),
    }
}

/// The application for one command: the query engine, no cache that outlives the process, the
/// default limits (a command's own flags bound its query).
fn one_shot_service(ingestor: &Ingestor, limits: &limits::QueryLimitArgs) -> Result<Service> {
    let engine = query_engine(ingestor, limits)?;
    let caches = Caches::open(&CacheConfig::off(), ingestor.storage(), ingestor.layout())?;
    Service::new(ingestor.clone(), engine, Arc::new(caches), Limits::default())
}

/// The query engine over the ingestor's storage, answering time travel from its Iceberg tables (if any).
fn query_engine(ingestor: &Ingestor, limits: &limits::QueryLimitArgs) -> Result<QueryEngine> {
    let engine = QueryEngine::with_config(
        ingestor.storage().clone(),
        ingestor.layout().clone(),
        limits.config()?,
    );
    Ok(match ingestor.lakehouse() {
        Some(lakehouse) => engine.with_lakehouse(lakehouse.clone()),
        None => engine,
    })
}

fn storage_config(cli: &Cli) -> Result<StorageConfig> {
    Ok(match cli.storage {
        StorageKind::Fs => StorageConfig::fs(cli.data_dir.join("objects")),
        StorageKind::Memory => StorageConfig::memory(),
        StorageKind::S3 => StorageConfig::s3(S3Config::from_env()?),
    })
}

fn open(cli: &Cli) -> Result<Ingestor> {
    let limits = mudrock_store::ingest::read_limits_from_env()?;
    Ok(open_storage(cli)?.with_read_limits(limits))
}

fn open_storage(cli: &Cli) -> Result<Ingestor> {
    let config = storage_config(cli)?;
    if cli.storage == StorageKind::S3 {
        let storage = StorageManager::new(&config)?;
        let layout = Layout::new("")
            .map_err(|e| Error::new(ErrorKind::ConfigInvalid, e.to_string()).with_source(e))?;
        return Ok(Ingestor::new(storage, layout));
    }
    let storage = StorageManager::new(&config).map_err(|e| {
        Error::new(
            e.kind(),
            format!(
                "cannot open the data directory {}: choose another with --data-dir or MUDROCK_DATA_DIR",
                cli.data_dir.display()
            ),
        )
        .with_source(e)
    })?;
    let layout =
        Layout::new("").map_err(|e| Error::new(ErrorKind::ConfigInvalid, e.to_string()).with_source(e))?;
    Ok(Ingestor::new(storage, layout))
}
