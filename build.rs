//! Builds wasmcap's V8 startup snapshot. The prelude (js/prelude.js and js/inspect.js, with
//! deno_core's own bootstrap JS) is evaluated once here, at build time, and V8 serializes the
//! resulting heap into OUT_DIR/wasmcap.snap, which src/runtime.rs embeds. A runtime then starts
//! by deserializing that heap instead of parsing and running ~2,000 lines of JS on every start.
//!
//! The extension must be the same one the runtime registers (same ops, same order), so its
//! source is shared with the library through #[path] rather than copied.

#[allow(dead_code, unused_imports)]
#[path = "src/ops/mod.rs"]
mod ops;
#[allow(dead_code, unused_imports)]
#[path = "src/permissions.rs"]
mod permissions;

use std::path::PathBuf;

use deno_core::snapshot::{CreateSnapshotOptions, create_snapshot};

fn main() {
    for input in ["build.rs", "src/ops", "src/permissions.rs", "js"] {
        println!("cargo:rerun-if-changed={input}");
    }
    // The options only seed OpState, which is not part of the snapshot; every runtime brings
    // its own (src/runtime.rs).
    let fs = ops::FsAccess { permissions: permissions::Permissions::default(), cwd: PathBuf::from("/") };
    let mut extensions = ops::web_platform_extensions();
    extensions.push(ops::wasmcap_runtime::init(ops::Csprng::Os, ops::Output::default(), Vec::new(), fs));
    let lazy_scripts = ops::lazy_script_paths(&extensions);
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
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let out = out_dir.join("wasmcap.snap");
    std::fs::write(&out, &snapshot.output).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
    let table = ops::residual_lazy_scripts_table(&lazy_scripts, &snapshot.consumed_lazy_specifiers);
    let out = out_dir.join("residual_lazy_scripts.rs");
    std::fs::write(&out, table).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
