//! A host application that embeds wasmcap and gives scripts an op of its own.
//!
//!     cargo run --release --example embed

use deno_core::{extension, op2};
use wasmcap::{Options, Script};

/// The host's capability: here, just a number the application knows and scripts do not.
#[op2(fast)]
fn op_host_answer() -> u32 {
    42
}

// The extension's JS exposes the op to scripts as a global. It takes the op from `core.ops`:
// wasmcap's runtimes start from a V8 snapshot whose `ext:core/ops` module predates this op.
extension!(
    host,
    ops = [op_host_answer],
    esm_entry_point = "ext:host/host.js",
    esm = ["ext:host/host.js" = {
        source = "import { core } from 'ext:core/mod.js'; const { op_host_answer } = core.ops; globalThis.host = { answer: () => op_host_answer() };"
    }],
);

fn main() -> std::io::Result<()> {
    let script = Script::Code {
        name: std::env::current_dir()?.join("embedded.js"),
        code: r#"
            import { twoSum } from "wasmcap:twosum";
            const answer = host.answer();
            console.log("the host says", answer);
            console.log("two numbers that sum to it:", twoSum([40, 1, 2, 7], answer));
        "#
        .to_string(),
    };
    let options = Options { script, extensions: vec![host::init()], ..Default::default() };
    match wasmcap::run_blocking(options) {
        Ok(exit_code) => std::process::exit(exit_code),
        Err(uncaught) => {
            eprintln!("error: {uncaught}");
            std::process::exit(1);
        }
    }
}
