//! The `wasmcap` command line: a thin layer over the library.

use std::io::{IsTerminal, Read};
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
    /// V8 heap limit in MB; reaching it stops the script with an "out of memory" error.
    #[arg(long, value_name = "MB", value_parser = clap::value_parser!(u32).range(8..))]
    max_heap: Option<u32>,
    /// Stop the script after SECONDS (exit code 124).
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    timeout: Option<Duration>,
    /// Cap on each guest's linear memory in MB.
    #[arg(long, value_name = "MB", value_parser = clap::value_parser!(u32).range(1..=4096))]
    max_guest_mb: Option<u32>,
}

impl RunFlags {
    /// Runtime options from the flags; applies the process-wide guest memory cap.
    fn options(&self, cwd: &std::path::Path) -> Options {
        if let Some(mb) = self.max_guest_mb {
            wasmcap::set_max_guest_memory_mb(mb as usize);
        }
        let grant = |flag: &Option<Option<String>>| match flag {
            None => wasmcap::Grant::Denied,
            Some(list) => wasmcap::Grant::from_flag(list.as_deref(), cwd),
        };
        Options {
            seed: self.seed,
            permissions: wasmcap::Permissions { read: grant(&self.allow_read), write: grant(&self.allow_write) },
            max_heap_mb: self.max_heap.map(|mb| mb as usize),
            timeout: self.timeout,
            ..Default::default()
        }
    }
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs > 0.0 => Ok(Duration::from_secs_f64(secs)),
        _ => Err(format!("expected a positive number of seconds, got '{text}'")),
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run an ES module (`-` reads it from stdin); arguments after it go to process.argv.
    Run {
        #[command(flatten)]
        flags: RunFlags,
        /// The script, or `-` for stdin.
        file: String,
        /// Arguments for the script.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Start an interactive REPL (also what plain `wasmcap` does on a terminal).
    Repl {
        #[command(flatten)]
        flags: RunFlags,
    },
    /// Run golden-output tests: every NAME.js (or NAME.repl) with a NAME.out beside it.
    Test {
        /// Files or directories to search (default: the current directory).
        paths: Vec<PathBuf>,
        /// Rewrite the .out files of cases whose output differs.
        #[arg(long)]
        update: bool,
        /// Run only cases whose name contains PATTERN.
        #[arg(long, value_name = "PATTERN")]
        filter: Option<String>,
        /// Cases run at once (default: the number of cores).
        #[arg(short = 'j', long, value_name = "N")]
        jobs: Option<usize>,
        /// Seconds before a case is stopped and failed.
        #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
        timeout: f64,
        /// Deterministic CSPRNG for every case. INSECURE: for tests only.
        #[arg(long, value_name = "N")]
        seed: Option<u64>,
    },
    /// Evaluate a snippet and print its value as console.log would (like `node -p`).
    Eval {
        #[command(flatten)]
        flags: RunFlags,
        code: String,
    },
}

fn main() -> ExitCode {
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
    let result = match cli.command {
        Some(Command::Run { flags, file, args }) => run(flags, &file, args),
        Some(Command::Eval { flags, code }) => eval(flags, code),
        Some(Command::Repl { flags }) => repl(flags),
        Some(Command::Test { paths, update, filter, jobs, timeout, seed }) => {
            test(paths, update, filter, jobs, timeout, seed)
        }
        None if std::io::stdin().is_terminal() => repl(RunFlags::default()),
        None => {
            eprintln!("error: no command given (try 'wasmcap run FILE', 'wasmcap repl' or see 'wasmcap --help')");
            Ok(2)
        }
    };
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            eprintln!("error: {e:#}");
            match e.downcast_ref::<wasmcap::Stopped>() {
                Some(wasmcap::Stopped::TimedOut(_)) => ExitCode::from(124),
                _ => ExitCode::from(1),
            }
        }
    }
}

fn warn_if_seeded(flags: &RunFlags) {
    if let (Some(seed), false) = (flags.seed, flags.no_seed_warning) {
        seed_warning(seed);
    }
}

fn seed_warning(seed: u64) {
    eprintln!("warning: --seed {seed}: the CSPRNG is deterministic; keys and nonces are NOT secret (tests only)");
}

fn test(
    paths: Vec<PathBuf>,
    update: bool,
    filter: Option<String>,
    jobs: Option<usize>,
    timeout: f64,
    seed: Option<u64>,
) -> anyhow::Result<i32> {
    if let Some(seed) = seed {
        seed_warning(seed);
    }
    if !(timeout.is_finite() && timeout > 0.0) {
        eprintln!("error: --timeout must be a positive number of seconds, got {timeout}");
        return Ok(2);
    }
    let options = wasmcap::golden::SuiteOptions {
        paths: if paths.is_empty() { vec![PathBuf::from(".")] } else { paths },
        filter,
        update,
        jobs: jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        run: wasmcap::golden::RunConfig {
            exe: std::env::current_exe()?,
            timeout: std::time::Duration::from_secs_f64(timeout),
            seed,
        },
    };
    let summary = match wasmcap::golden::run_suite(&options) {
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
        Script::Code { name: cwd.join("$stdin.js"), code }
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
    let options = Options { args, ..flags.options(&cwd) };
    wasmcap::run_blocking(&script, options)
}

fn eval(flags: RunFlags, code: String) -> anyhow::Result<i32> {
    warn_if_seeded(&flags);
    let tokio = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    tokio.block_on(async {
        let cwd = std::env::current_dir()?;
        let options = Options { script: Some(cwd.join("$eval.js")), ..flags.options(&cwd) };
        let mut runtime = wasmcap::Runtime::new(options)?;
        let text = runtime.eval_to_string(&code).await?;
        let (exited, exit_code) = runtime.exit_status();
        if !exited {
            println!("{text}");
        }
        Ok(exit_code)
    })
}

fn repl(flags: RunFlags) -> anyhow::Result<i32> {
    if flags.timeout.is_some() {
        eprintln!("error: --timeout applies to run and eval; in the REPL, Ctrl+C interrupts an evaluation");
        return Ok(2);
    }
    warn_if_seeded(&flags);
    let options = flags.options(&std::env::current_dir()?);
    wasmcap::repl::run(wasmcap::repl::ReplOptions {
        seed: options.seed,
        permissions: options.permissions,
        max_heap_mb: options.max_heap_mb,
        interactive: std::io::stdin().is_terminal(),
    })
}
