//! The cache tiers' numbers in the Prometheus text exposition format (version 0.0.4): rendered for
//! `/metrics`, and parsed back by `mudrock cache stats --url` (and by the tests, which check every line).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::stats::{Tier, TierSnapshot};

/// The `Content-Type` of [`render`]'s output.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

const PREFIX: &str = "mudrock_cache_";

/// Counters: (metric name without prefix, help, value).
type CounterOf = fn(&TierSnapshot) -> u64;
const COUNTERS: [(&str, &str, CounterOf); 7] = [
    ("hits_total", "Lookups answered by the cache tier.", |s| s.hits),
    (
        "misses_total",
        "Lookups the cache tier could not answer (callers that waited for another caller's load included).",
        |s| s.misses,
    ),
    (
        "evictions_total",
        "Entries removed to keep the cache tier within its size budget.",
        |s| s.evictions,
    ),
    (
        "expirations_total",
        "Entries removed because their time to live or idle time ran out.",
        |s| s.expirations,
    ),
    (
        "discarded_total",
        "Entries found corrupt or missing, dropped and read again from below.",
        |s| s.discarded,
    ),
    (
        "load_errors_total",
        "Loads that failed; the error went to the caller and nothing was cached.",
        |s| s.load_errors,
    ),
    (
        "write_errors_total",
        "Values that could not be stored in the cache tier; the caller was answered all the same.",
        |s| s.write_errors,
    ),
];

type GaugeOf = fn(&TierSnapshot) -> Option<u64>;
const GAUGES: [(&str, &str, GaugeOf); 3] = [
    ("bytes", "Bytes the cache tier holds now.", |s| s.bytes),
    (
        "capacity_bytes",
        "The size budget of the cache tier in bytes.",
        |s| s.capacity_bytes,
    ),
    ("entries", "Entries the cache tier holds now.", |s| s.entries),
];

const LOAD_HISTOGRAM: &str = "load_seconds";
const LOAD_HELP: &str = "Time spent filling the cache tier on a miss (a computation or a fetch from below).";

/// Renders every tier's counters, gauges and load-time histogram. Each metric family is written once
/// (`# HELP`, `# TYPE`, then one sample per tier), as the format requires.
pub fn render(snapshots: &[TierSnapshot]) -> String {
    let mut out = String::with_capacity(4096);
    for (name, help, value) in COUNTERS {
        family_header(&mut out, name, help, "counter");
        for s in snapshots {
            sample(&mut out, name, s.tier, None, value(s) as f64);
        }
    }
    for (name, help, value) in GAUGES {
        let known: Vec<(Tier, u64)> = snapshots
            .iter()
            .filter_map(|s| value(s).map(|v| (s.tier, v)))
            .collect();
        if known.is_empty() {
            continue;
        }
        family_header(&mut out, name, help, "gauge");
        for (tier, v) in known {
            sample(&mut out, name, tier, None, v as f64);
        }
    }
    family_header(&mut out, LOAD_HISTOGRAM, LOAD_HELP, "histogram");
    let bucket = format!("{LOAD_HISTOGRAM}_bucket");
    for s in snapshots {
        for &(le, count) in &s.load_buckets {
            sample(&mut out, &bucket, s.tier, Some(&le.to_string()), count as f64);
        }
        sample(&mut out, &bucket, s.tier, Some("+Inf"), s.loads as f64);
        sample(
            &mut out,
            &format!("{LOAD_HISTOGRAM}_sum"),
            s.tier,
            None,
            s.load_seconds,
        );
        sample(
            &mut out,
            &format!("{LOAD_HISTOGRAM}_count"),
            s.tier,
            None,
            s.loads as f64,
        );
    }
    out
}

fn family_header(out: &mut String, name: &str, help: &str, kind: &str) {
    // Writing to a String cannot fail.
    let _ = writeln!(out, "# HELP {PREFIX}{name} {help}");
    let _ = writeln!(out, "# TYPE {PREFIX}{name} {kind}");
}

fn sample(out: &mut String, name: &str, tier: Tier, le: Option<&str>, value: f64) {
    let _ = write!(out, "{PREFIX}{name}{{tier=\"{tier}\"");
    if let Some(le) = le {
        let _ = write!(out, ",le=\"{le}\"");
    }
    let _ = writeln!(out, "}} {value}");
}

/// One sample line of the exposition format.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: Labels,
    pub value: f64,
}

impl Sample {
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A line that is not valid exposition format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line} of the metrics text is not valid Prometheus exposition format ({problem}): {text:?}")]
pub struct ParseError {
    pub line: usize,
    pub problem: &'static str,
    pub text: String,
}

/// Parses the text exposition format strictly: `# HELP` / `# TYPE` lines with valid names and types, a
/// family's samples together and after its `# TYPE`, valid metric and label names, quoted and escaped
/// label values, a number (or `+Inf`, `-Inf`, `NaN`) and an optional integer timestamp. Other `#`
/// lines are comments.
pub fn parse(text: &str) -> Result<Vec<Sample>, ParseError> {
    let mut samples = Vec::new();
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    let mut finished: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let err = |problem| ParseError {
            line: i + 1,
            problem,
            text: raw.chars().take(200).collect(),
        };
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix('#') {
            let rest = rest.trim_start();
            let (keyword, rest) = rest.split_once(' ').unwrap_or((rest, ""));
            match keyword {
                "HELP" | "TYPE" => {
                    let (name, tail) = rest.split_once(' ').unwrap_or((rest, ""));
                    if !is_metric_name(name) {
                        return Err(err("bad metric name after # HELP/# TYPE"));
                    }
                    if keyword == "TYPE" {
                        if !matches!(tail, "counter" | "gauge" | "histogram" | "summary" | "untyped") {
                            return Err(err("unknown metric type"));
                        }
                        if types.insert(name.to_owned(), tail.to_owned()).is_some() {
                            return Err(err("a metric family is typed twice"));
                        }
                        if finished.iter().any(|f| f == name) {
                            return Err(err("# TYPE after the family's samples"));
                        }
                    }
                }
                _ => {}
            }
            continue;
        }
        let sample = parse_sample(line).map_err(err)?;
        let family = family_of(&sample.name, &types);
        if current.as_deref() != Some(family.as_str()) {
            if finished.contains(&family) {
                return Err(err("a metric family's samples are not together"));
            }
            if let Some(prev) = current.take() {
                finished.push(prev);
            }
            current = Some(family);
        }
        samples.push(sample);
    }
    Ok(samples)
}

/// The family a sample belongs to: a histogram's `_bucket`, `_sum` and `_count` belong to it.
fn family_of(name: &str, types: &BTreeMap<String, String>) -> String {
    for suffix in ["_bucket", "_sum", "_count"] {
        if let Some(base) = name.strip_suffix(suffix)
            && matches!(types.get(base).map(String::as_str), Some("histogram" | "summary"))
        {
            return base.to_owned();
        }
    }
    name.to_owned()
}

fn parse_sample(line: &str) -> Result<Sample, &'static str> {
    let name_end = line.find(['{', ' ']).ok_or("a sample needs a value")?;
    let name = &line[..name_end];
    if !is_metric_name(name) {
        return Err("bad metric name");
    }
    let mut rest = &line[name_end..];
    let mut labels = Vec::new();
    if let Some(after) = rest.strip_prefix('{') {
        let (parsed, tail) = parse_labels(after)?;
        labels = parsed;
        rest = tail;
    }
    let rest = rest.strip_prefix(' ').ok_or("no space before the value")?;
    let mut parts = rest.split(' ');
    let value = parts.next().ok_or("a sample needs a value")?;
    let value = match value {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        "NaN" => f64::NAN,
        v => v.parse::<f64>().map_err(|_| "the value is not a number")?,
    };
    if let Some(ts) = parts.next() {
        ts.parse::<i64>().map_err(|_| "the timestamp is not an integer")?;
    }
    if parts.next().is_some() {
        return Err("text after the timestamp");
    }
    Ok(Sample {
        name: name.to_owned(),
        labels,
        value,
    })
}

type Labels = Vec<(String, String)>;

/// Parses `name="value",...}` and returns the labels and what follows the `}`.
fn parse_labels(mut s: &str) -> Result<(Labels, &str), &'static str> {
    let mut labels = Vec::new();
    loop {
        if let Some(tail) = s.strip_prefix('}') {
            return Ok((labels, tail));
        }
        let eq = s.find('=').ok_or("a label needs `=`")?;
        let name = &s[..eq];
        if !is_label_name(name) {
            return Err("bad label name");
        }
        let body = s[eq + 1..]
            .strip_prefix('"')
            .ok_or("a label value must be quoted")?;
        let mut value = String::new();
        let mut chars = body.char_indices();
        let end = loop {
            match chars.next() {
                None => return Err("unterminated label value"),
                Some((i, '"')) => break i,
                Some((_, '\\')) => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, '\\')) => value.push('\\'),
                    Some((_, '"')) => value.push('"'),
                    _ => return Err("bad escape in a label value"),
                },
                Some((_, '\n')) => return Err("newline in a label value"),
                Some((_, c)) => value.push(c),
            }
        };
        if labels.iter().any(|(k, _): &(String, String)| k == name) {
            return Err("a label is repeated");
        }
        labels.push((name.to_owned(), value));
        s = &body[end + 1..];
        if let Some(tail) = s.strip_prefix(',') {
            s = tail;
        } else if !s.starts_with('}') {
            return Err("labels are separated by `,`");
        }
    }
}

fn is_metric_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn is_label_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Rebuilds per-tier snapshots from parsed samples of [`render`]'s metrics (what `mudrock cache stats
/// --url` prints). Tiers are those that appear in a `tier` label; unknown metrics are ignored.
pub fn snapshots_from_samples(samples: &[Sample]) -> Vec<TierSnapshot> {
    let mut by_tier: BTreeMap<Tier, TierSnapshot> = BTreeMap::new();
    for s in samples {
        let Some(name) = s.name.strip_prefix(PREFIX) else {
            continue;
        };
        let Some(tier) = s.label("tier").and_then(Tier::parse) else {
            continue;
        };
        let snap = by_tier.entry(tier).or_insert_with(|| TierSnapshot {
            tier,
            hits: 0,
            misses: 0,
            evictions: 0,
            expirations: 0,
            discarded: 0,
            loads: 0,
            load_errors: 0,
            write_errors: 0,
            load_seconds: 0.0,
            load_buckets: Vec::new(),
            bytes: None,
            capacity_bytes: None,
            entries: None,
        });
        // Counts are integers in [`render`]'s output; a float that is not one is clamped, not trusted.
        let count = if s.value.is_finite() && s.value >= 0.0 {
            s.value as u64
        } else {
            0
        };
        match name {
            "hits_total" => snap.hits = count,
            "misses_total" => snap.misses = count,
            "evictions_total" => snap.evictions = count,
            "expirations_total" => snap.expirations = count,
            "discarded_total" => snap.discarded = count,
            "load_errors_total" => snap.load_errors = count,
            "write_errors_total" => snap.write_errors = count,
            "bytes" => snap.bytes = Some(count),
            "capacity_bytes" => snap.capacity_bytes = Some(count),
            "entries" => snap.entries = Some(count),
            "load_seconds_sum" => snap.load_seconds = s.value,
            "load_seconds_count" => snap.loads = count,
            "load_seconds_bucket" => {
                if let Some(le) = s.label("le").and_then(|le| le.parse::<f64>().ok())
                    && le.is_finite()
                {
                    snap.load_buckets.push((le, count));
                }
            }
            _ => {}
        }
    }
    by_tier.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parser_refuses_what_prometheus_refuses() {
        for bad in [
            "1metric 3",
            "m{tier=l1} 3",
            "m{tier=\"l1\" 3",
            "m{tier=\"l1\"} three",
            "m{tier=\"l1\"}3",
            "m{1x=\"a\"} 3",
            "m{a=\"\\x\"} 3",
            "m{a=\"1\",a=\"2\"} 3",
            "m 3 1.5",
            "# TYPE m countr",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} parsed");
        }
        let ok = parse("# TYPE m counter\nm{a=\"x\\\"y\",b=\"\"} 3 1700000000\nn +Inf\n").unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].label("a"), Some("x\"y"));
        assert_eq!(ok[1].value, f64::INFINITY);
    }

    #[test]
    fn families_must_not_interleave() {
        let err = parse("a 1\nb 2\na 3\n").unwrap_err();
        assert_eq!(err.line, 3);
    }
}
