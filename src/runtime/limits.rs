//! Limits: what stops a script that runs too long or holds too much, and how it is told.
//!
//! Every limit ends in the same place: a [`Stopped`] recorded for the host, then V8's
//! `terminate_execution`, which unwinds the script at its next interrupt check. Some work does
//! not check for interrupts (a blocking system call, a long V8 builtin such as filling a huge
//! array). A runtime that owns its process (the `wasmcap` CLI) therefore has a last resort: if
//! the script has not stopped [`GRACE`] after it was told to, the guard thread prints the same
//! message and ends the process with the same exit code.
//!
//! Memory (`--max-heap MB`) is one budget for what the script can hold:
//! - the V8 heap is capped at it: near the cap the script is terminated (`Stopped::OutOfMemory`),
//!   and a single allocation larger than any headroom reaches V8's fatal-OOM handler, which
//!   prints the same message and exits 1 instead of aborting;
//! - ArrayBuffer backing stores come from [`CountingAllocator`], which refuses what would pass
//!   the budget, so `new ArrayBuffer(n)` throws a RangeError the script can catch;
//! - guest (Wasm) memories are allocated by V8 itself, outside both; in a runtime that owns its
//!   process they count through the process's resident memory, sampled by the guard thread,
//!   which may grow by at most twice the budget above where it started.

use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use deno_core::v8;

/// Why a script was stopped from outside: the error `Runtime::run` returns then (find it
/// with `error.downcast_ref::<Stopped>()`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stopped {
    TimedOut(Duration),
    OutOfMemory { limit_mb: usize },
}

impl Stopped {
    /// The exit code the CLI ends with: 124 for a timeout (as `timeout(1)`), 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            Stopped::TimedOut(_) => 124,
            Stopped::OutOfMemory { .. } => 1,
        }
    }
}

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stopped::TimedOut(after) => {
                write!(f, "timed out: the script was stopped after {} s (--timeout)", after.as_secs_f64())
            }
            Stopped::OutOfMemory { limit_mb } => write!(
                f,
                "out of memory: the script reached its {limit_mb} MB memory limit (raise it with --max-heap)"
            ),
        }
    }
}

impl std::error::Error for Stopped {}

/// How long a script may take to stop after it was told to, before a runtime that owns its
/// process ends the process.
pub const GRACE: Duration = Duration::from_millis(250);

/// How often the guard samples the process's resident memory when it watches it.
const RSS_SAMPLE: Duration = Duration::from_millis(10);

/// The first reason a run was stopped for, shared by the guard thread, the heap callback and
/// the runtime.
#[derive(Clone, Default)]
pub struct StopSignal(Arc<Mutex<Option<Stopped>>>);

impl StopSignal {
    /// Records `why` (unless the run was already stopped for another reason) and tells V8.
    pub fn stop(&self, why: Stopped, isolate: &v8::IsolateHandle) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(why);
        isolate.terminate_execution();
    }

    pub fn get(&self) -> Option<Stopped> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Forgets the reason, for a runtime that goes on after a stop (the REPL).
    pub fn clear(&self) -> Option<Stopped> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// What the guard watches during one run.
pub struct GuardPlan {
    pub deadline: Option<Duration>,
    /// The most the process's resident memory may grow, in bytes, and the MB limit to report.
    pub rss_growth: Option<(u64, usize)>,
    /// End the process if the script does not stop within [`GRACE`].
    pub hard_stop: bool,
}

/// One run being watched: its plan, made absolute.
struct Watch {
    generation: u64,
    deadline: Option<(Instant, Duration)>,
    rss: Option<(u64, u64, usize)>, // (baseline, growth, limit_mb)
    hard_stop: bool,
    told: Option<(Stopped, Instant)>,
}

#[derive(Default)]
struct GuardState {
    watch: Option<Watch>,
    generation: u64,
    closed: bool,
    /// When the guard thread wakes next on its own (`None`: only when notified). Arming need
    /// not wake it if it wakes before the new deadline anyway, and disarming never does: it
    /// finds the run gone when it wakes. So back-to-back calls cost a lock each, no wake-up.
    wakes_at: Option<Instant>,
}

/// One thread per runtime that enforces the plan of the run in progress. Arming and disarming
/// are a lock and a notify (a call into an extension costs microseconds; a thread per run
/// would cost more than the call).
pub struct Guard {
    shared: Arc<(Mutex<GuardState>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

/// Disarms the guard's current run when dropped.
pub struct Armed {
    shared: Arc<(Mutex<GuardState>, Condvar)>,
    generation: u64,
}

impl Guard {
    pub fn new(isolate: v8::IsolateHandle, signal: StopSignal) -> std::io::Result<Guard> {
        let shared = Arc::new((Mutex::new(GuardState::default()), Condvar::new()));
        let thread = {
            let shared = shared.clone();
            std::thread::Builder::new().name("wasmcap-guard".into()).spawn(move || watch(&shared, &isolate, &signal))?
        };
        Ok(Guard { shared, thread: Some(thread) })
    }

    /// Watches one run with `plan` until the returned value is dropped; `None` if the plan has
    /// nothing to watch.
    pub fn arm(&self, plan: GuardPlan) -> Option<Armed> {
        if plan.deadline.is_none() && plan.rss_growth.is_none() {
            return None;
        }
        let now = Instant::now();
        let (lock, wake) = &*self.shared;
        let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
        state.generation += 1;
        let generation = state.generation;
        let watch = Watch {
            generation,
            deadline: plan.deadline.and_then(|d| Some((now.checked_add(d)?, d))),
            rss: plan.rss_growth.map(|(growth, limit_mb)| (resident_bytes(), growth, limit_mb)),
            hard_stop: plan.hard_stop,
            told: None,
        };
        let first_check = match (watch.deadline, watch.rss) {
            (_, Some(_)) => Some(now),
            (Some((deadline, _)), None) => Some(deadline),
            (None, None) => None,
        };
        state.watch = Some(watch);
        if !matches!((state.wakes_at, first_check), (Some(wakes), Some(check)) if wakes <= check) {
            wake.notify_one();
        }
        Some(Armed { shared: self.shared.clone(), generation })
    }
}

impl Drop for Armed {
    fn drop(&mut self) {
        let (lock, wake) = &*self.shared;
        let _ = wake;
        let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
        if state.watch.as_ref().is_some_and(|w| w.generation == self.generation) {
            state.watch = None;
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let (lock, wake) = &*self.shared;
        lock.lock().unwrap_or_else(|e| e.into_inner()).closed = true;
        wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn watch(shared: &(Mutex<GuardState>, Condvar), isolate: &v8::IsolateHandle, signal: &StopSignal) {
    let (lock, wake) = shared;
    let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if state.closed {
            return;
        }
        let now = Instant::now();
        let Some(w) = state.watch.as_mut() else {
            state.wakes_at = None;
            state = wake.wait(state).unwrap_or_else(|e| e.into_inner());
            continue;
        };
        if let Some((why, at)) = w.told {
            if w.hard_stop && now >= at + GRACE {
                hard_exit(&why);
            }
        } else if let Some((deadline, timeout)) = w.deadline.filter(|(d, _)| now >= *d) {
            let _ = deadline;
            let why = Stopped::TimedOut(timeout);
            signal.stop(why, isolate);
            w.told = Some((signal.get().unwrap_or(why), now));
        } else if let Some((baseline, growth, limit_mb)) = w.rss {
            if resident_bytes().saturating_sub(baseline) > growth {
                let why = Stopped::OutOfMemory { limit_mb };
                signal.stop(why, isolate);
                w.told = Some((signal.get().unwrap_or(why), now));
            }
        }
        // Sleep until the next thing to do: the deadline, a memory sample, or the end of grace.
        let next = match w.told {
            Some((_, at)) if w.hard_stop => Some(at + GRACE),
            Some(_) => None,
            None => {
                let sample = w.rss.map(|_| now + RSS_SAMPLE);
                match (w.deadline.map(|(d, _)| d), sample) {
                    (Some(d), Some(s)) => Some(d.min(s)),
                    (d, s) => d.or(s),
                }
            }
        };
        state.wakes_at = next;
        state = match next {
            Some(at) => wake.wait_timeout(state, at.saturating_duration_since(now)).unwrap_or_else(|e| e.into_inner()).0,
            None => wake.wait(state).unwrap_or_else(|e| e.into_inner()),
        };
    }
}

/// Ends the process with `why`'s message and exit code, from any thread, while the script's
/// thread may be stuck anywhere (even holding the stdout lock): raw writes, no destructors.
fn hard_exit(why: &Stopped) -> ! {
    let message = format!("error: {why}\n");
    write_stderr_raw(message.as_bytes());
    // SAFETY: _exit ends the process at once; nothing of ours needs running after this.
    unsafe { libc::_exit(why.exit_code()) }
}

fn write_stderr_raw(mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: writes from a valid buffer to fd 2.
        let n = unsafe { libc::write(2, bytes.as_ptr().cast(), bytes.len()) };
        if n <= 0 {
            return;
        }
        bytes = &bytes[n as usize..];
    }
}

/// The process's resident set in bytes (0 where unknown).
pub fn resident_bytes() -> u64 {
    // Linux: the second field of /proc/self/statm is resident pages.
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|statm| statm.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * page_size())
}

fn page_size() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if size > 0 { size as u64 } else { 4096 }
}

// --- ArrayBuffer memory -------------------------------------------------------------------

/// The bytes of ArrayBuffer backing stores one runtime holds, and the most it may.
pub struct Budget {
    used: AtomicUsize,
    limit: usize,
    /// Set when a request was refused, until the heap-limit callback reads it: V8 runs its
    /// last-resort collection (and so that callback) before it gives up on the request.
    refused: AtomicBool,
}

impl Budget {
    pub fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }

    /// Whether an ArrayBuffer was refused since the last call: if so, V8 is near its heap
    /// limit because of that request, not because the heap is full.
    pub fn take_refusal(&self) -> bool {
        self.refused.swap(false, Ordering::Relaxed)
    }

    fn reserve(&self, len: usize) -> bool {
        let mut used = self.used.load(Ordering::Relaxed);
        loop {
            let Some(next) = used.checked_add(len).filter(|&n| n <= self.limit) else {
                self.refused.store(true, Ordering::Relaxed);
                return false;
            };
            match self.used.compare_exchange_weak(used, next, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return true,
                Err(now) => used = now,
            }
        }
    }

    fn release(&self, len: usize) {
        self.used.fetch_sub(len, Ordering::Relaxed);
    }
}

/// V8's ArrayBuffer allocator for one runtime: malloc'd memory, counted against a budget. A
/// request past the budget returns null, which V8 turns into a RangeError ("Array buffer
/// allocation failed") in the script.
pub struct CountingAllocator;

impl CountingAllocator {
    /// An allocator with `limit` bytes (`usize::MAX`: unlimited) and a handle on its count.
    pub fn new(limit: usize) -> (v8::UniqueRef<v8::Allocator>, Arc<Budget>) {
        let budget = Arc::new(Budget { used: AtomicUsize::new(0), limit, refused: AtomicBool::new(false) });
        static VTABLE: v8::RustAllocatorVtable<Budget> = v8::RustAllocatorVtable {
            allocate: allocate_zeroed,
            allocate_uninitialized,
            free,
            drop: drop_budget,
        };
        // SAFETY: the allocator owns one strong count of `budget`, given back in `drop_budget`.
        let allocator = unsafe { v8::new_rust_allocator(Arc::into_raw(budget.clone()), &VTABLE) };
        (allocator, budget)
    }
}

unsafe extern "C" fn allocate_zeroed(budget: &Budget, len: usize) -> *mut c_void {
    if !budget.reserve(len) {
        return std::ptr::null_mut();
    }
    // calloc(0) may return null, which V8 would read as failure: ask for at least one byte.
    // SAFETY: plain libc allocation.
    let ptr = unsafe { libc::calloc(len.max(1), 1) };
    if ptr.is_null() {
        budget.release(len);
    }
    ptr
}

unsafe extern "C" fn allocate_uninitialized(budget: &Budget, len: usize) -> *mut c_void {
    if !budget.reserve(len) {
        return std::ptr::null_mut();
    }
    // SAFETY: plain libc allocation.
    let ptr = unsafe { libc::malloc(len.max(1)) };
    if ptr.is_null() {
        budget.release(len);
    }
    ptr
}

unsafe extern "C" fn free(budget: &Budget, data: *mut c_void, len: usize) {
    // SAFETY: `data` came from calloc/malloc above.
    unsafe { libc::free(data) };
    budget.release(len);
}

unsafe extern "C" fn drop_budget(budget: *const Budget) {
    // SAFETY: the strong count handed over in `CountingAllocator::new`.
    drop(unsafe { Arc::from_raw(budget) });
}

// --- V8's fatal out-of-memory handler -----------------------------------------------------

/// The `--max-heap` limit to name when V8 runs out of memory for good (0: none set).
static FATAL_OOM_LIMIT_MB: AtomicUsize = AtomicUsize::new(0);
/// Whether the fatal-OOM handler may end the process (the CLI) instead of letting V8 abort it.
static FATAL_OOM_EXITS: AtomicBool = AtomicBool::new(false);

/// Installs the fatal-OOM handler on `isolate`. V8 calls it when an allocation cannot be
/// satisfied at all (one allocation larger than any headroom); V8 aborts the process when it
/// returns, so a runtime that owns its process exits 1 with the usual message first.
pub fn handle_fatal_oom(isolate: &mut v8::Isolate, limit_mb: Option<usize>, owns_process: bool) {
    FATAL_OOM_LIMIT_MB.store(limit_mb.unwrap_or(0), Ordering::Relaxed);
    if owns_process {
        FATAL_OOM_EXITS.store(true, Ordering::Relaxed);
    }
    isolate.set_oom_error_handler(on_fatal_oom);
}

unsafe extern "C" fn on_fatal_oom(_location: *const std::ffi::c_char, _details: &v8::OomDetails) {
    let limit_mb = FATAL_OOM_LIMIT_MB.load(Ordering::Relaxed);
    let why = if limit_mb > 0 {
        Stopped::OutOfMemory { limit_mb }.to_string()
    } else {
        "out of memory: V8 could not allocate what the script asked for (limit it with --max-heap)".to_string()
    };
    if FATAL_OOM_EXITS.load(Ordering::Relaxed) {
        write_stderr_raw(format!("error: {why}\n").as_bytes());
        // SAFETY: see hard_exit.
        unsafe { libc::_exit(1) }
    }
    write_stderr_raw(format!("wasmcap: fatal: {why}; V8 cannot continue and aborts the process\n").as_bytes());
}
