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
//! ```
//!
//! In `.out` files `[WILDCARD]` matches any text, newlines included, and `[WILDLINE]` the
//! rest of a line.
//!
//! Test files are untrusted input (someone else's repository): nothing in a case can become a
//! `wasmcap` flag (the command is `wasmcap run [--seed N] -- ./NAME.js ARGS...`, settings only
//! ever land in ARGS), the case gets no file grants, case and `.out` files must be regular
//! files (no symbolic links, FIFOs or devices; read with a size bound), `--update` replaces
//! `NAME.out` by renaming a new file over it (never writing through a link), discovery does not
//! follow directory symlinks and visits each directory once, and every bad setting or file is
//! a per-case failure that names the file, line and setting.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use wait_timeout::ChildExt;

/// The largest case file, `.out` file and case output the runner handles (16 MiB): a case
/// printing forever fails as soon as it passes this, instead of filling the runner's memory.
pub const MAX_FILE_BYTES: usize = 16 << 20;

/// The longest `// @setting` line (bytes).
pub const MAX_SETTING_LINE: usize = 4096;

/// The longest timeout a case or `wasmcap test --timeout` may ask for: a day.
pub const MAX_TIMEOUT_SECS: f64 = 86_400.0;

/// What a valid timeout is, for error messages.
const TIMEOUT_RULE: &str = "a number of seconds greater than 0 and at most 86400 (a day)";

/// A per-case or suite timeout from text: finite, positive, not rounding to zero, at most a day.
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    let secs: f64 = text.trim().parse().map_err(|_| format!("expected {TIMEOUT_RULE}"))?;
    match Duration::try_from_secs_f64(secs) {
        Ok(duration) if secs <= MAX_TIMEOUT_SECS && !duration.is_zero() => Ok(duration),
        _ => Err(format!("expected {TIMEOUT_RULE}")),
    }
}

/// `text` with control characters (but tab) and bidirectional-override characters escaped,
/// so that a file name or a message cannot forge or hide lines of the runner's report.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if is_unprintable(c) { c.escape_default().to_string() } else { c.to_string() })
        .collect()
}

fn is_unprintable(c: char) -> bool {
    (c.is_control() && c != '\t') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// At most 80 characters of `text`, for echoing a bad value in an error.
fn shortened(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_string(),
    }
}

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
    /// The case's name: its script path without the extension, relative to `base`, with
    /// control characters escaped.
    pub fn name(&self, base: &Path) -> String {
        let stem = self.script.with_extension("");
        let relative = stem.strip_prefix(base).or_else(|_| stem.strip_prefix(".")).unwrap_or(&stem);
        printable(&relative.display().to_string())
    }
}

/// Finds every `NAME.js` / `NAME.repl` with a `NAME.out` beside it under `paths` (files or
/// directories, searched recursively; hidden directories, `node_modules` and `target` skipped),
/// sorted by path.
///
/// Symbolic links to directories are not followed (only a path given here may be one), and
/// each real directory (device and inode) is read once, so link loops and overlapping paths
/// cannot multiply the walk. The walk keeps its own stack: depth costs no recursion. A
/// directory that cannot be read is an error naming it.
pub fn discover(paths: &[PathBuf]) -> anyhow::Result<Vec<Case>> {
    let mut cases = Vec::new();
    let mut visited = HashSet::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => walk(path, &mut visited, &mut cases)?,
            Ok(_) => match case_for(path) {
                Some(case) => cases.push(case),
                None => bail!(
                    "{} is not a golden test: it needs to be NAME.js or NAME.repl with NAME.out beside it",
                    printable(&path.display().to_string())
                ),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                bail!("no such file or directory: {}", printable(&path.display().to_string()))
            }
            Err(e) => bail!("cannot read {}: {e}", printable(&path.display().to_string())),
        }
    }
    cases.sort_by(|a, b| a.script.cmp(&b.script));
    cases.dedup_by(|a, b| a.script == b.script);
    Ok(cases)
}

fn walk(root: &Path, visited: &mut HashSet<(u64, u64)>, cases: &mut Vec<Case>) -> anyhow::Result<()> {
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let cannot_read = || format!("cannot read directory {}", printable(&dir.display().to_string()));
        if !visited.insert(directory_id(&dir).with_context(cannot_read)?) {
            continue;
        }
        for entry in std::fs::read_dir(&dir).with_context(cannot_read)? {
            let entry = entry.with_context(cannot_read)?;
            // The entry's own type: a symlink is never a directory here.
            let is_dir = entry.file_type().with_context(cannot_read)?.is_dir();
            let path = entry.path();
            if is_dir {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                if !name.starts_with('.') && name != "node_modules" && name != "target" {
                    pending.push(path);
                }
            } else if let Some(case) = case_for(&path) {
                cases.push(case);
            }
        }
    }
    Ok(())
}

#[cfg(unix)]
fn directory_id(dir: &Path) -> std::io::Result<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let metadata = std::fs::metadata(dir)?;
    Ok((metadata.dev(), metadata.ino()))
}

#[cfg(not(unix))]
fn directory_id(dir: &Path) -> std::io::Result<(u64, u64)> {
    // Without inode numbers, the canonical path stands in (symlinks are not followed anyway).
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    dir.canonicalize()?.hash(&mut hasher);
    Ok((0, hasher.finish()))
}

/// A case for `path` if it is named like a script and something is at `NAME.out`. Whether
/// both are regular files is checked when the case runs, so that a symlink, FIFO or directory
/// in their place is reported as a failing case rather than silently skipped.
fn case_for(path: &Path) -> Option<Case> {
    let kind = match path.extension()?.to_str()? {
        "js" => Kind::Script,
        "repl" => Kind::Repl,
        _ => return None,
    };
    let expected = path.with_extension("out");
    std::fs::symlink_metadata(&expected).is_ok().then(|| Case { script: path.to_path_buf(), expected, kind })
}

/// Reads the `// @key: value` lines at the top of a script.
pub fn parse_settings(source: &str) -> anyhow::Result<Settings> {
    parse_settings_for(Kind::Script, source)
}

/// Reads the `// @key: value` lines at the top of a case of `kind`. Each error names the line
/// and the setting; the caller adds the file.
pub fn parse_settings_for(kind: Kind, source: &str) -> anyhow::Result<Settings> {
    let mut settings = Settings::default();
    let mut first_seen: Vec<(String, usize)> = Vec::new();
    for (index, line) in source.lines().enumerate() {
        let number = index + 1;
        let Some(rest) = line.trim().strip_prefix("//") else { break };
        let Some(setting) = rest.trim().strip_prefix('@') else { continue };
        if line.len() > MAX_SETTING_LINE {
            bail!("line {number}: a setting line may be at most {MAX_SETTING_LINE} bytes, this one is {}", line.len());
        }
        if let Some(c) = setting.chars().find(|&c| is_unprintable(c)) {
            bail!("line {number}: settings may not contain control characters, found U+{:04X}", c as u32);
        }
        let (key, value) = setting.split_once(':').unwrap_or((setting, ""));
        let (key, value) = (key.trim(), value.trim());
        let bad = |what: &str| anyhow!("line {number}: @{key} needs {what}, got '{}'", shortened(value));
        if let Some((_, first)) = first_seen.iter().find(|(seen, _)| seen == key) {
            bail!("line {number}: @{} is set twice (first on line {first})", shortened(key));
        }
        first_seen.push((key.to_string(), number));
        match key {
            "exit" => {
                settings.exit = match value.parse::<u8>() {
                    Ok(code) => code.into(),
                    Err(_) if is_integer(value) => return Err(bad("an exit code from 0 to 255")),
                    Err(_) => return Err(bad("an integer exit code")),
                }
            }
            "args" if kind == Kind::Repl => {
                bail!("line {number}: @args applies only to NAME.js cases (a REPL transcript takes no arguments)")
            }
            "args" => settings.args = value.split_whitespace().map(String::from).collect(),
            "seed" => settings.seed = Some(value.parse().map_err(|_| bad("an unsigned integer"))?),
            "timeout" => settings.timeout = Some(parse_timeout(value).map_err(|_| bad(TIMEOUT_RULE))?),
            "skip" => settings.skip = Some(if value.is_empty() { "skipped".into() } else { value.into() }),
            other => bail!(
                "line {number}: unknown setting @{} (known: @exit, @args, @seed, @timeout, @skip)",
                shortened(other)
            ),
        }
    }
    Ok(settings)
}

fn is_integer(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A case or `.out` file's text: a regular file (no link, FIFO or device), at most
/// [`MAX_FILE_BYTES`], UTF-8.
fn read_case_file(path: &Path) -> anyhow::Result<String> {
    let shown = || printable(&path.display().to_string());
    let bytes = crate::plain_file::read(path, MAX_FILE_BYTES).map_err(|e| anyhow!("cannot read {}: {e}", shown()))?;
    String::from_utf8(bytes).map_err(|e| {
        anyhow!("cannot read {}: it is not UTF-8 text (invalid byte at offset {})", shown(), e.utf8_error().valid_up_to())
    })
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
    let shown = printable(&case.script.display().to_string());
    let source = read_case_file(&case.script)?;
    let settings = parse_settings_for(case.kind, &source).with_context(|| format!("in {shown}"))?;
    if let Some(why) = settings.skip {
        return Ok(Outcome::Skipped(printable(&why)));
    }
    let expected = read_case_file(&case.expected)?;
    // `NAME.js` given as a bare name has an empty parent: the current directory.
    let dir = match case.script.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
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

/// Rewrites `case`'s expected output with `actual`: a new file in the same directory renamed
/// over `NAME.out`, so a symlink put there is replaced, never written through, and a reader
/// sees the old or the new file, never half of one. The old file's permissions are kept.
pub fn update_expected(case: &Case, actual: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match case.expected.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".wasmcap-update-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::symlink_metadata(&case.expected)
            .ok()
            .filter(|m| m.file_type().is_file())
            .map_or(0o644, |m| m.permissions().mode() & 0o777);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let mut file = builder.tempfile_in(dir)?;
    file.write_all(actual.as_bytes())?;
    file.as_file().sync_all()?;
    file.persist(&case.expected).map_err(|e| e.error)?;
    Ok(())
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
    let expected_name = printable(&case.expected.display().to_string());
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

    #[test]
    fn timeouts_are_checked_not_converted_blindly() {
        assert_eq!(parse_timeout("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_timeout(" 86400 "), Ok(Duration::from_secs(86_400)));
        for bad in ["", "0", "-0", "-1", "1e-300", "86400.5", "1e20", "1e30", "nan", "inf", "-inf", "1s"] {
            assert!(parse_timeout(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn names_cannot_forge_report_lines() {
        assert_eq!(printable("a\nok      b\r\u{1b}[2J\u{202E}\tü"), "a\\nok      b\\r\\u{1b}[2J\\u{202e}\tü");
        let err = parse_settings_for(Kind::Repl, "// @args: x\n").unwrap_err().to_string();
        assert_eq!(err, "line 1: @args applies only to NAME.js cases (a REPL transcript takes no arguments)");
    }
}
