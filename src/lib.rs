//! wasmcap: run WebAssembly capabilities from JavaScript in a Rust host.
//!
//! A [`Runtime`] is one V8 isolate (through `deno_core`) with Node-style globals, a CSPRNG op
//! and the `wasmcap:` modules: `wasmcap:monocypher` (Monocypher's AEAD compiled to Wasm),
//! `wasmcap:twosum`, `wasmcap:guest` (the one layer that touches guest memory) and
//! `wasmcap:fs` (file access under `--allow-read`/`--allow-write`). Its ops and their JS are
//! the [`extension`] crate, which the build script also uses to make the startup snapshot.
//!
//! A host application embeds it in a few lines, adding ops of its own as `deno_core`
//! extensions (see `examples/embed.rs`):
//!
//! ```no_run
//! # fn main() -> anyhow::Result<()> {
//! let script = wasmcap::Script::File(std::path::PathBuf::from("/abs/path/main.js"));
//! let exit_code = wasmcap::run_blocking(wasmcap::Options { script, ..Default::default() })?;
//! # Ok(()) }
//! ```
//!
//! A host that loads extensions once and calls the functions they export, typed, with
//! deadlines and memory limits per call, uses [`host`] instead (see `examples/plugin_host.rs`).

pub mod coverage;
pub mod golden;
pub mod host;
pub mod loader;
pub mod npm;
pub mod plain_file;
pub mod repl;
pub mod runtime;
mod syntax_check;

pub use deno_core;
pub use wasmcap_extension as extension;
pub use wasmcap_extension::Output;
pub use wasmcap_extension::permissions;
pub use permissions::{Grant, Permissions};
pub use runtime::{
    Options, Runtime, Script, ScriptError, Stopped, format_core_error, resident_bytes, set_max_guest_memory_mb,
};

/// Runs `options.script` to completion on a fresh current-thread tokio runtime and returns
/// its exit code. An uncaught exception is an `Err` whose text follows `error: ` when printed.
pub fn run_blocking(options: Options) -> anyhow::Result<i32> {
    let tokio = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    tokio.block_on(async {
        let mut runtime = Runtime::new(options)?;
        runtime.run().await
    })
}
