//! The `mudrock` command line: argument parsing and dispatch. Each command lives in its own file.

mod demo;
mod ingest;
mod output;
mod progress;
mod wells;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use mudrock_core::layout::{Layout, ProjectId};

use crate::error::{Error, ErrorKind, Result};
use crate::ingest::Ingestor;
use crate::storage::{StorageConfig, StorageManager};

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
    /// Object storage: the file system under the data dir, or memory (gone when the command ends).
    #[arg(long, global = true, value_enum, default_value_t = StorageKind::Fs)]
    storage: StorageKind,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StorageKind {
    Fs,
    Memory,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate the demo wells as LAS files, ingest them and print the wells catalog.
    Demo {
        /// The project to ingest into.
        #[arg(long, default_value = "demo", value_parser = parse_project)]
        project: ProjectId,
        /// Where to write the demo LAS files (default: `<data-dir>/demo-las`).
        #[arg(long)]
        out: Option<PathBuf>,
    },
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
}

fn parse_project(s: &str) -> std::result::Result<ProjectId, String> {
    ProjectId::new(s).map_err(|e| format!("{e}; a project id uses letters, digits, '-', '_' and '.'"))
}

/// Parses the command line, runs the command and turns the outcome into an exit code: 0 when
/// everything worked, 1 when a file was rejected or an operation failed, 2 for usage errors (clap).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
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
    let ingestor = open(&cli)?;
    match cli.command {
        Command::Demo { project, out } => {
            let out = out.unwrap_or_else(|| cli.data_dir.join("demo-las"));
            demo::run(&ingestor, &project, &out).await
        }
        Command::Ingest { paths, project, json } => ingest::run(&ingestor, &project, &paths, json).await,
        Command::Wells { project, json } => wells::run(&ingestor, &project, json).await,
    }
}

fn open(cli: &Cli) -> Result<Ingestor> {
    let config = match cli.storage {
        StorageKind::Fs => StorageConfig::fs(cli.data_dir.join("objects")),
        StorageKind::Memory => StorageConfig::memory(),
    };
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
    let layout = Layout::new("").map_err(|e| Error::new(ErrorKind::ConfigInvalid, e.to_string()))?;
    Ok(Ingestor::new(storage, layout))
}
