//! Code coverage of extension scripts, as `deno test --coverage` + `deno coverage` give it:
//! each run writes V8's precise block coverage to a [`Profile`] (see `runtime/coverage.rs`),
//! and [`report`] merges the profiles of every run and writes `lcov.info` and a summary.
//!
//! V8 reports, per function, a list of nested ranges of source (UTF-16 offsets) with the
//! number of times each ran: the function's whole extent first, then the blocks inside it
//! whose count differs from the code around them (a block run exactly as often as its
//! surroundings is not listed). From that:
//!
//! - **Lines.** Each position of the source takes the count of the innermost range around it;
//!   a line's count is the highest count of the code on it (a line runs if any code on it
//!   ran). Blank lines and lines holding only comments are not counted.
//! - **Functions.** Every function V8 saw, but the module's own top level, with its calls.
//! - **Branches.** The blocks V8 lists, each with its count (`-` when its function never ran).
//!   As in Deno and c8, a block that ran as often as the code around it is not a branch of
//!   its own: an `if` whose body ran on every call adds none.
//!
//! Runs are merged by summing: a range one run lists and another does not counts, in the
//! other, as the innermost range around it there (what V8 left out because it was equal).

mod lines;
mod lcov;
mod merge;
mod summary;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

pub use merge::{Branch, FileCoverage, Function, merge_runs};
pub use summary::{Totals, summary_table};

/// What one run writes: the coverage of each module it loaded from a file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Profile {
    pub scripts: Vec<ScriptCoverage>,
}

/// One module: its URL, the text V8 compiled, and V8's counts (its own JSON form).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScriptCoverage {
    pub url: String,
    pub source: String,
    pub functions: Vec<FunctionCoverage>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionCoverage {
    pub function_name: String,
    pub ranges: Vec<CoverageRange>,
    #[serde(default)]
    pub is_block_coverage: bool,
}

/// `[start_offset, end_offset)` in UTF-16 code units of the source, run `count` times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CoverageRange {
    pub start_offset: usize,
    pub end_offset: usize,
    pub count: u64,
}

/// The largest profile [`report`] reads (a run's profile holds the sources it covers).
const MAX_PROFILE_BYTES: usize = 256 << 20;
/// The largest module whose text is compared with the file on disk.
const MAX_SOURCE_BYTES: usize = 64 << 20;

/// What [`report`] made.
#[derive(Debug)]
pub struct Report {
    pub files: Vec<FileCoverage>,
    /// Where `lcov.info` was written.
    pub lcov: PathBuf,
    /// Modules left out, each with why (to tell the user once).
    pub left_out: Vec<String>,
}

/// Merges every profile in `profiles_dir` and writes `out_dir/lcov.info`. Modules under a
/// `node_modules` directory are left out, and so is a module whose file on disk is no longer
/// the text that ran (its lines could not be mapped), or is not a regular file.
pub fn report(profiles_dir: &Path, out_dir: &Path) -> anyhow::Result<Report> {
    // By URL, then by the text V8 compiled: one URL may name two scripts (a CommonJS
    // module's facade and its wrapped code), or a file that changed between two runs.
    let mut runs: BTreeMap<String, Vec<(String, Vec<Vec<FunctionCoverage>>)>> = BTreeMap::new();
    let mut left_out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(profiles_dir)
        .with_context(|| format!("cannot read the coverage profiles in {}", profiles_dir.display()))?
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    entries.sort();
    if entries.is_empty() {
        bail!("no coverage was recorded in {} (no run wrote a profile)", profiles_dir.display());
    }
    for path in &entries {
        let bytes = crate::plain_file::read(path, MAX_PROFILE_BYTES)
            .with_context(|| format!("cannot read the coverage profile {}", path.display()))?;
        let profile: Profile = deno_core::serde_json::from_slice(&bytes)
            .with_context(|| format!("the coverage profile {} is not valid", path.display()))?;
        for script in profile.scripts {
            let texts = runs.entry(script.url).or_default();
            match texts.iter_mut().find(|(source, _)| *source == script.source) {
                Some((_, list)) => list.push(script.functions),
                None => texts.push((script.source, vec![script.functions])),
            }
        }
    }
    let mut files = Vec::new();
    for (url, texts) in runs {
        let Some(path) = file_path(&url) else { continue };
        if path.components().any(|c| c.as_os_str() == "node_modules") {
            continue;
        }
        let shown = crate::golden::printable(&path.display().to_string());
        if shown != path.display().to_string() {
            left_out.push(format!("{shown}: its path holds control characters, which lcov.info cannot carry"));
            continue;
        }
        let text = match crate::plain_file::read(&path, MAX_SOURCE_BYTES) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            // Code that named no file (eval, stdin, the REPL) has none on disk: not a module.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                left_out.push(format!("{shown}: {e}"));
                continue;
            }
        };
        // V8 compiled the file's text itself, or wrapped in code of wasmcap's (a CommonJS
        // module, in a function): offsets then count from where the file's text starts. Other
        // texts under the URL are wasmcap's (a facade) or an older version of the file.
        let mut list = Vec::new();
        for (source, functions) in texts {
            if let Some(shift) = offset_within(&source, &text) {
                list.extend(functions.into_iter().map(|functions| shifted(functions, shift)));
            }
        }
        if list.is_empty() {
            left_out.push(format!("{shown}: the file is not the text that ran (it changed since)"));
            continue;
        }
        files.push(merge_runs(path, &text, &list));
    }
    std::fs::create_dir_all(out_dir).with_context(|| format!("cannot create {}", out_dir.display()))?;
    let lcov = out_dir.join("lcov.info");
    crate::plain_file::write(&lcov, lcov::lcov(&files).as_bytes())
        .with_context(|| format!("cannot write {}", lcov.display()))?;
    Ok(Report { files, lcov, left_out })
}

/// Where `text` starts in `source` (UTF-16 units), if `source` is `text` or holds it whole.
fn offset_within(source: &str, text: &str) -> Option<usize> {
    if source == text {
        return Some(0);
    }
    let at = if text.is_empty() { None } else { source.find(text) }?;
    Some(source[..at].encode_utf16().count())
}

/// V8's ranges moved back by `shift` (what comes before the file's text ends up at 0).
fn shifted(mut functions: Vec<FunctionCoverage>, shift: usize) -> Vec<FunctionCoverage> {
    for range in functions.iter_mut().flat_map(|f| f.ranges.iter_mut()) {
        range.start_offset = range.start_offset.saturating_sub(shift);
        range.end_offset = range.end_offset.saturating_sub(shift);
    }
    functions
}

/// The path of a `file:` URL.
fn file_path(url: &str) -> Option<PathBuf> {
    deno_core::ModuleSpecifier::parse(url).ok()?.to_file_path().ok()
}
