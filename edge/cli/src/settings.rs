//! Every setting the `mudrock` binary reads from its environment, with its default and the value in
//! effect: what `mudrock doctor` prints and what the README's configuration table lists (a test keeps the
//! two, and the names the sources read, the same).
//!
//! The command line's own settings (`--addr` / `MUDROCK_ADDR` …) are read from clap's definitions, so
//! their defaults have one home; the ones the libraries read themselves (storage, catalog, metadata,
//! caches, reader limits) are listed in [`LIBRARY_SETTINGS`], with defaults taken from the constants the
//! code uses.

use std::collections::BTreeMap;

use clap::CommandFactory;

use mudrock_engine::cache::config as cache;
use mudrock_store::lakehouse::config as lake;

/// One setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub name: String,
    /// The value used when the variable is unset (a sentence when it is not a plain value).
    pub default: String,
    pub meaning: String,
    /// Its value is never printed (keys, secrets, tokens, connection strings with passwords).
    pub secret: bool,
    /// Where it applies: `mudrock serve`, `every command`, `tests only`, …
    pub applies_to: String,
}

/// A setting the libraries read from the environment (not a command-line flag).
struct LibrarySetting {
    name: &'static str,
    default: fn() -> String,
    meaning: &'static str,
    secret: bool,
    applies_to: &'static str,
}

pub(crate) const EVERY: &str = "every command";
pub(crate) const RECORDING: &str = "ingest, serve, demo, refresh";
pub(crate) const TABLES: &str = "every command but wells, cache, publish";
const SERVING: &str = "serve, demo";
pub(crate) const CACHES: &str = "serve, demo, cache";
const READING: &str = "ingest, serve, demo, backfill";
const S3: &str = "with --storage s3";
const TESTS: &str = "tests only (fault injection)";

fn unset() -> String {
    "unset".to_owned()
}

fn mib(bytes: u64) -> String {
    format!("{} MiB", bytes >> 20)
}

/// The settings the libraries read, each once.
const LIBRARY_SETTINGS: &[LibrarySetting] = &[
    LibrarySetting {
        name: "MUDROCK_DATABASE_URL",
        default: || "unset: embedded SQLite `{data dir}/metadata.db`".to_owned(),
        meaning: "PostgreSQL holding the metadata (a Supabase project's connection string works)",
        secret: true,
        applies_to: RECORDING,
    },
    LibrarySetting {
        name: "POSTGREST_URL",
        default: unset,
        meaning: "PostgREST holding the metadata (with POSTGREST_JWT_SECRET); excludes MUDROCK_DATABASE_URL",
        secret: false,
        applies_to: RECORDING,
    },
    LibrarySetting {
        name: "POSTGREST_JWT_SECRET",
        default: unset,
        meaning: "PostgREST's jwt-secret, to sign per-project tokens",
        secret: true,
        applies_to: RECORDING,
    },
    LibrarySetting {
        name: "SUPABASE_URL",
        default: unset,
        meaning: "a Supabase project: its PostgREST (`/rest/v1`) holds the metadata",
        secret: false,
        applies_to: RECORDING,
    },
    LibrarySetting {
        name: "SUPABASE_ANON_KEY",
        default: unset,
        meaning: "Supabase's `apikey` header",
        secret: true,
        applies_to: RECORDING,
    },
    LibrarySetting {
        name: "SUPABASE_JWT_SECRET",
        default: unset,
        meaning: "the Supabase project's JWT secret (as POSTGREST_JWT_SECRET)",
        secret: true,
        applies_to: RECORDING,
    },
    LibrarySetting {
        name: lake::CATALOG_ENV,
        default: || "unset: SQL catalog on embedded SQLite `{data dir}/iceberg.db`".to_owned(),
        meaning: "the Iceberg catalog: `off`, `sqlite:…`/`postgres://…` (SQL), `http(s)://…` (REST)",
        secret: true,
        applies_to: TABLES,
    },
    LibrarySetting {
        name: lake::CATALOG_TYPE_ENV,
        default: unset,
        meaning: "the seed's name for the catalog's kind: `sql`, `rest` or `none` (others are refused, saying why)",
        secret: false,
        applies_to: TABLES,
    },
    LibrarySetting {
        name: lake::WAREHOUSE_PATH_ENV,
        default: || {
            "unset: the storage's root (`file://{data dir}/objects`, `s3://{bucket}/{root}`)".to_owned()
        },
        meaning: "where the tables' files live: for a SQL catalog it must be the storage's root; for REST, its warehouse",
        secret: false,
        applies_to: TABLES,
    },
    LibrarySetting {
        name: lake::REST_CREDENTIAL_ENV,
        default: unset,
        meaning: "`KEY:SECRET` for a REST catalog asking for OAuth2 client credentials",
        secret: true,
        applies_to: TABLES,
    },
    LibrarySetting {
        name: lake::REST_WAREHOUSE_ENV,
        default: unset,
        meaning: "the REST catalog's warehouse (SeaweedFS: its table bucket)",
        secret: false,
        applies_to: TABLES,
    },
    LibrarySetting {
        name: lake::ENV_MAX_COLUMNS,
        default: || lake::DEFAULT_MAX_COLUMNS.to_string(),
        meaning: "most columns `well_logs` may reach; a file that would widen it further is refused",
        secret: false,
        applies_to: READING,
    },
    LibrarySetting {
        name: "MINIO_ENDPOINT",
        default: unset,
        meaning: "the S3 server (`http://127.0.0.1:9000`)",
        secret: false,
        applies_to: S3,
    },
    LibrarySetting {
        name: "MINIO_ACCESS_KEY",
        default: unset,
        meaning: "the S3 access key id",
        secret: true,
        applies_to: S3,
    },
    LibrarySetting {
        name: "MINIO_SECRET_KEY",
        default: unset,
        meaning: "the S3 secret key",
        secret: true,
        applies_to: S3,
    },
    LibrarySetting {
        name: "MINIO_BUCKET",
        default: unset,
        meaning: "the bucket holding MudRock's objects",
        secret: false,
        applies_to: S3,
    },
    LibrarySetting {
        name: "MINIO_REGION",
        default: || "us-east-1".to_owned(),
        meaning: "the S3 region",
        secret: false,
        applies_to: S3,
    },
    LibrarySetting {
        name: "MINIO_ROOT",
        default: || "/".to_owned(),
        meaning: "a folder in the bucket",
        secret: false,
        applies_to: S3,
    },
    LibrarySetting {
        name: cache::ENV_L1_MAX_CAPACITY,
        default: || mib(cache::L1Config::default().max_bytes),
        meaning: "L1 (memory) budget in bytes (`KiB`, `MiB`, `GiB` suffixes)",
        secret: false,
        applies_to: CACHES,
    },
    LibrarySetting {
        name: cache::ENV_L1_TTL_SECONDS,
        default: || seconds(cache::L1Config::default().time_to_live),
        meaning: "L1 time to live after insertion (0: none)",
        secret: false,
        applies_to: CACHES,
    },
    LibrarySetting {
        name: cache::ENV_L1_IDLE_SECONDS,
        default: || seconds(cache::L1Config::default().time_to_idle),
        meaning: "L1 time to idle since the last read (0: none)",
        secret: false,
        applies_to: CACHES,
    },
    LibrarySetting {
        name: cache::ENV_L2_DIR,
        default: || "`{data dir}/cache/l2`".to_owned(),
        meaning: "L2 (disk) block files",
        secret: false,
        applies_to: CACHES,
    },
    LibrarySetting {
        name: cache::ENV_L2_MAX_BYTES,
        default: || mib(cache::L2Config::new("").max_bytes),
        meaning: "L2 budget in bytes (0: no L2)",
        secret: false,
        applies_to: CACHES,
    },
    LibrarySetting {
        name: cache::ENV_L2_BLOCK_BYTES,
        default: || mib(cache::L2Config::new("").block_bytes),
        meaning: "L2 block size, 4 KiB to 64 MiB",
        secret: false,
        applies_to: CACHES,
    },
    LibrarySetting {
        name: cache::ENV_L2_REVALIDATE_MS,
        default: || cache::L2Config::new("").revalidate_after.as_millis().to_string(),
        meaning: "milliseconds an object's version is trusted without asking the store again",
        secret: false,
        applies_to: CACHES,
    },
    LibrarySetting {
        name: cache::ENV_L3,
        default: || on_off(cache::L3Config::default().enabled),
        meaning: "`on`/`off`: query results kept on the object store",
        secret: false,
        applies_to: CACHES,
    },
    LibrarySetting {
        name: "MUDROCK_MAX_CURVES",
        default: || mudrock_core::las::ReadLimits::DEFAULT.max_curves.to_string(),
        meaning: "most curves one LAS file may define",
        secret: false,
        applies_to: READING,
    },
    LibrarySetting {
        name: "MUDROCK_MAX_LINE_BYTES",
        default: || mudrock_core::las::ReadLimits::DEFAULT.max_line_bytes.to_string(),
        meaning: "longest line of a LAS file, in bytes",
        secret: false,
        applies_to: READING,
    },
    LibrarySetting {
        name: "MUDROCK_MAX_SECTION_ITEMS",
        default: || {
            mudrock_core::las::ReadLimits::DEFAULT
                .max_section_items
                .to_string()
        },
        meaning: "most items in one header section",
        secret: false,
        applies_to: READING,
    },
    LibrarySetting {
        name: "MUDROCK_MAX_HEADER_BYTES",
        default: || {
            mudrock_core::las::ReadLimits::DEFAULT
                .max_header_bytes
                .to_string()
        },
        meaning: "largest header (every section before the data), in bytes",
        secret: false,
        applies_to: READING,
    },
    LibrarySetting {
        name: crate::serve::ENV_TOKENS,
        default: || "unset: one random token for every project, printed at start".to_owned(),
        meaning: "`token=project,project;token=*`, when no --auth-config file is given",
        secret: true,
        applies_to: SERVING,
    },
    LibrarySetting {
        name: "MUDROCK_WEB_DIR",
        default: || "`target/web-dist` beside the binary".to_owned(),
        meaning: "the built well viewer served at `/`",
        secret: false,
        applies_to: SERVING,
    },
    LibrarySetting {
        name: mudrock_store::lakehouse::PAUSE_BEFORE_COMMIT_ENV,
        default: unset,
        meaning: "seconds to wait before an Iceberg commit (a test kills the process there)",
        secret: false,
        applies_to: TESTS,
    },
    LibrarySetting {
        name: mudrock_store::lakehouse::PAUSE_BEFORE_VIEW_ENV,
        default: unset,
        meaning: "seconds to wait before the catalogs are rebuilt (a test kills the process there)",
        secret: false,
        applies_to: TESTS,
    },
];

fn seconds(d: Option<std::time::Duration>) -> String {
    d.map_or_else(|| "0".to_owned(), |d| d.as_secs().to_string())
}

fn on_off(on: bool) -> String {
    if on { "on" } else { "off" }.to_owned()
}

/// Every setting: the command line's (from clap, the commands named) and the libraries', by name.
pub fn all() -> Vec<Setting> {
    let mut by_name: BTreeMap<String, Setting> = BTreeMap::new();
    let root = crate::Cli::command();
    let mut commands = vec![(String::from(EVERY), &root)];
    // Subcommands at any depth (`cache stats` has flags of its own), each named by its first word.
    let mut stack: Vec<(String, &clap::Command)> = root
        .get_subcommands()
        .map(|c| (c.get_name().to_owned(), c))
        .collect();
    while let Some((name, cmd)) = stack.pop() {
        stack.extend(cmd.get_subcommands().map(|c| (name.clone(), c)));
        commands.push((name, cmd));
    }
    for (command, cmd) in commands {
        for arg in cmd.get_arguments() {
            let Some(env) = arg.get_env().and_then(|e| e.to_str()) else {
                continue;
            };
            let name = env.to_owned();
            let default = match arg.get_default_values() {
                [] => unset(),
                values => values
                    .iter()
                    .map(|v| v.to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join(","),
            };
            let meaning = arg
                .get_help()
                .map(|h| h.to_string())
                .unwrap_or_default()
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned();
            let flag = arg.get_long().map(|l| format!(" (`--{l}`)")).unwrap_or_default();
            by_name
                .entry(name.clone())
                .and_modify(|s| {
                    if !s.applies_to.split(", ").any(|c| c == command) {
                        s.applies_to = format!("{}, {command}", s.applies_to);
                    }
                })
                .or_insert(Setting {
                    name,
                    default,
                    meaning: format!("{meaning}{flag}"),
                    secret: arg.is_hide_env_values_set(),
                    applies_to: command.clone(),
                });
        }
    }
    for s in LIBRARY_SETTINGS {
        by_name.entry(s.name.to_owned()).or_insert(Setting {
            name: s.name.to_owned(),
            default: (s.default)(),
            meaning: s.meaning.to_owned(),
            secret: s.secret,
            applies_to: s.applies_to.to_owned(),
        });
    }
    by_name.into_values().collect()
}

/// A setting's value in this process: the environment's (masked when secret), else its default.
pub fn in_effect(setting: &Setting, lookup: impl Fn(&str) -> Option<String>) -> (String, &'static str) {
    match lookup(&setting.name).filter(|v| !v.trim().is_empty()) {
        Some(_) if setting.secret => ("(set, not shown)".to_owned(), "environment"),
        Some(value) => (value, "environment"),
        None => (setting.default.clone(), "default"),
    }
}

/// The README's configuration table, generated from [`all`] (a test checks that the README holds it).
pub fn markdown_table() -> String {
    let mut out = String::from("| variable | default | meaning | read by |\n|---|---|---|---|\n");
    for s in all() {
        let meaning = s.meaning.replace('|', "\\|");
        let default = s.default.replace('|', "\\|");
        let secret = if s.secret { " (secret: never printed)" } else { "" };
        out.push_str(&format!(
            "| `{}` | {default} | {meaning}{secret} | {} |\n",
            s.name, s.applies_to
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    use super::*;

    const PREFIXES: [&str; 6] = [
        "MUDROCK_",
        "CACHE_",
        "MINIO_",
        "POSTGREST_",
        "SUPABASE_",
        "ICEBERG_",
    ];

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// Every `"NAME"` string literal with one of the settings' prefixes in the native crates' sources.
    fn names_in_sources() -> BTreeSet<String> {
        let edge = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        for krate in ["cli", "server", "engine", "store", "common"] {
            rust_files(&edge.join(krate).join("src"), &mut files);
        }
        let mut names = BTreeSet::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for (i, _) in text.match_indices('"') {
                let rest = &text[i + 1..];
                let end = rest
                    .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
                    .unwrap_or(rest.len());
                let name = &rest[..end];
                if rest[end..].starts_with('"')
                    && PREFIXES
                        .iter()
                        .any(|p| name.starts_with(p) && name.len() > p.len())
                {
                    names.insert(name.to_owned());
                }
            }
        }
        names
    }

    #[test]
    fn every_variable_the_sources_read_is_a_listed_setting() {
        let listed: BTreeSet<String> = all().into_iter().map(|s| s.name).collect();
        let read = names_in_sources();
        assert!(
            read.len() > 30,
            "the scan found too few names to be working: {read:?}"
        );
        let missing: Vec<&String> = read.difference(&listed).collect();
        assert!(
            missing.is_empty(),
            "read by the sources but not in settings::all(): {missing:?}"
        );
        let stale: Vec<&String> = listed.difference(&read).collect();
        assert!(
            stale.is_empty(),
            "listed in settings::all() but read nowhere: {stale:?}"
        );
    }

    #[test]
    fn the_readme_lists_every_setting_with_its_default() {
        let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
        let text = std::fs::read_to_string(&readme).unwrap();
        let table = markdown_table();
        assert!(
            text.contains(&table),
            "README.md's configuration table is not the one the code gives; replace it with:\n\n{table}"
        );
    }

    #[test]
    fn the_command_lines_settings_come_with_their_flags_and_defaults() {
        let all = all();
        let addr = all.iter().find(|s| s.name == "MUDROCK_ADDR").unwrap();
        assert_eq!(addr.default, "127.0.0.1:8080");
        assert!(addr.meaning.contains("--addr"), "{addr:?}");
        assert!(
            addr.applies_to.contains("serve") && addr.applies_to.contains("demo"),
            "{addr:?}"
        );
        let edge_token = all.iter().find(|s| s.name == "MUDROCK_EDGE_TOKEN").unwrap();
        assert!(edge_token.secret);
        // A secret's value is never shown, a plain one is.
        let lookup = |_: &str| Some("s3cr3t-value".to_owned());
        assert!(!in_effect(edge_token, lookup).0.contains("s3cr3t"));
        assert_eq!(
            in_effect(addr, lookup),
            ("s3cr3t-value".to_owned(), "environment")
        );
        assert_eq!(
            in_effect(addr, |_| None),
            ("127.0.0.1:8080".to_owned(), "default")
        );
    }
}
