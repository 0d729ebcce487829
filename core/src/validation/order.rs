//! A log whose depth goes back (a repeated section, a spliced pass) or repeats a depth with other values:
//! what to do is the user's choice (`mudrock ingest --on-depth-order`), never a silent one. Each policy
//! says which rows it moved or dropped.

use serde::{Deserialize, Serialize};

use super::num;
use crate::las::{Column, LasFile};

/// What to do with rows out of depth order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DepthOrderPolicy {
    /// Keep every sample: the rows are stored in depth order (they are, whatever the file's order), with
    /// a warning naming the rows that went back and the depths that repeat. The default: nothing lost.
    #[default]
    Sort,
    /// Keep the first pass over each depth: a row at or behind a depth already read is dropped, with a
    /// warning naming the rows.
    KeepFirst,
    /// Refuse the file (validation's `depth_order` error names the first row out of order).
    Reject,
}

impl DepthOrderPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            DepthOrderPolicy::Sort => "sort",
            DepthOrderPolicy::KeepFirst => "keep-first",
            DepthOrderPolicy::Reject => "reject",
        }
    }
}

/// Applies `policy` to the log of `las` (numeric index without nulls only; anything else is left for
/// validation to refuse) and says what it did, one message per kind of change. `Reject` changes nothing.
pub fn apply(las: &mut LasFile, policy: DepthOrderPolicy) -> Vec<String> {
    let Some(Column::Numeric(depth)) = las.log.columns.first() else {
        return Vec::new();
    };
    if policy == DepthOrderPolicy::Reject || depth.len() < 2 || depth.iter().any(|d| !d.is_finite()) {
        return Vec::new();
    }
    let name = las
        .log
        .curves
        .first()
        .map_or("the index", |c| c.mnemonic.as_str())
        .to_owned();
    // The file's direction: that of its first step that moves.
    let Some(direction) = depth
        .windows(2)
        .map(|w| w[1] - w[0])
        .find(|d| *d != 0.0)
        .map(f64::signum)
    else {
        return Vec::new();
    };
    // Rows (0-based) at or behind the furthest depth read before them, in the file's direction.
    let mut behind = Vec::new();
    let mut repeats = Vec::new();
    let mut furthest = depth[0];
    for (i, &d) in depth.iter().enumerate().skip(1) {
        let ahead = (d - furthest) * direction;
        if ahead > 0.0 {
            furthest = d;
        } else if ahead == 0.0 && depth[i - 1] == d {
            repeats.push(i);
        } else {
            behind.push(i);
        }
    }
    if behind.is_empty() && repeats.is_empty() {
        return Vec::new();
    }
    let unit = las.log.curves.first().map_or("", |c| c.unit.trim()).to_owned();
    let at = |i: usize| format!("{} {unit}", num(depth[i])).trim_end().to_owned();
    let mut messages = Vec::new();
    match policy {
        DepthOrderPolicy::Sort => {
            if let Some(&first) = behind.first() {
                messages.push(format!(
                    "{name} goes back at data row {} ({} after {}): {} row{} behind a depth already read ({}) \
                     are stored in depth order with the rest; --on-depth-order keep-first keeps the first pass \
                     only, reject refuses the file",
                    first + 1,
                    at(first),
                    at(first - 1),
                    behind.len(),
                    plural(behind.len()),
                    rows(&behind),
                ));
            }
            if let Some(&first) = repeats.first() {
                messages.push(format!(
                    "{name} {} repeats at data rows {} and {} with other values{}: every sample is kept, \
                     two at one depth",
                    at(first),
                    first,
                    first + 1,
                    if repeats.len() > 1 {
                        format!(" ({} repeated depths: {})", repeats.len(), rows(&repeats))
                    } else {
                        String::new()
                    },
                ));
            }
        }
        DepthOrderPolicy::KeepFirst => {
            let mut dropped: Vec<usize> = behind.iter().chain(&repeats).copied().collect();
            dropped.sort_unstable();
            messages.push(format!(
                "{name} goes back or repeats at data row {} ({} after {}): {} row{} at or behind a depth already \
                 read ({}) dropped, keeping the first pass (--on-depth-order keep-first)",
                dropped[0] + 1,
                at(dropped[0]),
                at(dropped[0] - 1),
                dropped.len(),
                plural(dropped.len()),
                rows(&dropped),
            ));
            let mut keep = vec![true; depth.len()];
            for &i in &dropped {
                keep[i] = false;
            }
            las.log.retain_rows(&keep);
        }
        DepthOrderPolicy::Reject => {}
    }
    messages
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// 0-based rows as 1-based runs: `data rows 12–30, 45`; long lists end with `…`.
fn rows(list: &[usize]) -> String {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &i in list {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == i => *end = i,
            _ => runs.push((i, i)),
        }
    }
    const SHOWN: usize = 5;
    let mut parts: Vec<String> = runs
        .iter()
        .take(SHOWN)
        .map(|&(a, b)| {
            if a == b {
                format!("{}", a + 1)
            } else {
                format!("{}–{}", a + 1, b + 1)
            }
        })
        .collect();
    if runs.len() > SHOWN {
        parts.push(format!("… {} runs in all", runs.len()));
    }
    format!("data row{} {}", plural(list.len()), parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::las::read_bytes;

    fn las(data: &str) -> LasFile {
        let text = format!(
            "~V\n VERS. 2.0 :\n WRAP. NO :\n~W\n NULL. -999.25 :\n~C\n DEPT.M :\n GR.GAPI :\n~A\n{data}"
        );
        read_bytes(text.as_bytes()).unwrap()
    }

    // A pass down to 4 m, then a repeat section over 2.5–3.5 m, then on to 6 m.
    const SPLICED: &str = "1 10\n2 20\n3 30\n4 40\n2.5 25\n3.5 35\n5 50\n6 60\n";

    #[test]
    fn sort_keeps_every_sample_and_names_the_rows_that_went_back() {
        let mut f = las(SPLICED);
        let said = apply(&mut f, DepthOrderPolicy::Sort);
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(
            said[0].contains("DEPT goes back at data row 5 (2.5 M after 4 M)"),
            "{}",
            said[0]
        );
        assert!(
            said[0].contains("2 rows behind a depth already read (data rows 5–6)"),
            "{}",
            said[0]
        );
        // Nothing dropped here: the stored log is put in depth order when it is converted.
        assert_eq!(f.log.rows(), 8);
    }

    #[test]
    fn keep_first_drops_the_repeat_pass_and_names_its_rows() {
        let mut f = las(SPLICED);
        let said = apply(&mut f, DepthOrderPolicy::KeepFirst);
        assert!(
            said[0].contains("2 rows at or behind a depth already read (data rows 5–6) dropped"),
            "{said:?}"
        );
        assert_eq!(
            f.log.columns[0].as_numeric().unwrap(),
            &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
        );
        assert_eq!(
            f.log.columns[1].as_numeric().unwrap(),
            &[10.0, 20.0, 30.0, 40.0, 50.0, 60.0]
        );
    }

    #[test]
    fn a_repeated_depth_is_kept_or_dropped_as_asked_and_decreasing_logs_are_in_order() {
        let mut f = las("1 10\n2 20\n2 21\n3 30\n");
        let said = apply(&mut f, DepthOrderPolicy::Sort);
        assert!(
            said[0].contains("DEPT 2 M repeats at data rows 2 and 3 with other values"),
            "{said:?}"
        );
        assert_eq!(f.log.rows(), 4);
        let mut f = las("1 10\n2 20\n2 21\n3 30\n");
        apply(&mut f, DepthOrderPolicy::KeepFirst);
        assert_eq!(f.log.columns[1].as_numeric().unwrap(), &[10.0, 20.0, 30.0]);
        // Depth decreasing all the way (STEP < 0) is an order, not a problem; Reject changes nothing.
        let mut f = las("3 30\n2 20\n1 10\n");
        assert!(apply(&mut f, DepthOrderPolicy::KeepFirst).is_empty());
        let mut f = las(SPLICED);
        assert!(apply(&mut f, DepthOrderPolicy::Reject).is_empty());
        assert_eq!(f.log.rows(), 8);
    }
}
