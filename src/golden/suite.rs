//! A run of cases: finding and selecting them, running them in parallel, `--update`, and
//! telling each result to the reporters.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::bail;

use super::case::{Outcome, RunConfig, run_case};
use super::report::{CaseReport, End, Format, Junit, Pretty, Reporter, Summary, Tap, Target, Verdict};
use super::{Case, Filter, discover, printable, update_expected};

/// What `wasmcap test` was asked to do.
#[derive(Debug, Clone)]
pub struct SuiteOptions {
    pub paths: Vec<PathBuf>,
    /// A case runs if any selects it (all run if there is none).
    pub filters: Vec<Filter>,
    pub update: bool,
    pub jobs: usize,
    pub run: RunConfig,
    /// The report on stdout.
    pub format: Format,
    /// Also write a JUnit report to this file.
    pub junit_path: Option<PathBuf>,
    /// Colour the pretty report (see [`super::report::color_wanted`]).
    pub color: bool,
    /// Start no case after this many have failed.
    pub fail_fast: Option<usize>,
    /// Run the cases in an order shuffled with this seed.
    pub shuffle: Option<u64>,
    /// Collect coverage and write `lcov.info` into this directory.
    pub coverage: Option<PathBuf>,
}

/// The most scripts without a `.out` named in the note about them.
const NAMED_WITHOUT_OUT: usize = 5;

/// Runs every case found under the options' paths and selected by the filters, in parallel
/// (in a shuffled order if asked), reporting each as it ends and the totals last. A run in which no case ran (none found, none selected, all skipped)
/// is an error after the report: a CI job that tests nothing must not pass.
pub fn run_suite(options: &SuiteOptions) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let base = std::env::current_dir()?;
    let found = discover(&options.paths)?;
    note_without_out(&found.without_out);
    let total = found.cases.len();
    let mut cases = found.cases;
    if !options.filters.is_empty() {
        cases.retain(|c| options.filters.iter().any(|f| f.selects(&c.name(&base))));
    }
    if let Some(seed) = options.shuffle {
        use rand::SeedableRng;
        use rand::seq::SliceRandom;
        cases.shuffle(&mut rand_chacha::ChaCha8Rng::seed_from_u64(seed));
    }
    let mut reporters: Vec<Box<dyn Reporter>> = match options.format {
        Format::Pretty => vec![Box::new(Pretty::new(options.color))],
        Format::Tap => vec![Box::new(Tap::default())],
        Format::Junit => vec![Box::new(Junit { target: Target::Stdout })],
    };
    if let Some(path) = &options.junit_path {
        reporters.push(Box::new(Junit { target: Target::File(path.clone()) }));
    }
    for reporter in &mut reporters {
        reporter.plan(cases.len());
    }

    // Each case's process writes its coverage profile here; the report merges them.
    let profiles = match &options.coverage {
        Some(_) => Some(tempfile::Builder::new().prefix("wasmcap-coverage-").tempdir()?),
        None => None,
    };
    let run_config = RunConfig { coverage: profiles.as_ref().map(|dir| dir.path().to_path_buf()), ..options.run.clone() };
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let state = Mutex::new((Summary::default(), Vec::<CaseReport>::new(), reporters));
    let jobs = options.jobs.max(1).min(cases.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                // `stop` is checked before taking a case, so every case taken is reported.
                while !stop.load(Ordering::SeqCst) {
                    let Some(case) = cases.get(next.fetch_add(1, Ordering::SeqCst)) else { break };
                    let case_started = Instant::now();
                    let outcome = run_case(case, &run_config);
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
                    if options.fail_fast.is_some_and(|limit| summary.failed >= limit) {
                        stop.store(true, Ordering::SeqCst);
                    }
                    for reporter in reporters.iter_mut() {
                        reporter.case(&report);
                    }
                    reports.push(report);
                }
            });
        }
    });

    let (mut summary, reports, mut reporters) = state.into_inner().unwrap_or_else(|e| e.into_inner());
    summary.not_run = cases.len() - reports.len();
    let fail_fast = options.fail_fast.filter(|_| summary.not_run > 0);
    let end = End { summary, elapsed: started.elapsed(), cases: &reports, fail_fast, shuffle: options.shuffle };
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
    if let (Some(out_dir), Some(profiles)) = (&options.coverage, &profiles) {
        let report = crate::coverage::report(profiles.path(), out_dir)?;
        let text = coverage_summary(&report, &base);
        // The machine-readable reports own stdout.
        if options.format == Format::Pretty {
            print!("{text}");
        } else {
            eprint!("{text}");
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

/// What `--coverage` prints after the report: where lcov.info is, the table, and the
/// modules left out.
fn coverage_summary(report: &crate::coverage::Report, base: &Path) -> String {
    let mut text = format!("\ncoverage ({}):\n", shown(&report.lcov));
    text.push_str(&crate::coverage::summary_table(&report.files, base));
    for why in &report.left_out {
        text.push_str(&format!("note: not in the coverage: {}\n", printable(why)));
    }
    text
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
