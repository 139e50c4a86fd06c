//! The ops wasmcap gives JavaScript: randomness, output, process control and the embedded
//! guest blobs. Everything else a script can do is plain V8.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use deno_core::{OpState, op2, v8};

mod fs;
pub use fs::*;
mod web;
pub use web::*;
mod env;
pub use env::*;
mod process;
pub use process::*;
mod stdio;
pub use stdio::*;
use deno_error::JsErrorBox;
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};

/// Where every byte of randomness comes from. `Os` is the default and the only secure choice;
/// `Seeded` exists so golden tests can pin AEAD outputs (`--seed`).
pub enum Csprng {
    Os,
    Seeded(Box<ChaCha20Rng>),
}

impl Csprng {
    pub fn seeded(seed: u64) -> Self {
        Csprng::Seeded(Box::new(ChaCha20Rng::seed_from_u64(seed)))
    }

    pub fn fill(&mut self, buf: &mut [u8]) -> Result<(), getrandom::Error> {
        match self {
            Csprng::Os => getrandom::fill(buf),
            Csprng::Seeded(rng) => {
                rng.fill_bytes(buf);
                Ok(())
            }
        }
    }
}

/// Where `console` output goes: the process's stdout/stderr, or one shared buffer in which
/// both streams interleave in the order written (golden tests compare exactly that).
#[derive(Clone, Default)]
pub enum Output {
    #[default]
    Inherit,
    Capture(Rc<RefCell<Vec<u8>>>),
}

impl Output {
    pub fn capture() -> Self {
        Output::Capture(Rc::default())
    }

    /// What was captured so far (empty for `Inherit`).
    pub fn captured(&self) -> Vec<u8> {
        match self {
            Output::Inherit => Vec::new(),
            Output::Capture(buf) => buf.borrow().clone(),
        }
    }

    pub fn write(&self, to_stderr: bool, bytes: &[u8]) {
        // A closed pipe (`wasmcap run x.js | head`) is not the script's fault: drop the output.
        match self {
            Output::Inherit if to_stderr => {
                let _ = std::io::stderr().lock().write_all(bytes);
            }
            Output::Inherit => {
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(bytes);
                let _ = out.flush();
            }
            Output::Capture(buf) => buf.borrow_mut().extend_from_slice(bytes),
        }
    }
}

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

/// The guest blobs compiled from `guest/`, embedded so users need no C toolchain.
pub const GUESTS: &[(&str, &[u8])] = &[
    ("monocypher", include_bytes!("../../guest/monocypher.wasm")),
    ("twosum", include_bytes!("../../guest/twosum.wasm")),
];

/// Fills `buf` from the CSPRNG. A fast op: this is on the path of every nonce.
#[op2(fast)]
pub fn op_wasmcap_random_fill(
    state: &mut OpState,
    #[buffer] buf: &mut [u8],
) -> Result<(), JsErrorBox> {
    state
        .borrow_mut::<Csprng>()
        .fill(buf)
        .map_err(|e| JsErrorBox::generic(format!("the system random number generator failed: {e}")))
}

#[op2(fast)]
pub fn op_wasmcap_print(state: &mut OpState, #[string] text: &str, to_stderr: bool) {
    state.borrow::<Output>().write(to_stderr, text.as_bytes());
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

/// The bytes of an embedded guest, for `WebAssembly.Module` (compiled once per runtime in JS).
#[op2]
#[buffer]
pub fn op_wasmcap_guest_bytes(#[string] name: &str) -> Result<Vec<u8>, JsErrorBox> {
    GUESTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, bytes)| bytes.to_vec())
        .ok_or_else(|| JsErrorBox::type_error(format!("no embedded guest named '{name}'")))
}

deno_core::extension!(
    wasmcap_runtime,
    deps = [deno_webidl, deno_web],
    ops = [
        op_wasmcap_random_fill,
        op_wasmcap_print,
        op_wasmcap_process_info,
        op_wasmcap_now,
        op_wasmcap_set_exit_code,
        op_wasmcap_get_exit_code,
        op_wasmcap_exit,
        op_wasmcap_guest_bytes,
        op_wasmcap_main_evaluated,
        op_wasmcap_read_file,
        op_wasmcap_write_file,
        op_wasmcap_rss,
        op_wasmcap_read_file_chunk,
        op_wasmcap_append_file,
        op_wasmcap_mkdir,
        op_wasmcap_read_dir,
        op_wasmcap_stat,
        op_wasmcap_remove,
        op_wasmcap_rename,
        op_wasmcap_write,
        op_wasmcap_stdio_info,
        op_wasmcap_stdin_read,
        op_wasmcap_env,
        op_wasmcap_process_facts,
        op_wasmcap_hrtime,
        op_wasmcap_cwd,
    ],
    esm_entry_point = "ext:wasmcap_runtime/modules.js",
    options = { csprng: Csprng, output: Output, argv: Vec<String>, fs: FsAccess },
    state = |state, options| {
        state.put(options.csprng);
        state.put(options.output);
        state.put(options.fs);
        state.put(ProcessState { argv: options.argv, exit_code: 0, exit_requested: false, started: std::time::Instant::now(), main_evaluated: false });
    },
    customizer = |ext: &mut deno_core::Extension| {
        // Embedded with include_str! (not read from disk at startup), so a copied binary works.
        ext.esm_files = std::borrow::Cow::Borrowed(&PRELUDE);
        ext.lazy_loaded_js_files = std::borrow::Cow::Borrowed(&PUBLIC_MODULE_EXPORTS);
        ext.synthetic_esm_modules = std::borrow::Cow::Borrowed(&PUBLIC_MODULE_SPECIFIERS);
    },
);

/// The extension's modules, all evaluated into the startup snapshot (see build.rs). The
/// `wasmcap:` modules among them import the runtime's private services (the CSPRNG pool, the
/// guests, the fs ops) from the prelude as plain ES imports: nothing a script can reach holds
/// them. Scripts cannot import `ext:` modules (deno_core refuses); they reach the public ones
/// by their `wasmcap:` names, below.
static PRELUDE: [deno_core::ExtensionFileSource; 11] = [
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/process_io.js",
        deno_core::ascii_str_include!("../../js/process_io.js"),
    ),
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/console_table.js",
        deno_core::ascii_str_include!("../../js/console_table.js"),
    ),
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/immediate.js",
        deno_core::ascii_str_include!("../../js/immediate.js"),
    ),
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/web.js",
        deno_core::ascii_str_include!("../../js/web.js"),
    ),
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/inspect.js",
        deno_core::ascii_str_include!("../../js/inspect.js"),
    ),
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/prelude.js",
        deno_core::ascii_str_include!("../../js/prelude.js"),
    ),
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/guest.js",
        deno_core::ascii_str_include!("../../js/guest.js"),
    ),
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/fs.js",
        deno_core::ascii_str_include!("../../js/fs.js"),
    ),
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/twosum.js",
        deno_core::ascii_str_include!("../../js/twosum.js"),
    ),
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/monocypher.js",
        deno_core::ascii_str_include!("../../js/monocypher.js"),
    ),
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/modules.js",
        deno_core::ascii_str_include!("../../js/modules.js"),
    ),
];

/// The `wasmcap:` modules scripts may import, in the order help texts list them.
pub const PUBLIC_MODULES: [&str; 4] = ["wasmcap:guest", "wasmcap:monocypher", "wasmcap:twosum", "wasmcap:fs"];

/// Each public module is a deno_core `synthetic_esm` module: importing it builds an ES module
/// whose exports are those of the object its backing script returns...
static PUBLIC_MODULE_SPECIFIERS: [(&str, &str); 4] = [
    ("wasmcap:monocypher", "ext:wasmcap_runtime/exports/monocypher.js"),
    ("wasmcap:twosum", "ext:wasmcap_runtime/exports/twosum.js"),
    ("wasmcap:guest", "ext:wasmcap_runtime/exports/guest.js"),
    ("wasmcap:fs", "ext:wasmcap_runtime/exports/fs.js"),
];

/// ...and a backing script is a function of deno_core's snapshot-time `__bootstrap` (which only
/// the host holds) returning the namespace of the snapshotted `ext:` module, which
/// js/modules.js put in `internals`.
static PUBLIC_MODULE_EXPORTS: [deno_core::ExtensionFileSource; 4] = [
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/exports/monocypher.js",
        deno_core::ascii_str!("(function () { return __bootstrap.internals.wasmcapModules.monocypher; })();"),
    ),
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/exports/twosum.js",
        deno_core::ascii_str!("(function () { return __bootstrap.internals.wasmcapModules.twosum; })();"),
    ),
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/exports/guest.js",
        deno_core::ascii_str!("(function () { return __bootstrap.internals.wasmcapModules.guest; })();"),
    ),
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/exports/fs.js",
        deno_core::ascii_str!("(function () { return __bootstrap.internals.wasmcapModules.fs; })();"),
    ),
];
