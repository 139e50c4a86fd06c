//! The extension host: a Rust application loads each extension (an ES module) once, then calls
//! the functions it exports, with typed values, from any tokio task, and survives an extension
//! that loops, leaks, throws or never answers.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use wasmcap::host::{CallLimits, Host, HostOptions};
//!
//! #[derive(serde::Serialize)]
//! struct Message { from: String, text: String }
//! #[derive(serde::Deserialize, Debug)]
//! struct Reply { text: String, words: u32 }
//!
//! let host = Host::new(HostOptions::default());
//! let greeter = host.load("plugins/greeter.js").await?;   // its exports are its API
//! let reply: Reply = greeter.call("onMessage", Message { from: "ann".into(), text: "hi".into() }).await?;
//! let count: u32 = greeter.call("count", ()).await?;       // () passes no argument
//! let slow: Option<String> = greeter
//!     .call_with("slow", 5u32, CallLimits { timeout: Some(std::time::Duration::from_millis(50)), max_heap_mb: Some(16) })
//!     .await
//!     .ok();
//! # let _ = (reply, count, slow); Ok(()) }
//! ```
//!
//! Each extension instance is one V8 isolate on a thread of its own (isolates are `!Send`;
//! calls are messages to that thread), with its own permissions, limits, globals and guest
//! memory: extensions cannot see each other. A call past its deadline is terminated wherever it
//! is (a busy loop, an awaited promise, `Atomics.wait`) and returns [`CallError::Stopped`];
//! a call that runs the isolate out of memory does too, and the process goes on. An instance
//! stopped by a limit is *recycled*: a fresh isolate from the startup snapshot, the module
//! loaded again (module state starts over), before it serves the next call.
//! [`Host::load_pool`] spreads the calls of one extension over several instances.

mod instance;

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use deno_core::Extension as HostExtension;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::oneshot;

use crate::Permissions;
pub use crate::runtime::Stopped;
use instance::{Job, Started, Worker};

/// How long after a call's deadline the caller stops waiting for an instance that did not stop.
const CALLER_MARGIN: Duration = Duration::from_millis(50);

/// How every extension a [`Host`] loads is run.
#[derive(Clone)]
pub struct HostOptions {
    /// File access for `wasmcap:fs` and imports from outside the extension's directory.
    pub permissions: Permissions,
    /// Memory budget of each instance, in MiB (see [`crate::Options::max_heap_mb`]).
    pub max_heap_mb: Option<usize>,
    /// The deadline of a call (and of loading), unless [`CallLimits`] says otherwise.
    pub timeout: Duration,
    /// Calls that may wait for one instance before `call` fails with [`CallError::Busy`].
    pub queue: usize,
    /// Deterministic CSPRNG: tests only.
    pub seed: Option<u64>,
    /// The host application's own ops, made afresh for each isolate (see `examples/embed.rs`).
    pub extensions: Option<Arc<dyn Fn() -> Vec<HostExtension> + Send + Sync>>,
}

impl Default for HostOptions {
    fn default() -> Self {
        HostOptions {
            permissions: Permissions::default(),
            max_heap_mb: None,
            timeout: Duration::from_secs(1),
            queue: 1024,
            seed: None,
            extensions: None,
        }
    }
}

/// Limits of one call.
#[derive(Clone, Copy, Debug, Default)]
pub struct CallLimits {
    /// Overrides [`HostOptions::timeout`].
    pub timeout: Option<Duration>,
    /// A heap limit of this call's own, in MiB, below the instance's
    /// ([`HostOptions::max_heap_mb`]): checked after each garbage collection, past it the call
    /// is stopped with `Stopped::OutOfMemory`. ArrayBuffer memory keeps the instance's budget.
    pub max_heap_mb: Option<usize>,
}

/// Why a call (or a load) failed.
#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    /// The extension threw (or its promise rejected).
    Thrown { name: String, message: String, stack: String },
    /// A timeout or out of memory stopped it; the instance is recycled.
    Stopped(Stopped),
    /// The module has no export of that name, or it is not a function.
    NotAFunction { export: String, found: String },
    /// The arguments could not become JS values, or the result not the type asked for.
    Conversion(String),
    /// The function returned a promise that nothing will ever settle.
    NeverSettles { export: String },
    /// The module could not be loaded (missing, syntax error, throws while evaluated).
    Load(String),
    /// Too many calls are waiting for this instance.
    Busy { queued: usize },
    /// The instance's thread is gone (it could not start, or the host shut down).
    Gone,
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Thrown { stack, .. } => write!(f, "Uncaught {stack}"),
            CallError::Stopped(why) => write!(f, "{why}"),
            CallError::NotAFunction { export, found } => {
                write!(f, "the extension has no function export '{export}' (found {found})")
            }
            CallError::Conversion(why) => write!(f, "{why}"),
            CallError::NeverSettles { export } => {
                write!(f, "'{export}' returned a promise that nothing will settle")
            }
            CallError::Load(why) => write!(f, "cannot load the extension: {why}"),
            CallError::Busy { queued } => {
                write!(f, "the extension is busy: {queued} calls are already waiting (HostOptions::queue)")
            }
            CallError::Gone => write!(f, "the extension's thread is gone"),
        }
    }
}

impl std::error::Error for CallError {}

/// Loads extensions. Cheap to clone; each extension lives as long as its handle.
#[derive(Clone)]
pub struct Host {
    options: HostOptions,
}

impl Host {
    pub fn new(options: HostOptions) -> Host {
        Host { options }
    }

    /// Loads the ES module at `path` (relative to the current directory) as an extension: one
    /// instance on a thread of its own.
    pub async fn load(&self, path: impl AsRef<Path>) -> Result<Extension, CallError> {
        self.load_pool(path, 1).await
    }

    /// Loads `instances` instances of one extension, each on its own thread; calls go to the
    /// instance with the fewest calls waiting.
    pub async fn load_pool(&self, path: impl AsRef<Path>, instances: usize) -> Result<Extension, CallError> {
        let path = std::env::current_dir()
            .map(|cwd| cwd.join(path.as_ref()))
            .map_err(|e| CallError::Load(format!("cannot read the current directory: {e}")))?;
        let mut workers = Vec::with_capacity(instances.max(1));
        for _ in 0..instances.max(1) {
            workers.push(Mutex::new(Arc::new(Worker::start(path.clone(), self.options.clone()).await?)));
        }
        Ok(Extension { path, workers: Arc::new(workers), options: self.options.clone() })
    }
}

/// How long an instance may stay busy past a call's deadline plus the caller's margin before
/// it is abandoned: V8 could not interrupt it (a loop its optimizing compiler left without an
/// interrupt check), so a fresh instance takes its place and its thread is left to end alone.
const ABANDON_AFTER: Duration = Duration::from_secs(2);

/// A loaded extension (one instance, or a pool of them). Cheap to clone and `Send`: call it
/// from any task. Dropping the last handle stops its threads and disposes its isolates.
#[derive(Clone)]
pub struct Extension {
    path: PathBuf,
    workers: Arc<Vec<Mutex<Arc<Worker>>>>,
    options: HostOptions,
}

impl Extension {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Calls the exported function `export` with `args` as its one argument (`()` for none)
    /// and returns its result (awaited if it is a promise) as an `R`. Arguments and results
    /// go through `serde_v8`: structs, enums, maps, `Vec`, `Option`, `serde_v8::JsBuffer` /
    /// `ToJsBuffer` for bytes, `serde_v8::BigInt` for 64-bit integers.
    pub async fn call<A, R>(&self, export: &str, args: A) -> Result<R, CallError>
    where
        A: Serialize + Send + 'static,
        R: DeserializeOwned + Send + 'static,
    {
        self.call_with(export, args, CallLimits::default()).await
    }

    /// [`Extension::call`] with limits of its own.
    pub async fn call_with<A, R>(&self, export: &str, args: A, limits: CallLimits) -> Result<R, CallError>
    where
        A: Serialize + Send + 'static,
        R: DeserializeOwned + Send + 'static,
    {
        let (slot, worker) = self
            .workers
            .iter()
            .enumerate()
            .map(|(slot, w)| (slot, w.lock().unwrap_or_else(|e| e.into_inner()).clone()))
            .min_by_key(|(_, w)| w.waiting.load(Ordering::Relaxed))
            .ok_or(CallError::Gone)?;
        let timeout = limits.timeout.unwrap_or(worker.timeout);
        let (reply, mut answer) = oneshot::channel();
        let started = Arc::new(Started::default());
        let job = Job::call::<A, R>(export.to_string(), args, timeout, limits.max_heap_mb, started.clone(), reply);
        worker.send(job, self.options.queue)?;
        // Waiting in the queue does not count against the deadline; running does. The instance
        // stops its own call at the deadline; this side's margin covers work that V8 cannot
        // interrupt (a long builtin), which the instance recycles when it is done.
        let value = loop {
            let wait = match started.at() {
                Some(at) => (at + timeout + CALLER_MARGIN).saturating_duration_since(std::time::Instant::now()),
                None => timeout + CALLER_MARGIN, // still queued: look again then
            };
            match tokio::time::timeout(wait, &mut answer).await {
                Ok(answer) => break answer.map_err(|_| CallError::Gone)??,
                Err(_) if started.at().is_some_and(|at| at.elapsed() >= timeout + CALLER_MARGIN) => {
                    self.abandon_if_stuck(slot, worker, started);
                    return Err(CallError::Stopped(Stopped::TimedOut(timeout)));
                }
                // Queued behind a call that never ended: this one will never run.
                Err(_) if worker.is_abandoned() => return Err(CallError::Gone),
                Err(_) => continue,
            }
        };
        value.downcast::<R>().map(|r| *r).map_err(|_| CallError::Conversion("result of the wrong type".into()))
    }

    /// After [`ABANDON_AFTER`], replaces the instance in `slot` if it is still running the
    /// call that `started` marks (see there). In the background: the caller has its answer.
    fn abandon_if_stuck(&self, slot: usize, worker: Arc<Worker>, started: Arc<Started>) {
        let (workers, path, options) = (self.workers.clone(), self.path.clone(), self.options.clone());
        tokio::spawn(async move {
            tokio::time::sleep(ABANDON_AFTER).await;
            if !worker.is_running(&started) {
                return;
            }
            let Ok(fresh) = Worker::start(path, options).await else { return };
            let mut current = workers[slot].lock().unwrap_or_else(|e| e.into_inner());
            if Arc::ptr_eq(&current, &worker) {
                worker.abandon();
                fresh.recycled.store(worker.recycled.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
                *current = Arc::new(fresh);
            }
        });
    }

    fn each<T>(&self, f: impl Fn(&Worker) -> T) -> Vec<T> {
        self.workers.iter().map(|w| f(&w.lock().unwrap_or_else(|e| e.into_inner()))).collect()
    }

    /// How many calls wait for each instance now.
    pub fn waiting(&self) -> Vec<usize> {
        self.each(|w| w.waiting.load(Ordering::Relaxed))
    }

    /// How many times each instance was recycled after a limit stopped it (or replaced after it
    /// could not be stopped).
    pub fn recycled(&self) -> Vec<usize> {
        self.each(|w| w.recycled.load(Ordering::Relaxed))
    }
}
