//! Ctrl+C during an evaluation.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use deno_core::futures::task::AtomicWaker;
use deno_core::v8;

/// Lets Ctrl+C stop a running evaluation. While the line editor waits for input the terminal
/// is in raw mode and Ctrl+C is a key (the editor thread calls `interrupt` if the runtime does
/// not answer it); while an input runs it is a SIGINT, which a watcher thread turns into
/// `terminate_execution` on the isolate that is running.
pub(super) struct Interrupter {
    /// The isolate running an evaluation right now, if any.
    running: Mutex<Option<v8::IsolateHandle>>,
    interrupted: AtomicBool,
    /// Wakes the event loop when the evaluation is waiting (a timer, say) rather than running.
    pub(super) waker: AtomicWaker,
}

impl Interrupter {
    pub(super) fn install() -> anyhow::Result<Arc<Self>> {
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
                    watcher.interrupt();
                }
            })
            .context("cannot start the Ctrl+C watcher")?;
        Ok(interrupter)
    }

    /// Interrupts what the isolate runs, if it runs something (an evaluation, or the timers
    /// that fire while the REPL waits for input): from SIGINT, or Ctrl+C at the prompt.
    pub(super) fn interrupt(&self) {
        let running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(isolate) = running.as_ref() {
            self.interrupted.store(true, Ordering::SeqCst);
            isolate.terminate_execution();
            self.waker.wake();
        }
    }

    pub(super) fn begin(&self, isolate: v8::IsolateHandle) {
        self.interrupted.store(false, Ordering::SeqCst);
        *self.running.lock().unwrap_or_else(|e| e.into_inner()) = Some(isolate);
    }

    /// Ends the evaluation; returns whether it was interrupted. After this, no termination can
    /// reach the isolate (the watcher holds the lock while it terminates).
    pub(super) fn end(&self) -> bool {
        self.running.lock().unwrap_or_else(|e| e.into_inner()).take();
        self.interrupted.load(Ordering::SeqCst)
    }

    pub(super) fn was_interrupted(&self) -> bool {
        self.interrupted.load(Ordering::SeqCst)
    }
}
