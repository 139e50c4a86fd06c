//! The Wasm guests compiled from `guest/`, embedded so users need no C toolchain.

use deno_core::op2;
use deno_error::JsErrorBox;

/// Each embedded guest by the name `Guest.load` takes.
pub const GUESTS: &[(&str, &[u8])] = &[
    ("monocypher", include_bytes!("../../guest/monocypher.wasm")),
    ("twosum", include_bytes!("../../guest/twosum.wasm")),
];

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
