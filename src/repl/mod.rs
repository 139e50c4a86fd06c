//! The REPL: `wasmcap repl`, and plain `wasmcap` when stdin is a terminal.
//!
//! Code is evaluated through V8's inspector in REPL mode (`Runtime.evaluate` with
//! `replMode: true`), the mechanism Chrome's console, Node and Deno use: top-level `await`,
//! `let`/`const` that may be declared again on a later line, and the completion value of any
//! statement. On top of that the REPL adds Node's `{a: 1}`-is-an-object rule, `_` and `_error`,
//! dot-commands, and the `wasmcap:` capabilities preloaded as globals.
//!
//! On a terminal, input is edited with rustyline (history, Ctrl+R, multi-line input, Tab
//! completion through the inspector with `throwOnSideEffect`), and Ctrl+C interrupts a running
//! evaluation. Piped, there are no banner and no prompts: each complete input is evaluated and
//! its result printed, and the event loop settles before the next input, so that a transcript
//! always prints the same thing (golden `.repl` tests pipe into the binary; [`run_session`] does
//! the same in-process, for tests that capture the output).
//!
//! One job per file: this file has the drivers (piped, and the `Repl` both modes share);
//! `editor` the terminal's line editor, `commands` the dot-commands, `session` the runtime and
//! its inspector session, `inspector` the CDP client, `interrupt` Ctrl+C, `completion` Tab, and
//! `syntax` the scanner that decides whether an input is complete.

mod commands;
mod completion;
mod editor;
mod inspector;
mod interrupt;
mod session;
mod syntax;

use std::cell::RefCell;
use std::io::BufRead;
use std::rc::Rc;
use std::sync::Arc;

use anyhow::{Context as _, anyhow};

use commands::is_command;
use inspector::exception_text;
use interrupt::Interrupter;
use session::{Driven, Outcome, Session};

use crate::{Output, Stopped};

/// How to run the REPL.
#[derive(Clone, Debug, Default)]
pub struct ReplOptions {
    /// `--seed`: deterministic CSPRNG (tests only).
    pub seed: Option<u64>,
    /// `--allow-read` / `--allow-write`, for `wasmcap:fs` and imports.
    pub permissions: crate::Permissions,
    /// `--max-heap`: the memory budget in MiB (see `Options::max_heap_mb`).
    pub max_heap_mb: Option<usize>,
    /// `--timeout`: the deadline of each evaluation (the input and the work it starts).
    pub timeout: Option<std::time::Duration>,
    /// The REPL is the only runtime in its process (the CLI): see `Options::owns_process`.
    pub owns_process: bool,
    /// Interactive (a terminal: banner, prompts, line editing) or piped (no banner, no
    /// prompts: each line or multi-line chunk is evaluated and its result printed).
    pub interactive: bool,
}

/// Runs a REPL reading from stdin; returns the process exit code.
pub fn run(options: ReplOptions) -> anyhow::Result<i32> {
    if options.interactive {
        editor::run(&options)
    } else {
        run_piped(std::io::stdin().lock(), &options, Output::Inherit)
    }
}

/// Evaluates a whole piped transcript, as `printf '...' | wasmcap repl` would, and returns the
/// exit code. Results go to `output`'s stdout side, errors to its stderr side (with
/// [`Output::capture`], interleaved in the order printed). `options.interactive` is ignored.
/// Call it outside any tokio runtime (it makes its own, like [`crate::run_blocking`]).
pub fn run_session(input: &str, options: &ReplOptions, output: Output) -> anyhow::Result<i32> {
    run_piped(input.as_bytes(), options, output)
}

/// What the driver should do after an input.
enum Flow {
    Continue,
    Exit(i32),
}

/// Whether `code` is a whole input (Enter evaluates it) or more lines should follow: while
/// brackets, strings, template literals or comments are open (a scan that needs no parser), and
/// while V8 finds that the code ends too early (`1 +`, `if (x)`), as Node does.
fn is_complete_input(code: &str, session: Option<&mut Session>) -> bool {
    syntax::is_complete(code) && !session.is_some_and(|s| s.ends_too_early(code))
}

/// Writes `text` and a newline to `output`'s stderr side: every error and warning the REPL
/// itself prints goes this way.
fn print_error(output: &Output, text: &str) {
    output.write(true, format!("{text}\n").as_bytes());
}

// --- drivers ---------------------------------------------------------------------------

/// `future`'s output, or `None` if `deadline` passed first.
async fn within<T>(deadline: Option<std::time::Duration>, future: impl std::future::Future<Output = T>) -> Option<T> {
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

/// Piped mode: each complete input is evaluated and printed, until the input ends.
fn run_piped(input: impl BufRead, options: &ReplOptions, output: Output) -> anyhow::Result<i32> {
    new_tokio()?.block_on(async {
        let mut repl = Repl::start(options.clone(), output, None, true).await?;
        let lines = input.lines().map(|line| line.context("cannot read the REPL's input"));
        Ok(match repl.eval_lines(lines, true).await? {
            Flow::Exit(code) => code,
            Flow::Continue => repl.exit_code(),
        })
    })
}

// --- the REPL proper -------------------------------------------------------------------

/// The current session, shared with the line editor's completer. The driver takes the session
/// out while it evaluates (and puts it back after), so the two never use it at once.
type SessionSlot = Rc<RefCell<Option<Session>>>;

struct Repl {
    slot: SessionSlot,
    /// What each (re)started runtime is made with.
    settings: ReplOptions,
    output: Output,
    interrupter: Option<Arc<Interrupter>>,
    /// Piped mode: run the event loop until it is idle after each input, so a transcript's
    /// output never depends on timing.
    settle_after_input: bool,
    /// The code entered since the session started (or was cleared), for `.save`.
    entered: Vec<String>,
}

impl Repl {
    async fn start(
        settings: ReplOptions,
        output: Output,
        interrupter: Option<Arc<Interrupter>>,
        settle_after_input: bool,
    ) -> anyhow::Result<Self> {
        let session = Session::start(&settings, output.clone()).await?;
        Ok(Repl {
            slot: Rc::new(RefCell::new(Some(session))),
            settings,
            output,
            interrupter,
            settle_after_input,
            entered: Vec::new(),
        })
    }

    fn print(&self, text: &str) {
        self.output.write(false, format!("{text}\n").as_bytes());
    }

    fn take_session(&self) -> anyhow::Result<Session> {
        self.slot.borrow_mut().take().ok_or_else(|| anyhow!("the REPL session is gone"))
    }

    fn put_session(&self, session: Session) {
        *self.slot.borrow_mut() = Some(session);
    }

    fn is_complete(&self, code: &str) -> bool {
        is_complete_input(code, self.slot.borrow_mut().as_mut())
    }

    /// The exit code to end with: what `process.exitCode` says.
    fn exit_code(&self) -> i32 {
        self.slot.borrow().as_ref().map_or(0, |s| s.runtime.exit_status().1)
    }

    /// Evaluates `lines` as if typed: lines are collected until they make a complete input,
    /// which is then evaluated; with `commands`, a dot-command line at the start of an input
    /// runs as one. An input still open at the end (`foo(`) is evaluated as it is: V8 says what
    /// is wrong. Stops at an exit, or after an input Ctrl+C interrupted.
    async fn eval_lines(
        &mut self,
        lines: impl Iterator<Item = anyhow::Result<String>>,
        commands: bool,
    ) -> anyhow::Result<Flow> {
        let mut chunk = String::new();
        for line in lines {
            let line = line?;
            let flow = if commands && chunk.is_empty() && is_command(&line) {
                self.command(&line).await?
            } else {
                chunk.push_str(&line);
                chunk.push('\n');
                if self.is_complete(&chunk) {
                    self.eval_input(&std::mem::take(&mut chunk)).await?
                } else {
                    Flow::Continue
                }
            };
            match flow {
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
        let mut session = self.take_session()?;
        let result = self.eval_in(&mut session, code).await;
        self.put_session(session);
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
        let timeout = self.settings.timeout;
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
        let settled = if stopped(session) {
            Driven::Idle
        } else if self.settle_after_input {
            within(timeout, session.settle(interrupter)).await.unwrap_or(Driven::Idle)
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
            Ok(Outcome::Interrupted | Outcome::Exited) => Vec::new(),
            // The protocol failed for this input (not the code): say so and go on.
            Err(e) => vec![format!("error: {e:#}")],
        };
        for error in later_errors {
            print_error(&self.output, &error);
        }
    }
}
