//! File access for package resolution, confined as module loading is: every probe and read
//! happens beneath the script's tree or a `--allow-read` root (cap-std, see permissions.rs),
//! so a symlink out of either is refused by the kernel, never followed.

use std::io;
use std::path::{Path, PathBuf};

use crate::permissions::{Grant, Root, Target};

/// Where packages may be read from: the main script's tree and the read grant.
pub struct Files {
    pub tree: Option<Root>,
    pub read: Grant,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Entry {
    File,
    Directory,
}

impl Files {
    /// Where an access to the absolute, normalized `path` lands, if allowed at all.
    pub fn locate(&self, path: &Path) -> Option<Target> {
        let in_tree = self.tree.as_ref().and_then(|tree| Grant::Paths(vec![tree.clone()]).locate(path));
        in_tree.or_else(|| self.read.locate(path))
    }

    /// Whether `path` may be read at all (it lies in the tree or a read grant).
    pub fn covers(&self, path: &Path) -> bool {
        self.locate(path).is_some()
    }

    /// What `path` is, following links only within its root: `Ok(None)` if it does not exist
    /// (or is not reachable: not covered, not a directory on the way); `Err` if reaching it
    /// would leave the root (a symlink out) or fails otherwise.
    pub fn entry(&self, path: &Path) -> io::Result<Option<Entry>> {
        let Some(target) = self.locate(path) else { return Ok(None) };
        let opened = target.place().and_then(|place| place.open_read());
        match opened {
            Ok(file) => {
                let meta = file.metadata()?;
                Ok(if meta.is_file() {
                    Some(Entry::File)
                } else if meta.is_dir() {
                    Some(Entry::Directory)
                } else {
                    None
                })
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound || e.raw_os_error() == Some(libc::ENOTDIR) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub fn is_file(&self, path: &Path) -> io::Result<bool> {
        Ok(self.entry(path)? == Some(Entry::File))
    }

    /// The bytes of the regular file `path`, at most `limit` (checked before reading).
    pub fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        let target = self
            .locate(path)
            .ok_or_else(|| io::Error::new(io::ErrorKind::PermissionDenied, "it is outside the script's tree and --allow-read"))?;
        let mut file = target.place()?.open_read()?;
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(io::Error::other(if meta.is_dir() { "it is a directory" } else { "it is not a regular file" }));
        }
        if meta.len() > limit {
            return Err(io::Error::new(io::ErrorKind::FileTooLarge, format!("it is larger than {limit} bytes")));
        }
        crate::permissions::read_bounded(&mut file, limit)
    }
}

/// Why an access failed, in words for an error message.
pub fn describe_io(e: &io::Error) -> String {
    if crate::permissions::is_escape(e) {
        "it leads out of its directory (through a symbolic link)".to_string()
    } else if e.raw_os_error() == Some(libc::ELOOP) {
        "it is a symbolic link, which is not followed here".to_string()
    } else {
        e.to_string()
    }
}

/// Whether `path` has a `node_modules` directory among its components: installed package
/// files, whose JSON is part of the package rather than the user's data.
pub fn in_node_modules(path: &Path) -> bool {
    path.components().any(|c| c.as_os_str() == "node_modules")
}

/// `dir.join(rest)` with `.`/`..` folded as text.
pub fn join(dir: &Path, rest: &str) -> PathBuf {
    crate::permissions::normalize(dir, Path::new(rest))
}
