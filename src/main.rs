//! The `wasmcap` command line: a thin layer over the library.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use wasmcap::{Options, Script};

#[derive(Parser)]
#[command(name = "wasmcap", version, about = "Run JavaScript extension scripts with WebAssembly capabilities (Monocypher, Two Sum) in V8")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(clap::Args, Default)]
struct RunFlags {
    /// Make the CSPRNG a deterministic ChaCha20 DRBG seeded with N. INSECURE: for tests only.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Used by `wasmcap test`, which warns about --seed once for the whole run.
    #[arg(long, hide = true)]
    no_seed_warning: bool,
    /// Let wasmcap:fs read files (all, or a comma-separated list of files and directories).
    #[arg(long, value_name = "PATHS", num_args = 0..=1, require_equals = true)]
    allow_read: Option<Option<String>>,
    /// Let wasmcap:fs write files (all, or a comma-separated list of files and directories).
    #[arg(long, value_name = "PATHS", num_args = 0..=1, require_equals = true)]
    allow_write: Option<Option<String>>,
    /// Let process.env show environment variables (all, or a comma-separated list of names).
    #[arg(long, value_name = "NAMES", num_args = 0..=1, require_equals = true, value_parser = parse_env_names)]
    allow_env: Option<Option<String>>,
    /// V8 heap limit in MB; reaching it stops the script with an "out of memory" error.
    #[arg(long, value_name = "MB", value_parser = clap::value_parser!(u32).range(8..))]
    max_heap: Option<u32>,
    /// Stop the script after SECONDS (exit code 124); in the REPL, each evaluation.
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds, allow_hyphen_values = true)]
    timeout: Option<Duration>,
    /// Cap on each guest's linear memory in MB.
    #[arg(long, value_name = "MB", value_parser = clap::value_parser!(u32).range(1..=4096))]
    max_guest_mb: Option<u32>,
    /// Used by `wasmcap test --coverage`: write this run's coverage profile into DIR.
    #[arg(long, value_name = "DIR", hide = true)]
    coverage_dir: Option<PathBuf>,
}

impl RunFlags {
    /// Runtime options from the flags, for a runtime that owns this process.
    fn options(&self, cwd: &std::path::Path) -> Options {
        let grant = |flag: &Option<Option<String>>| match flag {
            None => wasmcap::Grant::Denied,
            Some(list) => wasmcap::Grant::from_flag(list.as_deref(), cwd),
        };
        Options {
            seed: self.seed,
            permissions: wasmcap::Permissions { read: grant(&self.allow_read), write: grant(&self.allow_write) },
            max_heap_mb: self.max_heap.map(|mb| mb as usize),
            timeout: self.timeout,
            owns_process: true,
            env: env_grant(&self.allow_env),
            coverage: self.coverage_dir.clone(),
            ..Default::default()
        }
    }

    /// The process-wide settings among the flags (V8 takes the guest memory cap as a flag
    /// for the whole process): applied once, by `main`, before the first runtime.
    fn apply_process_wide(&self) {
        if let Some(mb) = self.max_guest_mb {
            wasmcap::set_max_guest_memory_mb(mb as usize);
        }
    }
}

/// The longest `--timeout` (about 136 years): past it a deadline cannot be represented.
const MAX_TIMEOUT_SECS: f64 = u32::MAX as f64;

fn parse_env_names(text: &str) -> Result<String, String> {
    wasmcap::extension::EnvGrant::from_flag(Some(text)).map(|_| text.to_string())
}

/// The grant an `--allow-env[=NAMES]` flag (`run`'s or `test`'s) gives.
fn env_grant(flag: &Option<Option<String>>) -> wasmcap::extension::EnvGrant {
    match flag {
        None => wasmcap::extension::EnvGrant::Denied,
        // Checked by parse_env_names when the flag was read.
        Some(names) => wasmcap::extension::EnvGrant::from_flag(names.as_deref()).unwrap_or_default(),
    }
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs <= MAX_TIMEOUT_SECS => {
            Duration::try_from_secs_f64(secs).map_err(|e| format!("'{text}' is not a usable number of seconds: {e}"))
        }
        Ok(secs) if secs > MAX_TIMEOUT_SECS => {
            Err(format!("'{text}' seconds is too long: the most is {MAX_TIMEOUT_SECS}"))
        }
        _ => Err(format!("expected a positive number of seconds, got '{text}'")),
    }
}

impl Command {
    /// The flags of a command that makes a runtime in this process.
    fn run_flags(&self) -> Option<&RunFlags> {
        match self {
            Command::Run { flags, .. } | Command::Repl { flags } | Command::Eval { flags, .. } => Some(flags),
            Command::Test { .. } => None,
        }
    }
}

/// `wasmcap test`'s flags; [`TestArgs::options`] turns them into the golden runner's options.
#[derive(clap::Args)]
struct TestArgs {
    /// Files or directories to search (default: the current directory).
    paths: Vec<PathBuf>,
    /// Rewrite the .out files of cases whose output differs (and write a missing one for a
    /// NAME.js named here).
    #[arg(long)]
    update: bool,
    /// Run only cases whose name contains TEXT, or matches /REGEX/; repeatable (any selects).
    #[arg(long, value_name = "TEXT", value_parser = wasmcap::golden::Filter::parse)]
    filter: Vec<wasmcap::golden::Filter>,
    /// Cases run at once, 1 to 1024 (default: the number of cores).
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    jobs: Option<u16>,
    /// Seconds before a case is stopped and failed (more than 0, at most 86400).
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = wasmcap::golden::parse_timeout)]
    timeout: Duration,
    /// Deterministic CSPRNG for every case without an @seed. INSECURE: for tests only.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Let every case read files (all, or a comma-separated list, relative to here).
    #[arg(long, value_name = "PATHS", num_args = 0..=1, require_equals = true)]
    allow_read: Option<Option<String>>,
    /// Let every case write files (all, or a comma-separated list, relative to here).
    #[arg(long, value_name = "PATHS", num_args = 0..=1, require_equals = true)]
    allow_write: Option<Option<String>>,
    /// Pass these environment variables (all, or a comma-separated list of names) on to every
    /// case and let it read them; a case otherwise sees only what its @env sets.
    #[arg(long, value_name = "NAMES", num_args = 0..=1, require_equals = true, value_parser = parse_env_names)]
    allow_env: Option<Option<String>>,
    /// Collect the code coverage of the modules the cases run and write DIR/lcov.info (default
    /// DIR: coverage), with a summary after the report.
    #[arg(long, value_name = "DIR", num_args = 0..=1, require_equals = true, default_missing_value = "coverage",
          conflicts_with = "watch")]
    coverage: Option<PathBuf>,
    /// The report on stdout: pretty, tap (TAP 13) or junit (JUnit XML).
    #[arg(long, value_name = "FORMAT", default_value = "pretty")]
    reporter: wasmcap::golden::Format,
    /// Also write a JUnit XML report to PATH.
    #[arg(long, value_name = "PATH")]
    junit_path: Option<PathBuf>,
    /// Start no case after N failures (default 1).
    #[arg(long, value_name = "N", num_args = 0..=1, require_equals = true, default_missing_value = "1",
          value_parser = parse_failures)]
    fail_fast: Option<usize>,
    /// Run the cases in a random order (printed), or the one SEED gives.
    #[arg(long, value_name = "SEED", num_args = 0..=1, require_equals = true)]
    shuffle: Option<Option<u64>>,
    /// After the run, watch the paths and re-run the cases a change affects (a case, its .out,
    /// or a module it may import) until interrupted.
    #[arg(long)]
    watch: bool,
}

fn parse_failures(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err("expected a number of failures, 1 or more".into()),
    }
}

impl TestArgs {
    fn options(self) -> anyhow::Result<wasmcap::golden::SuiteOptions> {
        use wasmcap::golden::SuiteGrant;
        let cwd = std::env::current_dir()?;
        let grant = |flag, value: Option<Option<String>>| match value {
            None => Ok(SuiteGrant::None),
            Some(list) => SuiteGrant::from_flag(flag, list.as_deref(), &cwd),
        };
        let run = wasmcap::golden::RunConfig {
            exe: std::env::current_exe()?,
            timeout: self.timeout,
            seed: self.seed,
            read: grant("--allow-read", self.allow_read)?,
            write: grant("--allow-write", self.allow_write)?,
            env: env_grant(&self.allow_env),
            coverage: None,
        };
        // A shuffle without a seed gets a fresh one, printed so that the order can be repeated.
        let shuffle = match self.shuffle {
            Some(None) => Some(getrandom::u64().map_err(|e| anyhow::anyhow!("--shuffle: no random seed: {e}"))?),
            Some(Some(seed)) => Some(seed),
            None => None,
        };
        Ok(wasmcap::golden::SuiteOptions {
            paths: if self.paths.is_empty() { vec![PathBuf::from(".")] } else { self.paths },
            filters: self.filter,
            update: self.update,
            jobs: self.jobs.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), usize::from),
            run,
            format: self.reporter,
            junit_path: self.junit_path,
            color: wasmcap::golden::color_wanted(std::io::stdout().is_terminal()),
            fail_fast: self.fail_fast,
            shuffle,
            coverage: self.coverage,
        })
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run an ES module (`-` reads it from stdin). Everything after FILE goes to the script
    /// (process.argv), flags included, as in Node and Deno; wasmcap's flags come before FILE.
    /// A FILE that starts with `-` follows `--`.
    Run {
        #[command(flatten)]
        flags: RunFlags,
        /// The script (or `-` for stdin), then the script's arguments.
        #[arg(value_name = "FILE [ARGS]", required = true, num_args = 1.., trailing_var_arg = true)]
        script_and_args: Vec<String>,
    },
    /// Start an interactive REPL (also what plain `wasmcap` does on a terminal).
    Repl {
        #[command(flatten)]
        flags: RunFlags,
    },
    /// Run golden-output tests: every NAME.js (or NAME.repl) with a NAME.out beside it.
    Test(TestArgs),
    /// Evaluate a snippet and print its value as console.log would (like `node -p`).
    Eval {
        #[command(flatten)]
        flags: RunFlags,
        #[arg(allow_hyphen_values = true)]
        code: String,
    },
}

fn main() -> ExitCode {
    report_panics_as_bugs();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            // One line that names the problem; the full usage is one `--help` away.
            let rendered = e.to_string();
            let first = rendered.lines().next().unwrap_or("invalid usage").trim_start_matches("error: ");
            eprintln!("error: {first} (see 'wasmcap --help')");
            return ExitCode::from(2);
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    if let Some(flags) = cli.command.as_ref().and_then(Command::run_flags) {
        flags.apply_process_wide();
    }
    let result = match cli.command {
        Some(Command::Run { flags, script_and_args }) => {
            let mut script_and_args = script_and_args.into_iter();
            let file = script_and_args.next().unwrap_or_default();
            run(flags, &file, script_and_args.collect())
        }
        Some(Command::Eval { flags, code }) => eval(flags, code),
        Some(Command::Repl { flags }) => repl(flags),
        Some(Command::Test(args)) => test(args),
        None if std::io::stdin().is_terminal() => repl(RunFlags::default()),
        None => {
            eprintln!("error: no command given (try 'wasmcap run FILE', 'wasmcap repl' or see 'wasmcap --help')");
            Ok(2)
        }
    };
    match result {
        // As in Node, the code is taken modulo 256 (`process.exit(256)` exits 0): all an exit
        // status can hold.
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "{}", wasmcap::runtime::report(&e, wasmcap::runtime::stderr_color()));
            ExitCode::from(e.downcast_ref::<wasmcap::Stopped>().map_or(1, |s| s.exit_code() as u8))
        }
    }
}

/// A panic is a bug in wasmcap, whatever the script did: say so in one line and exit 70
/// (EX_SOFTWARE) instead of printing a backtrace or aborting.
fn report_panics_as_bugs() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string());
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        let what = what.replace('\n', " ");
        let _ = writeln!(
            std::io::stderr(),
            "wasmcap: internal error (a bug in wasmcap, please report it): {what}{at}"
        );
        std::process::exit(70);
    }));
}

fn warn_if_seeded(flags: &RunFlags) {
    if let (Some(seed), false) = (flags.seed, flags.no_seed_warning) {
        seed_warning(seed);
    }
}

fn seed_warning(seed: u64) {
    eprintln!("warning: --seed {seed}: the CSPRNG is deterministic; keys and nonces are NOT secret (tests only)");
}

fn test(args: TestArgs) -> anyhow::Result<i32> {
    if let Some(seed) = args.seed {
        seed_warning(seed);
    }
    if args.watch {
        let clear = std::io::stdout().is_terminal();
        return match args.options().and_then(|options| wasmcap::golden::watch_suite(&options, clear)) {
            Ok(()) => Ok(0),
            Err(e) => {
                eprintln!("error: {e:#}");
                Ok(2)
            }
        };
    }
    // Setup problems (a bad grant, an unreadable directory, no case ran) exit 2; failures 1.
    let summary = match args.options().and_then(|options| wasmcap::golden::run_suite(&options)) {
        Ok(summary) => summary,
        Err(e) => {
            eprintln!("error: {e:#}");
            return Ok(2);
        }
    };
    Ok(if summary.failed > 0 { 1 } else { 0 })
}

fn run(flags: RunFlags, file: &str, args: Vec<String>) -> anyhow::Result<i32> {
    let cwd = std::env::current_dir()?;
    let script = if file == "-" {
        let mut code = String::new();
        std::io::stdin().read_to_string(&mut code)?;
        Script::Stdin(code)
    } else {
        let path = cwd.join(file);
        if !path.is_file() {
            let why = if path.exists() { "is not a file" } else { "no such file" };
            eprintln!("error: cannot run '{file}': {why}");
            return Ok(2);
        }
        Script::File(path.canonicalize()?)
    };
    warn_if_seeded(&flags);
    wasmcap::run_blocking(Options { script, args, ..flags.options(&cwd) })
}

fn eval(flags: RunFlags, code: String) -> anyhow::Result<i32> {
    warn_if_seeded(&flags);
    let cwd = std::env::current_dir()?;
    wasmcap::run_blocking(Options { script: Script::Eval(code), ..flags.options(&cwd) })
}

fn repl(flags: RunFlags) -> anyhow::Result<i32> {
    warn_if_seeded(&flags);
    let cwd = std::env::current_dir()?;
    wasmcap::repl::run(move || flags.options(&cwd), wasmcap::repl::Settings::for_stdin())
}
