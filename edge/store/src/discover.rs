//! Which files an `ingest` of some paths means: files as given, directories searched for `*.las`.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The LAS files under `inputs`: files as given, directories searched recursively for `*.las` (any
/// case), each directory's files in name order. Symbolic links to directories are not followed.
pub fn las_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|e| unreadable(input, e))?;
        if meta.is_dir() {
            walk(input, &mut out)?;
        } else {
            out.push(input.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| unreadable(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            walk(&path, out)?;
        } else if is_las(&path) {
            out.push(path);
        }
    }
    Ok(())
}

fn unreadable(path: &Path, e: std::io::Error) -> Error {
    let kind = Error::from(std::io::Error::new(e.kind(), "")).kind();
    Error::new(kind, format!("cannot read {}: {e}", path.display())).with_source(e)
}

fn is_las(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("las"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_las_files_recursively_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b/deeper")).unwrap();
        for name in ["b/deeper/z.Las", "b/a.LAS", "c.las", "notes.txt", "a.las.bak"] {
            std::fs::write(root.join(name), "x").unwrap();
        }
        let explicit = root.join("notes.txt");
        let found = las_files(&[root.to_path_buf(), explicit.clone()]).unwrap();
        let expected = [
            root.join("b/a.LAS"),
            root.join("b/deeper/z.Las"),
            root.join("c.las"),
            explicit,
        ];
        assert_eq!(
            found, expected,
            "a file named on the command line is taken whatever its name"
        );
    }

    #[test]
    fn a_missing_path_is_named() {
        let err = las_files(&[PathBuf::from("/no/such/place")]).unwrap_err();
        assert_eq!(err.kind(), crate::error::ErrorKind::NotFound);
        assert!(err.to_string().contains("/no/such/place"), "{err}");
    }
}
