//! Where the REPL's output goes on a terminal: straight out while an input is evaluated (the
//! editor waits, nothing is on the line), and above the prompt while the REPL waits for input
//! (timers that fire then must not break the line being typed).
//!
//! Above the prompt means rustyline's `ExternalPrinter`, and its `print` blocks: it hands each
//! message to the editor thread through a channel of one, which is drained only while that
//! thread waits for a key (not during Ctrl+R, nor between two `readline` calls). The runtime
//! thread must never wait on it (the editor may be waiting on the runtime: Tab, Enter), so a
//! relay thread does the printing from a bounded queue. When the queue is full the runtime
//! waits for room (a slow terminal slows the script, as in Node), but at most [`STALL`]: past
//! that the editor is not draining, and output is dropped (and counted) until it does.

use std::io::IsTerminal;
use std::rc::Rc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rustyline::ExternalPrinter;

use crate::Output;

/// The most output held for the relay.
const MAX_QUEUED: usize = 1 << 20;
/// How long a write waits for room in a full queue before output is dropped.
const STALL: Duration = Duration::from_secs(1);
/// How long `finish` waits for the relay's last message to be handed over.
const FINISH_WAIT: Duration = Duration::from_secs(1);

#[derive(Default)]
struct Queue {
    /// The REPL waits at the prompt: output goes to the relay (when there is one).
    above_prompt: bool,
    /// A relay thread is running (there is a terminal to print above).
    relayed: bool,
    text: String,
    /// Bytes dropped since the relay last took the queue.
    dropped: usize,
    /// A write waited [`STALL`] in vain: drop until the relay takes the queue again.
    stalled: bool,
    /// The relay is inside `ExternalPrinter::print`.
    printing: bool,
    closed: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    changed: Condvar,
    /// [`MAX_QUEUED`] and [`STALL`] (smaller in tests).
    max_queued: usize,
    stall: Duration,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn wait_timeout<'a>(&self, queue: MutexGuard<'a, Queue>, timeout: Duration) -> MutexGuard<'a, Queue> {
        self.changed.wait_timeout(queue, timeout).unwrap_or_else(|e| e.into_inner()).0
    }
}

/// Routes the REPL's output (see the module comment). Cheap to clone.
#[derive(Clone)]
pub(super) struct Printer {
    shared: Arc<Shared>,
    /// Errors go above the prompt only when stderr is the terminal too.
    stderr_is_terminal: bool,
}

impl Printer {
    pub(super) fn new() -> Self {
        Self::with_limits(MAX_QUEUED, STALL)
    }

    fn with_limits(max_queued: usize, stall: Duration) -> Self {
        let shared = Shared { queue: Mutex::default(), changed: Condvar::new(), max_queued, stall };
        Printer { shared: Arc::new(shared), stderr_is_terminal: std::io::stderr().is_terminal() }
    }

    /// The runtime's `Output`.
    pub(super) fn output(&self) -> Output {
        let printer = self.clone();
        Output::Writer(Rc::new(move |to_stderr, bytes| printer.write(to_stderr, bytes)))
    }

    fn write(&self, to_stderr: bool, bytes: &[u8]) {
        let mut queue = self.shared.lock();
        if !(queue.above_prompt && queue.relayed) || (to_stderr && !self.stderr_is_terminal) {
            drop(queue);
            return Output::Inherit.write(to_stderr, bytes);
        }
        // One piece always fits in an empty queue, however large.
        let max = self.shared.max_queued;
        let fits = |queue: &Queue| queue.text.is_empty() || queue.text.len() + bytes.len() <= max;
        if !fits(&queue) && !queue.stalled {
            let until = Instant::now() + self.shared.stall;
            while !fits(&queue) && queue.above_prompt {
                let Some(left) = until.checked_duration_since(Instant::now()) else {
                    queue.stalled = true;
                    break;
                };
                queue = self.shared.wait_timeout(queue, left);
            }
            if !queue.above_prompt {
                drop(queue);
                return Output::Inherit.write(to_stderr, bytes);
            }
        }
        if queue.stalled || !fits(&queue) {
            queue.dropped += bytes.len();
        } else {
            queue.text.push_str(&String::from_utf8_lossy(bytes));
        }
        self.shared.changed.notify_all();
    }

    /// Starts the relay that prints through `printer` (from the editor thread, which owns the
    /// line editor that makes it).
    pub(super) fn start_relay(&self, mut printer: impl ExternalPrinter + Send + 'static) -> std::io::Result<()> {
        let shared = self.shared.clone();
        std::thread::Builder::new().name("wasmcap-repl-printer".into()).spawn(move || {
            loop {
                let mut queue = shared.lock();
                while queue.text.is_empty() && queue.dropped == 0 && !queue.closed {
                    queue = shared.changed.wait(queue).unwrap_or_else(|e| e.into_inner());
                }
                if queue.closed {
                    return;
                }
                let mut text = std::mem::take(&mut queue.text);
                if queue.dropped > 0 {
                    text.push_str(&dropped_notice(std::mem::take(&mut queue.dropped)));
                }
                queue.stalled = false;
                queue.printing = true;
                shared.changed.notify_all();
                drop(queue);
                if printer.print(text.clone()).is_err() {
                    // The editor is gone: print it as it is.
                    Output::Inherit.write(false, text.as_bytes());
                }
                shared.lock().printing = false;
                shared.changed.notify_all();
            }
        })?;
        self.shared.lock().relayed = true;
        Ok(())
    }

    /// Output goes above the prompt (the editor is reading a line) or straight out (it waits
    /// for an input to finish). Going straight out first prints what is still queued, so that
    /// it comes before the input's own output.
    pub(super) fn set_above_prompt(&self, above: bool) {
        let mut queue = self.shared.lock();
        queue.above_prompt = above;
        if !above {
            flush_directly(&mut queue);
        }
        self.shared.changed.notify_all();
    }

    /// Stops relaying (the REPL ends while the editor reads a line): waits a bounded time for
    /// the relay's message in progress, then prints the rest straight out.
    pub(super) fn finish(&self) {
        let mut queue = self.shared.lock();
        queue.above_prompt = false;
        let until = Instant::now() + FINISH_WAIT;
        while queue.printing {
            let Some(left) = until.checked_duration_since(Instant::now()) else { break };
            queue = self.shared.wait_timeout(queue, left);
        }
        queue.closed = true;
        flush_directly(&mut queue);
        self.shared.changed.notify_all();
    }
}

fn flush_directly(queue: &mut Queue) {
    let mut text = std::mem::take(&mut queue.text);
    if queue.dropped > 0 {
        text.push_str(&dropped_notice(std::mem::take(&mut queue.dropped)));
    }
    queue.stalled = false;
    if !text.is_empty() {
        Output::Inherit.write(false, text.as_bytes());
    }
}

fn dropped_notice(bytes: usize) -> String {
    format!("[wasmcap: {bytes} bytes of output dropped: the terminal did not take them while at the prompt]\n")
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc::{Receiver, channel};
    use std::time::{Duration, Instant};

    use super::Printer;

    /// An editor that never takes a message (Ctrl+R held open, say): `print` never returns.
    struct NeverDrains(Receiver<()>);

    impl rustyline::ExternalPrinter for NeverDrains {
        fn print(&mut self, _: String) -> rustyline::Result<()> {
            let _ = self.0.recv();
            Ok(())
        }
    }

    #[test]
    fn a_printer_that_never_drains_costs_one_stall_then_output_is_dropped_and_counted() {
        let (_keep_blocked, blocked) = channel();
        let printer = Printer::with_limits(16, Duration::from_millis(200));
        printer.start_relay(NeverDrains(blocked)).unwrap();
        printer.set_above_prompt(true);
        let started = Instant::now();
        for _ in 0..20 {
            printer.write(false, b"0123456789\n");
        }
        let took = started.elapsed();
        // One write waited the stall; the rest were dropped at once (twenty stalls: 4 s).
        assert!(took >= Duration::from_millis(200) && took < Duration::from_millis(1500), "{took:?}");
        let queue = printer.shared.lock();
        // The first went to the relay (stuck in print), the second is queued, the rest dropped.
        assert!(queue.printing);
        assert_eq!((queue.text.as_str(), queue.dropped), ("0123456789\n", 18 * 11));
    }
}
