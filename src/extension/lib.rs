//! wasmcap's deno_core extension: the ops JavaScript gets (randomness, output, process
//! control, `wasmcap:fs`, the embedded guests), the state they keep, and the JS they come with.
//! Everything else a script can do is plain V8.
//!
//! Both wasmcap's build script (which evaluates the prelude into the V8 startup snapshot) and
//! its runtime register [`wasmcap_runtime`]; being one crate is what keeps the two identical.

mod extension;
mod fs;
mod guests;
mod node;
mod output;
pub mod permissions;
mod process;
mod random;
mod stdio;
mod web;
pub mod env;

pub use extension::{PUBLIC_MODULES, wasmcap_runtime};
pub use fs::FsAccess;
pub use guests::GUESTS;
pub use node::{NODE_BUILTINS, RequireAccess, RequireHost};
pub use output::Output;
pub use process::ProcessState;
pub use random::Csprng;
pub use env::EnvGrant;
pub use web::{lazy_script_paths, residual_lazy_scripts_table, web_platform_extensions};
