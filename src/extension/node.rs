//! Ops behind `require` (js/node/module.js): resolving a specifier from a CommonJS file and
//! reading the file it names. The sandboxed work is done by whatever implements
//! [`RequireHost`] (src/npm for the runtime), so these ops are the same in the snapshot
//! build, which has none.

use std::rc::Rc;

use deno_core::{OpState, op2};
use deno_error::JsErrorBox;

/// Resolution and reading for `require`, confined as module loading is.
pub trait RequireHost {
    /// `(format, path, shown)`: format is "builtin" (path is then the builtin's name),
    /// "commonjs", "module" or "json"; `shown` is the path for messages (relative to the
    /// current directory where possible).
    fn require_resolve(&self, specifier: &str, parent: &str) -> Result<(String, String, String), JsErrorBox>;
    /// The text of a file `require_resolve` gave.
    fn require_read(&self, path: &str) -> Result<String, JsErrorBox>;
}

/// The runtime's [`RequireHost`], in OpState.
#[derive(Clone)]
pub struct RequireAccess(pub Rc<dyn RequireHost>);

fn host(state: &OpState) -> Result<RequireAccess, JsErrorBox> {
    state
        .try_borrow::<RequireAccess>()
        .cloned()
        .ok_or_else(|| JsErrorBox::generic("require is not available in this runtime"))
}

#[op2]
#[serde]
pub fn op_wasmcap_require_resolve(
    state: &mut OpState,
    #[string] specifier: &str,
    #[string] parent: &str,
) -> Result<(String, String, String), JsErrorBox> {
    host(state)?.0.require_resolve(specifier, parent)
}

#[op2]
#[string]
pub fn op_wasmcap_require_read(state: &mut OpState, #[string] path: &str) -> Result<String, JsErrorBox> {
    host(state)?.0.require_read(path)
}

/// The `node:` modules' sources (js/node/), evaluated into the snapshot with the prelude.
macro_rules! node_files {
    ($($file:literal),* $(,)?) => {
        pub static NODE_FILES: [deno_core::ExtensionFileSource; [$($file),*].len()] = [$(
            deno_core::ExtensionFileSource::new(
                concat!("ext:wasmcap_runtime/node/", $file),
                deno_core::ascii_str_include!(concat!("../../js/node/", $file)),
            ),
        )*];
    };
}

node_files!(
    "assert.js",
    "buffer.js",
    "crypto.js",
    "deep_equal.js",
    "events.js",
    "module.js",
    "path.js",
    "querystring.js",
    "string_decoder.js",
    "timers.js",
    "url.js",
    "util.js",
    "util_types.js",
);

/// Each builtin is a synthetic module (as the `wasmcap:` ones, see mod.rs) whose backing
/// script asks js/node/module.js for its exports when first imported.
macro_rules! node_modules {
    ($($name:literal),* $(,)?) => {
        /// The `node:` modules wasmcap provides (js/node/), by name without the scheme.
        pub const NODE_BUILTINS: [&str; [$($name),*].len()] = [$($name),*];
        pub static NODE_MODULE_SPECIFIERS: [(&str, &str); NODE_BUILTINS.len()] = [$(
            (concat!("node:", $name), concat!("ext:wasmcap_runtime/node-exports/", $name, ".js")),
        )*];
        pub static NODE_MODULE_EXPORTS: [deno_core::ExtensionFileSource; NODE_BUILTINS.len()] = [$(
            deno_core::ExtensionFileSource::new(
                concat!("ext:wasmcap_runtime/node-exports/", $name, ".js"),
                deno_core::ascii_str!(concat!(
                    "(function () { return __bootstrap.internals.wasmcapNodeModule(\"", $name, "\"); })();"
                )),
            ),
        )*];
    };
}

node_modules!(
    "assert",
    "assert/strict",
    "buffer",
    "crypto",
    "events",
    "module",
    "path",
    "path/posix",
    "process",
    "querystring",
    "string_decoder",
    "timers",
    "url",
    "util",
    "util/types",
);
