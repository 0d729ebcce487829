//! `mudrock doctor`: which metadata store, Iceberg catalog, object storage and caches the commands will use
//! with these settings, each checked for real (opened, asked something), then every setting with the value
//! in effect and where it came from. Exit 1 when a part cannot be used, with what to check; a setting that
//! is present but unusable is such a failure, as it is for every other command.

use std::process::ExitCode;

use mudrock_common::error::{Error, ErrorKind, Result};
use mudrock_core::layout::ProjectId;
use mudrock_engine::cache::{CacheConfig, Caches};
use mudrock_store::ingest::Ingestor;
use mudrock_store::metadata::ProjectScope;
use mudrock_store::storage::{Backend, StorageConfig};

use crate::Cli;
use crate::settings::{self, CACHES, EVERY, RECORDING, TABLES};

/// One part of a deployment and how its check went.
struct Part {
    name: &'static str,
    used_by: &'static str,
    /// What it is (kind and place), or why that could not be said.
    what: String,
    outcome: std::result::Result<(), String>,
}

impl Part {
    /// A part whose settings could not even be turned into something to open.
    fn unusable(name: &'static str, used_by: &'static str, error: impl std::fmt::Display) -> Part {
        Part {
            name,
            used_by,
            what: "not usable".to_owned(),
            outcome: Err(error.to_string()),
        }
    }
}

pub async fn run(cli: &Cli, json: bool) -> Result<ExitCode> {
    match check(cli, json).await {
        Ok(code) => Ok(code),
        Err(e) => Err(Error::new(ErrorKind::Unexpected, e)),
    }
}

async fn check(cli: &Cli, json: bool) -> std::result::Result<ExitCode, String> {
    let mut parts = Vec::new();

    let storage = crate::storage_config(cli).map(|config| describe_storage(&config));
    let ingestor: Option<Ingestor> = match storage.and_then(|what| Ok((what, crate::open(cli)?))) {
        Ok((what, ingestor)) => {
            let outcome = ingestor.storage().check().await.map_err(|e| e.to_string());
            parts.push(Part {
                name: "storage",
                used_by: EVERY,
                what,
                outcome,
            });
            Some(ingestor)
        }
        Err(e) => {
            parts.push(Part::unusable("storage", EVERY, e));
            None
        }
    };

    parts.push(match crate::MetadataChoice::from_env(cli) {
        Ok(choice) => {
            let what = choice.describe();
            let outcome = match choice.open().await {
                // Asked for a project: a round trip through the store, which creates nothing.
                Ok(Some(store)) => {
                    let scope = ProjectScope::new(ProjectId::new("doctor").map_err(|e| e.to_string())?);
                    store.project(&scope).await.map(|_| ()).map_err(|e| e.to_string())
                }
                Ok(None) => Ok(()),
                Err(e) => Err(e.to_string()),
            };
            Part {
                name: "metadata",
                used_by: RECORDING,
                what,
                outcome,
            }
        }
        Err(e) => Part::unusable("metadata", RECORDING, e),
    });

    parts.push(match crate::open_lakehouse(cli).await {
        Ok(Some(lakehouse)) => {
            let outcome = lakehouse.check().await.map_err(|e| e.to_string());
            Part {
                name: "tables",
                used_by: TABLES,
                what: format!("{}, warehouse {}", lakehouse.describe(), lakehouse.warehouse()),
                outcome,
            }
        }
        Ok(None) => Part {
            name: "tables",
            used_by: TABLES,
            what: "off (the Parquet layout is the record)".to_owned(),
            outcome: Ok(()),
        },
        Err(e) => Part::unusable("tables", TABLES, e),
    });

    parts.push(match CacheConfig::from_env(&cli.data_dir) {
        Ok(config) => {
            let what = describe_caches(&config);
            let outcome = match &ingestor {
                Some(ingestor) => Caches::open(&config, ingestor.storage(), ingestor.layout())
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                None => Err("not checked: the storage is not usable".to_owned()),
            };
            Part {
                name: "caches",
                used_by: CACHES,
                what,
                outcome,
            }
        }
        Err(e) => Part::unusable("caches", CACHES, e),
    });

    let env = |name: &str| std::env::var(name).ok();
    let settings = settings::all();
    let failed = parts.iter().any(|p| p.outcome.is_err());
    if json {
        let parts: Vec<serde_json::Value> = parts
            .iter()
            .map(|p| {
                serde_json::json!({
                    "part": p.name,
                    "used_by": p.used_by,
                    "what": p.what,
                    "ok": p.outcome.is_ok(),
                    "error": p.outcome.as_ref().err(),
                })
            })
            .collect();
        let settings: Vec<serde_json::Value> = settings
            .iter()
            .map(|s| {
                let (value, from) = settings::in_effect(s, env);
                serde_json::json!({"name": s.name, "value": value, "from": from, "applies_to": s.applies_to})
            })
            .collect();
        let doc = serde_json::json!({"parts": parts, "settings": settings});
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        for p in &parts {
            let verdict = match &p.outcome {
                Ok(()) => "ok".to_owned(),
                Err(e) => format!("FAILED: {e}"),
            };
            println!(
                "{:<9} {}\n          used by: {}\n          {verdict}",
                p.name, p.what, p.used_by
            );
        }
        println!();
        println!("{:<40} {:<10} value", "setting", "from");
        for s in &settings {
            let (value, from) = settings::in_effect(s, env);
            println!("{:<40} {:<10} {value}", s.name, from);
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn describe_storage(config: &StorageConfig) -> String {
    match &config.backend {
        Backend::Fs { root } => format!("file system at {}", root.display()),
        Backend::Memory => "memory (gone when the command ends)".to_owned(),
        Backend::S3(s3) => format!(
            "S3 bucket `{}` (root `{}`) at {}, region {}",
            s3.bucket, s3.root, s3.endpoint, s3.region
        ),
    }
}

fn describe_caches(config: &CacheConfig) -> String {
    let l2 = match &config.l2 {
        Some(l2) => format!("L2 {} MiB in {}", l2.max_bytes >> 20, l2.dir.display()),
        None => "no L2".to_owned(),
    };
    format!(
        "L1 {} MiB in memory; {l2}; L3 results on the object store {}",
        config.l1.max_bytes >> 20,
        if config.l3.enabled { "on" } else { "off" }
    )
}
