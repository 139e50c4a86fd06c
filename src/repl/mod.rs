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
//! always prints the same thing ([`run_session`] does the same in-process, for golden tests).

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::io::BufRead;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;

use anyhow::{Context as _, anyhow, bail};
use deno_core::futures::task::AtomicWaker;
use deno_core::serde_json::{self, Value, json};
use deno_core::{
    InspectorMsg, InspectorMsgKind, InspectorSessionKind, JsRuntimeInspector, LocalInspectorSession,
    PollEventLoopOptions, v8,
};
use rustyline::completion::Completer;
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{
    CompletionType, ConditionalEventHandler, Config, Editor, Event, EventContext, EventHandler,
    Helper, KeyEvent, RepeatCount,
};

use crate::runtime::format_core_error;
use crate::{Options, Output, Runtime, Stopped};

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
        interactive::run(&options)
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

const HELP: &str = "\
Commands:
  .help        Show this help
  .exit        Exit the REPL (also Ctrl+D, or Ctrl+C twice on an empty line)
  .clear       Start over in a fresh runtime (the capabilities are preloaded again)
  .load FILE   Evaluate FILE's contents in this session, as if typed
  .save FILE   Save the code entered in this session to FILE

Preloaded capabilities (globals):
  Monocypher, AuthenticationError   from wasmcap:monocypher
  mc                                a Monocypher instance: mc.generateKey(), mc.lock(...), mc.unlock(...)
  twoSum, twoSumJs                  from wasmcap:twosum
  Guest                             from wasmcap:guest

_ is the last result and _error the last thrown error. Top-level await works, and let/const
may be declared again. Keys: Tab completes, Up/Down and Ctrl+R search history, Ctrl+C clears
the input or interrupts a running evaluation, Ctrl+D exits.";

/// The REPL's own JavaScript, run once in every fresh runtime before any user input, with the
/// prelude's `inspect` (see `Runtime::call_with_inspect`). It keeps `_`/`_error` and exposes a
/// frozen hook object the host calls through the inspector.
const HOOKS_JS: &str = r#"
((inspect) => {
  const { defineProperty } = Object;
  const ErrorClass = Error;
  let lastValue;
  let lastError;

  // `_` and `_error` follow the last result; assigning one makes it a plain variable (as in Node).
  function defineRecall(name, get) {
    defineProperty(globalThis, name, {
      configurable: true,
      enumerable: false,
      get,
      set(value) {
        defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
        console.log(`Expression assignment to ${name} now disabled.`);
      },
    });
  }
  defineRecall("_", () => lastValue);
  defineRecall("_error", () => lastError);

  function defineGlobal(name, value) {
    if (value === undefined) throw new Error(`it does not export ${name}`);
    defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
  }

  const preloads = [
    ["wasmcap:monocypher", (m) => {
      defineGlobal("Monocypher", m.Monocypher);
      defineGlobal("AuthenticationError", m.AuthenticationError);
      defineGlobal("mc", new m.Monocypher());
    }],
    ["wasmcap:twosum", (m) => {
      defineGlobal("twoSum", m.twoSum);
      defineGlobal("twoSumJs", m.twoSumJs);
    }],
    ["wasmcap:guest", (m) => defineGlobal("Guest", m.Guest)],
  ];

  const hooks = {
    // Remembers an evaluation's value (or thrown error) and returns it inspected for printing.
    record(value, thrown) {
      if (!thrown) {
        lastValue = value;
        return inspect(value);
      }
      lastError = value;
      const text = inspect(value);
      // An error without stack frames (a SyntaxError in the input) inspects as `[SyntaxError: ...]`;
      // after "Uncaught " it reads better bare, as in Node's and Deno's REPLs.
      const bare = value instanceof ErrorClass && text.startsWith("[") && text.endsWith("]") && !text.includes("\n");
      return bare ? text.slice(1, -1) : text;
    },
    // Installs the capabilities as globals; returns what could not be loaded, one text each.
    async preload() {
      const failures = [];
      for (const [specifier, install] of preloads) {
        try {
          install(await import(specifier));
        } catch (error) {
          failures.push(`${specifier}: ${error?.message ?? error}`);
        }
      }
      return failures;
    },
  };
  defineProperty(globalThis, Symbol.for("wasmcap.repl"), { value: Object.freeze(hooks) });
})
"#;

/// Lists the property names of a value and its prototype chain, for completion after a `.`.
/// Evaluated with `throwOnSideEffect`, so that getters or proxies with side effects never run.
const PROPERTY_NAMES_JS: &str = "((value) => {
  const names = [];
  for (let o = Object(value); o !== null; o = Object.getPrototypeOf(o)) names.push(...Object.getOwnPropertyNames(o));
  return names;
})";

/// Words completed at the start of an expression besides the global names.
const KEYWORDS: &[&str] = &[
    "async", "await", "break", "case", "catch", "class", "const", "continue", "debugger", "default",
    "delete", "do", "else", "export", "extends", "false", "finally", "for", "function", "if",
    "import", "in", "instanceof", "let", "new", "null", "of", "return", "static", "super",
    "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "yield",
];

/// The largest file `.load` reads (16 MiB).
const MAX_LOAD_BYTES: u64 = 16 << 20;

const COMMANDS: &[&str] = &[".clear", ".exit", ".help", ".load", ".save"];

/// Object group for evaluation results: released after each input, so that the inspector does
/// not keep every value ever printed alive (`_` keeps the last one).
const RESULT_GROUP: &str = "wasmcap-repl-results";

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

/// Whether `line`, typed at the start of an input, is a dot-command (`.help`) rather than code.
/// A dot followed by a digit is a number (`.5`).
fn is_command(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with('.') && line[1..].starts_with(|c: char| c.is_ascii_alphabetic())
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

/// Piped mode: accumulate lines until the input is complete, evaluate, print, repeat.
fn run_piped(input: impl BufRead, options: &ReplOptions, output: Output) -> anyhow::Result<i32> {
    new_tokio()?.block_on(async {
        let mut repl = Repl::start(options.clone(), output, None, true).await?;
        let mut chunk = String::new();
        for line in input.lines() {
            let line = line.context("cannot read the REPL's input")?;
            let flow = if chunk.is_empty() && is_command(&line) {
                repl.command(&line).await?
            } else {
                chunk.push_str(&line);
                chunk.push('\n');
                if repl.is_complete(&chunk) {
                    repl.eval_input(&std::mem::take(&mut chunk)).await?
                } else {
                    Flow::Continue
                }
            };
            if let Flow::Exit(code) = flow {
                return Ok(code);
            }
        }
        // An input still open at the end (`foo(`) is evaluated as it is: V8 says what is wrong.
        if let Flow::Exit(code) = repl.eval_input(&chunk).await? {
            return Ok(code);
        }
        Ok(repl.exit_code())
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

    fn print_error(&self, text: &str) {
        self.output.write(true, format!("{text}\n").as_bytes());
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

    /// Runs a dot-command line.
    async fn command(&mut self, line: &str) -> anyhow::Result<Flow> {
        let line = line.trim();
        let (name, argument) = match line.split_once(char::is_whitespace) {
            Some((name, rest)) => (name, rest.trim()),
            None => (line, ""),
        };
        match name {
            ".help" => self.print(HELP),
            ".exit" => return Ok(Flow::Exit(self.exit_code())),
            ".clear" => {
                self.print("Clearing context...");
                // Drop the old runtime first: V8 isolates must be dropped in reverse order of
                // creation.
                drop(self.take_session()?);
                self.entered.clear();
                let session = Session::start(&self.settings, self.output.clone()).await?;
                self.put_session(session);
            }
            ".load" if argument.is_empty() => self.print_error("usage: .load FILE"),
            ".load" => return self.load(argument).await,
            ".save" if argument.is_empty() => self.print_error("usage: .save FILE"),
            ".save" => {
                let mut text = self.entered.join("\n");
                if !text.is_empty() {
                    text.push('\n');
                }
                let saved = self
                    .open_granted(crate::permissions::Access::Write, argument)
                    .and_then(|mut file| std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|e| e.to_string()));
                match saved {
                    Ok(()) => self.print(&format!("Session saved to {argument}")),
                    Err(why) => self.print_error(&format!("error: cannot save to {argument}: {why}")),
                }
            }
            _ => self.print_error(&format!("unknown command '{name}': type .help for the list")),
        }
        Ok(Flow::Continue)
    }

    /// The path a dot-command may use for `file`: the same grant check as `wasmcap:fs`
    /// (`--allow-read`/`--allow-write` given to `wasmcap repl`; none by default), so a piped
    /// transcript can no more read or write files than a script can.
    fn open_granted(&self, access: crate::permissions::Access, file: &str) -> Result<std::fs::File, String> {
        use crate::permissions::{Access, Refusal};
        let cwd = std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
        let target = self.settings.permissions.check(access, file, &cwd).map_err(|refusal| match refusal {
            Refusal::Invalid(why) => format!("TypeError: {why}"),
            Refusal::Denied(why) => format!("PermissionDenied: {why}"),
        })?;
        // Opened beneath the granted directory, as wasmcap:fs does: no symbolic link out.
        let escape = |e: std::io::Error| {
            if crate::permissions::is_escape(&e) {
                format!("PermissionDenied: it leads out of the directory granted by {}", access.flag())
            } else {
                e.to_string()
            }
        };
        let place = target.place().map_err(escape)?;
        let opened = match access {
            Access::Read => place.open_read(),
            Access::Write => place.open_write(false),
        };
        // A FIFO with no reader refuses a non-blocking open for writing.
        let file = opened.map_err(|e| match e.raw_os_error() {
            Some(libc::ENXIO) => "it is a FIFO, not a regular file".to_string(),
            _ => escape(e),
        })?;
        let kind = file.metadata().map_err(|e| e.to_string())?.file_type();
        use std::os::unix::fs::FileTypeExt;
        let what = if kind.is_file() {
            return Ok(file);
        } else if kind.is_dir() {
            "a directory"
        } else if kind.is_fifo() {
            "a FIFO"
        } else if kind.is_block_device() || kind.is_char_device() {
            "a device"
        } else {
            "a socket"
        };
        Err(format!("it is {what}, not a regular file"))
    }

    /// `.load FILE`: the file's code, evaluated input by input as if it were typed.
    async fn load(&mut self, file: &str) -> anyhow::Result<Flow> {
        let code = self.open_granted(crate::permissions::Access::Read, file).and_then(|mut opened| {
            let bytes = crate::permissions::read_bounded(&mut opened, MAX_LOAD_BYTES).map_err(|e| e.to_string())?;
            String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())
        });
        let code = match code {
            Ok(code) => code,
            Err(why) => {
                self.print_error(&format!("error: cannot load {file}: {why}"));
                return Ok(Flow::Continue);
            }
        };
        let mut chunk = String::new();
        for line in code.lines() {
            chunk.push_str(line);
            chunk.push('\n');
            if self.is_complete(&chunk) {
                match self.eval_input(&std::mem::take(&mut chunk)).await? {
                    Flow::Continue if self.interrupter.as_ref().is_some_and(|i| i.was_interrupted()) => {
                        return Ok(Flow::Continue);
                    }
                    Flow::Continue => {}
                    exit => return Ok(exit),
                }
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
            self.print_error(&format!("error: {why}"));
            return Ok(Flow::Continue);
        }
        if interrupter.is_some_and(Interrupter::end) {
            // Termination stays pending on the isolate until cancelled: lift it, or the next
            // input would be terminated too. On a fresh line: the terminal echoed `^C`.
            session.runtime.js_runtime().v8_isolate().cancel_terminate_execution();
            self.print_error("\nUncaught Error: execution was interrupted");
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
                self.print_error(&format!("Uncaught {text}"));
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
            self.print_error(&error);
        }
    }
}

// --- the session: one runtime driven through its inspector -----------------------------

/// What an evaluation came to.
enum Outcome {
    /// The completion value (a CDP `RemoteObject`), and errors the event loop reported in the
    /// same turn the value arrived (an unhandled rejection of the value itself): printed after
    /// the value.
    Value { object: Value, later_errors: Vec<String> },
    /// An exception (CDP `ExceptionDetails`).
    Thrown { details: Value, later_errors: Vec<String> },
    /// The code awaits something nothing will ever settle (reported when piped; on a terminal
    /// the REPL waits for Ctrl+C instead).
    NeverSettles,
    /// Ctrl+C.
    Interrupted,
    /// `process.exit()` (the caller reads the code from the runtime).
    Exited,
}

/// How a run of the event loop ended.
enum Driven {
    /// The awaited inspector response, with errors to print after the result.
    Response(Value, Vec<String>),
    /// Nothing left to do (and no response came).
    Idle,
    /// Not idle yet, but nothing is ready now (`run_ready_work`).
    Waiting,
    Interrupted,
    Exited(i32),
}

struct Session {
    // Declared before `runtime`, so dropped first: deno_core requires inspector sessions to
    // be gone before the runtime.
    inspector: InspectorClient,
    runtime: Runtime,
    context_id: u64,
    /// The remote object id of the hook object from `HOOKS_JS`.
    hooks: String,
}

impl Session {
    /// A fresh runtime with the REPL hooks installed and the capabilities preloaded. Preload
    /// failures are reported as warnings: the REPL is still useful without them.
    async fn start(settings: &ReplOptions, output: Output) -> anyhow::Result<Self> {
        let mut runtime = Runtime::new(Options {
            seed: settings.seed,
            permissions: settings.permissions.clone(),
            max_heap_mb: settings.max_heap_mb,
            owns_process: settings.owns_process,
            output: output.clone(),
            ..Default::default()
        })?;
        runtime.call_with_inspect(HOOKS_JS).map_err(|e| anyhow!("the REPL's setup script failed: {e:#}"))?;
        let mut inspector = InspectorClient::connect(&mut runtime);
        inspector.call("Runtime.enable", json!({}))?;
        let context_id = inspector
            .inbox
            .borrow()
            .context_id
            .ok_or_else(|| anyhow!("the inspector reported no execution context"))?;
        let hooks = inspector.call(
            "Runtime.evaluate",
            json!({
                "expression": "globalThis[Symbol.for('wasmcap.repl')]",
                "contextId": context_id,
                "objectGroup": "wasmcap-repl-hooks",
            }),
        )?;
        if let Some(details) = hooks.get("exceptionDetails") {
            bail!("the REPL's setup script failed: {}", exception_text(details));
        }
        let hooks = hooks["result"]["objectId"]
            .as_str()
            .ok_or_else(|| anyhow!("the REPL's setup script returned no object"))?
            .to_string();
        let mut session = Session { inspector, runtime, context_id, hooks };

        let id = session.inspector.post(
            "Runtime.callFunctionOn",
            json!({
                "functionDeclaration": "function () { return this.preload(); }",
                "objectId": session.hooks,
                "awaitPromise": true,
                "returnByValue": true,
            }),
        );
        match session.drive(Some(id), None).await {
            Driven::Response(response, errors) => {
                for error in errors {
                    session.print_error(&error);
                }
                let response = into_result(response)?;
                for failure in response["result"]["value"].as_array().into_iter().flatten() {
                    let failure = failure.as_str().unwrap_or_default();
                    output.write(true, format!("warning: could not preload {failure}\n").as_bytes());
                }
            }
            _ => bail!("preloading the capabilities did not finish"),
        }
        Ok(session)
    }

    fn exit_requested(&self) -> Option<i32> {
        match self.runtime.exit_status() {
            (true, code) => Some(code),
            (false, _) => None,
        }
    }

    fn print_error(&self, text: &str) {
        self.runtime.output().write(true, format!("{text}\n").as_bytes());
    }

    /// Evaluates `code` in REPL mode and waits for it, running the event loop meanwhile.
    async fn evaluate(&mut self, code: &str, interrupter: Option<&Interrupter>) -> anyhow::Result<Outcome> {
        let expression = self.object_literal_wrapped(code)?.unwrap_or_else(|| code.to_string());
        let id = self.inspector.post(
            "Runtime.evaluate",
            json!({
                "expression": expression,
                "contextId": self.context_id,
                "replMode": true,
                "objectGroup": RESULT_GROUP,
            }),
        );
        Ok(match self.drive(Some(id), interrupter).await {
            Driven::Response(response, later_errors) => {
                let result = into_result(response)?;
                match result.get("exceptionDetails") {
                    Some(details) => Outcome::Thrown { details: details.clone(), later_errors },
                    None => Outcome::Value { object: result["result"].clone(), later_errors },
                }
            }
            Driven::Idle | Driven::Waiting => Outcome::NeverSettles,
            // The caller checks the interrupter and reports the interruption.
            Driven::Interrupted => Outcome::Interrupted,
            Driven::Exited(_) => Outcome::Exited,
        })
    }

    /// Node's rule: an input that starts with `{` and does not end with `;` is tried as an
    /// expression first, so `{a: 1}` is an object rather than a block with a label. Returns the
    /// wrapped code if it parses (checked without running anything).
    fn object_literal_wrapped(&mut self, code: &str) -> anyhow::Result<Option<String>> {
        let trimmed = code.trim();
        if !trimmed.starts_with('{') || trimmed.ends_with(';') {
            return Ok(None);
        }
        // The newline keeps a trailing `// comment` from swallowing the parenthesis.
        let wrapped = format!("({trimmed}\n)");
        // An async arrow body accepts exactly the expressions REPL mode would, `await` included.
        let probe = self.inspector.call(
            "Runtime.compileScript",
            json!({
                "expression": format!("(async () => {wrapped})"),
                "sourceURL": "",
                "persistScript": false,
                "executionContextId": self.context_id,
            }),
        )?;
        Ok(probe.get("exceptionDetails").is_none().then_some(wrapped))
    }

    /// Whether V8 fails to parse `code` only because it ends too early. Compiling runs nothing.
    fn ends_too_early(&mut self, code: &str) -> bool {
        let probe = self.inspector.call(
            "Runtime.compileScript",
            json!({
                "expression": code,
                "sourceURL": "",
                "persistScript": false,
                "executionContextId": self.context_id,
            }),
        );
        probe.is_ok_and(|probe| {
            exception_text(&probe["exceptionDetails"]).starts_with("SyntaxError: Unexpected end of input")
        })
    }

    /// Stores an evaluation's value as `_` (or a thrown value as `_error`) and returns it
    /// inspected, as `console.log` would show it.
    fn record(&mut self, object: &Value, thrown: bool) -> String {
        let response = self.inspector.call(
            "Runtime.callFunctionOn",
            json!({
                "functionDeclaration": "function (value, thrown) { return this.record(value, thrown); }",
                "objectId": self.hooks,
                "arguments": [call_argument(object), { "value": thrown }],
                "returnByValue": true,
                "silent": true,
            }),
        );
        let why = match &response {
            Ok(response) => match (response.get("exceptionDetails"), response["result"]["value"].as_str()) {
                (None, Some(text)) => return text.to_string(),
                (details, _) => details.map(exception_text).unwrap_or_else(|| "no text".to_string()),
            },
            Err(e) => format!("{e:#}"),
        };
        // Inspecting threw (a hostile proxy, say): V8's own one-line description will do.
        let description = object["description"].as_str().or(object["type"].as_str()).unwrap_or("a value");
        format!("{description} [could not be inspected: {why}]")
    }

    fn release_results(&mut self) -> anyhow::Result<()> {
        self.inspector.call("Runtime.releaseObjectGroup", json!({ "objectGroup": RESULT_GROUP }))?;
        Ok(())
    }

    /// Runs the event loop until it is idle (piped mode, after each input).
    async fn settle(&mut self, interrupter: Option<&Interrupter>) -> Driven {
        self.drive(None, interrupter).await
    }

    /// Runs what is ready now (settled promises, expired timers) without waiting for more.
    async fn run_ready_work(&mut self, interrupter: Option<&Interrupter>) -> Driven {
        let mut drive = std::pin::pin!(self.drive(None, interrupter));
        std::future::poll_fn(|cx| match drive.as_mut().poll(cx) {
            Poll::Ready(driven) => Poll::Ready(driven),
            Poll::Pending => Poll::Ready(Driven::Waiting),
        })
        .await
    }

    /// Runs the event loop until the response to `awaited` arrives (or, with `None`, until the
    /// loop is idle), printing the errors it reports (uncaught exceptions in timers, unhandled
    /// rejections) as they come.
    async fn drive(&mut self, awaited: Option<i32>, interrupter: Option<&Interrupter>) -> Driven {
        std::future::poll_fn(|cx| {
            let mut errors = Vec::new();
            // Errors are reported one per turn; keep turning while there are more.
            loop {
                if let Some(code) = self.exit_requested() {
                    return Poll::Ready(Driven::Exited(code));
                }
                if interrupter.is_some_and(Interrupter::was_interrupted) {
                    return Poll::Ready(Driven::Interrupted);
                }
                if let Some(response) = awaited.and_then(|id| self.inspector.take_response(id)) {
                    return Poll::Ready(Driven::Response(response, errors));
                }
                for error in errors.drain(..) {
                    self.print_error(&error);
                }
                if let Some(interrupter) = interrupter {
                    interrupter.waker.register(cx.waker());
                }
                let turn = self.runtime.js_runtime().poll_event_loop(cx, PollEventLoopOptions::default());
                match turn {
                    Poll::Ready(Err(e)) => {
                        if self.exit_requested().is_none() && !interrupter.is_some_and(Interrupter::was_interrupted) {
                            errors.push(format_core_error(&e));
                        }
                    }
                    Poll::Ready(Ok(())) => {
                        if let Some(driven) = self.after_turn(awaited, &mut errors) {
                            return Poll::Ready(driven);
                        }
                        // With Ctrl+C at hand, an await that looks stuck is left to the user, as
                        // in Node and Deno: deno_core's idle signal is unreliable after a timer
                        // callback was interrupted (its timer ref count stays off). The event
                        // loop has registered its wakers; so has the interrupter.
                        if awaited.is_some() && interrupter.is_some() {
                            return Poll::Pending;
                        }
                        return Poll::Ready(Driven::Idle);
                    }
                    Poll::Pending => {
                        return match self.after_turn(awaited, &mut errors) {
                            Some(driven) => Poll::Ready(driven),
                            None => Poll::Pending,
                        };
                    }
                }
            }
        })
        .await
    }

    /// After a turn of the event loop: the awaited response if it came (with the errors
    /// reported meanwhile, for the caller to print after it), else print the errors and end
    /// the drive if the script asked to exit.
    fn after_turn(&mut self, awaited: Option<i32>, errors: &mut Vec<String>) -> Option<Driven> {
        if let Some(response) = awaited.and_then(|id| self.inspector.take_response(id)) {
            return Some(Driven::Response(response, std::mem::take(errors)));
        }
        for error in errors.drain(..) {
            self.print_error(&error);
        }
        self.exit_requested().map(Driven::Exited)
    }

    /// Tab completion: global names, keywords, or the properties of the expression before a
    /// `.`. Nothing the user wrote runs if it could have side effects.
    fn complete(&mut self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let before = &line[..pos];
        if is_command(line) && !before.contains(char::is_whitespace) {
            let matches = COMMANDS.iter().filter(|c| c.starts_with(before.trim_start())).map(|c| c.to_string());
            return (before.len() - before.trim_start().len(), matches.collect());
        }
        if !syntax::in_code_at_end(before) {
            return (pos, Vec::new());
        }
        let Some(target) = completion::target(before) else { return (pos, Vec::new()) };
        let names = match &target.object {
            Some(object) => self.property_names(object),
            None if target.partial.is_empty() => return (pos, Vec::new()),
            None => {
                let mut names = self.property_names("globalThis");
                names.extend(self.lexical_names());
                names.extend(KEYWORDS.iter().map(|k| k.to_string()));
                names
            }
        };
        let candidates: BTreeSet<String> = names
            .into_iter()
            .filter(|name| name.starts_with(&target.partial) && completion::is_identifier(name))
            .collect();
        (target.start, candidates.into_iter().collect())
    }

    fn property_names(&mut self, object: &str) -> Vec<String> {
        let response = self.inspector.call(
            "Runtime.evaluate",
            json!({
                "expression": format!("{PROPERTY_NAMES_JS}({object})"),
                "contextId": self.context_id,
                "throwOnSideEffect": true,
                "returnByValue": true,
                "silent": true,
                "timeout": 500,
            }),
        );
        match response {
            Ok(response) if response.get("exceptionDetails").is_none() => string_array(&response["result"]["value"]),
            _ => Vec::new(),
        }
    }

    /// `let`, `const` and `class` names declared at the top level (not properties of globalThis).
    fn lexical_names(&mut self) -> Vec<String> {
        match self.inspector.call("Runtime.globalLexicalScopeNames", json!({ "executionContextId": self.context_id })) {
            Ok(response) => string_array(&response["names"]),
            Err(_) => Vec::new(),
        }
    }
}

fn string_array(value: &Value) -> Vec<String> {
    value.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_string)).collect()
}

/// A CDP `CallArgument` that passes the value a `RemoteObject` describes.
fn call_argument(object: &Value) -> Value {
    if let Some(id) = object.get("objectId") {
        json!({ "objectId": id })
    } else if let Some(unserializable) = object.get("unserializableValue") {
        json!({ "unserializableValue": unserializable })
    } else if let Some(value) = object.get("value") {
        json!({ "value": value })
    } else {
        json!({}) // undefined
    }
}

fn exception_text(details: &Value) -> String {
    details["exception"]["description"]
        .as_str()
        .or_else(|| details["text"].as_str())
        .unwrap_or("unknown error")
        .to_string()
}

/// The `result` of a CDP response, or its `error` as an `Err`.
fn into_result(response: Value) -> anyhow::Result<Value> {
    match response.get("error") {
        Some(error) => Err(anyhow!("inspector error: {}", error["message"].as_str().unwrap_or("unknown"))),
        None => Ok(response.get("result").cloned().unwrap_or(Value::Null)),
    }
}

/// A client of V8's inspector on the runtime's own thread: posts CDP requests and collects the
/// responses V8 sends back (at once, or later for evaluations that await).
struct InspectorClient {
    session: LocalInspectorSession,
    inbox: Rc<RefCell<Inbox>>,
    next_id: i32,
}

#[derive(Default)]
struct Inbox {
    responses: HashMap<i32, Value>,
    /// From the `Runtime.executionContextCreated` notification that `Runtime.enable` sends.
    context_id: Option<u64>,
}

impl InspectorClient {
    fn connect(runtime: &mut Runtime) -> Self {
        let js = runtime.js_runtime();
        js.maybe_init_inspector();
        let inbox = Rc::new(RefCell::new(Inbox::default()));
        let sink = inbox.clone();
        let on_message = Box::new(move |message: InspectorMsg| {
            let Ok(content) = serde_json::from_str::<Value>(&message.content) else { return };
            let mut inbox = sink.borrow_mut();
            match message.kind {
                InspectorMsgKind::Message(id) => {
                    inbox.responses.insert(id, content);
                }
                InspectorMsgKind::Notification => {
                    if content["method"] == "Runtime.executionContextCreated" {
                        inbox.context_id = inbox.context_id.or(content["params"]["context"]["id"].as_u64());
                    }
                }
            }
        });
        let kind = InspectorSessionKind::NonBlocking { wait_for_disconnect: false };
        let session = JsRuntimeInspector::create_local_session(js.inspector(), on_message, kind);
        InspectorClient { session, inbox, next_id: 1 }
    }

    fn post(&mut self, method: &str, params: Value) -> i32 {
        let id = self.next_id;
        self.next_id += 1;
        self.session.post_message(id, method, Some(params));
        id
    }

    fn take_response(&self, id: i32) -> Option<Value> {
        self.inbox.borrow_mut().responses.remove(&id)
    }

    /// A request V8 answers before `post` returns (anything that does not await a promise).
    fn call(&mut self, method: &str, params: Value) -> anyhow::Result<Value> {
        let id = self.post(method, params);
        let response = self.take_response(id).ok_or_else(|| anyhow!("the inspector did not answer {method}"))?;
        into_result(response).with_context(|| format!("{method} failed"))
    }
}

// --- Ctrl+C during evaluation ----------------------------------------------------------

/// Lets Ctrl+C stop a running evaluation. While the line editor waits for input the terminal
/// is in raw mode and Ctrl+C is a key; while code runs it is a SIGINT, which a watcher thread
/// turns into `terminate_execution` on the isolate that is evaluating.
struct Interrupter {
    /// The isolate running an evaluation right now, if any.
    running: Mutex<Option<v8::IsolateHandle>>,
    interrupted: AtomicBool,
    /// Wakes the event loop when the evaluation is waiting (a timer, say) rather than running.
    waker: AtomicWaker,
}

impl Interrupter {
    fn install() -> anyhow::Result<Arc<Self>> {
        let interrupter = Arc::new(Interrupter {
            running: Mutex::new(None),
            interrupted: AtomicBool::new(false),
            waker: AtomicWaker::new(),
        });
        let mut signals = signal_hook::iterator::Signals::new([signal_hook::consts::SIGINT])
            .context("cannot install the Ctrl+C handler")?;
        let watcher = interrupter.clone();
        std::thread::Builder::new()
            .name("wasmcap-repl-sigint".into())
            .spawn(move || {
                for _ in signals.forever() {
                    let running = watcher.running.lock().unwrap_or_else(|e| e.into_inner());
                    if let Some(isolate) = running.as_ref() {
                        watcher.interrupted.store(true, Ordering::SeqCst);
                        isolate.terminate_execution();
                        watcher.waker.wake();
                    }
                }
            })
            .context("cannot start the Ctrl+C watcher")?;
        Ok(interrupter)
    }

    fn begin(&self, isolate: v8::IsolateHandle) {
        self.interrupted.store(false, Ordering::SeqCst);
        *self.running.lock().unwrap_or_else(|e| e.into_inner()) = Some(isolate);
    }

    /// Ends the evaluation; returns whether it was interrupted. After this, no termination can
    /// reach the isolate (the watcher holds the lock while it terminates).
    fn end(&self) -> bool {
        self.running.lock().unwrap_or_else(|e| e.into_inner()).take();
        self.interrupted.load(Ordering::SeqCst)
    }

    fn was_interrupted(&self) -> bool {
        self.interrupted.load(Ordering::SeqCst)
    }
}

// --- the terminal ------------------------------------------------------------------------

mod interactive {
    use super::*;

    pub(super) fn run(options: &ReplOptions) -> anyhow::Result<i32> {
        let interrupter = Interrupter::install()?;
        new_tokio()?.block_on(async {
            let mut repl = Repl::start(options.clone(), Output::Inherit, Some(interrupter), false).await?;
            repl.print(&format!(
                "wasmcap {} REPL: Monocypher (and an instance, mc), twoSum, twoSumJs and Guest are preloaded.\n\
                 Type .help for help, Ctrl+D to exit.",
                env!("CARGO_PKG_VERSION")
            ));
            let mut editor = LineEditor::new(repl.slot.clone())?;
            let mut exit_armed = false;
            loop {
                match editor.read()? {
                    Input::Line(line) => {
                        exit_armed = false;
                        let flow = if is_command(&line) {
                            repl.command(&line).await?
                        } else {
                            repl.eval_input(&line).await?
                        };
                        if let Flow::Exit(code) = flow {
                            return Ok(code);
                        }
                    }
                    Input::Cleared => exit_armed = false,
                    Input::InterruptedEmpty if exit_armed => return Ok(repl.exit_code()),
                    Input::InterruptedEmpty => {
                        exit_armed = true;
                        repl.print("(To exit, press Ctrl+C again or Ctrl+D or type .exit)");
                    }
                    Input::End => return Ok(repl.exit_code()),
                }
            }
        })
    }

    enum Input {
        Line(String),
        /// Ctrl+C with something typed: the input was discarded.
        Cleared,
        /// Ctrl+C on an empty line.
        InterruptedEmpty,
        /// Ctrl+D.
        End,
    }

    /// rustyline with the REPL's helper and a persistent history.
    struct LineEditor {
        editor: Editor<ReplHelper, DefaultHistory>,
        history: Option<PathBuf>,
        /// Set by the Ctrl+C binding: whether the line was empty when it was pressed.
        ctrl_c_on_empty: Arc<AtomicBool>,
    }

    impl LineEditor {
        fn new(slot: SessionSlot) -> anyhow::Result<Self> {
            let config = Config::builder()
                .max_history_size(1000)
                .context("invalid history size")?
                .history_ignore_dups(true)
                .context("invalid history setting")?
                .completion_type(CompletionType::List)
                .auto_add_history(false)
                .build();
            let mut editor = Editor::with_config(config).context("cannot set up the line editor")?;
            editor.set_helper(Some(ReplHelper { slot }));
            let ctrl_c_on_empty = Arc::new(AtomicBool::new(false));
            editor.bind_sequence(
                KeyEvent::ctrl('C'),
                EventHandler::Conditional(Box::new(NoteEmptyLine(ctrl_c_on_empty.clone()))),
            );
            let history = history_path();
            if let Some(path) = &history {
                match editor.load_history(path) {
                    Ok(()) => {}
                    Err(ReadlineError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => eprintln!("warning: cannot read the REPL history {}: {e}", path.display()),
                }
            }
            Ok(LineEditor { editor, history, ctrl_c_on_empty })
        }

        fn read(&mut self) -> anyhow::Result<Input> {
            match self.editor.readline("> ") {
                Ok(line) => {
                    self.remember(&line);
                    Ok(Input::Line(line))
                }
                Err(ReadlineError::Interrupted) => Ok(if self.ctrl_c_on_empty.load(Ordering::SeqCst) {
                    Input::InterruptedEmpty
                } else {
                    Input::Cleared
                }),
                Err(ReadlineError::Eof) => Ok(Input::End),
                Err(e) => Err(anyhow!("cannot read input: {e}")),
            }
        }

        /// Adds a line to the history and appends it to the history file at once, so a session
        /// that ends abruptly keeps it (and concurrent sessions do not overwrite each other).
        fn remember(&mut self, line: &str) {
            if line.trim().is_empty() || !self.editor.add_history_entry(line).unwrap_or(false) {
                return;
            }
            let Some(path) = &self.history else { return };
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                let _ = std::fs::create_dir_all(dir);
            }
            if let Err(e) = self.editor.append_history(path) {
                let path = path.display();
                eprintln!("warning: cannot write the REPL history {path}: {e} (history is off for this session)");
                self.history = None;
            }
        }
    }

    /// `WASMCAP_REPL_HISTORY` (empty: no history file), else `<data dir>/wasmcap/repl_history`.
    fn history_path() -> Option<PathBuf> {
        match std::env::var_os("WASMCAP_REPL_HISTORY") {
            Some(path) if path.is_empty() => None,
            Some(path) => Some(PathBuf::from(path)),
            None => dirs::data_dir().map(|dir| dir.join("wasmcap").join("repl_history")),
        }
    }

    /// Records whether Ctrl+C was pressed on an empty line, then lets rustyline handle it.
    struct NoteEmptyLine(Arc<AtomicBool>);

    impl ConditionalEventHandler for NoteEmptyLine {
        fn handle(&self, _: &Event, _: RepeatCount, _: bool, ctx: &EventContext) -> Option<rustyline::Cmd> {
            self.0.store(ctx.line().is_empty(), Ordering::SeqCst);
            None
        }
    }

    /// Completion through the session's inspector, and multi-line input while brackets,
    /// strings, template literals or comments are open.
    struct ReplHelper {
        slot: SessionSlot,
    }

    impl Completer for ReplHelper {
        type Candidate = String;

        fn complete(
            &self,
            line: &str,
            pos: usize,
            _: &rustyline::Context<'_>,
        ) -> rustyline::Result<(usize, Vec<String>)> {
            Ok(match self.slot.borrow_mut().as_mut() {
                Some(session) => session.complete(line, pos),
                None => (pos, Vec::new()),
            })
        }
    }

    impl Validator for ReplHelper {
        fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
            let input = ctx.input();
            Ok(if is_command(input) || is_complete_input(input, self.slot.borrow_mut().as_mut()) {
                ValidationResult::Valid(None)
            } else {
                ValidationResult::Incomplete
            })
        }
    }

    impl Hinter for ReplHelper {
        type Hint = String;
    }

    impl Highlighter for ReplHelper {}

    impl Helper for ReplHelper {}
}

// --- completion targets ------------------------------------------------------------------

mod completion {
    /// What Tab completes: `partial` (the identifier before the cursor, from byte `start`) as a
    /// property of `object`, or as a global name when `object` is `None`.
    #[derive(Debug, PartialEq, Eq)]
    pub struct Target {
        pub start: usize,
        pub partial: String,
        pub object: Option<String>,
    }

    pub fn is_identifier_char(c: char) -> bool {
        c.is_alphanumeric() || c == '_' || c == '$'
    }

    pub fn is_identifier(name: &str) -> bool {
        let mut chars = name.chars();
        chars.next().is_some_and(|c| !c.is_numeric() && is_identifier_char(c)) && chars.all(is_identifier_char)
    }

    /// Finds the completion target at the end of `before` (the text before the cursor).
    pub fn target(before: &str) -> Option<Target> {
        let chars: Vec<(usize, char)> = before.char_indices().collect();
        let mut k = chars.len();
        while k > 0 && is_identifier_char(chars[k - 1].1) {
            k -= 1;
        }
        let start = chars.get(k).map_or(before.len(), |(i, _)| *i);
        let partial = before[start..].to_string();
        if partial.starts_with(|c: char| c.is_numeric()) {
            return None;
        }
        let char_at = |i: usize| chars[i].1;
        // A member access `x.partial` or `x?.partial`, but not a spread `...partial`.
        let is_member = k > 0 && char_at(k - 1) == '.' && !(k > 1 && char_at(k - 2) == '.');
        if !is_member {
            return Some(Target { start, partial, object: None });
        }
        let mut end = k - 1;
        if end > 0 && char_at(end - 1) == '?' {
            end -= 1;
        }
        // Walk back over the object expression: names, dots, and balanced (...), [...] and
        // string literals (`foo.bar[0]().baz`, `'text'.len`).
        let mut i = end;
        while i > 0 {
            let c = char_at(i - 1);
            if is_identifier_char(c) || c == '.' || (c == '?' && i < end && char_at(i) == '.') {
                i -= 1;
            } else if let Some(open) = matching_open(&chars[..i]) {
                i = open;
            } else {
                break;
            }
        }
        let object = before[chars.get(i).map_or(before.len(), |(b, _)| *b)..chars[end].0].to_string();
        if object.is_empty() || object.starts_with(|c: char| c.is_numeric()) {
            return None;
        }
        Some(Target { start, partial, object: Some(object) })
    }

    /// If `chars` ends with a closing bracket or quote, the index of its opening one.
    fn matching_open(chars: &[(usize, char)]) -> Option<usize> {
        let last = chars.last()?.1;
        if matches!(last, '\'' | '"' | '`') {
            return (0..chars.len() - 1).rev().find(|&j| chars[j].1 == last);
        }
        let open = match last {
            ')' => '(',
            ']' => '[',
            _ => return None,
        };
        let mut depth = 0;
        for j in (0..chars.len()).rev() {
            match chars[j].1 {
                c if c == last => depth += 1,
                c if c == open => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(j);
                    }
                }
                _ => {}
            }
        }
        None
    }
}

// --- when is an input complete? ------------------------------------------------------------

/// A rough JavaScript scanner: enough to tell whether brackets, strings, template literals
/// (with `${}` nesting), block comments or regular expression literals are still open at the end
/// of the input, i.e. whether Enter should ask for another line. It does not validate: anything
/// it cannot make sense of counts as complete, and V8 reports the error.
mod syntax {
    use super::completion::is_identifier_char;

    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    enum Open {
        Paren,
        Bracket,
        Brace,
        /// Inside a template literal's text.
        Template,
        /// Inside a template literal's `${...}`.
        Substitution,
    }

    /// Where the input ends.
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    enum End {
        Code,
        /// In a '...' or "..." string; `continued` if the last character is a line continuation.
        String { continued: bool },
        LineComment,
        BlockComment,
        Regex,
    }

    struct Scan {
        open: Vec<Open>,
        end: End,
        /// A closing bracket that matched nothing, or a string or regex cut by a newline.
        broken: bool,
    }

    /// Words after which a `/` starts a regular expression rather than a division.
    const BEFORE_EXPRESSION: &[&str] = &[
        "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do",
        "else", "yield", "await",
    ];

    fn scan(src: &str) -> Scan {
        let chars: Vec<char> = src.chars().collect();
        let n = chars.len();
        let mut open = Vec::new();
        let mut broken = false;
        // Whether a `/` here would start a regular expression (no operand just before it).
        let mut regex_allowed = true;
        let mut i = 0;
        while i < n {
            let c = chars[i];
            if open.last() == Some(&Open::Template) {
                match c {
                    '`' => {
                        open.pop();
                        regex_allowed = false;
                    }
                    '\\' => i += 1,
                    '$' if chars.get(i + 1) == Some(&'{') => {
                        open.push(Open::Substitution);
                        regex_allowed = true;
                        i += 1;
                    }
                    _ => {}
                }
                i += 1;
                continue;
            }
            match c {
                c if c.is_whitespace() => {}
                '(' | '[' | '{' => {
                    open.push(match c {
                        '(' => Open::Paren,
                        '[' => Open::Bracket,
                        _ => Open::Brace,
                    });
                    regex_allowed = true;
                }
                ')' | ']' | '}' => {
                    let closes_top = matches!(
                        (c, open.last()),
                        (')', Some(Open::Paren))
                            | (']', Some(Open::Bracket))
                            | ('}', Some(Open::Brace | Open::Substitution))
                    );
                    if closes_top {
                        open.pop();
                    } else {
                        broken = true;
                    }
                    regex_allowed = false;
                }
                '`' => open.push(Open::Template),
                '\'' | '"' => {
                    i += 1;
                    loop {
                        match chars.get(i) {
                            None => return Scan { open, end: End::String { continued: false }, broken },
                            Some('\\') if i + 1 == n => {
                                return Scan { open, end: End::String { continued: true }, broken };
                            }
                            Some('\\') => i += 2,
                            Some(&q) if q == c => break,
                            Some('\n') => {
                                broken = true;
                                break;
                            }
                            Some(_) => i += 1,
                        }
                    }
                    regex_allowed = false;
                }
                '/' if chars.get(i + 1) == Some(&'/') => match chars[i..].iter().position(|&c| c == '\n') {
                    Some(newline) => i += newline,
                    None => return Scan { open, end: End::LineComment, broken },
                },
                '/' if chars.get(i + 1) == Some(&'*') => {
                    match (i + 2..n.saturating_sub(1)).find(|&j| chars[j] == '*' && chars[j + 1] == '/') {
                        Some(star) => i = star + 1,
                        None => return Scan { open, end: End::BlockComment, broken },
                    }
                }
                '/' if regex_allowed => {
                    i += 1;
                    let mut in_class = false;
                    loop {
                        match chars.get(i) {
                            None => return Scan { open, end: End::Regex, broken },
                            Some('\\') => i += 2,
                            Some('[') => {
                                in_class = true;
                                i += 1;
                            }
                            Some(']') => {
                                in_class = false;
                                i += 1;
                            }
                            Some('/') if !in_class => break,
                            Some('\n') => {
                                broken = true;
                                break;
                            }
                            Some(_) => i += 1,
                        }
                    }
                    regex_allowed = false;
                }
                c if is_identifier_char(c) => {
                    let start = i;
                    // A name, keyword or number (with its decimal point: `1.5`).
                    let continues = |next: char| is_identifier_char(next) || (c.is_ascii_digit() && next == '.');
                    while i + 1 < n && continues(chars[i + 1]) {
                        i += 1;
                    }
                    let word: String = chars[start..=i].iter().collect();
                    regex_allowed = BEFORE_EXPRESSION.contains(&word.as_str());
                }
                _ => regex_allowed = true,
            }
            i += 1;
        }
        Scan { open, end: End::Code, broken }
    }

    /// Whether `input` is complete: Enter evaluates it rather than starting a new line.
    pub fn is_complete(input: &str) -> bool {
        let scan = scan(input);
        if scan.broken {
            return true;
        }
        match scan.end {
            End::BlockComment | End::String { continued: true } => false,
            End::String { continued: false } | End::Regex => true,
            End::Code | End::LineComment => scan.open.is_empty(),
        }
    }

    /// Whether the end of `input` is code (not in a string, comment, regex or template text):
    /// completion applies only there.
    pub fn in_code_at_end(input: &str) -> bool {
        let scan = scan(input);
        scan.end == End::Code && scan.open.last() != Some(&Open::Template)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn open_brackets_strings_and_comments_need_more_lines() {
            for input in [
                "function f() {",
                "[1,\n2,",
                "foo(",
                "`a ${",
                "`line one\n",
                "`a ${ {b: `c",
                "/* comment",
                "'abc\\",
                "if (x) { // }",
                "const re = /[)]/; (",
            ] {
                assert!(!is_complete(input), "{input:?} should be incomplete");
            }
        }

        #[test]
        fn balanced_or_broken_input_is_complete() {
            for input in [
                "1 + 1",
                "{a: 1}",
                "function f() { return `x${1}y`; }",
                "'unterminated",
                "foo())",
                "a / b / c",
                "x = /[/(]/.test('(')",
                "'(' + \"[\" + `{`",
                "// just a comment (",
                "/* done */ (1)",
                "",
            ] {
                assert!(is_complete(input), "{input:?} should be complete");
            }
        }

        #[test]
        fn completion_applies_only_in_code() {
            assert!(in_code_at_end("Math.ma"));
            assert!(in_code_at_end("`${Math.ma"));
            assert!(!in_code_at_end("'Math.ma"));
            assert!(!in_code_at_end("// Math.ma"));
            assert!(!in_code_at_end("`Math.ma"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::completion::{Target, target};
    use super::is_command;

    #[test]
    fn completion_targets() {
        let t = |object: Option<&str>, start: usize, partial: &str| {
            Some(Target { start, partial: partial.to_string(), object: object.map(str::to_string) })
        };
        assert_eq!(target("Math.ma"), t(Some("Math"), 5, "ma"));
        assert_eq!(target("x = Mat"), t(None, 4, "Mat"));
        assert_eq!(target("a.b[0]().c"), t(Some("a.b[0]()"), 9, "c"));
        assert_eq!(target("foo?.ba"), t(Some("foo"), 5, "ba"));
        assert_eq!(target("'abc'.len"), t(Some("'abc'"), 6, "len"));
        assert_eq!(target("[...Ma"), t(None, 4, "Ma"));
        assert_eq!(target("1.to"), None);
    }

    #[test]
    fn commands_are_dot_words_not_numbers() {
        assert!(is_command(".help"));
        assert!(is_command("  .load x.js"));
        assert!(!is_command(".5 + 1"));
        assert!(!is_command("a.b"));
    }
}
