//! What a script may touch outside V8: by default nothing but the modules of its own
//! directory tree. `--allow-read[=PATHS]` and `--allow-write[=PATHS]` grant file access
//! through `wasmcap:fs`, in the manner of Deno.
//!
//! A path is never checked and then opened by name. The check is lexical and cheap: the
//! requested path (at most [`MAX_PATH_BYTES`]) is made absolute, `.` and `..` are folded as
//! text, and the result must lie under a granted root. The access itself then happens
//! *beneath* that root's directory handle (cap-std: `openat2(RESOLVE_BENEATH)` on Linux, a
//! component-by-component walk elsewhere), so the kernel refuses any symlink or `..` that
//! would leave it, existing or dangling, at any component, whenever it appears. Symlinks
//! that stay inside the root (relative ones) are followed. The roots' own paths are opened
//! with no symlink at any component, so a root swapped for a link after startup is refused.
//! An access to a root itself (a grant naming a file, or the granted directory) acts on the
//! name in its parent without following it ("granted by name").

use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt};
use cap_std::fs::{Dir, OpenOptions, OpenOptionsExt};

/// The longest path `wasmcap:fs` and the module loader accept, in bytes (Linux's PATH_MAX).
pub const MAX_PATH_BYTES: usize = 4096;

/// The most a read of something that is not a regular file (a FIFO or device granted by
/// name) returns: 64 MiB, as `readFileChunk`'s limit.
pub const MAX_SPECIAL_READ: u64 = 64 << 20;

/// A granted file or directory: the path as the user named it and where it really is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    /// Absolute, with `.` and `..` folded as text: what requests are matched against.
    pub given: PathBuf,
    /// `given` with symlinks resolved as far as it existed at startup: what is opened.
    pub real: PathBuf,
}

/// Access to one kind of operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Grant {
    /// Nothing (the default).
    #[default]
    Denied,
    /// Everything (`--allow-read` with no list): plain opens, as any program makes them.
    All,
    /// These files and directory trees.
    Paths(Vec<Root>),
}

impl Grant {
    /// A grant from a flag's value: `None` for the bare flag (all), or a comma-separated list
    /// of paths relative to `cwd`.
    pub fn from_flag(value: Option<&str>, cwd: &Path) -> Self {
        match value {
            None => Grant::All,
            Some(list) => Grant::Paths(
                list.split(',')
                    .filter(|p| !p.is_empty())
                    .map(|p| {
                        let given = normalize(cwd, Path::new(p));
                        let real = resolve(&given);
                        Root { given, real }
                    })
                    .collect(),
            ),
        }
    }

    /// Where an access to the absolute, normalized `path` lands, if the grant covers it.
    pub fn locate(&self, path: &Path) -> Option<Target> {
        match self {
            Grant::Denied => None,
            Grant::All => Some(Target::Ambient(path.to_path_buf())),
            // The most specific root wins: `--allow-read=dir,dir/fifo` grants the FIFO by name.
            Grant::Paths(roots) => roots
                .iter()
                .filter_map(|root| {
                    let rest = path.strip_prefix(&root.given).or_else(|_| path.strip_prefix(&root.real)).ok()?;
                    Some(Target::Beneath { root: root.real.clone(), rest: rest.to_path_buf() })
                })
                .min_by_key(|target| match target {
                    Target::Beneath { rest, .. } => rest.components().count(),
                    Target::Ambient(_) => 0,
                }),
        }
    }

    /// Whether the grant covers the absolute, normalized `path` (by name or by a tree).
    pub fn allows(&self, path: &Path) -> bool {
        self.locate(path).is_some()
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
    pub fn flag(self) -> &'static str {
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

/// Why a requested path cannot be used.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not a usable path at all (empty, NUL byte, too long): a TypeError.
    Invalid(String),
    /// Not covered by the grant: PermissionDenied.
    Denied(String),
}

/// Checks `requested` for the shape of a path: cheap, before anything else.
pub fn check_path_text(verb: &str, requested: &str) -> Result<(), String> {
    if requested.is_empty() {
        return Err(format!("{verb} needs a file path, got an empty string"));
    }
    if requested.len() > MAX_PATH_BYTES {
        return Err(format!(
            "{verb}: the path is {} bytes long, more than the {MAX_PATH_BYTES}-byte limit (PATH_MAX)",
            requested.len()
        ));
    }
    if requested.contains('\0') {
        return Err(format!("{verb}: the path contains a NUL byte"));
    }
    Ok(())
}

impl Permissions {
    /// Checks `requested` (relative to `cwd`) against the grant for `access`, returning where
    /// the access lands, or why not: the message names the path and the flag to pass.
    /// O(length of the path); touches no file.
    pub fn check(&self, access: Access, requested: &str, cwd: &Path) -> Result<Target, Refusal> {
        check_path_text(access.verb(), requested).map_err(Refusal::Invalid)?;
        let path = normalize(cwd, Path::new(requested));
        let grant = match access {
            Access::Read => &self.read,
            Access::Write => &self.write,
        };
        grant.locate(&path).ok_or_else(|| {
            Refusal::Denied(format!(
                "{} access to '{requested}' is not granted; run with {}={requested} (or {} for any file)",
                access.verb(),
                access.flag(),
                access.flag()
            ))
        })
    }
}

/// `cwd.join(path)` with `.` and `..` folded as text (`a/link/../b` is `a/b`, whatever
/// `link` is), in one pass: O(length).
pub fn normalize(cwd: &Path, path: &Path) -> PathBuf {
    let mut normal = if path.is_absolute() { PathBuf::new() } else { cwd.to_path_buf() };
    for part in path.components() {
        match part {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    normal
}

/// An absolute path with symlinks resolved as far as it exists (for the user's own flags,
/// once at startup; the golden runner checks a case's grants with it).
pub fn resolve(path: &Path) -> PathBuf {
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut resolved = real;
            resolved.extend(rest.iter().rev());
            return resolved;
        }
        match (existing.file_name().map(|n| n.to_os_string()), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return path.to_path_buf(),
        }
    }
}

/// Where an access lands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Under `--allow-*` with no list: the path, opened as any program would.
    Ambient(PathBuf),
    /// Under a granted root (its real path): `rest` relative to it, empty for the root itself.
    Beneath { root: PathBuf, rest: PathBuf },
}

impl Target {
    /// Whether the grant names this very path (not just a directory above it).
    pub fn by_name(&self) -> bool {
        matches!(self, Target::Beneath { rest, .. } if rest.as_os_str().is_empty())
    }

    /// The directory to act in and the name to act on there.
    pub fn place(&self) -> io::Result<Place> {
        match self {
            Target::Ambient(path) => Ok(Place::Ambient(path.clone())),
            Target::Beneath { root, rest } if rest.as_os_str().is_empty() => {
                // The root itself: its name in its parent, not followed.
                let (parent, name) = match (root.parent(), root.file_name()) {
                    (Some(parent), Some(name)) => (parent, PathBuf::from(name)),
                    _ => (root.as_path(), PathBuf::from(".")),
                };
                Ok(Place::Beneath { dir: open_dir_without_symlinks(parent)?, path: name, follow_last: false })
            }
            Target::Beneath { root, rest } => {
                Ok(Place::Beneath { dir: open_dir_without_symlinks(root)?, path: rest.clone(), follow_last: true })
            }
        }
    }
}

/// Opens the absolute `path` as a directory, refusing a symlink at any component.
fn open_dir_without_symlinks(path: &Path) -> io::Result<Dir> {
    let mut dir = Dir::open_ambient_dir("/", cap_std::ambient_authority())?;
    for part in path.components() {
        match part {
            Component::Normal(name) => dir = dir.open_dir_nofollow(name)?,
            Component::RootDir | Component::CurDir => {}
            _ => return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a normalized absolute path")),
        }
    }
    Ok(dir)
}

/// A directory handle and a path beneath it, or (for `--allow-*` with no list) a plain path.
pub enum Place {
    Ambient(PathBuf),
    /// `follow_last`: whether a symlink at the last component may be followed (always
    /// within `dir`).
    Beneath { dir: Dir, path: PathBuf, follow_last: bool },
}

/// What kind of thing a name is, without following a symlink at it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    File,
    Directory,
    Symlink,
    Other,
}

impl Kind {
    fn of(is_file: bool, is_dir: bool, is_symlink: bool) -> Kind {
        match (is_file, is_dir, is_symlink) {
            (_, _, true) => Kind::Symlink,
            (true, _, _) => Kind::File,
            (_, true, _) => Kind::Directory,
            _ => Kind::Other,
        }
    }
}

/// `lstat`-style facts about one name.
pub struct Stat {
    pub size: u64,
    pub kind: Kind,
    /// Milliseconds since the Unix epoch (NaN where unknown).
    pub mtime_ms: f64,
}

/// Flags on every open: a FIFO or device must never block the script, and no terminal may
/// become the process's controlling one.
const OPEN_FLAGS: i32 = libc::O_NONBLOCK | libc::O_NOCTTY;

impl Place {
    fn open(&self, options: &mut OpenOptions, std_options: &mut std::fs::OpenOptions) -> io::Result<std::fs::File> {
        use std::os::unix::fs::OpenOptionsExt as _;
        match self {
            Place::Ambient(path) => std_options.custom_flags(OPEN_FLAGS).open(path),
            Place::Beneath { dir, path, follow_last } => {
                options.custom_flags(OPEN_FLAGS);
                if !follow_last {
                    options.follow(FollowSymlinks::No);
                }
                Ok(dir.open_with(path, options)?.into_std())
            }
        }
    }

    /// Opens for reading, without blocking on a FIFO or device.
    pub fn open_read(&self) -> io::Result<std::fs::File> {
        self.open(OpenOptions::new().read(true), std::fs::OpenOptions::new().read(true))
    }

    /// Opens for writing, created if missing; truncated, or appended to.
    pub fn open_write(&self, append: bool) -> io::Result<std::fs::File> {
        let mut options = OpenOptions::new();
        let mut std_options = std::fs::OpenOptions::new();
        if append {
            options.append(true).create(true);
            std_options.append(true).create(true);
        } else {
            options.write(true).create(true).truncate(true);
            std_options.write(true).create(true).truncate(true);
        }
        self.open(&mut options, &mut std_options)
    }

    pub fn create_dir(&self, recursive: bool) -> io::Result<()> {
        match (self, recursive) {
            (Place::Ambient(path), false) => std::fs::create_dir(path),
            (Place::Ambient(path), true) => std::fs::create_dir_all(path),
            (Place::Beneath { dir, path, .. }, false) => dir.create_dir(path),
            (Place::Beneath { dir, path, .. }, true) => dir.create_dir_all(path),
        }
    }

    /// The entries' names and kinds (a symlink is reported as one, not followed).
    pub fn read_dir(&self) -> io::Result<Vec<(String, Kind)>> {
        let mut entries = Vec::new();
        match self {
            Place::Ambient(path) => {
                for entry in std::fs::read_dir(path)? {
                    let entry = entry?;
                    let kind = entry.file_type()?;
                    entries.push((entry.file_name(), Kind::of(kind.is_file(), kind.is_dir(), kind.is_symlink())));
                }
            }
            Place::Beneath { dir, path, follow_last } => {
                let listed = if *follow_last { dir.open_dir(path)? } else { dir.open_dir_nofollow(path)? };
                for entry in listed.entries()? {
                    let entry = entry?;
                    let kind = entry.file_type()?;
                    entries.push((entry.file_name(), Kind::of(kind.is_file(), kind.is_dir(), kind.is_symlink())));
                }
            }
        }
        // Names that are not UTF-8 are shown with U+FFFD in place of the bad bytes.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(entries.into_iter().map(|(name, kind)| (name.to_string_lossy().into_owned(), kind)).collect())
    }

    /// `lstat`: a symlink at the last component is described, not followed.
    pub fn stat(&self) -> io::Result<Stat> {
        let millis = |time: io::Result<std::time::SystemTime>| {
            time.ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
        };
        match self {
            Place::Ambient(path) => {
                let meta = std::fs::symlink_metadata(path)?;
                let kind = meta.file_type();
                Ok(Stat {
                    size: meta.len(),
                    kind: Kind::of(kind.is_file(), kind.is_dir(), kind.is_symlink()),
                    mtime_ms: millis(meta.modified()),
                })
            }
            Place::Beneath { dir, path, .. } => {
                let meta = dir.symlink_metadata(path)?;
                let kind = meta.file_type();
                Ok(Stat {
                    size: meta.len(),
                    kind: Kind::of(kind.is_file(), kind.is_dir(), kind.is_symlink()),
                    mtime_ms: millis(meta.modified().map(|t| t.into_std())),
                })
            }
        }
    }

    /// Removes a file, a symlink (the link, not its target) or a directory (with its
    /// contents if `recursive`; symlinks inside are removed, never followed).
    pub fn remove(&self, recursive: bool) -> io::Result<()> {
        let kind = self.stat()?.kind;
        match (self, kind, recursive) {
            (Place::Ambient(path), Kind::Directory, false) => std::fs::remove_dir(path),
            (Place::Ambient(path), Kind::Directory, true) => std::fs::remove_dir_all(path),
            (Place::Ambient(path), _, _) => std::fs::remove_file(path),
            (Place::Beneath { dir, path, .. }, Kind::Directory, false) => dir.remove_dir(path),
            (Place::Beneath { dir, path, .. }, Kind::Directory, true) => dir.remove_dir_all(path),
            (Place::Beneath { dir, path, .. }, _, _) => dir.remove_file_or_symlink(path),
        }
    }

    /// Moves `self` to `to` (neither's last component is followed: a symlink moves as one).
    pub fn rename_to(&self, to: &Place) -> io::Result<()> {
        match (self, to) {
            (Place::Ambient(from), Place::Ambient(to)) => std::fs::rename(from, to),
            (Place::Beneath { dir: from_dir, path: from, .. }, Place::Beneath { dir: to_dir, path: to, .. }) => {
                from_dir.rename(from, to_dir, to)
            }
            _ => Err(io::Error::new(io::ErrorKind::InvalidInput, "cannot rename between an open grant and a listed one")),
        }
    }
}

/// Reads `file` to its end, or up to `limit` bytes, returning early (with what it has) when
/// a FIFO or device has nothing more to give right now: such reads never wait. `Err` with
/// `FileTooLarge` if there is more than `limit`.
pub fn read_bounded(file: &mut std::fs::File, limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 64 << 10];
    loop {
        match file.read(&mut chunk) {
            Ok(0) => return Ok(bytes),
            Ok(n) => {
                if bytes.len() as u64 + n as u64 > limit {
                    return Err(io::Error::new(io::ErrorKind::FileTooLarge, format!("more than {limit} bytes")));
                }
                bytes.extend_from_slice(&chunk[..n]);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(bytes),
            Err(e) => return Err(e),
        }
    }
}

/// Whether `e` is cap-std's refusal of a path that leads out of its directory.
pub fn is_escape(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::PermissionDenied && e.raw_os_error().is_none()
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
        assert_eq!(err, Refusal::Denied("write access to 'data/x.bin' is not granted; run with --allow-write=data/x.bin (or --allow-write for any file)".into()));
    }

    #[test]
    fn paths_are_checked_for_shape_first() {
        let permissions = Permissions { read: Grant::All, write: Grant::Denied };
        let cwd = Path::new("/");
        assert!(matches!(permissions.check(Access::Read, "", cwd), Err(Refusal::Invalid(_))));
        assert!(matches!(permissions.check(Access::Read, "a\0b", cwd), Err(Refusal::Invalid(_))));
        let long = "a/".repeat(300_000);
        assert_eq!(
            permissions.check(Access::Read, &long, cwd),
            Err(Refusal::Invalid("read: the path is 600000 bytes long, more than the 4096-byte limit (PATH_MAX)".into()))
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_cannot_lead_out_of_a_grant() {
        let dir = tempfile::tempdir().unwrap();
        let cwd = dir.path().canonicalize().unwrap();
        std::fs::create_dir(cwd.join("granted")).unwrap();
        std::fs::write(cwd.join("secret"), "s").unwrap();
        std::os::unix::fs::symlink(cwd.join("secret"), cwd.join("granted/link")).unwrap();
        std::os::unix::fs::symlink("../new", cwd.join("granted/dangling")).unwrap();
        let permissions = Permissions { read: Grant::from_flag(Some("granted"), &cwd), write: Grant::from_flag(Some("granted"), &cwd) };
        let target = permissions.check(Access::Read, "granted/link", &cwd).unwrap();
        assert!(is_escape(&target.place().unwrap().open_read().unwrap_err()));
        let target = permissions.check(Access::Write, "granted/dangling", &cwd).unwrap();
        assert!(is_escape(&target.place().unwrap().open_write(false).unwrap_err()));
        assert!(!cwd.join("new").exists());
    }
}
