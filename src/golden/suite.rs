//! A run of cases: finding and selecting them, running them in parallel, `--update`, and
//! telling each result to the reporters.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::bail;

use super::case::{Outcome, RunConfig, run_case};
use super::report::{CaseReport, End, Pretty, Reporter, Summary, Verdict};
use super::{Case, discover, printable, update_expected};

/// What `wasmcap test` was asked to do.
#[derive(Debug, Clone)]
pub struct SuiteOptions {
    pub paths: Vec<PathBuf>,
    /// Plain text (not a pattern) that a case's name must contain.
    pub filter: Option<String>,
    pub update: bool,
    pub jobs: usize,
    pub run: RunConfig,
    /// Colour the pretty report (see [`super::report::color_wanted`]).
    pub color: bool,
}

/// The most scripts without a `.out` named in the note about them.
const NAMED_WITHOUT_OUT: usize = 5;

/// Runs every case found under the options' paths, in parallel, reporting each as it ends
/// and the totals last. A run in which no case ran (none found, none selected, all skipped)
/// is an error after the report: a CI job that tests nothing must not pass.
pub fn run_suite(options: &SuiteOptions) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let base = std::env::current_dir()?;
    let found = discover(&options.paths)?;
    note_without_out(&found.without_out);
    let total = found.cases.len();
    let mut cases = found.cases;
    if let Some(filter) = &options.filter {
        cases.retain(|c| c.name(&base).contains(filter.as_str()));
    }
    let mut reporters: Vec<Box<dyn Reporter>> = vec![Box::new(Pretty::new(options.color))];
    for reporter in &mut reporters {
        reporter.plan(cases.len());
    }

    let next = AtomicUsize::new(0);
    let state = Mutex::new((Summary::default(), Vec::<CaseReport>::new(), reporters));
    let jobs = options.jobs.max(1).min(cases.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                while let Some(case) = cases.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let case_started = Instant::now();
                    let outcome = run_case(case, &options.run);
                    let elapsed = case_started.elapsed();
                    let verdict = verdict(case, outcome, options.update);
                    let report = CaseReport {
                        name: case.name(&base),
                        file: printable(&case.script.display().to_string()),
                        elapsed,
                        verdict,
                    };
                    let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
                    let (summary, reports, reporters) = &mut *state;
                    summary.count(&report.verdict);
                    for reporter in reporters.iter_mut() {
                        reporter.case(&report);
                    }
                    reports.push(report);
                }
            });
        }
    });

    let (summary, reports, mut reporters) = state.into_inner().unwrap_or_else(|e| e.into_inner());
    let end = End { summary, elapsed: started.elapsed(), cases: &reports, fail_fast: None, shuffle: None };
    for reporter in &mut reporters {
        reporter.end(&end)?;
    }
    if summary.passed + summary.failed == 0 {
        let paths: Vec<String> = options.paths.iter().map(|p| printable(&p.display().to_string())).collect();
        let paths = paths.join(", ");
        if total == 0 {
            bail!("no case ran: no NAME.js or NAME.repl with a NAME.out beside it under {paths}");
        } else if cases.is_empty() {
            bail!("no case ran: --filter matched none of the {total} cases under {paths}");
        } else {
            let which = if cases.len() == 1 { "the one case selected was".into() } else { format!("all {} cases selected were", cases.len()) };
            bail!("no case ran: {which} skipped");
        }
    }
    Ok(summary)
}

/// What a case's outcome means for the report, `--update` applied.
fn verdict(case: &Case, outcome: anyhow::Result<Outcome>, update: bool) -> Verdict {
    match outcome {
        Ok(Outcome::Passed) => Verdict::Passed,
        Ok(Outcome::Skipped(why)) => Verdict::Skipped(printable(&why)),
        Ok(Outcome::Failed(failure)) if update && failure.problem.updatable() => {
            let path = printable(&case.expected.display().to_string());
            match update_expected(case, &failure.actual) {
                Ok(()) => Verdict::Updated(path),
                Err(e) => Verdict::Failed { why: format!("cannot update {path}: {e}"), kind: "error", diff: None },
            }
        }
        Ok(Outcome::Failed(failure)) => {
            Verdict::Failed { why: failure.problem.to_string(), kind: failure.problem.kind(), diff: failure.diff }
        }
        Err(e) => Verdict::Failed { why: printable(&format!("{e:#}")), kind: "error", diff: None },
    }
}

/// Says once, on stderr, which scripts were not run for want of a `.out` file.
fn note_without_out(scripts: &[PathBuf]) {
    let Some(first) = scripts.first() else { return };
    let mut named: Vec<String> = scripts.iter().take(NAMED_WITHOUT_OUT).map(|p| shown(p)).collect();
    if scripts.len() > NAMED_WITHOUT_OUT {
        named.push(format!("and {} more", scripts.len() - NAMED_WITHOUT_OUT));
    }
    let (count, verb) = if scripts.len() == 1 { ("1 script".to_string(), "has") } else { (format!("{} scripts", scripts.len()), "have") };
    eprintln!(
        "note: {count} {verb} no .out file and did not run: {} (to make one a case: wasmcap test --update {})",
        named.join(", "),
        shown(first)
    );
}

fn shown(path: &Path) -> String {
    printable(&path.display().to_string())
}
