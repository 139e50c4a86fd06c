//! Finding the cases: a walk that follows no directory symlink and visits each directory once.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};

use super::{Case, Kind, MAX_FILE_BYTES, printable};

/// What [`discover`] found.
#[derive(Debug, Default)]
pub struct Found {
    /// Sorted by path.
    pub cases: Vec<Case>,
    /// Scripts found in a directory with no `NAME.out` beside them (not cases: helper modules
    /// look the same), sorted.
    pub without_out: Vec<PathBuf>,
}

/// Finds every `NAME.js` / `NAME.repl` with a `NAME.out` beside it under `paths` (files or
/// directories, searched recursively; hidden directories, `node_modules` and `target` skipped),
/// sorted by path. A script named in `paths` is a case even without its `NAME.out` (which
/// `--update` then writes).
///
/// Symbolic links to directories are not followed (only a path given here may be one), and
/// each real directory (device and inode) is read once, so link loops and overlapping paths
/// cannot multiply the walk. The walk keeps its own stack: depth costs no recursion. A
/// directory that cannot be read is an error naming it.
pub fn discover(paths: &[PathBuf]) -> anyhow::Result<Found> {
    let mut found = Found::default();
    let mut visited = HashSet::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => walk(path, &mut visited, &mut found)?,
            Ok(_) => match case_for(path, parent_dir(path)) {
                Ok(case) | Err(Some(case)) => found.cases.push(case),
                Err(None) => bail!(
                    "{} is not a golden test: it needs to be NAME.js or NAME.repl (with NAME.out beside it)",
                    printable(&path.display().to_string())
                ),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                bail!("no such file or directory: {}", printable(&path.display().to_string()))
            }
            Err(e) => bail!("cannot read {}: {e}", printable(&path.display().to_string())),
        }
    }
    found.cases.sort_by(|a, b| a.script.cmp(&b.script));
    found.cases.dedup_by(|a, b| a.script == b.script);
    found.without_out.sort();
    found.without_out.dedup();
    Ok(found)
}

fn walk(root: &Path, visited: &mut HashSet<(u64, u64)>, found: &mut Found) -> anyhow::Result<()> {
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let cannot_read = || format!("cannot read directory {}", printable(&dir.display().to_string()));
        if !visited.insert(directory_id(&dir).with_context(cannot_read)?) {
            continue;
        }
        for entry in std::fs::read_dir(&dir).with_context(cannot_read)? {
            let entry = entry.with_context(cannot_read)?;
            // The entry's own type: a symlink is never a directory here.
            let is_dir = entry.file_type().with_context(cannot_read)?.is_dir();
            let path = entry.path();
            if is_dir {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                if !name.starts_with('.') && name != "node_modules" && name != "target" {
                    pending.push(path);
                }
            } else {
                match case_for(&path, root) {
                    Ok(case) => found.cases.push(case),
                    Err(Some(_)) => found.without_out.push(path),
                    Err(None) => {}
                }
            }
        }
    }
    Ok(())
}

#[cfg(unix)]
fn directory_id(dir: &Path) -> std::io::Result<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let metadata = std::fs::metadata(dir)?;
    Ok((metadata.dev(), metadata.ino()))
}

#[cfg(not(unix))]
fn directory_id(dir: &Path) -> std::io::Result<(u64, u64)> {
    // Without inode numbers, the canonical path stands in (symlinks are not followed anyway).
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    dir.canonicalize()?.hash(&mut hasher);
    Ok((0, hasher.finish()))
}

/// The case for `path` if it is named like a script and something is at `NAME.out`
/// (`Err(Some(case))` if nothing is, `Err(None)` if it is not a script). Whether both are
/// regular files is checked when the case runs, so that a symlink, FIFO or directory in their
/// place is reported as a failing case rather than silently skipped.
fn case_for(path: &Path, root: &Path) -> Result<Case, Option<Case>> {
    let kind = match path.extension().and_then(|e| e.to_str()) {
        Some("js") => Kind::Script,
        Some("repl") => Kind::Repl,
        _ => return Err(None),
    };
    let expected = path.with_extension("out");
    let exists = std::fs::symlink_metadata(&expected).is_ok();
    let case = Case { script: path.to_path_buf(), expected, kind, root: root.to_path_buf() };
    if exists { Ok(case) } else { Err(Some(case)) }
}

/// The directory of `path` (`.` for a bare file name).
pub(super) fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// A case or `.out` file's text: a regular file (no link, FIFO or device), at most
/// [`MAX_FILE_BYTES`], UTF-8.
pub(super) fn read_case_file(path: &Path) -> anyhow::Result<String> {
    let shown = || printable(&path.display().to_string());
    let bytes = crate::plain_file::read(path, MAX_FILE_BYTES).map_err(|e| anyhow!("cannot read {}: {e}", shown()))?;
    String::from_utf8(bytes).map_err(|e| {
        anyhow!("cannot read {}: it is not UTF-8 text (invalid byte at offset {})", shown(), e.utf8_error().valid_up_to())
    })
}
