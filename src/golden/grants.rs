//! A case's file grants: its own `@allow-read`/`@allow-write`, confined to the suite's root,
//! joined with the grants given to `wasmcap test` for every case.
//!
//! A case is untrusted, so what it grants itself is checked before it runs: a relative path,
//! under the suite's root once `.` and `..` are folded (as `wasmcap run` folds them), and
//! still under it with symbolic links resolved; a dangling link is refused too (where it
//! would lead cannot be checked). The case then runs with `--allow-read=PATHS` relative to
//! its own directory, and `wasmcap run` confines every access beneath those paths.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context, bail};

use super::printable;
use super::settings::PathSetting;
use crate::permissions::{normalize, resolve};

/// A grant given on `wasmcap test`'s command line: the user's own choice, not confined.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SuiteGrant {
    #[default]
    None,
    /// The bare flag: every file.
    All,
    /// Absolute paths (made so from the runner's directory, since each case runs in its own).
    Paths(Vec<String>),
}

impl SuiteGrant {
    /// From a flag's value (`None` for the bare flag), its paths relative to `cwd`.
    pub fn from_flag(flag: &str, value: Option<&str>, cwd: &Path) -> anyhow::Result<Self> {
        let Some(list) = value else { return Ok(SuiteGrant::All) };
        let mut paths = Vec::new();
        for path in list.split(',').filter(|p| !p.is_empty()) {
            let absolute = normalize(cwd, Path::new(path));
            let shown = printable(&absolute.display().to_string());
            let text = absolute.to_str().with_context(|| format!("{flag}: {shown} is not valid UTF-8"))?;
            if text.contains(',') {
                // `wasmcap run`'s list is comma-separated: this path cannot be passed on.
                bail!("{flag}: {shown} contains a comma, which a grant list cannot carry");
            }
            paths.push(text.to_string());
        }
        Ok(SuiteGrant::Paths(paths))
    }
}

/// The `wasmcap run` flag (`--allow-read` or `--allow-write`, by `flag`) for a case in
/// `case_dir` under `root`, or `None` when nothing is granted. Errors name the setting's line.
pub(super) fn grant_flag(
    flag: &str,
    suite: &SuiteGrant,
    setting: Option<&PathSetting>,
    case_dir: &Path,
    root: &Path,
) -> anyhow::Result<Option<String>> {
    let mut list = match suite {
        SuiteGrant::All => return Ok(Some(flag.to_string())),
        SuiteGrant::None => Vec::new(),
        SuiteGrant::Paths(paths) => paths.clone(),
    };
    if let Some(setting) = setting {
        let key = flag.trim_start_matches("--");
        let root_shown = printable(&root.display().to_string());
        let cannot = |what: &Path| format!("cannot resolve {}", printable(&what.display().to_string()));
        let root_real = root.canonicalize().with_context(|| cannot(root))?;
        let case_real = case_dir.canonicalize().with_context(|| cannot(case_dir))?;
        if setting.paths.is_empty() {
            list.push(relative_to_root(&case_real, &root_real, setting.line, key)?);
        }
        for path in &setting.paths {
            confine(path, &case_real, &root_real).map_err(|why| {
                anyhow::anyhow!("line {}: @{key}: '{}' {why} (the suite's root is {root_shown})", setting.line, printable(path))
            })?;
            list.push(path.clone());
        }
    } else if list.is_empty() {
        return Ok(None);
    }
    Ok(Some(format!("{flag}={}", list.join(","))))
}

/// Why `path` (relative to `case_real`) may not be granted, if it may not.
fn confine(path: &str, case_real: &Path, root_real: &Path) -> Result<(), String> {
    if Path::new(path).is_absolute() {
        return Err("is an absolute path; a case grants paths relative to its own directory".into());
    }
    let given = normalize(case_real, Path::new(path));
    if !given.starts_with(root_real) {
        return Err("is outside the suite's root; a case may grant only what is under it".into());
    }
    let real = resolve(&given);
    if !real.starts_with(root_real) {
        return Err("leads out of the suite's root through a symbolic link".into());
    }
    // `resolve` stops at a dangling link, so its target was not checked.
    let deepest = given.ancestors().find_map(|p| Some((p, std::fs::symlink_metadata(p).ok()?)));
    match deepest {
        Some((path, metadata)) if metadata.file_type().is_symlink() && path.canonicalize().is_err() => {
            Err("is, or goes through, a symbolic link to nothing (where it leads cannot be checked)".into())
        }
        _ => Ok(()),
    }
}

/// The suite's root as a path relative to the case's directory (`.`, `..`, `../..`): the
/// bare setting's grant, with no comma whatever the directories are called.
fn relative_to_root(case_real: &Path, root_real: &Path, line: usize, key: &str) -> anyhow::Result<String> {
    let Ok(below) = case_real.strip_prefix(root_real) else {
        bail!("line {line}: @{key}: the case is not under the suite's root");
    };
    let depth = below.components().filter(|c| matches!(c, Component::Normal(_))).count();
    let up: PathBuf = std::iter::repeat_n("..", depth).collect();
    Ok(if depth == 0 { ".".to_string() } else { up.display().to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_must_stay_under_the_root() {
        let root = tempfile::tempdir().unwrap();
        let root_real = root.path().canonicalize().unwrap();
        std::fs::create_dir_all(root_real.join("cases/data")).unwrap();
        let case = root_real.join("cases");
        assert_eq!(confine("data", &case, &root_real), Ok(()));
        assert_eq!(confine("../cases/./data/missing", &case, &root_real), Ok(()));
        assert!(confine("..", &case, &root_real).is_ok());
        assert!(confine("../..", &case, &root_real).unwrap_err().contains("outside the suite's root"));
        assert!(confine("/", &case, &root_real).unwrap_err().contains("absolute path"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc", case.join("etc")).unwrap();
            std::os::unix::fs::symlink(root_real.join("nowhere/x"), case.join("dangling")).unwrap();
            std::os::unix::fs::symlink("data", case.join("inside")).unwrap();
            assert!(confine("etc/passwd", &case, &root_real).unwrap_err().contains("symbolic link"));
            assert!(confine("dangling", &case, &root_real).unwrap_err().contains("symbolic link to nothing"));
            assert!(confine("dangling/deeper", &case, &root_real).unwrap_err().contains("symbolic link to nothing"));
            assert_eq!(confine("inside", &case, &root_real), Ok(()));
        }
        assert_eq!(relative_to_root(&case.join("data"), &root_real, 1, "allow-read").unwrap(), "../..");
        assert_eq!(relative_to_root(&root_real, &root_real, 1, "allow-read").unwrap(), ".");
    }
}
