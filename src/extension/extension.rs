//! The extension's declaration: its ops in registration order, the state each runtime starts
//! with, and the JavaScript it brings (js/*.js, embedded).

use crate::fs::*;
use crate::guests::op_wasmcap_guest_bytes;
use crate::node::*;
use crate::output::op_wasmcap_print;
use crate::process::*;
use crate::random::op_wasmcap_random_fill;
use crate::env::op_wasmcap_env;
use crate::stdio::{op_wasmcap_stdin_read, op_wasmcap_stdio_info, op_wasmcap_write};
use crate::{Csprng, FsAccess, Output, ProcessState};

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
        op_wasmcap_read_chunk_limit,
        op_wasmcap_require_resolve,
        op_wasmcap_require_read,
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
        state.put(ProcessState::new(options.argv));
    },
    customizer = |ext: &mut deno_core::Extension| {
        // Embedded with include_str! (not read from disk at startup), so a copied binary works.
        ext.esm_files = std::borrow::Cow::Owned([&PRELUDE[..], &NODE_FILES[..]].concat());
        ext.lazy_loaded_js_files = std::borrow::Cow::Owned([&PUBLIC_MODULE_EXPORTS[..], &NODE_MODULE_EXPORTS[..]].concat());
        ext.synthetic_esm_modules = std::borrow::Cow::Owned([&PUBLIC_MODULE_SPECIFIERS[..], &NODE_MODULE_SPECIFIERS[..]].concat());
    },
);

/// The extension's modules, all evaluated into the startup snapshot (by wasmcap's build.rs).
/// The `wasmcap:` modules among them import the runtime's private services (the CSPRNG pool,
/// the guests, the fs ops) from the prelude as plain ES imports: nothing a script can reach
/// holds them. Scripts cannot import `ext:` modules (deno_core refuses); they reach the public
/// ones by their `wasmcap:` names, below.
static PRELUDE: [deno_core::ExtensionFileSource; 20] = [
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
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/util.js",
        deno_core::ascii_str_include!("../../js/util.js"),
    ),
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/console.js",
        deno_core::ascii_str_include!("../../js/console.js"),
    ),
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/timers.js",
        deno_core::ascii_str_include!("../../js/timers.js"),
    ),
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/process.js",
        deno_core::ascii_str_include!("../../js/process.js"),
    ),
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/monocypher_checks.js",
        deno_core::ascii_str_include!("../../js/monocypher_checks.js"),
    ),
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/monocypher_aead.js",
        deno_core::ascii_str_include!("../../js/monocypher_aead.js"),
    ),
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/monocypher_hash.js",
        deno_core::ascii_str_include!("../../js/monocypher_hash.js"),
    ),
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/monocypher_keys.js",
        deno_core::ascii_str_include!("../../js/monocypher_keys.js"),
    ),
    deno_core::ExtensionFileSource::new(
        "ext:wasmcap_runtime/monocypher_stream.js",
        deno_core::ascii_str_include!("../../js/monocypher_stream.js"),
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
