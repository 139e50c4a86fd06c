//! The runtime: one V8 isolate with wasmcap's prelude, ops and module loader.

mod coverage;
mod errors;
mod eval;
pub(crate) mod inspector;
mod limits;
mod script;
mod source_line;
mod sources;
mod style;

use std::rc::Rc;
use std::sync::Arc;
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;
use std::time::Duration;

use anyhow::{Context, anyhow};
use deno_core::error::{CoreError, CoreErrorKind};
use deno_core::{Extension, JsRuntime, ModuleSpecifier, PollEventLoopOptions, v8};
use deno_error::JsErrorBox;

pub use errors::{ScriptError, format_core_error, format_js_error, report};
pub use sources::{ImportSite, Sources};
pub use style::{stderr_color, stdout_color, use_color};
pub use limits::{Budget, GRACE, Stopped, resident_bytes};
pub use script::Script;
use errors::{not_in_promise, relative_stack_trace};
use eval::EvalForm;
use limits::{Armed, CountingAllocator, Guard, GuardPlan, StopSignal};

use crate::loader::{WasmcapLoader, display_path};
use crate::permissions::Permissions;
use wasmcap_extension::{Csprng, FsAccess, Output, ProcessState, wasmcap_runtime};

/// How to build a [`Runtime`]. `Options::default()` is a runtime for the REPL (no main script)
/// in the current directory, printing to the process's stdout/stderr, with OS randomness.
#[derive(Default)]
pub struct Options {
    /// What the runtime runs ([`Runtime::run`]): its path is `process.argv[1]`, and a file's
    /// directory is the tree from which it may import modules (see [`Script`]).
    pub script: Script,
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
    /// Memory budget in MiB (see `limits`): the V8 heap and ArrayBuffer memory are each capped
    /// at it; reaching the heap cap stops the script with [`Stopped::OutOfMemory`] instead of
    /// aborting the process, and an ArrayBuffer past it is a RangeError in the script.
    pub max_heap_mb: Option<usize>,
    /// Stops each run (`run`, `eval`) after this long, busy or waiting.
    pub timeout: Option<Duration>,
    /// This runtime is the only one in its process (the `wasmcap` CLI), so limits may act on the
    /// whole process: a script that has not stopped [`GRACE`] after its deadline or memory
    /// limit ends the process (exit 124 or 1, with the same message), V8's fatal out-of-memory
    /// exits 1 instead of aborting, and `max_heap_mb` also bounds the growth of the process's
    /// resident memory (which is where guest memories count). Leave it off in a host
    /// application that runs other work in the same process.
    pub owns_process: bool,
    /// The environment variables `process.env` shows (`--allow-env`): none by default.
    pub env: wasmcap_extension::EnvGrant,
    /// Collect V8's precise coverage of the modules loaded from files, and write it to a new
    /// file in this directory when the runtime is dropped (see [`crate::coverage`]).
    pub coverage: Option<std::path::PathBuf>,
}

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

/// The web platform's scripts that load on first use (streams...): see build.rs.
static RESIDUAL_LAZY_SCRIPTS: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/residual_lazy_scripts.rs"));

/// A heap limit below the isolate's, for the work in progress (see
/// `Runtime::set_work_heap_limit_mb`).
struct WorkHeap {
    limit_mb: AtomicUsize,
    stopped: StopSignal,
    isolate: v8::IsolateHandle,
}

/// After each garbage collection: past the work's own heap limit, stop the script.
unsafe extern "C" fn check_work_heap(
    isolate: v8::UnsafeRawIsolatePtr,
    _type: v8::GCType,
    _flags: v8::GCCallbackFlags,
    data: *mut std::ffi::c_void,
) {
    // SAFETY: `data` is the runtime's boxed WorkHeap, which outlives the isolate.
    let work = unsafe { &*(data as *const WorkHeap) };
    let limit_mb = work.limit_mb.load(Ordering::Relaxed);
    if limit_mb == 0 {
        return;
    }
    // SAFETY: V8 calls this on the isolate's own thread, with the isolate alive.
    let used = unsafe { v8::Isolate::from_raw_isolate_ptr(isolate) }.get_heap_statistics().used_heap_size();
    if used > limit_mb.saturating_mul(1 << 20) {
        work.stopped.stop(Stopped::OutOfMemory { limit_mb }, &work.isolate);
    }
}

/// Once per process, before the first isolate: V8's Wasm trap handler lets compiled Wasm use
/// guard pages instead of explicit bounds checks (deno_core does not enable it).
pub(crate) fn init_v8() {
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
    /// Declared before `js`: its inspector session must end before the isolate does.
    coverage: Option<coverage::Collector>,
    js: JsRuntime,
    /// What `run` runs (taken while it runs), and its module specifier.
    script: Script,
    main: ModuleSpecifier,
    output: Output,
    timeout: Option<Duration>,
    max_heap_mb: Option<usize>,
    owns_process: bool,
    /// Set by the heap-limit callback or the guard thread before they stop V8.
    stopped: StopSignal,
    /// ArrayBuffer memory held, against `max_heap_mb`.
    array_buffers: Arc<Budget>,
    /// Watches each run's limits (started at the first run that has any).
    guard: Option<Guard>,
    /// The limit of `set_work_heap_limit_mb`, read by the GC callback. Declared after `js`:
    /// it must outlive the isolate that calls back into it.
    work_heap: Box<WorkHeap>,
    /// The prelude's functions that only the host calls (js/prelude.js `start`): held here,
    /// never on anything a script can reach.
    host_hooks: v8::Global<v8::Object>,
    /// Module sources and failed imports, for the source line an error shows.
    sources: Sources,
}

impl Runtime {
    /// Creates a runtime. Call it inside a tokio runtime (V8 posts delayed tasks to it);
    /// the `Runtime` is `!Send` and stays on that thread.
    pub fn new(options: Options) -> anyhow::Result<Self> {
        init_v8();
        let cwd = std::env::current_dir().context("cannot read the current directory")?;
        let script = options.script;
        let main = script.specifier(&cwd)?;
        // Code that names no module of its own (the REPL's input) imports as the REPL would.
        let unnamed_referrer = Script::Repl.specifier(&cwd)?;
        let exec_path = std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_default();
        let mut argv = vec![exec_path, script.path(&cwd).display().to_string()];
        argv.extend(options.args);

        let csprng = match options.seed {
            Some(seed) => Csprng::seeded(seed),
            None => Csprng::Os,
        };
        let fs = FsAccess { permissions: options.permissions.clone(), cwd: cwd.clone() };
        let mut extensions = wasmcap_extension::web_platform_extensions();
        extensions.push(wasmcap_runtime::init(csprng, options.output.clone(), argv, fs));
        // Ops of host extensions are new to the snapshot: bind them (to `Deno.core.ops`).
        let skip_op_registration = options.extensions.is_empty();
        extensions.extend(options.extensions);
        let limit_bytes = options.max_heap_mb.map(|mb| mb.saturating_mul(1 << 20));
        let (allocator, array_buffers) = CountingAllocator::new(limit_bytes.unwrap_or(usize::MAX));
        let mut create_params = v8::CreateParams::default().array_buffer_allocator(allocator.make_shared());
        if let Some(bytes) = limit_bytes {
            create_params = create_params.heap_limits(0, bytes);
        }
        let sources = Sources::default();
        let loader = Rc::new(
            {
                let loader = WasmcapLoader::new(script.module_tree(), cwd.clone(), unnamed_referrer, options.permissions.read)
                    .recording_into(sources.clone());
                match script {
                    Script::File(_) => loader.with_main_file(main.clone()),
                    _ => loader,
                }
            },
        );
        let mut js = JsRuntime::new(deno_core::RuntimeOptions {
            module_loader: Some(loader.clone()),
            validate_import_attributes_cb: Some(Box::new(crate::loader::validate_import_attributes)),
            startup_snapshot: Some(SNAPSHOT),
            residual_lazy_js_sources: RESIDUAL_LAZY_SCRIPTS,
            // Lets structuredClone's `transfer` detach the buffers it moves (within this isolate).
            shared_array_buffer_store: Some(Default::default()),
            skip_op_registration,
            extensions,
            create_params: Some(create_params),
            ..Default::default()
        });
        // Before any module of the script is compiled: V8 counts blocks only in code compiled
        // after coverage started.
        let coverage = match options.coverage {
            Some(dir) => Some(coverage::Collector::start(&mut js, dir).context("cannot start collecting coverage")?),
            None => None,
        };
        js.op_state().borrow_mut().put(wasmcap_extension::RequireAccess(loader.packages()));
        limits::handle_fatal_oom(js.v8_isolate(), options.max_heap_mb, options.owns_process);
        let stopped = StopSignal::default();
        // Stack traces show paths relative to the current directory: stable, portable output.
        let cwd_url = ModuleSpecifier::from_directory_path(&cwd)
            .map_err(|_| anyhow!("the current directory {} is not a valid path", cwd.display()))?;
        js.op_state().borrow_mut().put(deno_core::error::InitialCwd(cwd_url.into()));
        // For failures the loader's callbacks see without the loader (import attributes).
        js.op_state().borrow_mut().put(sources.clone());
        js.op_state().borrow_mut().put(options.env);
        js.v8_isolate().set_prepare_stack_trace_callback(relative_stack_trace);
        // The prelude's per-process part (argv, clocks, hiding deno_core): see js/prelude.js.
        // It hands back the functions the host calls.
        let hooks = js
            .execute_script("ext:wasmcap_runtime/start.js", "__wasmcapStart()")
            .map_err(|e| anyhow!("the runtime failed to start: {}", format_js_error(&e)))?;
        let host_hooks = {
            deno_core::scope!(scope, &mut js);
            let hooks = v8::Local::new(scope, hooks);
            let hooks = v8::Local::<v8::Object>::try_from(hooks)
                .map_err(|_| anyhow!("the runtime failed to start: the prelude returned no host hooks"))?;
            v8::Global::new(scope, hooks)
        };
        let (stopped_for_gc, isolate_for_gc) = (stopped.clone(), js.v8_isolate().thread_safe_handle());
        let mut runtime = Runtime {
            coverage,
            js,
            script,
            main,
            output: options.output,
            timeout: options.timeout,
            max_heap_mb: options.max_heap_mb,
            owns_process: options.owns_process,
            stopped,
            array_buffers,
            guard: None,
            work_heap: Box::new(WorkHeap { limit_mb: AtomicUsize::new(0), stopped: stopped_for_gc, isolate: isolate_for_gc }),
            host_hooks,
            sources,
        };
        let data = std::ptr::from_ref::<WorkHeap>(&runtime.work_heap).cast_mut().cast();
        runtime.js.v8_isolate().add_gc_epilogue_callback(check_work_heap, data, v8::GCType::kGCTypeAll);
        runtime.watch_heap();
        Ok(runtime)
    }

    /// Near the heap limit V8 would abort the process. Instead: stop the script, and give V8
    /// room to unwind (the room is taken back by `recover`).
    fn watch_heap(&mut self) {
        let Some(limit_mb) = self.max_heap_mb else { return };
        let isolate = self.js.v8_isolate().thread_safe_handle();
        let stopped = self.stopped.clone();
        let array_buffers = self.array_buffers.clone();
        self.js.add_near_heap_limit_callback(move |current, _initial| {
            // V8 also calls this in its last-resort collection before it gives up on an
            // ArrayBuffer the budget refused; the heap itself is not full then, and the script
            // gets a RangeError instead.
            if array_buffers.take_refusal() {
                return current;
            }
            stopped.stop(Stopped::OutOfMemory { limit_mb }, &isolate);
            current.saturating_add(current.max(64 << 20))
        });
    }

    /// A heap limit for the work from now on, below the isolate's own (`None`: only that):
    /// e.g. for one call into an extension. Checked after each garbage collection; past it the
    /// script is stopped with [`Stopped::OutOfMemory`]. (Lowering V8's own limit after the
    /// isolate exists does not work: its heap was sized for the old one, and V8 collects
    /// garbage for seconds near the new limit instead of reaching it.)
    pub fn set_work_heap_limit_mb(&mut self, mb: Option<usize>) {
        self.work_heap.limit_mb.store(mb.unwrap_or(0), Ordering::Relaxed);
    }

    /// The underlying deno_core runtime, for hosts that need more than this API.
    pub fn js_runtime(&mut self) -> &mut JsRuntime {
        &mut self.js
    }

    pub fn output(&self) -> &Output {
        &self.output
    }

    /// ArrayBuffer memory the script holds now, in bytes.
    pub fn array_buffer_bytes(&self) -> usize {
        self.array_buffers.used()
    }

    /// Why the last run or evaluation was stopped, if it was.
    pub fn stopped(&self) -> Option<Stopped> {
        self.stopped.get()
    }

    /// Stops the running script from its own thread (a host's deadline that passed while the
    /// script waited): as the guard would. `None` does nothing.
    pub fn stop(&mut self, why: Option<Stopped>) {
        if let Some(why) = why {
            let isolate = self.js.v8_isolate().thread_safe_handle();
            self.stopped.stop(why, &isolate);
        }
    }

    /// Makes a runtime whose script was stopped usable again (the REPL goes on after a timeout
    /// or out-of-memory): lifts the pending termination, collects garbage, and restores the
    /// heap limit that the stop had raised to let V8 unwind. Returns why it had stopped.
    pub fn recover(&mut self) -> Option<Stopped> {
        let why = self.stopped.clear();
        if why.is_some() {
            self.js.v8_isolate().cancel_terminate_execution();
            self.js.v8_isolate().low_memory_notification();
            if let Some(mb) = self.max_heap_mb {
                self.js.remove_near_heap_limit_callback(mb.saturating_mul(1 << 20));
                self.watch_heap();
            }
        }
        why
    }

    /// Guards one run or evaluation with the runtime's deadline and memory limit (see
    /// `limits`); dropping the guard disarms it.
    pub fn guard(&mut self, deadline: Option<Duration>) -> Option<impl Drop + use<>> {
        if self.guard.is_none() {
            let isolate = self.js.v8_isolate().thread_safe_handle();
            self.guard = Guard::new(isolate, self.stopped.clone()).ok();
        }
        let plan = GuardPlan {
            deadline,
            rss_growth: self
                .max_heap_mb
                .filter(|_| self.owns_process)
                .map(|mb| ((mb as u64).saturating_mul(2 << 20), mb)),
            hard_stop: self.owns_process,
        };
        let armed: Option<Armed> = self.guard.as_ref()?.arm(plan);
        armed
    }

    /// Runs the runtime's script ([`Options::script`]) as the main ES module, then the event
    /// loop to completion. Returns the exit code (`process.exitCode` or `process.exit(n)`); an
    /// uncaught exception or unhandled rejection is an `Err` whose text is ready to print
    /// after `error: `.
    ///
    /// [`Script::Eval`] code runs through this same path (limits, error format, event loop)
    /// and its value is printed as `console.log` would (`node -p`): the completion value of a
    /// classic script, or the value of an expression that needs a module (`await ...`). Code
    /// that is neither (static `import` statements) runs as a module and prints nothing of its
    /// own.
    ///
    /// A script stopped by a limit (`Options::timeout`, `Options::max_heap_mb`) is an `Err`
    /// holding a [`Stopped`].
    pub async fn run(&mut self) -> anyhow::Result<i32> {
        // Taken for the run (the runtime is borrowed throughout), and put back.
        let script = std::mem::take(&mut self.script);
        let result = self.run_guarded(&script).await;
        self.script = script;
        result
    }

    async fn run_guarded(&mut self, script: &Script) -> anyhow::Result<i32> {
        let guard = self.guard(self.timeout);
        let result = match self.timeout {
            None => self.run_inner(script).await,
            // The guard stops busy JavaScript; tokio's timer stops idle waiting.
            Some(timeout) => tokio::time::timeout(timeout, self.run_inner(script))
                .await
                .unwrap_or_else(|_| {
                    let isolate = self.js.v8_isolate().thread_safe_handle();
                    self.stopped.stop(Stopped::TimedOut(timeout), &isolate);
                    Ok(())
                }),
        };
        // process.on("exit") listeners, under the same limits.
        let result = match result {
            Ok(()) if self.stopped.get().is_none() && !self.exit_status().0 => self.emit_exit().await,
            other => other,
        };
        drop(guard);
        if let Some(stopped) = self.stopped.get() {
            return Err(stopped.into());
        }
        let process = self.js.op_state().borrow().borrow::<ProcessState>().exit_requested;
        match result {
            _ if process => Ok(self.exit_code()),
            Ok(()) => Ok(self.exit_code()),
            Err(e) => Err(ScriptError::new(&e, &self.sources).into()),
        }
    }

    async fn run_inner(&mut self, script: &Script) -> Result<(), CoreError> {
        let specifier = self.main.clone();
        // Code without a file is not loaded by the loader: keep its text for error lines here.
        if let Script::Code { code, .. } | Script::Stdin(code) | Script::Eval(code) = script {
            self.sources.add(specifier.as_str(), code.as_str().into());
        }
        let mut print_default_export = false;
        let id = match script {
            Script::Eval(code) => match self.eval_form(code, specifier.as_str()) {
                EvalForm::Script => {
                    let value = self
                        .js
                        .execute_script(specifier.to_string(), code.clone())
                        .map_err(|e| CoreError::from(CoreErrorKind::Js(e)))?;
                    self.print_inspected(value);
                    return self.js.run_event_loop(PollEventLoopOptions::default()).await;
                }
                EvalForm::Expression(wrapped) => {
                    print_default_export = true;
                    // What V8 compiles, and so what its line numbers count.
                    self.sources.add(specifier.as_str(), wrapped.as_str().into());
                    self.js.load_main_es_module_from_code(&specifier, wrapped).await?
                }
                EvalForm::Module => self.js.load_main_es_module_from_code(&specifier, code.clone()).await?,
            },
            Script::File(path) => {
                if !path.is_file() {
                    let message = format!("module not found: '{}'", display_path(path));
                    return Err(CoreErrorKind::JsBox(JsErrorBox::new("NotFound", message)).into_box());
                }
                self.js.load_main_es_module(&specifier).await?
            }
            Script::Code { code, .. } | Script::Stdin(code) => {
                self.js.load_main_es_module_from_code(&specifier, code.clone()).await?
            }
            Script::Repl => {
                let message = "this runtime has no script to run (its Options::script is Script::Repl)";
                return Err(CoreErrorKind::JsBox(JsErrorBox::generic(message)).into_box());
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
                    if print_default_export {
                        self.print_default_export(id);
                    }
                }
            }
            match self.js.poll_event_loop(cx, PollEventLoopOptions::default()) {
                Poll::Ready(Ok(())) if !evaluated => match evaluation.as_mut().poll(cx) {
                    Poll::Ready(result) => Poll::Ready(result.map_err(not_in_promise)),
                    Poll::Pending => Poll::Ready(Err(CoreErrorKind::JsBox(JsErrorBox::generic(
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

    /// Runs the script's "exit" listeners (js/process_io.js) once its event loop is done.
    async fn emit_exit(&mut self) -> Result<(), CoreError> {
        let Ok(hook) = self.host_hook("emitExit") else { return Ok(()) };
        self.js.call(&hook).await.map(|_| ()).map_err(|e| CoreError::from(CoreErrorKind::Js(e)))
    }

    fn exit_code(&self) -> i32 {
        self.js.op_state().borrow().borrow::<ProcessState>().exit_code
    }

    /// One of the prelude's host-only functions (`inspect`, `inspectForPrint`).
    fn host_hook(&mut self, name: &str) -> anyhow::Result<v8::Global<v8::Function>> {
        deno_core::scope!(scope, &mut self.js);
        let hooks = v8::Local::new(scope, &self.host_hooks);
        let key = v8::String::new(scope, name).ok_or_else(|| anyhow!("no host hook {name}"))?;
        let hook = hooks.get(scope, key.into()).ok_or_else(|| anyhow!("no host hook {name}"))?;
        let hook = v8::Local::<v8::Function>::try_from(hook).map_err(|_| anyhow!("no host hook {name}"))?;
        Ok(v8::Global::new(scope, hook))
    }

    /// Evaluates `function_source` (a function expression, host code: not a script's) and calls
    /// it with the prelude's `inspect`, which scripts cannot reach: how the REPL installs hooks
    /// that print values as `console.log` does.
    pub fn call_with_inspect(&mut self, function_source: &'static str) -> anyhow::Result<()> {
        let inspect = self.host_hook("inspect")?;
        let function = self
            .js
            .execute_script("<wasmcap>", function_source)
            .map_err(|e| anyhow!("{}", format_js_error(&e)))?;
        deno_core::scope!(scope, &mut self.js);
        v8::tc_scope!(let scope, scope);
        let function = v8::Local::new(scope, function);
        let function = v8::Local::<v8::Function>::try_from(function)
            .map_err(|_| anyhow!("the host code is not a function expression"))?;
        let inspect = v8::Local::new(scope, inspect);
        let undefined = v8::undefined(scope).into();
        if function.call(scope, undefined, &[inspect.into()]).is_none() {
            let message = scope.exception().map(|e| e.to_rust_string_lossy(scope)).unwrap_or_default();
            return Err(anyhow!("the host code threw: {message}"));
        }
        Ok(())
    }

    /// Writes the coverage collected so far (with [`Options::coverage`]) and stops collecting;
    /// dropping the runtime does the same, printing a warning if it fails.
    pub fn write_coverage(&mut self) -> anyhow::Result<()> {
        let Some(mut collector) = self.coverage.take() else { return Ok(()) };
        // A stopped script (process.exit, a limit) leaves V8 terminating: the inspector runs no
        // script, but let it work on a settled isolate.
        self.js.v8_isolate().cancel_terminate_execution();
        collector.write(&self.sources).map(|_| ())
    }

    /// Whether the script called `process.exit()`, and the exit code it asked for.
    pub fn exit_status(&self) -> (bool, i32) {
        let state = self.js.op_state();
        let state = state.borrow();
        let process = state.borrow::<ProcessState>();
        (process.exit_requested, process.exit_code)
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Err(e) = self.write_coverage() {
            eprintln!("warning: the coverage of this run was not written: {e:#}");
        }
    }
}
