//! One extension instance: a thread that owns one V8 isolate (a [`Runtime`] with the module
//! loaded) and serves calls sent to it as messages, one at a time.

use std::any::{Any, TypeId};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use deno_core::error::CoreErrorKind;
use deno_core::{ModuleSpecifier, PollEventLoopOptions, v8};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::{mpsc, oneshot};

use super::{CallError, HostOptions};
use crate::runtime::format_js_error;
use crate::{Options, Runtime, Script, Stopped};

type Reply = oneshot::Sender<Result<Box<dyn Any + Send>, CallError>>;
/// Makes the call's argument in the instance's isolate (`None`: no argument).
type MakeArgs = Box<dyn for<'s, 'i> FnOnce(&mut v8::PinScope<'s, 'i>) -> Result<Option<v8::Global<v8::Value>>, String> + Send>;
/// Turns the call's result into the Rust type the caller asked for.
type Decode =
    Box<dyn for<'s, 'i> FnOnce(&mut v8::PinScope<'s, 'i>, v8::Local<'s, v8::Value>) -> Result<Box<dyn Any + Send>, String> + Send>;

/// When a call started to run (waiting in the queue does not count against its deadline):
/// written by the instance's thread, read by the caller. No wake-up either way.
#[derive(Default)]
pub(super) struct Started(std::sync::OnceLock<std::time::Instant>);

impl Started {
    fn now(&self) {
        let _ = self.0.set(std::time::Instant::now());
    }

    pub(super) fn at(&self) -> Option<std::time::Instant> {
        self.0.get().copied()
    }
}

/// A call, sent to the instance's thread.
pub(super) struct Job {
    export: String,
    args: MakeArgs,
    decode: Decode,
    timeout: Duration,
    max_heap_mb: Option<usize>,
    /// When the instance took the call, for the caller's own deadline (see `Started`).
    started: Arc<Started>,
    reply: Reply,
}

impl Job {
    pub(super) fn call<A, R>(
        export: String,
        args: A,
        timeout: Duration,
        max_heap_mb: Option<usize>,
        started: Arc<Started>,
        reply: Reply,
    ) -> Job
    where
        A: Serialize + Send + 'static,
        R: DeserializeOwned + Send + 'static,
    {
        let args: MakeArgs = Box::new(move |scope| {
            if TypeId::of::<A>() == TypeId::of::<()>() {
                return Ok(None);
            }
            let value = serde_v8::to_v8(scope, args).map_err(|e| format!("cannot pass the argument to JS: {e}"))?;
            Ok(Some(v8::Global::new(scope, value)))
        });
        let decode: Decode = Box::new(|scope, value| {
            serde_v8::from_v8::<R>(scope, value)
                .map(|r| Box::new(r) as Box<dyn Any + Send>)
                .map_err(|e| format!("the result is not a {}: {e}", std::any::type_name::<R>()))
        });
        Job { export, args, decode, timeout, max_heap_mb, started, reply }
    }
}

/// The calling side of an instance's thread.
pub(super) struct Worker {
    jobs: Option<mpsc::UnboundedSender<Job>>,
    pub(super) waiting: Arc<AtomicUsize>,
    pub(super) recycled: Arc<AtomicUsize>,
    pub(super) timeout: Duration,
    /// The isolate the thread runs now, to stop it on shutdown.
    isolate: Arc<Mutex<Option<v8::IsolateHandle>>>,
    /// The call running now (its `Started`), to tell a stuck instance from a busy one.
    running: Arc<Mutex<Option<Arc<Started>>>>,
    /// Replaced after it could not be stopped: its thread is left to end on its own.
    abandoned: std::sync::atomic::AtomicBool,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts the thread and loads the module in it; fails if the module does not load.
    pub(super) async fn start(path: PathBuf, options: HostOptions) -> Result<Worker, CallError> {
        let (jobs, queue) = mpsc::unbounded_channel();
        let (ready, loaded) = oneshot::channel();
        let waiting = Arc::new(AtomicUsize::new(0));
        let recycled = Arc::new(AtomicUsize::new(0));
        let isolate = Arc::new(Mutex::new(None));
        let running = Arc::new(Mutex::new(None));
        let timeout = options.timeout;
        let thread = {
            let shared = Shared { waiting: waiting.clone(), recycled: recycled.clone(), isolate: isolate.clone(), running: running.clone() };
            std::thread::Builder::new()
                .name("wasmcap-extension".into())
                .spawn(move || serve(path, options, queue, ready, shared))
                .map_err(|e| CallError::Load(format!("cannot start a thread: {e}")))?
        };
        let worker = Worker {
            jobs: Some(jobs),
            waiting,
            recycled,
            timeout,
            isolate,
            running,
            abandoned: std::sync::atomic::AtomicBool::new(false),
            thread: Some(thread),
        };
        loaded.await.map_err(|_| CallError::Gone)??;
        Ok(worker)
    }

    pub(super) fn send(&self, job: Job, queue: usize) -> Result<(), CallError> {
        let queued = self.waiting.fetch_add(1, Ordering::Relaxed);
        if queued >= queue {
            self.waiting.fetch_sub(1, Ordering::Relaxed);
            return Err(CallError::Busy { queued });
        }
        let jobs = self.jobs.as_ref().ok_or(CallError::Gone)?;
        jobs.send(job).map_err(|_| {
            self.waiting.fetch_sub(1, Ordering::Relaxed);
            CallError::Gone
        })
    }
}

impl Worker {
    /// Whether the thread is still running the call `started` marks.
    pub(super) fn is_running(&self, started: &Arc<Started>) -> bool {
        self.running.lock().unwrap_or_else(|e| e.into_inner()).as_ref().is_some_and(|r| Arc::ptr_eq(r, started))
    }

    pub(super) fn abandon(&self) {
        self.abandoned.store(true, Ordering::Relaxed);
    }

    pub(super) fn is_abandoned(&self) -> bool {
        self.abandoned.load(Ordering::Relaxed)
    }
}

impl Drop for Worker {
    /// Shutdown: no more calls, the running one stopped, the isolate disposed, the thread
    /// joined (unless it was abandoned: then it ends when V8 gets back to an interrupt check).
    fn drop(&mut self) {
        drop(self.jobs.take());
        if let Some(isolate) = self.isolate.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            isolate.terminate_execution();
        }
        if let Some(thread) = self.thread.take().filter(|_| !self.is_abandoned()) {
            let _ = thread.join();
        }
    }
}

/// What the instance's thread shares with its [`Worker`].
struct Shared {
    waiting: Arc<AtomicUsize>,
    recycled: Arc<AtomicUsize>,
    isolate: Arc<Mutex<Option<v8::IsolateHandle>>>,
    running: Arc<Mutex<Option<Arc<Started>>>>,
}

/// The instance's thread: load, then serve calls until every handle is gone.
fn serve(
    path: PathBuf,
    options: HostOptions,
    mut queue: mpsc::UnboundedReceiver<Job>,
    ready: oneshot::Sender<Result<(), CallError>>,
    shared: Shared,
) {
    let Shared { waiting, recycled, isolate, running } = shared;
    let tokio = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(tokio) => tokio,
        Err(e) => {
            let _ = ready.send(Err(CallError::Load(format!("cannot start an event loop: {e}"))));
            return;
        }
    };
    tokio.block_on(async {
        let publish = |instance: &mut Instance| {
            *isolate.lock().unwrap_or_else(|e| e.into_inner()) =
                Some(instance.runtime.js_runtime().v8_isolate().thread_safe_handle());
        };
        let mut instance: Result<Instance, CallError> = match Instance::load(&path, &options).await {
            Ok(mut instance) => {
                publish(&mut instance);
                let _ = ready.send(Ok(()));
                Ok(instance)
            }
            Err(e) => {
                let _ = ready.send(Err(e));
                return;
            }
        };
        while let Some(job) = queue.recv().await {
            waiting.fetch_sub(1, Ordering::Relaxed);
            job.started.now();
            let current = match instance.as_mut() {
                Ok(current) => current,
                Err(why) => {
                    let _ = job.reply.send(Err(why.clone()));
                    continue;
                }
            };
            *running.lock().unwrap_or_else(|e| e.into_inner()) = Some(job.started.clone());
            current.runtime.set_work_heap_limit_mb(job.max_heap_mb);
            let result = current.call(&job.export, job.args, job.decode, job.timeout).await;
            current.runtime.set_work_heap_limit_mb(None);
            *running.lock().unwrap_or_else(|e| e.into_inner()) = None;
            let stopped = matches!(result, Err(CallError::Stopped(_)));
            let _ = job.reply.send(result);
            if stopped {
                // A stopped isolate may hold anything (a half-built object graph, a promise
                // that will never settle): start over from the snapshot.
                *isolate.lock().unwrap_or_else(|e| e.into_inner()) = None;
                drop(instance);
                instance = Instance::load(&path, &options).await;
                if let Ok(fresh) = instance.as_mut() {
                    publish(fresh);
                }
                recycled.fetch_add(1, Ordering::Relaxed);
            }
        }
        *isolate.lock().unwrap_or_else(|e| e.into_inner()) = None;
    });
}

/// A runtime with the extension's module evaluated, and the module's exports.
struct Instance {
    runtime: Runtime,
    exports: v8::Global<v8::Object>,
}

impl Instance {
    async fn load(path: &std::path::Path, options: &HostOptions) -> Result<Instance, CallError> {
        let load_error = |e: &dyn std::fmt::Display| CallError::Load(format!("{}: {e}", path.display()));
        let mut runtime = Runtime::new(Options {
            script: Script::File(path.to_path_buf()),
            seed: options.seed,
            permissions: options.permissions.clone(),
            max_heap_mb: options.max_heap_mb,
            extensions: options.extensions.as_ref().map(|make| make()).unwrap_or_default(),
            ..Default::default()
        })
        .map_err(|e| load_error(&e))?;
        let specifier = ModuleSpecifier::from_file_path(path).map_err(|_| load_error(&"not an absolute path"))?;
        let guard = runtime.guard(Some(options.timeout));
        let loaded = tokio::time::timeout(options.timeout, async {
            let js = runtime.js_runtime();
            let id = js.load_main_es_module(&specifier).await?;
            let evaluation = js.mod_evaluate(id);
            js.with_event_loop_promise(Box::pin(evaluation), PollEventLoopOptions::default()).await?;
            js.get_module_namespace(id)
        })
        .await;
        drop(guard);
        if let Some(why) = runtime.stopped() {
            return Err(load_error(&why));
        }
        match loaded {
            Ok(Ok(exports)) => Ok(Instance { runtime, exports }),
            Ok(Err(e)) => Err(load_error(&crate::format_core_error(&e))),
            Err(_) => Err(load_error(&Stopped::TimedOut(options.timeout))),
        }
    }

    async fn call(
        &mut self,
        export: &str,
        args: MakeArgs,
        decode: Decode,
        timeout: Duration,
    ) -> Result<Box<dyn Any + Send>, CallError> {
        let (function, args) = {
            let exports = self.exports.clone();
            let js = self.runtime.js_runtime();
            deno_core::scope!(scope, js);
            let exports = v8::Local::new(scope, exports);
            let key = v8::String::new(scope, export).ok_or_else(|| CallError::Conversion("export name too long".into()))?;
            let found = exports.get(scope, key.into());
            let function = found.and_then(|f| v8::Local::<v8::Function>::try_from(f).ok());
            let Some(function) = function else {
                let found = found.map_or("nothing".to_string(), |v| v.type_of(scope).to_rust_string_lossy(scope));
                let found = if found == "undefined" { "no such export".to_string() } else { format!("a {found}") };
                return Err(CallError::NotAFunction { export: export.to_string(), found });
            };
            let function = v8::Global::new(scope, function);
            (function, args(scope).map_err(CallError::Conversion)?)
        };
        let guard = self.runtime.guard(Some(timeout));
        let js = self.runtime.js_runtime();
        let call = js.call_with_args(&function, args.as_slice());
        let result =
            tokio::time::timeout(timeout, js.with_event_loop_promise(Box::pin(call), PollEventLoopOptions::default())).await;
        drop(guard);
        if result.is_err() {
            self.runtime.stop(Some(Stopped::TimedOut(timeout)));
        }
        if let Some(why) = self.runtime.stopped() {
            return Err(CallError::Stopped(why));
        }
        match result {
            Ok(Ok(value)) => {
                let js = self.runtime.js_runtime();
                deno_core::scope!(scope, js);
                let value = v8::Local::new(scope, value);
                decode(scope, value).map_err(CallError::Conversion)
            }
            Ok(Err(error)) => Err(match error.0.as_ref() {
                CoreErrorKind::PendingPromiseResolution => CallError::NeverSettles { export: export.to_string() },
                CoreErrorKind::Js(js_error) => CallError::Thrown {
                    name: js_error.name.clone().unwrap_or_else(|| "Error".into()),
                    message: js_error.message.clone().unwrap_or_else(|| js_error.exception_message.clone()),
                    stack: format_js_error(js_error).trim_start_matches("Uncaught ").to_string(),
                },
                other => CallError::Thrown { name: "Error".into(), message: other.to_string(), stack: other.to_string() },
            }),
            Err(_) => Err(CallError::Stopped(Stopped::TimedOut(timeout))),
        }
    }
}
