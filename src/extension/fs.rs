//! The `wasmcap:fs` ops: file access for scripts, each call checked against the grants and
//! carried out beneath the granted directory (see permissions.rs for the rules).

use std::io::{Seek, SeekFrom, Write};

use deno_core::{OpState, op2};
use deno_error::JsErrorBox;

use crate::permissions::{Access, Kind, MAX_SPECIAL_READ, Place, Refusal, Target, is_escape, read_bounded};

/// What `wasmcap:fs` may touch, and the directory its relative paths start from.
pub struct FsAccess {
    pub permissions: crate::permissions::Permissions,
    pub cwd: std::path::PathBuf,
}

fn fs_error(path: &str, verb: &str, access: Access, e: std::io::Error) -> JsErrorBox {
    if is_escape(&e) {
        return JsErrorBox::new(
            "PermissionDenied",
            format!(
                "cannot {verb} '{path}': it leads out of the directory granted by {} (through a symbolic link)",
                access.flag()
            ),
        );
    }
    let class = match e.kind() {
        std::io::ErrorKind::NotFound => "NotFound",
        std::io::ErrorKind::PermissionDenied => "PermissionDenied",
        _ => "Error",
    };
    let why = match e.raw_os_error() {
        Some(libc::ELOOP) => "it is a symbolic link, which is not followed here (grant its target instead)".to_string(),
        _ => e.to_string(),
    };
    JsErrorBox::new(class, format!("cannot {verb} '{path}': {why}"))
}

/// Where `path` lands if the grant for `access` covers it, else `PermissionDenied` (or a
/// TypeError for a path that is no path).
fn granted(state: &OpState, access: Access, path: &str) -> Result<Target, JsErrorBox> {
    let fs = state.borrow::<FsAccess>();
    fs.permissions.check(access, path, &fs.cwd).map_err(|refusal| match refusal {
        Refusal::Invalid(msg) => JsErrorBox::type_error(msg),
        Refusal::Denied(msg) => JsErrorBox::new("PermissionDenied", msg),
    })
}

fn place(target: &Target, path: &str, verb: &str, access: Access) -> Result<Place, JsErrorBox> {
    target.place().map_err(|e| fs_error(path, verb, access, e))
}

/// The error for a FIFO, device or socket that was not granted by name.
fn not_regular(path: &str, verb: &str, access: Access) -> JsErrorBox {
    let done = match access {
        Access::Read => "read",
        Access::Write => "written",
    };
    JsErrorBox::new(
        "PermissionDenied",
        format!(
            "cannot {verb} '{path}': it is not a regular file (a FIFO, device or socket); those are {done} only when granted by name: {}={path}",
            access.flag()
        ),
    )
}

/// Refuses a FIFO, device or socket not granted by name before it is opened (opening one can
/// have effects: a FIFO's reader sees a writer come and go). The check after opening is the
/// one that counts; this one spares the open.
fn refuse_special_early(placed: &Place, target: &Target, path: &str, verb: &str, access: Access) -> Result<(), JsErrorBox> {
    match placed.stat() {
        Ok(stat) if stat.kind == Kind::Other && !target.by_name() => Err(not_regular(path, verb, access)),
        _ => Ok(()),
    }
}

/// Opens `path` for reading: a regular file; a FIFO or device only if granted by name.
fn open_for_read(state: &OpState, path: &str) -> Result<(std::fs::File, bool), JsErrorBox> {
    let (verb, access) = ("read", Access::Read);
    let target = granted(state, access, path)?;
    let placed = place(&target, path, verb, access)?;
    refuse_special_early(&placed, &target, path, verb, access)?;
    let file = placed.open_read().map_err(|e| fs_error(path, verb, access, e))?;
    let kind = file.metadata().map_err(|e| fs_error(path, verb, access, e))?.file_type();
    if kind.is_dir() {
        return Err(JsErrorBox::new("Error", format!("cannot read '{path}': it is a directory (use readDir)")));
    }
    let regular = kind.is_file();
    if !regular && !target.by_name() {
        return Err(not_regular(path, verb, access));
    }
    Ok((file, regular))
}

/// `wasmcap:fs` readFile: the whole file, if `--allow-read` covers it. A FIFO or device
/// (granted by name) gives what it has now, at most 64 MiB, without waiting.
#[op2]
#[buffer]
pub fn op_wasmcap_read_file(state: &mut OpState, #[string] path: &str) -> Result<Vec<u8>, JsErrorBox> {
    let (mut file, regular) = open_for_read(state, path)?;
    let limit = if regular { u64::MAX } else { MAX_SPECIAL_READ };
    read_bounded(&mut file, limit).map_err(|e| {
        if e.kind() == std::io::ErrorKind::FileTooLarge {
            JsErrorBox::new(
                "Error",
                format!("cannot read '{path}': it is not a regular file and gives more than {MAX_SPECIAL_READ} bytes; read it with readFileChunk"),
            )
        } else {
            fs_error(path, "read", Access::Read, e)
        }
    })
}

/// `wasmcap:fs` writeFile: creates or replaces the file, if `--allow-write` covers it.
#[op2(fast)]
pub fn op_wasmcap_write_file(
    state: &mut OpState,
    #[string] path: &str,
    #[buffer] bytes: &[u8],
) -> Result<(), JsErrorBox> {
    let (verb, access) = ("write", Access::Write);
    let mut file = open_for_write(state, path, verb, false)?;
    // A FIFO opened without blocking may be full: that is an error (WouldBlock), not a wait.
    file.write_all(bytes).map_err(|e| fs_error(path, verb, access, e))
}

/// A FIFO, device or socket is written only when granted by name.
fn check_writable(file: &std::fs::File, target: &Target, path: &str, verb: &str) -> Result<(), JsErrorBox> {
    let regular = file.metadata().map(|m| m.file_type().is_file()).unwrap_or(false);
    if !regular && !target.by_name() {
        return Err(not_regular(path, verb, Access::Write));
    }
    Ok(())
}

/// Opens `path` for writing (truncated, or appended to), created if missing.
fn open_for_write(state: &OpState, path: &str, verb: &str, append: bool) -> Result<std::fs::File, JsErrorBox> {
    let access = Access::Write;
    let target = granted(state, access, path)?;
    let placed = place(&target, path, verb, access)?;
    refuse_special_early(&placed, &target, path, verb, access)?;
    let file = placed.open_write(append).map_err(|e| fs_error(path, verb, access, e))?;
    check_writable(&file, &target, path, verb)?;
    Ok(file)
}

/// The most `op_wasmcap_read_file_chunk` reads at once (64 MiB). js/fs.js checks arguments
/// against it too, and takes it from `op_wasmcap_read_chunk_limit`.
const MAX_READ_CHUNK: u64 = MAX_SPECIAL_READ;

/// `MAX_READ_CHUNK`, for js/fs.js: one definition of the limit, here.
#[op2(fast)]
#[number]
pub fn op_wasmcap_read_chunk_limit() -> u64 {
    MAX_READ_CHUNK
}

/// `wasmcap:fs` readFileChunk: up to `length` bytes of the file from byte `offset` (fewer at
/// its end, none past it), if `--allow-read` covers it. For files larger than memory.
#[op2]
#[buffer]
pub fn op_wasmcap_read_file_chunk(
    state: &mut OpState,
    #[string] path: &str,
    #[number] offset: u64,
    #[number] length: u64,
) -> Result<Vec<u8>, JsErrorBox> {
    if length > MAX_READ_CHUNK {
        return Err(JsErrorBox::range_error(format!("readFileChunk: length {length} is more than {MAX_READ_CHUNK}")));
    }
    let (mut file, _) = open_for_read(state, path)?;
    if offset > 0 {
        file.seek(SeekFrom::Start(offset)).map_err(|e| fs_error(path, "read", Access::Read, e))?;
    }
    let mut bytes = Vec::new();
    let mut file = std::io::Read::take(file, length);
    let mut chunk = [0u8; 64 << 10];
    loop {
        match std::io::Read::read(&mut file, &mut chunk) {
            Ok(0) => return Ok(bytes),
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return Ok(bytes),
            Err(e) => return Err(fs_error(path, "read", Access::Read, e)),
        }
    }
}

/// `wasmcap:fs` appendFile: appends to the file, creating it, if `--allow-write` covers it.
#[op2(fast)]
pub fn op_wasmcap_append_file(
    state: &mut OpState,
    #[string] path: &str,
    #[buffer] bytes: &[u8],
) -> Result<(), JsErrorBox> {
    let (verb, access) = ("append to", Access::Write);
    let mut file = open_for_write(state, path, verb, true)?;
    // A FIFO opened without blocking may be full: that is an error (WouldBlock), not a wait.
    file.write_all(bytes).map_err(|e| fs_error(path, verb, access, e))
}

/// `wasmcap:fs` mkdir: creates a directory (and its missing parents if `recursive`), if
/// `--allow-write` covers it.
#[op2(fast)]
pub fn op_wasmcap_mkdir(state: &mut OpState, #[string] path: &str, recursive: bool) -> Result<(), JsErrorBox> {
    let (verb, access) = ("create directory", Access::Write);
    let target = granted(state, access, path)?;
    let placed = match target.place() {
        // A recursive mkdir beneath a granted directory that does not exist yet creates it.
        Err(e) if recursive && e.kind() == std::io::ErrorKind::NotFound => {
            if let Target::Beneath { root, .. } = &target {
                let root = Target::Beneath { root: root.clone(), rest: Default::default() };
                match place(&root, path, verb, access)?.create_dir(false) {
                    Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => return Err(fs_error(path, verb, access, e)),
                    _ => {}
                }
            }
            place(&target, path, verb, access)?
        }
        other => other.map_err(|e| fs_error(path, verb, access, e))?,
    };
    placed.create_dir(recursive).map_err(|e| fs_error(path, verb, access, e))
}

/// `wasmcap:fs` readDir: `[name, kind]` pairs sorted by name (kind: 0 file, 1 directory,
/// 2 symlink, 3 other), if `--allow-read` covers the directory.
#[op2]
#[serde]
pub fn op_wasmcap_read_dir(state: &mut OpState, #[string] path: &str) -> Result<Vec<(String, u8)>, JsErrorBox> {
    let (verb, access) = ("read directory", Access::Read);
    let target = granted(state, access, path)?;
    let entries = place(&target, path, verb, access)?.read_dir().map_err(|e| fs_error(path, verb, access, e))?;
    Ok(entries.into_iter().map(|(name, kind)| (name, kind_code(kind))).collect())
}

fn kind_code(kind: Kind) -> u8 {
    match kind {
        Kind::File => 0,
        Kind::Directory => 1,
        Kind::Symlink => 2,
        Kind::Other => 3,
    }
}

/// `wasmcap:fs` stat: `[size, kind, mtimeMs]` of the name itself (a symlink is described,
/// not followed), if `--allow-read` covers it.
#[op2]
#[serde]
pub fn op_wasmcap_stat(state: &mut OpState, #[string] path: &str) -> Result<(f64, u8, f64), JsErrorBox> {
    let (verb, access) = ("stat", Access::Read);
    let target = granted(state, access, path)?;
    let stat = place(&target, path, verb, access)?.stat().map_err(|e| fs_error(path, verb, access, e))?;
    Ok((stat.size as f64, kind_code(stat.kind), stat.mtime_ms))
}

/// `wasmcap:fs` remove: a file, a symlink (not its target) or a directory (non-empty only
/// if `recursive`), if `--allow-write` covers it.
#[op2(fast)]
pub fn op_wasmcap_remove(state: &mut OpState, #[string] path: &str, recursive: bool) -> Result<(), JsErrorBox> {
    let (verb, access) = ("remove", Access::Write);
    let target = granted(state, access, path)?;
    place(&target, path, verb, access)?.remove(recursive).map_err(|e| fs_error(path, verb, access, e))
}

/// `wasmcap:fs` rename: moves `from` to `to`, if `--allow-write` covers both.
#[op2(fast)]
pub fn op_wasmcap_rename(state: &mut OpState, #[string] from: &str, #[string] to: &str) -> Result<(), JsErrorBox> {
    let access = Access::Write;
    let from_target = granted(state, access, from)?;
    let to_target = granted(state, access, to)?;
    let verb = "rename";
    let from_place = place(&from_target, from, verb, access)?;
    let to_place = place(&to_target, to, verb, access)?;
    from_place.rename_to(&to_place).map_err(|e| {
        if is_escape(&e) {
            fs_error(&format!("{from}' to '{to}"), verb, access, e)
        } else {
            let class = match e.kind() {
                std::io::ErrorKind::NotFound => "NotFound",
                std::io::ErrorKind::PermissionDenied => "PermissionDenied",
                _ => "Error",
            };
            JsErrorBox::new(class, format!("cannot rename '{from}' to '{to}': {e}"))
        }
    })
}
