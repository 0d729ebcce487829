//! Repairs made to a parsed LAS file before validation. Each one fixes something that has exactly one
//! right answer, and says what it did; anything ambiguous is left for validation to reject.

use crate::las::{Column, LasFile};

/// Removes rows that repeat the row just before them exactly — same depth and the same value in every
/// curve (a logging system writing its last sample again, a copy-paste). Keeping one loses nothing;
/// keeping all would give one depth several samples. Rows that share a depth but differ in any value
/// are left alone (validation rejects them: which one is right is not ours to choose).
///
/// Returns one message per run of repeats, naming the data rows (1-based) and the depth.
pub fn drop_repeated_rows(las: &mut LasFile) -> Vec<String> {
    let columns = &las.log.columns;
    let rows = las.log.rows();
    if rows < 2 || columns.iter().any(|c| c.len() != rows) {
        return Vec::new();
    }
    let same_as_previous = |i: usize| columns.iter().all(|c| same_value(c, i - 1, i));
    let keep: Vec<bool> = (0..rows).map(|i| i == 0 || !same_as_previous(i)).collect();
    if keep.iter().all(|k| *k) {
        return Vec::new();
    }

    let mut messages = Vec::new();
    let mut i = 1;
    while i < rows {
        if keep[i] {
            i += 1;
            continue;
        }
        let first = i;
        while i < rows && !keep[i] {
            i += 1;
        }
        let depth = match columns.first() {
            Some(Column::Numeric(d)) => super::num(d[first]),
            _ => "?".to_owned(),
        };
        let repeats = i - first;
        messages.push(format!(
            "data row{} {}{} repeat{} row {} exactly (depth {depth}): dropped {repeats} duplicate row{}",
            if repeats > 1 { "s" } else { "" },
            first + 1,
            if repeats > 1 {
                format!("–{i}")
            } else {
                String::new()
            },
            if repeats > 1 { "" } else { "s" },
            first,
            if repeats > 1 { "s" } else { "" },
        ));
    }

    las.log.retain_rows(&keep);
    messages
}

fn same_value(column: &Column, a: usize, b: usize) -> bool {
    match column {
        Column::Numeric(v) => v[a] == v[b] || (v[a].is_nan() && v[b].is_nan()),
        Column::Text(v) => v[a] == v[b],
    }
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

    #[test]
    fn drops_exact_repeats_only() {
        let mut f = las("1 10\n2 20\n2 20\n2 20\n3 -999.25\n3 -999.25\n4 40\n4 41\n");
        let messages = drop_repeated_rows(&mut f);
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("rows 3–4 repeat row 2"), "{}", messages[0]);
        assert!(messages[1].contains("row 6 repeats row 5"), "{}", messages[1]);
        assert_eq!(f.log.columns[0].as_numeric().unwrap(), &[1.0, 2.0, 3.0, 4.0, 4.0]);
        assert_eq!(f.log.columns[1].len(), 5);
    }

    #[test]
    fn leaves_clean_files_alone() {
        let mut f = las("1 10\n2 20\n");
        assert!(drop_repeated_rows(&mut f).is_empty());
        assert_eq!(f.log.rows(), 2);
    }
}
