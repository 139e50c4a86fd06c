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
//! // @exit: 1            expected exit code (default 0)
//! // @args: one two      arguments for process.argv (split on whitespace)
//! // @seed: 42           deterministic CSPRNG (insecure; for pinning AEAD output)
//! // @timeout: 5         seconds (default: the run's --timeout, 30)
//! // @skip: why          do not run; counted as skipped
//! ```
//!
//! In `.out` files `[WILDCARD]` matches any text, newlines included, and `[WILDLINE]` the
//! rest of a line.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use wait_timeout::ChildExt;

/// One golden case: a script (or REPL transcript) and its expected output.
#[derive(Debug, Clone)]
pub struct Case {
    pub script: PathBuf,
    pub expected: PathBuf,
    pub kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `wasmcap run NAME.js`
    Script,
    /// `wasmcap repl < NAME.repl`
    Repl,
}

/// The settings a case declares in its leading comment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    pub exit: i32,
    pub args: Vec<String>,
    pub seed: Option<u64>,
    pub timeout: Option<Duration>,
    pub skip: Option<String>,
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
    /// The case's name: its script path without the extension, relative to `base`.
    pub fn name(&self, base: &Path) -> String {
        let stem = self.script.with_extension("");
        let relative = stem.strip_prefix(base).or_else(|_| stem.strip_prefix(".")).unwrap_or(&stem);
        relative.display().to_string()
    }
}

/// Finds every `NAME.js` / `NAME.repl` with a `NAME.out` beside it under `paths` (files or
/// directories, searched recursively; hidden directories, `node_modules` and `target` skipped),
/// sorted by path.
pub fn discover(paths: &[PathBuf]) -> anyhow::Result<Vec<Case>> {
    let mut cases = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut cases).with_context(|| format!("cannot read {}", path.display()))?;
        } else if let Some(case) = case_for(path) {
            cases.push(case);
        } else if path.exists() {
            bail!("{} is not a golden test: it needs to be NAME.js or NAME.repl with NAME.out beside it", path.display());
        } else {
            bail!("no such file or directory: {}", path.display());
        }
    }
    cases.sort_by(|a, b| a.script.cmp(&b.script));
    cases.dedup_by(|a, b| a.script == b.script);
    Ok(cases)
}

fn walk(dir: &Path, cases: &mut Vec<Case>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !name.starts_with('.') && name != "node_modules" && name != "target" {
                walk(&path, cases)?;
            }
        } else if let Some(case) = case_for(&path) {
            cases.push(case);
        }
    }
    Ok(())
}

fn case_for(path: &Path) -> Option<Case> {
    let kind = match path.extension()?.to_str()? {
        "js" => Kind::Script,
        "repl" => Kind::Repl,
        _ => return None,
    };
    let expected = path.with_extension("out");
    expected.is_file().then(|| Case { script: path.to_path_buf(), expected, kind })
}

/// Reads the `// @key: value` lines at the top of a script.
pub fn parse_settings(source: &str) -> anyhow::Result<Settings> {
    let mut settings = Settings::default();
    for (number, line) in source.lines().enumerate() {
        let Some(rest) = line.trim().strip_prefix("//") else { break };
        let Some(setting) = rest.trim().strip_prefix('@') else { continue };
        let (key, value) = setting.split_once(':').unwrap_or((setting, ""));
        let value = value.trim();
        let bad = |what: &str| anyhow::anyhow!("line {}: @{key} needs {what}, got '{value}'", number + 1);
        match key.trim() {
            "exit" => settings.exit = value.parse().map_err(|_| bad("an integer exit code"))?,
            "args" => settings.args = value.split_whitespace().map(String::from).collect(),
            "seed" => settings.seed = Some(value.parse().map_err(|_| bad("an unsigned integer"))?),
            "timeout" => {
                let secs: f64 = value.parse().map_err(|_| bad("a number of seconds"))?;
                settings.timeout = Some(Duration::from_secs_f64(secs));
            }
            "skip" => settings.skip = Some(if value.is_empty() { "skipped".into() } else { value.into() }),
            other => bail!("line {}: unknown setting @{other} (known: @exit, @args, @seed, @timeout, @skip)", number + 1),
        }
    }
    Ok(settings)
}

/// Everything a run of cases shares.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The `wasmcap` binary that runs each case.
    pub exe: PathBuf,
    pub timeout: Duration,
    /// Overrides every case's seed (`wasmcap test --seed`).
    pub seed: Option<u64>,
}

/// Runs one case and compares its output.
pub fn run_case(case: &Case, config: &RunConfig) -> anyhow::Result<Outcome> {
    let source = std::fs::read_to_string(&case.script)
        .with_context(|| format!("cannot read {}", case.script.display()))?;
    let settings = parse_settings(&source).with_context(|| format!("in {}", case.script.display()))?;
    if let Some(why) = settings.skip {
        return Ok(Outcome::Skipped(why));
    }
    let expected = std::fs::read_to_string(&case.expected)
        .with_context(|| format!("cannot read {}", case.expected.display()))?;
    let dir = case.script.parent().context("script has no directory")?;
    let file_name = case.script.file_name().context("script has no name")?;

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
    match case.kind {
        Kind::Script => {
            command.arg(file_name).args(&settings.args);
            command.stdin(Stdio::null());
        }
        Kind::Repl => {
            command.stdin(Stdio::piped());
        }
    }
    // One pipe for both streams: the output interleaves exactly as the script wrote it.
    let (mut reader, writer) = std::io::pipe()?;
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
    let collector = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = reader.read_to_end(&mut bytes);
        bytes
    });
    let timeout = settings.timeout.unwrap_or(config.timeout);
    let status = match child.wait_timeout(timeout)? {
        Some(status) => Some(status),
        None => {
            let _ = child.kill();
            let _ = child.wait();
            None
        }
    };
    let actual = String::from_utf8_lossy(&collector.join().unwrap_or_default()).into_owned();
    let exit = status.and_then(|s| s.code());

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

/// Whether `actual` matches the `expected` pattern with its wildcards.
pub fn matches_expected(expected: &str, actual: &str) -> bool {
    if !expected.contains("[WILDCARD]") && !expected.contains("[WILDLINE]") {
        return expected == actual;
    }
    let mut pattern = String::from("^");
    for (i, wild_split) in expected.split("[WILDCARD]").enumerate() {
        if i > 0 {
            pattern.push_str("(?s:.*?)");
        }
        for (j, literal) in wild_split.split("[WILDLINE]").enumerate() {
            if j > 0 {
                pattern.push_str("[^\n]*");
            }
            pattern.push_str(&regex::escape(literal));
        }
    }
    pattern.push('$');
    regex::Regex::new(&pattern).is_ok_and(|re| re.is_match(actual))
}

/// A unified diff of expected and actual output, coloured unless NO_COLOR is set or stdout
/// is not a terminal.
pub fn unified_diff(expected: &str, actual: &str, case: &Case) -> String {
    use std::io::IsTerminal;
    let color = std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal();
    let diff = similar::TextDiff::from_lines(expected, actual);
    let expected_name = case.expected.display().to_string();
    let text = diff.unified_diff().context_radius(3).header(&expected_name, "actual output").to_string();
    if !color {
        return text;
    }
    text.lines()
        .map(|line| match line.as_bytes().first() {
            Some(b'-') => format!("\x1b[31m{line}\x1b[0m\n"),
            Some(b'+') => format!("\x1b[32m{line}\x1b[0m\n"),
            Some(b'@') => format!("\x1b[36m{line}\x1b[0m\n"),
            _ => format!("{line}\n"),
        })
        .collect()
}

/// What `wasmcap test` was asked to do.
#[derive(Debug, Clone)]
pub struct SuiteOptions {
    pub paths: Vec<PathBuf>,
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
                            println!("ok      {name} ({elapsed} ms)");
                        }
                        Ok(Outcome::Skipped(why)) => {
                            totals.skipped += 1;
                            println!("skipped {name}: {why}");
                        }
                        Ok(Outcome::Failed { actual, reason, diff, .. }) => {
                            if options.update && reason == "output differs" {
                                match std::fs::write(&case.expected, &actual) {
                                    Ok(()) => {
                                        totals.passed += 1;
                                        println!("updated {name}: wrote {}", case.expected.display());
                                    }
                                    Err(e) => {
                                        totals.failed += 1;
                                        println!("FAILED  {name}: cannot update {}: {e}", case.expected.display());
                                    }
                                }
                            } else {
                                totals.failed += 1;
                                println!("FAILED  {name}: {reason}\n{diff}");
                            }
                        }
                        Err(e) => {
                            totals.failed += 1;
                            println!("FAILED  {name}: {e:#}");
                        }
                    }
                }
            });
        }
    });
    let summary = summary.into_inner().unwrap();
    println!("{summary}");
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_text_and_lines() {
        assert!(matches_expected("a\n[WILDCARD]\nz\n", "a\nb\nc\nz\n"));
        assert!(matches_expected("took [WILDLINE]\ndone\n", "took 12 ms\ndone\n"));
        assert!(!matches_expected("took [WILDLINE]\ndone\n", "took 12\nms\ndone\n"));
        assert!(matches_expected("x.y\n", "x.y\n"));
        assert!(!matches_expected("x.y[WILDLINE]\n", "xzy\n"), "literal parts are not regexes");
        assert!(!matches_expected("a\n", "a\n\n"));
    }

    #[test]
    fn settings_are_read_from_the_leading_comment_only() {
        let s = parse_settings("// @exit: 1\n// @args: a b\n// plain comment\n// @seed: 7\ncode();\n// @exit: 9\n").unwrap();
        assert_eq!(s, Settings { exit: 1, args: vec!["a".into(), "b".into()], seed: Some(7), ..Default::default() });
        let err = parse_settings("// @exit: one\n").unwrap_err().to_string();
        assert_eq!(err, "line 1: @exit needs an integer exit code, got 'one'");
        assert!(parse_settings("// @colour: red\n").unwrap_err().to_string().contains("unknown setting @colour"));
    }
}
