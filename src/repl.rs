//! The interactive REPL (`wasmcap repl`). Being written: see issue 4.

use std::io::BufRead;

/// How to run the REPL.
pub struct ReplOptions {
    /// `--seed`: deterministic CSPRNG (tests only).
    pub seed: Option<u64>,
    /// Interactive (a terminal: banner, prompts, line editing) or piped (no banner, no
    /// prompts: each line or multi-line chunk is evaluated and its result printed).
    pub interactive: bool,
}

/// Runs a REPL reading from stdin; returns the process exit code.
pub fn run(options: ReplOptions) -> anyhow::Result<i32> {
    let _ = options;
    let stdin = std::io::stdin();
    let _ = stdin.lock().lines();
    anyhow::bail!("the REPL is not implemented yet")
}
