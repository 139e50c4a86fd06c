//! The runtime: one V8 isolate with wasmcap's prelude, ops and module loader.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::task::Poll;
use std::time::Duration;

use anyhow::{Context, anyhow};
use deno_core::error::{CoreError, CoreErrorKind, ErrorElement, ErrorFormat, JsError, format_frame, format_location};
use deno_core::{Extension, JsRuntime, ModuleSpecifier, PollEventLoopOptions, v8};

use crate::loader::{WasmcapLoader, display_path};
use crate::ops::{Csprng, FsAccess, Output, ProcessState, wasmcap_runtime};
use crate::permissions::Permissions;

/// How to build a [`Runtime`]. `Options::default()` is a runtime for a script in the current
/// directory, printing to the process's stdout/stderr, with OS randomness.
#[derive(Default)]
pub struct Options {
    /// The main script's absolute path: `process.argv[1]`, and the root of the directory
    /// tree from which it may import modules (its parent directory).
    pub script: Option<PathBuf>,
    /// `process.argv[2..]`.
    pub args: Vec<String>,
    /// Makes the CSPRNG a deterministic ChaCha20 DRBG. Insecure: for golden tests only.
    pub seed: Option<u64>,
    pub output: Output,
    /// Extensions of the host application: its own ops (see `examples/embed.rs`).
    ///
    /// Every runtime starts from wasmcap's startup snapshot, whose `ext:core/ops` module was
    /// fixed when wasmcap was built: an extension's JS takes its ops from `core.ops` instead
    /// (`import { core } from "ext:core/mod.js"; const { op_mine } = core.ops;`).
    pub extensions: Vec<Extension>,
    /// File access for `wasmcap:fs` (and imports from outside the script's tree, and of JSON).
    pub permissions: Permissions,
    /// V8 heap limit in MiB: reaching it stops the script with an "out of memory" error
    /// instead of aborting the process.
    pub max_heap_mb: Option<usize>,
    /// Stops the script after this long, busy or waiting.
    pub timeout: Option<Duration>,
}

/// Why a script was stopped from outside: the error `Runtime::run` returns then (find it
/// with `error.downcast_ref::<Stopped>()`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stopped {
    TimedOut(Duration),
    OutOfMemory { limit_mb: usize },
}

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stopped::TimedOut(after) => {
                write!(f, "timed out: the script was stopped after {} s (--timeout)", after.as_secs_f64())
            }
            Stopped::OutOfMemory { limit_mb } => write!(
                f,
                "out of memory: the script's JavaScript heap reached its {limit_mb} MB limit (raise it with --max-heap)"
            ),
        }
    }
}

impl std::error::Error for Stopped {}

/// Caps every guest's linear memory (all `WebAssembly.Memory` objects) at `mb` MiB. V8 takes
/// this as a process-wide flag, so it applies to every runtime and must be set before the
/// first one is created; later calls have no effect and return false.
pub fn set_max_guest_memory_mb(mb: usize) -> bool {
    let pages = (mb.saturating_mul(16)).max(1); // 64 KiB pages
    MAX_GUEST_PAGES.compare_exchange(0, pages, Ordering::SeqCst, Ordering::SeqCst).is_ok() && !V8_STARTED.is_completed()
}

static MAX_GUEST_PAGES: AtomicUsize = AtomicUsize::new(0);
static V8_STARTED: Once = Once::new();

/// The V8 heap right after the prelude has run, made at build time by build.rs: a runtime
/// starts from it instead of evaluating the prelude again.
static SNAPSHOT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/wasmcap.snap"));

/// A script to run: a file, or source code with a name (stdin, `eval`).
pub enum Script {
    File(PathBuf),
    Code { name: PathBuf, code: String },
}

impl Script {
    pub fn path(&self) -> &Path {
        match self {
            Script::File(path) => path,
            Script::Code { name, .. } => name,
        }
    }
}

/// The directory tree a script may import JavaScript modules from: a script file's own
/// directory. Code that has no file (stdin, `eval`, the REPL, named `$stdin.js`, `$eval.js`
/// and `$repl.js` in the current directory) has none: it imports files only under
/// `--allow-read`, or a script piped in from $HOME could import all of it.
fn module_tree(script: &Path) -> Option<PathBuf> {
    let name = script.file_name().and_then(|n| n.to_str());
    if matches!(name, Some("$stdin.js" | "$eval.js" | "$repl.js")) {
        return None;
    }
    script.parent().map(Path::to_path_buf)
}

/// Once per process, before the first isolate: V8's Wasm trap handler lets compiled Wasm use
/// guard pages instead of explicit bounds checks (deno_core does not enable it).
fn init_v8() {
    V8_STARTED.call_once(|| {
        v8::V8::enable_web_assembly_trap_handler(true);
        let pages = MAX_GUEST_PAGES.load(Ordering::SeqCst);
        if pages > 0 {
            v8::V8::set_flags_from_string(&format!("--wasm-max-mem-pages={pages}"));
        }
        JsRuntime::init_platform(None);
    });
}

pub struct Runtime {
    js: JsRuntime,
    output: Output,
    timeout: Option<Duration>,
    /// Set by the heap-limit callback or the timeout watchdog before they stop V8.
    stopped: Arc<Mutex<Option<Stopped>>>,
}

impl Runtime {
    /// Creates a runtime. Call it inside a tokio runtime (V8 posts delayed tasks to it);
    /// the `Runtime` is `!Send` and stays on that thread.
    pub fn new(options: Options) -> anyhow::Result<Self> {
        init_v8();
        let cwd = std::env::current_dir().context("cannot read the current directory")?;
        let script = options.script.unwrap_or_else(|| cwd.join("$repl.js"));
        let tree = module_tree(&script);
        let exec_path = std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_default();
        let mut argv = vec![exec_path, script.display().to_string()];
        argv.extend(options.args);

        let csprng = match options.seed {
            Some(seed) => Csprng::seeded(seed),
            None => Csprng::Os,
        };
        let fs = FsAccess { permissions: options.permissions.clone(), cwd: cwd.clone() };
        let mut extensions = vec![wasmcap_runtime::init(csprng, options.output.clone(), argv, fs)];
        // Ops of host extensions are new to the snapshot: bind them (to `Deno.core.ops`).
        let skip_op_registration = options.extensions.is_empty();
        extensions.extend(options.extensions);
        let create_params = options
            .max_heap_mb
            .map(|mb| v8::CreateParams::default().heap_limits(0, mb.saturating_mul(1 << 20)));
        let mut js = JsRuntime::new(deno_core::RuntimeOptions {
            module_loader: Some(Rc::new(WasmcapLoader::new(tree, cwd.clone(), options.permissions.read))),
            validate_import_attributes_cb: Some(Box::new(crate::loader::validate_import_attributes)),
            startup_snapshot: Some(SNAPSHOT),
            skip_op_registration,
            extensions,
            create_params,
            ..Default::default()
        });
        let stopped = Arc::new(Mutex::new(None));
        if let Some(limit_mb) = options.max_heap_mb {
            // Near the limit V8 would abort the process. Instead: stop the script, and give
            // V8 room to unwind.
            let isolate = js.v8_isolate().thread_safe_handle();
            let stopped = stopped.clone();
            js.add_near_heap_limit_callback(move |current, _initial| {
                stopped.lock().unwrap().get_or_insert(Stopped::OutOfMemory { limit_mb });
                isolate.terminate_execution();
                current.saturating_mul(2)
            });
        }
        // Stack traces show paths relative to the current directory: stable, portable output.
        let cwd_url = ModuleSpecifier::from_directory_path(&cwd)
            .map_err(|_| anyhow!("the current directory {} is not a valid path", cwd.display()))?;
        js.op_state().borrow_mut().put(deno_core::error::InitialCwd(cwd_url.into()));
        js.v8_isolate().set_prepare_stack_trace_callback(relative_stack_trace);
        // The prelude's per-process part (argv, clocks, hiding deno_core): see js/prelude.js.
        js.execute_script("ext:wasmcap_runtime/start.js", "__wasmcapStart()")
            .map_err(|e| anyhow!("the runtime failed to start: {}", format_js_error(&e)))?;
        Ok(Runtime { js, output: options.output, timeout: options.timeout, stopped })
    }

    /// The underlying deno_core runtime, for hosts that need more than this API.
    pub fn js_runtime(&mut self) -> &mut JsRuntime {
        &mut self.js
    }

    pub fn output(&self) -> &Output {
        &self.output
    }

    /// Runs `script` as the main ES module, then the event loop to completion. Returns the
    /// exit code (`process.exitCode` or `process.exit(n)`); an uncaught exception or
    /// unhandled rejection is an `Err` whose text is ready to print after `error: `.
    ///
    /// A script stopped by a limit (`Options::timeout`, `Options::max_heap_mb`) is an `Err`
    /// holding a [`Stopped`].
    pub async fn run(&mut self, script: &Script) -> anyhow::Result<i32> {
        let result = match self.timeout {
            None => self.run_inner(script).await,
            Some(timeout) => {
                // A watchdog thread stops busy JavaScript; tokio's timer stops idle waiting.
                let isolate = self.js.v8_isolate().thread_safe_handle();
                let stopped = self.stopped.clone();
                let (finished, wait) = std::sync::mpsc::channel::<()>();
                let watchdog = std::thread::spawn(move || {
                    if wait.recv_timeout(timeout) == Err(std::sync::mpsc::RecvTimeoutError::Timeout) {
                        stopped.lock().unwrap().get_or_insert(Stopped::TimedOut(timeout));
                        isolate.terminate_execution();
                    }
                });
                let result = tokio::time::timeout(timeout, self.run_inner(script)).await;
                drop(finished);
                let _ = watchdog.join();
                result.unwrap_or_else(|_| {
                    self.stopped.lock().unwrap().get_or_insert(Stopped::TimedOut(timeout));
                    Ok(())
                })
            }
        };
        if let Some(stopped) = *self.stopped.lock().unwrap() {
            return Err(stopped.into());
        }
        let process = self.js.op_state().borrow().borrow::<ProcessState>().exit_requested;
        match result {
            _ if process => Ok(self.exit_code()),
            Ok(()) => Ok(self.exit_code()),
            Err(e) => Err(anyhow!(format_core_error(&e))),
        }
    }

    async fn run_inner(&mut self, script: &Script) -> Result<(), CoreError> {
        let specifier = ModuleSpecifier::from_file_path(script.path()).map_err(|_| {
            CoreErrorKind::Io(std::io::Error::other(format!("{} is not an absolute path", script.path().display())))
                .into_box()
        })?;
        let id = match script {
            Script::File(path) => {
                if !path.is_file() {
                    return Err(CoreErrorKind::Io(std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        format!("module not found: '{}'", display_path(path)),
                    ))
                    .into_box());
                }
                self.js.load_main_es_module(&specifier).await?
            }
            Script::Code { code, .. } => {
                self.js.load_main_es_module_from_code(&specifier, code.clone()).await?
            }
        };
        // A throw in the module body rejects its evaluation promise; report that as a plain
        // "Uncaught" error, and keep "(in promise)" for rejections nobody handled.
        let mut evaluation = std::pin::pin!(self.js.mod_evaluate(id));
        let mut evaluated = false;
        std::future::poll_fn(|cx| {
            if !evaluated {
                if let Poll::Ready(result) = evaluation.as_mut().poll(cx) {
                    result.map_err(not_in_promise)?;
                    evaluated = true;
                }
            }
            match self.js.poll_event_loop(cx, PollEventLoopOptions::default()) {
                Poll::Ready(Ok(())) if !evaluated => match evaluation.as_mut().poll(cx) {
                    Poll::Ready(result) => Poll::Ready(result.map_err(not_in_promise)),
                    Poll::Pending => Poll::Ready(Err(CoreErrorKind::Io(std::io::Error::other(
                        "top-level await never resolved: the module waits on a promise that nothing will settle",
                    ))
                    .into_box())),
                },
                // deno_core reports a throw in the module body as an unhandled rejection. It is
                // one when the module has settled without being fulfilled (the prelude's main
                // module handler runs only on fulfilment).
                Poll::Ready(Err(e)) => {
                    let settled = evaluated || evaluation.as_mut().poll(cx).is_ready();
                    let fulfilled = self.js.op_state().borrow().borrow::<ProcessState>().main_evaluated;
                    Poll::Ready(Err(if settled && !fulfilled { not_in_promise(e) } else { e }))
                }
                Poll::Ready(Ok(())) => Poll::Ready(Ok(())),
                Poll::Pending => Poll::Pending,
            }
        })
        .await
    }

    fn exit_code(&self) -> i32 {
        self.js.op_state().borrow().borrow::<ProcessState>().exit_code
    }

    /// Evaluates `code` as a classic script (like `node -p`), runs the event loop, and returns
    /// the completion value formatted as `console.log` would print it.
    pub async fn eval_to_string(&mut self, code: &str) -> anyhow::Result<String> {
        let result = async {
            let value = self.js.execute_script("$eval.js", code.to_string())?;
            let inspect = self.js.execute_script(
                "<wasmcap>",
                "globalThis[Symbol.for('wasmcap.internal')].inspectForPrint",
            )?;
            let inspected = {
                deno_core::scope!(scope, &mut self.js);
                let inspect = v8::Local::new(scope, inspect);
                let inspect = v8::Local::<v8::Function>::try_from(inspect)
                    .map_err(|_| CoreErrorKind::Io(std::io::Error::other("prelude is missing")).into_box())?;
                let value = v8::Local::new(scope, value);
                let undefined = v8::undefined(scope).into();
                let text = inspect.call(scope, undefined, &[value]);
                text.map(|t| t.to_rust_string_lossy(scope)).unwrap_or_default()
            };
            self.js.run_event_loop(PollEventLoopOptions::default()).await?;
            Ok::<_, CoreError>(inspected)
        }
        .await;
        let exit_requested = self.js.op_state().borrow().borrow::<ProcessState>().exit_requested;
        match result {
            Ok(text) => Ok(text),
            Err(_) if exit_requested => Ok(String::new()),
            Err(e) => Err(anyhow!(format_core_error(&e))),
        }
    }

    /// Whether the script called `process.exit()`, and the exit code it asked for.
    pub fn exit_status(&self) -> (bool, i32) {
        let state = self.js.op_state();
        let state = state.borrow();
        let process = state.borrow::<ProcessState>();
        (process.exit_requested, process.exit_code)
    }
}

/// Formats an error the way `wasmcap` prints it after `error: `: the exception with its stack,
/// paths relative to the current directory.
pub fn format_core_error(error: &CoreError) -> String {
    match error.0.as_ref() {
        CoreErrorKind::Js(js_error) => format_js_error(js_error),
        other => other.to_string(),
    }
}

pub fn format_js_error(error: &JsError) -> String {
    let cwd = std::env::current_dir().ok().and_then(|d| ModuleSpecifier::from_directory_path(d).ok());
    let mut text = error.exception_message.clone();
    let is_syntax_error = error.name.as_deref() == Some("SyntaxError") || error.exception_message.starts_with("Uncaught SyntaxError");
    for frame in error.frames.iter().filter(|f| !is_internal_frame(f)) {
        text.push_str("\n    at ");
        if is_syntax_error && frame.function_name.is_none() {
            // A parse error has a position, not a caller: `file:line:col`.
            text.push_str(&format_location::<Relative>(frame, cwd.as_ref()));
        } else {
            text.push_str(&format_frame::<Relative>(frame, cwd.as_ref()));
        }
    }
    if let Some(cause) = &error.cause {
        text.push_str("\nCaused by: ");
        text.push_str(&format_js_error(cause).trim_start_matches("Uncaught ").to_string());
    }
    text
}

fn not_in_promise(mut error: CoreError) -> CoreError {
    if let CoreErrorKind::Js(js_error) = error.0.as_mut() {
        if let Some(rest) = js_error.exception_message.strip_prefix("Uncaught (in promise) ") {
            js_error.exception_message = format!("Uncaught {rest}");
        }
    }
    error
}

/// Frames in the runtime's own JS (the prelude, the `wasmcap:` modules) are hidden from stack
/// traces: an error reads as thrown where the script called the API, and golden files do not
/// change with every release of the shim.
fn is_internal_frame(frame: &deno_core::error::JsStackFrame) -> bool {
    frame.file_name.as_deref().is_some_and(|f| f.starts_with("ext:") || f.starts_with("wasmcap:"))
}

fn is_internal_frame_line(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("at ")
        && ["(ext:", "(wasmcap:", "at ext:", "at wasmcap:"].iter().any(|marker| line.contains(marker))
}

/// Formats stack frames with file paths relative to the current directory (deno_core prints
/// the directory part separately, for colouring: drop it).
struct Relative;

impl ErrorFormat for Relative {
    fn fmt_element(element: ErrorElement, _in_extension_code: bool, s: &str) -> Cow<'_, str> {
        match element {
            ErrorElement::WorkingDirPath => Cow::Borrowed(""),
            _ => Cow::Borrowed(s),
        }
    }
}

/// deno_core's `Error.prepareStackTrace` callback, with the current directory's URL stripped
/// from the result, so that `error.stack` (and so `console.log(error)`) shows relative paths.
fn relative_stack_trace<'s, 'i>(
    scope: &mut v8::PinScope<'s, 'i>,
    error: v8::Local<'s, v8::Value>,
    callsites: v8::Local<'s, v8::Array>,
) -> v8::Local<'s, v8::Value> {
    let stack = deno_core::error::prepare_stack_trace_callback(scope, error, callsites);
    let Some(cwd) = JsRuntime::op_state_from(scope)
        .borrow()
        .try_borrow::<deno_core::error::InitialCwd>()
        .map(|c| c.0.to_string())
    else {
        return stack;
    };
    if !stack.is_string() {
        return stack;
    }
    let text = stack.to_rust_string_lossy(scope);
    // Also drop frames inside the runtime's own JS (see `is_internal_frame`).
    let relative: Vec<&str> = text.split('\n').filter(|line| !is_internal_frame_line(line)).collect();
    let relative = relative.join("\n").replace(&cwd, "");
    v8::String::new(scope, &relative).map(Into::into).unwrap_or(stack)
}
