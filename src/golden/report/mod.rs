//! What a run of cases tells, through a reporter: `pretty` for people, `tap` and `junit` for
//! CI systems. The suite hands each finished case to every reporter, then the end.

mod junit;
mod pretty;
mod tap;

pub use junit::{Junit, Target};
pub use pretty::Pretty;
pub use tap::Tap;

use std::time::Duration;

use super::diff::Diff;

/// One finished case, as reporters see it. Texts have control characters escaped.
#[derive(Debug, Clone)]
pub struct CaseReport {
    /// The case's name (its path without the extension).
    pub name: String,
    /// The script's path.
    pub file: String,
    pub elapsed: Duration,
    pub verdict: Verdict,
}

#[derive(Debug, Clone)]
pub enum Verdict {
    Passed,
    /// `--update` wrote this `.out` file.
    Updated(String),
    Skipped(String),
    /// Why, in one line; `kind` names the sort of failure for machines (`output`,
    /// `exit-code`, `timeout`, `overflow`, `no-out-file`, `error`).
    Failed { why: String, kind: &'static str, diff: Option<Diff> },
}

/// Totals of a suite run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    /// Left out by `--fail-fast`.
    pub not_run: usize,
}

impl Summary {
    pub fn count(&mut self, verdict: &Verdict) {
        match verdict {
            Verdict::Passed | Verdict::Updated(_) => self.passed += 1,
            Verdict::Skipped(_) => self.skipped += 1,
            Verdict::Failed { .. } => self.failed += 1,
        }
    }
}

/// `N passed, N failed[, N skipped]`: the closing line CI systems read.
impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} passed, {} failed", self.passed, self.failed)?;
        if self.skipped > 0 {
            write!(f, ", {} skipped", self.skipped)?;
        }
        Ok(())
    }
}

/// The end of a run: totals, wall time, every case reported (in the order they finished),
/// and how the run was ordered or stopped.
#[derive(Debug)]
pub struct End<'a> {
    pub summary: Summary,
    pub elapsed: Duration,
    pub cases: &'a [CaseReport],
    /// `--fail-fast=N` stopped the run.
    pub fail_fast: Option<usize>,
    /// `--shuffle`'s seed.
    pub shuffle: Option<u64>,
}

/// The report on stdout (`--reporter`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Pretty,
    Tap,
    Junit,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "pretty" => Ok(Format::Pretty),
            "tap" => Ok(Format::Tap),
            "junit" => Ok(Format::Junit),
            _ => Err("expected pretty, tap or junit".into()),
        }
    }
}

/// Something that tells the results as they come.
pub trait Reporter: Send {
    /// Before the first case: how many will run (at most).
    fn plan(&mut self, _cases: usize) {}
    fn case(&mut self, report: &CaseReport);
    /// After the last case. An error (a report file that cannot be written) fails the run.
    fn end(&mut self, end: &End) -> anyhow::Result<()>;
}

/// Whether to colour output meant for a terminal: `FORCE_COLOR` (but `0`/`false`) forces it,
/// as in Node, else a non-empty `NO_COLOR` turns it off (no-color.org), else a terminal has it.
pub fn color_wanted(is_terminal: bool) -> bool {
    let set = |name| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
    match set("FORCE_COLOR").as_deref() {
        Some("0" | "false") => false,
        Some(_) => true,
        None if set("NO_COLOR").is_some_and(|v| !v.is_empty()) => false,
        None => is_terminal,
    }
}

/// Writes to stdout, ignoring a closed pipe (`wasmcap test | head` is not an error).
pub(super) fn print(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}
