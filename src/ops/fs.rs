//! The `wasmcap:fs` ops: file access for scripts, each call checked against the grants.

use std::io::Write;

use deno_core::{OpState, op2};
use deno_error::JsErrorBox;

/// What `wasmcap:fs` may touch, and the directory its relative paths start from.
pub struct FsAccess {
    pub permissions: crate::permissions::Permissions,
    pub cwd: std::path::PathBuf,
}

fn fs_error(path: &str, verb: &str, e: std::io::Error) -> JsErrorBox {
    let class = match e.kind() {
        std::io::ErrorKind::NotFound => "NotFound",
        std::io::ErrorKind::PermissionDenied => "PermissionDenied",
        _ => "Error",
    };
    JsErrorBox::new(class, format!("cannot {verb} '{path}': {e}"))
}

/// The absolute path for `path` if the grant for `access` covers it, else `PermissionDenied`.
fn granted(
    state: &OpState,
    access: crate::permissions::Access,
    path: &str,
) -> Result<std::path::PathBuf, JsErrorBox> {
    let fs = state.borrow::<FsAccess>();
    fs.permissions
        .check(access, path, &fs.cwd)
        .map_err(|msg| JsErrorBox::new("PermissionDenied", msg))
}

/// `wasmcap:fs` readFile: the whole file, if `--allow-read` covers it.
#[op2]
#[buffer]
pub fn op_wasmcap_read_file(state: &mut OpState, #[string] path: &str) -> Result<Vec<u8>, JsErrorBox> {
    let resolved = granted(state, crate::permissions::Access::Read, path)?;
    std::fs::read(resolved).map_err(|e| fs_error(path, "read", e))
}

/// `wasmcap:fs` writeFile: creates or replaces the file, if `--allow-write` covers it.
#[op2(fast)]
pub fn op_wasmcap_write_file(
    state: &mut OpState,
    #[string] path: &str,
    #[buffer] bytes: &[u8],
) -> Result<(), JsErrorBox> {
    let resolved = granted(state, crate::permissions::Access::Write, path)?;
    std::fs::write(resolved, bytes).map_err(|e| fs_error(path, "write", e))
}

/// The most `op_wasmcap_read_file_chunk` reads at once (64 MiB); js/fs.js checks it too.
const MAX_READ_CHUNK: u64 = 64 << 20;

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
    use std::io::{Read, Seek, SeekFrom};
    if length > MAX_READ_CHUNK {
        return Err(JsErrorBox::range_error(format!("readFileChunk: length {length} is more than {MAX_READ_CHUNK}")));
    }
    let resolved = granted(state, crate::permissions::Access::Read, path)?;
    let mut file = std::fs::File::open(resolved).map_err(|e| fs_error(path, "read", e))?;
    file.seek(SeekFrom::Start(offset)).map_err(|e| fs_error(path, "read", e))?;
    let mut bytes = Vec::with_capacity(length as usize);
    file.take(length).read_to_end(&mut bytes).map_err(|e| fs_error(path, "read", e))?;
    Ok(bytes)
}

/// `wasmcap:fs` appendFile: appends to the file, creating it, if `--allow-write` covers it.
#[op2(fast)]
pub fn op_wasmcap_append_file(
    state: &mut OpState,
    #[string] path: &str,
    #[buffer] bytes: &[u8],
) -> Result<(), JsErrorBox> {
    let resolved = granted(state, crate::permissions::Access::Write, path)?;
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(resolved)
        .and_then(|mut file| file.write_all(bytes))
        .map_err(|e| fs_error(path, "append to", e))
}

