//! The `process` object's facts (argv, clocks, memory) and the exit code a script asks for.

use deno_core::{OpState, op2, v8};
use deno_error::JsErrorBox;

use crate::FsAccess;

/// Facts about the process that `process` exposes, and the exit code the script asked for.
pub struct ProcessState {
    pub argv: Vec<String>,
    pub exit_code: i32,
    /// Set by `process.exit()`: execution was terminated on purpose, not by an error.
    pub exit_requested: bool,
    pub started: std::time::Instant,
    /// The main module's evaluation was fulfilled (see `op_wasmcap_main_evaluated`).
    pub main_evaluated: bool,
}

impl ProcessState {
    pub fn new(argv: Vec<String>) -> Self {
        ProcessState { argv, exit_code: 0, exit_requested: false, started: std::time::Instant::now(), main_evaluated: false }
    }
}

/// `process.argv` and `process.platform`.
#[op2]
#[serde]
pub fn op_wasmcap_process_info(state: &mut OpState) -> (Vec<String>, &'static str) {
    (state.borrow::<ProcessState>().argv.clone(), std::env::consts::OS)
}

/// Milliseconds since the runtime started, for `console.time()`.
#[op2(fast)]
pub fn op_wasmcap_now(state: &mut OpState) -> f64 {
    state.borrow::<ProcessState>().started.elapsed().as_secs_f64() * 1000.0
}

#[op2(fast)]
pub fn op_wasmcap_set_exit_code(state: &mut OpState, code: i32) {
    state.borrow_mut::<ProcessState>().exit_code = code;
}

#[op2(fast)]
pub fn op_wasmcap_get_exit_code(state: &mut OpState) -> i32 {
    state.borrow::<ProcessState>().exit_code
}

/// `process.exit(code)`: record the code and stop V8 where it stands; the host sees the
/// termination, finds `exit_requested` and ends the run with that code.
#[op2(fast)]
pub fn op_wasmcap_exit(scope: &mut v8::PinScope, state: &mut OpState, code: i32) {
    let process = state.borrow_mut::<ProcessState>();
    process.exit_code = code;
    process.exit_requested = true;
    scope.terminate_execution();
}

/// Called by the prelude's main-module handler, which deno_core runs only when the main
/// module's evaluation is fulfilled: lets the host tell a throw in the module body from an
/// unhandled rejection elsewhere.
#[op2(fast)]
pub fn op_wasmcap_main_evaluated(state: &mut OpState) {
    state.borrow_mut::<ProcessState>().main_evaluated = true;
}

/// Resident set size in bytes, for `process.memoryUsage().rss` (0 where unknown).
#[op2(fast)]
#[number]
pub fn op_wasmcap_rss() -> u64 {
    // Linux: the second field of /proc/self/statm is resident pages.
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|statm| statm.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

// --- facts for `process`: versions, architecture, pid, a monotonic clock, and the current
// directory (which, as in Deno, is itself something read: it needs a read grant that covers it).

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
