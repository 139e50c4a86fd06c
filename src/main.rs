//! The `wasmcap` command line: a thin layer over the library.

use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use wasmcap::{Options, Script};

#[derive(Parser)]
#[command(name = "wasmcap", version, about = "Run JavaScript extension scripts with WebAssembly capabilities (Monocypher, Two Sum) in V8")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(clap::Args)]
struct RunFlags {
    /// Make the CSPRNG a deterministic ChaCha20 DRBG seeded with N. INSECURE: for tests only.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
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
        None if std::io::stdin().is_terminal() => repl(RunFlags { seed: None }),
        None => {
            eprintln!("error: no command given (try 'wasmcap run FILE', 'wasmcap repl' or see 'wasmcap --help')");
            Ok(2)
        }
    };
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn warn_if_seeded(flags: &RunFlags) {
    if let Some(seed) = flags.seed {
        eprintln!("warning: --seed {seed}: the CSPRNG is deterministic; keys and nonces are NOT secret (tests only)");
    }
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
    let options = Options { args, seed: flags.seed, ..Default::default() };
    wasmcap::run_blocking(&script, options)
}

fn eval(flags: RunFlags, code: String) -> anyhow::Result<i32> {
    warn_if_seeded(&flags);
    let tokio = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    tokio.block_on(async {
        let cwd = std::env::current_dir()?;
        let options = Options { seed: flags.seed, script: Some(cwd.join("$eval.js")), ..Default::default() };
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
    warn_if_seeded(&flags);
    wasmcap::repl::run(wasmcap::repl::ReplOptions { seed: flags.seed, interactive: std::io::stdin().is_terminal() })
}
