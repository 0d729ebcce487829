//! Cache sizes and lifetimes, from the environment (the seed's variables are the contract) with embedded
//! defaults, so `mudrock serve` needs no configuration.
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `CACHE_MAX_CAPACITY` | L1 budget in bytes (suffixes `KiB`, `MiB`, `GiB` allowed) | 256 MiB |
//! | `CACHE_TTL_SECONDS` | L1 time to live after insertion; `0` = none | 3600 |
//! | `CACHE_IDLE_SECONDS` | L1 time to idle since the last read; `0` = none | 600 |
//! | `MUDROCK_L2_DIR` | L2 block files | `<data dir>/cache/l2` |
//! | `MUDROCK_L2_MAX_BYTES` | L2 budget in bytes; `0` turns L2 off | 1 GiB |
//! | `MUDROCK_L2_BLOCK_BYTES` | L2 block size, 4 KiB to 64 MiB | 1 MiB |
//! | `MUDROCK_L2_REVALIDATE_MS` | how long an object's version, once seen, is trusted without asking the store again | 0 |
//! | `MUDROCK_L3` | `on` / `off`: results kept on the object store | on |

use std::path::{Path, PathBuf};
use std::time::Duration;

use mudrock_common::error::{Error, ErrorKind, Result};

pub const ENV_L1_MAX_CAPACITY: &str = "CACHE_MAX_CAPACITY";
pub const ENV_L1_TTL_SECONDS: &str = "CACHE_TTL_SECONDS";
pub const ENV_L1_IDLE_SECONDS: &str = "CACHE_IDLE_SECONDS";
pub const ENV_L2_DIR: &str = "MUDROCK_L2_DIR";
pub const ENV_L2_MAX_BYTES: &str = "MUDROCK_L2_MAX_BYTES";
pub const ENV_L2_BLOCK_BYTES: &str = "MUDROCK_L2_BLOCK_BYTES";
pub const ENV_L2_REVALIDATE_MS: &str = "MUDROCK_L2_REVALIDATE_MS";
pub const ENV_L3: &str = "MUDROCK_L3";

const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;

/// The smallest and largest L2 block: below 4 KiB the per-file overhead dominates; above 64 MiB one
/// small read would pull a huge block.
pub const MIN_BLOCK_BYTES: u64 = 4 << 10;
pub const MAX_BLOCK_BYTES: u64 = 64 * MIB;

/// All three tiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheConfig {
    pub l1: L1Config,
    /// `None`: no L2 (reads go straight to the store).
    pub l2: Option<L2Config>,
    pub l3: L3Config,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct L1Config {
    /// The budget: the sum of entry weights (their bytes in memory plus a fixed per-entry overhead).
    pub max_bytes: u64,
    pub time_to_live: Option<Duration>,
    pub time_to_idle: Option<Duration>,
}

impl Default for L1Config {
    fn default() -> Self {
        L1Config {
            max_bytes: 256 * MIB,
            time_to_live: Some(Duration::from_secs(3600)),
            time_to_idle: Some(Duration::from_secs(600)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct L2Config {
    pub dir: PathBuf,
    /// The budget: the sum of cached block payloads (headers are a few dozen bytes per block).
    pub max_bytes: u64,
    /// Blocks are aligned to multiples of this; the last block of an object is shorter.
    pub block_bytes: u64,
    /// How long a version seen in a `head`, `list` or read is trusted before the store is asked again.
    /// Zero (the default) asks the store for every read: a metadata request, never the bytes again.
    pub revalidate_after: Duration,
}

impl L2Config {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        L2Config {
            dir: dir.into(),
            max_bytes: GIB,
            block_bytes: MIB,
            revalidate_after: Duration::ZERO,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct L3Config {
    pub enabled: bool,
}

impl Default for L3Config {
    fn default() -> Self {
        L3Config { enabled: true }
    }
}

impl CacheConfig {
    /// No tier that outlives the process: L1 only (a one-shot command has nothing to share).
    pub fn off() -> Self {
        CacheConfig {
            l1: L1Config::default(),
            l2: None,
            l3: L3Config { enabled: false },
        }
    }

    /// The embedded defaults, L2 under `<data_dir>/cache/l2`.
    pub fn defaults(data_dir: &Path) -> Self {
        CacheConfig {
            l1: L1Config::default(),
            l2: Some(L2Config::new(default_l2_dir(data_dir))),
            l3: L3Config::default(),
        }
    }

    /// The defaults overridden by the process environment (see the module doc).
    pub fn from_env(data_dir: &Path) -> Result<Self> {
        CacheConfig::from_lookup(data_dir, |name| std::env::var(name).ok())
    }

    /// Like [`CacheConfig::from_env`] with variables from `lookup` (tests, config files).
    pub fn from_lookup(data_dir: &Path, lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let mut config = CacheConfig::defaults(data_dir);
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());

        if let Some(v) = get(ENV_L1_MAX_CAPACITY) {
            config.l1.max_bytes = parse_bytes(ENV_L1_MAX_CAPACITY, &v)?;
        }
        if let Some(v) = get(ENV_L1_TTL_SECONDS) {
            config.l1.time_to_live = parse_seconds(ENV_L1_TTL_SECONDS, &v)?;
        }
        if let Some(v) = get(ENV_L1_IDLE_SECONDS) {
            config.l1.time_to_idle = parse_seconds(ENV_L1_IDLE_SECONDS, &v)?;
        }

        let mut l2 = L2Config::new(default_l2_dir(data_dir));
        if let Some(v) = get(ENV_L2_DIR) {
            l2.dir = PathBuf::from(v);
        }
        if let Some(v) = get(ENV_L2_MAX_BYTES) {
            l2.max_bytes = parse_bytes(ENV_L2_MAX_BYTES, &v)?;
        }
        if let Some(v) = get(ENV_L2_BLOCK_BYTES) {
            l2.block_bytes = parse_bytes(ENV_L2_BLOCK_BYTES, &v)?;
            if !(MIN_BLOCK_BYTES..=MAX_BLOCK_BYTES).contains(&l2.block_bytes) {
                return Err(invalid(
                    ENV_L2_BLOCK_BYTES,
                    &v,
                    "a block size from 4KiB to 64MiB (1MiB is a good default)",
                ));
            }
        }
        if let Some(v) = get(ENV_L2_REVALIDATE_MS) {
            let ms = v
                .trim()
                .parse::<u64>()
                .map_err(|_| invalid(ENV_L2_REVALIDATE_MS, &v, "a whole number of milliseconds"))?;
            l2.revalidate_after = Duration::from_millis(ms);
        }
        config.l2 = (l2.max_bytes > 0).then_some(l2);

        if let Some(v) = get(ENV_L3) {
            config.l3.enabled = match v.trim().to_ascii_lowercase().as_str() {
                "on" | "true" | "1" | "yes" => true,
                "off" | "false" | "0" | "no" => false,
                _ => return Err(invalid(ENV_L3, &v, "`on` or `off`")),
            };
        }
        Ok(config)
    }
}

pub fn default_l2_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("cache").join("l2")
}

/// A byte count: digits, optionally followed by `B`, `KiB`, `MiB`, `GiB` (or `K`, `M`, `G`, binary too).
pub fn parse_bytes(var: &str, value: &str) -> Result<u64> {
    let v = value.trim();
    let split = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let (digits, unit) = v.split_at(split);
    let expected = "a number of bytes, optionally with a unit: 268435456, 256MiB, 2GiB";
    let n: u64 = digits.parse().map_err(|_| invalid(var, value, expected))?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" | "kb" => 1 << 10,
        "m" | "mib" | "mb" => MIB,
        "g" | "gib" | "gb" => GIB,
        _ => return Err(invalid(var, value, expected)),
    };
    n.checked_mul(scale).ok_or_else(|| invalid(var, value, expected))
}

fn parse_seconds(var: &str, value: &str) -> Result<Option<Duration>> {
    let secs: u64 = value
        .trim()
        .parse()
        .map_err(|_| invalid(var, value, "a whole number of seconds (0 for no limit)"))?;
    // moka refuses durations beyond 1000 years; nobody means more than a century.
    const CENTURY: u64 = 100 * 365 * 24 * 3600;
    Ok((secs > 0).then(|| Duration::from_secs(secs.min(CENTURY))))
}

fn invalid(var: &str, value: &str, expected: &str) -> Error {
    Error::new(
        ErrorKind::ConfigInvalid,
        format!("{var}={value:?} is not valid: expected {expected}"),
    )
    .with_context("variable", var)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn the_seed_variables_set_l1() {
        let c = CacheConfig::from_lookup(
            Path::new("/data"),
            lookup(&[
                ("CACHE_MAX_CAPACITY", "1048576"),
                ("CACHE_TTL_SECONDS", "30"),
                ("CACHE_IDLE_SECONDS", "0"),
            ]),
        )
        .unwrap();
        assert_eq!(c.l1.max_bytes, 1 << 20);
        assert_eq!(c.l1.time_to_live, Some(Duration::from_secs(30)));
        assert_eq!(c.l1.time_to_idle, None);
        assert_eq!(c.l2.unwrap().dir, PathBuf::from("/data/cache/l2"));
        assert!(c.l3.enabled);
    }

    #[test]
    fn l2_and_l3_variables() {
        let c = CacheConfig::from_lookup(
            Path::new("/data"),
            lookup(&[
                ("MUDROCK_L2_DIR", "/fast/l2"),
                ("MUDROCK_L2_MAX_BYTES", "2GiB"),
                ("MUDROCK_L2_BLOCK_BYTES", "256k"),
                ("MUDROCK_L2_REVALIDATE_MS", "1500"),
                ("MUDROCK_L3", "off"),
            ]),
        )
        .unwrap();
        let l2 = c.l2.unwrap();
        assert_eq!(l2.dir, PathBuf::from("/fast/l2"));
        assert_eq!(l2.max_bytes, 2 << 30);
        assert_eq!(l2.block_bytes, 256 << 10);
        assert_eq!(l2.revalidate_after, Duration::from_millis(1500));
        assert!(!c.l3.enabled);

        let off =
            CacheConfig::from_lookup(Path::new("/d"), lookup(&[("MUDROCK_L2_MAX_BYTES", "0")])).unwrap();
        assert!(off.l2.is_none());
    }

    #[test]
    fn bad_values_name_the_variable() {
        for (var, value) in [
            ("CACHE_MAX_CAPACITY", "lots"),
            ("CACHE_MAX_CAPACITY", "-5"),
            ("CACHE_MAX_CAPACITY", "99999999999999GiB"),
            ("CACHE_TTL_SECONDS", "1.5"),
            ("MUDROCK_L2_BLOCK_BYTES", "100"),
            ("MUDROCK_L3", "maybe"),
        ] {
            let err = CacheConfig::from_lookup(Path::new("/d"), lookup(&[(var, value)])).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::ConfigInvalid);
            assert!(err.to_string().contains(var), "{err}");
        }
    }
}
