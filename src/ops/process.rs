//! Facts about the process for `process`: versions, architecture, pid, a monotonic clock,
//! and the current directory (which, as in Deno, is itself something read: it needs a read
//! grant that covers it).

use deno_core::{OpState, op2, v8};
use deno_error::JsErrorBox;

use super::{FsAccess, ProcessState};

/// `[wasmcap version, V8 version, Node-style arch, pid]`.
#[op2]
#[serde]
pub fn op_wasmcap_process_facts() -> (&'static str, &'static str, &'static str, u32) {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "x64",
        "aarch64" => "arm64",
        "x86" => "ia32",
        "powerpc64" => "ppc64",
        other => other,
    };
    (env!("CARGO_PKG_VERSION"), v8::VERSION_STRING, arch, std::process::id())
}

/// Nanoseconds since the runtime started, for `process.hrtime` (exact to the nanosecond for
/// 104 days: an f64 holds integers up to 2^53).
#[op2(fast)]
pub fn op_wasmcap_hrtime(state: &mut OpState) -> f64 {
    state.borrow::<ProcessState>().started.elapsed().as_nanos() as f64
}

/// `process.cwd()`: the current directory, if the read grant covers it.
#[op2]
#[string]
pub fn op_wasmcap_cwd(state: &mut OpState) -> Result<String, JsErrorBox> {
    let fs = state.borrow::<FsAccess>();
    // The refusal does not name the directory: that would be the very thing refused.
    if fs.permissions.read.locate(&fs.cwd).is_none() {
        return Err(JsErrorBox::new(
            "PermissionDenied",
            "process.cwd() needs read access to the current directory: run with --allow-read=. (or --allow-read)",
        ));
    }
    Ok(fs.cwd.display().to_string())
}
