//! Builds wasmcap's V8 startup snapshot. The prelude (js/prelude.js and js/inspect.js, with
//! deno_core's own bootstrap JS) is evaluated once here, at build time, and V8 serializes the
//! resulting heap into OUT_DIR/wasmcap.snap, which src/runtime/mod.rs embeds. A runtime then
//! starts by deserializing that heap instead of parsing and running ~2,000 lines of JS on
//! every start.
//!
//! The extension must be the same one the runtime registers (same ops, same order): both
//! take it from the `wasmcap_extension` crate (src/extension/).

use std::path::PathBuf;

use deno_core::snapshot::{CreateSnapshotOptions, create_snapshot};
use wasmcap_extension::permissions::Permissions;
use wasmcap_extension::{
    Csprng, FsAccess, Output, lazy_script_paths, residual_lazy_scripts_table, wasmcap_runtime,
    web_platform_extensions,
};

fn main() {
    // A change to the extension (its Rust or its JS) rebuilds this script, which reruns it.
    println!("cargo:rerun-if-changed=build.rs");
    // The options only seed OpState, which is not part of the snapshot; every runtime brings
    // its own (src/runtime/mod.rs).
    let fs = FsAccess { permissions: Permissions::default(), cwd: PathBuf::from("/") };
    let mut extensions = web_platform_extensions();
    extensions.push(wasmcap_runtime::init(Csprng::Os, Output::default(), Vec::new(), fs));
    let lazy_scripts = lazy_script_paths(&extensions);
    let snapshot = create_snapshot(
        CreateSnapshotOptions {
            cargo_manifest_dir: env!("CARGO_MANIFEST_DIR"),
            startup_snapshot: None,
            skip_op_registration: false,
            extensions,
            extension_transpiler: None,
            with_runtime_cb: None,
        },
        None,
    )
    .unwrap_or_else(|e| panic!("building the V8 startup snapshot failed (an error in the prelude?): {e}"));
    // deno_web's scripts, read from its crate's directory (wasmcap's own JS is compiled in).
    for file in &snapshot.files_loaded_during_snapshot {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let out = out_dir.join("wasmcap.snap");
    std::fs::write(&out, &snapshot.output).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
    let table = residual_lazy_scripts_table(&lazy_scripts, &snapshot.consumed_lazy_specifiers);
    let out = out_dir.join("residual_lazy_scripts.rs");
    std::fs::write(&out, table).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
