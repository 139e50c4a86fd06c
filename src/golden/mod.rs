//! Golden-output tests: run `NAME.js` (or pipe `NAME.repl` into the REPL) and compare what it
//! printed, stdout and stderr interleaved as written, with `NAME.out`.
//!
//! Each case runs in a fresh `wasmcap` process (a fresh runtime that nothing can leak into, and
//! a crash or a hang fails one case, not the run), with the case's own directory as the current
//! directory so that paths in the output are relative and the files portable.
//!
//! Per-case settings are leading comment lines of the script:
//!
//! ```text
//! // @exit: 1            expected exit code, 0 to 255 (default 0)
//! // @args: one two      arguments for process.argv (split on whitespace; .js cases only)
//! // @seed: 42           deterministic CSPRNG (insecure; for pinning AEAD output)
//! // @timeout: 5         seconds, at most a day (default: the run's --timeout, 30)
//! // @skip: why          do not run; counted as skipped
//! // @allow-read: a, b    file grants (bare: the suite's root), relative to the case's
//! // @allow-write: out    directory and confined to the suite's root (see grants.rs)
//! // @max-heap: 64        V8 heap limit in MB
//! // @env: A=1 B=two      variables set in the case's environment (and readable by it)
//! // @allow-env: A, B     variables it may read (bare: all): of its own environment, which
//! //                      holds only what @env sets and `wasmcap test --allow-env` passes on
//! ```
//!
//! In `.out` files `[WILDCARD]` matches any text, newlines included, and `[WILDLINE]` the
//! rest of a line.
//!
//! Test files are untrusted input (someone else's repository): nothing in a case can become a
//! `wasmcap` flag (the command is `wasmcap run [--seed N] [GRANTS] -- ./NAME.js ARGS...`, settings only
//! ever land in ARGS, or as checked grants confined to the suite's root), case and `.out` files must be regular
//! files (no symbolic links, FIFOs or devices; read with a size bound), `--update` replaces
//! `NAME.out` by renaming a new file over it (never writing through a link), discovery does not
//! follow directory symlinks and visits each directory once, and every bad setting or file is
//! a per-case failure that names the file, line and setting.

mod case;
mod diff;
mod discover;
mod expected;
mod filter;
mod grants;
pub mod report;
mod settings;
mod suite;
mod watch;

pub use case::{Failure, Outcome, Problem, RunConfig, run_case};
pub use diff::{Diff, DiffLine, wildcard_diff};
pub use discover::{Found, discover};
pub use expected::{matches_expected, update_expected};
pub use filter::Filter;
pub use grants::SuiteGrant;
pub use report::{Format, Summary, color_wanted};
pub use settings::{MAX_SETTING_LINE, MAX_TIMEOUT_SECS, PathSetting, Settings, parse_settings, parse_settings_for, parse_timeout, printable};
pub use suite::{SuiteOptions, run_suite};
pub use watch::watch_suite;

use std::path::{Path, PathBuf};

/// The largest case file, `.out` file and case output the runner handles (16 MiB): a case
/// printing forever fails as soon as it passes this, instead of filling the runner's memory.
pub const MAX_FILE_BYTES: usize = 16 << 20;

/// One golden case: a script (or REPL transcript) and its expected output.
#[derive(Debug, Clone)]
pub struct Case {
    pub script: PathBuf,
    pub expected: PathBuf,
    pub kind: Kind,
    /// The suite's root: the directory given to `wasmcap test` that this case was found
    /// under (for a file given, its directory). A case's grants must stay under it.
    pub root: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `wasmcap run NAME.js`
    Script,
    /// `wasmcap repl < NAME.repl`
    Repl,
}

impl Case {
    /// The case's name: its script path without the extension, relative to `base`, with
    /// control characters escaped.
    pub fn name(&self, base: &Path) -> String {
        let stem = self.script.with_extension("");
        let relative = stem.strip_prefix(base).or_else(|_| stem.strip_prefix(".")).unwrap_or(&stem);
        printable(&relative.display().to_string())
    }
}
