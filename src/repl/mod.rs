//! The REPL: `wasmcap repl`, and plain `wasmcap` when stdin is a terminal.
//!
//! Code is evaluated through V8's inspector in REPL mode (`Runtime.evaluate` with
//! `replMode: true`), the mechanism Chrome's console, Node and Deno use: top-level `await`,
//! `let`/`const` that may be declared again on a later line, and the completion value of any
//! statement. On top of that the REPL adds Node's `{a: 1}`-is-an-object rule, `_` and `_error`,
//! dot-commands, and the `wasmcap:` capabilities preloaded as globals.
//!
//! The runtime stays on the calling thread and keeps its event loop running while the REPL
//! waits for input, so timers fire at the prompt as in Node and Deno (`idle`). Input comes from
//! another thread: on a terminal the line editor (`editor`: history, Ctrl+R, multi-line input,
//! Tab completion asked of the runtime thread, Ctrl+C), with output printed above the prompt
//! (`printer`); piped, a reader that hands over each chunk of lines as it arrives (`piped`).
//! Piped, there are no banner and no prompts: each complete input is evaluated and its result
//! printed, and at the end of the input the REPL waits for pending timers, as `node < file` does.
//!
//! One job per file: this file has what both modes share (the `Repl` that evaluates inputs);
//! `terminal` and `piped` the two drivers, `idle` the event loop between inputs, `channel` the
//! editor thread's messages, `commands` the dot-commands, `session` the runtime and its
//! inspector session, `inspector` the CDP client, `interrupt` Ctrl+C, `completion` Tab, and
//! `syntax` the scanner that decides whether an input is complete.

mod channel;
mod commands;
mod completion;
mod editor;
mod idle;
mod interrupt;
mod piped;
mod printer;
mod session;
mod syntax;
mod terminal;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, anyhow};

use commands::is_command;
use crate::runtime::inspector::exception_text;
use interrupt::Interrupter;
use session::{Driven, Outcome, Session};

use crate::{Options, Output, Stopped};

/// What only the REPL needs, besides the runtime's [`Options`].
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Interactive (a terminal: banner, prompts, line editing) or piped (no banner, no
    /// prompts: each line or multi-line chunk is evaluated and its result printed).
    pub interactive: bool,
    /// Where the terminal's history is kept (`None`: not kept).
    pub history: Option<PathBuf>,
}

impl Settings {
    /// Interactive when stdin is a terminal; the history in `WASMCAP_REPL_HISTORY` (empty: none),
    /// else `<data dir>/wasmcap/repl_history`.
    pub fn for_stdin() -> Self {
        use std::io::IsTerminal;
        Settings { interactive: std::io::stdin().is_terminal(), history: editor::history_path() }
    }
}

/// Makes the [`Options`] of each runtime the REPL starts (see [`run`]).
type MakeOptions = Box<dyn Fn() -> Options>;

/// Runs a REPL reading from stdin; returns the process exit code.
///
/// `options` makes the [`Options`] of each runtime the REPL starts: the first, and a fresh one
/// per `.clear` (Options own a host's extensions, which serve one runtime each). Their
/// `timeout` and `max_heap_mb` apply to each input, and to each turn of the event loop between
/// inputs; their `output` is used when piped (on a terminal the REPL prints above its prompt).
pub fn run(options: impl Fn() -> Options + 'static, settings: Settings) -> anyhow::Result<i32> {
    if settings.interactive {
        terminal::run(Box::new(options), settings.history)
    } else {
        piped::run(Box::new(options), piped::Source::Stdin)
    }
}

/// Evaluates a whole piped transcript, as `printf '...' | wasmcap repl` would, and returns the
/// exit code. Output goes where `options` says (with [`Output::capture`], results and errors
/// interleaved in the order printed). Call it outside any tokio runtime (it makes its own, like
/// [`crate::run_blocking`]).
pub fn run_session(input: &str, options: impl Fn() -> Options + 'static) -> anyhow::Result<i32> {
    piped::run(Box::new(options), piped::Source::Text(input.to_string()))
}

/// What the driver should do after an input.
enum Flow {
    Continue,
    Exit(i32),
}

/// Whether `code` is a whole input (Enter evaluates it) or more lines should follow: while
/// brackets, strings, template literals or comments are open (a scan that needs no parser), and
/// while V8 finds that the code ends too early (`1 +`, `if (x)`), as Node does. V8 is asked on
/// a thread of its own (see `syntax_check`), never the runtime's, which may be busy.
pub(super) fn is_complete_input(code: &str) -> bool {
    syntax::is_complete(code) && !crate::syntax_check::ends_too_early(code)
}

/// Writes `text` and a newline to `output`'s stderr side: every error and warning the REPL
/// itself prints goes this way.
fn print_error(output: &Output, text: &str) {
    output.write(true, format!("{text}\n").as_bytes());
}

/// `future`'s output, or `None` if `deadline` passed first.
async fn within<T>(deadline: Option<Duration>, future: impl std::future::Future<Output = T>) -> Option<T> {
    match deadline {
        Some(deadline) => tokio::time::timeout(deadline, future).await.ok(),
        None => Some(future.await),
    }
}

fn new_tokio() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

// --- the REPL proper -------------------------------------------------------------------

struct Repl {
    /// `None` only while `.clear` replaces it.
    session: Option<Session>,
    /// What each (re)started runtime is made with.
    make_options: MakeOptions,
    /// Where output goes instead of `Options::output` (the terminal's printer).
    output_override: Option<Output>,
    output: Output,
    /// `--allow-read` / `--allow-write`, for `.load` and `.save` too.
    permissions: crate::Permissions,
    /// `--timeout`: the deadline of each input, and of each turn of the event loop between.
    timeout: Option<Duration>,
    interrupter: Option<Arc<Interrupter>>,
    /// On a terminal: run the work an input leaves ready (expired timers, settled promises)
    /// before the next prompt, so its output comes before it.
    ready_work_after_input: bool,
    /// Ctrl+C at the prompt interrupted a timer callback (so it does not count towards exit).
    idle_interrupted: bool,
    /// The code entered since the session started (or was cleared), for `.save`.
    entered: Vec<String>,
}

impl Repl {
    async fn start(
        make_options: MakeOptions,
        output_override: Option<Output>,
        interrupter: Option<Arc<Interrupter>>,
        ready_work_after_input: bool,
    ) -> anyhow::Result<Self> {
        let mut repl = Repl {
            session: None,
            make_options,
            output_override,
            output: Output::Inherit,
            permissions: Default::default(),
            timeout: None,
            interrupter,
            ready_work_after_input,
            idle_interrupted: false,
            entered: Vec::new(),
        };
        repl.start_session().await?;
        Ok(repl)
    }

    /// Starts a fresh runtime (the first, or for `.clear` once the old one is dropped).
    async fn start_session(&mut self) -> anyhow::Result<()> {
        let mut options = (self.make_options)();
        if let Some(output) = &self.output_override {
            options.output = output.clone();
        }
        self.output = options.output.clone();
        self.timeout = options.timeout;
        self.permissions = options.permissions.clone();
        // Only on a terminal (where output goes through its printer) are results coloured.
        let colors = self.output_override.is_some() && crate::runtime::stdout_color();
        self.session = Some(Session::start(options, colors).await?);
        Ok(())
    }

    fn print(&self, text: &str) {
        self.output.write(false, format!("{text}\n").as_bytes());
    }

    fn session(&mut self) -> anyhow::Result<&mut Session> {
        self.session.as_mut().ok_or_else(|| anyhow!("the REPL session is gone"))
    }

    /// The exit code to end with: what `process.exitCode` says.
    fn exit_code(&self) -> i32 {
        self.session.as_ref().map_or(0, |s| s.runtime.exit_status().1)
    }

    /// Takes one more line of input into `chunk`, and evaluates the chunk once it is a complete
    /// input; with `commands`, a dot-command line at the start of an input runs as one.
    async fn feed(&mut self, chunk: &mut String, line: &str, commands: bool) -> anyhow::Result<Flow> {
        if commands && chunk.is_empty() && is_command(line) {
            return self.command(line).await;
        }
        chunk.push_str(line);
        chunk.push('\n');
        if is_complete_input(chunk) {
            self.eval_input(&std::mem::take(chunk)).await
        } else {
            Ok(Flow::Continue)
        }
    }

    /// Evaluates `lines` as if typed (`.load`), one [`feed`](Self::feed) each. An input still
    /// open at the end (`foo(`) is evaluated as it is: V8 says what is wrong. Stops at an exit,
    /// or after an input Ctrl+C interrupted.
    async fn eval_lines(&mut self, lines: impl Iterator<Item = String>, commands: bool) -> anyhow::Result<Flow> {
        let mut chunk = String::new();
        for line in lines {
            match self.feed(&mut chunk, &line, commands).await? {
                Flow::Continue if self.interrupter.as_ref().is_some_and(|i| i.was_interrupted()) => {
                    return Ok(Flow::Continue);
                }
                Flow::Continue => {}
                exit => return Ok(exit),
            }
        }
        self.eval_input(&chunk).await
    }

    /// Evaluates one complete input and prints its result or error.
    async fn eval_input(&mut self, code: &str) -> anyhow::Result<Flow> {
        if code.trim().is_empty() {
            return Ok(Flow::Continue);
        }
        self.entered.push(code.trim_end_matches('\n').to_string());
        let mut session = self.session.take().ok_or_else(|| anyhow!("the REPL session is gone"))?;
        let result = self.eval_in(&mut session, code).await;
        self.session = Some(session);
        result
    }

    async fn eval_in(&self, session: &mut Session, code: &str) -> anyhow::Result<Flow> {
        let interrupter = self.interrupter.as_deref();
        // Ctrl+C may interrupt the evaluation and the event loop turns after it (a timer that
        // loops forever), until `end` below.
        if let Some(interrupter) = interrupter {
            interrupter.begin(session.runtime.js_runtime().v8_isolate().thread_safe_handle());
        }
        // The same limits as a script's run, per input: the guard stops busy code and memory
        // growth, the timer below stops waiting.
        let timeout = self.timeout;
        let guard = session.runtime.guard(timeout);
        let outcome = within(timeout, session.evaluate(code, interrupter)).await;
        let interrupted = || interrupter.is_some_and(Interrupter::was_interrupted);
        if let Some(code) = session.exit_requested() {
            return Ok(Flow::Exit(code));
        }
        let stopped = |session: &Session| session.runtime.stopped().is_some();
        if !interrupted() && !stopped(session) {
            match outcome {
                Some(outcome) => self.print_outcome(session, outcome),
                None => session.runtime.stop(timeout.map(Stopped::TimedOut)),
            }
        }
        session.release_results()?;
        // Pending timers are left to the event loop between inputs (`idle`).
        let settled = if stopped(session) || !self.ready_work_after_input {
            Driven::Idle
        } else {
            session.run_ready_work(interrupter).await
        };
        drop(guard);
        if let Driven::Exited(code) = settled {
            return Ok(Flow::Exit(code));
        }
        if let Some(why) = session.runtime.recover() {
            // The session goes on, back within its limits.
            if let Some(interrupter) = interrupter {
                interrupter.end();
            }
            print_error(&self.output, &format!("error: {why}"));
            return Ok(Flow::Continue);
        }
        if interrupter.is_some_and(Interrupter::end) {
            // Termination stays pending on the isolate until cancelled: lift it, or the next
            // input would be terminated too. On a fresh line: the terminal echoed `^C`.
            session.runtime.js_runtime().v8_isolate().cancel_terminate_execution();
            print_error(&self.output, "\nUncaught Error: execution was interrupted");
        }
        Ok(Flow::Continue)
    }

    fn print_outcome(&self, session: &mut Session, outcome: anyhow::Result<Outcome>) {
        let later_errors = match outcome {
            Ok(Outcome::Value { object, later_errors }) => {
                self.print(&session.record(&object, false));
                later_errors
            }
            Ok(Outcome::Thrown { details, later_errors }) => {
                let text = match details.get("exception") {
                    Some(exception) => session.record(exception, true),
                    None => exception_text(&details),
                };
                print_error(&self.output, &format!("Uncaught {text}"));
                later_errors
            }
            Ok(Outcome::NeverSettles) => vec![
                "Uncaught Error: top-level await never resolved: the code waits on a promise that nothing will settle"
                    .to_string(),
            ],
            // Handled by the caller.
            Ok(Outcome::Interrupted | Outcome::Stopped | Outcome::Exited) => Vec::new(),
            // The protocol failed for this input (not the code): say so and go on.
            Err(e) => vec![format!("error: {e:#}")],
        };
        for error in later_errors {
            print_error(&self.output, &error);
        }
    }
}
