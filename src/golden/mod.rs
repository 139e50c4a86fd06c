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

mod discover;
mod expected;
mod grants;
mod settings;

pub use discover::discover;
pub use expected::{matches_expected, unified_diff, update_expected};
pub use grants::SuiteGrant;
pub use settings::{PathSetting, MAX_SETTING_LINE, MAX_TIMEOUT_SECS, Settings, parse_settings, parse_settings_for, parse_timeout, printable};

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use wait_timeout::ChildExt;

use discover::read_case_file;

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

/// How a case ended.
#[derive(Debug)]
pub enum Outcome {
    Passed,
    Skipped(String),
    /// The output or exit code differed. `actual` is what the script printed.
    Failed { actual: String, exit: Option<i32>, reason: String, diff: String },
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

/// Everything a run of cases shares.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The `wasmcap` binary that runs each case.
    pub exe: PathBuf,
    pub timeout: Duration,
    /// Overrides every case's seed (`wasmcap test --seed`).
    pub seed: Option<u64>,
    /// `wasmcap test --allow-read`, for every case.
    pub read: SuiteGrant,
    /// `wasmcap test --allow-write`, for every case.
    pub write: SuiteGrant,
}

/// Runs one case and compares its output.
pub fn run_case(case: &Case, config: &RunConfig) -> anyhow::Result<Outcome> {
    let shown = printable(&case.script.display().to_string());
    let source = read_case_file(&case.script)?;
    let settings = parse_settings_for(case.kind, &source).with_context(|| format!("in {shown}"))?;
    if let Some(why) = settings.skip {
        return Ok(Outcome::Skipped(printable(&why)));
    }
    let expected = read_case_file(&case.expected)?;
    let dir = discover::parent_dir(&case.script);
    let file_name = case.script.file_name().with_context(|| format!("{shown} has no file name"))?;
    if file_name.to_str().is_none() {
        bail!("{shown}: the file name is not valid UTF-8 (wasmcap runs UTF-8 paths only)");
    }

    let mut command = Command::new(&config.exe);
    command.current_dir(dir).env("NO_COLOR", "1").env_remove("RUST_BACKTRACE");
    match case.kind {
        Kind::Script => {
            command.arg("run");
        }
        Kind::Repl => {
            command.arg("repl");
        }
    }
    if let Some(seed) = config.seed.or(settings.seed) {
        // The runner warns once; the cases' output stays free of the warning.
        command.args(["--seed", &seed.to_string(), "--no-seed-warning"]);
    }
    let grant = |flag, suite, setting: Option<&PathSetting>| {
        grants::grant_flag(flag, suite, setting, dir, &case.root).with_context(|| format!("in {shown}"))
    };
    command.args(grant("--allow-read", &config.read, settings.allow_read.as_ref())?);
    command.args(grant("--allow-write", &config.write, settings.allow_write.as_ref())?);
    if let Some(mb) = settings.max_heap_mb {
        command.args(["--max-heap", &mb.to_string()]);
    }
    match case.kind {
        Kind::Script => {
            // `--` ends wasmcap's options and `./NAME` is never read as one: whatever the case
            // is called and whatever its @args say, they reach the script, never wasmcap.
            command.arg("--").arg(Path::new(".").join(file_name)).args(&settings.args);
            command.stdin(Stdio::null());
        }
        Kind::Repl => {
            command.stdin(Stdio::piped());
        }
    }
    // One pipe for both streams: the output interleaves exactly as the script wrote it.
    let (reader, writer) = std::io::pipe()?;
    command.stdout(writer.try_clone()?).stderr(writer);
    let mut child = command.spawn().with_context(|| format!("cannot start {}", config.exe.display()))?;
    drop(command); // closes our copies of the pipe's write end
    if let Some(mut stdin) = child.stdin.take() {
        // The transcript without its settings lines, which are for the runner.
        let transcript: String = source
            .lines()
            .skip_while(|l| l.trim_start().starts_with("// @"))
            .flat_map(|l| [l, "\n"])
            .collect();
        std::thread::spawn(move || {
            use std::io::Write;
            let _ = stdin.write_all(transcript.as_bytes());
        });
    }
    // Collects at most MAX_FILE_BYTES (+1 to notice more); past that the case is stopped.
    let overflowed = Arc::new(AtomicBool::new(false));
    let collector = {
        let overflowed = overflowed.clone();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = reader.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes);
            if bytes.len() > MAX_FILE_BYTES {
                bytes.truncate(MAX_FILE_BYTES);
                overflowed.store(true, Ordering::SeqCst);
            }
            bytes
        })
    };
    let timeout = settings.timeout.unwrap_or(config.timeout);
    let status = wait_or_stop(&mut child, timeout, &overflowed);
    let status = match status {
        Ok(status) => status,
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(anyhow!(e).context(format!("cannot wait for {shown}")));
        }
    };
    let actual = String::from_utf8_lossy(&collector.join().unwrap_or_default()).into_owned();
    let exit = status.and_then(|s| s.code());

    if overflowed.load(Ordering::SeqCst) {
        // No diff: it would be megabytes long.
        let reason = format!("printed more than {} MiB (stopped)", MAX_FILE_BYTES >> 20);
        return Ok(Outcome::Failed { actual, exit, reason, diff: String::new() });
    }
    let reason = match status {
        None => Some(format!("timed out after {:.1} s", timeout.as_secs_f64())),
        Some(_) if exit != Some(settings.exit) => Some(format!(
            "exit code {} (expected {})",
            exit.map_or_else(|| "none (killed by a signal)".to_string(), |c| c.to_string()),
            settings.exit
        )),
        Some(_) if !matches_expected(&expected, &actual) => Some("output differs".to_string()),
        Some(_) => None,
    };
    Ok(match reason {
        None => Outcome::Passed,
        Some(reason) => Outcome::Failed { diff: unified_diff(&expected, &actual, case), actual, exit, reason },
    })
}

/// Waits for the case until it exits (its status), or stops it when the timeout passes or its
/// output overflows (`None`).
fn wait_or_stop(
    child: &mut std::process::Child,
    timeout: Duration,
    overflowed: &AtomicBool,
) -> std::io::Result<Option<std::process::ExitStatus>> {
    let deadline = Instant::now() + timeout;
    loop {
        let now = Instant::now();
        if now >= deadline || overflowed.load(Ordering::SeqCst) {
            let _ = child.kill();
            child.wait()?;
            return Ok(None);
        }
        // Short slices, so an overflowing case is stopped promptly.
        if let Some(status) = child.wait_timeout((deadline - now).min(Duration::from_millis(100)))? {
            return Ok(Some(status));
        }
    }
}

/// What `wasmcap test` was asked to do.
#[derive(Debug, Clone)]
pub struct SuiteOptions {
    pub paths: Vec<PathBuf>,
    /// Plain text (not a pattern) that a case's name must contain.
    pub filter: Option<String>,
    pub update: bool,
    pub jobs: usize,
    pub run: RunConfig,
}

/// Totals of a suite run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} passed, {} failed", self.passed, self.failed)?;
        if self.skipped > 0 {
            write!(f, ", {} skipped", self.skipped)?;
        }
        Ok(())
    }
}

/// Prints a line of the report; a closed stdout (`wasmcap test | head`) is not an error.
macro_rules! report {
    ($($arg:tt)*) => {{
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// Runs every case found under the options' paths, in parallel, printing one line per case
/// (with a diff for each failure) and the summary line last.
pub fn run_suite(options: &SuiteOptions) -> anyhow::Result<Summary> {
    let base = std::env::current_dir()?;
    let mut cases = discover(&options.paths)?;
    if let Some(filter) = &options.filter {
        cases.retain(|c| c.name(&base).contains(filter.as_str()));
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let summary = std::sync::Mutex::new(Summary::default());
    let print_lock = std::sync::Mutex::new(());
    let jobs = options.jobs.max(1).min(cases.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(case) = cases.get(i) else { break };
                    let started = Instant::now();
                    let outcome = run_case(case, &options.run);
                    let elapsed = started.elapsed().as_millis();
                    let name = case.name(&base);
                    let _guard = print_lock.lock().unwrap();
                    let mut totals = summary.lock().unwrap();
                    match outcome {
                        Ok(Outcome::Passed) => {
                            totals.passed += 1;
                            report!("ok      {name} ({elapsed} ms)");
                        }
                        Ok(Outcome::Skipped(why)) => {
                            totals.skipped += 1;
                            report!("skipped {name}: {why}");
                        }
                        Ok(Outcome::Failed { actual, reason, diff, .. }) => {
                            if options.update && reason == "output differs" {
                                let expected = printable(&case.expected.display().to_string());
                                match update_expected(case, &actual) {
                                    Ok(()) => {
                                        totals.passed += 1;
                                        report!("updated {name}: wrote {expected}");
                                    }
                                    Err(e) => {
                                        totals.failed += 1;
                                        report!("FAILED  {name}: cannot update {expected}: {e}");
                                    }
                                }
                            } else {
                                totals.failed += 1;
                                report!("FAILED  {name}: {reason}\n{diff}");
                            }
                        }
                        Err(e) => {
                            totals.failed += 1;
                            report!("FAILED  {name}: {}", printable(&format!("{e:#}")));
                        }
                    }
                }
            });
        }
    });
    let summary = summary.into_inner().unwrap();
    report!("{summary}");
    Ok(summary)
}

