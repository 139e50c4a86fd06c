//! Running one case: the `wasmcap` command it becomes, its output collected with a bound
//! and a timeout, and the verdict.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use wait_timeout::ChildExt;

use super::diff::{Diff, wildcard_diff};
use super::discover::{self, read_case_file};
use super::grants::{self, SuiteGrant};
use super::settings::{PathSetting, parse_settings_for};
use super::{Case, Kind, MAX_FILE_BYTES, matches_expected, printable};

/// Everything a run of cases shares.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The `wasmcap` binary that runs each case.
    pub exe: PathBuf,
    pub timeout: Duration,
    /// The seed of every case without an `@seed` (`wasmcap test --seed`).
    pub seed: Option<u64>,
    /// `wasmcap test --allow-read`, for every case.
    pub read: SuiteGrant,
    /// `wasmcap test --allow-write`, for every case.
    pub write: SuiteGrant,
    /// `wasmcap test --allow-env`: these variables of the runner's environment reach every case.
    pub env: wasmcap_extension::EnvGrant,
    /// Where each case writes its coverage profile (`wasmcap test --coverage`).
    pub coverage: Option<PathBuf>,
}

/// Why a case failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Only the output differs (`--update` rewrites `NAME.out`).
    Output,
    /// `NAME.out` does not exist (`--update` writes it).
    NoExpected,
    /// The exit code differs (`None`: killed by a signal), and maybe the output too.
    ExitCode { actual: Option<i32>, expected: i32, output_differs: bool },
    TimedOut(Duration),
    /// It printed more than [`MAX_FILE_BYTES`] and was stopped.
    Overflowed,
}

impl Problem {
    /// Whether `--update` may fix it by writing what the case printed.
    pub fn updatable(&self) -> bool {
        matches!(self, Problem::Output | Problem::NoExpected)
    }

    /// A name for the sort of failure, for machines (JUnit's `type`).
    pub fn kind(&self) -> &'static str {
        match self {
            Problem::Output => "output",
            Problem::NoExpected => "no-out-file",
            Problem::ExitCode { .. } => "exit-code",
            Problem::TimedOut(_) => "timeout",
            Problem::Overflowed => "overflow",
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Output => write!(f, "output differs"),
            Problem::NoExpected => write!(f, "no .out file (wasmcap test --update writes it)"),
            Problem::ExitCode { actual, expected, output_differs } => {
                match actual {
                    Some(code) => write!(f, "exit code {code}, expected {expected}")?,
                    None => write!(f, "killed by a signal, expected exit code {expected}")?,
                }
                if *output_differs { write!(f, "; the output differs too") } else { Ok(()) }
            }
            Problem::TimedOut(after) => write!(f, "timed out after {:.1} s", after.as_secs_f64()),
            Problem::Overflowed => write!(f, "printed more than {} MiB (stopped)", MAX_FILE_BYTES >> 20),
        }
    }
}

/// A failed case: why, what it printed, and the diff when the output did not match.
#[derive(Debug, Clone)]
pub struct Failure {
    pub problem: Problem,
    pub actual: String,
    pub diff: Option<Diff>,
}

/// How a case ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    Passed,
    Skipped(String),
    Failed(Failure),
}

/// Runs one case and compares its output.
pub fn run_case(case: &Case, config: &RunConfig) -> anyhow::Result<Outcome> {
    let shown = printable(&case.script.display().to_string());
    let source = read_case_file(&case.script)?;
    let settings = parse_settings_for(case.kind, &source).with_context(|| format!("in {shown}"))?;
    if let Some(why) = settings.skip {
        return Ok(Outcome::Skipped(printable(&why)));
    }
    // No `NAME.out` yet: only when it was named on the command line (see discover).
    let expected = match std::fs::symlink_metadata(&case.expected) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        _ => Some(read_case_file(&case.expected)?),
    };
    let dir = discover::parent_dir(&case.script);
    let file_name = case.script.file_name().with_context(|| format!("{shown} has no file name"))?;
    if file_name.to_str().is_none() {
        bail!("{shown}: the file name is not valid UTF-8 (wasmcap runs UTF-8 paths only)");
    }

    let mut command = Command::new(&config.exe);
    command.current_dir(dir);
    let env_flag = environment(&mut command, config, &settings);
    match case.kind {
        Kind::Script => {
            command.arg("run");
        }
        Kind::Repl => {
            command.arg("repl");
        }
    }
    // A file's @seed pins its output, so it wins over the run's --seed.
    if let Some(seed) = settings.seed.or(config.seed) {
        // The runner warns once; the cases' output stays free of the warning.
        command.args(["--seed", &seed.to_string(), "--no-seed-warning"]);
    }
    let grant = |flag, suite, setting: Option<&PathSetting>| {
        grants::grant_flag(flag, suite, setting, dir, &case.root).with_context(|| format!("in {shown}"))
    };
    command.args(grant("--allow-read", &config.read, settings.allow_read.as_ref())?);
    command.args(grant("--allow-write", &config.write, settings.allow_write.as_ref())?);
    command.args(env_flag);
    if let Some(mb) = settings.max_heap_mb {
        command.args(["--max-heap", &mb.to_string()]);
    }
    if let Some(dir) = &config.coverage {
        command.arg(format!("--coverage-dir={}", dir.display()));
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
        return Ok(Outcome::Failed(Failure { problem: Problem::Overflowed, actual, diff: None }));
    }
    let output_differs = expected.as_deref().is_some_and(|expected| !matches_expected(expected, &actual));
    let problem = match status {
        None => Some(Problem::TimedOut(timeout)),
        Some(_) if exit != Some(settings.exit) => {
            Some(Problem::ExitCode { actual: exit, expected: settings.exit, output_differs })
        }
        Some(_) if expected.is_none() => Some(Problem::NoExpected),
        Some(_) if output_differs => Some(Problem::Output),
        Some(_) => None,
    };
    let Some(problem) = problem else { return Ok(Outcome::Passed) };
    let diff = match &expected {
        Some(expected) if output_differs => {
            Some(wildcard_diff(expected, &actual, &printable(&case.expected.display().to_string())))
        }
        _ => None,
    };
    Ok(Outcome::Failed(Failure { problem, actual, diff }))
}

/// The variables that locale and time formatting follow: passed on as the runner has them,
/// so that a case formats dates and numbers as a script run by hand would.
const FORMATTING_VARIABLES: &[&str] = &["LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE", "LC_MONETARY", "LC_MESSAGES", "TZ"];

/// Sets the case's environment on `command` and returns its `--allow-env` flag, if any.
///
/// A case's environment is not the runner's, which in CI holds secrets: it starts empty and
/// gets only the formatting variables, what `wasmcap test --allow-env` passes on, and what the
/// case's own `@env` sets. So a case's `@allow-env`, which is untrusted like the rest of it,
/// can grant itself only what the person running the suite let through.
fn environment(command: &mut Command, config: &RunConfig, settings: &super::Settings) -> Option<String> {
    use wasmcap_extension::EnvGrant;
    command.env_clear().env("NO_COLOR", "1");
    for name in FORMATTING_VARIABLES {
        if let Some(value) = std::env::var_os(name) {
            command.env(name, value);
        }
    }
    let mut bare = false;
    let mut names: Vec<String> = Vec::new();
    match &config.env {
        EnvGrant::Denied => {}
        EnvGrant::All => {
            command.envs(std::env::vars_os().filter(|(name, _)| name != "FORCE_COLOR" && name != "RUST_BACKTRACE"));
            bare = true;
        }
        EnvGrant::Names(list) => {
            for name in list {
                if let Some(value) = std::env::var_os(name) {
                    command.env(name, value);
                }
                names.push(name.clone());
            }
        }
    }
    for (name, value) in &settings.env {
        command.env(name, value);
        names.push(name.clone());
    }
    match &settings.allow_env {
        Some(None) => bare = true,
        Some(Some(list)) => names.extend(list.iter().cloned()),
        None => {}
    }
    names.sort();
    names.dedup();
    if bare {
        Some("--allow-env".to_string())
    } else if names.is_empty() {
        None
    } else {
        Some(format!("--allow-env={}", names.join(",")))
    }
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

