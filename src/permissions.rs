//! What a script may touch outside V8: by default nothing but the modules of its own
//! directory tree. `--allow-read[=PATHS]` and `--allow-write[=PATHS]` grant file access
//! through `wasmcap:fs`, in the manner of Deno.

use std::path::{Component, Path, PathBuf};

/// Access to one kind of operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Grant {
    /// Nothing (the default).
    #[default]
    Denied,
    /// Everything (`--allow-read` with no list).
    All,
    /// These files and directory trees (absolute, symlinks resolved where they exist).
    Paths(Vec<PathBuf>),
}

impl Grant {
    /// A grant from a flag's value: `None` for the bare flag (all), or a comma-separated list
    /// of paths relative to `cwd`.
    pub fn from_flag(value: Option<&str>, cwd: &Path) -> Self {
        match value {
            None => Grant::All,
            Some(list) => Grant::Paths(
                list.split(',').filter(|p| !p.is_empty()).map(|p| resolve(cwd, Path::new(p))).collect(),
            ),
        }
    }

    pub fn allows(&self, path: &Path) -> bool {
        match self {
            Grant::Denied => false,
            Grant::All => true,
            Grant::Paths(roots) => roots.iter().any(|root| path.starts_with(root)),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Permissions {
    pub read: Grant,
    pub write: Grant,
}

#[derive(Clone, Copy)]
pub enum Access {
    Read,
    Write,
}

impl Access {
    fn flag(self) -> &'static str {
        match self {
            Access::Read => "--allow-read",
            Access::Write => "--allow-write",
        }
    }
    fn verb(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
        }
    }
}

impl Permissions {
    /// Resolves `requested` (relative to `cwd`) and checks it against the grant, returning
    /// the absolute path to use, or an error that names the path and the flag to pass.
    pub fn check(&self, access: Access, requested: &str, cwd: &Path) -> Result<PathBuf, String> {
        if requested.is_empty() {
            return Err(format!("{} needs a file path, got an empty string", access.verb()));
        }
        let path = resolve(cwd, Path::new(requested));
        let grant = match access {
            Access::Read => &self.read,
            Access::Write => &self.write,
        };
        if grant.allows(&path) {
            Ok(path)
        } else {
            Err(format!(
                "{} access to '{requested}' is not granted; run with {}={requested} (or {} for any file)",
                access.verb(),
                access.flag(),
                access.flag()
            ))
        }
    }
}

/// An absolute, normalised path with symlinks resolved as far as the path exists, so that
/// neither `..` nor a link can lead out of a granted directory.
pub fn resolve(cwd: &Path, path: &Path) -> PathBuf {
    let absolute = cwd.join(path);
    let mut normal = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    // Canonicalize the longest existing prefix; keep the rest (a file to be created) as is.
    let mut existing = normal.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name().map(|n| n.to_os_string()), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return normal,
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    resolved.extend(rest.iter().rev());
    resolved
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_cover_their_trees_only() {
        let dir = tempfile::tempdir().unwrap();
        let cwd = dir.path().canonicalize().unwrap();
        std::fs::create_dir(cwd.join("data")).unwrap();
        let grant = Grant::from_flag(Some("data"), &cwd);
        let permissions = Permissions { read: grant, write: Grant::Denied };
        assert!(permissions.check(Access::Read, "data/x.bin", &cwd).is_ok());
        assert!(permissions.check(Access::Read, "data/../secret", &cwd).is_err());
        assert!(permissions.check(Access::Read, "datafile", &cwd).is_err(), "a prefix of a name is not its tree");
        let err = permissions.check(Access::Write, "data/x.bin", &cwd).unwrap_err();
        assert_eq!(err, "write access to 'data/x.bin' is not granted; run with --allow-write=data/x.bin (or --allow-write for any file)");
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_cannot_lead_out_of_a_grant() {
        let dir = tempfile::tempdir().unwrap();
        let cwd = dir.path().canonicalize().unwrap();
        std::fs::create_dir(cwd.join("granted")).unwrap();
        std::fs::write(cwd.join("secret"), "s").unwrap();
        std::os::unix::fs::symlink(cwd.join("secret"), cwd.join("granted/link")).unwrap();
        let permissions = Permissions { read: Grant::from_flag(Some("granted"), &cwd), write: Grant::Denied };
        assert!(permissions.check(Access::Read, "granted/link", &cwd).is_err());
    }
}
